//! Reads municipality declarations into the registry: each on its own
//! (`declaration`), then what depends on the others: duplicates, parents,
//! offers, values and their periods, required parameters, identity,
//! examples.

use super::declaration::declaration;
use super::offered::{courtless, examples, not_offered, unset_parameters, weaker_identity};
use super::values::{compare, constant, describe, describe_ty, fits};
use super::{Municipalities, Places, ProcedureFacts};
use crate::diagnostic::suggest::{did_you_mean, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::municipality::{Municipality, Offer, ParameterValue, parent_candidates};
use crate::ir::{self, Literal};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, Stmt};
use amt_model::date::Date;
use std::collections::BTreeMap;

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
    let mut extends: Vec<(String, &Stmt)> = Vec::new();
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
                    Stmt::Extend { .. } => extends.push((m.ars.clone(), a)),
                    _ => {}
                }
            }
            out.places.insert(m.ars.clone(), places);
            out.registry.municipalities.insert(m.ars.clone(), m);
        }
    }
    parents(&mut out, diags);
    for (ars, stmt) in extends {
        let Some(a) = super::additions::read(&ars, stmt, procedures, diags) else {
            continue;
        };
        let Some(m) = out.registry.municipalities.get_mut(&ars) else {
            continue;
        };
        let e = ir::municipality::Extension {
            procedure: a.procedure.clone(),
            point: a.point.clone(),
        };
        if m.extensions.contains(&e) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    stmt.span(),
                    format!(
                        "the additions to `{}.{}` are given twice here",
                        a.procedure, a.point
                    ),
                )
                .label("second `extend`")
                .help("write all the questions of one extension point in one `extend`"),
            );
            continue;
        }
        m.extensions.push(e);
        out.additions.push(a);
    }
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
    courtless(&out, procedures, diags);
    examples(sources, &out, procedures, diags);
    not_offered(sources, &out, procedures, diags);
    out
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

pub(super) fn misplaced(stmt: &Stmt, diags: &mut Vec<Diagnostic>) {
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

pub(super) fn unknown_procedure(p: &ast::Ident, procedures: &[ProcedureFacts]) -> Diagnostic {
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

/// The name in the source language.
pub(super) fn first_name(m: &Municipality) -> &str {
    m.name
        .get("de")
        .or_else(|| m.name.values().next())
        .map_or("", String::as_str)
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

pub(super) fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}
