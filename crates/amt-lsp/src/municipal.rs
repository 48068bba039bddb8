//! The language server in municipality files: hover shows what a
//! municipality resolves and where each value comes from (its own `set`,
//! its Landkreis's, the procedure's default); go-to-definition leads from
//! `offers … by AUTHORITY` to the authority, from a procedure's name to the
//! procedure, from `set PROCEDURE.PARAMETER` to the parameter and from
//! `extend PROCEDURE.POINT` to the extension point.

use amt_compiler::Workspace;
use amt_compiler::ir::municipality::MunicipalKind;
use amt_compiler::ir::municipality::{Municipality, Registry};
use amt_compiler::source::{FileId, Span};
use amt_compiler::syntax::ast::{self, Stmt};
use lsp_types as lsp;

/// What stands at `offset` of a municipality file.
enum Spot<'a> {
    /// The key of the municipality.
    Key(&'a str),
    /// A procedure named in `offers` or `set`.
    Procedure(&'a str, &'a str),
    /// The parameter of a `set`.
    Parameter(&'a str, &'a str, &'a str),
    /// The authority of an `offers`.
    Authority(&'a str, &'a str),
    /// The extension point of an `extend`.
    Extension(&'a str, &'a str, &'a str),
}

fn within(span: Span, offset: usize) -> bool {
    (span.start as usize..=span.end as usize).contains(&offset)
}

fn spot(file: &ast::File, offset: usize) -> Option<Spot<'_>> {
    for item in &file.items {
        let ast::Item::Municipality(m) = item else {
            continue;
        };
        if !within(m.span, offset) {
            continue;
        }
        let ars = m.ars.value.as_str();
        if within(m.ars.span, offset) {
            return Some(Spot::Key(ars));
        }
        for stmt in &m.body {
            match stmt {
                Stmt::Offers { procedures, by, .. } => {
                    if within(by.span, offset) {
                        return Some(Spot::Authority(ars, &by.name));
                    }
                    if let Some(p) = procedures.iter().find(|p| within(p.span, offset)) {
                        return Some(Spot::Procedure(ars, &p.name));
                    }
                }
                Stmt::Set {
                    procedure,
                    parameter,
                    span,
                    ..
                } if within(*span, offset) => {
                    if within(procedure.span, offset) {
                        return Some(Spot::Procedure(ars, &procedure.name));
                    }
                    return Some(Spot::Parameter(ars, &procedure.name, &parameter.name));
                }
                Stmt::Extend { procedure, .. } if within(procedure.span, offset) => {
                    return Some(Spot::Procedure(ars, &procedure.name));
                }
                Stmt::Extend {
                    procedure, point, ..
                } if offset <= point.span.end as usize && within(stmt.span(), offset) => {
                    return Some(Spot::Extension(ars, &procedure.name, &point.name));
                }
                _ => {}
            }
        }
        return Some(Spot::Key(ars));
    }
    None
}

fn name(m: &Municipality) -> String {
    m.name.pick("de", "de").unwrap_or_default().to_string()
}

fn origin(m: &Municipality) -> String {
    format!("{} ({}, {})", name(m), m.ars, m.kind)
}

/// The hover text at `offset` of `file`, in Markdown.
pub fn hover(ws: &Workspace, file: FileId, offset: usize) -> Option<String> {
    let ast = ws.ast(file);
    let registry = &ws.municipalities().registry;
    match spot(&ast, offset)? {
        Spot::Key(ars) => {
            let m = registry.municipalities.get(ars)?;
            let mut md = format!("**{}** `{ars}`, {}", name(m), m.kind);
            let chain = registry.chain(ars);
            if chain.len() > 1 {
                let up: Vec<String> = chain[1..].iter().map(|p| origin(p)).collect();
                md.push_str(&format!("\n\nwithin {}", up.join(" › ")));
            }
            for o in registry.offers(ars) {
                if let Some(r) = registry.resolve(ars, &o.procedure) {
                    md.push_str(&format!(
                        "\n\n- `{}` by {} ← {}",
                        o.procedure,
                        r.authority.0.name.pick("de", "de").unwrap_or_default(),
                        origin(r.authority.1)
                    ));
                }
            }
            Some(md)
        }
        Spot::Authority(ars, id) => authority(registry, ars, id),
        Spot::Procedure(_, id) => {
            let facts = ws.procedure_facts().find(|f| f.id == id)?;
            let params: Vec<String> = facts
                .parameters
                .iter()
                .map(|p| format!("`{}`", p.id))
                .collect();
            Some(format!(
                "**procedure** `{id}`\n\nparameters: {}",
                if params.is_empty() {
                    "none".to_string()
                } else {
                    params.join(", ")
                }
            ))
        }
        Spot::Parameter(ars, procedure, parameter) => {
            let facts = ws.procedure_facts().find(|f| f.id == procedure)?;
            let p = facts.parameters.iter().find(|p| p.id == parameter)?;
            let label = p.label.pick("de", "de").unwrap_or_default();
            let mut md = format!("**parameter** `{procedure}.{parameter}` — {label}");
            if let Some(d) = &p.default {
                md.push_str(&format!("\n\ndefault `{d}`"));
            }
            if let Some(r) = registry.resolve(ars, procedure) {
                match r.values.get(parameter) {
                    Some((periods, at)) => {
                        md.push_str("\n\nresolved here:");
                        for v in periods {
                            md.push_str(&format!("\n- `{}`", v.value));
                            if let Some(f) = &v.from {
                                md.push_str(&format!(" from {f}"));
                            }
                            if let Some(u) = &v.until {
                                md.push_str(&format!(" until {u}"));
                            }
                        }
                        md.push_str(&format!("\n\n← {}", origin(at)));
                    }
                    None => md.push_str("\n\nresolved here: the procedure's default"),
                }
            }
            let legal: Vec<&str> = p.legal.iter().map(|l| l.citation.as_str()).collect();
            if !legal.is_empty() {
                md.push_str(&format!("\n\nlegal basis: {}", legal.join("; ")));
            }
            Some(md)
        }
        Spot::Extension(ars, procedure, point) => {
            let mut md = format!("**extension point** `{procedure}.{point}`");
            if let Some(r) = registry.resolve(ars, procedure) {
                match r.additions.get(point) {
                    Some(at) => md.push_str(&format!("\n\nthe questions here ← {}", origin(at))),
                    None => md.push_str("\n\nno local questions here"),
                }
            }
            Some(md)
        }
    }
}

fn authority(registry: &Registry, ars: &str, id: &str) -> Option<String> {
    let owner = registry
        .chain(ars)
        .into_iter()
        .find(|m| m.authorities.iter().any(|a| a.id == id))?;
    let a = owner.authorities.iter().find(|a| a.id == id)?;
    let mut md = format!(
        "**authority** `{id}` — {}",
        a.name.pick("de", "de").unwrap_or_default()
    );
    if let Some(address) = &a.address {
        md.push_str(&format!("\n\n{address}"));
    }
    if let Some(d) = &a.destination {
        md.push_str(&format!("\n\nFIT-Connect destination `{d}`"));
    }
    md.push_str(&format!("\n\n← {}", origin(owner)));
    Some(md)
}

/// Where what stands at `offset` of `file` is declared.
pub fn definition(ws: &Workspace, file: FileId, offset: usize) -> Option<Span> {
    let ast = ws.ast(file);
    let municipalities = ws.municipalities();
    let registry = &municipalities.registry;
    match spot(&ast, offset)? {
        Spot::Authority(ars, id) => {
            let owner = registry
                .chain(ars)
                .into_iter()
                .find(|m| m.authorities.iter().any(|a| a.id == id))?;
            municipalities
                .places
                .get(&owner.ars)?
                .authorities
                .get(id)
                .copied()
        }
        Spot::Procedure(_, id) => declared(ws, id, "procedure", id),
        Spot::Parameter(_, procedure, parameter) => declared(ws, procedure, "parameter", parameter),
        Spot::Extension(_, procedure, point) => declared(ws, procedure, "extension", point),
        Spot::Key(_) => None,
    }
}

/// Where `keyword NAME` stands in the file of the procedure `procedure`.
fn declared(ws: &Workspace, procedure: &str, keyword: &str, name: &str) -> Option<Span> {
    let facts = ws.procedure_facts().find(|f| f.id == procedure)?;
    let id = ws.sources().find(&facts.source)?;
    let text = &ws.sources().get(id).text;
    let start = amt_compiler::municipal::find_word(text, keyword, name)?;
    Some(Span::new(id, start..start + name.len()))
}

/// Completion inside a municipality: the kinds after `kind`, the
/// procedures after `set` and `offers`, a procedure's parameters after
/// `set PROCEDURE.`, the authorities known here after `by`. `None` where
/// the general completion applies.
pub fn complete(
    ws: &Workspace,
    file: FileId,
    offset: usize,
    before: &str,
) -> Option<Vec<lsp::CompletionItem>> {
    let ast = ws.ast(file);
    let Some(
        Spot::Key(ars)
        | Spot::Authority(ars, _)
        | Spot::Procedure(ars, _)
        | Spot::Parameter(ars, _, _)
        | Spot::Extension(ars, _, _),
    ) = spot(&ast, offset)
    else {
        return None;
    };
    let line = before.trim_start();
    let word_start = line
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |i| i + 1);
    let (head, word) = line.split_at(word_start);
    let item = |label: &str, detail: String, kind: lsp::CompletionItemKind| lsp::CompletionItem {
        label: label.to_string(),
        detail: Some(detail),
        kind: Some(kind),
        ..Default::default()
    };
    let head = head.trim_end();
    let items = if head == "kind" {
        MunicipalKind::words()
            .map(|k| {
                item(
                    k,
                    "kind of municipality".into(),
                    lsp::CompletionItemKind::ENUM_MEMBER,
                )
            })
            .collect()
    } else if head == "set" && word.contains('.') {
        let procedure = word.split('.').next().unwrap_or_default();
        let facts = ws.procedure_facts().find(|f| f.id == procedure)?;
        facts
            .parameters
            .iter()
            .map(|p| {
                let label = p.label.pick("de", "de").unwrap_or_default().to_string();
                item(&p.id, label, lsp::CompletionItemKind::FIELD)
            })
            .collect()
    } else if head == "extend" && word.contains('.') {
        let procedure = word.split('.').next().unwrap_or_default();
        let facts = ws.procedure_facts().find(|f| f.id == procedure)?;
        facts
            .extensions
            .iter()
            .map(|e| item(e, "extension point".into(), lsp::CompletionItemKind::FIELD))
            .collect()
    } else if head == "set"
        || head == "extend"
        || head.starts_with("offers") && !head.contains(" by")
    {
        ws.procedure_facts()
            .map(|f| item(&f.id, "procedure".into(), lsp::CompletionItemKind::MODULE))
            .collect()
    } else if head.starts_with("offers") && head.ends_with(" by") {
        let registry = &ws.municipalities().registry;
        registry
            .chain(ars)
            .into_iter()
            .flat_map(|m| m.authorities.iter().map(move |a| (a, m)))
            .map(|(a, m)| {
                item(
                    &a.id,
                    format!(
                        "{} ← {}",
                        a.name.pick("de", "de").unwrap_or_default(),
                        name(m)
                    ),
                    lsp::CompletionItemKind::CLASS,
                )
            })
            .collect()
    } else {
        return None;
    };
    Some(items)
}
