//! amt's validator: checks a submission against a procedure with the full
//! semantics of the language (conditions, rules, computed values, severities),
//! and the procedure's JSON Schema ([`schema`]), its declarative twin.
//!
//! The validator is the reference for every other place the rules run: the
//! JSON Schema expresses a subset of these checks, and each
//! [`Problem`] says whether the schema enforces it too (`schema`), so the two
//! can be compared. A portal's server calls [`Model::new`] once per procedure
//! and [`Model::validate`] per submission.
//!
//! The submission is the JSON the schema describes: an object with one
//! member per answered field, group, repeat and attachment of every page;
//! unanswered parts and parts that do not apply are left out. See the README
//! ("Submissions and the validator").

#![deny(missing_docs)]

pub mod eval;
pub mod messages;
pub mod schema;
mod unicode;
mod walk;

use crate::schema::Coverage;
use amt_model::date::Date;
use amt_model::formats::{self, TextFormat};
use amt_model::{Expr, ExprKind, FieldType, Function, Literal, Node, NodeKind, Procedure};
use regex::Regex;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use walk::Walker;

/// What a data path names.
#[derive(Debug)]
pub struct Entry<'p> {
    /// The node, unless it is a fee.
    pub node: Option<&'p Node>,
    /// How it is computed (computed values and fees).
    pub value: Option<&'p Expr>,
    /// Whether the node repeats (its data is a list).
    pub repeated: bool,
}

/// A data path without its item indices: `kinder[1].alter` → `kinder.alter`,
/// as [`Model::get`] names things.
pub fn without_indices(path: &str) -> String {
    path.split('[')
        .map(|s| s.split_once(']').map_or(s, |(_, rest)| rest))
        .collect()
}

/// A procedure prepared for validating many submissions.
#[derive(Debug)]
pub struct Model<'p> {
    /// The procedure.
    pub procedure: &'p Procedure,
    entries: HashMap<&'p str, Entry<'p>>,
    patterns: HashMap<String, Regex>,
    coverage: Coverage,
}

/// How to validate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date `today` stands for.
    pub today: Date,
    /// The language of messages and labels (the procedure's first if absent).
    pub lang: Option<String>,
}

pub use amt_model::Severity;

amt_model::words! {
    /// The checks of the validator, each with its built-in message
    /// ([`messages::builtin`]).
    pub enum Check {
        /// A demanded answer is missing.
        Required = "required",
        /// An answer is given for a part that does not apply.
        NotApplicable = "not_applicable",
        /// A member that is not part of the form.
        Unknown = "unknown",
        /// A value of the wrong JSON type or shape.
        Type = "type",
        /// An empty text, list or group, which is left out instead.
        Empty = "empty",
        /// A text shorter than its minimum.
        MinLength = "min_length",
        /// A text longer than its maximum.
        MaxLength = "max_length",
        /// A text that does not match its pattern or format.
        Pattern = "pattern",
        /// Wrong check digits of a format that has them.
        Checksum = "checksum",
        /// A value below its lower bound.
        Minimum = "minimum",
        /// A value above its upper bound.
        Maximum = "maximum",
        /// Too many decimal places.
        Scale = "scale",
        /// A value that is not in its code list.
        Code = "code",
        /// A value chosen twice.
        Duplicate = "duplicate",
        /// Fewer items than the minimum.
        MinItems = "min_items",
        /// More items than the maximum.
        MaxItems = "max_items",
        /// A consent not given.
        Consent = "consent",
        /// A file of a type that is not accepted.
        MediaType = "media_type",
        /// A file that is too large.
        FileSize = "file_size",
        /// A rule of the author's that does not hold.
        Rule = "rule",
        /// A text holding a lone UTF-16 surrogate (`"\ud800"`), which is
        /// no character: JSON allows the escape, Unicode text does not.
        Unicode = "unicode",
    }
}

/// One problem with a submission.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// JSON pointer into the submission, e.g. `/person/0/ehe/datum`.
    pub pointer: String,
    /// The same place as an amt path, e.g. `person[0].ehe.datum`.
    pub path: String,
    /// Which check.
    pub check: Check,
    /// For `rule`: its index among the node's rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<usize>,
    /// The field's label in the chosen language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What is wrong, in the chosen language.
    pub message: String,
    /// Whether the procedure's JSON Schema enforces this check too.
    pub schema: bool,
}

/// The verdict on one submission.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// No errors (warnings allowed).
    pub valid: bool,
    /// Every problem, in form order.
    pub problems: Vec<Problem>,
    /// Computed values and fees that could be computed, by amt path.
    pub computed: BTreeMap<String, Json>,
    /// Whether each part of the form applies, by amt path (repeat items
    /// that exist only).
    pub visible: BTreeMap<String, bool>,
}

impl<'p> Model<'p> {
    /// Indexes a procedure and learns which checks its schema enforces.
    pub fn new(procedure: &'p Procedure) -> Model<'p> {
        Model {
            procedure,
            entries: entries(procedure),
            patterns: patterns(procedure),
            coverage: crate::schema::coverage(procedure),
        }
    }

    /// What a data path names.
    pub fn get(&self, path: &str) -> Option<&Entry<'p>> {
        self.entries.get(path)
    }

    /// The cents of a computed value or fee of the report (`path` as in its
    /// `computed`, with item indices), when it is money (which JSON carries
    /// in euros); `None` for any other value.
    pub fn money_cents(&self, path: &str, value: &serde_json::Value) -> Option<i64> {
        let money = self
            .get(&without_indices(path))
            .and_then(|e| e.value)
            .is_some_and(|v| v.ty == amt_model::Ty::Money);
        match value {
            serde_json::Value::Number(n) if money => eval::cents(n),
            _ => None,
        }
    }

    /// The compiled, anchored form of a pattern used by the procedure.
    pub fn pattern(&self, pattern: &str) -> Option<&Regex> {
        self.patterns.get(pattern)
    }

    /// Checks a submission given as JSON text. Text that is not JSON is an
    /// error of its own; a string with a lone UTF-16 surrogate escape (valid
    /// JSON, but no character) is read with a stand-in and refused at its
    /// place with [`Check::Unicode`], so it gets a verdict like any other
    /// mistake.
    /// The submission read (stand-ins in place of lone surrogates) comes
    /// back with the report.
    pub fn validate_text(
        &self,
        text: &str,
        options: &Options,
    ) -> Result<(Json, Report), serde_json::Error> {
        let (data, surrogates) = match serde_json::from_str(text) {
            Ok(data) => (data, false),
            Err(e) => match unicode::without_lone_surrogates(text) {
                Some(clean) => (serde_json::from_str(&clean).map_err(|_| e)?, true),
                None => return Err(e),
            },
        };
        let mut report = self.validate(&data, options);
        if surrogates {
            unicode::refuse_stand_ins(&data, &mut report, options, self.procedure);
        }
        Ok((data, report))
    }

    /// Checks a submission.
    pub fn validate(&self, data: &Json, options: &Options) -> Report {
        let mut report = Walker::new(self, data, options).submission();
        report.valid = !report
            .problems
            .iter()
            .any(|p| p.severity == Severity::Error);
        report
    }
}

/// What each data path names: the nodes, and the fees.
fn entries(procedure: &Procedure) -> HashMap<&str, Entry<'_>> {
    let mut entries: HashMap<&str, Entry> = procedure
        .all_nodes()
        .map(|n| {
            let value = match &n.kind {
                NodeKind::Computed { value, .. } => Some(value),
                _ => None,
            };
            let entry = Entry {
                node: Some(n),
                value,
                repeated: n.repeat.is_some(),
            };
            (n.path.as_str(), entry)
        })
        .collect();
    for fee in &procedure.fees {
        entries.insert(
            fee.id.as_str(),
            Entry {
                node: None,
                value: Some(&fee.value),
                repeated: false,
            },
        );
    }
    entries
}

/// Every pattern the procedure uses, compiled and anchored: those of text
/// fields and their formats, of times and date-times, and the literal
/// patterns of `matches` in any expression.
fn patterns(procedure: &Procedure) -> HashMap<String, Regex> {
    let mut patterns = HashMap::new();
    let mut add = |p: &str| {
        if !patterns.contains_key(p)
            && let Ok(re) = Regex::new(&formats::anchored(&formats::for_rust(p)))
        {
            patterns.insert(p.to_string(), re);
        }
    };
    for p in [formats::TIME, formats::DATETIME] {
        add(p);
    }
    for n in procedure.all_nodes() {
        if let NodeKind::Field {
            ty: FieldType::Text {
                pattern, format, ..
            },
        } = &n.kind
        {
            for p in pattern
                .iter()
                .map(String::as_str)
                .chain(format.map(TextFormat::pattern))
            {
                add(p);
            }
        }
    }
    for e in expressions(procedure) {
        e.walk(&mut |e| {
            if let ExprKind::Call { function, args, .. } = &e.kind
                && *function == Function::Matches
                && let Some(Expr {
                    kind:
                        ExprKind::Literal {
                            value: Literal::Text(p),
                        },
                    ..
                }) = args.get(1)
            {
                add(p);
            }
        });
    }
    patterns
}

/// Every expression of a procedure that reads answers: the nodes', the
/// pages' conditions, the fees', and the workflow's guards (`amt test`
/// follows them).
fn expressions(procedure: &Procedure) -> Vec<&Expr> {
    let mut exprs = Vec::new();
    for n in procedure.all_nodes() {
        exprs.extend(n.exprs());
    }
    for page in &procedure.pages {
        exprs.extend(&page.when);
    }
    exprs.extend(procedure.fees.iter().map(|f| &f.value));
    if let Some(w) = &procedure.workflow {
        exprs.extend(
            w.steps()
                .flat_map(|s| &s.transitions)
                .filter_map(|t| t.when.as_ref()),
        );
        exprs.extend(w.timers.iter().filter_map(|t| t.when.as_ref()));
    }
    exprs
}
