//! The expression language's runtime pieces shared by the checker and the
//! emitters: calendar arithmetic and portable patterns.

pub mod date;
pub mod pattern;
