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
/// A German tax identification number (Steuer-ID, § 139b AO): eleven
/// digits, the first not 0 (the check digit is verified apart).
pub const STEUER_ID: &str = "[1-9][0-9]{10}";
/// The shape of an IBAN without spaces (the check digits are verified apart).
pub const IBAN: &str = "[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}";
/// A calendar date, `YYYY-MM-DD`, in the years 0001 to 9999 (the days of a
/// month are checked apart). Year 0000 is refused: RFC 3339 validators of
/// most languages (Python's, Java's) have no year 0.
pub const DATE: &str =
    "([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
/// A time of day, `HH:MM`.
pub const TIME: &str = "([01][0-9]|2[0-3]):[0-5][0-9]";
/// A local date and time, `YYYY-MM-DDTHH:MM` (the day is checked apart).
pub const DATETIME: &str = "([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]";

crate::words! {
    /// The built-in refinements of text: each a shape that every validator
    /// checks by its pattern, and some with check digits that amt's
    /// validator and the form's script verify (JSON Schema cannot). Each is
    /// also a built-in type of its own name. A new format is one entry here
    /// (its word, pattern, check digits and their message, how a browser
    /// takes it), its twin in the form's script (`assets/amt.js`), a test
    /// and its documentation.
    pub enum TextFormat {
        /// An e-mail address.
        Email = "email",
        /// A phone number.
        Phone = "phone",
        /// An IBAN, with its check digits.
        Iban = "iban",
        /// A German postcode.
        Postcode = "postcode",
        /// A German tax identification number (Steuer-ID, § 139b AO), with
        /// its check digit.
        SteuerId = "steuer_id",
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
            TextFormat::SteuerId => STEUER_ID,
        }
    }

    /// The test of the check digits of a value that matches the pattern,
    /// for formats that have them.
    pub fn check_digits(self) -> Option<fn(&str) -> bool> {
        match self {
            TextFormat::Iban => Some(iban_checksum_ok),
            TextFormat::SteuerId => Some(steuer_id_check_digit_ok),
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
            TextFormat::Postcode | TextFormat::SteuerId => ("text", Some("numeric")),
        }
    }

    /// The autocomplete token a field of this format about the applicant
    /// carries (WCAG 2.1 SC 1.3.5), if HTML has one.
    pub fn autocomplete(self) -> Option<&'static str> {
        match self {
            TextFormat::Email => Some("email"),
            TextFormat::Phone => Some("tel"),
            TextFormat::Iban | TextFormat::Postcode | TextFormat::SteuerId => None,
        }
    }

    /// What the check digits are, for the list of checks JSON Schema
    /// cannot express.
    pub fn check_digits_rule(self) -> &'static str {
        match self {
            TextFormat::Iban => "the IBAN's check digits (ISO 13616, mod 97)",
            TextFormat::SteuerId => {
                "the tax identification number's check digit (ISO 7064, MOD 11,10)"
            }
            TextFormat::Email | TextFormat::Phone | TextFormat::Postcode => "no check digits",
        }
    }

    /// What the applicant is told when the check digits are wrong, in
    /// German or English.
    pub fn check_digits_message(self, german: bool) -> &'static str {
        match (self, german) {
            (TextFormat::Iban, true) => "Die Prüfziffern der IBAN stimmen nicht.",
            (TextFormat::Iban, false) => "The IBAN's check digits are wrong.",
            (TextFormat::SteuerId, true) => {
                "Die Prüfziffer der Steuer-Identifikationsnummer stimmt nicht."
            }
            (TextFormat::SteuerId, false) => {
                "The check digit of the tax identification number is wrong."
            }
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

/// A pattern anchored to match the whole value, for amt's validator (Rust's
/// `regex`, where `$` is the end of the text).
pub fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// A pattern anchored to match the whole value in every JSON Schema
/// validator a portal may use. `$` would also match before a final line
/// break in Python's, Java's and .NET's engines (so `"10969\n"` would pass a
/// postcode's pattern there); "no character follows" is the end in every
/// dialect with lookahead, which JSON Schema's ECMA-262 patterns have.
pub fn anchored_for_schema(pattern: &str) -> String {
    format!("^(?:{pattern})(?![\\s\\S])")
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

/// Whether a Steuer-ID's last digit is the check digit of the ten before it
/// (ISO 7064, MOD 11,10: the chain computation the Bundeszentralamt für
/// Steuern uses, described e.g. at kryptografie.de/kryptografie/chiffre/steuer-id.htm;
/// the same rule is written out for the VAT id in BGBl. I 1993 S. 736).
pub fn steuer_id_check_digit_ok(id: &str) -> bool {
    let digits: Vec<u32> = id.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 11 || id.len() != 11 {
        return false;
    }
    let mut product = 10;
    for d in &digits[..10] {
        let mut sum = (d + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    let check = (11 - product) % 10;
    check == digits[10]
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
    fn steuer_id_check_digit() {
        // The worked example of the description the function cites.
        assert!(steuer_id_check_digit_ok("12345678995"));
        assert!(!steuer_id_check_digit_ok("12345678994"));
        assert!(!steuer_id_check_digit_ok("1234567899"));
        assert!(!steuer_id_check_digit_ok("1234567899x"));
        // Every other last digit is refused.
        let wrong = (0..10)
            .filter(|d| steuer_id_check_digit_ok(&format!("1234567899{d}")))
            .count();
        assert_eq!(wrong, 1);
        let format = TextFormat::SteuerId;
        assert_eq!(TextFormat::from_word("steuer_id"), Some(format));
        assert!(format.check_digits().is_some_and(|ok| ok("12345678995")));
    }

    #[test]
    fn a_date_pattern_refuses_year_0000_and_the_thirteenth_month() {
        let re = regex::Regex::new(&anchored(DATE)).unwrap();
        for ok in ["2026-03-10", "0001-01-01", "9999-12-31", "0999-02-29"] {
            assert!(re.is_match(ok), "{ok}");
        }
        for bad in [
            "0000-01-01",
            "2026-13-01",
            "2026-00-10",
            "2026-01-32",
            "26-01-01",
        ] {
            assert!(!re.is_match(bad), "{bad}");
        }
        assert_eq!(crate::date::Date::parse("0000-01-01"), None);
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
