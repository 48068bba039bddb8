//! Impossible ranges: `length 10..5`, `[3..1]`, `min` above `max` (numbers,
//! money, and dates, also relative to today).

use super::tree::{Base, FieldTy};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::{self, BinaryOp, DurationUnit, ExprKind, UnaryOp};
use amt_model::date::Date;

/// `min..max` with `min > max`.
pub fn check_range(range: &ast::Range, what: &str, diags: &mut Vec<Diagnostic>) {
    if let Some(max) = range.max
        && range.min > max
    {
        diags.push(
            Diagnostic::new(
                Code::ImpossibleRange,
                range.span,
                format!(
                    "this {what} can never be met: {} is more than {max}",
                    range.min
                ),
            )
            .label("the lower end is above the upper end")
            .fim(1047, "a multiplicity's minimum is at most its maximum")
            .help(format!(
                "write the smaller number first: `{max}..{}`",
                range.min
            )),
        );
    }
}

/// A repeat `[min..max]`: also `max` 0 is impossible.
pub fn check_cardinality(range: &ast::Range, diags: &mut Vec<Diagnostic>) {
    check_range(range, "repeat", diags);
    if range.max == Some(0) {
        diags.push(
            Diagnostic::new(
                Code::ImpossibleRange,
                range.span,
                "a repeat of at most 0 items asks for nothing",
            )
            .label("at most 0")
            .fim(1021, "a multiplicity allows at least one")
            .help("allow at least one item, e.g. `[0..1]`, or remove the part"),
        );
    }
}

/// A non-negative integer constant.
pub fn const_u64(e: &ast::Expr) -> Option<u64> {
    match &e.kind {
        ExprKind::Integer(n) if *n >= 0 => Some(*n as u64),
        _ => None,
    }
}

/// A constant value for comparing bounds: numbers as f64 (exact enough to
/// order literals), money in cents, dates as days relative to a reference
/// "today".
fn const_value(e: &ast::Expr, today: Date) -> Option<f64> {
    match &e.kind {
        ExprKind::Integer(n) => Some(*n as f64),
        ExprKind::Decimal(d) => d.parse().ok(),
        ExprKind::Money(c) => Some(*c as f64),
        ExprKind::Date(d) => Date::parse(d).map(|d| d.to_days() as f64),
        ExprKind::Today => Some(today.to_days() as f64),
        ExprKind::Unary(UnaryOp::Neg, inner) => const_value(inner, today).map(|v| -v),
        ExprKind::Binary(op @ (BinaryOp::Add | BinaryOp::Sub), l, r) => {
            let date = match &l.kind {
                ExprKind::Today => today,
                ExprKind::Date(d) => Date::parse(d)?,
                _ => {
                    let (a, b) = (const_value(l, today)?, const_value(r, today)?);
                    return Some(if *op == BinaryOp::Add { a + b } else { a - b });
                }
            };
            let ExprKind::Duration(d) = &r.kind else {
                return None;
            };
            let sign = if *op == BinaryOp::Add { 1 } else { -1 };
            // Beyond 10,000 years there is no calendar to compare on.
            let n = i64::try_from(d.amount).ok().filter(|n| *n <= 3_660_000)? * sign;
            let moved = match d.unit {
                DurationUnit::Days => date.add_days(n),
                DurationUnit::Weeks => date.add_days(7 * n),
                DurationUnit::Months => date.add_months(n),
                DurationUnit::Years => date.add_months(12 * n),
            };
            Some(moved.to_days() as f64)
        }
        _ => None,
    }
}

/// `min` above `max` in a field's type, and text lengths.
pub fn check_type_bounds(ty: &FieldTy, diags: &mut Vec<Diagnostic>) {
    if let (Some(min), Some(max)) = (ty.min_length, ty.max_length)
        && min > max
    {
        diags.push(
            Diagnostic::new(
                Code::ImpossibleRange,
                ty.span,
                format!("no text is at least {min} and at most {max} characters long"),
            )
            .label("minimum length above maximum length")
            .help("swap the two numbers"),
        );
    }
    if ty.max_length == Some(0) {
        diags.push(
            Diagnostic::new(
                Code::ImpossibleRange,
                ty.span,
                "a text of at most 0 characters can only be empty",
            )
            .label("maximum length 0")
            .help("allow at least one character"),
        );
    }
    let (Some(min), Some(max)) = (ty.min, ty.max) else {
        return;
    };
    // Bounds relative to today are compared on two reference days, so month
    // lengths cannot make a possible range look impossible.
    let days = ["2024-02-29", "2025-07-31"].map(|d| Date::parse(d).expect("valid reference date"));
    let impossible =
        days.iter().all(
            |&today| match (const_value(min, today), const_value(max, today)) {
                (Some(a), Some(b)) => a > b,
                _ => false,
            },
        );
    if impossible {
        let what = match ty.base {
            Base::Date | Base::Datetime => "date",
            Base::Time => "time",
            _ => "value",
        };
        diags.push(
            Diagnostic::new(
                Code::ImpossibleRange,
                min.span,
                format!("no {what} is both at least this and at most the maximum"),
            )
            .label("the minimum")
            .secondary(max.span, "is above this maximum")
            .help("swap `min` and `max`, or correct one of them"),
        );
    }
}
