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
mod load;
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
}

impl Compiled {
    /// Whether there is an error (or, with `deny_warnings`, any diagnostic).
    pub fn failed(&self, deny_warnings: bool) -> bool {
        self.diagnostics
            .iter()
            .any(|d| deny_warnings || d.severity() == Severity::Error)
    }
}

/// Parses, resolves and checks every file of `sources`.
pub fn compile(sources: &SourceMap) -> Compiled {
    let (diagnostics, procedures) = compile_each(sources, |p, _| p);
    Compiled {
        procedures,
        diagnostics,
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
    let files: Vec<source::FileId> = sources.iter().map(|(id, _)| id).collect();
    let mut diags = Vec::new();
    let mut asts = Vec::with_capacity(files.len());
    let mut stubs = Vec::with_capacity(files.len());
    for parsed in driver::parse(sources, &files, true) {
        diags.extend(parsed.diagnostics);
        asts.push(std::sync::Arc::new(parsed.ast));
        stubs.push(parsed.stubs);
    }
    let program = resolve::Program::new(sources, asts, &mut diags);
    let checked = driver::check(
        sources,
        &program,
        &files,
        |f| &stubs[f.0 as usize],
        false,
        each,
    );
    let mut names = Vec::new();
    let mut results = Vec::new();
    for c in checked {
        diags.extend(c.diagnostics);
        names.extend(c.names);
        results.extend(c.results);
    }
    diags.extend(check::duplicate_procedure_names(names.iter()));
    let mut all = diagnostic::Diagnostics::new();
    all.extend(diags);
    (all.finish(), results)
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
