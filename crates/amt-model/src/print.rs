//! Prints a checked expression back in amt's syntax, e.g. for the schema's
//! list of checks only amt's validator enforces. References print as their
//! absolute data path; parentheses appear only where precedence needs them.

use crate::{BinaryOp, DurationUnit, Expr, ExprKind, Literal, UnaryOp};
use std::fmt::{self, Display, Write};

/// Binding strength, as in the parser: higher binds tighter.
fn precedence(op: BinaryOp) -> u8 {
    use BinaryOp::*;
    match op {
        Or => 1,
        And => 2,
        Eq | Ne | Lt | Le | Gt | Ge | In | NotIn => 4,
        Add | Sub => 5,
        Mul | Div => 6,
    }
}

/// The strength of an expression's outermost operator.
fn strength(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { operator, .. } => precedence(*operator),
        ExprKind::Unary {
            operator: UnaryOp::Not,
            ..
        } => 3,
        ExprKind::If { .. } => 0,
        ExprKind::Unary { .. } => 9,
        _ => 10,
    }
}

/// Writes money in cents as `12.80 EUR`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02} EUR", c / 100, c % 100)
}

/// Writes money in cents as a person reads it in `lang`: `1.234,56 €` in
/// German (a no-break space before the sign), `€1,234.56` otherwise.
pub fn money_in(lang: &str, cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let german = crate::is_german(lang);
    let euros = (c / 100).to_string();
    let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
    for (i, digit) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i) % 3 == 0 {
            grouped.push(if german { '.' } else { ',' });
        }
        grouped.push(digit);
    }
    if german {
        format!("{sign}{grouped},{:02}\u{a0}€", c % 100)
    } else {
        format!("{sign}€{grouped}.{:02}", c % 100)
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Boolean(b) => f.write_str(if *b { "yes" } else { "no" }),
            Literal::Integer(i) => write!(f, "{i}"),
            Literal::Decimal(d) | Literal::Date(d) | Literal::Code(d) => f.write_str(d),
            Literal::Money(c) => f.write_str(&money(*c)),
            Literal::Text(t) => {
                f.write_char('"')?;
                for c in t.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        c => f.write_char(c)?,
                    }
                }
                f.write_char('"')
            }
            Literal::Duration(d) => {
                let unit = match (d.unit, d.amount == 1) {
                    (DurationUnit::Days, true) => "day",
                    (DurationUnit::Days, false) => "days",
                    (DurationUnit::Weeks, true) => "week",
                    (DurationUnit::Weeks, false) => "weeks",
                    (DurationUnit::Months, true) => "month",
                    (DurationUnit::Months, false) => "months",
                    (DurationUnit::Years, true) => "year",
                    (DurationUnit::Years, false) => "years",
                };
                write!(f, "{} {unit}", d.amount)
            }
        }
    }
}

fn operand(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if strength(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal { value } => write!(f, "{value}"),
            ExprKind::Today => f.write_str("today"),
            ExprKind::Ref { path } => f.write_str(path),
            ExprKind::Unary {
                operator,
                operand: o,
            } => match operator {
                UnaryOp::Not => {
                    f.write_str("not ")?;
                    operand(f, o, 3)
                }
                UnaryOp::Neg => {
                    f.write_char('-')?;
                    operand(f, o, 9)
                }
            },
            ExprKind::Binary {
                operator,
                left,
                right,
            } => {
                let p = precedence(*operator);
                operand(f, left, p)?;
                let symbol = match operator {
                    BinaryOp::NotIn => "not in",
                    op => op.symbol(),
                };
                write!(f, " {symbol} ")?;
                // Left-associative: an equal-strength right operand needs parentheses.
                operand(f, right, p + 1)
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => write!(f, "if {condition} then {then} else {otherwise}"),
            ExprKind::List { items } => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            ExprKind::Column { value, column, .. } => {
                operand(f, value, 10)?;
                write!(f, ".{column}")
            }
            ExprKind::Call { function, args, .. } => {
                write!(f, "{function}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_char(')')
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_reads_as_people_write_it() {
        assert_eq!(super::money_in("de", 66000), "660,00\u{a0}€");
        assert_eq!(super::money_in("de-AT", 123456789), "1.234.567,89\u{a0}€");
        assert_eq!(super::money_in("en", -5), "-€0.05");
        assert_eq!(super::money_in("en", 100000), "€1,000.00");
    }
}
