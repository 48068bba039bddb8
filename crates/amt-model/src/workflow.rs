//! The way from application to decision.

use crate::{ActorKind, Duration, Expr, I18n, LegalRef, Outcome, StateKind, Ty};
use serde::{Deserialize, Serialize};

/// A workflow: states from the application's receipt to a final outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workflow {
    /// Who acts: declared actors, then the built-in `applicant` and `system` where used.
    pub actors: Vec<Actor>,
    /// Documents issued on transitions.
    pub documents: Vec<Document>,
    /// The states in the author's order; the first is the start.
    pub states: Vec<State>,
    /// Deadlines that run across several steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timers: Vec<Timer>,
}

/// Someone who acts in a workflow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Actor {
    /// Its name (a candidate group in Camunda).
    pub id: String,
    /// What kind of actor.
    pub kind: ActorKind,
    /// Label per language.
    pub label: I18n,
}

/// A document issued on a transition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// Its name.
    pub id: String,
    /// Label per language.
    pub label: I18n,
}

/// A state of a workflow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    /// Its name.
    pub id: String,
    /// What kind of state.
    pub kind: StateKind,
    /// Label per language.
    pub label: I18n,
    /// Who does the work of a step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// What the actor decides (case data, read by guards).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    /// The steps of a parallel state, done at the same time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<State>,
    /// The result of an end state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Where the case goes next, in order: the first whose guard holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// Legal references.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
    /// What a payment asks the applicant to pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Expr>,
}

/// A decision taken in a step.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    /// Its name, as guards read it.
    pub id: String,
    /// The question, per language.
    pub label: I18n,
    /// `boolean` or a code of a code list.
    #[serde(rename = "type")]
    pub ty: Ty,
}

/// A transition between states.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transition {
    /// The state it leads to.
    pub to: String,
    /// Taken only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Expr>,
    /// A timer: taken when the state has lasted this long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Duration>,
    /// Documents issued on the way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<String>,
}

/// A deadline that starts when a state is entered and runs until the case
/// ends; when it expires (and its guard holds) the case ends in `to`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timer {
    /// Its name.
    pub id: String,
    /// Label per language.
    pub label: I18n,
    /// How long.
    pub after: Duration,
    /// The state whose entry starts it.
    pub from: String,
    /// It takes effect only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Expr>,
    /// The end state it leads to.
    pub to: String,
    /// Documents issued.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<String>,
    /// Legal references.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
}
