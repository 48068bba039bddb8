//! Evaluates checked expressions over submitted data.
//!
//! Logic is three-valued (Kleene): a comparison with an unanswered value is
//! *unknown*, `and`/`or`/`not` propagate unknown, and callers decide what
//! unknown means (a `when` that is unknown hides; a rule that is unknown does
//! not fail). Exceptions that make forms behave as people expect: an
//! unanswered yes/no question or consent counts as `no`, an unanswered
//! multiple choice as no choice, a missing repeat or attachment as none.
//!
//! Values are read from the data as submitted (hidden parts are not masked
//! out); valid data has nothing in hidden parts, and JSON Schema reads the
//! data the same way, which keeps the two verdicts comparable.

use super::Model;
use amt_model::date::Date;
use amt_model::formats;
use amt_model::{BinaryOp, DurationUnit, SAFE_INTEGER, UnaryOp};
use amt_model::{Expr, ExprKind, FieldType, Function, Literal, NodeKind, Ty};
use serde_json::Value as Json;
use std::cmp::Ordering;

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// Not answered, or not computable from the answers.
    Unknown,
    /// Yes/no.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Dec(f64),
    /// Euros in cents.
    Money(i64),
    /// Text.
    Text(String),
    /// A calendar date.
    Date(Date),
    /// Minutes since midnight.
    Time(i64),
    /// Minutes since 1970-01-01T00:00.
    Datetime(i64),
    /// A span of months and days.
    Dur {
        /// Calendar months.
        months: i64,
        /// Days.
        days: i64,
    },
    /// One code.
    Code(String),
    /// Chosen codes.
    Set(Vec<String>),
    /// One value per repeat item.
    List(Vec<V>),
    /// A number of uploaded files.
    Files(usize),
    /// A group's data is there.
    Present,
}

impl V {
    /// The truth value, if known.
    pub fn truth(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as JSON, as it would be submitted (for reports).
    pub fn to_json(&self) -> Json {
        match self {
            V::Unknown | V::Present => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Int(i) => Json::from(*i),
            V::Dec(d) => serde_json::Number::from_f64(*d).map_or(Json::Null, Json::Number),
            V::Money(c) => {
                serde_json::Number::from_f64(*c as f64 / 100.0).map_or(Json::Null, Json::Number)
            }
            V::Text(t) | V::Code(t) => Json::String(t.clone()),
            V::Date(d) => Json::String(d.to_string()),
            V::Time(m) => Json::String(format!("{:02}:{:02}", m / 60, m % 60)),
            V::Datetime(m) => {
                let d = Date::from_days(m.div_euclid(1440));
                let t = m.rem_euclid(1440);
                Json::String(format!("{d}T{:02}:{:02}", t / 60, t % 60))
            }
            V::Dur { months, days } => Json::String(format!("P{months}M{days}D")),
            V::Set(s) => Json::Array(s.iter().cloned().map(Json::String).collect()),
            V::List(l) => Json::Array(l.iter().map(V::to_json).collect()),
            V::Files(n) => Json::from(*n),
        }
    }
}

fn known(b: Option<bool>) -> V {
    b.map_or(V::Unknown, V::Bool)
}

/// Euros as a JSON number → cents, if it has at most two decimals.
pub fn cents(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return i.checked_mul(100);
    }
    let f = n.as_f64()?;
    let c = (f * 100.0).round();
    // Accept only numbers whose shortest form has at most two decimals.
    let text = n.to_string();
    let decimals = text.split_once('.').map_or(0, |(_, d)| {
        d.trim_end_matches(|c: char| !c.is_ascii_digit()).len()
    });
    (decimals <= 2 && !text.contains(['e', 'E']) && c.abs() <= SAFE_INTEGER as f64)
        .then_some(c as i64)
}

/// Whether a JSON number is a whole number (JSON Schema's `integer`), of any size.
pub fn integral(n: &serde_json::Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

/// A whole JSON number within ±[`SAFE_INTEGER`].
pub fn whole(n: &serde_json::Number) -> Option<i64> {
    let i = n.as_i64().or_else(|| {
        let f = n.as_f64()?;
        (f.fract() == 0.0 && f.abs() <= SAFE_INTEGER as f64).then_some(f as i64)
    })?;
    (i.abs() <= SAFE_INTEGER).then_some(i)
}

/// Converts one answered value of a field to a value.
pub fn field_value(ty: &FieldType, json: &Json) -> V {
    match (ty, json) {
        (FieldType::Text { .. }, Json::String(s)) => V::Text(s.clone()),
        (FieldType::Integer { .. }, Json::Number(n)) => whole(n).map_or(V::Unknown, V::Int),
        (FieldType::Decimal { .. }, Json::Number(n)) => n.as_f64().map_or(V::Unknown, V::Dec),
        (FieldType::Money { .. }, Json::Number(n)) => cents(n).map_or(V::Unknown, V::Money),
        (FieldType::Boolean | FieldType::Consent, Json::Bool(b)) => V::Bool(*b),
        (FieldType::Date { .. }, Json::String(s)) => Date::parse(s).map_or(V::Unknown, V::Date),
        (FieldType::Time { .. }, Json::String(s)) => {
            formats::parse_time(s).map_or(V::Unknown, V::Time)
        }
        (FieldType::Datetime { .. }, Json::String(s)) => {
            formats::parse_datetime(s).map_or(V::Unknown, V::Datetime)
        }
        (
            FieldType::Choice {
                multiple: false, ..
            },
            Json::String(s),
        ) => V::Code(s.clone()),
        (FieldType::Choice { multiple: true, .. }, Json::Array(items)) => {
            let mut codes = Vec::new();
            for i in items {
                match i {
                    Json::String(s) => codes.push(s.clone()),
                    _ => return V::Unknown,
                }
            }
            V::Set(codes)
        }
        _ => V::Unknown,
    }
}

/// The value of an unanswered field in expressions.
fn unanswered(ty: &FieldType) -> V {
    match ty {
        FieldType::Boolean | FieldType::Consent => V::Bool(false),
        FieldType::Choice { multiple: true, .. } => V::Set(Vec::new()),
        _ => V::Unknown,
    }
}

/// Evaluation state: the data, today, and the repeat items in scope.
pub struct Eval<'a> {
    /// The procedure's index.
    pub model: &'a Model<'a>,
    /// The submitted data (an object).
    pub data: &'a Json,
    /// The date `today` stands for.
    pub today: Date,
    /// Repeats bound to one item: (repeat path, item index).
    pub bound: Vec<(&'a str, usize)>,
}

impl<'a> Eval<'a> {
    /// Evaluates an expression.
    pub fn eval(&mut self, e: &'a Expr) -> V {
        match &e.kind {
            ExprKind::Literal { value } => literal(value),
            ExprKind::Today => V::Date(self.today),
            ExprKind::Ref { path } => self.lookup(path, false),
            ExprKind::Unary { operator, operand } => {
                let v = self.eval(operand);
                match (operator, v) {
                    (UnaryOp::Not, V::Bool(b)) => V::Bool(!b),
                    (UnaryOp::Neg, V::Int(i)) => i.checked_neg().map_or(V::Unknown, V::Int),
                    (UnaryOp::Neg, V::Dec(d)) => V::Dec(-d),
                    (UnaryOp::Neg, V::Money(c)) => V::Money(-c),
                    (UnaryOp::Neg, V::Dur { months, days }) => V::Dur {
                        months: -months,
                        days: -days,
                    },
                    _ => V::Unknown,
                }
            }
            ExprKind::Binary {
                operator,
                left,
                right,
            } => self.binary(*operator, left, right),
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => match self.eval(condition).truth() {
                Some(true) => self.eval(then),
                Some(false) => self.eval(otherwise),
                None => V::Unknown,
            },
            ExprKind::List { items } => V::List(items.iter().map(|i| self.eval(i)).collect()),
            ExprKind::Column {
                value,
                codelist,
                column,
            } => {
                let list = self.model.procedure.codelists.get(codelist);
                let cell = |v: V| match (v, list) {
                    (V::Code(c), Some(list)) => list.cell(&c, column).map_or(V::Unknown, literal),
                    _ => V::Unknown,
                };
                match self.eval(value) {
                    V::List(items) => V::List(items.into_iter().map(cell).collect()),
                    v => cell(v),
                }
            }
            ExprKind::Call {
                function,
                over,
                args,
            } => self.call(*function, over.as_deref(), args),
        }
    }

    fn binary(&mut self, op: BinaryOp, left: &'a Expr, right: &'a Expr) -> V {
        use BinaryOp::*;
        let l = self.eval(left);
        if op == And && l == V::Bool(false) {
            return V::Bool(false);
        }
        if op == Or && l == V::Bool(true) {
            return V::Bool(true);
        }
        let r = self.eval(right);
        match op {
            And => match (l.truth(), r.truth()) {
                (_, Some(false)) => V::Bool(false),
                (Some(true), Some(true)) => V::Bool(true),
                _ => V::Unknown,
            },
            Or => match (l.truth(), r.truth()) {
                (_, Some(true)) => V::Bool(true),
                (Some(false), Some(false)) => V::Bool(false),
                _ => V::Unknown,
            },
            Add | Sub | Mul | Div => arithmetic(op, l, r),
            _ => known(relation(op, &l, &r)),
        }
    }

    fn call(&mut self, f: Function, over: Option<&'a str>, args: &'a [Expr]) -> V {
        match f {
            Function::Age => {
                let born = self.eval(&args[0]);
                let at = match args.get(1) {
                    Some(a) => self.eval(a),
                    None => V::Date(self.today),
                };
                match (born, at) {
                    (V::Date(b), V::Date(a)) => V::Int(b.years_until(a)),
                    _ => V::Unknown,
                }
            }
            Function::Len => match self.eval(&args[0]) {
                V::Text(t) => V::Int(t.chars().count() as i64),
                _ => V::Unknown,
            },
            Function::Matches => match (self.eval(&args[0]), &args[1].kind) {
                (
                    V::Text(t),
                    ExprKind::Literal {
                        value: Literal::Text(p),
                    },
                ) => known(self.model.pattern(p).map(|re| re.is_match(&t))),
                _ => V::Unknown,
            },
            Function::Filled => match &args[0].kind {
                ExprKind::Ref { path } => {
                    V::Bool(!matches!(self.lookup(path, true), V::Unknown | V::Files(0)))
                }
                _ => V::Unknown,
            },
            Function::Sum => self.sum(&args[0]),
            Function::Count | Function::Any | Function::All => {
                self.quantifier(f, over, &args[0], args.get(1))
            }
            // The item of the repeat this expression is evaluated in.
            Function::Position => {
                let item = self.bound.iter().rev().find(|(p, _)| Some(*p) == over);
                item.map_or(V::Unknown, |&(_, i)| V::Int(i as i64 + 1))
            }
        }
    }

    /// `sum(list)`: the numbers of every item added up.
    fn sum(&mut self, list: &'a Expr) -> V {
        let V::List(items) = self.eval(list) else {
            return V::Unknown;
        };
        let mut total = match &list.ty {
            Ty::List { item } if **item == Ty::Money => V::Money(0),
            Ty::List { item } if **item == Ty::Decimal => V::Dec(0.0),
            _ => V::Int(0),
        };
        for i in items {
            total = arithmetic(BinaryOp::Add, total, i);
        }
        total
    }

    /// `count`, `any` and `all`: over the items of a repeat (the repeat as
    /// a whole, even from inside one of its items), with or without a
    /// condition evaluated per item.
    fn quantifier(
        &mut self,
        f: Function,
        over: Option<&'a str>,
        repeat: &'a Expr,
        condition: Option<&'a Expr>,
    ) -> V {
        let target = match &repeat.kind {
            ExprKind::Ref { path } => {
                let saved = self.bound.clone();
                self.bound.retain(|(p, _)| {
                    *p != path.as_str()
                        && !p
                            .strip_prefix(path.as_str())
                            .is_some_and(|r| r.starts_with('.'))
                });
                let v = self.eval(repeat);
                self.bound = saved;
                v
            }
            _ => self.eval(repeat),
        };
        let n = match &target {
            V::List(l) => l.len(),
            V::Set(s) => s.len(),
            _ => 0,
        };
        let (Some(cond), Some(rep)) = (condition, over) else {
            return V::Int(n as i64);
        };
        let mut results = Vec::with_capacity(n);
        for i in 0..n {
            self.bound.push((rep, i));
            results.push(self.eval(cond).truth());
            self.bound.pop();
        }
        let undetermined = results.contains(&None);
        match f {
            Function::Count if undetermined => V::Unknown,
            Function::Count => V::Int(results.iter().filter(|r| **r == Some(true)).count() as i64),
            Function::Any if results.contains(&Some(true)) => V::Bool(true),
            Function::All if results.contains(&Some(false)) => V::Bool(false),
            _ if undetermined => V::Unknown,
            Function::Any => V::Bool(false),
            _ => V::Bool(true),
        }
    }

    /// The value at an absolute data path. `raw` skips the defaults for
    /// unanswered values (for `filled`).
    pub fn lookup(&mut self, path: &'a str, raw: bool) -> V {
        let segments: Vec<(usize, &'a str)> = path
            .match_indices('.')
            .map(|(i, _)| i)
            .chain([path.len()])
            .map(|end| (end, &path[..end]))
            .collect();
        self.walk(Some(self.data), &segments, raw)
    }

    fn walk(&mut self, current: Option<&'a Json>, prefixes: &[(usize, &'a str)], raw: bool) -> V {
        let Some(&(_, prefix)) = prefixes.first() else {
            return V::Unknown;
        };
        let last = prefixes.len() == 1;
        let name = prefix.rsplit('.').next().unwrap_or(prefix);
        let Some(entry) = self.model.get(prefix) else {
            // Case data (a workflow's decisions), read by guards: not part
            // of the form, so read as it stands.
            return match current.and_then(|c| c.get(name)) {
                Some(Json::Bool(b)) if last => V::Bool(*b),
                Some(Json::String(s)) if last => V::Code(s.clone()),
                // A multiple choice of codes (Nebenbestimmungen).
                Some(Json::Array(items)) if last => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .map_or(V::Unknown, V::Set),
                _ => V::Unknown,
            };
        };
        if let Some(value) = entry.value {
            return if last { self.eval(value) } else { V::Unknown };
        }
        let Some(node) = entry.node else {
            return V::Unknown;
        };
        let child = current
            .and_then(|c| c.as_object())
            .and_then(|o| o.get(name));
        if entry.repeated {
            let bound = self
                .bound
                .iter()
                .rev()
                .find(|(p, _)| *p == prefix)
                .map(|b| b.1);
            let items: &'a [Json] = match child {
                Some(Json::Array(a)) => a,
                _ => &[],
            };
            if let Some(i) = bound {
                let item = items.get(i);
                return if last {
                    self.single(node, item, raw)
                } else {
                    self.walk(item, &prefixes[1..], raw)
                };
            }
            if raw && child.is_none() {
                return V::Unknown;
            }
            // Each item in turn, bound, so that values computed inside an
            // item (and references to its siblings) read that item.
            let mut values = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                self.bound.push((prefix, i));
                values.push(if last {
                    self.single(node, Some(item), raw)
                } else {
                    self.walk(Some(item), &prefixes[1..], raw)
                });
                self.bound.pop();
            }
            return V::List(values);
        }
        if last {
            self.single(node, child, raw)
        } else {
            self.walk(child, &prefixes[1..], raw)
        }
    }

    fn single(&self, node: &amt_model::Node, json: Option<&Json>, raw: bool) -> V {
        match (&node.kind, json) {
            (NodeKind::Field { ty }, Some(j)) => {
                let v = field_value(ty, j);
                if raw && v == V::Unknown {
                    V::Present
                } else {
                    v
                }
            }
            (NodeKind::Field { ty }, None) if !raw => unanswered(ty),
            (NodeKind::Attachment { .. }, Some(Json::Array(files))) => V::Files(files.len()),
            (NodeKind::Attachment { .. }, Some(_)) => V::Files(1),
            (NodeKind::Attachment { .. }, None) if !raw => V::Files(0),
            (NodeKind::Group { .. }, Some(_)) => V::Present,
            _ => V::Unknown,
        }
    }
}

/// A literal's value.
pub fn literal(l: &Literal) -> V {
    match l {
        Literal::Boolean(b) => V::Bool(*b),
        Literal::Integer(i) => V::Int(*i),
        Literal::Decimal(d) => d.parse().map_or(V::Unknown, V::Dec),
        Literal::Money(c) => V::Money(*c),
        Literal::Text(t) => V::Text(t.clone()),
        Literal::Date(d) => Date::parse(d).map_or(V::Unknown, V::Date),
        Literal::Duration(d) => {
            // Beyond 10,000 years a duration means nothing on a calendar.
            let Some(n) = i64::try_from(d.amount).ok().filter(|n| *n <= 3_660_000) else {
                return V::Unknown;
            };
            match d.unit {
                DurationUnit::Days => V::Dur { months: 0, days: n },
                DurationUnit::Weeks => V::Dur {
                    months: 0,
                    days: 7 * n,
                },
                DurationUnit::Months => V::Dur { months: n, days: 0 },
                DurationUnit::Years => V::Dur {
                    months: 12 * n,
                    days: 0,
                },
            }
        }
        Literal::Code(c) => V::Code(c.clone()),
    }
}

fn number(v: &V) -> Option<f64> {
    match v {
        V::Int(i) => Some(*i as f64),
        V::Dec(d) => Some(*d),
        _ => None,
    }
}

/// Orders two known values of the same kind.
pub fn compare(l: &V, r: &V) -> Option<Ordering> {
    match (l, r) {
        (V::Int(a), V::Int(b)) | (V::Money(a), V::Money(b)) => Some(a.cmp(b)),
        (V::Time(a), V::Time(b)) | (V::Datetime(a), V::Datetime(b)) => Some(a.cmp(b)),
        (V::Date(a), V::Date(b)) => Some(a.cmp(b)),
        (
            V::Dur {
                months: m1,
                days: d1,
            },
            V::Dur {
                months: m2,
                days: d2,
            },
        ) => {
            // Months as 30 days: durations are compared rarely, and only roughly.
            let rough = |m: &i64, d: &i64| i128::from(*m) * 30 + i128::from(*d);
            Some(rough(m1, d1).cmp(&rough(m2, d2)))
        }
        _ => number(l)?.partial_cmp(&number(r)?),
    }
}

/// Whether two known values are equal.
pub fn equal(l: &V, r: &V) -> Option<bool> {
    match (l, r) {
        (V::Unknown, _) | (_, V::Unknown) => None,
        (V::Text(a), V::Text(b)) | (V::Code(a), V::Code(b)) => Some(a == b),
        (V::Code(a), V::Text(b)) | (V::Text(a), V::Code(b)) => Some(a == b),
        (V::Bool(a), V::Bool(b)) => Some(a == b),
        (V::Set(a), V::Set(b)) => {
            let (mut a, mut b) = (a.clone(), b.clone());
            a.sort();
            b.sort();
            Some(a == b)
        }
        _ => compare(l, r).map(Ordering::is_eq),
    }
}

/// Whether a comparison (`=` … `not in`) holds; `None` when unknown or
/// for another operator.
pub fn relation(op: BinaryOp, l: &V, r: &V) -> Option<bool> {
    use BinaryOp::*;
    match op {
        Eq => equal(l, r),
        Ne => equal(l, r).map(|b| !b),
        Lt => compare(l, r).map(Ordering::is_lt),
        Le => compare(l, r).map(Ordering::is_le),
        Gt => compare(l, r).map(Ordering::is_gt),
        Ge => compare(l, r).map(Ordering::is_ge),
        In => member(l, r),
        NotIn => member(l, r).map(|b| !b),
        And | Or | Add | Sub | Mul | Div => None,
    }
}

fn member(l: &V, r: &V) -> Option<bool> {
    if *l == V::Unknown {
        return None;
    }
    match r {
        V::Set(codes) => match l {
            V::Code(c) => Some(codes.contains(c)),
            _ => None,
        },
        V::List(items) => {
            let mut unknown = false;
            for i in items {
                match equal(l, i) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown { None } else { Some(false) }
        }
        _ => None,
    }
}

fn round_cents(c: f64) -> V {
    if c.is_finite() && c.abs() < 9.0e15 {
        V::Money(c.round() as i64)
    } else {
        V::Unknown
    }
}

fn add_dur(d: Date, months: i64, days: i64) -> Option<Date> {
    if months.abs() > 120_000 || days.abs() > 3_660_000 {
        return None;
    }
    let moved = d.add_months(months).add_days(days);
    (1..=9999).contains(&moved.year).then_some(moved)
}

/// Arithmetic on known values; overflow and division by zero are unknown.
pub fn arithmetic(op: BinaryOp, l: V, r: V) -> V {
    use BinaryOp::*;
    match (op, &l, &r) {
        (Add, V::Int(a), V::Int(b)) => a.checked_add(*b).map_or(V::Unknown, V::Int),
        (Sub, V::Int(a), V::Int(b)) => a.checked_sub(*b).map_or(V::Unknown, V::Int),
        (Mul, V::Int(a), V::Int(b)) => a.checked_mul(*b).map_or(V::Unknown, V::Int),
        (Add, V::Money(a), V::Money(b)) => a.checked_add(*b).map_or(V::Unknown, V::Money),
        (Sub, V::Money(a), V::Money(b)) => a.checked_sub(*b).map_or(V::Unknown, V::Money),
        (Div, V::Money(a), V::Money(b)) if *b != 0 => V::Dec(*a as f64 / *b as f64),
        (Mul, V::Money(a), n) | (Mul, n, V::Money(a)) if number(n).is_some() => {
            round_cents(*a as f64 * number(n).unwrap_or(0.0))
        }
        (Div, V::Money(a), n) if number(n).is_some_and(|d| d != 0.0) => {
            round_cents(*a as f64 / number(n).unwrap_or(1.0))
        }
        (Add | Sub, V::Date(d), V::Dur { months, days }) => {
            let s = if op == Sub { -1 } else { 1 };
            add_dur(*d, s * months, s * days).map_or(V::Unknown, V::Date)
        }
        (Add, V::Dur { months, days }, V::Date(d)) => {
            add_dur(*d, *months, *days).map_or(V::Unknown, V::Date)
        }
        (Add | Sub, V::Datetime(m), V::Dur { months, days }) => {
            let s = if op == Sub { -1 } else { 1 };
            let date = Date::from_days(m.div_euclid(1440));
            match add_dur(date, s * months, s * days) {
                Some(d) => V::Datetime(d.to_days() * 1440 + m.rem_euclid(1440)),
                None => V::Unknown,
            }
        }
        (Sub, V::Date(a), V::Date(b)) => V::Int(a.to_days() - b.to_days()),
        (
            Add | Sub,
            V::Dur {
                months: m1,
                days: d1,
            },
            V::Dur {
                months: m2,
                days: d2,
            },
        ) => {
            let s = if op == Sub { -1 } else { 1 };
            match (
                m2.checked_mul(s).and_then(|m| m1.checked_add(m)),
                d2.checked_mul(s).and_then(|d| d1.checked_add(d)),
            ) {
                (Some(months), Some(days)) => V::Dur { months, days },
                _ => V::Unknown,
            }
        }
        _ => match (number(&l), number(&r)) {
            (Some(a), Some(b)) => {
                let v = match op {
                    Add => a + b,
                    Sub => a - b,
                    Mul => a * b,
                    Div if b != 0.0 => a / b,
                    _ => return V::Unknown,
                };
                if v.is_finite() { V::Dec(v) } else { V::Unknown }
            }
            _ => V::Unknown,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> V {
        V::Date(Date::parse(s).unwrap())
    }

    #[test]
    fn unknown_propagates_by_kleene_logic() {
        assert_eq!(equal(&V::Unknown, &V::Int(1)), None);
        assert_eq!(
            member(
                &V::Code("a".into()),
                &V::List(vec![V::Unknown, V::Code("a".into())])
            ),
            Some(true)
        );
        assert_eq!(
            member(
                &V::Code("b".into()),
                &V::List(vec![V::Unknown, V::Code("a".into())])
            ),
            None
        );
        assert_eq!(member(&V::Code("a".into()), &V::Set(vec![])), Some(false));
    }

    #[test]
    fn money_is_exact_to_the_cent() {
        let n = |s: &str| serde_json::from_str::<serde_json::Number>(s).unwrap();
        assert_eq!(cents(&n("12.8")), Some(1280));
        assert_eq!(cents(&n("0.07")), Some(7));
        assert_eq!(cents(&n("12.805")), None);
        assert_eq!(cents(&n("1e2")), Some(10_000));
        assert_eq!(cents(&n("1e-3")), None);
        assert_eq!(
            arithmetic(BinaryOp::Add, V::Money(1010), V::Money(260)),
            V::Money(1270)
        );
        // 0.5 cent rounds away from zero.
        assert_eq!(
            arithmetic(BinaryOp::Mul, V::Money(5), V::Dec(0.5)),
            V::Money(3)
        );
        assert_eq!(
            arithmetic(BinaryOp::Mul, V::Money(-5), V::Dec(0.5)),
            V::Money(-3)
        );
        assert_eq!(
            arithmetic(BinaryOp::Div, V::Money(100), V::Int(0)),
            V::Unknown
        );
    }

    #[test]
    fn calendar_arithmetic_clamps_months() {
        let month = V::Dur { months: 1, days: 0 };
        assert_eq!(
            arithmetic(BinaryOp::Add, date("2024-01-31"), month.clone()),
            date("2024-02-29")
        );
        assert_eq!(
            arithmetic(BinaryOp::Sub, date("2024-03-31"), month),
            date("2024-02-29")
        );
        let two_weeks = V::Dur {
            months: 0,
            days: 14,
        };
        assert_eq!(
            arithmetic(BinaryOp::Add, date("2026-12-25"), two_weeks),
            date("2027-01-08")
        );
        assert_eq!(
            arithmetic(BinaryOp::Sub, date("2026-03-01"), date("2026-02-01")),
            V::Int(28)
        );
    }

    #[test]
    fn whole_numbers_include_integral_decimals() {
        let n = |s: &str| serde_json::from_str::<serde_json::Number>(s).unwrap();
        assert_eq!(whole(&n("5.0")), Some(5));
        assert_eq!(whole(&n("5.5")), None);
        assert_eq!(
            arithmetic(BinaryOp::Add, V::Int(i64::MAX), V::Int(1)),
            V::Unknown
        );
    }
}
