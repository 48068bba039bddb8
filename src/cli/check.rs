//! `amt check`: every problem of a project, procedure by procedure.

use super::{CheckArgs, INPUT_ERRORS, OK, Scope, USAGE_OR_IO, report};
use amt_compiler::source::SourceMap;

/// Runs `amt check`: procedure by procedure, so that a check of thousands
/// holds none of their checked models longer than it takes to look at them.
pub fn run(args: &CheckArgs) -> u8 {
    let validator_only = args.validator_only;
    match check_each(args, |p, _| validator_only.then(|| gaps_text(&p))) {
        Ok((compiled, gaps)) => {
            print!("{}", gaps.into_iter().flatten().collect::<String>());
            if compiled.failed(args.deny_warnings) {
                INPUT_ERRORS
            } else {
                OK
            }
        }
        Err(code) => code,
    }
}

pub fn run_check(args: &CheckArgs) -> Result<(SourceMap, amt_compiler::Compiled), u8> {
    let (sources, load) = load(args)?;
    let (sources, compiled) = amt_compiler::check_sources(sources, load);
    report(&sources, &compiled, args, None);
    Ok((sources, compiled))
}

/// Reads the project `args` names, with what reading found; a missing or
/// unreadable folder is reported here (exit code 2).
pub(super) fn load(
    args: &CheckArgs,
) -> Result<(SourceMap, Vec<amt_compiler::diagnostic::Diagnostic>), u8> {
    let root = amt_compiler::project_root(&args.path);
    if !root.exists() {
        eprintln!("amt: `{}` does not exist", args.path.display());
        return Err(USAGE_OR_IO);
    }
    amt_compiler::load(&root).map_err(|e| {
        eprintln!("amt: cannot read the project: {e}");
        USAGE_OR_IO
    })
}

/// Loads and checks a project procedure by procedure ([`amt_compiler::compile_each`]),
/// reports the diagnostics, and returns them with what `each` made of each
/// procedure.
pub fn check_each<R: Send>(
    args: &CheckArgs,
    each: impl Fn(amt_compiler::ir::Procedure, &[amt_compiler::diagnostic::Diagnostic]) -> R + Sync,
) -> Result<(amt_compiler::Compiled, Vec<R>), u8> {
    let (sources, load) = load(args)?;
    let (diagnostics, results) = amt_compiler::compile_each(&sources, each);
    let scope = Scope {
        procedures: results.len(),
        files: sources.len(),
    };
    Ok((
        reported(&sources, load, diagnostics, args, Some(scope)),
        results,
    ))
}

/// Reports what loading and checking found, in one sorted list.
pub(super) fn reported(
    sources: &SourceMap,
    load: Vec<amt_compiler::diagnostic::Diagnostic>,
    checked: Vec<amt_compiler::diagnostic::Diagnostic>,
    args: &CheckArgs,
    scope: Option<Scope>,
) -> amt_compiler::Compiled {
    let mut all = amt_compiler::diagnostic::Diagnostics::new();
    all.extend(load);
    all.extend(checked);
    let compiled = amt_compiler::Compiled {
        procedures: Vec::new(),
        diagnostics: all.finish(),
        municipalities: Default::default(),
    };
    report(sources, &compiled, args, scope);
    compiled
}

/// Lists, per procedure, what only amt's validator enforces.
/// What `check --validator-only` says of one procedure.
fn gaps_text(p: &amt_compiler::ir::Procedure) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let gaps = amt_compiler::emit::schema::build(p, amt_compiler::emit::schema::DEFAULT_BASE).gaps;
    if gaps.is_empty() {
        let _ = writeln!(
            out,
            "{} ({}): the JSON Schema expresses every check",
            p.id, p.source
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{} ({}): {} check{} enforced by amt's validator only, not by the JSON Schema:",
        p.id,
        p.source,
        gaps.len(),
        if gaps.len() == 1 { "" } else { "s" }
    );
    for g in &gaps {
        let expression = g
            .expression
            .as_ref()
            .map(|e| format!(" `{e}`"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {} ({}){expression}: {}",
            g.path, g.check, g.severity, g.reason
        );
    }
    out
}
