//! The expression language's runtime pieces shared by the checker and the
//! emitters and the validator: calendar arithmetic, portable patterns, the
//! built-in formats and printing.

pub mod date;
pub mod feel;
pub mod formats;
pub mod pattern;
pub mod print;
