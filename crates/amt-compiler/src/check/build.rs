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
}

pub struct Builder<'a, 'd> {
    pub program: &'a Program,
    pub tree: Tree<'a>,
    pub meta: Meta<'a>,
    pub diags: &'d mut Vec<Diagnostic>,
    /// Groups being instantiated, to catch a group that contains itself.
    group_stack: Vec<DeclRef>,
}

fn settings_seen(
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
        let mut root = Node::new(&decl.name.name, decl.name.span, None, Kind::Root);
        root.label = decl.label.as_ref();
        let root = self.add(root);
        let mut seen = Vec::new();
        for stmt in &decl.body {
            self.procedure_stmt(root, stmt, file, &mut seen);
        }
        root
    }

    /// Adds the workflow's decisions as case data, so that guards read them
    /// like answers (and a decision named like a field is a duplicate).
    fn decisions(&mut self, root: NodeId, body: &'a [Stmt], file: FileId) {
        let mut found = Vec::new();
        collect_decisions(body, &mut found);
        if found.is_empty() {
            return;
        }
        let span = found[0].0.span;
        let case = self.add(Node::new("", span, Some(root), Kind::Case));
        self.meta.case = Some(case);
        for (name, ty, label) in found {
            let Some((field_ty, _)) = self.field_type(ty, file, &mut Vec::new()) else {
                continue;
            };
            let mut node = Node::new(&name.name, name.span, Some(case), Kind::Field(field_ty));
            node.label = label;
            self.add(node);
        }
    }

    /// Builds the tree of a reusable group on its own, to check it even when
    /// no procedure uses it.
    pub fn standalone_group(&mut self, decl: &'a ast::Decl, decl_ref: DeclRef) -> NodeId {
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
            Stmt::Description(t, _) => {
                settings_seen(seen, "the description", span, self.diags);
                self.meta.description = Some(t);
            }
            Stmt::Authority(name, label, _) => {
                settings_seen(seen, "the authority", span, self.diags);
                self.meta.authority = Some((name, label.as_ref()));
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
                let mut inner = Vec::new();
                for s in body {
                    match s {
                        Stmt::Purpose(t, sp) => {
                            settings_seen(&mut inner, "the purpose", *sp, self.diags);
                            self.meta.purpose = Some(t);
                        }
                        Stmt::Basis(b, sp) => {
                            settings_seen(&mut inner, "the legal basis", *sp, self.diags);
                            self.meta.basis = Some(b);
                        }
                        Stmt::Retention(r, sp) => {
                            settings_seen(&mut inner, "the retention period", *sp, self.diags);
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
            Stmt::Page(decl) => {
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

    fn block_stmt(
        &mut self,
        owner: NodeId,
        stmt: &'a Stmt,
        file: FileId,
        seen: &mut Vec<(&'static str, Span)>,
    ) {
        let owner_kind = self.tree.nodes[owner].describe();
        let can_hold_items = matches!(
            self.tree.nodes[owner].kind,
            Kind::Page | Kind::Group | Kind::Root
        );
        match stmt {
            Stmt::Field(decl)
                if can_hold_items && !matches!(self.tree.nodes[owner].kind, Kind::Root) =>
            {
                self.field(owner, decl, file);
            }
            Stmt::Group(decl)
                if can_hold_items && !matches!(self.tree.nodes[owner].kind, Kind::Root) =>
            {
                self.group(owner, decl, file);
            }
            Stmt::Attachment(decl) if can_hold_items => self.attachment(owner, decl, file),
            Stmt::Computed(c) | Stmt::Fee(c) if can_hold_items => {
                let fee = matches!(stmt, Stmt::Fee(_));
                let mut node = Node::new(
                    &c.name.name,
                    c.name.span,
                    Some(owner),
                    Kind::Computed {
                        value: &c.value,
                        fee,
                    },
                );
                node.label = c.label.as_ref();
                let id = self.add(node);
                self.block(id, &c.body, file, &mut Vec::new());
            }
            Stmt::Note(n) if can_hold_items => {
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
            Stmt::When(e, span) if !matches!(self.tree.nodes[owner].kind, Kind::Root) => {
                settings_seen(seen, "the condition (`when`)", *span, self.diags);
                self.tree.nodes[owner].whens.push(e);
            }
            Stmt::Required(span)
                if matches!(
                    self.tree.nodes[owner].kind,
                    Kind::Field(_) | Kind::Group | Kind::Attachment { .. }
                ) =>
            {
                settings_seen(seen, "`required`", *span, self.diags);
                self.tree.nodes[owner].required = Some(*span);
            }
            Stmt::Hint(t, span) if !matches!(self.tree.nodes[owner].kind, Kind::Note(_)) => {
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
            } if matches!(
                self.tree.nodes[owner].kind,
                Kind::Field(_) | Kind::Group | Kind::Attachment { .. }
            ) =>
            {
                self.tree.nodes[owner].rules.push(RuleSrc {
                    warning: *warning,
                    condition,
                    message: message.as_ref(),
                    span: *span,
                });
            }
            Stmt::Fim(id, _, span)
                if matches!(self.tree.nodes[owner].kind, Kind::Field(_) | Kind::Group) =>
            {
                settings_seen(seen, "the FIM id", *span, self.diags);
                self.tree.nodes[owner].fim = Some(id);
            }
            Stmt::Autocomplete(token, span)
                if matches!(self.tree.nodes[owner].kind, Kind::Field(_)) =>
            {
                settings_seen(seen, "the autocomplete token", *span, self.diags);
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
                self.tree.nodes[owner].autocomplete = Some(token);
            }
            Stmt::Prefill {
                attribute,
                locked,
                span,
            } if matches!(self.tree.nodes[owner].kind, Kind::Field(_)) => {
                settings_seen(seen, "the prefill", *span, self.diags);
                self.tree.nodes[owner].prefill = Some((attribute, locked.unwrap_or(false), *span));
            }
            Stmt::Personal(class, span)
                if matches!(
                    self.tree.nodes[owner].kind,
                    Kind::Field(_) | Kind::Group | Kind::Attachment { .. }
                ) =>
            {
                settings_seen(seen, "the personal-data class", *span, self.diags);
                let class = match class.as_ref().map(|c| c.name.as_str()) {
                    Some("special") => PersonalClass::Special,
                    _ => PersonalClass::Ordinary,
                };
                self.tree.nodes[owner].personal = Some((class, *span));
            }
            Stmt::Types(list, span)
                if matches!(self.tree.nodes[owner].kind, Kind::Attachment { .. }) =>
            {
                settings_seen(seen, "the file types", *span, self.diags);
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
                if let Kind::Attachment { types, .. } = &mut self.tree.nodes[owner].kind {
                    types.extend(list.iter());
                }
            }
            Stmt::MaxSize(bytes, span)
                if matches!(self.tree.nodes[owner].kind, Kind::Attachment { .. }) =>
            {
                settings_seen(seen, "the size limit", *span, self.diags);
                if let Kind::Attachment { max_bytes, .. } = &mut self.tree.nodes[owner].kind {
                    *max_bytes = Some(*bytes);
                }
            }
            Stmt::Count(range, span)
                if matches!(self.tree.nodes[owner].kind, Kind::Attachment { .. }) =>
            {
                settings_seen(seen, "the count", *span, self.diags);
                super::ranges::check_range(range, "count", self.diags);
                if let Kind::Attachment { count, .. } = &mut self.tree.nodes[owner].kind {
                    *count = Some(*range);
                }
            }
            other => {
                let belongs = belongs_in(other);
                self.misplaced(other, owner_kind, belongs);
            }
        }
    }

    fn field(&mut self, owner: NodeId, decl: &'a ast::Decl, file: FileId) {
        let Some(type_ref) = &decl.type_ref else {
            // The grammar requires a type; nothing to build.
            return;
        };
        let resolved = self.field_type(type_ref, file, &mut Vec::new());
        let Some((ty, named)) = resolved else {
            // Unknown type: keep a placeholder so names still resolve.
            let placeholder = FieldTy {
                base: Base::Text,
                named: None,
                min_length: None,
                max_length: None,
                pattern: None,
                scale: None,
                min: None,
                max: None,
                codelist: None,
                span: type_ref.span,
            };
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
            Kind::Field(ty),
        );
        node.label = decl.label.as_ref();
        node.repeat = type_ref.cardinality;
        if let Some(r) = &type_ref.cardinality {
            super::ranges::check_cardinality(r, self.diags);
        }
        let id = self.add(node);
        // Settings from named types apply first, the field's own override them.
        let mut seen = Vec::new();
        let inherited_label = named.iter().rev().find_map(|(t, _)| t.label.as_ref());
        if self.tree.nodes[id].label.is_none() {
            self.tree.nodes[id].label = inherited_label;
        }
        for (type_decl, type_file) in &named {
            for stmt in &type_decl.body {
                match stmt {
                    Stmt::Hint(..) | Stmt::Legal { .. } | Stmt::Fim(..) | Stmt::Autocomplete(..) | Stmt::Personal(..) => {
                        self.block_stmt(id, stmt, *type_file, &mut Vec::new());
                    }
                    other => self.misplaced(other, "a type", "the field that uses the type; a type takes `hint`, `legal`, `fim`, `autocomplete` and `personal`"),
                }
            }
        }
        for stmt in &decl.body {
            // Own settings replace inherited ones without a "given twice" error.
            self.block_stmt(id, stmt, file, &mut seen);
        }
    }

    /// Resolves a field's type: built-in or named, with constraints applied.
    /// Returns the type and the chain of named types used (innermost last).
    #[allow(clippy::type_complexity)]
    fn field_type(
        &mut self,
        type_ref: &'a ast::TypeRef,
        file: FileId,
        chain: &mut Vec<DeclRef>,
    ) -> Option<(FieldTy<'a>, Vec<(&'a ast::TypeDecl, FileId)>)> {
        let name = &type_ref.name;
        let (mut ty, named) = if let Some(base) = Base::from_word(&name.name) {
            (
                FieldTy {
                    base,
                    named: None,
                    min_length: None,
                    max_length: None,
                    pattern: None,
                    scale: None,
                    min: None,
                    max: None,
                    codelist: match base {
                        Base::Country => Some(ListRef::Country),
                        Base::Nationality => Some(ListRef::Nationality),
                        _ => None,
                    },
                    span: type_ref.span,
                },
                Vec::new(),
            )
        } else {
            match self.program.lookup(file, &name.name) {
                Some((decl, DeclKind::Type)) => {
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
                    let (mut inner, mut inner_named) =
                        self.field_type(&type_decl.base, decl.file, chain)?;
                    chain.pop();
                    if let Some(card) = &type_decl.base.cardinality {
                        self.diags.push(
                            Diagnostic::new(Code::ConstraintMismatch, card.span, "a type cannot repeat")
                                .label("repeat here")
                                .help("put the repeat on the field that uses the type: `field x: name[1..3]`"),
                        );
                    }
                    inner.named = Some(&type_decl.name.name);
                    inner.span = type_ref.span;
                    inner_named.push((type_decl, decl.file));
                    (inner, inner_named)
                }
                Some((_, kind)) => {
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
                    return None;
                }
                None if self.program.is_broken_import(file, &name.name) => return None,
                None => {
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
                    return None;
                }
            }
        };
        self.apply_args(&mut ty, type_ref, file);
        Some((ty, named))
    }

    fn apply_args(&mut self, ty: &mut FieldTy<'a>, type_ref: &'a ast::TypeRef, file: FileId) {
        let base = ty.base;
        let base_name = type_ref.name.name.as_str();
        let mismatch = |what: &str, span: Span, help: &str| {
            Diagnostic::new(
                Code::ConstraintMismatch,
                span,
                format!("`{base_name}` takes no {what}"),
            )
            .label("does not fit this type")
            .help(help.to_string())
        };
        for arg in &type_ref.args {
            match arg {
                TypeArg::Min(e, span) | TypeArg::Max(e, span) => {
                    let is_min = matches!(arg, TypeArg::Min(..));
                    if base.is_text() {
                        // min/max on text mean lengths.
                        match super::ranges::const_u64(e) {
                            Some(n) if is_min => ty.min_length = Some(n),
                            Some(n) => ty.max_length = Some(n),
                            None => self.diags.push(mismatch(
                                "computed length",
                                e.span,
                                "for text, `min` and `max` are numbers of characters, e.g. `text(max 55)`",
                            )),
                        }
                    } else if base.has_bounds() {
                        if is_min {
                            ty.min = Some(e);
                        } else {
                            ty.max = Some(e);
                        }
                    } else {
                        self.diags.push(mismatch(
                            "`min` or `max`",
                            *span,
                            "only numbers, money, dates, times and text take bounds",
                        ));
                    }
                }
                TypeArg::Length(range, span) => {
                    if base.is_text() {
                        // An inverted range is reported with the other bounds.
                        ty.min_length = Some(range.min);
                        ty.max_length = range.max;
                    } else {
                        self.diags.push(mismatch(
                            "`length`",
                            *span,
                            "only text has a length; use `min`/`max` for numbers and dates",
                        ));
                    }
                }
                TypeArg::Pattern(p, span) => {
                    if base.is_text() {
                        super::pattern::check(p, self.diags);
                        ty.pattern = Some(p);
                    } else {
                        self.diags.push(mismatch(
                            "`pattern`",
                            *span,
                            "only text can have a pattern",
                        ));
                    }
                }
                TypeArg::Scale(n, span) => {
                    if base == Base::Decimal {
                        ty.scale = Some(*n);
                    } else {
                        self.diags.push(mismatch("`scale`", *span, "only `decimal` has a scale (digits after the point); money is always exact to the cent"));
                    }
                }
                TypeArg::Name(list) => {
                    if matches!(base, Base::Choice | Base::Multichoice) && ty.codelist.is_none() {
                        ty.codelist = self.codelist_ref(list, file);
                    } else {
                        self.diags.push(mismatch(
                            "code list",
                            list.span,
                            "only `choice(…)` and `multichoice(…)` name a code list; constraints are written `max 55`, `pattern \"…\"`",
                        ));
                    }
                }
            }
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

    fn is_type_name(&self, type_ref: &ast::TypeRef) -> bool {
        Base::from_word(&type_ref.name.name).is_none()
    }

    pub fn codelist_ref(&mut self, name: &'a ast::Ident, file: FileId) -> Option<ListRef> {
        match name.name.as_str() {
            "country" => return Some(ListRef::Country),
            "nationality" => return Some(ListRef::Nationality),
            _ => {}
        }
        match self.program.lookup(file, &name.name) {
            Some((decl, DeclKind::Codelist)) => Some(ListRef::Decl(decl)),
            Some((_, kind)) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::WrongKind,
                        name.span,
                        format!("`{}` is {}, not a code list", name.name, kind.describe()),
                    )
                    .label("not a code list")
                    .help("`choice(…)` takes the name of a `codelist`"),
                );
                None
            }
            None if self.program.is_broken_import(file, &name.name) => None,
            None => {
                let mut d = Diagnostic::new(
                    Code::UnknownCodelist,
                    name.span,
                    format!("there is no code list `{}`", name.name),
                )
                .label("unknown code list");
                d = match did_you_mean(&name.name, self.program.names_of(file, DeclKind::Codelist))
                {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help("declare it with `codelist name \"Label\" { … }` or import it"),
                };
                self.diags.push(d);
                None
            }
        }
    }

    fn group(&mut self, owner: NodeId, decl: &'a ast::Decl, file: FileId) {
        let mut node = Node::new(&decl.name.name, decl.name.span, Some(owner), Kind::Group);
        node.label = decl.label.as_ref();
        let mut base: Option<(&'a ast::Decl, DeclRef)> = None;
        if let Some(type_ref) = &decl.type_ref {
            node.repeat = type_ref.cardinality;
            if let Some(r) = &type_ref.cardinality {
                super::ranges::check_cardinality(r, self.diags);
            }
            if let Some(arg) = type_ref.args.first() {
                let span = match arg {
                    TypeArg::Min(_, s)
                    | TypeArg::Max(_, s)
                    | TypeArg::Length(_, s)
                    | TypeArg::Pattern(_, s)
                    | TypeArg::Scale(_, s) => *s,
                    TypeArg::Name(i) => i.span,
                };
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
            let name = &type_ref.name;
            match self.program.lookup(file, &name.name) {
                Some((d, DeclKind::Group)) => {
                    if let Item::Group(g) = self.program.item(d) {
                        base = Some((g, d));
                        node.group = Some(&g.name.name);
                        if node.label.is_none() {
                            node.label = g.label.as_ref();
                        }
                    }
                }
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
                }
                None if self.program.is_broken_import(file, &name.name) => {}
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
                }
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
                    .help(
                        "a form cannot be infinitely deep; use a repeat of a smaller group instead",
                    ),
                );
            } else {
                self.group_stack.push(d);
                self.block(id, &g.body, d.file, &mut seen);
                self.group_stack.pop();
            }
        }
        self.block(id, &decl.body, file, &mut Vec::new());
    }

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

fn belongs_in(stmt: &Stmt) -> &'static str {
    match stmt {
        Stmt::Field(_) | Stmt::Group(_) => "a page or a group",
        Stmt::Page(_) => "a procedure",
        Stmt::Version(..)
        | Stmt::Leika(..)
        | Stmt::Identity { .. }
        | Stmt::Languages(..)
        | Stmt::Description(..)
        | Stmt::Authority(..)
        | Stmt::Privacy(..)
        | Stmt::Deadline(_)
        | Stmt::Example(_)
        | Stmt::Workflow(..) => "the procedure itself",
        Stmt::Actor { .. } | Stmt::Document { .. } | Stmt::State(_) => "a workflow",
        Stmt::By(..) | Stmt::Decide { .. } | Stmt::Goto(_) => "a workflow step",
        Stmt::Outcome(..) => "an end state of a workflow",
        Stmt::Purpose(..) | Stmt::Basis(..) | Stmt::Retention(..) => {
            "the procedure's `privacy { … }` section"
        }
        Stmt::Types(..) | Stmt::MaxSize(..) | Stmt::Count(..) => "an attachment",
        Stmt::Autocomplete(..) | Stmt::Prefill { .. } => "a field",
        Stmt::Fim(..) => "a field or a group",
        Stmt::Required(_) | Stmt::Rule { .. } | Stmt::Personal(..) => {
            "a field, a group or an attachment"
        }
        Stmt::When(..) => "a page, group, field, attachment, computed value or note",
        _ => "a page, group or field",
    }
}

/// Every `decide` in a workflow, in order.
#[allow(clippy::type_complexity)]
fn collect_decisions<'a>(
    body: &'a [Stmt],
    out: &mut Vec<(&'a ast::Ident, &'a ast::TypeRef, Option<&'a ast::Text>)>,
) {
    for stmt in body {
        match stmt {
            Stmt::Decide {
                name, ty, label, ..
            } => out.push((name, ty, label.as_ref())),
            Stmt::State(state) => collect_decisions(&state.body, out),
            _ => {}
        }
    }
}

/// The built-in types as a sentence: `text, …, choice(…), … and consent`.
fn builtin_type_list() -> String {
    let words: Vec<String> = Base::ALL
        .iter()
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
