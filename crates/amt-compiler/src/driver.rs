//! The one driver of a check: parse files, resolve their names, check their
//! declarations. [`crate::compile`], [`crate::compile_each`] and the
//! [`crate::Workspace`] (watch mode, editors) are its callers; they differ
//! only in which files they check again and what they keep of a checked
//! procedure.

use crate::check::Reference;
use crate::diagnostic::Diagnostic;
use crate::resolve::Program;
use crate::source::{FileId, SourceMap};
use crate::syntax::ast;
use crate::{check, ir, par, syntax};
use std::ops::Range;

/// A file as read by [`parse`].
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// The file's tree.
    pub ast: ast::File,
    /// Procedures kept as stubs in `ast`: each one's index among the items
    /// and the range of its text, parsed when it is checked.
    pub stubs: Vec<(usize, Range<usize>)>,
    /// Problems found while parsing.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses files on every core: whole, or (`outline`) with their
/// procedures as stubs, so that a check of thousands of procedures never
/// holds all their trees at once.
pub(crate) fn parse(sources: &SourceMap, files: &[FileId], outline: bool) -> Vec<Parsed> {
    par::map(files, |&id| {
        let file = sources.get(id);
        if !file.parse {
            return Parsed::default();
        }
        if outline {
            let o = syntax::parse_outline(id, &file.text);
            Parsed {
                ast: o.file,
                stubs: o.procedures,
                diagnostics: o.diagnostics,
            }
        } else {
            let (ast, diagnostics) = syntax::parse_file(id, &file.text);
            Parsed {
                ast,
                stubs: Vec::new(),
                diagnostics,
            }
        }
    })
}

/// What checking one file's declarations gave.
#[derive(Debug)]
pub(crate) struct Checked<R> {
    /// Its problems, its unused imports included.
    pub diagnostics: Vec<Diagnostic>,
    /// What `each` made of its procedures, in source order.
    pub results: Vec<R>,
    /// The names of its procedures that parsed, for duplicates across files.
    pub names: Vec<ast::Ident>,
    /// What each name written in it refers to (when asked for).
    pub references: Vec<Reference>,
}

/// Checks every declaration of `files` on every core (a procedure kept as
/// a stub is parsed for its check), hands each checked procedure to `each`
/// with its own diagnostics on the worker that checked it, and reports
/// each file's unused imports. `stubs` gives a file's stubs. With
/// `references`, what each name refers to is kept (for editors).
pub(crate) fn check<'s, R: Send>(
    sources: &SourceMap,
    program: &Program,
    files: &[FileId],
    stubs: impl Fn(FileId) -> &'s [(usize, Range<usize>)] + Sync,
    references: bool,
    each: impl Fn(ir::Procedure, &[Diagnostic]) -> R + Sync,
) -> Vec<Checked<R>> {
    let units: Vec<(usize, FileId, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(at, &file)| {
            (0..program.module(file).ast.items.len()).map(move |item| (at, file, item))
        })
        .collect();
    let done = par::map(&units, |&(_, file, index)| {
        let mut diags = Vec::new();
        let mut refs = Vec::new();
        let item = &program.module(file).ast.items[index];
        let stub = stubs(file).iter().find(|(i, _)| *i == index);
        // A declaration read around a syntax error (`ast::File::recovered`)
        // is checked, so that what uses it finds it, but its own problems
        // beyond reading it are not reported: they would echo the error.
        let (name, procedure) = match stub {
            Some((_, range)) => {
                let text = &sources.get(file).text;
                match syntax::parse_procedure(file, text, range.clone(), &mut diags) {
                    Some(decl) => {
                        let p = check::check_procedure(
                            sources, program, file, &decl, &mut diags, &mut refs,
                        );
                        if syntax::has_syntax_error(&diags) {
                            diags.retain(syntax::is_reading_problem);
                        }
                        (Some(decl.name), Some(p))
                    }
                    None => (None, None),
                }
            }
            None => {
                let name = match item {
                    ast::Item::Procedure(decl) => Some(decl.name.clone()),
                    _ => None,
                };
                let p =
                    check::check_item(sources, program, file, index, item, &mut diags, &mut refs);
                if program.module(file).ast.recovered.contains(&index) {
                    diags.retain(syntax::is_reading_problem);
                }
                (name, p)
            }
        };
        let result = procedure.map(|p| each(p, &diags));
        if !references {
            refs = Vec::new();
        }
        (diags, name, result, refs)
    });
    let mut checked: Vec<Checked<R>> = files
        .iter()
        .map(|_| Checked {
            diagnostics: Vec::new(),
            results: Vec::new(),
            names: Vec::new(),
            references: Vec::new(),
        })
        .collect();
    for (&(at, _, _), (diags, name, result, refs)) in units.iter().zip(done) {
        let c = &mut checked[at];
        c.diagnostics.extend(diags);
        c.names.extend(name);
        c.results.extend(result);
        c.references.extend(refs);
    }
    // A file's imports are used once all its declarations are checked.
    for (c, &file) in checked.iter_mut().zip(files) {
        program.report_unused_imports_of(file, &mut c.diagnostics);
        if references {
            c.references.extend(
                program
                    .imported_names(file)
                    .map(|(at, to)| Reference { at, to }),
            );
        }
    }
    checked
}
