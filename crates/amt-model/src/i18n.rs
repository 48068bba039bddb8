//! Texts in several languages.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A text in every declared language: language tag → text, in tag order.
///
/// A map with the interface of a `BTreeMap`, kept as a sorted vector: a
/// procedure has thousands of texts in two or three languages each, and a
/// tree node per text would cost five times the memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct I18n(Vec<(String, String)>);

impl I18n {
    /// No text yet.
    pub fn new() -> I18n {
        I18n(Vec::new())
    }

    fn position(&self, lang: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(l, _)| l.as_str().cmp(lang))
    }

    /// The text in `lang`.
    pub fn get(&self, lang: &str) -> Option<&String> {
        self.position(lang).ok().map(|i| &self.0[i].1)
    }

    /// Whether there is a text in `lang`.
    pub fn contains_key(&self, lang: &str) -> bool {
        self.position(lang).is_ok()
    }

    /// Sets the text in `lang`, returning the one it replaces.
    pub fn insert(&mut self, lang: String, text: String) -> Option<String> {
        match self.position(&lang) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, text)),
            Err(i) => {
                self.0.insert(i, (lang, text));
                None
            }
        }
    }

    /// Language and text, in tag order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(l, t)| (l, t))
    }

    /// Language and text, each text changeable in place.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut String)> {
        self.0.iter_mut().map(|(l, t)| (&*l, t))
    }

    /// The languages, in tag order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(l, _)| l)
    }

    /// The texts, in tag order of their languages.
    pub fn values(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(_, t)| t)
    }

    /// The number of languages.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no text at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text in `lang`, else in the source language, else in any: what a
    /// reader of `lang` is shown.
    pub fn pick(&self, lang: &str, source: &str) -> Option<&str> {
        self.get(lang)
            .or_else(|| self.get(source))
            .or_else(|| self.values().next())
            .map(String::as_str)
    }
}

/// Whether a language tag is German (`de`, `de-AT`, `de-CH`, …): the
/// language amt's own fixed wording is written in besides English.
pub fn is_german(lang: &str) -> bool {
    lang == "de" || lang.starts_with("de-")
}

impl FromIterator<(String, String)> for I18n {
    fn from_iter<T: IntoIterator<Item = (String, String)>>(iter: T) -> I18n {
        let mut m = I18n::new();
        for (l, t) in iter {
            m.insert(l, t);
        }
        m
    }
}

impl<'a> IntoIterator for &'a I18n {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(l, t)| (l, t))
    }
}

impl Serialize for I18n {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for I18n {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<I18n, D::Error> {
        let map = BTreeMap::<String, String>::deserialize(deserializer)?;
        Ok(I18n(map.into_iter().collect()))
    }
}
