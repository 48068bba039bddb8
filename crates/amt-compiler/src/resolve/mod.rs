//! Modules and imports: which declarations each file can see.
//!
//! Every file is a module. Its scope is its own top-level declarations plus the
//! names it imports. This stage resolves import paths (never outside the
//! project root), finds import cycles, and answers name lookups for the
//! checker, remembering which imports were used so unused ones can be reported.

pub mod expansion;

pub use crate::diagnostic::suggest::{did_you_mean, suggest};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, Item};
use std::collections::HashMap;

/// A top-level declaration: the file and its index in that file's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeclRef {
    /// The file declaring it.
    pub file: FileId,
    /// Index into the file's items.
    pub item: usize,
}

/// What kind of declaration a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    /// `codelist`
    Codelist,
    /// `type`
    Type,
    /// `group`
    Group,
    /// `procedure`
    Procedure,
}

impl DeclKind {
    /// For messages: "a code list".
    pub fn describe(self) -> &'static str {
        match self {
            DeclKind::Codelist => "a code list",
            DeclKind::Type => "a type",
            DeclKind::Group => "a group",
            DeclKind::Procedure => "a procedure",
        }
    }
}

struct Imported {
    name: ast::Ident,
    target: Option<(DeclRef, DeclKind)>,
    used: std::sync::atomic::AtomicBool,
}

/// One file's scope.
pub struct Module {
    /// The parsed file.
    pub ast: std::sync::Arc<ast::File>,
    own: HashMap<String, (DeclRef, DeclKind, Span)>,
    imports: Vec<Imported>,
    /// The files its imports name (found or not the names in them).
    imports_from: Vec<FileId>,
    /// Its imports' files with the place of each import, for cycles.
    edges: Vec<(FileId, Span)>,
    /// What resolving found in it: duplicate names (the first
    /// `scope_diags`), then imports that fail.
    diags: Vec<Diagnostic>,
    scope_diags: usize,
}

impl Module {
    /// A file's own declarations, before its imports are resolved.
    fn scope(file: FileId, ast: std::sync::Arc<ast::File>) -> Module {
        let mut own: HashMap<String, (DeclRef, DeclKind, Span)> = HashMap::new();
        let mut diags = Vec::new();
        for (index, item) in ast.items.iter().enumerate() {
            let Some((name, kind)) = declared(item) else {
                continue;
            };
            let decl = DeclRef { file, item: index };
            if let Some((_, _, first)) = own.get(&name.name) {
                diags.push(duplicate(name, *first, "in this file"));
            } else if kind == DeclKind::Type && amt_model::catalog::is_builtin_type(&name.name) {
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        name.span,
                        format!("`{}` is a built-in type", name.name),
                    )
                    .label("this name is taken by the language")
                    .help(format!("choose another name, e.g. `{}_art`", name.name)),
                );
            } else {
                own.insert(name.name.clone(), (decl, kind, name.span));
            }
        }
        Module {
            ast,
            own,
            imports: Vec::new(),
            imports_from: Vec::new(),
            edges: Vec::new(),
            scope_diags: diags.len(),
            diags,
        }
    }
}

/// Every module of the project, indexed by [`FileId`].
pub struct Program {
    /// Modules in file order.
    pub modules: Vec<Module>,
    /// What each declared group becomes once expanded ([`expansion`]).
    expansions: std::sync::Mutex<HashMap<DeclRef, expansion::Expansion>>,
}

fn declared(item: &Item) -> Option<(&ast::Ident, DeclKind)> {
    match item {
        Item::Codelist(c) => Some((&c.name, DeclKind::Codelist)),
        Item::Type(t) => Some((&t.name, DeclKind::Type)),
        Item::Group(g) => Some((&g.name, DeclKind::Group)),
        Item::Procedure(p) => Some((&p.name, DeclKind::Procedure)),
        Item::Import(_) | Item::Stray(_) | Item::Municipality(_) => None,
    }
}

/// Resolves an import path against the root: `common/person` → `common/person.amt`.
/// `Err` when it climbs above the root.
fn normalise(path: &str) -> Result<String, ()> {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(())?;
            }
            s => parts.push(s),
        }
    }
    Ok(format!("{}.amt", parts.join("/")))
}

/// The files of the project a parsed file's imports name (those that
/// exist), before any scope is built: what must be parsed to check it.
pub fn import_targets<'a>(
    sources: &'a SourceMap,
    file: &'a ast::File,
) -> impl Iterator<Item = FileId> + 'a {
    file.items.iter().filter_map(|item| match item {
        Item::Import(import) => sources.find(&normalise(&import.path.value).ok()?),
        _ => None,
    })
}

impl Program {
    /// Builds the module scopes and resolves imports.
    pub fn new(
        sources: &SourceMap,
        files: Vec<std::sync::Arc<ast::File>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Program {
        let mut program = Program {
            modules: files
                .into_iter()
                .enumerate()
                .map(|(i, ast)| Module::scope(FileId(i as u32), ast))
                .collect(),
            expansions: Default::default(),
        };
        for i in 0..program.modules.len() {
            program.resolve_imports(sources, i);
        }
        diags.extend(program.diagnostics(sources));
        program
    }

    /// Puts a changed file's tree in place of its old one: its scope is
    /// built again and the imports of it and of every file importing from
    /// it are resolved again; the other modules stay as they are. The
    /// result is the program [`Program::new`] makes of the same files (the
    /// file must not be new: a new file can be what an import looked for).
    pub fn update(&mut self, sources: &SourceMap, file: FileId, ast: std::sync::Arc<ast::File>) {
        let index = file.0 as usize;
        self.modules[index] = Module::scope(file, ast);
        // A declaration's index may have moved, and a group's size changed.
        self.expansions
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        let importers: Vec<usize> = (0..self.modules.len())
            .filter(|&i| i == index || self.modules[i].imports_from.contains(&file))
            .collect();
        for i in importers {
            self.resolve_imports(sources, i);
        }
    }

    /// What resolving found, in module order, then import cycles.
    pub fn diagnostics(&self, sources: &SourceMap) -> Vec<Diagnostic> {
        let mut diags: Vec<Diagnostic> = self
            .modules
            .iter()
            .flat_map(|m| m.diags.iter().cloned())
            .collect();
        let edges: Vec<&[(FileId, Span)]> =
            self.modules.iter().map(|m| m.edges.as_slice()).collect();
        report_cycles(sources, &edges, &mut diags);
        diags
    }

    /// Forgets which imports of a file were used, before it is checked again.
    pub fn reset_used(&self, file: FileId) {
        for import in &self.module(file).imports {
            import
                .used
                .store(false, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Resolves the imports of module `i` against the others' scopes.
    fn resolve_imports(&mut self, sources: &SourceMap, i: usize) {
        let modules = &self.modules;
        let mut diags = Vec::new();
        let mut edges = Vec::new();
        let mut imports: Vec<Imported> = Vec::new();
        for item in &modules[i].ast.items {
            let Item::Import(import) = item else { continue };
            let target = match normalise(&import.path.value) {
                Err(()) => {
                    diags.push(
                        Diagnostic::new(Code::ImportOutsideRoot, import.path.span, format!("`{}` leaves the project folder", import.path.value))
                            .label("this path climbs above the project root")
                            .help("imports are relative to the project root; keep shared files inside the project"),
                    );
                    None
                }
                Ok(name) => match sources.find(&name) {
                    Some(target) => Some(target),
                    None => {
                        let known: Vec<String> = sources
                            .iter()
                            .map(|(_, f)| f.name.trim_end_matches(".amt").to_string())
                            .collect();
                        let mut d = Diagnostic::new(
                            Code::ImportNotFound,
                            import.path.span,
                            format!("there is no file `{name}` in the project"),
                        )
                        .label("no such file");
                        d = suggest(
                            d,
                            &import.path.value,
                            known.iter().map(String::as_str),
                            "paths are relative to the project root and name the file without `.amt`",
                        );
                        diags.push(d);
                        None
                    }
                },
            };
            if let Some(target) = target {
                edges.push((target, import.span));
            }
            for name in &import.names {
                let resolved = target.and_then(|t| {
                    let found = modules[t.0 as usize]
                        .own
                        .get(&name.name)
                        .map(|(d, k, _)| (*d, *k));
                    if found.is_none() {
                        let module = &modules[t.0 as usize];
                        let mut d = Diagnostic::new(
                            Code::UnknownImport,
                            name.span,
                            format!("`{}` declares no `{}`", sources.get(t).name, name.name),
                        )
                        .label("not declared there");
                        let mut declared: Vec<&str> =
                            module.own.keys().map(String::as_str).collect();
                        declared.sort_unstable();
                        d = if let Some(s) = did_you_mean(&name.name, declared.iter().copied()) {
                            d.help(format!("did you mean `{s}`?"))
                        } else if declared.is_empty() {
                            d.help("that file declares nothing that can be imported")
                        } else {
                            d.help(format!("it declares: {}", declared.join(", ")))
                        };
                        diags.push(d);
                    }
                    found
                });
                if let Some((_, _, first)) = modules[i].own.get(&name.name) {
                    diags.push(duplicate(name, *first, "declared in this file"));
                } else if let Some(prev) = imports.iter().find(|p| p.name.name == name.name) {
                    diags.push(duplicate(name, prev.name.span, "already imported"));
                }
                imports.push(Imported {
                    name: name.clone(),
                    target: resolved,
                    used: std::sync::atomic::AtomicBool::new(false),
                });
            }
        }
        let module = &mut self.modules[i];
        // The scope's own findings stay first, as when it was built.
        module.diags.truncate(module.scope_diags);
        module.diags.extend(diags);
        module.imports = imports;
        module.imports_from = edges.iter().map(|(t, _)| *t).collect();
        module.edges = edges;
    }

    /// The module of a file.
    pub fn module(&self, file: FileId) -> &Module {
        &self.modules[file.0 as usize]
    }

    /// The item a declaration refers to.
    pub fn item(&self, decl: DeclRef) -> &Item {
        &self.module(decl.file).ast.items[decl.item]
    }

    /// Where a declaration's name is written.
    pub fn name_span(&self, decl: DeclRef) -> Option<Span> {
        match self.item(decl) {
            Item::Codelist(c) => Some(c.name.span),
            Item::Type(t) => Some(t.name.span),
            Item::Group(d) | Item::Procedure(d) => Some(d.name.span),
            Item::Import(_) | Item::Stray(_) | Item::Municipality(_) => None,
        }
    }

    /// The names a file imports, each with where the name is declared in
    /// the file it comes from (imports that failed left out).
    pub fn imported_names(&self, file: FileId) -> impl Iterator<Item = (Span, Span)> + '_ {
        self.module(file).imports.iter().filter_map(|i| {
            let (decl, _) = i.target?;
            Some((i.name.span, self.name_span(decl)?))
        })
    }

    /// The files a file imports from.
    pub fn imported_files(&self, file: FileId) -> impl Iterator<Item = FileId> + '_ {
        self.module(file).imports_from.iter().copied()
    }

    /// Looks a name up in a file's scope (own declarations, then imports).
    pub fn lookup(&self, file: FileId, name: &str) -> Option<(DeclRef, DeclKind)> {
        let module = self.module(file);
        if let Some((d, k, _)) = module.own.get(name) {
            return Some((*d, *k));
        }
        module
            .imports
            .iter()
            .find(|i| i.name.name == name)
            .and_then(|i| {
                i.used.store(true, std::sync::atomic::Ordering::Relaxed);
                i.target
            })
    }

    /// Whether a name is imported by a file but the import failed (already
    /// reported), so its uses should not be reported again.
    pub fn is_broken_import(&self, file: FileId, name: &str) -> bool {
        self.module(file)
            .imports
            .iter()
            .any(|i| i.name.name == name && i.target.is_none())
    }

    /// Names of a kind visible in a file, for "did you mean".
    pub fn names_of(&self, file: FileId, kind: DeclKind) -> Vec<&str> {
        let module = self.module(file);
        let own = module
            .own
            .iter()
            .filter(|(_, (_, k, _))| *k == kind)
            .map(|(n, _)| n.as_str());
        let imported = module
            .imports
            .iter()
            .filter(|i| i.target.is_some_and(|(_, k)| k == kind))
            .map(|i| i.name.name.as_str());
        let mut names: Vec<&str> = own.chain(imported).collect();
        names.sort_unstable();
        names
    }

    /// Warns about imports nothing looked up. Call after checking everything.
    pub fn report_unused_imports(&self, diags: &mut Vec<Diagnostic>) {
        for index in 0..self.modules.len() {
            self.report_unused_imports_of(FileId(index as u32), diags);
        }
    }

    /// The unused imports of one file (after its declarations were checked).
    pub fn report_unused_imports_of(&self, file: FileId, diags: &mut Vec<Diagnostic>) {
        {
            let module = self.module(file);
            for import in &module.imports {
                if import.target.is_some()
                    && !import.used.load(std::sync::atomic::Ordering::Relaxed)
                {
                    diags.push(
                        Diagnostic::new(
                            Code::UnusedImport,
                            import.name.span,
                            format!("`{}` is imported but never used", import.name.name),
                        )
                        .label("unused")
                        .help("remove it from the import list"),
                    );
                }
            }
        }
    }
}

fn duplicate(name: &ast::Ident, first: Span, first_label: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        name.span,
        format!("`{}` is declared twice", name.name),
    )
    .label("second declaration")
    .secondary(first, format!("first {first_label}"))
    .help("rename one of them; names must be unique in their scope")
}

/// Reports each import cycle once, at the import that closes it.
fn report_cycles(sources: &SourceMap, edges: &[&[(FileId, Span)]], diags: &mut Vec<Diagnostic>) {
    // Iterative depth-first search with colours: 0 new, 1 on the stack, 2 done.
    let n = edges.len();
    let mut colour = vec![0u8; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut path: Vec<usize> = Vec::new();
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        stack.push((start, 0));
        colour[start] = 1;
        path.push(start);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&(target, span)) = edges[node].get(*next) {
                *next += 1;
                let t = target.0 as usize;
                match colour[t] {
                    0 => {
                        colour[t] = 1;
                        path.push(t);
                        stack.push((t, 0));
                    }
                    1 => {
                        let from = path.iter().position(|&p| p == t).unwrap_or(0);
                        let chain: Vec<&str> = path[from..]
                            .iter()
                            .chain(std::iter::once(&t))
                            .map(|&f| sources.get(FileId(f as u32)).name.as_str())
                            .collect();
                        diags.push(
                            Diagnostic::new(
                                Code::ImportCycle,
                                span,
                                "files import each other in a circle",
                            )
                            .label("this import closes the circle")
                            .note(format!("the circle: {}", chain.join(" → ")))
                            .help("move the shared declarations into a file that both import"),
                        );
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                path.pop();
                stack.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn normalises_paths_inside_the_root() {
        assert_eq!(normalise("common/person"), Ok("common/person.amt".into()));
        assert_eq!(normalise("a/../common/./x"), Ok("common/x.amt".into()));
        assert_eq!(normalise("../outside"), Err(()));
        assert_eq!(normalise("a/../../x"), Err(()));
    }
}
