//! Whole-procedure analyses: cycles among computed values and conditions,
//! and conditions that can never hold.

use super::Checker;
use super::tree::{Kind, NodeId};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{self, ExprKind, Literal, Ty};
use crate::source::Span;
use crate::syntax::ast::BinaryOp;
use amt_model::date::Date;
use std::collections::HashMap;

/// Finds computed values and conditions that depend on themselves. The graph
/// has two vertices per node: its visibility and its value.
pub fn cycles(c: &mut Checker) {
    let n = c.tree.nodes.len();
    let vis = |i: NodeId| 2 * i;
    let val = |i: NodeId| 2 * i + 1;
    let mut edges: Vec<Vec<(usize, Option<Span>)>> = vec![Vec::new(); 2 * n];
    for (i, node) in c.tree.nodes.iter().enumerate() {
        if let Some(p) = node.parent {
            edges[vis(i)].push((vis(p), None));
        }
        edges[val(i)].push((vis(i), None));
        if let Some(e) = c.exprs.get(&i) {
            for (r, span) in &e.when_refs {
                edges[vis(i)].push((val(*r), Some(*span)));
            }
            for (r, span) in &e.value_refs {
                edges[val(i)].push((val(*r), Some(*span)));
            }
        }
        if matches!(node.kind, Kind::Group) {
            for &child in &node.children {
                edges[val(i)].push((val(child), None));
            }
        }
    }
    for scc in strongly_connected(&edges) {
        let members: Vec<usize> = scc;
        let cyclic = members.len() > 1 || edges[members[0]].iter().any(|(t, _)| *t == members[0]);
        if !cyclic {
            continue;
        }
        let mut spans: Vec<Span> = members
            .iter()
            .flat_map(|&v| {
                edges[v]
                    .iter()
                    .filter(|(t, _)| members.contains(t))
                    .filter_map(|(_, s)| *s)
            })
            .collect();
        spans.sort();
        spans.dedup();
        let Some((&primary, rest)) = spans.split_first() else {
            continue;
        };
        let mut names: Vec<&str> = members
            .iter()
            .map(|&v| c.tree.nodes[v / 2].name)
            .filter(|n| !n.is_empty())
            .collect();
        names.sort_unstable();
        names.dedup();
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = Diagnostic::new(Code::DependencyCycle, primary, format!("{list} depend on each other in a circle"))
            .label("this reference closes the circle")
            .note("a value or condition cannot depend on itself: nothing could be computed or shown first")
            .help("break the circle: let one of them depend on an answer the user gives directly");
        for s in rest.iter().take(4) {
            d = d.secondary(*s, "part of the circle");
        }
        c.diags.push(d);
    }
}

/// Tarjan's algorithm, iterative so deep forms cannot overflow the stack.
fn strongly_connected(edges: &[Vec<(usize, Option<Span>)>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(&(w, _)) = edges[v].get(*i) {
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut scc = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        scc.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(scc);
                }
            }
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Num(f64),
    Code(String),
    Bool(bool),
    Text(String),
}

#[derive(Clone, Debug)]
enum Atom {
    False,
    /// `path op value`, or `path in/not in values`.
    Cmp {
        path: String,
        op: BinaryOp,
        values: Vec<Value>,
    },
}

const MAX_TERMS: usize = 64;

fn value(e: &ir::Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Unary {
            operator: ir::UnaryOp::Neg,
            operand,
        } => match value(operand)? {
            Value::Num(x) => Some(Value::Num(-x)),
            _ => None,
        },
        ExprKind::Literal { value } => match value {
            Literal::Integer(n) => Some(Value::Num(*n as f64)),
            Literal::Decimal(d) => d.parse().ok().map(Value::Num),
            Literal::Money(c) => Some(Value::Num(*c as f64)),
            Literal::Date(d) => Date::parse(d).map(|d| Value::Num(d.to_days() as f64)),
            Literal::Code(c) => Some(Value::Code(c.clone())),
            Literal::Boolean(b) => Some(Value::Bool(*b)),
            Literal::Text(t) => Some(Value::Text(t.clone())),
            Literal::Duration(_) => None,
        },
        _ => None,
    }
}

/// The condition as a disjunction of conjunctions of atoms. Atoms amt cannot
/// reason about are left out (treated as possibly true). `None`: too large.
fn dnf(e: &ir::Expr, negated: bool) -> Option<Vec<Vec<Atom>>> {
    let always = Some(vec![Vec::new()]);
    match &e.kind {
        // A literal yes or no (not a stand-in for something already
        // reported as unknown, which may be anything).
        ExprKind::Literal {
            value: Literal::Boolean(b),
        } if e.ty == Ty::Boolean => {
            if *b != negated {
                always
            } else {
                Some(vec![vec![Atom::False]])
            }
        }
        ExprKind::Unary {
            operator: crate::syntax::ast::UnaryOp::Not,
            operand,
        } => dnf(operand, !negated),
        ExprKind::Binary {
            operator,
            left,
            right,
        } => {
            use BinaryOp::*;
            match (operator, negated) {
                (And, false) | (Or, true) => {
                    let (l, r) = (dnf(left, negated)?, dnf(right, negated)?);
                    if l.len() * r.len() > MAX_TERMS {
                        return None;
                    }
                    let mut out = Vec::new();
                    for a in &l {
                        for b in &r {
                            out.push(a.iter().chain(b.iter()).cloned().collect());
                        }
                    }
                    Some(out)
                }
                (Or, false) | (And, true) => {
                    let mut l = dnf(left, negated)?;
                    l.extend(dnf(right, negated)?);
                    (l.len() <= MAX_TERMS).then_some(l)
                }
                (Eq | Ne | Lt | Le | Gt | Ge, _) => {
                    let (path, op, v) = match (&left.kind, &right.kind) {
                        (ExprKind::Ref { path }, _) if !matches!(left.ty, Ty::List { .. }) => {
                            (path, *operator, value(right))
                        }
                        (_, ExprKind::Ref { path }) if !matches!(right.ty, Ty::List { .. }) => {
                            let Some(swapped) = operator.swapped() else {
                                return always;
                            };
                            (path, swapped, value(left))
                        }
                        _ => return always,
                    };
                    let Some(v) = v else { return always };
                    let op = if negated { op.negated() } else { op };
                    Some(vec![vec![Atom::Cmp {
                        path: path.clone(),
                        op,
                        values: vec![v],
                    }]])
                }
                (In | NotIn, _) => {
                    let (ExprKind::Ref { path }, ExprKind::List { items }) =
                        (&left.kind, &right.kind)
                    else {
                        return always;
                    };
                    if matches!(left.ty, Ty::List { .. }) {
                        return always;
                    }
                    let values: Option<Vec<Value>> = items.iter().map(value).collect();
                    let Some(values) = values else { return always };
                    let op = if negated {
                        operator.negated()
                    } else {
                        *operator
                    };
                    Some(vec![vec![Atom::Cmp {
                        path: path.clone(),
                        op,
                        values,
                    }]])
                }
                _ => always,
            }
        }
        ExprKind::Ref { path } if e.ty == Ty::Boolean => Some(vec![vec![Atom::Cmp {
            path: path.clone(),
            op: BinaryOp::Eq,
            values: vec![Value::Bool(!negated)],
        }]]),
        _ => always,
    }
}

/// What one path can be, as far as the atoms of a term and the field's own
/// type (`integer(min 1, max 2)`) say.
#[derive(Clone, Default)]
struct Domain {
    allowed: Option<Vec<Value>>,
    excluded: Vec<Value>,
    lo: Option<(f64, bool)>,
    hi: Option<(f64, bool)>,
}

fn satisfiable(term: &[Atom], bounds: &HashMap<String, Domain>) -> bool {
    let mut domains: HashMap<&str, Domain> = HashMap::new();
    for atom in term {
        let Atom::Cmp { path, op, values } = atom else {
            return false;
        };
        let d = domains
            .entry(path.as_str())
            .or_insert_with(|| bounds.get(path).cloned().unwrap_or_default());
        match op {
            BinaryOp::Eq | BinaryOp::In => {
                d.allowed = Some(match d.allowed.take() {
                    None => values.clone(),
                    Some(prev) => prev.into_iter().filter(|v| values.contains(v)).collect(),
                });
            }
            BinaryOp::Ne | BinaryOp::NotIn => d.excluded.extend(values.iter().cloned()),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let Some(Value::Num(x)) = values.first() else {
                    continue;
                };
                let strict = matches!(op, BinaryOp::Lt | BinaryOp::Gt);
                if matches!(op, BinaryOp::Gt | BinaryOp::Ge) {
                    if d.lo.is_none_or(|(l, _)| *x >= l) {
                        d.lo = Some((*x, strict || d.lo.is_some_and(|(l, s)| l == *x && s)));
                    }
                } else if d.hi.is_none_or(|(h, _)| *x <= h) {
                    d.hi = Some((*x, strict || d.hi.is_some_and(|(h, s)| h == *x && s)));
                }
            }
            _ => {}
        }
    }
    domains.values().all(|d| {
        if let (Some((lo, ls)), Some((hi, hs))) = (d.lo, d.hi)
            && (lo > hi || (lo == hi && (ls || hs)))
        {
            return false;
        }
        match &d.allowed {
            None => true,
            Some(vals) => vals.iter().any(|v| {
                !d.excluded.contains(v)
                    && match v {
                        Value::Num(x) => {
                            d.lo.is_none_or(|(lo, s)| if s { *x > lo } else { *x >= lo })
                                && d.hi
                                    .is_none_or(|(hi, s)| if s { *x < hi } else { *x <= hi })
                        }
                        _ => true,
                    }
            }),
        }
    })
}

fn never(e: &ir::Expr, bounds: &HashMap<String, Domain>) -> bool {
    match dnf(e, false) {
        Some(terms) => !terms.iter().any(|t| satisfiable(t, bounds)),
        None => false,
    }
}

/// The range each number, money and date field's own type allows, by
/// path: `when anzahl > 2` on an `integer(min 1, max 2)` never holds. The
/// bounds are read as the conditions' literals are ([`value`]), where they
/// are constants of the field's own kind.
fn field_bounds(c: &Checker) -> HashMap<String, Domain> {
    use super::tree::Base;
    let mut bounds = HashMap::new();
    for (id, node) in c.tree.nodes.iter().enumerate() {
        let (Kind::Field(ft), Some(exprs)) = (&node.kind, c.exprs.get(&id)) else {
            continue;
        };
        let number = |e: &Option<ir::Expr>| {
            let e = e.as_ref()?;
            let fits = matches!(
                (&e.ty, ft.base),
                (Ty::Integer, Base::Integer | Base::Decimal)
                    | (Ty::Decimal, Base::Decimal)
                    | (Ty::Money, Base::Money)
                    | (Ty::Date, Base::Date)
            );
            match value(e) {
                Some(Value::Num(x)) if fits => Some((x, false)),
                _ => None,
            }
        };
        let (lo, hi) = (number(&exprs.min), number(&exprs.max));
        if lo.is_some() || hi.is_some() {
            let domain = Domain {
                lo,
                hi,
                ..Domain::default()
            };
            bounds.insert(c.tree.path(id), domain);
        }
    }
    bounds
}

/// Required parts under conditions that can never hold (error), and parts
/// that are never shown (warning).
pub fn never_true(c: &mut Checker) {
    let n = c.tree.nodes.len();
    // The conjunction of a node's own condition and its ancestors'.
    let mut chains: Vec<Option<ir::Expr>> = Vec::with_capacity(n);
    let mut dead = vec![false; n];
    let bounds = field_bounds(c);
    for i in 0..n {
        let own = c.exprs.get(&i).and_then(|e| e.when.clone());
        let parent = c.tree.nodes[i].parent;
        let inherited = parent.and_then(|p| chains[p].clone());
        let chain = match (inherited, own.clone()) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => Some(ir::Expr {
                ty: Ty::Boolean,
                kind: ExprKind::Binary {
                    operator: BinaryOp::And,
                    left: Box::new(a),
                    right: Box::new(b),
                },
            }),
        };
        let parent_dead = parent.is_some_and(|p| dead[p]);
        dead[i] = parent_dead || chain.as_ref().is_some_and(|e| never(e, &bounds));
        chains.push(chain);
    }
    // One diagnostic per condition that never holds, at the condition (the
    // cause), however many parts it hides: an error when one of them is
    // required, else a warning. Parts hidden by a hidden part add nothing.
    let mut cause: Vec<Option<NodeId>> = vec![None; n];
    for i in 0..n {
        if dead[i] {
            let parent = c.tree.nodes[i].parent.filter(|&p| dead[p]);
            cause[i] = Some(parent.and_then(|p| cause[p]).unwrap_or(i));
        }
    }
    for root in 0..n {
        if cause[root] != Some(root) {
            continue;
        }
        let node = &c.tree.nodes[root];
        let Some(when) = node.whens.first().map(|w| w.span) else {
            continue;
        };
        let required: Vec<(NodeId, Span)> = (root..n)
            .filter(|&j| cause[j] == Some(root))
            .filter_map(|j| Some((j, c.tree.nodes[j].required?)))
            .collect();
        let d = match required.first() {
            Some(&(first, at)) => {
                let message = match required.len() {
                    1 if first == root => format!(
                        "`{}` is required, but its condition can never be true",
                        node.name
                    ),
                    1 => format!(
                        "the condition of `{}` can never be true, but `{}` is required under it",
                        node.name, c.tree.nodes[first].name
                    ),
                    n => format!(
                        "the condition of `{}` can never be true, but {n} parts are required under it",
                        node.name
                    ),
                };
                Diagnostic::new(Code::RequiredUnderFalseCondition, when, message)
                .label("never true")
                .secondary(at, "required")
                .note("a hidden part is not asked and not submitted, so this requirement can never be met or checked")
                .help("correct the condition, or remove `required`")
            }
            None => Diagnostic::new(
                Code::NeverShown,
                when,
                format!("the condition of `{}` can never be true", node.name),
            )
            .label("never true")
            .note("the parts under this condition are never shown")
            .help("check the condition: it is false for every possible answer (a field cannot have two values at once, nor a value outside its own `min` and `max`)"),
        };
        c.diags.push(d);
    }
}
