//! Conditions and values in words, German or English: the sentences that
//! tell a reader without JavaScript when a part of the form applies.

use super::view::View;
use crate::ir::{Expr, ExprKind, FieldType, Function, Literal, NodeKind};
use amt_model::{BinaryOp, UnaryOp, is_german};

/// An operator in words, as in „das Alter ist mindestens 18“.
fn op_words(op: BinaryOp, de: bool) -> &'static str {
    use BinaryOp::*;
    match (op, de) {
        (Lt, true) => "kleiner als",
        (Le, true) => "höchstens",
        (Gt, true) => "größer als",
        (Ge, true) => "mindestens",
        (Eq, true) => "gleich",
        (Ne, true) => "nicht gleich",
        (Lt, false) => "less than",
        (Le, false) => "at most",
        (Gt, false) => "greater than",
        (Ge, false) => "at least",
        (Eq, false) => "equal to",
        (Ne, false) => "not equal to",
        (_, true) => "verknüpft mit",
        (_, false) => "combined with",
    }
}

impl<'p> View<'p> {
    fn label_of(&self, path: &str) -> String {
        self.labels
            .get(path)
            .and_then(|n| n.label.as_ref())
            .map(|l| self.quote(&self.text(l)))
            .unwrap_or_else(|| self.quote(path))
    }

    fn quote(&self, s: &str) -> String {
        if is_german(self.lang) {
            format!("„{s}“")
        } else {
            format!("“{s}”")
        }
    }

    /// A code's label in the list of the field at `path`.
    fn code_label(&self, path: Option<&str>, code: &str) -> String {
        let list = path
            .and_then(|p| self.labels.get(p))
            .and_then(|n| match &n.kind {
                NodeKind::Field {
                    ty: FieldType::Choice { codelist, .. },
                } => self.p.codelists.get(codelist),
                _ => None,
            });
        list.and_then(|l| l.values.iter().find(|v| v.code == code))
            .map(|v| self.text(&v.label))
            .unwrap_or_else(|| code.to_string())
    }

    fn value_words(&self, e: &'p Expr, field: Option<&str>) -> String {
        match &e.kind {
            ExprKind::Literal { value } => match value {
                Literal::Code(c) => self.code_label(field, c),
                Literal::Boolean(b) => if *b { self.t.yes } else { self.t.no }.to_string(),
                Literal::Date(d) => amt_model::date::Date::parse(d)
                    .map(|d| {
                        if is_german(self.lang) {
                            format!("{:02}.{:02}.{}", d.day, d.month, d.year)
                        } else {
                            d.to_string()
                        }
                    })
                    .unwrap_or_else(|| d.clone()),
                other => other.to_string(),
            },
            ExprKind::List { items } => {
                let or = if is_german(self.lang) {
                    " oder "
                } else {
                    " or "
                };
                items
                    .iter()
                    .map(|i| self.value_words(i, field))
                    .collect::<Vec<_>>()
                    .join(or)
            }
            ExprKind::Ref { path } => self.label_of(path),
            ExprKind::Today => if is_german(self.lang) {
                "heute"
            } else {
                "today"
            }
            .into(),
            _ => e.to_string(),
        }
    }

    /// A condition in words, e.g. `„Die neue Wohnung ist“: Hauptwohnung oder Nebenwohnung`.
    fn words(&self, e: &'p Expr) -> String {
        let d = is_german(self.lang);
        match &e.kind {
            ExprKind::Ref { path } => format!("{}: {}", self.label_of(path), self.t.yes),
            ExprKind::Unary {
                operator: UnaryOp::Not,
                operand,
            } => match &operand.kind {
                ExprKind::Ref { path } => format!("{}: {}", self.label_of(path), self.t.no),
                ExprKind::Call { function, args, .. } if *function == Function::Filled => {
                    match args.first().map(|a| &a.kind) {
                        Some(ExprKind::Ref { path }) => format!(
                            "{} {}",
                            self.label_of(path),
                            if d {
                                "ist nicht ausgefüllt"
                            } else {
                                "is not filled in"
                            }
                        ),
                        _ => e.to_string(),
                    }
                }
                _ => format!(
                    "{} ({})",
                    if d { "nicht" } else { "not" },
                    self.words(operand)
                ),
            },
            ExprKind::Binary {
                operator,
                left,
                right,
            } => match operator {
                BinaryOp::And | BinaryOp::Or => {
                    let join = match (operator, d) {
                        (BinaryOp::And, true) => " und ",
                        (BinaryOp::And, false) => " and ",
                        (_, true) => " oder ",
                        (_, false) => " or ",
                    };
                    let part = |x: &'p Expr| match &x.kind {
                        ExprKind::Binary { operator: o, .. }
                            if matches!(o, BinaryOp::And | BinaryOp::Or) && o != operator =>
                        {
                            format!("({})", self.words(x))
                        }
                        _ => self.words(x),
                    };
                    format!("{}{join}{}", part(left), part(right))
                }
                BinaryOp::Eq | BinaryOp::In | BinaryOp::Ne | BinaryOp::NotIn => {
                    let field = match &left.kind {
                        ExprKind::Ref { path } => Some(path.as_str()),
                        _ => None,
                    };
                    let negated = matches!(operator, BinaryOp::Ne | BinaryOp::NotIn);
                    let not = if negated {
                        if d { "nicht " } else { "not " }
                    } else {
                        ""
                    };
                    match (&left.kind, &right.kind) {
                        (
                            ExprKind::Literal {
                                value: Literal::Code(c),
                            },
                            ExprKind::Ref { path },
                        ) => {
                            format!(
                                "{}: {not}{}",
                                self.label_of(path),
                                self.code_label(Some(path), c)
                            )
                        }
                        (ExprKind::Ref { path }, _) => format!(
                            "{}: {not}{}",
                            self.label_of(path),
                            self.value_words(right, field)
                        ),
                        _ => format!(
                            "{} {} {}",
                            self.value_words(left, None),
                            op_words(*operator, d),
                            self.value_words(right, None)
                        ),
                    }
                }
                op @ (BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge) => {
                    let subject = match &left.kind {
                        ExprKind::Call { function, args, .. } if *function == Function::Age => {
                            let born = args
                                .first()
                                .map(|a| self.value_words(a, None))
                                .unwrap_or_default();
                            match (args.get(1), d) {
                                (Some(at), true) => format!(
                                    "das Alter nach {born} am {}",
                                    self.value_words(at, None)
                                ),
                                (Some(at), false) => {
                                    format!("the age by {born} on {}", self.value_words(at, None))
                                }
                                (None, true) => format!("das Alter nach {born}"),
                                (None, false) => format!("the age by {born}"),
                            }
                        }
                        ExprKind::Call { function, args, .. } if *function == Function::Count => {
                            let what = args
                                .first()
                                .map(|a| self.value_words(a, None))
                                .unwrap_or_default();
                            if d {
                                format!("die Anzahl von {what}")
                            } else {
                                format!("the number of {what}")
                            }
                        }
                        _ => self.value_words(left, None),
                    };
                    let verb = if d { "ist" } else { "is" };
                    format!(
                        "{subject} {verb} {} {}",
                        op_words(*op, d),
                        self.value_words(right, None)
                    )
                }
                _ => e.to_string(),
            },
            ExprKind::Call { function, args, .. } if *function == Function::Filled => {
                match args.first().map(|a| &a.kind) {
                    Some(ExprKind::Ref { path }) => format!(
                        "{} {}",
                        self.label_of(path),
                        if d { "ist ausgefüllt" } else { "is filled in" }
                    ),
                    _ => e.to_string(),
                }
            }
            _ => e.to_string(),
        }
    }

    pub(super) fn when_sentence(&self, e: &'p Expr) -> String {
        if is_german(self.lang) {
            format!("Nur auszufüllen, wenn gilt: {}.", self.words(e))
        } else {
            format!("Only to be filled in if: {}.", self.words(e))
        }
    }

    pub(super) fn applies_sentence(&self, e: &'p Expr) -> String {
        if is_german(self.lang) {
            format!("Gilt, wenn: {}.", self.words(e))
        } else {
            format!("Applies if: {}.", self.words(e))
        }
    }
}
