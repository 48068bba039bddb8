//! The pages `amt serve` shows: the built pages with the reload script and,
//! after a form post the validator refused, with the server's error summary
//! at the top, the messages beside the fields and the values entered.
//!
//! The built pages are amt's own HTML (or a municipality's templates), so a
//! small tokenizer is enough: tags with their attributes, text, and the raw
//! text of `script`, `style`, `textarea` and `title`. Only the tags that
//! change are written anew, with every value escaped.

use std::collections::{BTreeMap, HashMap, HashSet};

/// Escaped for HTML text and quoted attribute values, as the templates'
/// own output is (minijinja's escaping).
pub fn escape(s: &str) -> String {
    minijinja::HtmlEscape(s).to_string()
}

/// The script element that reloads a page when a new build is served.
/// After a post, the page is fetched anew instead (reloading would post
/// again).
pub fn reload_tag(version: u64, after_post: bool) -> String {
    format!(
        "<script src=\"/__amt/reload.js\" defer data-version=\"{version}\"{}></script>\n",
        if after_post { " data-after-post" } else { "" }
    )
}

fn find_ascii_ci(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (from..h.len().saturating_sub(n.len()).saturating_add(1).max(from)).find(|&i| {
        h.get(i..i + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// A built page with the reload script: before `</head>`, else before
/// `</body>`, else at the end.
pub fn with_reload(html: &str, tag: &str) -> String {
    let at = find_ascii_ci(html, "</head>", 0)
        .or_else(|| find_ascii_ci(html, "</body>", 0))
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + tag.len());
    out.push_str(&html[..at]);
    out.push_str(tag);
    out.push_str(&html[at..]);
    out
}

#[derive(Debug)]
struct Tag {
    /// Where the tag is in the page.
    start: usize,
    end: usize,
    /// Lowercased; `!doctype` for the doctype.
    name: String,
    closing: bool,
    /// Names lowercased, values with character references decoded.
    attrs: Vec<(String, Option<String>)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn has(&self, name: &str) -> bool {
        self.attrs.iter().any(|(n, _)| n == name)
    }

    fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|x| x == class))
    }

    fn is_start(&self, name: &str) -> bool {
        !self.closing && self.name == name
    }

    fn is_control(&self) -> bool {
        !self.closing && matches!(self.name.as_str(), "input" | "select" | "textarea")
    }

    fn set(&mut self, name: &str, value: Option<String>) {
        match self.attrs.iter_mut().find(|(n, _)| n == name) {
            Some(a) => a.1 = value,
            None => self.attrs.push((name.to_string(), value)),
        }
    }

    fn remove(&mut self, name: &str) {
        self.attrs.retain(|(n, _)| n != name);
    }

    fn render(&self) -> String {
        let mut out = format!("<{}{}", if self.closing { "/" } else { "" }, self.name);
        for (name, value) in &self.attrs {
            out.push(' ');
            out.push_str(name);
            if let Some(v) = value {
                out.push_str("=\"");
                out.push_str(&escape(v));
                out.push('"');
            }
        }
        out.push('>');
        out
    }
}

#[derive(Debug)]
enum Token {
    Text(std::ops::Range<usize>),
    Tag(Tag),
}

/// Decodes the character references amt's templates write (and the
/// numeric ones); others stay as they are.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let reference = rest[1..]
            .find(';')
            .filter(|e| *e <= 10)
            .map(|e| &rest[1..=e]);
        let decoded = reference.and_then(|r| match r {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let n = r.strip_prefix('#')?;
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (reference, decoded) {
            (Some(r), Some(c)) => {
                out.push(c);
                rest = &rest[r.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where the tag starting at `start` ends (after its `>`): quoted
/// attribute values may hold `>`.
fn tag_end(b: &[u8], start: usize) -> Option<usize> {
    let mut quote = None;
    let mut last = 0u8;
    for (i, &c) in b.iter().enumerate().skip(start + 1) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == b'"' || c == b'\'') && last == b'=' => quote = Some(c),
            None if c == b'>' => return Some(i + 1),
            None => {}
        }
        if !c.is_ascii_whitespace() {
            last = c;
        }
    }
    None
}

fn parse_tag(html: &str, start: usize, end: usize) -> Tag {
    let inner = &html[start + 1..end - 1];
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/');
    let name_end = inner
        .find(|c: char| c.is_ascii_whitespace() || c == '/')
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut rest = &inner[name_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let n_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len())
            .max(1);
        let attr = rest[..n_end].to_ascii_lowercase();
        rest = rest[n_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let e = body.find(q).unwrap_or(body.len());
                    rest = body.get(e + 1..).unwrap_or("");
                    Some(decode(&body[..e]))
                }
                _ => {
                    let e = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    rest = &after[e..];
                    Some(decode(&after[..e]))
                }
            }
        } else {
            None
        };
        attrs.push((attr, value));
    }
    Tag {
        start,
        end,
        name,
        closing,
        attrs,
    }
}

fn tokenize(html: &str) -> Vec<Token> {
    let b = html.as_bytes();
    let mut tokens = Vec::new();
    let (mut i, mut text) = (0, 0);
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i + 4..].find("-->").map_or(b.len(), |e| i + 4 + e + 3);
            continue;
        }
        let opens = b
            .get(i + 1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/' || *c == b'!');
        let Some(end) = opens.then(|| tag_end(b, i)).flatten() else {
            i += 1;
            continue;
        };
        if text < i {
            tokens.push(Token::Text(text..i));
        }
        let tag = parse_tag(html, i, end);
        let raw =
            !tag.closing && matches!(tag.name.as_str(), "script" | "style" | "textarea" | "title");
        let close =
            raw.then(|| find_ascii_ci(html, &format!("</{}", tag.name), end).unwrap_or(b.len()));
        tokens.push(Token::Tag(tag));
        i = end;
        if let Some(close) = close {
            tokens.push(Token::Text(end..close));
            i = close;
        }
        text = i;
    }
    if text < b.len() {
        tokens.push(Token::Text(text..b.len()));
    }
    tokens
}

/// One error to show: where in the form (`person[1].ehe.datum`), and the
/// text of the summary's link and of the message beside the field.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The path in the form.
    pub form_path: String,
    /// The field's label, if it has one.
    pub label: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// The element id of a form path, as amt's templates make them:
/// `person[1].ehe.datum` is `f-person-1-ehe-datum`.
pub fn element_id(form_path: &str) -> String {
    let mut id = String::from("f-");
    for c in form_path.chars() {
        match c {
            '.' | '[' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// The form path one level up: `a[1].b` → `a[1]` → `a` → none.
fn parent(form_path: &str) -> Option<&str> {
    if form_path.ends_with(']') {
        return form_path.rfind('[').map(|i| &form_path[..i]);
    }
    form_path.rfind('.').map(|i| &form_path[..i])
}

/// What the error page says in the page's language.
pub struct Wording<'a> {
    /// The summary's heading, "Es gibt ein Problem".
    pub heading: &'a str,
    /// Put before the page's title, "Fehler: ".
    pub title_prefix: &'a str,
}

/// The index of the tag that closes the element opened at `open`.
fn element_end(tokens: &[Token], open: usize) -> usize {
    let Token::Tag(tag) = &tokens[open] else {
        return open;
    };
    if matches!(
        tag.name.as_str(),
        "input" | "br" | "img" | "meta" | "link" | "hr"
    ) {
        return open;
    }
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if let Token::Tag(t) = t
            && t.name == tag.name
        {
            if t.closing {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            } else {
                depth += 1;
            }
        }
    }
    tokens.len()
}

fn tag(tokens: &[Token], i: usize) -> Option<&Tag> {
    match tokens.get(i) {
        Some(Token::Tag(t)) => Some(t),
        _ => None,
    }
}

/// The index of the first tag `pred` picks.
fn position(tokens: &[Token], pred: impl Fn(&Tag) -> bool) -> Option<usize> {
    tokens
        .iter()
        .position(|t| matches!(t, Token::Tag(t) if pred(t)))
}

/// The page after a refused post: the error summary at the top of `main`
/// (links to each field), each message beside its field (`aria-invalid`,
/// `aria-describedby`), the title beginning with "Fehler:", the inputs
/// holding `values` (by name), and the reload script.
pub fn with_errors(
    html: &str,
    errors: &[Shown],
    values: &HashMap<String, Vec<String>>,
    wording: &Wording,
    reload: &str,
) -> String {
    let mut tokens = tokenize(html);
    let placed = place_errors(&tokens, errors);
    let mut edits = Edits::default();
    edits.messages(html, &tokens, &placed.messages);
    edits.summary(&tokens, &summary_box(&placed.summary, wording.heading));
    edits.reload(&tokens, reload);
    let title = position(&tokens, |t| t.is_start("title"));
    edits.refill_and_mark(&mut tokens, values);
    edits.write(html, &tokens, title, wording.title_prefix)
}

/// The errors as the page shows them: the summary's lines (text, and the
/// id its link goes to), and the messages beside each element, by the
/// token of its start tag.
struct Placed {
    summary: Vec<(String, Option<String>)>,
    messages: BTreeMap<usize, Vec<String>>,
}

/// Finds each error's element; the same text about the same element is
/// shown once.
fn place_errors(tokens: &[Token], errors: &[Shown]) -> Placed {
    let ids = element_ids(tokens);
    let mut placed = Placed {
        summary: Vec::new(),
        messages: BTreeMap::new(),
    };
    let mut seen = HashSet::new();
    for e in errors {
        let target = element_of(&ids, &e.form_path);
        let text = summary_text(e);
        if !seen.insert((target, text.clone())) {
            continue;
        }
        let href = target.map(|t| link_target(tokens, t));
        placed.summary.push((text, href));
        if let Some(t) = target {
            placed
                .messages
                .entry(t)
                .or_default()
                .push(e.message.clone());
        }
    }
    placed
}

/// The token of each element id (the first, if an id is used twice).
fn element_ids(tokens: &[Token]) -> HashMap<&str, usize> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        if let Token::Tag(t) = t
            && !t.closing
            && let Some(id) = t.attr("id")
        {
            ids.entry(id).or_insert(i);
        }
    }
    ids
}

/// The element an error belongs to: its field's, else the nearest
/// enclosing part's the page has.
fn element_of(ids: &HashMap<&str, usize>, form_path: &str) -> Option<usize> {
    let mut path = Some(form_path).filter(|p| !p.is_empty());
    while let Some(p) = path {
        if let Some(&i) = ids.get(element_id(p).as_str()) {
            return Some(i);
        }
        path = parent(p);
    }
    None
}

/// An error's line in the summary: its label, then its message.
fn summary_text(e: &Shown) -> String {
    match &e.label {
        // No colon after a label that ends in `?` or `:`, as amt.js.
        Some(l) if l.ends_with(['?', ':', '!']) => format!("{l} {}", e.message),
        Some(l) if !l.is_empty() => format!("{l}: {}", e.message),
        _ => e.message.clone(),
    }
}

/// The id a summary link goes to: the first input of the element opened
/// at `t`, else the element itself.
fn link_target(tokens: &[Token], t: usize) -> String {
    let end = element_end(tokens, t);
    (t..=end.min(tokens.len() - 1))
        .filter_map(|i| tag(tokens, i))
        .find(|t| t.is_control() && t.has("id"))
        .or_else(|| tag(tokens, t))
        .and_then(|t| t.attr("id"))
        .unwrap_or_default()
        .to_string()
}

/// The paragraph of an element's messages, each said once.
fn message_paragraph(error_id: &str, messages: &[String]) -> String {
    let mut unique: Vec<&String> = Vec::new();
    for m in messages {
        if !unique.contains(&m) {
            unique.push(m);
        }
    }
    format!(
        "<p class=\"amt-error\" id=\"{}\">{}</p>\n",
        escape(error_id),
        escape(
            &unique
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        )
    )
}

/// The box at the top of the page that lists every error, linked to its
/// field; empty without errors.
fn summary_box(summary: &[(String, Option<String>)], heading: &str) -> String {
    let mut box_html = String::new();
    if summary.is_empty() {
        return box_html;
    }
    box_html.push_str("\n<div class=\"amt-error-summary\" role=\"alert\" tabindex=\"-1\" autofocus aria-labelledby=\"amt-error-summary-title\">\n<h2 id=\"amt-error-summary-title\">");
    box_html.push_str(&escape(heading));
    box_html.push_str("</h2>\n<ul>\n");
    for (text, href) in summary {
        match href {
            Some(h) if !h.is_empty() => box_html.push_str(&format!(
                "<li><a href=\"#{}\">{}</a></li>\n",
                escape(h),
                escape(text)
            )),
            _ => box_html.push_str(&format!("<li>{}</li>\n", escape(text))),
        }
    }
    box_html.push_str("</ul>\n</div>");
    box_html
}

/// The start tag of the unit wrapper a control is the first thing in, if
/// it is (a message goes before the wrapper, so the unit stays beside the
/// input).
fn unit_wrap(html: &str, tokens: &[Token], control: usize) -> Option<usize> {
    (0..control)
        .rev()
        .find(|&i| match &tokens[i] {
            Token::Text(r) => !html[r.clone()].trim().is_empty(),
            Token::Tag(_) => true,
        })
        .filter(|&i| {
            tag(tokens, i).is_some_and(|w| w.is_start("span") && w.has_class("amt-unit-wrap"))
        })
}

/// What changes in the page, by the index of the token it concerns.
#[derive(Default)]
struct Edits {
    /// HTML written before a token.
    before: BTreeMap<usize, String>,
    /// HTML written after a token; after `tokens.len()`, at the end.
    after: BTreeMap<usize, String>,
    /// Tags marked `aria-invalid`.
    invalid: HashSet<usize>,
    /// Tags described by an error message: the message's id.
    described: HashMap<usize, String>,
    /// Tags written anew.
    changed: HashMap<usize, String>,
    /// Text written instead of a token's (a textarea's value).
    text_for: HashMap<usize, String>,
}

impl Edits {
    /// Puts each element's messages beside it and links its controls to
    /// them.
    fn messages(&mut self, html: &str, tokens: &[Token], messages: &BTreeMap<usize, Vec<String>>) {
        for (&t, list) in messages {
            let Some(target) = tag(tokens, t) else {
                continue;
            };
            let id = target.attr("id").unwrap_or_default();
            let error_id = format!("{id}--error");
            let p = message_paragraph(&error_id, list);
            if target.is_control() {
                // Before the input (and its unit, if it has one).
                let at = unit_wrap(html, tokens, t).unwrap_or(t);
                self.before.entry(at).or_default().push_str(&p);
                self.invalid.insert(t);
                self.described.insert(t, error_id);
            } else if target.is_start("fieldset") {
                self.fieldset_message(tokens, t, &p, error_id);
            } else {
                self.after.entry(t).or_default().push_str(&p);
            }
        }
    }

    /// A fieldset's message goes after its legend; the inputs of a choice
    /// are each in error.
    fn fieldset_message(&mut self, tokens: &[Token], t: usize, p: &str, error_id: String) {
        let end = element_end(tokens, t);
        let legend =
            (t..end).find(|&i| tag(tokens, i).is_some_and(|l| l.closing && l.name == "legend"));
        self.after
            .entry(legend.unwrap_or(t))
            .or_default()
            .push_str(p);
        self.described.insert(t, error_id.clone());
        if tag(tokens, t).is_some_and(|f| f.has_class("amt-choices")) {
            for i in t..end {
                if tag(tokens, i).is_some_and(|x| x.is_start("input")) {
                    self.invalid.insert(i);
                    self.described.insert(i, error_id.clone());
                }
            }
        }
    }

    /// Puts the summary at the top of the main content (else of the body,
    /// else of the page).
    fn summary(&mut self, tokens: &[Token], box_html: &str) {
        if box_html.is_empty() {
            return;
        }
        match position(tokens, |t| t.is_start("main"))
            .or_else(|| position(tokens, |t| t.is_start("body")))
        {
            Some(i) => self.after.entry(i).or_default().insert_str(0, box_html),
            None => self.before.entry(0).or_default().insert_str(0, box_html),
        }
    }

    /// Puts the reload script at the end of the head (else of the body, else
    /// of the page).
    fn reload(&mut self, tokens: &[Token], reload: &str) {
        match position(tokens, |t| t.closing && t.name == "head")
            .or_else(|| position(tokens, |t| t.closing && t.name == "body"))
        {
            Some(i) => self.before.entry(i).or_default().push_str(reload),
            None => self.after.entry(tokens.len()).or_default().push_str(reload),
        }
    }

    /// Puts the values entered back into the controls and marks the tags
    /// in error, writing anew each tag that changes.
    fn refill_and_mark(&mut self, tokens: &mut [Token], values: &HashMap<String, Vec<String>>) {
        let mut refill = Refill {
            values,
            used: HashMap::new(),
            select: None,
            textarea: None,
        };
        for (i, token) in tokens.iter_mut().enumerate() {
            match token {
                Token::Text(_) => {
                    if let Some(v) = refill.textarea.take() {
                        let lead = if v.starts_with('\n') { "\n" } else { "" };
                        self.text_for.insert(i, format!("{lead}{}", escape(&v)));
                    }
                }
                Token::Tag(t) if t.closing => {
                    if t.name == "select" {
                        refill.select = None;
                    }
                }
                Token::Tag(t) => {
                    let mut edited = refill.start_tag(t);
                    edited |= self.mark(i, t);
                    if edited {
                        self.changed.insert(i, t.render());
                    }
                }
            }
        }
    }

    /// Marks a tag in error and links it to its message; whether it
    /// changed.
    fn mark(&self, i: usize, t: &mut Tag) -> bool {
        let mut edited = false;
        if self.invalid.contains(&i) {
            t.set("aria-invalid", Some("true".into()));
            edited = true;
        }
        if let Some(error_id) = self.described.get(&i) {
            let mut list: Vec<String> = t
                .attr("aria-describedby")
                .unwrap_or_default()
                .split_ascii_whitespace()
                .map(str::to_string)
                .collect();
            if !list.contains(error_id) {
                list.push(error_id.clone());
            }
            t.set("aria-describedby", Some(list.join(" ")));
            edited = true;
        }
        edited
    }

    /// The page with the edits, the title after `title` beginning with
    /// `title_prefix`.
    fn write(
        &self,
        html: &str,
        tokens: &[Token],
        title: Option<usize>,
        title_prefix: &str,
    ) -> String {
        let mut out = String::with_capacity(html.len() + 4096);
        for (i, token) in tokens.iter().enumerate() {
            if let Some(s) = self.before.get(&i) {
                out.push_str(s);
            }
            match token {
                Token::Text(r) => match self.text_for.get(&i) {
                    Some(s) => out.push_str(s),
                    None => {
                        if title.is_some_and(|t| t + 1 == i) {
                            out.push_str(&escape(title_prefix));
                        }
                        out.push_str(&html[r.clone()]);
                    }
                },
                Token::Tag(t) => match self.changed.get(&i) {
                    Some(s) => out.push_str(s),
                    None => out.push_str(&html[t.start..t.end]),
                },
            }
            if let Some(s) = self.after.get(&i) {
                out.push_str(s);
            }
        }
        if let Some(s) = self.after.get(&tokens.len()) {
            out.push_str(s);
        }
        out
    }
}

/// Puts the values posted back into the form's controls, in page order:
/// the n-th control of a name takes the n-th value posted under it.
struct Refill<'v> {
    values: &'v HashMap<String, Vec<String>>,
    /// How many values of each name the controls so far took.
    used: HashMap<String, usize>,
    /// The values posted for the `select` being read.
    select: Option<&'v Vec<String>>,
    /// The value of the `textarea` just opened, for the text that follows.
    textarea: Option<String>,
}

impl<'v> Refill<'v> {
    /// Sets the value, checked or selected state of a start tag as posted;
    /// whether it changed.
    fn start_tag(&mut self, t: &mut Tag) -> bool {
        let values = self.values;
        let name = t.attr("name").map(str::to_string);
        match (
            t.name.as_str(),
            name.and_then(|n| values.get(&n).map(|v| (n, v))),
        ) {
            ("input", Some((name, posted))) => self.input(t, name, posted),
            ("select", Some((_, posted))) => {
                self.select = Some(posted);
                false
            }
            ("textarea", Some((name, posted))) => {
                self.textarea = self.next(name, posted).cloned();
                false
            }
            ("option", _) => {
                let Some(posted) = self.select else {
                    return false;
                };
                if t.attr("value")
                    .is_some_and(|v| posted.iter().any(|p| p == v))
                {
                    t.set("selected", None);
                } else {
                    t.remove("selected");
                }
                true
            }
            _ => false,
        }
    }

    /// An input: a check box or radio button checked if its value was
    /// posted, a text input holding the next value of its name.
    fn input(&mut self, t: &mut Tag, name: String, posted: &'v [String]) -> bool {
        let kind = t.attr("type").unwrap_or("text").to_ascii_lowercase();
        match kind.as_str() {
            "checkbox" | "radio" => {
                let value = t.attr("value").unwrap_or("on").to_string();
                if posted.contains(&value) {
                    t.set("checked", None);
                } else {
                    t.remove("checked");
                }
                true
            }
            "file" | "submit" | "button" | "reset" | "image" | "hidden" => false,
            _ => match self.next(name, posted) {
                Some(v) => {
                    t.set("value", Some(v.clone()));
                    true
                }
                None => false,
            },
        }
    }

    /// The next value posted under a name, counting it as taken.
    fn next(&mut self, name: String, posted: &'v [String]) -> Option<&'v String> {
        let k = self.used.entry(name).or_default();
        let v = posted.get(*k);
        *k += 1;
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="de">
<head>
<title>Antrag &amp; mehr</title>
<script src="../assets/amt.js" defer></script>
</head>
<body>
<main id="main" class="amt-main">
<h1>Antrag</h1>
<form class="amt-form" method="post" enctype="multipart/form-data">
<div class="amt-field" id="f-name--field">
<label for="f-name">Name</label>
<input id="f-name" name="name" type="text" maxlength="5" required>
</div>
<div class="amt-field" id="f-betrag--field">
<label for="f-betrag">Betrag</label>
<span class="amt-unit-wrap"><input id="f-betrag" name="betrag" type="text" data-x="a &gt; b"> <span class="amt-unit">EUR</span></span>
</div>
<fieldset class="amt-field amt-choices" id="f-farbe" aria-describedby="f-farbe--hint">
<legend>Farbe</legend>
<p class="amt-hint" id="f-farbe--hint">Eine</p>
<div class="amt-choice"><input type="radio" id="f-farbe-0" name="farbe" value="rot" required><label for="f-farbe-0">rot</label></div>
<div class="amt-choice"><input type="radio" id="f-farbe-1" name="farbe" value="gr&#252;n"><label for="f-farbe-1">grün</label></div>
</fieldset>
<div class="amt-repeat" id="f-person" data-min="1">
<fieldset class="amt-group amt-item" id="f-person-0" data-index="0">
<legend>Person 1</legend>
<div class="amt-field" id="f-person-0-vorname--field">
<label for="f-person-0-vorname">Vorname</label>
<input id="f-person-0-vorname" name="person[0].vorname" type="text">
</div>
</fieldset>
</div>
<select id="f-land" name="land"><option value="">Bitte wählen</option>
<option value="DE">Deutschland</option>
<option value="AT">Österreich</option>
</select>
<textarea id="f-text" name="text"></textarea>
</form>
<script type="application/json" id="amt-model">{"a":"\u003c/script\u003e"}</script>
</main>
</body>
</html>
"#;

    fn shown(path: &str, label: &str, message: &str) -> Shown {
        Shown {
            form_path: path.into(),
            label: Some(label.into()),
            message: message.into(),
        }
    }

    #[test]
    fn the_reload_script_goes_into_the_head() {
        let tag = reload_tag(7, false);
        let out = with_reload(PAGE, &tag);
        assert!(
            out.contains("defer data-version=\"7\"></script>\n</head>"),
            "{out}"
        );
        assert_eq!(with_reload("<p>x</p>", &tag), format!("<p>x</p>{tag}"));
        assert!(reload_tag(1, true).contains(" data-after-post>"));
    }

    #[test]
    fn errors_are_summarised_and_marked_and_values_kept() {
        let values = HashMap::from([
            ("name".to_string(), vec!["Anna <b>\"".to_string()]),
            ("farbe".to_string(), vec!["grün".to_string()]),
            ("land".to_string(), vec!["AT".to_string()]),
            ("text".to_string(), vec!["\nzwei & drei".to_string()]),
            ("betrag".to_string(), vec!["12,5".to_string()]),
        ]);
        let errors = [
            shown("name", "Name", "Zu lang <5>."),
            shown("farbe", "Farbe", "Bitte wählen."),
            shown("betrag", "Betrag", "Zu viel."),
            shown("person[0].vorname", "Vorname", "Fehlt."),
            shown("person[3].vorname", "Vorname", "Fehlt auch."),
            shown("person", "Person", "Mindestens eine."),
            shown("unbekannt", "", "Gehört nicht dazu."),
            shown("name", "Name", "Zu lang <5>."),
        ];
        let wording = Wording {
            heading: "Es gibt ein Problem",
            title_prefix: "Fehler: ",
        };
        let out = with_errors(PAGE, &errors, &values, &wording, &reload_tag(3, true));
        let summary_at = out
            .find("<main id=\"main\" class=\"amt-main\">\n<div class=\"amt-error-summary\"")
            .expect(&out);
        assert!(summary_at < out.find("<h1>").unwrap());
        for item in [
            "<li><a href=\"#f-name\">Name: Zu lang &lt;5&gt;.</a></li>",
            "<li><a href=\"#f-farbe-0\">Farbe: Bitte wählen.</a></li>",
            "<li><a href=\"#f-betrag\">Betrag: Zu viel.</a></li>",
            "<li><a href=\"#f-person-0-vorname\">Vorname: Fehlt.</a></li>",
            "<li><a href=\"#f-person-0-vorname\">Vorname: Fehlt auch.</a></li>",
            "<li><a href=\"#f-person-0-vorname\">Person: Mindestens eine.</a></li>",
            "<li>Gehört nicht dazu.</li>",
        ] {
            assert!(out.contains(item), "{item} in {out}");
        }
        assert_eq!(out.matches("Name: Zu lang").count(), 1, "{out}");
        assert!(
            out.contains("<title>Fehler: Antrag &amp; mehr</title>"),
            "{out}"
        );
        assert!(out.contains(
            "<p class=\"amt-error\" id=\"f-name--error\">Zu lang &lt;5&gt;.</p>\n<input id=\"f-name\" name=\"name\" type=\"text\" maxlength=\"5\" required value=\"Anna &lt;b&gt;&quot;\" aria-invalid=\"true\" aria-describedby=\"f-name--error\">"
        ), "{out}");
        assert!(out.contains("<p class=\"amt-error\" id=\"f-betrag--error\">Zu viel.</p>\n<span class=\"amt-unit-wrap\"><input id=\"f-betrag\" name=\"betrag\" type=\"text\" data-x=\"a &gt; b\" value=\"12,5\" aria-invalid"), "{out}");
        assert!(out.contains("<fieldset class=\"amt-field amt-choices\" id=\"f-farbe\" aria-describedby=\"f-farbe--hint f-farbe--error\">\n<legend>Farbe</legend><p class=\"amt-error\" id=\"f-farbe--error\">Bitte wählen.</p>"), "{out}");
        assert!(
            out.contains(
                "value=\"grün\" checked aria-invalid=\"true\" aria-describedby=\"f-farbe--error\">"
            ),
            "{out}"
        );
        assert!(
            out.contains("value=\"rot\" required aria-invalid=\"true\""),
            "{out}"
        );
        assert!(
            out.contains("<p class=\"amt-error\" id=\"f-person-0-vorname--error\">Fehlt.</p>"),
            "{out}"
        );
        assert!(out.contains("<div class=\"amt-repeat\" id=\"f-person\" data-min=\"1\"><p class=\"amt-error\" id=\"f-person--error\">Fehlt auch. Mindestens eine.</p>"), "{out}");
        assert!(
            out.contains("<option value=\"AT\" selected>Österreich</option>"),
            "{out}"
        );
        assert!(
            out.contains("<option value=\"DE\">Deutschland</option>"),
            "{out}"
        );
        assert!(
            out.contains("<textarea id=\"f-text\" name=\"text\">\n\nzwei &amp; drei</textarea>"),
            "{out}"
        );
        assert!(
            out.contains("{\"a\":\"\\u003c/script\\u003e\"}</script>"),
            "{out}"
        );
        assert!(
            out.contains("data-version=\"3\" data-after-post></script>\n</head>"),
            "{out}"
        );
    }

    #[test]
    fn character_references_are_decoded() {
        assert_eq!(
            decode("a &amp; b &#252; &#x2f; &lt;&gt;&quot;&apos; &nbsp; &"),
            "a & b ü / <>\"' &nbsp; &"
        );
        assert_eq!(element_id("person[1].ehe.datum"), "f-person-1-ehe-datum");
        assert_eq!(parent("a[1].b"), Some("a[1]"));
        assert_eq!(parent("a[1]"), Some("a"));
        assert_eq!(parent("a"), None);
    }

    #[test]
    fn broken_markup_does_not_break_the_page() {
        for html in [
            "<",
            "<a",
            "<a href=\"x",
            "<!-- x",
            "<script>never closed",
            "<<>>",
            "<p a=>b</p>",
            "</>",
            "<textarea name=text>",
        ] {
            let out = with_errors(
                html,
                &[shown("text", "T", "m")],
                &HashMap::from([("text".to_string(), vec!["v".to_string()])]),
                &Wording {
                    heading: "h",
                    title_prefix: "E: ",
                },
                "<script></script>",
            );
            assert!(out.contains("<script></script>"), "{html}: {out}");
        }
    }
}
