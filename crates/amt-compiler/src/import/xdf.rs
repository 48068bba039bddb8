//! XDatenfelder 2 and 3 elements as amt statements.
//!
//! The two versions differ in names more than in shape (see the book's
//! FIM chapter): XDF2 writes a Präzisierung as JSON text and has no
//! Vorbefüllung; XDF3 writes it as attributes. Both are read by local
//! names, whatever the prefix. amt's own exports (`xdatenfelder.xml`) carry
//! amt's names and pages as keywords and amt's rules as scripts marked
//! `amt:`, which come back as they were.

use super::xml::Element;
use crate::diagnostic::{Code, Diagnostic};
use crate::emit::xdf::{CODELIST_URI, NAME_URI, PAGE_URI, TYPE_URI, xdf3_id, xdf3_version};
use crate::source::{FileId, Span};
use std::collections::BTreeSet;
use std::fmt::Write as _;

const XDF3: &str = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0";
const XDF2: &str = "urn:xoev-de:fim:standard:xdatenfelder_2";

/// The translation under way.
struct Out {
    file: FileId,
    /// Code lists, declared after the procedure or group.
    lists: String,
    list_names: BTreeSet<String>,
    /// What is left to the author: what, and where in the document.
    unfinished: Vec<(String, std::ops::Range<usize>)>,
    /// Problems of the document that were read around.
    problems: Vec<Diagnostic>,
}

/// What a translation made: the source, the problems read around, and
/// what is left to the author (what, and where in the document).
pub struct Made {
    pub text: String,
    pub problems: Vec<Diagnostic>,
    pub unfinished: Vec<(String, std::ops::Range<usize>)>,
}

/// The amt source of the document `root`.
pub fn translate(file: FileId, root: &Element) -> Result<Made, Vec<Diagnostic>> {
    let namespace = root
        .attrs
        .iter()
        .find(|(k, _)| {
            k == "xmlns"
                || k.starts_with("xmlns:") && root.qualified.starts_with(&format!("{}:", &k[6..]))
        })
        .map(|(_, v)| v.as_str());
    let unknown = |what: String| {
        vec![
            Diagnostic::new(Code::NotXdatenfelder, Span::new(file, root.at.clone()), what)
                .label("the root element")
                .help("amt imports `xdatenfelder.stammdatenschema.0102`, `xdatenfelder.datenfeldgruppe.0103` and `xdatenfelder.datenfeld.0104` of XDatenfelder 2 or 3"),
        ]
    };
    match namespace {
        Some(XDF3) | Some(XDF2) => {}
        Some(other) => {
            return Err(unknown(format!(
                "`{}` is in the namespace `{other}`, not XDatenfelder's",
                root.qualified
            )));
        }
        None => {
            return Err(unknown(format!(
                "`{}` names no XDatenfelder namespace",
                root.qualified
            )));
        }
    }
    let mut out = Out {
        file,
        lists: String::new(),
        list_names: BTreeSet::new(),
        unfinished: Vec::new(),
        problems: Vec::new(),
    };
    let mut text = String::new();
    match root.name.as_str() {
        "xdatenfelder.stammdatenschema.0102" => {
            let schema = out.required(root, "stammdatenschema")?;
            out.schema(schema, &mut text)?;
        }
        "xdatenfelder.datenfeldgruppe.0103" => {
            let group = out.required(root, "datenfeldgruppe")?;
            out.declared_group(group, &mut text)?;
        }
        "xdatenfelder.datenfeld.0104" => {
            // A field alone: amt declares reusable parts as groups.
            let field = out.required(root, "datenfeld")?;
            let name = name_of(field);
            let _ = writeln!(text, "group {name} {} {{", quoted(&label_of(field)));
            out.element(field, "1:1", &mut text, &mut BTreeSet::new())?;
            text.push_str("}\n");
        }
        other => {
            return Err(unknown(format!(
                "`{other}` is not an XDatenfelder message amt imports"
            )));
        }
    }
    if !out.lists.is_empty() {
        text.push('\n');
        text.push_str(&out.lists);
    }
    Ok(Made {
        text: indent(&text),
        problems: out.problems,
        unfinished: out.unfinished,
    })
}

/// The warning that lists what is left to the author.
pub fn unfinished(file: FileId, list: &[(String, std::ops::Range<usize>)]) -> Option<Diagnostic> {
    let first = list.first()?.1.clone();
    let mut d = Diagnostic::new(
        Code::ImportUnfinished,
        Span::new(file, first),
        format!(
            "{} part{} of the document could not be translated mechanically",
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        ),
    )
    .label("the first")
    .help("each stands as a `// FIM:` comment where it belongs in the source; finish it there");
    for (what, _) in list {
        d = d.note(what.clone());
    }
    Some(d)
}

/// The made text indented by its blocks (amt's reader finds where a
/// declaration ends by its indentation; the formatter then lays it out).
fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('}') {
            depth = depth.saturating_sub(1);
        }
        if !line.is_empty() {
            for _ in 0..depth {
                out.push_str("  ");
            }
        }
        out.push_str(line);
        out.push('\n');
        if line.ends_with('{') {
            depth += 1;
        }
    }
    out
}

impl Out {
    fn broken(&self, at: &Element, message: String) -> Vec<Diagnostic> {
        vec![
            Diagnostic::new(
                Code::BrokenXdatenfelder,
                Span::new(self.file, at.at.clone()),
                message,
            )
            .label("here")
            .help("export the document again; XDatenfelder requires this element"),
        ]
    }

    fn required<'e>(
        &self,
        parent: &'e Element,
        name: &str,
    ) -> Result<&'e Element, Vec<Diagnostic>> {
        parent
            .child(name)
            .ok_or_else(|| self.broken(parent, format!("`{}` has no `{name}`", parent.qualified)))
    }

    fn leave(&mut self, what: String, at: &Element, text: &mut String) {
        let line = what.replace('\n', " ");
        let _ = writeln!(text, "// FIM: {line}");
        self.unfinished.push((what, at.at.clone()));
    }

    /// A Stammdatenschema as a procedure, its top-level elements on pages.
    fn schema(&mut self, s: &Element, text: &mut String) -> Result<(), Vec<Diagnostic>> {
        let name = name_of(s);
        let title = s
            .text_of("bezeichnung")
            .or_else(|| s.text_of("bezeichnungEingabe"))
            .or_else(|| s.text_of("name"))
            .unwrap_or(&name)
            .to_string();
        let _ = writeln!(text, "procedure {name} {} {{", quoted(&title));
        let _ = writeln!(text, "version {}", semver(version_of(s)));
        fim(s, text);
        if let Some(d) = s.text_of("hilfetext").or_else(|| s.text_of("beschreibung")) {
            let _ = writeln!(text, "description {}", quoted(d));
        }
        legal(s, text);
        self.rules(s, text, None);
        // Pages: as amt's export names them, else one.
        let mut pages: Vec<(String, String, Vec<&Element>)> = Vec::new();
        let mut outside: Vec<&Element> = Vec::new();
        for st in s.all("struktur") {
            let el = st.child("enthaelt").and_then(|e| e.children.first());
            // amt's export puts attachments and computed values of the
            // whole procedure on no page.
            if let Some(el) = el
                && keyword(el, NAME_URI).is_some()
                && keyword(el, PAGE_URI).is_none()
                && (el.code_of("datentyp") == Some("file")
                    || el.code_of("feldart") == Some("locked"))
            {
                outside.push(st);
                continue;
            }
            let (id, label) = match el.and_then(|e| keyword(e, PAGE_URI)) {
                Some(page) => match page.split_once(' ') {
                    Some((id, label)) => (id.to_string(), label.to_string()),
                    None => (page.to_string(), page.to_string()),
                },
                None => ("angaben".to_string(), "Angaben".to_string()),
            };
            match pages.last_mut() {
                Some(last) if last.0 == id => last.2.push(st),
                _ => pages.push((id, label, vec![st])),
            }
        }
        let mut names = BTreeSet::new();
        for (id, label, items) in pages {
            let _ = writeln!(text, "page {id} {} {{", quoted(&label));
            for st in items {
                self.struktur(st, text, &mut names)?;
            }
            text.push_str("}\n");
        }
        for st in outside {
            self.struktur(st, text, &mut names)?;
        }
        text.push_str("}\n");
        Ok(())
    }

    /// A Datenfeldgruppe on its own, as a declared group.
    fn declared_group(&mut self, g: &Element, text: &mut String) -> Result<(), Vec<Diagnostic>> {
        let name = name_of(g);
        let _ = writeln!(text, "group {name} {} {{", quoted(&label_of(g)));
        self.group_body(g, text)?;
        text.push_str("}\n");
        Ok(())
    }

    fn group_body(&mut self, g: &Element, text: &mut String) -> Result<(), Vec<Diagnostic>> {
        fim(g, text);
        legal(g, text);
        if let Some(h) = g.text_of("hilfetextEingabe") {
            let _ = writeln!(text, "hint {}", quoted(h));
        }
        self.rules(g, text, None);
        let mut names = BTreeSet::new();
        for st in g.all("struktur") {
            self.struktur(st, text, &mut names)?;
        }
        Ok(())
    }

    fn struktur(
        &mut self,
        st: &Element,
        text: &mut String,
        names: &mut BTreeSet<String>,
    ) -> Result<(), Vec<Diagnostic>> {
        let enthaelt = self.required(st, "enthaelt")?;
        let Some(el) = enthaelt.children.first() else {
            return Err(self.broken(enthaelt, "`enthaelt` holds no element".into()));
        };
        let anzahl = st.text_of("anzahl").unwrap_or("1:1");
        self.element(el, anzahl, text, names)
    }

    /// One element in its place.
    fn element(
        &mut self,
        el: &Element,
        anzahl: &str,
        text: &mut String,
        names: &mut BTreeSet<String>,
    ) -> Result<(), Vec<Diagnostic>> {
        let (min, max) = match parse_anzahl(anzahl) {
            Some(m) => m,
            None => {
                self.problems.push(
                    Diagnostic::new(
                        Code::BrokenXdatenfelder,
                        Span::new(self.file, el.at.clone()),
                        format!("the multiplicity `{anzahl}` is not `min:max`"),
                    )
                    .label("read as 0:1")
                    .help("FIM writes a multiplicity as `1:1`, `0:1`, `0:*` (quality rule 1046)"),
                );
                (0, Some(1))
            }
        };
        let name = unique(name_of(el), names);
        let label = label_of(el);
        match el.name.as_str() {
            "datenfeldgruppe" => {
                let repeat = match (min, max) {
                    (_, Some(1)) => String::new(),
                    (m, Some(n)) => format!("[{m}..{n}]"),
                    (m, None) => format!("[{m}..]"),
                };
                let _ = writeln!(text, "group {name}{repeat} {} {{", quoted(&label));
                if min >= 1 && max == Some(1) {
                    text.push_str("required\n");
                }
                self.group_body(el, text)?;
                text.push_str("}\n");
            }
            "datenfeld" => self.field(el, &name, &label, (min, max), text)?,
            other => {
                return Err(self.broken(
                    el,
                    format!(
                        "`enthaelt` holds `{other}`, neither a Datenfeld nor a Datenfeldgruppe"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn field(
        &mut self,
        f: &Element,
        name: &str,
        label: &str,
        (min, max): (u64, Option<u64>),
        text: &mut String,
    ) -> Result<(), Vec<Diagnostic>> {
        let feldart = f.code_of("feldart").unwrap_or("input");
        let datentyp = f.code_of("datentyp").unwrap_or("text");
        let bounds = Bounds::of(f);
        let repeat = |single: bool| match (min, max) {
            (_, Some(1)) => String::new(),
            _ if !single => String::new(),
            (m, Some(n)) => format!("[{m}..{n}]"),
            (m, None) => format!("[{m}..]"),
        };
        // amt's own computed values come back as they were.
        let computed = f
            .all("regel")
            .filter_map(|r| {
                r.text_of("skript")?
                    .strip_prefix("amt: = ")
                    .map(str::to_string)
            })
            .next();
        if feldart == "label" {
            let content = f.text_of("inhalt").unwrap_or(label);
            let named = if keyword(f, NAME_URI).is_some() {
                format!("{name} ")
            } else {
                String::new()
            };
            let _ = writeln!(text, "note {named}{} {{", quoted(content));
            legal(f, text);
            self.rules(f, text, None);
            text.push_str("}\n");
            return Ok(());
        }
        if let Some(value) = computed {
            let ty = match datentyp {
                "num_int" => ": integer",
                "num" => ": decimal",
                "num_currency" => ": money",
                "bool" => ": boolean",
                "date" => ": date",
                _ => "",
            };
            let _ = writeln!(text, "computed {name}{ty} {} = {value} {{", quoted(label));
            legal(f, text);
            text.push_str("}\n");
            return Ok(());
        }
        if datentyp == "file" {
            let _ = writeln!(text, "attachment {name} {} {{", quoted(label));
            let mut types = Vec::new();
            for m in f.all("mediaType") {
                match amt_model::catalog::FILE_TYPES.iter().find(|(_, mt)| *mt == m.text) {
                    Some((t, _)) => types.push(*t),
                    None => self.leave(format!("`{name}` accepts the media type `{}`, which amt's attachments do not know (pdf, jpeg, png, tiff, xml)", m.text), m, text),
                }
            }
            if types.is_empty() {
                types.push("pdf");
                self.leave(format!("`{name}` names no media type amt knows; it was given `types pdf` to begin with"), f, text);
            }
            let _ = writeln!(text, "types {}", types.join(", "));
            if let Some(bytes) = f.text_of("maxSize").and_then(|s| s.parse::<u64>().ok()) {
                let size = if bytes % (1 << 20) == 0 {
                    format!("{} MB", bytes >> 20)
                } else {
                    format!("{} KB", bytes.div_ceil(1 << 10))
                };
                let _ = writeln!(text, "max {size}");
            }
            // The multiplicity: how many files, and whether any must be given.
            let _ = writeln!(
                text,
                "count {}..{}",
                min.max(1),
                max.map(|m| m.to_string()).unwrap_or_default()
            );
            if min >= 1 {
                text.push_str("required\n");
            }
            self.field_body(f, name, text);
            text.push_str("}\n");
            return Ok(());
        }
        let builtin = keyword(f, TYPE_URI);
        let ty = match (feldart, datentyp, builtin) {
            ("select", _, Some(word @ ("country" | "nationality"))) => word.to_string(),
            (_, _, Some("consent")) => "consent".to_string(),
            (_, "text" | "text_latin", Some(word))
                if word == "multiline"
                    || amt_model::formats::TextFormat::from_word(word).is_some() =>
            {
                let format = amt_model::formats::TextFormat::from_word(word);
                let mut b = Bounds { ..bounds };
                if b.pattern.as_deref() == format.map(|f| f.pattern()) {
                    b.pattern = None;
                }
                format!("{word}{}", b.text(self, f, text))
            }
            ("select", _, _) => {
                let list = self.list(f, name, label, text);
                // Several values: amt's own export says whether it is a
                // multiple choice or a repeated one; other documents mean
                // a multiple choice.
                if max != Some(1)
                    && (builtin == Some("multichoice") || keyword(f, NAME_URI).is_none())
                {
                    format!("multichoice({list})")
                } else {
                    format!("choice({list})")
                }
            }
            (_, "text" | "text_latin", _) => format!("text{}", bounds.text(self, f, text)),
            (_, "date", _) => format!("date{}", bounds.values(self, f, text, is_date)),
            (_, "time", _) => format!("time{}", bounds.values(self, f, text, |_| false)),
            (_, "datetime", _) => format!("datetime{}", bounds.values(self, f, text, |_| false)),
            (_, "bool", _) => "boolean".to_string(),
            (_, "num", _) => format!("decimal{}", bounds.values(self, f, text, is_decimal)),
            (_, "num_int", _) => format!("integer{}", bounds.values(self, f, text, is_integer)),
            (_, "num_currency", _) => format!("money{}", bounds.money(self, f, text)),
            (_, other, _) => {
                self.leave(format!("`{name}` has the data type `{other}`, which amt has not; it was imported as text"), f, text);
                "text".to_string()
            }
        };
        if matches!(feldart, "locked" | "hidden") {
            self.leave(format!("`{name}` is a field of kind `{feldart}`; amt shows read-only values as `computed` and has no hidden fields"), f, text);
        }
        let multiple = ty.starts_with("multichoice(");
        let _ = writeln!(
            text,
            "field {name}: {ty}{} {} {{",
            repeat(!multiple),
            quoted(label)
        );
        if min >= 1 {
            text.push_str("required\n");
        }
        self.field_body(f, name, text);
        text.push_str("}\n");
        Ok(())
    }

    /// What every field says in its block: FIM id, legal, hint, rules.
    fn field_body(&mut self, f: &Element, name: &str, text: &mut String) {
        fim(f, text);
        legal(f, text);
        if let Some(h) = f.text_of("hilfetextEingabe") {
            let _ = writeln!(text, "hint {}", quoted(h));
        }
        self.rules(f, text, Some(name));
    }

    /// The Regeln of an element: amt's own as they were, any other as a
    /// comment left to the author.
    fn rules(&mut self, el: &Element, text: &mut String, _of: Option<&str>) {
        for r in el.all("regel") {
            let script = r.text_of("skript").unwrap_or_default();
            if let Some(own) = script.strip_prefix("amt: ") {
                if let Some(cond) = own.strip_prefix("when ") {
                    let _ = writeln!(text, "when {cond}");
                    continue;
                }
                if let Some(cond) = own.strip_prefix("required when ") {
                    let _ = writeln!(text, "required\nwhen {cond}");
                    continue;
                }
                if own.starts_with("= ") || own.starts_with("min ") || own.starts_with("max ") {
                    continue; // a computed value or a bound, read with its field
                }
                if let Some(fee) = own.strip_prefix("fee ")
                    && let Some((id, value)) = fee.split_once(" = ")
                {
                    let label = r
                        .text_of("name")
                        .map(|n| n.strip_prefix("Gebühr: ").unwrap_or(n))
                        .unwrap_or(id);
                    let _ = writeln!(text, "fee {id} {} = {value} {{", quoted(label));
                    legal(r, text);
                    text.push_str("}\n");
                    continue;
                }
                if let Some((kind, cond)) = own.split_once(' ')
                    && matches!(kind, "rule" | "warn")
                {
                    let message = r
                        .text_of("freitextRegel")
                        .map(|t| t.split(" (Es muss gelten:").next().unwrap_or(t))
                        .unwrap_or_default();
                    let _ = writeln!(text, "{kind} {cond} {}", quoted(message));
                    continue;
                }
            }
            let id = r
                .child("identifikation")
                .and_then(|i| i.text_of("id"))
                .unwrap_or("ohne Kennung");
            let what = r
                .text_of("freitextRegel")
                .or_else(|| r.text_of("definition"))
                .or_else(|| r.text_of("beschreibung"))
                .or_else(|| r.text_of("name"))
                .unwrap_or("(ohne Text)");
            let mut note = format!("Regel {id}: {what}");
            if !script.is_empty() {
                let _ = write!(note, " [Skript: {}]", script.replace('\n', " "));
            }
            self.leave(note, r, text);
        }
    }

    /// The code list of a select: its values inline, or a reference to
    /// the list in XRepository (whose values amt does not fetch).
    fn list(&mut self, f: &Element, name: &str, label: &str, text: &mut String) -> String {
        let own = keyword(f, CODELIST_URI).filter(|n| crate::syntax::is_name(n));
        if let Some(own) = own
            && self.list_names.contains(own)
        {
            return own.to_string(); // declared with an earlier field
        }
        let base = own.unwrap_or(name);
        let mut list = base.to_string();
        let mut n = 2;
        while !self.list_names.insert(list.clone()) {
            list = format!("{base}_{n}");
            n += 1;
        }
        let mut decl = String::new();
        let reference = f.child("codelisteReferenz");
        let (urn, version) = match reference {
            Some(r) => {
                let generic = r.child("genericodeIdentification").unwrap_or(r);
                (
                    generic.text_of("canonicalIdentification"),
                    generic.text_of("version"),
                )
            }
            None => (None, None),
        };
        let _ = write!(decl, "codelist {list} {}", quoted(label));
        if let Some(urn) = urn {
            let _ = write!(decl, " from {}", quoted(urn));
            if let Some(v) = version {
                let _ = write!(decl, " version {}", quoted(v));
            }
        }
        decl.push_str(" {\n");
        let mut seen = BTreeSet::new();
        if let Some(werte) = f.child("werte") {
            for w in werte.all("wert") {
                let Some(code) = w.text_of("code") else {
                    continue;
                };
                if !seen.insert(code.to_string()) {
                    continue;
                }
                let _ = writeln!(
                    decl,
                    "{} {}",
                    quoted(code),
                    quoted(w.text_of("name").unwrap_or(code))
                );
            }
        }
        if seen.is_empty() {
            match urn {
                Some(urn) => self.leave(format!("the values of `{list}` are those of the code list `{urn}`, which amt references and never fetches; list the codes the form offers in `codelist {list}`"), f, text),
                None => self.leave(format!("`{name}` is a select with neither values nor a code list"), f, text),
            }
        }
        decl.push_str("}\n\n");
        self.lists.push_str(&decl);
        list
    }
}

/// The constraints of a Datenfeld: XDF3 attributes, or XDF2 JSON text.
#[derive(Default)]
struct Bounds {
    min_length: Option<String>,
    max_length: Option<String>,
    min: Option<String>,
    max: Option<String>,
    pattern: Option<String>,
    /// Bounds that move, as amt's export writes them (`amt: min today`):
    /// expressions, not values.
    moving: Vec<String>,
}

impl Bounds {
    fn of(f: &Element) -> Bounds {
        let moving = f
            .all("regel")
            .filter_map(|r| {
                let s = r.text_of("skript")?.strip_prefix("amt: ")?;
                (s.starts_with("min ") || s.starts_with("max ")).then(|| s.to_string())
            })
            .collect();
        let Some(p) = f.child("praezisierung") else {
            return Bounds {
                moving,
                ..Bounds::default()
            };
        };
        let mut b = Bounds {
            min_length: p.attr("minLength").map(str::to_string),
            max_length: p.attr("maxLength").map(str::to_string),
            min: p.attr("minValue").map(str::to_string),
            max: p.attr("maxValue").map(str::to_string),
            pattern: p.attr("pattern").map(str::to_string),
            moving,
        };
        if !p.text.is_empty()
            && let Ok(serde_json::Value::Object(map)) =
                serde_json::from_str::<serde_json::Value>(&p.text)
        {
            let get = |k: &str| {
                map.get(k).and_then(|v| match v {
                    serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
            };
            b.min_length = b.min_length.or_else(|| get("minLength"));
            b.max_length = b.max_length.or_else(|| get("maxLength"));
            b.min = b.min.or_else(|| get("minValue"));
            b.max = b.max.or_else(|| get("maxValue"));
            b.pattern = b.pattern.or_else(|| get("pattern"));
        }
        b
    }

    fn text(&self, out: &mut Out, f: &Element, text: &mut String) -> String {
        let mut args = Vec::new();
        let len = |v: &Option<String>| v.as_deref().and_then(|s| s.trim().parse::<u64>().ok());
        match (len(&self.min_length), len(&self.max_length)) {
            (Some(a), Some(b)) if a == b => args.push(format!("length {a}..{b}")),
            (a, b) => {
                if let Some(a) = a.filter(|a| *a > 0) {
                    args.push(format!("min {a}"));
                }
                if let Some(b) = b {
                    args.push(format!("max {b}"));
                }
            }
        }
        if let Some(p) = &self.pattern {
            if regex_syntax::Parser::new().parse(p).is_ok() {
                args.push(format!("pattern {}", quoted(p)));
            } else {
                out.leave(
                    format!("the pattern `{p}` is not a regular expression amt reads"),
                    f,
                    text,
                );
            }
        }
        if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        }
    }

    fn values(
        &self,
        out: &mut Out,
        f: &Element,
        text: &mut String,
        ok: fn(&str) -> bool,
    ) -> String {
        let mut args = Vec::new();
        for (word, v) in [("min", &self.min), ("max", &self.max)] {
            if let Some(v) = v {
                if ok(v.trim()) {
                    args.push(format!("{word} {}", v.trim()));
                } else {
                    out.leave(
                        format!("the bound `{word} {v}` does not fit the data type"),
                        f,
                        text,
                    );
                }
            }
        }
        args.extend(self.moving.iter().cloned());
        if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        }
    }

    fn money(&self, out: &mut Out, f: &Element, text: &mut String) -> String {
        let mut args = Vec::new();
        for (word, v) in [("min", &self.min), ("max", &self.max)] {
            if let Some(v) = v {
                if is_decimal(v.trim()) {
                    args.push(format!("{word} {} EUR", v.trim()));
                } else {
                    out.leave(format!("the bound `{word} {v}` is no amount"), f, text);
                }
            }
        }
        args.extend(self.moving.iter().cloned());
        if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        }
    }
}

fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

fn is_date(s: &str) -> bool {
    amt_model::date::Date::parse(s).is_some()
}

/// `min:max` (`*`: no limit).
fn parse_anzahl(a: &str) -> Option<(u64, Option<u64>)> {
    let (min, max) = a.trim().split_once(':')?;
    let min = min.parse().ok()?;
    let max = if max == "*" {
        None
    } else {
        Some(max.parse().ok()?)
    };
    if max.is_some_and(|m| m < min) {
        return None;
    }
    Some((min, max))
}

/// A keyword of amt's (`stichwort uri=…`).
fn keyword<'e>(el: &'e Element, uri: &str) -> Option<&'e str> {
    el.all("stichwort")
        .find(|s| s.attr("uri") == Some(uri))
        .map(|s| s.text.as_str())
        .filter(|t| !t.is_empty())
}

/// amt's name of an element: its keyword, else a name made of its FIM
/// name (lower case, umlauts spelt out, anything else an underscore).
fn name_of(el: &Element) -> String {
    if let Some(n) = keyword(el, NAME_URI).filter(|n| crate::syntax::is_name(n)) {
        return n.to_string();
    }
    let source = el
        .text_of("name")
        .or_else(|| el.text_of("bezeichnungEingabe"))
        .unwrap_or("feld");
    let mut out = String::new();
    for c in source.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {
                if !out.ends_with('_') {
                    out.push('_');
                }
            }
        }
    }
    let mut out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "feld_");
    }
    if !crate::syntax::is_name(&out) {
        out.push('_');
    }
    out
}

/// A name not yet taken among `names`.
fn unique(name: String, names: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while !names.insert(candidate.clone()) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    candidate
}

fn label_of(el: &Element) -> String {
    el.text_of("bezeichnungEingabe")
        .or_else(|| el.text_of("name"))
        .unwrap_or_default()
        .to_string()
}

fn version_of(el: &Element) -> Option<&str> {
    el.child("identifikation")
        .and_then(|i| i.text_of("version"))
}

/// A version as semver: `1.2` → `1.2.0`; none → `1.0.0`.
fn semver(v: Option<&str>) -> String {
    let v = v.unwrap_or("1.0.0");
    let parts: Vec<&str> = v.split('.').collect();
    if parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        match parts.len() {
            1 => return format!("{v}.0.0"),
            2 => return format!("{v}.0"),
            3 => return v.to_string(),
            _ => {}
        }
    }
    "1.0.0".to_string()
}

/// `fim ID version V` for an element of the FIM repository (amt's own
/// local ids, Nummernkreis 99, are made again on export).
fn fim(el: &Element, text: &mut String) {
    let Some(ident) = el.child("identifikation") else {
        return;
    };
    let Some(id) = ident.text_of("id") else {
        return;
    };
    // A letter and 11 digits (an XDF2 id's 8 in their XDF3 form), not
    // amt's own local range (Nummernkreis 99); any other id is left out.
    if !id.is_ascii()
        || id.len() < 3
        || &id[1..3] == "99"
        || !id[1..].bytes().all(|b| b.is_ascii_digit())
        || xdf3_id(id).len() != 12
        || !id.starts_with(match el.name.as_str() {
            "datenfeldgruppe" => 'G',
            "stammdatenschema" => 'S',
            _ => 'F',
        })
    {
        return;
    }
    let id = xdf3_id(id);
    match ident
        .text_of("version")
        .filter(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    {
        Some(v) => {
            let _ = writeln!(text, "fim {id} version {}", xdf3_version(v));
        }
        None => {
            let _ = writeln!(text, "fim {id}");
        }
    }
}

/// `legal "…" <link>` for each `bezug` (XDF2 writes several in one,
/// separated by `;`).
fn legal(el: &Element, text: &mut String) {
    for b in el.all("bezug") {
        let link = b
            .attr("link")
            .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
            .filter(|l| !l.contains(['<', '>', ' ', '"']));
        for part in b.text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            match link {
                Some(l) => {
                    let _ = writeln!(text, "legal {} <{l}>", quoted(part));
                }
                None => {
                    let _ = writeln!(text, "legal {}", quoted(part));
                }
            }
        }
    }
}

/// `s` as an amt string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
