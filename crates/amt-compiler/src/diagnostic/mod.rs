//! One diagnostic type for every stage, and its renderings.
//!
//! Stages build [`Diagnostic`]s with a stable [`Code`]; nothing here knows
//! about parsing or checking. Rendering (terminal via codespan-reporting, JSON
//! lines) happens only at the edge, from a [`SourceMap`].

mod codes;
mod render;
pub mod suggest;

pub use codes::{CODES, Code, CodeInfo, lookup};
pub use render::{render_human, render_json_line};

use crate::source::Span;
use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong; no output is written.
    Error,
    /// The input is suspicious; output is written unless warnings are denied.
    Warning,
}

/// A span with a short message, shown under the source line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there; may be empty.
    pub message: String,
}

/// A problem found in the input, with everything needed to render it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The stable code, e.g. `E0101`.
    pub code: Code,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The place the problem is, with a short label.
    pub primary: Label,
    /// Other places that explain the problem.
    pub secondary: Vec<Label>,
    /// Extra facts, shown as `= note:` lines.
    pub notes: Vec<String>,
    /// How to fix it, shown as `= help:`.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a code, a message and its primary place.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Sets the label of the primary place.
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    /// Adds a secondary place.
    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds the note that names the FIM quality rule (code list
    /// `urn:xoev-de:fim-datenfelder:codeliste:xdfm_1.8`) the problem
    /// breaks in the procedure's `xdatenfelder.xml`.
    pub fn fim(self, rule: u16, says: &str) -> Self {
        self.note(format!("FIM quality rule {rule}: {says}"))
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The severity, which follows from the code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// The diagnostics of a run, in a stable order.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds many.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics);
    }

    /// Sorts by file and position, drops exact repeats (a group used by
    /// many procedures is checked once per use but reported once) and the
    /// unused imports of files with an error.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        // An unused import in a file with an error is most likely the
        // error's echo (a misspelt use, a declaration that did not read):
        // the error is what to fix.
        let failing: std::collections::HashSet<crate::source::FileId> = self
            .items
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .map(|d| d.primary.span.file)
            .collect();
        self.items
            .retain(|d| d.code != Code::UnusedImport || !failing.contains(&d.primary.span.file));
        self.items.sort_by(|a, b| {
            (a.primary.span, a.code.as_str(), &a.message).cmp(&(
                b.primary.span,
                b.code.as_str(),
                &b.message,
            ))
        });
        self.items.dedup();
        self.items
    }
}
