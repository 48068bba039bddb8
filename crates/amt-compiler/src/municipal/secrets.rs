//! Strings that look like secrets. A municipality's source is shared with
//! every other (and often public): a password, an API key or a private key
//! written into it is leaked. Secrets are given by reference only
//! (`secret token "env:EPAYBL_TOKEN"`), resolved where the portal runs.

/// The ways a secret may be referred to.
pub const REFERENCES: [&str; 3] = ["env:", "vault:", "file:"];

/// Whether `s` is a reference to a secret, not the secret.
pub fn is_reference(s: &str) -> bool {
    REFERENCES.iter().any(|r| {
        s.strip_prefix(r)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

/// Why `s` looks like a secret, if it does: a known key format, a
/// credential in a link, or a long random-looking token.
pub fn looks_secret(s: &str) -> Option<&'static str> {
    const PREFIXES: [(&str, &str); 7] = [
        ("AKIA", "an AWS access key"),
        ("ghp_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("sk_live_", "a payment provider's secret key"),
        ("xox", "a Slack token"),
        ("eyJ", "a signed token (JWT)"),
        ("glpat-", "a GitLab token"),
    ];
    let t = s.trim();
    if is_reference(t) {
        return None;
    }
    if t.contains("-----BEGIN") && t.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    for (prefix, what) in PREFIXES {
        if t.starts_with(prefix) && t.len() >= 16 && !t.contains(' ') {
            return Some(what);
        }
    }
    let lower = t.to_lowercase();
    if [
        "password=",
        "passwort=",
        "secret=",
        "token=",
        "apikey=",
        "api_key=",
    ]
    .iter()
    .any(|k| lower.contains(k))
    {
        return Some("a credential");
    }
    if let Some(rest) = lower.split("://").nth(1)
        && let Some(userinfo) = rest.split(['/', '?']).next()
        && userinfo.contains(':')
        && userinfo.contains('@')
    {
        return Some("a link with a password in it");
    }
    // A long token of letters and digits, mixed, with no word in it: a key.
    let token = t.len() >= 24
        && !t.contains(char::is_whitespace)
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=_-".contains(&b));
    if token {
        let upper = t.bytes().filter(u8::is_ascii_uppercase).count();
        let lowers = t.bytes().filter(u8::is_ascii_lowercase).count();
        let digits = t.bytes().filter(u8::is_ascii_digit).count();
        if upper >= 3 && lowers >= 3 && digits >= 3 && entropy(t) >= 3.5 {
            return Some("a random-looking key");
        }
    }
    None
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_told_from_ids_and_references() {
        assert!(looks_secret("sk_live_51HxQ2abcdefghijklmnop").is_some());
        assert!(looks_secret("https://user:pa55word@example.org/x").is_some());
        assert!(looks_secret("Zr8qLm3XvT9kWp2NcY7bHs4D").is_some());
        assert!(looks_secret("-----BEGIN PRIVATE KEY-----").is_some());
        assert!(looks_secret("env:EPAYBL_TOKEN").is_none());
        assert!(looks_secret("https://www.muenchen.de/impressum").is_none());
        assert!(looks_secret("Landratsamt Starnberg").is_none());
        assert!(looks_secret("5e0c6a55-1b2f-4a3c-9d8e-7f6a5b4c3d2e").is_none());
        assert!(looks_secret("DE02120300000000202051").is_none());
        assert!(is_reference("vault:kommune/epaybl"));
        assert!(!is_reference("env:"));
    }
}
