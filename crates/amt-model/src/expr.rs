//! Resolved, typed expressions and their vocabulary.

use serde::{Deserialize, Serialize};

/// The types of values in expressions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "base", rename_all = "snake_case")]
pub enum Ty {
    /// Text.
    Text,
    /// Whole number.
    Integer,
    /// Decimal number.
    Decimal,
    /// Euros.
    Money,
    /// Yes/no.
    Boolean,
    /// Calendar date.
    Date,
    /// Time of day.
    Time,
    /// Date and time.
    Datetime,
    /// A span of days, weeks, months or years.
    Duration,
    /// One value of a code list.
    Code {
        /// The list.
        codelist: String,
    },
    /// Several values of a code list.
    CodeSet {
        /// The list.
        codelist: String,
    },
    /// Uploaded files.
    Attachment,
    /// A group's data.
    Group,
    /// A value per item of a repeat.
    List {
        /// The item type.
        item: Box<Ty>,
    },
    /// The type could not be determined (an error was reported).
    Unknown,
}

/// A resolved, typed expression.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expr {
    /// The type of the value.
    #[serde(rename = "type")]
    pub ty: Ty,
    /// What it is.
    #[serde(flatten)]
    pub kind: ExprKind,
}

impl Expr {
    /// The expressions directly inside this one, in order.
    pub fn children(&self) -> Children<'_> {
        match &self.kind {
            ExprKind::Literal { .. } | ExprKind::Today | ExprKind::Ref { .. } => {
                Children::Fixed([None, None, None], 0)
            }
            ExprKind::Unary { operand, .. } | ExprKind::Column { value: operand, .. } => {
                Children::Fixed([Some(operand), None, None], 0)
            }
            ExprKind::Binary { left, right, .. } => {
                Children::Fixed([Some(left), Some(right), None], 0)
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => Children::Fixed([Some(condition), Some(then), Some(otherwise)], 0),
            ExprKind::List { items: args } | ExprKind::Call { args, .. } => {
                Children::Slice(args.iter())
            }
        }
    }

    /// Calls `f` on this expression and on every expression inside it,
    /// outer before inner, left to right.
    pub fn walk<'e>(&'e self, f: &mut impl FnMut(&'e Expr)) {
        f(self);
        for child in self.children() {
            child.walk(f);
        }
    }

    /// Whether this expression, or one inside it, satisfies `test`.
    pub fn any(&self, test: &impl Fn(&Expr) -> bool) -> bool {
        test(self) || self.children().any(|c| c.any(test))
    }
}

/// The expressions directly inside an expression ([`Expr::children`]).
#[derive(Debug, Clone)]
pub enum Children<'e> {
    /// Up to three operands, and how many were taken.
    Fixed([Option<&'e Expr>; 3], usize),
    /// The items of a list or the arguments of a call.
    Slice(std::slice::Iter<'e, Expr>),
}

impl<'e> Iterator for Children<'e> {
    type Item = &'e Expr;

    fn next(&mut self) -> Option<&'e Expr> {
        match self {
            Children::Fixed(operands, taken) => {
                let next = operands.get(*taken).copied().flatten();
                *taken += 1;
                next
            }
            Children::Slice(items) => items.next(),
        }
    }
}

/// Kinds of resolved expressions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ExprKind {
    /// A constant.
    Literal {
        /// Its value.
        value: Literal,
    },
    /// Today's date.
    Today,
    /// The value at an absolute data path. Inside a repeat item (or a
    /// quantifier), repeats on the path refer to the current item.
    Ref {
        /// E.g. `person.geburtsdatum`.
        path: String,
    },
    /// `not`, `-`.
    Unary {
        /// The operator.
        operator: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// Infix operators.
    Binary {
        /// The operator.
        operator: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `if … then … else …`.
    If {
        /// The condition.
        condition: Box<Expr>,
        /// Value when it holds.
        then: Box<Expr>,
        /// Value otherwise.
        otherwise: Box<Expr>,
    },
    /// `[a, b]`.
    List {
        /// The items.
        items: Vec<Expr>,
    },
    /// A column of a code list, read for a code: `strasse.bezirk` is the
    /// `bezirk` of the street chosen.
    Column {
        /// The code (or the codes, one per repeat item).
        value: Box<Expr>,
        /// The list's key in the procedure's code lists.
        codelist: String,
        /// The column.
        column: String,
    },
    /// A built-in function. For `any`, `all` and `count` with a condition,
    /// `over` is the repeat and the condition is evaluated per item.
    Call {
        /// The function.
        function: Function,
        /// The repeat iterated over, for quantifiers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        over: Option<String>,
        /// Arguments.
        args: Vec<Expr>,
    },
}

crate::words! {
    /// The built-in functions of expressions.
    pub enum Function {
        /// Age in whole years on a date (today by default).
        Age = "age",
        /// The number of items of a repeat (that satisfy a condition).
        Count = "count",
        /// The sum of a number in every item of a repeat.
        Sum = "sum",
        /// The number of characters of a text.
        Len = "len",
        /// Whether a text matches a pattern.
        Matches = "matches",
        /// Whether an answer is given.
        Filled = "filled",
        /// Whether a condition holds for some item of a repeat.
        Any = "any",
        /// Whether a condition holds for every item of a repeat.
        All = "all",
        /// The position of the current item of a repeat, from 1.
        Position = "position",
    }
}

impl Function {
    /// How many arguments it takes: at least, at most.
    pub fn arity(self) -> (usize, usize) {
        match self {
            Function::Age | Function::Count => (1, 2),
            Function::Matches | Function::Any | Function::All => (2, 2),
            Function::Sum | Function::Len | Function::Filled | Function::Position => (1, 1),
        }
    }

    /// A use of it, for messages.
    pub fn example(self) -> &'static str {
        match self {
            Function::Age => "age(geburtsdatum) or age(geburtsdatum, einzug)",
            Function::Count => "count(person) or count(person, age(geburtsdatum) < 18)",
            Function::Sum => "sum(posten.betrag)",
            Function::Len => "len(name)",
            Function::Matches => "matches(kennzeichen, \"[A-Z]{1,3}\")",
            Function::Filled => "filled(telefon)",
            Function::Any => "any(person, age(geburtsdatum) < 18)",
            Function::All => "all(person, filled(ausweis))",
            Function::Position => "position(fahrzeug) inside the group `fahrzeug`",
        }
    }
}

/// Constant values.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Literal {
    /// Yes/no.
    Boolean(bool),
    /// Whole number.
    Integer(i64),
    /// Decimal number, exactly as written.
    Decimal(String),
    /// Euros, in cents.
    Money(i64),
    /// Text.
    Text(String),
    /// `YYYY-MM-DD`.
    Date(String),
    /// A span.
    Duration(Duration),
    /// A code of a code list.
    Code(String),
}

/// A duration, e.g. 3 months.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Duration {
    /// How many.
    pub amount: u64,
    /// Of what.
    pub unit: DurationUnit,
}

/// Units of durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    /// Calendar days.
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Calendar months.
    Months,
    /// Calendar years.
    Years,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The comparison that holds exactly where this one does not (`<` and
    /// `>=`, `=` and `!=`, `in` and `not in`). Logical and arithmetic
    /// operators have none and come back as they are.
    pub fn negated(self) -> BinaryOp {
        use BinaryOp::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            Lt => Ge,
            Le => Gt,
            Gt => Le,
            Ge => Lt,
            In => NotIn,
            NotIn => In,
            other => other,
        }
    }

    /// The comparison with its operands swapped: `a < b` is `b > a`. Only
    /// the six comparisons can be swapped so.
    pub fn swapped(self) -> Option<BinaryOp> {
        use BinaryOp::*;
        Some(match self {
            Eq => Eq,
            Ne => Ne,
            Lt => Gt,
            Le => Ge,
            Gt => Lt,
            Ge => Le,
            _ => return None,
        })
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(i: i64) -> Expr {
        Expr {
            ty: Ty::Integer,
            kind: ExprKind::Literal {
                value: Literal::Integer(i),
            },
        }
    }

    fn binary(operator: BinaryOp, left: Expr, right: Expr) -> Expr {
        Expr {
            ty: Ty::Integer,
            kind: ExprKind::Binary {
                operator,
                left: Box::new(left),
                right: Box::new(right),
            },
        }
    }

    #[test]
    fn walk_visits_outer_before_inner_and_left_to_right() {
        let list = Expr {
            ty: Ty::Unknown,
            kind: ExprKind::List {
                items: vec![lit(3), lit(4)],
            },
        };
        let e = binary(BinaryOp::Add, binary(BinaryOp::Mul, lit(1), lit(2)), list);
        let mut seen = Vec::new();
        e.walk(&mut |e| {
            seen.push(match &e.kind {
                ExprKind::Literal {
                    value: Literal::Integer(i),
                } => i.to_string(),
                ExprKind::Binary { operator, .. } => operator.symbol().to_string(),
                _ => "list".to_string(),
            })
        });
        assert_eq!(seen, ["+", "*", "1", "2", "list", "3", "4"]);
        assert_eq!(e.children().count(), 2);
        assert!(e.any(&|e| matches!(e.kind, ExprKind::List { .. })));
        assert!(!e.any(&|e| matches!(e.kind, ExprKind::Today)));
    }

    #[test]
    fn negation_and_swapping_of_comparisons() {
        use BinaryOp::*;
        for op in [Eq, Ne, Lt, Le, Gt, Ge, In, NotIn] {
            assert_ne!(op.negated(), op);
            assert_eq!(op.negated().negated(), op);
        }
        for op in [Eq, Ne, Lt, Le, Gt, Ge] {
            assert_eq!(op.swapped().and_then(BinaryOp::swapped), Some(op));
        }
        assert_eq!(Lt.swapped(), Some(Gt));
        assert_eq!(Lt.negated(), Ge);
        assert_eq!(In.swapped(), None);
        assert_eq!(Add.negated(), Add);
    }
}
