//! The procedure as a FIM XDatenfelder 3.0.0 Stammdatenschema
//! (`xdatenfelder.xml`): what the FIM repository and the receiving offices
//! read.
//!
//! - Groups become Datenfeldgruppen, fields, attachments, computed values
//!   and notes Datenfelder; where each stands, and how often, is its
//!   `struktur` (`anzahl` "min:max").
//! - A field's type becomes its Feldart and Datentyp, its constraints the
//!   Präzisierung, a code list a `codelisteReferenz` (URN and version) or
//!   inline `werte`.
//! - Rules, conditions and computed values become Regeln, typed validation
//!   (V), complex (K) or calculation (B), with the amt expression as their
//!   free-text rule and script.
//! - Legal references become `bezug`, with their link.
//!
//! Ids: an element with a `fim` id keeps it (an XDF2 id `F60000227` is
//! written in its XDF3 form `F60000000227`). Every other element gets an id
//! in amt's local number range, Nummernkreis 99 (see [`LocalIds`]); it
//! follows from the procedure and the element's data path, so an element
//! keeps its id when the source is reordered.
//!
//! amt's own names travel as keywords (`stichwort`): the name of each
//! element (`urn:amt:name`) and the page each top-level element stands on
//! (`urn:amt:page`), so that `amt import` gives back the same structure.
//!
//! The document has no clock time in it: `erstellungszeitpunkt` and
//! `letzteAenderung` are the time `SOURCE_DATE_EPOCH` names (the convention
//! of reproducible builds), else the Unix epoch, passed in as `stamp`.

use crate::ir::{self, FieldType, Node, NodeKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The XDF3 namespace.
pub const NAMESPACE: &str = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0";

/// The keyword (`stichwort`) that carries amt's name of an element.
pub const NAME_URI: &str = "urn:amt:name";
/// The keyword that carries the page a top-level element stands on.
pub const PAGE_URI: &str = "urn:amt:page";
/// The keyword that carries amt's built-in type of a field where FIM's
/// data type says less (`postcode`, `multiline`, `consent`, `nationality`).
pub const TYPE_URI: &str = "urn:amt:type";
/// The keyword that carries the name of a field's code list.
pub const CODELIST_URI: &str = "urn:amt:codelist";

/// The ids of amt's elements without a FIM id: a letter, Nummernkreis
/// `99`, and nine digits from a hash of the procedure and the element's
/// data path (SHA-256, the first eight bytes modulo 10⁹). Two paths that
/// meet on one number are told apart by taking the next free one, in the
/// order of their paths, which does not depend on the order of the source.
pub struct LocalIds {
    ids: BTreeMap<(char, String), String>,
}

impl LocalIds {
    /// The ids of every element of `p`.
    pub fn of(p: &ir::Procedure) -> LocalIds {
        let mut keys: Vec<(char, String)> = vec![('S', String::new()), ('D', String::new())];
        for n in p.all_nodes() {
            if n.fim.is_none() {
                keys.push((letter(n), n.path.clone()));
            }
            for (i, _) in rules_of(n).iter().enumerate() {
                keys.push(('R', format!("{}#{i}", n.path)));
            }
        }
        for (i, _) in p.fees.iter().enumerate() {
            keys.push(('R', format!("#fee{i}")));
        }
        keys.sort();
        keys.dedup();
        let mut taken: std::collections::BTreeSet<(char, u64)> = Default::default();
        let mut ids = BTreeMap::new();
        for (letter, path) in keys {
            let mut n = number(&p.id, letter, &path);
            while !taken.insert((letter, n)) {
                n = (n + 1) % 1_000_000_000;
            }
            ids.insert((letter, path), format!("{letter}99{n:09}"));
        }
        LocalIds { ids }
    }

    fn get(&self, letter: char, path: &str) -> String {
        self.ids
            .get(&(letter, path.to_string()))
            .cloned()
            .unwrap_or_else(|| format!("{letter}99000000000"))
    }
}

fn number(procedure: &str, letter: char, path: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{procedure}\u{0}{letter}\u{0}{path}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % 1_000_000_000
}

/// The letter of a node's id: G for groups, F for everything else.
fn letter(n: &Node) -> char {
    match n.kind {
        NodeKind::Group { .. } => 'G',
        _ => 'F',
    }
}

/// A FIM id as XDF3 writes it: an XDF2 id (letter, 8 digits) gets the
/// Unternummernkreis `000` after its Nummernkreis.
pub fn xdf3_id(id: &str) -> String {
    if id.is_ascii() && id.len() == 9 && id[1..].bytes().all(|b| b.is_ascii_digit()) {
        format!("{}000{}", &id[..3], &id[3..])
    } else {
        id.to_string()
    }
}

/// A version as XDF3 writes it: semantic, `1.2` → `1.2.0`.
pub fn xdf3_version(v: &str) -> String {
    match v.split('.').count() {
        1 => format!("{v}.0.0"),
        2 => format!("{v}.0"),
        _ => v.to_string(),
    }
}

/// One rule of a node as a Regel: its type, its name, its text.
struct RuleOut {
    typ: &'static str,
    name: String,
    text: String,
    script: String,
}

fn rules_of(n: &Node) -> Vec<RuleOut> {
    let label = n
        .label
        .as_ref()
        .and_then(|l| l.pick("de", "de"))
        .unwrap_or(&n.id)
        .to_string();
    let mut out = Vec::new();
    if let Some(when) = &n.when {
        // The multiplicity says 0 (not everyone answers it); where it is
        // required once it applies, the rule says so.
        let (text, script) = if n.required {
            (
                format!("\"{label}\" ist anzugeben, wenn gilt: {when}"),
                format!("amt: required when {when}"),
            )
        } else {
            (
                format!("\"{label}\" ist nur anzugeben, wenn gilt: {when}"),
                format!("amt: when {when}"),
            )
        };
        out.push(RuleOut {
            typ: "K",
            name: format!("{label}: Bedingung"),
            text,
            script,
        });
    }
    // Bounds that move (`today - 18 years`, another field) are no
    // Präzisierung: a validation rule each.
    if let NodeKind::Field { ty } = &n.kind
        && let Some(b) = ty.bounds()
    {
        for (word, bound, says) in [("min", &b.min, "frühestens"), ("max", &b.max, "höchstens")] {
            if let Some(e) = bound.as_ref().filter(|e| constant(e).is_none()) {
                out.push(RuleOut {
                    typ: "V",
                    name: format!("{label}: Grenze"),
                    text: format!("\"{label}\" ist {says}: {e}"),
                    script: format!("amt: {word} {e}"),
                });
            }
        }
    }
    if let NodeKind::Computed { value, .. } = &n.kind {
        out.push(RuleOut {
            typ: "B",
            name: format!("{label}: Berechnung"),
            text: format!("\"{label}\" wird berechnet: {value}"),
            script: format!("amt: = {value}"),
        });
    }
    for r in &n.rules {
        let message = r.message.pick("de", "de").unwrap_or_default();
        out.push(RuleOut {
            typ: "V",
            name: format!("{label}: Prüfung"),
            text: format!("{message} (Es muss gelten: {})", r.condition),
            script: format!(
                "amt: {} {}",
                if r.severity == ir::Severity::Warning {
                    "warn"
                } else {
                    "rule"
                },
                r.condition
            ),
        });
    }
    out
}

/// A small writer of indented XML with the `xdf3:` prefix.
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, tag: &str) {
        self.open_with(tag, &[]);
    }

    fn open_with(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.indent();
        let _ = write!(self.out, "<xdf3:{tag}");
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", super::xml_escape(v));
        }
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</xdf3:{tag}>");
    }

    /// `<xdf3:tag>text</xdf3:tag>`; nothing for an empty text (an empty
    /// element is an error to FIM tools where the element is required,
    /// and says nothing where it is not).
    fn leaf(&mut self, tag: &str, text: &str) {
        self.leaf_with(tag, &[], text);
    }

    fn leaf_with(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        if text.is_empty() {
            return;
        }
        self.indent();
        let _ = write!(self.out, "<xdf3:{tag}");
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", super::xml_escape(v));
        }
        let _ = writeln!(self.out, ">{}</xdf3:{tag}>", super::xml_escape(text));
    }

    /// A code of a FIM code list: the value in an unprefixed `code`.
    fn code(&mut self, tag: &str, list: &str, version: &str, code: &str) {
        self.open_with(tag, &[("listURI", list), ("listVersionID", version)]);
        self.indent();
        let _ = writeln!(self.out, "<code>{}</code>", super::xml_escape(code));
        self.close(tag);
    }
}

/// What every element of the document shares.
struct Common<'a> {
    id: String,
    /// None for an element of the FIM repository whose version the
    /// source does not say.
    version: Option<&'a str>,
    name: String,
    description: Option<String>,
    legal: &'a [ir::LegalRef],
    keywords: Vec<(&'static str, String)>,
}

/// The XDatenfelder 3.0.0 Stammdatenschema of a procedure; `stamp` is the
/// date and time written as when it was made (`YYYY-MM-DDThh:mm:ssZ`).
pub fn xdatenfelder(p: &ir::Procedure, stamp: &str) -> String {
    let ids = LocalIds::of(p);
    let mut x = Xml {
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        depth: 0,
    };
    let version = xdf3_version(&p.version);
    let lang = p.source_language();
    let title = p.title.pick(lang, lang).unwrap_or(&p.id).to_string();
    let _ = writeln!(
        x.out,
        "<xdf3:xdatenfelder.stammdatenschema.0102 xmlns:xdf3=\"{NAMESPACE}\">"
    );
    x.depth = 1;
    x.open("header");
    x.leaf("nachrichtID", &message_id(p));
    x.leaf("erstellungszeitpunkt", stamp);
    x.close("header");
    x.open("stammdatenschema");
    let description = p
        .description
        .as_ref()
        .and_then(|d| d.pick(lang, lang))
        .map(str::to_string);
    let schema_version = p.fim_version.as_deref().map(xdf3_version);
    common(
        &mut x,
        &Common {
            id: p.fim.as_deref().map_or_else(|| ids.get('S', ""), xdf3_id),
            version: Some(schema_version.as_deref().unwrap_or(&version)),
            name: title.clone(),
            description: description.clone(),
            legal: &p.legal,
            keywords: vec![(NAME_URI, p.id.clone())],
        },
        stamp,
    );
    x.leaf("bezeichnung", &title);
    x.leaf("hilfetext", description.as_deref().unwrap_or_default());
    x.code(
        "ableitungsmodifikationenStruktur",
        "urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenStruktur",
        "1.0",
        "0",
    );
    x.code(
        "ableitungsmodifikationenRepraesentation",
        "urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenRepraesentation",
        "1.0",
        "1",
    );
    x.open("dokumentsteckbrief");
    x.leaf("id", &ids.get('D', ""));
    x.leaf("version", &version);
    x.close("dokumentsteckbrief");
    // The fees are calculations of the whole procedure.
    for (i, fee) in p.fees.iter().enumerate() {
        let label = fee.label.pick(lang, lang).unwrap_or(&fee.id).to_string();
        regel(
            &mut x,
            &ids.get('R', &format!("#fee{i}")),
            &version,
            &RuleOut {
                typ: "B",
                name: format!("Gebühr: {label}"),
                text: format!("Die Gebühr \"{label}\" beträgt: {}", fee.value),
                script: format!("amt: fee {} = {}", fee.id, fee.value),
            },
            &fee.legal,
            stamp,
        );
    }
    let ctx = Ctx {
        p,
        ids: &ids,
        version: &version,
        stamp,
        lang,
    };
    for page in &p.pages {
        let label = page.label.pick(lang, lang).unwrap_or(&page.id);
        for n in &page.items {
            ctx.struktur(&mut x, n, Some((&page.id, label)));
        }
    }
    for n in p.attachments.iter().chain(&p.computed) {
        ctx.struktur(&mut x, n, None);
    }
    x.close("stammdatenschema");
    x.depth = 0;
    x.out
        .push_str("</xdf3:xdatenfelder.stammdatenschema.0102>\n");
    x.out
}

/// A message id that names the procedure and its version: 16 hex digits.
fn message_id(p: &ir::Procedure) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{}\u{0}{}", p.id, p.version).as_bytes());
    digest[..8].iter().map(|b| format!("{b:02X}")).collect()
}

fn common(x: &mut Xml, c: &Common, stamp: &str) {
    x.open("identifikation");
    x.leaf("id", &c.id);
    x.leaf("version", c.version.unwrap_or_default());
    x.close("identifikation");
    x.leaf("name", &c.name);
    x.leaf("beschreibung", c.description.as_deref().unwrap_or_default());
    bezug(x, c.legal);
    // 2: in Bearbeitung. amt does not release FIM elements; the statuses
    // that say so need a date and a body that set them.
    x.code(
        "freigabestatus",
        "urn:xoev-de:xprozess:codeliste:status",
        "2020-03-19",
        "2",
    );
    x.leaf("letzteAenderung", stamp);
    for (uri, word) in &c.keywords {
        x.leaf_with("stichwort", &[("uri", uri)], word);
    }
}

fn bezug(x: &mut Xml, legal: &[ir::LegalRef]) {
    for l in legal {
        match &l.url {
            Some(url) => x.leaf_with("bezug", &[("link", url)], &l.citation),
            None => x.leaf("bezug", &l.citation),
        }
    }
}

fn regel(x: &mut Xml, id: &str, version: &str, r: &RuleOut, legal: &[ir::LegalRef], stamp: &str) {
    x.open("regel");
    x.open("identifikation");
    x.leaf("id", id);
    x.leaf("version", version);
    x.close("identifikation");
    x.leaf("name", &r.name);
    x.leaf("freitextRegel", &r.text);
    bezug(x, legal);
    x.leaf("letzteAenderung", stamp);
    x.code(
        "typ",
        "urn:xoev-de:fim:codeliste:xdatenfelder.regeltyp",
        "1.0",
        r.typ,
    );
    x.leaf("skript", &r.script);
    x.close("regel");
}

struct Ctx<'a> {
    p: &'a ir::Procedure,
    ids: &'a LocalIds,
    version: &'a str,
    stamp: &'a str,
    lang: &'a str,
}

impl Ctx<'_> {
    fn text(&self, t: Option<&ir::I18n>) -> String {
        t.and_then(|t| t.pick(self.lang, self.lang))
            .unwrap_or_default()
            .to_string()
    }

    /// A node in its place: how often, then the element.
    fn struktur(&self, x: &mut Xml, n: &Node, page: Option<(&str, &str)>) {
        x.open("struktur");
        x.leaf("anzahl", &anzahl(n));
        x.open("enthaelt");
        self.element(x, n, page);
        x.close("enthaelt");
        x.close("struktur");
    }

    fn element(&self, x: &mut Xml, n: &Node, page: Option<(&str, &str)>) {
        let fim_version = n.fim_version.as_deref().map(xdf3_version);
        let (id, version) = match &n.fim {
            Some(f) => (xdf3_id(f), fim_version.as_deref()),
            None => (self.ids.get(letter(n), &n.path), Some(self.version)),
        };
        let label = match &n.kind {
            NodeKind::Note { text } => self.text(Some(text)),
            _ => self.text(n.label.as_ref()),
        };
        let label = if label.is_empty() {
            n.id.clone()
        } else {
            label
        };
        let mut keywords = vec![(NAME_URI, n.id.clone())];
        if let Some((id, label)) = page {
            keywords.push((PAGE_URI, format!("{id} {label}")));
        }
        if let NodeKind::Field { ty } = &n.kind {
            let word = match ty {
                FieldType::Text {
                    format: Some(f), ..
                } => Some(f.to_string()),
                FieldType::Text {
                    multiline: true, ..
                } => Some("multiline".to_string()),
                FieldType::Consent => Some("consent".to_string()),
                FieldType::Choice { codelist, .. }
                    if matches!(codelist.as_str(), "country" | "nationality") =>
                {
                    Some(codelist.clone())
                }
                FieldType::Choice { codelist, multiple } => {
                    keywords.push((CODELIST_URI, codelist.clone()));
                    multiple.then(|| "multichoice".to_string())
                }
                _ => None,
            };
            if let Some(word) = word {
                keywords.push((TYPE_URI, word));
            }
        }
        let tag = match n.kind {
            NodeKind::Group { .. } => "datenfeldgruppe",
            _ => "datenfeld",
        };
        x.open(tag);
        common(
            x,
            &Common {
                id,
                version,
                name: label.clone(),
                description: None,
                legal: &n.legal,
                keywords,
            },
            self.stamp,
        );
        x.leaf("bezeichnungEingabe", &label);
        // Bound to a norm when it cites one (quality rule 1006 asks RNG
        // elements for a `bezug`), else harmonised.
        let art = if n.legal.is_empty() { "HAR" } else { "RNG" };
        x.code(
            "schemaelementart",
            "urn:xoev-de:fim:codeliste:xdatenfelder.schemaelementart",
            "1.0",
            art,
        );
        x.leaf("hilfetextEingabe", &self.text(n.hint.as_ref()));
        match &n.kind {
            NodeKind::Group { items, .. } => {
                self.regeln(x, n);
                for child in items {
                    self.struktur(x, child, None);
                }
            }
            _ => {
                self.field(x, n);
                self.regeln(x, n);
            }
        }
        x.close(tag);
    }

    fn regeln(&self, x: &mut Xml, n: &Node) {
        for (i, r) in rules_of(n).iter().enumerate() {
            let id = self.ids.get('R', &format!("{}#{i}", n.path));
            regel(x, &id, self.version, r, &[], self.stamp);
        }
    }

    /// What a Datenfeld says after its common data.
    fn field(&self, x: &mut Xml, n: &Node) {
        let code = |x: &mut Xml, tag: &str, value: &str| {
            let (list, version) = match tag {
                "feldart" => ("urn:xoev-de:fim:codeliste:xdatenfelder.feldart", "2.0"),
                "datentyp" => ("urn:xoev-de:fim:codeliste:xdatenfelder.datentyp", "2.0"),
                _ => (
                    "urn:xoev-de:fim:codeliste:xdatenfelder.vorbefuellung",
                    "1.0",
                ),
            };
            x.code(tag, list, version, value);
        };
        let vorbefuellung = match &n.prefill {
            Some(p) if p.locked => "verpflichtend",
            Some(_) => "optional",
            None => "keine",
        };
        match &n.kind {
            NodeKind::Field { ty } => {
                let select = matches!(ty, FieldType::Choice { .. });
                code(x, "feldart", if select { "select" } else { "input" });
                code(x, "datentyp", datentyp(ty));
                praezisierung(x, ty);
                code(x, "vorbefuellung", vorbefuellung);
                if let FieldType::Choice { codelist, .. } = ty {
                    self.values(x, codelist);
                }
            }
            NodeKind::Computed { ty, .. } => {
                code(x, "feldart", "locked");
                code(x, "datentyp", computed_type(ty));
                code(x, "vorbefuellung", "keine");
            }
            NodeKind::Attachment {
                media_types,
                max_bytes,
                ..
            } => {
                code(x, "feldart", "input");
                code(x, "datentyp", "file");
                code(x, "vorbefuellung", "keine");
                if let Some(b) = max_bytes {
                    x.leaf("maxSize", &b.to_string());
                }
                for m in media_types {
                    x.leaf("mediaType", m);
                }
            }
            NodeKind::Note { text } => {
                code(x, "feldart", "label");
                code(x, "datentyp", "text");
                x.leaf("inhalt", &self.text(Some(text)));
                code(x, "vorbefuellung", "keine");
            }
            NodeKind::Group { .. } => {}
        }
    }

    /// A code list: referenced by URN and version where it follows one,
    /// else its values inline.
    fn values(&self, x: &mut Xml, codelist: &str) {
        let Some(list) = self.p.codelists.get(codelist) else {
            return;
        };
        if let Some(source) = &list.source {
            x.open("codelisteReferenz");
            x.leaf("canonicalIdentification", &source.urn);
            x.leaf("version", source.version.as_deref().unwrap_or_default());
            x.close("codelisteReferenz");
            return;
        }
        x.open("werte");
        for c in &list.values {
            x.open("wert");
            x.leaf("code", &c.code);
            x.leaf("name", &self.text(Some(&c.label)));
            x.close("wert");
        }
        x.close("werte");
    }
}

/// How often a node stands in its place, `min:max` (`*`: no limit).
pub fn anzahl(n: &Node) -> String {
    let (min, max) = match (&n.kind, n.repeat) {
        (_, Some(r)) => (r.min, r.max),
        // How many files, when it must be given at all.
        (NodeKind::Attachment { count, .. }, None) => (
            if n.required && n.when.is_none() {
                count.min.max(1)
            } else {
                0
            },
            count.max,
        ),
        (
            NodeKind::Field {
                ty: FieldType::Choice { multiple: true, .. },
            },
            None,
        ) => (u64::from(n.required && n.when.is_none()), None),
        _ => {
            let min = u64::from(n.required && n.when.is_none());
            (min, Some(1))
        }
    };
    match max {
        Some(max) => format!("{min}:{max}"),
        None => format!("{min}:*"),
    }
}

fn datentyp(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Text { .. } | FieldType::Choice { .. } => "text",
        FieldType::Integer { .. } => "num_int",
        FieldType::Decimal { .. } => "num",
        FieldType::Money { .. } => "num_currency",
        FieldType::Boolean | FieldType::Consent => "bool",
        FieldType::Date { .. } => "date",
        FieldType::Time { .. } => "time",
        FieldType::Datetime { .. } => "datetime",
    }
}

fn computed_type(ty: &ir::Ty) -> &'static str {
    match ty {
        ir::Ty::Integer => "num_int",
        ir::Ty::Decimal => "num",
        ir::Ty::Money => "num_currency",
        ir::Ty::Boolean => "bool",
        ir::Ty::Date => "date",
        ir::Ty::Time => "time",
        ir::Ty::Datetime => "datetime",
        _ => "text",
    }
}

/// The constraints of a type FIM can say: lengths and a pattern of texts,
/// constant bounds of numbers, dates and times.
fn praezisierung(x: &mut Xml, ty: &FieldType) {
    let mut attrs: Vec<(&str, String)> = Vec::new();
    match ty {
        FieldType::Text {
            min_length,
            max_length,
            pattern,
            format,
            ..
        } => {
            if let Some(m) = min_length {
                attrs.push(("minLength", m.to_string()));
            }
            if let Some(m) = max_length {
                attrs.push(("maxLength", m.to_string()));
            }
            if let Some(p) = pattern.as_deref().or(format.map(|f| f.pattern())) {
                attrs.push(("pattern", p.to_string()));
            }
        }
        other => {
            if let Some(b) = other.bounds() {
                if let Some(v) = b.min.as_ref().and_then(constant) {
                    attrs.push(("minValue", v));
                }
                if let Some(v) = b.max.as_ref().and_then(constant) {
                    attrs.push(("maxValue", v));
                }
            }
        }
    }
    if attrs.is_empty() {
        return;
    }
    x.indent();
    x.out.push_str("<xdf3:praezisierung");
    for (k, v) in &attrs {
        let _ = write!(x.out, " {k}=\"{}\"", super::xml_escape(v));
    }
    x.out.push_str("/>\n");
}

/// A bound as FIM writes it, when it is a constant (a bound that moves,
/// such as `today - 18 years`, is the schema's and the validator's).
fn constant(e: &ir::Expr) -> Option<String> {
    match &e.kind {
        ir::ExprKind::Literal { value } => Some(match value {
            ir::Literal::Integer(i) => i.to_string(),
            ir::Literal::Decimal(d) => d.clone(),
            ir::Literal::Money(cents) => format!(
                "{}{}.{:02}",
                if *cents < 0 { "-" } else { "" },
                cents.unsigned_abs() / 100,
                cents.unsigned_abs() % 100
            ),
            ir::Literal::Date(d) => d.clone(),
            ir::Literal::Text(t) => t.clone(),
            _ => return None,
        }),
        _ => None,
    }
}
