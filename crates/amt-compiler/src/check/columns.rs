//! Code lists with columns: the type of each column, the value of each code
//! in it, and reading a column in an expression (`strasse.bezirk`).
//!
//! A list is checked once, on its own ([`Checker::run_codelist`]); a
//! procedure that uses it resolves the same columns again for its own model
//! (the keys of the lists a column's codes come from are the procedure's),
//! quietly.

use super::Checker;
use super::tree::{Base, ListRef};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{Literal, Ty};
use crate::resolve::{DeclRef, did_you_mean};
use crate::source::FileId;
use crate::syntax::ast::{self, Item, TypeArg};
use std::collections::BTreeMap;
use std::rc::Rc;

/// One column of a list, typed.
#[derive(Debug, Clone)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// The type of its values (`Unknown` where its type is wrong).
    pub ty: Ty,
    /// Its place among the list's declared columns.
    pub decl: usize,
}

/// A list's columns and the value of each code in them.
#[derive(Debug, Default)]
pub struct Columns {
    /// In the order written.
    pub columns: Vec<Column>,
    /// Per code, in the list's order: its value in each column it sets well.
    pub cells: Vec<BTreeMap<String, Literal>>,
}

impl Columns {
    /// The column named `name`.
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// What a column may hold, for messages.
const COLUMN_TYPES: &str = "a column holds `text`, `integer`, `decimal`, `money`, `boolean`, `date` or the codes of another list (`choice(list)`)";

impl<'a> Checker<'a, '_> {
    /// Checks a code list on its own: its columns and every code's values.
    pub fn run_codelist(&mut self, decl: DeclRef) {
        self.columns_of(ListRef::Decl(decl), true);
    }

    /// The columns of a list, resolved on first use. `report`: whether
    /// their problems are reported here (they are, once, when the list is
    /// checked on its own).
    pub fn columns_of(&mut self, list: ListRef, report: bool) -> Rc<Columns> {
        if let Some(known) = self.columns.get(&list) {
            return known.clone();
        }
        let ListRef::Decl(decl) = list else {
            return Rc::default();
        };
        let Item::Codelist(cl) = self.program.item(decl) else {
            return Rc::default();
        };
        // A list whose column is a code of itself (or of a list whose
        // column is) reads its own key while being resolved: the key is
        // registered, the columns not yet, and nothing loops.
        self.columns.insert(list, Rc::default());
        let saved = (!report).then(|| std::mem::take(self.diags));
        let out = Rc::new(self.resolve_columns(cl, decl.file));
        if let Some(saved) = saved {
            *self.diags = saved;
        }
        self.columns.insert(list, out.clone());
        out
    }

    fn resolve_columns(&mut self, cl: &'a ast::Codelist, file: FileId) -> Columns {
        let mut out = Columns::default();
        for (decl, c) in cl.columns.iter().enumerate() {
            if let Some(first) = out.columns.iter().find(|o| o.name == c.name.name) {
                self.diags.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        c.name.span,
                        format!(
                            "the code list `{}` has two columns `{}`",
                            cl.name.name, c.name.name
                        ),
                    )
                    .label("second column")
                    .secondary(cl.columns[first.decl].name.span, "first column")
                    .help("rename one of them"),
                );
                continue;
            }
            let ty = self.column_ty(c, file).unwrap_or(Ty::Unknown);
            out.columns.push(Column {
                name: c.name.name.clone(),
                ty,
                decl,
            });
        }
        for entry in &cl.entries {
            out.cells.push(self.cells(cl, entry, &out.columns));
        }
        out
    }

    /// The type of a column's values.
    fn column_ty(&mut self, c: &'a ast::CodeColumn, file: FileId) -> Option<Ty> {
        let t = &c.ty;
        let wrong = |this: &mut Self, span, message: String| {
            this.diags.push(
                Diagnostic::new(Code::TypeMismatch, span, message)
                    .label("not a column's type")
                    .help(COLUMN_TYPES),
            );
        };
        if let Some(card) = &t.cardinality {
            wrong(
                self,
                card.span,
                "a column holds one value per code; it cannot repeat".into(),
            );
            return None;
        }
        let base = Base::from_word(&t.name.name);
        let simple = match base {
            Some(Base::Text) => Some(Ty::Text),
            Some(Base::Integer) => Some(Ty::Integer),
            Some(Base::Decimal) => Some(Ty::Decimal),
            Some(Base::Money) => Some(Ty::Money),
            Some(Base::Boolean) => Some(Ty::Boolean),
            Some(Base::Date) => Some(Ty::Date),
            _ => None,
        };
        if let Some(ty) = simple {
            if let Some(arg) = t.args.first() {
                wrong(
                    self,
                    arg.span(),
                    "a column's values are given with each code; it takes no constraints".into(),
                );
            }
            return Some(ty);
        }
        let list = match (base, t.args.as_slice()) {
            (Some(Base::Choice), [TypeArg::Name(name)]) => name,
            (Some(Base::Choice), _) => {
                wrong(
                    self,
                    t.span,
                    "`choice` in a column names one code list: `choice(bezirk)`".into(),
                );
                return None;
            }
            _ => {
                wrong(
                    self,
                    t.name.span,
                    format!("`{}` cannot be the type of a column", t.name.name),
                );
                return None;
            }
        };
        let list_ref = match super::build::find_codelist(self.program, list, file) {
            Ok(list_ref) => list_ref,
            Err(d) => {
                self.diags.extend(d.map(|d| *d));
                return None;
            }
        };
        if let ListRef::Decl(decl) = list_ref
            && let Some(to) = self.program.name_span(decl)
        {
            self.refs.push(super::Reference { at: list.span, to });
        }
        Some(Ty::Code {
            codelist: self.list_key(list_ref),
        })
    }

    /// The values one code gives its list's columns.
    fn cells(
        &mut self,
        cl: &ast::Codelist,
        entry: &ast::CodeEntry,
        columns: &[Column],
    ) -> BTreeMap<String, Literal> {
        let mut out = BTreeMap::new();
        let mut seen: Vec<(&str, crate::source::Span)> = Vec::new();
        for (name, value) in &entry.cells {
            let Some(column) = columns.iter().find(|c| c.name == name.name) else {
                let mut d = Diagnostic::new(
                    Code::UnknownName,
                    name.span,
                    format!(
                        "the code list `{}` has no column `{}`",
                        cl.name.name, name.name
                    ),
                )
                .label("unknown column");
                d = if columns.is_empty() {
                    d.help(format!(
                        "declare it before the codes: `column {}: text \"Label\"`",
                        name.name
                    ))
                } else if let Some(s) =
                    did_you_mean(&name.name, columns.iter().map(|c| c.name.as_str()))
                {
                    d.help(format!("did you mean `{s}`?"))
                } else {
                    let names: Vec<String> =
                        columns.iter().map(|c| format!("`{}`", c.name)).collect();
                    d.help(format!("its columns are {}", names.join(", ")))
                };
                self.diags.push(d);
                continue;
            };
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name.name) {
                self.diags.push(
                    Diagnostic::new(
                        Code::RepeatedSetting,
                        name.span,
                        format!("`{}` is given twice for `{}`", name.name, entry.code.value),
                    )
                    .label("second time")
                    .secondary(*first, "first time")
                    .help("keep one of them"),
                );
                continue;
            }
            seen.push((&name.name, name.span));
            if let Some(v) = self.cell(value, column) {
                out.insert(column.name.clone(), v);
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .filter(|c| !seen.iter().any(|(n, _)| *n == c.name))
            .map(|c| c.name.as_str())
            .collect();
        if !missing.is_empty() {
            let (what, example) = if missing.len() == 1 {
                (
                    format!("the column `{}`", missing[0]),
                    format!("{} = …", missing[0]),
                )
            } else {
                (
                    format!("the columns {}", quoted(&missing)),
                    missing
                        .iter()
                        .map(|m| format!("{m} = …"))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            };
            self.diags.push(
                Diagnostic::new(
                    Code::MissingCell,
                    entry.code.span,
                    format!("`{}` gives no value for {what}", entry.code.value),
                )
                .label("value missing")
                .help(format!(
                    "every code of `{}` gives a value for every column: `{} … {{ {example} }}`",
                    cl.name.name, entry.code.value
                )),
            );
        }
        out
    }

    /// A code's value in a column: a constant of the column's type.
    fn cell(&mut self, e: &ast::Expr, column: &Column) -> Option<Literal> {
        let ty = &column.ty;
        // The constant as a municipality's value is read (`municipal::constant`),
        // a whole number standing for a decimal, a code also written as text
        // or as a number.
        let value = match (ty, crate::municipal::constant(e)) {
            (Ty::Unknown, _) => return None,
            (Ty::Code { codelist }, Some(Literal::Code(code) | Literal::Text(code))) => {
                return self.cell_code(codelist, &code, e);
            }
            (Ty::Code { codelist }, Some(Literal::Integer(n))) => {
                return self.cell_code(codelist, &n.to_string(), e);
            }
            (Ty::Decimal, Some(Literal::Integer(n))) => Some(Literal::Decimal(n.to_string())),
            (ty, Some(v))
                if crate::municipal::fits(&v, ty)
                    && !matches!(v, Literal::Code(_) | Literal::Duration(_)) =>
            {
                Some(v)
            }
            _ => None,
        };
        if value.is_none() {
            let example = match ty {
                Ty::Text => "a text in quotes, e.g. `\"Nord\"`",
                Ty::Integer => "a whole number, e.g. `3`",
                Ty::Decimal => "a number, e.g. `2.5`",
                Ty::Money => "an amount, e.g. `12.50 EUR`",
                Ty::Boolean => "`yes` or `no`",
                Ty::Date => "a date, e.g. `2027-01-01`",
                _ => "a code of the column's list",
            };
            self.diags.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    e.span,
                    format!(
                        "the column `{}` holds {}; this is not one",
                        column.name,
                        super::expr::describe(ty)
                    ),
                )
                .label("does not fit the column")
                .help(format!("a column's value is written as it is: {example}")),
            );
        }
        value
    }

    fn cell_code(&mut self, codelist: &str, code: &str, e: &ast::Expr) -> Option<Literal> {
        if let Some(declared) = self.find_code(codelist, code) {
            if let Some(to) = declared {
                self.refs.push(super::Reference { at: e.span, to });
            }
            return Some(Literal::Code(code.to_string()));
        }
        let codes = self.codes_of(codelist);
        let d = Diagnostic::new(
            Code::UnknownCode,
            e.span,
            format!("`{code}` is not a value of the code list `{codelist}`"),
        )
        .label("no such value");
        self.diags.push(super::expr::code_help(d, code, &codes));
        None
    }
}

fn quoted(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match q.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => q.join(""),
    }
}
