//! The HTML forms: author strings are inert in every context, a
//! municipality's own templates and stylesheet replace the shipped ones, and
//! native constraints appear only where they always hold.

use std::path::Path;

fn build_one(source: &str) -> (amt_compiler::ir::Procedure, String) {
    let dir =
        std::env::temp_dir().join(format!("amt-html-{}-{}", std::process::id(), source.len()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("p.amt"), source).unwrap();
    let (_, compiled) = amt_compiler::check_project(&dir).unwrap();
    assert!(!compiled.failed(false), "{:?}", compiled.diagnostics);
    let p = compiled.procedures.into_iter().next().unwrap();
    let env = amt_compiler::emit::html::environment(None);
    let html = amt_compiler::emit::html::procedure_page(&env, &p, "de").unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    (p, html)
}

const HOSTILE: &str = include_str!("hostile/boese.amt");

#[test]
fn author_strings_are_inert_in_every_context() {
    let (_, html) = build_one(HOSTILE);
    // No author markup survives as markup.
    for raw in [
        "<script>alert",
        "<img src=x",
        "<svg onload",
        "<b>",
        "<i>Gesetz",
        "<a href=javascript",
        "onmouseover='",
        "\"><img",
    ] {
        assert!(
            !html.contains(raw),
            "`{raw}` reached the page unescaped:\n{html}"
        );
    }
    // The texts are shown literally, escaped.
    for shown in [
        "&lt;script&gt;alert(4)",
        "&lt;img src=x onerror=alert(7)&gt;",
        "{{ 7 * 7 }} {% raw %}",
        "&lt;svg onload=alert(5)&gt;",
    ] {
        assert!(
            html.contains(shown),
            "`{shown}` is not shown literally:\n{html}"
        );
    }
    // The only scripts are the shipped file and the JSON island, which holds
    // the author's strings escaped (`</script>` cannot end it early).
    let scripts: Vec<&str> = html
        .match_indices("<script")
        .map(|(i, _)| &html[i..(i + 60).min(html.len())])
        .collect();
    assert_eq!(scripts.len(), 2, "{scripts:?}");
    assert!(
        scripts[0].starts_with("<script src=\"..&#x2f;assets&#x2f;amt.js\" defer>"),
        "{scripts:?}"
    );
    assert!(
        scripts[1].starts_with("<script type=\"application/json\" id=\"amt-model\">"),
        "{scripts:?}"
    );
    let island = &html[html.find("id=\"amt-model\">").unwrap() + 16..];
    let island = &island[..island.find("</script>").unwrap()];
    assert!(!island.contains('<'), "the island holds no `<`: {island}");
    assert!(
        island.contains("\\u003c/script\\u003e"),
        "the island holds the text escaped"
    );
    assert!(!html.contains("style="));
    let handler = Regex::new(r#"<[a-zA-Z][^<>]*\son[a-z]+\s*="#).unwrap();
    assert!(
        !handler.is_match(&html),
        "an inline event handler: {:?}",
        handler.find(&html)
    );
}

use regex::Regex;

#[test]
fn native_constraints_only_where_they_always_hold() {
    let (_, html) = build_one(
        r#"
procedure p "P" {
  version 1.0.0
  page p "Seite" {
    field immer: text(max 10) "Immer" { required }
    field frei: text "Frei"
    field manchmal: text "Manchmal" {
      when filled(frei)
      required
    }
    field zahl: integer(min 1, max 5) "Zahl"
    field datum: date(max today) "Datum"
  }
}
"#,
    );
    let input = |name: &str| {
        let re = Regex::new(&format!(r#"<input id="f-{name}"[^>]*>"#)).unwrap();
        re.find(&html)
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| panic!("no input {name} in\n{html}"))
    };
    assert!(input("immer").contains(" required"));
    assert!(input("immer").contains(r#"maxlength="10""#));
    assert!(!input("frei").contains(" required"));
    assert!(
        !input("manchmal").contains(" required"),
        "required only when `frei` is filled"
    );
    // Required when it applies: said so, not "(optional)".
    assert!(html.contains("Pflichtangabe, wenn gilt: „Frei“ ist ausgefüllt."));
    assert!(input("zahl").contains(r#"min="1""#) && input("zahl").contains(r#"max="5""#));
    assert!(
        !input("datum").contains("max="),
        "`today` changes; a static page cannot say it"
    );
}

#[test]
fn a_municipality_replaces_templates_and_stylesheet() {
    let root = std::env::temp_dir().join(format!("amt-templates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("own")).unwrap();
    std::fs::write(
        root.join("own/amt.css"),
        ":root { --amt-primary: #004b87; }\n",
    )
    .unwrap();
    std::fs::write(
        root.join("own/index.html"),
        "<!DOCTYPE html><html lang=\"de\"><title>Stadt Musterstadt</title>{% for p in procedures %}{{ p.title }}{% endfor %}</html>",
    )
    .unwrap();
    let (_, compiled) = amt_compiler::check_project(Path::new("forms")).unwrap();
    let settings = amt_compiler::emit::Settings {
        templates: Some(root.join("own")),
        ..amt_compiler::emit::Settings::default()
    };
    let files = amt_compiler::emit::build(&compiled.procedures, &settings).unwrap();
    let file = |path: &str| {
        String::from_utf8(files.iter().find(|f| f.path == path).unwrap().bytes.clone()).unwrap()
    };
    assert_eq!(
        file("assets/amt.css"),
        ":root { --amt-primary: #004b87; }\n"
    );
    let index = file("index.html");
    assert!(index.starts_with("<!DOCTYPE html><html lang=\"de\"><title>Stadt Musterstadt</title>"));
    assert!(index.contains("Anmeldung einer Wohnung"), "{index}");
    // The templates not replaced are the shipped ones.
    assert!(file("wohnsitzanmeldung/index.html").contains("class=\"amt-form\""));
    // A broken template of one's own is an error, not a half-written output.
    std::fs::write(root.join("own/index.html"), "{% for p in %}").unwrap();
    let err = amt_compiler::emit::build(&compiled.procedures, &settings).unwrap_err();
    assert_eq!(
        err.code(),
        Some(amt_compiler::diagnostic::Code::TemplateFailed),
        "{err}"
    );
    assert!(!err.is_io());
    assert!(err.to_string().contains("--templates"), "{err}");
    // The same failure in amt's own templates would be a bug in amt.
    let internal = amt_compiler::emit::EmitError::Internal {
        procedure: Some("p".into()),
        stage: "the HTML form",
        error: "e".into(),
    };
    assert_eq!(
        internal.code(),
        Some(amt_compiler::diagnostic::Code::InternalError)
    );
    assert!(
        internal.to_string().contains("this is a bug in amt"),
        "{internal}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn conditions_on_choices_read_without_double_negation() {
    let (_, html) = build_one(
        r#"codelist befreiung "Befreiung" {
  keine "keine Befreiung"
  teil "teilweise Befreiung"
  voll "vollständige Befreiung"
}
codelist vorgang "Vorgang" {
  a "Anmeldung"
  b "Abmeldung"
  c "Ummeldung"
  d "Neuzulassung"
  e "Tageszulassung"
  f "Außerbetriebsetzung"
}
procedure p "P" {
  version 1.0.0
  page s "S" {
    field befreit: choice(befreiung) "Befreiung" { required }
    field grund: text(max 80) "Grund der Befreiung" {
      when befreit != keine
    }
    field was: choice(vorgang) "Vorgang" { required }
    field alt: text(max 20) "Altes Kennzeichen" {
      when was not in [d, e]
    }
    field lang: text(max 20) "Bemerkung" {
      when was in [a, b, c, d, e]
    }
  }
}
"#,
    );
    let when = |id: &str| {
        let at = html.find(&format!("id=\"f-{id}--when\">")).unwrap();
        html[at..].split_once("</p>").unwrap().0.to_string()
    };
    // `!= keine`: what it may be, not "nicht keine Befreiung".
    assert!(
        when("grund").contains("„Befreiung“: teilweise Befreiung oder vollständige Befreiung"),
        "{}",
        when("grund")
    );
    // `not in [d, e]`: neither … nor, not the ambiguous "nicht d oder e".
    assert!(
        when("alt").contains("weder Neuzulassung noch Tageszulassung"),
        "{}",
        when("alt")
    );
    // Five of six: said by the one it may not be.
    assert!(
        when("lang").contains("nicht Außerbetriebsetzung"),
        "{}",
        when("lang")
    );
}

#[test]
fn parts_required_under_a_condition_are_not_marked_optional() {
    let (_, html) = build_one(
        r#"procedure p "P" {
  version 1.0.0
  page s "S" {
    field ausland: boolean "Aus dem Ausland"
    group staaten[1..3] "Staat" {
      when ausland
      field name: text(max 40) "Name des Staates" { required }
    }
    field notiz: text(max 40) "Notiz" { when ausland }
  }
}
"#,
    );
    let legend = |i: usize| {
        let at = html.find(&format!("id=\"f-staaten-{i}\"")).unwrap();
        let from = at + html[at..].find("<legend").unwrap();
        html[from..from + html[from..].find("</legend>").unwrap()].to_string()
    };
    assert!(!legend(0).contains("optional"), "{}", legend(0));
    assert!(legend(1).contains("(optional)"), "{}", legend(1));
    assert!(html.contains("Pflichtangabe, wenn gilt: „Aus dem Ausland“: ja."));
    assert!(html.contains("Nur auszufüllen, wenn gilt: „Aus dem Ausland“: ja."));
}

#[test]
fn a_checkbox_stands_before_its_label_and_a_column_is_said_in_words() {
    let (_, html) = build_one(
        r#"codelist strasse "Straße" {
  column zuschlag: money "Zuschlag"
  column innen: boolean "Innenstadt"
  markt "Marktplatz" { zuschlag = 5.00 EUR, innen = yes }
  feld "Feldweg" { zuschlag = 0.00 EUR, innen = no }
}
procedure p "P" {
  version 1.0.0
  page s "S" {
    field strasse: choice(strasse) "Straße"
    field laerm: boolean "Lärmschutz gewünscht" {
      when strasse.innen
    }
    field einwilligung: consent "Ich willige ein." { required }
  }
}
"#,
    );
    for id in ["f-laerm", "f-einwilligung"] {
        let input = html
            .find(&format!("<input type=\"checkbox\" id=\"{id}\""))
            .unwrap();
        let label = html.find(&format!("<label for=\"{id}\"")).unwrap();
        assert!(input < label, "the box of {id} comes after its label");
    }
    let at = html.find("id=\"f-laerm--when\">").unwrap();
    let when = html[at..].split_once("</p>").unwrap().0;
    assert!(when.contains("„Innenstadt“ zu „Straße“: ja"), "{when}");
}

#[test]
fn repeat_items_are_named_as_one_item() {
    let (_, html) = build_one(
        r#"group kind "Kind" {
  field name: text(max 30) "Vorname"
}
procedure p "P" {
  version 1.0.0
  page s "S" {
    group kinder: kind[1..4] "Kinder"
    group person[1..2] "Person" {
      field name: text(max 30) "Name"
    }
  }
}
"#,
    );
    // The repeat keeps its own label as the name of the whole; each item
    // is one child.
    assert!(html.contains(">Kind 1</legend>"), "{html}");
    assert!(
        html.contains(">Kind 2 <span class=\"amt-optional\">"),
        "{html}"
    );
    assert!(!html.contains("Kinder 1"), "{html}");
    assert!(
        html.contains(r#"role="group" aria-labelledby="f-kinder--label""#)
            && html.contains(r#"id="f-kinder--label">Kinder</p>"#),
        "{html}"
    );
    // An inline group is named as its items already.
    assert!(html.contains(">Person 1</legend>"), "{html}");
    assert!(!html.contains("f-person--label"), "{html}");
}
