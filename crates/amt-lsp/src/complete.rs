//! Completion: what may be written where the cursor stands, read from the
//! text of the line before it and the file's declarations.

use crate::index::{DefKind, FileIndex};
use amt_compiler::resolve::{DeclKind, Program};
use amt_compiler::source::FileId;
use amt_compiler::syntax::ast::{self, Item, Stmt, TypeArg};
use amt_model::catalog::{self, BuiltinType};
use amt_model::{Means, TrustLevel};
use lsp_types as lsp;

/// Where the cursor stands: the line before it, and the declaration it is in.
pub struct Place<'l> {
    /// The line up to the cursor.
    before: &'l str,
    /// Its words.
    words: Vec<&'l str>,
    /// Whether the cursor is inside a word (not after a space).
    partial: bool,
    /// The word before the one being typed.
    previous: &'l str,
    /// The innermost declaration around the cursor.
    scope: Option<usize>,
}

impl<'l> Place<'l> {
    /// The place at `offset` of a file, whose line up to it is `before`.
    pub fn new(before: &'l str, index: &FileIndex, offset: usize) -> Place<'l> {
        let words: Vec<&str> = before.split_whitespace().collect();
        let partial = !before.ends_with(char::is_whitespace);
        let previous = if partial {
            words.iter().rev().nth(1)
        } else {
            words.last()
        }
        .copied()
        .unwrap_or("");
        Place {
            before,
            words,
            partial,
            previous,
            scope: index.enclosing(offset),
        }
    }

    /// Whether a type is being written: after `name:` or inside `choice(`.
    fn typing_type(&self) -> bool {
        let trimmed = self.before.trim_end();
        trimmed.ends_with(':')
            || (self.previous.ends_with(':') && self.partial)
            || trimmed.ends_with("choice(")
            || self
                .before
                .rsplit_once('(')
                .is_some_and(|(b, rest)| b.ends_with("choice") && !rest.contains(')'))
    }
}

fn item(label: &str, kind: lsp::CompletionItemKind, detail: Option<String>) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..Default::default()
    }
}

/// What may be written at `place`.
pub fn items(
    place: &Place,
    index: &FileIndex,
    program: &Program,
    file: FileId,
) -> Vec<lsp::CompletionItem> {
    if let Some(items) = after_keyword(place) {
        items
    } else if let Some(items) = members(place, index, program, file) {
        items
    } else if place.typing_type() {
        types(place, program, file)
    } else if matches!(
        place.previous,
        "goto" | "by" | "issue" | "timeout" | "path" | "outcome"
    ) {
        workflow_names(place, index)
    } else {
        statements_and_names(place, index)
    }
}

/// The values that follow a keyword: autocomplete tokens, identity
/// attributes, trust levels and means of identification.
fn after_keyword(place: &Place) -> Option<Vec<lsp::CompletionItem>> {
    let previous = place.previous;
    let items = if previous == "autocomplete" {
        catalog::AUTOCOMPLETE
            .iter()
            .map(|t| {
                item(
                    t,
                    lsp::CompletionItemKind::VALUE,
                    Some("autocomplete token".into()),
                )
            })
            .collect()
    } else if previous == "prefill" {
        catalog::ATTRIBUTES
            .iter()
            .map(|a| {
                item(
                    a.0,
                    lsp::CompletionItemKind::PROPERTY,
                    Some("identity attribute".into()),
                )
            })
            .collect()
    } else if previous == "identity" {
        TrustLevel::words()
            .map(|l| {
                item(
                    l,
                    lsp::CompletionItemKind::ENUM_MEMBER,
                    Some("eIDAS trust level".into()),
                )
            })
            .collect()
    } else if previous == "via" || previous.ends_with(',') && place.before.contains(" via ") {
        Means::ALL
            .iter()
            .map(|m| {
                let detail = Some(m.describe().to_string());
                item(m.word(), lsp::CompletionItemKind::ENUM_MEMBER, detail)
            })
            .collect()
    } else {
        return None;
    };
    Some(items)
}

/// A type: in `choice(…)` the code lists, else the built-in types, the
/// declared types and the groups.
fn types(place: &Place, program: &Program, file: FileId) -> Vec<lsp::CompletionItem> {
    let global = |kind: DeclKind, item_kind: lsp::CompletionItemKind, detail: &'static str| {
        program
            .names_of(file, kind)
            .into_iter()
            .map(move |n| item(n, item_kind, Some(detail.into())))
    };
    if place.before.contains("choice(") && !place.before.trim_end().ends_with(':') {
        return global(
            DeclKind::Codelist,
            lsp::CompletionItemKind::ENUM,
            "code list",
        )
        .collect();
    }
    BuiltinType::words()
        .map(|t| {
            item(
                t,
                lsp::CompletionItemKind::KEYWORD,
                Some("built-in type".into()),
            )
        })
        .chain(global(
            DeclKind::Type,
            lsp::CompletionItemKind::CLASS,
            "type",
        ))
        .chain(global(
            DeclKind::Group,
            lsp::CompletionItemKind::STRUCT,
            "group",
        ))
        .collect()
}

/// The states, actors or documents of the procedure around the cursor.
fn workflow_names(place: &Place, index: &FileIndex) -> Vec<lsp::CompletionItem> {
    let kind = match place.previous {
        "by" => DefKind::Actor,
        "issue" => DefKind::Document,
        _ => DefKind::State,
    };
    let Some(scope) = place.scope else {
        return Vec::new();
    };
    let top = index.top(scope);
    index
        .defs
        .iter()
        .enumerate()
        .filter(|(i, d)| d.kind == kind && index.top(*i) == top)
        .map(|(_, d)| {
            item(
                &d.name,
                lsp::CompletionItemKind::ENUM_MEMBER,
                d.label.clone(),
            )
        })
        .collect()
}

/// At the start of a line the statement keywords (the top-level ones
/// outside any declaration); in a declaration the names in scope, code
/// values and the words of expressions.
fn statements_and_names(place: &Place, index: &FileIndex) -> Vec<lsp::CompletionItem> {
    use amt_compiler::syntax::{EXAMPLE_STATEMENTS, RESERVED, STATEMENTS, scan::TOP_LEVEL};
    let mut items = Vec::new();
    if place.words.len() <= usize::from(place.partial) {
        let keywords: Vec<&str> = if place.scope.is_some() {
            STATEMENTS
                .iter()
                .chain(EXAMPLE_STATEMENTS)
                .copied()
                .collect()
        } else {
            TOP_LEVEL.to_vec()
        };
        items.extend(
            keywords
                .into_iter()
                .map(|k| item(k, lsp::CompletionItemKind::KEYWORD, None)),
        );
    }
    let Some(scope) = place.scope else {
        return items;
    };
    let mut seen = std::collections::BTreeSet::new();
    for d in index.data_in(scope) {
        let def = &index.defs[d];
        if seen.insert(def.name.clone()) {
            let detail = def.label.clone().or_else(|| def.type_text.clone());
            items.push(item(&def.name, lsp::CompletionItemKind::FIELD, detail));
        }
    }
    for d in index.defs.iter().filter(|d| d.kind == DefKind::Code) {
        if seen.insert(d.name.clone()) {
            items.push(item(
                &d.name,
                lsp::CompletionItemKind::ENUM_MEMBER,
                d.label.clone(),
            ));
        }
    }
    items.extend(amt_model::Function::ALL.iter().map(|f| {
        item(
            f.word(),
            lsp::CompletionItemKind::FUNCTION,
            Some(f.example().to_string()),
        )
    }));
    items.extend(
        RESERVED
            .iter()
            .map(|w| item(w, lsp::CompletionItemKind::KEYWORD, None)),
    );
    items
}

/// What a path before a `.` names, to list its parts.
enum Holder<'a> {
    /// A declaration of this file's index.
    Def(usize),
    /// The statements of a group declared at the top level, in its file.
    Body(&'a [Stmt], FileId),
    /// A code list: its columns.
    Columns(&'a ast::Codelist),
}

/// After `name.` (also `name[0].` in examples): the parts of the group, or
/// the columns of the code list of the choice field, that `name` is.
fn members(
    place: &Place,
    index: &FileIndex,
    program: &Program,
    file: FileId,
) -> Option<Vec<lsp::CompletionItem>> {
    let token_start = place
        .before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "_.[]".contains(c)))
        .map_or(0, |i| i + 1);
    let token = &place.before[token_start..];
    let (path, _typed) = token.rsplit_once('.')?;
    let segments: Vec<&str> = path
        .split('.')
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect();
    let scope = place.scope?;
    let first = index
        .data_in(scope)
        .into_iter()
        .find(|&d| index.defs[d].name == segments[0])?;
    let mut holder = def_holder(first, index, program, file)?;
    for seg in &segments[1..] {
        holder = part(&holder, seg, index, program, file)?;
    }
    let mut items = Vec::new();
    list_parts(&holder, index, program, file, &mut items);
    Some(items)
}

/// What a declaration of the index holds: its own parts, or its list's
/// columns.
fn def_holder<'a>(
    d: usize,
    index: &FileIndex,
    program: &'a Program,
    file: FileId,
) -> Option<Holder<'a>> {
    let def = &index.defs[d];
    match def.kind {
        DefKind::Subgroup => Some(Holder::Def(d)),
        DefKind::Field => {
            let text = def.type_text.as_deref()?;
            let list = text.strip_prefix("choice(")?.split(')').next()?.trim();
            codelist(program, file, list)
        }
        _ => None,
    }
}

fn codelist<'a>(program: &'a Program, file: FileId, name: &str) -> Option<Holder<'a>> {
    match program.lookup(file, name) {
        Some((decl, DeclKind::Codelist)) => match program.item(decl) {
            Item::Codelist(cl) => Some(Holder::Columns(cl)),
            _ => None,
        },
        _ => None,
    }
}

/// The top-level group `name` as seen from `file`.
fn group<'a>(program: &'a Program, file: FileId, name: &str) -> Option<Holder<'a>> {
    match program.lookup(file, name) {
        Some((decl, DeclKind::Group)) => match program.item(decl) {
            Item::Group(g) => Some(Holder::Body(&g.body, decl.file)),
            _ => None,
        },
        _ => None,
    }
}

/// The part `name` of what `holder` holds.
fn part<'a>(
    holder: &Holder<'a>,
    name: &str,
    index: &FileIndex,
    program: &'a Program,
    file: FileId,
) -> Option<Holder<'a>> {
    match holder {
        Holder::Def(d) => {
            let mut own = Vec::new();
            index.collect_data(*d, &mut own);
            if let Some(&c) = own.iter().find(|&&c| index.defs[c].name == name) {
                return def_holder(c, index, program, file);
            }
            let made_of = index.defs[*d].type_name.as_deref()?;
            part(&group(program, file, made_of)?, name, index, program, file)
        }
        Holder::Body(body, at) => {
            for stmt in body.iter() {
                match stmt {
                    Stmt::Group(g) if g.name.name == name => {
                        return Some(match &g.type_ref {
                            Some(t) if g.body.is_empty() => group(program, *at, &t.name.name)?,
                            _ => Holder::Body(&g.body, *at),
                        });
                    }
                    Stmt::Field(f) if f.name.name == name => {
                        let t = f.type_ref.as_ref()?;
                        let list = match (t.name.name.as_str(), t.args.as_slice()) {
                            ("choice", [TypeArg::Name(list)]) => &list.name,
                            _ => return None,
                        };
                        return codelist(program, *at, list);
                    }
                    _ => {}
                }
            }
            None
        }
        Holder::Columns(_) => None,
    }
}

/// The names of the parts `holder` holds, as completion items.
fn list_parts(
    holder: &Holder,
    index: &FileIndex,
    program: &Program,
    file: FileId,
    out: &mut Vec<lsp::CompletionItem>,
) {
    match holder {
        Holder::Def(d) => {
            let mut own = Vec::new();
            index.collect_data(*d, &mut own);
            for c in own {
                let def = &index.defs[c];
                let detail = def.label.clone().or_else(|| def.type_text.clone());
                out.push(item(&def.name, lsp::CompletionItemKind::FIELD, detail));
            }
            if let Some(made_of) = index.defs[*d].type_name.as_deref()
                && let Some(g) = group(program, file, made_of)
            {
                list_parts(&g, index, program, file, out);
            }
        }
        Holder::Body(body, _) => {
            for stmt in body.iter() {
                let (name, label) = match stmt {
                    Stmt::Field(d) | Stmt::Group(d) | Stmt::Attachment(d) => (&d.name, &d.label),
                    Stmt::Computed(c) | Stmt::Fee(c) => (&c.name, &c.label),
                    _ => continue,
                };
                let detail = label.as_ref().map(|l| l.source.value.clone());
                out.push(item(&name.name, lsp::CompletionItemKind::FIELD, detail));
            }
        }
        Holder::Columns(cl) => {
            for c in &cl.columns {
                let detail = c.label.as_ref().map(|l| l.source.value.clone());
                out.push(item(
                    &c.name.name,
                    lsp::CompletionItemKind::PROPERTY,
                    detail,
                ));
            }
        }
    }
}
