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
pub const TOP_LEVEL: [&str; 6] = [
    "import",
    "codelist",
    "type",
    "group",
    "procedure",
    "municipality",
];

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

impl Chunk {
    /// A declaration that starts at byte `start`, as yet empty.
    fn starting_at(start: usize) -> Chunk {
        Chunk {
            start,
            end: start,
            broken: false,
            ifs: 0,
        }
    }
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
    let mut scanner = Scanner {
        file,
        text,
        bytes: text.as_bytes(),
        out: Scan::default(),
        depth: 0,
        current: None,
        last_significant: 0,
        i: 0,
        line_start: true,
    };
    while scanner.i < scanner.bytes.len() {
        if !scanner.skip_trivia() {
            scanner.token();
        }
    }
    scanner.close(scanner.last_significant);
    scanner.out
}

/// The scan's position in a file and what it has found so far.
struct Scanner<'t> {
    file: FileId,
    text: &'t str,
    bytes: &'t [u8],
    out: Scan,
    /// How deep brackets and blocks nest at `i`.
    depth: usize,
    /// The declaration being read.
    current: Option<Chunk>,
    /// One past the last byte that is not whitespace or a comment: where the
    /// current declaration ends if the next one starts.
    last_significant: usize,
    /// The byte the scan is at.
    i: usize,
    /// Only whitespace and comments since the last line break.
    line_start: bool,
}

impl Scanner<'_> {
    /// Steps over whitespace or a comment at `i`; false when a token starts
    /// there.
    fn skip_trivia(&mut self) -> bool {
        let (bytes, i) = (self.bytes, self.i);
        match bytes[i] {
            b'\n' => {
                self.line_start = true;
                self.i += 1;
            }
            b' ' | b'\t' | b'\r' => self.i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = memchr_newline(bytes, i);
                self.out.comments.push(Span::new(self.file, i..end));
                self.i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => self.block_comment(),
            _ => return false,
        }
        true
    }

    /// Steps over a `/* … */` comment, or reports it if it is never closed.
    fn block_comment(&mut self) {
        let i = self.i;
        match self.text[i + 2..].find("*/") {
            Some(rel) => {
                let end = i + 2 + rel + 2;
                self.out.comments.push(Span::new(self.file, i..end));
                self.line_start = self.line_start && !self.text[i..end].contains('\n');
                self.i = end;
            }
            None => {
                self.out.diagnostics.push(
                    Diagnostic::new(
                        Code::SyntaxError,
                        Span::new(self.file, i..i + 2),
                        "this comment is never closed",
                    )
                    .label("comment starts here")
                    .help("close the comment with `*/`"),
                );
                self.mark_broken();
                self.i = self.bytes.len();
            }
        }
    }

    /// Steps over the token at `i`: one character, or a whole text or link,
    /// keeping count of nesting and of `if`.
    fn token(&mut self) {
        let b = self.bytes[self.i];
        self.start_declaration();
        self.line_start = false;
        match b {
            b'<' => {
                if let Some(end) = self.link_end() {
                    self.i = end;
                    self.last_significant = end;
                    return;
                }
            }
            b'"' => {
                self.text_literal();
                return;
            }
            b'(' | b'[' | b'{' => self.open(),
            b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
            b'i' if self.if_at() => self.count_if(),
            _ => {}
        }
        // Advance by one character (not byte) so slices stay on boundaries.
        self.i += utf8_len(b);
        self.last_significant = self.i;
    }

    /// Starts a declaration at `i` if a top-level keyword stands there, or
    /// if none has started yet.
    fn start_declaration(&mut self) {
        let i = self.i;
        // A top-level keyword starts a new declaration when the previous one
        // is complete, and also, as recovery, at the start of a line when the
        // previous one left a block open.
        let at_column_zero = self.line_start && (i == 0 || self.bytes[i - 1] == b'\n');
        if keyword_at(self.bytes, i) && (self.depth == 0 || at_column_zero) {
            self.close(self.last_significant);
            self.depth = 0;
            self.current = Some(Chunk::starting_at(i));
        } else if self.current.is_none() {
            self.current = Some(Chunk::starting_at(i));
        }
    }

    /// Ends the current declaration at `end`.
    fn close(&mut self, end: usize) {
        if let Some(mut chunk) = self.current.take() {
            chunk.end = end.max(chunk.start);
            self.out.chunks.push(chunk);
        }
    }

    /// The current declaration has a problem the scan reported: it is not
    /// parsed.
    fn mark_broken(&mut self) {
        if let Some(chunk) = self.current.as_mut() {
            chunk.broken = true;
        }
    }

    /// Where a link `<https://…>` at `i` ends, if one starts there: its `//`
    /// is not a comment.
    fn link_end(&self) -> Option<usize> {
        let i = self.i;
        let line_end = memchr_newline(self.bytes, i);
        let rel = self.text[i..line_end].find('>')?;
        let inside = &self.text[i + 1..i + rel];
        (inside.contains("://") && !inside.contains(char::is_whitespace)).then_some(i + rel + 1)
    }

    /// Steps over a text in quotes, or reports it if the line ends first.
    fn text_literal(&mut self) {
        let (bytes, i) = (self.bytes, self.i);
        // Texts are most of a file: jump between the bytes that matter
        // instead of looking at each.
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
            self.i = j + 1;
        } else {
            let end = j.min(bytes.len());
            let end = if end > i + 1 && bytes[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::UnterminatedString,
                    Span::new(self.file, i..end),
                    "this text is not closed",
                )
                .label("the text starts here and runs to the end of the line")
                .help("add a closing `\"` on the same line; texts cannot span lines"),
            );
            self.mark_broken();
            self.i = end;
        }
        self.last_significant = self.i;
    }

    /// One level deeper; past [`MAX_DEPTH`] the declaration is refused.
    fn open(&mut self) {
        self.depth += 1;
        if self.depth > MAX_DEPTH
            && let Some(chunk) = self.current.as_mut()
            && !chunk.broken
        {
            chunk.broken = true;
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::NestingTooDeep,
                    Span::new(self.file, self.i..self.i + 1),
                    format!("brackets and blocks nest more than {MAX_DEPTH} levels deep"),
                )
                .label("this is one level too deep")
                .help("split the expression or the group into smaller named parts"),
            );
        }
    }

    /// Whether the word `if` stands at `i` (its `i` already seen).
    fn if_at(&self) -> bool {
        let (bytes, i) = (self.bytes, self.i);
        bytes.get(i + 1) == Some(&b'f')
            && (i == 0 || !is_ident_byte(bytes[i - 1]))
            && bytes.get(i + 2).is_none_or(|&b| !is_ident_byte(b))
    }

    /// One more `if`; past [`MAX_IFS`] the declaration is refused.
    fn count_if(&mut self) {
        let i = self.i;
        if let Some(chunk) = self.current.as_mut() {
            chunk.ifs += 1;
            if chunk.ifs > MAX_IFS && !chunk.broken {
                chunk.broken = true;
                self.out.diagnostics.push(
                    Diagnostic::new(
                        Code::NestingTooDeep,
                        Span::new(self.file, i..i + 2),
                        format!("this declaration holds more than {MAX_IFS} `if`"),
                    )
                    .label("one `if` too many")
                    .help("`if` chains nest; a long table of cases is easier to read as a code list, or split the declaration"),
                );
            }
        }
    }
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
