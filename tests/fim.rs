//! FIM XDatenfelder: every procedure's `xdatenfelder.xml` has the structure
//! XDatenfelder 3.0.0 prescribes (as the book's FIM chapter and
//! ../shared/design/fim.md describe it: no XSD is published where this
//! runs), and reads back through `amt import` into the same form; amt's own
//! XDatenfelder 2 and 3 fixtures go through amt and back keeping their ids,
//! labels, types, multiplicities and code-list references; bad documents
//! get a coded error and nothing written.

mod common;

use amt_compiler::import::xml::{self, Element};
use amt_compiler::ir::{self, FieldType, NodeKind};
use amt_compiler::source::SourceMap;
use common::{Temp, amt};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const STAMP: &str = "2026-12-06T00:00:00Z";

fn instances() -> Vec<ir::Procedure> {
    let (_, compiled) = amt_compiler::check_project(Path::new("forms")).expect("forms reads");
    assert!(!compiled.failed(false), "forms checks clean");
    compiled.instances()
}

// ------------------------------------------------------------ structure

const COMMON: &[&str] = &[
    "identifikation",
    "name",
    "beschreibung",
    "definition",
    "bezug",
    "freigabestatus",
    "statusGesetztAm",
    "statusGesetztDurch",
    "gueltigAb",
    "gueltigBis",
    "versionshinweis",
    "veroeffentlichungsdatum",
    "letzteAenderung",
    "relation",
    "stichwort",
];
const REPEATABLE: &[&str] = &[
    "bezug",
    "relation",
    "stichwort",
    "regel",
    "struktur",
    "mediaType",
];

/// The children of `el` in the order `order` allows, the required ones
/// present, no other element, no empty text.
fn order(el: &Element, order: &[&str], required: &[&str], problems: &mut Vec<String>) {
    let mut at = 0;
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for c in &el.children {
        match order[at..].iter().position(|o| *o == c.name) {
            Some(i) => at += i,
            None => problems.push(format!(
                "`{}` in `{}` is out of order or unknown (after `{}`)",
                c.name, el.name, order[at]
            )),
        }
        if !seen.insert(c.name.as_str()) && !REPEATABLE.contains(&c.name.as_str()) {
            problems.push(format!("`{}` twice in `{}`", c.name, el.name));
        }
        if c.children.is_empty() && c.text.is_empty() && c.name != "praezisierung" {
            problems.push(format!("`{}` in `{}` is empty", c.name, el.name));
        }
    }
    for r in required {
        if !seen.contains(r) {
            problems.push(format!("`{}` lacks `{r}`", el.name));
        }
    }
}

/// The common data of an element, then `own`; the common required
/// elements and `required` present.
fn element_order(el: &Element, own: &[&str], required: &[&str], problems: &mut Vec<String>) {
    let mut o: Vec<&str> = COMMON.to_vec();
    o.extend(own);
    let mut r = vec![
        "identifikation",
        "name",
        "freigabestatus",
        "letzteAenderung",
    ];
    r.extend(required);
    order(el, &o, &r, problems);
}

fn code<'e>(el: &'e Element, name: &str) -> &'e str {
    el.child(name)
        .and_then(|c| c.text_of("code"))
        .unwrap_or_default()
}

fn is_id(id: &str, letter: char) -> bool {
    id.len() == 12 && id.starts_with(letter) && id[1..].bytes().all(|b| b.is_ascii_digit())
}

fn common(el: &Element, letter: char, problems: &mut Vec<String>) {
    let id = el
        .child("identifikation")
        .and_then(|i| i.text_of("id"))
        .unwrap_or_default();
    if !is_id(id, letter) {
        problems.push(format!(
            "`{}` has the id `{id}`, not {letter} and 11 digits (FIM 1039)",
            el.name
        ));
    }
    if !("1"..="8").contains(&code(el, "freigabestatus")) || code(el, "freigabestatus").len() != 1 {
        problems.push(format!(
            "`{}` has no Freigabestatus 1–8 (FIM 1032)",
            el.name
        ));
    }
    let changed = el.text_of("letzteAenderung").unwrap_or_default();
    if changed.len() != 20 || !changed.ends_with('Z') || &changed[10..11] != "T" {
        problems.push(format!("`{changed}` is no xs:dateTime in UTC"));
    }
}

fn struktur(st: &Element, problems: &mut Vec<String>) {
    order(
        st,
        &["anzahl", "bezug", "enthaelt"],
        &["anzahl", "enthaelt"],
        problems,
    );
    let anzahl = st.text_of("anzahl").unwrap_or_default();
    let ok = anzahl.split_once(':').is_some_and(|(min, max)| {
        min.parse::<u64>().is_ok_and(|min| {
            max == "*" || max.parse::<u64>().is_ok_and(|max| min <= max && max > 0)
        })
    });
    if !ok {
        problems.push(format!(
            "the multiplicity `{anzahl}` (FIM 1021, 1046, 1047)"
        ));
    }
    let Some(e) = st.child("enthaelt") else {
        return;
    };
    if e.children.len() != 1 {
        problems.push("`enthaelt` holds other than one element".into());
    }
    for c in &e.children {
        match c.name.as_str() {
            "datenfeldgruppe" => group(c, problems),
            "datenfeld" => field(c, problems),
            other => problems.push(format!("`enthaelt` holds `{other}`")),
        }
    }
}

fn group(g: &Element, problems: &mut Vec<String>) {
    element_order(
        g,
        &[
            "bezeichnungEingabe",
            "bezeichnungAusgabe",
            "schemaelementart",
            "hilfetextEingabe",
            "hilfetextAusgabe",
            "regel",
            "struktur",
        ],
        &["bezeichnungEingabe", "schemaelementart", "struktur"],
        problems,
    );
    common(g, 'G', problems);
    for r in g.all("regel") {
        regel(r, problems);
    }
    for st in g.all("struktur") {
        struktur(st, problems);
    }
}

fn field(f: &Element, problems: &mut Vec<String>) {
    element_order(
        f,
        &[
            "bezeichnungEingabe",
            "bezeichnungAusgabe",
            "schemaelementart",
            "hilfetextEingabe",
            "hilfetextAusgabe",
            "feldart",
            "datentyp",
            "praezisierung",
            "inhalt",
            "vorbefuellung",
            "codelisteReferenz",
            "werte",
            "maxSize",
            "mediaType",
            "regel",
        ],
        &[
            "bezeichnungEingabe",
            "schemaelementart",
            "feldart",
            "datentyp",
            "vorbefuellung",
        ],
        problems,
    );
    common(f, 'F', problems);
    let (feldart, datentyp) = (code(f, "feldart"), code(f, "datentyp"));
    if !["input", "select", "label", "hidden", "locked"].contains(&feldart) {
        problems.push(format!("Feldart `{feldart}` (FIM 1027)"));
    }
    if ![
        "text",
        "text_latin",
        "date",
        "time",
        "datetime",
        "bool",
        "num",
        "num_int",
        "num_currency",
        "file",
        "obj",
    ]
    .contains(&datentyp)
    {
        problems.push(format!("Datentyp `{datentyp}` (FIM 1028)"));
    }
    if !["keine", "optional", "verpflichtend"].contains(&code(f, "vorbefuellung")) {
        problems.push("Vorbefüllung (FIM 1030)".into());
    }
    if !["ABS", "HAR", "RNG"].contains(&code(f, "schemaelementart"))
        || code(f, "schemaelementart") == "ABS"
    {
        problems.push("Schemaelementart of a field (FIM 1014, 1031)".into());
    }
    if code(f, "schemaelementart") == "RNG" && f.child("bezug").is_none() {
        problems.push("RNG without bezug (FIM 1006)".into());
    }
    let lists = usize::from(f.child("werte").is_some())
        + usize::from(f.child("codelisteReferenz").is_some());
    if feldart == "select" {
        if datentyp != "text" {
            problems.push("a select typed other than text (FIM 1011)".into());
        }
        if lists != 1 {
            problems.push("a select with other than one list (FIM 1018)".into());
        }
    } else if lists > 0 {
        problems.push("values on a field that is no select (FIM 1017)".into());
    }
    if let Some(w) = f.child("werte") {
        let codes: Vec<&str> = w.all("wert").filter_map(|v| v.text_of("code")).collect();
        let unique: BTreeSet<&&str> = codes.iter().collect();
        if codes.len() < 2 || unique.len() != codes.len() {
            problems.push(format!("value list {codes:?} (FIM 1044, 1045)"));
        }
    }
    if let Some(p) = f.child("praezisierung") {
        let lengths = p.attr("minLength").is_some() || p.attr("maxLength").is_some();
        let values = p.attr("minValue").is_some() || p.attr("maxValue").is_some();
        if lengths && !["text", "text_latin"].contains(&datentyp) {
            problems.push("lengths on no text (FIM 1015)".into());
        }
        if values
            && !["num", "num_int", "num_currency", "date", "time", "datetime"].contains(&datentyp)
        {
            problems.push("values on no number or date (FIM 1016)".into());
        }
        if p.attr("pattern").is_some() && datentyp == "file" {
            problems.push("a pattern on a file (FIM 1120)".into());
        }
    }
    if (f.child("maxSize").is_some() || f.child("mediaType").is_some()) && datentyp != "file" {
        problems.push("maxSize or mediaType on no file (FIM 1056, 1057)".into());
    }
    for r in f.all("regel") {
        regel(r, problems);
    }
}

fn regel(r: &Element, problems: &mut Vec<String>) {
    order(
        r,
        &[
            "identifikation",
            "name",
            "beschreibung",
            "freitextRegel",
            "bezug",
            "fachlicherErsteller",
            "letzteAenderung",
            "typ",
            "skript",
            "stichwort",
        ],
        &[
            "identifikation",
            "name",
            "freitextRegel",
            "letzteAenderung",
            "typ",
        ],
        problems,
    );
    let id = r
        .child("identifikation")
        .and_then(|i| i.text_of("id"))
        .unwrap_or_default();
    if !is_id(id, 'R') {
        problems.push(format!("rule id `{id}`"));
    }
    if !["K", "M", "V", "B"].contains(&code(r, "typ")) {
        problems.push("rule type (K, M, V, B)".into());
    }
}

/// The problems of an exported document's structure.
fn structure(text: &str) -> Vec<String> {
    let root = xml::parse(text).expect("the export is XML");
    let mut problems = Vec::new();
    assert_eq!(root.qualified, "xdf3:xdatenfelder.stammdatenschema.0102");
    assert_eq!(
        root.attr("xmlns:xdf3"),
        Some("urn:xoev-de:fim:standard:xdatenfelder_3.0.0")
    );
    order(
        &root,
        &["header", "stammdatenschema"],
        &["header", "stammdatenschema"],
        &mut problems,
    );
    if let Some(h) = root.child("header") {
        order(
            h,
            &["nachrichtID", "erstellungszeitpunkt"],
            &["nachrichtID", "erstellungszeitpunkt"],
            &mut problems,
        );
    }
    let s = root.child("stammdatenschema").expect("a schema");
    element_order(
        s,
        &[
            "bezeichnung",
            "hilfetext",
            "ableitungsmodifikationenStruktur",
            "ableitungsmodifikationenRepraesentation",
            "dokumentsteckbrief",
            "regel",
            "struktur",
        ],
        &[
            "bezeichnung",
            "ableitungsmodifikationenStruktur",
            "ableitungsmodifikationenRepraesentation",
            "dokumentsteckbrief",
            "struktur",
        ],
        &mut problems,
    );
    common(s, 'S', &mut problems);
    let steckbrief = s
        .child("dokumentsteckbrief")
        .and_then(|d| d.text_of("id"))
        .unwrap_or_default();
    if !is_id(steckbrief, 'D') || !steckbrief.starts_with("D99") {
        problems.push(format!(
            "Dokumentsteckbrief `{steckbrief}` (FIM 1007, 1039, 1124)"
        ));
    }
    for r in s.all("regel") {
        regel(r, &mut problems);
    }
    for st in s.all("struktur") {
        struktur(st, &mut problems);
    }
    // Every id names one element.
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    fn walk(el: &Element, ids: &mut BTreeMap<String, usize>) {
        if matches!(el.name.as_str(), "datenfeld" | "datenfeldgruppe" | "regel")
            && let Some(id) = el.child("identifikation").and_then(|i| i.text_of("id"))
            && id.starts_with('R')
        {
            *ids.entry(id.to_string()).or_default() += 1;
        }
        for c in &el.children {
            walk(c, ids);
        }
    }
    walk(s, &mut ids);
    for (id, n) in ids {
        if n > 1 {
            problems.push(format!("the rule id {id} names {n} rules"));
        }
    }
    problems
}

#[test]
fn every_export_has_the_structure_of_xdatenfelder_3() {
    for p in instances() {
        let text = amt_compiler::emit::xdf::xdatenfelder(&p, STAMP);
        let problems = structure(&text);
        assert!(problems.is_empty(), "{}: {problems:#?}", p.id);
        // Same model, same bytes.
        assert_eq!(text, amt_compiler::emit::xdf::xdatenfelder(&p, STAMP));
    }
}

// ------------------------------------------------------------ round trip

/// What XDatenfelder carries of a node, in a form two models compare by.
fn projection(p: &ir::Procedure) -> Vec<String> {
    let lang = p.source_language().to_string();
    let text = |t: Option<&ir::I18n>| {
        t.and_then(|t| t.pick(&lang, &lang))
            .unwrap_or_default()
            .to_string()
    };
    let mut out = Vec::new();
    for page in &p.pages {
        out.push(format!("page {} {}", page.id, text(Some(&page.label))));
    }
    for n in p.all_nodes() {
        let legal: Vec<&str> = n.legal.iter().map(|l| l.citation.as_str()).collect();
        let mut line = format!(
            "{} {:?} {} hint={} required={} repeat={:?} when={:?} fim={:?} {:?} legal={legal:?} rules={:?}",
            n.path,
            std::mem::discriminant(&n.kind),
            text(n.label.as_ref()),
            text(n.hint.as_ref()),
            n.required,
            n.repeat,
            n.when.as_ref().map(ToString::to_string),
            n.fim,
            n.fim_version,
            n.rules
                .iter()
                .map(|r| (r.condition.to_string(), text(Some(&r.message))))
                .collect::<Vec<_>>(),
        );
        match &n.kind {
            NodeKind::Field { ty } => line.push_str(&field_type(p, ty, &lang)),
            NodeKind::Computed { value, .. } => line.push_str(&format!(" = {value}")),
            NodeKind::Attachment {
                media_types,
                max_bytes,
                count,
            } => {
                line.push_str(&format!(" {media_types:?} {max_bytes:?} {count:?}"));
            }
            NodeKind::Note { text: t } => line.push_str(&format!(" note {}", text(Some(t)))),
            NodeKind::Group { .. } => {}
        }
        out.push(line);
    }
    for f in &p.fees {
        out.push(format!(
            "fee {} {} = {}",
            f.id,
            text(Some(&f.label)),
            f.value
        ));
    }
    out
}

fn field_type(p: &ir::Procedure, ty: &FieldType, lang: &str) -> String {
    match ty {
        FieldType::Text {
            multiline,
            min_length,
            max_length,
            pattern,
            format,
            ..
        } => {
            format!(
                " text multiline={multiline} {min_length:?} {max_length:?} {pattern:?} {format:?}"
            )
        }
        FieldType::Choice { codelist, multiple } => {
            let list = &p.codelists[codelist];
            let values: Vec<(String, String)> = list
                .values
                .iter()
                .map(|c| {
                    (
                        c.code.clone(),
                        c.label.pick(lang, lang).unwrap_or_default().to_string(),
                    )
                })
                .collect();
            match &list.source {
                // A list known by its URN travels as the reference.
                Some(s) => format!(" choice multiple={multiple} {} {:?}", s.urn, s.version),
                None => format!(" choice multiple={multiple} {values:?}"),
            }
        }
        other => {
            let bounds = other.bounds().map(|b| {
                (
                    b.min.as_ref().map(ToString::to_string),
                    b.max.as_ref().map(ToString::to_string),
                )
            });
            let base = serde_json::to_value(other).unwrap()["base"].clone();
            format!(" {base} {bounds:?}")
        }
    }
}

#[test]
fn every_procedure_goes_through_xdatenfelder_and_back_to_the_same_form() {
    for p in instances() {
        let text = amt_compiler::emit::xdf::xdatenfelder(&p, STAMP);
        let mut sources = SourceMap::new();
        let file = sources.add_unparsed("export.xml", text);
        let imported = amt_compiler::import::import(file, &sources.get(file).text)
            .unwrap_or_else(|e| panic!("{}: {e:#?}", p.id));
        // What could not come back is listed, each with its statement.
        let left: Vec<String> = imported
            .diagnostics
            .iter()
            .flat_map(|d| d.notes.clone())
            .collect();
        let mut again = SourceMap::new();
        again.add("imported.amt", imported.source.clone());
        let compiled = amt_compiler::compile(&again);
        assert!(
            !compiled.failed(false),
            "{}: the imported source checks: {:#?}\n{}",
            p.id,
            compiled.diagnostics,
            imported.source
        );
        let back = &compiled.procedures[0];
        let want: Vec<String> = projection(&p)
            .into_iter()
            // Code-list columns have no place in XDatenfelder: what reads
            // them is listed as left to finish.
            .filter(|l| {
                !left
                    .iter()
                    .any(|n| l.contains("= ") && n.contains(l.split(" = ").nth(1).unwrap_or("~")))
            })
            .collect();
        let got = projection(back);
        let missing: Vec<&String> = want.iter().filter(|l| !got.contains(l)).collect();
        let extra: Vec<&String> = got.iter().filter(|l| !want.contains(l)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: the round trip changed the form\nmissing: {missing:#?}\nextra: {extra:#?}\nleft: {left:#?}",
            p.id
        );
    }
}

#[test]
fn local_ids_stay_when_the_source_is_reordered() {
    let first = r#"procedure p "P" {
  version 1.0.0
  page a "A" {
    field eins: text(max 10) "Eins"
    field zwei: text(max 10) "Zwei" { rule zwei != eins "Bitte zwei andere Angaben." }
    group drei "Drei" { field vier: boolean "Vier" }
  }
}
"#;
    let second = r#"procedure p "P" {
  version 1.0.0
  page a "A" {
    group drei "Drei" { field vier: boolean "Vier" }
    field zwei: text(max 10) "Zwei" { rule zwei != eins "Bitte zwei andere Angaben." }
    field eins: text(max 10) "Eins"
  }
}
"#;
    let ids = |source: &str| {
        let mut s = SourceMap::new();
        s.add("p.amt", source);
        let c = amt_compiler::compile(&s);
        assert!(!c.failed(false), "{:#?}", c.diagnostics);
        let text = amt_compiler::emit::xdf::xdatenfelder(&c.procedures[0], STAMP);
        let root = xml::parse(&text).unwrap();
        let mut out = BTreeMap::new();
        fn walk(el: &Element, out: &mut BTreeMap<String, String>) {
            if let Some(id) = el.child("identifikation").and_then(|i| i.text_of("id")) {
                let name = el
                    .all("stichwort")
                    .find(|s| s.attr("uri") == Some("urn:amt:name"))
                    .map(|s| s.text.clone())
                    .or_else(|| el.text_of("name").map(str::to_string))
                    .unwrap_or_default();
                out.insert(format!("{} {name}", el.name), id.to_string());
            }
            for c in &el.children {
                walk(c, out);
            }
        }
        walk(&root, &mut out);
        out
    };
    let (a, b) = (ids(first), ids(second));
    assert_eq!(a.len(), 6, "{a:#?}");
    assert_eq!(a, b);
    assert!(a.values().all(|id| id[1..3] == *"99"), "{a:#?}");
}

// ------------------------------------------------------------ fixtures

/// Ids, labels, data types, multiplicities and code-list references of
/// every element, by id.
fn facts(text: &str) -> BTreeMap<String, String> {
    let root = xml::parse(text).unwrap();
    let mut out = BTreeMap::new();
    fn walk(el: &Element, anzahl: &str, out: &mut BTreeMap<String, String>) {
        if matches!(el.name.as_str(), "datenfeld" | "datenfeldgruppe") {
            let ident = el.child("identifikation").unwrap();
            let id = amt_compiler::emit::xdf::xdf3_id(ident.text_of("id").unwrap());
            let version = ident
                .text_of("version")
                .map(amt_compiler::emit::xdf::xdf3_version);
            let list = el.child("codelisteReferenz").map(|r| {
                let g = r.child("genericodeIdentification").unwrap_or(r);
                (
                    g.text_of("canonicalIdentification").map(str::to_string),
                    g.text_of("version").map(str::to_string),
                )
            });
            let values: Vec<&str> = el
                .child("werte")
                .map(|w| w.all("wert").filter_map(|v| v.text_of("code")).collect())
                .unwrap_or_default();
            out.insert(
                id,
                format!(
                    "{version:?} {} {} {} {anzahl} {list:?} {values:?}",
                    el.text_of("bezeichnungEingabe").unwrap_or_default(),
                    code(el, "feldart"),
                    code(el, "datentyp"),
                ),
            );
        }
        for st in el.all("struktur") {
            let a = st.text_of("anzahl").unwrap_or_default();
            for c in st
                .child("enthaelt")
                .map(|e| e.children.as_slice())
                .unwrap_or_default()
            {
                walk(c, a, out);
            }
        }
        for c in &el.children {
            if c.name == "stammdatenschema"
                || (el.name.starts_with("xdatenfelder.") && c.name != "header")
            {
                walk(c, "1:1", out);
            }
        }
    }
    walk(&root, "1:1", &mut out);
    out
}

#[test]
fn fim_documents_go_through_amt_and_back_keeping_ids_labels_types_and_lists() {
    for (fixture, wrap) in [
        ("tests/fim/antrag-xdf2.xml", false),
        ("tests/fim/kontakt-xdf3.xml", true),
    ] {
        let dir = Temp::new(&format!("fim-{}", fixture.replace('/', "-")));
        let out = dir.path().join("p.amt");
        let o = amt(&["import", fixture, "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stderr = String::from_utf8_lossy(&o.stderr);
        // The references' values are left to the author, and said so.
        assert!(stderr.contains("W1101"), "{stderr}");
        let source = std::fs::read_to_string(&out).unwrap();
        assert!(source.contains("// FIM:"), "{source}");
        // A group on its own is imported as a declared group; a procedure
        // that uses it makes it exportable.
        if wrap {
            dir.write(
                "use.amt",
                "import p.{kontakt_der_antragstellenden_person}\n\nprocedure kontakt \"Kontakt\" {\n  version 1.0.0\n  page a \"A\" {\n    group kontakt: kontakt_der_antragstellenden_person {\n      required\n    }\n  }\n}\n",
            );
        }
        let (_, compiled) = amt_compiler::check_project(dir.path()).unwrap();
        assert!(
            !compiled.failed(false),
            "{:#?}\n{source}",
            compiled.diagnostics
        );
        let exported = amt_compiler::emit::xdf::xdatenfelder(&compiled.procedures[0], STAMP);
        let before = facts(&std::fs::read_to_string(fixture).unwrap());
        let after = facts(&exported);
        for (id, fact) in &before {
            if id.starts_with('S') {
                continue;
            }
            assert_eq!(after.get(id), Some(fact), "{fixture}: {id}\n{exported}");
        }
    }
}

// ------------------------------------------------------------ bad input

#[test]
fn bad_documents_get_a_coded_error_and_nothing_is_written() {
    let dir = Temp::new("fim-bad");
    let ns = "xmlns:xdf3=\"urn:xoev-de:fim:standard:xdatenfelder_3.0.0\"";
    let cases: Vec<(&str, String, &str)> = vec![
        ("not-xml.xml", "this is not XML <".into(), "E1101"),
        (
            "unclosed.xml",
            format!("<xdf3:xdatenfelder.datenfeld.0104 {ns}><xdf3:header>"),
            "E1101",
        ),
        (
            "steckbrief.xml",
            format!("<xdf3:xdatenfelder.dokumentsteckbrief.0101 {ns}/>"),
            "E1103",
        ),
        (
            "no-namespace.xml",
            "<xdatenfelder.datenfeld.0104/>".into(),
            "E1103",
        ),
        (
            "laughs.xml",
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE lol [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>\n<xdf3:xdatenfelder.datenfeld.0104 {ns}>&lol2;</xdf3:xdatenfelder.datenfeld.0104>"
            ),
            "E1102",
        ),
        (
            "external.xml",
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n<xdf3:xdatenfelder.datenfeld.0104 {ns}>&secret;</xdf3:xdatenfelder.datenfeld.0104>"
            ),
            "E1102",
        ),
        (
            "entity-without-doctype.xml",
            format!(
                "<xdf3:xdatenfelder.datenfeld.0104 {ns}>&secret;</xdf3:xdatenfelder.datenfeld.0104>"
            ),
            "E1102",
        ),
        (
            "no-schema.xml",
            format!(
                "<xdf3:xdatenfelder.stammdatenschema.0102 {ns}><xdf3:header><xdf3:nachrichtID>1</xdf3:nachrichtID></xdf3:header></xdf3:xdatenfelder.stammdatenschema.0102>"
            ),
            "E1104",
        ),
        (
            "struktur-without-element.xml",
            format!(
                "<xdf3:xdatenfelder.datenfeldgruppe.0103 {ns}><xdf3:datenfeldgruppe><xdf3:name>G</xdf3:name><xdf3:struktur><xdf3:anzahl>1:1</xdf3:anzahl></xdf3:struktur></xdf3:datenfeldgruppe></xdf3:xdatenfelder.datenfeldgruppe.0103>"
            ),
            "E1104",
        ),
    ];
    for (name, text, code) in &cases {
        let path = dir.write(name, text);
        let out = dir.path().join(format!("{name}.amt"));
        let o = amt(&[
            "import",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("error[{code}]")),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains(name),
            "{name}: the message points into the file: {stderr}"
        );
        assert!(!out.exists(), "{name}: nothing is written");
        assert!(
            !stderr.contains("root:"),
            "{name}: nothing of /etc/passwd: {stderr}"
        );
    }
    // 100 MB: refused by its size, before it is read.
    let big = dir.path().join("big.xml");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let out = dir.path().join("big.amt");
    let o = amt(&[
        "import",
        big.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E1102]") && stderr.contains("104857600 bytes"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// Ids of any shape are read without a panic: one that is no FIM id is
/// left out (the element is still imported).
#[test]
fn an_id_of_any_shape_is_read_without_panic() {
    for id in [
        "Fä000000001",
        "ä",
        "F",
        "F6000022",
        "€60000227",
        "G12000000100",
    ] {
        let text = format!(
            "<xdf3:xdatenfelder.datenfeld.0104 xmlns:xdf3=\"urn:xoev-de:fim:standard:xdatenfelder_3.0.0\"><xdf3:datenfeld><xdf3:identifikation><xdf3:id>{id}</xdf3:id></xdf3:identifikation><xdf3:name>Name</xdf3:name><xdf3:bezeichnungEingabe>Name</xdf3:bezeichnungEingabe><xdf3:feldart><code>input</code></xdf3:feldart><xdf3:datentyp><code>text</code></xdf3:datentyp></xdf3:datenfeld></xdf3:xdatenfelder.datenfeld.0104>"
        );
        let mut sources = SourceMap::new();
        let file = sources.add_unparsed("id.xml", text);
        let imported = amt_compiler::import::import(file, &sources.get(file).text).unwrap();
        assert!(
            !imported.source.contains("fim "),
            "{id}: {}",
            imported.source
        );
        assert!(
            imported.source.contains("field name: text"),
            "{}",
            imported.source
        );
    }
}
