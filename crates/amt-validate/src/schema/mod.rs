//! `schema.json`: a JSON Schema (draft 2020-12) of a procedure's submission.
//!
//! Conventions (documented in the README, "The JSON Schema"):
//! - `$id` is `<base><procedure-id>/<version>/schema.json`;
//! - reusable groups, code lists and the file object live in `$defs`;
//! - an unanswered part, or one that does not apply, is left out: strings,
//!   lists and groups are never empty;
//! - conditions become `if`/`then`/`else` in the object of the nearest repeat
//!   item (or the root), so that a standard validator demands visible required
//!   parts and rejects data for hidden parts;
//! - what JSON Schema cannot say is listed under `x-amt-checks` with the
//!   expression, message and reason, and enforced by amt's validator.
//!
//! Conditions are three-valued in amt (an unanswered value makes a
//! comparison unknown), so each condition is translated twice: the schema of
//! data on which it is definitely true (`T`) and definitely false (`F`). A
//! `when` applies exactly where `T` holds; a rule fails exactly where `F`
//! holds. [`Coverage`] records which of the validator's checks the schema
//! enforces, so the two can be compared (see `tests/agreement.rs`).

use amt_model::UnaryOp;
use amt_model::formats::{self, TextFormat};
use amt_model::{Expr, ExprKind, FieldType, Literal, Node, NodeKind, Procedure, Severity};
use serde_json::{Map, Value as Json, json};
use std::collections::{HashMap, HashSet};

mod logic;

/// The default base of schema ids; a project sets its own with
/// `amt build --schema-base URI`.
pub const DEFAULT_BASE: &str = "https://schemas.example.org/amt/";

/// The URI of a procedure's schema (its `$id`, and the `schemaUri` of a
/// FIT-Connect submission): as FIT-Connect names FIM schemas,
/// `<base><schema id>_<version>.schema.json`, the schema id being the
/// procedure's FIM Stammdatenschema in lower case (`s60000011000`) where it
/// has one, else the procedure's name.
pub fn schema_uri(p: &amt_model::Procedure, base: &str) -> String {
    let base = if base.ends_with(['/', ':']) {
        base.to_string()
    } else {
        format!("{base}/")
    };
    let id = p
        .fim
        .as_deref()
        .map_or_else(|| p.id.clone(), str::to_lowercase);
    format!("{base}{id}_{}.schema.json", p.version)
}

/// The extension keyword listing what only amt's validator enforces.
pub const EXTENSION: &str = "x-amt-checks";

/// Which of the validator's checks the schema enforces, by node path.
/// Checks not listed here (types, lengths, patterns, codes, counts, unknown
/// members) are always enforced; scale, IBAN check digits and calendar days
/// of date-times never are.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Data for the node is rejected when it does not apply.
    pub hidden: HashSet<String>,
    /// The node is demanded when it applies and is required.
    pub required: HashSet<String>,
    /// Error rules (node path, index).
    pub rules: HashSet<(String, usize)>,
    /// Bounds (node path, is-minimum).
    pub bounds: HashSet<(String, bool)>,
}

/// A built schema and what it enforces.
#[derive(Debug)]
pub struct Built {
    /// The schema.
    pub schema: Json,
    /// The checks it enforces.
    pub coverage: Coverage,
    /// What only amt's validator enforces (also in the schema under
    /// [`EXTENSION`]).
    pub gaps: Vec<Gap>,
}

/// A check JSON Schema cannot express.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Gap {
    /// The node's data path.
    pub path: String,
    /// Which check.
    pub check: GapCheck,
    /// Whether breaking it refuses the submission.
    pub severity: Severity,
    /// The expression in amt's syntax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// The author's message, per language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<amt_model::I18n>,
    /// Why the schema cannot say it.
    pub reason: String,
}

amt_model::words! {
    /// The checks the schema leaves to amt's validator.
    pub enum GapCheck {
        /// The condition of a part (whether it applies).
        Condition = "condition",
        /// A rule of the author's.
        Rule = "rule",
        /// A lower bound.
        Minimum = "minimum",
        /// An upper bound.
        Maximum = "maximum",
        /// Decimal places.
        Scale = "scale",
        /// Check digits.
        Checksum = "checksum",
        /// The days of the calendar in a date and time.
        Calendar = "calendar",
    }
}

/// The checks the schema of a procedure enforces (for the validator).
pub fn coverage(p: &Procedure) -> Coverage {
    build(p, DEFAULT_BASE).coverage
}

/// The schema of a procedure.
pub fn schema(p: &Procedure, base: &str) -> Json {
    build(p, base).schema
}

type Why = String;

struct Emitter<'p> {
    p: &'p Procedure,
    source: &'p str,
    nodes: HashMap<&'p str, &'p Node>,
    defs: Map<String, Json>,
    group_defs: HashMap<&'p str, Vec<(Json, String)>>,
    scopes: Vec<Vec<Json>>,
    coverage: Coverage,
    gaps: Vec<Gap>,
}

/// Where a node sits: its scope (root or a repeat item), the path from the
/// scope to its container, and the condition of its page (top-level nodes).
#[derive(Clone)]
struct Ctx<'p> {
    scope: &'p str,
    segs: Vec<&'p str>,
    page_when: Option<&'p Expr>,
}

fn number(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// The constant value of a bound, as a JSON number.
fn constant_number(e: &Expr) -> Option<Json> {
    match &e.kind {
        ExprKind::Literal { value } => match value {
            Literal::Integer(i) => Some(json!(i)),
            Literal::Decimal(d) => d.parse::<f64>().ok().map(number),
            Literal::Money(c) => Some(number(*c as f64 / 100.0)),
            _ => None,
        },
        ExprKind::Unary {
            operator: UnaryOp::Neg,
            operand,
        } => match constant_number(operand)? {
            Json::Number(n) => n.as_f64().map(|f| number(-f)),
            _ => None,
        },
        _ => None,
    }
}

impl<'p> Emitter<'p> {
    fn gap(
        &mut self,
        path: &str,
        check: GapCheck,
        severity: Severity,
        e: Option<&Expr>,
        message: Option<&amt_model::I18n>,
        reason: String,
    ) {
        // One style for every reason: a sentence.
        let mut reason = reason.trim_end_matches('.').to_string();
        if let Some(first) = reason.chars().next() {
            reason.replace_range(..first.len_utf8(), &first.to_uppercase().to_string());
        }
        reason.push('.');
        self.gaps.push(Gap {
            path: path.to_string(),
            check,
            severity,
            expression: e.map(|e| e.to_string()),
            message: message.filter(|m| !m.is_empty()).cloned(),
            reason,
        });
    }
}

impl<'p> Emitter<'p> {
    fn titled(&self, n: &Node, mut s: Json) -> Json {
        if let Json::Object(m) = &mut s {
            let mut out = Map::new();
            if let Some(l) = n
                .label
                .as_ref()
                .and_then(|l| l.pick(self.source, self.source))
            {
                out.insert("title".into(), json!(l));
            }
            if let Some(h) = n
                .hint
                .as_ref()
                .and_then(|h| h.pick(self.source, self.source))
            {
                out.insert("description".into(), json!(h));
            }
            out.append(m);
            *m = out;
        }
        s
    }

    fn bounds(&mut self, n: &Node, b: &amt_model::Bounds, s: &mut Json) {
        for (bound, is_min) in [(&b.min, true), (&b.max, false)] {
            let Some(e) = bound else { continue };
            let (keyword, check) = if is_min {
                ("minimum", GapCheck::Minimum)
            } else {
                ("maximum", GapCheck::Maximum)
            };
            match (constant_number(e), s["type"].as_str()) {
                (Some(v), Some("integer" | "number")) => {
                    s[keyword] = v;
                    self.coverage.bounds.insert((n.path.clone(), is_min));
                }
                _ => {
                    let why = match e.kind {
                        ExprKind::Literal { .. } => "JSON Schema cannot order dates or times",
                        _ if e.any(&|e| matches!(e.kind, ExprKind::Today)) => {
                            "the bound depends on today's date"
                        }
                        _ => "the bound is computed from other answers",
                    };
                    self.gap(&n.path, check, Severity::Error, Some(e), None, why.into());
                }
            }
        }
    }

    /// The schema of one value of a field.
    fn field(&mut self, n: &Node, ty: &FieldType) -> Json {
        match ty {
            FieldType::Text {
                min_length,
                max_length,
                pattern,
                format,
                ..
            } => self.text(n, *min_length, *max_length, pattern.as_deref(), *format),
            FieldType::Integer { bounds } => {
                // Within what every JSON reader keeps exactly (2^53 − 1).
                let safe = amt_model::SAFE_INTEGER;
                let mut s = json!({ "type": "integer", "minimum": -safe, "maximum": safe });
                self.bounds(n, bounds, &mut s);
                // An author's bound beyond that range gives way to it.
                if s["minimum"].as_f64().is_some_and(|v| v < -safe as f64) {
                    s["minimum"] = json!(-safe);
                }
                if s["maximum"].as_f64().is_some_and(|v| v > safe as f64) {
                    s["maximum"] = json!(safe);
                }
                s
            }
            FieldType::Decimal { scale, bounds } => {
                let mut s = json!({ "type": "number" });
                self.bounds(n, bounds, &mut s);
                if let Some(scale) = scale {
                    self.gap(&n.path, GapCheck::Scale, Severity::Error, None, None, format!("At most {scale} decimal places; JSON Schema's multipleOf is unreliable with binary fractions."));
                }
                s
            }
            FieldType::Money { bounds } => {
                // Within what every JSON reader keeps exact to the cent.
                let safe = amt_model::SAFE_MONEY;
                let mut s = json!({ "type": "number", "minimum": -safe, "maximum": safe });
                self.bounds(n, bounds, &mut s);
                // An author's bound beyond that range gives way to it.
                if s["minimum"].as_f64().is_some_and(|v| v < -safe) {
                    s["minimum"] = json!(-safe);
                }
                if s["maximum"].as_f64().is_some_and(|v| v > safe) {
                    s["maximum"] = json!(safe);
                }
                self.gap(&n.path, GapCheck::Scale, Severity::Error, None, None, "Euros with at most 2 decimal places (cents); JSON Schema's multipleOf is unreliable with binary fractions.".into());
                s
            }
            FieldType::Boolean => json!({ "type": "boolean" }),
            FieldType::Consent => json!({ "type": "boolean", "const": true }),
            FieldType::Date { bounds } => {
                // The pattern holds for validators that treat `format` as a
                // mere annotation; `format` adds the calendar (no 30 February).
                let mut s = json!({ "type": "string", "format": "date", "pattern": formats::anchored_for_schema(formats::DATE) });
                self.bounds(n, bounds, &mut s);
                s
            }
            FieldType::Time { bounds } => {
                let mut s = json!({ "type": "string", "pattern": formats::anchored_for_schema(formats::TIME) });
                self.bounds(n, bounds, &mut s);
                s
            }
            FieldType::Datetime { bounds } => {
                let mut s = json!({ "type": "string", "pattern": formats::anchored_for_schema(formats::DATETIME) });
                self.bounds(n, bounds, &mut s);
                self.gap(&n.path, GapCheck::Calendar, Severity::Error, None, None, "The pattern allows days such as 31 April; amt's validator checks the calendar.".into());
                s
            }
            FieldType::Choice { codelist, multiple } => {
                let r = json!({ "$ref": format!("#/$defs/{}", self.codelist_def(codelist)) });
                if *multiple {
                    json!({ "type": "array", "items": r, "minItems": 1, "uniqueItems": true })
                } else {
                    r
                }
            }
        }
    }

    /// The schema of a text: never empty, its length, its patterns; check
    /// digits are left to the validator.
    fn text(
        &mut self,
        n: &Node,
        min_length: Option<u64>,
        max_length: Option<u64>,
        pattern: Option<&str>,
        format: Option<TextFormat>,
    ) -> Json {
        let mut s = json!({ "type": "string", "minLength": min_length.unwrap_or(1).max(1) });
        if let Some(max) = max_length {
            s["maxLength"] = json!(max);
        }
        let patterns: Vec<String> = pattern
            .into_iter()
            .chain(format.map(TextFormat::pattern))
            .map(formats::anchored_for_schema)
            .collect();
        match patterns.as_slice() {
            [] => {}
            [one] => s["pattern"] = json!(one),
            many => {
                s["allOf"] = Json::Array(many.iter().map(|p| json!({ "pattern": p })).collect())
            }
        }
        if let Some(format) = format
            && format.check_digits().is_some()
        {
            self.gap(
                &n.path,
                GapCheck::Checksum,
                Severity::Error,
                None,
                None,
                format!("JSON Schema cannot verify {}", format.check_digits_rule()),
            );
        }
        s
    }

    fn codelist_def(&mut self, name: &str) -> String {
        let key = format!("codelist.{name}");
        if !self.defs.contains_key(&key) {
            let values: Vec<Json> = self.p.codelists.get(name).map_or_else(Vec::new, |l| {
                l.values
                    .iter()
                    .map(|v| {
                        let mut o = json!({ "const": v.code });
                        if let Some(t) = v.label.pick(self.source, self.source) {
                            o["title"] = json!(t);
                        }
                        o
                    })
                    .collect()
            });
            let mut s = json!({ "type": "string" });
            if let Some(l) = self
                .p
                .codelists
                .get(name)
                .and_then(|l| l.label.as_ref())
                .and_then(|l| l.pick(self.source, self.source))
            {
                s["title"] = json!(l);
            }
            s["oneOf"] = Json::Array(values);
            self.defs.insert(key.clone(), s);
        }
        key
    }

    fn file_def(&mut self) -> &'static str {
        if !self.defs.contains_key("file") {
            self.defs.insert(
                "file".into(),
                json!({
                    "description": "An uploaded file. The file itself travels beside the submission (e.g. as a FIT-Connect attachment); `id` refers to it.",
                    "type": "object",
                    "properties": {
                        "id": { "type": "string", "minLength": 1, "description": "The file's reference in the transport, e.g. a UUID." },
                        "filename": { "type": "string", "minLength": 1 },
                        "media_type": { "type": "string", "minLength": 1 },
                        "size": { "type": "integer", "minimum": 0, "maximum": amt_model::SAFE_INTEGER, "description": "In bytes." }
                    },
                    "required": ["id", "filename", "media_type", "size"],
                    "additionalProperties": false
                }),
            );
        }
        "file"
    }

    /// The schema of a node's data (a list for repeats), or `None` for nodes
    /// without data.
    fn node(&mut self, n: &'p Node, ctx: &Ctx<'p>) -> Option<Json> {
        if !n.is_data() {
            return None;
        }
        self.constraints(n, ctx);
        let one = match &n.kind {
            NodeKind::Field { ty } => self.field(n, ty),
            NodeKind::Attachment {
                media_types,
                max_bytes,
                count,
            } => {
                let file = self.file_def();
                let mut item = json!({
                    "$ref": format!("#/$defs/{file}"),
                    "type": "object",
                    "properties": { "media_type": { "type": "string", "enum": media_types } }
                });
                if let Some(max) = max_bytes {
                    item["properties"]["size"] = json!({ "type": "integer", "maximum": max });
                }
                let mut s = json!({ "type": "array", "items": item, "minItems": count.min.max(1) });
                if let Some(max) = count.max {
                    s["maxItems"] = json!(max);
                }
                return Some(self.titled(n, s));
            }
            NodeKind::Group { items, group } => {
                let (scope, inner) = if n.repeat.is_some() {
                    self.scopes.push(Vec::new());
                    self.item_rules(n);
                    let inner = Ctx {
                        scope: n.path.as_str(),
                        segs: Vec::new(),
                        page_when: None,
                    };
                    (true, inner)
                } else {
                    let mut segs = ctx.segs.clone();
                    segs.push(&n.id);
                    (
                        false,
                        Ctx {
                            scope: ctx.scope,
                            segs,
                            page_when: None,
                        },
                    )
                };
                let mut s = self.object(items.iter(), &inner);
                s["minProperties"] = json!(1);
                if scope {
                    let constraints = self.scopes.pop().unwrap_or_default();
                    if !constraints.is_empty() {
                        s["allOf"] = Json::Array(constraints);
                    }
                }
                match group {
                    Some(name) => {
                        let name: &'p str = name;
                        let def = self.group_def(name, s);
                        json!({ "$ref": format!("#/$defs/{def}") })
                    }
                    None => s,
                }
            }
            _ => return None,
        };
        let s = match n.repeat {
            Some(card) => {
                let mut s = json!({ "type": "array", "items": one, "minItems": card.min.max(1) });
                if let Some(max) = card.max {
                    s["maxItems"] = json!(max);
                }
                s
            }
            None => one,
        };
        Some(self.titled(n, s))
    }

    /// A reusable group's schema in `$defs`: instances with the same schema
    /// share one entry; one that differs (e.g. extra rules) gets its own.
    fn group_def(&mut self, name: &'p str, s: Json) -> String {
        let known = self.group_defs.entry(name).or_default();
        if let Some((_, def)) = known.iter().find(|(k, _)| *k == s) {
            return def.clone();
        }
        let def = if known.is_empty() {
            name.to_string()
        } else {
            format!("{name}.{}", known.len() + 1)
        };
        known.push((s.clone(), def.clone()));
        self.defs.insert(def.clone(), s);
        def
    }

    /// An object of the given nodes.
    fn object(&mut self, items: impl Iterator<Item = &'p Node>, ctx: &Ctx<'p>) -> Json {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for n in items {
            if let Some(s) = self.node(n, ctx) {
                if ctx.page_when.is_none() && n.when.is_none() && n.demanded() {
                    required.push(json!(n.id));
                }
                properties.insert(n.id.clone(), s);
            }
        }
        let mut s = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            s["required"] = Json::Array(required);
        }
        s["additionalProperties"] = json!(false);
        s
    }
}

/// Builds the schema of a procedure; `base` is the URI its `$id` starts with.
pub fn build(p: &Procedure, base: &str) -> Built {
    let nodes = p.all_nodes().map(|n| (n.path.as_str(), n)).collect();
    let source = p.source_language();
    let mut e = Emitter {
        p,
        source,
        nodes,
        defs: Map::new(),
        group_defs: HashMap::new(),
        scopes: vec![Vec::new()],
        coverage: Coverage::default(),
        gaps: Vec::new(),
    };
    let mut properties = Map::new();
    let mut required = Vec::new();
    let root = Ctx {
        scope: "",
        segs: Vec::new(),
        page_when: None,
    };
    let pages = p.pages.iter().map(|pg| (pg.when.as_ref(), &pg.items));
    for (when, items) in pages.chain([(None, &p.attachments)]) {
        let ctx = Ctx {
            page_when: when,
            ..root.clone()
        };
        let Json::Object(obj) = e.object(items.iter(), &ctx) else {
            continue;
        };
        if let Some(Json::Object(props)) = obj.get("properties") {
            properties.extend(props.clone());
        }
        if let Some(Json::Array(r)) = obj.get("required") {
            required.extend(r.clone());
        }
    }
    let mut s = Map::new();
    s.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    let base = if base.ends_with(['/', ':']) {
        base.to_string()
    } else {
        format!("{base}/")
    };
    s.insert("$id".into(), json!(schema_uri(p, &base)));
    if let Some(t) = p.title.pick(source, source) {
        s.insert("title".into(), json!(t));
    }
    if let Some(d) = p.description.as_ref().and_then(|d| d.pick(source, source)) {
        s.insert("description".into(), json!(d));
    }
    s.insert("type".into(), json!("object"));
    s.insert("properties".into(), Json::Object(properties));
    if !required.is_empty() {
        s.insert("required".into(), Json::Array(required));
    }
    s.insert("additionalProperties".into(), json!(false));
    let constraints = e.scopes.pop().unwrap_or_default();
    if !constraints.is_empty() {
        s.insert("allOf".into(), Json::Array(constraints));
    }
    let gaps = std::mem::take(&mut e.gaps);
    s.insert(
        EXTENSION.into(),
        serde_json::to_value(&gaps).unwrap_or(Json::Null),
    );
    if !e.defs.is_empty() {
        s.insert("$defs".into(), Json::Object(std::mem::take(&mut e.defs)));
    }
    Built {
        schema: Json::Object(s),
        coverage: e.coverage,
        gaps,
    }
}
