//! XBau 2.6, the building-permit message standard, for the Bauantrag
//! Bayern (`forms/bauantrag.amt`): the application as
//! `baugenehmigung.antrag.0200` and the decision as
//! `baugenehmigung.bescheid.0205`.
//!
//! The structure follows the XSDs of XBau 2.6 (`xbau-nachrichten-
//! baugenehmigung.xsd`, `xbau-baukasten.xsd`, `xbau-codes.xsd`) and its
//! Kernmodul 1.3.0, as published by the XLeitstelle (read in the mirror
//! `t12v/xbau-releases`): element order, the elements that are qualified
//! (the XBau namespace) and those that are not (the message header, the
//! Kernmodul's types, `code`), the fixed attributes, and the code lists with
//! their versions. `tests/xbau.rs` holds every message amt writes to those
//! rules.
//!
//! What the application does not say, the deployment says: the DVDV ids of
//! the sending and the receiving office (`Behoerde`), and the Rechtsbereich
//! code list of the Nebenbestimmungen (`Rechtsbereich`), which XBau leaves to
//! the Länder.
//!
//! The mapping reads the names of `forms/bauantrag.amt` ([`ANTRAG_PATHS`]);
//! `tests/xbau.rs` checks that the procedure still has each of them.

use super::document::{self, Case, Unwritable};
use super::fitconnect::{files, uuid};
use crate::emit::xml_escape as esc;
use crate::ir::municipality::AuthorityInfo;
use crate::ir::{self, Procedure};
use base64::Engine;
use serde_json::Value as Json;

/// The procedure the mapping is written for.
pub const PROCEDURE: &str = "bauantrag_bayern";

/// The answers the application message reads.
pub const ANTRAG_PATHS: &[&str] = &[
    "beschreibung",
    "vorhabenart",
    "anzahl_gebaeude",
    "gemarkung",
    "flurstuecke",
    "bauherrenart",
    "bauherr_person.familienname",
    "bauherr_person.vornamen",
    "bauherr_person.wohnung.strasse",
    "bauherr_person.wohnung.hausnummer",
    "bauherr_person.wohnung.plz",
    "bauherr_person.wohnung.ort",
    "bauherr_organisation.name",
    "bauherr_organisation.sitz.strasse",
    "bauherr_organisation.sitz.hausnummer",
    "bauherr_organisation.sitz.plz",
    "bauherr_organisation.sitz.ort",
];

/// The namespace of XBau 2.6.
pub const NAMESPACE: &str = "http://www.xleitstelle.de/xbau/2/6";

/// An office as the message header names it (`bn-uq-g2g:BehoerdeType`):
/// its id in the DVDV (e.g. `psw:01003110`) and its name.
#[derive(Debug, Clone)]
pub struct Behoerde {
    /// The DVDV id.
    pub kennung: String,
    /// The name.
    pub name: String,
}

/// The Rechtsbereich of the Nebenbestimmungen: a code of a list the
/// deployment names (XBau fixes neither list nor version).
#[derive(Debug, Clone)]
pub struct Rechtsbereich {
    /// The list's URI.
    pub list: String,
    /// Its version.
    pub version: String,
    /// The code.
    pub code: String,
}

/// What the header of a message says beyond the case.
#[derive(Debug, Clone)]
pub struct Header {
    /// Who sends it.
    pub autor: Behoerde,
    /// Who receives it.
    pub leser: Behoerde,
    /// When it is made (`xs:dateTime`, e.g. `2026-04-14T10:00:00Z`).
    pub created: String,
    /// The version of the DVDV code list `urn:xoev-de:kosit:codeliste:verzeichnisdienst`.
    pub verzeichnisdienst_version: String,
}

// Code lists, with the versions XBau 2.6 names (its `codelists.json` and
// the genericode files).
const NACHRICHTEN: (&str, &str) = ("urn:xoev-de:xbau:codeliste:xbau-nachrichten", "4.0");
const VERZEICHNISDIENST: &str = "urn:xoev-de:kosit:codeliste:verzeichnisdienst";
const BUNDESLAND: (&str, &str) = (
    "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:bundesland",
    "2010-04-01",
);
const BAUMASSNAHMEART: (&str, &str) = ("urn:xoev-de:xbau:codeliste:baumassnahmeart", "2.0");
const ANLAGEN: (&str, &str) = ("urn:xoev-de:xbau:codeliste:anlagen", "3.0");
const MIMETYPES: (&str, &str) = ("urn:xoev-de:xbau:codeliste:xbau-mimetypes", "1.0");
const NEBENBESTIMMUNGART: (&str, &str) = ("urn:xoev-de:xbau:codeliste:nebenbestimmungart", "3.0");

/// An XML document written element by element, indented.
struct Xml {
    out: String,
    open: Vec<String>,
}

impl Xml {
    fn new() -> Self {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push_str(&format!(" {k}=\"{}\"", esc(v)));
        }
        self.out.push_str(">\n");
        self.open.push(name.to_string());
        self
    }

    fn end(&mut self) -> &mut Self {
        let name = self.open.pop().expect("an open element");
        self.indent();
        self.out.push_str(&format!("</{name}>\n"));
        self
    }

    fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.indent();
        self.out
            .push_str(&format!("<{name}>{}</{name}>\n", esc(text)));
        self
    }

    /// A code type: its `code` (unqualified) with the list and version.
    fn code(&mut self, name: &str, list: (&str, &str), code: &str) -> &mut Self {
        self.start(name, &[("listURI", list.0), ("listVersionID", list.1)]);
        self.leaf("code", code);
        self.end()
    }

    fn finish(self) -> String {
        self.out
    }
}

/// The root element with its namespaces and the message header.
fn root(x: &mut Xml, message: &str, code: &str, uuid: &str, header: &Header) {
    x.start(
        &format!("xbau:{message}"),
        &[
            ("xmlns:xbau", NAMESPACE),
            ("produkt", "amt"),
            ("produkthersteller", "amt"),
            ("produktversion", env!("CARGO_PKG_VERSION")),
            ("standard", "XBau-Hochbau"),
            ("version", "2.6"),
        ],
    );
    x.start("nachrichtenkopf.g2g", &[]);
    x.start("identifikation.nachricht", &[]);
    x.leaf("nachrichtenUUID", uuid);
    x.code("nachrichtentyp", NACHRICHTEN, code);
    x.leaf("erstellungszeitpunkt", &header.created);
    x.end();
    for (name, b) in [("leser", &header.leser), ("autor", &header.autor)] {
        x.start(name, &[]);
        x.code(
            "verzeichnisdienst",
            (VERZEICHNISDIENST, &header.verzeichnisdienst_version),
            "DVDV",
        );
        x.leaf("kennung", &b.kennung);
        x.leaf("name", &b.name);
        x.end();
    }
    x.end();
}

/// The text at `path` of the submission.
fn text<'d>(data: &'d Json, path: &str) -> Option<&'d str> {
    path.split('.')
        .try_fold(data, |d, seg| d.get(seg))
        .and_then(Json::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn need<'d>(data: &'d Json, path: &str) -> Result<&'d str, Unwritable> {
    text(data, path).ok_or_else(|| {
        Unwritable(format!(
            "XBau needs the answer `{path}`, which the submission does not give"
        ))
    })
}

/// The applicant (`xbauk:Akteur`): the person or the organisation.
fn akteur(x: &mut Xml, name: &str, data: &Json, id: &str) -> Result<(), Unwritable> {
    x.start(name, &[]);
    match text(data, "bauherrenart") {
        Some("organisation") => {
            let base = "bauherr_organisation";
            x.start("organisation", &[]);
            x.leaf("id", id);
            x.start("name", &[]);
            x.leaf("name", need(data, &format!("{base}.name"))?);
            x.end();
            anschrift(x, data, &format!("{base}.sitz"));
            x.end();
        }
        _ => {
            let base = "bauherr_person";
            x.start("natuerlichePerson", &[]);
            x.leaf("id", id);
            x.start("name", &[]);
            x.start("familienname", &[]);
            x.leaf("name", need(data, &format!("{base}.familienname"))?);
            x.end();
            x.start("vorname", &[]);
            x.leaf("name", need(data, &format!("{base}.vornamen"))?);
            x.end();
            x.end();
            anschrift(x, data, &format!("{base}.wohnung"));
            x.end();
        }
    }
    x.end();
    Ok(())
}

/// An address (`xbauk:Anschrift`: every part optional, in this order).
fn anschrift(x: &mut Xml, data: &Json, base: &str) {
    x.start("anschrift", &[]);
    for (xbau, amt) in [
        ("strasse", "strasse"),
        ("hausnummer", "hausnummer"),
        ("postleitzahl", "plz"),
        ("ort", "ort"),
    ] {
        if let Some(v) = text(data, &format!("{base}.{amt}")) {
            x.leaf(xbau, v);
        }
    }
    x.end();
}

/// The kind of measure (`Code.BaumassnahmeArt`) of the form's `vorhabenart`.
fn massnahme(vorhabenart: &str) -> Option<&'static str> {
    Some(match vorhabenart {
        "errichtung" => "11",
        "aenderung" => "12",
        "nutzungsaenderung" => "13",
        "beseitigung" => "30",
        _ => return None,
    })
}

/// The kind of an attachment (`Code.AnlageArt`, list version 3.0).
fn anlageart(attachment: &str) -> &'static str {
    match attachment {
        "lageplan" => "1803",
        "baubeschreibung" => "1500",
        "bauzeichnungen" => "2000",
        _ => "9999",
    }
}

/// One attachment's metadata (`xbau:MetadatenAnlageErweitert`).
fn anlage(x: &mut Xml, bezeichnung: &str, date: &str, art: &str, mime: &str, id: &str, file: &str) {
    x.start("anlage", &[]);
    x.leaf("bezeichnung", bezeichnung);
    x.leaf("versionsnummer", "1");
    x.leaf("datum", date);
    x.code("anlageart", ANLAGEN, art);
    x.code("mimeType", MIMETYPES, mime);
    x.start("anhangOderVerlinkung", &[]);
    x.start("anhang", &[]);
    x.leaf("dokumentid", &format!("urn:uuid:{id}"));
    x.leaf("dateiname", file);
    x.end();
    x.end();
    x.end();
}

/// The id that ties the application and its decision: made from the
/// submission, so the same submission gives the same id.
pub fn antrag_id(data: &Json) -> String {
    uuid(&format!("xbau:antrag:{data}"))
}

/// The application as `baugenehmigung.antrag.0200`.
pub fn antrag(p: &Procedure, data: &Json, header: &Header) -> Result<String, Unwritable> {
    if p.id != PROCEDURE {
        return Err(Unwritable(format!(
            "amt writes XBau for `{PROCEDURE}`, not for `{}`",
            p.id
        )));
    }
    let id = antrag_id(data);
    let date = header.created.get(..10).unwrap_or(&header.created);
    let mut x = Xml::new();
    root(
        &mut x,
        "baugenehmigung.antrag.0200",
        "0200",
        &uuid(&format!("xbau:0200:{data}")),
        header,
    );
    x.start("xbau:referenzAntragsservice", &[]);
    x.leaf("referenzAntragsservice", &id);
    x.end();
    let bauherr = uuid(&format!("xbau:bauherr:{data}"));
    akteur(&mut x, "xbau:antragsteller", data, &bauherr)?;
    x.start("xbau:bauvorhaben", &[]);
    x.leaf(
        "xbau:bezeichnungDesBauvorhabens",
        need(data, "beschreibung")?,
    );
    x.start("xbau:beteiligte", &[]);
    x.start("xbau:bauherr", &[]);
    akteur(&mut x, "xbau:bauherr", data, &bauherr)?;
    x.end();
    akteur(&mut x, "xbau:gebuehrenpflichtiger", data, &bauherr)?;
    x.end();
    x.start("xbau:gegenstand", &[]);
    x.start("xbau:anzahlDerGebaeude", &[]);
    let anzahl = data
        .get("anzahl_gebaeude")
        .and_then(Json::as_u64)
        .ok_or_else(|| Unwritable("XBau needs the answer `anzahl_gebaeude`".into()))?;
    x.leaf("xbau:anzahlDerGebaeudeImBauvorhaben", &anzahl.to_string());
    x.end();
    let art = need(data, "vorhabenart")?;
    let code = massnahme(art)
        .ok_or_else(|| Unwritable(format!("`{art}` is no kind of project XBau knows")))?;
    x.code("xbau:artDerMassnahme", BAUMASSNAHMEART, code);
    x.end();
    x.start("xbau:verortung", &[]);
    x.start("xbau:baugrundstueck", &[]);
    x.start("xbau:grundstueck", &[]);
    let gemarkung = need(data, "gemarkung")?;
    let flurstuecke: Vec<&str> = data
        .get("flurstuecke")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    if flurstuecke.is_empty() {
        return Err(Unwritable(
            "XBau needs at least one Flurstück (`flurstuecke`)".into(),
        ));
    }
    for f in flurstuecke {
        x.start("xbau:flurstueck", &[]);
        x.code("bundesland", BUNDESLAND, "09");
        x.start("kodierungFlurstueck", &[]);
        x.start("gemarkung", &[]);
        x.leaf("bezeichnung", gemarkung);
        x.end();
        let (zaehler, nenner) = match f.split_once('/') {
            Some((z, n)) => (z.trim(), Some(n.trim())),
            None => (f.trim(), None),
        };
        x.leaf("zaehler", zaehler);
        if let Some(n) = nenner.filter(|n| !n.is_empty()) {
            x.leaf("nenner", n);
        }
        x.end();
        x.end();
    }
    x.end();
    x.end();
    x.end();
    x.end();
    let attached = files(p, data);
    if attached.is_empty() {
        return Err(Unwritable(
            "XBau sends the Bauvorlagen with the application, and this one has none".into(),
        ));
    }
    x.start("xbau:anlagen", &[]);
    for (i, f) in attached.iter().enumerate() {
        let mime = if f.media_type.is_empty() {
            "application/octet-stream"
        } else {
            &f.media_type
        };
        let file_id = uuid(&format!("xbau:anlage:{id}:{i}"));
        anlage(
            &mut x,
            &f.label,
            date,
            anlageart(&f.attachment),
            mime,
            &file_id,
            if f.filename.is_empty() {
                &f.label
            } else {
                &f.filename
            },
        );
    }
    x.end();
    x.end();
    Ok(x.finish())
}

/// The decision as `baugenehmigung.bescheid.0205`: the Bescheid `document`
/// written for `case` (the Baugenehmigung or the Ablehnungsbescheid), its
/// Nebenbestimmungen with their kind (the code list's `art`), and the
/// document itself as its attachment (`<document>.pdf`).
pub fn bescheid(
    p: &Procedure,
    id: &str,
    case: &Case,
    authority: Option<&AuthorityInfo>,
    rechtsbereich: Option<&Rechtsbereich>,
    header: &Header,
    today: amt_model::date::Date,
) -> Result<String, Unwritable> {
    let granted = match id {
        "baugenehmigung" => true,
        "ablehnungsbescheid" => false,
        other => {
            return Err(Unwritable(format!(
                "`{other}` is no Bescheid of `baugenehmigung.bescheid.0205`: it carries the Baugenehmigung or the Ablehnungsbescheid"
            )));
        }
    };
    if p.id != PROCEDURE {
        return Err(Unwritable(format!(
            "amt writes XBau for `{PROCEDURE}`, not for `{}`",
            p.id
        )));
    }
    let lang = p.source_language().to_string();
    let written = document::write(p, id, case, authority, &lang, today)?;
    if written.remedy.is_empty() {
        return Err(Unwritable(
            "XBau requires the Rechtsbehelfsbelehrung, and this document has none".into(),
        ));
    }
    let date = header.created.get(..10).unwrap_or(&header.created);
    let doc = p
        .workflow
        .as_ref()
        .and_then(|w| w.documents.iter().find(|d| d.id == id))
        .ok_or_else(|| Unwritable(format!("no document `{id}`")))?;
    let mut x = Xml::new();
    root(
        &mut x,
        "baugenehmigung.bescheid.0205",
        "0205",
        &uuid(&format!("xbau:0205:{id}:{}", case.data)),
        header,
    );
    x.start("xbau:bezug", &[]);
    x.leaf("referenz", &antrag_id(&case.data));
    if let Some(r) = &case.reference {
        x.leaf("vorgang", r);
    }
    x.end();
    x.start("xbau:bescheid", &[]);
    x.start("xbau:tenor", &[]);
    x.leaf(
        "xbau:istGenehmigung",
        if granted { "true" } else { "false" },
    );
    x.end();
    let conditions = nebenbestimmungen(p, doc, case, &lang);
    let rechtsbereich = match (conditions.is_empty(), rechtsbereich) {
        (true, _) => None,
        (false, Some(r)) => Some(r),
        (false, None) => {
            return Err(Unwritable(
                "the Bescheid has Nebenbestimmungen, and XBau asks the Rechtsbereich of each: give its code list, version and code (`--rechtsbereich`)".into(),
            ));
        }
    };
    for (art, text) in conditions {
        let Some(rechtsbereich) = rechtsbereich else {
            break;
        };
        x.start("xbau:nebenbestimmung", &[]);
        x.code("xbau:art", NEBENBESTIMMUNGART, art);
        x.code(
            "xbau:rechtsbereich",
            (&rechtsbereich.list, &rechtsbereich.version),
            &rechtsbereich.code,
        );
        formatiert(&mut x, "xbau:nebenbestimmung", &[text]);
        x.end();
    }
    if !written.reasons.is_empty() {
        formatiert(&mut x, "xbau:begruendung", &written.reasons);
    }
    x.start("xbau:rechtshelfsbelehrung", &[]);
    for line in &written.remedy {
        x.leaf("textabsatz", line);
    }
    x.end();
    if !written.notes.is_empty() {
        formatiert(&mut x, "xbau:hinweise", &written.notes);
    }
    x.end();
    x.start("xbau:anlagen", &[]);
    anlage(
        &mut x,
        &written.title,
        date,
        "5013",
        "application/pdf",
        &uuid(&format!("xbau:bescheid:{id}:{}", case.data)),
        &format!("{id}.pdf"),
    );
    x.end();
    x.end();
    Ok(x.finish())
}

/// A formatted text (`xbauk:TextFormatiert`): HTML paragraphs, base64.
fn formatiert(x: &mut Xml, name: &str, paragraphs: &[String]) {
    let html: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", esc(p)))
        .collect();
    x.start(name, &[]);
    x.leaf(
        "text",
        &base64::engine::general_purpose::STANDARD.encode(html.as_bytes()),
    );
    x.end();
}

/// The Nebenbestimmungen the clerk decided, with their XBau kind: a chosen
/// code's `art` column (`bedingung`, `auflage`, `vorbehalt`), a line the
/// clerk wrote an Auflage.
fn nebenbestimmungen(
    p: &Procedure,
    doc: &ir::Document,
    case: &Case,
    lang: &str,
) -> Vec<(&'static str, String)> {
    let kind = |art: Option<&ir::Literal>| match art {
        Some(ir::Literal::Code(c)) if c == "bedingung" => "1",
        Some(ir::Literal::Code(c)) if c == "vorbehalt" => "3",
        _ => "2",
    };
    let mut out = Vec::new();
    for d in &doc.conditions {
        let value = case.decisions.get(d).or_else(|| case.data.get(d));
        match (value, document::decision_list(p, d)) {
            (Some(Json::Array(codes)), Some(list)) => {
                for c in codes.iter().filter_map(Json::as_str) {
                    if let Some(code) = list.values.iter().find(|v| v.code == c) {
                        let label = code
                            .label
                            .get(lang)
                            .or_else(|| code.label.values().next())
                            .cloned()
                            .unwrap_or_default();
                        out.push((kind(code.cells.get("art")), label));
                    }
                }
            }
            (Some(Json::String(t)), None) => out.extend(
                t.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| ("2", l.to_string())),
            ),
            _ => {}
        }
    }
    out
}
