//! Municipalities: every `municipality "ARS" "Name" { … }` of a project,
//! read into the model's [`Registry`] and checked against the procedures.
//!
//! A procedure is checked on its own; its municipalities are checked together,
//! after it, because what they say is about each other (a Gemeinde's parent is
//! the Landkreis declared elsewhere, an authority may be its Landkreis's) and
//! about the procedures (which exist, which parameters they declare, of what
//! type). What the procedures contribute is small ([`ProcedureFacts`]), so a
//! caller that streams procedures keeps only that.
//!
//! The checks: keys (shape, kind, duplicates, parents), authorities and what
//! they carry, offers, parameter values (type, range, constant, periods),
//! required parameters left unset, theme contrast (WCAG AA), identity no
//! weaker than the procedure's, and strings that look like secrets.

mod additions;
mod declaration;
mod offered;
mod read;
mod secrets;
mod theme;
mod values;

pub use additions::{
    Addition, AdditionsCache, check as check_additions, check_cached as check_additions_cached,
};
pub use offered::find_word;
pub use read::DeclCache;
pub use values::{constant, fits};

use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, ast};
use ir::municipality::Registry;
use std::collections::BTreeMap;

/// What the municipalities need to know of a procedure.
#[derive(Debug, Clone)]
pub struct ProcedureFacts {
    /// Its id.
    pub id: String,
    /// Its parameters.
    pub parameters: Vec<ir::Parameter>,
    /// The identification it asks for.
    pub identity: Option<ir::Identity>,
    /// The codes of each code list a parameter takes its value from.
    pub codes: BTreeMap<String, Vec<String>>,
    /// Its examples: name, the line it starts on, the municipality it
    /// names, the extension points whose local questions it answers.
    pub examples: Vec<(String, u32, Option<String>, Vec<String>)>,
    /// Its source file, relative to the project root.
    pub source: String,
    /// Its extension points.
    pub extensions: Vec<String>,
    /// Every name it declares, when it has extension points (a local
    /// addition may take none of them).
    pub names: std::collections::BTreeSet<String>,
    /// The documents whose Rechtsbehelfsbelehrung names the administrative
    /// court (an action is possible).
    pub court_for: Vec<String>,
}

impl ProcedureFacts {
    /// The facts of a checked procedure.
    pub fn of(p: &ir::Procedure) -> ProcedureFacts {
        ProcedureFacts {
            id: p.id.clone(),
            parameters: p.parameters.clone(),
            identity: p.identity.clone(),
            codes: p
                .parameters
                .iter()
                .filter_map(|param| match &param.ty {
                    ir::Ty::Code { codelist } => Some((
                        codelist.clone(),
                        p.codelists
                            .get(codelist)?
                            .values
                            .iter()
                            .map(|c| c.code.clone())
                            .collect(),
                    )),
                    _ => None,
                })
                .collect(),
            examples: p
                .examples
                .iter()
                .map(|e| {
                    (
                        e.name.clone(),
                        e.line,
                        e.municipality.clone(),
                        e.local.clone(),
                    )
                })
                .collect(),
            source: p.source.clone(),
            extensions: p.extensions.iter().map(|e| e.id.clone()).collect(),
            names: if p.extensions.is_empty() {
                Default::default()
            } else {
                additions::names(p)
            },
            court_for: p
                .workflow
                .iter()
                .flat_map(|w| &w.documents)
                .filter(|d| {
                    matches!(
                        d.remedy,
                        Some(ir::Remedy::Action | ir::Remedy::ObjectionOrAction)
                    )
                })
                .map(|d| d.id.clone())
                .collect(),
        }
    }
}

/// The municipalities of a project, checked.
#[derive(Debug, Default)]
pub struct Municipalities {
    /// Every municipality that could be read, by key.
    pub registry: Registry,
    /// Where each is declared: its key's place and its statements'.
    pub places: BTreeMap<String, Places>,
    /// The questions each adds at extension points, read (checked in the
    /// procedures by [`check_additions`]).
    pub additions: Vec<Addition>,
}

/// Where the parts of one municipality are written, for editors and for
/// diagnostics found later (a build, an example).
#[derive(Debug, Default, Clone)]
pub struct Places {
    /// The key.
    pub ars: Option<Span>,
    /// Each authority's name.
    pub authorities: BTreeMap<String, Span>,
    /// Each `set`, by procedure and parameter.
    pub values: Vec<(String, String, Span)>,
    /// Each procedure named in `offers`.
    pub offers: Vec<(String, Span)>,
}

impl Municipalities {
    /// Whether the project declares any municipality.
    pub fn is_empty(&self) -> bool {
        self.registry.municipalities.is_empty()
    }
}

/// A procedure as the municipality `ars` serves it (with the questions it
/// adds at extension points, each parameter the value it sets or inherits,
/// in force by date; see [`ir::Procedure::instantiate`]), or with its
/// defaults (`ars` none). `Err` names a parameter without a value, or says
/// the municipality does not offer the procedure or that its additions did
/// not check.
pub fn instance(
    p: &ir::Procedure,
    registry: &Registry,
    ars: Option<&str>,
) -> Result<ir::Procedure, String> {
    let resolved = match ars {
        Some(ars) => Some(
            registry
                .resolve(ars, &p.id)
                .ok_or_else(|| format!("the municipality {ars} does not offer `{}`", p.id))?,
        ),
        None => None,
    };
    let base = match resolved.as_ref().and_then(|r| r.additions_key(&p.id)) {
        Some(key) => registry.extended.get(&key).ok_or_else(|| {
            format!(
                "the questions {} adds to `{}` did not check",
                ars.unwrap_or_default(),
                p.id
            )
        })?,
        None => p,
    };
    let mut out = base.clone();
    out.instantiate(|param| {
        let (periods, _) = resolved.as_ref()?.values.get(&param.id)?;
        let mut legal: Vec<ir::LegalRef> = Vec::new();
        for l in periods.iter().flat_map(|v| &v.legal) {
            if !legal.contains(l) {
                legal.push(l.clone());
            }
        }
        Some((ir::municipality::in_force(periods, &param.ty), legal))
    })
    .map_err(|missing| format!("the parameter `{missing}` of `{}` has no value", p.id))?;
    // Texts name parameters in braces: `{satz}` reads the value in force
    // (its values over time, in words), in each text's language.
    let values: Vec<(String, &ir::Expr)> = out
        .computed
        .iter()
        .filter(|n| p.parameters.iter().any(|param| param.id == n.id))
        .filter_map(|n| match &n.kind {
            ir::NodeKind::Computed { value, .. } => Some((format!("{{{}}}", n.id), value)),
            _ => None,
        })
        .collect();
    if !values.is_empty() {
        let values: Vec<(String, ir::Expr)> =
            values.into_iter().map(|(k, v)| (k, v.clone())).collect();
        out.texts_mut(&mut |text| {
            for (lang, t) in text.iter_mut() {
                if !t.contains('{') {
                    continue;
                }
                for (placeholder, value) in &values {
                    if t.contains(placeholder.as_str())
                        && let Some(words) = crate::emit::html::value_text(value, lang)
                    {
                        *t = t.replace(placeholder.as_str(), &words);
                    }
                }
            }
        });
    }
    // A municipality may ask for more identification than the procedure
    // (never less: the check says so).
    if let Some((identity, _)) = resolved.as_ref().and_then(|r| r.identity)
        && out
            .identity
            .as_ref()
            .is_none_or(|own| own.level <= identity.level)
    {
        out.identity = Some(identity.clone());
    }
    Ok(out)
}

/// Whether a project declares municipalities: a file holds a line that
/// begins with `municipality`.
pub fn declared(sources: &SourceMap) -> bool {
    sources.iter().any(|(_, f)| {
        f.parse
            && f.text
                .lines()
                .any(|l| l.trim_start().starts_with("municipality "))
    })
}

/// Every municipality declared in `sources`, and the problems found in them
/// and in what they say of `procedures`.
pub fn check(
    sources: &SourceMap,
    procedures: &[ProcedureFacts],
) -> (Municipalities, Vec<Diagnostic>) {
    let decls = declarations(sources);
    let files: Vec<(FileId, &ast::File)> = decls.iter().map(|(f, a)| (*f, a)).collect();
    check_files(sources, &files, procedures)
}

/// [`check`] of files already parsed (a [`crate::Workspace`]'s): their
/// municipality declarations, the other items passed over.
pub fn check_files(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    procedures: &[ProcedureFacts],
) -> (Municipalities, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let out = read::read(sources, files, procedures, None, &mut diags);
    (out, diags)
}

/// [`check_files`] for a [`crate::Workspace`]: each file's declarations are
/// read again only when its version (one per parse) changed.
pub fn check_files_cached(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    versions: &[u64],
    procedures: &[ProcedureFacts],
    cache: &mut DeclCache,
) -> (Municipalities, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let out = read::read(
        sources,
        files,
        procedures,
        Some((versions, cache)),
        &mut diags,
    );
    (out, diags)
}

/// Every file's municipality declarations (files that have none are not
/// parsed; their procedures are the driver's).
fn declarations(sources: &SourceMap) -> Vec<(FileId, ast::File)> {
    let mut out = Vec::new();
    for (id, file) in sources.iter() {
        if !file.parse || !file.text.contains("municipality") {
            continue;
        }
        let outline = syntax::parse_outline(id, &file.text);
        let mut ast = outline.file;
        ast.items
            .retain(|i| matches!(i, ast::Item::Municipality(_)));
        if !ast.items.is_empty() {
            out.push((id, ast));
        }
    }
    out
}
