//! Each municipality declaration read on its own: its key, kind and name,
//! its authorities (with the fields of the FIT-Connect routing data), its
//! theme (with the contrast of its colours), its payment provider (with
//! secrets by reference only), its identity, and every string it holds
//! scanned for secrets. What depends on other declarations is `read`'s.

use super::read::{list, misplaced};
use super::{secrets, theme};
use crate::diagnostic::suggest::suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::municipality::{AuthorityInfo, MunicipalKind, Municipality, Payment, Theme};
use crate::ir::{self, I18n, Means, TrustLevel};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, StateKind, Stmt};
use std::collections::BTreeMap;

/// The kinds of contact an authority gives.
const CONTACTS: [&str; 3] = ["phone", "fax", "email"];
/// The links an authority gives (the FIT-Connect routing data's).
const LINKS: [&str; 6] = [
    "website",
    "imprint",
    "privacy",
    "accessibility",
    "contact_form",
    "logo",
];
/// The reply channels of FIT-Connect, and the post.
const REPLY: [&str; 5] = ["email", "de_mail", "fink", "elster", "postal"];

/// One declaration on its own: its key, kind, name and what it declares.
pub(super) fn declaration(
    sources: &SourceMap,
    file: FileId,
    decl: &ast::Municipality,
    diags: &mut Vec<Diagnostic>,
) -> Option<Municipality> {
    let ars = decl.ars.value.clone();
    if ars.len() != 12 || !ars.bytes().all(|b| b.is_ascii_digit()) {
        diags.push(
            Diagnostic::new(
                Code::MalformedArs,
                decl.ars.span,
                format!("`{ars}` is not a Regionalschlüssel"),
            )
            .label(format!("{} characters", ars.chars().count()))
            .help("a Regionalschlüssel has 12 digits: Land (2), Regierungsbezirk (1), Kreis (2), Gemeindeverband (4), Gemeinde (3), e.g. \"091620000000\" for München; pad a Kreis's key with zeros"),
        );
        return None;
    }
    let mut kind = None;
    let mut m = Municipality {
        ars: ars.clone(),
        name: i18n(&decl.name),
        kind: MunicipalKind::Gemeinde,
        parent: None,
        source: sources.get(file).name.clone(),
        authorities: Vec::new(),
        offers: Vec::new(),
        values: Vec::new(),
        theme: None,
        payment: None,
        identity: None,
        extensions: Vec::new(),
    };
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    for stmt in &decl.body {
        match stmt {
            Stmt::Kind(word, span) => {
                crate::check::settings_seen(&mut seen, "the kind", *span, diags);
                match MunicipalKind::from_word(&word.name) {
                    Some(k) => kind = Some((k, word.span)),
                    None => {
                        let d = Diagnostic::new(
                            Code::UnknownMunicipalityKind,
                            word.span,
                            format!("amt does not know the kind `{}`", word.name),
                        )
                        .label("unknown kind");
                        diags.push(suggest(d, &word.name, MunicipalKind::words(), kinds_help()));
                        kind = Some((guess_kind(&ars), word.span));
                    }
                }
            }
            Stmt::Authority {
                name, label, body, ..
            } => {
                if m.authorities.iter().any(|a| a.id == name.name) {
                    diags.push(
                        Diagnostic::new(
                            Code::DuplicateName,
                            name.span,
                            format!("the authority `{}` is declared twice here", name.name),
                        )
                        .label("second declaration")
                        .help("give each authority its own name"),
                    );
                    continue;
                }
                m.authorities
                    .push(authority(name, label.as_ref(), body, diags));
            }
            Stmt::Theme(body, span) => {
                crate::check::settings_seen(&mut seen, "the theme", *span, diags);
                m.theme = Some(theme_of(body, diags));
            }
            Stmt::State(state) if state.kind == StateKind::Payment => {
                crate::check::settings_seen(&mut seen, "the payment provider", state.span, diags);
                m.payment = Some(payment(state, diags));
            }
            Stmt::Identity { level, means, span } => {
                crate::check::settings_seen(&mut seen, "the identity requirement", *span, diags);
                m.identity = identity(level, means, diags);
            }
            Stmt::Offers { .. } | Stmt::Set { .. } | Stmt::Extend { .. } => {}
            Stmt::Field(_)
            | Stmt::Group(_)
            | Stmt::Attachment(_)
            | Stmt::Note(_)
            | Stmt::Computed(_)
            | Stmt::Rule { .. } => diags.push(super::additions::outside(stmt)),
            other => misplaced(other, diags),
        }
    }
    match kind {
        Some((k, span)) => {
            m.kind = k;
            if !k.fits(&ars) {
                diags.push(
                    Diagnostic::new(
                        Code::MalformedArs,
                        decl.ars.span,
                        format!("`{ars}` is not the key of a {}", kind_name(k)),
                    )
                    .label(format!("the key of {}", a_kind_name(guess_kind(&ars))))
                    .secondary(span, "declared as this kind")
                    .help(shape_help(k)),
                );
            }
        }
        None => {
            diags.push(
                Diagnostic::new(
                    Code::UnknownMunicipalityKind,
                    decl.ars.span,
                    format!("the municipality {ars} does not say what kind it is"),
                )
                .label("no `kind`")
                .help(format!(
                    "add `kind {}` ({})",
                    guess_kind(&ars),
                    kinds_help()
                )),
            );
            m.kind = guess_kind(&ars);
        }
    }
    for s in strings(decl) {
        if let Some(what) = secrets::looks_secret(&s.value) {
            diags.push(secret_found(s.span, what));
        }
    }
    Some(m)
}

/// An authority and what it carries.
fn authority(
    name: &ast::Ident,
    label: Option<&ast::Text>,
    body: &[Stmt],
    diags: &mut Vec<Diagnostic>,
) -> AuthorityInfo {
    let mut a = AuthorityInfo {
        id: name.name.clone(),
        name: label.map(i18n).unwrap_or_default(),
        ..AuthorityInfo::default()
    };
    if label.is_none() {
        diags.push(
            Diagnostic::new(
                Code::BadProperty,
                name.span,
                format!("the authority `{}` has no name", name.name),
            )
            .label("no name")
            .help(format!(
                "write its official name: `authority {} \"Landratsamt …\" {{ … }}`",
                name.name
            )),
        );
    }
    for stmt in body {
        match stmt {
            Stmt::Property {
                key,
                name: None,
                value,
                span,
                ..
            } => match key.name.as_str() {
                "short" => a.short_name = Some(value.source.value.clone()),
                "address" => a.address = Some(value.source.value.clone()),
                "hours" => a.hours = Some(i18n(value)),
                "court" => a.court = Some(i18n(value)),
                "destination" => {
                    if !is_uuid(&value.source.value) {
                        diags.push(
                            Diagnostic::new(
                                Code::BadProperty,
                                value.span,
                                "a FIT-Connect destination id is a UUID",
                            )
                            .label("not a UUID")
                            .help("copy the destination id from the FIT-Connect self-service portal, e.g. \"5e0c6a55-1b2f-4a3c-9d8e-7f6a5b4c3d2e\""),
                        );
                    }
                    a.destination = Some(value.source.value.clone());
                }
                _ => misplaced_property(key, *span, "an authority", diags),
            },
            Stmt::Property {
                key,
                name: Some(kind),
                value,
                url,
                span,
            } => match key.name.as_str() {
                "contact" => {
                    if !CONTACTS.contains(&kind.name.as_str()) {
                        diags.push(unknown_word(kind, "kind of contact", &CONTACTS));
                    } else if kind.name == "email" && !value.source.value.contains('@') {
                        diags.push(
                            Diagnostic::new(
                                Code::BadProperty,
                                value.span,
                                "this is not an e-mail address",
                            )
                            .label("no `@`")
                            .help("write the address, e.g. \"buergerbuero@example.de\""),
                        );
                    }
                    a.contacts
                        .insert(kind.name.clone(), value.source.value.clone());
                }
                "link" => {
                    if !LINKS.contains(&kind.name.as_str()) {
                        diags.push(unknown_word(kind, "kind of link", &LINKS));
                    }
                    link_checked(&value.source, *url, diags);
                    a.links
                        .insert(kind.name.clone(), value.source.value.clone());
                }
                _ => misplaced_property(key, *span, "an authority", diags),
            },
            Stmt::Reply(channels, _) => {
                for c in channels {
                    if REPLY.contains(&c.name.as_str()) {
                        a.reply.push(c.name.clone());
                    } else {
                        diags.push(unknown_word(c, "reply channel", &REPLY));
                    }
                }
            }
            other => misplaced(other, diags),
        }
    }
    a
}

/// A `theme { … }`: colours by token and a logo, and their contrast.
fn theme_of(body: &[Stmt], diags: &mut Vec<Diagnostic>) -> Theme {
    let mut t = Theme::default();
    let mut spans: BTreeMap<String, Span> = BTreeMap::new();
    for stmt in body {
        match stmt {
            Stmt::Property {
                key,
                name: Some(name),
                value,
                url,
                span,
            } => match key.name.as_str() {
                "color" => {
                    if !theme::TOKENS.iter().any(|(n, _)| *n == name.name) {
                        let tokens: Vec<&str> = theme::TOKENS.iter().map(|(n, _)| *n).collect();
                        diags.push(unknown_word(name, "colour token", &tokens));
                        continue;
                    }
                    if theme::parse(&value.source.value).is_none() {
                        diags.push(
                            Diagnostic::new(
                                Code::BadProperty,
                                value.span,
                                format!("`{}` is not a colour", value.source.value),
                            )
                            .label("not #rrggbb")
                            .help("write a colour as `#` and six hexadecimal digits, e.g. \"#004b87\""),
                        );
                        continue;
                    }
                    spans.insert(name.name.clone(), value.span);
                    t.colors
                        .insert(name.name.clone(), value.source.value.to_lowercase());
                }
                "link" if name.name == "logo" => {
                    link_checked(&value.source, *url, diags);
                    t.logo = Some(value.source.value.clone());
                }
                _ => misplaced_property(key, *span, "a theme", diags),
            },
            other => misplaced(other, diags),
        }
    }
    let colour = |n: &str| {
        t.colors
            .get(n)
            .map(String::as_str)
            .or_else(|| theme::TOKENS.iter().find(|(k, _)| *k == n).map(|(_, v)| *v))
            .and_then(theme::parse)
    };
    // Each colour the theme sets gets one diagnostic, naming every pair
    // it fails in.
    let mut failed: Vec<(Span, &str, Vec<String>, bool)> = Vec::new();
    for (fg, bg, min, what) in theme::PAIRS {
        let (Some(a), Some(b)) = (colour(fg), colour(bg)) else {
            continue;
        };
        let ratio = theme::contrast(a, b);
        if ratio + 1e-9 >= min {
            continue;
        }
        // The colour the theme sets is the one to change: the text's,
        // else the background's.
        let (span, set, darker) = match (spans.get(fg), spans.get(bg)) {
            (Some(s), _) => (*s, fg, theme_darker_helps(a, b)),
            (None, Some(s)) => (*s, bg, theme_darker_helps(b, a)),
            (None, None) => continue,
        };
        let pair = format!(
            "`{fg}` on `{bg}` has a contrast of {ratio:.2}:1; {what} need at least {min}:1"
        );
        match failed.iter_mut().find(|f| f.0 == span) {
            Some(f) => f.2.push(pair),
            None => failed.push((span, set, vec![pair], darker)),
        }
    }
    for (span, set, pairs, darker) in failed {
        let mut d = Diagnostic::new(Code::LowContrast, span, pairs[0].clone())
            .label("too little contrast")
            .note("WCAG 2.2 AA, success criteria 1.4.3 (text) and 1.4.11 (parts of the interface)");
        for also in &pairs[1..] {
            d = d.note(format!("also: {also}"));
        }
        diags.push(d.help(format!(
            "choose a {} `{set}`",
            if darker { "darker" } else { "lighter" }
        )));
    }
    t
}

/// Whether darkening the foreground raises its contrast (it is darker than
/// the background already).
fn theme_darker_helps(fg: [u8; 3], bg: [u8; 3]) -> bool {
    let sum = |c: [u8; 3]| c.iter().map(|&v| u32::from(v)).sum::<u32>();
    sum(fg) <= sum(bg)
}

/// `payment epaybl { account originator "…" secret token "env:…" }`
fn payment(state: &ast::StateDecl, diags: &mut Vec<Diagnostic>) -> Payment {
    let mut p = Payment {
        provider: state.name.name.clone(),
        ..Payment::default()
    };
    for stmt in &state.body {
        match stmt {
            Stmt::Property {
                key,
                name: Some(name),
                value,
                span,
                ..
            } => match key.name.as_str() {
                "account" => {
                    p.accounts
                        .insert(name.name.clone(), value.source.value.clone());
                }
                "secret" => {
                    if !secrets::is_reference(&value.source.value) {
                        diags.push(
                            Diagnostic::new(
                                Code::SecretInSource,
                                value.span,
                                "a secret is given by reference, never written here",
                            )
                            .label("not a reference")
                            .help(format!(
                                "write where the portal finds it at run time: {}",
                                secrets::REFERENCES
                                    .iter()
                                    .map(|r| format!("\"{r}…\""))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        );
                    }
                    p.secrets
                        .insert(name.name.clone(), value.source.value.clone());
                }
                _ => misplaced_property(key, *span, "a payment provider", diags),
            },
            other => misplaced(other, diags),
        }
    }
    p
}

/// `identity hoch via eid, eudi_wallet` in a municipality.
fn identity(
    level: &ast::Ident,
    means: &[ast::Ident],
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Identity> {
    let Some(l) = TrustLevel::from_word(&level.name) else {
        let d = Diagnostic::new(
            Code::UnknownIdentity,
            level.span,
            format!("`{}` is not a trust level", level.name),
        )
        .label("unknown trust level");
        diags.push(suggest(
            d,
            &level.name,
            TrustLevel::words(),
            "the levels are `niedrig`, `substanziell` and `hoch`",
        ));
        return None;
    };
    let mut out = Vec::new();
    for m in means {
        match Means::from_word(&m.name) {
            Some(x) => out.push(x),
            None => {
                let d = Diagnostic::new(
                    Code::UnknownIdentity,
                    m.span,
                    format!("amt does not know the means `{}`", m.name),
                )
                .label("unknown means");
                diags.push(suggest(
                    d,
                    &m.name,
                    Means::words(),
                    "the means are `account`, `eid`, `elster` and `eudi_wallet`",
                ));
            }
        }
    }
    Some(ir::Identity {
        level: l,
        means: out,
    })
}

/// Every string a municipality declares, for the secret scan (the values of
/// `secret`, references by design, are checked on their own).
fn strings(decl: &ast::Municipality) -> Vec<&ast::Str> {
    fn walk<'a>(body: &'a [Stmt], out: &mut Vec<&'a ast::Str>) {
        for s in body {
            match s {
                Stmt::Property { key, value, .. } if key.name != "secret" => {
                    out.push(&value.source);
                    out.extend(value.translations.iter().map(|(_, t)| t));
                }
                Stmt::Authority { body, .. } | Stmt::Theme(body, _) | Stmt::Set { body, .. } => {
                    walk(body, out)
                }
                Stmt::State(state) => walk(&state.body, out),
                Stmt::Legal { citation, .. } => out.push(citation),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&decl.body, &mut out);
    out
}

fn secret_found(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::SecretInSource,
        span,
        format!("this looks like {what}"),
    )
    .label("possible secret")
    .note("a municipality's source is shared with every other and often public: a secret written here is leaked")
    .help("remove it, revoke it at its issuer, and give it by reference: `secret NAME \"env:VARIABLE\"` in the payment provider")
}

/// A link written `<https://…>`.
fn link_checked(value: &ast::Str, url: bool, diags: &mut Vec<Diagnostic>) {
    let v = &value.value;
    if !url || !(v.starts_with("https://") || v.starts_with("http://")) {
        diags.push(
            Diagnostic::new(
                Code::BadProperty,
                value.span,
                "a link is an http(s) address in angle brackets",
            )
            .label("not a link")
            .help("write it as `<https://www.example.de/impressum>`"),
        );
    }
}

fn unknown_word(word: &ast::Ident, what: &str, known: &[&str]) -> Diagnostic {
    let d = Diagnostic::new(
        Code::BadProperty,
        word.span,
        format!("amt does not know the {what} `{}`", word.name),
    )
    .label(format!("unknown {what}"));
    suggest(
        d,
        &word.name,
        known.iter().copied(),
        format!("use one of {}", list(known)),
    )
}

fn misplaced_property(key: &ast::Ident, span: Span, here: &str, diags: &mut Vec<Diagnostic>) {
    diags.push(
        Diagnostic::new(
            Code::MisplacedStatement,
            span,
            format!("`{}` has no meaning in {here}", key.name),
        )
        .label("not allowed here")
        .help(match key.name.as_str() {
            "color" => "colours belong in a municipality's `theme { … }`",
            "account" | "secret" => "accounts and secrets belong in a municipality's `payment PROVIDER { … }`",
            _ => "contacts, links, `address`, `short`, `hours`, `destination`, `court` and `reply` belong in an authority",
        }),
    );
}

pub(super) fn i18n(text: &ast::Text) -> I18n {
    let mut out = I18n::new();
    out.insert("de".to_string(), text.source.value.clone());
    for (lang, t) in &text.translations {
        if !out.contains_key(&lang.name) {
            out.insert(lang.name.clone(), t.value.clone());
        }
    }
    out
}

pub(super) fn guess_kind(ars: &str) -> MunicipalKind {
    [
        MunicipalKind::Land,
        MunicipalKind::Regierungsbezirk,
        MunicipalKind::Landkreis,
        MunicipalKind::Verwaltungsgemeinschaft,
    ]
    .into_iter()
    .find(|k| k.fits(ars))
    .unwrap_or(MunicipalKind::Gemeinde)
}

pub(super) fn kind_name(k: MunicipalKind) -> &'static str {
    match k {
        MunicipalKind::Land => "Land",
        MunicipalKind::Regierungsbezirk => "Regierungsbezirk",
        MunicipalKind::Landkreis => "Landkreis",
        MunicipalKind::KreisfreieStadt => "kreisfreie Stadt",
        MunicipalKind::Verwaltungsgemeinschaft => "Verwaltungsgemeinschaft",
        MunicipalKind::Gemeinde => "Gemeinde",
    }
}

pub(super) fn a_kind_name(k: MunicipalKind) -> String {
    match k {
        MunicipalKind::Landkreis => "a Kreis".into(),
        other => format!("a {}", kind_name(other)),
    }
}

fn shape_help(k: MunicipalKind) -> &'static str {
    match k {
        MunicipalKind::Land => {
            "a Land's key is its two digits and ten zeros, e.g. \"090000000000\" (Bayern)"
        }
        MunicipalKind::Regierungsbezirk => {
            "a Regierungsbezirk's key is three digits and nine zeros, e.g. \"091000000000\" (Oberbayern)"
        }
        MunicipalKind::Landkreis | MunicipalKind::KreisfreieStadt => {
            "a Kreis's key (Landkreis or kreisfreie Stadt) is five digits and seven zeros, e.g. \"091620000000\" (München)"
        }
        MunicipalKind::Verwaltungsgemeinschaft => {
            "a Verwaltungsgemeinschaft's key is nine digits (the sixth is 5) and three zeros"
        }
        MunicipalKind::Gemeinde => {
            "a Gemeinde's key ends in its own three digits, e.g. \"091880139139\" (Starnberg)"
        }
    }
}

fn kinds_help() -> String {
    format!(
        "the kinds are {}",
        list(&MunicipalKind::words().collect::<Vec<_>>())
    )
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && s.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}
