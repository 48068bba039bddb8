//! A form post as the submission JSON the procedure's schema describes: the
//! body's fields (`application/x-www-form-urlencoded` or
//! `multipart/form-data`) read the way the forms' script reads the inputs
//! (`assets/amt.js`, `readField` and `settle`), with the checked model
//! telling each field's type; and back, a submission as the values of the
//! form's inputs (to fill the form in again).

use amt_compiler::ir::{FieldType, Node, NodeKind, Procedure};
use amt_compiler::validate::{Model, Options, Report};
use serde_json::{Map, Value as Json};
use std::collections::{HashMap, HashSet};

/// One posted value.
#[derive(Debug, Clone, PartialEq)]
pub enum Posted {
    /// A text (every input but files).
    Text(String),
    /// A file of a file input (its content is not kept).
    File {
        /// Its name on the applicant's machine; empty when none was chosen.
        filename: String,
        /// Its media type as the browser says.
        media_type: String,
        /// Its size in bytes.
        size: u64,
    },
}

/// The fields of a post, in order, by name.
#[derive(Debug, Default)]
pub struct Fields(pub Vec<(String, Posted)>);

impl Fields {
    /// The first text posted under `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.iter().find_map(|(n, v)| match v {
            Posted::Text(t) if n == name => Some(t.as_str()),
            _ => None,
        })
    }

    /// The texts by name, as the inputs show them again (files left out:
    /// a file input cannot be filled in by the page).
    pub fn values(&self) -> HashMap<String, Vec<String>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for (name, v) in &self.0 {
            if let Posted::Text(t) = v {
                out.entry(name.clone()).or_default().push(t.clone());
            }
        }
        out
    }
}

/// Why a body could not be read.
#[derive(Debug, PartialEq)]
pub enum BodyError {
    /// Not one of the two form encodings (HTTP 415).
    Unsupported(String),
    /// Malformed (HTTP 400).
    Malformed(&'static str),
    /// More fields than a form has (HTTP 413).
    TooMany,
}

/// The most fields a post may have.
pub const MAX_FIELDS: usize = 10_000;

/// How the fields came: for the log of submissions.
pub fn encoding_name(content_type: &str) -> &'static str {
    match media_type(content_type).as_str() {
        "multipart/form-data" => "multipart/form-data",
        _ => "application/x-www-form-urlencoded",
    }
}

fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The parameters of a header value such as `multipart/form-data;
/// boundary=x` or `form-data; name="a"; filename="b"`, names lowercased.
/// Quoted values end at the next quote: browsers percent-encode quotes,
/// CR and LF in names and file names (HTML's rules for form-data) and
/// send backslashes as they are.
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value.split_once(';').map_or("", |(_, r)| r);
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            break;
        }
        let name_end = rest.find(['=', ';']).unwrap_or(rest.len());
        let name = rest[..name_end].trim().to_ascii_lowercase();
        rest = &rest[name_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(quoted) = after.strip_prefix('"') {
                let end = quoted.find('"').unwrap_or(quoted.len());
                rest = quoted.get(end + 1..).unwrap_or("");
                quoted[..end].to_string()
            } else {
                let end = after.find(';').unwrap_or(after.len());
                rest = &after[end..];
                after[..end].trim().to_string()
            }
        } else {
            String::new()
        };
        if !name.is_empty() {
            out.push((name, value));
        }
    }
    out
}

/// Undoes HTML's escaping of `"`, CR and LF in form-data names.
fn unescape_name(s: &str) -> String {
    s.replace("%22", "\"")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
}

/// Reads a form body by its `Content-Type`.
pub fn parse_body(content_type: &str, body: &[u8]) -> Result<Fields, BodyError> {
    let fields = match media_type(content_type).as_str() {
        "application/x-www-form-urlencoded" => {
            let text = std::str::from_utf8(body)
                .map_err(|_| BodyError::Malformed("the form data is not UTF-8 text"))?;
            let mut fields = Vec::new();
            for (name, value) in form_urlencoded::parse(text.as_bytes()) {
                if fields.len() >= MAX_FIELDS {
                    return Err(BodyError::TooMany);
                }
                fields.push((name.into_owned(), Posted::Text(value.into_owned())));
            }
            fields
        }
        "multipart/form-data" => {
            let boundary = parameters(content_type)
                .into_iter()
                .find(|(n, _)| n == "boundary")
                .map(|(_, v)| v)
                .filter(|b| !b.is_empty() && b.len() <= 200)
                .ok_or(BodyError::Malformed(
                    "multipart/form-data without a boundary",
                ))?;
            multipart(body, &boundary)?
        }
        other => {
            return Err(BodyError::Unsupported(if other.is_empty() {
                "no Content-Type".into()
            } else {
                other.to_string()
            }));
        }
    };
    Ok(Fields(fields))
}

/// Reads `multipart/form-data` (RFC 7578): parts between `--BOUNDARY`
/// lines, each with its headers, an empty line and its content.
fn multipart(body: &[u8], boundary: &str) -> Result<Vec<(String, Posted)>, BodyError> {
    const BAD: BodyError = BodyError::Malformed("the multipart/form-data body is malformed");
    let first = format!("--{boundary}");
    let next = format!("\r\n--{boundary}");
    let finder = memchr::memmem::Finder::new(next.as_bytes());
    // A preamble before the first boundary is allowed and ignored.
    let mut pos = if body.starts_with(first.as_bytes()) {
        first.len()
    } else {
        finder.find(body).ok_or(BAD)? + next.len()
    };
    let mut fields = Vec::new();
    loop {
        let rest = &body[pos..];
        if rest.starts_with(b"--") {
            return Ok(fields);
        }
        // Transport padding, then the line's end.
        let padding = rest
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if !rest[padding..].starts_with(b"\r\n") {
            return Err(BAD);
        }
        // The headers end with an empty line: search from the line end
        // just read, so that a part without headers is found too.
        let line_end = pos + padding;
        let head = memchr::memmem::find(&body[line_end..], b"\r\n\r\n").ok_or(BAD)?;
        let headers = body.get(line_end + 2..line_end + head).unwrap_or_default();
        let start = line_end + head + 4;
        let length = finder.find(&body[start..]).ok_or(BAD)?;
        let content = &body[start..start + length];
        pos = start + length + next.len();
        let headers = std::str::from_utf8(headers)
            .map_err(|_| BodyError::Malformed("a part's headers are not UTF-8 text"))?;
        let mut name = None;
        let mut filename = None;
        let mut media_type = None;
        for line in headers.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            match key.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for (k, v) in parameters(value) {
                        match k.as_str() {
                            "name" => name = Some(unescape_name(&v)),
                            "filename" => filename = Some(unescape_name(&v)),
                            _ => {}
                        }
                    }
                }
                "content-type" => media_type = Some(value.trim().to_string()),
                _ => {}
            }
        }
        let Some(name) = name else { continue };
        if fields.len() >= MAX_FIELDS {
            return Err(BodyError::TooMany);
        }
        let value = match filename {
            Some(filename) => Posted::File {
                filename,
                media_type: media_type
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "application/octet-stream".into()),
                size: content.len() as u64,
            },
            None => Posted::Text(
                String::from_utf8(content.to_vec())
                    .map_err(|_| BodyError::Malformed("a field's value is not UTF-8 text"))?,
            ),
        };
        fields.push((name, value));
    }
}

/// A number as people write it (`1.500,25` in German, `1,500.25` in
/// English), as the script's `parseNumber` reads it: what is not a number
/// (or not a whole one where one is asked) stays the text it was, and the
/// validator says what is wrong with it.
pub fn number(raw: &str, integer: bool, german: bool) -> Json {
    let t: Vec<char> = raw.trim().chars().filter(|c| !c.is_whitespace()).collect();
    let grouping = if german { '.' } else { ',' };
    let mut s = String::with_capacity(t.len());
    for (i, c) in t.iter().enumerate() {
        // A group separator before exactly three digits.
        let group = *c == grouping
            && t.len() >= i + 4
            && t[i + 1..i + 4].iter().all(char::is_ascii_digit)
            && t.get(i + 4).is_none_or(|d| !d.is_ascii_digit());
        if !group {
            s.push(*c);
        }
    }
    if german {
        s = s.replacen(',', ".", 1);
    }
    let digits = s.strip_prefix('-').unwrap_or(&s);
    let well_formed = match digits.split_once('.') {
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.chars().all(|c| c.is_ascii_digit())
                && b.chars().all(|c| c.is_ascii_digit())
        }
        None => !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()),
    };
    let Some(value) = well_formed.then(|| s.parse::<f64>().ok()).flatten() else {
        return Json::String(raw.to_string());
    };
    if integer && value.fract() != 0.0 {
        return Json::String(raw.to_string());
    }
    // Whole numbers as JSON integers (as `JSON.stringify` writes them).
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        return Json::from(value as i64);
    }
    serde_json::Number::from_f64(value).map_or_else(|| Json::String(raw.to_string()), Json::Number)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A submission read from a post.
#[derive(Debug)]
pub struct Conversion {
    /// The submission.
    pub data: Json,
    /// For each repeat item, by its path in the data (`person[0]`), its
    /// path in the form (`person[1]`): empty items are left out, so the
    /// numbers can differ.
    pub items: HashMap<String, String>,
}

struct Reader<'f> {
    by_name: HashMap<&'f str, Vec<&'f Posted>>,
    /// Every posted name, sorted: the items of a repeat are found by prefix.
    names: Vec<&'f str>,
    german: bool,
    hidden: &'f HashSet<String>,
    items: HashMap<String, String>,
}

impl<'f> Reader<'f> {
    fn group(&mut self, nodes: &[Node], form: &str, data: &str) -> Option<Map<String, Json>> {
        let mut out = Map::new();
        for n in nodes {
            if let Some(v) = self.node(n, &join(form, &n.id), &join(data, &n.id)) {
                out.insert(n.id.clone(), v);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    fn node(&mut self, n: &Node, form: &str, data: &str) -> Option<Json> {
        if self.hidden.contains(form) {
            return None;
        }
        match (&n.kind, n.repeat) {
            (NodeKind::Note { .. } | NodeKind::Computed { .. }, _) => None,
            (NodeKind::Attachment { .. }, _) => self.files(form),
            (NodeKind::Group { items, .. }, None) => {
                self.group(items, form, data).map(Json::Object)
            }
            (NodeKind::Field { ty }, None) => self.field(ty, form),
            (kind, Some(_)) => {
                let mut out = Vec::new();
                for i in self.indices(form) {
                    let (item_form, item_data) =
                        (format!("{form}[{i}]"), format!("{data}[{}]", out.len()));
                    let v = match kind {
                        NodeKind::Group { items, .. } => {
                            self.group(items, &item_form, &item_data).map(Json::Object)
                        }
                        NodeKind::Field { ty } => self.field(ty, &item_form),
                        _ => None,
                    };
                    if let Some(v) = v {
                        self.items.insert(item_data, item_form);
                        out.push(v);
                    }
                }
                (!out.is_empty()).then_some(Json::Array(out))
            }
        }
    }

    /// The item numbers posted for a repeat, e.g. 0 and 2 for
    /// `person[0].name` and `person[2].name`.
    fn indices(&self, form: &str) -> Vec<u32> {
        let prefix = format!("{form}[");
        let from = self.names.partition_point(|n| *n < prefix.as_str());
        let mut found: Vec<u32> = self.names[from..]
            .iter()
            .take_while(|n| n.starts_with(&prefix))
            .filter_map(|n| {
                let rest = &n[prefix.len()..];
                let (number, after) = rest.split_once(']')?;
                let whole = after.is_empty() || after.starts_with('.');
                (whole && !number.is_empty() && number.len() <= 6)
                    .then(|| number.parse().ok())
                    .flatten()
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    fn texts(&self, name: &str) -> impl Iterator<Item = &'f str> + '_ {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|v| match v {
                Posted::Text(t) if !t.is_empty() => Some(t.as_str()),
                _ => None,
            })
    }

    fn field(&self, ty: &FieldType, name: &str) -> Option<Json> {
        if let FieldType::Choice { multiple: true, .. } = ty {
            let codes: Vec<Json> = self.texts(name).map(Json::from).collect();
            return (!codes.is_empty()).then_some(Json::Array(codes));
        }
        let text = self.texts(name).next()?;
        Some(match ty {
            FieldType::Boolean | FieldType::Consent => match text {
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                other => Json::from(other),
            },
            FieldType::Integer { .. } => number(text, true, self.german),
            FieldType::Decimal { .. } | FieldType::Money { .. } => number(text, false, self.german),
            // Browsers send a text area's line breaks as CR LF; the page's
            // script reads them as LF.
            _ => Json::from(text.replace("\r\n", "\n")),
        })
    }

    fn files(&self, name: &str) -> Option<Json> {
        let files: Vec<Json> = self
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|v| match v {
                Posted::File {
                    filename,
                    media_type,
                    size,
                } if !filename.is_empty() => Some((filename.as_str(), media_type.as_str(), *size)),
                // Sent without multipart/form-data, a file input is its name only.
                Posted::Text(t) if !t.is_empty() => {
                    Some((t.as_str(), "application/octet-stream", 0))
                }
                _ => None,
            })
            .enumerate()
            .map(|(i, (filename, media_type, size))| {
                serde_json::json!({
                    "id": format!("upload-{name}-{i}"),
                    "filename": filename,
                    "media_type": media_type,
                    "size": size,
                })
            })
            .collect();
        (!files.is_empty()).then_some(Json::Array(files))
    }
}

/// Reads the submission from the fields; parts whose form path is in
/// `hidden` are left out.
pub fn submission(
    p: &Procedure,
    fields: &Fields,
    lang: &str,
    hidden: &HashSet<String>,
) -> Conversion {
    let mut by_name: HashMap<&str, Vec<&Posted>> = HashMap::new();
    for (name, value) in &fields.0 {
        by_name.entry(name.as_str()).or_default().push(value);
    }
    let mut names: Vec<&str> = by_name.keys().copied().collect();
    names.sort_unstable();
    let mut reader = Reader {
        by_name,
        names,
        german: amt_compiler::ir::is_german(lang),
        hidden,
        items: HashMap::new(),
    };
    let mut data = Map::new();
    for page in &p.pages {
        data.extend(reader.group(&page.items, "", "").unwrap_or_default());
    }
    data.extend(reader.group(&p.attachments, "", "").unwrap_or_default());
    Conversion {
        data: Json::Object(data),
        items: reader.items,
    }
}

/// A path in the data (`person[0].ehe.datum`) as the path in the form
/// (`person[1].ehe.datum`).
pub fn form_path(path: &str, items: &HashMap<String, String>) -> String {
    let (mut data, mut form) = (String::new(), String::new());
    for segment in path.split('.') {
        let (name, index) = match segment.find('[') {
            Some(i) => (&segment[..i], Some(&segment[i..])),
            None => (segment, None),
        };
        if !data.is_empty() {
            data.push('.');
            form.push('.');
        }
        data.push_str(name);
        form.push_str(name);
        if let Some(index) = index {
            data.push_str(index);
            match items.get(&data) {
                Some(f) => form.clone_from(f),
                None => form.push_str(index),
            }
        }
    }
    form
}

/// The submission the page's script would send, with amt's validator's
/// report on it: what the fields say, without the parts that do not apply
/// given the other answers (read again until nothing changes, as the
/// script's `settle` does), so that an answer left in a part that does not
/// apply is not held against the applicant.
pub fn settle(
    p: &Procedure,
    model: &Model,
    fields: &Fields,
    options: &Options,
    lang: &str,
) -> (Conversion, Report) {
    let mut hidden = HashSet::new();
    let mut round = 0;
    loop {
        let conversion = submission(p, fields, lang, &hidden);
        let report = model.validate(&conversion.data, options);
        let next: HashSet<String> = report
            .visible
            .iter()
            .filter(|(_, visible)| !**visible)
            .map(|(path, _)| form_path(path, &conversion.items))
            .collect();
        round += 1;
        if next == hidden || round == 10 {
            return (conversion, report);
        }
        hidden = next;
    }
}

/// A submission as the values of the form's inputs, by name: to fill the
/// form in again. Files are left out (a page cannot choose them).
pub fn values_of(p: &Procedure, data: &Json, lang: &str) -> HashMap<String, Vec<String>> {
    fn scalar(v: &Json, german: bool, out: &mut Vec<String>) {
        match v {
            Json::String(s) => out.push(s.clone()),
            Json::Bool(b) => out.push(b.to_string()),
            Json::Number(n) => {
                let s = n.to_string();
                out.push(if german { s.replace('.', ",") } else { s });
            }
            Json::Array(list) => {
                for x in list.iter().filter(|x| !x.is_array()) {
                    scalar(x, german, out);
                }
            }
            _ => {}
        }
    }
    fn walk(
        nodes: &[Node],
        data: &Json,
        prefix: &str,
        german: bool,
        out: &mut HashMap<String, Vec<String>>,
    ) {
        let Json::Object(obj) = data else { return };
        for n in nodes {
            let Some(v) = obj.get(&n.id) else { continue };
            let name = join(prefix, &n.id);
            match (&n.kind, n.repeat, v) {
                (NodeKind::Group { items, .. }, Some(_), Json::Array(list)) => {
                    for (i, item) in list.iter().enumerate() {
                        walk(items, item, &format!("{name}[{i}]"), german, out);
                    }
                }
                (NodeKind::Field { .. }, Some(_), Json::Array(list)) => {
                    for (i, item) in list.iter().enumerate() {
                        scalar(item, german, out.entry(format!("{name}[{i}]")).or_default());
                    }
                }
                (NodeKind::Group { items, .. }, None, _) => walk(items, v, &name, german, out),
                (NodeKind::Field { .. }, None, _) => {
                    scalar(v, german, out.entry(name).or_default())
                }
                _ => {}
            }
        }
    }
    let german = amt_compiler::ir::is_german(lang);
    let mut out = HashMap::new();
    for page in &p.pages {
        walk(&page.items, data, "", german, &mut out);
    }
    out.retain(|_, v| !v.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(fields: &Fields) -> Vec<(&str, &str)> {
        fields
            .0
            .iter()
            .map(|(n, v)| match v {
                Posted::Text(t) => (n.as_str(), t.as_str()),
                Posted::File { filename, .. } => (n.as_str(), filename.as_str()),
            })
            .collect()
    }

    #[test]
    fn urlencoded_bodies_are_read() {
        let f = parse_body(
            "application/x-www-form-urlencoded; charset=UTF-8",
            b"a=1&b=Stra%C3%9Fe+7&a=2&empty=&person%5B0%5D.name=x",
        )
        .unwrap();
        assert_eq!(
            text(&f),
            [
                ("a", "1"),
                ("b", "Straße 7"),
                ("a", "2"),
                ("empty", ""),
                ("person[0].name", "x")
            ]
        );
    }

    #[test]
    fn multipart_bodies_are_read() {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAnna\r\nLena\r\n--XyZ\r\n\
            Content-Disposition: form-data; name=\"doc\"; filename=\"a \\ b%22.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1\r\n\r\n--XyZ\r\n\
            Content-Disposition: form-data; name=\"none\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--XyZ\r\n\
            content-disposition: form-data; name=\"q%22x\"\r\n\r\n\r\n--XyZ--\r\nepilogue";
        let f = parse_body("multipart/form-data; boundary=\"XyZ\"", body.as_bytes()).unwrap();
        assert_eq!(f.0[0], ("name".into(), Posted::Text("Anna\r\nLena".into())));
        assert_eq!(
            f.0[1],
            (
                "doc".into(),
                Posted::File {
                    filename: "a \\ b\".pdf".into(),
                    media_type: "application/pdf".into(),
                    size: 8
                }
            )
        );
        assert_eq!(
            f.0[2],
            (
                "none".into(),
                Posted::File {
                    filename: String::new(),
                    media_type: "application/octet-stream".into(),
                    size: 0
                }
            )
        );
        assert_eq!(f.0[3], ("q\"x".into(), Posted::Text(String::new())));
        assert_eq!(f.0.len(), 4);
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let bad = |ct: &str, body: &str| parse_body(ct, body.as_bytes()).unwrap_err();
        assert!(matches!(
            bad("text/plain", "a=1"),
            BodyError::Unsupported(_)
        ));
        assert!(matches!(bad("", "a=1"), BodyError::Unsupported(_)));
        assert!(matches!(
            bad("multipart/form-data", "x"),
            BodyError::Malformed(_)
        ));
        for body in [
            "",
            "--b",
            "--b\r\n",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
            "--bX\r\n\r\n\r\n--b--",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\u{0}\r\n--b",
        ] {
            let r = parse_body("multipart/form-data; boundary=b", body.as_bytes());
            assert!(r.is_err(), "{body:?}: {r:?}");
        }
        let invalid = b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--b--";
        assert_eq!(
            parse_body("multipart/form-data; boundary=b", invalid).unwrap_err(),
            BodyError::Malformed("a field's value is not UTF-8 text")
        );
        let many = "a=1&".repeat(MAX_FIELDS + 1);
        assert_eq!(
            parse_body("application/x-www-form-urlencoded", many.as_bytes()).unwrap_err(),
            BodyError::TooMany
        );
    }

    #[test]
    fn numbers_are_read_as_people_write_them() {
        let de = |s: &str, int: bool| number(s, int, true);
        let en = |s: &str, int: bool| number(s, int, false);
        assert_eq!(de("1.500", true), Json::from(1500));
        assert_eq!(de("1.234.567", true), Json::from(1_234_567));
        assert_eq!(de("12,80", false), serde_json::json!(12.8));
        assert_eq!(de(" 1.500,25 ", false), serde_json::json!(1500.25));
        assert_eq!(de("1.5", false), serde_json::json!(1.5));
        assert_eq!(de("1,5", true), Json::from("1,5"));
        assert_eq!(de("-3", true), Json::from(-3));
        assert_eq!(de("3,0", true), Json::from(3));
        assert_eq!(de("12,345", false), serde_json::json!(12.345));
        assert_eq!(en("1,500.25", false), serde_json::json!(1500.25));
        assert_eq!(en("12.80", false), serde_json::json!(12.8));
        for raw in ["abc", "1e5", ".5", "5.", "--1", "", "1 2 3x", "0x10"] {
            assert_eq!(de(raw, false), Json::from(raw), "{raw}");
        }
        assert_eq!(
            en("99999999999999999999", true),
            serde_json::json!(99999999999999999999.0)
        );
    }

    /// The files of a submission's attachments, as a multipart post has them.
    fn files(nodes: &[Node], data: &Json, prefix: &str, out: &mut Vec<(String, Posted)>) {
        let Json::Object(obj) = data else { return };
        for n in nodes {
            let Some(v) = obj.get(&n.id) else { continue };
            let name = join(prefix, &n.id);
            match (&n.kind, n.repeat, v) {
                (NodeKind::Attachment { .. }, _, Json::Array(list)) => {
                    for f in list {
                        out.push((
                            name.clone(),
                            Posted::File {
                                filename: f["filename"].as_str().unwrap().into(),
                                media_type: f["media_type"].as_str().unwrap().into(),
                                size: f["size"].as_u64().unwrap(),
                            },
                        ));
                    }
                }
                (NodeKind::Group { items, .. }, Some(_), Json::Array(list)) => {
                    for (i, item) in list.iter().enumerate() {
                        files(items, item, &format!("{name}[{i}]"), out);
                    }
                }
                (NodeKind::Group { items, .. }, None, _) => files(items, v, &name, out),
                _ => {}
            }
        }
    }

    /// Every valid example of the real procedures and of the agreement
    /// fixture, put into the form's inputs (in each language) and posted
    /// without the script, reads back as a submission the validator
    /// accepts, with the same computed values and the same parts applying.
    #[test]
    fn examples_posted_through_the_form_read_back_the_same() {
        let mut checked = 0;
        for dir in ["forms", "tests/agreement"] {
            let (_, compiled) = amt_compiler::check_project(std::path::Path::new(dir)).unwrap();
            assert!(!compiled.failed(false), "{dir} has errors");
            for p in &compiled.procedures {
                let model = Model::new(p);
                for ex in &p.examples {
                    let today = ex
                        .today
                        .as_deref()
                        .and_then(amt_compiler::ir::date::Date::parse)
                        .or_else(|| amt_compiler::ir::date::Date::parse("2026-03-10"))
                        .unwrap();
                    for lang in &p.languages {
                        let options = Options {
                            today,
                            lang: Some(lang.clone()),
                        };
                        let expected = model.validate(&ex.data, &options);
                        if !expected.valid {
                            continue;
                        }
                        let mut posted = Vec::new();
                        let mut values: Vec<_> = values_of(p, &ex.data, lang).into_iter().collect();
                        values.sort();
                        for (name, list) in values {
                            posted
                                .extend(list.into_iter().map(|v| (name.clone(), Posted::Text(v))));
                        }
                        for page in &p.pages {
                            files(&page.items, &ex.data, "", &mut posted);
                        }
                        files(&p.attachments, &ex.data, "", &mut posted);
                        let (conversion, report) =
                            settle(p, &model, &Fields(posted), &options, lang);
                        let what =
                            format!("{} › {} ({lang}): {:#}", p.id, ex.name, conversion.data);
                        assert!(report.valid, "{what}: {:#?}", report.problems);
                        assert_eq!(report.computed, expected.computed, "{what}");
                        assert_eq!(report.visible, expected.visible, "{what}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 20, "only {checked} examples");
    }

    #[test]
    fn form_paths_follow_the_items_read() {
        let items = HashMap::from([
            ("person[0]".to_string(), "person[1]".to_string()),
            (
                "person[0].kind[1]".to_string(),
                "person[1].kind[2]".to_string(),
            ),
        ]);
        assert_eq!(
            form_path("person[0].ehe.datum", &items),
            "person[1].ehe.datum"
        );
        assert_eq!(
            form_path("person[0].kind[1].name", &items),
            "person[1].kind[2].name"
        );
        assert_eq!(form_path("person[3].name", &items), "person[3].name");
        assert_eq!(form_path("einzug", &items), "einzug");
        assert_eq!(form_path("", &items), "");
    }
}
