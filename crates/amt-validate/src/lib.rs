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

use crate::schema::Coverage;
use amt_model::date::Date;
use amt_model::formats::{self, TextFormat};
use amt_model::{Expr, ExprKind, FieldType, Function, Literal, Node, NodeKind, Procedure};
use eval::{Eval, V, field_value};
use regex::Regex;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

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
        let mut exprs = Vec::new();
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
            exprs.extend(n.exprs());
        }
        for page in &procedure.pages {
            exprs.extend(&page.when);
        }
        exprs.extend(procedure.fees.iter().map(|f| &f.value));
        // The workflow's guards read answers too (`amt test` follows them).
        if let Some(w) = &procedure.workflow {
            let states = w
                .states
                .iter()
                .chain(w.states.iter().flat_map(|s| &s.branches));
            exprs.extend(
                states
                    .flat_map(|s| &s.transitions)
                    .filter_map(|t| t.when.as_ref()),
            );
            exprs.extend(w.timers.iter().filter_map(|t| t.when.as_ref()));
        }
        for e in exprs {
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
        let coverage = crate::schema::coverage(procedure);
        Model {
            procedure,
            entries,
            patterns,
            coverage,
        }
    }

    /// What a data path names.
    pub fn get(&self, path: &str) -> Option<&Entry<'p>> {
        self.entries.get(path)
    }

    /// The compiled, anchored form of a pattern used by the procedure.
    pub fn pattern(&self, pattern: &str) -> Option<&Regex> {
        self.patterns.get(pattern)
    }

    /// Checks a submission.
    pub fn validate(&self, data: &Json, options: &Options) -> Report {
        let source = self.procedure.source_language();
        let lang = options.lang.as_deref().unwrap_or(source);
        let mut w = Walker {
            model: self,
            eval: Eval {
                model: self,
                data,
                today: options.today,
                bound: Vec::new(),
            },
            lang,
            source,
            report: Report::default(),
        };
        match data {
            Json::Object(obj) => {
                let mut known = Vec::new();
                for page in &self.procedure.pages {
                    let applies = match &page.when {
                        Some(cond) => w.eval.eval(cond).truth(),
                        None => Some(true),
                    };
                    for n in &page.items {
                        w.node(n, Some(obj), "", "", applies);
                        known.push(n);
                    }
                }
                for n in &self.procedure.attachments {
                    w.node(n, Some(obj), "", "", Some(true));
                    known.push(n);
                }
                for n in &self.procedure.computed {
                    w.node(n, Some(obj), "", "", Some(true));
                }
                for fee in &self.procedure.fees {
                    let v = w.eval.eval(&fee.value);
                    if v != V::Unknown {
                        w.report.computed.insert(fee.id.clone(), v.to_json());
                    }
                }
                w.unknown_keys(obj, &known, "", "");
            }
            _ => w.problem(None, "", "", Check::Type, None, "object".into(), true),
        }
        let mut report = w.report;
        report.valid = !report
            .problems
            .iter()
            .any(|p| p.severity == Severity::Error);
        report
    }
}

struct Walker<'m, 'p> {
    model: &'m Model<'p>,
    eval: Eval<'m>,
    lang: &'m str,
    source: &'m str,
    report: Report,
}

/// A member name as a JSON pointer segment (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn display(v: &V, de: bool) -> String {
    match v {
        V::Int(i) => i.to_string(),
        V::Dec(d) => {
            let s = d.to_string();
            if de { s.replace('.', ",") } else { s }
        }
        V::Money(c) => {
            let s = amt_model::print::money(*c);
            if de { s.replace('.', ",") } else { s }
        }
        V::Date(d) if de => format!("{:02}.{:02}.{:04}", d.day, d.month, d.year),
        other => match other.to_json() {
            Json::String(s) => s,
            j => j.to_string(),
        },
    }
}

impl<'m, 'p: 'm> Walker<'m, 'p> {
    #[allow(clippy::too_many_arguments)]
    fn problem(
        &mut self,
        node: Option<&Node>,
        pointer: &str,
        path: &str,
        check: Check,
        rule: Option<usize>,
        detail: String,
        schema: bool,
    ) {
        let (severity, message) = match (node, rule) {
            (Some(n), Some(i)) => {
                let r = &n.rules[i];
                let severity = r.severity;
                let message = r
                    .message
                    .pick(self.lang, self.source)
                    .map(str::to_string)
                    .unwrap_or_else(|| messages::builtin(Check::Rule, self.lang, ""));
                (severity, message)
            }
            _ => (
                Severity::Error,
                messages::builtin(check, self.lang, &detail),
            ),
        };
        let label = node
            .and_then(|n| n.label.as_ref())
            .and_then(|l| l.pick(self.lang, self.source))
            .map(str::to_string);
        self.report.problems.push(Problem {
            severity,
            pointer: pointer.to_string(),
            path: path.to_string(),
            check,
            rule,
            label,
            message,
            schema: schema && severity == Severity::Error,
        });
    }

    fn de(&self) -> bool {
        amt_model::is_german(self.lang)
    }

    fn unknown_keys(&mut self, obj: &Map<String, Json>, known: &[&Node], ptr: &str, path: &str) {
        for key in obj.keys() {
            if !known.iter().any(|n| n.is_data() && n.id == *key) {
                self.problem(
                    None,
                    &format!("{ptr}/{}", escape(key)),
                    &join(path, key),
                    Check::Unknown,
                    None,
                    String::new(),
                    true,
                );
            }
        }
    }

    fn node(
        &mut self,
        n: &'p Node,
        obj: Option<&'m Map<String, Json>>,
        ptr: &str,
        path: &str,
        parent: Option<bool>,
    ) where
        'p: 'm,
    {
        let ptr = format!("{ptr}/{}", n.id);
        let path = join(path, &n.id);
        // Whether the part applies: yes, no, or undetermined (its condition
        // reads an answer that is missing). An undetermined part is neither
        // demanded nor refused, and its rules are not checked.
        let own = match &n.when {
            Some(cond) => self.eval.eval(cond).truth(),
            None => Some(true),
        };
        let applies = match (parent, own) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
        let visible = applies == Some(true);
        if let NodeKind::Computed { value, .. } = &n.kind {
            if visible {
                let v = self.eval.eval(value);
                if v != V::Unknown {
                    self.report.computed.insert(path, v.to_json());
                }
            }
            return;
        }
        if !n.is_data() {
            return;
        }
        self.report.visible.insert(path.clone(), visible);
        // A part is asked only where its container was given: the root
        // always, a group when it is there (an optional group left out
        // demands nothing inside it).
        let Some(obj) = obj else {
            if let NodeKind::Group { items, .. } = &n.kind
                && n.repeat.is_none()
            {
                for c in items {
                    self.node(c, None, &ptr, &path, applies);
                }
            }
            return;
        };
        let value = obj.get(&n.id);
        if applies == Some(false) {
            if value.is_some() {
                let schema = self.model.coverage.hidden.contains(&n.path);
                self.problem(
                    Some(n),
                    &ptr,
                    &path,
                    Check::NotApplicable,
                    None,
                    String::new(),
                    schema,
                );
            }
            if let NodeKind::Group { items, .. } = &n.kind
                && n.repeat.is_none()
            {
                for c in items {
                    self.hide(c, &path);
                }
            }
            return;
        }
        let Some(value) = value else {
            if n.demanded() && visible {
                let schema = self.model.coverage.required.contains(&n.path);
                self.problem(
                    Some(n),
                    &ptr,
                    &path,
                    Check::Required,
                    None,
                    String::new(),
                    schema,
                );
            }
            if n.repeat.is_none() {
                // A group's rules are about what it holds: checked when it is given.
                if visible && !matches!(n.kind, NodeKind::Group { .. }) {
                    self.rules(n, &ptr, &path);
                }
                if let NodeKind::Group { items, .. } = &n.kind {
                    for c in items {
                        self.node(c, None, &ptr, &path, applies);
                    }
                }
            }
            return;
        };
        match n.repeat {
            Some(card) => {
                let Json::Array(items) = value else {
                    self.problem(
                        Some(n),
                        &ptr,
                        &path,
                        Check::Type,
                        None,
                        self.kind_word("list"),
                        true,
                    );
                    return;
                };
                self.count(n, items.len(), card.min, card.max, &ptr, &path);
                for (i, item) in items.iter().enumerate() {
                    let (iptr, ipath) = (format!("{ptr}/{i}"), format!("{path}[{i}]"));
                    self.eval.bound.push((&n.path, i));
                    self.report.visible.insert(ipath.clone(), true);
                    self.single(n, item, &iptr, &ipath);
                    self.rules(n, &iptr, &ipath);
                    self.eval.bound.pop();
                }
            }
            None => {
                // Given: checked, whether it applies or is undetermined.
                self.single(n, value, &ptr, &path);
                self.rules(n, &ptr, &path);
            }
        }
    }

    /// Records that the parts of a hidden group do not apply.
    fn hide(&mut self, n: &Node, path: &str) {
        if !n.is_data() {
            return;
        }
        let path = join(path, &n.id);
        self.report.visible.insert(path.clone(), false);
        if let NodeKind::Group { items, .. } = &n.kind
            && n.repeat.is_none()
        {
            for c in items {
                self.hide(c, &path);
            }
        }
    }

    fn kind_word(&self, word: &str) -> String {
        let de = self.de();
        match (word, de) {
            ("list", true) => "Liste".into(),
            ("object", true) => "Gruppe von Angaben".into(),
            ("text", true) => "Text".into(),
            ("number", true) => "Zahl".into(),
            ("integer", true) => "ganze Zahl".into(),
            ("boolean", true) => "ja oder nein".into(),
            ("date", true) => "Datum JJJJ-MM-TT".into(),
            ("datetime", true) => "Datum und Uhrzeit JJJJ-MM-TTTHH:MM".into(),
            ("file", true) => "Datei".into(),
            ("date", false) => "date YYYY-MM-DD".into(),
            ("datetime", false) => "date and time YYYY-MM-DDTHH:MM".into(),
            ("integer", false) => "whole number".into(),
            ("boolean", false) => "yes or no".into(),
            ("object", false) => "group of answers".into(),
            (w, _) => w.into(),
        }
    }

    fn count(&mut self, n: &Node, len: usize, min: u64, max: Option<u64>, ptr: &str, path: &str) {
        let len = len as u64;
        if len == 0 {
            self.problem(Some(n), ptr, path, Check::Empty, None, String::new(), true);
        } else if len < min {
            self.problem(
                Some(n),
                ptr,
                path,
                Check::MinItems,
                None,
                min.to_string(),
                true,
            );
        }
        if let Some(max) = max
            && len > max
        {
            self.problem(
                Some(n),
                ptr,
                path,
                Check::MaxItems,
                None,
                max.to_string(),
                true,
            );
        }
    }

    fn rules(&mut self, n: &'p Node, ptr: &str, path: &str) {
        for (i, r) in n.rules.iter().enumerate() {
            if self.eval.eval(&r.condition).truth() == Some(false) {
                let schema = self.model.coverage.rules.contains(&(n.path.clone(), i));
                self.problem(
                    Some(n),
                    ptr,
                    path,
                    Check::Rule,
                    Some(i),
                    String::new(),
                    schema,
                );
            }
        }
    }

    /// Checks one value (one item, for repeats).
    fn single(&mut self, n: &'p Node, value: &'m Json, ptr: &str, path: &str) {
        match &n.kind {
            NodeKind::Group { items, .. } => {
                let Json::Object(obj) = value else {
                    let w = self.kind_word("object");
                    self.problem(Some(n), ptr, path, Check::Type, None, w, true);
                    return;
                };
                if obj.is_empty() {
                    self.problem(Some(n), ptr, path, Check::Empty, None, String::new(), true);
                }
                let known: Vec<&Node> = items.iter().collect();
                for c in items {
                    self.node(c, Some(obj), ptr, path, Some(true));
                }
                self.unknown_keys(obj, &known, ptr, path);
            }
            NodeKind::Attachment {
                media_types,
                max_bytes,
                count,
            } => {
                let Json::Array(files) = value else {
                    let w = self.kind_word("list");
                    self.problem(Some(n), ptr, path, Check::Type, None, w, true);
                    return;
                };
                self.count(n, files.len(), count.min, count.max, ptr, path);
                for (i, file) in files.iter().enumerate() {
                    self.file(
                        n,
                        file,
                        media_types,
                        *max_bytes,
                        &format!("{ptr}/{i}"),
                        &format!("{path}[{i}]"),
                    );
                }
            }
            NodeKind::Field { ty } => self.field(n, ty, value, ptr, path),
            _ => {}
        }
    }

    fn file(
        &mut self,
        n: &Node,
        file: &Json,
        media_types: &[String],
        max_bytes: Option<u64>,
        ptr: &str,
        path: &str,
    ) {
        let Json::Object(f) = file else {
            let w = self.kind_word("file");
            self.problem(Some(n), ptr, path, Check::Type, None, w, true);
            return;
        };
        for key in ["id", "filename", "media_type", "size"] {
            let (fptr, fpath) = (format!("{ptr}/{key}"), format!("{path}.{key}"));
            match (key, f.get(key)) {
                (_, None) => self.problem(
                    Some(n),
                    &fptr,
                    &fpath,
                    Check::Required,
                    None,
                    String::new(),
                    true,
                ),
                ("size", Some(Json::Number(s)))
                    if eval::integral(s) && eval::whole(s).is_none() =>
                {
                    let (check, detail) = if s.as_f64().is_some_and(|f| f < 0.0) {
                        (Check::Minimum, "0".to_string())
                    } else {
                        (
                            Check::FileSize,
                            format!(
                                "{} MB",
                                max_bytes.unwrap_or(amt_model::SAFE_INTEGER as u64) as f64
                                    / 1_048_576.0
                            ),
                        )
                    };
                    self.problem(Some(n), &fptr, &fpath, check, None, detail, true);
                }
                ("size", Some(Json::Number(s))) => match eval::whole(s) {
                    Some(size) if size >= 0 => {
                        if let Some(max) = max_bytes
                            && size as u64 > max
                        {
                            let detail = format!("{} MB", max as f64 / 1_048_576.0);
                            self.problem(
                                Some(n),
                                &fptr,
                                &fpath,
                                Check::FileSize,
                                None,
                                detail,
                                true,
                            );
                        }
                    }
                    _ => {
                        let w = self.kind_word("integer");
                        self.problem(Some(n), &fptr, &fpath, Check::Type, None, w, true);
                    }
                },
                ("media_type", Some(Json::String(t))) => {
                    if !media_types.iter().any(|m| m == t) {
                        self.problem(
                            Some(n),
                            &fptr,
                            &fpath,
                            Check::MediaType,
                            None,
                            media_types.join(", "),
                            true,
                        );
                    }
                }
                ("id" | "filename", Some(Json::String(t))) => {
                    if t.is_empty() {
                        self.problem(
                            Some(n),
                            &fptr,
                            &fpath,
                            Check::Empty,
                            None,
                            String::new(),
                            true,
                        );
                    }
                }
                _ => {
                    let w = self.kind_word(if key == "size" { "integer" } else { "text" });
                    self.problem(Some(n), &fptr, &fpath, Check::Type, None, w, true);
                }
            }
        }
        for key in f.keys() {
            if !["id", "filename", "media_type", "size"].contains(&key.as_str()) {
                self.problem(
                    None,
                    &format!("{ptr}/{}", escape(key)),
                    &format!("{path}.{key}"),
                    Check::Unknown,
                    None,
                    String::new(),
                    true,
                );
            }
        }
    }

    fn field(&mut self, n: &'p Node, ty: &'p FieldType, value: &Json, ptr: &str, path: &str) {
        let expected = match ty {
            FieldType::Text { .. }
            | FieldType::Choice {
                multiple: false, ..
            } => "text",
            FieldType::Integer { .. } => "integer",
            FieldType::Decimal { .. } | FieldType::Money { .. } => "number",
            FieldType::Boolean | FieldType::Consent => "boolean",
            FieldType::Date { .. } => "date",
            FieldType::Time { .. } => "text",
            FieldType::Datetime { .. } => "datetime",
            FieldType::Choice { multiple: true, .. } => "list",
        };
        let shape_ok = match (ty, value) {
            (FieldType::Integer { .. }, Json::Number(x)) => eval::integral(x),
            (FieldType::Decimal { .. } | FieldType::Money { .. }, Json::Number(_)) => true,
            (FieldType::Boolean | FieldType::Consent, Json::Bool(_)) => true,
            (FieldType::Choice { multiple: true, .. }, Json::Array(_)) => true,
            (
                FieldType::Text { .. }
                | FieldType::Choice {
                    multiple: false, ..
                }
                | FieldType::Date { .. }
                | FieldType::Time { .. }
                | FieldType::Datetime { .. },
                Json::String(_),
            ) => true,
            _ => false,
        };
        if !shape_ok {
            let w = self.kind_word(expected);
            self.problem(Some(n), ptr, path, Check::Type, None, w, true);
            return;
        }
        if let Json::String(s) = value
            && s.is_empty()
        {
            self.problem(Some(n), ptr, path, Check::Empty, None, String::new(), true);
            return;
        }
        match ty {
            FieldType::Text {
                min_length,
                max_length,
                pattern,
                format,
                ..
            } => {
                let s = value.as_str().unwrap_or_default();
                let len = s.chars().count() as u64;
                if let Some(min) = min_length
                    && len < *min
                {
                    self.problem(
                        Some(n),
                        ptr,
                        path,
                        Check::MinLength,
                        None,
                        min.to_string(),
                        true,
                    );
                }
                if let Some(max) = max_length
                    && len > *max
                {
                    self.problem(
                        Some(n),
                        ptr,
                        path,
                        Check::MaxLength,
                        None,
                        max.to_string(),
                        true,
                    );
                }
                let format_pattern = format.map(TextFormat::pattern);
                for p in pattern.iter().map(String::as_str).chain(format_pattern) {
                    if self.model.pattern(p).is_some_and(|re| !re.is_match(s)) {
                        self.problem(
                            Some(n),
                            ptr,
                            path,
                            Check::Pattern,
                            None,
                            String::new(),
                            true,
                        );
                    }
                }
                // Check digits are checked on a value of the right shape.
                if let Some(format) = format
                    && let Some(digits_ok) = format.check_digits()
                    && self
                        .model
                        .pattern(format.pattern())
                        .is_some_and(|re| re.is_match(s))
                    && !digits_ok(s)
                {
                    let detail = format.word().to_string();
                    self.problem(Some(n), ptr, path, Check::Checksum, None, detail, false);
                }
            }
            FieldType::Decimal { scale, .. } => {
                if let (Some(scale), Json::Number(x)) = (scale, value) {
                    let text = x.to_string();
                    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len()) as u64;
                    if decimals > *scale || text.contains(['e', 'E']) {
                        self.problem(
                            Some(n),
                            ptr,
                            path,
                            Check::Scale,
                            None,
                            scale.to_string(),
                            false,
                        );
                    }
                }
            }
            FieldType::Money { .. } => {
                if let Json::Number(x) = value
                    && eval::cents(x).is_none()
                {
                    self.problem(Some(n), ptr, path, Check::Scale, None, "2".into(), false);
                }
            }
            FieldType::Consent => {
                if value == &Json::Bool(false) {
                    self.problem(
                        Some(n),
                        ptr,
                        path,
                        Check::Consent,
                        None,
                        String::new(),
                        true,
                    );
                }
            }
            FieldType::Date { .. } => {
                if Date::parse(value.as_str().unwrap_or_default()).is_none() {
                    let w = self.kind_word("date");
                    self.problem(Some(n), ptr, path, Check::Type, None, w, true);
                }
            }
            FieldType::Time { .. } => {
                if formats::parse_time(value.as_str().unwrap_or_default()).is_none() {
                    self.problem(
                        Some(n),
                        ptr,
                        path,
                        Check::Pattern,
                        None,
                        String::new(),
                        true,
                    );
                }
            }
            FieldType::Datetime { .. } => {
                let s = value.as_str().unwrap_or_default();
                if self
                    .model
                    .pattern(formats::DATETIME)
                    .is_some_and(|re| !re.is_match(s))
                {
                    self.problem(
                        Some(n),
                        ptr,
                        path,
                        Check::Pattern,
                        None,
                        String::new(),
                        true,
                    );
                } else if formats::parse_datetime(s).is_none() {
                    let w = self.kind_word("datetime");
                    self.problem(Some(n), ptr, path, Check::Type, None, w, false);
                }
            }
            FieldType::Choice { codelist, multiple } => {
                let list = self.model.procedure.codelists.get(codelist);
                let has = |c: &str| list.is_some_and(|l| l.values.iter().any(|v| v.code == c));
                let codes: Vec<&Json> = match value {
                    Json::Array(a) => a.iter().collect(),
                    v => vec![v],
                };
                if *multiple && codes.is_empty() {
                    self.problem(Some(n), ptr, path, Check::Empty, None, String::new(), true);
                }
                for (i, c) in codes.iter().enumerate() {
                    let cptr = if *multiple {
                        format!("{ptr}/{i}")
                    } else {
                        ptr.to_string()
                    };
                    match c {
                        Json::String(s) if has(s) => {
                            if codes[..i].contains(c) {
                                self.problem(
                                    Some(n),
                                    &cptr,
                                    path,
                                    Check::Duplicate,
                                    None,
                                    String::new(),
                                    true,
                                );
                            }
                        }
                        Json::String(_) => self.problem(
                            Some(n),
                            &cptr,
                            path,
                            Check::Code,
                            None,
                            String::new(),
                            true,
                        ),
                        _ => {
                            let w = self.kind_word("text");
                            self.problem(Some(n), &cptr, path, Check::Type, None, w, true);
                        }
                    }
                }
            }
            FieldType::Integer { .. } | FieldType::Boolean => {}
        }
        let before = self.report.problems.len();
        self.bounds(n, ty, value, ptr, path);
        if let (FieldType::Integer { .. }, Json::Number(x)) = (ty, value)
            && eval::whole(x).is_none()
            && self.report.problems.len() == before
        {
            // Beyond what every JSON reader keeps exactly (and no bound of
            // the author's said so already).
            let negative = x.as_f64().is_some_and(|f| f < 0.0);
            let (check, bound) = if negative {
                (Check::Minimum, -amt_model::SAFE_INTEGER)
            } else {
                (Check::Maximum, amt_model::SAFE_INTEGER)
            };
            self.problem(Some(n), ptr, path, check, None, bound.to_string(), true);
        }
    }

    fn bounds(&mut self, n: &'p Node, ty: &'p FieldType, value: &Json, ptr: &str, path: &str) {
        let Some(bounds) = ty.bounds() else {
            return;
        };
        let v = match (ty, value) {
            // Numbers are compared as JSON numbers, as JSON Schema does.
            (
                FieldType::Money { .. } | FieldType::Decimal { .. } | FieldType::Integer { .. },
                Json::Number(x),
            ) => x.as_f64().map_or(V::Unknown, V::Dec),
            _ => field_value(ty, value),
        };
        let de = self.de();
        for (bound, is_min) in [(&bounds.min, true), (&bounds.max, false)] {
            let Some(bound) = bound else { continue };
            let b = self.eval.eval(bound);
            let b_cmp = match b {
                V::Money(c) => V::Dec(c as f64 / 100.0),
                V::Int(i) if !matches!(v, V::Int(_)) => V::Dec(i as f64),
                ref other => other.clone(),
            };
            let Some(ord) = eval::compare(&v, &b_cmp) else {
                continue;
            };
            let fails = if is_min { ord.is_lt() } else { ord.is_gt() };
            if fails {
                let check = if is_min {
                    Check::Minimum
                } else {
                    Check::Maximum
                };
                let schema = self
                    .model
                    .coverage
                    .bounds
                    .contains(&(n.path.clone(), is_min));
                self.problem(Some(n), ptr, path, check, None, display(&b, de), schema);
            }
        }
    }
}
