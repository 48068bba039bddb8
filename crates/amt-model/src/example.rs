//! Example submissions and what their authors expect of them (`amt test`).

use crate::I18n;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An example submission with its expectations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Example {
    /// Its name.
    pub name: String,
    /// The line in the procedure's source where it starts.
    pub line: u32,
    /// The date `today` stands for (`YYYY-MM-DD`), if fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
    /// The municipality (its key) whose values the example is checked with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    /// The submission, as the JSON Schema describes it.
    pub data: serde_json::Value,
    /// What must come out.
    pub expect: Vec<Expectation>,
    /// Decisions taken in the workflow, one value per visit of their step
    /// (the last repeats).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub decisions: BTreeMap<String, Vec<serde_json::Value>>,
    /// Steps and timers whose deadline passes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeouts: Vec<String>,
    /// The extension points whose local questions it answers: its
    /// municipality must add questions there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local: Vec<String>,
}

/// One expectation of an example. Paths are amt paths with item indexes,
/// e.g. `person[0].ehe.datum`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "expect", rename_all = "snake_case")]
pub enum Expectation {
    /// No errors.
    Valid,
    /// An error on this path.
    Error {
        /// Where.
        path: String,
    },
    /// A warning on this path.
    Warning {
        /// Where.
        path: String,
    },
    /// The part applies.
    Visible {
        /// Which part.
        path: String,
    },
    /// The part does not apply.
    Hidden {
        /// Which part.
        path: String,
    },
    /// The case receives this document, and it says these texts (per
    /// language).
    Document {
        /// The document.
        id: String,
        /// What it says, per language.
        #[serde(default, skip_serializing_if = "I18n::is_empty")]
        says: I18n,
    },
    /// The case ends in this end state.
    Outcome {
        /// The end state.
        state: String,
    },
    /// The case passes these states, in order (start and end included).
    Path {
        /// The states.
        states: Vec<String>,
    },
    /// A computed value or fee has this value.
    Value {
        /// Which value.
        path: String,
        /// The value as JSON.
        value: serde_json::Value,
    },
}
