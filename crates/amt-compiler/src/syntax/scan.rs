//! A fast pre-pass over a source file that cuts it into top-level
//! declarations before pest sees it.
//!
//! This is what gives the parser error recovery: each declaration is parsed on
//! its own, so a broken field in one group does not hide the procedure below
//! it. The scan also catches what pest reports badly or slowly: unterminated
//! strings and comments, nesting deeper than [`MAX_DEPTH`] and more than
//! [`MAX_IFS`] `if` (which would otherwise exhaust the stack of pest and of
//! every recursive pass after it).

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// How deep brackets and blocks may nest. Real procedures stay below 15.
pub const MAX_DEPTH: usize = 64;

/// How many `if` one declaration may hold. `if` nests without brackets
/// (`else if …`), so this bounds the parser's recursion as [`MAX_DEPTH`]
/// bounds brackets; a real procedure has a few dozen.
pub const MAX_IFS: usize = 5_000;

/// The keywords that start a top-level declaration.
pub const TOP_LEVEL: [&str; 5] = ["import", "codelist", "type", "group", "procedure"];

/// One top-level declaration's byte range, and whether the scan already
/// reported a problem in it (then it is not parsed).
#[derive(Debug)]
pub struct Chunk {
    /// Byte range in the file.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The scan found a problem here and reported it.
    pub broken: bool,
    /// How many `if` it holds.
    ifs: usize,
}

/// What the scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// The declarations.
    pub chunks: Vec<Chunk>,
    /// Every comment's span.
    pub comments: Vec<Span>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn keyword_at(bytes: &[u8], i: usize) -> bool {
    if i > 0 && is_ident_byte(bytes[i - 1]) {
        return false;
    }
    TOP_LEVEL.iter().any(|kw| {
        let end = i + kw.len();
        bytes.len() >= end
            && &bytes[i..end] == kw.as_bytes()
            && bytes.get(end).is_none_or(|&b| !is_ident_byte(b))
    })
}

/// Scans a file's text.
pub fn scan(file: FileId, text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut depth = 0usize;
    let mut current: Option<Chunk> = None;
    let mut last_significant = 0usize;
    let mut i = 0usize;
    let mut line_start = true;

    let close = |current: &mut Option<Chunk>, out: &mut Scan, end: usize| {
        if let Some(mut chunk) = current.take() {
            chunk.end = end.max(chunk.start);
            out.chunks.push(chunk);
        }
    };

    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = memchr_newline(bytes, i);
                out.comments.push(Span::new(file, i..end));
                i = end;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                match text[i + 2..].find("*/") {
                    Some(rel) => {
                        let end = i + 2 + rel + 2;
                        out.comments.push(Span::new(file, i..end));
                        line_start = line_start && !text[i..end].contains('\n');
                        i = end;
                    }
                    None => {
                        out.diagnostics.push(
                            Diagnostic::new(
                                Code::SyntaxError,
                                Span::new(file, i..i + 2),
                                "this comment is never closed",
                            )
                            .label("comment starts here")
                            .help("close the comment with `*/`"),
                        );
                        if let Some(chunk) = current.as_mut() {
                            chunk.broken = true;
                        }
                        i = bytes.len();
                    }
                }
                continue;
            }
            _ => {}
        }

        // A top-level keyword starts a new declaration when the previous one
        // is complete, and also, as recovery, at the start of a line when the
        // previous one left a block open.
        let at_column_zero = line_start && (i == 0 || bytes[i - 1] == b'\n');
        if keyword_at(bytes, i) && (depth == 0 || at_column_zero) {
            close(&mut current, &mut out, last_significant);
            depth = 0;
            current = Some(Chunk {
                start: i,
                end: i,
                broken: false,
                ifs: 0,
            });
        } else if current.is_none() {
            current = Some(Chunk {
                start: i,
                end: i,
                broken: false,
                ifs: 0,
            });
        }
        line_start = false;

        match b {
            b'<' => {
                // A link `<https://…>`: its `//` is not a comment.
                let line_end = memchr_newline(bytes, i);
                if let Some(rel) = text[i..line_end].find('>')
                    && text[i + 1..i + rel].contains("://")
                    && !text[i + 1..i + rel].contains(char::is_whitespace)
                {
                    i += rel + 1;
                    last_significant = i;
                    continue;
                }
            }
            b'"' => {
                // Texts are most of a file: jump between the bytes that
                // matter instead of looking at each.
                let mut j = i + 1;
                let mut closed = false;
                while j < bytes.len() {
                    let Some(k) = memchr::memchr3(b'"', b'\\', b'\n', &bytes[j..]) else {
                        j = bytes.len();
                        break;
                    };
                    j += k;
                    match bytes[j] {
                        b'\\' => j += 2,
                        b'"' => {
                            closed = true;
                            break;
                        }
                        _ => break,
                    }
                }
                if closed {
                    i = j + 1;
                } else {
                    let end = j.min(bytes.len());
                    let end = if end > i + 1 && bytes[end - 1] == b'\r' {
                        end - 1
                    } else {
                        end
                    };
                    out.diagnostics.push(
                        Diagnostic::new(
                            Code::UnterminatedString,
                            Span::new(file, i..end),
                            "this text is not closed",
                        )
                        .label("the text starts here and runs to the end of the line")
                        .help("add a closing `\"` on the same line; texts cannot span lines"),
                    );
                    if let Some(chunk) = current.as_mut() {
                        chunk.broken = true;
                    }
                    i = end;
                }
                last_significant = i;
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH
                    && let Some(chunk) = current.as_mut()
                    && !chunk.broken
                {
                    chunk.broken = true;
                    out.diagnostics.push(
                        Diagnostic::new(
                            Code::NestingTooDeep,
                            Span::new(file, i..i + 1),
                            format!("brackets and blocks nest more than {MAX_DEPTH} levels deep"),
                        )
                        .label("this is one level too deep")
                        .help("split the expression or the group into smaller named parts"),
                    );
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'i' if bytes.get(i + 1) == Some(&b'f')
                && (i == 0 || !is_ident_byte(bytes[i - 1]))
                && bytes.get(i + 2).is_none_or(|&b| !is_ident_byte(b)) =>
            {
                if let Some(chunk) = current.as_mut() {
                    chunk.ifs += 1;
                    if chunk.ifs > MAX_IFS && !chunk.broken {
                        chunk.broken = true;
                        out.diagnostics.push(
                            Diagnostic::new(
                                Code::NestingTooDeep,
                                Span::new(file, i..i + 2),
                                format!("this declaration holds more than {MAX_IFS} `if`"),
                            )
                            .label("one `if` too many")
                            .help("`if` chains nest; a long table of cases is easier to read as a code list, or split the declaration"),
                        );
                    }
                }
            }
            _ => {}
        }
        // Advance by one character (not byte) so slices stay on boundaries.
        i += utf8_len(b);
        last_significant = i;
    }
    close(&mut current, &mut out, last_significant);
    out
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |p| from + p)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str) -> Vec<&str> {
        scan(FileId(0), text)
            .chunks
            .iter()
            .map(|c| &text[c.start..c.end])
            .collect()
    }

    #[test]
    fn cuts_at_top_level_keywords() {
        let text = "import a.{b}\n// c\ngroup g \"G\" {\n  field type: text\n}\nprocedure p { }\n";
        assert_eq!(
            chunks(text),
            vec![
                "import a.{b}",
                "group g \"G\" {\n  field type: text\n}",
                "procedure p { }"
            ]
        );
    }

    #[test]
    fn recovers_from_an_unclosed_block_at_column_zero() {
        let text = "group g {\n  field a: text\nprocedure p { }";
        assert_eq!(
            chunks(text),
            vec!["group g {\n  field a: text", "procedure p { }"]
        );
    }

    #[test]
    fn links_are_not_comments() {
        let s = scan(
            FileId(0),
            "procedure p { legal \"x\" <https://a.de/b> }\ngroup g { }",
        );
        assert!(s.comments.is_empty());
        assert_eq!(s.chunks.len(), 2);
    }

    #[test]
    fn keywords_in_strings_and_comments_do_not_cut() {
        let text = "group g \"procedure\" { // group\n}";
        assert_eq!(chunks(text).len(), 1);
    }

    #[test]
    fn reports_unterminated_string_and_deep_nesting() {
        let s = scan(FileId(0), "group g \"open\n{ }");
        assert_eq!(s.diagnostics[0].code, Code::UnterminatedString);
        let deep = format!(
            "procedure p {{ when {}1{} }}",
            "(".repeat(100),
            ")".repeat(100)
        );
        let s = scan(FileId(0), &deep);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].code, Code::NestingTooDeep);
        assert!(s.chunks[0].broken);
    }
}
