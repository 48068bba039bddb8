//! A document of the workflow written out for one case: its parts with the
//! case's answers and decisions in place, then as print-ready HTML (A4,
//! the authority's letterhead) that a PDF renderer turns into the letter.
//!
//! [`write`] decides what the letter says; [`html`] only lays it out, with
//! a template a portal may replace.

use crate::ir::municipality::AuthorityInfo;
use crate::ir::{self, Document, PartKind, Procedure, Remedy};
use crate::validate::Model;
use crate::validate::eval::{Eval, V};
use amt_model::date::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// A case: the submission, the decisions taken, and the file's facts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The submitted answers.
    #[serde(default)]
    pub data: Json,
    /// The workflow's decisions by name.
    #[serde(default)]
    pub decisions: serde_json::Map<String, Json>,
    /// The file number (Aktenzeichen).
    #[serde(default)]
    pub reference: Option<String>,
    /// The date of the document (`YYYY-MM-DD`).
    #[serde(default)]
    pub date: Option<String>,
    /// Who signs: the clerk's name (§ 37 Abs. 3 VwVfG).
    #[serde(default)]
    pub signatory: Option<String>,
    /// The municipality whose authority issues it (its ARS).
    #[serde(default)]
    pub municipality: Option<String>,
}

/// A document as the case receives it: every text final.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    /// Its language.
    pub lang: String,
    /// Its title.
    pub title: String,
    /// The issuing authority.
    pub authority: Letterhead,
    /// The file number.
    pub reference: Option<String>,
    /// The date, as written in the language.
    pub date: String,
    /// The address lines.
    pub recipient: Vec<String>,
    /// What is decided.
    pub tenor: Vec<String>,
    /// The Nebenbestimmungen.
    pub conditions: Vec<String>,
    /// The reasons.
    pub reasons: Vec<String>,
    /// The fees: label and amount, then the total.
    pub fees: Vec<(String, String)>,
    /// The total of the fees.
    pub fee_total: Option<String>,
    /// The Rechtsbehelfsbelehrung.
    pub remedy: Vec<String>,
    /// Notes.
    pub notes: Vec<String>,
    /// The legal basis.
    pub legal: Vec<String>,
    /// Who signs.
    pub signatory: Option<String>,
    /// In a translation of a German document: that German is the official
    /// language (§ 23 Abs. 1 VwVfG).
    pub translation: Option<String>,
    /// The headings in the language.
    pub words: Words,
}

impl Written {
    /// The document `doc` of `p` in `lang` from `authority`, its parts not
    /// yet written.
    fn blank(p: &Procedure, doc: &Document, lang: &str, authority: Letterhead) -> Written {
        Written {
            lang: lang.to_string(),
            title: pick(&doc.label, lang).to_string(),
            authority,
            reference: None,
            date: String::new(),
            recipient: Vec::new(),
            tenor: Vec::new(),
            conditions: Vec::new(),
            reasons: Vec::new(),
            fees: Vec::new(),
            fee_total: None,
            remedy: Vec::new(),
            notes: Vec::new(),
            legal: doc.legal.iter().map(|l| l.citation.clone()).collect(),
            signatory: None,
            translation: translation(p, lang),
            words: words(lang),
        }
    }

    /// Everything it says, as plain text: a line per paragraph.
    pub fn plain(&self) -> String {
        let mut lines = vec![self.authority.name.clone()];
        lines.extend(self.recipient.iter().cloned());
        lines.push(self.title.clone());
        for (heading, part) in [
            (self.words.tenor, &self.tenor),
            (self.words.conditions, &self.conditions),
            (self.words.reasons, &self.reasons),
        ] {
            if !part.is_empty() {
                lines.push(heading.to_string());
                lines.extend(part.iter().cloned());
            }
        }
        if !self.fees.is_empty() {
            lines.push(self.words.fees.to_string());
            lines.extend(self.fees.iter().map(|(l, a)| format!("{l}: {a}")));
            if let Some(total) = &self.fee_total {
                lines.push(format!("{}: {total}", self.words.total));
            }
        }
        for (heading, part) in [
            (self.words.remedy, &self.remedy),
            (self.words.notes, &self.notes),
        ] {
            if !part.is_empty() {
                lines.push(heading.to_string());
                lines.extend(part.iter().cloned());
            }
        }
        lines.join("\n")
    }
}

/// The issuing authority, as the letterhead shows it.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Letterhead {
    /// Its name.
    pub name: String,
    /// Its address.
    pub address: Option<String>,
    /// Phone, e-mail, …: kind and value.
    pub contacts: Vec<(String, String)>,
}

/// Headings and fixed words of a document, per language.
#[derive(Debug, Clone, Serialize)]
pub struct Words {
    reference: &'static str,
    date: &'static str,
    tenor: &'static str,
    conditions: &'static str,
    reasons: &'static str,
    fees: &'static str,
    total: &'static str,
    remedy: &'static str,
    notes: &'static str,
    legal: &'static str,
    by_order: &'static str,
    from: &'static str,
    to: &'static str,
}

fn words(lang: &str) -> Words {
    if amt_model::is_german(lang) {
        Words {
            reference: "Aktenzeichen",
            date: "Datum",
            tenor: "Entscheidung",
            conditions: "Nebenbestimmungen",
            reasons: "Begründung",
            fees: "Kosten",
            total: "Summe",
            remedy: "Rechtsbehelfsbelehrung",
            notes: "Hinweise",
            legal: "Rechtsgrundlagen",
            by_order: "Im Auftrag",
            from: "Absender",
            to: "Empfänger",
        }
    } else {
        Words {
            reference: "File number",
            date: "Date",
            tenor: "Decision",
            conditions: "Ancillary provisions",
            reasons: "Reasons",
            fees: "Costs",
            total: "Total",
            remedy: "Information on legal remedies",
            notes: "Notes",
            legal: "Legal basis",
            by_order: "On behalf of the authority",
            from: "Sender",
            to: "Recipient",
        }
    }
}

/// What keeps a document from being written for a case.
#[derive(Debug)]
pub struct Unwritable(pub String);

impl std::fmt::Display for Unwritable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The document `id` of `p` written for `case` in `lang`, issued by
/// `authority` (the municipality's; the procedure's own name without one).
pub fn write(
    p: &Procedure,
    id: &str,
    case: &Case,
    authority: Option<&AuthorityInfo>,
    lang: &str,
    today: Date,
) -> Result<Written, Unwritable> {
    let w = p
        .workflow
        .as_ref()
        .ok_or_else(|| Unwritable(format!("`{}` has no workflow", p.id)))?;
    let doc = w.documents.iter().find(|d| d.id == id).ok_or_else(|| {
        let known: Vec<&str> = w.documents.iter().map(|d| d.id.as_str()).collect();
        Unwritable(format!(
            "`{}` has no document `{id}`; its documents are {}",
            p.id,
            known.join(", ")
        ))
    })?;
    if !doc.is_written() {
        return Err(Unwritable(format!(
            "the document `{id}` has no parts to write; give it a `tenor` and the other parts in the workflow"
        )));
    }
    // Answers and decisions are read from one object, as guards read them.
    let mut data = match &case.data {
        Json::Object(o) => o.clone(),
        _ => serde_json::Map::new(),
    };
    for (k, v) in &case.decisions {
        data.insert(k.clone(), v.clone());
    }
    let data = Json::Object(data);
    let model = Model::new(p);
    let date = match &case.date {
        Some(d) => Date::parse(d)
            .ok_or_else(|| Unwritable(format!("the case's date `{d}` is no date (YYYY-MM-DD)")))?,
        None => today,
    };
    let mut r = Reader {
        p,
        model: &model,
        data: &data,
        today: date,
        lang,
    };
    let text = |i: &ir::I18n| pick(i, lang).to_string();
    let letterhead = match authority {
        Some(a) => Letterhead {
            name: text(&a.name),
            address: a.address.clone(),
            contacts: a
                .contacts
                .iter()
                .map(|(k, v)| (contact_word(k, lang), v.clone()))
                .collect(),
        },
        None => Letterhead {
            name: p
                .authority
                .as_ref()
                .and_then(|a| a.label.as_ref())
                .map(text)
                .unwrap_or_default(),
            ..Letterhead::default()
        },
    };
    let mut out = Written::blank(p, doc, lang, letterhead);
    out.reference = case.reference.clone();
    out.date = long_date(date, lang);
    out.signatory = case.signatory.clone();
    for part in &doc.parts {
        if let Some(when) = &part.when
            && r.eval(when).truth() != Some(true)
        {
            continue;
        }
        let line = r.fill(pick(&part.text, lang))?;
        match part.kind {
            PartKind::Recipient => out.recipient.push(line),
            PartKind::Tenor => out.tenor.push(line),
            PartKind::Reasons => out.reasons.push(line),
            PartKind::Note => out.notes.push(line),
        }
    }
    out.conditions = r.conditions(doc);
    if doc.fees {
        let mut total = 0;
        for fee in &p.fees {
            if let V::Money(c) = r.lookup(&fee.id) {
                out.fees
                    .push((text(&fee.label), amt_model::print::money_in(lang, c)));
                total += c;
            }
        }
        out.fee_total = Some(amt_model::print::money_in(lang, total));
    }
    if let Some(remedy) = &doc.remedy {
        out.remedy = remedy_text(remedy, Seats::Authority(authority), lang)?;
    }
    Ok(out)
}

/// The document `id` of `p` as its specimen (the Bescheidvorlage a reviewer
/// reads): every part, each placeholder as the label of what it reads in
/// brackets, each condition said after its part, the Nebenbestimmungen the
/// clerk may choose, and the Rechtsbehelfsbelehrung with the authority and
/// its court in brackets.
pub fn specimen(p: &Procedure, id: &str, lang: &str) -> Result<Written, Unwritable> {
    let doc = p
        .workflow
        .as_ref()
        .and_then(|w| w.documents.iter().find(|d| d.id == id))
        .ok_or_else(|| Unwritable(format!("`{}` has no document `{id}`", p.id)))?;
    let de = amt_model::is_german(lang);
    let text = |i: &ir::I18n| pick(i, lang).to_string();
    let bracket = |s: &str| format!("[{s}]");
    let label = |path: &str| -> String {
        let node = p.all_nodes().find(|n| n.path == path);
        let decision = p.workflow.as_ref().and_then(|w| w.decision(path));
        let fee = p.fees.iter().find(|f| f.id == path);
        node.and_then(|n| n.label.as_ref())
            .or(decision.map(|d| &d.label))
            .or(fee.map(|f| &f.label))
            .map(text)
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| path.to_string())
    };
    let fill = |t: &str| {
        substitute(t, |path| {
            Ok::<_, std::convert::Infallible>(bracket(&label(path)))
        })
        .unwrap_or_else(|never| match never {})
    };
    let letterhead = Letterhead {
        name: p
            .authority
            .as_ref()
            .and_then(|a| a.label.as_ref())
            .map(text)
            .unwrap_or_else(|| bracket(if de { "Behörde" } else { "authority" })),
        address: Some(bracket(if de { "Anschrift" } else { "address" })),
        contacts: Vec::new(),
    };
    let mut out = Written::blank(p, doc, lang, letterhead);
    out.reference = Some(bracket(if de { "Aktenzeichen" } else { "file number" }));
    out.date = bracket(if de { "Datum" } else { "date" });
    for part in &doc.parts {
        let mut line = fill(pick(&part.text, lang));
        if let Some(when) = &part.when {
            line.push_str(&format!(
                " ({} {when})",
                if de { "nur wenn" } else { "only if" }
            ));
        }
        match part.kind {
            PartKind::Recipient => out.recipient.push(line),
            PartKind::Tenor => out.tenor.push(line),
            PartKind::Reasons => out.reasons.push(line),
            PartKind::Note => out.notes.push(line),
        }
    }
    for d in &doc.conditions {
        match decision_list(p, d) {
            Some(list) => out.conditions.extend(list.values.iter().map(|c| {
                format!(
                    "{} {}",
                    text(&c.label),
                    bracket(if de { "wählbar" } else { "to choose" })
                )
            })),
            None => out.conditions.push(bracket(&label(d))),
        }
    }
    if doc.fees {
        for fee in &p.fees {
            out.fees.push((
                text(&fee.label),
                bracket(if de { "Betrag" } else { "amount" }),
            ));
        }
        out.fee_total = Some(bracket(if de { "Summe" } else { "total" }));
    }
    if let Some(remedy) = &doc.remedy {
        out.remedy = remedy_text(remedy, Seats::Specimen, lang)?;
    }
    Ok(out)
}

/// In a translation of a German procedure's document: that German is the
/// official language (§ 23 Abs. 1 VwVfG).
fn translation(p: &Procedure, lang: &str) -> Option<String> {
    (!amt_model::is_german(lang) && amt_model::is_german(p.source_language())).then(|| {
        "This is a translation for your information. The official language of German authorities is German (§ 23 Abs. 1 VwVfG); the German document is the one that decides.".to_string()
    })
}

/// How the letterhead names a kind of contact.
fn contact_word(kind: &str, lang: &str) -> String {
    let de = amt_model::is_german(lang);
    match kind {
        "phone" if de => "Telefon",
        "phone" => "Phone",
        "email" if de => "E-Mail",
        "email" => "Email",
        "fax" => "Fax",
        other => other,
    }
    .to_string()
}

/// The text in `lang`, else in the first language there is.
fn pick<'i>(i: &'i ir::I18n, lang: &str) -> &'i str {
    i.get(lang)
        .or_else(|| i.values().next())
        .map_or("", String::as_str)
}

/// `10. März 2026` / `10 March 2026`.
pub fn long_date(d: Date, lang: &str) -> String {
    const DE: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = (d.month as usize).clamp(1, 12) - 1;
    if amt_model::is_german(lang) {
        format!("{}. {} {}", d.day, DE[month], d.year)
    } else {
        format!("{} {} {}", d.day, EN[month], d.year)
    }
}

/// The court and the office a Rechtsbehelfsbelehrung names: the issuing
/// authority's, or in a specimen the words for them.
enum Seats<'a> {
    Authority(Option<&'a AuthorityInfo>),
    Specimen,
}

/// The Rechtsbehelfsbelehrung (§ 37 Abs. 6 VwVfG): the remedy, where it is
/// filed, its seat, and the time limit of one month (§§ 70, 74 VwGO).
fn remedy_text(remedy: &Remedy, seats: Seats, lang: &str) -> Result<Vec<String>, Unwritable> {
    let de = amt_model::is_german(lang);
    let court = || {
        match &seats {
        Seats::Specimen => Ok(if de {
            "[Verwaltungsgericht der Behörde, mit Anschrift]".to_string()
        } else {
            "[the authority's administrative court, with its address]".to_string()
        }),
        Seats::Authority(authority) => authority
            .and_then(|a| a.court.as_ref())
            .map(|c| pick(c, lang).to_string())
            .ok_or_else(|| {
                Unwritable(
                    "the Rechtsbehelfsbelehrung names the administrative court, but the issuing authority names none: add `court \"…\"` to the authority in its municipality's file"
                        .into(),
                )
            }),
    }
    };
    let office = || match &seats {
        Seats::Specimen => Some(if de {
            "[Behörde, mit Anschrift]".to_string()
        } else {
            "[the authority, with its address]".to_string()
        }),
        Seats::Authority(authority) => authority.map(|a| {
            let name = pick(&a.name, lang).to_string();
            match &a.address {
                Some(addr) => format!("{name}, {addr}"),
                None => name,
            }
        }),
    };
    let objection = |office: &str| {
        if de {
            format!(
                "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Widerspruch eingelegt werden. Der Widerspruch ist schriftlich oder zur Niederschrift einzulegen bei: {office}."
            )
        } else {
            format!(
                "An objection against this decision may be lodged within one month of its notification, in writing or for the record, with: {office}."
            )
        }
    };
    let action = |court: &str| {
        if de {
            format!(
                "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage erhoben werden bei: {court}."
            )
        } else {
            format!(
                "An action against this decision may be brought within one month of its notification at: {court}."
            )
        }
    };
    let email = if de {
        "Die Einlegung eines Rechtsbehelfs per einfacher E-Mail ist nicht zugelassen und entfaltet keine rechtlichen Wirkungen."
    } else {
        "A remedy lodged by simple e-mail is not admissible and has no legal effect."
    };
    let need_office = || {
        office().ok_or_else(|| {
            Unwritable("the Rechtsbehelfsbelehrung names the issuing authority: render the document for a municipality".into())
        })
    };
    Ok(match remedy {
        Remedy::Action => vec![action(&court()?), email.to_string()],
        Remedy::Objection => vec![objection(&need_office()?), email.to_string()],
        Remedy::ObjectionOrAction => {
            let (office, court) = (need_office()?, court()?);
            if de {
                vec![
                    "Gegen diesen Bescheid können Sie nach Ihrer Wahl entweder Widerspruch einlegen oder unmittelbar Klage erheben, jeweils innerhalb eines Monats nach seiner Bekanntgabe.".to_string(),
                    format!("Wenn Sie Widerspruch einlegen: Der Widerspruch ist schriftlich oder zur Niederschrift einzulegen bei: {office}."),
                    format!("Wenn Sie unmittelbar Klage erheben: Die Klage ist zu erheben bei: {court}."),
                    email.to_string(),
                ]
            } else {
                vec![
                    "Against this decision you may, at your choice, either lodge an objection or bring an action directly, in either case within one month of its notification.".to_string(),
                    format!("If you lodge an objection: it is to be lodged in writing or for the record with: {office}."),
                    format!("If you bring an action directly: it is to be brought at: {court}."),
                    email.to_string(),
                ]
            }
        }
        Remedy::None { .. } => Vec::new(),
    })
}

struct Reader<'a> {
    p: &'a Procedure,
    model: &'a Model<'a>,
    data: &'a Json,
    today: Date,
    lang: &'a str,
}

impl<'a> Reader<'a> {
    fn eval(&mut self, e: &'a ir::Expr) -> V {
        Eval {
            model: self.model,
            data: self.data,
            today: self.today,
            bound: Vec::new(),
        }
        .eval(e)
    }

    fn lookup(&mut self, path: &'a str) -> V {
        Eval {
            model: self.model,
            data: self.data,
            today: self.today,
            bound: Vec::new(),
        }
        .lookup(path, false)
    }

    /// A text with its placeholders filled.
    fn fill(&mut self, text: &'a str) -> Result<String, Unwritable> {
        substitute(text, |path| match self.lookup(path) {
            V::Unknown => Err(Unwritable(format!(
                "the case has no value for `{{{path}}}`"
            ))),
            value => Ok(self.show(path, &value)),
        })
    }

    /// The code list that the value at `path` is from.
    fn list(&self, path: &str) -> Option<&'a ir::Codelist> {
        let key = match self.model.get(path).and_then(|e| e.node) {
            Some(ir::Node {
                kind:
                    ir::NodeKind::Field {
                        ty: ir::FieldType::Choice { codelist, .. },
                    },
                ..
            }) => Some(codelist.as_str()),
            _ => return decision_list(self.p, path),
        }?;
        self.p.codelists.get(key).map(|c| &**c)
    }

    fn code_label(&self, path: &str, code: &str) -> String {
        self.list(path)
            .and_then(|l| l.values.iter().find(|c| c.code == code))
            .map_or(code.to_string(), |c| pick(&c.label, self.lang).to_string())
    }

    /// A value as the letter shows it.
    fn show(&self, path: &str, v: &V) -> String {
        let de = amt_model::is_german(self.lang);
        match v {
            V::Unknown | V::Present | V::Files(_) => String::new(),
            V::Bool(b) => match (b, de) {
                (true, true) => "ja".into(),
                (false, true) => "nein".into(),
                (true, false) => "yes".into(),
                (false, false) => "no".into(),
            },
            V::Int(i) => i.to_string(),
            V::Dec(d) => {
                let s = d.to_string();
                if de { s.replace('.', ",") } else { s }
            }
            V::Money(c) => amt_model::print::money_in(self.lang, *c),
            V::Text(t) => t.clone(),
            V::Date(d) => long_date(*d, self.lang),
            V::Code(c) => self.code_label(path, c),
            V::Set(s) => s
                .iter()
                .map(|c| self.code_label(path, c))
                .collect::<Vec<_>>()
                .join(", "),
            V::List(items) => items
                .iter()
                .map(|i| self.show(path, i))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_json().to_string(),
        }
    }

    /// The Nebenbestimmungen the clerk decided: the chosen codes' texts,
    /// then the lines written.
    fn conditions(&mut self, doc: &'a Document) -> Vec<String> {
        let mut out = Vec::new();
        for id in &doc.conditions {
            match self.lookup(id) {
                V::Set(codes) => out.extend(codes.iter().map(|c| self.code_label(id, c))),
                V::Code(c) if self.list(id).is_some() => out.push(self.code_label(id, &c)),
                // Text the clerk wrote: one condition a line.
                V::Code(t) | V::Text(t) => out.extend(
                    t.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                ),
                _ => {}
            }
        }
        out
    }
}

/// `text` with each `{path}` replaced by `value(path)`; a `{` without its
/// `}` stays as written (the checker reports it, E1302).
fn substitute<'t, E>(
    text: &'t str,
    mut value: impl FnMut(&'t str) -> Result<String, E>,
) -> Result<String, E> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('{') {
        let Some((path, tail)) = after.split_once('}') else {
            break;
        };
        out.push_str(before);
        out.push_str(&value(path)?);
        rest = tail;
    }
    out.push_str(rest);
    Ok(out)
}

/// The code list a decision's codes are from (a choice or a multiple choice).
pub(crate) fn decision_list<'p>(p: &'p Procedure, id: &str) -> Option<&'p ir::Codelist> {
    match &p.workflow.as_ref()?.decision(id)?.ty {
        ir::Ty::Code { codelist } | ir::Ty::CodeSet { codelist } => {
            p.codelists.get(codelist).map(|c| &**c)
        }
        _ => None,
    }
}

/// The template of a written document; a portal may pass its own.
pub const TEMPLATE: &str = include_str!("document.html");

/// The document as print-ready HTML, with `template` or amt's own, its
/// styles in the page.
pub fn html(doc: &Written, template: Option<&str>) -> Result<String, Unwritable> {
    page(doc, template, None)
}

/// The document as HTML whose styles are the stylesheet at `href` (a
/// build's pages are served under a strict Content-Security-Policy).
pub fn html_linked(doc: &Written, href: &str) -> Result<String, Unwritable> {
    page(doc, None, Some(href))
}

fn page(
    doc: &Written,
    template: Option<&str>,
    css_href: Option<&str>,
) -> Result<String, Unwritable> {
    let mut env = minijinja::Environment::new();
    env.add_template("document.html", template.unwrap_or(TEMPLATE))
        .map_err(|e| Unwritable(format!("the template does not read: {e}")))?;
    let t = env
        .get_template("document.html")
        .map_err(|e| Unwritable(e.to_string()))?;
    #[derive(Serialize)]
    struct Ctx<'a> {
        doc: &'a Written,
        css: &'static str,
        css_href: Option<&'a str>,
    }
    t.render(minijinja::Value::from(minijinja::value::Serde(&Ctx {
        doc,
        css: CSS,
        css_href,
    })))
    .map_err(|e| Unwritable(format!("the template fails: {e}")))
}

/// The print styles: A4, margins for a window envelope (DIN 5008 form B),
/// parts kept together across page breaks.
pub const CSS: &str = include_str!("document.css");

#[cfg(test)]
mod tests {
    use super::substitute;

    #[test]
    fn placeholders_are_replaced_and_an_unclosed_brace_stays_as_written() {
        let filled = substitute("a {x} b {y}{x} c {z", |p| Ok::<_, ()>(p.to_uppercase()));
        assert_eq!(filled, Ok("a X b YX c {z".to_string()));
        assert_eq!(substitute("{x}", |_| Err::<String, _>("no")), Err("no"));
    }
}
