//! Rendering diagnostics: like rustc's for people (codespan-reporting), and
//! one JSON object per line for programs.

use super::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;
use std::ops::Range;

/// Lines longer than this are not shown as source snippets (a 5 MB line
/// would flood the terminal); the diagnostic names the place instead.
const MAX_SNIPPET_LINE: usize = 400;

struct View<'a>(&'a SourceMap);

impl<'a> Files<'a> for View<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.0.get(id).line_index(byte_index))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.0.get(id);
        if line_index >= file.line_starts().len() {
            return Err(FilesError::LineTooLarge {
                given: line_index,
                max: file.line_starts().len() - 1,
            });
        }
        let start = file.line_starts()[line_index];
        let end = file
            .line_starts()
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

fn snippet_fits(sources: &SourceMap, span: crate::source::Span) -> bool {
    let file = sources.get(span.file);
    let first = file.line_index(span.start as usize);
    let last = file.line_index(span.end as usize);
    (first..=last.min(first + 50)).all(|line| file.line_range(line).len() <= MAX_SNIPPET_LINE)
}

fn location(sources: &SourceMap, span: crate::source::Span) -> String {
    let file = sources.get(span.file);
    let (line, col) = file.line_col(span.start as usize);
    format!("{}:{}:{}", file.name, line, col)
}

fn to_codespan(sources: &SourceMap, d: &Diagnostic) -> cs::Diagnostic<FileId> {
    let severity = match d.severity() {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    let all = std::iter::once((true, &d.primary)).chain(d.secondary.iter().map(|l| (false, l)));
    for (primary, label) in all {
        if snippet_fits(sources, label.span) {
            let style = if primary {
                cs::LabelStyle::Primary
            } else {
                cs::LabelStyle::Secondary
            };
            labels.push(
                cs::Label::new(style, label.span.file, label.span.range())
                    .with_message(label.message.clone()),
            );
        } else {
            let text = if label.message.is_empty() {
                String::new()
            } else {
                format!(": {}", label.message)
            };
            notes.push(format!(
                "at {} (the line is too long to show){text}",
                location(sources, label.span)
            ));
        }
    }
    notes.extend(d.notes.iter().cloned());
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(d.code.as_str())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders one diagnostic for a terminal, like rustc does. With `color`,
/// ANSI colours are used.
pub fn render_human(sources: &SourceMap, d: &Diagnostic, color: bool) -> String {
    let config = term::Config::default();
    let diagnostic = to_codespan(sources, d);
    let view = View(sources);
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    if term::emit_to_write_style(&mut buffer, &config, &view, &diagnostic).is_err() {
        // Every span comes from the same SourceMap, so this is unreachable in
        // practice; fall back to a one-line form rather than losing the message.
        return format!(
            "{}[{}]: {}\n  --> {}\n",
            match d.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            d.code.as_str(),
            d.message,
            location(sources, d.primary.span)
        );
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    byte_start: u32,
    byte_end: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: u32,
    byte_end: u32,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
}

fn json_label<'a>(sources: &'a SourceMap, label: &'a super::Label) -> JsonLabel<'a> {
    let file = sources.get(label.span.file);
    let (line, column) = file.line_col(label.span.start as usize);
    JsonLabel {
        file: &file.name,
        line,
        column,
        byte_start: label.span.start,
        byte_end: label.span.end,
        message: &label.message,
    }
}

/// Renders one diagnostic as a single line of JSON (no trailing newline).
/// The shape is documented in the README under "Machine-readable diagnostics".
pub fn render_json_line(sources: &SourceMap, d: &Diagnostic) -> String {
    let span = d.primary.span;
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start as usize);
    let (end_line, end_column) = file.line_col(span.end as usize);
    let labels = std::iter::once(&d.primary)
        .chain(d.secondary.iter())
        .map(|l| json_label(sources, l))
        .collect();
    let json = JsonDiagnostic {
        code: d.code.as_str(),
        severity: d.severity(),
        message: &d.message,
        file: &file.name,
        line,
        column,
        end_line,
        end_column,
        byte_start: span.start,
        byte_end: span.end,
        labels,
        notes: &d.notes,
        help: d.help.as_deref(),
    };
    serde_json::to_string(&json).expect("diagnostics serialise to JSON")
}
