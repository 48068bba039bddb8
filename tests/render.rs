//! `amt render`: a document of the workflow written for one case. (The
//! conformance run in `.ci/run` makes the PDFs of every example's documents
//! with WeasyPrint and checks them; here the command's contract.)

mod common;

use common::{Temp, amt};

/// A case of the Bauantrag Bayern in München, granted with conditions.
const CASE: &str = r#"{
  "data": {
    "verfahrensart": "vereinfacht", "beschreibung": "Neubau einer Garage", "anzahl_gebaeude": 1,
    "gemarkung": "Schwabing", "flurstuecke": ["812/3"], "hat_bebauungsplan": false,
    "bauherrenart": "natuerlich",
    "bauherr_person": {"familienname": "Berger", "vornamen": "Anna",
      "wohnung": {"strasse": "Leopoldstraße", "hausnummer": "44", "plz": "80802", "ort": "München"}}
  },
  "decisions": {"genehmigt": true, "nebenbestimmungen": ["fertigstellung"],
    "weitere_nebenbestimmungen": "Das Dach ist zu begrünen.\nDie Zufahrt bleibt unversiegelt.",
    "begruendung": "Keine."},
  "reference": "B-2026-0815", "date": "2026-05-04", "signatory": "Maria Berger",
  "municipality": "091620000000"
}"#;

fn render(dir: &Temp, args: &[&str]) -> std::process::Output {
    let case = dir.path().join("case.json");
    let mut all = vec![
        "render",
        "bauantrag_bayern",
        "baugenehmigung",
        case.to_str().unwrap(),
        "--project",
        "forms",
    ];
    all.extend_from_slice(args);
    amt(&all)
}

#[test]
fn a_bescheid_is_written_for_its_case_with_every_part() {
    let dir = Temp::new("render-html");
    dir.write("case.json", CASE);
    let out = dir.path().join("bescheid.html");
    let o = render(&dir, &["--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // minijinja escapes `/` as `&#x2f;` too.
    let html = std::fs::read_to_string(&out)
        .unwrap()
        .replace("&#x2f;", "/");
    for says in [
        r#"<html lang="de">"#,
        "<title>Baugenehmigung – B-2026-0815</title>",
        "Landeshauptstadt München",
        "Anna Berger<br>Leopoldstraße 44<br>80802 München",
        "4. Mai 2026",
        "Für das Vorhaben „Neubau einer Garage“ auf dem Grundstück Gemarkung Schwabing, Flurstück 812/3 wird die Baugenehmigung",
        "<li>Die Fertigstellung ist der Bauaufsichtsbehörde schriftlich anzuzeigen.</li>",
        "<li>Das Dach ist zu begrünen.</li>",
        "<li>Die Zufahrt bleibt unversiegelt.</li>",
        "Klage erhoben werden bei: Bayerisches Verwaltungsgericht München, Bayerstraße 30, 80335 München.",
        "Art. 69 Abs. 1 BayBO",
        "Maria Berger",
    ] {
        assert!(html.contains(says), "does not say {says:?}:\n{html}");
    }
    // No Bebauungsplan, so no line about it; and the same bytes again.
    assert!(!html.contains("Für das Grundstück gilt"), "{html}");
    let again = render(&dir, &[]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).replace("&#x2f;", "/"),
        html,
        "stdout without --out, the same bytes"
    );
    // English, as the procedure declares it.
    let en = render(&dir, &["--lang", "en"]);
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(
        en.contains(r#"<html lang="en">"#)
            && en.contains("is granted as shown in the approved building documents"),
        "{en}"
    );
    assert!(
        en.contains("Bavarian Administrative Court of Munich"),
        "{en}"
    );
    assert!(
        en.contains("The official language of German authorities is German (§ 23 Abs. 1 VwVfG)"),
        "{en}"
    );
    assert!(
        !html.contains("§ 23 Abs. 1 VwVfG"),
        "the German document says nothing of translations"
    );
}

#[test]
fn what_cannot_be_written_is_refused_and_nothing_is_written() {
    let dir = Temp::new("render-refused");
    let out = dir.path().join("bescheid.html");
    std::fs::write(&out, "previous").unwrap();
    // The Begründung of the Ablehnungsbescheid is missing from the case.
    dir.write(
        "case.json",
        CASE.replace(r#""begruendung": "Keine.""#, r#""x": 1"#),
    );
    let case = dir.path().join("case.json");
    let o = amt(&[
        "render",
        "bauantrag_bayern",
        "ablehnungsbescheid",
        case.to_str().unwrap(),
        "--project",
        "forms",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no value for `{begruendung}`"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "previous",
        "the previous file stays"
    );
    // An unknown document, procedure and language.
    dir.write("case.json", CASE);
    let o = amt(&[
        "render",
        "bauantrag_bayern",
        "bauschein",
        case.to_str().unwrap(),
        "--project",
        "forms",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no document `bauschein`"));
    let o = amt(&[
        "render",
        "bauantrag",
        "baugenehmigung",
        case.to_str().unwrap(),
        "--project",
        "forms",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = render(&dir, &["--lang", "fr"]);
    assert_eq!(o.status.code(), Some(2));
    // A document is dated by its case, never by the clock.
    dir.write("case.json", CASE.replace(r#""date": "2026-05-04", "#, ""));
    let o = render(&dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the case names no `date`"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Without a municipality the Belehrung has no court to name.
    dir.write(
        "case.json",
        CASE.replace(",\n  \"municipality\": \"091620000000\"", ""),
    );
    let o = render(&dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("names no"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Not a case: not JSON, or a key a case does not have (a typo).
    dir.write("case.json", "[1, 2");
    assert_eq!(render(&dir, &[]).status.code(), Some(1));
    dir.write("case.json", CASE.replace("\"decisions\"", "\"decision\""));
    let o = render(&dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("unknown field `decision`"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn without_weasyprint_the_pdf_is_refused_with_how_to_install_it() {
    let dir = Temp::new("render-pdf");
    dir.write("case.json", CASE);
    let pdf = dir.path().join("bescheid.pdf");
    let case = dir.path().join("case.json");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_amt"))
        .args([
            "render",
            "bauantrag_bayern",
            "baugenehmigung",
            case.to_str().unwrap(),
            "--project",
            "forms",
            "--out",
        ])
        .arg(dir.path().join("b.html"))
        .arg("--pdf")
        .arg(&pdf)
        .env("AMT_WEASYPRINT", dir.path().join("no-such-weasyprint"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pip install weasyprint"));
    assert!(!pdf.exists(), "no PDF, not even half of one");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("amt-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_build_writes_each_documents_specimen_for_review() {
    let (_, compiled) =
        amt_compiler::check_project(std::path::Path::new("forms")).expect("forms reads");
    let p = compiled
        .procedures
        .iter()
        .find(|p| p.id == "bauantrag_bayern")
        .unwrap();
    let w = amt_compiler::emit::document::specimen(p, "baugenehmigung", "de").unwrap();
    // Placeholders as the labels of what they read, conditions said.
    assert_eq!(
        w.tenor,
        [
            "Für das Vorhaben „[Beschreibung des Vorhabens]“ auf dem Grundstück Gemarkung [Gemarkung], Flurstück [Flurstücksnummer] wird die Baugenehmigung nach Maßgabe der genehmigten Bauvorlagen erteilt."
        ]
    );
    assert!(
        w.reasons
            .contains(&"Für das Grundstück gilt: [Bezeichnung des Bebauungsplans]. (nur wenn hat_bebauungsplan)".to_string()),
        "{:?}",
        w.reasons
    );
    // Every Nebenbestimmung the clerk may choose, then the free text.
    assert_eq!(w.conditions.len(), 4, "{:?}", w.conditions);
    assert_eq!(w.conditions[3], "[Weitere Nebenbestimmungen]");
    assert!(w.remedy[0].contains("[Verwaltungsgericht der Behörde, mit Anschrift]"));
    // In the build, beside the procedure, linking the shared stylesheet.
    let dir = Temp::new("render-specimen");
    let out = dir.path().join("out");
    let o = amt(&["build", "forms", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page =
        std::fs::read_to_string(out.join("bauantrag_bayern/documents/baugenehmigung.en.html"))
            .unwrap();
    assert!(page.contains(r#"<link rel="stylesheet" href="../../assets/amt-document.css">"#));
    assert!(
        !page.contains("<style>"),
        "no inline styles under the build's CSP"
    );
    assert!(page.contains("Ancillary provisions"), "{page}");
    assert!(out.join("assets/amt-document.css").is_file());
}
