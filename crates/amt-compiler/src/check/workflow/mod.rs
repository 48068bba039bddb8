//! Workflows: the states from the application's receipt to a final outcome.
//!
//! Checks, each with its own code: names resolve (states, actors, documents),
//! exactly one start, ends have an outcome and no way out, steps have an actor
//! and a way out, every state is reachable from the start and can reach an
//! end, timers are counted from a state and end the case, guards are typed
//! against the form's data and the decisions, and decisions whose outcomes no
//! transition handles are reported.

mod document;
mod graph;

use super::Checker;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{self, ActorKind, Ty};
use crate::resolve::suggest;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, StateKind, Stmt, UnaryOp};
use std::collections::{BTreeSet, HashMap};

/// Actors every workflow has: name, kind, German and English label.
const BUILTIN_ACTORS: &[(&str, ActorKind, &str, &str)] = &[
    (
        "applicant",
        ActorKind::Applicant,
        "Antragsteller",
        "Applicant",
    ),
    ("system", ActorKind::System, "System", "System"),
];

struct Lowering<'a, 'c, 'd> {
    checker: &'c mut Checker<'a, 'd>,
    actors: Vec<ir::Actor>,
    documents: Vec<ir::Document>,
    /// Every state name → (kind, span, enclosing parallel).
    names: HashMap<&'a str, (StateKind, Span, Option<&'a str>)>,
    used_builtins: BTreeSet<&'static str>,
    /// A transition names an unknown state: the graph checks would only
    /// repeat that error in other words.
    broken: bool,
    /// Where each declared actor and document is named.
    declared: HashMap<(&'static str, String), Span>,
    /// The documents' parts, lowered once the states are known.
    bodies: Vec<document::Body<'a>>,
}

/// Whether a guard can hold when `decision` has `value`; `None` when it
/// depends on something else (form data), which counts as possible.
fn possible(e: &ir::Expr, decision: &str, value: &str) -> Option<bool> {
    use ir::ExprKind as K;
    let atom = |e: &ir::Expr| -> Option<String> {
        match &e.kind {
            K::Ref { path } if path == decision => Some(value.to_string()),
            K::Literal {
                value: ir::Literal::Code(c),
            } => Some(c.clone()),
            K::Literal {
                value: ir::Literal::Boolean(b),
            } => Some(if *b { "yes" } else { "no" }.to_string()),
            _ => None,
        }
    };
    match &e.kind {
        K::Ref { path } if path == decision => Some(value == "yes"),
        K::Literal {
            value: ir::Literal::Boolean(b),
        } => Some(*b),
        K::Unary {
            operator: UnaryOp::Not,
            operand,
        } => possible(operand, decision, value).map(|b| !b),
        K::Binary {
            operator,
            left,
            right,
        } => match operator {
            BinaryOp::And => match (
                possible(left, decision, value),
                possible(right, decision, value),
            ) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            BinaryOp::Or => match (
                possible(left, decision, value),
                possible(right, decision, value),
            ) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            BinaryOp::Eq | BinaryOp::Ne => {
                let eq = atom(left)? == atom(right)?;
                Some(if *operator == BinaryOp::Eq { eq } else { !eq })
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let v = atom(left)?;
                let K::List { items } = &right.kind else {
                    return None;
                };
                let found = items
                    .iter()
                    .map(atom)
                    .collect::<Option<Vec<_>>>()?
                    .contains(&v);
                Some(if *operator == BinaryOp::In {
                    found
                } else {
                    !found
                })
            }
            _ => None,
        },
        _ => None,
    }
}

/// How a state of `kind` is called where a statement has no meaning in it.
fn state_place(kind: StateKind, parallel: Option<&str>) -> &'static str {
    match (kind, parallel) {
        (StateKind::Step, Some(_)) => "a step of a parallel state",
        (StateKind::Start, _) => "a start state",
        (StateKind::Step, _) => "a step",
        (StateKind::Parallel, _) => "a parallel state",
        (StateKind::End, _) => "an end state",
        (StateKind::Timer, _) => "a timer",
        (StateKind::Payment, _) => "a payment",
    }
}

/// Why the `goto` `g` of a state of `kind` cannot be taken, whatever it
/// leads to: the message and the help.
fn impossible_goto(
    kind: StateKind,
    parallel: Option<&str>,
    g: &ast::Goto,
    earlier: &[ir::Transition],
) -> Option<(String, &'static str)> {
    let deadline = g.after.is_some();
    if deadline && matches!(kind, StateKind::Start | StateKind::Parallel) {
        return Some((
            format!("a {} has no deadline of its own", kind.word()),
            "put the deadline on a step; a deadline across several states is a `timer`",
        ));
    }
    if deadline && earlier.iter().any(|t| t.after.is_some()) {
        return Some((
            "a step has one deadline".into(),
            "keep the deadline that applies; a later one would never fire",
        ));
    }
    if deadline && g.when.is_some() {
        return Some((
            "a deadline passes whatever the answers are".into(),
            "remove the `when` from the deadline; decide in the step it leads to",
        ));
    }
    if deadline && parallel.is_some() && !g.issue.is_empty() {
        return Some((
            "ending a hearing by its deadline issues no document".into(),
            "issue documents on the parallel state's own `goto`",
        ));
    }
    let unconditional = !deadline && g.when.is_none();
    if unconditional
        && earlier
            .iter()
            .any(|t| t.after.is_none() && t.when.is_none())
    {
        return Some((
            "this transition is never taken: the one above without `when` always is".into(),
            "give the earlier transition a `when`, or remove this one",
        ));
    }
    None
}

impl<'a> Lowering<'a, '_, '_> {
    fn misplaced(&mut self, stmt: &Stmt, place: &str, help: &str) {
        self.checker.diags.push(
            Diagnostic::new(
                Code::MisplacedStatement,
                stmt.span(),
                format!("{} has no meaning in {place}", stmt.describe()),
            )
            .label("not allowed here")
            .help(help.to_string()),
        );
    }

    /// Records that a workflow name written at `at` refers to the one
    /// declared at `to`.
    fn refer(&mut self, at: Span, to: Span) {
        self.checker.refs.push(super::Reference { at, to });
    }

    fn actor(&mut self, name: &ast::Ident) -> Option<String> {
        if self.actors.iter().any(|a| a.id == name.name) {
            if let Some(&to) = self.declared.get(&("actor", name.name.clone())) {
                self.refer(name.span, to);
            }
            return Some(name.name.clone());
        }
        if let Some(b) = BUILTIN_ACTORS.iter().find(|b| b.0 == name.name) {
            self.used_builtins.insert(b.0);
            return Some(name.name.clone());
        }
        let candidates: Vec<String> = self
            .actors
            .iter()
            .map(|a| a.id.clone())
            .chain(BUILTIN_ACTORS.iter().map(|b| b.0.to_string()))
            .collect();
        let d = Diagnostic::new(
            Code::UnknownActor,
            name.span,
            format!("there is no actor `{}`", name.name),
        )
        .label("unknown actor");
        self.checker.diags.push(suggest(
            d,
            &name.name,
            candidates.iter().map(String::as_str),
            "declare it in the workflow, e.g. `actor bauaufsicht: authority \"Bauaufsichtsbehörde\"`; `applicant` and `system` always exist",
        ));
        None
    }

    fn documents(&mut self, names: &[ast::Ident]) -> Vec<String> {
        let mut out = Vec::new();
        for n in names {
            if self.documents.iter().any(|d| d.id == n.name) {
                if let Some(&to) = self.declared.get(&("document", n.name.clone())) {
                    self.refer(n.span, to);
                }
                out.push(n.name.clone());
                continue;
            }
            let d = Diagnostic::new(
                Code::UnknownDocument,
                n.span,
                format!("there is no document `{}`", n.name),
            )
            .label("unknown document");
            let known: Vec<String> = self.documents.iter().map(|d| d.id.clone()).collect();
            self.checker.diags.push(suggest(
                d,
                &n.name,
                known.iter().map(String::as_str),
                "declare it in the workflow, e.g. `document bescheid \"Bescheid\"`",
            ));
        }
        out
    }

    fn target(&mut self, name: &ast::Ident) -> bool {
        if let Some(&(kind, declared, parallel)) = self.names.get(name.name.as_str()) {
            self.refer(name.span, declared);
            let why = match (kind, parallel) {
                (_, Some(p)) => Some(format!(
                    "`{}` is a step inside the parallel state `{p}`; a case enters it through `{p}`",
                    name.name
                )),
                (StateKind::Start, _) => Some(format!(
                    "`{}` is the start: a case begins there and cannot return to it",
                    name.name
                )),
                (StateKind::Timer, _) => Some(format!(
                    "`{}` is a timer, not a state a case can be in",
                    name.name
                )),
                _ => None,
            };
            if let Some(why) = why {
                self.checker.diags.push(
                    Diagnostic::new(Code::UnknownState, name.span, why)
                        .label("not a state to go to")
                        .help("a `goto` leads to a `step`, a `parallel` state or an `end`"),
                );
                self.broken = true;
                return false;
            }
            return true;
        }
        let d = Diagnostic::new(
            Code::UnknownState,
            name.span,
            format!("the workflow has no state `{}`", name.name),
        )
        .label("unknown state");
        let mut known: Vec<&str> = self.names.keys().copied().collect();
        known.sort_unstable();
        self.checker.diags.push(suggest(
            d,
            &name.name,
            known,
            "name a `step`, `parallel` or `end` of this workflow",
        ));
        self.broken = true;
        false
    }

    /// What a payment asks to pay: an amount of money, read from the
    /// procedure's answers and fees.
    fn amount(&mut self, e: &ast::Expr) -> ir::Expr {
        let mut cx = self.checker.cx(0);
        let out = self.checker.expr(e, &mut cx, None);
        if !matches!(out.ty, Ty::Money | Ty::Unknown) {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    e.span,
                    format!(
                        "a payment asks for an amount of money, but this is {}",
                        super::expr::describe(&out.ty)
                    ),
                )
                .label("not money")
                .help("name a fee of the procedure, e.g. `amount gebuehr`"),
            );
        }
        out
    }

    /// The amount of a payment that does not say it: the procedure's fees,
    /// added up; reported when it has none.
    fn fees_due(&mut self, d: &ast::StateDecl) -> Option<ir::Expr> {
        let ids: Vec<usize> = self.checker.tree.nodes[0]
            .children
            .iter()
            .copied()
            .filter(|&c| {
                matches!(
                    self.checker.tree.nodes[c].kind,
                    super::tree::Kind::Computed { fee: true, .. }
                )
            })
            .collect();
        let fees: Vec<ir::Expr> = ids
            .into_iter()
            .map(|c| ir::Expr {
                ty: self.checker.node_ty(c),
                kind: ir::ExprKind::Ref {
                    path: self.checker.tree.path(c),
                },
            })
            .collect();
        let mut fees = fees.into_iter();
        let Some(first) = fees.next() else {
            self.shape_error(
                d,
                format!("the payment `{}` has nothing to pay: the procedure has no fee", d.name.name),
                "no amount",
                "declare the fee (`fee gebuehr \"Gebühr\" = 25.00 EUR`) or say what to pay with `amount`",
            );
            return None;
        };
        Some(fees.fold(first, |sum, fee| ir::Expr {
            ty: Ty::Money,
            kind: ir::ExprKind::Binary {
                operator: ir::BinaryOp::Add,
                left: Box::new(sum),
                right: Box::new(fee),
            },
        }))
    }

    fn guard(&mut self, e: &ast::Expr) -> ir::Expr {
        let scope = self.checker.meta.case.unwrap_or(0);
        let mut cx = self.checker.cx(scope);
        let guard = self.checker.condition(e, &mut cx, "a guard");
        // Camunda reads guards in FEEL, which reserves some words.
        let mut reserved = BTreeSet::new();
        guard.walk(&mut |x| {
            if let ir::ExprKind::Ref { path } = &x.kind {
                reserved.extend(
                    path.split('.')
                        .filter(|s| crate::emit::feel::FEEL_KEYWORDS.contains(s))
                        .map(str::to_string),
                );
            }
        });
        for word in reserved {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::FeelName,
                    e.span,
                    format!("this guard reads `{word}`, a word FEEL reserves"),
                )
                .label("cannot be read in Camunda")
                .help(format!(
                    "rename the field or decision `{word}`; FEEL reserves {}",
                    crate::emit::feel::FEEL_KEYWORDS.join(", ")
                )),
            );
        }
        guard
    }

    fn decision(
        &mut self,
        name: &ast::Ident,
        label: Option<&ast::Text>,
        span: Span,
    ) -> Option<ir::Decision> {
        let id = *self.checker.tree.names.get(&(0, name.name.as_str()))?;
        let ty = self.checker.node_ty(id);
        if !matches!(
            ty,
            Ty::Boolean | Ty::Code { .. } | Ty::CodeSet { .. } | Ty::Text | Ty::Unknown
        ) || self.checker.tree.nodes[id].repeat.is_some()
        {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::DecisionType,
                    span,
                    format!(
                        "`{}` is decided, so it must be yes/no, a choice from a list or text the clerk writes",
                        name.name
                    ),
                )
                .label("a workflow branches on yes/no or a choice")
                .help("write `decide NAME: boolean \"…\"`, `decide NAME: choice(LIST) \"…\"`, `multichoice(LIST)` for Nebenbestimmungen, or `multiline(max 4000)` for a Begründung"),
            );
        }
        Some(ir::Decision {
            id: name.name.clone(),
            label: label.map(|l| self.checker.i18n(l)).unwrap_or_default(),
            ty,
        })
    }

    /// A state of the workflow, or with `parallel` a step inside that
    /// parallel state, lowered to the model.
    fn state(&mut self, d: &'a ast::StateDecl, parallel: Option<&'a str>) -> ir::State {
        let mut out = ir::State {
            id: d.name.name.clone(),
            // Timers are lowered apart and never come here.
            kind: d.kind.model().unwrap_or(ir::StateKind::Step),
            label: d
                .label
                .as_ref()
                .map(|l| self.checker.i18n(l))
                .unwrap_or_default(),
            actor: None,
            decisions: Vec::new(),
            branches: Vec::new(),
            outcome: None,
            transitions: Vec::new(),
            legal: Vec::new(),
            amount: None,
        };
        for stmt in &d.body {
            self.state_stmt(d, parallel, stmt, &mut out);
        }
        if d.kind == StateKind::Payment && out.amount.is_none() {
            out.amount = self.fees_due(d);
        }
        self.state_shape(d, parallel, &out);
        out
    }

    /// One statement of the state `d`, added to `out`.
    fn state_stmt(
        &mut self,
        d: &'a ast::StateDecl,
        parallel: Option<&'a str>,
        stmt: &'a Stmt,
        out: &mut ir::State,
    ) {
        match stmt {
            Stmt::By(actor, span) if d.kind == StateKind::Step => {
                if out.actor.is_some() {
                    self.checker.diags.push(Diagnostic::new(Code::RepeatedSetting, *span, "the step says twice who does it").label("second `by`").help("a step has one actor; for work of several bodies at once use a `parallel` state"));
                }
                out.actor = self.actor(actor);
            }
            Stmt::Decide {
                name, label, span, ..
            } if d.kind == StateKind::Step => {
                if let Some(dec) = self.decision(name, label.as_ref(), *span) {
                    out.decisions.push(dec);
                }
            }
            Stmt::Outcome(o, span) if d.kind == StateKind::End => self.outcome(o, *span, out),
            Stmt::Amount(e, span) if d.kind == StateKind::Payment => {
                if out.amount.is_some() {
                    self.checker.diags.push(Diagnostic::new(Code::RepeatedSetting, *span, "the payment says twice what to pay").label("second `amount`").help("one amount per payment: add the fees up, e.g. `amount gebuehr + auslagen`"));
                }
                out.amount = Some(self.amount(e));
            }
            Stmt::Legal { citation, url, .. } => out.legal.push(ir::LegalRef {
                citation: citation.value.clone(),
                url: url.as_ref().map(|u| u.value.clone()),
            }),
            Stmt::State(branch)
                if d.kind == StateKind::Parallel && branch.kind == StateKind::Step =>
            {
                let b = self.state(branch, Some(&d.name.name));
                out.branches.push(b);
            }
            // Reported by `state_shape` as a way out of an end state.
            Stmt::Goto(_) if d.kind == StateKind::End => {}
            Stmt::Goto(g) => {
                if let Some(t) = self.transition(d, parallel, g, &out.transitions) {
                    out.transitions.push(t);
                }
            }
            other => self.misplaced(
                other,
                state_place(d.kind, parallel),
                match d.kind {
                    StateKind::End => "an end state takes `outcome` and `legal`",
                    StateKind::Start => "a start state takes `goto` and `legal`",
                    StateKind::Parallel => "a parallel state holds `step`s and a `goto`",
                    StateKind::Payment => "a payment takes `amount`, `goto` (when paid), `goto … after …` (when not paid in time) and `legal`",
                    _ => "a step takes `by`, `decide`, `goto` and `legal`",
                },
            ),
        }
    }

    /// The `outcome` of an end state; `span` is the statement's.
    fn outcome(&mut self, o: &ast::Ident, span: Span, out: &mut ir::State) {
        if out.outcome.is_some() {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::RepeatedSetting,
                    span,
                    "the end state has two outcomes",
                )
                .label("second `outcome`")
                .help("keep one outcome; two different results are two end states"),
            );
            return;
        }
        if let Some(outcome) = ir::Outcome::from_word(&o.name) {
            out.outcome = Some(outcome);
        } else {
            let diag = Diagnostic::new(
                Code::UnknownOutcome,
                o.span,
                format!("`{}` is not an outcome amt knows", o.name),
            )
            .label("unknown outcome");
            self.checker.diags.push(suggest(
                diag,
                &o.name,
                ir::Outcome::words(),
                format!(
                    "the outcomes are {}",
                    ir::Outcome::words().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }

    /// A `goto` of the state `d` (not an end state), after the transitions
    /// `earlier` in it; `None` when it cannot be taken as written.
    fn transition(
        &mut self,
        d: &'a ast::StateDecl,
        parallel: Option<&'a str>,
        g: &'a ast::Goto,
        earlier: &[ir::Transition],
    ) -> Option<ir::Transition> {
        if let Some((message, help)) = impossible_goto(d.kind, parallel, g, earlier) {
            self.checker.diags.push(
                Diagnostic::new(Code::WorkflowShape, g.span, message)
                    .label("not possible here")
                    .help(help),
            );
            return None;
        }
        if let Some((_, Some(from))) = &g.after {
            self.checker.diags.push(
                Diagnostic::new(Code::MisplacedTimer, from.span, "only a `timer` counts from another state")
                    .label("not in a timer")
                    .help("a step's `after` counts from entering the step; for a deadline across several steps declare a `timer`"),
            );
        }
        // In a parallel state's step, `goto PARALLEL` ends the branch.
        let ends_branch = parallel == Some(g.target.name.as_str());
        if parallel.is_some() && !(ends_branch && g.after.is_some()) {
            self.checker.diags.push(
                Diagnostic::new(Code::WorkflowShape, g.span, "a step of a parallel state ends when its actor is done, or by a timer")
                    .label("not a way out of a parallel step")
                    .help(format!("write `goto {} after 1 month` to end this branch when the time is up; the parallel state's own `goto` says where the case goes next", parallel.unwrap_or_default())),
            );
            return None;
        }
        if ends_branch {
            if let Some(&(_, declared, _)) = self.names.get(g.target.name.as_str()) {
                self.refer(g.target.span, declared);
            }
        } else if !self.target(&g.target) {
            return None;
        }
        let when = g.when.as_ref().map(|e| self.guard(e));
        let issues = self.documents(&g.issue);
        Some(ir::Transition {
            to: g.target.name.clone(),
            when,
            after: g.after.as_ref().map(|(d, _)| ir::Duration {
                amount: d.amount,
                unit: d.unit,
            }),
            issues,
        })
    }

    /// What each kind of state needs: a step its actor, an end its outcome
    /// and no way out, a parallel state two steps, the others a way out
    /// that is not only a deadline.
    fn state_shape(&mut self, d: &'a ast::StateDecl, parallel: Option<&'a str>, out: &ir::State) {
        let has_goto = d.body.iter().any(|s| matches!(s, Stmt::Goto(_)));
        if d.kind == StateKind::Step
            && out.actor.is_none()
            && !d.body.iter().any(|s| matches!(s, Stmt::By(..)))
        {
            self.shape_error(
                d,
                format!("the step `{}` does not say who does it", d.name.name),
                "no `by`",
                "add `by ACTOR`, e.g. `by bauaufsicht`, or `by system` for an automatic step",
            );
        }
        if d.kind == StateKind::End && !d.body.iter().any(|s| matches!(s, Stmt::Outcome(..))) {
            self.shape_error(
                d,
                format!("the end state `{}` has no outcome", d.name.name),
                "no `outcome`",
                "add `outcome granted` (or rejected, withdrawn, registered, completed)",
            );
        }
        match d.kind {
            StateKind::End => {
                if let Some(g) = d.body.iter().find(|s| matches!(s, Stmt::Goto(_))) {
                    self.checker.diags.push(
                        Diagnostic::new(
                            Code::WorkflowShape,
                            g.span(),
                            format!("the end state `{}` has a way out", d.name.name),
                        )
                        .label("a case that ended goes nowhere")
                        .help("make it a `step`, or remove the `goto`"),
                    );
                }
            }
            StateKind::Parallel if out.branches.len() < 2 => self.shape_error(
                d,
                format!(
                    "the parallel state `{}` has {} step{}",
                    d.name.name,
                    out.branches.len(),
                    if out.branches.len() == 1 { "" } else { "s" }
                ),
                "fewer than two steps",
                "put the steps done at the same time inside it, e.g. the hearings of several bodies; one step alone is a plain `step`",
            ),
            _ => {}
        }
        if d.kind == StateKind::Payment
            && !d
                .body
                .iter()
                .any(|s| matches!(s, Stmt::Goto(g) if g.after.is_some()))
        {
            self.shape_error(
                d,
                format!("the payment `{}` has no deadline", d.name.name),
                "no `goto … after …`",
                "say where the case goes when the fee is not paid in time, e.g. `goto abgebrochen after 14 days`",
            );
        }
        let needs_way_out = matches!(
            d.kind,
            StateKind::Start | StateKind::Parallel | StateKind::Payment
        ) || (d.kind == StateKind::Step && parallel.is_none());
        let plain_way_out = d
            .body
            .iter()
            .any(|s| matches!(s, Stmt::Goto(g) if g.after.is_none()));
        if needs_way_out && has_goto && !plain_way_out {
            self.shape_error(
                d,
                format!(
                    "the {} `{}` has only a deadline as its way out",
                    d.kind.word(),
                    d.name.name
                ),
                "no way out when the work is done",
                "add a `goto` for when the actor is done; the deadline is for when they are not",
            );
        }
        if needs_way_out && !has_goto {
            self.shape_error(
                d,
                format!("the {} `{}` has no way out", d.kind.word(), d.name.name),
                "no `goto`",
                "add `goto STATE`; a case ends only in an `end` state",
            );
        }
    }

    /// The state `d` lacks what its kind needs.
    fn shape_error(&mut self, d: &ast::StateDecl, message: String, label: &str, help: &str) {
        self.checker.diags.push(
            Diagnostic::new(Code::WorkflowShape, d.name.span, message)
                .label(label.to_string())
                .help(help.to_string()),
        );
    }

    fn timer(&mut self, d: &'a ast::StateDecl) -> Option<ir::Timer> {
        let mut when = None;
        let mut legal = Vec::new();
        let mut goto = None;
        for stmt in &d.body {
            match stmt {
                Stmt::When(e, _) => when = Some(self.guard(e)),
                Stmt::Legal { citation, url, .. } => legal.push(ir::LegalRef {
                    citation: citation.value.clone(),
                    url: url.as_ref().map(|u| u.value.clone()),
                }),
                Stmt::Goto(g) if goto.is_none() => goto = Some(g),
                other => self.misplaced(other, "a timer", "a timer holds one `goto END after DURATION from STATE`, and `when` and `legal`"),
            }
        }
        let help = "write `goto END after 3 months from STATE`: the timer starts when the case enters STATE and ends the case in END";
        let Some(g) = goto else {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::MisplacedTimer,
                    d.name.span,
                    format!("the timer `{}` says neither when nor where", d.name.name),
                )
                .label("no `goto`")
                .help(help),
            );
            return None;
        };
        let Some((duration, Some(from))) = &g.after else {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::MisplacedTimer,
                    g.span,
                    "a timer needs its duration and the state it counts from",
                )
                .label("no `after … from …`")
                .help(help),
            );
            return None;
        };
        if !self.target(&g.target) {
            return None;
        }
        if !self.timer_start(from) {
            return None;
        }
        let issues = self.documents(&g.issue);
        if let Some(w) = &g.when {
            when = Some(self.guard(w));
        }
        Some(ir::Timer {
            id: d.name.name.clone(),
            label: d
                .label
                .as_ref()
                .map(|l| self.checker.i18n(l))
                .unwrap_or_default(),
            after: ir::Duration {
                amount: duration.amount,
                unit: duration.unit,
            },
            from: from.name.clone(),
            when,
            to: g.target.name.clone(),
            issues,
            legal,
        })
    }

    /// Whether a timer can count from the state `from`: one the case is in
    /// while its work goes on (if not, it is reported).
    fn timer_start(&mut self, from: &ast::Ident) -> bool {
        if let Some(&(_, declared, _)) = self.names.get(from.name.as_str()) {
            self.refer(from.span, declared);
        }
        let from_problem = match self.names.get(from.name.as_str()) {
            None => {
                self.target(from);
                return false;
            }
            Some((_, _, Some(p))) => Some(format!(
                "`{}` is a step inside the parallel state `{p}`; count from `{p}`",
                from.name
            )),
            Some((StateKind::Start, _, _)) => Some(format!(
                "`{}` is the start; count from the state the case enters after it",
                from.name
            )),
            Some((StateKind::Timer, _, _)) => Some(format!(
                "`{}` is a timer; a timer counts from a state",
                from.name
            )),
            Some((StateKind::End, _, _)) => Some(format!(
                "`{}` is an end state; the case is over there",
                from.name
            )),
            _ => None,
        };
        if let Some(why) = from_problem {
            self.checker.diags.push(
                Diagnostic::new(Code::MisplacedTimer, from.span, why)
                    .label("cannot start the timer")
                    .help("count from the step or parallel state whose start begins the deadline"),
            );
            return false;
        }
        true
    }
}

/// Checks the procedure's workflow and lowers it to the model.
pub fn check(c: &mut Checker) -> Option<ir::Workflow> {
    let (body, span) = c.meta.workflow?;
    let mut l = Lowering {
        checker: c,
        actors: Vec::new(),
        documents: Vec::new(),
        names: HashMap::new(),
        used_builtins: BTreeSet::new(),
        broken: false,
        declared: HashMap::new(),
        bodies: Vec::new(),
    };
    // Declarations first, so that order does not matter.
    let (states, timers) = l.declarations(body);
    for d in states.iter().chain(&timers) {
        l.register(d, None);
        if d.kind == StateKind::Parallel {
            for stmt in &d.body {
                if let Stmt::State(b) = stmt {
                    l.register(b, Some(&d.name.name));
                }
            }
        }
    }
    l.one_start(&states, span);
    let lowered: Vec<ir::State> = states.iter().map(|d| l.state(d, None)).collect();
    let timers = l.one_timer(timers);
    let lowered_timers: Vec<ir::Timer> = timers.iter().filter_map(|d| l.timer(d)).collect();
    if !l.broken {
        l.graph(&states, &lowered, &timers, &lowered_timers);
    }
    if !l.broken {
        l.coverage(&states, &lowered);
    }
    let bodies = std::mem::take(&mut l.bodies);
    l.documents_written(&bodies, &states, &timers, &lowered);
    l.checker.state_names = l
        .names
        .iter()
        .map(|(name, (_, span, _))| (name.to_string(), *span))
        .collect();
    let mut actors = std::mem::take(&mut l.actors);
    actors.extend(l.builtin_actors());
    Some(ir::Workflow {
        actors,
        documents: std::mem::take(&mut l.documents),
        states: lowered,
        timers: lowered_timers,
    })
}

impl<'a> Lowering<'a, '_, '_> {
    /// Reads the workflow's actors and documents, and returns its states and
    /// its timers.
    fn declarations(
        &mut self,
        body: &'a [Stmt],
    ) -> (Vec<&'a ast::StateDecl>, Vec<&'a ast::StateDecl>) {
        let mut states = Vec::new();
        let mut timers = Vec::new();
        for stmt in body {
            match stmt {
                Stmt::Actor {
                    name, kind, label, ..
                } => self.actor_decl(name, kind, label.as_ref()),
                Stmt::Document {
                    name, label, body, ..
                } => {
                    if self.document_decl(name, label.as_ref()) {
                        self.bodies.push(document::Body { name, body });
                    }
                }
                Stmt::State(d) if d.kind == StateKind::Timer => timers.push(d),
                Stmt::State(d) => states.push(d),
                other => self.misplaced(other, "a workflow", "a workflow holds `actor`, `document`, `start`, `step`, `parallel`, `end` and `timer`"),
            }
        }
        (states, timers)
    }

    /// `actor NAME: KIND "Label"`.
    fn actor_decl(&mut self, name: &ast::Ident, kind: &ast::Ident, label: Option<&ast::Text>) {
        let known = ActorKind::from_word(&kind.name);
        if known.is_none() {
            let d = Diagnostic::new(
                Code::UnknownActor,
                kind.span,
                format!("`{}` is not a kind of actor", kind.name),
            )
            .label("unknown kind");
            self.checker.diags.push(suggest(d, &kind.name, ActorKind::words(), "an actor is an `applicant`, an `authority` (a role in the authority), the `system` or an `external` body"));
        }
        if self.actors.iter().any(|a| a.id == name.name)
            || BUILTIN_ACTORS.iter().any(|b| b.0 == name.name)
        {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    name.span,
                    format!("the actor `{}` is declared twice", name.name),
                )
                .label("second declaration")
                .help("`applicant` and `system` exist already; give each actor its own name"),
            );
            return;
        }
        self.declared
            .insert(("actor", name.name.clone()), name.span);
        self.actors.push(ir::Actor {
            id: name.name.clone(),
            // After an unknown kind (reported) the actor still
            // stands, so its uses are not reported again.
            kind: known.unwrap_or(ActorKind::Authority),
            label: label.map(|t| self.checker.i18n(t)).unwrap_or_default(),
        });
    }

    /// `document NAME "Label"`; false when it is declared twice.
    fn document_decl(&mut self, name: &ast::Ident, label: Option<&ast::Text>) -> bool {
        if self.documents.iter().any(|d| d.id == name.name) {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    name.span,
                    format!("the document `{}` is declared twice", name.name),
                )
                .label("second declaration")
                .help("give each document its own name"),
            );
            return false;
        }
        self.declared
            .insert(("document", name.name.clone()), name.span);
        self.documents.push(ir::Document {
            id: name.name.clone(),
            label: label.map(|t| self.checker.i18n(t)).unwrap_or_default(),
            parts: Vec::new(),
            conditions: Vec::new(),
            fees: false,
            remedy: None,
            legal: Vec::new(),
        });
        true
    }

    /// A workflow has exactly one start; `span` is the workflow's.
    fn one_start(&mut self, states: &[&'a ast::StateDecl], span: Span) {
        let starts: Vec<&&ast::StateDecl> = states
            .iter()
            .filter(|d| d.kind == StateKind::Start)
            .collect();
        match starts.as_slice() {
            [] => self.checker.diags.push(
                Diagnostic::new(Code::WorkflowShape, span, "the workflow has no start")
                    .label("no `start` state")
                    .help("add `start eingang \"Antrag eingegangen\" { goto … }`: the state of a case when the application arrives"),
            ),
            [_, more @ ..] => {
                for d in more {
                    self.checker.diags.push(
                        Diagnostic::new(Code::WorkflowShape, d.name.span, "the workflow has more than one start")
                            .label("second start")
                            .secondary(starts[0].name.span, "first start")
                            .help("a case begins in one state; make the others `step`s"),
                    );
                }
            }
        }
    }

    /// The first timer; the others are reported, as this version of amt
    /// lowers one.
    fn one_timer(&mut self, timers: Vec<&'a ast::StateDecl>) -> Vec<&'a ast::StateDecl> {
        for extra in timers.iter().skip(1) {
            self.checker.diags.push(
                Diagnostic::new(Code::MisplacedTimer, extra.name.span, "a workflow has one timer in this version of amt")
                    .label("second timer")
                    .secondary(timers[0].name.span, "the first timer")
                    .help("keep the timer that ends the case (e.g. a Genehmigungsfiktion); deadlines of single steps are written with `goto … after …`"),
            );
        }
        timers.into_iter().take(1).collect()
    }

    /// The built-in actors the workflow uses, labelled in its languages.
    fn builtin_actors(&self) -> Vec<ir::Actor> {
        let mut actors = Vec::new();
        for b in BUILTIN_ACTORS
            .iter()
            .filter(|b| self.used_builtins.contains(b.0))
        {
            let mut label = ir::I18n::new();
            for lang in &self.checker.languages {
                label.insert(
                    lang.clone(),
                    if amt_model::is_german(lang) { b.2 } else { b.3 }.to_string(),
                );
            }
            actors.push(ir::Actor {
                id: b.0.to_string(),
                kind: b.1,
                label,
            });
        }
        actors
    }

    fn register(&mut self, d: &'a ast::StateDecl, parallel: Option<&'a str>) {
        if let Some((_, first, _)) = self.names.get(d.name.name.as_str()) {
            let first = *first;
            self.checker.diags.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    d.name.span,
                    format!("the workflow has two states named `{}`", d.name.name),
                )
                .label("second declaration")
                .secondary(first, "first declaration")
                .help("give each state its own name"),
            );
            return;
        }
        self.names
            .insert(&d.name.name, (d.kind, d.name.span, parallel));
    }

    /// Decisions whose outcomes no transition of their step handles.
    fn coverage(&mut self, decls: &[&'a ast::StateDecl], states: &[ir::State]) {
        for (d, s) in decls.iter().zip(states) {
            if s.kind != ir::StateKind::Step {
                continue;
            }
            let ways: Vec<&ir::Transition> =
                s.transitions.iter().filter(|t| t.after.is_none()).collect();
            if ways.iter().any(|t| t.when.is_none()) {
                continue;
            }
            for dec in &s.decisions {
                let values: Vec<String> = match &dec.ty {
                    Ty::Boolean => vec!["yes".into(), "no".into()],
                    Ty::Code { codelist } => self.checker.codes_of(codelist),
                    _ => continue,
                };
                let uncovered: Vec<&String> = values
                    .iter()
                    .filter(|v| {
                        ways.iter().all(|t| {
                            t.when.as_ref().and_then(|w| possible(w, &dec.id, v)) == Some(false)
                        })
                    })
                    .collect();
                if uncovered.is_empty() {
                    continue;
                }
                let span = d
                    .body
                    .iter()
                    .find_map(|st| match st {
                        Stmt::Decide { name, span, .. } if name.name == dec.id => Some(*span),
                        _ => None,
                    })
                    .unwrap_or(d.name.span);
                let list: Vec<String> = uncovered.iter().map(|v| format!("`{v}`")).collect();
                self.checker.diags.push(
                    Diagnostic::new(Code::UncoveredDecision, span, format!("when `{}` is {}, no transition of `{}` applies", dec.id, list.join(" or "), s.id))
                        .label("outcome not handled")
                        .help(format!("add a `goto … when {} = …` for it, or a `goto` without `when` as the default", dec.id)),
                );
            }
        }
    }
}

/// The form's expressions may not read the workflow's decisions: they do not
/// exist while the form is filled in.
pub fn form_reads_no_decision(c: &mut Checker, p: &ir::Procedure) {
    let Some(w) = &p.workflow else { return };
    let decisions: BTreeSet<&str> = w
        .steps()
        .flat_map(|s| &s.decisions)
        .map(|d| d.id.as_str())
        .collect();
    if decisions.is_empty() {
        return;
    }
    let mut found: Vec<(String, String)> = Vec::new();
    let mut visit = |owner: &str, e: &ir::Expr| {
        e.walk(&mut |e| {
            if let ir::ExprKind::Ref { path } = &e.kind
                && decisions.contains(path.as_str())
            {
                found.push((owner.to_string(), path.clone()));
            }
        });
    };
    for page in &p.pages {
        if let Some(w) = &page.when {
            visit(&page.id, w);
        }
    }
    for n in p.all_nodes() {
        for e in n.exprs() {
            visit(&n.path, e);
        }
    }
    for f in &p.fees {
        visit(&f.id, &f.value);
    }
    found.sort();
    found.dedup();
    for (owner, decision) in found {
        let span = (0..c.tree.nodes.len())
            .find(|&id| {
                c.tree.path(id) == owner
                    || (c.tree.nodes[id].name == owner && c.tree.nodes[id].parent == Some(0))
            })
            .map(|id| c.tree.nodes[id].name_span);
        let Some(span) = span else { continue };
        c.diags.push(
            Diagnostic::new(Code::FormReadsDecision, span, format!("`{owner}` reads `{decision}`, a decision of the workflow"))
                .label("reads a workflow decision")
                .help("decisions are taken after the application is submitted; the form can only read the applicant's answers"),
        );
    }
}
