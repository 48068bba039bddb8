//! pest's errors → sentences an author understands: what was expected, in
//! words (never a rule name), and a hint for the usual slips.

use super::{Rule, keyword, line_comment_start};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{ErrorVariant, InputLocation};

/// The phrase for "a statement goes here", however many could.
const A_STATEMENT: &str = "a statement such as `field`, `group`, `required` or `when`";

/// Where pest's error is, as a byte position in the declaration.
pub(super) fn position(error: &pest::error::Error<Rule>) -> usize {
    match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// The statement a syntax error at byte `at` of a declaration is in, as the
/// byte range to leave out when reading the declaration again: from the
/// first word of its line to the end of the line, or, when the line opens
/// a block, to the block's `}`. An error at a `}` belongs to the statement
/// above it (a block closed before the statement was complete). `None` on
/// the declaration's own first line: there is nothing to keep.
pub(super) fn statement_around(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let at = at.min(text.len());
    let line_start = |pos: usize| text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let mut start = line_start(at);
    let first_word = |start: usize| {
        start + (text[start..].len() - text[start..].trim_start_matches([' ', '\t']).len())
    };
    let mut word = first_word(start);
    while text[word..].starts_with('}')
        || text[word..].starts_with('\n')
        || text[word..].starts_with("//")
    {
        // The statement is above: the nearest line with a statement on it.
        if start == 0 {
            return None;
        }
        start = line_start(start - 1);
        word = first_word(start);
    }
    if start == 0 {
        return None;
    }
    let line_end = text[word..].find('\n').map_or(text.len(), |i| word + i);
    // Braces outside texts and comments: a line that opens more than it
    // closes takes its block along.
    let mut depth = 0i32;
    let mut end = line_end;
    let mut pos = word;
    // Line by line from the statement's first word.
    while pos < text.len() {
        let line_stop = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        for (i, opens) in braces(&text[pos..line_stop]) {
            if opens {
                depth += 1;
                continue;
            }
            depth -= 1;
            if depth == 0 {
                end = pos + i + 1;
            }
            if depth < 0 {
                // The statement's line closes an outer block: keep that brace.
                return Some(word..pos + i);
            }
        }
        if depth <= 0 {
            return Some(word..if pos == word { line_end } else { end });
        }
        pos = line_stop + 1;
    }
    // The block is never closed: up to the end of the declaration.
    Some(word..text.len())
}

/// The braces of one line outside its texts and its comment: each one's
/// byte offset in the line and whether it opens.
fn braces(line: &str) -> impl Iterator<Item = (usize, bool)> + '_ {
    let code = match line_comment_start(line) {
        Some(i) => &line[..i],
        None => line,
    };
    let (mut in_text, mut escaped) = (false, false);
    code.char_indices().filter_map(move |(i, c)| {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_text => escaped = true,
            '"' => in_text = !in_text,
            '{' | '}' if !in_text => return Some((i, c == '{')),
            _ => {}
        }
        None
    })
}

/// The diagnostic for pest's `error` in the text of one declaration, which
/// starts at byte `offset` of the file.
pub(super) fn syntax_error(
    file: FileId,
    text: &str,
    offset: usize,
    error: pest::error::Error<Rule>,
) -> Diagnostic {
    let pos = position(&error);
    // pest reports a bad escape as a text that does not fit: say what it is.
    if text[pos..].starts_with('"')
        && let Some(bad) = bad_escape(&text[pos..])
    {
        return unknown_escape(file, text, offset, pos + bad);
    }
    if let Some(d) = import_with_extension(file, text, offset, pos) {
        return d;
    }
    if text[pos..].trim().is_empty()
        && let Some((brace, next)) = unclosed_block(text)
    {
        return Diagnostic::new(
            Code::SyntaxError,
            Span::new(file, offset + brace..offset + brace + 1),
            "this block is not closed",
        )
        .label("opened here")
        .secondary(
            Span::new(file, offset + next..offset + next),
            "its `}` belongs before this line, which is indented no further than the block's first line",
        )
        .help("add the missing `}`; the statements of a block are indented further than the line that opens it");
    }
    let (found, len) = found_at(text, pos);
    let mut span = Span::new(file, offset + pos..offset + pos + len);
    let block = enclosing_block(text, pos);
    let workflow = block == Some("workflow");
    let mut meant = None;
    let mut moved = false;
    let (message, label) = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } if !positives.is_empty() => {
            meant = misspelt_statement(&text[pos..pos + len], positives, workflow);
            let expected = expected_words(positives, block);
            // Mid-statement at the start of a line: what is missing belongs
            // at the end of the line above (`hint` without its text).
            match statement_left_open(text, pos, positives) {
                Some(end) => {
                    let last = text[..end].char_indices().next_back().map_or(0, |(i, _)| i);
                    span = Span::new(file, offset + last..offset + end);
                    moved = true;
                    (
                        format!("expected {expected}, found {found}"),
                        format!("expected {expected} after this"),
                    )
                }
                None => (
                    format!("expected {expected}, found {found}"),
                    format!("expected {expected}"),
                ),
            }
        }
        ErrorVariant::CustomError { message }
            if message.contains("call limit") || message.contains("stack") =>
        {
            (
                "this declaration is nested too deeply to read".to_string(),
                "too deep".to_string(),
            )
        }
        _ => (
            format!("unexpected {found}"),
            "not expected here".to_string(),
        ),
    };
    let d = Diagnostic::new(Code::SyntaxError, span, message).label(label);
    if let Some(word) = meant {
        return d.help(format!("did you mean `{word}`?"));
    }
    match slip_help(text, pos, &found) {
        // Pointing at the line above already says where to look.
        Some(help) if !(moved && text[pos..].starts_with('}')) => d.help(help),
        _ => d,
    }
}

/// Where the line above ends, when an error at byte `pos` is at the start
/// of a line but no statement could start there: the statement above was
/// left incomplete. Comments and blank lines are skipped.
fn statement_left_open(text: &str, pos: usize, expected: &[Rule]) -> Option<usize> {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    if line_start == 0
        || !text[line_start..pos].trim().is_empty()
        || expected
            .iter()
            .any(|r| is_statement(*r) || *r == Rule::stray)
    {
        return None;
    }
    let mut end = line_start - 1;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let code = match line_comment_start(line) {
            Some(i) => &line[..i],
            None => line,
        };
        let code = code.trim_end();
        if !code.trim().is_empty() {
            return Some(start + code.len());
        }
        if start == 0 {
            return None;
        }
        end = start - 1;
    }
}

/// `import common/kontakt.amt.{…}`: a path written with the file's
/// extension, which pest can only report at the `import` as a whole.
fn import_with_extension(
    file: FileId,
    text: &str,
    offset: usize,
    pos: usize,
) -> Option<Diagnostic> {
    let rest = text[pos..].strip_prefix("import")?;
    let path_start = pos + "import".len() + (rest.len() - rest.trim_start().len());
    let path_end = text[path_start..]
        .find(|c: char| c == '{' || c.is_whitespace())
        .map_or(text.len(), |i| path_start + i);
    let path = text[path_start..path_end].trim_end_matches('.');
    let at = path.find(".amt").filter(|&i| {
        let after = &path[i + ".amt".len()..];
        after.is_empty() || after.starts_with('/')
    })?;
    let start = offset + path_start + at;
    let module = &path[..at];
    Some(
        Diagnostic::new(
            Code::SyntaxError,
            Span::new(file, start..start + ".amt".len()),
            format!("an import names the file `{module}` without its extension"),
        )
        .label("remove `.amt`")
        .help(format!(
            "write `import {module}.{{…}}`: the path is relative to the project root, without `.amt`"
        )),
    )
}

/// A block that indentation says was not closed, for a declaration whose
/// text ended before all its blocks did: the place of its `{`, and of the
/// first statement after it that is indented no further than the line that
/// opened it (where its `}` was due). Blank lines and comments do not count.
fn unclosed_block(text: &str) -> Option<(usize, usize)> {
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        let trimmed = &content[indent..];
        if !trimmed.is_empty() && !trimmed.starts_with("//") {
            if let Some(&(opened, brace)) = open.last()
                && indent <= opened
                && !trimmed.starts_with('}')
            {
                return Some((brace, start + indent));
            }
            for (i, opens) in braces(content) {
                if opens {
                    open.push((indent, start + i));
                } else {
                    open.pop();
                }
            }
        }
        start += line.len();
    }
    None
}

/// The first word on the line that opened the block around byte `pos`
/// (`field`, `page`, `workflow`, `step` …), skipping texts and comments.
fn enclosing_block(text: &str, pos: usize) -> Option<&str> {
    let mut open: Vec<usize> = Vec::new();
    let mut line_start = 0;
    for line in text[..pos].split_inclusive('\n') {
        for (i, opens) in braces(line) {
            if opens {
                open.push(line_start + i);
            } else {
                open.pop();
            }
        }
        line_start += line.len();
    }
    let brace = *open.last()?;
    let line = &text[text[..brace].rfind('\n').map_or(0, |i| i + 1)..brace];
    let word = line.trim_start();
    let end = word
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(word.len());
    Some(&word[..end])
}

/// The statement keyword a misspelt word at a statement's place most likely
/// means (`requried` → `required`).
fn misspelt_statement(word: &str, rules: &[Rule], workflow: bool) -> Option<&'static str> {
    if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut candidates: Vec<&'static str> =
        rules.iter().filter_map(|r| statement_keyword(*r)).collect();
    if candidates.is_empty() {
        return None;
    }
    if workflow || rules.contains(&Rule::state_kind) {
        candidates.extend(STATE_KINDS);
    }
    crate::diagnostic::suggest::did_you_mean(word, candidates)
}

/// The kinds of state a workflow has (`state_kind` in the grammar).
const STATE_KINDS: [&str; 5] = ["start", "step", "parallel", "end", "timer"];

/// A text whose backslash at byte `at` starts no escape amt knows.
fn unknown_escape(file: FileId, text: &str, offset: usize, at: usize) -> Diagnostic {
    let shown: String = text[at..].chars().take(2).collect();
    Diagnostic::new(
        Code::SyntaxError,
        Span::new(file, offset + at..offset + at + shown.len()),
        format!("`{shown}` is not an escape amt knows in a text"),
    )
    .label("unknown escape")
    .help("in quotes, a backslash starts `\\\"` (quote), `\\\\` (backslash), `\\n` or `\\t`; for a pattern's `\\p{L}` write `\\\\p{L}`")
}

/// Help for the slips behind many syntax errors at `pos`: a letter that
/// names cannot have, a colon before a type, a block closed too early.
fn slip_help(text: &str, pos: usize, found: &str) -> Option<&'static str> {
    let rest = &text[pos..];
    let line_end = rest.find('\n').map_or(text.len(), |i| pos + i);
    let line = &text[text[..pos].rfind('\n').map_or(0, |i| i + 1)..line_end];
    let outside_texts: String = line.split('"').step_by(2).collect::<Vec<_>>().join(" ");
    let outside_texts = match line_comment_start(&outside_texts) {
        Some(i) => &outside_texts[..i],
        None => &outside_texts[..],
    };
    if outside_texts
        .chars()
        .any(|c| !c.is_ascii() && c.is_alphabetic())
    {
        Some(
            "names use the letters a–z, digits and `_`: write `ae` for `ä`, `ss` for `ß`; labels in quotes may use any letter",
        )
    } else if rest.starts_with(':') && found == "`:`" {
        Some("a type follows the name directly: `field name: text \"Label\"`")
    } else if rest.starts_with('}') {
        Some("a block was closed before it was complete; check the line above")
    } else {
        None
    }
}

/// What the parser expected, as one phrase: `` `field`, `group` or a name ``.
/// Only what can stand there: a declaration where one starts; in a block
/// (opened by the word `block`), the statements of its kind.
fn expected_words(rules: &[Rule], block: Option<&str>) -> String {
    if rules.contains(&Rule::stray) {
        return expected_word(Rule::stray).unwrap_or_default().to_string();
    }
    let statements = rules.iter().any(|r| is_statement(*r));
    let workflow = block == Some("workflow");
    if statements && workflow {
        return "`actor`, `document` or a state (`start`, `step`, `parallel`, `end` or `timer`)"
            .to_string();
    }
    if statements && block.is_some_and(|b| STATE_KINDS.contains(&b)) {
        return "`by`, `decide`, `goto` or a step of a `parallel` state".to_string();
    }
    let mut words: Vec<&str> = Vec::new();
    let mut keywords: Vec<String> = Vec::new();
    for expected in rules {
        if *expected == Rule::state_kind && statements && !workflow {
            continue;
        }
        if let Some(k) = keyword(*expected) {
            let k = format!("`{k}`");
            if !keywords.contains(&k) {
                keywords.push(k);
            }
        } else if let Some(w) = expected_word(*expected)
            && !words.contains(&w)
            && !keywords.iter().any(|k| k == w)
        {
            words.push(w);
        }
    }
    if keywords.len() <= 4 {
        let mut all: Vec<&str> = keywords.iter().map(String::as_str).collect();
        all.extend(words.iter().copied());
        return join_or(&all);
    }
    // Many statement keywords at once read better as one phrase.
    if !words.contains(&A_STATEMENT) {
        words.push(A_STATEMENT);
    }
    join_or(&words)
}

/// Words for what the parser expected, never a rule name.
fn expected_word(expected: Rule) -> Option<&'static str> {
    if is_statement(expected) {
        return Some(A_STATEMENT);
    }
    if is_operator(expected) {
        return Some("an operator such as `and`, `=` or `+`");
    }
    Some(match expected {
        Rule::name | Rule::ident | Rule::import_name | Rule::arg_name => "a name",
        Rule::string | Rule::text => "a text in quotes",
        Rule::translation => "a translation such as `@en \"…\"`",
        Rule::lang => "a language code such as `de` or `en`",
        Rule::integer | Rule::number | Rule::decimal => "a number",
        Rule::semver => "a version such as `1.0.0`",
        Rule::url => "a link in angle brackets such as `<https://…>`",
        Rule::token => "an autocomplete token such as `postal-code`",
        Rule::code => "a code",
        Rule::duration | Rule::duration_unit => "a duration such as `2 weeks`",
        Rule::size | Rule::size_unit => "a size such as `10 MB`",
        Rule::module_path | Rule::path_segment => "a file path such as `common/person`",
        Rule::import => "`import`",
        Rule::codelist => "`codelist`",
        Rule::type_decl => "`type`",
        Rule::procedure => "`procedure`",
        Rule::stray => "a declaration such as `procedure`, `group`, `codelist`, `type` or `import`",
        Rule::block => "a block in `{ }`",
        Rule::state_kind => "`start`, `step`, `parallel`, `end` or `timer`",
        Rule::wf_after | Rule::wf_when | Rule::wf_issue => {
            "`after 3 weeks`, `when …` or `issue DOCUMENT`"
        }
        Rule::example_base => "`from \"another example\"`",
        Rule::ex_decide | Rule::ex_timeout => "`decide NAME = value` or `timeout STEP`",
        Rule::expect_outcome | Rule::expect_path => "`outcome END` or `path STATE, STATE, …`",
        Rule::example_today | Rule::given | Rule::expect | Rule::omit => {
            "an answer such as `name = \"Anna\"`, `today 2026-01-31` or `expect …`"
        }
        Rule::expect_valid | Rule::expect_problem | Rule::expect_shown | Rule::expect_value => {
            "`valid`, `error on …`, `warning on …`, `visible …`, `hidden …` or `name = value`"
        }
        Rule::problem_kind | Rule::shown_kind => "`error`, `warning`, `visible` or `hidden`",
        Rule::data_path | Rule::data_segment => "a path such as `person[0].name`",
        Rule::codelist_from => "`from \"urn:…\"`",
        Rule::code_entry => "a code-list value such as `VH \"verheiratet\"`",
        Rule::type_ref => "a type such as `text`, `date` or `choice(…)`",
        Rule::type_args => "constraints in `( )`",
        Rule::arg_min | Rule::arg_max | Rule::arg_length | Rule::arg_pattern | Rule::arg_scale => {
            "a constraint such as `max 55` or `pattern \"…\"`"
        }
        Rule::cardinality => "a repeat such as `[1..10]`",
        Rule::range => "a range such as `1..10`",
        Rule::prefill_mode => "`locked` or `editable`",
        Rule::personal_class => "`special` or `ordinary`",
        Rule::expr
        | Rule::paren
        | Rule::list
        | Rule::if_expr
        | Rule::boolean
        | Rule::today
        | Rule::call
        | Rule::path
        | Rule::money_lit
        | Rule::date_lit
        | Rule::op_not
        | Rule::op_neg => "a value or expression",
        Rule::EOI => "the end of the declaration",
        _ => return None,
    })
}

/// Whether a rule is one of the statements of a block.
fn is_statement(rule: Rule) -> bool {
    statement_keyword(rule).is_some() || rule == Rule::wf_state
}

/// The keyword that starts a statement of a block (the kinds of state
/// have their own, [`STATE_KINDS`]).
fn statement_keyword(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::field => "field",
        Rule::group => "group",
        Rule::page => "page",
        Rule::computed => "computed",
        Rule::fee => "fee",
        Rule::deadline => "deadline",
        Rule::attachment => "attachment",
        Rule::note => "note",
        Rule::rule_stmt => "rule",
        Rule::warn => "warn",
        Rule::when => "when",
        Rule::required => "required",
        Rule::hint => "hint",
        Rule::legal => "legal",
        Rule::fim => "fim",
        Rule::autocomplete => "autocomplete",
        Rule::prefill => "prefill",
        Rule::personal => "personal",
        Rule::version => "version",
        Rule::leika => "leika",
        Rule::identity => "identity",
        Rule::languages => "languages",
        Rule::description => "description",
        Rule::authority => "authority",
        Rule::privacy => "privacy",
        Rule::purpose => "purpose",
        Rule::basis => "basis",
        Rule::retention => "retention",
        Rule::types => "types",
        Rule::max_size => "max",
        Rule::count => "count",
        Rule::example => "example",
        Rule::workflow => "workflow",
        Rule::wf_actor => "actor",
        Rule::wf_document => "document",
        Rule::wf_by => "by",
        Rule::wf_decide => "decide",
        Rule::wf_goto => "goto",
        Rule::wf_outcome => "outcome",
        Rule::wf_amount => "amount",
        Rule::parameter => "parameter",
        Rule::extension => "extension",
        Rule::extend => "extend",
        Rule::kind => "kind",
        Rule::offers => "offers",
        Rule::set_value => "set",
        Rule::validity => "from",
        Rule::property => "address",
        Rule::named_property => "link",
        Rule::reply => "reply",
        Rule::theme => "theme",
        _ => return None,
    })
}

/// Whether a rule is an operator.
fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_or
            | Rule::op_and
            | Rule::op_in
            | Rule::op_not_in
            | Rule::op_eq
            | Rule::op_eq_double
            | Rule::op_ne
            | Rule::op_le
            | Rule::op_ge
            | Rule::op_lt
            | Rule::op_gt
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
    )
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(words: &[&str]) -> String {
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// How to name what stands at `pos`, and how many bytes of it to underline.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return ("the end of the file".to_string(), 0);
    };
    if c.is_alphanumeric() || c == '_' {
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let word = &rest[..len.min(40)];
        (format!("`{word}`"), len)
    } else if c == '"' {
        ("a text in quotes".to_string(), c.len_utf8())
    } else if c.is_whitespace() {
        ("a line break".to_string(), c.len_utf8())
    } else {
        (format!("`{c}`"), c.len_utf8())
    }
}

/// The offset of the first backslash in a quoted text (starting at its `"`)
/// that starts no escape amt knows.
fn bad_escape(quoted: &str) -> Option<usize> {
    let mut chars = quoted.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '\n' => return None,
            '\\' => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't')) => {}
                _ => return Some(i),
            },
            _ => {}
        }
    }
    None
}
