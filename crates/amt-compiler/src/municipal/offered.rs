//! What the municipalities offer, checked against the procedures: every
//! parameter without a default set where a procedure is offered, no
//! identity weaker than the procedure's, each example's municipality
//! offering its procedure, and no procedure with such a parameter offered
//! by none.

use super::read::first_name;
use super::{Municipalities, ProcedureFacts};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::municipality::Municipality;
use crate::source::{SourceMap, Span};
use std::collections::BTreeMap;

/// A procedure with a parameter that has no default is built only for the
/// municipalities that offer it: say so when none does.
pub(super) fn not_offered(
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

/// Where `name` stands after the keyword `keyword` in `text` (a
/// declaration's name, found in its file).
pub fn find_word(text: &str, keyword: &str, name: &str) -> Option<usize> {
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

/// Every municipality where citizens apply has a value for each parameter
/// without a default of each procedure it offers. Reported once per
/// `offers` and parameter, with the municipalities that lack it.
pub(super) fn unset_parameters(
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
pub(super) fn weaker_identity(
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
pub(super) fn examples(
    sources: &SourceMap,
    out: &Municipalities,
    procedures: &[ProcedureFacts],
    diags: &mut Vec<Diagnostic>,
) {
    for f in procedures {
        let needs = f.parameters.iter().any(|p| p.default.is_none());
        for (name, line, ars, local) in &f.examples {
            let problem = match ars {
                Some(ars) => match out.registry.municipalities.get(ars) {
                    None => Some(format!("no municipality has the key {ars}")),
                    Some(m) => match out.registry.resolve(ars, &f.id) {
                        None => Some(format!(
                            "{} ({ars}) does not offer `{}`",
                            first_name(m),
                            f.id
                        )),
                        Some(r) => {
                            if let Some(point) =
                                local.iter().find(|point| !r.additions.contains_key(*point))
                            {
                                let span = example_span(sources, &f.source, *line, None);
                                diags.extend(span.map(|span| {
                                    Diagnostic::new(
                                        Code::ExampleMunicipality,
                                        span,
                                        format!(
                                            "the example \"{name}\" answers questions at `{point}`, but {} ({ars}) adds none there",
                                            first_name(m)
                                        ),
                                    )
                                    .label("this example")
                                    .help(format!("leave out its answers at `{point}`, or name a municipality that adds questions there"))
                                }));
                            }
                            None
                        }
                    },
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

/// Where an example's `municipality "…"` is written, or its first line
/// when it names none itself (it may take it from the example it starts
/// from): found in its file from the line the example starts on, up to
/// the next example.
fn example_span(sources: &SourceMap, file: &str, line: u32, ars: Option<&str>) -> Option<Span> {
    let id = sources.find(file)?;
    let text = &sources.get(id).text;
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum::<usize>();
    let first_end = text[start..].find('\n').map_or(text.len(), |e| start + e);
    let mut end = first_end;
    for l in text[first_end..].split_inclusive('\n') {
        if l.trim_start().starts_with("example ") {
            break;
        }
        end += l.len();
    }
    if let Some(ars) = ars {
        let needle = format!("\"{ars}\"");
        if let Some(at) = text[start..end].find(&needle) {
            return Some(Span::new(id, start + at..start + at + needle.len()));
        }
    }
    let from = start + (text[start..first_end].len() - text[start..first_end].trim_start().len());
    Some(Span::new(id, from..first_end))
}

/// The authority responsible for a procedure whose decisions can be
/// challenged by action names its administrative court (`court "…"`): the
/// Rechtsbehelfsbelehrung names it (§ 37 Abs. 6 VwVfG).
pub(super) fn courtless(
    out: &Municipalities,
    procedures: &[ProcedureFacts],
    diags: &mut Vec<Diagnostic>,
) {
    let mut reported: Vec<(&str, &str)> = Vec::new();
    // The offers as declared (each names its authority), not as served:
    // a few per declaration, where the served ones are one per unit.
    for m in out.registry.municipalities.values() {
        for o in &m.offers {
            let Some(document) = procedures
                .iter()
                .find(|f| f.id == o.procedure)
                .and_then(|f| f.court_for.first())
            else {
                continue;
            };
            let Some(authority) = out
                .registry
                .municipalities
                .get(&o.authority_of)
                .and_then(|owner| owner.authorities.iter().find(|a| a.id == o.authority))
            else {
                continue;
            };
            let key = (o.authority_of.as_str(), authority.id.as_str());
            if authority.court.is_some() || reported.contains(&key) {
                continue;
            }
            reported.push(key);
            let Some(span) = out
                .places
                .get(&o.authority_of)
                .and_then(|p| p.authorities.get(&authority.id))
            else {
                continue;
            };
            diags.push(
                Diagnostic::new(
                    Code::NoCourt,
                    *span,
                    format!(
                        "the authority `{}` decides `{}`, whose `{document}` can be challenged in court, but it names no court",
                        authority.id, o.procedure
                    ),
                )
                .label("no `court`")
                .note("the Rechtsbehelfsbelehrung names the court where an action is brought, with its seat (§ 37 Abs. 6 VwVfG)")
                .help("add the administrative court for its district, e.g. `court \"Bayerisches Verwaltungsgericht München, Bayerstraße 30, 80335 München\"`"),
            );
        }
    }
}
