//! Local additions: the questions a municipality adds where a procedure
//! marks an extension point (`extension zusatz "Angaben Ihrer Gemeinde"`
//! in the procedure, `extend hundesteuer.zusatz { field … }` in the
//! municipality).
//!
//! They are read with the rest of a municipality ([`read`]): the point must
//! exist, the statements must be questions, and no local name may be one of
//! the shared procedure's, so that a local field can neither change nor hide
//! a shared one. They are then checked inside the procedure ([`check`]): for
//! each combination of additions some municipality gets (a Gemeinde's own
//! additions at one point, its Landkreis's at another), the procedure's text
//! is checked again with the additions written in at their points, as the
//! group the point names. A local field is so checked exactly as a shared
//! one is, and the model, schema, validator and form of that municipality
//! come from the procedure so checked ([`super::instance`]).

use super::{Municipalities, ProcedureFacts};
use crate::diagnostic::suggest::suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::Program;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, Stmt};
use crate::{check, ir, par, syntax};
use std::collections::{BTreeMap, BTreeSet};

/// One municipality's questions at one extension point, read.
#[derive(Debug, Clone)]
pub struct Addition {
    /// The municipality.
    pub ars: String,
    /// The procedure.
    pub procedure: String,
    /// The extension point.
    pub point: String,
    /// The questions.
    pub body: Vec<Stmt>,
    /// The whole `extend`.
    pub span: Span,
}

/// A question written in a municipality outside any `extend`.
pub(super) fn outside(stmt: &Stmt) -> Diagnostic {
    Diagnostic::new(
        Code::OutsideExtension,
        stmt.span(),
        format!("{} cannot stand in a municipality of its own", stmt.describe()),
    )
    .label("outside any extension point")
    .help("a municipality adds questions only where a procedure marks an extension point: write them in `extend PROCEDURE.POINT { … }`")
}

/// Reads `extend procedure.point { body }` of the municipality `ars`;
/// `None` when it cannot apply (reported).
pub(super) fn read(
    ars: &str,
    stmt: &Stmt,
    procedures: &[ProcedureFacts],
    diags: &mut Vec<Diagnostic>,
) -> Option<Addition> {
    let Stmt::Extend {
        procedure,
        point,
        body,
        span,
    } = stmt
    else {
        return None;
    };
    let Some(facts) = procedures.iter().find(|f| f.id == procedure.name) else {
        diags.push(super::read::unknown_procedure(procedure, procedures));
        return None;
    };
    if !facts.extensions.contains(&point.name) {
        let d = Diagnostic::new(
            Code::OutsideExtension,
            point.span,
            format!(
                "`{}` is not an extension point of `{}`",
                point.name, procedure.name
            ),
        )
        .label("no extension point of this name");
        let points: Vec<&str> = facts.extensions.iter().map(String::as_str).collect();
        let fallback = if points.is_empty() {
            format!(
                "`{}` marks no extension point, so its form is the same everywhere; its authors can add one with `extension NAME \"Label\"` on a page",
                procedure.name
            )
        } else {
            format!(
                "the extension points of `{}` are {}",
                procedure.name,
                super::read::list(&points)
            )
        };
        diags.push(suggest(d, &point.name, points.iter().copied(), fallback));
        return None;
    }
    let before = diags.len();
    questions(body, &facts.names, diags);
    (diags.len() == before).then(|| Addition {
        ars: ars.to_string(),
        procedure: procedure.name.clone(),
        point: point.name.clone(),
        body: body.clone(),
        span: *span,
    })
}

/// The statements of an `extend`: questions (and the rules and notes that
/// go with them), none named as a name of the shared procedure.
fn questions(body: &[Stmt], shared: &BTreeSet<String>, diags: &mut Vec<Diagnostic>) {
    for stmt in body {
        let name = match stmt {
            Stmt::Field(d) | Stmt::Group(d) | Stmt::Attachment(d) => Some(&d.name),
            Stmt::Computed(c) => Some(&c.name),
            Stmt::Note(n) => n.name.as_ref(),
            Stmt::Rule { .. } => None,
            other => {
                diags.push(
                    Diagnostic::new(
                        Code::MisplacedStatement,
                        other.span(),
                        format!("{} cannot be a municipality's addition", other.describe()),
                    )
                    .label("not a question")
                    .help("a municipality adds fields, groups, attachments, computed values, notes and rules; what it may change besides is a parameter, set with `set`"),
                );
                None
            }
        };
        if let Some(name) = name.filter(|n| shared.contains(&n.name)) {
            diags.push(
                Diagnostic::new(
                    Code::ShadowsShared,
                    name.span,
                    format!("`{}` is a name of the shared procedure", name.name),
                )
                .label("taken by the shared procedure")
                .note("a rule or condition that names it would no longer be sure to mean the shared one, in this municipality or in a reader's mind")
                .help(format!("give the local question a name of its own, e.g. `{}_lokal`", name.name)),
            );
        }
        if let Stmt::Group(d) = stmt {
            questions(&d.body, shared, diags);
        }
    }
}

/// Every name the procedure `p` declares (fields, groups, pages,
/// computed values, parameters, the workflow's decisions).
pub(super) fn names(p: &ir::Procedure) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = p.all_nodes().map(|n| n.id.clone()).collect();
    out.extend(p.pages.iter().map(|page| page.id.clone()));
    out.extend(p.parameters.iter().map(|param| param.id.clone()));
    out.extend(p.fees.iter().map(|f| f.id.clone()));
    if let Some(w) = &p.workflow {
        let mut states: Vec<&ir::State> = w.states.iter().collect();
        while let Some(state) = states.pop() {
            out.extend(state.decisions.iter().map(|d| d.id.clone()));
            states.extend(&state.branches);
        }
    }
    out
}

/// Checks every combination of additions a municipality gets, with the
/// procedure it extends; each that checks is kept in the registry
/// (`extended`). A statement that fails is reported where it is written.
pub fn check(sources: &SourceMap, program: &Program, out: &mut Municipalities) -> Vec<Diagnostic> {
    check_cached(sources, program, out, None)
}

/// What [`check_cached`] found of each combination, with a number for
/// what it was found from (the procedure's text, what it imports, the
/// additions' text and place): a [`crate::Workspace`] checks again only
/// the combinations whose text changed.
#[derive(Debug, Default)]
pub struct AdditionsCache(BTreeMap<String, (u64, Option<ir::Procedure>, Vec<Diagnostic>)>);

/// [`check`], reusing what `cache` holds of combinations whose text did
/// not change.
pub fn check_cached(
    sources: &SourceMap,
    program: &Program,
    out: &mut Municipalities,
    cache: Option<&mut AdditionsCache>,
) -> Vec<Diagnostic> {
    if out.additions.is_empty() {
        if let Some(c) = cache {
            c.0.clear();
        }
        return Vec::new();
    }
    // The combinations: what each municipality that offers an extended
    // procedure gets, and each addition on its own (it is checked even
    // where no municipality below it offers the procedure yet).
    let mut combos: BTreeMap<String, (String, Vec<&super::Addition>)> = BTreeMap::new();
    let find = |ars: &str, procedure: &str, point: &str| {
        out.additions
            .iter()
            .find(|a| a.ars == ars && a.procedure == procedure && a.point == point)
    };
    let registry = &out.registry;
    // Only a municipality below one that adds questions gets any: its key
    // begins with the significant digits of that one's (`09188` of a
    // Landkreis). The others are not resolved at all.
    let prefixes: BTreeSet<&str> = out
        .additions
        .iter()
        .filter_map(|a| {
            let m = registry.municipalities.get(&a.ars)?;
            let digits = match m.kind {
                ir::municipality::MunicipalKind::Land => 2,
                ir::municipality::MunicipalKind::Regierungsbezirk => 3,
                ir::municipality::MunicipalKind::Landkreis
                | ir::municipality::MunicipalKind::KreisfreieStadt => 5,
                ir::municipality::MunicipalKind::Verwaltungsgemeinschaft => 9,
                ir::municipality::MunicipalKind::Gemeinde => 12,
            };
            m.ars.get(..digits)
        })
        .collect();
    for (m, offers) in registry
        .municipalities
        .values()
        .filter(|m| m.kind.serves_citizens() && prefixes.iter().any(|p| m.ars.starts_with(p)))
        .map(|m| (m, registry.offers(&m.ars)))
    {
        for o in offers {
            let Some(r) = registry.resolve(&m.ars, &o.procedure) else {
                continue;
            };
            let Some(key) = r.additions_key(&o.procedure) else {
                continue;
            };
            combos.entry(key).or_insert_with(|| {
                let list = r
                    .additions
                    .iter()
                    .filter_map(|(point, m)| find(&m.ars, &o.procedure, point))
                    .collect();
                (o.procedure.clone(), list)
            });
        }
    }
    for a in &out.additions {
        let key = format!("{} {}={}", a.procedure, a.point, a.ars);
        combos
            .entry(key)
            .or_insert_with(|| (a.procedure.clone(), vec![a]));
    }
    let declared = procedure_places(sources, program);
    let combos: Vec<(String, (String, Vec<&Addition>))> = combos.into_iter().collect();
    // What each combination is checked from, as a number.
    let prints: Vec<u64> = combos
        .iter()
        .map(|(_, (procedure, list))| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            if let Some(&(file, span)) = declared.get(procedure.as_str()) {
                (span.start, span.end).hash(&mut h);
                sources.get(file).text.hash(&mut h);
                for f in program.imported_files(file) {
                    sources.get(f).text.hash(&mut h);
                }
            }
            for a in list {
                (a.span.file, a.span.start, a.span.end).hash(&mut h);
                let text = &sources.get(a.span.file).text;
                text.get(a.span.start as usize..a.span.end as usize)
                    .hash(&mut h);
            }
            h.finish()
        })
        .collect();
    let hit = |i: usize| {
        cache
            .as_deref()
            .and_then(|c| c.0.get(&combos[i].0))
            .filter(|(print, _, _)| *print == prints[i])
            .map(|(_, p, d)| (p.clone(), d.clone()))
    };
    let cached: Vec<Option<(Option<ir::Procedure>, Vec<Diagnostic>)>> =
        (0..combos.len()).map(hit).collect();
    let indexes: Vec<usize> = (0..combos.len()).collect();
    let checked = par::map(&indexes, |&i| {
        if let Some(found) = &cached[i] {
            return found.clone();
        }
        let (_, (procedure, list)) = &combos[i];
        let mut found = Vec::new();
        let Some(&(file, span)) = declared.get(procedure.as_str()) else {
            return (None, found);
        };
        let text = &sources.get(file).text;
        let range = span.start as usize..span.end as usize;
        let Some(mut decl) = syntax::parse_procedure(file, text, range, &mut found) else {
            return (None, Vec::new());
        };
        for a in list {
            splice(&mut decl.body, &a.point, &a.body);
        }
        let points: Vec<&str> = list.iter().map(|a| a.point.as_str()).collect();
        let answers = local_answers(&decl.body, &points);
        let mut all = Vec::new();
        let p = check::check_procedure(sources, program, file, &decl, &mut all, &mut Vec::new());
        // The shared procedure's own problems were reported when it was
        // checked; what is new here is written in the additions.
        let within = |s: Span| {
            list.iter()
                .map(|a| a.span)
                .chain(answers.iter().copied())
                .any(|a| a.file == s.file && a.start <= s.start && s.end <= a.end)
        };
        let failed = all
            .iter()
            .any(|d| d.severity() == crate::diagnostic::Severity::Error);
        found.extend(all.into_iter().filter(|d| within(d.primary.span)));
        ((!failed).then_some(p), found)
    });
    if let Some(c) = cache {
        c.0 = combos
            .iter()
            .zip(&prints)
            .zip(&checked)
            .map(|(((key, _), print), (p, found))| {
                (key.clone(), (*print, p.clone(), found.clone()))
            })
            .collect();
    }
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut extended = BTreeMap::new();
    for ((key, _), (p, found)) in combos.iter().zip(checked) {
        for d in found {
            let seen = diags.iter().any(|e| {
                e.code == d.code && e.primary.span == d.primary.span && e.message == d.message
            });
            if !seen {
                diags.push(d);
            }
        }
        if let Some(p) = p {
            extended.insert(key.clone(), p);
        }
    }
    out.registry.extended = extended;
    diags
}

/// Where each procedure of the program is written: its file and the
/// range of its text.
fn procedure_places<'a>(
    sources: &SourceMap,
    program: &'a Program,
) -> BTreeMap<&'a str, (FileId, Span)> {
    let mut out = BTreeMap::new();
    for (id, _) in sources.iter() {
        if id.0 as usize >= program.modules.len() {
            continue;
        }
        for item in &program.module(id).ast.items {
            if let ast::Item::Procedure(decl) = item {
                out.entry(decl.name.name.as_str())
                    .or_insert((id, decl.span));
            }
        }
    }
    out
}

/// Where the examples of a procedure's `body` answer or expect something
/// of the local questions at `points`: what is checked of them only with
/// the additions (see `example_data`).
fn local_answers(body: &[Stmt], points: &[&str]) -> Vec<Span> {
    let local = |path: &ast::DataPath| {
        path.segments
            .iter()
            .any(|(name, _)| points.contains(&name.name.as_str()))
    };
    let mut out = Vec::new();
    for stmt in body {
        let Stmt::Example(ex) = stmt else { continue };
        for (path, value) in &ex.given {
            if local(path) {
                out.push(Span {
                    end: value.span.end.max(path.span.end),
                    ..path.span
                });
            }
        }
        out.extend(ex.omit.iter().filter(|p| local(p)).map(|p| p.span));
        for e in &ex.expects {
            match e {
                ast::Expect::Problem { path, span, .. }
                | ast::Expect::Shown { path, span, .. }
                | ast::Expect::Value { path, span, .. }
                    if local(path) =>
                {
                    out.push(*span)
                }
                _ => {}
            }
        }
    }
    out
}

/// Writes `additions` in at the extension point `point` of a procedure's
/// `body`, as the group the point names.
fn splice(body: &mut [Stmt], point: &str, additions: &[Stmt]) -> bool {
    for stmt in body.iter_mut() {
        if let Stmt::Page(d) | Stmt::Group(d) = stmt {
            if splice(&mut d.body, point, additions) {
                return true;
            }
            continue;
        }
        match stmt {
            Stmt::Extension { name, label, span } if name.name == point => {
                *stmt = Stmt::Group(ast::Decl {
                    name: name.clone(),
                    type_ref: None,
                    repeat: None,
                    label: label.clone(),
                    body: additions.to_vec(),
                    keyword: *span,
                    span: *span,
                });
                return true;
            }
            _ => {}
        }
    }
    false
}
