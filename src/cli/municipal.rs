//! `amt build` of a project that declares municipalities: every procedure
//! each municipality offers, at `<ARS>/<procedure>/`, with the files the
//! municipalities share stored once (hard links), the procedures that need
//! no municipality at `<id>/`, and a start page and manifest over all.
//! Written whole or not at all, as every build.

use super::build::{BuildArgs, Writing, summary};
use super::{INPUT_ERRORS, check};
use amt_compiler::diagnostic::{Diagnostic, Severity};
use amt_compiler::emit::municipal::MunicipalBuild;
use amt_compiler::emit::{EmitError, Emitter, Settings};
use amt_compiler::source::SourceMap;

/// Builds every municipality's procedures; the exit code.
pub fn build(
    args: &BuildArgs,
    settings: &Settings,
    sources: &SourceMap,
    load: Vec<Diagnostic>,
) -> u8 {
    let deny = args.check.deny_warnings;
    let checked = amt_compiler::compile_except(
        sources,
        |_| false,
        Vec::new(),
        |p, own| (!own.iter().any(|d| deny || d.severity() == Severity::Error)).then_some(p),
    );
    let compiled = check::reported(sources, load, checked.diagnostics, &args.check, None);
    if compiled.failed(deny) {
        eprintln!(
            "amt: nothing was written; `{}` is unchanged",
            args.out.display()
        );
        return INPUT_ERRORS;
    }
    let procedures: Vec<amt_compiler::ir::Procedure> =
        checked.results.into_iter().flatten().collect();
    let all: Vec<&amt_compiler::ir::Procedure> = procedures.iter().collect();
    let registry = &checked.municipalities.registry;
    let writing = match Writing::begin(args, false) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let sink = |file: amt_compiler::emit::OutputFile| writing.write(&file);
    let link = |path: &str, target: &str| writing.link(path, target);
    let failure = |e: EmitError| writing.failed(&e);
    let emitter = match Emitter::start(settings, &sink) {
        Ok(e) => e,
        Err(e) => return failure(e),
    };
    // The procedures every municipality shares as they are: those whose
    // parameters all have defaults (or that have none).
    let generic = amt_compiler::par::map(&all, |p| emitter.procedure(p).map(|r| (*p, r)));
    let mut done = Vec::new();
    for g in generic {
        match g {
            Ok(d) => done.push(d),
            Err(e) => return failure(e),
        }
    }
    let municipal = MunicipalBuild::new(&emitter, registry, &all, &link);
    let units = municipal.units();
    let built = amt_compiler::par::map(&units, |(ars, p)| municipal.unit(ars, p));
    let mut made = Vec::with_capacity(built.len());
    for u in built {
        match u {
            Ok(u) => made.push(u),
            Err(e) => return failure(e),
        }
    }
    drop(municipal);
    let count = made.len();
    let files = match emitter.finish_municipal(registry, &all, done, made) {
        Ok(records) => records.len(),
        Err(e) => return failure(e),
    };
    if let Err(code) = writing.commit() {
        return code;
    }
    summary(args, count, 0, files)
}
