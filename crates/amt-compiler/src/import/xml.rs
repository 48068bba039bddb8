//! A small, safe XML tree for reading XDatenfelder documents.
//!
//! quick-xml reads the text; this module keeps what an import needs
//! (elements by local name, their attributes, their text, where each
//! starts) and refuses what an import never needs and an attacker would
//! use: a document type declaration (so no entity of its own, no billion
//! laughs, no external entity), a reference to an entity XML does not
//! define, more than [`MAX_DEPTH`] levels or [`MAX_ELEMENTS`] elements.
//! Nothing is ever fetched.

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use std::ops::Range;

/// The deepest nesting read (XDatenfelder documents nest a few dozen levels).
pub const MAX_DEPTH: usize = 200;
/// The most elements read (the largest FIM schemas have some tens of thousands).
pub const MAX_ELEMENTS: usize = 500_000;

/// An element: its local name (no prefix), its namespace declarations and
/// attributes, its text and its children.
#[derive(Debug, Default)]
pub struct Element {
    /// The name without its prefix.
    pub name: String,
    /// The name as written, with its prefix.
    pub qualified: String,
    /// Its attributes (local names) with their values.
    pub attrs: Vec<(String, String)>,
    /// Its text, the pieces joined, trimmed.
    pub text: String,
    /// Its child elements in order.
    pub children: Vec<Element>,
    /// Where its start tag is.
    pub at: Range<usize>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`, if it has any.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
    }

    /// The code of a code element (`<x><code>…</code></x>`), or its own
    /// text (XDF2 writes some codes so).
    pub fn code_of(&self, name: &str) -> Option<&str> {
        let c = self.child(name)?;
        c.text_of("code")
            .or_else(|| (!c.text.is_empty()).then_some(c.text.as_str()))
    }

    /// The value of the attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a text could not be read as XML, and where.
#[derive(Debug)]
pub struct XmlError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub at: Range<usize>,
    /// Whether the document asked for something refused on purpose (a
    /// document type, an entity), rather than being broken.
    pub refused: bool,
}

/// Reads `text` into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut count = 0usize;
    let broken = |message: String, at: usize, refused: bool| XmlError {
        message,
        at: at..at,
        refused,
    };
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| broken(format!("this is not well-formed XML: {e}"), before, false))?;
        let pos = reader.buffer_position() as usize;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(broken(
                        format!("the document has more than {MAX_ELEMENTS} elements"),
                        before,
                        true,
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(broken(
                        format!("elements nest more than {MAX_DEPTH} levels deep"),
                        before,
                        true,
                    ));
                }
                let qualified = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|err| {
                        broken(format!("an attribute is malformed: {err}"), before, false)
                    })?;
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = a
                        .unescape_value()
                        .map_err(|err| broken(unescape_problem(&err), before, true))?
                        .into_owned();
                    attrs.push((key, value));
                }
                let el = Element {
                    name,
                    qualified,
                    attrs,
                    at: before..pos,
                    ..Element::default()
                };
                if matches!(event, Event::Start(_)) {
                    stack.push(el);
                } else if stack.is_empty() {
                    return Ok(el);
                } else {
                    attach(&mut stack, el);
                }
            }
            Event::End(_) => {
                let Some(mut el) = stack.pop() else {
                    return Err(broken("an end tag closes nothing".into(), before, false));
                };
                el.text = el.text.trim().to_string();
                if stack.is_empty() {
                    return Ok(el);
                }
                attach(&mut stack, el);
            }
            Event::Text(t) => {
                let piece = t.decode().map_err(|err| {
                    broken(format!("the text is not UTF-8: {err}"), before, false)
                })?;
                let piece = quick_xml::escape::unescape(&piece)
                    .map_err(|err| broken(unescape_problem(&err), before, true))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&piece);
                } else if !piece.trim().is_empty() {
                    return Err(broken(
                        "text stands outside the root element".into(),
                        before,
                        false,
                    ));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let piece = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    n if n.starts_with('#') => {
                        let code = if let Some(hex) = n.strip_prefix("#x") {
                            u32::from_str_radix(hex, 16).ok()
                        } else {
                            n[1..].parse::<u32>().ok()
                        };
                        match code.and_then(char::from_u32) {
                            Some(c) => c.to_string(),
                            None => {
                                return Err(broken(
                                    format!("`&{n};` is no character"),
                                    before,
                                    false,
                                ));
                            }
                        }
                    }
                    _ => {
                        return Err(broken(
                            format!(
                                "the entity `&{name};` is not one of XML's own; amt reads no entities a document declares"
                            ),
                            before,
                            true,
                        ));
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&piece);
                }
            }
            Event::DocType(_) => {
                return Err(broken(
                    "the document declares a document type (DOCTYPE); amt reads none, so that no entity can expand or be fetched".into(),
                    before,
                    true,
                ));
            }
            Event::Eof => {
                return Err(broken(
                    if stack.is_empty() {
                        "the file holds no XML element".into()
                    } else {
                        format!(
                            "the document ends inside `<{}>`",
                            stack[stack.len() - 1].qualified
                        )
                    },
                    text.len(),
                    false,
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
}

fn attach(stack: &mut [Element], el: Element) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(el);
    }
}

fn unescape_problem(err: &dyn std::fmt::Display) -> String {
    format!(
        "an entity cannot be read ({err}); amt reads only XML's own entities and character references"
    )
}
