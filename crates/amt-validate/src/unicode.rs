//! Lone UTF-16 surrogates in a submission's JSON. JSON's grammar allows
//! `"\ud800"`, but it is no character, so it cannot be Rust text (nor Unicode
//! text anywhere): the JSON reader refuses the whole document. A portal must
//! still get a verdict that says where the bad text is, so such a document
//! is read again with a stand-in for each lone surrogate, and every string
//! that holds one is refused at its place.

use crate::{Check, Options, Problem, Report, Severity, messages};
use amt_model::Procedure;
use serde_json::Value as Json;

/// What a lone surrogate is read as: a noncharacter that no form sends.
pub const STAND_IN: char = '\u{FDD0}';

/// The JSON text with every lone surrogate escape replaced by the
/// stand-in's escape; `None` if it has none (then the text is broken in
/// another way).
pub fn without_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut last, mut found, mut in_string) = (0, 0, false, false);
    let hex = |at: usize| -> Option<u16> {
        let s = text.get(at..at + 4)?;
        u16::from_str_radix(s, 16).ok()
    };
    while i < bytes.len() {
        match bytes[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if bytes.get(i + 1) == Some(&b'u')
                    && let Some(unit) = hex(i + 2)
                {
                    let high = (0xD800..0xDC00).contains(&unit);
                    let low = (0xDC00..0xE000).contains(&unit);
                    let paired = high
                        && bytes.get(i + 6) == Some(&b'\\')
                        && bytes.get(i + 7) == Some(&b'u')
                        && hex(i + 8).is_some_and(|u| (0xDC00..0xE000).contains(&u));
                    if paired {
                        i += 12;
                        continue;
                    }
                    if high || low {
                        out.push_str(&text[last..i]);
                        out.push_str("\\ufdd0");
                        found = true;
                        i += 6;
                        last = i;
                        continue;
                    }
                }
                // Skip the escaped character (`\"` does not end the string).
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[last..]);
    found.then_some(out)
}

/// Refuses every string of `data` that holds the stand-in, at its place;
/// other problems found at those places give way to it.
pub fn refuse_stand_ins(data: &Json, report: &mut Report, options: &Options, p: &Procedure) {
    let mut places = Vec::new();
    find(data, String::new(), String::new(), &mut places);
    let lang = options.lang.as_deref().unwrap_or(p.source_language());
    for (pointer, path) in places {
        report.problems.retain(|x| x.pointer != pointer);
        report.problems.push(Problem {
            severity: Severity::Error,
            pointer,
            path,
            check: Check::Unicode,
            rule: None,
            label: None,
            message: messages::builtin(Check::Unicode, lang, ""),
            schema: false,
        });
    }
    report.valid = false;
}

fn find(v: &Json, pointer: String, path: String, out: &mut Vec<(String, String)>) {
    match v {
        Json::String(s) if s.contains(STAND_IN) => out.push((pointer, path)),
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find(item, format!("{pointer}/{i}"), format!("{path}[{i}]"), out);
            }
        }
        Json::Object(members) => {
            for (k, item) in members {
                let key = k.replace('~', "~0").replace('/', "~1");
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                find(item, format!("{pointer}/{key}"), sub, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_are_replaced_and_pairs_kept() {
        assert_eq!(without_lone_surrogates(r#"{"a": "x"}"#), None);
        assert_eq!(
            without_lone_surrogates(r#"{"a": "\ud800x"}"#).as_deref(),
            Some(r#"{"a": "\ufdd0x"}"#)
        );
        assert_eq!(
            without_lone_surrogates(r#"{"a": "\udc00", "b": "\ud83d\ude00"}"#).as_deref(),
            Some(r#"{"a": "\ufdd0", "b": "\ud83d\ude00"}"#)
        );
        // An escaped backslash before `u` is no escape.
        assert_eq!(without_lone_surrogates(r#"{"a": "\\ud800"}"#), None);
    }
}
