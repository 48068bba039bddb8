//! `amt report`: for one municipality (and one procedure, or all it
//! offers), every resolved value and where it comes from (the procedure's
//! default, or the municipality, Landkreis, Land … that sets it); with
//! `--against`, what differs between two municipalities.

use super::check::run_check;
use super::{CheckArgs, INPUT_ERRORS, MessageFormat, OK, USAGE_OR_IO};
use amt_compiler::ir::municipality::{Municipality, Registry};
use amt_compiler::ir::{self, Literal};
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct ReportArgs {
    /// The municipality's Regionalschlüssel (12 digits).
    pub ars: String,
    /// The project folder (or a file in it).
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    /// Only this procedure (default: every procedure the municipality offers).
    #[arg(long)]
    pub procedure: Option<String>,
    /// Another municipality: show only what differs between the two.
    #[arg(long)]
    pub against: Option<String>,
    /// `human` (lines) or `json` (the whole report).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub format: MessageFormat,
}

/// One resolved value and its origin.
#[derive(Serialize, PartialEq, Clone)]
struct Line {
    /// What it is: `authority`, a parameter's name, `theme`, `payment`, `identity`.
    what: String,
    /// The value, in words.
    value: String,
    /// Where it comes from: `default` or `Name (ARS, kind)`.
    from: String,
}

#[derive(Serialize)]
struct ProcedureReport {
    procedure: String,
    lines: Vec<Line>,
}

#[derive(Serialize)]
struct Report {
    ars: String,
    name: String,
    kind: String,
    within: Vec<String>,
    procedures: Vec<ProcedureReport>,
}

pub fn run(args: &ReportArgs) -> Result<u8, u8> {
    let check = CheckArgs::of(args.path.clone());
    let (_, compiled) = run_check(&check)?;
    if compiled.failed(false) {
        eprintln!("amt: the project has errors; no report was made");
        return Err(INPUT_ERRORS);
    }
    let registry = &compiled.municipalities.registry;
    let first = report(
        registry,
        &compiled.procedures,
        &args.ars,
        args.procedure.as_deref(),
    )?;
    let mut out = std::io::stdout().lock();
    let Some(other) = &args.against else {
        let _ = match args.format {
            MessageFormat::Json => writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&first).unwrap_or_default()
            ),
            MessageFormat::Human => write!(out, "{}", human(&first)),
        };
        return Ok(OK);
    };
    let second = report(
        registry,
        &compiled.procedures,
        other,
        args.procedure.as_deref(),
    )?;
    let diff = difference(&first, &second);
    let _ = match args.format {
        MessageFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&diff).unwrap_or_default()
        ),
        MessageFormat::Human => {
            let _ = writeln!(
                out,
                "--- {} ({})\n+++ {} ({})",
                first.name, first.ars, second.name, second.ars
            );
            let mut text = String::new();
            for (procedure, lines) in &diff {
                text.push_str(&format!("\n{procedure}\n"));
                for (a, b) in lines {
                    if let Some(a) = a {
                        text.push_str(&format!("- {}: {}  ({})\n", a.what, a.value, a.from));
                    }
                    if let Some(b) = b {
                        text.push_str(&format!("+ {}: {}  ({})\n", b.what, b.value, b.from));
                    }
                }
            }
            if diff.is_empty() {
                text.push_str("\nno difference\n");
            }
            write!(out, "{text}")
        }
    };
    Ok(OK)
}

/// What differs, per procedure: each line of the first and of the second
/// that the other does not have in the same place.
type Difference = Vec<(String, Vec<(Option<Line>, Option<Line>)>)>;

fn difference(a: &Report, b: &Report) -> Difference {
    let mut ids: Vec<&str> = a
        .procedures
        .iter()
        .chain(&b.procedures)
        .map(|p| p.procedure.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    let lines = |r: &Report, id: &str| {
        r.procedures
            .iter()
            .find(|p| p.procedure == id)
            .map(|p| p.lines.clone())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for id in ids {
        let (la, lb) = (lines(a, id), lines(b, id));
        let mut whats: Vec<&str> = la.iter().chain(&lb).map(|l| l.what.as_str()).collect();
        whats.dedup();
        let mut seen = Vec::new();
        let mut rows = Vec::new();
        for what in whats {
            if seen.contains(&what) {
                continue;
            }
            seen.push(what);
            let x = la.iter().find(|l| l.what == what).cloned();
            let y = lb.iter().find(|l| l.what == what).cloned();
            // The same value from a shared parent is no difference; the same
            // value set by each is (its origin differs).
            if x != y {
                rows.push((x, y));
            }
        }
        if !rows.is_empty() {
            out.push((id.to_string(), rows));
        }
    }
    out
}

fn origin(m: &Municipality) -> String {
    format!("{} ({}, {})", name(m), m.ars, m.kind)
}

fn name(m: &Municipality) -> String {
    m.name.pick("de", "de").unwrap_or_default().to_string()
}

fn literal(v: &Literal) -> String {
    match v {
        Literal::Money(c) => ir::print::money(*c),
        other => other.to_string(),
    }
}

fn report(
    registry: &Registry,
    procedures: &[ir::Procedure],
    ars: &str,
    only: Option<&str>,
) -> Result<Report, u8> {
    let Some(m) = registry.municipalities.get(ars) else {
        eprintln!("amt: no municipality has the key {ars}");
        return Err(USAGE_OR_IO);
    };
    let chain = registry.chain(ars);
    let mut out = Report {
        ars: ars.to_string(),
        name: name(m),
        kind: m.kind.to_string(),
        within: chain.iter().skip(1).map(|p| origin(p)).collect(),
        procedures: Vec::new(),
    };
    for offer in registry.offers(ars) {
        if only.is_some_and(|o| o != offer.procedure) {
            continue;
        }
        let Some(r) = registry.resolve(ars, &offer.procedure) else {
            continue;
        };
        let mut lines = Vec::new();
        let (a, owner) = r.authority;
        lines.push(Line {
            what: "authority".into(),
            value: format!(
                "{} (`{}`{})",
                a.name.pick("de", "de").unwrap_or_default(),
                a.id,
                a.destination
                    .as_ref()
                    .map(|d| format!(", FIT-Connect {d}"))
                    .unwrap_or_default()
            ),
            from: origin(owner),
        });
        if let Some(p) = procedures.iter().find(|p| p.id == offer.procedure) {
            for param in &p.parameters {
                let line = match r.values.get(&param.id) {
                    Some((periods, at)) => Line {
                        what: param.id.clone(),
                        value: periods
                            .iter()
                            .map(|v| {
                                let mut s = literal(&v.value);
                                if let Some(f) = &v.from {
                                    s.push_str(&format!(" from {f}"));
                                }
                                if let Some(u) = &v.until {
                                    s.push_str(&format!(" until {u}"));
                                }
                                if let Some(l) = v.legal.first() {
                                    s.push_str(&format!(" [{}]", l.citation));
                                }
                                s
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                        from: origin(at),
                    },
                    None => Line {
                        what: param.id.clone(),
                        value: match &param.default {
                            Some(d) => d.to_string(),
                            None => "no value".into(),
                        },
                        from: "the procedure's default".into(),
                    },
                };
                lines.push(line);
            }
            // Local questions: which municipality's apply at each point.
            let extended = r
                .additions_key(&p.id)
                .and_then(|k| registry.extended.get(&k));
            for e in &p.extensions {
                lines.push(match r.additions.get(&e.id) {
                    Some(at) => Line {
                        what: format!("extension {}", e.id),
                        value: extended
                            .and_then(|x| x.all_nodes().find(|n| n.id == e.id))
                            .and_then(|group| match &group.kind {
                                ir::NodeKind::Group { items, .. } => Some(format!(
                                    "adds {}",
                                    items
                                        .iter()
                                        .map(|n| n.id.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )),
                                _ => None,
                            })
                            .unwrap_or_else(|| "adds questions that do not check".into()),
                        from: origin(at),
                    },
                    None => Line {
                        what: format!("extension {}", e.id),
                        value: "no local questions".into(),
                        from: "the procedure".into(),
                    },
                });
            }
            if let Some(id) = &p.identity {
                let (level, from) = match r.identity {
                    Some((local, at)) => (local.level, origin(at)),
                    None => (id.level, "the procedure".to_string()),
                };
                lines.push(Line {
                    what: "identity".into(),
                    value: level.to_string(),
                    from,
                });
            }
        }
        if let Some((t, at)) = r.theme {
            lines.push(Line {
                what: "theme".into(),
                value: t
                    .colors
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .chain(t.logo.iter().map(|l| format!("logo {l}")))
                    .collect::<Vec<_>>()
                    .join(", "),
                from: origin(at),
            });
        }
        if let Some((pay, at)) = r.payment {
            lines.push(Line {
                what: "payment".into(),
                value: pay.provider.clone(),
                from: origin(at),
            });
        }
        out.procedures.push(ProcedureReport {
            procedure: offer.procedure.clone(),
            lines,
        });
    }
    if let Some(o) = only
        && out.procedures.is_empty()
    {
        eprintln!("amt: {} ({ars}) does not offer `{o}`", out.name);
        return Err(USAGE_OR_IO);
    }
    Ok(out)
}

fn human(r: &Report) -> String {
    let mut s = format!("{} ({}), {}\n", r.name, r.ars, r.kind);
    if !r.within.is_empty() {
        s.push_str(&format!("  within: {}\n", r.within.join(" › ")));
    }
    if r.procedures.is_empty() {
        s.push_str("  offers no procedure\n");
    }
    for p in &r.procedures {
        s.push_str(&format!("\n{}\n", p.procedure));
        let width = p.lines.iter().map(|l| l.what.len()).max().unwrap_or(0);
        for l in &p.lines {
            s.push_str(&format!(
                "  {:width$}  {}\n  {:width$}  ← {}\n",
                l.what, l.value, "", l.from
            ));
        }
    }
    s
}
