//! "Did you mean …?": the closest known name to a misspelt one.

/// The candidate closest to `name`, if it is close enough to be a likely typo
/// (edit distance at most a third of the length, and at least 1), or differs
/// only in case.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let d = if c.to_lowercase() == lower {
                0
            } else {
                strsim::damerau_levenshtein(&lower, &c.to_lowercase())
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Adds a "did you mean" help to a diagnostic about an unknown `name`, or
/// the `fallback` help when no candidate is close.
pub fn suggest<'a>(
    d: crate::diagnostic::Diagnostic,
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: impl Into<String>,
) -> crate::diagnostic::Diagnostic {
    match did_you_mean(name, candidates) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(fallback),
    }
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn finds_typos_and_rejects_strangers() {
        let names = ["geburtsdatum", "geburtsort", "familienname"];
        assert_eq!(did_you_mean("geburtsdatun", names), Some("geburtsdatum"));
        assert_eq!(did_you_mean("Familienname", names), Some("familienname"));
        assert_eq!(did_you_mean("xyz", names), None);
    }
}
