//! The workflow as a graph: which states a case can reach, which it can
//! never leave for an end, and which states a timer runs over.

use super::Lowering;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir;
use crate::syntax::ast;
use std::collections::HashMap;

/// The states as a graph, by their index in `states`: state `i` leads to
/// each state in `edges[i]`.
struct Graph<'s, 'a> {
    decls: &'s [&'a ast::StateDecl],
    states: &'s [ir::State],
    index: HashMap<&'s str, usize>,
    /// The ways out the states themselves declare.
    plain: Vec<Vec<usize>>,
    /// `plain` and the ways out timers add.
    edges: Vec<Vec<usize>>,
    /// The edges a case surely can take: a timer with `when` may never fire,
    /// so only one without saves a state from being a trap.
    sure: Vec<Vec<usize>>,
}

impl<'a> Lowering<'a, '_, '_> {
    /// Reachability, traps and the shape of timers.
    pub(super) fn graph(
        &mut self,
        decls: &[&'a ast::StateDecl],
        states: &[ir::State],
        timer_decls: &[&'a ast::StateDecl],
        timers: &[ir::Timer],
    ) {
        let index: HashMap<&str, usize> = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let plain: Vec<Vec<usize>> = states
            .iter()
            .map(|s| {
                s.transitions
                    .iter()
                    .filter_map(|t| index.get(t.to.as_str()).copied())
                    .collect()
            })
            .collect();
        let mut graph = Graph {
            decls,
            states,
            index,
            edges: plain.clone(),
            sure: plain.clone(),
            plain,
        };
        for (t, d) in timers.iter().zip(
            timer_decls
                .iter()
                .filter(|d| timers.iter().any(|t| t.id == d.name.name)),
        ) {
            if let Some((from, to)) = self.timer_ends(&graph, t, d) {
                self.timer_edges(&mut graph, t, d, from, to);
            }
        }
        if let Some(start) = states.iter().position(|s| s.kind == ir::StateKind::Start) {
            self.unreachable_and_traps(&graph, start);
        }
    }

    /// The states a timer counts from and leads to, when they are states of
    /// the workflow itself and it runs from a case in progress to its end.
    fn timer_ends(
        &mut self,
        graph: &Graph,
        t: &ir::Timer,
        d: &ast::StateDecl,
    ) -> Option<(usize, usize)> {
        let (index, states) = (&graph.index, graph.states);
        let (Some(&from), Some(&to)) = (index.get(t.from.as_str()), index.get(t.to.as_str()))
        else {
            let where_ = self
                .names
                .get(t.from.as_str())
                .or_else(|| self.names.get(t.to.as_str()))
                .map_or(d.name.span, |n| n.1);
            self.checker.diags.push(
                Diagnostic::new(Code::MisplacedTimer, where_, "a timer counts from a state of the workflow itself, not from a step inside a parallel state")
                    .label("inside a parallel state")
                    .help("count from the parallel state itself"),
            );
            return None;
        };
        if states[to].kind != ir::StateKind::End {
            self.checker.diags.push(
                Diagnostic::new(Code::MisplacedTimer, d.name.span, format!("the timer `{}` leads to `{}`, which is not an end state", t.id, t.to))
                    .label("a timer ends the case")
                    .help("a timer runs across several steps and ends the case when it expires (e.g. a permit that counts as granted); lead it to an `end` state"),
            );
            return None;
        }
        if states[from].kind == ir::StateKind::End {
            self.checker.diags.push(
                Diagnostic::new(
                    Code::MisplacedTimer,
                    d.name.span,
                    format!(
                        "the timer `{}` starts when the case has already ended",
                        t.id
                    ),
                )
                .label("counts from an end state")
                .help("count from the step whose start begins the deadline"),
            );
            return None;
        }
        Some((from, to))
    }

    /// The ways out a timer adds, from `from` and every state after it, to
    /// `to`. A state the case can also enter without passing `from` is
    /// reported: the timer would have to run there without having started.
    fn timer_edges(
        &mut self,
        graph: &mut Graph,
        t: &ir::Timer,
        d: &ast::StateDecl,
        from: usize,
        to: usize,
    ) {
        let states = graph.states;
        let span = reachable(&graph.plain, from);
        for (x, inside) in span.iter().enumerate() {
            // An end has nothing for the timer to run over: it may be
            // reached from before the timer too.
            if !inside || x == from || states[x].kind == ir::StateKind::End {
                continue;
            }
            if let Some(p) = (0..states.len()).find(|&p| !span[p] && graph.plain[p].contains(&x)) {
                let (p_span, x_span) = (graph.decls[p].name.span, graph.decls[x].name.span);
                self.checker.diags.push(
                    Diagnostic::new(Code::MisplacedTimer, d.name.span, format!("the timer `{}` runs over `{}`, which the case can also reach from `{}` without passing `{}`", t.id, states[x].id, states[p].id, t.from))
                        .label("timer")
                        .secondary(x_span, "entered from before the timer starts")
                        .secondary(p_span, "from here")
                        .help("a timer covers the states after the one it counts from; count from an earlier state, or route the case through it"),
                );
                break;
            }
            graph.edges[x].push(to);
            if t.when.is_none() {
                graph.sure[x].push(to);
            }
        }
        graph.edges[from].push(to);
        if t.when.is_none() {
            graph.sure[from].push(to);
        }
    }

    /// States no case reaches from `start`, and states from which a case
    /// can never reach an end.
    fn unreachable_and_traps(&mut self, graph: &Graph, start: usize) {
        let (decls, states) = (graph.decls, graph.states);
        let reached = reachable(&graph.edges, start);
        for (i, s) in states.iter().enumerate() {
            if !reached[i] {
                self.checker.diags.push(
                    Diagnostic::new(Code::UnreachableState, decls[i].name.span, format!("no case can reach `{}`", s.id))
                        .label("unreachable")
                        .help("lead a `goto` here from a state the case passes through, or remove this state"),
                );
                continue;
            }
            if s.kind == ir::StateKind::End {
                continue;
            }
            let from_here = reachable(&graph.sure, i);
            if !states
                .iter()
                .enumerate()
                .any(|(j, e)| from_here[j] && e.kind == ir::StateKind::End)
            {
                self.checker.diags.push(
                    Diagnostic::new(Code::TrapState, decls[i].name.span, format!("a case in `{}` can never reach an end", s.id))
                        .label("no way to an end")
                        .help("every case must end with an outcome: add a `goto` towards an `end` state (a deadline with `after` counts too)"),
                );
            }
        }
    }
}

/// Which states `edges` lead to from `from`, `from` included.
fn reachable(edges: &[Vec<usize>], from: usize) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if !std::mem::replace(&mut seen[n], true) {
            stack.extend(&edges[n]);
        }
    }
    seen
}
