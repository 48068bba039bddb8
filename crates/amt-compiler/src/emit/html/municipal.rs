//! What a form built for one municipality shows of it: the theme's colours,
//! the municipality and the authority responsible, their contacts and links
//! (`templates/municipality.html`), spliced into a page rendered once for
//! every municipality that shares its values; and the start page that lists
//! every municipality with its procedures (`templates/municipalities.html`).

use super::{MARKERS, Texts, texts};
use crate::ir::municipality::{MunicipalKind, Registry, Resolved};
use crate::ir::{I18n, Procedure};
use minijinja::Environment;
use serde::Serialize;

#[derive(Serialize)]
struct Color {
    token: String,
    value: String,
}

#[derive(Serialize)]
struct Entry {
    label: &'static str,
    value: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct AuthorityView {
    name: String,
    address: Option<String>,
    contacts: Vec<Entry>,
    hours: Option<String>,
    links: Vec<Entry>,
}

#[derive(Serialize)]
struct PartContext<'a> {
    part: &'a str,
    lang: &'a str,
    t: Texts,
    municipality: String,
    authority: &'a AuthorityView,
    colors: &'a [Color],
    logo: Option<&'a str>,
}

fn pick(text: &I18n, lang: &str) -> String {
    text.pick(lang, "de").unwrap_or_default().to_string()
}

/// The municipality's head, header and footer for a page in `lang`.
pub fn municipal_parts(
    env: &Environment,
    lang: &str,
    r: &Resolved,
) -> Result<[String; 3], minijinja::Error> {
    let t = texts(lang);
    let (a, owner) = r.authority;
    let contact = |kind: &str| match kind {
        "phone" => t.phone,
        "fax" => t.fax,
        _ => t.email,
    };
    let link = |kind: &str| match kind {
        "website" => t.website,
        "imprint" => t.imprint,
        "privacy" => t.privacy,
        "accessibility" => t.accessibility,
        _ => t.contact_form,
    };
    let authority = AuthorityView {
        name: pick(&a.name, lang),
        address: a.address.clone(),
        contacts: a
            .contacts
            .iter()
            .map(|(k, v)| Entry {
                label: contact(k),
                value: v.clone(),
                href: match k.as_str() {
                    "email" => Some(format!("mailto:{v}")),
                    "phone" => Some(format!(
                        "tel:{}",
                        v.chars()
                            .filter(|c| c.is_ascii_digit() || *c == '+')
                            .collect::<String>()
                    )),
                    _ => None,
                },
            })
            .collect(),
        hours: a.hours.as_ref().map(|h| pick(h, lang)),
        links: a
            .links
            .iter()
            .filter(|(k, _)| *k != "logo")
            .map(|(k, v)| Entry {
                label: link(k),
                value: v.clone(),
                href: Some(v.clone()),
            })
            .collect(),
    };
    let colors: Vec<Color> = r
        .theme
        .map(|(theme, _)| {
            theme
                .colors
                .iter()
                .map(|(k, v)| Color {
                    token: k.replace('_', "-"),
                    value: v.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let logo = r
        .theme
        .and_then(|(theme, _)| theme.logo.as_deref())
        .or_else(|| a.links.get("logo").map(String::as_str))
        .or_else(|| owner.theme.as_ref().and_then(|t| t.logo.as_deref()));
    let template = env.get_template("municipality.html")?;
    let mut out: [String; 3] = Default::default();
    for (slot, part) in out.iter_mut().zip(["head", "header", "footer"]) {
        let ctx = PartContext {
            part,
            lang,
            t: t.clone(),
            municipality: pick(&r.municipality.name, lang),
            authority: &authority,
            colors: &colors,
            logo,
        };
        *slot = template.render(minijinja::Value::from(minijinja::value::Serde(&ctx)))?;
    }
    Ok(out)
}

/// A page rendered in [`super::Frame::Municipal`] with the municipality's
/// parts in place of its markers.
pub fn splice(page: &str, parts: &[String; 3]) -> String {
    let extra: usize = parts.iter().map(String::len).sum();
    let mut out = String::with_capacity(page.len() + extra);
    let mut rest = page;
    for (marker, part) in MARKERS.iter().zip(parts) {
        match rest.find(marker) {
            Some(at) => {
                out.push_str(&rest[..at]);
                out.push_str(part);
                rest = &rest[at + marker.len()..];
            }
            // A template of the municipality's own may leave a part out.
            None => continue,
        }
    }
    out.push_str(rest);
    out
}

#[derive(Serialize)]
struct ProcedureLink {
    href: String,
    title: String,
}

#[derive(Serialize)]
struct MunicipalityEntry {
    ars: String,
    name: String,
    procedures: Vec<ProcedureLink>,
}

#[derive(Serialize)]
struct KreisEntry {
    ars: String,
    name: String,
    municipalities: Vec<MunicipalityEntry>,
}

#[derive(Serialize)]
struct StartContext {
    lang: &'static str,
    t: Texts,
    kreise: Vec<KreisEntry>,
    procedures: Vec<ProcedureLink>,
}

/// The start page: every municipality where citizens apply, by Kreis (a
/// kreisfreie Stadt is its own), with the procedures it offers that were
/// built; then the procedures built for no municipality.
pub fn municipalities_page(
    env: &Environment,
    registry: &Registry,
    built: &[&Procedure],
    generic: &[&Procedure],
) -> Result<String, minijinja::Error> {
    let title = |id: &str| {
        built
            .iter()
            .find(|p| p.id == id)
            .map(|p| pick(&p.title, p.source_language()))
    };
    let mut kreise: Vec<KreisEntry> = Vec::new();
    for (m, offers) in registry.served() {
        let kreis = if m.kind == MunicipalKind::KreisfreieStadt {
            m
        } else {
            let key = format!("{}0000000", &m.ars[..5]);
            registry.municipalities.get(&key).unwrap_or(m)
        };
        let procedures = offers
            .iter()
            .filter_map(|o| {
                Some(ProcedureLink {
                    href: format!("{}/{}/index.html", m.ars, o.procedure),
                    title: title(&o.procedure)?,
                })
            })
            .collect();
        let entry = MunicipalityEntry {
            ars: m.ars.clone(),
            name: pick(&m.name, "de"),
            procedures,
        };
        match kreise.iter_mut().find(|k| k.ars == kreis.ars) {
            Some(k) => k.municipalities.push(entry),
            None => kreise.push(KreisEntry {
                ars: kreis.ars.clone(),
                name: pick(&kreis.name, "de"),
                municipalities: vec![entry],
            }),
        }
    }
    kreise.sort_by(|a, b| a.name.cmp(&b.name).then(a.ars.cmp(&b.ars)));
    for k in &mut kreise {
        k.municipalities
            .sort_by(|a, b| a.name.cmp(&b.name).then(a.ars.cmp(&b.ars)));
    }
    let ctx = StartContext {
        lang: "de",
        t: texts("de"),
        kreise,
        procedures: generic
            .iter()
            .map(|p| ProcedureLink {
                href: format!("{}/index.html", p.id),
                title: pick(&p.title, p.source_language()),
            })
            .collect(),
    };
    env.get_template("municipalities.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))
}
