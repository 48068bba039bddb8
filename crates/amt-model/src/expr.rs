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
    /// A built-in function. For `any`, `all` and `count` with a condition,
    /// `over` is the repeat and the condition is evaluated per item.
    Call {
        /// The function's name.
        function: String,
        /// The repeat iterated over, for quantifiers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        over: Option<String>,
        /// Arguments.
        args: Vec<Expr>,
    },
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
