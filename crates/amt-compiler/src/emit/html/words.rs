//! Conditions and values in words, German or English: the sentences that
//! tell a reader without JavaScript when a part of the form applies.

use super::view::View;
use crate::ir::{Expr, ExprKind, FieldType, Function, Literal, NodeKind, Ty};
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
        self.codelist_of(path)
            .and_then(|l| l.values.iter().find(|v| v.code == code))
            .map(|v| self.text(&v.label))
            .unwrap_or_else(|| code.to_string())
    }

    /// The code list of the choice field at `path`.
    fn codelist_of(&self, path: Option<&str>) -> Option<&'p amt_model::Codelist> {
        path.and_then(|p| self.labels.get(p))
            .and_then(|n| match &n.kind {
                NodeKind::Field {
                    ty: FieldType::Choice { codelist, .. },
                } => self.p.codelists.get(codelist).map(|l| &**l),
                _ => None,
            })
    }

    /// A choice that is (`yes`) or is not one of `codes`, said as the
    /// author wrote it unless another way reads better: a long list of what
    /// it may be (more than four) as the shorter list of what it may not be
    /// (`weder … noch …`); what it may not be, where that is itself a
    /// negation ("nicht keine Befreiung"), as what it may be. `None` when
    /// the field's list is not known.
    fn choice_words(&self, path: &str, codes: &[&str], yes: bool) -> Option<String> {
        let list = self.codelist_of(Some(path))?;
        let all: Vec<&str> = list.values.iter().map(|v| v.code.as_str()).collect();
        let inside: Vec<&str> = all
            .iter()
            .copied()
            .filter(|c| codes.contains(c) == yes)
            .collect();
        let outside: Vec<&str> = all
            .iter()
            .copied()
            .filter(|c| codes.contains(c) != yes)
            .collect();
        let d = is_german(self.lang);
        let labels = |cs: &[&str]| -> Vec<String> {
            cs.iter().map(|c| self.code_label(Some(path), c)).collect()
        };
        if inside.is_empty() || outside.is_empty() {
            return None;
        }
        let negation = |c: &&str| {
            let label = self.code_label(Some(path), c).to_lowercase();
            ["kein", "nicht", "no ", "none", "not "]
                .iter()
                .any(|w| label.starts_with(w))
        };
        const LONG: usize = 4;
        let positive = if yes {
            inside.len() <= LONG || outside.len() >= inside.len()
        } else {
            outside.iter().any(negation) && inside.len() <= LONG
                || outside.len() > LONG && inside.len() < outside.len()
        };
        // The author's own list keeps the author's order.
        let (inside, outside) = match (yes, positive) {
            (true, true) => (codes.to_vec(), outside),
            (false, false) => (inside, codes.to_vec()),
            _ => (inside, outside),
        };
        let said = if positive {
            labels(&inside).join(if d { " oder " } else { " or " })
        } else {
            let not = labels(&outside);
            match (not.len(), d) {
                (1, true) => format!("nicht {}", not[0]),
                (1, false) => format!("not {}", not[0]),
                (_, true) => format!("weder {}", not.join(" noch ")),
                (_, false) => format!("neither {}", not.join(" nor ")),
            }
        };
        Some(format!("{}: {said}", self.label_of(path)))
    }

    fn value_words(&self, e: &'p Expr, field: Option<&str>) -> String {
        match &e.kind {
            ExprKind::Literal { value } => match value {
                Literal::Code(c) => match &e.ty {
                    // The literal knows its list (a column's codes are
                    // another list than the field's).
                    Ty::Code { codelist } => self
                        .p
                        .codelists
                        .get(codelist)
                        .and_then(|l| l.values.iter().find(|v| v.code == *c))
                        .map(|v| self.text(&v.label))
                        .unwrap_or_else(|| self.code_label(field, c)),
                    _ => self.code_label(field, c),
                },
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
            ExprKind::Column {
                value,
                codelist,
                column,
            } => {
                let label = self
                    .p
                    .codelists
                    .get(codelist)
                    .and_then(|l| l.columns.iter().find(|c| c.name == *column))
                    .and_then(|c| c.label.as_ref())
                    .map(|l| self.quote(&self.text(l)))
                    .unwrap_or_else(|| self.quote(column));
                let of = self.value_words(value, None);
                if is_german(self.lang) {
                    format!("{label} zu {of}")
                } else {
                    format!("the {label} of {of}")
                }
            }
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
    /// What has no wording of its own is written as an expression.
    fn words(&self, e: &'p Expr) -> String {
        match &e.kind {
            ExprKind::Ref { path } => format!("{}: {}", self.label_of(path), self.t.yes),
            ExprKind::Column { .. } => format!("{}: {}", self.value_words(e, None), self.t.yes),
            ExprKind::Unary {
                operator: UnaryOp::Not,
                operand,
            } => self.not_words(e, operand),
            ExprKind::Binary {
                operator,
                left,
                right,
            } => match operator {
                BinaryOp::And | BinaryOp::Or => self.junction_words(*operator, left, right),
                BinaryOp::Eq | BinaryOp::In | BinaryOp::Ne | BinaryOp::NotIn => {
                    self.equality_words(*operator, left, right)
                }
                BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                    self.comparison_words(*operator, left, right)
                }
                _ => e.to_string(),
            },
            ExprKind::Call { function, args, .. } if *function == Function::Filled => {
                self.filled_words(e, args, true)
            }
            _ => e.to_string(),
        }
    }

    /// `not` of `operand` (the whole being `e`): a yes/no answer as „nein“,
    /// a field not filled in, else `nicht (…)`.
    fn not_words(&self, e: &'p Expr, operand: &'p Expr) -> String {
        match &operand.kind {
            ExprKind::Ref { path } => format!("{}: {}", self.label_of(path), self.t.no),
            ExprKind::Column { .. } => {
                format!("{}: {}", self.value_words(operand, None), self.t.no)
            }
            ExprKind::Call { function, args, .. } if *function == Function::Filled => {
                self.filled_words(e, args, false)
            }
            _ => format!(
                "{} ({})",
                if is_german(self.lang) { "nicht" } else { "not" },
                self.words(operand)
            ),
        }
    }

    /// That the field `filled(…)` reads is filled in, or not; `e` as
    /// written where its argument is no field.
    fn filled_words(&self, e: &'p Expr, args: &'p [Expr], filled: bool) -> String {
        let Some(ExprKind::Ref { path }) = args.first().map(|a| &a.kind) else {
            return e.to_string();
        };
        let state = match (is_german(self.lang), filled) {
            (true, true) => "ist ausgefüllt",
            (true, false) => "ist nicht ausgefüllt",
            (false, true) => "is filled in",
            (false, false) => "is not filled in",
        };
        format!("{} {state}", self.label_of(path))
    }

    /// Conditions joined by „und“ or „oder“; a part joined the other way is
    /// put in parentheses, so that the sentence groups as the condition does.
    fn junction_words(&self, operator: BinaryOp, left: &'p Expr, right: &'p Expr) -> String {
        let join = match (operator, is_german(self.lang)) {
            (BinaryOp::And, true) => " und ",
            (BinaryOp::And, false) => " and ",
            (_, true) => " oder ",
            (_, false) => " or ",
        };
        let part = |x: &'p Expr| match &x.kind {
            ExprKind::Binary { operator: o, .. }
                if matches!(o, BinaryOp::And | BinaryOp::Or) && *o != operator =>
            {
                format!("({})", self.words(x))
            }
            _ => self.words(x),
        };
        format!("{}{join}{}", part(left), part(right))
    }

    /// An answer that is (or is not) a value or one of several, e.g.
    /// `„Die neue Wohnung ist“: nicht Nebenwohnung`, codes by their labels.
    fn equality_words(&self, operator: BinaryOp, left: &'p Expr, right: &'p Expr) -> String {
        let d = is_german(self.lang);
        let not = match (operator, d) {
            (BinaryOp::Ne | BinaryOp::NotIn, true) => "nicht ",
            (BinaryOp::Ne | BinaryOp::NotIn, false) => "not ",
            _ => "",
        };
        let yes = matches!(operator, BinaryOp::Eq | BinaryOp::In);
        let codes = |e: &'p Expr| -> Option<Vec<&'p str>> {
            match &e.kind {
                ExprKind::Literal {
                    value: Literal::Code(c),
                } => Some(vec![c.as_str()]),
                ExprKind::List { items } => items
                    .iter()
                    .map(|i| match &i.kind {
                        ExprKind::Literal {
                            value: Literal::Code(c),
                        } => Some(c.as_str()),
                        _ => None,
                    })
                    .collect(),
                _ => None,
            }
        };
        let choice = match (&left.kind, &right.kind) {
            (ExprKind::Ref { path }, _) => codes(right).map(|cs| (path, cs)),
            (_, ExprKind::Ref { path }) if !matches!(operator, BinaryOp::In | BinaryOp::NotIn) => {
                codes(left).map(|cs| (path, cs))
            }
            _ => None,
        };
        if let Some((path, cs)) = choice
            && let Some(said) = self.choice_words(path, &cs, yes)
        {
            return said;
        }
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
                self.value_words(right, Some(path))
            ),
            (ExprKind::Column { .. }, _) => format!(
                "{}: {not}{}",
                self.value_words(left, None),
                self.value_words(right, None)
            ),
            _ => format!(
                "{} {} {}",
                self.value_words(left, None),
                op_words(operator, d),
                self.value_words(right, None)
            ),
        }
    }

    /// An order, e.g. `das Alter nach „Geburtsdatum“ ist mindestens 18`.
    fn comparison_words(&self, operator: BinaryOp, left: &'p Expr, right: &'p Expr) -> String {
        let d = is_german(self.lang);
        let verb = if d { "ist" } else { "is" };
        format!(
            "{} {verb} {} {}",
            self.subject_words(left),
            op_words(operator, d),
            self.value_words(right, None)
        )
    }

    /// What an order compares: an age or a number of items said as such,
    /// else the value.
    fn subject_words(&self, subject: &'p Expr) -> String {
        let d = is_german(self.lang);
        match &subject.kind {
            ExprKind::Call { function, args, .. } if *function == Function::Age => {
                let born = args
                    .first()
                    .map(|a| self.value_words(a, None))
                    .unwrap_or_default();
                match (args.get(1), d) {
                    (Some(at), true) => {
                        format!("das Alter nach {born} am {}", self.value_words(at, None))
                    }
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
            _ => self.value_words(subject, None),
        }
    }

    pub(super) fn when_sentence(&self, e: &'p Expr) -> String {
        if is_german(self.lang) {
            format!("Nur auszufüllen, wenn gilt: {}.", self.words(e))
        } else {
            format!("Only to be filled in if: {}.", self.words(e))
        }
    }

    /// The condition of a part that is required when it applies: the page
    /// without its script cannot mark it required (it may not apply), so
    /// the sentence says both.
    pub(super) fn required_when_sentence(&self, e: &'p Expr) -> String {
        if is_german(self.lang) {
            format!("Pflichtangabe, wenn gilt: {}.", self.words(e))
        } else {
            format!("Required if: {}.", self.words(e))
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
