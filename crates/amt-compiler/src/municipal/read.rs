//! Reads municipality declarations into the registry, checking each
//! statement where it is written, then what depends on the others: parents,
//! offers, values, required parameters, identity, examples.

use super::values::{compare, constant, describe, describe_ty, fits};
use super::{Municipalities, Places, ProcedureFacts, secrets, theme};
use crate::diagnostic::suggest::{did_you_mean, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::municipality::{
    AuthorityInfo, MunicipalKind, Municipality, Offer, ParameterValue, Payment, Theme,
    parent_candidates,
};
use crate::ir::{self, I18n, Literal, Means, TrustLevel};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, StateKind, Stmt};
use amt_model::date::Date;
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

/// A `set` waiting for every municipality and procedure to be known.
struct PendingSet<'a> {
    ars: String,
    procedure: &'a ast::Ident,
    parameter: &'a ast::Ident,
    value: &'a ast::Expr,
    body: &'a [Stmt],
    span: Span,
}

/// An `offers` waiting for the parents to be known.
struct PendingOffer<'a> {
    ars: String,
    procedures: &'a [ast::Ident],
    by: &'a ast::Ident,
    span: Span,
}

/// What reading a file's declarations each on its own gave, kept by a
/// [`crate::Workspace`] for the files that did not change (by their
/// version): the municipality (none for a malformed key) and the problems.
#[derive(Default)]
pub struct DeclCache(BTreeMap<FileId, (u64, Vec<Read>)>);

/// One declaration read on its own: the municipality (none for a malformed
/// key) and its problems.
type Read = (Option<Municipality>, Vec<Diagnostic>);

pub(super) fn read(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    procedures: &[ProcedureFacts],
    cache: Option<(&[u64], &mut DeclCache)>,
    diags: &mut Vec<Diagnostic>,
) -> Municipalities {
    let mut out = Municipalities::default();
    let mut first_at: BTreeMap<String, Span> = BTreeMap::new();
    let mut sets = Vec::new();
    let mut offers = Vec::new();
    let mut identities: BTreeMap<String, Span> = BTreeMap::new();
    // Each declaration on its own, on every core; then together, in order.
    let decls: Vec<(FileId, &ast::Municipality)> = files
        .iter()
        .flat_map(|(file, ast)| {
            ast.items.iter().filter_map(move |item| match item {
                ast::Item::Municipality(decl) => Some((*file, decl)),
                _ => None,
            })
        })
        .collect();
    let fresh = |(file, decl): &(FileId, &ast::Municipality)| {
        let mut found = Vec::new();
        let m = declaration(sources, *file, decl, &mut found);
        (m, found)
    };
    let read: Vec<Read> = match cache {
        None => crate::par::map(&decls, fresh),
        Some((versions, cache)) => {
            // Files whose version is the one read before are taken from
            // the cache; the others are read, and remembered.
            let version = |f: FileId| versions.get(f.0 as usize).copied().unwrap_or(0);
            let stale: Vec<(FileId, &ast::Municipality)> = decls
                .iter()
                .filter(|(f, _)| cache.0.get(f).is_none_or(|(v, _)| *v != version(*f)))
                .copied()
                .collect();
            let mut made = crate::par::map(&stale, fresh).into_iter();
            let mut fresh_by_file: BTreeMap<FileId, Vec<Read>> = BTreeMap::new();
            for (f, _) in &stale {
                if let Some(r) = made.next() {
                    fresh_by_file.entry(*f).or_default().push(r);
                }
            }
            cache.0.retain(|f, _| files.iter().any(|(g, _)| g == f));
            for (f, list) in fresh_by_file {
                cache.0.insert(f, (version(f), list));
            }
            let mut out = Vec::with_capacity(decls.len());
            let mut at: BTreeMap<FileId, usize> = BTreeMap::new();
            for (f, _) in &decls {
                let i = at.entry(*f).or_insert(0);
                out.push(
                    cache
                        .0
                        .get(f)
                        .and_then(|(_, l)| l.get(*i))
                        .cloned()
                        .unwrap_or((None, Vec::new())),
                );
                *i += 1;
            }
            out
        }
    };
    for ((_, decl), (m, found)) in decls.iter().zip(read) {
        diags.extend(found);
        {
            let Some(m) = m else {
                continue;
            };
            if let Some(first) = first_at.get(&m.ars) {
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateArs,
                        decl.ars.span,
                        format!("the Regionalschlüssel {} is declared twice", m.ars),
                    )
                    .label("declared again here")
                    .secondary(*first, "first declared here")
                    .help("keep one declaration and put everything the municipality sets into it"),
                );
                continue;
            }
            first_at.insert(m.ars.clone(), decl.ars.span);
            let mut places = Places {
                ars: Some(decl.ars.span),
                ..Places::default()
            };
            for a in &decl.body {
                match a {
                    Stmt::Authority { name, .. } => {
                        places.authorities.insert(name.name.clone(), name.span);
                    }
                    Stmt::Offers {
                        procedures: names,
                        by,
                        span,
                    } => {
                        for p in names {
                            places.offers.push((p.name.clone(), p.span));
                        }
                        offers.push(PendingOffer {
                            ars: m.ars.clone(),
                            procedures: names,
                            by,
                            span: *span,
                        });
                    }
                    Stmt::Set {
                        procedure,
                        parameter,
                        value,
                        body,
                        span,
                    } => {
                        places
                            .values
                            .push((procedure.name.clone(), parameter.name.clone(), *span));
                        sets.push(PendingSet {
                            ars: m.ars.clone(),
                            procedure,
                            parameter,
                            value,
                            body,
                            span: *span,
                        });
                    }
                    Stmt::Identity { span, .. } => {
                        identities.insert(m.ars.clone(), *span);
                    }
                    _ => {}
                }
            }
            out.places.insert(m.ars.clone(), places);
            out.registry.municipalities.insert(m.ars.clone(), m);
        }
    }
    parents(&mut out, diags);
    for o in offers {
        offer(&mut out, procedures, o, diags);
    }
    let mut periods: BTreeMap<(String, String, String), Vec<(ParameterValue, Span)>> =
        BTreeMap::new();
    // What each municipality sets, valid or not: a value reported as wrong
    // is not reported again as missing.
    let attempted: std::collections::BTreeSet<(String, String, String)> = sets
        .iter()
        .map(|s| {
            (
                s.ars.clone(),
                s.procedure.name.clone(),
                s.parameter.name.clone(),
            )
        })
        .collect();
    for s in sets {
        if let Some(v) = value(procedures, &s, diags) {
            periods
                .entry((s.ars.clone(), v.procedure.clone(), v.parameter.clone()))
                .or_default()
                .push((v, s.span));
        }
    }
    for ((ars, _, _), mut list) in periods {
        list.sort_by(|a, b| a.0.from.cmp(&b.0.from));
        validity(&list, diags);
        if let Some(m) = out.registry.municipalities.get_mut(&ars) {
            m.values.extend(list.into_iter().map(|(v, _)| v));
        }
    }
    unset_parameters(&out, procedures, &attempted, diags);
    weaker_identity(&out, procedures, &identities, diags);
    examples(sources, &out, procedures, diags);
    not_offered(sources, &out, procedures, diags);
    out
}

/// A procedure with a parameter that has no default is built only for the
/// municipalities that offer it: say so when none does.
fn not_offered(
    sources: &SourceMap,
    out: &Municipalities,
    procedures: &[ProcedureFacts],
    diags: &mut Vec<Diagnostic>,
) {
    for f in procedures {
        let Some(required) = f.parameters.iter().find(|p| p.default.is_none()) else {
            continue;
        };
        if out
            .registry
            .served()
            .any(|(_, offers)| offers.iter().any(|o| o.procedure == f.id))
        {
            continue;
        }
        let Some(id) = sources.find(&f.source) else {
            continue;
        };
        let text = &sources.get(id).text;
        let Some(at) = find_word(text, "procedure", &f.id) else {
            continue;
        };
        diags.push(
            Diagnostic::new(
                Code::NotOffered,
                Span::new(id, at..at + f.id.len()),
                format!("no municipality offers `{}`, so it is not built", f.id),
            )
            .label("built for no one")
            .note(format!(
                "its parameter `{}` has no default: only a municipality can give it a value",
                required.id
            ))
            .help(format!(
                "let a municipality offer it (`offers {} by …`) and set `{}.{}`, or give the parameter a default",
                f.id, f.id, required.id
            )),
        );
    }
}

/// Where `name` stands after the keyword `keyword` in `text`.
fn find_word(text: &str, keyword: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(keyword) {
        let at = from + i + keyword.len();
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        if trimmed.len() < rest.len()
            && trimmed.starts_with(name)
            && !trimmed[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            return Some(at + (rest.len() - trimmed.len()));
        }
        from = at;
    }
    None
}

/// One declaration on its own: its key, kind, name and what it declares.
fn declaration(
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
    };
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    for stmt in &decl.body {
        match stmt {
            Stmt::Kind(word, span) => {
                once(&mut seen, "the kind", *span, diags);
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
                once(&mut seen, "the theme", *span, diags);
                m.theme = Some(theme_of(body, diags));
            }
            Stmt::State(state) if state.kind == StateKind::Payment => {
                once(&mut seen, "the payment provider", state.span, diags);
                m.payment = Some(payment(state, diags));
            }
            Stmt::Identity { level, means, span } => {
                once(&mut seen, "the identity requirement", *span, diags);
                m.identity = identity(level, means, diags);
            }
            Stmt::Offers { .. } | Stmt::Set { .. } => {}
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

/// The parent of each municipality, from its key: the nearest level that is
/// declared. The nearest level must be.
fn parents(out: &mut Municipalities, diags: &mut Vec<Diagnostic>) {
    let keys: Vec<String> = out.registry.municipalities.keys().cloned().collect();
    for ars in keys {
        let candidates = parent_candidates(&ars);
        let found = candidates
            .iter()
            .find(|c| out.registry.municipalities.contains_key(*c))
            .cloned();
        if let Some(nearest) = candidates.first()
            && found.as_ref() != Some(nearest)
        {
            let span = out.places[&ars].ars.expect("read with its key");
            let m = &out.registry.municipalities[&ars];
            diags.push(
                Diagnostic::new(
                    Code::MissingParent,
                    span,
                    format!(
                        "{} belongs to {} {nearest}, which is not declared",
                        m.name.values().next().map_or("", String::as_str),
                        level_name(nearest)
                    ),
                )
                .label("parent missing")
                .help(format!("declare `municipality \"{nearest}\" \"…\" {{ kind … }}`: what it sets (authorities, values) applies to every municipality in it")),
            );
        }
        if let Some(m) = out.registry.municipalities.get_mut(&ars) {
            m.parent = found;
        }
    }
}

/// An `offers` statement: the procedures exist, the authority is the
/// municipality's or a parent's.
fn offer(
    out: &mut Municipalities,
    procedures: &[ProcedureFacts],
    o: PendingOffer,
    diags: &mut Vec<Diagnostic>,
) {
    let chain: Vec<(String, Vec<String>)> = out
        .registry
        .chain(&o.ars)
        .iter()
        .map(|m| {
            (
                m.ars.clone(),
                m.authorities.iter().map(|a| a.id.clone()).collect(),
            )
        })
        .collect();
    let owner = chain
        .iter()
        .find(|(_, names)| names.contains(&o.by.name))
        .map(|(ars, _)| ars.clone());
    let Some(owner) = owner else {
        let known: Vec<&str> = chain
            .iter()
            .flat_map(|(_, n)| n.iter().map(String::as_str))
            .collect();
        let d = Diagnostic::new(
            Code::UnknownAuthority,
            o.by.span,
            format!(
                "there is no authority `{}` here or in a municipality above",
                o.by.name
            ),
        )
        .label("unknown authority");
        let help = if known.is_empty() {
            "declare it here, e.g. `authority buergerbuero \"Bürgerbüro\" { address \"…\" }`, or in the Landkreis above".to_string()
        } else {
            format!("the authorities known here are {}", list(&known))
        };
        diags.push(suggest(d, &o.by.name, known.iter().copied(), help));
        return;
    };
    let Some(m) = out.registry.municipalities.get_mut(&o.ars) else {
        return;
    };
    for p in o.procedures {
        if !procedures.iter().any(|f| f.id == p.name) {
            diags.push(unknown_procedure(p, procedures));
            continue;
        }
        if m.offers.iter().any(|x| x.procedure == p.name) {
            diags.push(
                Diagnostic::new(
                    Code::RepeatedSetting,
                    p.span,
                    format!("`{}` is offered twice here", p.name),
                )
                .label("offered again")
                .secondary(o.span, "in this statement")
                .help("one authority is responsible for a procedure: keep one `offers`"),
            );
            continue;
        }
        m.offers.push(Offer {
            procedure: p.name.clone(),
            authority: o.by.name.clone(),
            authority_of: owner.clone(),
        });
    }
}

/// A `set`: the procedure and parameter exist, the value is a constant of
/// the parameter's type within its range, with its statute and validity.
fn value(
    procedures: &[ProcedureFacts],
    s: &PendingSet,
    diags: &mut Vec<Diagnostic>,
) -> Option<ParameterValue> {
    let Some(facts) = procedures.iter().find(|f| f.id == s.procedure.name) else {
        diags.push(unknown_procedure(s.procedure, procedures));
        return None;
    };
    let Some(param) = facts.parameters.iter().find(|p| p.id == s.parameter.name) else {
        let names: Vec<&str> = facts.parameters.iter().map(|p| p.id.as_str()).collect();
        let d = Diagnostic::new(
            Code::UnknownParameter,
            s.parameter.span,
            format!(
                "the procedure `{}` has no parameter `{}`",
                facts.id, s.parameter.name
            ),
        )
        .label("unknown parameter");
        let help = if names.is_empty() {
            format!(
                "`{}` declares no parameters: a municipality can set only what the procedure declares with `parameter`",
                facts.id
            )
        } else {
            format!("its parameters are {}", list(&names))
        };
        diags.push(suggest(d, &s.parameter.name, names.iter().copied(), help));
        return None;
    };
    let mut ok = true;
    let literal = constant(s.value);
    match &literal {
        None => {
            ok = false;
            diags.push(
                Diagnostic::new(
                    Code::ParameterValue,
                    s.value.span,
                    "a municipality's value is a constant, not a computation",
                )
                .label("not a constant")
                .help(format!(
                    "write the value the statute sets, {}; what depends on the answers belongs in the procedure",
                    describe_ty(&param.ty)
                )),
            );
        }
        Some(v) if !fits(v, &param.ty) => {
            ok = false;
            diags.push(
                Diagnostic::new(
                    Code::ParameterValue,
                    s.value.span,
                    format!(
                        "`{}.{}` takes {}, but this is {}",
                        facts.id,
                        param.id,
                        describe_ty(&param.ty),
                        describe(v)
                    ),
                )
                .label(format!("this is {}", describe(v)))
                .help(format!("write {}", describe_ty(&param.ty))),
            );
        }
        Some(Literal::Code(code)) => {
            if let ir::Ty::Code { codelist } = &param.ty
                && let Some(codes) = facts.codes.get(codelist)
                && !codes.contains(code)
            {
                ok = false;
                let d = Diagnostic::new(
                    Code::ParameterValue,
                    s.value.span,
                    format!("`{code}` is not a code of the list `{codelist}`"),
                )
                .label("unknown code");
                diags.push(suggest(
                    d,
                    code,
                    codes.iter().map(String::as_str),
                    format!(
                        "the codes are {}",
                        list(&codes.iter().map(String::as_str).collect::<Vec<_>>())
                    ),
                ));
            }
        }
        Some(v) => {
            for (bound, above) in [(&param.min, false), (&param.max, true)] {
                let Some(b) = bound else { continue };
                let out_of = compare(v, b).is_some_and(|o| {
                    o == if above {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Less
                    }
                });
                if out_of {
                    ok = false;
                    diags.push(
                        Diagnostic::new(
                            Code::ParameterValue,
                            s.value.span,
                            format!(
                                "{v} is {} than `{}.{}` allows ({} {b})",
                                if above { "more" } else { "less" },
                                facts.id,
                                param.id,
                                if above { "at most" } else { "at least" }
                            ),
                        )
                        .label("out of range")
                        .help("the procedure's range is the law's; check the statute's value"),
                    );
                }
            }
        }
    }
    let mut from = None;
    let mut until = None;
    let mut legal = Vec::new();
    for stmt in s.body {
        match stmt {
            Stmt::Validity {
                until: is_until,
                date,
                span,
            } => {
                if Date::parse(&date.value).is_none() {
                    ok = false;
                    diags.push(
                        Diagnostic::new(
                            Code::InvalidLiteral,
                            date.span,
                            format!("{} is not a day of the calendar", date.value),
                        )
                        .label("no such day")
                        .help("write a real date, e.g. 2025-01-01"),
                    );
                }
                let slot = if *is_until { &mut until } else { &mut from };
                if slot.is_some() {
                    diags.push(
                        Diagnostic::new(
                            Code::RepeatedSetting,
                            *span,
                            format!(
                                "`{}` is given twice",
                                if *is_until { "until" } else { "from" }
                            ),
                        )
                        .label("second time")
                        .help("a value has one period; write a second `set` for the next"),
                    );
                }
                *slot = Some(date.value.clone());
            }
            Stmt::Legal { citation, url, .. } => legal.push(ir::LegalRef {
                citation: citation.value.clone(),
                url: url.as_ref().map(|u| u.value.clone()),
            }),
            other => misplaced(other, diags),
        }
    }
    if legal.is_empty() {
        diags.push(
            Diagnostic::new(
                Code::MissingStatute,
                s.span,
                format!(
                    "the value of `{}.{}` does not cite the statute that sets it",
                    facts.id, param.id
                ),
            )
            .label("no `legal`")
            .help("add `{ legal \"§ 5 Abs. 1 Hundesteuersatzung\" <https://…> }`: citizens and reviewers see where each local value comes from"),
        );
    }
    if let (Some(f), Some(u)) = (&from, &until)
        && u < f
    {
        ok = false;
        diags.push(
            Diagnostic::new(
                Code::ValidityPeriods,
                s.span,
                format!("this value ends ({u}) before it begins ({f})"),
            )
            .label("empty period")
            .help("swap the dates, or correct the one that is wrong"),
        );
    }
    ok.then(|| ParameterValue {
        procedure: facts.id.clone(),
        parameter: param.id.clone(),
        value: literal.expect("checked above"),
        from,
        until,
        legal,
    })
}

/// The periods of one parameter in one municipality, sorted by start:
/// they follow each other without overlap or gap, and the last one runs on.
fn validity(list: &[(ParameterValue, Span)], diags: &mut Vec<Diagnostic>) {
    for pair in list.windows(2) {
        let ((a, a_span), (b, b_span)) = (&pair[0], &pair[1]);
        let name = format!("`{}.{}`", a.procedure, a.parameter);
        let Some(b_from) = &b.from else {
            diags.push(
                Diagnostic::new(
                    Code::ValidityPeriods,
                    *b_span,
                    format!("two values of {name} apply from the start"),
                )
                .label("no `from`")
                .secondary(*a_span, "this one too")
                .help("give the later value the day it takes effect: `from 2025-01-01`"),
            );
            continue;
        };
        let day_before = Date::parse(b_from).map(|d| d.add_days(-1).to_string());
        match &a.until {
            None => diags.push(
                Diagnostic::new(
                    Code::ValidityPeriods,
                    *a_span,
                    format!("this value of {name} runs on, but another starts on {b_from}"),
                )
                .label("no `until`")
                .secondary(*b_span, "the next value")
                .help(match &day_before {
                    Some(d) => format!("end it the day before: `until {d}`"),
                    None => "end it the day before the next one starts".into(),
                }),
            ),
            Some(u) if u >= b_from => diags.push(
                Diagnostic::new(
                    Code::ValidityPeriods,
                    *b_span,
                    format!("two values of {name} apply on {b_from}"),
                )
                .label(format!("starts on {b_from}"))
                .secondary(*a_span, format!("runs until {u}"))
                .help(match &day_before {
                    Some(d) => format!("end the earlier one on {d}"),
                    None => "end the earlier one the day before".into(),
                }),
            ),
            Some(u) if day_before.as_deref() != Some(u.as_str()) => diags.push(
                Diagnostic::new(
                    Code::ValidityPeriods,
                    *b_span,
                    format!("no value of {name} applies between {u} and {b_from}"),
                )
                .label(format!("starts on {b_from}"))
                .secondary(*a_span, format!("ends on {u}"))
                .help(match &day_before {
                    Some(d) => {
                        format!("end the earlier one on {d}, or start this one the day after {u}")
                    }
                    None => "let the next value start the day after the earlier one ends".into(),
                }),
            ),
            Some(_) => {}
        }
    }
    if let Some((last, span)) = list.last()
        && let Some(u) = &last.until
    {
        diags.push(
            Diagnostic::new(
                Code::ValueExpires,
                *span,
                format!(
                    "the last value of `{}.{}` ends on {u}, and nothing follows it",
                    last.procedure, last.parameter
                ),
            )
            .label(format!("until {u}"))
            .help("add the value that applies after it (`set … { from … }`), or remove `until` if it runs on"),
        );
    }
}

/// Every municipality where citizens apply has a value for each parameter
/// without a default of each procedure it offers. Reported once per
/// `offers` and parameter, with the municipalities that lack it.
fn unset_parameters(
    out: &Municipalities,
    procedures: &[ProcedureFacts],
    attempted: &std::collections::BTreeSet<(String, String, String)>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut missing: BTreeMap<(String, String, String), Vec<&Municipality>> = BTreeMap::new();
    for (m, offered) in out.registry.served() {
        // One walk up the keys serves every procedure the municipality offers.
        let chain = out.registry.chain(&m.ars);
        for o in offered {
            let Some(facts) = procedures.iter().find(|f| f.id == o.procedure) else {
                continue;
            };
            // Where the offer is written: the nearest in the chain that offers it.
            let site = chain
                .iter()
                .find(|c| c.offers.iter().any(|x| x.procedure == o.procedure))
                .map_or_else(|| m.ars.clone(), |c| c.ars.clone());
            for p in facts.parameters.iter().filter(|p| p.default.is_none()) {
                let set = chain.iter().any(|c| {
                    c.values
                        .iter()
                        .any(|v| v.procedure == o.procedure && v.parameter == p.id)
                        || attempted.contains(&(c.ars.clone(), o.procedure.clone(), p.id.clone()))
                });
                if !set {
                    missing
                        .entry((site.clone(), o.procedure.clone(), p.id.clone()))
                        .or_default()
                        .push(m);
                }
            }
        }
    }
    for ((site, procedure, parameter), lacking) in missing {
        let Some(places) = out.places.get(&site) else {
            continue;
        };
        let span = places
            .offers
            .iter()
            .find(|(p, _)| *p == procedure)
            .map(|(_, s)| *s)
            .or(places.ars)
            .expect("read with its key");
        let names: Vec<String> = lacking
            .iter()
            .take(3)
            .map(|m| format!("{} ({})", first_name(m), m.ars))
            .collect();
        let more = lacking.len().saturating_sub(3);
        let who = if more > 0 {
            format!("{} and {more} more", names.join(", "))
        } else {
            names.join(", ")
        };
        let here = &out.registry.municipalities[&site];
        let where_help = if site == lacking[0].ars {
            format!("set it here: `set {procedure}.{parameter} = … {{ from … legal \"…\" }}`")
        } else {
            format!(
                "set it in each of them, or once for all in {} ({site}): `set {procedure}.{parameter} = … {{ legal \"…\" }}`",
                first_name(here)
            )
        };
        diags.push(
            Diagnostic::new(
                Code::ParameterUnset,
                span,
                format!(
                    "`{procedure}.{parameter}` has no value in {who}, which offer{} `{procedure}`",
                    if lacking.len() == 1 { "s" } else { "" }
                ),
            )
            .label("offered here")
            .note(format!(
                "`{parameter}` has no default: the procedure leaves it to each municipality"
            ))
            .help(where_help),
        );
    }
}

/// A municipality may ask for more identification than a procedure, never less.
fn weaker_identity(
    out: &Municipalities,
    procedures: &[ProcedureFacts],
    spans: &BTreeMap<String, Span>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut reported: Vec<(String, String)> = Vec::new();
    for (m, offered) in out.registry.served() {
        for o in offered {
            let Some(required) = procedures
                .iter()
                .find(|f| f.id == o.procedure)
                .and_then(|f| f.identity.as_ref())
            else {
                continue;
            };
            let Some((local, at)) = out
                .registry
                .chain(&m.ars)
                .into_iter()
                .find_map(|c| Some((c.identity.as_ref()?, c)))
            else {
                continue;
            };
            let key = (at.ars.clone(), o.procedure.clone());
            if local.level < required.level && !reported.contains(&key) {
                reported.push(key);
                let Some(span) = spans.get(&at.ars) else {
                    continue;
                };
                diags.push(
                    Diagnostic::new(
                        Code::WeakerIdentity,
                        *span,
                        format!(
                            "this asks for trust level `{}`, but `{}` requires `{}`",
                            local.level, o.procedure, required.level
                        ),
                    )
                    .label("weaker than the procedure")
                    .note("a municipality may ask for more identification than a procedure, never less: the law behind the procedure sets its level")
                    .help(format!("ask for `{}` or more", required.level)),
                );
            }
        }
    }
}

/// Each example's municipality is declared and offers the procedure; an
/// example of a procedure with parameters that have no default names one.
fn examples(
    sources: &SourceMap,
    out: &Municipalities,
    procedures: &[ProcedureFacts],
    diags: &mut Vec<Diagnostic>,
) {
    for f in procedures {
        let needs = f.parameters.iter().any(|p| p.default.is_none());
        for (name, line, ars) in &f.examples {
            let problem = match ars {
                Some(ars) => match out.registry.municipalities.get(ars) {
                    None => Some(format!("no municipality has the key {ars}")),
                    Some(m) if out.registry.resolve(ars, &f.id).is_none() => Some(format!(
                        "{} ({ars}) does not offer `{}`",
                        first_name(m),
                        f.id
                    )),
                    Some(_) => None,
                },
                None if needs && !out.is_empty() => Some(format!(
                    "the example \"{name}\" names no municipality, and `{}` has parameters only a municipality sets",
                    f.id
                )),
                None => None,
            };
            let Some(problem) = problem else { continue };
            let span = example_span(sources, &f.source, *line, ars.as_deref());
            let Some(span) = span else { continue };
            let mut d =
                Diagnostic::new(Code::ExampleMunicipality, span, problem).label(if ars.is_some() {
                    "this municipality"
                } else {
                    "this example"
                });
            let offering = out
                .registry
                .served()
                .find(|(_, o)| o.iter().any(|o| o.procedure == f.id));
            if let Some((m, _)) = offering {
                d = d.help(format!(
                    "name one that offers it, e.g. `municipality \"{}\"` ({})",
                    m.ars,
                    first_name(m)
                ));
            }
            diags.push(d);
        }
    }
}

/// Where an example's `municipality "…"` is written (or the example, when
/// it names none): found in its file from the line the example starts on.
fn example_span(sources: &SourceMap, file: &str, line: u32, ars: Option<&str>) -> Option<Span> {
    let id = sources.find(file)?;
    let text = &sources.get(id).text;
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum::<usize>();
    match ars {
        Some(ars) => {
            let needle = format!("\"{ars}\"");
            let at = start + text[start..].find(&needle)?;
            Some(Span::new(id, at..at + needle.len()))
        }
        None => {
            let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
            let from = start + (text[start..end].len() - text[start..end].trim_start().len());
            Some(Span::new(id, from..end))
        }
    }
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
            _ => "contacts, links, `address`, `short`, `hours`, `destination` and `reply` belong in an authority",
        }),
    );
}

fn misplaced(stmt: &Stmt, diags: &mut Vec<Diagnostic>) {
    let what = stmt.describe();
    diags.push(
        Diagnostic::new(
            Code::MisplacedStatement,
            stmt.span(),
            format!("{what} has no meaning here"),
        )
        .label("not allowed here")
        .help("a municipality takes `kind`, `authority`, `offers`, `set`, `theme`, `payment` and `identity`; an authority its contacts, links and routing; a `set` its `from`, `until` and `legal`"),
    );
}

fn unknown_procedure(p: &ast::Ident, procedures: &[ProcedureFacts]) -> Diagnostic {
    let names: Vec<&str> = procedures.iter().map(|f| f.id.as_str()).collect();
    let d = Diagnostic::new(
        Code::UnknownProcedure,
        p.span,
        format!("there is no procedure `{}`", p.name),
    )
    .label("unknown procedure");
    match did_you_mean(&p.name, names.iter().copied()) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None if names.is_empty() => d.help("the project declares no procedure"),
        None => d.help(format!("the procedures are {}", list(&names))),
    }
}

fn once(
    seen: &mut Vec<(&'static str, Span)>,
    key: &'static str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
        diags.push(
            Diagnostic::new(Code::RepeatedSetting, span, format!("{key} is given twice"))
                .label("second time")
                .secondary(*first, "first time")
                .help("keep one of them"),
        );
    } else {
        seen.push((key, span));
    }
}

fn i18n(text: &ast::Text) -> I18n {
    let mut out = I18n::new();
    out.insert("de".to_string(), text.source.value.clone());
    for (lang, t) in &text.translations {
        if !out.contains_key(&lang.name) {
            out.insert(lang.name.clone(), t.value.clone());
        }
    }
    out
}

/// The name in the source language.
pub(super) fn first_name(m: &Municipality) -> &str {
    m.name
        .get("de")
        .or_else(|| m.name.values().next())
        .map_or("", String::as_str)
}

fn guess_kind(ars: &str) -> MunicipalKind {
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

fn kind_name(k: MunicipalKind) -> &'static str {
    match k {
        MunicipalKind::Land => "Land",
        MunicipalKind::Regierungsbezirk => "Regierungsbezirk",
        MunicipalKind::Landkreis => "Landkreis",
        MunicipalKind::KreisfreieStadt => "kreisfreie Stadt",
        MunicipalKind::Verwaltungsgemeinschaft => "Verwaltungsgemeinschaft",
        MunicipalKind::Gemeinde => "Gemeinde",
    }
}

fn a_kind_name(k: MunicipalKind) -> String {
    match k {
        MunicipalKind::Landkreis => "a Kreis".into(),
        other => format!("a {}", kind_name(other)),
    }
}

fn level_name(ars: &str) -> &'static str {
    match [2, 3, 5, 9]
        .into_iter()
        .find(|&n| ars[n..].bytes().all(|b| b == b'0'))
    {
        Some(2) => "the Land",
        Some(3) => "the Regierungsbezirk",
        Some(5) => "the Kreis",
        _ => "the Verwaltungsgemeinschaft",
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

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && s.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}
