//! Patterns (regular expressions) that mean the same everywhere amt sends
//! them: the browser's `pattern` attribute (ECMAScript with the `v` flag),
//! JSON Schema validators (ECMA-262, in practice with the `u` flag) and Rust's
//! `regex` (amt's own validator). A pattern is parsed with Rust's grammar
//! (`regex-syntax`), then every construct whose meaning or validity differs
//! between the three is reported with a portable replacement.
//!
//! Patterns always match the whole value; emitters anchor them.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::Str;
use regex_syntax::ast::{self as rx, Ast, ClassSetItem, Visitor};

/// Characters that ECMAScript allows escaped outside a class in `u`/`v` mode.
const SYNTAX_CHARS: &str = "^$\\.*+?()[]{}|/";
/// Characters a `v`-mode class rejects unescaped.
const V_CLASS_RESERVED: &str = "()[]{}/-|";

struct Finding {
    span: rx::Span,
    message: String,
    help: String,
}

struct Portability<'r> {
    findings: Vec<Finding>,
    class_depth: usize,
    /// The pattern's text, for spans the AST does not describe in detail.
    raw: &'r str,
}

impl Portability<'_> {
    fn flag(&mut self, span: rx::Span, message: impl Into<String>, help: impl Into<String>) {
        self.findings.push(Finding {
            span,
            message: message.into(),
            help: help.into(),
        });
    }

    fn literal(&mut self, lit: &rx::Literal, in_class: bool) {
        use rx::LiteralKind::*;
        match &lit.kind {
            Meta | Superfluous => {
                let allowed = SYNTAX_CHARS.contains(lit.c) || (in_class && lit.c == '-');
                if !allowed {
                    self.flag(
                        lit.span,
                        format!("the escape `\\{}` is an error in JavaScript's Unicode mode", lit.c),
                        format!("write `{}` without the backslash", lit.c),
                    );
                }
            }
            HexBrace(_) | HexFixed(rx::HexLiteralKind::UnicodeLong) => self.flag(
                lit.span,
                "this form of character escape exists only in Rust",
                "write the character itself, or `\\uXXXX` for a character in the Basic Multilingual Plane",
            ),
            Octal => self.flag(lit.span, "octal escapes differ between engines", "write the character itself"),
            Special(rx::SpecialLiteralKind::Bell | rx::SpecialLiteralKind::Space) => self.flag(
                lit.span,
                "this escape exists only in Rust",
                "write the character itself",
            ),
            Verbatim if !in_class && (lit.c == ']' || lit.c == '}') => self.flag(
                lit.span,
                format!("a bare `{}` is a syntax error in JavaScript's Unicode mode", lit.c),
                format!("escape it: `\\{}`", lit.c),
            ),
            Verbatim if in_class && V_CLASS_RESERVED.contains(lit.c) => self.flag(
                lit.span,
                format!("a bare `{}` inside `[…]` is a syntax error in browsers (the `v` flag of the `pattern` attribute)", lit.c),
                format!("escape it: `\\{}`", lit.c),
            ),
            _ => {}
        }
    }
}

impl Visitor for &mut Portability<'_> {
    type Output = ();
    type Err = ();

    fn finish(self) -> Result<(), ()> {
        Ok(())
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
        match ast {
            Ast::Flags(f) => self.flag(
                f.span,
                "inline flags such as `(?i)` do not exist in JavaScript",
                "spell out both cases instead, e.g. `[Aa]`",
            ),
            Ast::Group(g) => match &g.kind {
                rx::GroupKind::NonCapturing(flags) if !flags.items.is_empty() => self.flag(
                    g.span,
                    "groups with flags such as `(?i:…)` do not exist in JavaScript",
                    "spell out both cases instead, e.g. `[Aa]`",
                ),
                rx::GroupKind::CaptureName { starts_with_p: true, .. } => self.flag(
                    g.span,
                    "`(?P<name>…)` is Rust's syntax for a named group; JavaScript does not know it",
                    "use a plain group `(…)`",
                ),
                _ => {}
            },
            Ast::Assertion(a) => match a.kind {
                rx::AssertionKind::StartLine | rx::AssertionKind::EndLine => {}
                rx::AssertionKind::WordBoundary | rx::AssertionKind::NotWordBoundary => self.flag(
                    a.span,
                    "`\\b` and `\\B` know Unicode letters in Rust but only a–z, A–Z, 0–9 and _ in JavaScript",
                    "patterns match the whole value; a word boundary is rarely needed",
                ),
                _ => self.flag(
                    a.span,
                    "this assertion exists only in Rust",
                    "patterns match the whole value; use `^` and `$` or nothing",
                ),
            },
            Ast::ClassPerl(c) => {
                let (what, instead) = match c.kind {
                    rx::ClassPerlKind::Digit => ("`\\d` matches every Unicode digit in Rust but only 0–9 in JavaScript", "[0-9]"),
                    rx::ClassPerlKind::Word => ("`\\w` matches Unicode letters in Rust but only a–z, A–Z, 0–9 and _ in JavaScript", "[A-Za-z0-9_]"),
                    rx::ClassPerlKind::Space => ("`\\s` matches different spaces in Rust and JavaScript", "[ \\t]"),
                };
                self.flag(c.span, what, format!("write `{instead}`"));
            }
            Ast::ClassUnicode(c) => {
                let portable = match &c.kind {
                    // `\pL` is Rust's short form; JavaScript needs `\p{L}`.
                    rx::ClassUnicodeKind::OneLetter(_) => false,
                    rx::ClassUnicodeKind::Named(n) => is_general_category(n),
                    rx::ClassUnicodeKind::NamedValue { .. } => false,
                };
                if !portable {
                    self.flag(
                        c.span,
                        "this Unicode class is written differently in JavaScript",
                        "use a general category such as `\\p{L}` (letters) or `\\p{Lu}` (upper-case letters)",
                    );
                }
            }
            Ast::Literal(lit) => self.literal(lit, false),
            Ast::Repetition(r) => {
                if matches!(*r.ast, Ast::Repetition(_)) {
                    self.flag(
                        r.span,
                        "JavaScript does not repeat a repetition (`x{1}{2}`, `a+*`)",
                        "put the inner part in a group: `(x{1}){2}`",
                    );
                }
                if let rx::RepetitionKind::Range(_) = r.op.kind
                    && self.raw.get(r.op.span.start.offset..r.op.span.end.offset).is_some_and(|t| t.contains(char::is_whitespace))
                {
                    self.flag(
                        r.op.span,
                        "spaces inside `{…}` are an error in JavaScript's Unicode mode",
                        "write the counts without spaces, e.g. `{1,2}`",
                    );
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), ()> {
        match item {
            ClassSetItem::Literal(lit) => self.literal(lit, true),
            ClassSetItem::Range(r) => {
                self.literal(&r.start, true);
                self.literal(&r.end, true);
            }
            ClassSetItem::Ascii(a) => self.flag(
                a.span,
                "`[:alpha:]`-style classes exist only in Rust",
                "write the characters out, e.g. `A-Za-z`",
            ),
            ClassSetItem::Bracketed(b) => {
                // Only classes nested in a class reach this visitor.
                self.class_depth += 1;
                self.flag(
                    b.span,
                    "a class inside a class means different things in Rust and JavaScript",
                    "merge the inner class into the outer one",
                );
            }
            ClassSetItem::Perl(c) => {
                let what = match c.kind {
                    rx::ClassPerlKind::Digit => {
                        "`\\d` matches every Unicode digit in Rust but only 0–9 in JavaScript; write `0-9`"
                    }
                    rx::ClassPerlKind::Word => {
                        "`\\w` differs between Rust and JavaScript; write `A-Za-z0-9_`"
                    }
                    rx::ClassPerlKind::Space => {
                        "`\\s` differs between Rust and JavaScript; write the spaces you mean"
                    }
                };
                self.flag(c.span, what, "spell the characters out");
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_class_set_item_post(&mut self, item: &ClassSetItem) -> Result<(), ()> {
        if let ClassSetItem::Bracketed(_) = item {
            self.class_depth = self.class_depth.saturating_sub(1);
        }
        Ok(())
    }

    fn visit_class_set_binary_op_pre(&mut self, op: &rx::ClassSetBinaryOp) -> Result<(), ()> {
        self.flag(
            op.span,
            "class operations such as `&&` and `--` are written differently in each engine",
            "list the characters you mean in one class",
        );
        Ok(())
    }
}

fn is_general_category(name: &str) -> bool {
    matches!(
        name,
        "L" | "Lu"
            | "Ll"
            | "Lt"
            | "Lm"
            | "Lo"
            | "M"
            | "Mn"
            | "Mc"
            | "Me"
            | "N"
            | "Nd"
            | "Nl"
            | "No"
            | "P"
            | "Pc"
            | "Pd"
            | "Ps"
            | "Pe"
            | "Pi"
            | "Pf"
            | "Po"
            | "S"
            | "Sm"
            | "Sc"
            | "Sk"
            | "So"
            | "Z"
            | "Zs"
            | "Zl"
            | "Zp"
    )
}

/// Maps a byte range of the pattern's value to the source, exactly when the
/// string has no escapes, else to the whole string.
fn source_span(pattern: &Str, raw: &str, span: &rx::Span) -> Span {
    if raw.len() == pattern.value.len() {
        let start = pattern.span.start + 1 + span.start.offset as u32;
        let end = (pattern.span.start + 1 + span.end.offset as u32).max(start + 1);
        Span {
            start,
            end: end.min(pattern.span.end - 1).max(start),
            ..pattern.span
        }
    } else {
        pattern.span
    }
}

/// Checks one pattern, reporting it invalid (E0301), non-portable (E0302) or
/// slow in backtracking engines (E0303).
/// `raw` is the pattern as written between the quotes.
pub fn check(pattern: &Str, diags: &mut Vec<Diagnostic>) {
    let raw_len = (pattern.span.end - pattern.span.start).saturating_sub(2) as usize;
    let raw = &pattern.value;
    let raw_view: String = if raw_len == raw.len() {
        raw.clone()
    } else {
        String::new()
    };
    let parsed = rx::parse::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(raw);
    let ast = match parsed {
        Ok(ast) => ast,
        Err(e) => {
            let span = source_span(pattern, &raw_view, e.span());
            diags.push(
                Diagnostic::new(Code::InvalidPattern, span, format!("this pattern is not a valid regular expression: {}", e.kind()))
                    .label("here")
                    .help("check the brackets and escapes; a literal `.`, `(` or `+` is written `\\.`, `\\(`, `\\+`"),
            );
            return;
        }
    };
    // Rust-only errors the AST parser leaves to translation (e.g. invalid
    // ranges like `[z-a]`, backreferences are already rejected above).
    if let Err(e) = regex_syntax::ast::parse::Parser::new()
        .parse(raw)
        .map_err(|e| e.to_string())
        .and_then(|a| {
            regex_syntax::hir::translate::Translator::new()
                .translate(raw, &a)
                .map_err(|e| e.to_string())
        })
    {
        diags.push(
            Diagnostic::new(
                Code::InvalidPattern,
                pattern.span,
                format!("this pattern is not a valid regular expression: {e}"),
            )
            .label("invalid pattern")
            .help("check ranges such as `a-z` (the smaller character first) and escapes"),
        );
        return;
    }
    let mut visitor = Portability {
        findings: Vec::new(),
        class_depth: 0,
        raw,
    };
    let _ = rx::visit(&ast, &mut visitor);
    if let Some(slow) = super::backtracking::find(raw, &ast) {
        let span = source_span(pattern, &raw_view, &slow.span);
        let (message, help) = match slow.shape {
            super::backtracking::Shape::NestedQuantifiers => (
                "this repetition holds a part of variable length: a backtracking engine tries every way to divide the text among its turns",
                "repeat each character class once, e.g. `[a-z]+` instead of `([a-z]+)+`, or begin each turn with a character the repeated part cannot match, e.g. `[a-z]+(-[a-z]+)*`",
            ),
            super::backtracking::Shape::OverlappingAlternatives => (
                "the alternatives under this repetition can begin with the same character: a backtracking engine tries every way to match them",
                "make the alternatives begin differently, or merge them into one character class, e.g. `[a-z0-9]+` instead of `([a-z]|[a-z0-9])+`",
            ),
        };
        diags.push(
            Diagnostic::new(Code::SlowPattern, span, message)
                .label("can take exponential time")
                .note("amt's validator is linear, but the browser's `pattern` attribute, the form's script and the JSON Schema validators of portals backtrack: a text of a few dozen characters can hang them")
                .help(help),
        );
    }
    for f in visitor.findings {
        let span = source_span(pattern, &raw_view, &f.span);
        diags.push(
            Diagnostic::new(Code::NonPortablePattern, span, f.message)
                .label("not portable")
                .note("patterns run in the browser, in JSON Schema validators and in amt's validator, and must mean the same in all three")
                .help(f.help),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_format_is_a_portable_pattern() {
        use amt_model::formats::*;
        for p in [POSTCODE, EMAIL, PHONE, IBAN, TIME, DATETIME] {
            let mut diags = Vec::new();
            let s = crate::syntax::ast::Str {
                value: p.to_string(),
                span: crate::source::Span::new(crate::source::FileId(0), 0..p.len() + 2),
            };
            check(&s, &mut diags);
            assert!(diags.is_empty(), "{p}: {diags:?}");
        }
    }

    use super::*;
    use crate::source::FileId;

    fn codes(p: &str) -> Vec<Code> {
        let s = Str {
            value: p.to_string(),
            span: Span::new(FileId(0), 0..p.len() + 2),
        };
        let mut d = Vec::new();
        check(&s, &mut d);
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn portable_patterns_pass() {
        for p in [
            "[0-9]{5}",
            "[A-HJ-NPR-Z0-9]{17}",
            "DE[0-9]{20}",
            "[A-Z]{1,3}-[A-Z]{1,2}",
            "\\p{L}+",
            "[a-z\\-]+",
            "(ab|cd)?x",
        ] {
            assert!(codes(p).is_empty(), "{p}: {:?}", codes(p));
        }
    }

    #[test]
    fn non_portable_patterns_are_found() {
        for p in [
            "\\d{5}",
            "(?i)abc",
            "[a-z-]",
            "\\bx",
            "(?P<n>a)",
            "[[:alpha:]]",
            "[(]",
            "a\\ b",
            "x\\-y",
        ] {
            assert_eq!(codes(p), vec![Code::NonPortablePattern], "{p}");
        }
    }

    #[test]
    fn invalid_patterns_are_found() {
        for p in ["[0-9", "a{2,1}", "(a", "[z-a]", "(?=a)"] {
            assert_eq!(codes(p), vec![Code::InvalidPattern], "{p}");
        }
    }
}
