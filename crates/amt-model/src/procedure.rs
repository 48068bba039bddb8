//! A checked procedure: its metadata, its form and its code lists.

use crate::formats::TextFormat;
use crate::{Duration, Example, Expr, I18n, Literal, Means, Severity, TrustLevel, Ty, Workflow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A checked procedure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Procedure {
    /// The shape version of this JSON ([`MODEL_VERSION`](crate::MODEL_VERSION)).
    pub model_version: String,
    /// The procedure's id (its name), also the output folder name.
    pub id: String,
    /// The source file, relative to the project root.
    pub source: String,
    /// Semantic version.
    pub version: String,
    /// Title per language.
    pub title: I18n,
    /// Short description per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<I18n>,
    /// The 14-digit LeiKa key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leika: Option<String>,
    /// The id of its FIM Stammdatenschema (S and 11 digits), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<String>,
    /// That schema's version, where the source names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim_version: Option<String>,
    /// The source language first, then the others.
    pub languages: Vec<String>,
    /// Legal references.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
    /// The kind of authority responsible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<Authority>,
    /// Identification required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Data protection facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<Privacy>,
    /// Fees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Fee>,
    /// Computed values of the whole procedure that are not fees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub computed: Vec<Node>,
    /// What each municipality may or must set. A build for a municipality
    /// turns each into a computed value of the procedure (see
    /// [`Procedure::instantiate`]), so that every evaluator reads it as one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    /// Where a municipality may add questions of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtensionPoint>,
    /// Statutory deadlines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<Deadline>,
    /// The steps of the form.
    pub pages: Vec<Page>,
    /// Attachments asked for outside any page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Node>,
    /// Every code list a field of this procedure uses, by name. Shared
    /// between procedures where they are the same (the list of countries).
    pub codelists: BTreeMap<String, std::sync::Arc<Codelist>>,
    /// Example submissions and what their author expects (`amt test`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// The way from application to decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<Workflow>,
}

/// A place in the form where a municipality may add questions of its own
/// (`extension zusatz "Angaben Ihrer Gemeinde"`). A municipality's build
/// holds them there as a group of that name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExtensionPoint {
    /// Its name, the additions' group.
    pub id: String,
    /// The additions' heading, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<I18n>,
    /// The data path of the group it stands in (empty at the top).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub within: String,
}

/// The deepest nesting of a model amt reads back (`procedure.json`): far
/// beyond what the parser lets an expression reach, far below what exhausts
/// the reader's stack.
pub const MAX_MODEL_DEPTH: usize = 20_000;

impl Procedure {
    /// The language the procedure is written in (its first).
    pub fn source_language(&self) -> &str {
        self.languages.first().map_or("de", String::as_str)
    }

    /// The nodes at the top of the data: the items of every page, then the
    /// attachments and computed values outside pages.
    pub fn top_nodes(&self) -> impl Iterator<Item = &Node> {
        self.pages
            .iter()
            .flat_map(|page| &page.items)
            .chain(&self.attachments)
            .chain(&self.computed)
    }

    /// The procedure as one municipality serves it: each parameter becomes
    /// a computed value of the procedure, placed before the others, whose
    /// expression is `values` gives for it (the value in force on the
    /// submission date, see the compiler's municipalities), else its
    /// default. The parameters stay listed, so the model still says what was
    /// set. `None` names the first parameter that has neither.
    pub fn instantiate(
        &mut self,
        mut values: impl FnMut(&Parameter) -> Option<(Expr, Vec<LegalRef>)>,
    ) -> Result<(), String> {
        let mut nodes = Vec::with_capacity(self.parameters.len());
        for p in &self.parameters {
            let (value, legal) = match values(p) {
                Some(v) => v,
                None => match &p.default {
                    Some(d) => (d.clone(), p.legal.clone()),
                    None => return Err(p.id.clone()),
                },
            };
            nodes.push(Node {
                id: p.id.clone(),
                path: p.id.clone(),
                kind: NodeKind::Computed {
                    ty: p.ty.clone(),
                    value,
                },
                label: Some(p.label.clone()),
                item_label: None,
                hint: None,
                required: false,
                repeat: None,
                when: None,
                rules: Vec::new(),
                legal,
                fim: None,
                fim_version: None,
                personal: None,
                autocomplete: None,
                prefill: None,
            });
        }
        nodes.append(&mut self.computed);
        self.computed = nodes;
        Ok(())
    }

    /// Every text a person reads in the form, for a pass that rewrites
    /// them: the title and description, pages, each node's label, item
    /// label, hint, notes and rule messages, fees and deadlines.
    pub fn texts_mut(&mut self, f: &mut impl FnMut(&mut I18n)) {
        fn node(n: &mut Node, f: &mut impl FnMut(&mut I18n)) {
            for t in [&mut n.label, &mut n.item_label, &mut n.hint]
                .into_iter()
                .flatten()
            {
                f(t);
            }
            for r in &mut n.rules {
                f(&mut r.message);
            }
            match &mut n.kind {
                NodeKind::Note { text } => f(text),
                NodeKind::Group { items, .. } => {
                    for i in items {
                        node(i, f);
                    }
                }
                _ => {}
            }
        }
        f(&mut self.title);
        if let Some(d) = &mut self.description {
            f(d);
        }
        for page in &mut self.pages {
            f(&mut page.label);
            for n in &mut page.items {
                node(n, f);
            }
        }
        for n in self.attachments.iter_mut().chain(&mut self.computed) {
            node(n, f);
        }
        for fee in &mut self.fees {
            f(&mut fee.label);
        }
        for d in &mut self.deadlines {
            f(&mut d.label);
        }
    }

    /// Every node: the top nodes and everything their groups hold, each
    /// group before its items, in form order.
    pub fn all_nodes(&self) -> AllNodes<'_> {
        let mut stack = vec![self.computed.iter(), self.attachments.iter()];
        stack.extend(self.pages.iter().rev().map(|page| page.items.iter()));
        AllNodes { stack }
    }
    /// Reads a model written by amt (`procedure.json`). Expressions nest as
    /// deep as their source allows, deeper than serde_json's default limit
    /// of 128, so the model is read on a thread with a large stack after a
    /// scan has bounded its depth.
    pub fn from_json(text: &str) -> Result<Procedure, String> {
        let depth = json_depth(text);
        if depth > MAX_MODEL_DEPTH {
            return Err(format!(
                "nested {depth} levels deep; amt writes at most {MAX_MODEL_DEPTH}"
            ));
        }
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(crate::STACK)
                .spawn_scoped(scope, || {
                    let mut de = serde_json::Deserializer::from_str(text);
                    de.disable_recursion_limit();
                    let p = Procedure::deserialize(&mut de).map_err(|e| e.to_string())?;
                    de.end().map_err(|e| e.to_string())?;
                    Ok(p)
                })
                .map_err(|e| format!("cannot start a thread to read the model: {e}"))?
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))
        })
    }
}

/// The deepest nesting of arrays and objects in JSON text (strings skipped).
fn json_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A citation with an optional http(s) link.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LegalRef {
    /// E.g. `§ 17 Abs. 1 BMG`.
    pub citation: String,
    /// A link to the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The kind of authority that handles the procedure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Authority {
    /// Machine name, e.g. `meldebehoerde`.
    pub id: String,
    /// Label per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<I18n>,
}

/// Identification: minimum trust level and accepted means.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Identity {
    /// The minimum trust level (eIDAS Art. 8).
    pub level: TrustLevel,
    /// The accepted means, in the author's order.
    pub means: Vec<Means>,
}

/// Data protection facts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Privacy {
    /// Purpose of processing, per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<I18n>,
    /// Legal basis of processing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// How long data is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Retention>,
}

/// How long data is kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retention {
    /// A period.
    Period(Duration),
    /// A rule in words, per language.
    Text(I18n),
}

/// A fee: a computed money value of the form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fee {
    /// The fee's name; its value is the computed node of the same path.
    pub id: String,
    /// Label per language.
    pub label: I18n,
    /// How it is computed.
    pub value: Expr,
    /// Legal basis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
}

/// What a municipality may or must set for a procedure: a fee rate of its
/// statute, a deadline of its own.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Parameter {
    /// Its name, read in expressions like a computed value's.
    pub id: String,
    /// Label per language.
    pub label: I18n,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: Ty,
    /// The least value allowed (a literal), if the law sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Literal>,
    /// The greatest value allowed (a literal), if the law sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Literal>,
    /// The value where no municipality sets one; without it, every
    /// municipality that offers the procedure must.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Expr>,
    /// Legal basis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
}

/// A statutory deadline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deadline {
    /// Its name.
    pub id: String,
    /// Label per language.
    pub label: I18n,
    /// How long.
    pub duration: Duration,
    /// The date field it runs from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Legal basis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
}

/// One step of the form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    /// Its name.
    pub id: String,
    /// Label per language.
    pub label: I18n,
    /// Shown only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Expr>,
    /// Fields, groups, computed values, attachments and notes in order.
    pub items: Vec<Node>,
}

/// A node of the form: data (field, group, computed value, attachment) or
/// static content (note).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    /// The name; unique among siblings.
    pub id: String,
    /// The absolute data path, e.g. `person.ehe.datum`.
    pub path: String,
    /// What it is.
    #[serde(flatten)]
    pub kind: NodeKind,
    /// Label per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<I18n>,
    /// The label of one item of a repeated group, where it is not the
    /// group's: `group kinder: kind[0..4] "Kinder"` has the items "Kind 1",
    /// "Kind 2", … (the declared group's label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_label: Option<I18n>,
    /// Hint per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<I18n>,
    /// Must be answered (when shown).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Repeats between min and max times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Cardinality>,
    /// Shown only when this holds (own condition; ancestors' apply too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Expr>,
    /// Rules checked on this node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Legal references.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
    /// FIM id (F… for fields and attachments, G… for groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<String>,
    /// The version of the FIM element, where the source names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim_version: Option<String>,
    /// Personal-data class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal: Option<PersonalClass>,
    /// HTML autocomplete token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
    /// Prefill from an identity attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
}

impl Node {
    /// Whether the submission carries the node's answer: fields, groups and
    /// attachments do; computed values and notes do not.
    pub fn is_data(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Field { .. } | NodeKind::Group { .. } | NodeKind::Attachment { .. }
        )
    }

    /// Whether an answer must be given where the node applies: it is
    /// required, or repeats at least once.
    pub fn demanded(&self) -> bool {
        self.required || self.repeat.is_some_and(|r| r.min > 0)
    }

    /// The node's own expressions (not those of what it holds): its
    /// condition, its rules, its computed value and its bounds.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        let (value, bounds) = match &self.kind {
            NodeKind::Computed { value, .. } => (Some(value), None),
            NodeKind::Field { ty } => (None, ty.bounds()),
            _ => (None, None),
        };
        self.when
            .iter()
            .chain(self.rules.iter().map(|r| &r.condition))
            .chain(value)
            .chain(bounds.into_iter().flat_map(|b| b.min.iter().chain(&b.max)))
    }
}

/// Every node of a procedure ([`Procedure::all_nodes`]).
#[derive(Debug)]
pub struct AllNodes<'p> {
    stack: Vec<std::slice::Iter<'p, Node>>,
}

impl<'p> Iterator for AllNodes<'p> {
    type Item = &'p Node;

    fn next(&mut self) -> Option<&'p Node> {
        loop {
            let top = self.stack.last_mut()?;
            match top.next() {
                Some(node) => {
                    if let NodeKind::Group { items, .. } = &node.kind {
                        self.stack.push(items.iter());
                    }
                    return Some(node);
                }
                None => {
                    self.stack.pop();
                }
            }
        }
    }
}

/// The kinds of nodes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NodeKind {
    /// An input.
    Field {
        /// Its type and constraints.
        #[serde(rename = "type")]
        ty: FieldType,
    },
    /// A set of nodes.
    Group {
        /// The reusable group it instantiates, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        /// Its children.
        items: Vec<Node>,
    },
    /// A read-only derived value.
    Computed {
        /// Its type.
        #[serde(rename = "type")]
        ty: Ty,
        /// How it is computed.
        value: Expr,
    },
    /// A file upload.
    Attachment {
        /// Accepted media types.
        media_types: Vec<String>,
        /// Largest file, in bytes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_bytes: Option<u64>,
        /// How many files.
        count: Cardinality,
    },
    /// Static content.
    Note {
        /// The text per language.
        text: I18n,
    },
}

/// How many: `min..max` (no max: unbounded).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Cardinality {
    /// At least.
    pub min: u64,
    /// At most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

/// Personal-data classes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PersonalClass {
    /// Ordinary personal data (Art. 4 Nr. 1 DSGVO).
    Ordinary,
    /// Special categories (Art. 9 DSGVO), e.g. religion.
    Special,
}

/// Prefill from identification.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prefill {
    /// amt's attribute name, e.g. `given_name`.
    pub attribute: String,
    /// Whether the user may not change it.
    pub locked: bool,
    /// The attribute's name in each accepted means' catalogue.
    pub sources: BTreeMap<Means, String>,
}

/// A rule: a condition that must hold, else the message is shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    /// Whether a broken rule refuses the submission or only warns.
    pub severity: Severity,
    /// What must hold.
    pub condition: Expr,
    /// What to tell the user, per language.
    pub message: I18n,
}

/// A field's type with its constraints.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "base", rename_all = "snake_case")]
pub enum FieldType {
    /// Text on one line, or several with `multiline`.
    Text {
        /// Several lines.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        multiline: bool,
        /// Fewest characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u64>,
        /// Most characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u64>,
        /// A portable regular expression the whole value must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
        /// What to tell a person whose answer does not match the pattern
        /// (or the format's shape), per language.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern_message: Option<I18n>,
        /// A built-in refinement, e.g. `iban`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<TextFormat>,
        /// The named type the field was declared with, e.g. `fin`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        named: Option<String>,
    },
    /// A whole number.
    Integer {
        /// Bounds.
        #[serde(flatten)]
        bounds: Bounds,
    },
    /// A decimal number.
    Decimal {
        /// Digits after the point.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<u64>,
        /// Bounds.
        #[serde(flatten)]
        bounds: Bounds,
    },
    /// Euros, exact to the cent.
    Money {
        /// Bounds.
        #[serde(flatten)]
        bounds: Bounds,
    },
    /// Yes or no.
    Boolean,
    /// Must be accepted (yes).
    Consent,
    /// A calendar date.
    Date {
        /// Bounds.
        #[serde(flatten)]
        bounds: Bounds,
    },
    /// A time of day.
    Time {
        /// Bounds.
        #[serde(flatten)]
        bounds: Bounds,
    },
    /// A date and time.
    Datetime {
        /// Bounds.
        #[serde(flatten)]
        bounds: Bounds,
    },
    /// One or several values of a code list.
    Choice {
        /// The code list's name (a key of the procedure's `codelists`).
        codelist: String,
        /// Several values may be chosen.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        multiple: bool,
    },
}

impl FieldType {
    /// The bounds of a number, date or time.
    pub fn bounds(&self) -> Option<&Bounds> {
        match self {
            FieldType::Integer { bounds }
            | FieldType::Decimal { bounds, .. }
            | FieldType::Money { bounds }
            | FieldType::Date { bounds }
            | FieldType::Time { bounds }
            | FieldType::Datetime { bounds } => Some(bounds),
            _ => None,
        }
    }
}

/// Lower and upper bounds as expressions (constants, `today - 18 years`,
/// another field).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Bounds {
    /// Lowest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Expr>,
    /// Highest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Expr>,
}

/// A code list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Codelist {
    /// Label per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<I18n>,
    /// The external list it follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CodelistSource>,
    /// Its columns: more values of each code, read in expressions as
    /// `field.column`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<CodeColumn>,
    /// The values in order.
    pub values: Vec<Code>,
}

impl Codelist {
    /// The value of `code` in `column`, if both exist.
    pub fn cell(&self, code: &str, column: &str) -> Option<&crate::Literal> {
        self.values
            .iter()
            .find(|c| c.code == code)
            .and_then(|c| c.cells.get(column))
    }
}

/// A column of a code list: one more value of each code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeColumn {
    /// Its name.
    pub name: String,
    /// Label per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<I18n>,
    /// The type of its values.
    #[serde(rename = "type")]
    pub ty: Ty,
}

/// Reference to an external code list (e.g. XRepository).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodelistSource {
    /// Its URN.
    pub urn: String,
    /// Its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// One value of a code list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Code {
    /// The code submitted.
    pub code: String,
    /// Label per language.
    pub label: I18n,
    /// Its value in each column of the list.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cells: BTreeMap<String, crate::Literal>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(id: &str, path: &str) -> serde_json::Value {
        serde_json::json!({"id": id, "path": path, "kind": "field", "type": {"base": "boolean"}})
    }

    /// Two pages, a group with a nested group, an attachment and a computed
    /// value outside the pages.
    fn sample() -> Procedure {
        let json = serde_json::json!({
            "model_version": "1", "id": "p", "source": "p.amt", "version": "1.0.0",
            "title": {"de": "P"}, "languages": ["de-AT", "en"], "codelists": {},
            "pages": [
                {"id": "a", "label": {}, "items": [
                    field("x", "x"),
                    {"id": "g", "path": "g", "kind": "group", "items": [
                        field("y", "g.y"),
                        {"id": "h", "path": "g.h", "kind": "group", "items": [field("z", "g.h.z")]},
                    ]},
                ]},
                {"id": "b", "label": {}, "items": [field("w", "w")]},
            ],
            "attachments": [{"id": "f", "path": "f", "kind": "attachment", "media_types": [], "count": {"min": 0}}],
            "computed": [{"id": "c", "path": "c", "kind": "computed", "type": {"base": "boolean"},
                "value": {"type": {"base": "boolean"}, "op": "literal", "value": {"type": "boolean", "value": true}}}],
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn all_nodes_are_in_form_order_with_groups_before_their_items() {
        let p = sample();
        let paths: Vec<&str> = p.all_nodes().map(|n| n.path.as_str()).collect();
        assert_eq!(paths, ["x", "g", "g.y", "g.h", "g.h.z", "w", "f", "c"]);
        let top: Vec<&str> = p.top_nodes().map(|n| n.id.as_str()).collect();
        assert_eq!(top, ["x", "g", "w", "f", "c"]);
        assert_eq!(p.source_language(), "de-AT");
    }

    #[test]
    fn data_nodes_are_what_the_submission_carries() {
        let p = sample();
        let data: Vec<&str> = p
            .all_nodes()
            .filter(|n| n.is_data())
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(data, ["x", "g", "y", "h", "z", "w", "f"]);
        let c = p.all_nodes().find(|n| n.id == "c").unwrap();
        assert_eq!(c.exprs().count(), 1, "a computed value's own expression");
    }
}
