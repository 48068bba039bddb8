//! pest pairs → syntax tree. pest's types stay inside `syntax/`: this module
//! and the formatter ([`super::format`]), which reads pest's tree, name them.
//!
//! One small function per grammar rule; children are read positionally, which
//! the grammar guarantees. Errors from pest are turned into sentences an author
//! understands ([`errors`]).

mod errors;
mod fast;

use super::ast::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "../../../grammar/amt.pest"]
struct AmtParser;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_eq_double, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

/// Turns one top-level declaration's text into an [`Item`]. `offset` is the
/// declaration's byte position in the file, added to every span.
pub fn parse_item(
    file: FileId,
    text: &str,
    offset: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Item> {
    fast::parse_item(file, text, offset)
        .or_else(|| parse_with_pest(file, text, offset, diagnostics))
}

/// Whether the hand-written reader ([`fast`]) reads the declaration `text`
/// as pest does: `Ok(true)` when it read it (to the same tree, without a
/// diagnostic from pest), `Ok(false)` when it left it to pest.
pub fn fast_reader_agrees(text: &str) -> Result<bool, String> {
    let file = FileId(0);
    let Some(fast) = fast::parse_item(file, text, 0) else {
        return Ok(false);
    };
    let mut diagnostics = Vec::new();
    let pest = parse_with_pest(file, text, 0, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(format!(
            "the fast reader read what pest reports: {}",
            diagnostics[0].message
        ));
    }
    let fast = Some(fast);
    if format!("{fast:?}") == format!("{pest:?}") {
        return Ok(true);
    }
    let (f, p) = (format!("{fast:#?}"), format!("{pest:#?}"));
    let (f, p): (Vec<&str>, Vec<&str>) = (f.lines().collect(), p.lines().collect());
    let at = f
        .iter()
        .zip(&p)
        .position(|(a, b)| a != b)
        .unwrap_or(f.len().min(p.len()));
    let around = |lines: &[&str]| lines[at.saturating_sub(8)..(at + 3).min(lines.len())].join("\n");
    Err(format!(
        "the trees differ at line {at}:\n--- fast\n{}\n--- pest\n{}",
        around(&f),
        around(&p)
    ))
}

/// Reads one declaration with pest, which reports every syntax error.
fn parse_with_pest(
    file: FileId,
    text: &str,
    offset: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Item> {
    match AmtParser::parse(Rule::item, text) {
        Ok(mut pairs) => build_item(file, offset, pairs.next()?, diagnostics),
        Err(error) => {
            let at = errors::position(&error);
            diagnostics.push(errors::syntax_error(file, text, offset, error));
            recover(file, text, offset, at, diagnostics)
        }
    }
}

/// The tree of a declaration pest read; `None` when a part of it was
/// refused (reported).
fn build_item(
    file: FileId,
    offset: usize,
    pair: Pair<Rule>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Item> {
    let mut b = Builder {
        file,
        offset,
        diagnostics,
        rejected: false,
    };
    let item = b.item(pair);
    (!b.rejected).then_some(item)
}

/// The most statements one declaration may lose to recovery before it is
/// given up, and the largest declaration read again so: each try reads it
/// whole, so a hostile file costs at most 17 readings of a megabyte per
/// declaration.
const MAX_RECOVERIES: usize = 16;
const MAX_RECOVERY_BYTES: usize = 1 << 20;

/// Reads a declaration that has a syntax error at byte `at` as well as it
/// can: the statement around the error (with its block) is blanked out
/// (spaces, so every other position stays where it is) and the rest read
/// again, so one slip inside a group or a procedure does not hide the whole
/// declaration and give a cascade of follow-up errors. Each further syntax
/// error is reported and blanked in turn. The declaration read so is
/// checked like any other, though the build fails on the error anyway.
fn recover(
    file: FileId,
    text: &str,
    offset: usize,
    mut at: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Item> {
    if text.len() > MAX_RECOVERY_BYTES {
        return None;
    }
    let mut text = text.to_string();
    let mut blanked = Vec::new();
    for _ in 0..MAX_RECOVERIES {
        let range = errors::statement_around(&text, at)?;
        if blanked.contains(&range) {
            return None;
        }
        // The range starts and ends at ASCII bytes (a line's first word, a
        // line end, a brace) and every byte in it becomes a space: the text
        // stays UTF-8.
        let mut bytes = std::mem::take(&mut text).into_bytes();
        for b in &mut bytes[range.clone()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        text = String::from_utf8(bytes).ok()?;
        blanked.push(range);
        match AmtParser::parse(Rule::item, &text) {
            Ok(mut pairs) => return build_item(file, offset, pairs.next()?, diagnostics),
            Err(error) => {
                // The same place again (a block never closed): leaving out
                // more would only repeat the error.
                let next = errors::position(&error);
                if next == at {
                    return None;
                }
                at = next;
                diagnostics.push(errors::syntax_error(file, &text, offset, error));
            }
        }
    }
    None
}

/// The most tokens one expression may have (a long fee table has a few
/// hundred).
pub const MAX_EXPR_TOKENS: usize = 5_000;

struct Builder<'d> {
    file: FileId,
    offset: usize,
    diagnostics: &'d mut Vec<Diagnostic>,
    /// Set when a part of the declaration was refused; it is then dropped.
    rejected: bool,
}

impl Builder<'_> {
    /// The pair's place, without the whitespace and comments pest keeps at
    /// the end of rules that end in an optional part.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let len = trimmed_len(s.as_str());
        Span::new(
            self.file,
            s.start() + self.offset..s.start() + len + self.offset,
        )
    }

    fn item(&mut self, pair: Pair<Rule>) -> Item {
        match pair.as_rule() {
            Rule::import => Item::Import(self.import(pair)),
            Rule::codelist => Item::Codelist(self.codelist(pair)),
            Rule::type_decl => Item::Type(self.type_decl(pair)),
            Rule::group => Item::Group(self.decl(pair)),
            Rule::procedure => Item::Procedure(self.decl(pair)),
            Rule::municipality => Item::Municipality(self.municipality(pair)),
            Rule::stray => {
                let inner = first(pair);
                Item::Stray(self.stmt(inner))
            }
            other => unreachable!("grammar: `item` cannot produce {other:?}"),
        }
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            span: self.span(&pair),
            name: pair.as_str().to_string(),
        }
    }

    fn str(&self, pair: Pair<Rule>) -> Str {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::string => {
                let body = first(pair).as_str();
                Str {
                    value: unescape(body),
                    span,
                }
            }
            _ => Str {
                value: pair.as_str().to_string(),
                span,
            },
        }
    }

    fn text(&self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let source = self.str(inner.next().expect("grammar: text starts with a string"));
        let translations = inner
            .map(|t| {
                let mut parts = children(t);
                let lang = self.ident(parts.next().expect("grammar: translation has a language"));
                let text = self.str(parts.next().expect("grammar: translation has a string"));
                (lang, text)
            })
            .collect();
        Text {
            source,
            translations,
            span,
        }
    }

    fn import(&mut self, pair: Pair<Rule>) -> Import {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let path = self.str(inner.next().expect("grammar: import has a path"));
        let names = inner.map(|n| self.ident(first(n))).collect();
        Import { path, names, span }
    }

    fn codelist(&mut self, pair: Pair<Rule>) -> Codelist {
        let span = self.span(&pair);
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: codelist has a name"));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|p| self.text(p));
        let source = inner
            .next_if(|p| p.as_rule() == Rule::codelist_from)
            .map(|p| {
                let mut parts = children(p);
                let urn = self.str(parts.next().expect("grammar: from has a URN"));
                let version = parts.next().map(|v| self.str(v));
                (urn, version)
            });
        let mut columns = Vec::new();
        while let Some(column) = inner.next_if(|p| p.as_rule() == Rule::code_column) {
            let span = self.span(&column);
            let mut parts = children(column);
            let name = self.ident(parts.next().expect("grammar: column has a name"));
            let ty = self.type_ref(parts.next().expect("grammar: column has a type"));
            let label = parts.next().map(|p| self.text(p));
            columns.push(CodeColumn {
                name,
                ty,
                label,
                span,
            });
        }
        let entries = inner
            .map(|entry| {
                let span = self.span(&entry);
                let mut parts = children(entry).peekable();
                let code = self.str(parts.next().expect("grammar: entry has a code"));
                let label = parts
                    .next_if(|p| p.as_rule() == Rule::text)
                    .map(|p| self.text(p));
                let cells = parts
                    .next()
                    .map(|cells| {
                        children(cells)
                            .map(|cell| {
                                let mut cell = children(cell);
                                let name =
                                    self.ident(cell.next().expect("grammar: cell has a name"));
                                let value =
                                    self.expr(cell.next().expect("grammar: cell has a value"));
                                (name, value)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                CodeEntry {
                    code,
                    label,
                    cells,
                    span,
                }
            })
            .collect();
        Codelist {
            name,
            label,
            source,
            columns,
            entries,
            span,
        }
    }

    fn type_decl(&mut self, pair: Pair<Rule>) -> TypeDecl {
        let span = self.span(&pair);
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: type has a name"));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|p| self.text(p));
        let base = self.type_ref(inner.next().expect("grammar: type has a base"));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        TypeDecl {
            name,
            label,
            base,
            body,
            span,
        }
    }

    /// procedure, page, group, field, attachment: name, optional type,
    /// optional label, optional block.
    fn decl(&mut self, pair: Pair<Rule>) -> Decl {
        let span = self.span(&pair);
        let keyword = Span {
            end: span.start + keyword_len(pair.as_str()),
            ..span
        };
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: declaration has a name"));
        let type_ref = inner
            .next_if(|p| p.as_rule() == Rule::type_ref)
            .map(|p| self.type_ref(p));
        let repeat = inner
            .next_if(|p| p.as_rule() == Rule::cardinality)
            .map(|p| self.range(first(p)));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|p| self.text(p));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        Decl {
            name,
            type_ref,
            repeat,
            label,
            body,
            keyword,
            span,
        }
    }

    fn block(&mut self, pair: Pair<Rule>) -> Vec<Stmt> {
        children(pair).map(|p| self.stmt(p)).collect()
    }

    fn computed(&mut self, pair: Pair<Rule>) -> Computed {
        let span = self.span(&pair);
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: computed has a name"));
        let ty = inner
            .next_if(|p| p.as_rule() == Rule::type_ref)
            .map(|p| self.type_ref(p));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|p| self.text(p));
        let value = self.expr(inner.next().expect("grammar: computed has a value"));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        Computed {
            name,
            ty,
            label,
            value,
            body,
            span,
        }
    }

    /// A statement of a block: each kind is read by its own function below.
    fn stmt(&mut self, pair: Pair<Rule>) -> Stmt {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::field => Stmt::Field(self.decl(pair)),
            Rule::group => Stmt::Group(self.decl(pair)),
            Rule::page => Stmt::Page(self.decl(pair)),
            Rule::attachment => Stmt::Attachment(self.decl(pair)),
            Rule::computed => Stmt::Computed(self.computed(pair)),
            Rule::fee => Stmt::Fee(self.computed(pair)),
            Rule::deadline => Stmt::Deadline(self.deadline(pair, span)),
            Rule::note => Stmt::Note(self.note(pair, span)),
            Rule::rule_stmt | Rule::warn => self.rule(pair, span),
            Rule::when => Stmt::When(self.expr(first(pair)), span),
            Rule::required => Stmt::Required(span),
            Rule::hint => Stmt::Hint(self.text(first(pair)), span),
            Rule::legal => self.legal(pair, span),
            Rule::fim => self.fim(pair, span),
            Rule::autocomplete => Stmt::Autocomplete(self.ident(first(pair)), span),
            Rule::prefill => self.prefill(pair, span),
            Rule::personal => Stmt::Personal(children(pair).next().map(|c| self.ident(c)), span),
            Rule::version => Stmt::Version(self.str(first(pair)), span),
            Rule::leika => Stmt::Leika(self.str(first(pair)), span),
            Rule::identity => self.identity(pair, span),
            Rule::languages => {
                Stmt::Languages(children(pair).map(|l| self.ident(l)).collect(), span)
            }
            Rule::description => Stmt::Description(self.text(first(pair)), span),
            Rule::authority => self.authority(pair, span),
            Rule::privacy => Stmt::Privacy(self.block(first(pair)), span),
            Rule::purpose => Stmt::Purpose(self.text(first(pair)), span),
            Rule::basis => Stmt::Basis(self.str(first(pair)), span),
            Rule::retention => Stmt::Retention(self.retention(first(pair)), span),
            Rule::types => Stmt::Types(children(pair).map(|t| self.ident(t)).collect(), span),
            Rule::max_size => Stmt::MaxSize(self.size(first(pair)), span),
            Rule::count => Stmt::Count(self.range(first(pair)), span),
            Rule::workflow => Stmt::Workflow(self.block(first(pair)), span),
            Rule::wf_actor => self.actor(pair, span),
            Rule::wf_document => self.document(pair, span),
            Rule::wf_state => Stmt::State(self.state(pair, span)),
            Rule::wf_by => Stmt::By(self.ident(first(pair)), span),
            Rule::wf_decide => self.decide(pair, span),
            Rule::wf_goto => Stmt::Goto(self.goto(pair, span)),
            Rule::wf_outcome => Stmt::Outcome(self.ident(first(pair)), span),
            Rule::wf_amount => Stmt::Amount(self.expr(first(pair)), span),
            Rule::example => Stmt::Example(self.example(pair, span)),
            Rule::parameter => Stmt::Parameter(self.parameter(pair, span)),
            Rule::kind => Stmt::Kind(self.ident(first(pair)), span),
            Rule::offers => self.offers(pair, span),
            Rule::set_value => self.set_value(pair, span),
            Rule::validity => self.validity(pair, span),
            Rule::property | Rule::named_property => self.property(pair, span),
            Rule::reply => Stmt::Reply(children(pair).map(|n| self.ident(n)).collect(), span),
            Rule::theme => Stmt::Theme(self.block(first(pair)), span),
            Rule::extension => {
                let mut inner = children(pair);
                let name = self.ident(inner.next().expect("grammar: an extension has a name"));
                let label = inner.next().map(|l| self.text(l));
                Stmt::Extension { name, label, span }
            }
            Rule::extend => {
                let mut inner = children(pair);
                let procedure =
                    self.ident(inner.next().expect("grammar: `extend` names a procedure"));
                let point = self.ident(inner.next().expect("grammar: `extend` names a point"));
                let body = self.block(inner.next().expect("grammar: `extend` has a block"));
                Stmt::Extend {
                    procedure,
                    point,
                    body,
                    span,
                }
            }
            Rule::doc_part => {
                let mut inner = children(pair);
                let kind = match inner.next().expect("grammar: a part kind").as_str() {
                    "tenor" => PartKind::Tenor,
                    "reasons" => PartKind::Reasons,
                    _ => PartKind::Recipient,
                };
                let text = self.text(inner.next().expect("grammar: a part has a text"));
                let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
                Stmt::Part {
                    kind,
                    text,
                    body,
                    span,
                }
            }
            Rule::doc_conditions => {
                Stmt::Conditions(children(pair).map(|n| self.ident(n)).collect(), span)
            }
            Rule::doc_fees => Stmt::Fees(span),
            Rule::doc_remedy => {
                let mut inner = children(pair);
                let kind = self.ident(inner.next().expect("grammar: `remedy` names its kind"));
                let why = inner.next().map(|t| self.text(t));
                Stmt::Remedy { kind, why, span }
            }
            other => unreachable!("grammar: `member` cannot produce {other:?}"),
        }
    }

    /// `deadline NAME "Label" 2 weeks after PATH { … }`
    fn deadline(&mut self, pair: Pair<Rule>, span: Span) -> Deadline {
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: deadline has a name"));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|p| self.text(p));
        let duration = self.duration(inner.next().expect("grammar: deadline has a duration"));
        let after = inner
            .next_if(|p| p.as_rule() == Rule::path)
            .map(|p| self.path(p));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        Deadline {
            name,
            label,
            duration,
            after,
            body,
            span,
        }
    }

    /// `note NAME "Text" { … }`, the name optional.
    fn note(&mut self, pair: Pair<Rule>, span: Span) -> Note {
        let mut inner = children(pair).peekable();
        let name = inner
            .next_if(|p| p.as_rule() == Rule::name)
            .map(|p| self.ident(p));
        let text = self.text(inner.next().expect("grammar: note has a text"));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        Note {
            name,
            text,
            body,
            span,
        }
    }

    /// `rule CONDITION "Message"` or `warn CONDITION "Message"`.
    fn rule(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let warning = pair.as_rule() == Rule::warn;
        let mut inner = children(pair);
        let condition = self.expr(inner.next().expect("grammar: rule has a condition"));
        let message = inner.next().map(|p| self.text(p));
        Stmt::Rule {
            warning,
            condition,
            message,
            span,
        }
    }

    /// `legal "§ 1 Gesetz" <https://…>`, the link optional.
    fn legal(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair);
        let citation = self.str(inner.next().expect("grammar: legal has a citation"));
        let url = inner.next().map(|u| self.str(first(u)));
        Stmt::Legal {
            citation,
            url,
            span,
        }
    }

    /// `fim ID version VERSION`, the version optional.
    fn fim(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair);
        let id = self.str(inner.next().expect("grammar: fim has an id"));
        let version = inner.next().map(|v| self.str(v));
        Stmt::Fim(id, version, span)
    }

    /// `prefill ATTRIBUTE locked|editable`, the mode optional.
    fn prefill(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair);
        let attribute = self.ident(inner.next().expect("grammar: prefill has an attribute"));
        let locked = inner.next().map(|m| m.as_str().starts_with("locked"));
        Stmt::Prefill {
            attribute,
            locked,
            span,
        }
    }

    /// `identity LEVEL via MEANS, …`, the means optional.
    fn identity(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair);
        let level = self.ident(inner.next().expect("grammar: identity has a level"));
        let means = inner.map(|m| self.ident(m)).collect();
        Stmt::Identity { level, means, span }
    }

    /// `authority NAME "Label" { … }`, the label and the block optional.
    fn authority(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: authority has a name"));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|l| self.text(l));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        Stmt::Authority {
            name,
            label,
            body,
            span,
        }
    }

    /// `municipality "ARS" "Name" { … }`
    fn municipality(&mut self, pair: Pair<Rule>) -> Municipality {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let ars = self.str(inner.next().expect("grammar: a municipality has a key"));
        let name = self.text(inner.next().expect("grammar: a municipality has a name"));
        let body = self.block(inner.next().expect("grammar: a municipality has a block"));
        Municipality {
            ars,
            name,
            body,
            span,
        }
    }

    /// `parameter NAME: TYPE "Label" = DEFAULT { … }`
    fn parameter(&mut self, pair: Pair<Rule>, span: Span) -> Parameter {
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: a parameter has a name"));
        let ty = self.type_ref(inner.next().expect("grammar: a parameter has a type"));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|p| self.text(p));
        let default = inner
            .next_if(|p| p.as_rule() == Rule::param_default)
            .map(|p| self.expr(first(p)));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        Parameter {
            name,
            ty,
            label,
            default,
            body,
            span,
        }
    }

    /// `offers PROCEDURE, … by AUTHORITY`
    fn offers(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut names: Vec<Ident> = children(pair).map(|p| self.ident(p)).collect();
        let by = names
            .pop()
            .expect("grammar: `offers` ends with an authority");
        Stmt::Offers {
            procedures: names,
            by,
            span,
        }
    }

    /// `set PROCEDURE.PARAMETER = VALUE { … }`
    fn set_value(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair);
        let procedure = self.ident(inner.next().expect("grammar: `set` names a procedure"));
        let parameter = self.ident(inner.next().expect("grammar: `set` names a parameter"));
        let value = self.expr(inner.next().expect("grammar: `set` has a value"));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        Stmt::Set {
            procedure,
            parameter,
            value,
            body,
            span,
        }
    }

    /// `from DATE` or `until DATE`.
    fn validity(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let until = pair.as_str().starts_with("until");
        let date = children(pair)
            .last()
            .expect("grammar: a validity has a date");
        Stmt::Validity {
            until,
            date: self.str(date),
            span,
        }
    }

    /// `address "…"` or `link imprint <…>`: a keyword, a name where it
    /// takes one, and a text or a link.
    fn property(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = pair.into_inner().peekable();
        let key = self.ident(inner.next().expect("grammar: a property has a keyword"));
        let name = inner
            .next_if(|p| p.as_rule() == Rule::name)
            .map(|p| self.ident(p));
        let value = inner.next().expect("grammar: a property has a value");
        let (value, url) = match value.as_rule() {
            Rule::text => (self.text(value), false),
            Rule::url => {
                let s = self.str(first(value));
                let span = s.span;
                (
                    Text {
                        source: s,
                        translations: Vec::new(),
                        span,
                    },
                    true,
                )
            }
            _ => {
                let s = self.str(value);
                let span = s.span;
                (
                    Text {
                        source: s,
                        translations: Vec::new(),
                        span,
                    },
                    false,
                )
            }
        };
        Stmt::Property {
            key,
            name,
            value,
            url,
            span,
        }
    }

    /// A retention period (`10 years`) or a text that says it in words.
    fn retention(&mut self, pair: Pair<Rule>) -> Retention {
        match pair.as_rule() {
            Rule::duration => Retention::Period(self.duration(pair)),
            _ => Retention::Text(self.text(pair)),
        }
    }

    /// A size such as `10 MB`, in bytes.
    fn size(&mut self, pair: Pair<Rule>) -> u64 {
        let mut parts = children(pair);
        let amount = parts.next().expect("grammar: size has an amount");
        let amount_span = self.span(&amount);
        let amount = self.integer(amount.as_str(), amount_span);
        let factor: u64 = match parts.next().map(|u| u.as_str()) {
            Some("KB") => 1 << 10,
            Some("MB") => 1 << 20,
            _ => 1 << 30,
        };
        (amount.max(0) as u64).saturating_mul(factor)
    }

    /// `actor NAME: KIND "Label"` in a workflow, the label optional.
    fn actor(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair);
        let name = self.ident(inner.next().expect("grammar: an actor has a name"));
        let kind = self.ident(inner.next().expect("grammar: an actor has a kind"));
        let label = inner.next().map(|l| self.text(l));
        Stmt::Actor {
            name,
            kind,
            label,
            span,
        }
    }

    /// `document NAME "Label" { … }` in a workflow, label and parts optional.
    fn document(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: a document has a name"));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|l| self.text(l));
        let body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        Stmt::Document {
            name,
            label,
            body,
            span,
        }
    }

    /// `start|step|parallel|end|timer NAME "Label" outcome OUTCOME { … }`
    fn state(&mut self, pair: Pair<Rule>, span: Span) -> StateDecl {
        let mut inner = children(pair).peekable();
        let kind = match inner.next().expect("grammar: a state kind").as_str() {
            "start" => StateKind::Start,
            "step" => StateKind::Step,
            "parallel" => StateKind::Parallel,
            "end" => StateKind::End,
            "payment" => StateKind::Payment,
            _ => StateKind::Timer,
        };
        let name = self.ident(inner.next().expect("grammar: a state has a name"));
        let label = inner
            .next_if(|p| p.as_rule() == Rule::text)
            .map(|p| self.text(p));
        // `end erteilt "Erteilt" outcome granted`: the outcome inline.
        let outcome = inner.next_if(|p| p.as_rule() == Rule::wf_outcome).map(|p| {
            let s = self.span(&p);
            Stmt::Outcome(self.ident(first(p)), s)
        });
        let mut body = inner.next().map(|b| self.block(b)).unwrap_or_default();
        if let Some(o) = outcome {
            body.insert(0, o);
        }
        StateDecl {
            kind,
            name,
            label,
            body,
            span,
        }
    }

    /// `decide NAME: TYPE "Label"` in a workflow step, the label optional.
    fn decide(&mut self, pair: Pair<Rule>, span: Span) -> Stmt {
        let mut inner = children(pair);
        let name = self.ident(inner.next().expect("grammar: a decision has a name"));
        let ty = self.type_ref(inner.next().expect("grammar: a decision has a type"));
        let label = inner.next().map(|l| self.text(l));
        Stmt::Decide {
            name,
            ty,
            label,
            span,
        }
    }

    /// `goto STATE after DURATION from STATE when CONDITION issue DOCUMENT, …`,
    /// its clauses in any order, each at most once.
    fn goto(&mut self, pair: Pair<Rule>, span: Span) -> Goto {
        let mut inner = children(pair);
        let target = self.ident(inner.next().expect("grammar: goto has a target"));
        let mut goto = Goto {
            target,
            after: None,
            when: None,
            issue: Vec::new(),
            span,
        };
        for clause in inner {
            let taken = match clause.as_rule() {
                Rule::wf_after => goto.after.is_some(),
                Rule::wf_when => goto.when.is_some(),
                _ => !goto.issue.is_empty(),
            };
            if taken {
                let clause_span = self.span(&clause);
                self.diagnostics.push(
                    Diagnostic::new(Code::RepeatedSetting, clause_span, "this transition says this twice")
                        .label("given again")
                        .help("give `after`, `when` and `issue` once each; combine conditions with `and`, documents with `,`"),
                );
            }
            match clause.as_rule() {
                Rule::wf_after => {
                    let mut parts = children(clause);
                    let d = self.duration(parts.next().expect("grammar: a duration"));
                    let from = parts.next().map(|f| self.ident(f));
                    goto.after = Some((d, from));
                }
                Rule::wf_when => goto.when = Some(self.expr(first(clause))),
                _ => goto.issue = children(clause).map(|d| self.ident(d)).collect(),
            }
        }
        goto
    }

    /// `example "Name" from "Base" { … }`: answers, workflow events and
    /// expectations.
    fn example(&mut self, pair: Pair<Rule>, span: Span) -> Example {
        let mut inner = children(pair);
        let name = self.str(inner.next().expect("grammar: an example has a name"));
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
            span,
        };
        for stmt in inner {
            let stmt_span = self.span(&stmt);
            match stmt.as_rule() {
                Rule::example_base => example.base = Some(self.str(first(stmt))),
                Rule::ex_decide => {
                    let mut parts = children(stmt);
                    let name = self.ident(parts.next().expect("grammar: a decision"));
                    let value = self.expr(parts.next().expect("grammar: a value"));
                    example.decisions.push((name, value));
                }
                Rule::ex_timeout => example.timeouts.push(self.ident(first(stmt))),
                Rule::example_place => example.municipality = Some(self.str(first(stmt))),
                Rule::omit => {
                    let path = self.data_path(first(stmt));
                    example.omit.push(path);
                }
                Rule::example_today => {
                    let date = children(stmt).last().expect("grammar: `today` has a date");
                    example.today = Some(self.str(date));
                }
                Rule::given => {
                    let mut parts = children(stmt);
                    let path = self.data_path(parts.next().expect("grammar: a path"));
                    let value = self.expr(parts.next().expect("grammar: a value"));
                    example.given.push((path, value));
                }
                Rule::expect => {
                    let expect = self.expect(first(stmt), stmt_span);
                    example.expects.push(expect);
                }
                other => unreachable!("grammar: an example cannot hold {other:?}"),
            }
        }
        example
    }

    /// What follows an example's `expect`; `span` is the whole statement's.
    fn expect(&mut self, what: Pair<Rule>, span: Span) -> Expect {
        match what.as_rule() {
            Rule::expect_valid => Expect::Valid(span),
            Rule::expect_problem => {
                let mut parts = children(what);
                let kind = parts.next().expect("grammar: error or warning");
                Expect::Problem {
                    warning: kind.as_str() == "warning",
                    path: self.data_path(parts.last().expect("grammar: a path")),
                    span,
                }
            }
            Rule::expect_outcome => Expect::Outcome(self.ident(first(what)), span),
            Rule::expect_document => {
                let mut parts = children(what);
                let name = self.ident(parts.next().expect("grammar: a document's name"));
                let says = parts.next().map(|t| self.text(t));
                Expect::Document { name, says, span }
            }
            Rule::expect_path => {
                Expect::Path(children(what).map(|n| self.ident(n)).collect(), span)
            }
            Rule::expect_shown => {
                let mut parts = children(what);
                let kind = parts.next().expect("grammar: visible or hidden");
                Expect::Shown {
                    visible: kind.as_str() == "visible",
                    path: self.data_path(parts.next().expect("grammar: a path")),
                    span,
                }
            }
            _ => {
                let mut parts = children(what);
                let path = self.data_path(parts.next().expect("grammar: a path"));
                let value = self.expr(parts.next().expect("grammar: a value"));
                Expect::Value { path, value, span }
            }
        }
    }

    fn data_path(&mut self, pair: Pair<Rule>) -> DataPath {
        let span = self.span(&pair);
        let mut segments = Vec::new();
        for seg in children(pair) {
            let mut parts = children(seg);
            let name = self.ident(parts.next().expect("grammar: a name"));
            let index = parts.next().map(|i| {
                let s = self.span(&i);
                self.integer(i.as_str(), s).max(0) as u64
            });
            segments.push((name, index));
        }
        DataPath { segments, span }
    }

    fn integer(&mut self, text: &str, span: Span) -> i64 {
        text.parse().unwrap_or_else(|_| {
            self.diagnostics.push(
                Diagnostic::new(Code::InvalidLiteral, span, "this number is too large")
                    .label("larger than 9,223,372,036,854,775,807")
                    .help("use a smaller number"),
            );
            0
        })
    }

    fn range(&mut self, pair: Pair<Rule>) -> Range {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let min = inner.next().expect("grammar: range has a minimum");
        let min_span = self.span(&min);
        let min = self.integer(min.as_str(), min_span).max(0) as u64;
        let max = inner.next().map(|m| {
            let s = self.span(&m);
            self.integer(m.as_str(), s).max(0) as u64
        });
        Range { min, max, span }
    }

    fn duration(&mut self, pair: Pair<Rule>) -> Duration {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let amount = inner.next().expect("grammar: duration has an amount");
        let amount_span = self.span(&amount);
        let amount = self.integer(amount.as_str(), amount_span).max(0) as u64;
        let unit = match inner.next().map(|u| u.as_str()).unwrap_or("days") {
            u if u.starts_with("day") => DurationUnit::Days,
            u if u.starts_with("week") => DurationUnit::Weeks,
            u if u.starts_with("month") => DurationUnit::Months,
            _ => DurationUnit::Years,
        };
        Duration { amount, unit, span }
    }

    fn type_ref(&mut self, pair: Pair<Rule>) -> TypeRef {
        let span = self.span(&pair);
        let mut inner = children(pair).peekable();
        let name = self.ident(inner.next().expect("grammar: type_ref has a name"));
        let args = inner
            .next_if(|p| p.as_rule() == Rule::type_args)
            .map(|p| children(p).map(|a| self.type_arg(a)).collect())
            .unwrap_or_default();
        let cardinality = inner.next().map(|c| self.range(first(c)));
        TypeRef {
            name,
            args,
            cardinality,
            span,
        }
    }

    fn type_arg(&mut self, pair: Pair<Rule>) -> TypeArg {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::arg_min => TypeArg::Min(self.expr(first(pair)), span),
            Rule::arg_max => TypeArg::Max(self.expr(first(pair)), span),
            Rule::arg_length => TypeArg::Length(self.range(first(pair)), span),
            Rule::arg_pattern => TypeArg::Pattern(self.str(first(pair)), span),
            Rule::arg_message => TypeArg::Message(self.text(first(pair)), span),
            Rule::arg_scale => {
                let p = first(pair);
                let s = self.span(&p);
                TypeArg::Scale(self.integer(p.as_str(), s).max(0) as u64, span)
            }
            Rule::arg_name => TypeArg::Name(self.ident(first(pair))),
            other => unreachable!("grammar: `type_arg` cannot produce {other:?}"),
        }
    }

    fn path(&self, pair: Pair<Rule>) -> Path {
        let span = self.span(&pair);
        Path {
            segments: children(pair).map(|s| self.ident(s)).collect(),
            span,
        }
    }

    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        self.expr_pairs(pair.into_inner())
    }

    fn expr_pairs(&mut self, pairs: Pairs<Rule>) -> Expr {
        // Counted over the tokens of the whole expression (nested ones
        // included), without recursion.
        let tokens = pairs.clone().flatten().count();
        if tokens > MAX_EXPR_TOKENS {
            return self.too_large(&pairs, tokens);
        }
        // The Pratt parser wants `Fn` closures, which cannot borrow `self`
        // mutably: they share the diagnostics through a RefCell, and each
        // primary is read by a builder of its own.
        let file = self.file;
        let offset = self.offset;
        let cell = std::cell::RefCell::new(&mut *self.diagnostics);
        PRATT
            .map_primary(|p| {
                let mut diags = cell.borrow_mut();
                let mut b = Builder {
                    file,
                    offset,
                    diagnostics: &mut diags,
                    rejected: false,
                };
                b.primary(p)
            })
            .map_prefix(|op, rhs| {
                let span = Span::new(
                    file,
                    op.as_span().start() + offset..op.as_span().end() + offset,
                )
                .to(rhs.span);
                let unary = if op.as_rule() == Rule::op_not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                Expr {
                    kind: ExprKind::Unary(unary, Box::new(rhs)),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let op_span = Span::new(
                    file,
                    op.as_span().start() + offset..op.as_span().end() + offset,
                );
                if op.as_rule() == Rule::op_eq_double {
                    cell.borrow_mut().push(
                        Diagnostic::new(
                            Code::DoubleEquals,
                            op_span,
                            "comparisons are written with a single `=`",
                        )
                        .label("write `=` here")
                        .help("replace `==` with `=`"),
                    );
                }
                let binary = binary_op(op.as_rule());
                let span = lhs.span.to(rhs.span);
                Expr {
                    kind: ExprKind::Binary(binary, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(pairs)
    }

    /// The placeholder for an expression of more than [`MAX_EXPR_TOKENS`]
    /// tokens, which is reported (once per declaration) and refused: every
    /// later stage walks expressions recursively, so a bound on their size
    /// bounds the stack they need.
    fn too_large(&mut self, pairs: &Pairs<Rule>, tokens: usize) -> Expr {
        let (start, end) = pairs
            .clone()
            .next()
            .map_or((0, 0), |p| (p.as_span().start(), p.as_span().end()));
        let span = Span::new(self.file, start + self.offset..end + self.offset);
        if !self.rejected {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::ExpressionTooLarge,
                    span,
                    format!(
                        "this expression has {tokens} parts; amt reads at most {MAX_EXPR_TOKENS}"
                    ),
                )
                .label("the expression starts here")
                .help("split it into named `computed` values and combine those"),
            );
        }
        self.rejected = true;
        Expr {
            kind: ExprKind::Bool(false),
            span,
        }
    }

    fn primary(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::paren => {
                return Expr {
                    span,
                    ..self.expr(first(pair))
                };
            }
            Rule::list => ExprKind::List(children(pair).map(|e| self.expr(e)).collect()),
            Rule::if_expr => {
                let mut inner = children(pair);
                let mut next = || inner.next().expect("grammar: if has three parts");
                let (c, t, e) = (next(), next(), next());
                ExprKind::If(
                    Box::new(self.expr(c)),
                    Box::new(self.expr(t)),
                    Box::new(self.expr(e)),
                )
            }
            Rule::money_lit => ExprKind::Money(self.money(pair, span)),
            Rule::duration => ExprKind::Duration(self.duration(pair)),
            Rule::date_lit => {
                if amt_model::date::Date::parse(pair.as_str()).is_none() {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::InvalidLiteral,
                            span,
                            format!("`{}` is not a date in the calendar", pair.as_str()),
                        )
                        .label("no such day")
                        .help("write dates as YYYY-MM-DD, e.g. 2024-02-29"),
                    );
                }
                ExprKind::Date(pair.as_str().to_string())
            }
            Rule::integer => ExprKind::Integer(self.integer(pair.as_str(), span)),
            Rule::decimal => ExprKind::Decimal(pair.as_str().to_string()),
            Rule::string => ExprKind::Str(self.str(pair).value),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "yes"),
            Rule::today => ExprKind::Today,
            Rule::call => {
                let mut inner = children(pair);
                let name = self.ident(inner.next().expect("grammar: call has a name"));
                ExprKind::Call(name, inner.map(|a| self.expr(a)).collect())
            }
            Rule::path => ExprKind::Path(self.path(pair)),
            other => unreachable!("grammar: `primary` cannot produce {other:?}"),
        };
        Expr { kind, span }
    }

    fn money(&mut self, pair: Pair<Rule>, span: Span) -> i64 {
        let number = first(pair).as_str();
        let (euros, cents) = number.split_once('.').unwrap_or((number, ""));
        if cents.len() > 2 {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidLiteral,
                    span,
                    "amounts of money have at most two decimal places",
                )
                .label("more than cents")
                .help("round to whole cents, e.g. `12.80 EUR`"),
            );
        }
        let cents: i64 = format!("{cents:0<2}")[..2].parse().unwrap_or(0);
        self.integer(euros, span)
            .saturating_mul(100)
            .saturating_add(cents)
    }
}

/// The operator of an infix rule; `==` is read as `=` (and reported where
/// it is met).
fn binary_op(rule: Rule) -> BinaryOp {
    match rule {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq | Rule::op_eq_double => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_in => BinaryOp::In,
        Rule::op_not_in => BinaryOp::NotIn,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        Rule::op_div => BinaryOp::Div,
        other => unreachable!("grammar: `infix` cannot produce {other:?}"),
    }
}

/// The length of `text` without trailing whitespace and line comments.
fn trimmed_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        // Called for every node: most lines have no `//` at all, which a
        // substring search tells faster than reading the line.
        if !text[line_start..end].contains("//") {
            return end;
        }
        match line_comment_start(&text[line_start..end]) {
            Some(i) => end = text[..line_start + i].trim_end().len(),
            None => return end,
        }
    }
}

/// Where a `//` comment starts in a line, outside texts and links.
fn line_comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let (mut in_string, mut in_link) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' if !in_link => in_string = !in_string,
            b'<' if !in_string => in_link = true,
            b'>' if !in_string => in_link = false,
            b'/' if !in_string && !in_link && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The keyword of a `kw_*` rule, e.g. `field` for `Rule::kw_field`.
fn keyword(rule: Rule) -> Option<&'static str> {
    KEYWORDS.get(rule as usize)?.as_deref()
}

/// Each rule's keyword, indexed by the rule. The grammar names a keyword's
/// rule `kw_` and the keyword, so the word is written once, there.
static KEYWORDS: LazyLock<Vec<Option<String>>> = LazyLock::new(|| {
    let mut words = Vec::new();
    for &rule in Rule::all_rules() {
        let index = rule as usize;
        if words.len() <= index {
            words.resize(index + 1, None);
        }
        words[index] = format!("{rule:?}").strip_prefix("kw_").map(str::to_string);
    }
    words
});

/// A pair's children without its keywords (which the grammar keeps as
/// tokens only so that `fieldname` is not read as `field name`).
fn children(pair: Pair<Rule>) -> impl Iterator<Item = Pair<Rule>> {
    pair.into_inner().filter(|p| keyword(p.as_rule()).is_none())
}

fn first(pair: Pair<Rule>) -> Pair<Rule> {
    let rule = pair.as_rule();
    children(pair)
        .next()
        .unwrap_or_else(|| unreachable!("grammar: `{rule:?}` always has a child"))
}

fn keyword_len(text: &str) -> u32 {
    text.find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(text.len()) as u32
}

fn unescape(body: &str) -> String {
    if !body.contains('\\') {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The raw pest tree of one top-level declaration, for the formatter, which
/// needs every token where it is written rather than the syntax tree.
pub(super) fn parse_pairs(text: &str) -> Option<Pairs<'_, Rule>> {
    AmtParser::parse(Rule::item, text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_come_from_the_rule_names() {
        assert_eq!(keyword(Rule::kw_authority), Some("authority"));
        assert_eq!(keyword(Rule::kw_if), Some("if"));
        assert_eq!(keyword(Rule::name), None);
        assert_eq!(keyword(Rule::EOI), None);
    }
}
