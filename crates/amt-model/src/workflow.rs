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

impl Workflow {
    /// Every state, then the steps inside parallel states.
    pub fn steps(&self) -> impl Iterator<Item = &State> {
        self.states
            .iter()
            .chain(self.states.iter().flat_map(|s| &s.branches))
    }

    /// The decision `id`, wherever a step takes it.
    pub fn decision(&self, id: &str) -> Option<&Decision> {
        self.steps().flat_map(|s| &s.decisions).find(|d| d.id == id)
    }
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

/// A document issued on a transition. One the citizen receives as a
/// decision (a Bescheid) declares its parts; one that is only a name has
/// none.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// Its name.
    pub id: String,
    /// Label per language.
    pub label: I18n,
    /// Its written parts in the author's order: the address lines, the
    /// tenor, the reasons and notes. Texts read answers and decisions as
    /// `{path}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// The decisions that hold its Nebenbestimmungen (§ 36 VwVfG): a
    /// multiple choice of a code list, or text the clerk writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// Whether it states the procedure's fees.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fees: bool,
    /// Its Rechtsbehelfsbelehrung (§ 37 Abs. 6 VwVfG).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy: Option<Remedy>,
    /// The legal basis it names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
}

impl Document {
    /// Whether it has parts to render (else it is only a name).
    pub fn is_written(&self) -> bool {
        !self.parts.is_empty() || !self.conditions.is_empty() || self.fees || self.remedy.is_some()
    }
}

/// A written part of a document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Part {
    /// Which part.
    pub kind: PartKind,
    /// Its text per language, with `{path}` placeholders.
    pub text: I18n,
    /// It is written only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Expr>,
}

/// The parts of a document written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// A line of the addressee's address.
    Recipient,
    /// What is decided (the Tenor).
    Tenor,
    /// The Begründung (§ 39 VwVfG).
    Reasons,
    /// A note (Hinweis).
    Note,
}

/// The remedy a Rechtsbehelfsbelehrung names (§ 37 Abs. 6 VwVfG, §§ 70, 74
/// VwGO).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Remedy {
    /// An action (Klage) at the administrative court, within one month.
    Action,
    /// An objection (Widerspruch) at the authority, within one month.
    Objection,
    /// Objection or action, at the person's choice (Bavaria, Art. 15
    /// AGVwGO).
    ObjectionOrAction,
    /// None, for the reason given (e.g. a certificate that decides nothing).
    None {
        /// Why, per language.
        why: I18n,
    },
}

impl Remedy {
    /// The word that declares it.
    pub const WORDS: [&'static str; 4] = ["action", "objection", "objection_or_action", "none"];
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
