//! `amt import`: an XDatenfelder 2 or 3 document (a Stammdatenschema, a
//! Datenfeldgruppe or a Datenfeld) as formatted amt source.
//!
//! The document is read into a small tree ([`xml`], which refuses document
//! types and foreign entities and fetches nothing), translated element by
//! element ([`xdf`]), then formatted by amt's own formatter. What cannot be
//! translated mechanically (a rule in free text, a script, a code list
//! known only by reference, a field kind amt has not) becomes a comment in
//! the source where it belongs, and one warning lists each, so the author
//! sees exactly what is left to finish.

mod xdf;
pub mod xml;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// The largest document read: the largest FIM schemas are a few
/// megabytes.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// An imported document.
#[derive(Debug)]
pub struct Imported {
    /// The amt source, formatted.
    pub source: String,
    /// What could not be translated (one warning listing each), and
    /// problems of the document that were read around.
    pub diagnostics: Vec<Diagnostic>,
}

/// amt's own rules come back from an export as they were written, but
/// what they read may not have come with them (a code list's columns have
/// no place in XDatenfelder). Each statement of the made source that does
/// not check becomes a `// FIM:` comment, left to the author, until the
/// source checks.
fn demote_what_does_not_check(
    mut text: String,
    root: std::ops::Range<usize>,
    unfinished: &mut Vec<(String, std::ops::Range<usize>)>,
) -> String {
    use crate::diagnostic::Severity;
    for _ in 0..50 {
        let mut sources = crate::source::SourceMap::new();
        let id = sources.add("imported.amt", text.clone());
        let compiled = crate::compile(&sources);
        let Some(d) = compiled
            .diagnostics
            .iter()
            .find(|d| d.severity() == Severity::Error && d.primary.span.file == id)
        else {
            break;
        };
        let file = sources.get(id);
        let line = file.line_index(d.primary.span.start as usize);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let Some(first) = lines.get(line).cloned() else {
            break;
        };
        let statement = first.trim().to_string();
        if !["when ", "rule ", "warn ", "computed ", "fee ", "required"]
            .iter()
            .any(|k| statement.starts_with(k))
        {
            break; // not a translated rule: the caller reports it
        }
        // The statement, with its block when it opens one.
        let mut end = line;
        if statement.ends_with('{') {
            let mut depth = 0i32;
            for (i, l) in lines.iter().enumerate().skip(line) {
                let t = l.trim();
                if t.ends_with('{') {
                    depth += 1;
                }
                if t.starts_with('}') {
                    depth -= 1;
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
        }
        for l in &mut lines[line..=end] {
            let indent = l.len() - l.trim_start().len();
            *l = format!("{}// FIM: {}", &l[..indent], l.trim_start());
        }
        unfinished.push((
            format!("`{statement}` does not check here: {}", d.message),
            root.clone(),
        ));
        text = lines.join("\n");
        text.push('\n');
    }
    text
}

/// The problem of a document of `size` bytes, more than [`MAX_BYTES`].
pub fn too_large(file: FileId, size: u64) -> Diagnostic {
    Diagnostic::new(
        Code::XmlRefused,
        Span::new(file, 0..0),
        format!(
            "the document has {size} bytes, more than the {} MB amt reads",
            MAX_BYTES >> 20
        ),
    )
    .label("too large")
    .help("an XDatenfelder document of one procedure is at most a few megabytes; check that this is the file you meant")
}

/// Translates the XDatenfelder document `text` (the file `file` of the
/// caller's source map). `Err` says why nothing could be made of it.
pub fn import(file: FileId, text: &str) -> Result<Imported, Vec<Diagnostic>> {
    if text.len() > MAX_BYTES {
        return Err(vec![too_large(file, text.len() as u64)]);
    }
    let root = xml::parse(text).map_err(|e| {
        let (code, help) = if e.refused {
            (
                Code::XmlRefused,
                "XDatenfelder documents need no document type and no entities of their own; remove them",
            )
        } else {
            (
                Code::NotXml,
                "export the document again from the FIM repository or the tool that made it",
            )
        };
        vec![
            Diagnostic::new(code, Span::new(file, e.at), e.message)
                .label("here")
                .help(help),
        ]
    })?;
    let made = xdf::translate(file, &root)?;
    let mut unfinished = made.unfinished;
    let source = demote_what_does_not_check(made.text, root.at.clone(), &mut unfinished);
    let source = match crate::syntax::format::format(file, &source) {
        Ok(formatted) => formatted,
        Err(_) => source,
    };
    let mut diagnostics = made.problems;
    diagnostics.extend(xdf::unfinished(file, &unfinished));
    diagnostics.sort_by_key(|d| d.primary.span.start);
    Ok(Imported {
        source,
        diagnostics,
    })
}
