//! The built-in text formats and the shapes of dates and times, as portable
//! patterns: the same text is the JSON Schema `pattern`, the HTML `pattern`
//! attribute and what amt's validator matches, so all three agree. Each
//! pattern matches the whole value (callers anchor it).

/// A German postcode: five digits.
pub const POSTCODE: &str = "[0-9]{5}";
/// An e-mail address: something, `@`, a domain with a dot; no spaces.
pub const EMAIL: &str = "[^@ \\t\\r\\n]+@[^@ \\t\\r\\n]+\\.[^@ \\t\\r\\n]+";
/// A phone number: digits with optional `+`, spaces, `/`, `-` and parentheses.
pub const PHONE: &str = "\\+?[0-9 \\/\\-\\(\\)]{5,30}";
/// The shape of an IBAN without spaces (the check digits are verified apart).
pub const IBAN: &str = "[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}";
/// A time of day, `HH:MM`.
pub const TIME: &str = "([01][0-9]|2[0-3]):[0-5][0-9]";
/// A local date and time, `YYYY-MM-DDTHH:MM` (the day is checked apart).
pub const DATETIME: &str =
    "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]";

crate::words! {
    /// The built-in refinements of text: each a shape that every validator
    /// checks by its pattern, and some with check digits that amt's
    /// validator and the form's script verify (JSON Schema cannot). A new
    /// format is one entry here, its twin in the form's script
    /// (`assets/amt.js`), a test and its documentation.
    pub enum TextFormat {
        /// An e-mail address.
        Email = "email",
        /// A phone number.
        Phone = "phone",
        /// An IBAN, with its check digits.
        Iban = "iban",
        /// A German postcode.
        Postcode = "postcode",
    }
}

impl TextFormat {
    /// The portable pattern the whole value matches.
    pub fn pattern(self) -> &'static str {
        match self {
            TextFormat::Email => EMAIL,
            TextFormat::Phone => PHONE,
            TextFormat::Iban => IBAN,
            TextFormat::Postcode => POSTCODE,
        }
    }

    /// The test of the check digits of a value that matches the pattern,
    /// for formats that have them.
    pub fn check_digits(self) -> Option<fn(&str) -> bool> {
        match self {
            TextFormat::Iban => Some(iban_checksum_ok),
            TextFormat::Email | TextFormat::Phone | TextFormat::Postcode => None,
        }
    }

    /// How a browser takes it: the `type` of its `<input>` and its
    /// `inputmode`, if any (the keyboard a phone shows).
    pub fn html_input(self) -> (&'static str, Option<&'static str>) {
        match self {
            TextFormat::Email => ("text", Some("email")),
            TextFormat::Phone => ("tel", None),
            TextFormat::Iban => ("text", None),
            TextFormat::Postcode => ("text", Some("numeric")),
        }
    }

    /// What the check digits are, for the list of checks JSON Schema
    /// cannot express.
    pub fn check_digits_rule(self) -> &'static str {
        match self {
            TextFormat::Iban => "the IBAN's check digits (ISO 13616, mod 97)",
            TextFormat::Email | TextFormat::Phone | TextFormat::Postcode => "no check digits",
        }
    }

    /// What the applicant is told when the check digits are wrong, in
    /// German or English.
    pub fn check_digits_message(self, german: bool) -> &'static str {
        match (self, german) {
            (TextFormat::Iban, true) => "Die Prüfziffern der IBAN stimmen nicht.",
            (TextFormat::Iban, false) => "The IBAN's check digits are wrong.",
            (_, true) => "Die Prüfziffer stimmt nicht.",
            (_, false) => "The check digit is wrong.",
        }
    }
}

/// A portable pattern as Rust's `regex` must read it to mean what it means
/// in JavaScript: `.` matches no line terminator there (`\n`, `\r`, U+2028,
/// U+2029), but everything except `\n` in Rust.
pub fn for_rust(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let (mut escaped, mut in_class) = (false, false);
    for c in pattern.chars() {
        match c {
            _ if escaped => {
                escaped = false;
                out.push(c);
            }
            '\\' => {
                escaped = true;
                out.push(c);
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '.' if !in_class => out.push_str("[^\\n\\r\\u{2028}\\u{2029}]"),
            c => out.push(c),
        }
    }
    out
}

/// A pattern anchored to match the whole value, as JSON Schema needs.
pub fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// Whether an IBAN's check digits are right (ISO 13616, mod 97).
pub fn iban_checksum_ok(iban: &str) -> bool {
    if iban.len() < 5 || !iban.is_ascii() {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Minutes of a `HH:MM` time.
pub fn parse_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' || !b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit) {
        return None;
    }
    let h: i64 = text[..2].parse().ok()?;
    let m: i64 = text[3..].parse().ok()?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Minutes since 1970-01-01T00:00 of a `YYYY-MM-DDTHH:MM` date-time.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let days = crate::date::Date::parse(date)?.to_days();
    Some(days * 24 * 60 + parse_time(time)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dot_matches_no_line_terminator_as_in_javascript() {
        let re = regex::Regex::new(&anchored(&for_rust("A.B"))).unwrap();
        assert!(re.is_match("AxB"));
        for t in ["A\rB", "A\nB", "A\u{2028}B", "A\u{2029}B"] {
            assert!(!re.is_match(t), "{t:?}");
        }
        assert_eq!(for_rust("[.]\\.x."), "[.]\\.x[^\\n\\r\\u{2028}\\u{2029}]");
    }

    #[test]
    fn iban_check_digits() {
        assert!(iban_checksum_ok("DE89370400440532013000"));
        assert!(!iban_checksum_ok("DE88370400440532013000"));
        assert!(iban_checksum_ok("GB82WEST12345698765432"));
        assert!(!iban_checksum_ok("DE8937040044053201300"));
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("09:30"), Some(570));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_datetime("1970-01-02T00:01"), Some(1441));
        assert_eq!(parse_datetime("2023-02-29T10:00"), None);
    }
}
