//! Types and resolves expressions: names → absolute data paths, code values
//! against their code lists, operators and functions against their operand
//! types. Produces the typed [`ir::Expr`] that emitters and evaluators read.

use super::Checker;
use super::tree::{Base, Kind, ListRef, NodeId};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{self, Function, Literal, Ty};
use crate::resolve::{did_you_mean, suggest};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind, UnaryOp};

/// How a type reads in messages.
pub fn describe(ty: &Ty) -> String {
    match ty {
        Ty::Text => "a text".into(),
        Ty::Integer => "a whole number".into(),
        Ty::Decimal => "a decimal number".into(),
        Ty::Money => "an amount of money".into(),
        Ty::Boolean => "a yes/no value".into(),
        Ty::Date => "a date".into(),
        Ty::Time => "a time".into(),
        Ty::Datetime => "a date and time".into(),
        Ty::Duration => "a duration".into(),
        Ty::Code { codelist } => format!("a value of the code list `{codelist}`"),
        Ty::CodeSet { codelist } => format!("a set of values of the code list `{codelist}`"),
        Ty::Attachment => "an attachment".into(),
        Ty::Group => "a group".into(),
        Ty::List { item } => format!("a list (one per repeat item) of {}", describe(item)),
        Ty::Unknown => "unknown".into(),
    }
}

/// The help of a code that is not in its list: the nearest code, or the
/// first codes of the list.
pub(super) fn code_help(d: Diagnostic, code: &str, codes: &[String]) -> Diagnostic {
    match did_you_mean(code, codes.iter().map(String::as_str)) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => {
            let shown: Vec<String> = codes
                .iter()
                .take(12)
                .map(|c| {
                    if c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                        && !c.starts_with(|ch: char| ch.is_ascii_digit())
                    {
                        c.clone()
                    } else {
                        format!("\"{c}\"")
                    }
                })
                .collect();
            let more = if codes.len() > 12 { ", …" } else { "" };
            d.help(format!("the values are: {}{more}", shown.join(", ")))
        }
    }
}

fn is_numeric(ty: &Ty) -> bool {
    matches!(ty, Ty::Integer | Ty::Decimal)
}

fn lit(value: Literal, ty: Ty) -> ir::Expr {
    ir::Expr {
        ty,
        kind: ir::ExprKind::Literal { value },
    }
}

fn unknown() -> ir::Expr {
    lit(Literal::Boolean(false), Ty::Unknown)
}

/// A column read after a choice field: (list key, column, its type).
type ColumnRead = (String, String, Ty);

/// The state of checking one expression.
pub struct ExprCx {
    /// Where names are looked up first.
    pub scope: NodeId,
    /// Repeat nodes whose current item is known (enclosing repeats and
    /// quantifier variables).
    pub bound: Vec<NodeId>,
    /// Nodes the expression reads, for the dependency graph.
    pub refs: Vec<(NodeId, Span)>,
}

impl<'a> Checker<'a, '_> {
    /// A fresh context for an expression attached at `scope`.
    pub fn cx(&self, scope: NodeId) -> ExprCx {
        let mut bound = Vec::new();
        let mut current = Some(scope);
        while let Some(n) = current {
            if self.tree.nodes[n].repeat.is_some() {
                bound.push(n);
            }
            current = self.tree.nodes[n].parent;
        }
        ExprCx {
            scope,
            bound,
            refs: Vec::new(),
        }
    }

    /// Checks a condition: it must be yes/no.
    pub fn condition(&mut self, e: &ast::Expr, cx: &mut ExprCx, what: &str) -> ir::Expr {
        let out = self.expr(e, cx, None);
        if !matches!(out.ty, Ty::Boolean | Ty::Unknown) {
            self.diags.push(
                Diagnostic::new(Code::NotBoolean, e.span, format!("{what} must be a yes/no question, but this is {}", describe(&out.ty)))
                    .label(format!("this is {}", describe(&out.ty)))
                    .help("compare it with something, e.g. `status = hauptwohnung` or `age(geburtsdatum) >= 18`"),
            );
        }
        out
    }

    /// Finds a name from a scope outward.
    fn lookup_name(&self, scope: NodeId, name: &str) -> Option<NodeId> {
        let mut current = Some(self.tree.data_container(scope));
        while let Some(c) = current {
            if let Some(&id) = self.tree.names.get(&(c, name))
                && self.tree.nodes[id].is_data()
            {
                return Some(id);
            }
            current = self.tree.data_parent(c);
        }
        None
    }

    fn names_in_scope(&self, scope: NodeId) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut current = Some(self.tree.data_container(scope));
        while let Some(c) = current {
            out.extend(
                self.tree
                    .names
                    .iter()
                    .filter(|((container, _), id)| {
                        *container == c && self.tree.nodes[**id].is_data()
                    })
                    .map(|((_, n), _)| *n),
            );
            current = self.tree.data_parent(c);
        }
        out.sort_unstable();
        out
    }

    /// The type of a node's value, as one item (ignoring repeats).
    pub fn node_ty(&mut self, id: NodeId) -> Ty {
        match &self.tree.nodes[id].kind {
            Kind::Field(ft) => {
                let (base, codelist) = (ft.base, ft.codelist);
                self.value_ty(base, codelist)
            }
            Kind::Group => Ty::Group,
            Kind::Attachment { .. } => Ty::Attachment,
            Kind::Computed { .. } => self.computed_ty(id),
            Kind::Root | Kind::Page | Kind::Case | Kind::Note(_) => Ty::Unknown,
        }
    }

    /// The type of the values of a field's type.
    pub fn value_ty(&mut self, base: Base, codelist: Option<ListRef>) -> Ty {
        match base {
            b if b.is_text() => Ty::Text,
            Base::Integer => Ty::Integer,
            Base::Decimal => Ty::Decimal,
            Base::Money => Ty::Money,
            Base::Boolean | Base::Consent => Ty::Boolean,
            Base::Date => Ty::Date,
            Base::Time => Ty::Time,
            Base::Datetime => Ty::Datetime,
            _ => match codelist {
                Some(list) => {
                    let codelist = self.list_key(list);
                    if base == Base::Multichoice {
                        Ty::CodeSet { codelist }
                    } else {
                        Ty::Code { codelist }
                    }
                }
                None => Ty::Unknown,
            },
        }
    }

    /// Resolves a path to a node and the type of its value from `cx`.
    fn path(&mut self, path: &ast::Path, cx: &mut ExprCx) -> Option<(NodeId, Ty)> {
        self.path_or_column(path, cx, false)
            .map(|(id, ty, _)| (id, ty))
    }

    /// A path as a value: a node's, or a column of the code chosen in a
    /// field (`strasse.bezirk`).
    fn path_value(&mut self, path: &ast::Path, cx: &mut ExprCx) -> ir::Expr {
        let Some((id, ty, column)) = self.path_or_column(path, cx, true) else {
            return unknown();
        };
        let value = ir::Expr {
            ty: ty.clone(),
            kind: ir::ExprKind::Ref {
                path: self.tree.path(id),
            },
        };
        let Some((codelist, column, column_ty)) = column else {
            return value;
        };
        let ty = match ty {
            Ty::List { .. } => Ty::List {
                item: Box::new(column_ty),
            },
            _ => column_ty,
        };
        ir::Expr {
            ty,
            kind: ir::ExprKind::Column {
                value: Box::new(value),
                codelist,
                column,
            },
        }
    }

    /// The column `seg` of the list of the choice field `id`, as (list key,
    /// column, type); reported when the list has no such column.
    fn column(&mut self, id: NodeId, seg: &ast::Ident) -> Option<Option<ColumnRead>> {
        let Kind::Field(ft) = &self.tree.nodes[id].kind else {
            return Some(None);
        };
        let list = match (ft.base, ft.codelist) {
            (Base::Choice, Some(list)) => list,
            // Its list is unknown (reported where it is named): nothing to
            // say about its columns.
            (Base::Choice | Base::Multichoice, None) => return None,
            _ => return Some(None),
        };
        let key = self.list_key(list);
        let columns = self.columns_of(list, false);
        if let Some(c) = columns.get(&seg.name) {
            // Where the column is declared, for the editor.
            if let ListRef::Decl(d) = list
                && let crate::syntax::ast::Item::Codelist(cl) = self.program.item(d)
            {
                self.refs.push(super::Reference {
                    at: seg.span,
                    to: cl.columns[c.decl].name.span,
                });
            }
            return Some(Some((key, c.name.clone(), c.ty.clone())));
        }
        let field = self.tree.nodes[id].name;
        let mut d = Diagnostic::new(
            Code::UnknownName,
            seg.span,
            format!(
                "the code list `{key}` of `{field}` has no column `{}`",
                seg.name
            ),
        )
        .label("no such column");
        d = if columns.columns.is_empty() {
            d.help(format!(
                "a code list gives more values per code in columns: `column {}: text \"Label\"` in `codelist {key}`, then `{field}.{}` reads the chosen code's value",
                seg.name, seg.name
            ))
        } else if let Some(s) =
            did_you_mean(&seg.name, columns.columns.iter().map(|c| c.name.as_str()))
        {
            d.help(format!("did you mean `{s}`?"))
        } else {
            let names: Vec<String> = columns
                .columns
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect();
            d.help(format!("the columns of `{key}` are {}", names.join(", ")))
        };
        self.diags.push(d);
        None
    }

    fn path_or_column(
        &mut self,
        path: &ast::Path,
        cx: &mut ExprCx,
        columns_ok: bool,
    ) -> Option<(NodeId, Ty, Option<ColumnRead>)> {
        let first = &path.segments[0];
        let found = self.lookup_name(cx.scope, &first.name);
        if let Some(id) = found {
            self.refer_to_node(first.span, id);
        }
        let Some(mut id) = found else {
            let names = self.names_in_scope(cx.scope);
            let mut d = Diagnostic::new(
                Code::UnknownName,
                first.span,
                format!("there is no field or group `{}` here", first.name),
            )
            .label("unknown name");
            d = suggest(
                d,
                &first.name,
                names.iter().copied(),
                "names are looked up in the enclosing group first, then outward to the procedure",
            );
            self.diags.push(d);
            return None;
        };
        let mut column = None;
        for (i, seg) in path.segments.iter().enumerate().skip(1) {
            // A group whose group is unknown: that is reported already.
            if self.tree.nodes[id].unresolved {
                return None;
            }
            if columns_ok && i + 1 == path.segments.len() {
                column = self.column(id, seg)?;
                if column.is_some() {
                    break;
                }
            }
            if !matches!(self.tree.nodes[id].kind, Kind::Group) {
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownName,
                        seg.span,
                        format!(
                            "`{}` is {} and has no parts",
                            self.tree.nodes[id].name,
                            self.tree.nodes[id].describe()
                        ),
                    )
                    .label("no such part")
                    .help("only groups have parts"),
                );
                return None;
            }
            match self.tree.names.get(&(id, seg.name.as_str())) {
                Some(&child) => {
                    id = child;
                    self.refer_to_node(seg.span, id);
                }
                None => {
                    let children: Vec<&str> = self.tree.nodes[id]
                        .children
                        .iter()
                        .map(|&c| self.tree.nodes[c].name)
                        .collect();
                    let mut d = Diagnostic::new(
                        Code::UnknownName,
                        seg.span,
                        format!(
                            "the group `{}` has no `{}`",
                            self.tree.nodes[id].name, seg.name
                        ),
                    )
                    .label("unknown name");
                    if let Some(s) = did_you_mean(&seg.name, children) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    self.diags.push(d);
                    return None;
                }
            }
        }
        cx.refs.push((id, path.span));
        let item = self.node_ty(id);
        // A repeat on the way down that is not bound makes a list.
        let mut listed = false;
        let mut current = Some(id);
        while let Some(n) = current {
            if self.tree.nodes[n].repeat.is_some() && !cx.bound.contains(&n) {
                listed = true;
            }
            current = self.tree.nodes[n].parent;
        }
        let ty = if listed {
            Ty::List {
                item: Box::new(item),
            }
        } else {
            item
        };
        Some((id, ty, column))
    }

    /// A bare name that is no field here (so most likely a code), or a
    /// list of such.
    fn code_like(&self, e: &ast::Expr, scope: NodeId) -> bool {
        match &e.kind {
            ExprKind::List(items) => {
                !items.is_empty() && items.iter().all(|i| self.code_like(i, scope))
            }
            _ => Self::is_bare_name(e).is_some_and(|n| self.lookup_name(scope, &n.name).is_none()),
        }
    }

    fn is_bare_name(e: &ast::Expr) -> Option<&ast::Ident> {
        match &e.kind {
            ExprKind::Path(p) if p.segments.len() == 1 => Some(&p.segments[0]),
            _ => None,
        }
    }

    /// A bare name that is no field here but a code of a list in use, as
    /// the first branch of an `if` where no code is expected (`then nord` in
    /// a computed value that does not declare its type): reported, and taken
    /// as that code so that the other branch reads as one too.
    fn code_out_of_place(&mut self, p: &ast::Path, cx: &ExprCx) -> Option<ir::Expr> {
        let [name] = p.segments.as_slice() else {
            return None;
        };
        if self.lookup_name(cx.scope, &name.name).is_some() {
            return None;
        }
        let list = self
            .lists
            .keys()
            .find(|k| self.find_code(k, &name.name).is_some())?
            .clone();
        let field = self
            .tree
            .nodes
            .iter()
            .find(|n| {
                matches!(&n.kind, Kind::Field(ft) if ft.base == Base::Choice
                    && ft.codelist.and_then(|l| self.list_keys.get(&l)) == Some(&list))
            })
            .map_or("FIELD", |n| n.name);
        self.diags.push(
            Diagnostic::new(
                Code::UnknownName,
                name.span,
                format!("`{}` is a value of the code list `{list}`, but no value of that list is expected here", name.name),
            )
            .label("a code where no code list is expected")
            .help(format!(
                "compare it with a field of that list (`{field} = {}`), or give the computed value its type: `computed NAME: choice({list}) = …`",
                name.name
            )),
        );
        Some(lit(
            Literal::Code(name.name.clone()),
            Ty::Code { codelist: list },
        ))
    }

    /// A code value (bare name or string) of the list behind `expected`.
    fn code_value(&mut self, e: &ast::Expr, codelist: &str, scope: NodeId) -> Option<ir::Expr> {
        let (text, span) = match &e.kind {
            ExprKind::Path(p) if p.segments.len() == 1 => (p.segments[0].name.clone(), e.span),
            ExprKind::Str(s) => (s.clone(), e.span),
            ExprKind::Integer(n) => (n.to_string(), e.span),
            _ => return None,
        };
        let is_path = matches!(e.kind, ExprKind::Path(_));
        if let Some(declared) = self.find_code(codelist, &text) {
            if let Some(to) = declared {
                self.refs.push(super::Reference { at: span, to });
            }
            return Some(lit(
                Literal::Code(text),
                Ty::Code {
                    codelist: codelist.to_string(),
                },
            ));
        }
        if is_path && self.lookup_name(scope, &text).is_some() {
            return None; // a field after all
        }
        let codes = self.codes_of(codelist);
        let d = Diagnostic::new(
            Code::UnknownCode,
            span,
            format!("`{text}` is not a value of the code list `{codelist}`"),
        )
        .label("no such value");
        self.diags.push(code_help(d, &text, &codes));
        Some(lit(Literal::Code(text), Ty::Unknown))
    }

    /// Checks an expression. `expected` guides code values and list items.
    pub fn expr(&mut self, e: &ast::Expr, cx: &mut ExprCx, expected: Option<&Ty>) -> ir::Expr {
        if let Some(Ty::Code { codelist }) = expected
            && let Some(out) = self.code_value(e, &codelist.clone(), cx.scope)
        {
            return out;
        }
        match &e.kind {
            ExprKind::Integer(n) => lit(Literal::Integer(*n), Ty::Integer),
            ExprKind::Decimal(d) => lit(Literal::Decimal(d.clone()), Ty::Decimal),
            ExprKind::Money(c) => lit(Literal::Money(*c), Ty::Money),
            ExprKind::Str(s) => lit(Literal::Text(s.clone()), Ty::Text),
            ExprKind::Bool(b) => lit(Literal::Boolean(*b), Ty::Boolean),
            ExprKind::Date(d) => lit(Literal::Date(d.clone()), Ty::Date),
            ExprKind::Duration(d) => lit(
                Literal::Duration(ir::Duration {
                    amount: d.amount,
                    unit: d.unit,
                }),
                Ty::Duration,
            ),
            ExprKind::Today => ir::Expr {
                ty: Ty::Date,
                kind: ir::ExprKind::Today,
            },
            ExprKind::Path(p) => self.path_value(p, cx),
            ExprKind::List(items) => {
                let item_expected = expected.and_then(|t| match t {
                    Ty::List { item } => Some(item.as_ref().clone()),
                    _ => None,
                });
                let items: Vec<ir::Expr> = items
                    .iter()
                    .map(|i| self.expr(i, cx, item_expected.as_ref()))
                    .collect();
                let item = items
                    .iter()
                    .map(|i| i.ty.clone())
                    .find(|t| *t != Ty::Unknown)
                    .unwrap_or(Ty::Unknown);
                ir::Expr {
                    ty: Ty::List {
                        item: Box::new(item),
                    },
                    kind: ir::ExprKind::List { items },
                }
            }
            ExprKind::Unary(op, inner) => {
                let operand = self.expr(inner, cx, None);
                let ty = match (op, &operand.ty) {
                    (_, Ty::Unknown) => Ty::Unknown,
                    (UnaryOp::Not, Ty::Boolean) => Ty::Boolean,
                    (UnaryOp::Neg, t @ (Ty::Integer | Ty::Decimal | Ty::Money | Ty::Duration)) => {
                        t.clone()
                    }
                    (op, t) => {
                        let (word, need) = match op {
                            UnaryOp::Not => ("`not`", "a yes/no value"),
                            UnaryOp::Neg => ("`-`", "a number or an amount of money"),
                        };
                        self.diags.push(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                inner.span,
                                format!("{word} needs {need}, but this is {}", describe(t)),
                            )
                            .label(format!("this is {}", describe(t)))
                            .help(format!("{word} applies to {need}")),
                        );
                        Ty::Unknown
                    }
                };
                ir::Expr {
                    ty,
                    kind: ir::ExprKind::Unary {
                        operator: *op,
                        operand: Box::new(operand),
                    },
                }
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, cx),
            ExprKind::If(c, t, f) => {
                let condition = self.condition(c, cx, "the condition of `if`");
                let then = match (expected, &t.kind) {
                    (None, ExprKind::Path(p)) => self.code_out_of_place(p, cx),
                    _ => None,
                };
                let then = match then {
                    Some(code) => code,
                    None => self.expr(t, cx, expected),
                };
                let otherwise = self.expr(
                    f,
                    cx,
                    Some(&then.ty).filter(|t| **t != Ty::Unknown).or(expected),
                );
                let ty = match (&then.ty, &otherwise.ty) {
                    (Ty::Unknown, t) | (t, Ty::Unknown) => t.clone(),
                    (a, b) if a == b => a.clone(),
                    (a, b) if is_numeric(a) && is_numeric(b) => Ty::Decimal,
                    (a, b) => {
                        self.diags.push(
                            Diagnostic::new(Code::TypeMismatch, f.span, format!("both branches of `if` must give the same kind of value, but this is {} and the other {}", describe(b), describe(a)))
                                .label(format!("this is {}", describe(b)))
                                .secondary(t.span, format!("this is {}", describe(a)))
                                .help("make both branches numbers, both amounts of money, both dates, …"),
                        );
                        Ty::Unknown
                    }
                };
                ir::Expr {
                    ty,
                    kind: ir::ExprKind::If {
                        condition: Box::new(condition),
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    },
                }
            }
            ExprKind::Call(name, args) => self.call(name, args, e.span, cx),
        }
    }

    fn mismatch(&mut self, op: BinaryOp, l: (&ast::Expr, &Ty), r: (&ast::Expr, &Ty), help: &str) {
        let repeated = matches!(l.1, Ty::List { .. })
            || matches!(r.1, Ty::List { .. }) && !matches!(op, BinaryOp::In | BinaryOp::NotIn);
        let (code, help) = if repeated {
            (
                Code::RepeatAsSingle,
                "this value repeats (one per item); ask about its items with `any(…)`, `all(…)`, `count(…)` or `sum(…)`",
            )
        } else {
            (Code::TypeMismatch, help)
        };
        self.diags.push(
            Diagnostic::new(
                code,
                l.0.span.to(r.0.span),
                format!(
                    "`{}` cannot combine {} with {}",
                    op.symbol(),
                    describe(l.1),
                    describe(r.1)
                ),
            )
            .label("these do not fit together")
            .secondary(l.0.span, format!("this is {}", describe(l.1)))
            .secondary(r.0.span, format!("this is {}", describe(r.1)))
            .help(help.to_string()),
        );
    }

    fn binary(&mut self, op: BinaryOp, l: &ast::Expr, r: &ast::Expr, cx: &mut ExprCx) -> ir::Expr {
        use BinaryOp::*;
        // A bare code on the left (`VH = familienstand`): read the right first.
        let (left, right) = if matches!(op, Eq | Ne | In | NotIn)
            && self.code_like(l, cx.scope)
            && !self.code_like(r, cx.scope)
        {
            // `VH = familienstand`, `rot in farben`: the code's list comes from the right.
            let right = self.expr(r, cx, None);
            let expected = match (&right.ty, op) {
                (Ty::CodeSet { codelist }, In | NotIn) => Some(Ty::Code {
                    codelist: codelist.clone(),
                }),
                (Ty::List { item }, In | NotIn) => Some((**item).clone()),
                (t, Eq | Ne) => Some(t.clone()),
                _ => None,
            };
            let left = self.expr(l, cx, expected.as_ref());
            (left, right)
        } else {
            let left = self.expr(l, cx, None);
            // The left side is already reported (an unknown type or name):
            // an unknown bare name on the right is most likely one of its
            // codes, not a second mistake.
            if left.ty == Ty::Unknown
                && matches!(op, Eq | Ne | In | NotIn)
                && self.code_like(r, cx.scope)
            {
                return unknown();
            }
            let right_expected = match (op, &left.ty) {
                (Eq | Ne, t @ Ty::Code { .. }) => Some(t.clone()),
                // A repeated code (an error reported below): still read the code.
                (Eq | Ne, Ty::List { item }) if matches!(**item, Ty::Code { .. }) => {
                    Some((**item).clone())
                }
                (In | NotIn, Ty::List { item }) if matches!(**item, Ty::Code { .. }) => {
                    Some(Ty::List { item: item.clone() })
                }
                (In | NotIn, t @ Ty::Code { .. }) => Some(Ty::List {
                    item: Box::new(t.clone()),
                }),
                _ => None,
            };
            let right = self.expr(r, cx, right_expected.as_ref());
            (left, right)
        };
        let (lt, rt) = (&left.ty, &right.ty);
        let ty = if *lt == Ty::Unknown || *rt == Ty::Unknown {
            match op {
                Or | And | Eq | Ne | Lt | Le | Gt | Ge | In | NotIn => Ty::Boolean,
                _ => Ty::Unknown,
            }
        } else {
            match op {
                Or | And => {
                    for (e, t) in [(l, lt), (r, rt)] {
                        if *t != Ty::Boolean {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::TypeMismatch,
                                    e.span,
                                    format!(
                                        "`{}` joins yes/no questions, but this is {}",
                                        op.symbol(),
                                        describe(t)
                                    ),
                                )
                                .label(format!("this is {}", describe(t)))
                                .help("compare the value with something first, e.g. `anzahl > 0`"),
                            );
                        }
                    }
                    Ty::Boolean
                }
                Eq | Ne => {
                    let ok = lt == rt || (is_numeric(lt) && is_numeric(rt));
                    if !ok {
                        let help = if matches!(lt, Ty::List { .. }) || matches!(rt, Ty::List { .. })
                        {
                            "this value repeats; use `any(…)`, `all(…)` or `count(…)` to ask about its items"
                        } else {
                            "compare values of the same kind: a date with a date, a text with a text"
                        };
                        self.mismatch(op, (l, lt), (r, rt), help);
                    }
                    Ty::Boolean
                }
                Lt | Le | Gt | Ge => {
                    let ordered = matches!(
                        lt,
                        Ty::Integer
                            | Ty::Decimal
                            | Ty::Money
                            | Ty::Date
                            | Ty::Time
                            | Ty::Datetime
                            | Ty::Duration
                    );
                    let ok = ordered && (lt == rt || (is_numeric(lt) && is_numeric(rt)));
                    if !ok {
                        self.mismatch(op, (l, lt), (r, rt), "only numbers, amounts, dates, times and durations of the same kind can be ordered");
                    }
                    Ty::Boolean
                }
                In | NotIn => {
                    let ok = match rt {
                        Ty::List { item } => {
                            **item == *lt
                                || **item == Ty::Unknown
                                || (is_numeric(item) && is_numeric(lt))
                        }
                        Ty::CodeSet { codelist } => {
                            matches!(lt, Ty::Code { codelist: c } if c == codelist)
                        }
                        _ => false,
                    };
                    if !ok {
                        self.mismatch(op, (l, lt), (r, rt), "`in` asks whether a value is one of a list: `familienstand in [VH, LP]`");
                    }
                    Ty::Boolean
                }
                Add | Sub | Mul | Div => match self.arithmetic(op, lt, rt) {
                    Some(t) => t,
                    None => {
                        let help = match (lt, rt) {
                            (Ty::Date, Ty::Integer) | (Ty::Integer, Ty::Date) => {
                                "add a duration to a date: `einzug + 14 days`"
                            }
                            _ => {
                                "arithmetic works on numbers and money, dates with durations, and dates minus dates (days)"
                            }
                        };
                        self.mismatch(op, (l, lt), (r, rt), help);
                        Ty::Unknown
                    }
                },
            }
        };
        ir::Expr {
            ty,
            kind: ir::ExprKind::Binary {
                operator: op,
                left: Box::new(left),
                right: Box::new(right),
            },
        }
    }

    fn arithmetic(&self, op: BinaryOp, l: &Ty, r: &Ty) -> Option<Ty> {
        use BinaryOp::*;
        use Ty::*;
        Some(match (op, l, r) {
            (Add | Sub | Mul, Integer, Integer) => Integer,
            (Div, Integer, Integer) => Decimal,
            (_, a, b) if is_numeric(a) && is_numeric(b) => Decimal,
            (Add | Sub, Money, Money) => Money,
            (Mul, Money, b) if is_numeric(b) => Money,
            (Mul, a, Money) if is_numeric(a) => Money,
            (Div, Money, b) if is_numeric(b) => Money,
            (Div, Money, Money) => Decimal,
            (Add | Sub, Date, Duration) | (Add, Duration, Date) => Date,
            (Add | Sub, Datetime, Duration) => Datetime,
            (Sub, Date, Date) => Integer,
            (Add | Sub, Duration, Duration) => Duration,
            _ => return None,
        })
    }

    fn call(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
        cx: &mut ExprCx,
    ) -> ir::Expr {
        let Some(f) = Function::from_word(&name.name) else {
            let mut d = Diagnostic::new(
                Code::UnknownFunction,
                name.span,
                format!("there is no function `{}`", name.name),
            )
            .label("unknown function");
            d = match did_you_mean(&name.name, Function::words()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => {
                    d.help("the functions are age, count, sum, len, matches, filled, any, all and position")
                }
            };
            self.diags.push(d);
            return self.unknown_call(args, cx);
        };
        let (least, most) = f.arity();
        if args.len() < least || args.len() > most {
            let expected = if least == most {
                least.to_string()
            } else {
                format!("{least} or {most}")
            };
            self.diags.push(
                Diagnostic::new(
                    Code::ArgumentCount,
                    span,
                    format!(
                        "`{f}` takes {expected} argument{}, but {} {} given",
                        if expected == "1" { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "is" } else { "are" }
                    ),
                )
                .label("wrong number of arguments")
                .help(format!("write it like `{}`", f.example())),
            );
            return self.unknown_call(args, cx);
        }
        let mut over = None;
        let mut out_args = Vec::new();
        let ty = match f {
            Function::Age => {
                for a in args {
                    let e = self.expr(a, cx, None);
                    self.expect_arg(f, a, &e.ty, &[Ty::Date], "a date");
                    out_args.push(e);
                }
                Ty::Integer
            }
            Function::Len => {
                let e = self.expr(&args[0], cx, None);
                self.expect_arg(f, &args[0], &e.ty, &[Ty::Text], "a text");
                out_args.push(e);
                Ty::Integer
            }
            Function::Matches => {
                let e = self.expr(&args[0], cx, None);
                self.expect_arg(f, &args[0], &e.ty, &[Ty::Text], "a text");
                out_args.push(e);
                out_args.extend(self.matches_pattern(&args[1]));
                Ty::Boolean
            }
            Function::Filled => {
                out_args.extend(self.filled_argument(&args[0], cx));
                Ty::Boolean
            }
            Function::Sum => {
                let e = self.expr(&args[0], cx, None);
                let ty = self.sum_type(&args[0], &e.ty);
                out_args.push(e);
                ty
            }
            Function::Position => {
                let Some(path) = self.position_of(&args[0], cx, &mut out_args) else {
                    return ir::Expr {
                        ty: Ty::Integer,
                        kind: unknown().kind,
                    };
                };
                over = Some(path);
                Ty::Integer
            }
            Function::Count | Function::Any | Function::All => {
                let result = if f == Function::Count {
                    Ty::Integer
                } else {
                    Ty::Boolean
                };
                let Some(path) = self.quantifier(f, args, cx, &mut out_args) else {
                    return ir::Expr {
                        ty: result,
                        kind: unknown().kind,
                    };
                };
                over = path;
                result
            }
        };
        ir::Expr {
            ty,
            kind: ir::ExprKind::Call {
                function: f,
                over,
                args: out_args,
            },
        }
    }

    /// A call that cannot be typed: its arguments are still checked.
    fn unknown_call(&mut self, args: &[ast::Expr], cx: &mut ExprCx) -> ir::Expr {
        for a in args {
            self.expr(a, cx, None);
        }
        unknown()
    }

    /// The pattern of `matches`: a portable pattern in quotes.
    fn matches_pattern(&mut self, arg: &ast::Expr) -> Option<ir::Expr> {
        let ExprKind::Str(s) = &arg.kind else {
            self.diags.push(
                Diagnostic::new(
                    Code::ArgumentType,
                    arg.span,
                    "the pattern of `matches` must be written in quotes",
                )
                .label("not a pattern in quotes")
                .help("write the pattern itself, e.g. `matches(plz, \"[0-9]{5}\")`"),
            );
            return None;
        };
        let pattern = ast::Str {
            value: s.clone(),
            span: arg.span,
        };
        crate::check::pattern::check(&pattern, self.diags);
        Some(lit(Literal::Text(s.clone()), Ty::Text))
    }

    /// The argument of `filled`: the name of what must be filled.
    fn filled_argument(&mut self, arg: &ast::Expr, cx: &mut ExprCx) -> Option<ir::Expr> {
        if let ExprKind::Path(_) = &arg.kind {
            return Some(self.expr(arg, cx, None));
        }
        self.diags.push(
            Diagnostic::new(
                Code::ArgumentType,
                arg.span,
                "`filled` asks about a field, group or attachment",
            )
            .label("not a name")
            .help("write the name of what must be filled, e.g. `filled(telefon)`"),
        );
        None
    }

    /// The type of `sum(list)`: the numbers of a repeat.
    fn sum_type(&mut self, arg: &ast::Expr, list: &Ty) -> Ty {
        match list {
            Ty::List { item } if matches!(**item, Ty::Integer | Ty::Decimal | Ty::Money) => {
                (**item).clone()
            }
            Ty::Unknown => Ty::Unknown,
            t => {
                self.diags.push(
                    Diagnostic::new(
                        Code::ArgumentType,
                        arg.span,
                        format!(
                            "`sum` adds up a number in every item of a repeat, but this is {}",
                            describe(t)
                        ),
                    )
                    .label(format!("this is {}", describe(t)))
                    .help("name a number field inside a repeat, e.g. `sum(posten.betrag)`"),
                );
                Ty::Unknown
            }
        }
    }

    /// `count`, `any` and `all`: the repeat (pushed onto `out_args`, with
    /// the condition typed per item when there is one). `None` when the
    /// repeat is not found; otherwise the repeat iterated over, if there is
    /// a condition.
    /// `position(kind)`: the repeat whose current item is meant, which the
    /// expression must be inside of. Its path, or `None` (reported).
    fn position_of(
        &mut self,
        arg: &ast::Expr,
        cx: &mut ExprCx,
        out_args: &mut Vec<ir::Expr>,
    ) -> Option<String> {
        let ExprKind::Path(p) = &arg.kind else {
            self.diags.push(
                Diagnostic::new(
                    Code::NotARepeat,
                    arg.span,
                    "`position` names the repeat whose item is meant",
                )
                .label("not the name of a repeat")
                .help("e.g. `position(fahrzeug)` in a value inside the group `fahrzeug`"),
            );
            return None;
        };
        let reads = cx.refs.len();
        let (rep, ty) = self.path(p, cx)?;
        // The position depends on no answer: the item's value is not read
        // (a value inside the item would otherwise depend on itself).
        cx.refs.truncate(reads);
        let name = self.tree.nodes[rep].name;
        if self.tree.nodes[rep].repeat.is_none() || !cx.bound.contains(&rep) {
            let why = if self.tree.nodes[rep].repeat.is_none() {
                format!("`{name}` does not repeat, so it has no positions")
            } else {
                format!("`position({name})` is known only inside an item of `{name}`")
            };
            self.diags.push(
                Diagnostic::new(Code::NotARepeat, arg.span, why)
                    .label("no current item here")
                    .help(format!(
                        "use it in a value, rule or condition inside `{name}`, e.g. `computed nummer \"Nr.\" = position({name})`"
                    )),
            );
            return None;
        }
        let path = self.tree.path(rep);
        out_args.push(ir::Expr {
            ty,
            kind: ir::ExprKind::Ref { path: path.clone() },
        });
        Some(path)
    }

    fn quantifier(
        &mut self,
        f: Function,
        args: &[ast::Expr],
        cx: &mut ExprCx,
        out_args: &mut Vec<ir::Expr>,
    ) -> Option<Option<String>> {
        let target = match &args[0].kind {
            ExprKind::Path(p) => self.path(p, cx),
            _ => None,
        };
        let Some((rep, rep_ty)) = target else {
            if !matches!(args[0].kind, ExprKind::Path(_)) {
                self.diags.push(
                    Diagnostic::new(
                        Code::NotARepeat,
                        args[0].span,
                        format!("`{f}` goes through the items of a repeat; write its name"),
                    )
                    .label("not the name of a repeat")
                    .help(format!("e.g. `{f}(person, …)`")),
                );
            }
            return None;
        };
        let path = self.tree.path(rep);
        let is_set = matches!(rep_ty, Ty::CodeSet { .. });
        if self.tree.nodes[rep].repeat.is_none()
            && !(f == Function::Count && is_set && args.len() == 1)
        {
            self.diags.push(
                Diagnostic::new(
                    Code::NotARepeat,
                    args[0].span,
                    format!(
                        "`{}` does not repeat, so `{f}` has nothing to go through",
                        self.tree.nodes[rep].name
                    ),
                )
                .label("not a repeat")
                .help("repeats are written with a count, e.g. `group person: person[1..10]`"),
            );
        }
        out_args.push(ir::Expr {
            ty: rep_ty,
            kind: ir::ExprKind::Ref { path: path.clone() },
        });
        let Some(pred) = args.get(1) else {
            return Some(None);
        };
        let scope = if matches!(self.tree.nodes[rep].kind, Kind::Group) {
            rep
        } else {
            self.tree.nodes[rep].parent.unwrap_or(rep)
        };
        let mut inner = ExprCx {
            scope,
            bound: cx.bound.clone(),
            refs: Vec::new(),
        };
        inner.bound.push(rep);
        let cond = self.condition(pred, &mut inner, &format!("the condition of `{f}`"));
        cx.refs.extend(inner.refs);
        out_args.push(cond);
        Some(Some(path))
    }

    fn expect_arg(&mut self, f: Function, arg: &ast::Expr, got: &Ty, allowed: &[Ty], what: &str) {
        if *got == Ty::Unknown || allowed.contains(got) {
            return;
        }
        let (code, help) = if matches!(got, Ty::List { .. }) {
            (Code::RepeatAsSingle, "this value repeats; ask about one item inside `any(…)`/`all(…)`, or count the items".to_string())
        } else {
            (Code::ArgumentType, format!("`{f}` needs {what}"))
        };
        self.diags.push(
            Diagnostic::new(
                code,
                arg.span,
                format!("`{f}` needs {what}, but this is {}", describe(got)),
            )
            .label(format!("this is {}", describe(got)))
            .help(help),
        );
    }
}
