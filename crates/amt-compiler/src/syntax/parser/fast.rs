//! A hand-written reader for the common case: a declaration that parses
//! cleanly. pest, with the grammar in `grammar/amt.pest`, stays the
//! definition of the language, the reader of everything else and the voice
//! of every syntax error; this reader only makes the same tree faster
//! (parsing was two thirds of `amt check`).
//!
//! It follows the grammar rule by rule, as pest runs it: the same ordered
//! choices, whitespace and comments skipped at the same places (so that a
//! node's place is pest's to the byte), the same tree as
//! [`super::Builder`] makes of pest's pairs. Where pest would try another
//! alternative after one failed, or where the builder would report a
//! problem (a number too large, a date not in the calendar, `==`, …), this
//! reader gives up on the whole declaration and pest reads it: giving up is
//! always safe. `tests` and the fuzz target hold the two to the same tree
//! on every source of the repository, generated projects, and mutations of
//! them.

use super::{keyword_len, trimmed_len, unescape};
use crate::source::{FileId, Span};
use crate::syntax::ast::*;

/// The declaration `text` (at byte `offset` of its file), or `None` when
/// pest is to read it.
pub(super) fn parse_item(file: FileId, text: &str, offset: usize) -> Option<Item> {
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        pos: 0,
        file,
        offset,
        expr_start: None,
    };
    let item = r.item()?;
    r.skip();
    (r.pos == r.b.len()).then_some(item)
}

/// Longer expressions are left to pest, whose builder refuses one of more
/// than [`super::MAX_EXPR_TOKENS`] pairs. An expression has at most 1.5
/// pairs a byte (`x+x+…` and `f(x,x,…)` are the densest), so one shorter
/// than this never comes near the limit.
const MAX_EXPR_BYTES: usize = 2_000;

/// Prefix operators: `not` binds looser than comparisons, `-` tighter than
/// everything (pest's Pratt parser, set up in [`super::PRATT`], numbers the
/// levels of its `.op` calls 10, 20, …).
const NOT: u32 = 30;
const NEG: u32 = 70;

struct Reader<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    file: FileId,
    offset: usize,
    /// Where the outermost expression being read starts: a nested one
    /// (`if`, parentheses, arguments) gives up as soon as the whole is too
    /// long, instead of reading (and recursing through) all of it first.
    expr_start: Option<usize>,
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// One token of an expression, as pest's pairs give them to the Pratt
/// parser.
enum Token {
    Prefix(UnaryOp, Span),
    Infix(BinaryOp, u32),
    Primary(Expr),
}

impl<'t> Reader<'t> {
    // ------------------------------------------------------------ basics

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, s: &str) -> bool {
        self.b[self.pos..].starts_with(s.as_bytes())
    }

    fn eat(&mut self, s: &str) -> Option<()> {
        self.at(s).then(|| self.pos += s.len())
    }

    /// The byte `c`, or give up.
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.pos += 1)
    }

    /// Whether the word `w` is at the current position (`w ~ !ident_char`).
    fn at_word(&self, w: &str) -> bool {
        self.at(w)
            && !self
                .b
                .get(self.pos + w.len())
                .is_some_and(|&c| is_ident_char(c))
    }

    /// A keyword rule (`kw_*`): the word, not the start of a longer one.
    fn kw(&mut self, w: &str) -> Option<()> {
        self.at_word(w).then(|| self.pos += w.len())
    }

    /// The word at the current position (letters, digits, `_`), for
    /// choosing among alternatives that each begin with their own keyword.
    fn word(&self) -> &'t str {
        let len = self.b[self.pos..]
            .iter()
            .take_while(|&&c| is_ident_char(c))
            .count();
        &self.text[self.pos..self.pos + len]
    }

    /// pest's implicit `(WHITESPACE | COMMENT)*` between the parts of a
    /// non-atomic rule.
    fn skip(&mut self) {
        loop {
            match self.b.get(self.pos..self.pos + 2) {
                Some(b"//") => {
                    self.pos = memchr::memchr(b'\n', &self.b[self.pos..])
                        .map_or(self.b.len(), |i| self.pos + i);
                }
                Some(b"/*") => match memchr::memmem::find(&self.b[self.pos + 2..], b"*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => return,
                },
                _ => match self.peek() {
                    Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                    Some(0xEF) if self.at("\u{FEFF}") => self.pos += 3,
                    _ => return,
                },
            }
        }
    }

    /// A node's place as the builder gives it: pest's span of the rule,
    /// without trailing whitespace and line comments.
    fn span(&self, start: usize, end: usize) -> Span {
        let len = trimmed_len(&self.text[start..end]);
        Span::new(self.file, self.offset + start..self.offset + start + len)
    }

    // ------------------------------------------------------------ tokens

    /// `ident`: a letter or `_`, then letters, digits, `_`.
    fn ident_end(&self) -> Option<usize> {
        let first = self.peek()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        Some(
            self.pos
                + 1
                + self.b[self.pos + 1..]
                    .iter()
                    .take_while(|&&c| is_ident_char(c))
                    .count(),
        )
    }

    /// `name`: an identifier that is not a reserved word.
    fn name(&mut self) -> Option<Ident> {
        let end = self.ident_end()?;
        let name = &self.text[self.pos..end];
        if crate::syntax::RESERVED.contains(&name) {
            return None;
        }
        let ident = Ident {
            name: name.to_string(),
            span: self.span(self.pos, end),
        };
        self.pos = end;
        Some(ident)
    }

    /// An atomic rule's text as a [`Str`] (the builder's `str` of a pair
    /// that is not a string).
    fn raw(&self, start: usize) -> Str {
        Str {
            value: self.text[start..self.pos].to_string(),
            span: self.span(start, self.pos),
        }
    }

    /// An atomic rule's text as an [`Ident`].
    fn raw_ident(&self, start: usize) -> Ident {
        Ident {
            name: self.text[start..self.pos].to_string(),
            span: self.span(start, self.pos),
        }
    }

    /// `string`: `"…"` with the escapes `\"`, `\\`, `\n`, `\t`, on one line.
    fn string(&mut self) -> Option<Str> {
        let start = self.pos;
        self.expect(b'"')?;
        let body = self.pos;
        loop {
            let i = memchr::memchr3(b'"', b'\\', b'\n', &self.b[self.pos..])?;
            self.pos += i;
            match self.b[self.pos] {
                b'"' => break,
                b'\\' => match self.b.get(self.pos + 1) {
                    Some(b'"' | b'\\' | b'n' | b't') => self.pos += 2,
                    _ => return None,
                },
                _ => return None,
            }
        }
        let value = unescape(&self.text[body..self.pos]);
        self.pos += 1;
        Some(Str {
            value,
            span: self.span(start, self.pos),
        })
    }

    fn digits(&self, from: usize) -> usize {
        self.b[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    }

    /// `integer`: its text and value; a value beyond `i64` is the
    /// builder's to report.
    fn integer(&mut self) -> Option<i64> {
        let n = self.digits(self.pos);
        if n == 0 {
            return None;
        }
        let value = self.text[self.pos..self.pos + n].parse().ok()?;
        self.pos += n;
        Some(value)
    }

    /// A count (`max(0)` of an integer, as the builder reads them).
    fn count(&mut self) -> Option<u64> {
        Some(self.integer()?.max(0) as u64)
    }

    /// `lang`: two or three lower-case letters, then `-` and 2 to 8
    /// letters or digits, any number of times.
    fn lang(&mut self) -> Option<Ident> {
        let start = self.pos;
        let letters = self.b[self.pos..]
            .iter()
            .take(3)
            .take_while(|c| c.is_ascii_lowercase())
            .count();
        if letters < 2 {
            return None;
        }
        self.pos += letters;
        while self.peek() == Some(b'-') {
            let n = self.b[self.pos + 1..]
                .iter()
                .take(8)
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if n < 2 {
                break;
            }
            self.pos += 1 + n;
        }
        Some(self.raw_ident(start))
    }

    /// `text`: a string, then translations `@lang "…"`.
    fn text(&mut self) -> Option<Text> {
        let start = self.pos;
        let source = self.string()?;
        self.skip();
        let mut translations = Vec::new();
        if self.peek() == Some(b'@') {
            translations.push(self.translation()?);
            loop {
                let save = self.pos;
                self.skip();
                if self.peek() == Some(b'@') {
                    translations.push(self.translation()?);
                } else {
                    self.pos = save;
                    break;
                }
            }
        }
        Some(Text {
            source,
            translations,
            span: self.span(start, self.pos),
        })
    }

    fn translation(&mut self) -> Option<(Ident, Str)> {
        self.expect(b'@')?;
        self.skip();
        let lang = self.lang()?;
        self.skip();
        Some((lang, self.string()?))
    }

    /// `text?` where it ends a rule or comes before other optional parts.
    fn opt_text(&mut self) -> Option<Option<Text>> {
        if self.peek() == Some(b'"') {
            Some(Some(self.text()?))
        } else {
            Some(None)
        }
    }

    /// `block?`.
    fn opt_block(&mut self) -> Option<Vec<Stmt>> {
        if self.peek() == Some(b'{') {
            self.block()
        } else {
            Some(Vec::new())
        }
    }

    /// `code`: a code of a code list, a LeiKa key, a FIM id.
    fn code(&mut self) -> Option<Str> {
        let start = self.pos;
        if !self.peek()?.is_ascii_alphanumeric() {
            return None;
        }
        let part = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-';
        self.pos += 1 + self.b[self.pos + 1..]
            .iter()
            .take_while(|c| part(c))
            .count();
        while self.peek() == Some(b'.') {
            let n = self.b[self.pos + 1..]
                .iter()
                .take_while(|c| part(c))
                .count();
            if n == 0 {
                break;
            }
            self.pos += 1 + n;
        }
        Some(self.raw(start))
    }

    /// `token`: an autocomplete token.
    fn token(&mut self) -> Option<Ident> {
        let start = self.pos;
        if !self.peek()?.is_ascii_alphabetic() {
            return None;
        }
        self.pos += 1 + self.b[self.pos + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b'_')
            .count();
        Some(self.raw_ident(start))
    }

    /// `WHITESPACE*` inside an atomic rule.
    fn whitespace(&mut self) -> usize {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(0xEF) if self.at("\u{FEFF}") => self.pos += 3,
                _ => return self.pos - start,
            }
        }
    }

    /// `duration`: `2 weeks` (at least one space; the unit a whole word).
    fn duration(&mut self) -> Option<Duration> {
        let start = self.pos;
        let amount = self.count()?;
        if self.whitespace() == 0 {
            return None;
        }
        let unit = self.word();
        let unit = match unit {
            "day" | "days" => DurationUnit::Days,
            "week" | "weeks" => DurationUnit::Weeks,
            "month" | "months" => DurationUnit::Months,
            "year" | "years" => DurationUnit::Years,
            _ => return None,
        };
        self.pos += self.word().len();
        Some(Duration {
            amount,
            unit,
            span: self.span(start, self.pos),
        })
    }

    /// `range`: `1..3` or `1..`.
    fn range(&mut self) -> Option<Range> {
        let start = self.pos;
        let min = self.count()?;
        self.skip();
        self.eat("..")?;
        self.skip();
        let max = if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            Some(self.count()?)
        } else {
            None
        };
        Some(Range {
            min,
            max,
            span: self.span(start, self.pos),
        })
    }

    /// `path`: `a.b.c`.
    fn path(&mut self) -> Option<Path> {
        let start = self.pos;
        let mut segments = vec![self.name()?];
        self.skip();
        self.dotted(&mut segments)?;
        Some(Path {
            segments,
            span: self.span(start, self.pos),
        })
    }

    /// The `("." ~ name)*` of a path, after its first name and a skip.
    fn dotted(&mut self, segments: &mut Vec<Ident>) -> Option<()> {
        if self.peek() != Some(b'.') {
            return Some(());
        }
        loop {
            self.expect(b'.')?;
            self.skip();
            segments.push(self.name()?);
            let save = self.pos;
            self.skip();
            if self.peek() != Some(b'.') {
                self.pos = save;
                return Some(());
            }
        }
    }

    /// `name ~ ("," ~ name)*`.
    fn names(&mut self) -> Option<Vec<Ident>> {
        let mut names = vec![self.name()?];
        self.skip();
        self.more(&mut names, Self::name)?;
        Some(names)
    }

    /// The `("," ~ x)*` of a list, after its first item and a skip: the
    /// position is left after the last item.
    fn more<T>(&mut self, items: &mut Vec<T>, item: impl Fn(&mut Self) -> Option<T>) -> Option<()> {
        if self.peek() != Some(b',') {
            return Some(());
        }
        loop {
            self.expect(b',')?;
            self.skip();
            items.push(item(self)?);
            let save = self.pos;
            self.skip();
            if self.peek() != Some(b',') {
                self.pos = save;
                return Some(());
            }
        }
    }

    // ------------------------------------------------------------ top level

    fn item(&mut self) -> Option<Item> {
        self.skip();
        Some(match self.word() {
            "import" => Item::Import(self.import()?),
            "codelist" => Item::Codelist(self.codelist()?),
            "type" => Item::Type(self.type_decl()?),
            "group" => Item::Group(self.decl("group")?),
            "procedure" => Item::Procedure(self.decl("procedure")?),
            "municipality" => Item::Municipality(self.municipality()?),
            _ => Item::Stray(self.member()?),
        })
    }

    fn import(&mut self) -> Option<Import> {
        let start = self.pos;
        self.kw("import")?;
        self.skip();
        let path_start = self.pos;
        self.path_segment()?;
        while self.peek() == Some(b'/') {
            let save = self.pos;
            self.pos += 1;
            if self.path_segment().is_none() {
                self.pos = save;
                break;
            }
        }
        let path = self.raw(path_start);
        self.skip();
        self.expect(b'.')?;
        self.skip();
        self.expect(b'{')?;
        self.skip();
        let mut names = vec![self.name()?];
        self.skip();
        // `("," ~ import_name)* ~ ","? ~ "}"`: a comma is a name's or the last.
        while self.peek() == Some(b',') {
            self.pos += 1;
            self.skip();
            if self.peek() == Some(b'}') {
                break;
            }
            names.push(self.name()?);
            self.skip();
        }
        self.expect(b'}')?;
        Some(Import {
            path,
            names,
            span: self.span(start, self.pos),
        })
    }

    /// `path_segment`: `..`, `.` before a `/`, or letters, digits, `_`, `-`.
    fn path_segment(&mut self) -> Option<()> {
        if self.eat("..").is_some() {
            return Some(());
        }
        if self.at("./") {
            self.pos += 1;
            return Some(());
        }
        let n = self.b[self.pos..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-')
            .count();
        (n > 0).then(|| self.pos += n)
    }

    fn codelist(&mut self) -> Option<Codelist> {
        let start = self.pos;
        self.kw("codelist")?;
        self.skip();
        let name = self.name()?;
        self.skip();
        let label = self.opt_text()?;
        self.skip();
        let source = if self.at_word("from") {
            self.kw("from")?;
            self.skip();
            let urn = self.string()?;
            self.skip();
            let version = if self.at_word("version") {
                self.kw("version")?;
                self.skip();
                Some(self.string()?)
            } else {
                None
            };
            self.skip();
            Some((urn, version))
        } else {
            None
        };
        self.expect(b'{')?;
        self.skip();
        // A `column` that does not read as one could be a code: pest
        // decides.
        let mut columns = Vec::new();
        while self.at_word("column") {
            let column_start = self.pos;
            self.kw("column")?;
            self.skip();
            let name = self.name()?;
            self.skip();
            self.expect(b':')?;
            self.skip();
            let ty = self.type_ref()?;
            self.skip();
            let label = self.opt_text()?;
            columns.push(CodeColumn {
                name,
                ty,
                label,
                span: self.span(column_start, self.pos),
            });
            self.skip();
        }
        let mut entries = Vec::new();
        while self.peek() != Some(b'}') {
            let entry_start = self.pos;
            let code = if self.peek() == Some(b'"') {
                self.string()?
            } else {
                self.code()?
            };
            self.skip();
            let label = self.opt_text()?;
            self.skip();
            let mut cells = Vec::new();
            if self.peek() == Some(b'{') {
                self.pos += 1;
                self.skip();
                while self.peek() != Some(b'}') {
                    let name = self.name()?;
                    self.skip();
                    self.expect(b'=')?;
                    self.skip();
                    cells.push((name, self.expr()?));
                    self.skip();
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                        self.skip();
                    }
                }
                self.pos += 1;
            }
            entries.push(CodeEntry {
                code,
                label,
                cells,
                span: self.span(entry_start, self.pos),
            });
            self.skip();
        }
        self.pos += 1;
        Some(Codelist {
            name,
            label,
            source,
            columns,
            entries,
            span: self.span(start, self.pos),
        })
    }

    fn type_decl(&mut self) -> Option<TypeDecl> {
        let start = self.pos;
        self.kw("type")?;
        self.skip();
        let name = self.name()?;
        self.skip();
        let label = self.opt_text()?;
        self.skip();
        self.expect(b'=')?;
        self.skip();
        let base = self.type_ref()?;
        self.skip();
        let body = self.opt_block()?;
        Some(TypeDecl {
            name,
            label,
            base,
            body,
            span: self.span(start, self.pos),
        })
    }

    /// procedure, page, group, field, attachment.
    fn decl(&mut self, keyword: &str) -> Option<Decl> {
        let start = self.pos;
        self.kw(keyword)?;
        self.skip();
        let name = self.name()?;
        self.skip();
        let type_ref = match keyword {
            "field" => {
                self.expect(b':')?;
                self.skip();
                let t = self.type_ref()?;
                self.skip();
                Some(t)
            }
            "group" if self.peek() == Some(b':') => {
                self.pos += 1;
                self.skip();
                let t = self.type_ref()?;
                self.skip();
                Some(t)
            }
            // A group repeated in place (`group kind[1..5] …`): pest reads it.
            "group" if self.peek() == Some(b'[') => return None,
            _ => None,
        };
        let label = self.opt_text()?;
        self.skip();
        let body = if keyword == "procedure" {
            self.block()?
        } else {
            self.opt_block()?
        };
        let span = self.span(start, self.pos);
        Some(Decl {
            name,
            type_ref,
            repeat: None,
            label,
            body,
            keyword: Span {
                end: span.start + keyword_len(&self.text[start..]),
                ..span
            },
            span,
        })
    }

    fn block(&mut self) -> Option<Vec<Stmt>> {
        self.expect(b'{')?;
        self.skip();
        let mut stmts = Vec::new();
        while self.peek() != Some(b'}') {
            stmts.push(self.member()?);
            self.skip();
        }
        self.pos += 1;
        Some(stmts)
    }

    // ------------------------------------------------------------ statements

    /// `member`: the statement its first word begins (each alternative
    /// begins with a keyword of its own, so the others cannot match).
    fn member(&mut self) -> Option<Stmt> {
        let start = self.pos;
        let word = self.word();
        Some(match word {
            "field" => Stmt::Field(self.decl(word)?),
            "group" => Stmt::Group(self.decl(word)?),
            "page" => Stmt::Page(self.decl(word)?),
            "attachment" => Stmt::Attachment(self.decl(word)?),
            "computed" => Stmt::Computed(self.computed(word)?),
            "fee" => Stmt::Fee(self.computed(word)?),
            "required" => {
                self.kw(word)?;
                Stmt::Required(self.span(start, self.pos))
            }
            "hint" => {
                self.kw(word)?;
                self.skip();
                let text = self.text()?;
                Stmt::Hint(text, self.span(start, self.pos))
            }
            "when" => {
                self.kw(word)?;
                self.skip();
                let e = self.expr()?;
                Stmt::When(e, self.span(start, self.pos))
            }
            "rule" | "warn" => {
                self.kw(word)?;
                self.skip();
                let condition = self.expr()?;
                self.skip();
                let message = self.opt_text()?;
                Stmt::Rule {
                    warning: word == "warn",
                    condition,
                    message,
                    span: self.span(start, self.pos),
                }
            }
            "note" => Stmt::Note(self.note()?),
            "legal" => {
                self.kw(word)?;
                self.skip();
                let citation = self.string()?;
                self.skip();
                let url = if self.peek() == Some(b'<') {
                    self.pos += 1;
                    let body = self.pos;
                    self.pos += self.b[self.pos..]
                        .iter()
                        .take_while(|c| !matches!(c, b'>' | b'\n' | b' '))
                        .count();
                    let url = self.raw(body);
                    self.expect(b'>')?;
                    Some(url)
                } else {
                    None
                };
                Stmt::Legal {
                    citation,
                    url,
                    span: self.span(start, self.pos),
                }
            }
            "fim" => {
                self.kw(word)?;
                self.skip();
                let id = self.code()?;
                self.skip();
                let version = if self.at_word("version") {
                    self.kw("version")?;
                    self.skip();
                    Some(self.code()?)
                } else {
                    None
                };
                Stmt::Fim(id, version, self.span(start, self.pos))
            }
            "autocomplete" => {
                self.kw(word)?;
                self.skip();
                let token = self.token()?;
                Stmt::Autocomplete(token, self.span(start, self.pos))
            }
            "prefill" => {
                self.kw(word)?;
                self.skip();
                let attribute = self.name()?;
                self.skip();
                let locked = match self.word() {
                    w @ ("locked" | "editable") => {
                        self.pos += w.len();
                        Some(w == "locked")
                    }
                    _ => None,
                };
                Stmt::Prefill {
                    attribute,
                    locked,
                    span: self.span(start, self.pos),
                }
            }
            "personal" => {
                self.kw(word)?;
                self.skip();
                let class = match self.word() {
                    "special" | "ordinary" => {
                        let at = self.pos;
                        self.pos += self.word().len();
                        Some(self.raw_ident(at))
                    }
                    _ => None,
                };
                Stmt::Personal(class, self.span(start, self.pos))
            }
            "version" => {
                self.kw(word)?;
                self.skip();
                let v = self.semver()?;
                Stmt::Version(v, self.span(start, self.pos))
            }
            "leika" => {
                self.kw(word)?;
                self.skip();
                let key = self.code()?;
                Stmt::Leika(key, self.span(start, self.pos))
            }
            "identity" => {
                self.kw(word)?;
                self.skip();
                let level = self.name()?;
                self.skip();
                let means = if self.at_word("via") {
                    self.kw("via")?;
                    self.skip();
                    self.names()?
                } else {
                    Vec::new()
                };
                Stmt::Identity {
                    level,
                    means,
                    span: self.span(start, self.pos),
                }
            }
            "languages" => {
                self.kw(word)?;
                self.skip();
                let mut langs = vec![self.lang()?];
                self.skip();
                self.more(&mut langs, Self::lang)?;
                Stmt::Languages(langs, self.span(start, self.pos))
            }
            "description" | "purpose" => {
                self.kw(word)?;
                self.skip();
                let text = self.text()?;
                let span = self.span(start, self.pos);
                if word == "purpose" {
                    Stmt::Purpose(text, span)
                } else {
                    Stmt::Description(text, span)
                }
            }
            "authority" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                self.skip();
                let label = self.opt_text()?;
                self.skip();
                let body = self.opt_block()?;
                Stmt::Authority {
                    name,
                    label,
                    body,
                    span: self.span(start, self.pos),
                }
            }
            "parameter" => Stmt::Parameter(self.parameter()?),
            "extension" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                self.skip();
                let label = self.opt_text()?;
                Stmt::Extension {
                    name,
                    label,
                    span: self.span(start, self.pos),
                }
            }
            "extend" => {
                self.kw(word)?;
                self.skip();
                let (procedure, point) = self.procedure_member()?;
                self.skip();
                let body = self.block()?;
                Stmt::Extend {
                    procedure,
                    point,
                    body,
                    span: self.span(start, self.pos),
                }
            }
            "kind" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                Stmt::Kind(name, self.span(start, self.pos))
            }
            "reply" => {
                self.kw(word)?;
                self.skip();
                let names = self.names()?;
                Stmt::Reply(names, self.span(start, self.pos))
            }
            "theme" => {
                self.kw(word)?;
                self.skip();
                let body = self.block()?;
                Stmt::Theme(body, self.span(start, self.pos))
            }
            "offers" => {
                self.kw(word)?;
                self.skip();
                let procedures = self.names()?;
                self.skip();
                self.kw("by")?;
                self.skip();
                let by = self.name()?;
                Stmt::Offers {
                    procedures,
                    by,
                    span: self.span(start, self.pos),
                }
            }
            "set" => {
                self.kw(word)?;
                self.skip();
                let (procedure, parameter) = self.procedure_member()?;
                self.skip();
                self.expect(b'=')?;
                self.skip();
                let value = self.expr()?;
                self.skip();
                let body = self.opt_block()?;
                Stmt::Set {
                    procedure,
                    parameter,
                    value,
                    body,
                    span: self.span(start, self.pos),
                }
            }
            "from" | "until" => {
                self.kw(word)?;
                self.skip();
                if !self.at_date() {
                    return None;
                }
                let date_start = self.pos;
                self.pos += 10;
                Stmt::Validity {
                    until: word == "until",
                    date: self.raw(date_start),
                    span: self.span(start, self.pos),
                }
            }
            "short" | "address" | "hours" | "destination" | "court" => {
                self.kw(word)?;
                let key = self.raw_ident(start);
                self.skip();
                let value = self.text()?;
                Stmt::Property {
                    key,
                    name: None,
                    value,
                    url: false,
                    span: self.span(start, self.pos),
                }
            }
            "contact" | "link" | "color" | "account" | "secret" => {
                self.kw(word)?;
                let key = self.raw_ident(start);
                self.skip();
                let name = self.name()?;
                self.skip();
                let (source, url) = if self.peek() == Some(b'<') {
                    self.pos += 1;
                    let body = self.pos;
                    self.pos += self.b[self.pos..]
                        .iter()
                        .take_while(|c| !matches!(c, b'>' | b'\n' | b' '))
                        .count();
                    let value = self.raw(body);
                    self.expect(b'>')?;
                    (value, true)
                } else {
                    (self.string()?, false)
                };
                let span = source.span;
                Stmt::Property {
                    key,
                    name: Some(name),
                    value: Text {
                        source,
                        translations: Vec::new(),
                        span,
                    },
                    url,
                    span: self.span(start, self.pos),
                }
            }
            "privacy" | "workflow" => {
                self.kw(word)?;
                self.skip();
                let body = self.block()?;
                let span = self.span(start, self.pos);
                if word == "privacy" {
                    Stmt::Privacy(body, span)
                } else {
                    Stmt::Workflow(body, span)
                }
            }
            "basis" => {
                self.kw(word)?;
                self.skip();
                let s = self.string()?;
                Stmt::Basis(s, self.span(start, self.pos))
            }
            "retention" => {
                self.kw(word)?;
                self.skip();
                let r = if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    Retention::Period(self.duration()?)
                } else {
                    Retention::Text(self.text()?)
                };
                Stmt::Retention(r, self.span(start, self.pos))
            }
            "types" => {
                self.kw(word)?;
                self.skip();
                let names = self.names()?;
                Stmt::Types(names, self.span(start, self.pos))
            }
            "max" => {
                self.kw(word)?;
                self.skip();
                let size = self.size()?;
                Stmt::MaxSize(size, self.span(start, self.pos))
            }
            "count" => {
                self.kw(word)?;
                self.skip();
                let range = self.range()?;
                Stmt::Count(range, self.span(start, self.pos))
            }
            "deadline" => Stmt::Deadline(self.deadline()?),
            "example" => Stmt::Example(self.example()?),
            "actor" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                self.skip();
                self.expect(b':')?;
                self.skip();
                let kind = self.name()?;
                self.skip();
                let label = self.opt_text()?;
                Stmt::Actor {
                    name,
                    kind,
                    label,
                    span: self.span(start, self.pos),
                }
            }
            "document" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                self.skip();
                let label = self.opt_text()?;
                self.skip();
                let body = self.opt_block()?;
                Stmt::Document {
                    name,
                    label,
                    body,
                    span: self.span(start, self.pos),
                }
            }
            "tenor" | "reasons" | "recipient" => {
                self.kw(word)?;
                self.skip();
                let kind = match word {
                    "tenor" => PartKind::Tenor,
                    "reasons" => PartKind::Reasons,
                    _ => PartKind::Recipient,
                };
                let text = self.text()?;
                self.skip();
                let body = self.opt_block()?;
                Stmt::Part {
                    kind,
                    text,
                    body,
                    span: self.span(start, self.pos),
                }
            }
            "conditions" => {
                self.kw(word)?;
                self.skip();
                let names = self.names()?;
                Stmt::Conditions(names, self.span(start, self.pos))
            }
            "fees" => {
                self.kw(word)?;
                Stmt::Fees(self.span(start, self.pos))
            }
            "remedy" => {
                self.kw(word)?;
                self.skip();
                let kind = self.name()?;
                self.skip();
                let why = self.opt_text()?;
                Stmt::Remedy {
                    kind,
                    why,
                    span: self.span(start, self.pos),
                }
            }
            "start" | "step" | "parallel" | "end" | "timer" | "payment" => {
                Stmt::State(self.state()?)
            }
            "by" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                Stmt::By(name, self.span(start, self.pos))
            }
            "decide" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                self.skip();
                self.expect(b':')?;
                self.skip();
                let ty = self.type_ref()?;
                self.skip();
                let label = self.opt_text()?;
                Stmt::Decide {
                    name,
                    ty,
                    label,
                    span: self.span(start, self.pos),
                }
            }
            "goto" => Stmt::Goto(self.goto()?),
            "outcome" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                Stmt::Outcome(name, self.span(start, self.pos))
            }
            _ => return None,
        })
    }

    /// `computed` and `fee`: `NAME "Label" = EXPR { … }`.
    /// `municipality "ARS" "Name" { … }`
    fn municipality(&mut self) -> Option<Municipality> {
        let start = self.pos;
        self.kw("municipality")?;
        self.skip();
        let ars = self.string()?;
        self.skip();
        let name = self.text()?;
        self.skip();
        let body = self.block()?;
        Some(Municipality {
            ars,
            name,
            body,
            span: self.span(start, self.pos),
        })
    }

    /// `PROCEDURE.NAME`, as `set` and `extend` name what they set.
    fn procedure_member(&mut self) -> Option<(Ident, Ident)> {
        let procedure = self.name()?;
        self.skip();
        self.expect(b'.')?;
        self.skip();
        Some((procedure, self.name()?))
    }

    /// `parameter NAME: TYPE "Label" = DEFAULT { … }`
    fn parameter(&mut self) -> Option<Parameter> {
        let start = self.pos;
        self.kw("parameter")?;
        self.skip();
        let name = self.name()?;
        self.skip();
        self.expect(b':')?;
        self.skip();
        let ty = self.type_ref()?;
        self.skip();
        let label = self.opt_text()?;
        self.skip();
        let default = if self.peek() == Some(b'=') {
            self.pos += 1;
            self.skip();
            let value = self.expr()?;
            self.skip();
            Some(value)
        } else {
            None
        };
        let body = self.opt_block()?;
        Some(Parameter {
            name,
            ty,
            label,
            default,
            body,
            span: self.span(start, self.pos),
        })
    }

    fn computed(&mut self, keyword: &str) -> Option<Computed> {
        let start = self.pos;
        self.kw(keyword)?;
        self.skip();
        let name = self.name()?;
        self.skip();
        let ty = if keyword == "computed" && self.peek() == Some(b':') {
            self.pos += 1;
            self.skip();
            let ty = self.type_ref()?;
            self.skip();
            Some(ty)
        } else {
            None
        };
        let label = self.opt_text()?;
        self.skip();
        self.expect(b'=')?;
        self.skip();
        let value = self.expr()?;
        self.skip();
        let body = self.opt_block()?;
        Some(Computed {
            name,
            ty,
            label,
            value,
            body,
            span: self.span(start, self.pos),
        })
    }

    fn note(&mut self) -> Option<Note> {
        let start = self.pos;
        self.kw("note")?;
        self.skip();
        let name = if self.peek() == Some(b'"') {
            None
        } else {
            let name = self.name()?;
            self.skip();
            Some(name)
        };
        let text = self.text()?;
        self.skip();
        let body = self.opt_block()?;
        Some(Note {
            name,
            text,
            body,
            span: self.span(start, self.pos),
        })
    }

    fn deadline(&mut self) -> Option<Deadline> {
        let start = self.pos;
        self.kw("deadline")?;
        self.skip();
        let name = self.name()?;
        self.skip();
        let label = self.opt_text()?;
        self.skip();
        let duration = self.duration()?;
        self.skip();
        let after = if self.at_word("after") {
            self.kw("after")?;
            self.skip();
            let p = self.path()?;
            self.skip();
            Some(p)
        } else {
            None
        };
        let body = self.opt_block()?;
        Some(Deadline {
            name,
            label,
            duration,
            after,
            body,
            span: self.span(start, self.pos),
        })
    }

    /// `semver`: `1.2.3`, a pre-release after `-`.
    fn semver(&mut self) -> Option<Str> {
        let start = self.pos;
        for i in 0..3 {
            if i > 0 {
                self.expect(b'.')?;
            }
            let n = self.digits(self.pos);
            if n == 0 {
                return None;
            }
            self.pos += n;
        }
        if self.peek() == Some(b'-') {
            let n = self.b[self.pos + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-'))
                .count();
            if n > 0 {
                self.pos += 1 + n;
            }
        }
        Some(self.raw(start))
    }

    /// `size`: `10 MB`, in bytes.
    fn size(&mut self) -> Option<u64> {
        let amount = self.integer()?;
        self.whitespace();
        let factor: u64 = match self.word() {
            "KB" => 1 << 10,
            "MB" => 1 << 20,
            "GB" => 1 << 30,
            _ => return None,
        };
        self.pos += 2;
        Some((amount.max(0) as u64).saturating_mul(factor))
    }

    /// `start|step|parallel|end|timer NAME "Label" outcome OUTCOME { … }`
    fn state(&mut self) -> Option<StateDecl> {
        let start = self.pos;
        let kind = match self.word() {
            "start" => StateKind::Start,
            "step" => StateKind::Step,
            "parallel" => StateKind::Parallel,
            "end" => StateKind::End,
            "payment" => StateKind::Payment,
            _ => StateKind::Timer,
        };
        self.pos += self.word().len();
        self.skip();
        let name = self.name()?;
        self.skip();
        let label = self.opt_text()?;
        self.skip();
        let outcome = if self.at_word("outcome") {
            let at = self.pos;
            self.kw("outcome")?;
            self.skip();
            let o = self.name()?;
            let s = self.span(at, self.pos);
            self.skip();
            Some(Stmt::Outcome(o, s))
        } else {
            None
        };
        let mut body = self.opt_block()?;
        if let Some(o) = outcome {
            body.insert(0, o);
        }
        Some(StateDecl {
            kind,
            name,
            label,
            body,
            span: self.span(start, self.pos),
        })
    }

    /// `goto STATE` and its clauses, each at most once (a clause given
    /// twice is the builder's to report).
    fn goto(&mut self) -> Option<Goto> {
        let start = self.pos;
        self.kw("goto")?;
        self.skip();
        let target = self.name()?;
        let mut goto = Goto {
            target,
            after: None,
            when: None,
            issue: Vec::new(),
            span: Span::new(self.file, 0..0),
        };
        self.skip();
        let mut first = true;
        loop {
            let save = self.pos;
            if !first {
                self.skip();
            }
            first = false;
            match self.word() {
                "after" if goto.after.is_none() => {
                    self.kw("after")?;
                    self.skip();
                    let d = self.duration()?;
                    self.skip();
                    let from = if self.at_word("from") {
                        self.kw("from")?;
                        self.skip();
                        Some(self.name()?)
                    } else {
                        None
                    };
                    goto.after = Some((d, from));
                }
                "when" if goto.when.is_none() => {
                    self.kw("when")?;
                    self.skip();
                    goto.when = Some(self.expr()?);
                }
                "issue" if goto.issue.is_empty() => {
                    self.kw("issue")?;
                    self.skip();
                    goto.issue = self.names()?;
                }
                "after" | "when" | "issue" => return None,
                _ => {
                    self.pos = save;
                    break;
                }
            }
        }
        goto.span = self.span(start, self.pos);
        Some(goto)
    }

    // ------------------------------------------------------------ examples

    fn example(&mut self) -> Option<Example> {
        let start = self.pos;
        self.kw("example")?;
        self.skip();
        let name = self.string()?;
        let mut example = Example {
            name,
            base: None,
            omit: Vec::new(),
            decisions: Vec::new(),
            timeouts: Vec::new(),
            today: None,
            given: Vec::new(),
            expects: Vec::new(),
            municipality: None,
            span: Span::new(self.file, 0..0),
        };
        self.skip();
        if self.at_word("from") {
            self.kw("from")?;
            self.skip();
            example.base = Some(self.string()?);
            self.skip();
        }
        self.expect(b'{')?;
        self.skip();
        while self.peek() != Some(b'}') {
            let at = self.pos;
            match self.word() {
                "today" => {
                    self.pos += 5;
                    self.skip();
                    if !self.at_date() {
                        return None;
                    }
                    let date_start = self.pos;
                    self.pos += 10;
                    example.today = Some(self.raw(date_start));
                }
                "expect" => {
                    self.kw("expect")?;
                    self.skip();
                    let expect = self.expect_stmt(at)?;
                    example.expects.push(expect);
                }
                "omit" => {
                    self.kw("omit")?;
                    self.skip();
                    let path = self.data_path()?;
                    example.omit.push(path);
                }
                "decide" => {
                    self.kw("decide")?;
                    self.skip();
                    let name = self.name()?;
                    self.skip();
                    self.expect(b'=')?;
                    self.skip();
                    example.decisions.push((name, self.expr()?));
                }
                "timeout" => {
                    self.kw("timeout")?;
                    self.skip();
                    example.timeouts.push(self.name()?);
                }
                "municipality" => {
                    self.kw("municipality")?;
                    self.skip();
                    example.municipality = Some(self.string()?);
                }
                _ => {
                    let path = self.data_path()?;
                    self.skip();
                    self.expect(b'=')?;
                    self.skip();
                    example.given.push((path, self.expr()?));
                }
            }
            self.skip();
        }
        self.pos += 1;
        example.span = self.span(start, self.pos);
        Some(example)
    }

    /// What follows `expect`; `start` is where the statement begins.
    fn expect_stmt(&mut self, start: usize) -> Option<Expect> {
        let word = self.word();
        Some(match word {
            "valid" => {
                self.kw(word)?;
                Expect::Valid(self.span(start, self.pos))
            }
            "error" | "warning" => {
                self.kw(word)?;
                self.skip();
                self.kw("on")?;
                self.skip();
                let path = self.data_path()?;
                Expect::Problem {
                    warning: word == "warning",
                    path,
                    span: self.span(start, self.pos),
                }
            }
            "visible" | "hidden" => {
                self.kw(word)?;
                self.skip();
                let path = self.data_path()?;
                Expect::Shown {
                    visible: word == "visible",
                    path,
                    span: self.span(start, self.pos),
                }
            }
            "outcome" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                Expect::Outcome(name, self.span(start, self.pos))
            }
            "path" => {
                self.kw(word)?;
                self.skip();
                let names = self.names()?;
                Expect::Path(names, self.span(start, self.pos))
            }
            "document" => {
                self.kw(word)?;
                self.skip();
                let name = self.name()?;
                self.skip();
                let says = self.opt_text()?;
                Expect::Document {
                    name,
                    says,
                    span: self.span(start, self.pos),
                }
            }
            _ => {
                let path = self.data_path()?;
                self.skip();
                self.expect(b'=')?;
                self.skip();
                let value = self.expr()?;
                Expect::Value {
                    path,
                    value,
                    span: self.span(start, self.pos),
                }
            }
        })
    }

    /// `data_path`: `person[0].name`.
    fn data_path(&mut self) -> Option<DataPath> {
        let start = self.pos;
        let mut segments = vec![self.data_segment()?];
        self.skip();
        if self.peek() == Some(b'.') {
            loop {
                self.expect(b'.')?;
                self.skip();
                segments.push(self.data_segment()?);
                let save = self.pos;
                self.skip();
                if self.peek() != Some(b'.') {
                    self.pos = save;
                    break;
                }
            }
        }
        Some(DataPath {
            segments,
            span: self.span(start, self.pos),
        })
    }

    /// `data_segment`: a name, an index in brackets after it.
    fn data_segment(&mut self) -> Option<(Ident, Option<u64>)> {
        let name = self.name()?;
        self.skip();
        if self.peek() != Some(b'[') {
            return Some((name, None));
        }
        self.pos += 1;
        self.skip();
        let index = self.count()?;
        self.skip();
        self.expect(b']')?;
        Some((name, Some(index)))
    }

    /// Whether a `date_lit` (`YYYY-MM-DD`, four digits, two, two) is here.
    fn at_date(&self) -> bool {
        self.b.get(self.pos..self.pos + 10).is_some_and(|b| {
            b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            })
        })
    }

    // ------------------------------------------------------------ types

    /// `type_ref`: `text(max 55)`, `person[1..10]`.
    fn type_ref(&mut self) -> Option<TypeRef> {
        let start = self.pos;
        let name = self.name()?;
        self.skip();
        let mut args = Vec::new();
        if self.peek() == Some(b'(') {
            self.pos += 1;
            self.skip();
            args = self.listed(b')', Self::type_arg)?;
            self.skip();
        }
        let cardinality = if self.peek() == Some(b'[') {
            self.pos += 1;
            self.skip();
            let range = self.range()?;
            self.skip();
            self.expect(b']')?;
            Some(range)
        } else {
            None
        };
        Some(TypeRef {
            name,
            args,
            cardinality,
            span: self.span(start, self.pos),
        })
    }

    fn type_arg(&mut self) -> Option<TypeArg> {
        let start = self.pos;
        let word = self.word();
        Some(match word {
            "min" | "max" => {
                self.kw(word)?;
                self.skip();
                let e = self.expr()?;
                let span = self.span(start, self.pos);
                if word == "min" {
                    TypeArg::Min(e, span)
                } else {
                    TypeArg::Max(e, span)
                }
            }
            "length" => {
                self.kw(word)?;
                self.skip();
                let range = self.range()?;
                TypeArg::Length(range, self.span(start, self.pos))
            }
            "pattern" => {
                self.kw(word)?;
                self.skip();
                let s = self.string()?;
                TypeArg::Pattern(s, self.span(start, self.pos))
            }
            // Rare: pest reads it.
            "message" if self.at_word("message") => return None,
            "scale" => {
                self.kw(word)?;
                self.skip();
                let n = self.count()?;
                TypeArg::Scale(n, self.span(start, self.pos))
            }
            _ => TypeArg::Name(self.name()?),
        })
    }

    /// `(item ~ ("," ~ item)*)? ~ ","? ~ close`, read after the opening
    /// bracket and the space behind it (`type_args` and `list`).
    fn listed<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut items = Vec::new();
        if self.peek() != Some(close) && self.peek() != Some(b',') {
            items.push(item(self)?);
            self.skip();
            while self.peek() == Some(b',') {
                self.pos += 1;
                self.skip();
                if self.peek() == Some(close) {
                    break;
                }
                items.push(item(self)?);
                self.skip();
            }
        } else if self.peek() == Some(b',') {
            self.pos += 1;
            self.skip();
        }
        self.expect(close)?;
        Some(items)
    }

    // ------------------------------------------------------------ expressions

    /// `expr = { prefix* ~ primary ~ (infix ~ prefix* ~ primary)* }`, then
    /// pest's Pratt parser over its tokens.
    fn expr(&mut self) -> Option<Expr> {
        let start = self.pos;
        match self.expr_start {
            Some(outer) if start - outer >= MAX_EXPR_BYTES => None,
            Some(_) => self.expr_inner(start),
            None => {
                self.expr_start = Some(start);
                let read = self.expr_inner(start);
                self.expr_start = None;
                read
            }
        }
    }

    fn expr_inner(&mut self, start: usize) -> Option<Expr> {
        let mut tokens = Vec::new();
        self.prefixes(&mut tokens);
        self.skip();
        tokens.push(Token::Primary(self.primary()?));
        self.skip();
        loop {
            let save = self.pos;
            let Some(op) = self.infix() else {
                self.pos = save;
                break;
            };
            tokens.push(op);
            self.skip();
            self.prefixes(&mut tokens);
            self.skip();
            tokens.push(Token::Primary(self.primary()?));
            let save = self.pos;
            self.skip();
            if self.infix_ahead() {
                continue;
            }
            self.pos = save;
            break;
        }
        if self.pos - start >= MAX_EXPR_BYTES {
            return None;
        }
        let mut tokens = tokens.into_iter().peekable();
        Some(pratt(&mut tokens, 0))
    }

    /// `prefix*`: `not` and `-`, each a token.
    fn prefixes(&mut self, tokens: &mut Vec<Token>) {
        let mut first = true;
        loop {
            let save = self.pos;
            if !first {
                self.skip();
            }
            let at = self.pos;
            let op = if self.at_word("not") {
                self.pos += 3;
                UnaryOp::Not
            } else if self.peek() == Some(b'-') {
                self.pos += 1;
                UnaryOp::Neg
            } else {
                self.pos = save;
                return;
            };
            first = false;
            let span = Span::new(self.file, self.offset + at..self.offset + self.pos);
            tokens.push(Token::Prefix(op, span));
        }
    }

    /// Whether an infix operator begins here (then `infix` reads it).
    fn infix_ahead(&mut self) -> bool {
        let save = self.pos;
        let found = self.infix().is_some();
        self.pos = save;
        found
    }

    /// `infix`, in the grammar's order; `==` is the builder's to report.
    fn infix(&mut self) -> Option<Token> {
        let (op, len, prec) = if self.at_word("or") {
            (BinaryOp::Or, 2, 10)
        } else if self.at_word("and") {
            (BinaryOp::And, 3, 20)
        } else if self.at("not") {
            let spaces = self.b[self.pos + 3..]
                .iter()
                .take_while(|c| matches!(c, b' ' | b'\t'))
                .count();
            let after = self.pos + 3 + spaces;
            let in_word = self.b[after..].starts_with(b"in")
                && !self.b.get(after + 2).is_some_and(|&c| is_ident_char(c));
            if spaces == 0 || !in_word {
                return None;
            }
            (BinaryOp::NotIn, 3 + spaces + 2, 40)
        } else if self.at_word("in") {
            (BinaryOp::In, 2, 40)
        } else {
            match self.b.get(self.pos..).unwrap_or_default() {
                [b'=', b'=', ..] => return None,
                [b'!', b'=', ..] => (BinaryOp::Ne, 2, 40),
                [b'<', b'=', ..] => (BinaryOp::Le, 2, 40),
                [b'>', b'=', ..] => (BinaryOp::Ge, 2, 40),
                [b'<', ..] => (BinaryOp::Lt, 1, 40),
                [b'>', ..] => (BinaryOp::Gt, 1, 40),
                [b'=', ..] => (BinaryOp::Eq, 1, 40),
                [b'+', ..] => (BinaryOp::Add, 1, 50),
                [b'-', ..] => (BinaryOp::Sub, 1, 50),
                [b'*', ..] => (BinaryOp::Mul, 1, 60),
                [b'/', ..] => (BinaryOp::Div, 1, 60),
                _ => return None,
            }
        };
        self.pos += len;
        Some(Token::Infix(op, prec))
    }

    /// `primary`, in the grammar's order of alternatives.
    fn primary(&mut self) -> Option<Expr> {
        let start = self.pos;
        let c = self.peek()?;
        let kind = match c {
            b'(' => {
                self.pos += 1;
                self.skip();
                let inner = self.expr()?;
                self.skip();
                self.expect(b')')?;
                return Some(Expr {
                    span: self.span(start, self.pos),
                    ..inner
                });
            }
            b'[' => {
                self.pos += 1;
                self.skip();
                ExprKind::List(self.listed(b']', Self::expr)?)
            }
            b'0'..=b'9' => self.numeric()?,
            b'"' => ExprKind::Str(self.string()?.value),
            _ => match self.word() {
                "if" => {
                    self.kw("if")?;
                    self.skip();
                    let c = self.expr()?;
                    self.skip();
                    self.kw("then")?;
                    self.skip();
                    let t = self.expr()?;
                    self.skip();
                    self.kw("else")?;
                    self.skip();
                    let e = self.expr()?;
                    ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
                }
                "yes" | "no" => {
                    let yes = self.word() == "yes";
                    self.pos += self.word().len();
                    ExprKind::Bool(yes)
                }
                "today" => {
                    self.pos += 5;
                    ExprKind::Today
                }
                _ => {
                    let name = self.name()?;
                    self.skip();
                    if self.peek() == Some(b'(') {
                        self.pos += 1;
                        self.skip();
                        let mut args = Vec::new();
                        if self.peek() != Some(b')') {
                            args.push(self.expr()?);
                            self.skip();
                            self.more(&mut args, Self::expr)?;
                            self.skip();
                        }
                        self.expect(b')')?;
                        ExprKind::Call(name, args)
                    } else {
                        let mut segments = vec![name];
                        self.dotted(&mut segments)?;
                        ExprKind::Path(Path {
                            segments,
                            span: self.span(start, self.pos),
                        })
                    }
                }
            },
        };
        Some(Expr {
            kind,
            span: self.span(start, self.pos),
        })
    }

    /// A primary that begins with a digit: money, duration, date, number
    /// (the grammar's order).
    fn numeric(&mut self) -> Option<ExprKind> {
        let start = self.pos;
        let whole = self.digits(start);
        let fraction = if self.b.get(start + whole) == Some(&b'.') {
            self.digits(start + whole + 1)
        } else {
            0
        };
        let number_end = start + whole + if fraction > 0 { 1 + fraction } else { 0 };
        // money_lit: number, whitespace, `EUR` or `€`, not a longer word.
        self.pos = number_end;
        self.whitespace();
        let currency = if self.at("EUR") {
            3
        } else if self.at("€") {
            "€".len()
        } else {
            0
        };
        if currency > 0
            && !self
                .b
                .get(self.pos + currency)
                .is_some_and(|&c| is_ident_char(c))
        {
            self.pos += currency;
            let number = &self.text[start..number_end];
            let (euros, cents) = number.split_once('.').unwrap_or((number, ""));
            if cents.len() > 2 {
                return None;
            }
            let cents: i64 = format!("{cents:0<2}")[..2].parse().unwrap_or(0);
            let euros: i64 = euros.parse().ok()?;
            return Some(ExprKind::Money(
                euros.saturating_mul(100).saturating_add(cents),
            ));
        }
        // duration: an integer, whitespace, a unit.
        self.pos = start;
        if let Some(d) = self.duration() {
            return Some(ExprKind::Duration(d));
        }
        // date_lit (a day of the calendar: another is the builder's to
        // report), then number (decimal, then integer).
        self.pos = start;
        if self.at_date() {
            let date = &self.text[start..start + 10];
            amt_model::date::Date::parse(date)?;
            self.pos += 10;
            return Some(ExprKind::Date(date.to_string()));
        }
        if fraction > 0 {
            self.pos = number_end;
            return Some(ExprKind::Decimal(self.text[start..number_end].to_string()));
        }
        Some(ExprKind::Integer(self.integer()?))
    }
}

/// pest's Pratt parser (`PrattParserMap::expr`) over the tokens of one
/// expression: the same binding powers, the same spans as the builder's.
fn pratt(tokens: &mut std::iter::Peekable<std::vec::IntoIter<Token>>, rbp: u32) -> Expr {
    let mut lhs = match tokens.next() {
        Some(Token::Prefix(op, span)) => {
            let prec = if op == UnaryOp::Not { NOT } else { NEG };
            let rhs = pratt(tokens, prec - 1);
            Expr {
                span: span.to(rhs.span),
                kind: ExprKind::Unary(op, Box::new(rhs)),
            }
        }
        Some(Token::Primary(e)) => e,
        // The grammar puts a primary after every operator.
        Some(Token::Infix(..)) | None => unreachable!("an expression's tokens alternate"),
    };
    while let Some(&Token::Infix(_, prec)) = tokens.peek() {
        if prec <= rbp {
            break;
        }
        let Some(Token::Infix(op, prec)) = tokens.next() else {
            unreachable!("peeked")
        };
        let rhs = pratt(tokens, prec);
        let span = lhs.span.to(rhs.span);
        lhs = Expr {
            kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
            span,
        };
    }
    lhs
}
