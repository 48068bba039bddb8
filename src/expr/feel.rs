//! Translates checked expressions to FEEL (DMN 1.3 Friendly Enough
//! Expression Language), the expression language of Camunda 8: workflow
//! guards become `=…` conditions in BPMN.
//!
//! amt's three-valued logic maps onto FEEL's `null`: a comparison with a
//! missing value is `null`, `and`/`or` are ternary. Where amt gives an
//! unanswered value a meaning (a yes/no question counts as `no`), the FEEL
//! says so explicitly (`x = true`).

use crate::ir::{Expr, ExprKind, Literal, Ty};
use crate::syntax::ast::{BinaryOp, DurationUnit, UnaryOp};

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
}

const ITEM_VARS: [&str; 4] = ["item", "item2", "item3", "item4"];

impl<'o> Feel<'o> {
    fn expr(&mut self, e: &'o Expr) -> String {
        match &e.kind {
            ExprKind::Literal { value } => match value {
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
                Literal::Duration(d) => format!("duration({})", string(&iso_duration(d))),
            },
            ExprKind::Today => "today()".into(),
            ExprKind::Ref { path } => {
                let p = relative(path, &self.over);
                // An unanswered yes/no question counts as `no`.
                if e.ty == Ty::Boolean {
                    format!("({p} = true)")
                } else {
                    p
                }
            }
            ExprKind::Unary { operator, operand } => match operator {
                UnaryOp::Not => format!("not({})", self.expr(operand)),
                UnaryOp::Neg => format!("-({})", self.expr(operand)),
            },
            ExprKind::Binary {
                operator,
                left,
                right,
            } => {
                let (l, r) = (self.expr(left), self.expr(right));
                match operator {
                    BinaryOp::In | BinaryOp::NotIn => {
                        let contains = format!("list contains({r}, {l})");
                        if *operator == BinaryOp::In {
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
                }
            }
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
            ExprKind::Call {
                function,
                over,
                args,
            } => {
                let arg =
                    |s: &mut Self, i: usize| args.get(i).map(|a| s.expr(a)).unwrap_or_default();
                match function.as_str() {
                    "age" => {
                        let at = if args.len() > 1 {
                            arg(self, 1)
                        } else {
                            "today()".into()
                        };
                        format!("years and months duration({}, {at}).years", arg(self, 0))
                    }
                    "len" => format!("string length({})", arg(self, 0)),
                    "matches" => match args.get(1).map(|a| &a.kind) {
                        Some(ExprKind::Literal {
                            value: Literal::Text(p),
                        }) => format!("matches({}, {})", arg(self, 0), string(&format!("^({p})$"))),
                        _ => "null".into(),
                    },
                    "filled" => match args.first().map(|a| &a.kind) {
                        Some(ExprKind::Ref { path }) => {
                            format!("({} != null)", relative(path, &self.over))
                        }
                        _ => "false".into(),
                    },
                    "sum" => format!("sum({})", arg(self, 0)),
                    "count" | "any" | "all" => {
                        let target = match args.first().map(|a| &a.kind) {
                            Some(ExprKind::Ref { path }) => relative(path, &self.over),
                            _ => "[]".into(),
                        };
                        let list = format!("(if {target} = null then [] else {target})");
                        let (Some(rep), Some(cond)) = (over.as_deref(), args.get(1)) else {
                            return format!("count({list})");
                        };
                        let var = ITEM_VARS[self.over.len().min(ITEM_VARS.len() - 1)];
                        self.over.push((rep, var));
                        let c = self.expr(cond);
                        self.over.pop();
                        match function.as_str() {
                            "any" => format!("(some {var} in {list} satisfies {c})"),
                            "all" => format!("(every {var} in {list} satisfies {c})"),
                            _ => format!("sum(for {var} in {list} return if {c} then 1 else 0)"),
                        }
                    }
                    _ => "null".into(),
                }
            }
        }
    }
}

/// The expression in FEEL, without the leading `=` of Camunda conditions.
pub fn feel(e: &Expr) -> String {
    Feel { over: Vec::new() }.expr(e)
}
