//! The checked model of an amt procedure: what every emitter and the
//! validator read, and itself an output (`procedure.json`). Its shape is
//! documented in the book (`docs/`, "The checked model") and versioned by
//! [`MODEL_VERSION`].
//!
//! Groups are expanded where they are used, so a procedure is self-contained;
//! `group` on a node names the reusable group it came from. Expressions are
//! resolved: every reference is an absolute data path such as
//! `person.ehe.datum`, and every expression node carries its type.
//!
//! Besides the model's types, this crate holds the vocabulary that the
//! compiler, the emitters and the validator share: calendar dates
//! ([`date`]), the built-in text formats ([`formats`]), expressions printed
//! back in amt's syntax ([`print`]), and what amt knows about the world
//! outside a procedure ([`catalog`]). It depends on serde alone.

#![deny(missing_docs)]

pub mod catalog;
pub mod date;
mod example;
mod expr;
pub mod formats;
mod i18n;
pub mod municipality;
pub mod print;
mod procedure;
mod vocab;
mod workflow;

pub use example::*;
pub use expr::*;
pub use i18n::*;
pub use procedure::*;
pub use vocab::*;
pub use workflow::*;

/// The version of the model's JSON shape. Bumped on any incompatible change.
pub const MODEL_VERSION: &str = "1";

/// The stack amt's own threads get (reserved address space, not memory):
/// models and expressions are walked recursively, up to the depth the
/// parser allows. A program that calls amt on deep input gives its thread
/// as much.
pub const STACK: usize = 64 * 1024 * 1024;

/// The largest whole number every JSON reader keeps exactly (2^53 − 1,
/// JavaScript's `Number.MAX_SAFE_INTEGER`); schemas bound integers by it.
pub const SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// The largest amount of money every JSON reader keeps exact to the cent:
/// the whole euros below [`SAFE_INTEGER`] cents (the bound itself is exact
/// in every reader). Schemas bound money by it.
pub const SAFE_MONEY: f64 = 90_071_992_547_409.0;
