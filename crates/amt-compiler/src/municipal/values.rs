//! Parameter values: constants written in a municipality's `set` (and a
//! parameter's default), checked against the parameter's type and range.

use crate::ir::{self, Literal, Ty};
use crate::syntax::ast::{self, ExprKind, UnaryOp};
use std::cmp::Ordering;

/// The constant an expression writes: a literal, a negative number, or a
/// code (a bare name). `None` for anything computed.
pub fn constant(e: &ast::Expr) -> Option<Literal> {
    Some(match &e.kind {
        ExprKind::Integer(i) => Literal::Integer(*i),
        ExprKind::Decimal(d) => Literal::Decimal(d.clone()),
        ExprKind::Money(m) => Literal::Money(*m),
        ExprKind::Str(s) => Literal::Text(s.clone()),
        ExprKind::Bool(b) => Literal::Boolean(*b),
        ExprKind::Date(d) => Literal::Date(d.clone()),
        ExprKind::Duration(d) => Literal::Duration(ir::Duration {
            amount: d.amount,
            unit: d.unit,
        }),
        ExprKind::Path(p) if p.segments.len() == 1 => Literal::Code(p.segments[0].name.clone()),
        ExprKind::Unary(UnaryOp::Neg, inner) => match constant(inner)? {
            Literal::Integer(i) => Literal::Integer(i.checked_neg()?),
            Literal::Money(m) => Literal::Money(m.checked_neg()?),
            Literal::Decimal(d) => Literal::Decimal(format!("-{d}")),
            _ => return None,
        },
        _ => return None,
    })
}

/// Whether a constant is of a type: a whole number is also a decimal.
pub fn fits(value: &Literal, ty: &Ty) -> bool {
    matches!(
        (value, ty),
        (Literal::Integer(_), Ty::Integer | Ty::Decimal)
            | (Literal::Decimal(_), Ty::Decimal)
            | (Literal::Money(_), Ty::Money)
            | (Literal::Text(_), Ty::Text)
            | (Literal::Boolean(_), Ty::Boolean)
            | (Literal::Date(_), Ty::Date)
            | (Literal::Duration(_), Ty::Duration)
            | (Literal::Code(_), Ty::Code { .. })
            | (_, Ty::Unknown)
    )
}

/// How two constants of one type compare, where they are ordered.
pub fn compare(a: &Literal, b: &Literal) -> Option<Ordering> {
    let decimal = |l: &Literal| -> Option<f64> {
        match l {
            Literal::Integer(i) => Some(*i as f64),
            Literal::Decimal(d) => d.parse().ok(),
            _ => None,
        }
    };
    match (a, b) {
        (Literal::Money(x), Literal::Money(y)) => Some(x.cmp(y)),
        (Literal::Integer(x), Literal::Integer(y)) => Some(x.cmp(y)),
        (Literal::Date(x), Literal::Date(y)) => Some(x.cmp(y)),
        _ => decimal(a)?.partial_cmp(&decimal(b)?),
    }
}

/// What a constant's type is called in messages.
pub fn describe(value: &Literal) -> &'static str {
    match value {
        Literal::Integer(_) => "a whole number",
        Literal::Decimal(_) => "a decimal number",
        Literal::Money(_) => "an amount of money",
        Literal::Text(_) => "a text",
        Literal::Boolean(_) => "yes or no",
        Literal::Date(_) => "a date",
        Literal::Duration(_) => "a duration",
        Literal::Code(_) => "a code",
    }
}

/// What a type's values are called in messages.
pub fn describe_ty(ty: &Ty) -> String {
    match ty {
        Ty::Integer => "a whole number".into(),
        Ty::Decimal => "a number".into(),
        Ty::Money => "an amount of money, e.g. `80 EUR`".into(),
        Ty::Text => "a text in quotes".into(),
        Ty::Boolean => "`yes` or `no`".into(),
        Ty::Date => "a date, e.g. `2025-01-01`".into(),
        Ty::Duration => "a duration, e.g. `2 weeks`".into(),
        Ty::Code { codelist } => format!("a code of the list `{codelist}`"),
        other => format!("{other:?}").to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn expr(kind: ExprKind) -> ast::Expr {
        ast::Expr {
            kind,
            span: Span::new(FileId(0), 0..1),
        }
    }

    #[test]
    fn constants_are_literals_and_negative_numbers() {
        assert_eq!(
            constant(&expr(ExprKind::Money(8000))),
            Some(Literal::Money(8000))
        );
        let neg = expr(ExprKind::Unary(
            UnaryOp::Neg,
            Box::new(expr(ExprKind::Integer(3))),
        ));
        assert_eq!(constant(&neg), Some(Literal::Integer(-3)));
        assert_eq!(constant(&expr(ExprKind::Today)), None);
    }

    #[test]
    fn values_compare_within_their_type() {
        use Ordering::*;
        assert_eq!(
            compare(&Literal::Money(100), &Literal::Money(200)),
            Some(Less)
        );
        assert_eq!(
            compare(&Literal::Integer(3), &Literal::Decimal("2.5".into())),
            Some(Greater)
        );
        assert_eq!(
            compare(&Literal::Text("a".into()), &Literal::Money(1)),
            None
        );
        assert!(fits(&Literal::Integer(2), &Ty::Decimal));
        assert!(!fits(&Literal::Money(2), &Ty::Integer));
    }
}
