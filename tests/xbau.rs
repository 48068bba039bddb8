//! XBau 2.6 for the Bauantrag Bayern: every example's application as
//! `baugenehmigung.antrag.0200` and every Bescheid the examples receive as
//! `baugenehmigung.bescheid.0205`, held to the structure of the XBau 2.6
//! XSDs and the Kernmodul 1.3.0 (element order, cardinalities, which
//! elements are qualified, fixed attributes, code lists and versions). The
//! XSDs are not on a registry CI reaches; the content models below are
//! transcribed from `xbau-nachrichten-baugenehmigung.xsd`,
//! `xbau-baukasten.xsd`, `xbau-codes.xsd` and the Kernmodul's
//! `xbau-kernmodul-datentypen.xsd` as published by the XLeitstelle.

mod common;

use amt_compiler::emit::document::Case;
use amt_compiler::emit::xbau::{self, Behoerde, Header, Rechtsbereich};
use amt_compiler::import::xml::{self, Element};
use amt_compiler::ir;
use amt_compiler::ir::date::Date;
use amt_compiler::validate::Model;
use std::path::Path;

fn bauantrag() -> (ir::Procedure, ir::municipality::Registry) {
    let (_, compiled) = amt_compiler::check_project(Path::new("forms")).expect("forms reads");
    assert!(!compiled.failed(false), "forms checks clean");
    let p = compiled
        .procedures
        .iter()
        .find(|p| p.id == xbau::PROCEDURE)
        .expect("forms has the Bauantrag Bayern")
        .clone();
    (p, compiled.municipalities.registry)
}

fn header() -> Header {
    Header {
        autor: Behoerde {
            kennung: "psw:01003110".into(),
            name: "Antragsservice".into(),
        },
        leser: Behoerde {
            kennung: "psw:09162000".into(),
            name: "Landeshauptstadt München".into(),
        },
        created: "2026-04-14T10:00:00Z".into(),
        verzeichnisdienst_version: "3".into(),
    }
}

fn rechtsbereich() -> Rechtsbereich {
    Rechtsbereich {
        list: "urn:xoev-de:bund:bmj:codeliste:fundstellennachweis.bund.a".into(),
        version: "1".into(),
        code: "2130".into(),
    }
}

/// A content model: the children of an element in order, each with its
/// name as written (prefix included) and how often it may come.
type Model_ = &'static [(&'static str, usize, usize)];
const MANY: usize = usize::MAX;

/// The content models of the elements amt writes, by their name as written.
fn content(name: &str) -> Option<Model_> {
    Some(match name {
        "xbau:baugenehmigung.antrag.0200" => &[
            ("nachrichtenkopf.g2g", 1, 1),
            ("xbau:referenzAntragsservice", 1, 1),
            ("xbau:anbindungFachverfahren", 0, 1),
            ("empfangendeStelle", 0, 1),
            ("xbau:antragsteller", 1, MANY),
            ("xbau:prozessmerkmale", 0, 1),
            ("xbau:bauvorhaben", 1, 1),
            ("xbau:beantragteAbweichung", 0, MANY),
            ("xbau:angefragteErleichterung", 0, MANY),
            ("xbau:baulast", 0, MANY),
            ("xbau:datenabruf", 0, MANY),
            ("xbau:anlagen", 1, 1),
        ],
        "xbau:baugenehmigung.bescheid.0205" => &[
            ("nachrichtenkopf.g2g", 1, 1),
            ("xbau:bezug", 1, 1),
            ("xbau:bescheid", 1, 1),
            ("xbau:anlagen", 1, 1),
        ],
        "nachrichtenkopf.g2g" => &[
            ("identifikation.nachricht", 1, 1),
            ("leser", 1, 1),
            ("autor", 1, 1),
        ],
        "identifikation.nachricht" => &[
            ("nachrichtenUUID", 1, 1),
            ("nachrichtentyp", 1, 1),
            ("erstellungszeitpunkt", 1, 1),
        ],
        "leser" | "autor" => &[
            ("verzeichnisdienst", 1, 1),
            ("kennung", 1, 1),
            ("name", 1, 1),
            ("erreichbarkeit", 0, MANY),
        ],
        "xbau:referenzAntragsservice" => &[("referenzAntragsservice", 1, 1)],
        "xbau:antragsteller" | "xbau:gebuehrenpflichtiger" => {
            &[("natuerlichePerson", 0, 1), ("organisation", 0, 1)]
        }
        "natuerlichePerson" => &[
            ("id", 1, 1),
            ("name", 1, 1),
            ("anschrift", 1, 1),
            ("kommunikation", 0, MANY),
            ("istVertreter", 0, 1),
        ],
        "organisation" => &[("id", 1, 1), ("name", 1, 1), ("anschrift", 0, MANY)],
        "familienname" | "vorname" => &[("name", 0, 1), ("nichtVorhanden", 0, 1)],
        "anschrift" => &[
            ("strasse", 0, 1),
            ("hausnummer", 0, 1),
            ("strasseHausnummer", 0, 1),
            ("postfach", 0, 1),
            ("postleitzahl", 0, 1),
            ("ort", 0, 1),
            ("ortsteil", 0, 1),
            ("wohnungsgeber", 0, 1),
            ("zusatz", 0, 1),
            ("staat", 0, 1),
        ],
        "xbau:bauvorhaben" => &[
            ("xbau:bezeichnungDesBauvorhabens", 1, 1),
            ("xbau:beteiligte", 1, 1),
            ("xbau:gegenstand", 1, 1),
            ("xbau:verortung", 1, 1),
            ("xbau:weitereAngaben", 0, MANY),
        ],
        "xbau:beteiligte" => &[
            ("xbau:bauherr", 1, MANY),
            ("xbau:gruppenname", 0, 1),
            ("xbau:bevollmaechtigter", 0, 1),
            ("xbau:entwurfsverfasser", 0, 1),
            ("xbau:bauunternehmer", 0, 1),
            ("xbau:nachbar", 0, MANY),
            ("xbau:weitereBeteiligte", 0, MANY),
            ("xbau:gebuehrenpflichtiger", 1, 1),
        ],
        "xbau:gegenstand" => &[
            ("xbau:anzahlDerGebaeude", 1, 1),
            ("xbau:artDerMassnahme", 1, MANY),
        ],
        "xbau:anzahlDerGebaeude" => &[("xbau:anzahlDerGebaeudeImBauvorhaben", 1, 1)],
        "xbau:verortung" => &[
            ("xbau:baugrundstueck", 1, 1),
            ("xbau:lageBauvorhaben", 0, 1),
        ],
        "xbau:baugrundstueck" => &[("xbau:grundstueck", 1, MANY)],
        "xbau:grundstueck" => &[("xbau:anschrift", 0, MANY), ("xbau:flurstueck", 1, MANY)],
        "xbau:flurstueck" => &[("bundesland", 1, 1), ("kodierungFlurstueck", 1, 1)],
        "kodierungFlurstueck" => &[
            ("gemarkung", 1, 1),
            ("flur", 0, 1),
            ("zaehler", 1, 1),
            ("nenner", 0, 1),
            ("folge", 0, 1),
        ],
        "gemarkung" => &[("nummer", 0, 1), ("bezeichnung", 0, 1)],
        "xbau:anlagen" => &[("anlage", 1, MANY)],
        "anlage" => &[
            ("bezeichnung", 1, 1),
            ("versionsnummer", 1, 1),
            ("datum", 1, 1),
            ("anlageart", 1, 1),
            ("mimeType", 1, 1),
            ("anhangOderVerlinkung", 1, 1),
            ("xbau:wirdNachgereicht", 0, 1),
        ],
        "anhangOderVerlinkung" => &[("anhang", 0, 1), ("verlinkung", 0, 1)],
        "anhang" => &[("dokumentid", 1, 1), ("dateiname", 1, 1)],
        "xbau:bezug" => &[
            ("referenz", 0, 1),
            ("vorgang", 0, 1),
            ("bezugNachricht", 0, 1),
            ("anbindungFachverfahren", 0, 1),
        ],
        "xbau:bescheid" => &[
            ("xbau:tenor", 1, 1),
            ("xbau:abweichung", 0, MANY),
            ("xbau:nebenbestimmung", 0, MANY),
            ("xbau:begruendung", 0, 1),
            ("xbau:baufreigabeschein", 0, 1),
            ("xbau:rechtshelfsbelehrung", 1, 1),
            ("xbau:hinweise", 0, 1),
        ],
        "xbau:tenor" => &[
            ("xbau:istGenehmigung", 1, 1),
            ("xbau:kommentareFachrecht", 0, 1),
        ],
        "xbau:rechtshelfsbelehrung" => &[("textabsatz", 1, MANY)],
        "xbau:begruendung" | "xbau:hinweise" => &[("text", 1, 1), ("textOffice", 0, 1)],
        _ => return None,
    })
}

/// Code elements: their list URI and the version XBau 2.6 fixes (or that
/// its code list files have).
fn code_list(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "nachrichtentyp" => ("urn:xoev-de:xbau:codeliste:xbau-nachrichten", "4.0"),
        "verzeichnisdienst" => ("urn:xoev-de:kosit:codeliste:verzeichnisdienst", "3"),
        "xbau:artDerMassnahme" => ("urn:xoev-de:xbau:codeliste:baumassnahmeart", "2.0"),
        "bundesland" => (
            "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:bundesland",
            "2010-04-01",
        ),
        "anlageart" => ("urn:xoev-de:xbau:codeliste:anlagen", "3.0"),
        "mimeType" => ("urn:xoev-de:xbau:codeliste:xbau-mimetypes", "1.0"),
        "xbau:art" => ("urn:xoev-de:xbau:codeliste:nebenbestimmungart", "3.0"),
        _ => return None,
    })
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

/// Every problem of `el` and below against the content models.
fn check(el: &Element, path: &str, problems: &mut Vec<String>) {
    let here = format!("{path}/{}", el.qualified);
    if let Some(model) = content(&el.qualified) {
        let mut i = 0;
        for (name, min, max) in model {
            let mut n = 0;
            while i < el.children.len() && el.children[i].qualified == *name {
                n += 1;
                i += 1;
            }
            if n < *min || n > *max {
                problems.push(format!(
                    "{here}: {n} × {name}, the schema allows {min}..{max}"
                ));
            }
        }
        if let Some(extra) = el.children.get(i) {
            problems.push(format!(
                "{here}: `{}` is out of place (the schema's order is {:?})",
                extra.qualified,
                model.iter().map(|m| m.0).collect::<Vec<_>>()
            ));
        }
    }
    if let Some((list, version)) = code_list(&el.qualified) {
        if el.attr("listURI") != Some(list) || el.attr("listVersionID") != Some(version) {
            problems.push(format!(
                "{here}: list {:?} {:?}, not {list} {version}",
                el.attr("listURI"),
                el.attr("listVersionID")
            ));
        }
        if el.children.len() != 1
            || el.children[0].qualified != "code"
            || el.children[0].text.is_empty()
        {
            problems.push(format!("{here}: a code type holds one unqualified `code`"));
        }
    }
    match el.qualified.as_str() {
        "nachrichtenUUID" | "referenzAntragsservice" | "id" | "referenz" if !is_uuid(&el.text) => {
            problems.push(format!("{here}: `{}` is no UUID", el.text));
        }
        "dokumentid" if !el.text.strip_prefix("urn:uuid:").is_some_and(is_uuid) => {
            problems.push(format!("{here}: `{}` is no urn:uuid", el.text));
        }
        "xbau:istGenehmigung" if !matches!(el.text.as_str(), "true" | "false") => {
            problems.push(format!("{here}: `{}` is no xs:boolean", el.text));
        }
        "datum" if Date::parse(&el.text).is_none() => {
            problems.push(format!("{here}: `{}` is no xs:date", el.text));
        }
        "text" => {
            use base64::Engine;
            if base64::engine::general_purpose::STANDARD
                .decode(&el.text)
                .is_err()
            {
                problems.push(format!("{here}: not base64"));
            }
        }
        _ => {}
    }
    // Elements of the XBau namespace are qualified; the header, the
    // Kernmodul's types and `code` are not.
    if el.qualified.contains(':') && !el.qualified.starts_with("xbau:") {
        problems.push(format!("{here}: a prefix other than xbau"));
    }
    for c in &el.children {
        check(c, &here, problems);
    }
}

fn root_attributes(root: &Element, problems: &mut Vec<String>) {
    for (k, v) in [
        ("standard", "XBau-Hochbau"),
        ("version", "2.6"),
        ("produkt", "amt"),
        ("produkthersteller", "amt"),
    ] {
        if root.attr(k) != Some(v) {
            problems.push(format!("root: {k} = {:?}, not {v}", root.attr(k)));
        }
    }
    if root.attr("xbau") != Some(xbau::NAMESPACE)
        && !root.attrs.iter().any(|(_, v)| v == xbau::NAMESPACE)
    {
        problems.push("root: no xmlns:xbau".into());
    }
}

/// Every example of the Bauantrag with its case, as the workflow runs it.
fn runs(p: &ir::Procedure) -> Vec<(String, amt_compiler::examples::Run, &ir::Example)> {
    let model = Model::new(p);
    let today = Date::parse("2026-04-14").unwrap();
    p.examples
        .iter()
        .filter_map(|e| {
            let run = amt_compiler::examples::run_case(p, &model, e, today).ok()?;
            Some((e.name.clone(), run, e))
        })
        .collect()
}

#[test]
fn the_mapping_reads_names_the_bauantrag_has() {
    let (p, _) = bauantrag();
    let paths: Vec<&str> = p.all_nodes().map(|n| n.path.as_str()).collect();
    for want in xbau::ANTRAG_PATHS {
        assert!(
            paths.contains(want),
            "the Bauantrag has no `{want}`: the XBau mapping reads it"
        );
    }
}

#[test]
fn every_valid_application_is_a_well_formed_0200() {
    let (p, _) = bauantrag();
    let model = Model::new(&p);
    let mut written = 0;
    for e in &p.examples {
        let report = model.validate(
            &e.data,
            &amt_compiler::validate::Options {
                today: Date::parse("2026-04-14").unwrap(),
                lang: None,
            },
        );
        if !report.valid {
            continue;
        }
        let text =
            xbau::antrag(&p, &e.data, &header()).unwrap_or_else(|err| panic!("{}: {err}", e.name));
        assert_eq!(
            text,
            xbau::antrag(&p, &e.data, &header()).unwrap(),
            "the same bytes again"
        );
        let root = xml::parse(&text).unwrap_or_else(|err| panic!("{}: {}", e.name, err.message));
        assert_eq!(root.qualified, "xbau:baugenehmigung.antrag.0200");
        let mut problems = Vec::new();
        root_attributes(&root, &mut problems);
        check(&root, "", &mut problems);
        assert!(
            problems.is_empty(),
            "{}:\n{}\n{text}",
            e.name,
            problems.join("\n")
        );
        // What the application says arrives.
        let vorhaben = root.child("bauvorhaben").unwrap();
        assert_eq!(
            vorhaben.text_of("bezeichnungDesBauvorhabens"),
            e.data["beschreibung"].as_str()
        );
        let flurstuecke = vorhaben
            .child("verortung")
            .unwrap()
            .child("baugrundstueck")
            .unwrap()
            .child("grundstueck")
            .unwrap()
            .all("flurstueck")
            .count();
        assert_eq!(flurstuecke, e.data["flurstuecke"].as_array().unwrap().len());
        let files = amt_compiler::emit::fitconnect::files(&p, &e.data).len();
        assert_eq!(
            root.child("anlagen").unwrap().all("anlage").count(),
            files,
            "{}",
            e.name
        );
        written += 1;
    }
    assert!(written >= 5, "{written} applications");
}

#[test]
fn every_bescheid_the_examples_receive_is_a_0205() {
    let (p, registry) = bauantrag();
    let mut written = 0;
    for (name, run, e) in runs(&p) {
        for id in run
            .issued
            .iter()
            .filter(|d| matches!(d.as_str(), "baugenehmigung" | "ablehnungsbescheid"))
        {
            let authority = e
                .municipality
                .as_deref()
                .and_then(|ars| registry.resolve(ars, &p.id))
                .map(|r| r.authority.0.clone());
            let Some(authority) = authority else {
                continue;
            };
            let case = Case {
                data: run.data.clone(),
                reference: Some("B-2026-0042".into()),
                ..Default::default()
            };
            let today = Date::parse("2026-04-14").unwrap();
            let text = xbau::bescheid(
                &p,
                id,
                &case,
                Some(&authority),
                Some(&rechtsbereich()),
                &header(),
                today,
            )
            .unwrap_or_else(|err| panic!("{name}: {err}"));
            let root = xml::parse(&text).unwrap();
            assert_eq!(root.qualified, "xbau:baugenehmigung.bescheid.0205");
            let mut problems = Vec::new();
            root_attributes(&root, &mut problems);
            check(&root, "", &mut problems);
            assert!(
                problems.is_empty(),
                "{name}:\n{}\n{text}",
                problems.join("\n")
            );
            let bescheid = root.child("bescheid").unwrap();
            assert_eq!(
                bescheid.child("tenor").unwrap().text_of("istGenehmigung"),
                Some(if id == "baugenehmigung" {
                    "true"
                } else {
                    "false"
                })
            );
            // The Belehrung is the document's, the Nebenbestimmungen the clerk's.
            let belehrung: Vec<&str> = bescheid
                .child("rechtshelfsbelehrung")
                .unwrap()
                .all("textabsatz")
                .map(|t| t.text.as_str())
                .collect();
            assert!(
                belehrung[0].contains("Bayerisches Verwaltungsgericht München"),
                "{belehrung:?}"
            );
            let chosen = run
                .data
                .get("nebenbestimmungen")
                .and_then(|v| v.as_array())
                .map_or(0, Vec::len);
            let written_lines = run
                .data
                .get("weitere_nebenbestimmungen")
                .and_then(|v| v.as_str())
                .map_or(0, |t| t.lines().filter(|l| !l.trim().is_empty()).count());
            let expected = if id == "baugenehmigung" {
                chosen + written_lines
            } else {
                0
            };
            assert_eq!(bescheid.all("nebenbestimmung").count(), expected, "{name}");
            // The reference ties the decision to its application.
            assert_eq!(
                root.child("bezug").unwrap().text_of("referenz"),
                Some(xbau::antrag_id(&run.data).as_str())
            );
            written += 1;
        }
    }
    assert!(written >= 2, "{written} Bescheide");
}

#[test]
fn what_xbau_cannot_carry_is_refused_with_a_reason() {
    let (p, registry) = bauantrag();
    let runs = runs(&p);
    let (_, run, e) = runs
        .iter()
        .find(|(n, _, _)| n.contains("Nebenbestimmungen"))
        .expect("an example with Nebenbestimmungen");
    let authority = registry
        .resolve(e.municipality.as_deref().unwrap(), &p.id)
        .map(|r| r.authority.0.clone());
    let case = Case {
        data: run.data.clone(),
        ..Default::default()
    };
    let today = Date::parse("2026-04-14").unwrap();
    let err = xbau::bescheid(
        &p,
        "baugenehmigung",
        &case,
        authority.as_ref(),
        None,
        &header(),
        today,
    )
    .unwrap_err();
    assert!(err.0.contains("Rechtsbereich"), "{err}");
    let err = xbau::bescheid(
        &p,
        "vorbescheid",
        &case,
        authority.as_ref(),
        Some(&rechtsbereich()),
        &header(),
        today,
    )
    .unwrap_err();
    assert!(
        err.0
            .contains("no Bescheid of `baugenehmigung.bescheid.0205`"),
        "{err}"
    );
    let mut without = run.data.clone();
    without.as_object_mut().unwrap().remove("anzahl_gebaeude");
    let err = xbau::antrag(&p, &without, &header()).unwrap_err();
    assert!(err.0.contains("anzahl_gebaeude"), "{err}");
}

#[test]
fn amt_xbau_writes_both_messages_and_refuses_a_case_it_cannot_write() {
    let dir = common::Temp::new("xbau-cli");
    let (p, _) = bauantrag();
    let e = p
        .examples
        .iter()
        .find(|e| e.name.contains("Nebenbestimmungen"))
        .unwrap();
    let run = &runs(&p)
        .into_iter()
        .find(|(n, _, _)| *n == e.name)
        .unwrap()
        .1;
    let case = serde_json::json!({"data": run.data, "municipality": "091620000000", "reference": "B-1", "date": "2026-04-20"});
    let case = dir.write("case.json", serde_json::to_vec(&case).unwrap());
    let out = dir.path().join("antrag.xml");
    let o = common::amt(&[
        "xbau",
        "antrag",
        case.to_str().unwrap(),
        "--project",
        "forms",
        "--autor",
        "psw:01003110=Antragsservice",
        "--leser",
        "psw:09162000",
        "--created",
        "2026-04-14T10:00:00Z",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("<name>Landeshauptstadt München</name>"),
        "the leser is named after the authority: {text}"
    );
    let o = common::amt(&[
        "xbau",
        "bescheid",
        case.to_str().unwrap(),
        "--document",
        "baugenehmigung",
        "--project",
        "forms",
        "--autor",
        "psw:09162000=Landeshauptstadt München",
        "--leser",
        "psw:01003110=Antragsservice",
        "--created",
        "2026-04-20T10:00:00Z",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "no Rechtsbereich: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("Rechtsbereich"));
    assert!(o.stdout.is_empty(), "nothing written");
    // A message is dated by its sender, never by the clock.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_amt"))
        .args([
            "xbau",
            "antrag",
            case.to_str().unwrap(),
            "--project",
            "forms",
            "--autor",
            "psw:01003110=Antragsservice",
            "--leser",
            "psw:09162000",
        ])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--created"));
    assert!(o.stdout.is_empty());
}
