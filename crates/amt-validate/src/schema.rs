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

use amt_model::formats::{self, TextFormat};
use amt_model::{BinaryOp, UnaryOp};
use amt_model::{
    Expr, ExprKind, FieldType, Function, Literal, Node, NodeKind, Procedure, Severity,
};
use serde_json::{Map, Value as Json, json};
use std::collections::{HashMap, HashSet};

/// The default base of schema ids; a project sets its own with
/// `amt build --schema-base URI`.
pub const DEFAULT_BASE: &str = "https://schemas.example.org/amt/";

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

/// `{type: object, properties: {s1: {… {sn: leaf}}}, required: [s1 … sn]}`:
/// the path is there and its value matches `leaf`.
fn at(segs: &[&str], leaf: Json) -> Json {
    match segs.split_first() {
        None => leaf,
        Some((first, rest)) => json!({
            "type": "object",
            "properties": { *first: at(rest, leaf) },
            "required": [first],
        }),
    }
}

/// The path is absent, or its value matches `leaf`.
fn absent_or(segs: &[&str], leaf: Json) -> Json {
    match segs.split_first() {
        None => leaf,
        Some((first, rest)) => json!({
            "type": "object",
            "properties": { *first: absent_or(rest, leaf) },
        }),
    }
}

/// Merges two schemas made of `type: object`, `properties` and `required`
/// (what [`at`] and [`absent_or`] make) into one, if they fit together.
fn merge(a: &Json, b: &Json) -> Option<Json> {
    if a == b {
        return Some(a.clone());
    }
    let (Json::Object(x), Json::Object(y)) = (a, b) else {
        return None;
    };
    let simple = |m: &Map<String, Json>| {
        m.keys()
            .all(|k| ["type", "properties", "required"].contains(&k.as_str()))
    };
    if !simple(x) || !simple(y) || x.get("type") != y.get("type") {
        return None;
    }
    let mut properties = x
        .get("properties")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in y
        .get("properties")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        let merged = match properties.get(k) {
            None => v.clone(),
            Some(old) => merge(old, v)?,
        };
        properties.insert(k.clone(), merged);
    }
    let mut required: Vec<Json> = x
        .get("required")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    for r in y
        .get("required")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if !required.contains(r) {
            required.push(r.clone());
        }
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Json::Object(properties));
    if !required.is_empty() {
        out.insert("required".into(), Json::Array(required));
    }
    Some(Json::Object(out))
}

fn all_of(mut parts: Vec<Json>) -> Json {
    parts.retain(|p| *p != Json::Bool(true));
    if parts.contains(&Json::Bool(false)) {
        return Json::Bool(false);
    }
    match parts.len() {
        0 => Json::Bool(true),
        1 => parts.pop().unwrap_or(Json::Bool(true)),
        _ => json!({ "allOf": parts }),
    }
}

fn any_of(mut parts: Vec<Json>) -> Json {
    parts.retain(|p| *p != Json::Bool(false));
    if parts.contains(&Json::Bool(true)) {
        return Json::Bool(true);
    }
    match parts.len() {
        0 => Json::Bool(false),
        1 => parts.pop().unwrap_or(Json::Bool(false)),
        _ => json!({ "anyOf": parts }),
    }
}

fn not(s: Json) -> Json {
    match s {
        Json::Bool(b) => Json::Bool(!b),
        s => json!({ "not": s }),
    }
}

/// `{type: kind, …leaf}`, with the type first for readers.
fn typed(kind: &str, leaf: Json) -> Json {
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    if let Json::Object(m) = leaf {
        out.extend(m);
    }
    Json::Object(out)
}

/// A literal as it appears in submitted JSON, if it can be compared there.
fn literal_json(l: &Literal) -> Option<Json> {
    Some(match l {
        Literal::Boolean(b) => Json::Bool(*b),
        Literal::Integer(i) => json!(i),
        Literal::Decimal(d) => json!(d.parse::<f64>().ok()?),
        Literal::Text(t) | Literal::Code(t) | Literal::Date(t) => Json::String(t.clone()),
        Literal::Money(_) | Literal::Duration(_) => return None,
    })
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
    fn ref_path(&self, path: &'p str, scope: &str, list_ok: bool) -> Result<Vec<&'p str>, Why> {
        let rest = if scope.is_empty() {
            path
        } else if path == scope {
            ""
        } else {
            path.strip_prefix(scope)
                .and_then(|r| r.strip_prefix('.'))
                .ok_or("it refers to answers outside the repeat item it belongs to")?
        };
        if rest.is_empty() {
            if list_ok {
                return Err("it goes through the repeat it stands in".into());
            }
            return Ok(Vec::new());
        }
        let segs: Vec<&str> = rest.split('.').collect();
        let mut prefix = scope.len();
        for (i, s) in segs.iter().enumerate() {
            prefix += if prefix == 0 { s.len() } else { s.len() + 1 };
            let node = self.nodes.get(&path[..prefix]).ok_or("it uses a fee")?;
            if matches!(node.kind, NodeKind::Computed { .. }) {
                return Err("it uses a computed value".into());
            }
            let last = i + 1 == segs.len();
            if node.repeat.is_some() && !(last && list_ok) {
                return Err("it reaches into the items of a repeat".into());
            }
        }
        Ok(segs)
    }

    fn field_of(&self, path: &str) -> Option<&'p FieldType> {
        match &self.nodes.get(path)?.kind {
            NodeKind::Field { ty } => Some(ty),
            _ => None,
        }
    }

    /// The schema of data on which `e` is definitely `want` (T or F).
    fn truth(&self, e: &'p Expr, scope: &'p str, want: bool) -> Result<Json, Why> {
        match &e.kind {
            ExprKind::Literal {
                value: Literal::Boolean(b),
            } => Ok(Json::Bool(*b == want)),
            ExprKind::Unary {
                operator: UnaryOp::Not,
                operand,
            } => self.truth(operand, scope, !want),
            ExprKind::Binary {
                operator: op @ (BinaryOp::And | BinaryOp::Or),
                left,
                right,
            } => {
                let l = self.truth(left, scope, want)?;
                let r = self.truth(right, scope, want)?;
                Ok(if (*op == BinaryOp::And) == want {
                    all_of(vec![l, r])
                } else {
                    any_of(vec![l, r])
                })
            }
            ExprKind::Binary {
                operator,
                left,
                right,
            } => {
                let op = if want { *operator } else { operator.negated() };
                self.comparison(op, left, right, scope)
            }
            ExprKind::Ref { path } => {
                // A computed yes/no: its definition, over the same data.
                if let Some(Node {
                    kind: NodeKind::Computed { value, .. },
                    ..
                }) = self.nodes.get(path.as_str())
                {
                    return self.truth(value, scope, want);
                }
                // A yes/no question on its own.
                let segs = self.ref_path(path, scope, false)?;
                match self.field_of(path) {
                    Some(FieldType::Boolean | FieldType::Consent) => Ok(self.boolean(&segs, want)),
                    _ => Err("it is not a yes/no question".into()),
                }
            }
            ExprKind::Call {
                function,
                over,
                args,
            } => match (function, over) {
                (Function::Filled, _) => {
                    let ExprKind::Ref { path } = &args[0].kind else {
                        return Err("it asks about something other than a name".into());
                    };
                    let segs = self.ref_path(path, scope, true)?;
                    let present = at(&segs, Json::Bool(true));
                    Ok(if want { present } else { not(present) })
                }
                (Function::Matches, _) => {
                    let (
                        ExprKind::Ref { path },
                        ExprKind::Literal {
                            value: Literal::Text(p),
                        },
                    ) = (&args[0].kind, &args[1].kind)
                    else {
                        return Err("it matches something other than a field".into());
                    };
                    let segs = self.ref_path(path, scope, false)?;
                    let pattern = json!({ "pattern": formats::anchored(p) });
                    let leaf = if want { pattern } else { not(pattern) };
                    Ok(at(&segs, json!({ "type": "string", "allOf": [leaf] })))
                }
                (Function::Any | Function::All, Some(rep)) => {
                    let ExprKind::Ref { path } = &args[0].kind else {
                        return Err("it goes through something other than a repeat".into());
                    };
                    let segs = self.ref_path(path, scope, true)?;
                    let node = self.nodes.get(rep.as_str()).ok_or("unknown repeat")?;
                    let item_scope: &'p str = &node.path;
                    let exists = *function == Function::Any;
                    // any: T = some item T; F = every item F. all: the dual.
                    let item = self.truth(&args[1], item_scope, want)?;
                    Ok(if exists == want {
                        at(&segs, json!({ "type": "array", "contains": item }))
                    } else {
                        absent_or(&segs, json!({ "type": "array", "items": item }))
                    })
                }
                _ => Err(format!("JSON Schema cannot compute `{function}(…)`")),
            },
            ExprKind::Today => Err("it depends on today's date".into()),
            _ => Err("JSON Schema cannot evaluate this expression".into()),
        }
    }

    fn boolean(&self, segs: &[&str], value: bool) -> Json {
        // Unanswered counts as `no`.
        if value {
            at(segs, json!({ "const": true }))
        } else {
            absent_or(segs, json!({ "const": false }))
        }
    }

    /// `left op right` holds (op already negated for F).
    fn comparison(
        &self,
        op: BinaryOp,
        left: &'p Expr,
        right: &'p Expr,
        scope: &'p str,
    ) -> Result<Json, Why> {
        // `CODE in multichoice`: whether the list holds the code.
        if let (ExprKind::Literal { value }, ExprKind::Ref { path }, BinaryOp::In | BinaryOp::NotIn) =
            (&left.kind, &right.kind, op)
            && let Some(FieldType::Choice { multiple: true, .. }) = self.field_of(path)
        {
            let segs = self.ref_path(path, scope, false)?;
            let has = json!({ "contains": { "const": literal_json(value) } });
            return Ok(if op == BinaryOp::In {
                at(&segs, typed("array", has))
            } else {
                // Unanswered is no choice, so it holds no code.
                absent_or(&segs, typed("array", json!({ "not": has })))
            });
        }
        // The measured side first: a field, len(field) or count(repeat).
        let (op, subject, other) = match (&left.kind, &right.kind) {
            (ExprKind::Literal { .. } | ExprKind::List { .. }, _) => (
                op.swapped()
                    .ok_or("the value to compare is on the left of `in`")?,
                right,
                left,
            ),
            _ => (op, left, right),
        };
        if matches!(other.kind, ExprKind::Ref { .. })
            && matches!(subject.kind, ExprKind::Ref { .. })
        {
            return Err("it compares two answers with each other".into());
        }
        match &subject.kind {
            ExprKind::Ref { path } => self.compare_field(op, path, other, scope),
            ExprKind::Call {
                function,
                args,
                over: None,
            } if matches!(function, Function::Len | Function::Count) => {
                let ExprKind::Ref { path } = &args[0].kind else {
                    return Err(format!("`{function}` of an expression"));
                };
                let Some(k) = constant_number(other).and_then(|n| n.as_i64()) else {
                    return Err(format!(
                        "`{function}` is compared with something other than a whole number"
                    ));
                };
                let (kind, min_kw, max_kw) = if *function == Function::Len {
                    ("string", "minLength", "maxLength")
                } else {
                    ("array", "minItems", "maxItems")
                };
                let counted = *function == Function::Count;
                let segs = self.ref_path(path, scope, counted)?;
                // len of an unanswered text is unknown; count of nothing is 0.
                let range = |lo: i64, hi: Option<i64>| -> Json {
                    let mut s = json!({ "type": kind });
                    if lo > 0 {
                        s[min_kw] = json!(lo);
                    }
                    if let Some(hi) = hi {
                        if hi < 0 {
                            return Json::Bool(false);
                        }
                        s[max_kw] = json!(hi);
                    }
                    if counted && lo <= 0 {
                        absent_or(&segs, s)
                    } else {
                        at(&segs, s)
                    }
                };
                Ok(match op {
                    BinaryOp::Ge => range(k, None),
                    BinaryOp::Gt => range(k + 1, None),
                    BinaryOp::Le => range(0, Some(k)),
                    BinaryOp::Lt => range(0, Some(k - 1)),
                    BinaryOp::Eq => range(k, Some(k)),
                    BinaryOp::Ne => any_of(vec![range(0, Some(k - 1)), range(k + 1, None)]),
                    _ => return Err("this comparison".into()),
                })
            }
            _ => Err("JSON Schema cannot compute this value".into()),
        }
    }

    fn compare_field(
        &self,
        op: BinaryOp,
        path: &'p str,
        other: &'p Expr,
        scope: &'p str,
    ) -> Result<Json, Why> {
        let ty = self
            .field_of(path)
            .ok_or("it compares something that is not a field")?;
        let list_ok = matches!(ty, FieldType::Choice { multiple: true, .. });
        let segs = self.ref_path(path, scope, false)?;
        let consts: Vec<Json> =
            match &other.kind {
                ExprKind::List { items } => items
                    .iter()
                    .map(|i| match &i.kind {
                        ExprKind::Literal { value } => literal_json(value),
                        _ => None,
                    })
                    .collect::<Option<_>>()
                    .ok_or("the list holds more than constants")?,
                ExprKind::Literal { value } => vec![literal_json(value).ok_or(
                    "it compares amounts of money or durations, which amt compares exactly",
                )?],
                ExprKind::Today => return Err("it depends on today's date".into()),
                _ => constant_number(other)
                    .map(|n| vec![n])
                    .ok_or("it compares with a computed value")?,
            };
        let (kind, ordered) = match ty {
            FieldType::Text { .. }
            | FieldType::Choice {
                multiple: false, ..
            }
            | FieldType::Time { .. }
            | FieldType::Date { .. } => ("string", false),
            FieldType::Integer { .. } => ("integer", true),
            FieldType::Decimal { .. } => ("number", true),
            FieldType::Boolean | FieldType::Consent => ("boolean", false),
            FieldType::Choice { multiple: true, .. } => ("array", false),
            FieldType::Money { .. } => {
                return Err(
                    "it compares amounts of money, which amt compares exactly to the cent".into(),
                );
            }
            FieldType::Datetime { .. } => return Err("it compares dates and times".into()),
        };
        if list_ok {
            // `CODE in multichoice` was flipped into `multichoice <op> CODE`: not expressible that way.
            return Err("it asks about a multiple choice".into());
        }
        let c = consts.first().cloned().unwrap_or(Json::Null);
        let leaf = match op {
            BinaryOp::Eq => json!({ "const": c }),
            BinaryOp::Ne => json!({ "not": { "const": c } }),
            BinaryOp::In => json!({ "enum": consts }),
            BinaryOp::NotIn => json!({ "not": { "enum": consts } }),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge if ordered => {
                let kw = match op {
                    BinaryOp::Lt => "exclusiveMaximum",
                    BinaryOp::Le => "maximum",
                    BinaryOp::Gt => "exclusiveMinimum",
                    _ => "minimum",
                };
                json!({ kw: c })
            }
            _ => return Err("JSON Schema cannot order dates or times".into()),
        };
        if kind == "boolean" {
            // Unanswered is `no`: the leaf decides whether absence matches.
            let holds_for_no = match op {
                BinaryOp::Eq => c == Json::Bool(false),
                BinaryOp::Ne => c == Json::Bool(true),
                BinaryOp::In => consts.contains(&Json::Bool(false)),
                BinaryOp::NotIn => !consts.contains(&Json::Bool(false)),
                _ => false,
            };
            return Ok(if holds_for_no {
                absent_or(&segs, typed("boolean", leaf))
            } else {
                at(&segs, typed("boolean", leaf))
            });
        }
        let mut leaf = typed(kind, leaf);
        if matches!(ty, FieldType::Date { .. }) {
            leaf["format"] = json!("date");
        }
        Ok(at(&segs, leaf))
    }

    /// Adds a constraint to the current scope's `allOf`; one with the same
    /// `if` as an earlier one is merged into it, so each condition appears once.
    fn constrain(&mut self, c: Json) {
        if c == Json::Bool(true) {
            return;
        }
        let Some(scope) = self.scopes.last_mut() else {
            return;
        };
        if c.get("if").is_some()
            && let Some(earlier) = scope.iter_mut().find(|e| e.get("if") == c.get("if"))
        {
            for key in ["then", "else"] {
                match (earlier.get(key), c.get(key)) {
                    (_, None) => {}
                    (None, Some(new)) => earlier[key] = new.clone(),
                    (Some(old), Some(new)) => {
                        earlier[key] = merge(old, new)
                            .unwrap_or_else(|| all_of(vec![old.clone(), new.clone()]));
                    }
                }
            }
            return;
        }
        scope.push(c);
    }

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

    /// All conditions hold; on failure, the condition that cannot be said.
    fn conjunction(&self, conds: &[&'p Expr], scope: &'p str) -> Result<Json, (&'p Expr, Why)> {
        let parts = conds
            .iter()
            .map(|c| self.truth(c, scope, true).map_err(|why| (*c, why)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(all_of(parts))
    }

    /// The constraints of one data node: where it applies, where it is
    /// demanded, and its rules. A node is asked where its container is there
    /// and its own condition (and its page's) holds; everything above is
    /// implied, because a part that does not apply must be absent.
    fn constraints(&mut self, n: &'p Node, ctx: &Ctx<'p>) {
        let own: Vec<&'p Expr> = ctx.page_when.into_iter().chain(&n.when).collect();
        let container = ctx.segs.as_slice();
        let mut segs = ctx.segs.clone();
        segs.push(&n.id);
        // Where it applies (T), where it does not (F); in between, where a
        // condition reads a missing answer, it is neither demanded nor refused.
        let applies = self.conjunction(&own, ctx.scope);
        let refused = own
            .iter()
            .map(|c| self.truth(c, ctx.scope, false).map_err(|why| (*c, why)))
            .collect::<Result<Vec<_>, _>>()
            .map(any_of);
        if own.is_empty() {
            // Listed in the container's `required`.
            if n.demanded() {
                self.coverage.required.insert(n.path.clone());
            }
        } else {
            match (
                applies.as_ref().map_err(|(e, w)| (*e, w.clone())),
                refused.clone(),
            ) {
                (Ok(t), Ok(f)) => {
                    if n.demanded() {
                        let then = absent_or(container, at(&[&n.id], json!(true)));
                        self.constrain(json!({ "if": t, "then": then }));
                        self.coverage.required.insert(n.path.clone());
                    }
                    self.constrain(json!({ "if": f, "then": absent_or(&segs, json!(false)) }));
                    self.coverage.hidden.insert(n.path.clone());
                }
                (Err((e, why)), _) | (_, Err((e, why))) => {
                    let why = if ctx.page_when.is_some_and(|p| std::ptr::eq(p, e)) {
                        format!("the condition of its page: {why}")
                    } else {
                        why.clone()
                    };
                    self.gap(
                        &n.path,
                        GapCheck::Condition,
                        Severity::Error,
                        Some(e),
                        None,
                        why,
                    );
                }
            }
        }
        if n.repeat.is_some() && matches!(n.kind, NodeKind::Group { .. }) {
            return; // its rules hold in each item: see `item_rules`
        }
        // Where its rules are checked: a field where it applies (its
        // container given), or where it is given and does not not apply; a
        // group where it is given and does not not apply.
        let is_group = matches!(n.kind, NodeKind::Group { .. });
        let asked = match (&applies, &refused) {
            (Ok(t), Ok(f)) => Ok(if is_group {
                all_of(vec![at(&segs, json!(true)), not(f.clone())])
            } else {
                all_of(vec![
                    at(container, json!(true)),
                    any_of(vec![
                        t.clone(),
                        all_of(vec![not(f.clone()), at(&segs, json!(true))]),
                    ]),
                ])
            }),
            (Err((_, why)), _) | (_, Err((_, why))) => Err(why.clone()),
        };
        for (i, r) in n.rules.iter().enumerate() {
            let warning = r.severity == Severity::Warning;
            let translated = if warning {
                Err("warnings are shown to the user, not enforced".to_string())
            } else if n.repeat.is_some() {
                Err("it is a rule on each value of a repeated field".into())
            } else {
                match (&asked, self.truth(&r.condition, ctx.scope, false)) {
                    (Ok(asked), Ok(f)) => Ok(if *asked == Json::Bool(true) {
                        not(f)
                    } else {
                        json!({ "if": asked, "then": not(f) })
                    }),
                    (Err(why), _) => Err(format!(
                        "the condition of its field cannot be expressed: {why}"
                    )),
                    (_, Err(why)) => Err(why),
                }
            };
            match translated {
                Ok(c) => {
                    self.coverage.rules.insert((n.path.clone(), i));
                    self.constrain(c);
                }
                Err(why) => {
                    self.gap(
                        &n.path,
                        GapCheck::Rule,
                        r.severity,
                        Some(&r.condition),
                        Some(&r.message),
                        why,
                    );
                }
            }
        }
    }
}

impl<'p> Emitter<'p> {
    /// The rules of a repeated group, checked in each item's scope.
    fn item_rules(&mut self, n: &'p Node) {
        for (i, r) in n.rules.iter().enumerate() {
            let translated = if r.severity == Severity::Warning {
                Err("warnings are shown to the user, not enforced".to_string())
            } else {
                self.truth(&r.condition, &n.path, false)
            };
            match translated {
                Ok(f) => {
                    self.coverage.rules.insert((n.path.clone(), i));
                    self.constrain(not(f));
                }
                Err(why) => {
                    self.gap(
                        &n.path,
                        GapCheck::Rule,
                        r.severity,
                        Some(&r.condition),
                        Some(&r.message),
                        why,
                    );
                }
            }
        }
    }

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
            } => {
                let mut s =
                    json!({ "type": "string", "minLength": min_length.unwrap_or(1).max(1) });
                if let Some(max) = max_length {
                    s["maxLength"] = json!(max);
                }
                let patterns: Vec<String> = pattern
                    .iter()
                    .map(String::as_str)
                    .chain(format.map(TextFormat::pattern))
                    .map(formats::anchored)
                    .collect();
                match patterns.as_slice() {
                    [] => {}
                    [one] => s["pattern"] = json!(one),
                    many => {
                        s["allOf"] =
                            Json::Array(many.iter().map(|p| json!({ "pattern": p })).collect())
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
                let mut s = json!({ "type": "number" });
                self.bounds(n, bounds, &mut s);
                self.gap(&n.path, GapCheck::Scale, Severity::Error, None, None, "Euros with at most 2 decimal places (cents); JSON Schema's multipleOf is unreliable with binary fractions.".into());
                s
            }
            FieldType::Boolean => json!({ "type": "boolean" }),
            FieldType::Consent => json!({ "type": "boolean", "const": true }),
            FieldType::Date { bounds } => {
                // The pattern holds for validators that treat `format` as a
                // mere annotation; `format` adds the calendar (no 30 February).
                let mut s = json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
                self.bounds(n, bounds, &mut s);
                s
            }
            FieldType::Time { bounds } => {
                let mut s =
                    json!({ "type": "string", "pattern": formats::anchored(formats::TIME) });
                self.bounds(n, bounds, &mut s);
                s
            }
            FieldType::Datetime { bounds } => {
                let mut s =
                    json!({ "type": "string", "pattern": formats::anchored(formats::DATETIME) });
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
    s.insert(
        "$id".into(),
        json!(format!("{base}{}/{}/schema.json", p.id, p.version)),
    );
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
