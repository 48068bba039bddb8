//! Documents: a Bescheid's parts, and the checks that it can be written for
//! every case that receives it.
//!
//! - a document issued on the way to an end that grants or rejects carries a
//!   Rechtsbehelfsbelehrung (`remedy`), or says why it needs none (E1301);
//! - every `{path}` in its texts names an answer, a computed value or a
//!   decision (E1302), one that every case receiving the document has: a
//!   decision taken on every way to where it is issued, an answer that is
//!   required and shown unless the part's `when` asks for it (E1303);
//! - `fees` only where the procedure has fees (E1304);
//! - the parts are well formed: a tenor, a known remedy, conditions that
//!   are decisions the clerk writes or picks (E1305);
//! - it is issued somewhere (W1301).

use super::Lowering;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{self, Ty};
use crate::resolve::suggest;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind, PartKind, StateKind, Stmt};
use std::collections::{BTreeMap, BTreeSet};

/// Where a document is issued: on a transition out of `from` (or by a
/// timer counted from `from`), to `to`.
struct Site<'a> {
    from: &'a str,
    to: &'a str,
    /// Taken when a deadline passes: the step's own decisions are not
    /// taken then.
    timed: bool,
    /// A workflow timer's: it fires anywhere after `from` is entered.
    timer: bool,
    /// Where `issue` names the document.
    span: Span,
    /// The transition's guard.
    when: Option<&'a ast::Expr>,
}

/// A document's statements, kept from the declarations until the states
/// are known.
pub(super) struct Body<'a> {
    pub name: &'a ast::Ident,
    pub body: &'a [Stmt],
}

/// A `{path}` of a text, with its place.
struct Placeholder {
    path: Vec<String>,
    span: Span,
}

impl<'a> Lowering<'a, '_, '_> {
    /// Lowers the documents' parts and checks them against the workflow.
    pub(super) fn documents_written(
        &mut self,
        bodies: &[Body<'a>],
        states: &[&'a ast::StateDecl],
        timers: &[&'a ast::StateDecl],
        lowered: &[ir::State],
    ) {
        let mut sites: BTreeMap<&'a str, Vec<Site<'a>>> = BTreeMap::new();
        for d in states.iter().chain(timers) {
            issue_sites(d, d.kind == StateKind::Timer, &mut sites);
        }
        let decided = if self.broken {
            BTreeMap::new()
        } else {
            must_decide(lowered)
        };
        let outcomes: BTreeMap<&str, Option<ir::Outcome>> =
            lowered.iter().map(|s| (s.id.as_str(), s.outcome)).collect();
        for b in bodies {
            let Some(i) = self.documents.iter().position(|d| d.id == b.name.name) else {
                continue;
            };
            let doc_sites: &[Site] = sites.get(b.name.name.as_str()).map_or(&[], |v| v);
            // What every case that receives the document has decided (not
            // known when a transition names an unknown state: reported).
            let taken: Option<BTreeSet<String>> = doc_sites
                .iter()
                .filter(|_| !self.broken)
                .map(|s| {
                    let entry = decided.get(s.from).cloned().unwrap_or_default();
                    let state = lowered.iter().find(|x| x.id == s.from);
                    match state {
                        Some(st) if !s.timed && !s.timer => {
                            let mut all = entry;
                            all.extend(decisions_of(st));
                            all
                        }
                        _ => entry,
                    }
                })
                .reduce(|a, b| a.intersection(&b).cloned().collect());
            // What holds wherever it is issued: the guards' common parts.
            let known: BTreeSet<String> = doc_sites
                .iter()
                .map(|s| {
                    s.when
                        .map(conjuncts)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| self.source_text(e))
                        .collect::<BTreeSet<String>>()
                })
                .reduce(|a, b| a.intersection(&b).cloned().collect())
                .unwrap_or_default();
            let doc = self.lower_document(b, taken.as_ref(), &known);
            if doc_sites.is_empty() && !self.broken {
                self.checker.diags.push(
                    Diagnostic::new(
                        Code::UnissuedDocument,
                        b.name.span,
                        format!("the document `{}` is issued on no way through the workflow", b.name.name),
                    )
                    .label("never issued")
                    .help("issue it where the case reaches its decision, e.g. `goto erteilt when genehmigt issue bescheid`, or remove it"),
                );
            }
            // A decision that grants or refuses needs a Rechtsbehelfsbelehrung.
            // A `remedy` that is malformed is reported as such.
            let remedy_written = b.body.iter().any(|s| matches!(s, Stmt::Remedy { .. }));
            if doc.remedy.is_none()
                && !remedy_written
                && let Some(site) = doc_sites.iter().find(|s| {
                    matches!(
                        outcomes.get(s.to),
                        Some(Some(ir::Outcome::Granted | ir::Outcome::Rejected))
                    )
                })
            {
                let outcome = match outcomes.get(site.to) {
                    Some(Some(ir::Outcome::Rejected)) => "rejects",
                    _ => "grants",
                };
                self.checker.diags.push(
                    Diagnostic::new(
                        Code::MissingRemedy,
                        b.name.span,
                        format!(
                            "the document `{}` decides the case (it is issued on the way to `{}`, which {outcome}) but has no Rechtsbehelfsbelehrung",
                            b.name.name, site.to
                        ),
                    )
                    .label("no `remedy`")
                    .secondary(site.span, "issued here")
                    .help("§ 37 Abs. 6 VwVfG: add `remedy action` (Klage), `remedy objection` (Widerspruch) or `remedy objection_or_action`; for a document that decides nothing, `remedy none \"why\"`"),
                );
            }
            self.documents[i] = doc;
        }
    }

    /// One document with its parts.
    /// An expression as written, its spaces normalised.
    fn source_text(&self, e: &ast::Expr) -> String {
        let f = &self.checker.sources.get(e.span.file).text;
        f.get(e.span.range())
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn lower_document(
        &mut self,
        b: &Body<'a>,
        taken: Option<&BTreeSet<String>>,
        known: &BTreeSet<String>,
    ) -> ir::Document {
        let mut doc = ir::Document {
            id: b.name.name.clone(),
            label: self
                .documents
                .iter()
                .find(|d| d.id == b.name.name)
                .map(|d| d.label.clone())
                .unwrap_or_default(),
            parts: Vec::new(),
            conditions: Vec::new(),
            fees: false,
            remedy: None,
            legal: Vec::new(),
        };
        let mut tenor = false;
        for stmt in b.body {
            match stmt {
                Stmt::Part {
                    kind, text, body, ..
                } => {
                    tenor |= *kind == PartKind::Tenor;
                    let kind = match kind {
                        PartKind::Tenor => ir::PartKind::Tenor,
                        PartKind::Reasons => ir::PartKind::Reasons,
                        PartKind::Recipient => ir::PartKind::Recipient,
                    };
                    let part = self.part(kind, text, body, taken, known);
                    doc.parts.push(part);
                }
                Stmt::Note(n) => {
                    let part = self.part(ir::PartKind::Note, &n.text, &n.body, taken, known);
                    doc.parts.push(part);
                }
                Stmt::Conditions(names, _) => {
                    for n in names {
                        if self.condition_decision(n, taken) {
                            doc.conditions.push(n.name.clone());
                        }
                    }
                }
                Stmt::Fees(span) => {
                    let has_fees = self.checker.tree.nodes.iter().any(|n| {
                        matches!(n.kind, super::super::tree::Kind::Computed { fee: true, .. })
                    });
                    if !has_fees {
                        self.checker.diags.push(
                            Diagnostic::new(Code::FeesWithoutFee, *span, format!("the document `{}` states the fees, but the procedure has none", b.name.name))
                                .label("no fee to state")
                                .help("declare the fee, e.g. `fee gebuehr \"Gebühr\" = 35 EUR { legal \"…\" }`, or remove `fees`"),
                        );
                    }
                    doc.fees = true;
                }
                Stmt::Remedy { kind, why, span } => {
                    doc.remedy = self.remedy(kind, why.as_ref(), *span);
                }
                Stmt::Legal { citation, url, .. } => doc.legal.push(ir::LegalRef {
                    citation: citation.value.clone(),
                    url: url.as_ref().map(|u| u.value.clone()),
                }),
                other => self.misplaced(
                    other,
                    "a document",
                    "a document holds `recipient`, `tenor`, `conditions`, `reasons`, `fees`, `remedy`, `note` and `legal`",
                ),
            }
        }
        if !tenor && !b.body.is_empty() {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::DocumentPart,
                    b.name.span,
                    format!("the document `{}` has parts but no tenor", b.name.name),
                )
                .label("what does it decide?")
                .help("§ 37 Abs. 1 VwVfG: a decision must be definite; write what it decides, e.g. `tenor \"Die Baugenehmigung wird erteilt.\"`"),
            );
        }
        doc
    }

    /// `remedy KIND "why"`.
    fn remedy(
        &mut self,
        kind: &ast::Ident,
        why: Option<&ast::Text>,
        span: Span,
    ) -> Option<ir::Remedy> {
        let remedy = match kind.name.as_str() {
            "action" => ir::Remedy::Action,
            "objection" => ir::Remedy::Objection,
            "objection_or_action" => ir::Remedy::ObjectionOrAction,
            "none" => match why {
                Some(t) => ir::Remedy::None {
                    why: self.checker.i18n(t),
                },
                None => {
                    self.checker.diags.push(
                        Diagnostic::new(Code::DocumentPart, span, "`remedy none` needs its reason")
                            .label("why is there no remedy?")
                            .help("say why, e.g. `remedy none \"Bescheinigung, keine Regelung (Art. 42a Abs. 3 BayVwVfG)\"`"),
                    );
                    return None;
                }
            },
            other => {
                let d = Diagnostic::new(
                    Code::DocumentPart,
                    kind.span,
                    format!("`{other}` is no kind of remedy"),
                )
                .label("unknown remedy");
                self.checker.diags.push(suggest(
                    d,
                    other,
                    ir::Remedy::WORDS.iter().copied(),
                    "a remedy is `action` (Klage), `objection` (Widerspruch), `objection_or_action` (both, at the person's choice) or `none \"why\"`",
                ));
                return None;
            }
        };
        if why.is_some() && !matches!(remedy, ir::Remedy::None { .. }) {
            self.checker.diags.push(
                Diagnostic::new(Code::DocumentPart, span, "only `remedy none` takes a text")
                    .label("the text would not be shown")
                    .help("amt writes the Rechtsbehelfsbelehrung from the remedy and the authority's court; remove the text"),
            );
        }
        Some(remedy)
    }

    /// A decision named by `conditions`: the clerk picks Nebenbestimmungen
    /// from a code list, or writes them.
    fn condition_decision(&mut self, n: &ast::Ident, taken: Option<&BTreeSet<String>>) -> bool {
        let case = self.checker.meta.case;
        let node = self
            .checker
            .tree
            .names
            .get(&(0, n.name.as_str()))
            .copied()
            .filter(|&id| case.is_some() && self.checker.tree.nodes[id].parent == case);
        let Some(id) = node else {
            let decisions: Vec<String> = case
                .map(|c| {
                    self.checker.tree.nodes[c]
                        .children
                        .iter()
                        .map(|&k| self.checker.tree.nodes[k].name.to_string())
                        .collect()
                })
                .unwrap_or_default();
            let d = Diagnostic::new(
                Code::DocumentPart,
                n.span,
                format!("there is no decision `{}`", n.name),
            )
            .label("not a decision");
            self.checker.diags.push(suggest(
                d,
                &n.name,
                decisions.iter().map(String::as_str),
                "`conditions` names decisions of the workflow's steps, e.g. `decide auflagen: multichoice(nebenbestimmungen) \"Nebenbestimmungen\"`",
            ));
            return false;
        };
        self.checker.refs.push(super::super::Reference {
            at: n.span,
            to: self.checker.tree.nodes[id].name_span,
        });
        let ty = self.checker.node_ty(id);
        if !matches!(ty, Ty::CodeSet { .. } | Ty::Text | Ty::Unknown) {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::DocumentPart,
                    n.span,
                    format!("`{}` is not a decision that holds Nebenbestimmungen", n.name),
                )
                .label("neither a multiple choice nor a text")
                .help("decide them as a multiple choice of a code list (`multichoice(LIST)`) or as text the clerk writes (`multiline(max 4000)`)"),
            );
            return false;
        }
        if let Some(taken) = taken
            && !taken.contains(&n.name)
        {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::MaybeMissingPlaceholder,
                    n.span,
                    format!("`{}` is not decided on every way to where this document is issued", n.name),
                )
                .label("may be missing")
                .help("decide it in a step every such case passes, or issue the document only after that step"),
            );
        }
        true
    }

    /// A text part: its placeholders checked, its `when` lowered.
    fn part(
        &mut self,
        kind: ir::PartKind,
        text: &'a ast::Text,
        body: &'a [Stmt],
        taken: Option<&BTreeSet<String>>,
        known: &BTreeSet<String>,
    ) -> ir::Part {
        let mut when = None;
        let mut when_src = None;
        for stmt in body {
            match stmt {
                Stmt::When(e, _) => {
                    when = Some(self.guard(e));
                    when_src = Some(e);
                }
                other => self.misplaced(
                    other,
                    "a part of a document",
                    "a part of a document holds only `when`",
                ),
            }
        }
        let strings = std::iter::once(&text.source).chain(text.translations.iter().map(|(_, t)| t));
        for s in strings {
            for p in self.placeholders(s) {
                self.placeholder(&p, when_src, taken, known);
            }
        }
        ir::Part {
            kind,
            text: self.checker.i18n(text),
            when,
        }
    }

    /// The `{path}` placeholders of a string; what is no path is reported.
    fn placeholders(&mut self, s: &ast::Str) -> Vec<Placeholder> {
        let file = &self.checker.sources.get(s.span.file).text;
        let raw = file.get(s.span.range()).unwrap_or("");
        // Offsets in the value are offsets in the source when the string
        // has no escapes (nearly always); else the whole string is shown.
        let exact = raw.len() == s.value.len() + 2;
        let at = |from: usize, to: usize| {
            if exact {
                Span::new(
                    s.span.file,
                    s.span.start as usize + 1 + from..s.span.start as usize + 1 + to,
                )
            } else {
                s.span
            }
        };
        let mut out = Vec::new();
        let v = s.value.as_str();
        let mut pos = 0;
        while let Some(open) = v[pos..].find('{').map(|o| o + pos) {
            let Some(close) = v[open..].find('}').map(|c| c + open) else {
                self.checker.diags.push(
                    Diagnostic::new(Code::UnboundPlaceholder, at(open, v.len()), "`{` opens a placeholder that is not closed")
                        .label("no `}`")
                        .help("a placeholder names an answer or decision in braces, e.g. `{antragsteller.familienname}`"),
                );
                break;
            };
            let inner = &v[open + 1..close];
            let path: Vec<String> = inner.split('.').map(str::to_string).collect();
            let is_path = path.iter().all(|seg| {
                seg.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if is_path {
                out.push(Placeholder {
                    path,
                    span: at(open + 1, close),
                });
            } else {
                self.checker.diags.push(
                    Diagnostic::new(Code::UnboundPlaceholder, at(open, close + 1), format!("`{{{inner}}}` is no placeholder"))
                        .label("not a path")
                        .help("a placeholder names an answer or decision by its path in braces, e.g. `{lage.strasse}`"),
                );
            }
            pos = close + 1;
        }
        out
    }

    /// One placeholder: bound, readable as one value, and there whenever
    /// the part is written.
    fn placeholder(
        &mut self,
        p: &Placeholder,
        when: Option<&ast::Expr>,
        taken: Option<&BTreeSet<String>>,
        known: &BTreeSet<String>,
    ) {
        let scope = self.checker.meta.case.unwrap_or(0);
        let expr = ast::Expr {
            kind: ExprKind::Path(ast::Path {
                segments: p
                    .path
                    .iter()
                    .map(|s| ast::Ident {
                        name: s.clone(),
                        span: p.span,
                    })
                    .collect(),
                span: p.span,
            }),
            span: p.span,
        };
        let mut cx = self.checker.cx(scope);
        let before = self.checker.diags.len();
        let value = self.checker.expr(&expr, &mut cx, None);
        // An unknown name, said as a placeholder's.
        let mut unbound = false;
        let whole = p.path.join(".");
        for d in &mut self.checker.diags[before..] {
            if d.code == Code::UnknownName {
                d.code = Code::UnboundPlaceholder;
                if d.help.is_none() {
                    d.help = Some("a placeholder names an answer, a computed value or a decision by its path in braces, e.g. `{antragsteller.familienname}`".into());
                }
                d.message = format!(
                    "the placeholder `{{{whole}}}` is bound to nothing: {}",
                    d.message
                );
                unbound = true;
            }
        }
        if unbound {
            return;
        }
        let readable = match &value.ty {
            Ty::List { item } => !matches!(**item, Ty::Group | Ty::Attachment | Ty::List { .. }),
            Ty::Group | Ty::Attachment => false,
            _ => true,
        };
        if !readable {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::UnboundPlaceholder,
                    p.span,
                    format!(
                        "`{}` is {}, not a value a text can show",
                        p.path.join("."),
                        super::super::expr::describe(&value.ty)
                    ),
                )
                .label("not one value")
                .help("name one of its fields, e.g. `{person.familienname}`"),
            );
            return;
        }
        let Some(&(id, _)) = cx.refs.last() else {
            return;
        };
        let conjuncts = when.map(conjuncts).unwrap_or_default();
        let text_of = |e: &ast::Expr| self.source_text(e);
        let mut asked: BTreeSet<String> = conjuncts.iter().map(|e| text_of(e)).collect();
        asked.extend(known.iter().cloned());
        let filled = asked.contains(&format!("filled({whole})"));
        if filled {
            return;
        }
        let tree = &self.checker.tree;
        let is_decision =
            tree.nodes[id].parent.is_some() && tree.nodes[id].parent == self.checker.meta.case;
        if is_decision {
            if let Some(taken) = taken
                && !taken.contains(&whole)
            {
                self.checker.diags.push(
                    Diagnostic::new(
                        Code::MaybeMissingPlaceholder,
                        p.span,
                        format!("`{whole}` is not decided on every way to where this document is issued"),
                    )
                    .label("may be missing")
                    .help(format!("decide it in a step every such case passes, or write the part only when it is decided: `{{ when filled({whole}) }}`")),
                );
            }
            return;
        }
        // An answer: required, and shown whenever the part is written.
        let mut why = None;
        let mut current = Some(id);
        while let Some(n) = current {
            let node = &tree.nodes[n];
            for w in &node.whens {
                if !asked.contains(&text_of(w)) {
                    why = Some(format!("is asked only when `{}`", text_of(w)));
                }
            }
            let optional = match node.kind {
                super::super::tree::Kind::Field(_)
                | super::super::tree::Kind::Attachment { .. } => {
                    node.required.is_none() && node.repeat.is_none_or(|r| r.min == 0)
                }
                super::super::tree::Kind::Group => node.repeat.is_some_and(|r| r.min == 0),
                _ => false,
            };
            if why.is_none() && optional {
                why = Some(if n == id {
                    "is optional".to_string()
                } else {
                    format!("is in `{}`, which is optional", node.name)
                });
            }
            if why.is_some() {
                break;
            }
            current = node.parent;
        }
        if let Some(why) = why {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::MaybeMissingPlaceholder,
                    p.span,
                    format!("`{whole}` {why}, so a case may lack it"),
                )
                .label("may be missing")
                .help(format!("write the part only when it is there: `{{ when filled({whole}) }}`, or under the same condition as the question")),
            );
        }
    }
}

/// The parts of `a and b and c`.
fn conjuncts(e: &ast::Expr) -> Vec<&ast::Expr> {
    match &e.kind {
        ExprKind::Binary(BinaryOp::And, l, r) => {
            let mut out = conjuncts(l);
            out.extend(conjuncts(r));
            out
        }
        _ => vec![e],
    }
}

/// Where each document is issued, from the state `d` (and its branches).
fn issue_sites<'a>(d: &'a ast::StateDecl, timer: bool, out: &mut BTreeMap<&'a str, Vec<Site<'a>>>) {
    // A timer's guard is its own statement.
    let timer_when = d.body.iter().find_map(|s| match s {
        Stmt::When(e, _) if timer => Some(e),
        _ => None,
    });
    for stmt in &d.body {
        if let Stmt::Goto(g) = stmt {
            let from = match (timer, &g.after) {
                (true, Some((_, Some(from)))) => from.name.as_str(),
                _ => d.name.name.as_str(),
            };
            for doc in &g.issue {
                out.entry(doc.name.as_str()).or_default().push(Site {
                    from,
                    to: g.target.name.as_str(),
                    timed: g.after.is_some(),
                    timer,
                    span: doc.span,
                    when: g.when.as_ref().or(timer_when),
                });
            }
        }
    }
}

/// The decisions a state takes when it is left by a plain transition: its
/// own, and those of the branches of a parallel state that have no deadline
/// (a branch that can end by its deadline decides nothing then).
fn decisions_of(s: &ir::State) -> impl Iterator<Item = String> + '_ {
    s.decisions.iter().map(|d| d.id.clone()).chain(
        s.branches
            .iter()
            .filter(|b| b.transitions.iter().all(|t| t.after.is_none()))
            .flat_map(|b| b.decisions.iter().map(|d| d.id.clone())),
    )
}

/// For each state, the decisions taken on every way from the start to it
/// (a must-analysis: intersected where ways meet).
fn must_decide(states: &[ir::State]) -> BTreeMap<&str, BTreeSet<String>> {
    let mut entry: BTreeMap<&str, Option<BTreeSet<String>>> =
        states.iter().map(|s| (s.id.as_str(), None)).collect();
    let Some(start) = states.iter().find(|s| s.kind == ir::StateKind::Start) else {
        return BTreeMap::new();
    };
    entry.insert(start.id.as_str(), Some(BTreeSet::new()));
    let mut work = vec![start.id.as_str()];
    while let Some(id) = work.pop() {
        let Some(s) = states.iter().find(|s| s.id == id) else {
            continue;
        };
        let Some(here) = entry.get(id).cloned().flatten() else {
            continue;
        };
        let mut left = here.clone();
        left.extend(decisions_of(s));
        for t in &s.transitions {
            let out = if t.after.is_some() { &here } else { &left };
            let Some(slot) = entry.get_mut(t.to.as_str()) else {
                continue;
            };
            let next = match slot {
                None => out.clone(),
                Some(old) => old.intersection(out).cloned().collect(),
            };
            if slot.as_ref() != Some(&next) {
                *slot = Some(next);
                work.push(t.to.as_str());
            }
        }
    }
    entry
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}
