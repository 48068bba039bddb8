//! Conditions as JSON Schema: the schema of data on which a condition is
//! definitely true (`T`) or definitely false (`F`), and the `if`/`then`
//! constraints that make a part demanded where it applies, refused where it
//! does not, and a rule hold where it is asked.

use super::{Ctx, Emitter, GapCheck, Why, constant_number};
use amt_model::formats;
use amt_model::{BinaryOp, UnaryOp};
use amt_model::{Expr, ExprKind, FieldType, Function, Literal, Node, NodeKind, Severity};
use serde_json::{Map, Value as Json, json};

/// A schema, or the condition that cannot be said as one and why.
type Said<'p> = Result<Json, (&'p Expr, Why)>;

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

/// Where a node's rules are checked: a field where it applies (its
/// container given), or where it is given and does not not apply; a group
/// where it is given and does not not apply.
fn where_asked(
    is_group: bool,
    container: &[&str],
    segs: &[&str],
    applies: &Said<'_>,
    refused: &Said<'_>,
) -> Result<Json, Why> {
    match (applies, refused) {
        (Ok(t), Ok(f)) => Ok(if is_group {
            all_of(vec![at(segs, json!(true)), not(f.clone())])
        } else {
            all_of(vec![
                at(container, json!(true)),
                any_of(vec![
                    t.clone(),
                    all_of(vec![not(f.clone()), at(segs, json!(true))]),
                ]),
            ])
        }),
        (Err((_, why)), _) | (_, Err((_, why))) => Err(why.clone()),
    }
}

/// The constants a field is compared with, as they appear in submitted
/// JSON: one, or the items of a list.
fn constants(other: &Expr) -> Result<Vec<Json>, Why> {
    Ok(match &other.kind {
        ExprKind::List { items } => items
            .iter()
            .map(|i| match &i.kind {
                ExprKind::Literal { value } => literal_json(value),
                _ => None,
            })
            .collect::<Option<_>>()
            .ok_or("the list holds more than constants")?,
        ExprKind::Literal { value } => vec![
            literal_json(value)
                .ok_or("it compares amounts of money or durations, which amt compares exactly")?,
        ],
        ExprKind::Today => return Err("it depends on today's date".into()),
        _ => constant_number(other)
            .map(|n| vec![n])
            .ok_or("it compares with a computed value")?,
    })
}

/// The JSON type of a field's values, and whether JSON Schema orders them
/// as amt does; an error for the types it cannot compare.
fn comparable_kind(ty: &FieldType) -> Result<(&'static str, bool), Why> {
    Ok(match ty {
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
    })
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
            ExprKind::Ref { path } => self.ref_truth(path, scope, want),
            // A yes/no column: the codes whose value is `want`.
            ExprKind::Column {
                value,
                codelist,
                column,
            } => self.compare_column(
                BinaryOp::Eq,
                value,
                codelist,
                column,
                &crate::eval::V::Bool(want),
                scope,
            ),
            ExprKind::Call {
                function,
                over,
                args,
            } => self.call_truth(*function, over.as_deref(), args, scope, want),
            ExprKind::Today => Err("it depends on today's date".into()),
            _ => Err("JSON Schema cannot evaluate this expression".into()),
        }
    }

    /// The schema of data on which a name is definitely `want`: a yes/no
    /// question, or a computed yes/no.
    fn ref_truth(&self, path: &'p str, scope: &'p str, want: bool) -> Result<Json, Why> {
        // A computed yes/no: its definition, over the same data.
        if let Some(Node {
            kind: NodeKind::Computed { value, .. },
            ..
        }) = self.nodes.get(path)
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

    /// The schema of data on which a call is definitely `want`: `filled`,
    /// `matches`, and `any`/`all` over a repeat.
    fn call_truth(
        &self,
        function: Function,
        over: Option<&'p str>,
        args: &'p [Expr],
        scope: &'p str,
        want: bool,
    ) -> Result<Json, Why> {
        match (function, over) {
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
                let pattern = json!({ "pattern": formats::anchored_for_schema(p) });
                let leaf = if want { pattern } else { not(pattern) };
                Ok(at(&segs, json!({ "type": "string", "allOf": [leaf] })))
            }
            (Function::Any | Function::All, Some(rep)) => {
                let ExprKind::Ref { path } = &args[0].kind else {
                    return Err("it goes through something other than a repeat".into());
                };
                let segs = self.ref_path(path, scope, true)?;
                let node = self.nodes.get(rep).ok_or("unknown repeat")?;
                let item_scope: &'p str = &node.path;
                let exists = function == Function::Any;
                // any: T = some item T; F = every item F. all: the dual.
                let item = self.truth(&args[1], item_scope, want)?;
                Ok(if exists == want {
                    at(&segs, json!({ "type": "array", "contains": item }))
                } else {
                    absent_or(&segs, json!({ "type": "array", "items": item }))
                })
            }
            _ => Err(format!("JSON Schema cannot compute `{function}(…)`")),
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
            ExprKind::Column {
                value,
                codelist,
                column,
            } => {
                let constant = match &other.kind {
                    ExprKind::Literal { value } => crate::eval::literal(value),
                    ExprKind::List { items } => crate::eval::V::List(
                        items
                            .iter()
                            .map(|i| match &i.kind {
                                ExprKind::Literal { value } => Ok(crate::eval::literal(value)),
                                _ => Err("the list holds more than constants"),
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => return Err("it compares a column with a computed value".into()),
                };
                self.compare_column(op, value, codelist, column, &constant, scope)
            }
            ExprKind::Call {
                function,
                args,
                over: None,
            } if matches!(function, Function::Len | Function::Count) => {
                self.compare_size(op, *function, &args[0], other, scope)
            }
            _ => Err("JSON Schema cannot compute this value".into()),
        }
    }

    /// `len(text) op k` or `count(repeat) op k`: a number of characters or
    /// items within a range.
    fn compare_size(
        &self,
        op: BinaryOp,
        function: Function,
        arg: &'p Expr,
        other: &'p Expr,
        scope: &'p str,
    ) -> Result<Json, Why> {
        let ExprKind::Ref { path } = &arg.kind else {
            return Err(format!("`{function}` of an expression"));
        };
        let Some(k) = constant_number(other).and_then(|n| n.as_i64()) else {
            return Err(format!(
                "`{function}` is compared with something other than a whole number"
            ));
        };
        let (kind, min_kw, max_kw) = if function == Function::Len {
            ("string", "minLength", "maxLength")
        } else {
            ("array", "minItems", "maxItems")
        };
        let counted = function == Function::Count;
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

    /// `field.column op constant`: the field is one of the codes whose
    /// value in the column makes the comparison hold (unanswered, it is
    /// none of them: the comparison is unknown, as in amt).
    fn compare_column(
        &self,
        op: BinaryOp,
        value: &'p Expr,
        codelist: &str,
        column: &str,
        constant: &crate::eval::V,
        scope: &'p str,
    ) -> Result<Json, Why> {
        let ExprKind::Ref { path } = &value.kind else {
            return Err("it reads a column of a computed code".into());
        };
        let list = self
            .p
            .codelists
            .get(codelist)
            .ok_or("it reads a column of an unknown list")?;
        let codes: Vec<Json> = list
            .values
            .iter()
            .filter(|c| {
                c.cells.get(column).is_some_and(|cell| {
                    crate::eval::relation(op, &crate::eval::literal(cell), constant) == Some(true)
                })
            })
            .map(|c| Json::String(c.code.clone()))
            .collect();
        let segs = self.ref_path(path, scope, false)?;
        Ok(at(&segs, typed("string", json!({ "enum": codes }))))
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
        let consts = constants(other)?;
        let (kind, ordered) = comparable_kind(ty)?;
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

    /// All conditions hold; on failure, the condition that cannot be said.
    fn conjunction(&self, conds: &[&'p Expr], scope: &'p str) -> Said<'p> {
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
    pub(super) fn constraints(&mut self, n: &'p Node, ctx: &Ctx<'p>) {
        let own: Vec<&'p Expr> = ctx.page_when.into_iter().chain(&n.when).collect();
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
            self.demand_and_refuse(n, ctx, &segs, &applies, &refused);
        }
        let is_group = matches!(n.kind, NodeKind::Group { .. });
        if n.repeat.is_some() && is_group {
            return; // its rules hold in each item: see `item_rules`
        }
        let asked = where_asked(is_group, &ctx.segs, &segs, &applies, &refused);
        self.node_rules(n, &asked, ctx.scope);
    }

    /// A node with a condition is demanded where it applies (if required)
    /// and refused where it does not; a condition that cannot be said is a
    /// gap.
    fn demand_and_refuse(
        &mut self,
        n: &'p Node,
        ctx: &Ctx<'p>,
        segs: &[&str],
        applies: &Said<'p>,
        refused: &Said<'p>,
    ) {
        match (applies, refused) {
            (Ok(t), Ok(f)) => {
                if n.demanded() {
                    let then = absent_or(&ctx.segs, at(&[&n.id], json!(true)));
                    self.constrain(json!({ "if": t, "then": then }));
                    self.coverage.required.insert(n.path.clone());
                }
                self.constrain(json!({ "if": f, "then": absent_or(segs, json!(false)) }));
                self.coverage.hidden.insert(n.path.clone());
            }
            (Err((e, why)), _) | (_, Err((e, why))) => {
                let why = if ctx.page_when.is_some_and(|p| std::ptr::eq(p, *e)) {
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

    /// The rules of a node that is not a repeated group, checked where it
    /// is asked.
    fn node_rules(&mut self, n: &'p Node, asked: &Result<Json, Why>, scope: &'p str) {
        for (i, r) in n.rules.iter().enumerate() {
            let warning = r.severity == Severity::Warning;
            let translated = if warning {
                Err("warnings are shown to the user, not enforced".to_string())
            } else if n.repeat.is_some() {
                Err("it is a rule on each value of a repeated field".into())
            } else {
                match (asked, self.truth(&r.condition, scope, false)) {
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

    /// The rules of a repeated group, checked in each item's scope.
    pub(super) fn item_rules(&mut self, n: &'p Node) {
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
}
