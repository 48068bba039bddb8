//! A project kept in memory between changes, for watch mode and editors:
//! after a file changes, only that file is parsed again and only the
//! declarations that depend on it (its own, and those of every file that
//! imports from it, directly or not) are checked again.

use crate::check::Reference;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap};
use crate::syntax::ast;
use crate::{check, driver, ir, resolve};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What is known of one file.
#[derive(Default)]
struct FileState {
    ast: Arc<ast::File>,
    /// Without models, procedures are kept as stubs in `ast` (their names):
    /// each one's index among the items and the range of its text, parsed
    /// when it is checked.
    stubs: Vec<(usize, std::ops::Range<usize>)>,
    parse: Vec<Diagnostic>,
    /// From checking the file's declarations, and its unused imports.
    check: Vec<Diagnostic>,
    procedures: Vec<ir::Procedure>,
    /// The names of the file's procedures that parsed, for duplicates.
    names: Vec<ast::Ident>,
    /// What each name written in the file refers to (editors only).
    references: Vec<Reference>,
    /// Counts the file's parses: what the municipalities' reading of it
    /// was made from.
    version: u64,
    /// What the municipalities need of its procedures.
    facts: Vec<crate::municipal::ProcedureFacts>,
}

/// A checked project that can be changed one file at a time.
pub struct Workspace {
    sources: SourceMap,
    /// Found while loading (files too large, not text).
    load: Vec<Diagnostic>,
    files: Vec<FileState>,
    /// Found across files: resolving names and imports, duplicate procedures.
    global: Vec<Diagnostic>,
    /// The names of the project, as of the last check.
    program: Option<resolve::Program>,
    /// Whether checked models and procedures' syntax trees are kept (for
    /// watch mode, not for editors).
    keep_models: bool,
    /// The project's municipalities, checked after every change (from the
    /// syntax trees kept: no file is read again).
    municipalities: crate::municipal::Municipalities,
    /// What checking them found.
    municipal: Vec<Diagnostic>,
    /// Each file's municipalities as read on their own, by version.
    municipal_cache: crate::municipal::DeclCache,
    /// The municipalities' local questions as checked, by their text.
    additions_cache: crate::municipal::AdditionsCache,
    /// The next version a parse gives a file.
    versions: u64,
}

impl Workspace {
    /// Checks every file of `sources`, as [`crate::compile`] does.
    pub fn new(sources: SourceMap, load: Vec<Diagnostic>) -> Workspace {
        Workspace::with_models(sources, load, true)
    }

    /// Like [`Workspace::new`]; with `keep_models` false, the checked models
    /// are dropped as soon as they are checked ([`Workspace::procedures`] is
    /// then empty) and a procedure's text is parsed only while it is checked
    /// ([`Workspace::ast`] holds it as a stub): what an editor needs, in a
    /// fraction of the memory.
    pub fn with_models(sources: SourceMap, load: Vec<Diagnostic>, keep_models: bool) -> Workspace {
        let mut ws = Workspace {
            files: (0..sources.len()).map(|_| FileState::default()).collect(),
            sources,
            load,
            global: Vec::new(),
            program: None,
            keep_models,
            municipalities: Default::default(),
            municipal: Vec::new(),
            municipal_cache: Default::default(),
            additions_cache: Default::default(),
            versions: 0,
        };
        let all: Vec<FileId> = ws.sources.iter().map(|(id, _)| id).collect();
        ws.parse(&all);
        ws.check(None);
        ws
    }

    /// Loads and checks a project folder.
    pub fn open(root: &std::path::Path) -> Result<Workspace, crate::LoadError> {
        let (sources, load) = crate::load(root)?;
        Ok(Workspace::new(sources, load))
    }

    /// Sets the text of a file (by its project-relative name, added if it is
    /// new, after the files already there) and checks again what depends on
    /// it. Returns the ids of the procedures checked again.
    pub fn set_file(&mut self, name: &str, text: impl Into<Vec<u8>>) -> Vec<String> {
        let text: Vec<u8> = text.into();
        let existing = self.sources.find(name);
        if let Some(id) = existing {
            // What loading said of the old text no longer holds.
            self.load.retain(|d| d.primary.span.file != id);
        }
        let size = text.len() as u64;
        let bytes = if size > crate::MAX_FILE_BYTES {
            Vec::new()
        } else {
            text
        };
        let examined = crate::load::examine(name.to_string(), bytes, size);
        let found = crate::load::admit(&mut self.sources, existing, examined);
        self.load.extend(found);
        let id = existing.unwrap_or_else(|| {
            self.files.push(FileState::default());
            FileId(self.sources.len() as u32 - 1)
        });
        self.parse(&[id]);
        // A new file may be what an import was looking for: check everything.
        self.check(existing)
    }

    fn parse(&mut self, ids: &[FileId]) {
        let parsed = driver::parse(&self.sources, ids, !self.keep_models);
        for (id, parsed) in ids.iter().zip(parsed) {
            self.versions += 1;
            let state = &mut self.files[id.0 as usize];
            state.version = self.versions;
            state.ast = Arc::new(parsed.ast);
            state.parse = parsed.diagnostics;
            state.stubs = parsed.stubs;
        }
    }

    /// Resolves the whole program again (cheap: names only) and checks the
    /// files that depend on `changed` (every file when `None`).
    fn check(&mut self, changed: Option<FileId>) -> Vec<String> {
        // The names: only the changed file's scope and the imports that
        // name it are resolved again (every file's, after a new file).
        let program = match (changed, self.program.take()) {
            (Some(id), Some(mut program)) => {
                program.update(
                    &self.sources,
                    id,
                    Arc::clone(&self.files[id.0 as usize].ast),
                );
                program
            }
            _ => {
                let asts = self.files.iter().map(|f| Arc::clone(&f.ast)).collect();
                resolve::Program::new(&self.sources, asts, &mut Vec::new())
            }
        };
        let mut global = program.diagnostics(&self.sources);
        let affected: Vec<FileId> = match changed {
            None => (0..self.files.len()).map(|i| FileId(i as u32)).collect(),
            Some(id) => dependents(&program, id).into_iter().collect(),
        };
        for &file in &affected {
            program.reset_used(file);
        }
        let keep = self.keep_models;
        let files = &self.files;
        let checked = driver::check(
            &self.sources,
            &program,
            &affected,
            |f| &files[f.0 as usize].stubs,
            !keep,
            |p, _| {
                let facts = crate::municipal::ProcedureFacts::of(&p);
                (p.id.clone(), facts, keep.then_some(p))
            },
        );
        let mut ids = Vec::new();
        for (file, c) in affected.iter().zip(checked) {
            let state = &mut self.files[file.0 as usize];
            state.check = c.diagnostics;
            state.procedures = Vec::new();
            state.facts = Vec::new();
            for (id, facts, p) in c.results {
                ids.push(id);
                state.facts.push(facts);
                state.procedures.extend(p);
            }
            state.names = c.names;
            state.references = c.references;
        }
        // Duplicates among the procedures that parsed, as `compile` finds them.
        global.extend(check::duplicate_procedure_names(
            self.files.iter().flat_map(|f| f.names.iter()),
        ));
        self.global = global;
        self.program = Some(program);
        let facts: Vec<crate::municipal::ProcedureFacts> = self
            .files
            .iter()
            .flat_map(|f| f.facts.iter().cloned())
            .collect();
        let asts: Vec<(FileId, &ast::File)> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), &*f.ast))
            .collect();
        let versions: Vec<u64> = self.files.iter().map(|f| f.version).collect();
        let (mut municipalities, mut found) = crate::municipal::check_files_cached(
            &self.sources,
            &asts,
            &versions,
            &facts,
            &mut self.municipal_cache,
        );
        if let Some(program) = &self.program {
            found.extend(crate::municipal::check_additions_cached(
                &self.sources,
                program,
                &mut municipalities,
                Some(&mut self.additions_cache),
            ));
        }
        self.municipalities = municipalities;
        self.municipal = found;
        ids
    }

    /// What the municipalities know of each checked procedure (its
    /// parameters, identity, examples), also where models are not kept.
    pub fn procedure_facts(&self) -> impl Iterator<Item = &crate::municipal::ProcedureFacts> {
        self.files.iter().flat_map(|f| f.facts.iter())
    }

    /// The project's municipalities, as of the last check.
    pub fn municipalities(&self) -> &crate::municipal::Municipalities {
        &self.municipalities
    }

    /// The names of the project (declarations and imports of every file).
    pub fn program(&self) -> &resolve::Program {
        self.program
            .as_ref()
            .expect("a workspace is checked when it is made")
    }

    /// A file's syntax tree (without models, procedures are stubs: see
    /// [`Workspace::with_models`]).
    pub fn ast(&self, file: FileId) -> Arc<ast::File> {
        Arc::clone(&self.files[file.0 as usize].ast)
    }

    /// The sources, for rendering diagnostics.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// Every problem of the project, sorted by place.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = Diagnostics::new();
        all.extend(self.load.iter().cloned());
        all.extend(self.global.iter().cloned());
        all.extend(self.municipal.iter().cloned());
        for f in &self.files {
            all.extend(f.parse.iter().cloned());
            all.extend(f.check.iter().cloned());
        }
        all.finish()
    }

    /// What each name written in `file` refers to, as the checker resolved
    /// it (kept in the mode for editors, see [`Workspace::with_models`]).
    pub fn references(&self, file: FileId) -> &[Reference] {
        &self.files[file.0 as usize].references
    }

    /// Every use of the declaration whose name is written at `to`, in any
    /// file (the mode for editors).
    pub fn uses_of(
        &self,
        to: crate::source::Span,
    ) -> impl Iterator<Item = crate::source::Span> + '_ {
        self.files
            .iter()
            .flat_map(|f| f.references.iter())
            .filter(move |r| r.to == to)
            .map(|r| r.at)
    }

    /// Every checked procedure, in source order.
    pub fn procedures(&self) -> impl Iterator<Item = &ir::Procedure> {
        self.files.iter().flat_map(|f| f.procedures.iter())
    }
}

/// The file and every file that imports from it, directly or through others.
fn dependents(program: &resolve::Program, changed: FileId) -> BTreeSet<FileId> {
    let n = program.modules.len();
    let mut importers: Vec<Vec<FileId>> = vec![Vec::new(); n];
    for i in 0..n {
        let file = FileId(i as u32);
        for target in program.imported_files(file) {
            importers[target.0 as usize].push(file);
        }
    }
    let mut seen = BTreeSet::from([changed]);
    let mut stack = vec![changed];
    while let Some(f) = stack.pop() {
        for &importer in &importers[f.0 as usize] {
            if seen.insert(importer) {
                stack.push(importer);
            }
        }
    }
    seen
}
