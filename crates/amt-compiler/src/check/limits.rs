//! Declarations too large or too deep to expand ([`crate::resolve::expansion`]):
//! each is reported once, where its cause is, and nothing of it is expanded.

use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::expansion::{Expansion, MAX_EXPANDED_NODES, MAX_GROUP_DEPTH};
use crate::resolve::{DeclKind, DeclRef, Program};
use crate::source::FileId;
use crate::syntax::ast::{self, Stmt};

/// The declared groups a block uses, directly or through inline groups.
fn used_groups(program: &Program, file: FileId, body: &[Stmt], out: &mut Vec<DeclRef>) {
    for stmt in body {
        match stmt {
            Stmt::Group(decl) => {
                if let Some(t) = &decl.type_ref
                    && let Some((d, DeclKind::Group)) = program.lookup(file, &t.name.name)
                {
                    out.push(d);
                }
                used_groups(program, file, &decl.body, out);
            }
            Stmt::Page(decl) => used_groups(program, file, &decl.body, out),
            _ => {}
        }
    }
}

/// Whether a block uses a group that is itself too large or too deep (then
/// that group is the cause, reported where it is declared).
fn uses_too_large(program: &Program, file: FileId, body: &[Stmt]) -> bool {
    let mut used = Vec::new();
    used_groups(program, file, body, &mut used);
    used.into_iter().any(|d| program.expansion(d).too_large())
}

/// A count with thousands separators: `98,302`.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn figures(e: Expansion) -> String {
    let nodes = if e.nodes == u64::MAX {
        "more than 18 quintillion".to_string()
    } else {
        count(e.nodes)
    };
    format!("{nodes} parts, with groups nested {} deep", e.depth)
}

/// The first links of a chain of groups, and how many more there are.
fn chain_words(chain: &[String]) -> String {
    const SHOWN: usize = 6;
    let mut words = chain[..chain.len().min(SHOWN)].join(", which uses ");
    if chain.len() > SHOWN {
        words.push_str(&format!(", … ({} groups deep in all)", chain.len()));
    }
    words
}

/// A declared group too large or too deep, reported if it is the cause.
pub fn group_too_large(
    program: &Program,
    decl: &ast::Decl,
    decl_ref: DeclRef,
    diags: &mut Vec<Diagnostic>,
) {
    if uses_too_large(program, decl_ref.file, &decl.body) {
        return;
    }
    let e = program.expansion(decl_ref);
    let chain: Vec<String> = program
        .heaviest_chain(decl_ref)
        .into_iter()
        .map(|(name, times)| {
            if times > 1 {
                format!(
                    "`{name}` {}",
                    if times == 2 {
                        "twice".to_string()
                    } else {
                        format!("{times} times")
                    }
                )
            } else {
                format!("`{name}`")
            }
        })
        .collect();
    let through = if chain.is_empty() {
        String::new()
    } else {
        format!(": it uses {}", chain_words(&chain))
    };
    diags.push(limit(
        e,
        decl.name.span,
        format!(
            "the group `{}` expands to {}{through}",
            decl.name.name,
            figures(e)
        ),
    ));
}

/// A procedure too large or too deep once expanded, reported if no group it
/// uses is the cause.
pub fn procedure_too_large(
    program: &Program,
    decl: &ast::Decl,
    file: FileId,
    e: Expansion,
    diags: &mut Vec<Diagnostic>,
) {
    if uses_too_large(program, file, &decl.body) {
        return;
    }
    diags.push(limit(
        e,
        decl.name.span,
        format!(
            "the procedure `{}` expands to {}",
            decl.name.name,
            figures(e)
        ),
    ));
}

fn limit(e: Expansion, span: crate::source::Span, message: String) -> Diagnostic {
    if e.depth > MAX_GROUP_DEPTH {
        Diagnostic::new(Code::GroupsTooDeep, span, message)
            .label(format!("more than {MAX_GROUP_DEPTH} groups deep"))
            .note("groups are expanded where they are used; a form this deep cannot be filled in or shown")
            .help("use fewer levels of groups: put fields of inner groups into the outer one, or repeat a group instead of nesting it")
    } else {
        Diagnostic::new(Code::ExpansionTooLarge, span, message)
            .label(format!("more than {} parts once expanded", count(MAX_EXPANDED_NODES)))
            .note("groups are expanded where they are used, so a group used twice in a group used twice doubles at every level")
            .help("use a group once and repeat it (`group kind: person[1..10]`) instead of using it several times, or split the procedure")
    }
}
