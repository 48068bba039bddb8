//! What an editor asks about names: every declaration of a file, every use
//! of a name, and what each use refers to. Built from the syntax tree, so it
//! works while the rest of the project has errors.
//!
//! Names resolve as the checker resolves them: code lists, types and groups
//! through the file's declarations and imports ([`resolve::Program`]); a
//! field, group or computed value from the innermost enclosing group outward
//! (pages do not make names), then through the group a field is made of;
//! a bare name that is no field, as a value of a code list in scope;
//! workflow states, actors, documents and decisions within the procedure.

use amt_compiler::resolve::Program;
use amt_compiler::source::{FileId, SourceMap, Span};
use amt_compiler::syntax::ast::{self, Expr, ExprKind, Item, Stmt, Text};

/// What a declaration is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefKind {
    /// `procedure`
    Procedure,
    /// `codelist`
    Codelist,
    /// A value of a code list.
    Code,
    /// `type`
    Type,
    /// A top-level `group`.
    Group,
    /// A field.
    Field,
    /// A group inside a procedure or group.
    Subgroup,
    /// `page`
    Page,
    /// `attachment`
    Attachment,
    /// `computed`
    Computed,
    /// `fee`
    Fee,
    /// `deadline`
    Deadline,
    /// A workflow state (start, step, parallel, timer, end).
    State,
    /// `actor`
    Actor,
    /// `document`
    Document,
    /// `decide`
    Decision,
    /// `example`
    Example,
}

impl DefKind {
    /// The keyword that declares it.
    pub fn keyword(self) -> &'static str {
        match self {
            DefKind::Procedure => "procedure",
            DefKind::Codelist => "codelist",
            DefKind::Code => "code",
            DefKind::Type => "type",
            DefKind::Group | DefKind::Subgroup => "group",
            DefKind::Field => "field",
            DefKind::Page => "page",
            DefKind::Attachment => "attachment",
            DefKind::Computed => "computed",
            DefKind::Fee => "fee",
            DefKind::Deadline => "deadline",
            DefKind::State => "state",
            DefKind::Actor => "actor",
            DefKind::Document => "document",
            DefKind::Decision => "decide",
            DefKind::Example => "example",
        }
    }

    /// Whether the name is data a path can name.
    fn is_data(self) -> bool {
        matches!(
            self,
            DefKind::Field
                | DefKind::Subgroup
                | DefKind::Attachment
                | DefKind::Computed
                | DefKind::Fee
                | DefKind::Deadline
        )
    }

    fn is_workflow(self) -> bool {
        matches!(
            self,
            DefKind::State | DefKind::Actor | DefKind::Document | DefKind::Decision
        )
    }
}

/// One declaration.
#[derive(Debug)]
pub struct Def {
    /// What it is.
    pub kind: DefKind,
    /// Its name.
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// The whole declaration.
    pub span: Span,
    /// The enclosing declaration.
    pub parent: Option<usize>,
    /// Its label in the source language.
    pub label: Option<String>,
    /// Its type as written (`text(max 55)`, `anschrift[1..3]`).
    pub type_text: Option<String>,
    /// The group or type it is made of (its type's name).
    pub type_name: Option<String>,
    /// `when` conditions, as written.
    pub conditions: Vec<String>,
    /// Whether it is `required`.
    pub required: bool,
    /// Legal references.
    pub legal: Vec<String>,
    /// A computed value's expression, as written.
    pub value: Option<String>,
}

/// How a use of a name is looked up.
#[derive(Clone, Debug)]
pub enum RefKind {
    /// A code list, type or group, through the file's scope.
    Global,
    /// A segment of a data path: the segments before it, and the innermost
    /// enclosing declaration.
    Data {
        /// The segments before this one.
        before: Vec<String>,
        /// The declaration whose scope the path is written in.
        scope: usize,
    },
    /// A workflow name within the procedure (the procedure's def).
    Workflow {
        /// The procedure.
        procedure: usize,
        /// What kind of declaration the name must be.
        kind: DefKind,
    },
}

/// A use of a name.
#[derive(Clone, Debug)]
pub struct Ref {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// How it is looked up.
    pub kind: RefKind,
}

/// A file's declarations and uses of names.
#[derive(Debug, Default)]
pub struct FileIndex {
    /// Declarations, parents before children, in source order.
    pub defs: Vec<Def>,
    /// Uses of names, in source order.
    pub refs: Vec<Ref>,
}

/// A declaration somewhere in the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// The file.
    pub file: FileId,
    /// Its index in that file's [`FileIndex::defs`].
    pub def: usize,
}

impl FileIndex {
    /// Indexes a parsed file.
    pub fn new(sources: &SourceMap, file: &ast::File) -> FileIndex {
        let mut b = Indexer {
            sources,
            index: FileIndex::default(),
        };
        for item in &file.items {
            b.item(item);
        }
        b.index
    }

    /// Indexes a file of `sources`, parsed whole for it: the workspace of
    /// an editor keeps procedures as stubs; the index keeps only names and
    /// places.
    pub fn of(sources: &SourceMap, file: FileId) -> FileIndex {
        let source = sources.get(file);
        if !source.parse {
            return FileIndex::default();
        }
        let (ast, _) = amt_compiler::syntax::parse_file(file, &source.text);
        FileIndex::new(sources, &ast)
    }

    /// The declaration whose name, or the use of a name, is at `offset`.
    pub fn at(&self, offset: usize) -> Option<At<'_>> {
        let within = |s: &Span| s.range().start <= offset && offset <= s.range().end;
        if let Some(i) = self.defs.iter().position(|d| within(&d.name_span)) {
            return Some(At::Def(i));
        }
        self.refs.iter().find(|r| within(&r.span)).map(At::Ref)
    }

    /// The innermost declaration containing `offset`.
    pub fn enclosing(&self, offset: usize) -> Option<usize> {
        self.defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.span.range().start <= offset && offset <= d.span.range().end)
            .max_by_key(|(i, d)| (d.span.range().start, *i))
            .map(|(i, _)| i)
    }

    /// The declarations directly inside `parent` (top-level ones for `None`).
    pub fn children(&self, parent: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        (0..self.defs.len()).filter(move |&i| self.defs[i].parent == parent)
    }

    /// Data names visible from `scope`, innermost first (fields in pages
    /// included, as pages make no names).
    pub fn data_in(&self, scope: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut current = Some(scope);
        while let Some(s) = current {
            self.collect_data(s, &mut out);
            current = self.defs[s].parent;
        }
        out
    }

    /// The data names that belong to `container`: its children, looking
    /// through pages.
    fn collect_data(&self, container: usize, out: &mut Vec<usize>) {
        for child in self.children(Some(container)) {
            let kind = self.defs[child].kind;
            if kind.is_data() {
                out.push(child);
            } else if kind == DefKind::Page {
                self.collect_data(child, out);
            }
        }
    }

    /// The top-level declaration `def` is in.
    pub fn top(&self, mut def: usize) -> usize {
        while let Some(p) = self.defs[def].parent {
            def = p;
        }
        def
    }
}

/// What is at a place in a file.
#[derive(Debug)]
pub enum At<'i> {
    /// The name of a declaration.
    Def(usize),
    /// A use of a name.
    Ref(&'i Ref),
}

/// Resolves uses of names across the project.
pub struct Resolver<'p> {
    /// The project's modules.
    pub program: &'p Program,
    /// Each file's index, by [`FileId`].
    pub indexes: &'p [std::sync::Arc<FileIndex>],
}

impl Resolver<'_> {
    /// What a use of a name in `file` refers to.
    pub fn resolve(&self, file: FileId, r: &Ref) -> Option<Target> {
        let index = &self.indexes[file.0 as usize];
        match &r.kind {
            RefKind::Global => self.global(file, &r.name),
            RefKind::Workflow { procedure, kind } => {
                let top = index.top(*procedure);
                (0..index.defs.len())
                    .find(|&i| {
                        let d = &index.defs[i];
                        d.name == r.name
                            && (d.kind == *kind
                                || *kind == DefKind::State && d.kind == DefKind::Decision)
                            && index.top(i) == top
                    })
                    .map(|def| Target { file, def })
            }
            RefKind::Data { before, scope } => {
                let mut names = before.iter().chain(std::iter::once(&r.name));
                let first = names.next()?;
                let found = index
                    .data_in(*scope)
                    .into_iter()
                    .find(|&d| index.defs[d].name == *first)
                    .map(|def| Target { file, def });
                let Some(mut current) = found else {
                    // A bare name that is no data: a value of a code list.
                    return if before.is_empty() {
                        self.code(file, &r.name)
                    } else {
                        None
                    };
                };
                for name in names {
                    current = self.member(current, name)?;
                }
                Some(current)
            }
        }
    }

    /// A code list, type or group visible in `file`.
    fn global(&self, file: FileId, name: &str) -> Option<Target> {
        let (decl, _) = self.program.lookup(file, name)?;
        let index = self.indexes.get(decl.file.0 as usize)?;
        // By name (an import cannot rename): the program may count the
        // items of a file differently while a procedure in it is broken.
        let def = index.defs.iter().position(|d| {
            d.parent.is_none()
                && matches!(d.kind, DefKind::Codelist | DefKind::Type | DefKind::Group)
                && d.name == name
        })?;
        Some(Target {
            file: decl.file,
            def,
        })
    }

    /// A member of a group: its own block's, or those of the group it is
    /// made of.
    fn member(&self, group: Target, name: &str) -> Option<Target> {
        let index = &self.indexes[group.file.0 as usize];
        let mut own = Vec::new();
        index.collect_data(group.def, &mut own);
        if let Some(def) = own.into_iter().find(|&d| index.defs[d].name == name) {
            return Some(Target {
                file: group.file,
                def,
            });
        }
        let base = index.defs[group.def].type_name.as_deref()?;
        let decl = self.global(group.file, base)?;
        self.member(decl, name)
    }

    /// A value of a code list visible in `file` (own or imported lists).
    fn code(&self, file: FileId, name: &str) -> Option<Target> {
        let index = &self.indexes[file.0 as usize];
        let own = (0..index.defs.len())
            .find(|&i| index.defs[i].kind == DefKind::Code && index.defs[i].name == name);
        if let Some(def) = own {
            return Some(Target { file, def });
        }
        for imported in self.program.imported_files(file) {
            let other = &self.indexes[imported.0 as usize];
            if let Some(def) = (0..other.defs.len())
                .find(|&i| other.defs[i].kind == DefKind::Code && other.defs[i].name == name)
            {
                return Some(Target {
                    file: imported,
                    def,
                });
            }
        }
        None
    }
}

struct Indexer<'s> {
    sources: &'s SourceMap,
    index: FileIndex,
}

impl Indexer<'_> {
    fn text(&self, span: Span) -> String {
        self.sources.get(span.file).text[span.range()].to_string()
    }

    #[allow(clippy::too_many_arguments)]
    fn def(
        &mut self,
        kind: DefKind,
        name: &ast::Ident,
        span: Span,
        parent: Option<usize>,
        label: Option<&Text>,
    ) -> usize {
        self.index.defs.push(Def {
            kind,
            name: name.name.clone(),
            name_span: name.span,
            span,
            parent,
            label: label.map(|t| t.source.value.clone()),
            type_text: None,
            type_name: None,
            conditions: Vec::new(),
            required: false,
            legal: Vec::new(),
            value: None,
        });
        self.index.defs.len() - 1
    }

    fn global_ref(&mut self, name: &ast::Ident) {
        self.index.refs.push(Ref {
            name: name.name.clone(),
            span: name.span,
            kind: RefKind::Global,
        });
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Import(import) => {
                for name in &import.names {
                    self.global_ref(name);
                }
            }
            Item::Codelist(c) => {
                let d = self.def(DefKind::Codelist, &c.name, c.span, None, c.label.as_ref());
                for entry in &c.entries {
                    let name = ast::Ident {
                        name: entry.code.value.clone(),
                        span: entry.code.span,
                    };
                    self.def(
                        DefKind::Code,
                        &name,
                        entry.span,
                        Some(d),
                        entry.label.as_ref(),
                    );
                }
            }
            Item::Type(t) => {
                let d = self.def(DefKind::Type, &t.name, t.span, None, t.label.as_ref());
                self.type_ref(&t.base, d);
                self.body(&t.body, d);
            }
            Item::Group(g) | Item::Procedure(g) => {
                let kind = if matches!(item, Item::Group(_)) {
                    DefKind::Group
                } else {
                    DefKind::Procedure
                };
                self.decl(kind, g, None);
            }
            Item::Stray(_) => {}
        }
    }

    /// A type reference of declaration `d`: its name (a type, group or
    /// built-in), code lists named in its arguments, expressions in them.
    fn type_ref(&mut self, t: &ast::TypeRef, d: usize) {
        let text = self.text(t.span);
        self.index.defs[d].type_text = Some(text);
        self.index.defs[d].type_name = Some(t.name.name.clone());
        if !amt_model::catalog::is_builtin_type(&t.name.name) {
            self.global_ref(&t.name);
        }
        for arg in &t.args {
            match arg {
                ast::TypeArg::Name(n) => self.global_ref(n),
                ast::TypeArg::Min(e, _) | ast::TypeArg::Max(e, _) => self.expr(e, d),
                _ => {}
            }
        }
    }

    /// A group, procedure, field, page or attachment: its definition, its
    /// type and its block.
    fn decl(&mut self, kind: DefKind, decl: &ast::Decl, parent: Option<usize>) {
        let d = self.def(kind, &decl.name, decl.span, parent, decl.label.as_ref());
        if let Some(t) = &decl.type_ref {
            self.type_ref(t, d);
        }
        self.body(&decl.body, d);
    }

    fn body(&mut self, body: &[Stmt], parent: usize) {
        for stmt in body {
            self.stmt(stmt, parent);
        }
    }

    fn stmt(&mut self, stmt: &Stmt, parent: usize) {
        match stmt {
            Stmt::Field(decl) | Stmt::Group(decl) | Stmt::Page(decl) | Stmt::Attachment(decl) => {
                let kind = match stmt {
                    Stmt::Field(_) => DefKind::Field,
                    Stmt::Group(_) => DefKind::Subgroup,
                    Stmt::Page(_) => DefKind::Page,
                    _ => DefKind::Attachment,
                };
                self.decl(kind, decl, Some(parent));
            }
            Stmt::Computed(c) | Stmt::Fee(c) => {
                let kind = if matches!(stmt, Stmt::Fee(_)) {
                    DefKind::Fee
                } else {
                    DefKind::Computed
                };
                let d = self.def(kind, &c.name, c.span, Some(parent), c.label.as_ref());
                let value = self.text(c.value.span);
                self.index.defs[d].value = Some(value);
                self.expr(&c.value, parent);
                self.body(&c.body, d);
            }
            Stmt::Deadline(dl) => {
                let d = self.def(
                    DefKind::Deadline,
                    &dl.name,
                    dl.span,
                    Some(parent),
                    dl.label.as_ref(),
                );
                if let Some(p) = &dl.after {
                    self.path(&p.segments, parent);
                }
                self.body(&dl.body, d);
            }
            Stmt::Note(n) => self.body(&n.body, parent),
            Stmt::Rule { condition, .. } => self.expr(condition, parent),
            Stmt::When(e, _) => {
                let condition = self.text(e.span);
                self.index.defs[parent].conditions.push(condition);
                self.expr(e, parent);
            }
            Stmt::Required(_) => self.index.defs[parent].required = true,
            Stmt::Legal { citation, url, .. } => {
                let text = match url {
                    Some(u) => format!("{} <{}>", citation.value, u.value),
                    None => citation.value.clone(),
                };
                self.index.defs[parent].legal.push(text);
            }
            Stmt::Privacy(body, _) | Stmt::Workflow(body, _) => self.body(body, parent),
            Stmt::Example(e) => {
                let name = ast::Ident {
                    name: e.name.value.clone(),
                    span: e.name.span,
                };
                self.def(DefKind::Example, &name, e.span, Some(parent), None);
                for (path, value) in &e.given {
                    self.data_path(path, parent);
                    self.expr(value, parent);
                }
                for path in &e.omit {
                    self.data_path(path, parent);
                }
                for (name, value) in &e.decisions {
                    self.workflow_ref(name, parent, DefKind::Decision);
                    self.expr(value, parent);
                }
                for name in &e.timeouts {
                    self.workflow_ref(name, parent, DefKind::State);
                }
                for expect in &e.expects {
                    match expect {
                        ast::Expect::Problem { path, .. } | ast::Expect::Shown { path, .. } => {
                            self.data_path(path, parent)
                        }
                        ast::Expect::Value { path, value, .. } => {
                            self.data_path(path, parent);
                            self.expr(value, parent);
                        }
                        ast::Expect::Path(names, _) => {
                            for n in names {
                                self.workflow_ref(n, parent, DefKind::State);
                            }
                        }
                        ast::Expect::Outcome(..) | ast::Expect::Valid(_) => {}
                    }
                }
            }
            Stmt::Actor {
                name, label, span, ..
            } => {
                self.def(DefKind::Actor, name, *span, Some(parent), label.as_ref());
            }
            Stmt::Document { name, label, span } => {
                self.def(DefKind::Document, name, *span, Some(parent), label.as_ref());
            }
            Stmt::Decide {
                name,
                ty,
                label,
                span,
            } => {
                let d = self.def(DefKind::Decision, name, *span, Some(parent), label.as_ref());
                self.type_ref(ty, d);
            }
            Stmt::State(s) => {
                let d = self.def(
                    DefKind::State,
                    &s.name,
                    s.span,
                    Some(parent),
                    s.label.as_ref(),
                );
                self.body(&s.body, d);
            }
            Stmt::By(name, _) => self.workflow_ref(name, parent, DefKind::Actor),
            Stmt::Goto(g) => {
                self.workflow_ref(&g.target, parent, DefKind::State);
                if let Some((_, Some(from))) = &g.after {
                    self.workflow_ref(from, parent, DefKind::State);
                }
                if let Some(e) = &g.when {
                    self.expr(e, parent);
                }
                for doc in &g.issue {
                    self.workflow_ref(doc, parent, DefKind::Document);
                }
            }
            _ => {}
        }
    }

    fn workflow_ref(&mut self, name: &ast::Ident, scope: usize, kind: DefKind) {
        // The procedure is the top of the scope chain.
        let mut procedure = scope;
        while let Some(p) = self.index.defs[procedure].parent {
            procedure = p;
        }
        self.index.refs.push(Ref {
            name: name.name.clone(),
            span: name.span,
            kind: RefKind::Workflow { procedure, kind },
        });
    }

    /// The data scope of a statement in `parent`: the nearest enclosing
    /// declaration that holds data (states and pages do not).
    fn data_scope(&self, mut parent: usize) -> usize {
        loop {
            let d = &self.index.defs[parent];
            if !(d.kind.is_workflow() || d.kind == DefKind::Page || d.kind == DefKind::Example) {
                return parent;
            }
            match d.parent {
                Some(p) => parent = p,
                None => return parent,
            }
        }
    }

    fn path(&mut self, segments: &[ast::Ident], parent: usize) {
        let scope = self.data_scope(parent);
        for (i, seg) in segments.iter().enumerate() {
            self.index.refs.push(Ref {
                name: seg.name.clone(),
                span: seg.span,
                kind: RefKind::Data {
                    before: segments[..i].iter().map(|s| s.name.clone()).collect(),
                    scope,
                },
            });
        }
    }

    fn data_path(&mut self, path: &ast::DataPath, parent: usize) {
        let segments: Vec<ast::Ident> = path.segments.iter().map(|(n, _)| n.clone()).collect();
        self.path(&segments, parent);
    }

    fn expr(&mut self, e: &Expr, parent: usize) {
        // Iterative: expressions can be long chains.
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::Path(p) => self.path(&p.segments, parent),
                ExprKind::List(items) | ExprKind::Call(_, items) => {
                    stack.extend(items.iter().rev())
                }
                ExprKind::Unary(_, x) => stack.push(x),
                ExprKind::Binary(_, l, r) => {
                    stack.push(r);
                    stack.push(l);
                }
                ExprKind::If(c, t, f) => {
                    stack.push(f);
                    stack.push(t);
                    stack.push(c);
                }
                _ => {}
            }
        }
    }
}
