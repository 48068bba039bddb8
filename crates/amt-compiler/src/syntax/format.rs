//! The canonical layout of a source file (`amt fmt`).
//!
//! The formatter works on the tokens as written, never on the syntax tree,
//! so nothing the author wrote can be lost: it changes whitespace only. The
//! pest tree of each declaration says where statements begin and end and
//! what each token is; the scanner's list of comments says where comments
//! go. The layout:
//!
//! - one statement per line, blocks indented by two spaces, `}` on its own
//!   line, an empty block as `{}`;
//! - one space between tokens, none inside brackets, before `,` `:` `)` or
//!   around `.` `..` `@`, no space before the `(` of a call or a type's
//!   arguments, nor before the `[` of a cardinality or an index;
//! - at most one blank line where the author left one, and always one
//!   around a top-level declaration with a block;
//! - the labels, translations and column values of a code list's codes
//!   aligned in columns;
//! - comments stay where they are: at the end of their line, or on their own
//!   line at the indentation of what follows; a line comment inside a
//!   statement continues the statement on the next line, indented once more.
//!
//! Formatting formatted text changes nothing (tested over every file of the
//! project, the fixtures and generated procedures).

use super::parser::{Rule, parse_pairs};
use super::scan;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use std::borrow::Cow;

/// Formats a file's text. A file that does not parse is not formatted: its
/// syntax errors come back instead.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let scan = scan::scan(file, text);
    let errors: Vec<Diagnostic> = scan
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() || scan.chunks.iter().any(|c| c.broken) {
        return Err(refusal(file, text, errors));
    }
    let mut items = Vec::with_capacity(scan.chunks.len());
    for chunk in &scan.chunks {
        let piece = &text[chunk.start..chunk.end];
        let Some(pairs) = parse_pairs(piece) else {
            return Err(refusal(file, text, Vec::new()));
        };
        let mut tokens = Tokens {
            text,
            offset: chunk.start,
            out: Vec::new(),
        };
        for pair in pairs {
            if pair.as_rule() != Rule::EOI {
                tokens.walk(pair, Rule::item);
            }
        }
        items.push((chunk.start, tokens.out));
    }
    let mut w = Writer::new(text, &scan.comments);
    let mut previous_block = false;
    for (i, (start, tokens)) in items.iter().enumerate() {
        let block = tokens.iter().any(|t| t.kind == Kind::Open);
        if i > 0 {
            w.force_blank = previous_block || block;
        }
        w.statement(*start);
        for t in tokens {
            w.token(t);
        }
        previous_block = block;
    }
    Ok(w.finish())
}

/// Why a file is not formatted: its syntax errors, found by the parser.
fn refusal(file: FileId, text: &str, mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if errors.is_empty() {
        let (_, diagnostics) = super::parse_file(file, text);
        errors = diagnostics
            .into_iter()
            .filter(|d| d.severity() == Severity::Error)
            .collect();
    }
    if errors.is_empty() {
        // The parser accepted what the grammar refused: cannot happen, but
        // the author still gets a sentence rather than silence.
        errors.push(
            Diagnostic::new(
                Code::SyntaxError,
                Span::new(file, 0..0),
                "this file could not be read for formatting",
            )
            .label("not formatted")
            .help("run `amt check` on it: it names the declaration that does not parse"),
        );
    }
    errors
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// A word, literal or operator.
    Word,
    /// Punctuation written in the grammar: `( ) [ ] , . .. : = @` and the
    /// braces of an import.
    Punct,
    /// The `{` of a block.
    Open,
    /// The `}` of a block.
    Close,
    /// A statement in a block starts here.
    Statement,
    /// A code list value's label starts here (first column stop).
    Label,
    /// A code list value's translations start here (second column stop).
    Translations,
    /// A code list value's values in the list's columns start here (third
    /// column stop).
    Cells,
    /// A long list opens: its values go one per line, indented once more.
    Wrap,
    /// The next value of a long list.
    WrapNext,
    /// A long list closes: `]` on its own line.
    Unwrap,
}

/// A list longer than this on one line is written one value per line.
const LIST_WIDTH: usize = 80;

#[derive(Debug)]
struct Tok<'a> {
    kind: Kind,
    text: Cow<'a, str>,
    /// For words, their rule; for punctuation, the rule that writes it.
    rule: Rule,
    start: usize,
    end: usize,
}

/// Flattens a pest tree into tokens.
struct Tokens<'a> {
    text: &'a str,
    offset: usize,
    out: Vec<Tok<'a>>,
}

impl<'a> Tokens<'a> {
    /// Adds a pair's tokens; `parent` is the rule of the pair around it.
    fn walk(&mut self, pair: Pair<'a, Rule>, parent: Rule) {
        let rule = pair.as_rule();
        let span = pair.as_span();
        let (start, end) = (span.start() + self.offset, span.end() + self.offset);
        let leaf = matches!(
            rule,
            Rule::string | Rule::url | Rule::duration | Rule::size | Rule::money_lit
        ) || pair.clone().into_inner().peek().is_none();
        if leaf {
            self.out.push(Tok {
                kind: Kind::Word,
                text: word(&pair),
                rule,
                start,
                end,
            });
            return;
        }
        let block = matches!(rule, Rule::block | Rule::codelist | Rule::example);
        let mut opened = false;
        let mut at = start;
        let mut first_translation = true;
        let list_start = self.out.len();
        let mut separators = Vec::new();
        for child in pair.into_inner() {
            let child_start = child.as_span().start() + self.offset;
            self.gap(at, child_start, rule, &mut opened);
            separators.push(self.out.len());
            if block && opened {
                self.push(Kind::Statement, "", rule, child_start, child_start);
            }
            // A code list's values are aligned: their labels, and the
            // translations of their labels.
            if rule == Rule::code_entry && child.as_rule() == Rule::text {
                self.push(Kind::Label, "", rule, child_start, child_start);
            }
            if rule == Rule::code_entry && child.as_rule() == Rule::code_cells {
                self.push(Kind::Cells, "", rule, child_start, child_start);
            }
            if parent == Rule::code_entry
                && child.as_rule() == Rule::translation
                && std::mem::take(&mut first_translation)
            {
                self.push(Kind::Translations, "", rule, child_start, child_start);
            }
            at = child.as_span().end() + self.offset;
            self.walk(child, rule);
        }
        self.gap(at, end, rule, &mut opened);
        if rule == Rule::list {
            // Before the `]`, the list's last token.
            self.wrap(list_start, &separators, self.out.len() - 1);
        }
    }

    /// Marks a long list's line breaks: after `[` and each `,` (the gaps
    /// that end at `separators`) and before the `]` at `close`.
    fn wrap(&mut self, start: usize, separators: &[usize], close: usize) {
        let width: usize = self.out[start..]
            .iter()
            .map(|t| t.text.chars().count() + 1)
            .sum();
        if width <= LIST_WIDTH || separators.is_empty() {
            return;
        }
        let tail = self.out.split_off(start);
        let mut next = 0;
        for (i, t) in tail.into_iter().enumerate() {
            let at = start + i;
            let kind = if at == close {
                Some(Kind::Unwrap)
            } else if separators.get(next) == Some(&at) {
                next += 1;
                Some(if next == 1 {
                    Kind::Wrap
                } else {
                    Kind::WrapNext
                })
            } else {
                None
            };
            if let Some(kind) = kind {
                self.push(kind, "", Rule::list, t.start, t.start);
            }
            self.out.push(t);
        }
    }

    fn push(&mut self, kind: Kind, text: &'a str, rule: Rule, start: usize, end: usize) {
        self.out.push(Tok {
            kind,
            text: Cow::Borrowed(text),
            rule,
            start,
            end,
        });
    }

    /// The punctuation between two children of a `rule`: everything that is
    /// not whitespace or a comment.
    fn gap(&mut self, from: usize, to: usize, rule: Rule, opened: &mut bool) {
        let text = self.text;
        let mut i = from;
        while i < to {
            let rest = &text[i..to];
            let c = rest.chars().next().unwrap_or(' ');
            if c.is_whitespace() || c == '\u{FEFF}' {
                i += c.len_utf8();
            } else if rest.starts_with("//") {
                i += rest.find('\n').unwrap_or(rest.len());
            } else if rest.starts_with("/*") {
                i += rest.find("*/").map_or(rest.len(), |e| e + 2);
            } else {
                let len = if rest.starts_with("..") {
                    2
                } else {
                    c.len_utf8()
                };
                let block = matches!(rule, Rule::block | Rule::codelist | Rule::example);
                let kind = match c {
                    '{' if block => {
                        *opened = true;
                        Kind::Open
                    }
                    '}' if block => Kind::Close,
                    _ => Kind::Punct,
                };
                self.push(kind, &text[i..i + len], rule, i, i + len);
                i += len;
            }
        }
    }
}

/// A word's canonical spelling: units one space after their number,
/// `not in` with one space; everything else as written.
fn word<'a>(pair: &Pair<'a, Rule>) -> Cow<'a, str> {
    let text = pair.as_str();
    match pair.as_rule() {
        Rule::op_not_in => Cow::Borrowed("not in"),
        Rule::duration | Rule::size | Rule::money_lit => {
            let compact: String = text.split_whitespace().collect();
            let split = compact
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(compact.len());
            let (number, unit) = compact.split_at(split);
            Cow::Owned(format!("{number} {unit}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// Whether one space separates two tokens of a statement.
fn space(prev: Prev, cur: &Tok) -> bool {
    let p = prev.punct;
    let c = if cur.kind == Kind::Punct {
        &*cur.text
    } else {
        ""
    };
    if matches!(c, "," | ")" | "]" | ":" | "." | "..") || matches!(p, "(" | "[" | "." | ".." | "@")
    {
        return false;
    }
    if prev.rule == Rule::import && p == "{" || cur.rule == Rule::import && c == "}" {
        return false;
    }
    if c == "(" && matches!(cur.rule, Rule::call | Rule::type_args) {
        return false;
    }
    if c == "[" && matches!(cur.rule, Rule::cardinality | Rule::data_segment) {
        return false;
    }
    prev.rule != Rule::op_neg
}

/// What spacing needs to know of the previous token.
#[derive(Clone, Copy)]
struct Prev<'s> {
    rule: Rule,
    /// The punctuation it is, or "" for a word.
    punct: &'s str,
}

/// Lays tokens and comments out.
struct Writer<'s> {
    src: &'s str,
    comments: &'s [Span],
    next_comment: usize,
    out: String,
    indent: usize,
    /// Nothing is written on the current line yet.
    line_start: bool,
    /// The current line continues a statement (after a line comment).
    continuation: bool,
    /// For each long list being written: whether its statement continues.
    wraps: Vec<bool>,
    /// The last token of the current statement, for spacing; `None` at a
    /// statement's start.
    prev: Option<Prev<'s>>,
    /// The last thing written was an inline comment: a space follows.
    after_comment: bool,
    /// The last thing written was a block's `{`.
    after_open: bool,
    /// Where in the source the last written token or comment ends.
    last_end: usize,
    /// The next line break is a blank line, whatever the author wrote.
    force_blank: bool,
    /// Column stops in the output: (byte offset, which stop: 0 the label,
    /// 1 the translations, 2 the columns' values).
    stops: Vec<(usize, u8)>,
    pending_stop: Option<u8>,
}

impl<'s> Writer<'s> {
    fn new(src: &'s str, comments: &'s [Span]) -> Self {
        Writer {
            src,
            comments,
            next_comment: 0,
            out: String::with_capacity(src.len() + src.len() / 8),
            indent: 0,
            line_start: true,
            continuation: false,
            wraps: Vec::new(),
            prev: None,
            after_comment: false,
            after_open: false,
            last_end: 0,
            force_blank: false,
            stops: Vec::new(),
            pending_stop: None,
        }
    }

    fn token(&mut self, t: &Tok<'s>) {
        match t.kind {
            Kind::Word | Kind::Punct => self.word(t),
            Kind::Statement => self.statement(t.start),
            Kind::Open => {
                self.comments_before(t.start);
                if !self.line_start {
                    self.out.push(' ');
                } else {
                    self.write_indent();
                }
                self.out.push('{');
                self.indent += 1;
                self.after_open = true;
                self.after_comment = false;
                self.line_start = false;
                self.prev = None;
                self.last_end = t.end;
            }
            Kind::Close => {
                self.prev = None;
                self.continuation = false;
                self.comments_before(t.start);
                self.indent -= 1;
                if !self.after_open {
                    self.newline(false);
                    self.write_indent();
                }
                self.out.push('}');
                self.after_open = false;
                self.after_comment = false;
                self.line_start = false;
                self.last_end = t.end;
            }
            Kind::Wrap | Kind::WrapNext | Kind::Unwrap => {
                // A line comment in a long list ends a value's line, which
                // ends anyway: the next value is not a continuation.
                if t.kind == Kind::Wrap {
                    self.indent += 1;
                    self.wraps.push(self.continuation);
                }
                self.comments_before(t.start);
                self.continuation = self.wraps.last().copied().unwrap_or(false);
                if t.kind == Kind::Unwrap {
                    self.indent -= 1;
                    self.wraps.pop();
                }
                self.newline(false);
            }
            Kind::Label => self.pending_stop = Some(0),
            Kind::Translations => self.pending_stop = Some(1),
            Kind::Cells => self.pending_stop = Some(2),
        }
    }

    /// A statement starts at `start`: on a new line.
    fn statement(&mut self, start: usize) {
        self.prev = None;
        self.continuation = false;
        self.comments_before(start);
        let blank = self.blank_before(start);
        self.newline(blank);
    }

    fn word(&mut self, t: &Tok<'s>) {
        self.comments_before(t.start);
        if self.line_start {
            self.write_indent();
        } else if self.after_comment || self.prev.is_some_and(|prev| space(prev, t)) {
            self.out.push(' ');
        }
        if let Some(stop) = self.pending_stop.take() {
            self.stops.push((self.out.len(), stop));
        }
        self.out.push_str(&t.text);
        self.prev = Some(Prev {
            rule: t.rule,
            punct: match (&t.text, t.kind) {
                (Cow::Borrowed(text), Kind::Punct) => text,
                _ => "",
            },
        });
        self.after_open = false;
        self.after_comment = false;
        self.line_start = false;
        self.last_end = t.end;
    }

    /// Writes the comments that come before source position `pos`.
    fn comments_before(&mut self, pos: usize) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.range().start >= pos {
                break;
            }
            self.next_comment += 1;
            let range = c.range();
            let raw = &self.src[range.clone()];
            let line = raw.starts_with("//");
            let text = if line {
                Cow::Borrowed(raw.trim_end())
            } else {
                Cow::Owned(raw.replace("\r\n", "\n"))
            };
            let between = &self.src[self.last_end.min(range.start)..range.start];
            let trailing = !self.out.is_empty() && !self.line_start && !between.contains('\n');
            if trailing {
                self.out.push(' ');
            } else {
                let blank = self.blank_before(range.start);
                self.newline(blank);
                if self.prev.is_some() {
                    self.continuation = true;
                }
                self.write_indent();
            }
            self.out.push_str(&text);
            self.after_open = false;
            self.line_start = false;
            self.last_end = range.end;
            let next = self.src[range.end..].trim_start_matches([' ', '\t', '\r']);
            if line || next.starts_with('\n') {
                self.newline(false);
                if self.prev.is_some() {
                    self.continuation = true;
                }
                self.after_comment = false;
            } else {
                self.after_comment = true;
            }
        }
    }

    /// Whether the author left a blank line before `pos`, or one is due.
    fn blank_before(&mut self, pos: usize) -> bool {
        let from = self.last_end.min(pos);
        let author = self.src[from..pos].matches('\n').count() >= 2;
        std::mem::take(&mut self.force_blank) || author
    }

    /// Ends the current line (unless nothing is on it), with a blank line
    /// after it if `blank` (never right after a `{` or at the start).
    fn newline(&mut self, blank: bool) {
        if self.out.is_empty() {
            self.line_start = true;
            return;
        }
        let trimmed = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(trimmed);
        if !self.line_start {
            self.out.push('\n');
        }
        if blank && !self.after_open && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.line_start = true;
    }

    fn write_indent(&mut self) {
        if !self.line_start {
            return;
        }
        let level = self.indent + usize::from(self.continuation);
        for _ in 0..level {
            self.out.push_str("  ");
        }
        self.line_start = false;
    }

    fn finish(mut self) -> String {
        self.comments_before(usize::MAX);
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        align(&self.out, &self.stops)
    }
}

/// Aligns the column stops of consecutive lines (a code list's values).
fn align(text: &str, stops: &[(usize, u8)]) -> String {
    if stops.is_empty() {
        return text.to_string();
    }
    // Each line with its stops (byte offsets in the line).
    let mut lines: Vec<(String, Vec<(usize, u8)>)> = Vec::new();
    let mut at = 0;
    let mut next = 0;
    for line in text.split_inclusive('\n') {
        let end = at + line.len();
        let mut own = Vec::new();
        while next < stops.len() && stops[next].0 < end {
            own.push((stops[next].0 - at, stops[next].1));
            next += 1;
        }
        lines.push((line.to_string(), own));
        at = end;
    }
    for column in 0..3 {
        let mut i = 0;
        while i < lines.len() {
            let has = |l: &(String, Vec<(usize, u8)>)| l.1.iter().any(|s| s.1 == column);
            if !has(&lines[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < lines.len() && has(&lines[j]) {
                j += 1;
            }
            let width = |l: &(String, Vec<(usize, u8)>)| {
                let at = l.1.iter().find(|s| s.1 == column).map_or(0, |s| s.0);
                l.0[..at].chars().count()
            };
            let widest = lines[i..j].iter().map(width).max().unwrap_or(0);
            for line in &mut lines[i..j] {
                let pad = widest - width(line);
                let at = line.1.iter().find(|s| s.1 == column).map_or(0, |s| s.0);
                line.0.insert_str(at, &" ".repeat(pad));
                for stop in &mut line.1 {
                    if stop.0 >= at && stop.1 != column {
                        stop.0 += pad;
                    }
                }
            }
            i = j;
        }
    }
    lines.into_iter().map(|l| l.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        format(FileId(0), text).unwrap_or_else(|d| panic!("{d:?}"))
    }

    #[test]
    fn lays_out_blocks_and_spaces() {
        let src = "procedure p \"P\" {version 1.0.0 page a \"A\" { field x : text( max 5 ) [ 1 .. 3 ] \"X\" {required when y=1 and not(z in [ A,B ])} }}";
        assert_eq!(
            fmt(src),
            "procedure p \"P\" {\n  version 1.0.0\n  page a \"A\" {\n    field x: text(max 5)[1..3] \"X\" {\n      required\n      when y = 1 and not (z in [A, B])\n    }\n  }\n}\n"
        );
    }

    #[test]
    fn keeps_comments_where_they_are() {
        let src = "// head\n\nimport a.{ b , c }  // why\ncodelist k {\n  // first\n  x \"X\" /* inline */ y \"Y\"\n}\n// tail\n";
        assert_eq!(
            fmt(src),
            "// head\n\nimport a.{b, c} // why\n\ncodelist k {\n  // first\n  x \"X\" /* inline */\n  y \"Y\"\n}\n// tail\n"
        );
    }

    #[test]
    fn a_line_comment_inside_a_statement_continues_it() {
        let src = "group g {\n  rule a > 1 // why\n  \"Zu klein\"\n}\n";
        let once = fmt(src);
        assert_eq!(
            once,
            "group g {\n  rule a > 1 // why\n    \"Zu klein\"\n}\n"
        );
        assert_eq!(fmt(&once), once);
    }

    #[test]
    fn aligns_code_lists_and_units() {
        let src = "codelist k \"K\" {\n a \"Eins\" @en \"One\"\n bbb \"Zwei\" @en \"Two\"\n}\ngroup g { max 10MB count 1.. deadline d 3   weeks }\n";
        assert_eq!(
            fmt(src),
            "codelist k \"K\" {\n  a   \"Eins\" @en \"One\"\n  bbb \"Zwei\" @en \"Two\"\n}\n\ngroup g {\n  max 10 MB\n  count 1..\n  deadline d 3 weeks\n}\n"
        );
        // The values in the list's columns line up as a third column.
        let src = "codelist k \"K\" {\n column n: integer\n a \"Eins\" @en \"One\" {n=1}\n bbb \"Zwei\" @en \"Two or three\" { n = 2 }\n}\n";
        assert_eq!(
            fmt(src),
            "codelist k \"K\" {\n  column n: integer\n  a   \"Eins\" @en \"One\"          { n = 1 }\n  bbb \"Zwei\" @en \"Two or three\" { n = 2 }\n}\n"
        );
    }

    #[test]
    fn long_lists_take_a_line_per_value() {
        let short = "group g {\n  when x in [a, b]\n}\n";
        assert_eq!(fmt(short), short);
        let long = "group g { when x in [eins_eins_eins, zwei_zwei_zwei, drei_drei_drei, // drei\n vier_vier_vier, fuenf_fuenf_fuenf,] }";
        let once = fmt(long);
        assert_eq!(
            once,
            "group g {\n  when x in [\n    eins_eins_eins,\n    zwei_zwei_zwei,\n    drei_drei_drei, // drei\n    vier_vier_vier,\n    fuenf_fuenf_fuenf,\n  ]\n}\n"
        );
        assert_eq!(fmt(&once), once);
    }

    #[test]
    fn refuses_broken_files() {
        assert!(format(FileId(0), "procedure p {").is_err());
        assert!(format(FileId(0), "field : text").is_err());
        assert_eq!(fmt(""), "");
    }
}
