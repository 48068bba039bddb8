//! What amt knows about the world outside the procedure: built-in types,
//! identification means and the attributes each delivers (from the BundID/eID
//! SAML profile and the EUDI wallet PID rulebook), HTML autocomplete tokens,
//! attachment file types, and the ISO 3166 country list.

use crate::formats::TextFormat;
use crate::vocab::Means;
use std::sync::LazyLock;

/// The built-in field types. The text formats (`email`, `iban`, …) are
/// types of their own, declared once, in [`TextFormat`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuiltinType {
    /// One line of text.
    Text,
    /// Several lines of text.
    Multiline,
    /// A whole number.
    Integer,
    /// A decimal number.
    Decimal,
    /// Euros, exact to the cent.
    Money,
    /// Yes or no.
    Boolean,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time.
    Datetime,
    /// One value of a code list.
    Choice,
    /// Several values of a code list.
    Multichoice,
    /// Text with a built-in shape, e.g. an IBAN.
    Format(TextFormat),
    /// A country of ISO 3166-1.
    Country,
    /// A nationality (by the country's code).
    Nationality,
    /// An agreement that must be given.
    Consent,
}

impl BuiltinType {
    /// Every built-in type, in the order the documentation lists them.
    pub fn all() -> impl Iterator<Item = BuiltinType> + Clone {
        use BuiltinType::*;
        [
            Text,
            Multiline,
            Integer,
            Decimal,
            Money,
            Boolean,
            Date,
            Time,
            Datetime,
            Choice,
            Multichoice,
        ]
        .into_iter()
        .chain(TextFormat::ALL.iter().map(|f| Format(*f)))
        .chain([Country, Nationality, Consent])
    }

    /// The word that names the type.
    pub fn word(self) -> &'static str {
        use BuiltinType::*;
        match self {
            Text => "text",
            Multiline => "multiline",
            Integer => "integer",
            Decimal => "decimal",
            Money => "money",
            Boolean => "boolean",
            Date => "date",
            Time => "time",
            Datetime => "datetime",
            Choice => "choice",
            Multichoice => "multichoice",
            Format(f) => f.word(),
            Country => "country",
            Nationality => "nationality",
            Consent => "consent",
        }
    }

    /// The type a word names.
    pub fn from_word(word: &str) -> Option<BuiltinType> {
        BuiltinType::all().find(|t| t.word() == word)
    }

    /// Every type's word, in order (for did-you-mean and completion).
    pub fn words() -> impl Iterator<Item = &'static str> + Clone {
        BuiltinType::all().map(BuiltinType::word)
    }

    /// The format of a text type with a built-in shape.
    pub fn text_format(self) -> Option<TextFormat> {
        match self {
            BuiltinType::Format(f) => Some(f),
            _ => None,
        }
    }

    /// Whether its values are text.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            BuiltinType::Text | BuiltinType::Multiline | BuiltinType::Format(_)
        )
    }

    /// Whether it has bounds (`min`, `max`).
    pub fn has_bounds(self) -> bool {
        use BuiltinType::*;
        matches!(self, Integer | Decimal | Money | Date | Time | Datetime)
    }
}

impl std::fmt::Display for BuiltinType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// Whether a name is a built-in field type.
pub fn is_builtin_type(name: &str) -> bool {
    BuiltinType::from_word(name).is_some()
}

/// What an identity attribute delivers, the types of field that can hold
/// it (both in words), and the test: the eID and the EUDI wallet deliver
/// names, places and streets as free text, the birth date as a date,
/// countries and nationalities as ISO 3166-1 codes, gender as a code.
/// `None` for an attribute amt does not know.
pub fn attribute_fits(attribute: &str) -> Option<AttributeFit> {
    use BuiltinType::*;
    let text: AttributeFit = ("free text", "`text` or `multiline`", |t| {
        matches!(t, Text | Multiline)
    });
    Some(match attribute {
        "given_name" | "family_name" | "birth_name" | "doctoral_degree" | "birth_place"
        | "street" | "house_number" | "city" => text,
        "birth_date" => ("a date", "`date`", |t| t == Date),
        "postal_code" => ("a postcode", "`postcode` or `text`", |t| {
            matches!(t, Format(TextFormat::Postcode) | Text)
        }),
        "country" => ("a country code", "`country`", |t| t == Country),
        "nationality" => ("a country code", "`nationality`", |t| t == Nationality),
        "gender" => ("a code", "`choice`", |t| t == Choice),
        "email" => ("an e-mail address", "`email` or `text`", |t| {
            matches!(t, Format(TextFormat::Email) | Text)
        }),
        "phone" => ("a phone number", "`phone` or `text`", |t| {
            matches!(t, Format(TextFormat::Phone) | Text)
        }),
        _ => return None,
    })
}

/// What an attribute delivers, the field types that hold it, and the test
/// ([`attribute_fits`]).
pub type AttributeFit = (&'static str, &'static str, fn(BuiltinType) -> bool);

/// One identity attribute: amt's name, its eID/BundID SAML name, its EUDI PID
/// name, and the autocomplete token a field with it must carry.
pub type Attribute = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// amt's identity attributes.
pub const ATTRIBUTES: &[Attribute] = &[
    (
        "given_name",
        Some("givenName"),
        Some("given_name"),
        Some("given-name"),
    ),
    (
        "family_name",
        Some("surname"),
        Some("family_name"),
        Some("family-name"),
    ),
    (
        "birth_name",
        Some("birthName"),
        Some("family_name_birth"),
        None,
    ),
    (
        "doctoral_degree",
        Some("personalTitle"),
        None,
        Some("honorific-prefix"),
    ),
    (
        "birth_date",
        Some("birthdate"),
        Some("birth_date"),
        Some("bday"),
    ),
    (
        "birth_place",
        Some("placeOfBirth"),
        Some("birth_place"),
        None,
    ),
    (
        "street",
        Some("postalAddress"),
        Some("resident_street"),
        Some("address-line1"),
    ),
    ("house_number", None, Some("resident_house_number"), None),
    (
        "postal_code",
        Some("postalCode"),
        Some("resident_postal_code"),
        Some("postal-code"),
    ),
    (
        "city",
        Some("localityName"),
        Some("resident_city"),
        Some("address-level2"),
    ),
    (
        "country",
        Some("country"),
        Some("resident_country"),
        Some("country"),
    ),
    (
        "nationality",
        Some("nationality"),
        Some("nationality"),
        None,
    ),
    // Gender is a choice (radio buttons), which takes no autocomplete token.
    ("gender", Some("gender"), Some("sex"), None),
    ("email", Some("mail"), Some("email_address"), Some("email")),
    (
        "phone",
        Some("telephoneNumber"),
        Some("mobile_phone_number"),
        Some("tel"),
    ),
];

/// The attribute's name in a means' catalogue, if that means delivers it.
pub fn attribute_source(attribute: &str, means: Means) -> Option<&'static str> {
    let (_, eid, pid, _) = ATTRIBUTES.iter().find(|a| a.0 == attribute)?;
    match means {
        Means::Eid => *eid,
        Means::EudiWallet => *pid,
        Means::Account | Means::Elster => None,
    }
}

/// Autocomplete tokens a field with this FIM id must carry.
pub fn fim_autocomplete(fim: &str) -> &'static [&'static str] {
    match fim {
        "F60000000227" => &["family-name"],
        "F60000000228" => &["given-name"],
        "F60000000243" => &["address-line1", "street-address"],
        "F60000000246" => &["postal-code"],
        "F60000000247" => &["address-level2"],
        _ => &[],
    }
}

/// Autocomplete tokens that HTML defines (WHATWG, "Autofill").
pub const AUTOCOMPLETE: &[&str] = &[
    "on",
    "off",
    "name",
    "honorific-prefix",
    "given-name",
    "additional-name",
    "family-name",
    "honorific-suffix",
    "nickname",
    "username",
    "new-password",
    "current-password",
    "one-time-code",
    "organization-title",
    "organization",
    "street-address",
    "address-line1",
    "address-line2",
    "address-line3",
    "address-level4",
    "address-level3",
    "address-level2",
    "address-level1",
    "country",
    "country-name",
    "postal-code",
    "cc-name",
    "cc-given-name",
    "cc-additional-name",
    "cc-family-name",
    "cc-number",
    "cc-exp",
    "cc-exp-month",
    "cc-exp-year",
    "cc-csc",
    "cc-type",
    "transaction-currency",
    "transaction-amount",
    "language",
    "bday",
    "bday-day",
    "bday-month",
    "bday-year",
    "sex",
    "url",
    "photo",
    "tel",
    "tel-country-code",
    "tel-national",
    "tel-area-code",
    "tel-local",
    "tel-extension",
    "email",
    "impp",
];

/// Attachment file types and their media types.
pub const FILE_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("tiff", "image/tiff"),
    ("xml", "application/xml"),
];

/// A country of ISO 3166-1.
#[derive(Debug)]
pub struct Country {
    /// Alpha-2 code.
    pub code: &'static str,
    /// German short name.
    pub de: &'static str,
    /// English short name.
    pub en: &'static str,
    /// German nationality adjective.
    pub nationality_de: &'static str,
    /// English nationality adjective.
    pub nationality_en: &'static str,
}

/// Every ISO 3166-1 country, by code.
pub static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    include_str!("../data/countries.tsv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            Some(Country {
                code: cols.next()?,
                de: cols.next()?,
                en: cols.next()?,
                nationality_de: cols.next()?,
                nationality_en: cols.next()?,
            })
        })
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_list_is_complete_and_sorted() {
        assert!(COUNTRIES.len() >= 249, "{}", COUNTRIES.len());
        assert!(COUNTRIES.windows(2).all(|w| w[0].code < w[1].code));
        assert!(
            COUNTRIES
                .iter()
                .any(|c| c.code == "DE" && c.de == "Deutschland")
        );
    }

    #[test]
    fn every_attribute_with_a_token_uses_a_real_token() {
        for (name, _, _, token) in ATTRIBUTES {
            if let Some(t) = token {
                assert!(AUTOCOMPLETE.contains(t), "{name}: {t}");
            }
        }
    }
}
