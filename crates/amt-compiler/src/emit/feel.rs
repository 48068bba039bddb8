//! Translates checked expressions to FEEL (DMN 1.3 Friendly Enough
//! Expression Language), the expression language of Camunda 8: workflow
//! guards become `=…` conditions in BPMN.
//!
//! amt's three-valued logic maps onto FEEL's `null`: every comparison with a
//! missing value is written to give `null` (FEEL's own `!=` would say `true`),
//! `and`/`or`/`not` are ternary in both, and a gateway's condition is
//! `(…) = true`, so `null` is not taken (instead of an incident in Zeebe).
//! Where amt gives an unanswered value a meaning (a yes/no question counts as
//! `no`, a multiple choice as no choice, a repeat as none), the FEEL says so.
//! Dates, times and date-times arrive as ISO strings and are read with
//! `date(…)`, `time(…)` and `date and time(…)`; computed values and fees are
//! not process variables and are written out where a guard reads them.

use crate::ir::{Codelist, Expr, ExprKind, Function, Literal, NodeKind, Procedure, Ty};
use amt_model::{BinaryOp, DurationUnit, UnaryOp};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A duration as FEEL reads it: weeks as days (`P14D`), since FEEL's
/// durations know no weeks.
fn feel_duration(d: &crate::ir::Duration) -> String {
    match d.unit {
        DurationUnit::Weeks => format!("P{}D", d.amount.saturating_mul(7)),
        _ => iso_duration(d),
    }
}

/// Names FEEL reserves: an answer or decision of such a name cannot be read
/// in a guard.
pub const FEEL_KEYWORDS: &[&str] = &[
    "true",
    "false",
    "null",
    "for",
    "some",
    "every",
    "between",
    "instance",
    "of",
    "function",
    "return",
    "satisfies",
];

/// An ISO 8601 duration, e.g. `P3W`, `P1M`.
pub fn iso_duration(d: &crate::ir::Duration) -> String {
    let unit = match d.unit {
        DurationUnit::Days => 'D',
        DurationUnit::Weeks => 'W',
        DurationUnit::Months => 'M',
        DurationUnit::Years => 'Y',
    };
    format!("P{}{unit}", d.amount)
}

fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The path of a reference seen from inside a quantifier over `over`.
fn relative(path: &str, over: &[(&str, &str)]) -> String {
    for (rep, var) in over.iter().rev() {
        if let Some(rest) = path.strip_prefix(rep).and_then(|r| r.strip_prefix('.')) {
            return format!("{var}.{rest}");
        }
        if path == *rep {
            return (*var).to_string();
        }
    }
    path.to_string()
}

struct Feel<'o> {
    /// Quantifiers in scope: (repeat path, item variable).
    over: Vec<(&'o str, &'o str)>,
    /// How computed values and fees are computed; the code lists.
    computed: &'o Computed<'o>,
}

/// What a guard reads besides the process variables: how each computed
/// value and fee is computed, by path (they are written out where read),
/// and the code lists whose columns it reads.
pub struct Computed<'p> {
    values: HashMap<String, &'p Expr>,
    codelists: &'p BTreeMap<String, Arc<Codelist>>,
}

const ITEM_VARS: [&str; 4] = ["amt_item", "amt_item2", "amt_item3", "amt_item4"];

/// Whether an expression can be `null` (it reads an answer that may be missing).
fn nullable(e: &Expr) -> bool {
    !matches!(
        e.kind,
        ExprKind::Literal { .. } | ExprKind::Today | ExprKind::List { .. }
    ) && !matches!(e.ty, Ty::Boolean | Ty::CodeSet { .. })
}

impl<'o> Feel<'o> {
    /// An expression in FEEL.
    fn expr(&mut self, e: &'o Expr) -> String {
        match &e.kind {
            ExprKind::Literal { value } => literal(value),
            ExprKind::Today => "today()".into(),
            ExprKind::Ref { path } => self.reference(path, &e.ty),
            ExprKind::Unary { operator, operand } => match operator {
                UnaryOp::Not => format!("not({})", self.expr(operand)),
                UnaryOp::Neg => format!("-({})", self.expr(operand)),
            },
            ExprKind::Binary {
                operator,
                left,
                right,
            } => self.binary(*operator, left, right),
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => format!(
                "(if {} then {} else {})",
                self.expr(condition),
                self.expr(then),
                self.expr(otherwise)
            ),
            ExprKind::List { items } => {
                let items: Vec<String> = items.iter().map(|i| self.expr(i)).collect();
                format!("[{}]", items.join(", "))
            }
            ExprKind::Column {
                value,
                codelist,
                column,
            } => {
                // The column as a context from code to value.
                let mut table = Vec::new();
                for code in self
                    .computed
                    .codelists
                    .get(codelist)
                    .map_or(&[][..], |l| &l.values[..])
                {
                    if let Some(cell) = code.cells.get(column) {
                        table.push(format!("{}: {}", string(&code.code), literal(cell)));
                    }
                }
                let table = format!("{{{}}}", table.join(", "));
                let v = self.expr(value);
                if matches!(value.ty, Ty::List { .. }) {
                    format!("(for amt_code in {v} return get value({table}, amt_code))")
                } else {
                    format!("(if {v} = null then null else get value({table}, {v}))")
                }
            }
            ExprKind::Call {
                function,
                over,
                args,
            } => self.call(*function, over.as_deref(), args),
        }
    }

    /// An answer as its type is read; a computed value or fee written out,
    /// since it is no process variable.
    fn reference(&mut self, path: &'o str, ty: &Ty) -> String {
        if let Some(value) = self.computed.values.get(path) {
            return format!("({})", self.expr(value));
        }
        let p = relative(path, &self.over);
        match ty {
            // An unanswered yes/no question counts as `no`.
            Ty::Boolean => format!("({p} = true)"),
            // An unanswered multiple choice is no choice.
            Ty::CodeSet { .. } => format!("(if {p} = null then [] else {p})"),
            Ty::Date => format!("(if {p} = null then null else date({p}))"),
            Ty::Time => format!("(if {p} = null then null else time({p}))"),
            Ty::Datetime => format!("(if {p} = null then null else date and time({p}))"),
            _ => p,
        }
    }

    /// An operation of two operands.
    fn binary(&mut self, operator: BinaryOp, left: &'o Expr, right: &'o Expr) -> String {
        let (l, r) = (self.expr(left), self.expr(right));
        let compared = match operator {
            BinaryOp::In | BinaryOp::NotIn => {
                let contains = format!("list contains({r}, {l})");
                if operator == BinaryOp::In {
                    contains
                } else {
                    format!("not({contains})")
                }
            }
            op => {
                let symbol = match op {
                    BinaryOp::Eq => "=",
                    other => other.symbol(),
                };
                format!("({l} {symbol} {r})")
            }
        };
        // A comparison with a missing value is unknown, as in amt
        // (FEEL's own `!=` would say true).
        let comparison = matches!(
            operator,
            BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge
                | BinaryOp::In
                | BinaryOp::NotIn
        );
        let missing: Vec<String> = [(left, &l), (right, &r)]
            .into_iter()
            .filter(|(x, _)| comparison && nullable(x))
            .map(|(_, s)| format!("{s} = null"))
            .collect();
        if missing.is_empty() {
            compared
        } else {
            format!("(if {} then null else {compared})", missing.join(" or "))
        }
    }

    /// A call of a built-in function; `over` is the repeat a quantifier
    /// iterates.
    fn call(&mut self, function: Function, over: Option<&'o str>, args: &'o [Expr]) -> String {
        match function {
            Function::Age => self.age(args),
            Function::Len => format!("string length({})", self.arg(args, 0)),
            Function::Matches => match args.get(1).map(|a| &a.kind) {
                Some(ExprKind::Literal {
                    value: Literal::Text(p),
                }) => format!(
                    "matches({}, {})",
                    self.arg(args, 0),
                    string(&format!("^({p})$"))
                ),
                _ => "null".into(),
            },
            Function::Filled => match args.first().map(|a| &a.kind) {
                Some(ExprKind::Ref { path }) => {
                    format!("({} != null)", relative(path, &self.over))
                }
                _ => "false".into(),
            },
            Function::Sum => self.sum(args),
            // Items of the form's repeats are not case data a guard reads.
            Function::Position => "null".into(),
            Function::Count | Function::Any | Function::All => {
                self.quantified(function, over, args)
            }
        }
    }

    /// Argument `i` in FEEL, empty where there is none.
    fn arg(&mut self, args: &'o [Expr], i: usize) -> String {
        args.get(i).map(|a| self.expr(a)).unwrap_or_default()
    }

    /// `age(born, at)`: whole years from `born` to `at` (today if not
    /// given); unknown where either is missing.
    fn age(&mut self, args: &'o [Expr]) -> String {
        let at = if args.len() > 1 {
            self.arg(args, 1)
        } else {
            "today()".into()
        };
        let born = self.arg(args, 0);
        format!(
            "(if {born} = null or {at} = null then null else years and months duration({born}, {at}).years)"
        )
    }

    /// `sum(repeat.field)`: the field's values over a repeat's items, none
    /// where the repeat is missing.
    fn sum(&mut self, args: &'o [Expr]) -> String {
        let list = match args.first().map(|a| &a.kind) {
            Some(ExprKind::Ref { path }) => {
                let p = relative(path, &self.over);
                match p.rsplit_once('.') {
                    Some((rep, field)) => {
                        format!("(if {rep} = null then [] else {rep}.{field})")
                    }
                    None => format!("(if {p} = null then [] else {p})"),
                }
            }
            _ => self.arg(args, 0),
        };
        // The sum of nothing is 0 in amt, null in FEEL.
        format!("(if count({list}) = 0 then 0 else sum({list}))")
    }

    /// `count`, `any` or `all` over a repeat's items (none where the repeat
    /// is missing), with a condition on each item that reads it by an item
    /// variable of its own, so that quantifiers nest.
    fn quantified(
        &mut self,
        function: Function,
        over: Option<&'o str>,
        args: &'o [Expr],
    ) -> String {
        let target = match args.first().map(|a| &a.kind) {
            Some(ExprKind::Ref { path }) => relative(path, &self.over),
            _ => "[]".into(),
        };
        let list = format!("(if {target} = null then [] else {target})");
        let (Some(rep), Some(cond)) = (over, args.get(1)) else {
            return format!("count({list})");
        };
        let var = ITEM_VARS[self.over.len().min(ITEM_VARS.len() - 1)];
        self.over.push((rep, var));
        let c = self.expr(cond);
        self.over.pop();
        match function {
            Function::Any => format!("(some {var} in {list} satisfies {c})"),
            Function::All => format!("(every {var} in {list} satisfies {c})"),
            _ => format!(
                "(if count({list}) = 0 then 0 else sum(for {var} in {list} return if {c} then 1 else 0))"
            ),
        }
    }
}

/// A constant in FEEL: money in euros, e.g. `-12.50`; texts, codes, dates
/// and durations as FEEL's strings and conversions.
fn literal(value: &Literal) -> String {
    match value {
        Literal::Boolean(b) => b.to_string(),
        Literal::Integer(i) => i.to_string(),
        Literal::Decimal(d) => d.clone(),
        Literal::Money(c) => {
            let sign = if *c < 0 { "-" } else { "" };
            format!(
                "{sign}{}.{:02}",
                c.unsigned_abs() / 100,
                c.unsigned_abs() % 100
            )
        }
        Literal::Text(t) | Literal::Code(t) => string(t),
        Literal::Date(d) => format!("date({})", string(d)),
        Literal::Duration(d) => format!("duration({})", string(&feel_duration(d))),
    }
}

/// The expression in FEEL, without the leading `=` of Camunda conditions.
pub fn feel(e: &Expr, computed: &Computed) -> String {
    Feel {
        over: Vec::new(),
        computed,
    }
    .expr(e)
}

/// A gateway's condition: taken only when it holds (`null` is not taken).
pub fn condition(e: &Expr, computed: &Computed) -> String {
    format!("=({}) = true", feel(e, computed))
}

/// What the guards of a procedure read besides its process variables.
pub fn computed_values(p: &Procedure) -> Computed<'_> {
    let mut values = HashMap::new();
    for n in p.all_nodes() {
        if let NodeKind::Computed { value, .. } = &n.kind {
            values.insert(n.path.clone(), value);
        }
    }
    for f in &p.fees {
        values.insert(f.id.clone(), &f.value);
    }
    Computed {
        values,
        codelists: &p.codelists,
    }
}
