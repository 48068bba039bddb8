//! amt's own messages for the checks every field has, in German and English.
//! Authors' messages (rules) come from the procedure itself.

use crate::Check;
use amt_model::formats::TextFormat;

/// The message for a date outside its bound (`detail` is the bound, as the
/// page shows dates): a date is before or after a day, not smaller or
/// greater than it. The check stays [`Check::Minimum`] or
/// [`Check::Maximum`].
pub fn date_bound(is_min: bool, lang: &str, detail: &str) -> String {
    match (is_min, amt_model::is_german(lang)) {
        (true, true) => format!("Das Datum darf nicht vor dem {detail} liegen."),
        (true, false) => format!("The date must not be before {detail}."),
        (false, true) => format!("Das Datum darf nicht nach dem {detail} liegen."),
        (false, false) => format!("The date must not be after {detail}."),
    }
}

/// A built-in message in `lang` (German, or English for every other
/// language). `detail` fills in what the check found wrong: a length, a
/// bound, the accepted file types; for [`Check::Checksum`], the format.
pub fn builtin(check: Check, lang: &str, detail: &str) -> String {
    let de = amt_model::is_german(lang);
    match (check, de) {
        (Check::Required, true) => "Bitte machen Sie hier eine Angabe.".into(),
        (Check::Required, false) => "Please fill this in.".into(),
        (Check::NotApplicable, true) => "Diese Angabe ist nach Ihren übrigen Antworten nicht vorgesehen und darf nicht übermittelt werden.".into(),
        (Check::NotApplicable, false) => "Given your other answers this does not apply and must not be submitted.".into(),
        (Check::Unknown, true) => "Diese Angabe gehört nicht zum Formular.".into(),
        (Check::Unknown, false) => "This is not part of the form.".into(),
        (Check::Type, true) => format!("Die Angabe hat nicht die erwartete Form ({detail})."),
        (Check::Type, false) => format!("This does not have the expected form ({detail})."),
        (Check::Empty, true) => "Eine leere Angabe wird weggelassen, nicht leer übermittelt.".into(),
        (Check::Empty, false) => "An empty answer is left out, not submitted empty.".into(),
        (Check::MinLength, true) => format!("Bitte geben Sie mindestens {detail} Zeichen ein."),
        (Check::MinLength, false) => format!("Please enter at least {detail} characters."),
        (Check::MaxLength, true) => format!("Bitte geben Sie höchstens {detail} Zeichen ein."),
        (Check::MaxLength, false) => format!("Please enter at most {detail} characters."),
        (Check::Pattern, true) => "Die Angabe hat nicht das erwartete Format.".into(),
        (Check::Pattern, false) => "This is not in the expected format.".into(),
        (Check::Checksum, _) => match TextFormat::from_word(detail) {
            Some(format) => format.check_digits_message(de).into(),
            None if de => "Die Prüfziffer stimmt nicht.".into(),
            None => "The check digit is wrong.".into(),
        },
        (Check::Minimum, true) => format!("Der Wert darf nicht kleiner sein als {detail}."),
        (Check::Minimum, false) => format!("The value must not be less than {detail}."),
        (Check::Maximum, true) => format!("Der Wert darf nicht größer sein als {detail}."),
        (Check::Maximum, false) => format!("The value must not be greater than {detail}."),
        (Check::Scale, true) => format!("Bitte geben Sie höchstens {detail} Nachkommastellen an."),
        (Check::Scale, false) => format!("Please give at most {detail} decimal places."),
        (Check::Code, true) => "Dieser Wert steht nicht zur Auswahl.".into(),
        (Check::Code, false) => "This value is not one of the choices.".into(),
        (Check::Duplicate, true) => "Ein Wert wurde mehrfach gewählt.".into(),
        (Check::Duplicate, false) => "A value was chosen more than once.".into(),
        // The same words for every number: the script fills in the number.
        (Check::MinItems, true) => format!("Die Zahl der Einträge muss mindestens {detail} sein."),
        (Check::MinItems, false) => format!("The number of entries must be at least {detail}."),
        (Check::MaxItems, true) => format!("Die Zahl der Einträge darf höchstens {detail} sein."),
        (Check::MaxItems, false) => format!("The number of entries must be at most {detail}."),
        (Check::Consent, true) => "Bitte stimmen Sie zu, um fortzufahren.".into(),
        (Check::Consent, false) => "Please agree to continue.".into(),
        (Check::MediaType, true) => format!("Diese Dateiart ist nicht zugelassen; erlaubt: {detail}."),
        (Check::MediaType, false) => format!("This file type is not accepted; accepted: {detail}."),
        (Check::FileSize, true) => format!("Die Datei ist zu groß (höchstens {detail})."),
        (Check::FileSize, false) => format!("The file is too large (at most {detail})."),
        (Check::Unicode, true) => "Diese Angabe enthält ein Zeichen, das es nicht gibt (ein einzelnes UTF-16-Ersatzzeichen).".into(),
        (Check::Unicode, false) => "This holds a character that does not exist (a lone UTF-16 surrogate).".into(),
        (Check::Rule, true) => "Die Regel ist nicht erfüllt.".into(),
        (Check::Rule, false) => "The rule is not met.".into(),
    }
}
