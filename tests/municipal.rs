//! Municipalities end to end: a build per municipality with the local
//! values, authority and look; identical files shared; a broken
//! municipality failing the whole build; watch mode making again only what
//! a change reaches; `amt report`.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::{Temp, amt};

const PROCEDURE: &str = r#"procedure steuer "Hundesteuer" {
  version 1.0.0
  identity substanziell via eid, elster
  parameter satz: money(min 0 EUR, max 500 EUR) "Steuersatz je Hund" {
    legal "§ 5 Hundesteuersatzung"
  }
  page start "Start" {
    field name: text(max 80) "Name des Hundes" {
      required
    }
  }
  computed steuer: money "Steuer" = satz
  workflow {
    actor amt: authority "Steueramt"
    start eingang "Eingang" {
      goto pruefung
    }
    step pruefung "Prüfung" {
      by amt
      goto fertig
    }
    end fertig "Festgesetzt" outcome granted
  }
  example "in Musterstadt 2025" {
    municipality "091880999999"
    today 2025-03-01
    name = "Bello"
    expect steuer = 100 EUR
  }
}
"#;

const PLACES: &str = r##"municipality "090000000000" "Land" { kind land }
municipality "091000000000" "Bezirk" { kind regierungsbezirk }
municipality "091880000000" "Landkreis" {
  kind landkreis
  authority lra "Landratsamt Muster" {
    address "Amtsweg 1, 99999 Musterort"
    destination "5e0c6a55-1b2f-4a3c-9d8e-7f6a5b4c3d2e"
    reply email, postal
  }
  offers steuer by lra
  theme { color primary "#005a8c" }
}
municipality "091880999999" "Musterstadt" {
  kind gemeinde
  set steuer.satz = 80 EUR { until 2024-12-31 legal "§ 5 Hundesteuersatzung (alt)" }
  set steuer.satz = 100 EUR { from 2025-01-01 legal "§ 5 Hundesteuersatzung" }
}
municipality "091880999998" "Musterdorf" {
  kind gemeinde
  set steuer.satz = 60 EUR { legal "§ 5 Hundesteuersatzung Musterdorf" }
}
municipality "091880999997" "Musterweiler" {
  kind gemeinde
  set steuer.satz = 60 EUR { legal "§ 5 Hundesteuersatzung Musterdorf" }
}
"##;

fn project(name: &str) -> Temp {
    let src = Temp::new(name);
    src.write("steuer.amt", PROCEDURE);
    src.write("kommunen.amt", PLACES);
    src
}

/// A file's text, with the no-break spaces of amounts (`100,00 €`) as
/// plain spaces.
fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace(['\u{a0}', '\u{202f}'], " ")
}

/// Writes a file as editors save it: whole, by a rename, so that a watcher
/// never reads it half written.
fn save(dir: &Temp, name: &str, text: &str) {
    let tmp = dir.write(&format!(".{name}.tmp"), text);
    std::fs::rename(tmp, dir.path().join(name)).unwrap();
}

/// Stops the watching process however the test ends.
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn each_municipality_gets_its_values_authority_and_look_and_identical_files_are_shared() {
    let src = project("municipal-src");
    let out = Temp::new("municipal-out");
    let target = out.path().join("o");
    let o = amt(&["build", src.s(), "--out", target.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stadt = target.join("091880999999/steuer");
    let dorf = target.join("091880999998/steuer");
    let weiler = target.join("091880999997/steuer");
    // The page names the municipality and the authority, with its look.
    let page = read(&stadt.join("index.html"));
    assert!(page.contains("Musterstadt"), "{page}");
    assert!(page.contains("Landratsamt Muster"));
    assert!(page.contains("Amtsweg 1, 99999 Musterort"));
    assert!(page.contains("--amt-primary: #005a8c"));
    assert!(
        page.contains("ab 01.01.2025: 100,00 €; davor: 80,00 €"),
        "{page}"
    );
    assert!(read(&dorf.join("index.html")).contains("Musterdorf"));
    // The model reads the value in force by date.
    let model = read(&stadt.join("procedure.json"));
    assert!(model.contains("\"2025-01-01\"") && model.contains("10000"));
    // The workflow names the authority and its FIT-Connect destination.
    let workflow = read(&stadt.join("workflow.json"));
    assert!(workflow.contains("5e0c6a55-1b2f-4a3c-9d8e-7f6a5b4c3d2e"));
    assert!(
        read(&stadt.join("workflow.bpmn")).contains("name=\"Hundesteuer – Landratsamt Muster\"")
    );
    // Musterdorf and Musterweiler set the same value: one model, one schema,
    // one workflow on disk; each has its own page.
    let inode = |p: &Path| std::fs::metadata(p).unwrap().ino();
    for f in [
        "procedure.json",
        "schema.json",
        "workflow.bpmn",
        "workflow.json",
    ] {
        assert_eq!(
            inode(&dorf.join(f)),
            inode(&weiler.join(f)),
            "{f} is shared"
        );
        assert_ne!(inode(&dorf.join(f)), inode(&stadt.join(f)), "{f} differs");
    }
    assert_ne!(
        inode(&dorf.join("index.html")),
        inode(&weiler.join("index.html"))
    );
    // The manifests list every municipality and each one's files.
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&target.join("manifest.json"))).unwrap();
    let places = manifest["municipalities"].as_array().unwrap();
    assert_eq!(places.len(), 6);
    let dorf_entry = places.iter().find(|m| m["ars"] == "091880999998").unwrap();
    assert_eq!(dorf_entry["parent"], "091880000000");
    assert_eq!(dorf_entry["procedures"][0]["authority_of"], "091880000000");
    assert!(manifest["sharing"]["stored"].as_u64() < manifest["sharing"]["files"].as_u64());
    let own: serde_json::Value =
        serde_json::from_str(&read(&target.join("091880999998/manifest.json"))).unwrap();
    // index, procedure, schema, xdatenfelder, workflow.bpmn and .json, the step's form
    assert_eq!(own["procedures"][0]["files"].as_array().unwrap().len(), 7);
    // The start page lists the municipalities with their procedures.
    let index = read(&target.join("index.html"));
    assert!(
        index.contains("href=\"091880999999&#x2f;steuer&#x2f;index.html\"")
            || index.contains("091880999999/steuer/index.html"),
        "{index}"
    );
    // A procedure whose parameter has no default is built for no one else.
    assert!(!target.join("steuer").exists());
    // The examples run with their municipality's values.
    let t = amt(&["test", src.s()]);
    assert_eq!(
        t.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&t.stdout)
    );
}

#[test]
fn one_broken_municipality_fails_the_build_and_leaves_the_output_as_it_was() {
    let src = project("municipal-broken-src");
    let out = Temp::new("municipal-broken");
    let target = out.path().join("o");
    assert_eq!(
        amt(&["build", src.s(), "--out", target.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let before = read(&target.join("manifest.json"));
    src.write("kommunen.amt", PLACES.replace("set steuer.satz = 60 EUR { legal \"§ 5 Hundesteuersatzung Musterdorf\" }\n}\nmunicipality \"091880999997\"", "set steuer.satz = 900 EUR { legal \"§ 5\" }\n}\nmunicipality \"091880999997\""));
    let o = amt(&["build", src.s(), "--out", target.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("E1009"), "{stderr}");
    assert!(stderr.contains("kommunen.amt"), "{stderr}");
    assert_eq!(read(&target.join("manifest.json")), before);
}

#[test]
fn report_says_where_each_value_comes_from_and_what_differs() {
    let src = project("municipal-report-src");
    let o = amt(&["report", "091880999999", "--path", src.s()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Landratsamt Muster (`lra`, FIT-Connect 5e0c6a55"),
        "{text}"
    );
    assert!(
        text.contains("← Landkreis (091880000000, landkreis)"),
        "{text}"
    );
    assert!(text.contains("80.00 EUR until 2024-12-31"), "{text}");
    assert!(
        text.contains("← Musterstadt (091880999999, gemeinde)"),
        "{text}"
    );
    let d = amt(&[
        "report",
        "091880999998",
        "--path",
        src.s(),
        "--against",
        "091880999997",
    ]);
    let diff = String::from_utf8_lossy(&d.stdout);
    // The same value, each set by its own Gemeinde: the origin differs.
    assert!(diff.contains("- satz: 60.00 EUR"), "{diff}");
    assert!(diff.contains("+ satz: 60.00 EUR"), "{diff}");
    assert!(
        !diff.contains("authority"),
        "the authority is the Landkreis's for both: {diff}"
    );
}

#[test]
fn watch_mode_makes_again_only_what_a_change_reaches() {
    let src = project("municipal-watch-src");
    let out = Temp::new("municipal-watch");
    let target = out.path().join("o");
    let mut child = Kill(
        Command::new(env!("CARGO_BIN_EXE_amt"))
            .args([
                "build",
                src.s(),
                "--out",
                target.to_str().unwrap(),
                "--watch",
            ])
            .env("NO_COLOR", "1")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stderr = child.0.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let wait_for = |what: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200))
                && line.contains(what)
            {
                return line;
            }
        }
        panic!("watch mode never said `{what}`");
    };
    wait_for("watching");
    let inode = |p: &str| std::fs::metadata(target.join(p)).unwrap().ino();
    let (stadt, dorf) = (
        inode("091880999999/steuer/index.html"),
        inode("091880999998/steuer/index.html"),
    );
    // Musterdorf's rate changes: only Musterdorf is made again.
    save(
        &src,
        "kommunen.amt",
        &PLACES.replacen("set steuer.satz = 60 EUR", "set steuer.satz = 65 EUR", 1),
    );
    let line = wait_for("kept unchanged");
    assert!(line.contains("2 kept unchanged"), "{line}");
    assert_eq!(inode("091880999999/steuer/index.html"), stadt);
    assert_ne!(inode("091880999998/steuer/index.html"), dorf);
    assert!(read(&target.join("091880999998/steuer/index.html")).contains("65,00 €"));
}

/// A procedure with an extension point; the Landkreis adds a question
/// there, one Gemeinde replaces it with its own.
const EXTENDED: &str = r#"procedure marke "Hundemarke" {
  version 1.0.0
  page start "Start" {
    field name: text(max 80) "Name des Hundes" {
      required
    }
    extension gemeinde "Angaben für Ihre Gemeinde"
  }
}
"#;

const EXTENDING: &str = r##"municipality "090000000000" "Land" { kind land }
municipality "091000000000" "Bezirk" { kind regierungsbezirk }
municipality "091880000000" "Landkreis" {
  kind landkreis
  authority lra "Landratsamt Muster"
  offers marke by lra
  extend marke.gemeinde {
    field marke_verloren: boolean "Ersatzmarke für eine verlorene Marke"
  }
}
municipality "091880999999" "Musterstadt" {
  kind gemeinde
  extend marke.gemeinde {
    field chip: boolean "Erkennung über den Chip"
    field transponder: text(length 15..15) "Transpondernummer" {
      when chip
      required
    }
  }
}
municipality "091880999998" "Musterdorf" { kind gemeinde }
municipality "091880999997" "Musterweiler" { kind gemeinde }
"##;

#[test]
fn local_questions_stand_only_where_a_municipality_adds_them() {
    let src = Temp::new("municipal-extend-src");
    src.write("marke.amt", EXTENDED);
    src.write("kommunen.amt", EXTENDING);
    let out = Temp::new("municipal-extend-out");
    let target = out.path().join("site");
    let o = amt(&["build", src.s(), "--out", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let schema = |ars: &str| read(&target.join(ars).join("marke/schema.json"));
    // Musterstadt's own questions replace the Landkreis's; the other
    // Gemeinden inherit the Landkreis's, and share its files.
    let stadt = schema("091880999999");
    assert!(stadt.contains("\"transponder\""), "{stadt}");
    assert!(!stadt.contains("marke_verloren"), "{stadt}");
    let dorf = schema("091880999998");
    assert!(
        dorf.contains("marke_verloren") && !dorf.contains("chip"),
        "{dorf}"
    );
    let inode = |ars: &str| {
        std::fs::metadata(target.join(ars).join("marke/schema.json"))
            .unwrap()
            .ino()
    };
    assert_eq!(inode("091880999998"), inode("091880999997"));
    assert_ne!(inode("091880999998"), inode("091880999999"));
    let page = read(&target.join("091880999999/marke/index.html"));
    assert!(page.contains("Transpondernummer"), "{page}");
    // The generic procedure has the point, empty.
    let generic = read(&target.join("marke/index.html"));
    assert!(!generic.contains("Transpondernummer") && !generic.contains("Ersatzmarke"));

    // Validated with Musterstadt's questions, a chip needs its number.
    let submission = src.write(
        "antrag.json",
        r#"{"name": "Bello", "gemeinde": {"chip": true}}"#,
    );
    let validate = |ars: &str| {
        amt(&[
            "validate",
            src.s(),
            submission.to_str().unwrap(),
            "--municipality",
            ars,
        ])
    };
    let v = validate("091880999999");
    assert!(!v.status.success());
    assert!(
        String::from_utf8_lossy(&v.stdout).contains("/gemeinde/transponder"),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );

    // The report says whose questions apply.
    let r = amt(&["report", "091880999998", "--path", src.s()]);
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(
        text.contains("extension gemeinde  adds marke_verloren"),
        "{text}"
    );
    assert!(
        text.contains("← Landkreis (091880000000, landkreis)"),
        "{text}"
    );
}
