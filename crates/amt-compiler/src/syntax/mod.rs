//! Parsing: source text → syntax tree ([`ast::File`]).
//!
//! A file is first cut into top-level declarations ([`scan`]), then each is
//! parsed with the pest grammar in `grammar/amt.pest` ([`parser`]). A broken
//! declaration yields a diagnostic and is skipped; the others are still read.

pub mod ast;
pub mod format;
mod parser;
pub mod scan;

use crate::diagnostic::Diagnostic;

/// Words that are operators or literals in expressions, never names (the
/// grammar's `reserved` rule).
pub const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "if", "then", "else", "yes", "no", "today",
];

/// The words that begin a statement inside a block (the grammar's `member`
/// rule), for completion and messages. `tests` ties the list to the grammar.
pub const STATEMENTS: &[&str] = &[
    "field",
    "group",
    "page",
    "computed",
    "fee",
    "deadline",
    "attachment",
    "note",
    "rule",
    "warn",
    "when",
    "required",
    "hint",
    "legal",
    "fim",
    "autocomplete",
    "prefill",
    "personal",
    "version",
    "leika",
    "identity",
    "languages",
    "description",
    "authority",
    "privacy",
    "purpose",
    "basis",
    "retention",
    "types",
    "max",
    "count",
    "example",
    "workflow",
    "actor",
    "document",
    "start",
    "step",
    "parallel",
    "end",
    "timer",
    "payment",
    "by",
    "decide",
    "goto",
    "outcome",
    "amount",
    "parameter",
    "kind",
    "offers",
    "set",
    "from",
    "until",
    "short",
    "address",
    "hours",
    "destination",
    "contact",
    "link",
    "color",
    "account",
    "secret",
    "reply",
    "theme",
    "extension",
    "extend",
    "court",
    "tenor",
    "reasons",
    "recipient",
    "conditions",
    "fees",
    "remedy",
];

/// The words that begin a statement of an `example` (the grammar's
/// `example_stmt` rule; an answer, `path = value`, begins with its path).
pub const EXAMPLE_STATEMENTS: &[&str] = &[
    "today",
    "expect",
    "omit",
    "decide",
    "timeout",
    "municipality",
];

/// Whether `s` can be a name: a letter or `_`, then letters, digits or `_`
/// (ASCII), and not a reserved word.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&s)
}
use crate::source::FileId;

/// Parses one file. Never fails: problems are returned as diagnostics, and
/// the tree holds every declaration that could be read.
pub fn parse_file(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let scan = scan::scan(file, text);
    let mut diagnostics = scan.diagnostics;
    let mut items = Vec::with_capacity(scan.chunks.len());
    let mut recovered = Vec::new();
    for chunk in &scan.chunks {
        if chunk.broken {
            continue;
        }
        let piece = &text[chunk.start..chunk.end];
        let before = diagnostics.len();
        if let Some(item) = parser::parse_item(file, piece, chunk.start, &mut diagnostics) {
            if has_syntax_error(&diagnostics[before..]) {
                recovered.push(items.len());
            }
            items.push(item);
        }
    }
    (
        ast::File {
            items,
            comments: scan.comments,
            recovered,
        },
        diagnostics,
    )
}

/// A file read for its outline: every declaration but procedures is parsed;
/// a procedure is kept as a stub (its name, no body) with the place of its
/// text, to be parsed when it is checked ([`parse_procedure`]). A build of
/// thousands of procedures then never holds all their trees at once.
pub struct Outline {
    /// The file's tree, with procedures as stubs.
    pub file: ast::File,
    /// Each stub's index in `file.items` and the byte range of its text.
    pub procedures: Vec<(usize, std::ops::Range<usize>)>,
    /// Problems found (procedures' own come when they are parsed).
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks that the hand-written reader of declarations reads every
/// declaration of `text` that it reads at all as pest does (the same tree,
/// to the byte of every place): for tests and fuzzing. Returns how many
/// declarations it read and how many it left to pest.
pub fn check_fast_reader(text: &str) -> Result<(usize, usize), String> {
    let scan = scan::scan(crate::source::FileId(0), text);
    let (mut read, mut left) = (0, 0);
    for chunk in scan.chunks.iter().filter(|c| !c.broken) {
        let piece = &text[chunk.start..chunk.end];
        match parser::fast_reader_agrees(piece) {
            Ok(true) => read += 1,
            Ok(false) => left += 1,
            Err(e) => return Err(format!("in the declaration at byte {}: {e}", chunk.start)),
        }
    }
    Ok((read, left))
}

/// Reads a file's outline (see [`Outline`]).
pub fn parse_outline(file: FileId, text: &str) -> Outline {
    let scan = scan::scan(file, text);
    let mut diagnostics = scan.diagnostics;
    let mut items = Vec::with_capacity(scan.chunks.len());
    let mut recovered = Vec::new();
    let mut procedures = Vec::new();
    for chunk in &scan.chunks {
        if chunk.broken {
            continue;
        }
        let piece = &text[chunk.start..chunk.end];
        if let Some((name, at)) = procedure_name(piece) {
            let span =
                crate::source::Span::new(file, chunk.start + at..chunk.start + at + name.len());
            procedures.push((items.len(), chunk.start..chunk.end));
            items.push(ast::Item::Procedure(ast::Decl {
                name: ast::Ident {
                    name: name.to_string(),
                    span,
                },
                type_ref: None,
                repeat: None,
                label: None,
                body: Vec::new(),
                keyword: span,
                span: crate::source::Span::new(file, chunk.start..chunk.end),
            }));
            continue;
        }
        let before = diagnostics.len();
        if let Some(item) = parser::parse_item(file, piece, chunk.start, &mut diagnostics) {
            if has_syntax_error(&diagnostics[before..]) {
                recovered.push(items.len());
            }
            items.push(item);
        }
    }
    Outline {
        file: ast::File {
            items,
            comments: scan.comments,
            recovered,
        },
        procedures,
        diagnostics,
    }
}

/// Whether a syntax error is among `found` (a declaration read around it,
/// see [`ast::File::recovered`]).
pub fn has_syntax_error(found: &[Diagnostic]) -> bool {
    found
        .iter()
        .any(|d| d.code == crate::diagnostic::Code::SyntaxError)
}

/// Whether a diagnostic is one of reading the text (the `E00xx` codes),
/// not of checking what was read.
pub fn is_reading_problem(d: &Diagnostic) -> bool {
    d.code.as_str().starts_with("E00")
}

/// Parses the text of a procedure found by [`parse_outline`].
pub fn parse_procedure(
    file: FileId,
    text: &str,
    range: std::ops::Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ast::Decl> {
    match parser::parse_item(file, &text[range.clone()], range.start, diagnostics) {
        Some(ast::Item::Procedure(decl)) => Some(decl),
        _ => None,
    }
}

/// The name of a declaration that is plainly a procedure (`procedure NAME`
/// after comments and spaces), and where the name starts; anything less
/// plain is left to the parser.
fn procedure_name(piece: &str) -> Option<(&str, usize)> {
    let bytes = piece.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if piece[i..].starts_with("//") {
            i += piece[i..].find('\n')?;
        } else if piece[i..].starts_with("/*") {
            i += piece[i..].find("*/")? + 2;
        } else {
            break;
        }
    }
    let rest = piece[i..].strip_prefix("procedure")?;
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    if spaces == 0 {
        return None;
    }
    let start = i + "procedure".len() + spaces;
    let name_len = piece[start..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let name = &piece[start..start + name_len];
    let first = name.bytes().next()?;
    if first.is_ascii_digit() || RESERVED.contains(&name) {
        return None;
    }
    Some((name, start))
}

#[cfg(test)]
mod tests {
    /// The keywords that begin the alternatives of a rule of the grammar: a
    /// rule `NAME = { kw_WORD ~ … }`, `@{ "WORD" … }`, or one of several
    /// words (`("start" | "step" …)`); alternatives without a keyword
    /// (an answer in an example) give none.
    fn first_words(grammar: &str, rule: &str) -> Vec<String> {
        let definition = |name: &str| -> &str {
            grammar
                .lines()
                .find_map(|l| {
                    let (head, body) = l.split_once('=')?;
                    (head.trim() == name).then_some(body)
                })
                .unwrap_or_default()
        };
        let mut body = String::new();
        let start = grammar
            .find(&format!("\n{rule} "))
            .expect("the rule is in the grammar");
        for line in grammar[start + 1..].lines() {
            body.push_str(line);
            if line.trim_end().ends_with('}') {
                break;
            }
        }
        let body = body
            .split_once('{')
            .map_or("", |(_, b)| b)
            .trim_end_matches('}');
        let mut words = Vec::new();
        for alternative in body.split('|').map(str::trim) {
            let mut def = definition(alternative).trim();
            // A rule that names another rule first (`wf_state` → `state_kind`).
            let first = def
                .trim_start_matches(['@', '_', '{'])
                .split_whitespace()
                .next()
                .unwrap_or_default();
            if !first.starts_with("kw_") && !first.starts_with('(') && !first.starts_with('"') {
                def = definition(first).trim();
            }
            let def = def.trim_start_matches(['@', '_', '{']).trim();
            if let Some(kw) = def.strip_prefix("kw_") {
                words.push(kw.split_whitespace().next().unwrap_or_default().to_string());
            } else {
                let quoted = def.split(['~', ')']).next().unwrap_or_default();
                words.extend(quoted.split('"').skip(1).step_by(2).map(str::to_string));
            }
        }
        words.sort();
        words
    }

    #[test]
    fn the_statement_keywords_are_those_of_the_grammar() {
        let grammar = include_str!("../../../../grammar/amt.pest");
        for (rule, list) in [
            ("member", super::STATEMENTS),
            ("example_stmt", super::EXAMPLE_STATEMENTS),
        ] {
            let mut ours: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            ours.sort();
            assert_eq!(first_words(grammar, rule), ours, "the grammar's `{rule}`");
        }
    }
}
