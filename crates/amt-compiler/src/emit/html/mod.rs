//! `index.html` per procedure and language, the list of procedures, and the
//! shared assets: forms that work without JavaScript.
//!
//! The templates live in `templates/` (embedded at build time) and a
//! municipality can override any of them, and the stylesheet, from a folder
//! of its own (`amt build --templates DIR`). This module builds the view
//! model the templates read; every value is escaped by minijinja, whose
//! `.html` templates auto-escape.
//!
//! Without JavaScript every page of the form is a section of one page; a
//! conditional part carries a sentence saying when it applies, and native
//! constraints (`required`, `pattern`, `maxlength`, `min`/`max`) appear only
//! where they hold whatever the other answers are.
//!
//! This file holds the pages and the script's model; the view model of the
//! form is in `view.rs`, conditions in words in `words.rs`.

mod municipal;
mod view;

pub use municipal::{municipal_parts, municipalities_page, splice};
mod words;

use crate::ir::{self, Procedure};
use amt_model::is_german;
use minijinja::Environment;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use view::{Item, Opt, Place, View};

/// The default templates and stylesheet, as shipped.
const DEFAULTS: &[(&str, &str)] = &[
    (
        "procedure.html",
        include_str!("../../../../../templates/procedure.html"),
    ),
    (
        "macros.html",
        include_str!("../../../../../templates/macros.html"),
    ),
    (
        "index.html",
        include_str!("../../../../../templates/index.html"),
    ),
    (
        "municipality.html",
        include_str!("../../../../../templates/municipality.html"),
    ),
    (
        "municipalities.html",
        include_str!("../../../../../templates/municipalities.html"),
    ),
];
/// The script that enhances the forms, as shipped.
pub const SCRIPT: &str = include_str!("../../../../../assets/amt.js");
/// The stylesheet, as shipped.
pub const STYLESHEET: &str = include_str!("../../../../../assets/amt.css");

/// Fixed texts of the form's frame, per language (German, else English).
#[derive(Serialize, Clone)]
struct Texts {
    skip: &'static str,
    skip_index: &'static str,
    languages: &'static str,
    about: &'static str,
    legal: &'static str,
    fees: &'static str,
    results: &'static str,
    submit: &'static str,
    optional: &'static str,
    choose: &'static str,
    computed_later: &'static str,
    generated: &'static str,
    index_title: &'static str,
    yes: &'static str,
    no: &'static str,
    /// `de` on pages in another language: citations of German law are German.
    legal_lang: &'static str,
    logo_of: &'static str,
    responsible: &'static str,
    contact: &'static str,
    hours: &'static str,
    phone: &'static str,
    fax: &'static str,
    email: &'static str,
    website: &'static str,
    imprint: &'static str,
    privacy: &'static str,
    accessibility: &'static str,
    contact_form: &'static str,
    from: &'static str,
    before: &'static str,
    municipalities_title: &'static str,
    find: &'static str,
}

fn texts(lang: &str) -> Texts {
    if amt_model::is_german(lang) {
        Texts {
            skip: "Zum Formular springen",
            skip_index: "Zur Liste springen",
            languages: "Sprache",
            about: "Über dieses Verfahren",
            legal: "Rechtsgrundlage",
            fees: "Gebühren",
            results: "Berechnete Angaben",
            submit: "Antrag absenden",
            optional: "optional",
            choose: "Bitte wählen",
            computed_later: "wird aus Ihren Angaben berechnet",
            generated: "Dieses Formular wurde mit amt erstellt.",
            index_title: "Verfahren",
            yes: "ja",
            no: "nein",
            legal_lang: "",
            logo_of: "Logo:",
            responsible: "Zuständig",
            contact: "Kontakt",
            hours: "Öffnungszeiten",
            phone: "Telefon",
            fax: "Fax",
            email: "E-Mail",
            website: "Internetseite",
            imprint: "Impressum",
            privacy: "Datenschutz",
            accessibility: "Barrierefreiheit",
            contact_form: "Kontaktformular",
            from: "ab",
            before: "davor",
            municipalities_title: "Kommunen und ihre Verfahren",
            find: "Kommune suchen",
        }
    } else {
        Texts {
            skip: "Skip to the form",
            skip_index: "Skip to the list",
            languages: "Language",
            about: "About this procedure",
            legal: "Legal basis",
            fees: "Fees",
            results: "Calculated values",
            submit: "Submit application",
            optional: "optional",
            choose: "Please choose",
            computed_later: "is computed from your answers",
            generated: "This form was made with amt.",
            index_title: "Procedures",
            yes: "yes",
            no: "no",
            legal_lang: "de",
            logo_of: "Logo:",
            responsible: "Responsible",
            contact: "Contact",
            hours: "Opening hours",
            phone: "Phone",
            fax: "Fax",
            email: "E-mail",
            website: "Website",
            imprint: "Imprint",
            privacy: "Privacy",
            accessibility: "Accessibility",
            contact_form: "Contact form",
            from: "from",
            before: "before",
            municipalities_title: "Municipalities and their procedures",
            find: "Find a municipality",
        }
    }
}

/// The name of a language in itself.
fn language_name(lang: &str) -> String {
    match lang {
        "de" => "Deutsch".into(),
        "en" => "English".into(),
        "fr" => "Français".into(),
        "tr" => "Türkçe".into(),
        "ar" => "العربية".into(),
        "uk" => "Українська".into(),
        "ru" => "Русский".into(),
        "pl" => "Polski".into(),
        other => other.to_string(),
    }
}

/// The file of a procedure's form in a language.
pub fn page_file(p: &Procedure, lang: &str) -> String {
    if p.languages.first().is_none_or(|l| l == lang) {
        "index.html".into()
    } else {
        format!("index.{lang}.html")
    }
}

#[derive(Serialize)]
struct LangLink {
    lang: String,
    label: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct Step {
    id: String,
    number: String,
    title: String,
    when: Option<String>,
    items: Vec<Item>,
}

#[derive(Serialize)]
struct FeeView {
    id: String,
    label: String,
    text: String,
    legal: Vec<ir::LegalRef>,
}

#[derive(Serialize)]
struct PageContext {
    lang: String,
    title: String,
    description: Option<String>,
    languages: Vec<LangLink>,
    t: Texts,
    assets: &'static str,
    action: &'static str,
    identity: Option<String>,
    prefilled: Option<String>,
    legal: Vec<ir::LegalRef>,
    steps: Vec<Step>,
    /// The procedure's own computed values (outside pages), shown with the
    /// fees: `id` is their data path.
    results: Vec<FeeView>,
    fees: Vec<FeeView>,
    /// What a municipality's build shows of it (see `municipality.html`);
    /// empty otherwise.
    municipal_head: minijinja::Value,
    municipal_header: minijinja::Value,
    municipal_footer: minijinja::Value,
    /// What the script needs: the form's nodes with their conditions, rules
    /// and computed values as data, and the messages in this language; as
    /// JSON text, safe inside `<script>` (see [`island`]).
    model_json: minijinja::Value,
}

/// JSON for a `<script type="application/json">` element: compact, with
/// `<`, `>`, `&` and `'` written as `\u` escapes, so that no author string
/// (`</script>`, `<!--`) can end the element or open anything in it.
fn island(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).expect("the model serialises");
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    // The four are ASCII: everything between them is copied as it is.
    let mut from = 0;
    for (at, b) in json.bytes().enumerate() {
        let escaped = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            b'\'' => "\\u0027",
            _ => continue,
        };
        out.push_str(&json[from..at]);
        out.push_str(escaped);
        from = at + 1;
    }
    out.push_str(&json[from..]);
    out
}

/// Templates: the shipped ones, each overridable from `dir`.
pub fn environment(dir: Option<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            let path = dir.join(name);
            if path.is_file() {
                return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot read template {}: {e}", path.display()),
                    )
                });
            }
        }
        Ok(DEFAULTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.to_string()))
    });
    env
}

/// The form of a procedure in one language.
pub fn procedure_page(
    env: &Environment,
    p: &Procedure,
    lang: &str,
) -> Result<String, minijinja::Error> {
    procedure_page_with(env, &OptionsCache::default(), p, lang)
}

/// Select options rendered by the macro `select_options`, by list: shared
/// by the pages of a build (a country list is the same in every form of one
/// language). Bound to one template environment.
#[derive(Default)]
pub struct OptionsCache(std::sync::Mutex<HashMap<u64, Vec<RenderedOptions>>>);

/// A list's values as shown (code, label) and their rendered options.
type RenderedOptions = (Vec<(String, String)>, minijinja::Value);

/// Where a page is and what it shows of a municipality: nothing (a build
/// for no municipality), or the places where [`municipal_parts`] go.
#[derive(Clone, Copy, Debug)]
pub enum Frame {
    /// A procedure's page at `<id>/`.
    Plain,
    /// A page at `<ARS>/<id>/`, with markers where the municipality's parts go.
    Municipal,
}

/// The markers a [`Frame::Municipal`] page holds where the municipality's
/// head, header and footer go.
pub const MARKERS: [&str; 3] = [
    "<!--amt:municipal-head-->",
    "<!--amt:municipal-header-->",
    "<!--amt:municipal-footer-->",
];

/// [`procedure_page`], reusing the options rendered for other pages.
pub fn procedure_page_with(
    env: &Environment,
    options: &OptionsCache,
    p: &Procedure,
    lang: &str,
) -> Result<String, minijinja::Error> {
    procedure_page_framed(env, options, p, lang, Frame::Plain)
}

/// [`procedure_page_with`] in a frame.
pub fn procedure_page_framed(
    env: &Environment,
    options: &OptionsCache,
    p: &Procedure,
    lang: &str,
    frame: Frame,
) -> Result<String, minijinja::Error> {
    let source = p.source_language();
    let labels = p.all_nodes().map(|n| (n.path.as_str(), n)).collect();
    let v = View {
        p,
        lang,
        source,
        labels,
        t: texts(lang),
    };
    let mut steps = steps(&v);
    render_select_options(env, options, &mut steps, lang, source)?;
    let (identity, prefilled) = v.identity();
    let model = script_model(p, lang);
    let ctx = PageContext {
        lang: lang.to_string(),
        title: v.text(&p.title),
        description: p.description.as_ref().map(|d| v.text(d)),
        languages: p
            .languages
            .iter()
            .map(|l| LangLink {
                lang: l.clone(),
                label: language_name(l),
                href: page_file(p, l),
                current: l == lang,
            })
            .collect(),
        t: v.t.clone(),
        assets: match frame {
            Frame::Plain => "../assets/",
            Frame::Municipal => "../../assets/",
        },
        action: "",
        identity,
        prefilled,
        legal: p.legal.clone(),
        steps,
        results: p
            .computed
            .iter()
            .filter(|n| matches!(n.kind, ir::NodeKind::Computed { .. }))
            .map(|n| FeeView {
                id: n.path.clone(),
                label: n.label.as_ref().map(|l| v.text(l)).unwrap_or_default(),
                text: match &n.kind {
                    ir::NodeKind::Computed { value, .. } => constant_text(value, lang, &v.t),
                    _ => None,
                }
                .unwrap_or_else(|| v.t.computed_later.to_string()),
                legal: n.legal.clone(),
            })
            .collect(),
        fees: p
            .fees
            .iter()
            .map(|f| FeeView {
                id: f.id.clone(),
                label: v.text(&f.label),
                text: v.t.computed_later.to_string(),
                legal: f.legal.clone(),
            })
            .collect(),
        municipal_head: marker(frame, 0),
        municipal_header: marker(frame, 1),
        municipal_footer: marker(frame, 2),
        model_json: minijinja::Value::from_safe_string(island(&model)),
    };
    env.get_template("procedure.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))
}

fn marker(frame: Frame, part: usize) -> minijinja::Value {
    minijinja::Value::from_safe_string(match frame {
        Frame::Plain => String::new(),
        Frame::Municipal => MARKERS[part].to_string(),
    })
}

/// A parameter's value in `lang`, in words, for texts that name it
/// (`{satz}`); `None` when it depends on the answers.
pub fn value_text(e: &ir::Expr, lang: &str) -> Option<String> {
    constant_text(e, lang, &texts(lang))
}

/// A value that does not depend on the answers, in words: a parameter's
/// value, or its values over time (`ab 01.01.2025: 100,00 €; davor: 80,00 €`).
fn constant_text(e: &ir::Expr, lang: &str, t: &Texts) -> Option<String> {
    let literal = |e: &ir::Expr| match &e.kind {
        ir::ExprKind::Literal { value } => Some(match value {
            ir::Literal::Money(cents) => amt_model::print::money_in(lang, *cents),
            ir::Literal::Date(d) => date_in(lang, d),
            ir::Literal::Boolean(b) => (if *b { t.yes } else { t.no }).to_string(),
            other => other.to_string(),
        }),
        _ => None,
    };
    let mut periods = Vec::new();
    let mut at = e;
    while let ir::ExprKind::If {
        condition,
        then,
        otherwise,
    } = &at.kind
    {
        let ir::ExprKind::Binary {
            operator: ir::BinaryOp::Ge,
            left,
            right,
        } = &condition.kind
        else {
            return None;
        };
        let (
            ir::ExprKind::Today,
            ir::ExprKind::Literal {
                value: ir::Literal::Date(from),
            },
        ) = (&left.kind, &right.kind)
        else {
            return None;
        };
        periods.push(format!(
            "{} {}: {}",
            t.from,
            date_in(lang, from),
            literal(then)?
        ));
        at = otherwise;
    }
    let last = literal(at)?;
    if periods.is_empty() {
        return Some(last);
    }
    periods.push(format!("{}: {last}", t.before));
    Some(periods.join("; "))
}

/// A date as people of a language write it: `01.01.2025` in German.
fn date_in(lang: &str, iso: &str) -> String {
    match (
        is_german(lang),
        iso.split('-').collect::<Vec<_>>().as_slice(),
    ) {
        (true, [y, m, d]) => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

/// The steps of the form: a page each, then the attachments as the last.
fn steps(v: &View) -> Vec<Step> {
    let p = v.p;
    let root = Place {
        name: String::new(),
        id: "f-".into(),
        certain: true,
        first: true,
        context: Vec::new(),
    };
    let total = p.pages.len() + usize::from(!p.attachments.is_empty());
    let d = is_german(v.lang);
    let number = |n: usize| {
        if d {
            format!("Schritt {n} von {total}:")
        } else {
            format!("Step {n} of {total}:")
        }
    };
    let mut steps: Vec<Step> = p
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let place = Place {
                certain: page.when.is_none(),
                ..root.clone()
            };
            Step {
                id: format!("page--{}", page.id),
                number: number(i + 1),
                title: v.text(&page.label),
                when: page.when.as_ref().map(|w| v.when_sentence(w)),
                items: v.items(&page.items, &place),
            }
        })
        .collect();
    if !p.attachments.is_empty() {
        steps.push(Step {
            id: "page--attachments".into(),
            number: number(total),
            title: if d {
                "Nachweise".into()
            } else {
                "Documents".into()
            },
            when: None,
            items: v.items(&p.attachments, &root),
        });
    }
    steps
}

/// Renders the options of every select with the macro `select_options`,
/// once for each distinct list of the page.
fn render_select_options(
    env: &Environment,
    cache: &OptionsCache,
    steps: &mut [Step],
    lang: &str,
    source: &str,
) -> Result<(), minijinja::Error> {
    fn walk(
        items: &mut [Item],
        f: &mut dyn FnMut(&mut Item) -> Result<(), minijinja::Error>,
    ) -> Result<(), minijinja::Error> {
        for it in items {
            if it.kind == "select" {
                f(it)?;
            }
            walk(&mut it.items, f)?;
            for slot in &mut it.slots {
                walk(&mut slot.items, f)?;
            }
        }
        Ok(())
    }
    // A value as the page shows it: its code and its label.
    let shown = |v: &'_ ir::Code| -> (String, String) {
        (
            v.code.clone(),
            v.label.pick(lang, source).unwrap_or_default().to_string(),
        )
    };
    // The macros are evaluated only when a list is not in the cache yet.
    let mut macros = None;
    for step in steps {
        walk(&mut step.items, &mut |it| {
            let Some(list) = it.list.take() else {
                return Ok(());
            };
            // Looked up without copying the list: by a fingerprint, then
            // compared value by value.
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            for v in &list.values {
                std::hash::Hash::hash(&v.code, &mut hasher);
                std::hash::Hash::hash(v.label.pick(lang, source).unwrap_or_default(), &mut hasher);
            }
            let fingerprint = std::hash::Hasher::finish(&hasher);
            let same = |key: &[(String, String)]| {
                key.len() == list.values.len()
                    && key.iter().zip(&list.values).all(|((code, label), v)| {
                        *code == v.code && label == v.label.pick(lang, source).unwrap_or_default()
                    })
            };
            let known = cache.0.lock().ok().and_then(|c| {
                c.get(&fingerprint)?
                    .iter()
                    .find(|(key, _)| same(key))
                    .map(|(_, html)| html.clone())
            });
            if let Some(html) = known {
                it.options_html = Some(html);
                return Ok(());
            }
            let key: Vec<(String, String)> = list.values.iter().map(shown).collect();
            it.options = key
                .iter()
                .enumerate()
                .map(|(i, (value, label))| Opt {
                    value: value.clone(),
                    label: label.clone(),
                    id: format!("{}-{i}", it.id),
                    required: false,
                })
                .collect();
            if macros.is_none() {
                macros = Some(env.get_template("macros.html")?.render_captured(())?);
            }
            let Some(captured) = macros.as_mut() else {
                return Ok(());
            };
            // A municipality's own macros.html from before
            // `select_options` loops over `it.options` itself.
            if captured.state().lookup("select_options").is_none() {
                return Ok(());
            }
            let options = minijinja::Value::from(minijinja::value::Serde(&it.options));
            let html = minijinja::Value::from_safe_string(
                captured.with_state_mut(|state| state.call_macro("select_options", &[options]))?,
            );
            if let Ok(mut c) = cache.0.lock() {
                c.entry(fingerprint).or_default().push((key, html.clone()));
            }
            it.options_html = Some(html);
            it.options = Vec::new();
            Ok(())
        })?;
    }
    Ok(())
}

/// The model the script interprets: pages with their nodes (conditions,
/// rules, computed values as the checked model writes them), fees, and the
/// fixed texts and built-in messages in the page's language.
fn script_model<'p>(p: &'p Procedure, lang: &'p str) -> ScriptModel<'p> {
    use crate::validate::{Check, messages::builtin};
    use amt_model::formats::TextFormat;
    let d = is_german(lang);
    let t = |de_text: &'static str, en_text: &'static str| if d { de_text } else { en_text };
    // The checks the script makes, in a stable order; the check digits per
    // format that has them (`checksum_iban`).
    let mut messages = serde_json::Map::new();
    for check in [
        Check::Required,
        Check::Type,
        Check::MinLength,
        Check::MaxLength,
        Check::Pattern,
        Check::Minimum,
        Check::Maximum,
        Check::Code,
        Check::MinItems,
        Check::MaxItems,
        Check::Consent,
        Check::MediaType,
        Check::FileSize,
        Check::Rule,
        Check::Checksum,
        Check::Scale,
    ] {
        if check == Check::Checksum {
            for format in TextFormat::ALL
                .iter()
                .filter(|f| f.check_digits().is_some())
            {
                let text = format.check_digits_message(d);
                messages.insert(format!("checksum_{format}"), text.into());
            }
        } else {
            messages.insert(check.to_string(), builtin(check, lang, "{}").into());
        }
    }
    // Dates are before or after a day (amt's validator says so too).
    for (key, is_min) in [("minimum_date", true), ("maximum_date", false)] {
        let text = crate::validate::messages::date_bound(is_min, lang, "{}");
        messages.insert(key.to_string(), text.into());
    }
    // The lists whose columns expressions read, or whose codes computed
    // values give (shown by their labels).
    let computed_codes: std::collections::BTreeSet<&str> = p
        .all_nodes()
        .filter_map(|n| match &n.kind {
            ir::NodeKind::Computed {
                ty: ir::Ty::Code { codelist },
                ..
            } => Some(codelist.as_str()),
            _ => None,
        })
        .collect();
    let lists = p
        .codelists
        .iter()
        .filter(|(key, list)| !list.columns.is_empty() || computed_codes.contains(key.as_str()))
        .map(|(key, list)| (key.as_str(), &**list))
        .collect();
    ScriptModel {
        lang,
        source: p.source_language(),
        lists,
        pages: &p.pages,
        attachments: &p.attachments,
        computed: &p.computed,
        fees: &p.fees,
        messages,
        texts: ScriptTexts {
            next: t("Weiter", "Continue"),
            back: t("Zurück", "Back"),
            review: t("Angaben prüfen", "Check your answers"),
            review_lead: t(
                "Bitte prüfen Sie Ihre Angaben, bevor Sie den Antrag absenden.",
                "Please check your answers before you submit the application.",
            ),
            change: t("Ändern", "Change"),
            problem: t("Es gibt ein Problem", "There is a problem"),
            add: t("Weitere Angabe hinzufügen", "Add another"),
            remove: t("Entfernen", "Remove"),
            yes: t("ja", "yes"),
            no: t("nein", "no"),
            none: t("keine Angabe", "not given"),
            step: t("Schritt {n} von {m}:", "Step {n} of {m}:"),
            notes: t("Hinweise", "Notes"),
        },
    }
}

/// What the script interprets, serialised straight into the page's JSON
/// island (the model's own parts by reference, not copied).
#[derive(Serialize)]
struct ScriptModel<'p> {
    lang: &'p str,
    source: &'p str,
    pages: &'p [ir::Page],
    attachments: &'p [ir::Node],
    computed: &'p [ir::Node],
    fees: &'p [ir::Fee],
    /// The code lists expressions read columns of, or computed values give.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    lists: BTreeMap<&'p str, &'p ir::Codelist>,
    /// Built-in messages by check, in the page's language.
    messages: serde_json::Map<String, serde_json::Value>,
    texts: ScriptTexts,
}

/// The script's fixed texts in the page's language.
#[derive(Serialize)]
struct ScriptTexts {
    next: &'static str,
    back: &'static str,
    review: &'static str,
    review_lead: &'static str,
    change: &'static str,
    problem: &'static str,
    add: &'static str,
    remove: &'static str,
    yes: &'static str,
    no: &'static str,
    none: &'static str,
    step: &'static str,
    notes: &'static str,
}

#[derive(Serialize)]
struct IndexEntry {
    href: String,
    title: String,
    description: Option<String>,
    others: Vec<IndexOther>,
}

#[derive(Serialize)]
struct IndexOther {
    href: String,
    lang: String,
    title: String,
}

#[derive(Serialize)]
struct IndexContext {
    lang: &'static str,
    t: Texts,
    procedures: Vec<IndexEntry>,
}

/// The list of every procedure (German, with links to the other languages).
pub fn index_page(
    env: &Environment,
    procedures: &[&Procedure],
) -> Result<String, minijinja::Error> {
    let entries = procedures
        .iter()
        .map(|p| {
            let source = p.source_language();
            IndexEntry {
                href: format!("{}/index.html", p.id),
                title: p.title.pick(source, source).unwrap_or_default().to_string(),
                description: p
                    .description
                    .as_ref()
                    .and_then(|d| d.pick(source, source))
                    .map(str::to_string),
                others: p
                    .languages
                    .iter()
                    .skip(1)
                    .map(|l| IndexOther {
                        href: format!("{}/{}", p.id, page_file(p, l)),
                        lang: l.clone(),
                        title: p.title.pick(l, source).unwrap_or_default().to_string(),
                    })
                    .collect(),
            }
        })
        .collect();
    let ctx = IndexContext {
        lang: "de",
        t: texts("de"),
        procedures: entries,
    };
    env.get_template("index.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))
}
