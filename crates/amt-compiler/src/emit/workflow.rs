//! `workflow.json`: the workflow as a documented state machine, for portals
//! that run their own (README, "The workflow (`workflow.json`)").

use crate::emit::feel::{Computed, computed_values, feel, iso_duration};
use crate::ir::{self, Procedure};
use serde_json::{Value as Json, json};

/// The shape version of `workflow.json`.
pub const WORKFLOW_VERSION: &str = "1";

fn guard(e: &ir::Expr, c: &Computed) -> Json {
    json!({ "amt": e.to_string(), "feel": feel(e, c), "expr": e })
}

fn transitions(ts: &[ir::Transition], c: &Computed) -> Json {
    Json::Array(
        ts.iter()
            .map(|t| {
                let mut o = json!({ "to": t.to });
                if let Some(w) = &t.when {
                    o["when"] = guard(w, c);
                }
                if let Some(a) = &t.after {
                    o["after"] = json!(iso_duration(a));
                }
                if !t.issues.is_empty() {
                    o["issues"] = json!(t.issues);
                }
                o
            })
            .collect(),
    )
}

fn state(s: &ir::State, c: &Computed) -> Json {
    let mut o = json!({ "id": s.id, "kind": s.kind, "label": s.label });
    if let Some(a) = &s.actor {
        o["actor"] = json!(a);
    }
    if !s.decisions.is_empty() {
        o["decisions"] = json!(s.decisions);
    }
    if !s.branches.is_empty() {
        o["branches"] = Json::Array(s.branches.iter().map(|b| state(b, c)).collect());
    }
    if let Some(out) = &s.outcome {
        o["outcome"] = json!(out);
    }
    if !s.transitions.is_empty() {
        o["transitions"] = transitions(&s.transitions, c);
    }
    if !s.legal.is_empty() {
        o["legal"] = json!(s.legal);
    }
    if let Some(amount) = &s.amount {
        o["amount"] = guard(amount, c);
    }
    o
}

/// The workflow of a procedure as JSON, or `None` when it has none.
pub fn workflow_json(p: &Procedure) -> Option<Json> {
    workflow_json_for(p, None, None)
}

/// [`workflow_json`] for one municipality: it names the authority
/// responsible (`authority`, with its FIT-Connect destination and reply
/// channels, and `authority_of`, the key of the municipality that declares
/// it) and, where the workflow has a payment, the payment provider
/// (`payment`: provider, account ids, and where each secret is found).
pub fn workflow_json_for(
    p: &Procedure,
    responsible: Option<(&ir::municipality::AuthorityInfo, &str)>,
    payment: Option<&ir::municipality::Payment>,
) -> Option<Json> {
    let w = p.workflow.as_ref()?;
    let c = computed_values(p);
    let start = w
        .states
        .iter()
        .find(|s| s.kind == crate::ir::StateKind::Start)
        .map(|s| s.id.clone());
    let timers: Vec<Json> = w
        .timers
        .iter()
        .map(|t| {
            let mut o = json!({
                "id": t.id, "label": t.label, "after": iso_duration(&t.after),
                "from": t.from, "to": t.to,
            });
            if let Some(wh) = &t.when {
                o["when"] = guard(wh, &c);
            }
            if !t.issues.is_empty() {
                o["issues"] = json!(t.issues);
            }
            if !t.legal.is_empty() {
                o["legal"] = json!(t.legal);
            }
            o
        })
        .collect();
    let mut out = json!({
        "workflow_version": WORKFLOW_VERSION,
        "procedure": p.id,
        "version": p.version,
        "start": start,
        "actors": w.actors,
        "documents": w.documents,
        "states": w.states.iter().map(|s| state(s, &c)).collect::<Vec<_>>(),
        "timers": timers,
    });
    if let Some((authority, ars)) = responsible {
        out["authority"] = json!(authority);
        out["authority_of"] = json!(ars);
    }
    let pays = w.states.iter().any(|s| s.kind == ir::StateKind::Payment);
    if let Some(payment) = payment.filter(|_| pays) {
        out["payment"] = json!(payment);
    }
    Some(out)
}
