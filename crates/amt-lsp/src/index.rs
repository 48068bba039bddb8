//! What an editor asks about a file's declarations: each one's kind, name,
//! place, label, type, conditions and legal references, and which encloses
//! which. Built from the syntax tree, so it works while the rest of the
//! project has errors. What a *use* of a name refers to is not worked out
//! here: the checker records it as it resolves the name
//! ([`amt_compiler::Reference`], kept by the workspace), so the editor
//! follows the checker's own rules of scope.

use amt_compiler::source::{FileId, SourceMap, Span};
use amt_compiler::syntax::ast::{self, Item, Stmt, Text};

/// What a declaration is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefKind {
    /// `procedure`
    Procedure,
    /// `codelist`
    Codelist,
    /// A value of a code list.
    Code,
    /// A column of a code list.
    Column,
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
            DefKind::Column => "column",
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

/// A file's declarations and uses of names.
#[derive(Debug, Default)]
pub struct FileIndex {
    /// Declarations, parents before children, in source order.
    pub defs: Vec<Def>,
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

    /// The declaration whose name is written at `offset`.
    pub fn def_at(&self, offset: usize) -> Option<usize> {
        self.defs.iter().position(|d| within(&d.name_span, offset))
    }

    /// The declaration whose name is written at `span`.
    pub fn def_named_at(&self, span: Span) -> Option<usize> {
        self.defs.iter().position(|d| d.name_span == span)
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
    pub fn collect_data(&self, container: usize, out: &mut Vec<usize>) {
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

/// Whether `offset` lies in `span` (at its end too: where the cursor stands
/// after the last character of a name).
pub fn within(span: &Span, offset: usize) -> bool {
    span.range().start <= offset && offset <= span.range().end
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

    fn item(&mut self, item: &Item) {
        match item {
            Item::Import(_) | Item::Municipality(_) => {}
            Item::Codelist(c) => {
                let d = self.def(DefKind::Codelist, &c.name, c.span, None, c.label.as_ref());
                for column in &c.columns {
                    let col = self.def(
                        DefKind::Column,
                        &column.name,
                        column.span,
                        Some(d),
                        column.label.as_ref(),
                    );
                    self.type_ref(&column.ty, col);
                }
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
                self.body(&dl.body, d);
            }
            Stmt::Note(n) => self.body(&n.body, parent),
            Stmt::When(e, _) => {
                let condition = self.text(e.span);
                self.index.defs[parent].conditions.push(condition);
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
            }
            Stmt::Actor {
                name, label, span, ..
            } => {
                self.def(DefKind::Actor, name, *span, Some(parent), label.as_ref());
            }
            Stmt::Document {
                name, label, span, ..
            } => {
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
            _ => {}
        }
    }
}
