//! The amt compiler: procedures written once in a small language, checked,
//! and built into what a municipality's portal serves.
//!
//! ```text
//! sources ──parse──▶ syntax tree ──resolve──▶ modules ──check──▶ model ──emit──▶ files
//!  (load, source)    (syntax)                 (resolve)          (check → amt_model)  (emit)
//! ```
//!
//! [`load`] reads a project folder into a [`SourceMap`]; [`compile`] parses,
//! resolves and checks it, returning the checked procedures (the model,
//! [`amt_model`]) and every diagnostic; [`emit::build`] turns procedures into
//! files. For large projects, [`compile_each`] checks procedure by procedure
//! and hands each to an [`emit::Emitter`], so that memory does not grow with
//! the checked models; for editors and watch mode, a [`Workspace`] checks
//! again only what a change affects. All three run the one driver
//! (`driver.rs`). The library reads the files it is pointed at, but never
//! writes, prints or exits: the `amt` command is the edge that does.
//!
//! The model and the validator are crates of their own ([`ir`] and
//! [`validate`] here), so a portal can embed them without the compiler.

#![deny(missing_docs)]

// The parser pest derives names `alloc` (pest is used without its `std`
// feature, see Cargo.toml).
extern crate alloc;

pub(crate) mod check;
pub mod diagnostic;
mod driver;
pub mod emit;
pub mod examples;
pub mod import;
mod load;
pub mod municipal;
pub mod par;
pub mod resolve;
pub mod source;
pub mod syntax;
mod workspace;

/// The checked model ([`amt_model`]): what the checker makes and every
/// emitter reads.
pub use amt_model as ir;
pub use amt_model::STACK;
/// The validator and the JSON Schema ([`amt_validate`]).
pub use amt_validate as validate;
pub use check::Reference;
pub use load::{
    LoadError, MAX_FILE_BYTES, MAX_FILES, SETTINGS_FILE, load, project_files, project_root,
    project_settings, read_source,
};
pub use workspace::Workspace;

use diagnostic::{Diagnostic, Severity};
use source::SourceMap;
use std::path::Path;

/// The result of checking a project.
#[derive(Debug)]
pub struct Compiled {
    /// Every checked procedure, in source order.
    pub procedures: Vec<ir::Procedure>,
    /// Every problem found, sorted by place.
    pub diagnostics: Vec<Diagnostic>,
    /// The project's municipalities, checked against its procedures.
    pub municipalities: municipal::Municipalities,
}

impl Compiled {
    /// Every procedure as it is built: as it is (with its parameters'
    /// defaults), and as each municipality that offers it and sets one of
    /// its parameters or adds questions serves it.
    pub fn instances(&self) -> Vec<ir::Procedure> {
        let registry = &self.municipalities.registry;
        let mut out = Vec::new();
        for p in &self.procedures {
            if p.parameters.is_empty() && p.extensions.is_empty() {
                out.push(p.clone());
                continue;
            }
            out.extend(municipal::instance(p, registry, None));
            for (m, offers) in registry.served() {
                if offers.iter().any(|o| o.procedure == p.id)
                    && registry
                        .resolve(&m.ars, &p.id)
                        .is_some_and(|r| !r.values.is_empty() || !r.additions.is_empty())
                {
                    out.extend(municipal::instance(p, registry, Some(&m.ars)));
                }
            }
        }
        out
    }

    /// Whether there is an error (or, with `deny_warnings`, any diagnostic).
    pub fn failed(&self, deny_warnings: bool) -> bool {
        self.diagnostics
            .iter()
            .any(|d| deny_warnings || d.severity() == Severity::Error)
    }
}

/// Parses, resolves and checks every file of `sources`.
pub fn compile(sources: &SourceMap) -> Compiled {
    let checked = compile_except(sources, |_| false, Vec::new(), |p, _| p);
    Compiled {
        procedures: checked.results,
        diagnostics: checked.diagnostics,
        municipalities: checked.municipalities,
    }
}

/// Like [`compile`], for projects too large to hold every checked procedure
/// at once: a procedure's text is parsed only when it is checked, and the
/// checked procedure goes to `each` (with its own diagnostics) on the worker
/// that checked it; what `each` returns is kept, in source order. The
/// diagnostics are sorted by place.
pub fn compile_each<R: Send>(
    sources: &SourceMap,
    each: impl Fn(ir::Procedure, &[Diagnostic]) -> R + Sync,
) -> (Vec<Diagnostic>, Vec<R>) {
    let checked = compile_except(sources, |_| false, Vec::new(), each);
    (checked.diagnostics, checked.results)
}

/// What [`compile_except`] checked.
#[derive(Debug)]
pub struct Partial<R> {
    /// Every problem found, sorted by place.
    pub diagnostics: Vec<Diagnostic>,
    /// What `each` made of each checked procedure, in source order.
    pub results: Vec<R>,
    /// The files checked, in order.
    pub files: Vec<CheckedFile>,
    /// The project's municipalities, checked against the procedures checked
    /// (a build for municipalities skips no file).
    pub municipalities: municipal::Municipalities,
}

/// A file [`compile_except`] checked: what a later build needs to know to
/// tell whether it can be skipped.
#[derive(Debug)]
pub struct CheckedFile {
    /// The file.
    pub file: source::FileId,
    /// The files it imports from (transitively, those import from others).
    pub imports: Vec<source::FileId>,
    /// The names of its procedures, where they are written.
    pub procedures: Vec<syntax::ast::Ident>,
}

/// Like [`compile_each`], but the files `skip` names are not checked:
/// a build that knows them unchanged since it last checked them clean
/// (they and everything they import). They are parsed only where a file
/// that is checked imports from them. `known` are the procedures the
/// skipped files declare, so that a checked procedure taking a name already
/// taken is still reported.
pub fn compile_except<R: Send>(
    sources: &SourceMap,
    skip: impl Fn(source::FileId) -> bool,
    known: Vec<syntax::ast::Ident>,
    each: impl Fn(ir::Procedure, &[Diagnostic]) -> R + Sync,
) -> Partial<R> {
    let files: Vec<source::FileId> = sources
        .iter()
        .map(|(id, _)| id)
        .filter(|&id| !skip(id))
        .collect();
    let mut diags = Vec::new();
    let mut parsed: Vec<Option<driver::Parsed>> = (0..sources.len()).map(|_| None).collect();
    // The files to check, then, wave by wave, the skipped files they
    // import from (skipped files import only skipped files).
    let mut wave = files.clone();
    while !wave.is_empty() {
        let mut next = Vec::new();
        for (&id, p) in wave.iter().zip(driver::parse(sources, &wave, true)) {
            next.extend(resolve::import_targets(sources, &p.ast));
            parsed[id.0 as usize] = Some(p);
        }
        next.sort_unstable();
        next.dedup();
        next.retain(|id| parsed[id.0 as usize].is_none());
        wave = next;
    }
    let mut asts = Vec::with_capacity(parsed.len());
    let mut stubs = Vec::with_capacity(parsed.len());
    for p in parsed {
        let p = p.unwrap_or_default();
        diags.extend(p.diagnostics);
        asts.push(std::sync::Arc::new(p.ast));
        stubs.push(p.stubs);
    }
    let program = resolve::Program::new(sources, asts, &mut diags);
    // What the municipalities need of each procedure: a few names.
    let checked = driver::check(
        sources,
        &program,
        &files,
        |f| &stubs[f.0 as usize],
        false,
        |p, d| {
            let facts = municipal::ProcedureFacts::of(&p);
            (facts, each(p, d))
        },
    );
    let mut names = known;
    let mut results = Vec::new();
    let mut facts = Vec::new();
    let mut summaries = Vec::with_capacity(files.len());
    for (c, &file) in checked.into_iter().zip(&files) {
        diags.extend(c.diagnostics);
        names.extend(c.names.iter().cloned());
        for (f, r) in c.results {
            facts.push(f);
            results.push(r);
        }
        summaries.push(CheckedFile {
            file,
            imports: program.imported_files(file).collect(),
            procedures: c.names,
        });
    }
    // The first of two procedures of one name is the first in file order.
    names.sort_by_key(|n| (n.span.file, n.span.start));
    diags.extend(check::duplicate_procedure_names(names.iter()));
    // A project of groups and code lists alone builds nothing: say so,
    // unless an error (which may have hidden a procedure) says more.
    if names.is_empty() && !diags.iter().any(|d| d.severity() == Severity::Error) {
        diags.extend(check::no_procedure(sources));
    }
    let (mut municipalities, found) = municipal::check(sources, &facts);
    diags.extend(found);
    diags.extend(municipal::check_additions(
        sources,
        &program,
        &mut municipalities,
    ));
    let mut all = diagnostic::Diagnostics::new();
    all.extend(diags);
    Partial {
        diagnostics: all.finish(),
        results,
        files: summaries,
        municipalities,
    }
}

/// Loads and compiles a project: [`load`] then [`compile`], with the
/// diagnostics of both in one sorted list.
pub fn check_project(root: &Path) -> Result<(SourceMap, Compiled), LoadError> {
    let (sources, load_diags) = load(root)?;
    Ok(check_sources(sources, load_diags))
}

/// Compiles already loaded sources, merging diagnostics found while loading.
pub fn check_sources(sources: SourceMap, load_diags: Vec<Diagnostic>) -> (SourceMap, Compiled) {
    let mut compiled = compile(&sources);
    if !load_diags.is_empty() {
        let mut all = diagnostic::Diagnostics::new();
        all.extend(load_diags);
        all.extend(std::mem::take(&mut compiled.diagnostics));
        compiled.diagnostics = all.finish();
    }
    (sources, compiled)
}
