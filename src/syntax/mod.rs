//! Parsing: source text → syntax tree ([`ast::File`]).
//!
//! A file is first cut into top-level declarations ([`scan`]), then each is
//! parsed with the pest grammar in `grammar/amt.pest` ([`parser`]). A broken
//! declaration yields a diagnostic and is skipped; the others are still read.

pub mod ast;
mod parser;
pub mod scan;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// Parses one file. Never fails: problems are returned as diagnostics, and
/// the tree holds every declaration that could be read.
pub fn parse_file(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let scan = scan::scan(file, text);
    let mut diagnostics = scan.diagnostics;
    let mut items = Vec::with_capacity(scan.chunks.len());
    for chunk in &scan.chunks {
        if chunk.broken {
            continue;
        }
        let piece = &text[chunk.start..chunk.end];
        if let Some(item) = parser::parse_item(file, piece, chunk.start, &mut diagnostics) {
            items.push(item);
        }
    }
    (
        ast::File {
            items,
            comments: scan.comments,
        },
        diagnostics,
    )
}
