//! `index.html` per procedure and language, the list of procedures, and the
//! shared assets: forms that work without JavaScript.
//!
//! The templates live in `templates/` (embedded at build time) and a
//! municipality can override any of them, and the stylesheet, from a folder
//! of its own (`amt build --templates DIR`). This module builds the view
//! model the templates read; every value is escaped by minijinja, whose
//! `.html` templates auto-escape.
//!
//! Without JavaScript every page of the form is a section of one page; a
//! conditional part carries a sentence saying when it applies, and native
//! constraints (`required`, `pattern`, `maxlength`, `min`/`max`) appear only
//! where they hold whatever the other answers are.

use crate::ir::{
    self, Expr, ExprKind, FieldType, Function, I18n, Literal, Node, NodeKind, Procedure,
};
use amt_model::{BinaryOp, Means, TrustLevel, UnaryOp, is_german};
use minijinja::Environment;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

/// The default templates and stylesheet, as shipped.
const DEFAULTS: &[(&str, &str)] = &[
    (
        "procedure.html",
        include_str!("../../../../templates/procedure.html"),
    ),
    (
        "macros.html",
        include_str!("../../../../templates/macros.html"),
    ),
    (
        "index.html",
        include_str!("../../../../templates/index.html"),
    ),
];
/// The script that enhances the forms, as shipped.
pub const SCRIPT: &str = include_str!("../../../../assets/amt.js");
/// The stylesheet, as shipped.
pub const STYLESHEET: &str = include_str!("../../../../assets/amt.css");

/// Choice lists with more values than this are a select, not radio buttons.
const RADIO_LIMIT: usize = 7;
/// Slots rendered for a repeat without JavaScript, at most.
const SLOTS: u64 = 3;

/// Fixed texts of the form's frame, per language (German, else English).
#[derive(Serialize, Clone)]
struct Texts {
    skip: &'static str,
    skip_index: &'static str,
    languages: &'static str,
    about: &'static str,
    legal: &'static str,
    fees: &'static str,
    submit: &'static str,
    optional: &'static str,
    choose: &'static str,
    computed_later: &'static str,
    generated: &'static str,
    index_title: &'static str,
    yes: &'static str,
    no: &'static str,
    /// `de` on pages in another language: citations of German law are German.
    legal_lang: &'static str,
}

fn texts(lang: &str) -> Texts {
    if amt_model::is_german(lang) {
        Texts {
            skip: "Zum Formular springen",
            skip_index: "Zur Liste springen",
            languages: "Sprache",
            about: "Über dieses Verfahren",
            legal: "Rechtsgrundlage",
            fees: "Gebühren",
            submit: "Antrag absenden",
            optional: "optional",
            choose: "Bitte wählen",
            computed_later: "wird aus Ihren Angaben berechnet",
            generated: "Dieses Formular wurde mit amt erstellt.",
            index_title: "Verfahren",
            yes: "ja",
            no: "nein",
            legal_lang: "",
        }
    } else {
        Texts {
            skip: "Skip to the form",
            skip_index: "Skip to the list",
            languages: "Language",
            about: "About this procedure",
            legal: "Legal basis",
            fees: "Fees",
            submit: "Submit application",
            optional: "optional",
            choose: "Please choose",
            computed_later: "is computed from your answers",
            generated: "This form was made with amt.",
            index_title: "Procedures",
            yes: "yes",
            no: "no",
            legal_lang: "de",
        }
    }
}

/// The name of a language in itself.
fn language_name(lang: &str) -> String {
    match lang {
        "de" => "Deutsch".into(),
        "en" => "English".into(),
        "fr" => "Français".into(),
        "tr" => "Türkçe".into(),
        "ar" => "العربية".into(),
        "uk" => "Українська".into(),
        "ru" => "Русский".into(),
        "pl" => "Polski".into(),
        other => other.to_string(),
    }
}

/// The file of a procedure's form in a language.
pub fn page_file(p: &Procedure, lang: &str) -> String {
    if p.languages.first().is_none_or(|l| l == lang) {
        "index.html".into()
    } else {
        format!("index.{lang}.html")
    }
}

#[derive(Serialize)]
struct LangLink {
    lang: String,
    label: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct Opt {
    value: String,
    label: String,
    id: String,
    required: bool,
}

#[derive(Serialize)]
struct Slot {
    id: String,
    index: u64,
    legend: String,
    optional: bool,
    items: Vec<Item>,
}

#[derive(Serialize, Default)]
struct Item {
    kind: &'static str,
    id: String,
    name: String,
    label: String,
    text: String,
    hint: Option<String>,
    when: Option<String>,
    prefill: Option<String>,
    optional: bool,
    legal: Vec<ir::LegalRef>,
    attrs: Vec<(&'static str, Option<String>)>,
    describedby: Vec<String>,
    options: Vec<Opt>,
    /// A select's options, rendered once per list and build by the macro
    /// `select_options` (a country list is long and asked several times).
    #[serde(skip_serializing_if = "Option::is_none")]
    options_html: Option<minijinja::Value>,
    /// A select's list: its options are made from it only when they are not
    /// rendered already ([`render_select_options`]).
    #[serde(skip)]
    list: Option<std::sync::Arc<ir::Codelist>>,
    input: &'static str,
    multiple: bool,
    unit: Option<String>,
    items: Vec<Item>,
    slots: Vec<Slot>,
    /// For repeats: the fewest and most items.
    min: u64,
    max: Option<u64>,
}

#[derive(Serialize)]
struct Step {
    id: String,
    number: String,
    title: String,
    when: Option<String>,
    items: Vec<Item>,
}

#[derive(Serialize)]
struct FeeView {
    id: String,
    label: String,
    text: String,
    legal: Vec<ir::LegalRef>,
}

/// How a node sits in the form.
#[derive(Clone)]
struct Place {
    /// The submitted name's prefix, e.g. `person[0]`.
    name: String,
    /// The element id's prefix.
    id: String,
    /// Everything above applies and is given whatever the answers are.
    certain: bool,
    /// Not inside a second or later repeat item: about the applicant, so
    /// autocomplete and prefill apply.
    first: bool,
}

struct View<'p> {
    p: &'p Procedure,
    lang: &'p str,
    source: &'p str,
    labels: HashMap<&'p str, &'p Node>,
    t: Texts,
}

fn op_words(op: BinaryOp, de: bool) -> &'static str {
    use BinaryOp::*;
    match (op, de) {
        (Lt, true) => "kleiner als",
        (Le, true) => "höchstens",
        (Gt, true) => "größer als",
        (Ge, true) => "mindestens",
        (Eq, true) => "gleich",
        (Ne, true) => "nicht gleich",
        (Lt, false) => "less than",
        (Le, false) => "at most",
        (Gt, false) => "greater than",
        (Ge, false) => "at least",
        (Eq, false) => "equal to",
        (Ne, false) => "not equal to",
        (_, true) => "verknüpft mit",
        (_, false) => "combined with",
    }
}

impl<'p> View<'p> {
    fn text(&self, t: &'p I18n) -> String {
        t.pick(self.lang, self.source)
            .unwrap_or_default()
            .to_string()
    }

    fn label_of(&self, path: &str) -> String {
        self.labels
            .get(path)
            .and_then(|n| n.label.as_ref())
            .map(|l| self.quote(&self.text(l)))
            .unwrap_or_else(|| self.quote(path))
    }

    fn quote(&self, s: &str) -> String {
        if is_german(self.lang) {
            format!("„{s}“")
        } else {
            format!("“{s}”")
        }
    }

    /// A code's label in the list of the field at `path`.
    fn code_label(&self, path: Option<&str>, code: &str) -> String {
        let list = path
            .and_then(|p| self.labels.get(p))
            .and_then(|n| match &n.kind {
                NodeKind::Field {
                    ty: FieldType::Choice { codelist, .. },
                } => self.p.codelists.get(codelist),
                _ => None,
            });
        list.and_then(|l| l.values.iter().find(|v| v.code == code))
            .map(|v| self.text(&v.label))
            .unwrap_or_else(|| code.to_string())
    }

    fn value_words(&self, e: &'p Expr, field: Option<&str>) -> String {
        match &e.kind {
            ExprKind::Literal { value } => match value {
                Literal::Code(c) => self.code_label(field, c),
                Literal::Boolean(b) => if *b { self.t.yes } else { self.t.no }.to_string(),
                Literal::Date(d) => amt_model::date::Date::parse(d)
                    .map(|d| {
                        if is_german(self.lang) {
                            format!("{:02}.{:02}.{}", d.day, d.month, d.year)
                        } else {
                            d.to_string()
                        }
                    })
                    .unwrap_or_else(|| d.clone()),
                other => other.to_string(),
            },
            ExprKind::List { items } => {
                let or = if is_german(self.lang) {
                    " oder "
                } else {
                    " or "
                };
                items
                    .iter()
                    .map(|i| self.value_words(i, field))
                    .collect::<Vec<_>>()
                    .join(or)
            }
            ExprKind::Ref { path } => self.label_of(path),
            ExprKind::Today => if is_german(self.lang) {
                "heute"
            } else {
                "today"
            }
            .into(),
            _ => e.to_string(),
        }
    }

    /// A condition in words, e.g. `„Die neue Wohnung ist“: Hauptwohnung oder Nebenwohnung`.
    fn words(&self, e: &'p Expr) -> String {
        let d = is_german(self.lang);
        match &e.kind {
            ExprKind::Ref { path } => format!("{}: {}", self.label_of(path), self.t.yes),
            ExprKind::Unary {
                operator: UnaryOp::Not,
                operand,
            } => match &operand.kind {
                ExprKind::Ref { path } => format!("{}: {}", self.label_of(path), self.t.no),
                ExprKind::Call { function, args, .. } if *function == Function::Filled => {
                    match args.first().map(|a| &a.kind) {
                        Some(ExprKind::Ref { path }) => format!(
                            "{} {}",
                            self.label_of(path),
                            if d {
                                "ist nicht ausgefüllt"
                            } else {
                                "is not filled in"
                            }
                        ),
                        _ => e.to_string(),
                    }
                }
                _ => format!(
                    "{} ({})",
                    if d { "nicht" } else { "not" },
                    self.words(operand)
                ),
            },
            ExprKind::Binary {
                operator,
                left,
                right,
            } => match operator {
                BinaryOp::And | BinaryOp::Or => {
                    let join = match (operator, d) {
                        (BinaryOp::And, true) => " und ",
                        (BinaryOp::And, false) => " and ",
                        (_, true) => " oder ",
                        (_, false) => " or ",
                    };
                    let part = |x: &'p Expr| match &x.kind {
                        ExprKind::Binary { operator: o, .. }
                            if matches!(o, BinaryOp::And | BinaryOp::Or) && o != operator =>
                        {
                            format!("({})", self.words(x))
                        }
                        _ => self.words(x),
                    };
                    format!("{}{join}{}", part(left), part(right))
                }
                BinaryOp::Eq | BinaryOp::In | BinaryOp::Ne | BinaryOp::NotIn => {
                    let field = match &left.kind {
                        ExprKind::Ref { path } => Some(path.as_str()),
                        _ => None,
                    };
                    let negated = matches!(operator, BinaryOp::Ne | BinaryOp::NotIn);
                    let not = if negated {
                        if d { "nicht " } else { "not " }
                    } else {
                        ""
                    };
                    match (&left.kind, &right.kind) {
                        (
                            ExprKind::Literal {
                                value: Literal::Code(c),
                            },
                            ExprKind::Ref { path },
                        ) => {
                            format!(
                                "{}: {not}{}",
                                self.label_of(path),
                                self.code_label(Some(path), c)
                            )
                        }
                        (ExprKind::Ref { path }, _) => format!(
                            "{}: {not}{}",
                            self.label_of(path),
                            self.value_words(right, field)
                        ),
                        _ => format!(
                            "{} {} {}",
                            self.value_words(left, None),
                            op_words(*operator, d),
                            self.value_words(right, None)
                        ),
                    }
                }
                op @ (BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge) => {
                    let subject = match &left.kind {
                        ExprKind::Call { function, args, .. } if *function == Function::Age => {
                            let born = args
                                .first()
                                .map(|a| self.value_words(a, None))
                                .unwrap_or_default();
                            match (args.get(1), d) {
                                (Some(at), true) => format!(
                                    "das Alter nach {born} am {}",
                                    self.value_words(at, None)
                                ),
                                (Some(at), false) => {
                                    format!("the age by {born} on {}", self.value_words(at, None))
                                }
                                (None, true) => format!("das Alter nach {born}"),
                                (None, false) => format!("the age by {born}"),
                            }
                        }
                        ExprKind::Call { function, args, .. } if *function == Function::Count => {
                            let what = args
                                .first()
                                .map(|a| self.value_words(a, None))
                                .unwrap_or_default();
                            if d {
                                format!("die Anzahl von {what}")
                            } else {
                                format!("the number of {what}")
                            }
                        }
                        _ => self.value_words(left, None),
                    };
                    let verb = if d { "ist" } else { "is" };
                    format!(
                        "{subject} {verb} {} {}",
                        op_words(*op, d),
                        self.value_words(right, None)
                    )
                }
                _ => e.to_string(),
            },
            ExprKind::Call { function, args, .. } if *function == Function::Filled => {
                match args.first().map(|a| &a.kind) {
                    Some(ExprKind::Ref { path }) => format!(
                        "{} {}",
                        self.label_of(path),
                        if d { "ist ausgefüllt" } else { "is filled in" }
                    ),
                    _ => e.to_string(),
                }
            }
            _ => e.to_string(),
        }
    }

    fn when_sentence(&self, e: &'p Expr) -> String {
        if is_german(self.lang) {
            format!("Nur auszufüllen, wenn gilt: {}.", self.words(e))
        } else {
            format!("Only to be filled in if: {}.", self.words(e))
        }
    }

    fn applies_sentence(&self, e: &'p Expr) -> String {
        if is_german(self.lang) {
            format!("Gilt, wenn: {}.", self.words(e))
        } else {
            format!("Applies if: {}.", self.words(e))
        }
    }

    fn prefill_text(&self, n: &Node) -> Option<String> {
        let pf = n.prefill.as_ref()?;
        Some(match (is_german(self.lang), pf.locked) {
            (true, true) => {
                "Wird aus Ihrem Identitätsnachweis übernommen und kann nicht geändert werden."
                    .into()
            }
            (true, false) => {
                "Wird aus Ihrem Identitätsnachweis übernommen; Sie können die Angabe ändern.".into()
            }
            (false, true) => "Taken from your proof of identity; it cannot be changed.".into(),
            (false, false) => "Taken from your proof of identity; you can change it.".into(),
        })
    }

    /// One node; `index` is its place among its siblings (notes without a
    /// name are known by it).
    fn node(&self, n: &'p Node, at: &Place, index: usize) -> Option<Item> {
        let id = if n.id.is_empty() {
            // `--` cannot occur in a field's id: no name collides with it.
            format!("{}-note{index}", at.id)
        } else {
            format!("{}{}", at.id, n.id)
        };
        let name = if at.name.is_empty() {
            n.id.clone()
        } else {
            format!("{}.{}", at.name, n.id)
        };
        let conditional = n.when.is_some();
        let certain = at.certain && !conditional;
        let mut it = Item {
            id: id.clone(),
            name: name.clone(),
            label: n.label.as_ref().map(|l| self.text(l)).unwrap_or_default(),
            hint: n.hint.as_ref().map(|h| self.text(h)),
            when: n.when.as_ref().map(|w| {
                if matches!(n.kind, NodeKind::Note { .. }) {
                    self.applies_sentence(w)
                } else {
                    self.when_sentence(w)
                }
            }),
            prefill: at.first.then(|| self.prefill_text(n)).flatten(),
            optional: !n.required && n.repeat.is_none_or(|r| r.min == 0),
            legal: n.legal.clone(),
            ..Item::default()
        };
        for (present, suffix) in [
            (it.when.is_some(), "when"),
            (it.hint.is_some(), "hint"),
            (it.prefill.is_some(), "prefill"),
        ] {
            if present {
                it.describedby.push(format!("{id}--{suffix}"));
            }
        }
        match &n.kind {
            NodeKind::Note { text } => {
                it.kind = "note";
                it.text = self.text(text);
            }
            NodeKind::Computed { .. } => it.kind = "computed",
            NodeKind::Group { items, .. } => {
                let fill = |place: &Place| {
                    items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, c)| self.node(c, place, i))
                        .collect::<Vec<_>>()
                };
                match n.repeat {
                    Some(card) => {
                        // Without JavaScript: the required items and a few more.
                        it.kind = "repeat";
                        it.min = card.min;
                        it.max = card.max;
                        let count = card
                            .min
                            .max(1)
                            .max(card.min.saturating_add(1).min(SLOTS))
                            .min(card.max.unwrap_or(SLOTS).max(1));
                        for i in 0..count {
                            let required = certain && i < card.min;
                            let place = Place {
                                name: format!("{name}[{i}]"),
                                id: format!("{id}-{i}-"),
                                certain: required,
                                first: at.first && i == 0,
                            };
                            it.slots.push(Slot {
                                id: format!("{id}-{i}"),
                                index: i,
                                legend: format!("{} {}", it.label, i + 1),
                                optional: !required,
                                items: fill(&place),
                            });
                        }
                    }
                    None => {
                        it.kind = "group";
                        let place = Place {
                            name,
                            id: format!("{id}-"),
                            certain: certain && n.required,
                            first: at.first,
                        };
                        it.items = fill(&place);
                    }
                }
            }
            NodeKind::Attachment {
                media_types, count, ..
            } => {
                it.kind = "input";
                it.attrs.push(("type", Some("file".into())));
                let accept: Vec<String> = media_types.clone();
                it.attrs.push(("accept", Some(accept.join(","))));
                if count.max != Some(1) {
                    it.attrs.push(("multiple", None));
                }
                if certain && n.required {
                    it.attrs.push(("required", None));
                }
            }
            NodeKind::Field { ty } => {
                if let Some(card) = n.repeat {
                    // A repeated value: a few inputs, the first ones required.
                    it.kind = "repeat";
                    it.min = card.min;
                    it.max = card.max;
                    let count = card
                        .min
                        .max(1)
                        .max(card.min.saturating_add(1).min(SLOTS))
                        .min(card.max.unwrap_or(SLOTS).max(1));
                    for i in 0..count {
                        let required = certain && i < card.min;
                        let mut one = self.field(
                            n,
                            ty,
                            &format!("{id}-{i}"),
                            &format!("{name}[{i}]"),
                            required,
                            at.first && i == 0,
                        );
                        one.label = format!("{} {}", it.label, i + 1);
                        one.optional = !required;
                        it.slots.push(Slot {
                            id: format!("{id}-{i}-slot"),
                            index: i,
                            legend: format!("{} {}", it.label, i + 1),
                            optional: !required,
                            items: vec![one],
                        });
                    }
                } else {
                    let field = self.field(n, ty, &id, &name, certain && n.required, at.first);
                    it.kind = field.kind;
                    it.attrs = field.attrs;
                    it.options = field.options;
                    it.list = field.list;
                    it.input = field.input;
                    it.multiple = field.multiple;
                    it.unit = field.unit;
                }
            }
        }
        Some(it)
    }

    /// One input of a field.
    fn field(
        &self,
        n: &'p Node,
        ty: &'p FieldType,
        id: &str,
        name: &str,
        required: bool,
        first: bool,
    ) -> Item {
        let mut it = Item {
            id: id.to_string(),
            name: name.to_string(),
            label: n.label.as_ref().map(|l| self.text(l)).unwrap_or_default(),
            kind: "input",
            ..Item::default()
        };
        let mut attr = |k: &'static str, v: Option<String>| it.attrs.push((k, v));
        let constant = |b: &Option<Expr>| match b.as_ref().map(|e| &e.kind) {
            Some(ExprKind::Literal { value }) => match value {
                Literal::Integer(i) => Some(i.to_string()),
                Literal::Decimal(d) | Literal::Date(d) => Some(d.clone()),
                Literal::Money(c) => Some(format!("{}.{:02}", c / 100, (c % 100).abs())),
                _ => None,
            },
            _ => None,
        };
        match ty {
            FieldType::Text {
                multiline,
                min_length,
                max_length,
                pattern,
                format,
                ..
            } => {
                let (input_type, input_mode) = format.map_or(("text", None), |f| f.html_input());
                if !*multiline {
                    attr("type", Some(input_type.into()));
                }
                if let Some(mode) = input_mode {
                    attr("inputmode", Some(mode.into()));
                }
                if let Some(min) = min_length {
                    attr("minlength", Some(min.to_string()));
                }
                if let Some(max) = max_length {
                    attr("maxlength", Some(max.to_string()));
                }
                // One pattern attribute: the author's, else the format's.
                let p = pattern
                    .clone()
                    .or_else(|| format.map(|f| f.pattern().to_string()));
                if let (Some(p), false) = (p, *multiline) {
                    attr("pattern", Some(p));
                }
                if *multiline {
                    it.kind = "textarea";
                }
            }
            FieldType::Integer { bounds } => {
                attr("type", Some("number".into()));
                attr("step", Some("1".into()));
                if let Some(v) = constant(&bounds.min) {
                    attr("min", Some(v));
                }
                if let Some(v) = constant(&bounds.max) {
                    attr("max", Some(v));
                }
            }
            FieldType::Decimal { .. } | FieldType::Money { .. } => {
                attr("type", Some("text".into()));
                attr("inputmode", Some("decimal".into()));
                if matches!(ty, FieldType::Money { .. }) {
                    it.unit = Some("EUR".into());
                }
            }
            FieldType::Date { bounds }
            | FieldType::Time { bounds }
            | FieldType::Datetime { bounds } => {
                let t = match ty {
                    FieldType::Date { .. } => "date",
                    FieldType::Time { .. } => "time",
                    _ => "datetime-local",
                };
                attr("type", Some(t.into()));
                if let Some(v) = constant(&bounds.min) {
                    attr("min", Some(v));
                }
                if let Some(v) = constant(&bounds.max) {
                    attr("max", Some(v));
                }
            }
            // A required yes/no question is answered yes or no; an optional
            // one is a box to tick (unticked counts as no).
            FieldType::Boolean if n.required => {
                it.kind = "choices";
                it.input = "radio";
                it.options = [("true", self.t.yes), ("false", self.t.no)]
                    .into_iter()
                    .enumerate()
                    .map(|(i, (value, label))| Opt {
                        value: value.into(),
                        label: label.into(),
                        id: format!("{id}-{i}"),
                        required: required && i == 0,
                    })
                    .collect();
                return it;
            }
            FieldType::Boolean | FieldType::Consent => {
                it.kind = "checkbox";
                if matches!(ty, FieldType::Consent) && required {
                    attr("required", None);
                }
            }
            FieldType::Choice { codelist, multiple } => {
                let values = self
                    .p
                    .codelists
                    .get(codelist)
                    .map(|l| l.values.as_slice())
                    .unwrap_or_default();
                it.multiple = *multiple;
                if values.len() <= RADIO_LIMIT {
                    it.options = values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| Opt {
                            value: v.code.clone(),
                            label: self.text(&v.label),
                            id: format!("{id}-{i}"),
                            required: required && !*multiple && i == 0,
                        })
                        .collect();
                    it.kind = "choices";
                    it.input = if *multiple { "checkbox" } else { "radio" };
                    return it;
                }
                it.list = self.p.codelists.get(codelist).cloned();
                it.kind = "select";
                if *multiple {
                    attr("multiple", None);
                }
            }
        }
        // Autocomplete and prefill are about the applicant: not for a second person.
        if let (Some(a), true) = (&n.autocomplete, first) {
            it.attrs.push(("autocomplete", Some(a.clone())));
        }
        if let (Some(pf), true) = (&n.prefill, first) {
            it.attrs.push(("data-prefill", Some(pf.attribute.clone())));
            if pf.locked {
                it.attrs.push(("data-locked", None));
                // `readonly` exists for text inputs only; a locked select or
                // checkbox is explained by its prefill note.
                if matches!(it.kind, "input" | "textarea") {
                    it.attrs.push(("readonly", None));
                }
            }
        }
        if required && !matches!(ty, FieldType::Boolean | FieldType::Consent) {
            it.attrs.push(("required", None));
        }
        it
    }

    fn identity(&self) -> (Option<String>, Option<String>) {
        let Some(idn) = &self.p.identity else {
            return (None, None);
        };
        let d = is_german(self.lang);
        let means: Vec<&str> = idn
            .means
            .iter()
            .map(|m| match (m, d) {
                (Means::Eid, true) => "dem Online-Ausweis (eID)",
                (Means::Eid, false) => "the online ID card (eID)",
                (Means::EudiWallet, true) => "der EUDI-Wallet",
                (Means::EudiWallet, false) => "the EU Digital Identity Wallet",
                (Means::Elster, true) => "einem ELSTER-Zertifikat",
                (Means::Elster, false) => "an ELSTER certificate",
                (Means::Account, true) => "Ihrem Nutzerkonto",
                (Means::Account, false) => "your user account",
            })
            .collect();
        let level = match (idn.level, d) {
            (level, true) => level.word(),
            (TrustLevel::Hoch, false) => "high",
            (TrustLevel::Substanziell, false) => "substantial",
            (TrustLevel::Niedrig, false) => "low",
        };
        let or = if d { " oder " } else { " or " };
        let identity = if d {
            format!(
                "Sie weisen sich mit {} aus (Vertrauensniveau {level}).",
                means.join(or)
            )
        } else {
            format!(
                "You identify yourself with {} (level of assurance {level}).",
                means.join(or)
            )
        };
        let mut prefilled = Vec::new();
        for n in self.p.all_nodes() {
            if n.prefill.is_some()
                && let Some(l) = &n.label
            {
                prefilled.push(self.text(l));
            }
        }
        prefilled.sort();
        prefilled.dedup();
        let prefilled = (!prefilled.is_empty()).then(|| {
            if d {
                format!(
                    "Aus Ihrem Identitätsnachweis übernommen: {}.",
                    prefilled.join(", ")
                )
            } else {
                format!(
                    "Taken from your proof of identity: {}.",
                    prefilled.join(", ")
                )
            }
        });
        (Some(identity), prefilled)
    }
}

#[derive(Serialize)]
struct PageContext {
    lang: String,
    title: String,
    description: Option<String>,
    languages: Vec<LangLink>,
    t: Texts,
    assets: &'static str,
    action: &'static str,
    identity: Option<String>,
    prefilled: Option<String>,
    legal: Vec<ir::LegalRef>,
    steps: Vec<Step>,
    fees: Vec<FeeView>,
    /// What the script needs: the form's nodes with their conditions, rules
    /// and computed values as data, and the messages in this language; as
    /// JSON text, safe inside `<script>` (see [`island`]).
    model_json: minijinja::Value,
}

/// JSON for a `<script type="application/json">` element: compact, with
/// `<`, `>`, `&` and `'` written as `\u` escapes, so that no author string
/// (`</script>`, `<!--`) can end the element or open anything in it.
fn island(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).expect("the model serialises");
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    // The four are ASCII: everything between them is copied as it is.
    let mut from = 0;
    for (at, b) in json.bytes().enumerate() {
        let escaped = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            b'\'' => "\\u0027",
            _ => continue,
        };
        out.push_str(&json[from..at]);
        out.push_str(escaped);
        from = at + 1;
    }
    out.push_str(&json[from..]);
    out
}

/// Templates: the shipped ones, each overridable from `dir`.
pub fn environment(dir: Option<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            let path = dir.join(name);
            if path.is_file() {
                return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot read template {}: {e}", path.display()),
                    )
                });
            }
        }
        Ok(DEFAULTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.to_string()))
    });
    env
}

/// The form of a procedure in one language.
pub fn procedure_page(
    env: &Environment,
    p: &Procedure,
    lang: &str,
) -> Result<String, minijinja::Error> {
    procedure_page_with(env, &OptionsCache::default(), p, lang)
}

/// Select options rendered by the macro `select_options`, by list: shared
/// by the pages of a build (a country list is the same in every form of one
/// language). Bound to one template environment.
#[derive(Default)]
pub struct OptionsCache(std::sync::Mutex<HashMap<u64, Vec<RenderedOptions>>>);

/// A list's values as shown (code, label) and their rendered options.
type RenderedOptions = (Vec<(String, String)>, minijinja::Value);

/// [`procedure_page`], reusing the options rendered for other pages.
pub fn procedure_page_with(
    env: &Environment,
    options: &OptionsCache,
    p: &Procedure,
    lang: &str,
) -> Result<String, minijinja::Error> {
    let source = p.source_language();
    let labels = p.all_nodes().map(|n| (n.path.as_str(), n)).collect();
    let v = View {
        p,
        lang,
        source,
        labels,
        t: texts(lang),
    };
    let root = Place {
        name: String::new(),
        id: "f-".into(),
        certain: true,
        first: true,
    };
    let total = p.pages.len() + usize::from(!p.attachments.is_empty());
    let d = is_german(lang);
    let mut steps: Vec<Step> = p
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let place = Place {
                certain: page.when.is_none(),
                ..root.clone()
            };
            Step {
                id: format!("page--{}", page.id),
                number: if d {
                    format!("Schritt {} von {total}:", i + 1)
                } else {
                    format!("Step {} of {total}:", i + 1)
                },
                title: v.text(&page.label),
                when: page.when.as_ref().map(|w| v.when_sentence(w)),
                items: page
                    .items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| v.node(n, &place, i))
                    .collect(),
            }
        })
        .collect();
    if !p.attachments.is_empty() {
        steps.push(Step {
            id: "page--attachments".into(),
            number: if d {
                format!("Schritt {total} von {total}:")
            } else {
                format!("Step {total} of {total}:")
            },
            title: if d {
                "Nachweise".into()
            } else {
                "Documents".into()
            },
            when: None,
            items: p
                .attachments
                .iter()
                .enumerate()
                .filter_map(|(i, n)| v.node(n, &root, i))
                .collect(),
        });
    }
    render_select_options(env, options, &mut steps, lang, source)?;
    let (identity, prefilled) = v.identity();
    let model = script_model(p, lang);
    let ctx = PageContext {
        lang: lang.to_string(),
        title: v.text(&p.title),
        description: p.description.as_ref().map(|d| v.text(d)),
        languages: p
            .languages
            .iter()
            .map(|l| LangLink {
                lang: l.clone(),
                label: language_name(l),
                href: page_file(p, l),
                current: l == lang,
            })
            .collect(),
        t: v.t.clone(),
        assets: "../assets/",
        action: "",
        identity,
        prefilled,
        legal: p.legal.clone(),
        steps,
        fees: p
            .fees
            .iter()
            .map(|f| FeeView {
                id: f.id.clone(),
                label: v.text(&f.label),
                text: v.t.computed_later.to_string(),
                legal: f.legal.clone(),
            })
            .collect(),
        model_json: minijinja::Value::from_safe_string(island(&model)),
    };
    env.get_template("procedure.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))
}

/// Renders the options of every select with the macro `select_options`,
/// once for each distinct list of the page.
fn render_select_options(
    env: &Environment,
    cache: &OptionsCache,
    steps: &mut [Step],
    lang: &str,
    source: &str,
) -> Result<(), minijinja::Error> {
    fn walk(
        items: &mut [Item],
        f: &mut dyn FnMut(&mut Item) -> Result<(), minijinja::Error>,
    ) -> Result<(), minijinja::Error> {
        for it in items {
            if it.kind == "select" {
                f(it)?;
            }
            walk(&mut it.items, f)?;
            for slot in &mut it.slots {
                walk(&mut slot.items, f)?;
            }
        }
        Ok(())
    }
    // A value as the page shows it: its code and its label.
    let shown = |v: &'_ ir::Code| -> (String, String) {
        (
            v.code.clone(),
            v.label.pick(lang, source).unwrap_or_default().to_string(),
        )
    };
    // The macros are evaluated only when a list is not in the cache yet.
    let mut macros = None;
    for step in steps {
        walk(&mut step.items, &mut |it| {
            let Some(list) = it.list.take() else {
                return Ok(());
            };
            // Looked up without copying the list: by a fingerprint, then
            // compared value by value.
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            for v in &list.values {
                std::hash::Hash::hash(&v.code, &mut hasher);
                std::hash::Hash::hash(v.label.pick(lang, source).unwrap_or_default(), &mut hasher);
            }
            let fingerprint = std::hash::Hasher::finish(&hasher);
            let same = |key: &[(String, String)]| {
                key.len() == list.values.len()
                    && key.iter().zip(&list.values).all(|((code, label), v)| {
                        *code == v.code && label == v.label.pick(lang, source).unwrap_or_default()
                    })
            };
            let known = cache.0.lock().ok().and_then(|c| {
                c.get(&fingerprint)?
                    .iter()
                    .find(|(key, _)| same(key))
                    .map(|(_, html)| html.clone())
            });
            if let Some(html) = known {
                it.options_html = Some(html);
                return Ok(());
            }
            let key: Vec<(String, String)> = list.values.iter().map(shown).collect();
            it.options = key
                .iter()
                .enumerate()
                .map(|(i, (value, label))| Opt {
                    value: value.clone(),
                    label: label.clone(),
                    id: format!("{}-{i}", it.id),
                    required: false,
                })
                .collect();
            if macros.is_none() {
                macros = Some(env.get_template("macros.html")?.render_captured(())?);
            }
            let Some(captured) = macros.as_mut() else {
                return Ok(());
            };
            // A municipality's own macros.html from before
            // `select_options` loops over `it.options` itself.
            if captured.state().lookup("select_options").is_none() {
                return Ok(());
            }
            let options = minijinja::Value::from(minijinja::value::Serde(&it.options));
            let html = minijinja::Value::from_safe_string(
                captured.with_state_mut(|state| state.call_macro("select_options", &[options]))?,
            );
            if let Ok(mut c) = cache.0.lock() {
                c.entry(fingerprint).or_default().push((key, html.clone()));
            }
            it.options_html = Some(html);
            it.options = Vec::new();
            Ok(())
        })?;
    }
    Ok(())
}

/// The model the script interprets: pages with their nodes (conditions,
/// rules, computed values as the checked model writes them), fees, and the
/// fixed texts and built-in messages in the page's language.
fn script_model<'p>(p: &'p Procedure, lang: &'p str) -> ScriptModel<'p> {
    use crate::validate::{Check, messages::builtin};
    use amt_model::formats::TextFormat;
    let d = is_german(lang);
    let t = |de_text: &'static str, en_text: &'static str| if d { de_text } else { en_text };
    // The checks the script makes, in a stable order; the check digits per
    // format that has them (`checksum_iban`).
    let mut messages = serde_json::Map::new();
    for check in [
        Check::Required,
        Check::Type,
        Check::MinLength,
        Check::MaxLength,
        Check::Pattern,
        Check::Minimum,
        Check::Maximum,
        Check::Code,
        Check::MinItems,
        Check::MaxItems,
        Check::Consent,
        Check::MediaType,
        Check::FileSize,
        Check::Rule,
        Check::Checksum,
        Check::Scale,
    ] {
        if check == Check::Checksum {
            for format in TextFormat::ALL
                .iter()
                .filter(|f| f.check_digits().is_some())
            {
                let text = format.check_digits_message(d);
                messages.insert(format!("checksum_{format}"), text.into());
            }
        } else {
            messages.insert(check.to_string(), builtin(check, lang, "{}").into());
        }
    }
    ScriptModel {
        lang,
        source: p.source_language(),
        pages: &p.pages,
        attachments: &p.attachments,
        computed: &p.computed,
        fees: &p.fees,
        messages,
        texts: ScriptTexts {
            next: t("Weiter", "Continue"),
            back: t("Zurück", "Back"),
            review: t("Angaben prüfen", "Check your answers"),
            review_lead: t(
                "Bitte prüfen Sie Ihre Angaben, bevor Sie den Antrag absenden.",
                "Please check your answers before you submit the application.",
            ),
            change: t("Ändern", "Change"),
            problem: t("Es gibt ein Problem", "There is a problem"),
            add: t("Weitere Angabe hinzufügen", "Add another"),
            remove: t("Entfernen", "Remove"),
            yes: t("ja", "yes"),
            no: t("nein", "no"),
            none: t("keine Angabe", "not given"),
            step: t("Schritt {n} von {m}:", "Step {n} of {m}:"),
            notes: t("Hinweise", "Notes"),
        },
    }
}

/// What the script interprets, serialised straight into the page's JSON
/// island (the model's own parts by reference, not copied).
#[derive(Serialize)]
struct ScriptModel<'p> {
    lang: &'p str,
    source: &'p str,
    pages: &'p [ir::Page],
    attachments: &'p [ir::Node],
    computed: &'p [ir::Node],
    fees: &'p [ir::Fee],
    /// Built-in messages by check, in the page's language.
    messages: serde_json::Map<String, serde_json::Value>,
    texts: ScriptTexts,
}

/// The script's fixed texts in the page's language.
#[derive(Serialize)]
struct ScriptTexts {
    next: &'static str,
    back: &'static str,
    review: &'static str,
    review_lead: &'static str,
    change: &'static str,
    problem: &'static str,
    add: &'static str,
    remove: &'static str,
    yes: &'static str,
    no: &'static str,
    none: &'static str,
    step: &'static str,
    notes: &'static str,
}

#[derive(Serialize)]
struct IndexEntry {
    href: String,
    title: String,
    description: Option<String>,
    others: Vec<IndexOther>,
}

#[derive(Serialize)]
struct IndexOther {
    href: String,
    lang: String,
    title: String,
}

#[derive(Serialize)]
struct IndexContext {
    lang: &'static str,
    t: Texts,
    procedures: Vec<IndexEntry>,
}

/// The list of every procedure (German, with links to the other languages).
pub fn index_page(
    env: &Environment,
    procedures: &[&Procedure],
) -> Result<String, minijinja::Error> {
    let entries = procedures
        .iter()
        .map(|p| {
            let source = p.source_language();
            IndexEntry {
                href: format!("{}/index.html", p.id),
                title: p.title.pick(source, source).unwrap_or_default().to_string(),
                description: p
                    .description
                    .as_ref()
                    .and_then(|d| d.pick(source, source))
                    .map(str::to_string),
                others: p
                    .languages
                    .iter()
                    .skip(1)
                    .map(|l| IndexOther {
                        href: format!("{}/{}", p.id, page_file(p, l)),
                        lang: l.clone(),
                        title: p.title.pick(l, source).unwrap_or_default().to_string(),
                    })
                    .collect(),
            }
        })
        .collect();
    let ctx = IndexContext {
        lang: "de",
        t: texts("de"),
        procedures: entries,
    };
    env.get_template("index.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))
}
