//! Builds a procedure's [`Tree`] from its syntax: instantiates groups, resolves
//! field types and their constraints, applies block settings, and reports
//! statements that have no meaning where they stand.

use super::tree::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::PersonalClass;
use crate::resolve::{DeclKind, DeclRef, Program, did_you_mean, suggest};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Item, Stmt, TypeArg};
use amt_model::catalog;

/// Procedure-level settings, gathered while building.
#[derive(Default)]
pub struct Meta<'a> {
    pub version: Option<&'a ast::Str>,
    pub leika: Option<&'a ast::Str>,
    pub description: Option<&'a ast::Text>,
    pub authority: Option<(&'a ast::Ident, Option<&'a ast::Text>)>,
    pub identity: Option<(&'a ast::Ident, &'a [ast::Ident], Span)>,
    pub languages: Option<(&'a [ast::Ident], Span)>,
    pub purpose: Option<&'a ast::Text>,
    pub basis: Option<&'a ast::Str>,
    pub retention: Option<&'a ast::Retention>,
    pub privacy_span: Option<Span>,
    pub deadlines: Vec<&'a ast::Deadline>,
    pub examples: Vec<&'a ast::Example>,
    pub workflow: Option<(&'a [Stmt], Span)>,
    /// The node holding the workflow's decisions, if it has any.
    pub case: Option<NodeId>,
    /// The extension points: the node each stands in, its name and label.
    pub extensions: Vec<(NodeId, &'a ast::Ident, Option<&'a ast::Text>)>,
}

pub struct Builder<'a, 'd> {
    pub program: &'a Program,
    pub tree: Tree<'a>,
    pub meta: Meta<'a>,
    pub diags: &'d mut Vec<Diagnostic>,
    /// Groups being instantiated, to catch a group that contains itself.
    group_stack: Vec<DeclRef>,
    /// What the names of types, groups and code lists refer to.
    pub refs: Vec<super::Reference>,
    /// The declaration being built is too large or too deep once expanded
    /// (reported): no group is expanded.
    no_expansion: bool,
    /// Unknown group names already reported (at their first use).
    unknown_groups: std::collections::HashSet<(FileId, String)>,
}

/// A field's type, resolved.
struct ResolvedType<'a> {
    ty: FieldTy<'a>,
    /// The named types it is declared through, the one the field names last.
    named: Vec<(&'a ast::TypeDecl, FileId)>,
}

pub(crate) fn settings_seen(
    seen: &mut Vec<(&'static str, Span)>,
    key: &'static str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
        diags.push(
            Diagnostic::new(Code::RepeatedSetting, span, format!("{key} is given twice"))
                .label("second time")
                .secondary(*first, "first time")
                .help("keep one of them"),
        );
    } else {
        seen.push((key, span));
    }
}

impl<'a, 'd> Builder<'a, 'd> {
    pub fn new(program: &'a Program, diags: &'d mut Vec<Diagnostic>) -> Self {
        Builder {
            program,
            tree: Tree::default(),
            meta: Meta::default(),
            diags,
            group_stack: Vec::new(),
            refs: Vec::new(),
            no_expansion: false,
            unknown_groups: std::collections::HashSet::new(),
        }
    }

    fn add(&mut self, node: Node<'a>) -> NodeId {
        let id = self.tree.nodes.len();
        let parent = node.parent;
        let name = node.name;
        let span = node.name_span;
        let is_named = node.is_data() || matches!(node.kind, Kind::Page);
        self.tree.nodes.push(node);
        if let Some(p) = parent {
            self.tree.nodes[p].children.push(id);
            if is_named {
                // Pages share the procedure's namespace with its data.
                let container = self.tree.data_container(p);
                if let Some(&first) = self.tree.names.get(&(container, name)) {
                    let first_span = self.tree.nodes[first].name_span;
                    self.diags.push(
                        Diagnostic::new(Code::DuplicateName, span, format!("`{name}` is declared twice here"))
                            .label("second declaration")
                            .secondary(first_span, "first declaration")
                            .note("pages do not separate names: all fields of a procedure outside groups share one namespace")
                            .help("rename one of them; names must be unique in their group"),
                    );
                } else {
                    self.tree.names.insert((container, name), id);
                }
            }
        }
        id
    }

    /// Builds the tree of a procedure.
    pub fn procedure(&mut self, decl: &'a ast::Decl, file: FileId) -> NodeId {
        let expansion = self.program.block_expansion(file, &decl.body);
        self.no_expansion = expansion.too_large();
        if self.no_expansion {
            super::limits::procedure_too_large(self.program, decl, file, expansion, self.diags);
        }
        let mut root = Node::new(&decl.name.name, decl.name.span, None, Kind::Root);
        root.label = decl.label.as_ref();
        let root = self.add(root);
        let mut seen = Vec::new();
        for stmt in &decl.body {
            self.procedure_stmt(root, stmt, file, &mut seen);
        }
        self.extension_names();
        root
    }

    /// An extension point in `owner`: a group of the municipalities'
    /// questions, in the procedure's own text only (a declared group is
    /// shared by procedures, so a municipality could not say whose).
    fn extension(&mut self, owner: NodeId, stmt: &'a Stmt) {
        let Stmt::Extension { name, label, .. } = stmt else {
            return;
        };
        if self.group_stack.is_empty() {
            self.meta.extensions.push((owner, name, label.as_ref()));
        } else {
            self.misplaced(
                stmt,
                "a declared group",
                "a page or a group written in the procedure itself (a declared group is shared by procedures)",
            );
        }
    }

    /// An extension point's name is the name of its group in each
    /// municipality's build: it must be free where it stands.
    fn extension_names(&mut self) {
        let mut taken: Vec<(NodeId, &str, Span)> = Vec::new();
        for &(owner, name, _) in &self.meta.extensions {
            let container = self.tree.data_container(owner);
            let first = self
                .tree
                .names
                .get(&(container, name.name.as_str()))
                .map(|&n| self.tree.nodes[n].name_span)
                .or_else(|| {
                    taken
                        .iter()
                        .find(|(c, n, _)| *c == container && *n == name.name)
                        .map(|t| t.2)
                });
            match first {
                Some(first) => self.diags.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        name.span,
                        format!("`{}` is declared twice here", name.name),
                    )
                    .label("the extension point's name")
                    .secondary(first, "first declaration")
                    .help("an extension point becomes a group of that name where a municipality adds questions; give it a name of its own"),
                ),
                None => taken.push((container, &name.name, name.span)),
            }
        }
    }

    /// Adds the workflow's decisions as case data, so that guards read them
    /// like answers (and a decision named like a field is a duplicate).
    fn decisions(&mut self, root: NodeId, body: &'a [Stmt], file: FileId) {
        let mut found = Vec::new();
        collect_decisions(body, &mut found);
        if found.is_empty() {
            return;
        }
        let span = found[0].name.span;
        let case = self.add(Node::new("", span, Some(root), Kind::Case));
        self.meta.case = Some(case);
        for DecisionDecl { name, ty, label } in found {
            let Some(resolved) = self.field_type(ty, file, &mut Vec::new()) else {
                continue;
            };
            let mut node = Node::new(&name.name, name.span, Some(case), Kind::Field(resolved.ty));
            node.label = label;
            self.add(node);
        }
    }

    /// Builds the tree of a reusable group on its own, to check it even when
    /// no procedure uses it.
    pub fn standalone_group(&mut self, decl: &'a ast::Decl, decl_ref: DeclRef) -> NodeId {
        self.no_expansion = self.program.expansion(decl_ref).too_large();
        if self.no_expansion {
            super::limits::group_too_large(self.program, decl, decl_ref, self.diags);
        }
        let root = self.add(Node::new(&decl.name.name, decl.name.span, None, Kind::Root));
        let mut node = Node::new(&decl.name.name, decl.name.span, Some(root), Kind::Group);
        node.label = decl.label.as_ref();
        node.group = Some(&decl.name.name);
        let id = self.add(node);
        self.group_stack.push(decl_ref);
        self.block(id, &decl.body, decl_ref.file, &mut Vec::new());
        self.group_stack.pop();
        id
    }

    /// Records that the name written at `at` refers to the declaration `decl`.
    fn refer(&mut self, at: Span, decl: DeclRef) {
        if let Some(to) = self.program.name_span(decl) {
            self.refs.push(super::Reference { at, to });
        }
    }

    /// A `type` declaration on its own, as a field that uses it would see it,
    /// so that a mistake in a type (a broken pattern, an impossible range, a
    /// constraint its base does not take) is found even before a field uses
    /// it. Names in its bounds are read where it is used, so no expression
    /// of it is typed here.
    pub fn standalone_type(&mut self, type_decl: &'a ast::TypeDecl, decl_ref: DeclRef) {
        let name = &type_decl.name;
        let root = self.add(Node::new(&name.name, name.span, None, Kind::Root));
        let mut chain = vec![decl_ref];
        let Some(resolved) = self.field_type(&type_decl.base, decl_ref.file, &mut chain) else {
            return;
        };
        let field = self.add(Node::new(
            &name.name,
            name.span,
            Some(root),
            Kind::Field(resolved.ty),
        ));
        self.inherit(field, &[(type_decl, decl_ref.file)]);
    }

    fn procedure_stmt(
        &mut self,
        root: NodeId,
        stmt: &'a Stmt,
        file: FileId,
        seen: &mut Vec<(&'static str, Span)>,
    ) {
        let span = stmt.span();
        match stmt {
            Stmt::Version(v, _) => {
                settings_seen(seen, "the version", span, self.diags);
                self.meta.version = Some(v);
            }
            Stmt::Leika(l, _) => {
                settings_seen(seen, "the LeiKa key", span, self.diags);
                self.meta.leika = Some(l);
            }
            // The procedure's FIM Stammdatenschema (`fim S60000011000`).
            Stmt::Fim(id, version, _) => {
                settings_seen(seen, "the FIM id", span, self.diags);
                self.tree.nodes[root].fim = Some(id);
                self.tree.nodes[root].fim_version = version.as_ref();
            }
            Stmt::Description(t, _) => {
                settings_seen(seen, "the description", span, self.diags);
                self.meta.description = Some(t);
            }
            Stmt::Authority {
                name, label, body, ..
            } => {
                settings_seen(seen, "the authority", span, self.diags);
                self.meta.authority = Some((name, label.as_ref()));
                if let Some(first) = body.first() {
                    self.misplaced(
                        first,
                        "a procedure's authority",
                        "a municipality's authority: a procedure names only the kind of authority",
                    );
                }
            }
            Stmt::Identity { level, means, span } => {
                settings_seen(seen, "the identity requirement", *span, self.diags);
                self.meta.identity = Some((level, means, *span));
            }
            Stmt::Languages(langs, span) => {
                settings_seen(seen, "the list of languages", *span, self.diags);
                self.meta.languages = Some((langs, *span));
            }
            Stmt::Privacy(body, span) => {
                settings_seen(seen, "the privacy section", *span, self.diags);
                self.meta.privacy_span = Some(*span);
                self.privacy(body);
            }
            Stmt::Example(e) => self.meta.examples.push(e),
            Stmt::Workflow(body, span) => {
                settings_seen(seen, "the workflow", *span, self.diags);
                self.meta.workflow = Some((body, *span));
                self.decisions(root, body, file);
            }
            Stmt::Deadline(d) => {
                self.meta.deadlines.push(d);
                self.only_settings(&d.body, "a deadline", &["legal"]);
            }
            Stmt::Page(decl) => self.page(root, decl, file),
            Stmt::Parameter(p) => self.parameter(root, p, file),
            Stmt::Field(_) | Stmt::Group(_) => {
                self.diags.push(
                    Diagnostic::new(Code::MisplacedStatement, span, format!("{} must be on a page", stmt.describe()))
                        .label("directly in the procedure")
                        .help("put it inside a `page name \"Label\" { … }`: every page is one step of the form"),
                );
            }
            Stmt::Legal { .. }
            | Stmt::Attachment(_)
            | Stmt::Computed(_)
            | Stmt::Fee(_)
            | Stmt::Note(_)
            | Stmt::Hint(..) => {
                self.block_stmt(root, stmt, file, seen);
            }
            Stmt::Purpose(..) | Stmt::Basis(..) | Stmt::Retention(..) => {
                self.misplaced(stmt, "a procedure", "the `privacy { … }` section");
            }
            _ => self.block_stmt(root, stmt, file, seen),
        }
    }

    /// The statements of the `privacy { … }` section.
    fn privacy(&mut self, body: &'a [Stmt]) {
        let mut seen = Vec::new();
        for stmt in body {
            match stmt {
                Stmt::Purpose(t, span) => {
                    settings_seen(&mut seen, "the purpose", *span, self.diags);
                    self.meta.purpose = Some(t);
                }
                Stmt::Basis(b, span) => {
                    settings_seen(&mut seen, "the legal basis", *span, self.diags);
                    self.meta.basis = Some(b);
                }
                Stmt::Retention(r, span) => {
                    settings_seen(&mut seen, "the retention period", *span, self.diags);
                    self.meta.retention = Some(r);
                }
                other => self.misplaced(
                    other,
                    "a privacy section",
                    "`purpose`, `basis` and `retention`",
                ),
            }
        }
    }

    /// A page of the procedure and what it holds.
    fn page(&mut self, root: NodeId, decl: &'a ast::Decl, file: FileId) {
        let mut node = Node::new(&decl.name.name, decl.name.span, Some(root), Kind::Page);
        node.label = decl.label.as_ref();
        if let Some(t) = &decl.type_ref {
            self.diags.push(
                Diagnostic::new(Code::MisplacedStatement, t.span, "a page has no type")
                    .label("remove this")
                    .help("write `page name \"Label\" { … }`"),
            );
        }
        let id = self.add(node);
        self.block(id, &decl.body, file, &mut Vec::new());
    }

    fn misplaced(&mut self, stmt: &Stmt, here: &str, belongs: &str) {
        let what = stmt.describe();
        self.diags.push(
            Diagnostic::new(
                Code::MisplacedStatement,
                stmt.span(),
                format!("{what} has no meaning in {here}"),
            )
            .label("not allowed here")
            .help(format!("{what} belongs in {belongs}")),
        );
    }

    fn only_settings(&mut self, body: &'a [Stmt], here: &str, allowed: &[&str]) {
        for stmt in body {
            let ok = matches!(stmt, Stmt::Legal { .. }) && allowed.contains(&"legal")
                || matches!(stmt, Stmt::Hint(..)) && allowed.contains(&"hint")
                || matches!(stmt, Stmt::When(..)) && allowed.contains(&"when");
            if !ok {
                let list = allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.misplaced(
                    stmt,
                    here,
                    &format!("another block; {here} takes only {list}"),
                );
            }
        }
    }

    /// The statements of a block, applied to `owner`.
    fn block(
        &mut self,
        owner: NodeId,
        body: &'a [Stmt],
        file: FileId,
        seen: &mut Vec<(&'static str, Span)>,
    ) {
        for stmt in body {
            self.block_stmt(owner, stmt, file, seen);
        }
    }

    /// One statement of a block: a declaration adds a node under `owner`,
    /// anything else is a setting of `owner` ([`Self::setting`]).
    fn block_stmt(
        &mut self,
        owner: NodeId,
        stmt: &'a Stmt,
        file: FileId,
        seen: &mut Vec<(&'static str, Span)>,
    ) {
        let kind = &self.tree.nodes[owner].kind;
        // A procedure holds its fields and groups on pages.
        let holds_fields = matches!(kind, Kind::Page | Kind::Group);
        let holds_items = holds_fields || matches!(kind, Kind::Root);
        match stmt {
            Stmt::Field(decl) if holds_fields => self.field(owner, decl, file),
            Stmt::Group(decl) if holds_fields => self.group(owner, decl, file),
            Stmt::Attachment(decl) if holds_items => self.attachment(owner, decl, file),
            Stmt::Computed(c) if holds_items => self.computed(owner, c, false, file),
            Stmt::Fee(c) if holds_items => self.computed(owner, c, true, file),
            Stmt::Note(n) if holds_items => self.note(owner, n),
            Stmt::Extension { .. } if holds_fields => self.extension(owner, stmt),
            _ => self.setting(owner, stmt, seen),
        }
    }

    /// A setting of `owner` such as `when`, `required` or `hint`; a statement
    /// that is none there is reported as misplaced.
    fn setting(&mut self, owner: NodeId, stmt: &'a Stmt, seen: &mut Vec<(&'static str, Span)>) {
        let kind = &self.tree.nodes[owner].kind;
        let is_root = matches!(kind, Kind::Root);
        let is_note = matches!(kind, Kind::Note(_));
        let is_field = matches!(kind, Kind::Field(_));
        let is_group = matches!(kind, Kind::Group);
        let is_attachment = matches!(kind, Kind::Attachment { .. });
        // What the applicant gives: it can be required, checked, personal.
        let is_answer = is_field || is_group || is_attachment;
        match stmt {
            Stmt::When(e, span) if !is_root => {
                settings_seen(seen, "the condition (`when`)", *span, self.diags);
                self.tree.nodes[owner].whens.push(e);
            }
            Stmt::Required(span) if is_answer => {
                settings_seen(seen, "`required`", *span, self.diags);
                self.tree.nodes[owner].required = Some(*span);
            }
            Stmt::Hint(t, span) if !is_note => {
                settings_seen(seen, "the hint", *span, self.diags);
                self.tree.nodes[owner].hint = Some(t);
            }
            Stmt::Legal { citation, url, .. } => {
                self.tree.nodes[owner].legal.push((citation, url.as_ref()));
            }
            Stmt::Rule {
                warning,
                condition,
                message,
                span,
            } if is_answer => {
                self.tree.nodes[owner].rules.push(RuleSrc {
                    warning: *warning,
                    condition,
                    message: message.as_ref(),
                    span: *span,
                });
            }
            Stmt::Fim(id, version, span) if is_field || is_group || is_attachment => {
                settings_seen(seen, "the FIM id", *span, self.diags);
                self.tree.nodes[owner].fim = Some(id);
                self.tree.nodes[owner].fim_version = version.as_ref();
            }
            Stmt::Autocomplete(token, span) if is_field => {
                settings_seen(seen, "the autocomplete token", *span, self.diags);
                self.autocomplete(owner, token);
            }
            Stmt::Prefill {
                attribute,
                locked,
                span,
            } if is_field => {
                settings_seen(seen, "the prefill", *span, self.diags);
                self.tree.nodes[owner].prefill = Some((attribute, locked.unwrap_or(false), *span));
            }
            Stmt::Personal(class, span) if is_answer => {
                settings_seen(seen, "the personal-data class", *span, self.diags);
                let class = match class.as_ref().map(|c| c.name.as_str()) {
                    Some("special") => PersonalClass::Special,
                    _ => PersonalClass::Ordinary,
                };
                self.tree.nodes[owner].personal = Some((class, *span));
            }
            Stmt::Types(list, span) if is_attachment => {
                settings_seen(seen, "the file types", *span, self.diags);
                self.file_types(owner, list);
            }
            Stmt::MaxSize(bytes, span) if is_attachment => {
                settings_seen(seen, "the size limit", *span, self.diags);
                if let Kind::Attachment { max_bytes, .. } = &mut self.tree.nodes[owner].kind {
                    *max_bytes = Some(*bytes);
                }
            }
            Stmt::Count(range, span) if is_attachment => {
                settings_seen(seen, "the count", *span, self.diags);
                super::ranges::check_range(range, "count", self.diags);
                if let Kind::Attachment { count, .. } = &mut self.tree.nodes[owner].kind {
                    *count = Some(*range);
                }
            }
            other => {
                let here = self.tree.nodes[owner].describe();
                self.misplaced(other, here, belongs_in(other));
            }
        }
    }

    /// A computed value or fee under `owner`.
    fn computed(&mut self, owner: NodeId, c: &'a ast::Computed, fee: bool, file: FileId) {
        let declared = c.ty.as_ref().and_then(|t| {
            if let Some(card) = &t.cardinality {
                self.diags.push(
                    Diagnostic::new(Code::ConstraintMismatch, card.span, "a computed value is one value; it cannot repeat")
                        .label("repeat here")
                        .help("put the computed value inside the repeated group: it is then computed for each item"),
                );
            }
            if let Some(arg) = t.args.iter().find(|a| !matches!(a, TypeArg::Name(_))) {
                self.diags.push(
                    Diagnostic::new(Code::ConstraintMismatch, arg.span(), "a computed value's type takes no constraints: nobody enters it")
                        .label("constraint here")
                        .help("say what must hold of it with a `rule`, e.g. `rule zuschlag <= 100 EUR \"…\"`"),
                );
            }
            self.field_type(t, file, &mut Vec::new()).map(|r| r.ty)
        });
        let mut node = Node::new(
            &c.name.name,
            c.name.span,
            Some(owner),
            Kind::Computed {
                value: Some(&c.value),
                fee,
                declared,
                parameter: None,
            },
        );
        node.label = c.label.as_ref();
        let id = self.add(node);
        self.block(id, &c.body, file, &mut Vec::new());
    }

    /// A parameter of the procedure: a computed value whose expression each
    /// municipality gives (its default where it gives none).
    fn parameter(&mut self, owner: NodeId, p: &'a ast::Parameter, file: FileId) {
        if let Some(card) = &p.ty.cardinality {
            self.diags.push(
                Diagnostic::new(
                    Code::ConstraintMismatch,
                    card.span,
                    "a parameter is one value; it cannot repeat",
                )
                .label("repeat here")
                .help("declare one parameter per value a municipality sets"),
            );
        }
        let declared = self.field_type(&p.ty, file, &mut Vec::new()).map(|r| r.ty);
        let mut node = Node::new(
            &p.name.name,
            p.name.span,
            Some(owner),
            Kind::Computed {
                value: p.default.as_ref(),
                fee: false,
                declared,
                parameter: Some(p),
            },
        );
        node.label = p.label.as_ref();
        let id = self.add(node);
        self.block(id, &p.body, file, &mut Vec::new());
    }

    /// A note under `owner`, with its own `when` and `legal`.
    fn note(&mut self, owner: NodeId, n: &'a ast::Note) {
        let name = n.name.as_ref().map_or("", |i| i.name.as_str());
        let span = n.name.as_ref().map_or(n.span, |i| i.span);
        let id = self.add(Node::new(name, span, Some(owner), Kind::Note(&n.text)));
        for s in &n.body {
            match s {
                Stmt::When(e, _) => self.tree.nodes[id].whens.push(e),
                Stmt::Legal { citation, url, .. } => {
                    self.tree.nodes[id].legal.push((citation, url.as_ref()))
                }
                other => self.misplaced(
                    other,
                    "a note",
                    "a field, group or page; a note takes only `when` and `legal`",
                ),
            }
        }
    }

    /// A field's `autocomplete` token, which must be one HTML defines.
    fn autocomplete(&mut self, field: NodeId, token: &'a ast::Ident) {
        if !catalog::AUTOCOMPLETE.contains(&token.name.as_str()) {
            let mut d = Diagnostic::new(
                Code::UnknownAutocomplete,
                token.span,
                format!("`{}` is not an autocomplete token", token.name),
            )
            .label("HTML does not define this token");
            d = suggest(
                d,
                &token.name,
                catalog::AUTOCOMPLETE.iter().copied(),
                "use a token from the HTML standard, e.g. `given-name`, `postal-code`, `email`",
            );
            self.diags.push(d);
        }
        self.tree.nodes[field].autocomplete = Some(token);
    }

    /// The file types an attachment accepts, each one amt knows.
    fn file_types(&mut self, attachment: NodeId, list: &'a [ast::Ident]) {
        for t in list {
            if !catalog::FILE_TYPES.iter().any(|(n, _)| *n == t.name) {
                let names = catalog::FILE_TYPES.iter().map(|(n, _)| *n);
                let mut d = Diagnostic::new(
                    Code::UnknownFileType,
                    t.span,
                    format!("amt does not know the file type `{}`", t.name),
                )
                .label("unknown file type");
                d = suggest(
                    d,
                    &t.name,
                    names,
                    "use `pdf`, `jpeg`, `png`, `tiff` or `xml`",
                );
                self.diags.push(d);
            }
        }
        if let Kind::Attachment { types, .. } = &mut self.tree.nodes[attachment].kind {
            types.extend(list.iter());
        }
    }

    /// A field under `owner`: its type, and the settings it inherits from a
    /// named type before its own.
    fn field(&mut self, owner: NodeId, decl: &'a ast::Decl, file: FileId) {
        let Some(type_ref) = &decl.type_ref else {
            // The grammar requires a type; nothing to build.
            return;
        };
        let Some(resolved) = self.field_type(type_ref, file, &mut Vec::new()) else {
            // Unknown type: keep a placeholder so names still resolve.
            let placeholder = builtin_type(Base::Text, type_ref.span);
            let mut node = Node::new(
                &decl.name.name,
                decl.name.span,
                Some(owner),
                Kind::Field(placeholder),
            );
            node.label = decl.label.as_ref();
            let id = self.add(node);
            self.block(id, &decl.body, file, &mut Vec::new());
            return;
        };
        let mut node = Node::new(
            &decl.name.name,
            decl.name.span,
            Some(owner),
            Kind::Field(resolved.ty),
        );
        node.label = decl.label.as_ref();
        node.repeat = type_ref.cardinality;
        if let Some(r) = &type_ref.cardinality {
            super::ranges::check_cardinality(r, self.diags);
        }
        let id = self.add(node);
        self.inherit(id, &resolved.named);
        // Own settings replace inherited ones without a "given twice" error.
        self.block(id, &decl.body, file, &mut Vec::new());
    }

    /// What a field takes from the named types it is declared through: the
    /// nearest label, and their settings, the nearest type's last so that
    /// they win.
    fn inherit(&mut self, field: NodeId, named: &[(&'a ast::TypeDecl, FileId)]) {
        let inherited_label = named.iter().rev().find_map(|(t, _)| t.label.as_ref());
        if self.tree.nodes[field].label.is_none() {
            self.tree.nodes[field].label = inherited_label;
        }
        for (type_decl, type_file) in named {
            for stmt in &type_decl.body {
                match stmt {
                    Stmt::Hint(..) | Stmt::Legal { .. } | Stmt::Fim(..) | Stmt::Autocomplete(..) | Stmt::Personal(..) => {
                        self.block_stmt(field, stmt, *type_file, &mut Vec::new());
                    }
                    other => self.misplaced(other, "a type", "the field that uses the type; a type takes `hint`, `legal`, `fim`, `autocomplete` and `personal`"),
                }
            }
        }
    }

    /// Resolves a field's type: built-in or named, with constraints applied.
    /// `chain` holds the named types being resolved, to catch a type defined
    /// by itself.
    fn field_type(
        &mut self,
        type_ref: &'a ast::TypeRef,
        file: FileId,
        chain: &mut Vec<DeclRef>,
    ) -> Option<ResolvedType<'a>> {
        let mut resolved = match Base::from_word(&type_ref.name.name) {
            Some(base) => ResolvedType {
                ty: builtin_type(base, type_ref.span),
                named: Vec::new(),
            },
            None => self.named_type(type_ref, file, chain)?,
        };
        self.apply_args(&mut resolved.ty, type_ref, file);
        Some(resolved)
    }

    /// A type that is not built in: one declared with `type`, seen from `file`.
    fn named_type(
        &mut self,
        type_ref: &'a ast::TypeRef,
        file: FileId,
        chain: &mut Vec<DeclRef>,
    ) -> Option<ResolvedType<'a>> {
        let name = &type_ref.name;
        match self.program.lookup(file, &name.name) {
            Some((decl, DeclKind::Type)) => {
                self.refer(name.span, decl);
                self.declared_type(type_ref, decl, chain)
            }
            Some((_, kind)) => {
                self.not_a_type(name, kind);
                None
            }
            None if self.program.is_broken_import(file, &name.name) => None,
            None => {
                self.unknown_type(name, file);
                None
            }
        }
    }

    /// The type of the `type` declaration `decl`, which `type_ref` names.
    fn declared_type(
        &mut self,
        type_ref: &'a ast::TypeRef,
        decl: DeclRef,
        chain: &mut Vec<DeclRef>,
    ) -> Option<ResolvedType<'a>> {
        let name = &type_ref.name;
        if chain.contains(&decl) {
            self.diags.push(
                Diagnostic::new(
                    Code::RecursiveGroup,
                    name.span,
                    format!("the type `{}` is defined by itself", name.name),
                )
                .label("refers back to itself")
                .help("define the type in terms of a built-in type such as `text`"),
            );
            return None;
        }
        let Item::Type(type_decl) = self.program.item(decl) else {
            return None;
        };
        chain.push(decl);
        let mut inner = self.field_type(&type_decl.base, decl.file, chain)?;
        chain.pop();
        if let Some(card) = &type_decl.base.cardinality {
            self.diags.push(
                Diagnostic::new(Code::ConstraintMismatch, card.span, "a type cannot repeat")
                    .label("repeat here")
                    .help("put the repeat on the field that uses the type: `field x: name[1..3]`"),
            );
        }
        inner.ty.named = Some(&type_decl.name.name);
        inner.ty.span = type_ref.span;
        inner.named.push((type_decl, decl.file));
        Some(inner)
    }

    /// A field's type names a declaration that is no type.
    fn not_a_type(&mut self, name: &ast::Ident, kind: DeclKind) {
        let help = match kind {
            DeclKind::Codelist => {
                format!("to choose from a code list, write `choice({})`", name.name)
            }
            DeclKind::Group => format!(
                "to use a group, write `group name: {} \"Label\"`",
                name.name
            ),
            _ => "use a type such as `text`, `date` or a declared `type`".to_string(),
        };
        self.diags.push(
            Diagnostic::new(
                Code::WrongKind,
                name.span,
                format!("`{}` is {}, not a type", name.name, kind.describe()),
            )
            .label("not a type")
            .help(help),
        );
    }

    /// A field's type names nothing `file` knows.
    fn unknown_type(&mut self, name: &ast::Ident, file: FileId) {
        let mut candidates: Vec<&str> = Base::words().collect();
        candidates.extend(self.program.names_of(file, DeclKind::Type));
        let mut d = Diagnostic::new(
            Code::UnknownType,
            name.span,
            format!("there is no type `{}`", name.name),
        )
        .label("unknown type");
        d = match did_you_mean(&name.name, candidates) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!(
                "built-in types are {}; or import a `type`",
                builtin_type_list()
            )),
        };
        self.diags.push(d);
    }

    /// Applies a type's constraints (`max 55`, `pattern "…"`, a code list)
    /// to `ty`, each only where the base type takes it.
    fn apply_args(&mut self, ty: &mut FieldTy<'a>, type_ref: &'a ast::TypeRef, file: FileId) {
        let base_name = type_ref.name.name.as_str();
        for arg in &type_ref.args {
            self.apply_arg(ty, arg, base_name, file);
        }
        let base = ty.base;
        if let Some(TypeArg::Message(_, span)) = type_ref
            .args
            .iter()
            .find(|a| matches!(a, TypeArg::Message(..)))
            && base.is_text()
            && ty.pattern.is_none()
            && base.text_format().is_none()
        {
            self.diags.push(
                Diagnostic::new(Code::ConstraintMismatch, *span, "a `message` without a `pattern` is never said")
                    .label("no pattern to explain")
                    .help("give the pattern it explains: `text(pattern \"[0-9]{5}\", message \"Bitte fünf Ziffern.\")`; lengths are told by amt"),
            );
        }
        let names_a_list = type_ref.args.iter().any(|a| matches!(a, TypeArg::Name(_)));
        if matches!(base, Base::Choice | Base::Multichoice)
            && ty.codelist.is_none()
            && !names_a_list
            && !self.is_type_name(type_ref)
        {
            self.diags.push(
                Diagnostic::new(
                    Code::ConstraintMismatch,
                    type_ref.span,
                    format!("`{base_name}` needs a code list"),
                )
                .label("which values?")
                .help(format!("name the code list: `{base_name}(familienstand)`")),
            );
        }
        super::ranges::check_type_bounds(ty, self.diags);
    }

    /// One constraint of a type written `base_name(…)`.
    fn apply_arg(&mut self, ty: &mut FieldTy<'a>, arg: &'a TypeArg, base_name: &str, file: FileId) {
        let base = ty.base;
        match arg {
            TypeArg::Min(e, span) | TypeArg::Max(e, span) => {
                let is_min = matches!(arg, TypeArg::Min(..));
                self.bound(ty, e, is_min, *span, base_name);
            }
            TypeArg::Length(range, _) if base.is_text() => {
                // An inverted range is reported with the other bounds.
                ty.min_length = Some(range.min);
                ty.max_length = range.max;
            }
            TypeArg::Length(_, span) => self.diags.push(constraint_mismatch(
                base_name,
                "`length`",
                *span,
                "only text has a length; use `min`/`max` for numbers and dates",
            )),
            TypeArg::Pattern(p, _) if base.is_text() => {
                super::pattern::check(p, self.diags);
                ty.pattern = Some(p);
            }
            TypeArg::Pattern(_, span) => self.diags.push(constraint_mismatch(
                base_name,
                "`pattern`",
                *span,
                "only text can have a pattern",
            )),
            TypeArg::Message(text, _) if base.is_text() => ty.pattern_message = Some(text),
            TypeArg::Message(_, span) => self.diags.push(constraint_mismatch(
                base_name,
                "`message`",
                *span,
                "a `message` says what a text's pattern expects; numbers and dates are told their bounds by amt",
            )),
            TypeArg::Scale(n, _) if base == Base::Decimal => ty.scale = Some(*n),
            TypeArg::Scale(_, span) => self.diags.push(constraint_mismatch(base_name, "`scale`", *span, "only `decimal` has a scale (digits after the point); money is always exact to the cent")),
            TypeArg::Name(list)
                if matches!(base, Base::Choice | Base::Multichoice) && ty.codelist.is_none() =>
            {
                ty.codelist = self.codelist_ref(list, file);
            }
            TypeArg::Name(list) => self.diags.push(constraint_mismatch(
                base_name,
                "code list",
                list.span,
                "only `choice(…)` and `multichoice(…)` name a code list; constraints are written `max 55`, `pattern \"…\"`",
            )),
        }
    }

    /// A `min` or `max` constraint: a length for text, a bound for numbers,
    /// money, dates and times.
    fn bound(
        &mut self,
        ty: &mut FieldTy<'a>,
        e: &'a ast::Expr,
        is_min: bool,
        span: Span,
        base_name: &str,
    ) {
        if ty.base.is_text() {
            match super::ranges::const_u64(e) {
                Some(n) if is_min => ty.min_length = Some(n),
                Some(n) => ty.max_length = Some(n),
                None => self.diags.push(constraint_mismatch(
                    base_name,
                    "computed length",
                    e.span,
                    "for text, `min` and `max` are numbers of characters, e.g. `text(max 55)`",
                )),
            }
        } else if ty.base.has_bounds() {
            if is_min {
                ty.min = Some(e);
            } else {
                ty.max = Some(e);
            }
        } else {
            self.diags.push(constraint_mismatch(
                base_name,
                "`min` or `max`",
                span,
                "only numbers, money, dates, times and text take bounds",
            ));
        }
    }

    fn is_type_name(&self, type_ref: &ast::TypeRef) -> bool {
        Base::from_word(&type_ref.name.name).is_none()
    }

    pub fn codelist_ref(&mut self, name: &'a ast::Ident, file: FileId) -> Option<ListRef> {
        match find_codelist(self.program, name, file) {
            Ok(list) => {
                if let ListRef::Decl(decl) = list {
                    self.refer(name.span, decl);
                }
                Some(list)
            }
            Err(d) => {
                self.diags.extend(d.map(|d| *d));
                None
            }
        }
    }

    /// A group under `owner`: the statements of the declared group it is
    /// made of, if any, then its own.
    fn group(&mut self, owner: NodeId, decl: &'a ast::Decl, file: FileId) {
        let mut node = Node::new(&decl.name.name, decl.name.span, Some(owner), Kind::Group);
        node.label = decl.label.as_ref();
        let mut base = None;
        if let Some(r) = &decl.repeat {
            node.repeat = Some(*r);
            super::ranges::check_cardinality(r, self.diags);
        }
        if let Some(type_ref) = &decl.type_ref {
            node.repeat = type_ref.cardinality;
            if let Some(r) = &type_ref.cardinality {
                super::ranges::check_cardinality(r, self.diags);
            }
            if let Some(arg) = type_ref.args.first() {
                let span = arg.span();
                self.diags.push(
                    Diagnostic::new(
                        Code::ConstraintMismatch,
                        span,
                        "a group takes no constraints",
                    )
                    .label("not for groups")
                    .help("put constraints on the group's fields"),
                );
            }
            base = self.group_base(decl, type_ref, file);
            match base {
                Some((g, _)) => {
                    node.group = Some(&g.name.name);
                    if node.label.is_none() {
                        node.label = g.label.as_ref();
                    } else if node.repeat.is_some() {
                        // `group kinder: kind[0..4] "Kinder"`: each item is a "Kind".
                        node.item_label = g.label.as_ref();
                    }
                }
                None => node.unresolved = true,
            }
        }
        let id = self.add(node);
        let mut seen = Vec::new();
        if let Some((g, d)) = base {
            if self.group_stack.contains(&d) {
                self.diags.push(
                    Diagnostic::new(
                        Code::RecursiveGroup,
                        decl.span,
                        format!("the group `{}` contains itself", g.name.name),
                    )
                    .label("used inside its own declaration")
                    .secondary(g.name.span, "declared here")
                    .fim(1026, "no group contains itself")
                    .help(
                        "a form cannot be infinitely deep; use a repeat of a smaller group instead",
                    ),
                );
            } else if self.no_expansion || self.program.expansion(d).too_large() {
                // Reported where the group, or the declaration, is checked.
            } else {
                self.group_stack.push(d);
                self.block(id, &g.body, d.file, &mut seen);
                self.group_stack.pop();
            }
        }
        self.block(id, &decl.body, file, &mut Vec::new());
    }

    /// The declared group that a group's type names (`group antragsteller:
    /// person`), seen from `file`.
    fn group_base(
        &mut self,
        decl: &ast::Decl,
        type_ref: &ast::TypeRef,
        file: FileId,
    ) -> Option<(&'a ast::Decl, DeclRef)> {
        let name = &type_ref.name;
        match self.program.lookup(file, &name.name) {
            Some((d, DeclKind::Group)) => match self.program.item(d) {
                Item::Group(g) => {
                    self.refer(name.span, d);
                    Some((g, d))
                }
                _ => None,
            },
            Some((_, kind)) => {
                let help = if kind == DeclKind::Type || kind == DeclKind::Codelist {
                    format!(
                        "to use it for a single value, write `field {}: …`",
                        decl.name.name
                    )
                } else {
                    "a group is made of a declared `group`".to_string()
                };
                self.diags.push(
                    Diagnostic::new(
                        Code::WrongKind,
                        name.span,
                        format!("`{}` is {}, not a group", name.name, kind.describe()),
                    )
                    .label("not a group")
                    .help(help),
                );
                None
            }
            None if self.program.is_broken_import(file, &name.name) => None,
            // One unknown name, one error: its other uses say nothing new.
            None if !self.unknown_groups.insert((file, name.name.clone())) => None,
            None => {
                let mut d = Diagnostic::new(
                    Code::UnknownGroup,
                    name.span,
                    format!("there is no group `{}`", name.name),
                )
                .label("unknown group");
                d = suggest(
                    d,
                    &name.name,
                    self.program.names_of(file, DeclKind::Group),
                    "declare it with `group name \"Label\" { … }` at the top level of a file, or import it",
                );
                self.diags.push(d);
                None
            }
        }
    }

    /// An attachment under `owner`.
    fn attachment(&mut self, owner: NodeId, decl: &'a ast::Decl, file: FileId) {
        let mut node = Node::new(
            &decl.name.name,
            decl.name.span,
            Some(owner),
            Kind::Attachment {
                types: Vec::new(),
                max_bytes: None,
                count: None,
            },
        );
        node.label = decl.label.as_ref();
        if let Some(t) = &decl.type_ref {
            self.diags.push(
                Diagnostic::new(
                    Code::MisplacedStatement,
                    t.span,
                    "an attachment has no type",
                )
                .label("remove this")
                .help("write the accepted files in its block: `types pdf, jpeg`"),
            );
        }
        let id = self.add(node);
        self.block(id, &decl.body, file, &mut Vec::new());
    }
}

/// A built-in type without constraints.
/// The code list that `name`, written in `file` (in `choice(…)`), refers
/// to; else why not (nothing to say where a broken import is reported).
pub fn find_codelist(
    program: &Program,
    name: &ast::Ident,
    file: FileId,
) -> Result<ListRef, Option<Box<Diagnostic>>> {
    match name.name.as_str() {
        "country" => return Ok(ListRef::Country),
        "nationality" => return Ok(ListRef::Nationality),
        _ => {}
    }
    match program.lookup(file, &name.name) {
        Some((decl, DeclKind::Codelist)) => Ok(ListRef::Decl(decl)),
        Some((_, kind)) => Err(Some(Box::new(
            Diagnostic::new(
                Code::WrongKind,
                name.span,
                format!("`{}` is {}, not a code list", name.name, kind.describe()),
            )
            .label("not a code list")
            .help("`choice(…)` takes the name of a `codelist`"),
        ))),
        None if program.is_broken_import(file, &name.name) => Err(None),
        None => {
            let d = Diagnostic::new(
                Code::UnknownCodelist,
                name.span,
                format!("there is no code list `{}`", name.name),
            )
            .label("unknown code list");
            Err(Some(Box::new(
                match did_you_mean(&name.name, program.names_of(file, DeclKind::Codelist)) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help("declare it with `codelist name \"Label\" { … }` or import it"),
                },
            )))
        }
    }
}

fn builtin_type<'a>(base: Base, span: Span) -> FieldTy<'a> {
    FieldTy {
        base,
        named: None,
        min_length: None,
        max_length: None,
        pattern: None,
        pattern_message: None,
        scale: None,
        min: None,
        max: None,
        codelist: match base {
            Base::Country => Some(ListRef::Country),
            Base::Nationality => Some(ListRef::Nationality),
            _ => None,
        },
        span,
    }
}

/// A constraint the type `base_name` does not take.
fn constraint_mismatch(base_name: &str, what: &str, span: Span, help: &str) -> Diagnostic {
    let d = Diagnostic::new(
        Code::ConstraintMismatch,
        span,
        format!("`{base_name}` takes no {what}"),
    )
    .label("does not fit this type")
    .help(help.to_string());
    match what {
        "`length`" => d.fim(1015, "lengths only on text"),
        "`min` or `max`" => d.fim(1016, "value ranges only on numbers, dates and times"),
        _ => d,
    }
}

fn belongs_in(stmt: &Stmt) -> &'static str {
    match stmt {
        Stmt::Field(_) | Stmt::Group(_) | Stmt::Extension { .. } => "a page or a group",
        Stmt::Page(_) => "a procedure",
        Stmt::Version(..)
        | Stmt::Leika(..)
        | Stmt::Identity { .. }
        | Stmt::Languages(..)
        | Stmt::Description(..)
        | Stmt::Authority { .. }
        | Stmt::Parameter(_)
        | Stmt::Privacy(..)
        | Stmt::Deadline(_)
        | Stmt::Example(_)
        | Stmt::Workflow(..) => "the procedure itself",
        Stmt::Actor { .. } | Stmt::Document { .. } | Stmt::State(_) => "a workflow",
        Stmt::By(..) | Stmt::Decide { .. } | Stmt::Goto(_) => "a workflow step",
        Stmt::Outcome(..) => "an end state of a workflow",
        Stmt::Part { .. } | Stmt::Conditions(..) | Stmt::Fees(_) | Stmt::Remedy { .. } => {
            "a document of a workflow (`document NAME \"…\" { … }`)"
        }
        Stmt::Kind(..)
        | Stmt::Offers { .. }
        | Stmt::Set { .. }
        | Stmt::Theme(..)
        | Stmt::Extend { .. } => "a `municipality \"…\" \"…\" { … }`",
        Stmt::Validity { .. } => "a parameter's value (`set`) in a municipality",
        Stmt::Property { .. } | Stmt::Reply(..) => "an authority or a theme of a municipality",
        Stmt::Amount(..) => "a `payment` state of a workflow",
        Stmt::Purpose(..) | Stmt::Basis(..) | Stmt::Retention(..) => {
            "the procedure's `privacy { … }` section"
        }
        Stmt::Types(..) | Stmt::MaxSize(..) | Stmt::Count(..) => "an attachment",
        Stmt::Autocomplete(..) | Stmt::Prefill { .. } => "a field",
        Stmt::Fim(..) => "a procedure, a field, a group or an attachment",
        Stmt::Required(_) | Stmt::Rule { .. } | Stmt::Personal(..) => {
            "a field, a group or an attachment"
        }
        Stmt::When(..) => "a page, group, field, attachment, computed value or note",
        _ => "a page, group or field",
    }
}

/// A `decide` of the workflow.
struct DecisionDecl<'a> {
    name: &'a ast::Ident,
    ty: &'a ast::TypeRef,
    label: Option<&'a ast::Text>,
}

/// Every `decide` in a workflow, in order.
fn collect_decisions<'a>(body: &'a [Stmt], out: &mut Vec<DecisionDecl<'a>>) {
    for stmt in body {
        match stmt {
            Stmt::Decide {
                name, ty, label, ..
            } => out.push(DecisionDecl {
                name,
                ty,
                label: label.as_ref(),
            }),
            Stmt::State(state) => collect_decisions(&state.body, out),
            _ => {}
        }
    }
}

/// The built-in types as a sentence: `text, …, choice(…), … and consent`.
fn builtin_type_list() -> String {
    let words: Vec<String> = Base::all()
        .map(|b| match b {
            Base::Choice | Base::Multichoice => format!("{b}(…)"),
            _ => b.to_string(),
        })
        .collect();
    match words.split_last() {
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}
