//! Checking: resolved modules → checked procedures ([`ir::Procedure`]).
//!
//! For each procedure the checker builds its tree ([`build`]), types every
//! expression ([`expr`]), finds impossible ranges ([`ranges`]), dependency
//! cycles and conditions that can never hold ([`analysis`]), and checks labels,
//! translations, identity and accessibility ([`lint`]). Then it lowers the
//! tree to the model ([`lower`]). Reusable groups are also checked on their
//! own, so a mistake in a group is found even before a procedure uses it.

mod analysis;
mod backtracking;
mod build;
pub(crate) use build::settings_seen;
mod columns;
mod example_data;
mod expr;
mod limits;
mod lint;
mod lower;
pub(crate) mod pattern;
mod ranges;
mod tree;
mod workflow;

use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{self, Ty};
use crate::resolve::{DeclRef, Program};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{self, Item};
use amt_model::catalog;
use std::collections::{BTreeMap, HashMap};
use tree::{Kind, ListRef, NodeId, Tree};

/// What a name written at `at` refers to: the declaration whose name is
/// written at `to`. The checker records one for every name it resolves, so
/// that an editor's go-to-definition, references and rename follow the
/// checker's own rules of scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Where the name is used.
    pub at: Span,
    /// Where the name it refers to is declared.
    pub to: Span,
}

/// The typed expressions of one node.
#[derive(Default)]
struct NodeExprs {
    when: Option<ir::Expr>,
    rules: Vec<ir::Rule>,
    value: Option<ir::Expr>,
    min: Option<ir::Expr>,
    max: Option<ir::Expr>,
    /// What the node's visibility reads (its own `when`).
    when_refs: Vec<(NodeId, Span)>,
    /// What a computed value reads.
    value_refs: Vec<(NodeId, Span)>,
}

/// Checks one procedure or one reusable group.
pub struct Checker<'a, 'd> {
    program: &'a Program,
    sources: &'a SourceMap,
    tree: Tree<'a>,
    meta: build::Meta<'a>,
    diags: &'d mut Vec<Diagnostic>,
    /// Code lists in use: key in the model → list.
    lists: BTreeMap<String, ListRef>,
    list_keys: HashMap<ListRef, String>,
    /// The columns of the code lists in use, resolved on first use.
    columns: HashMap<ListRef, std::rc::Rc<columns::Columns>>,
    computed_types: HashMap<NodeId, Option<Ty>>,
    exprs: HashMap<NodeId, NodeExprs>,
    languages: Vec<String>,
    /// The names resolved so far (the builder's first).
    refs: Vec<Reference>,
    /// Where each state of the workflow is named (for the examples).
    state_names: HashMap<String, Span>,
    /// The example being lowered: whether it names a municipality, and the
    /// extension points whose questions it answers.
    example_local: (bool, Vec<String>),
}

/// Two procedures with one name (their output folders would collide),
/// found among the names of the procedures, in source order.
pub fn duplicate_procedure_names<'a>(
    names: impl Iterator<Item = &'a ast::Ident>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Keyed without case: `Antrag` and `antrag` would share an output folder
    // on the file systems of Windows and macOS.
    let mut ids: HashMap<String, (&str, Span)> = HashMap::new();
    for ident in names {
        let name = ident.name.as_str();
        if name.eq_ignore_ascii_case("assets") {
            diags.push(
                Diagnostic::new(Code::DuplicateName, ident.span, format!("`{name}` is the folder of a build's shared files"))
                    .label("reserved name")
                    .help("the stylesheet and script of every form live in `assets/`; choose another name for the procedure"),
            );
        }
        if let Some((first_name, first)) = ids.get(&name.to_lowercase()) {
            let message = if *first_name == name {
                format!("there are two procedures named `{name}`")
            } else {
                format!("the procedures `{first_name}` and `{name}` differ only in case")
            };
            diags.push(
                Diagnostic::new(Code::DuplicateName, ident.span, message)
                    .label("second procedure")
                    .secondary(*first, "first procedure")
                    .help("a procedure's name is its id and the name of its output folder (the same for both where case does not count); rename one"),
            );
        } else {
            ids.insert(name.to_lowercase(), (name, ident.span));
        }
    }
    diags
}

/// The warning for a project whose files declare no procedure: it is
/// shown at the start of its first file. Files that could not be read as
/// text (reported when loading) do not count; without any other, there is
/// no warning.
pub fn no_procedure(sources: &SourceMap) -> Option<Diagnostic> {
    let mut readable = sources.iter().filter(|(_, f)| f.parse).map(|(id, _)| id);
    let first = readable.next()?;
    let files = 1 + readable.count();
    Some(
        Diagnostic::new(
            Code::NoProcedure,
            Span::new(first, 0..0),
            if files == 1 {
                "the project's only file declares no procedure: there is nothing to build"
                    .to_string()
            } else {
                format!(
                    "none of the project's {files} files declares a procedure: there is nothing to build"
                )
            },
        )
        .label("no procedure here or in any other file")
        .help("a procedure starts with `procedure NAME \"Title\" {`; files of groups and code lists alone are only shared, by the procedures that import from them"),
    )
}

/// A repeat as written: `[1..5]`, `[0..]`.
fn range_text(r: &ast::Range) -> String {
    match r.max {
        Some(max) => format!("[{}..{max}]", r.min),
        None => format!("[{}..]", r.min),
    }
}

/// The names resolved in a declaration of `file` that are written in
/// `file`: a group's own names are recorded where the group is checked on
/// its own, not once per procedure that uses it.
fn keep_own(found: Vec<Reference>, file: crate::source::FileId, refs: &mut Vec<Reference>) {
    refs.extend(found.into_iter().filter(|r| r.at.file == file));
}

/// Checks a procedure of `file` (from the program, or parsed on its own
/// after an outline, see [`crate::syntax::parse_outline`]); what its names
/// refer to goes to `refs`.
pub fn check_procedure(
    sources: &SourceMap,
    program: &Program,
    file: crate::source::FileId,
    decl: &ast::Decl,
    diags: &mut Vec<Diagnostic>,
    refs: &mut Vec<Reference>,
) -> ir::Procedure {
    let mut builder = build::Builder::new(program, diags);
    builder.procedure(decl, file);
    let (tree, meta, found) = (builder.tree, builder.meta, builder.refs);
    let mut checker = Checker::new(program, sources, tree, meta, diags);
    checker.refs = found;
    let procedure = checker.run_procedure(decl);
    keep_own(checker.refs, file, refs);
    procedure
}

/// Checks one top-level declaration; a procedure comes back checked. What
/// its names refer to goes to `refs`.
pub fn check_item(
    sources: &SourceMap,
    program: &Program,
    file: crate::source::FileId,
    item_index: usize,
    item: &Item,
    diags: &mut Vec<Diagnostic>,
    refs: &mut Vec<Reference>,
) -> Option<ir::Procedure> {
    match item {
        Item::Procedure(decl) => {
            return Some(check_procedure(sources, program, file, decl, diags, refs));
        }
        // Municipalities are checked together, against every procedure
        // (`municipal`).
        Item::Municipality(_) => {}
        Item::Group(decl) => {
            if let Some(r) = &decl.repeat {
                diags.push(
                    Diagnostic::new(Code::MisplacedStatement, r.span, "a declared group is repeated where it is used, not where it is declared")
                        .label("repeat here has no meaning")
                        .help(format!("remove the repeat here and write it at the use, e.g. `group {}_liste: {}{} \"…\"`", decl.name.name, decl.name.name, range_text(r))),
                );
            }
            let mut builder = build::Builder::new(program, diags);
            builder.standalone_group(
                decl,
                DeclRef {
                    file,
                    item: item_index,
                },
            );
            let (tree, meta, found) = (builder.tree, builder.meta, builder.refs);
            let mut checker = Checker::new(program, sources, tree, meta, diags);
            checker.refs = found;
            checker.run_group();
            keep_own(checker.refs, file, refs);
        }
        Item::Codelist(list) => {
            lint::codelist(list, diags);
            if !list.columns.is_empty() {
                let tree = tree::Tree::default();
                let mut checker =
                    Checker::new(program, sources, tree, build::Meta::default(), diags);
                checker.run_codelist(DeclRef {
                    file,
                    item: item_index,
                });
                keep_own(checker.refs, file, refs);
            }
        }
        Item::Type(t) => {
            // Checked on its own, in its own file's scope: its mistakes are
            // found before a field uses it, and what it imports is marked
            // used here, so the unused imports of a file depend on that
            // file alone.
            let mut builder = build::Builder::new(program, diags);
            builder.standalone_type(
                t,
                DeclRef {
                    file,
                    item: item_index,
                },
            );
            keep_own(builder.refs, file, refs);
        }
        Item::Import(_) => {}
        Item::Stray(stmt) => {
            diags.push(
                Diagnostic::new(Code::MisplacedStatement, stmt.span(), format!("{} cannot stand at the top of a file", stmt.describe()))
                    .label("outside any declaration")
                    .help("the top level holds `import`, `codelist`, `type`, `group` and `procedure`; put this inside one of them"),
            );
        }
    }
    None
}

impl<'a, 'd> Checker<'a, 'd> {
    fn new(
        program: &'a Program,
        sources: &'a SourceMap,
        tree: Tree<'a>,
        meta: build::Meta<'a>,
        diags: &'d mut Vec<Diagnostic>,
    ) -> Self {
        let languages = meta
            .languages
            .map(|(langs, _)| langs.iter().map(|l| l.name.clone()).collect())
            .unwrap_or_else(|| vec!["de".to_string()]);
        Checker {
            program,
            sources,
            tree,
            meta,
            diags,
            lists: BTreeMap::new(),
            list_keys: HashMap::new(),
            columns: HashMap::new(),
            computed_types: HashMap::new(),
            exprs: HashMap::new(),
            languages,
            refs: Vec::new(),
            state_names: HashMap::new(),
            example_local: (false, Vec::new()),
        }
    }

    /// Records that the name written at `at` refers to the node `id`.
    fn refer_to_node(&mut self, at: Span, id: NodeId) {
        let to = self.tree.nodes[id].name_span;
        self.refs.push(Reference { at, to });
    }

    /// The model's key for a code list; registers it on first use.
    fn list_key(&mut self, list: ListRef) -> String {
        if let Some(k) = self.list_keys.get(&list) {
            return k.clone();
        }
        let base = match list {
            ListRef::Country => "country".to_string(),
            ListRef::Nationality => "nationality".to_string(),
            ListRef::Decl(d) => match self.program.item(d) {
                Item::Codelist(c) => c.name.name.clone(),
                _ => "codelist".to_string(),
            },
        };
        let key = if self.lists.contains_key(&base) {
            // Two lists of the same name from different files.
            let file = match list {
                ListRef::Decl(d) => self
                    .sources
                    .get(d.file)
                    .name
                    .trim_end_matches(".amt")
                    .replace('/', "."),
                _ => String::new(),
            };
            format!("{file}.{base}")
        } else {
            base
        };
        self.lists.insert(key.clone(), list);
        self.list_keys.insert(list, key.clone());
        // The lists its columns' codes come from are the procedure's too.
        self.columns_of(list, false);
        key
    }

    /// The codes of a list by its key.
    fn codes_of(&self, key: &str) -> Vec<String> {
        match self.lists.get(key) {
            Some(ListRef::Country) | Some(ListRef::Nationality) => catalog::COUNTRIES
                .iter()
                .map(|c| c.code.to_string())
                .collect(),
            Some(ListRef::Decl(d)) => match self.program.item(*d) {
                Item::Codelist(c) => c.entries.iter().map(|e| e.code.value.clone()).collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        }
    }

    /// Whether a list has a code, without building the list of its codes:
    /// `None` if not; else where the code is declared (`None` for the
    /// built-in lists).
    fn find_code(&self, key: &str, code: &str) -> Option<Option<Span>> {
        match self.lists.get(key) {
            Some(ListRef::Country) | Some(ListRef::Nationality) => catalog::COUNTRIES
                .iter()
                .any(|c| c.code == code)
                .then_some(None),
            Some(ListRef::Decl(d)) => match self.program.item(*d) {
                Item::Codelist(c) => c
                    .entries
                    .iter()
                    .find(|e| e.code.value == code)
                    .map(|e| Some(e.code.span)),
                _ => None,
            },
            None => None,
        }
    }

    /// The type of a computed value, typing its expression on first use.
    fn computed_ty(&mut self, id: NodeId) -> Ty {
        match self.computed_types.get(&id) {
            Some(Some(t)) => return t.clone(),
            Some(None) => return Ty::Unknown, // a cycle; reported by the analysis
            None => {}
        }
        let Kind::Computed {
            value, declared, ..
        } = &self.tree.nodes[id].kind
        else {
            return Ty::Unknown;
        };
        if let Some(ft) = declared {
            let (base, codelist) = (ft.base, ft.codelist);
            let ty = self.value_ty(base, codelist);
            self.computed_types.insert(id, Some(ty.clone()));
            return ty;
        }
        // A fee is money: one that is not says so where it is declared,
        // and what reads it reads money.
        if let Kind::Computed { fee: true, .. } = &self.tree.nodes[id].kind {
            self.computed_types.insert(id, Some(Ty::Money));
            return Ty::Money;
        }
        let Some(value) = *value else {
            return Ty::Unknown;
        };
        let value: &'a ast::Expr = value;
        self.computed_types.insert(id, None);
        let scope = self.tree.nodes[id].parent.unwrap_or(id);
        let mut cx = self.cx(scope);
        // Diagnostics come from the main pass; this one only learns the type.
        let saved = std::mem::take(self.diags);
        let ty = self.expr(value, &mut cx, None).ty;
        *self.diags = saved;
        self.computed_types.insert(id, Some(ty.clone()));
        ty
    }

    /// The scope expressions of a node are read in.
    fn scope_of(&self, id: NodeId) -> NodeId {
        match self.tree.nodes[id].kind {
            Kind::Group | Kind::Page | Kind::Case | Kind::Root => id,
            _ => self.tree.nodes[id].parent.unwrap_or(id),
        }
    }

    /// Types every expression of every node.
    fn type_all(&mut self) {
        for id in 0..self.tree.nodes.len() {
            let scope = self.scope_of(id);
            let mut out = NodeExprs::default();
            let whens: Vec<&'a ast::Expr> = self.tree.nodes[id].whens.clone();
            let mut cx = self.cx(scope);
            let mut when: Option<ir::Expr> = None;
            for w in whens {
                let e = self.condition(w, &mut cx, "a condition (`when`)");
                when = Some(match when {
                    None => e,
                    Some(prev) => ir::Expr {
                        ty: Ty::Boolean,
                        kind: ir::ExprKind::Binary {
                            operator: ast::BinaryOp::And,
                            left: Box::new(prev),
                            right: Box::new(e),
                        },
                    },
                });
            }
            out.when = when;
            out.when_refs = std::mem::take(&mut cx.refs);
            let rules: Vec<(bool, &'a ast::Expr, Option<&'a ast::Text>)> = self.tree.nodes[id]
                .rules
                .iter()
                .map(|r| (r.warning, r.condition, r.message))
                .collect();
            for (warning, condition, message) in rules {
                let mut rcx = self.cx(scope);
                let condition = self.condition(condition, &mut rcx, "a rule");
                out.rules.push(ir::Rule {
                    severity: if warning {
                        ir::Severity::Warning
                    } else {
                        ir::Severity::Error
                    },
                    condition,
                    message: message.map(|m| self.i18n(m)).unwrap_or_default(),
                });
            }
            match &self.tree.nodes[id].kind {
                Kind::Computed {
                    value: None,
                    declared,
                    ..
                } => {
                    // A parameter without a default: its type is declared.
                    let declared = declared.as_ref().map(|ft| (ft.base, ft.codelist));
                    let ty = declared.map_or(Ty::Unknown, |(base, list)| self.value_ty(base, list));
                    self.computed_types.insert(id, Some(ty));
                }
                Kind::Computed {
                    value: Some(value),
                    declared,
                    fee,
                    parameter,
                } => {
                    let (fee, parameter) = (*fee, *parameter);
                    let value: &'a ast::Expr = value;
                    let declared = declared.as_ref().map(|ft| (ft.base, ft.codelist, ft.span));
                    let declared =
                        declared.map(|(base, list, span)| (self.value_ty(base, list), span));
                    let mut vcx = self.cx(scope);
                    let e = self.expr(value, &mut vcx, declared.as_ref().map(|(t, _)| t));
                    if let Some((ty, span)) = &declared
                        && !(e.ty == *ty
                            || e.ty == Ty::Unknown
                            || *ty == Ty::Unknown
                            || (*ty == Ty::Decimal && e.ty == Ty::Integer))
                    {
                        self.diags.push(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                value.span,
                                format!(
                                    "this is {}, but the computed value is declared as {}",
                                    expr::describe(&e.ty),
                                    expr::describe(ty)
                                ),
                            )
                            .label(format!("this is {}", expr::describe(&e.ty)))
                            .secondary(*span, "declared here")
                            .help(
                                "compute a value of the declared type, or declare the type it has",
                            ),
                        );
                    }
                    if fee && !matches!(e.ty, Ty::Money | Ty::Unknown) {
                        self.diags.push(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                value.span,
                                format!(
                                    "a fee must be an amount of money, but this is {}",
                                    expr::describe(&e.ty)
                                ),
                            )
                            .label("not money")
                            .help("write amounts with their currency, e.g. `12.80 EUR`"),
                        );
                    }
                    let ty = match (declared, fee) {
                        (Some((t, _)), _) => t,
                        (None, true) => Ty::Money,
                        (None, false) => e.ty.clone(),
                    };
                    self.computed_types.insert(id, Some(ty));
                    if parameter.is_some() && (!vcx.refs.is_empty() || mentions_today(value)) {
                        self.diags.push(
                            Diagnostic::new(
                                Code::ParameterValue,
                                value.span,
                                "a parameter's default is a constant: it cannot depend on answers or on today",
                            )
                            .label("not a constant")
                            .help("write the value itself, e.g. `= 100 EUR`; what depends on the answers belongs in a `computed` value or a `fee` that reads the parameter"),
                        );
                    }
                    out.value = Some(e);
                    out.value_refs = vcx.refs;
                }
                Kind::Field(ft) => {
                    let (min, max) = (ft.min, ft.max);
                    let bound_ty = self.node_ty(id);
                    for (bound, slot) in [(min, &mut out.min), (max, &mut out.max)] {
                        if let Some(b) = bound {
                            let mut bcx = self.cx(scope);
                            let e = self.expr(b, &mut bcx, None);
                            let fits = e.ty == bound_ty
                                || e.ty == Ty::Unknown
                                || (matches!(bound_ty, Ty::Decimal) && e.ty == Ty::Integer);
                            if !fits {
                                self.diags.push(
                                    Diagnostic::new(Code::ConstraintMismatch, b.span, format!("this bound is {}, but the field holds {}", expr::describe(&e.ty), expr::describe(&bound_ty)))
                                        .label(format!("this is {}", expr::describe(&e.ty)))
                                        .help("bounds are of the field's own kind, e.g. `date(min today - 120 years, max today)`"),
                                );
                            }
                            *slot = Some(e);
                        }
                    }
                }
                _ => {}
            }
            self.exprs.insert(id, out);
        }
    }

    fn run_procedure(&mut self, decl: &'a ast::Decl) -> ir::Procedure {
        self.type_all();
        analysis::cycles(self);
        analysis::never_true(self);
        lint::procedure(self, decl);
        let mut procedure = lower::procedure(self, decl);
        procedure.workflow = workflow::check(self);
        workflow::form_reads_no_decision(self, &procedure);
        procedure.examples = example_data::lower(self, &procedure);
        procedure
    }

    fn run_group(&mut self) {
        self.type_all();
        analysis::cycles(self);
        analysis::never_true(self);
        lint::structure(self);
    }

    /// The means of identification the procedure accepts, those amt knows
    /// (an unknown one is reported by the lint).
    fn accepted_means(&self) -> Vec<ir::Means> {
        self.meta
            .identity
            .map(|(_, means, _)| {
                means
                    .iter()
                    .filter_map(|m| ir::Means::from_word(&m.name))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A text in every declared language (missing ones are left out; the
    /// lint reports them).
    fn i18n(&self, text: &ast::Text) -> ir::I18n {
        let mut out = ir::I18n::new();
        out.insert(self.languages[0].clone(), text.source.value.clone());
        for (lang, t) in &text.translations {
            if self.languages.contains(&lang.name) && !out.contains_key(&lang.name) {
                out.insert(lang.name.clone(), t.value.clone());
            }
        }
        out
    }
}

/// Whether `today` appears in an expression.
fn mentions_today(e: &ast::Expr) -> bool {
    use ast::ExprKind as K;
    match &e.kind {
        K::Today => true,
        K::List(items) | K::Call(_, items) => items.iter().any(mentions_today),
        K::Unary(_, a) => mentions_today(a),
        K::Binary(_, a, b) => mentions_today(a) || mentions_today(b),
        K::If(c, a, b) => mentions_today(c) || mentions_today(a) || mentions_today(b),
        _ => false,
    }
}
