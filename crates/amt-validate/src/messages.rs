//! amt's own messages for the checks every field has, in German and English.
//! Authors' messages (rules) come from the procedure itself.

/// A built-in message in `lang` (`de`, or English for every other language).
pub fn builtin(key: &str, lang: &str, detail: &str) -> String {
    let de = amt_model::is_german(lang);
    match (key, de) {
        ("required", true) => "Bitte machen Sie hier eine Angabe.".into(),
        ("required", false) => "Please fill this in.".into(),
        ("not_applicable", true) => "Diese Angabe ist nach Ihren übrigen Antworten nicht vorgesehen und darf nicht übermittelt werden.".into(),
        ("not_applicable", false) => "Given your other answers this does not apply and must not be submitted.".into(),
        ("unknown", true) => "Diese Angabe gehört nicht zum Formular.".into(),
        ("unknown", false) => "This is not part of the form.".into(),
        ("type", true) => format!("Die Angabe hat nicht die erwartete Form ({detail})."),
        ("type", false) => format!("This does not have the expected form ({detail})."),
        ("empty", true) => "Eine leere Angabe wird weggelassen, nicht leer übermittelt.".into(),
        ("empty", false) => "An empty answer is left out, not submitted empty.".into(),
        ("min_length", true) => format!("Bitte geben Sie mindestens {detail} Zeichen ein."),
        ("min_length", false) => format!("Please enter at least {detail} characters."),
        ("max_length", true) => format!("Bitte geben Sie höchstens {detail} Zeichen ein."),
        ("max_length", false) => format!("Please enter at most {detail} characters."),
        ("pattern", true) => "Die Angabe hat nicht das erwartete Format.".into(),
        ("pattern", false) => "This is not in the expected format.".into(),
        ("checksum", true) => "Die Prüfziffern der IBAN stimmen nicht.".into(),
        ("checksum", false) => "The IBAN's check digits are wrong.".into(),
        ("minimum", true) => format!("Der Wert darf nicht kleiner sein als {detail}."),
        ("minimum", false) => format!("The value must not be less than {detail}."),
        ("maximum", true) => format!("Der Wert darf nicht größer sein als {detail}."),
        ("maximum", false) => format!("The value must not be greater than {detail}."),
        ("scale", true) => format!("Bitte geben Sie höchstens {detail} Nachkommastellen an."),
        ("scale", false) => format!("Please give at most {detail} decimal places."),
        ("code", true) => "Dieser Wert steht nicht zur Auswahl.".into(),
        ("code", false) => "This value is not one of the choices.".into(),
        ("duplicate", true) => "Ein Wert wurde mehrfach gewählt.".into(),
        ("duplicate", false) => "A value was chosen more than once.".into(),
        ("min_items", true) => format!("Bitte geben Sie mindestens {detail} an."),
        ("min_items", false) => format!("Please give at least {detail}."),
        ("max_items", true) => format!("Bitte geben Sie höchstens {detail} an."),
        ("max_items", false) => format!("Please give at most {detail}."),
        ("consent", true) => "Bitte stimmen Sie zu, um fortzufahren.".into(),
        ("consent", false) => "Please agree to continue.".into(),
        ("media_type", true) => format!("Diese Dateiart ist nicht zugelassen; erlaubt: {detail}."),
        ("media_type", false) => format!("This file type is not accepted; accepted: {detail}."),
        ("file_size", true) => format!("Die Datei ist zu groß (höchstens {detail})."),
        ("file_size", false) => format!("The file is too large (at most {detail})."),
        (_, true) => "Die Regel ist nicht erfüllt.".into(),
        (_, false) => "The rule is not met.".into(),
    }
}
