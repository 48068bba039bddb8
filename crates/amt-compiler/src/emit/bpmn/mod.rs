//! `workflow.bpmn`: the workflow as BPMN 2.0 XML that runs on Camunda 8
//! (Zeebe), with a diagram laid out left to right.
//!
//! Mapping:
//! - `start` → start event; `end` → end event named with its outcome;
//! - a step of an authority, the applicant or an external body → user task
//!   (`zeebe:userTask`, `zeebe:assignmentDefinition candidateGroups=ACTOR`);
//!   a `system` step → service task (`zeebe:taskDefinition type=STEP`);
//! - decisions are the task's result variables; transitions with guards leave
//!   through an exclusive gateway with FEEL conditions (`=…`), the one without
//!   a guard as its default flow;
//! - a step's `after` → interrupting boundary timer (ISO 8601 duration);
//! - a `payment` → service task `amt-payment` (the payment provider's
//!   worker) with the amount due as its input `amount` (FEEL, in euros) and
//!   the state in its header `state`, its deadline a boundary timer;
//! - documents issued → a service task `issue-document` on the way, with the
//!   documents in its task headers;
//! - `parallel` → parallel gateways around its steps; a step's timer ends its
//!   branch (implied consent), merged before the join;
//! - a `timer` → the states after its start wrapped in a subprocess with a
//!   non-interrupting boundary timer that, when its guard holds, ends the
//!   process in a terminate end event.
//!
//! This file builds the graph of elements and flows; `layout.rs` places them
//! and writes them out.

mod layout;

use crate::emit::feel::{Computed, computed_values, condition, iso_duration};
use crate::ir::{self, ActorKind, Procedure, State, StateKind, Workflow};
use layout::{write_container, write_diagram};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Start,
    End {
        terminate: bool,
    },
    UserTask {
        group: String,
    },
    ServiceTask {
        job: String,
        headers: Vec<(String, String)>,
        /// Input variables: name, FEEL expression (`=…`).
        inputs: Vec<(String, String)>,
    },
    Xor {
        default: Option<String>,
    },
    And,
    Sub,
    Boundary {
        attached: String,
        duration: String,
        interrupting: bool,
    },
}

#[derive(Debug, Clone)]
struct El {
    id: String,
    name: String,
    kind: Kind,
    /// The subprocess it is in ("" for the process).
    parent: String,
}

#[derive(Debug, Clone)]
struct Flow {
    id: String,
    source: String,
    target: String,
    name: Option<String>,
    condition: Option<String>,
}

struct Builder<'p> {
    w: &'p Workflow,
    /// Computed values and fees, written out where guards read them.
    computed: Computed<'p>,
    lang: &'p str,
    els: Vec<El>,
    flows: Vec<Flow>,
    /// Ids in use, for unique ids.
    ids: BTreeSet<String>,
    /// The end event of each end state per container.
    ends: HashMap<(String, String), String>,
    /// States inside the timer's subprocess, and its id.
    span: BTreeSet<String>,
    sub: Option<String>,
}

/// `s` as the text of an XML element or attribute.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn label(text: &ir::I18n, lang: &str) -> String {
    text.pick(lang, lang).unwrap_or_default().to_string()
}

impl<'p> Builder<'p> {
    fn id(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}__{n}");
            n += 1;
        }
        id
    }

    fn el(&mut self, base: &str, name: String, kind: Kind, parent: &str) -> String {
        let id = self.id(base);
        // Event definitions get ids of their own: keep them unique too.
        if matches!(kind, Kind::Boundary { .. } | Kind::End { terminate: true }) {
            self.ids.insert(format!("{id}__def"));
        }
        self.els.push(El {
            id: id.clone(),
            name,
            kind,
            parent: parent.to_string(),
        });
        id
    }

    fn flow(
        &mut self,
        source: &str,
        target: &str,
        name: Option<String>,
        condition: Option<String>,
    ) -> String {
        let id = self.id(&format!("Flow_{source}_{target}"));
        self.flows.push(Flow {
            id: id.clone(),
            source: source.to_string(),
            target: target.to_string(),
            name,
            condition,
        });
        id
    }

    fn state(&self, id: &str) -> Option<&'p State> {
        self.w.states.iter().find(|s| s.id == id)
    }

    fn container_of(&self, state: &str) -> String {
        match &self.sub {
            Some(sub) if self.span.contains(state) => sub.clone(),
            _ => String::new(),
        }
    }

    fn task_kind(&self, actor: Option<&str>, step: &str) -> Kind {
        let kind = actor
            .and_then(|a| self.w.actors.iter().find(|x| x.id == a))
            .map_or(ActorKind::System, |a| a.kind);
        if kind == ActorKind::System {
            Kind::ServiceTask {
                job: step.to_string(),
                headers: Vec::new(),
                inputs: Vec::new(),
            }
        } else {
            Kind::UserTask {
                group: actor.unwrap_or("system").to_string(),
            }
        }
    }

    /// A fixed text in the procedure's source language (German or English).
    fn words(&self, de: &str, en: &str) -> String {
        if amt_model::is_german(self.lang) {
            de
        } else {
            en
        }
        .to_string()
    }

    /// The name of the gateway after a step: its decision's question, or
    /// the step's name as a question.
    /// The question a step's gateway asks: its first decision's, else
    /// how the case goes on after the step. A gateway is named by a
    /// question its outgoing flows answer, in words a clerk reads in
    /// Modeler and Operate.
    fn question(&self, state: &str) -> String {
        let s = self.state(state);
        s.and_then(|s| s.decisions.first())
            .map(|d| label(&d.label, self.lang))
            .or_else(|| {
                s.map(|s| {
                    let step = label(&s.label, self.lang);
                    if amt_model::is_german(self.lang) {
                        format!("Wie geht es nach „{step}“ weiter?")
                    } else {
                        format!("How does the case go on after “{step}”?")
                    }
                })
            })
            .unwrap_or_default()
    }

    /// What a flow out of a gateway answers: yes or no to the step's
    /// yes-or-no decision, the value of its choice, else the state it
    /// leads to; the default flow is "otherwise".
    fn answer(&self, state: &str, t: &ir::Transition) -> String {
        let Some(when) = &t.when else {
            return self.words("sonst", "otherwise");
        };
        let decision = self.state(state).and_then(|s| s.decisions.first());
        if let Some(d) = decision {
            use ir::ExprKind as K;
            match &when.kind {
                K::Ref { path } if *path == d.id => return self.words("ja", "yes"),
                K::Unary {
                    operator: ir::UnaryOp::Not,
                    operand,
                } if matches!(&operand.kind, K::Ref { path } if *path == d.id) => {
                    return self.words("nein", "no");
                }
                _ => {}
            }
        }
        let target = self
            .state(&t.to)
            .map(|s| label(&s.label, self.lang))
            .unwrap_or_else(|| t.to.clone());
        if amt_model::is_german(self.lang) {
            format!("weiter: {target}")
        } else {
            format!("next: {target}")
        }
    }

    /// A duration in words: "2 Monate", "3 weeks".
    fn duration_words(&self, d: &ir::Duration) -> String {
        use ir::DurationUnit as U;
        let one = d.amount == 1;
        let unit = if amt_model::is_german(self.lang) {
            match (d.unit, one) {
                (U::Days, true) => "Tag",
                (U::Days, false) => "Tage",
                (U::Weeks, true) => "Woche",
                (U::Weeks, false) => "Wochen",
                (U::Months, true) => "Monat",
                (U::Months, false) => "Monate",
                (U::Years, true) => "Jahr",
                (U::Years, false) => "Jahre",
            }
        } else {
            match (d.unit, one) {
                (U::Days, true) => "day",
                (U::Days, false) => "days",
                (U::Weeks, true) => "week",
                (U::Weeks, false) => "weeks",
                (U::Months, true) => "month",
                (U::Months, false) => "months",
                (U::Years, true) => "year",
                (U::Years, false) => "years",
            }
        };
        format!("{}: {} {unit}", self.words("Frist", "Deadline"), d.amount)
    }

    /// Joins that BPMN wants explicit: a task, subprocess or parallel fork
    /// reached by several flows gets an exclusive merge in front of it.
    fn merges(&mut self) {
        let targets: Vec<(String, String)> = self
            .els
            .iter()
            .filter(|e| match &e.kind {
                Kind::UserTask { .. } | Kind::ServiceTask { .. } | Kind::Sub | Kind::End { .. } => {
                    true
                }
                Kind::And => e.id.starts_with("Fork_"),
                _ => false,
            })
            .map(|e| (e.id.clone(), e.parent.clone()))
            .collect();
        for (id, parent) in targets {
            let incoming: Vec<usize> = (0..self.flows.len())
                .filter(|&i| self.flows[i].target == id)
                .collect();
            if incoming.len() < 2 {
                continue;
            }
            let merge = self.el(
                &format!("Merge_{id}"),
                String::new(),
                Kind::Xor { default: None },
                &parent,
            );
            for i in incoming {
                self.flows[i].target = merge.clone();
                let new_id = self.id(&format!("Flow_{}_{merge}", self.flows[i].source));
                let old = std::mem::replace(&mut self.flows[i].id, new_id.clone());
                // A gateway whose default this flow was keeps it.
                for e in &mut self.els {
                    if let Kind::Xor { default: Some(d) } = &mut e.kind
                        && *d == old
                    {
                        *d = new_id.clone();
                    }
                }
            }
            self.flow(&merge, &id, None, None);
        }
    }

    /// Where a flow into `state` from `container` arrives.
    fn entry(&mut self, state: &str, container: &str) -> String {
        let Some(s) = self.state(state) else {
            return String::new();
        };
        if s.kind == StateKind::End {
            let key = (container.to_string(), state.to_string());
            if let Some(e) = self.ends.get(&key) {
                return e.clone();
            }
            let name = label(&s.label, self.lang);
            let id = self.el(
                &format!("End_{state}"),
                name,
                Kind::End { terminate: false },
                container,
            );
            // The documents issued on the way here go to the citizen
            // through the reply channel the submission named.
            let documents = self.issued_into(state);
            let entry = if documents.is_empty() {
                id
            } else {
                let reply = self.reply_task(state, &documents, container);
                self.flow(&reply, &id, None, None);
                reply
            };
            self.ends.insert(key, entry.clone());
            return entry;
        }
        if let Some(sub) = &self.sub
            && container.is_empty()
            && self.span.contains(state)
        {
            return sub.clone();
        }
        match s.kind {
            StateKind::Parallel => format!("Fork_{state}"),
            StateKind::Start => format!("Start_{state}"),
            StateKind::Step | StateKind::End | StateKind::Payment => format!("Task_{state}"),
        }
    }

    /// A flow from `from` along a transition: through a document task, to its target.
    fn along(
        &mut self,
        from: &str,
        t: &ir::Transition,
        container: &str,
        condition: Option<String>,
        name: Option<String>,
    ) -> String {
        let target = self.entry(&t.to, container);
        if t.issues.is_empty() {
            return self.flow(from, &target, name, condition);
        }
        let task = self.issue_task(&format!("Issue_{from}_{}", t.to), &t.issues, container);
        let f = self.flow(from, &task, name, condition);
        self.flow(&task, &target, None, None);
        f
    }

    /// The documents issued on any transition into `state`, in the order
    /// the workflow declares them.
    fn issued_into(&self, state: &str) -> Vec<String> {
        let mut issued: BTreeSet<&str> = BTreeSet::new();
        let mut stack: Vec<&State> = self.w.states.iter().collect();
        while let Some(s) = stack.pop() {
            stack.extend(&s.branches);
            for t in s.transitions.iter().filter(|t| t.to == state) {
                issued.extend(t.issues.iter().map(String::as_str));
            }
        }
        for t in self.w.timers.iter().filter(|t| t.to == state) {
            issued.extend(t.issues.iter().map(String::as_str));
        }
        self.w
            .documents
            .iter()
            .filter(|d| issued.contains(d.id.as_str()))
            .map(|d| d.id.clone())
            .collect()
    }

    /// A service task `amt-reply` before the end `state`: it sends the
    /// documents (task header `documents`) to the citizen through the
    /// reply channel the submission named (FIT-Connect's `replyChannel`,
    /// which the portal puts into the case as the variable named in the
    /// header `replyChannel`).
    fn reply_task(&mut self, state: &str, documents: &[String], container: &str) -> String {
        let labels: Vec<String> = documents
            .iter()
            .filter_map(|d| self.w.documents.iter().find(|x| x.id == *d))
            .map(|d| label(&d.label, self.lang))
            .collect();
        let name = if amt_model::is_german(self.lang) {
            format!("{} zustellen", labels.join(", "))
        } else {
            format!("Send {}", labels.join(", "))
        };
        self.el(
            &format!("Reply_{state}"),
            name,
            Kind::ServiceTask {
                job: "amt-reply".into(),
                headers: vec![
                    ("documents".into(), documents.join(",")),
                    ("replyChannel".into(), "replyChannel".into()),
                ],
                inputs: Vec::new(),
            },
            container,
        )
    }

    /// A service task `issue-document` that issues `documents` (their ids in
    /// its task header), named by their labels.
    fn issue_task(&mut self, base: &str, documents: &[String], container: &str) -> String {
        let labels: Vec<String> = documents
            .iter()
            .map(|d| {
                self.w
                    .documents
                    .iter()
                    .find(|x| x.id == *d)
                    .map_or_else(|| d.clone(), |x| label(&x.label, self.lang))
            })
            .collect();
        self.el(
            base,
            labels.join(", "),
            Kind::ServiceTask {
                job: "issue-document".into(),
                headers: vec![("documents".into(), documents.join(","))],
                inputs: Vec::new(),
            },
            container,
        )
    }

    /// The way out of `from` by the state's plain (not timed) transitions.
    fn exits(&mut self, state: &str, from: &str, transitions: &[&ir::Transition], container: &str) {
        match transitions {
            [] => {}
            [t] if t.when.is_none() => {
                self.along(from, t, container, None, None);
            }
            many => {
                let question = self.question(state);
                let gw = self.el(
                    &format!("Gateway_{state}"),
                    question,
                    Kind::Xor { default: None },
                    container,
                );
                self.flow(from, &gw, None, None);
                let mut default = None;
                for t in many {
                    let condition = t.when.as_ref().map(|w| condition(w, &self.computed));
                    let name = Some(self.answer(state, t));
                    let f = self.along(&gw, t, container, condition.clone(), name);
                    if condition.is_none() {
                        default = Some(f);
                    }
                }
                if let Some(el) = self.els.iter_mut().find(|e| e.id == gw) {
                    el.kind = Kind::Xor { default };
                }
            }
        }
    }

    /// The elements and flows of the workflow. The timer comes first: the
    /// states in its span are put inside its subprocess ([`Self::container_of`]).
    fn build(&mut self) {
        if let Some(t) = self.w.timers.first() {
            self.timer(t);
        }
        for s in &self.w.states {
            let container = self.container_of(&s.id);
            match s.kind {
                StateKind::Start => self.start(s, &container),
                StateKind::Step | StateKind::Payment => self.step(s, &container),
                StateKind::Parallel => self.parallel(s, &container),
                // End events are made where a flow arrives (`entry`).
                StateKind::End => {}
            }
        }
    }

    /// The states reachable from `from` (itself included): a timer's span.
    fn reachable(&self, from: &str) -> BTreeSet<String> {
        let mut span = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(s) = stack.pop() {
            if span.insert(s.clone())
                && let Some(st) = self.state(&s)
            {
                stack.extend(st.transitions.iter().map(|x| x.to.clone()));
            }
        }
        span
    }

    /// The workflow's timer: the states after its start in a subprocess
    /// that ends the case when they do, with a non-interrupting boundary
    /// timer that may end the process ([`Self::timer_fired`]).
    fn timer(&mut self, t: &'p ir::Timer) {
        let lang = self.lang;
        self.span = self.reachable(&t.from);
        let sub = self.el(
            &format!("Sub_{}", t.id),
            label(&t.label, lang),
            Kind::Sub,
            "",
        );
        self.sub = Some(sub.clone());
        let inner_start = self.el(
            &format!("Start_{}", t.id),
            label(&t.label, lang),
            Kind::Start,
            &sub,
        );
        let first = self.entry(&t.from, &sub);
        self.flow(&inner_start, &first, None, None);
        let done_name = self.words("Verfahren abgeschlossen", "Case closed");
        let done = self.el(
            &format!("End_{}_done", t.id),
            done_name,
            Kind::End { terminate: false },
            "",
        );
        self.flow(&sub, &done, None, None);
        let timer = self.el(
            &format!("Timer_{}", t.id),
            label(&t.label, lang),
            Kind::Boundary {
                attached: sub.clone(),
                duration: iso_duration(&t.after),
                interrupting: false,
            },
            "",
        );
        self.timer_fired(t, &timer);
    }

    /// What follows when the timer fires: the process ends in a terminate
    /// end event, issuing the timer's documents on the way; with a guard,
    /// only if it holds, else the timer is without effect.
    fn timer_fired(&mut self, t: &'p ir::Timer, timer: &str) {
        let end_label = self
            .state(&t.to)
            .map(|s| label(&s.label, self.lang))
            .unwrap_or_default();
        let end = self.el(
            &format!("End_{}", t.to),
            end_label.clone(),
            Kind::End { terminate: true },
            "",
        );
        let transition = ir::Transition {
            to: t.to.clone(),
            when: None,
            after: None,
            issues: t.issues.clone(),
        };
        let Some(w) = &t.when else {
            self.along_to(timer, &transition, &end, None, None);
            return;
        };
        let question = if amt_model::is_german(self.lang) {
            format!("Endet der Fall mit „{end_label}“?")
        } else {
            format!("Does the case end with “{end_label}”?")
        };
        let gw = self.el(
            &format!("Gateway_{}", t.id),
            question,
            Kind::Xor { default: None },
            "",
        );
        self.flow(timer, &gw, None, None);
        let no_effect_name = self.words("Frist ohne Wirkung", "Deadline without effect");
        let no_effect = self.el(
            &format!("End_{}_no_effect", t.id),
            no_effect_name,
            Kind::End { terminate: false },
            "",
        );
        let no = self.words("nein", "no");
        let default = self.flow(&gw, &no_effect, Some(no), None);
        if let Some(el) = self.els.iter_mut().find(|e| e.id == gw) {
            el.kind = Kind::Xor {
                default: Some(default),
            };
        }
        let condition = Some(condition(w, &self.computed));
        let yes = self.words("ja", "yes");
        self.along_to(&gw, &transition, &end, condition, Some(yes));
    }

    /// A start state: a start event and the way out of it.
    fn start(&mut self, s: &'p State, container: &str) {
        let id = self.el(
            &format!("Start_{}", s.id),
            label(&s.label, self.lang),
            Kind::Start,
            container,
        );
        let plain: Vec<&ir::Transition> = s.transitions.iter().collect();
        self.exits(&s.id, &id, &plain, container);
    }

    /// A step: a task, an interrupting boundary timer for each timed
    /// transition, and the way out by the others.
    fn step(&mut self, s: &'p State, container: &str) {
        let kind = match &s.amount {
            // A payment: the provider's worker (e.g. for ePayBL) takes the
            // job, asks the applicant to pay `amount` and completes the job
            // when paid; the deadline's timer interrupts it when not.
            Some(amount) if s.kind == StateKind::Payment => Kind::ServiceTask {
                job: "amt-payment".into(),
                headers: vec![("state".into(), s.id.clone())],
                inputs: vec![(
                    "amount".into(),
                    format!("={}", crate::emit::feel::feel(amount, &self.computed)),
                )],
            },
            _ => self.task_kind(s.actor.as_deref(), &s.id),
        };
        let task = self.el(
            &format!("Task_{}", s.id),
            label(&s.label, self.lang),
            kind,
            container,
        );
        for t in s.transitions.iter().filter(|t| t.after.is_some()) {
            let d = t.after.as_ref().map(iso_duration).unwrap_or_default();
            let name = t
                .after
                .as_ref()
                .map(|a| self.duration_words(a))
                .unwrap_or_default();
            let b = self.el(
                &format!("Timer_{}_{}", s.id, t.to),
                name,
                Kind::Boundary {
                    attached: task.clone(),
                    duration: d,
                    interrupting: true,
                },
                container,
            );
            self.along(&b, t, container, None, None);
        }
        let plain: Vec<&ir::Transition> =
            s.transitions.iter().filter(|t| t.after.is_none()).collect();
        self.exits(&s.id, &task, &plain, container);
    }

    /// Parallel steps: a task per branch between a fork and a join, then
    /// the way out of the join.
    fn parallel(&mut self, s: &'p State, container: &str) {
        let fork = self.el(
            &format!("Fork_{}", s.id),
            label(&s.label, self.lang),
            Kind::And,
            container,
        );
        let join = self.el(
            &format!("Join_{}", s.id),
            String::new(),
            Kind::And,
            container,
        );
        for b in &s.branches {
            match b.transitions.iter().find(|t| t.after.is_some()) {
                Some(t) => self.branch_with_deadline(b, t, (&fork, &join), container),
                None => {
                    let kind = self.task_kind(b.actor.as_deref(), &b.id);
                    let task = self.el(
                        &format!("Task_{}", b.id),
                        label(&b.label, self.lang),
                        kind,
                        container,
                    );
                    self.flow(&fork, &task, None, None);
                    self.flow(&task, &join, None, None);
                }
            }
        }
        let plain: Vec<&ir::Transition> = s.transitions.iter().collect();
        self.exits(&s.id, &join, &plain, container);
    }

    /// A branch that a deadline (`timed`) can end: its own subprocess,
    /// whose two ends (done, deadline passed) both lead to the join without
    /// a merge.
    fn branch_with_deadline(
        &mut self,
        b: &'p State,
        timed: &ir::Transition,
        (fork, join): (&str, &str),
        container: &str,
    ) {
        let lang = self.lang;
        let kind = self.task_kind(b.actor.as_deref(), &b.id);
        let sub = self.el(
            &format!("Sub_{}", b.id),
            label(&b.label, lang),
            Kind::Sub,
            container,
        );
        let start = self.el(
            &format!("Start_{}_in", b.id),
            label(&b.label, lang),
            Kind::Start,
            &sub,
        );
        let task = self.el(&format!("Task_{}", b.id), label(&b.label, lang), kind, &sub);
        let done_name = self.words("Erledigt", "Done");
        let done = self.el(
            &format!("End_{}_done", b.id),
            done_name,
            Kind::End { terminate: false },
            &sub,
        );
        let d = timed.after.as_ref().map(iso_duration).unwrap_or_default();
        let name = timed
            .after
            .as_ref()
            .map(|a| self.duration_words(a))
            .unwrap_or_default();
        let timer = self.el(
            &format!("Timer_{}", b.id),
            name,
            Kind::Boundary {
                attached: task.clone(),
                duration: d,
                interrupting: true,
            },
            &sub,
        );
        let passed_name = self.words("Frist abgelaufen", "Deadline passed");
        let passed = self.el(
            &format!("End_{}_deadline", b.id),
            passed_name,
            Kind::End { terminate: false },
            &sub,
        );
        self.flow(&start, &task, None, None);
        self.flow(&task, &done, None, None);
        self.flow(&timer, &passed, None, None);
        self.flow(fork, &sub, None, None);
        self.flow(&sub, join, None, None);
    }

    fn along_to(
        &mut self,
        from: &str,
        t: &ir::Transition,
        end: &str,
        condition: Option<String>,
        name: Option<String>,
    ) {
        if t.issues.is_empty() {
            self.flow(from, end, name, condition);
            return;
        }
        let task = self.issue_task(&format!("Issue_{from}"), &t.issues, "");
        self.flow(from, &task, name, condition);
        self.flow(&task, end, None, None);
    }
}

/// The BPMN of a procedure's workflow, or `None` when it has none.
pub fn bpmn(p: &Procedure) -> Option<String> {
    bpmn_for(p, None)
}

/// [`bpmn`] for one authority: the process is named after the procedure and
/// the authority responsible ("Bauantrag – Landratsamt Starnberg"), so that
/// each authority's deployment says whose it is in Modeler and Operate.
pub fn bpmn_for(p: &Procedure, authority: Option<&ir::I18n>) -> Option<String> {
    let w = p.workflow.as_ref()?;
    let lang = p.source_language();
    let mut b = Builder {
        w,
        computed: computed_values(p),
        lang,
        els: Vec::new(),
        flows: Vec::new(),
        ids: BTreeSet::new(),
        ends: HashMap::new(),
        span: BTreeSet::new(),
        sub: None,
    };
    b.build();
    b.merges();
    let process_id = format!("Process_{}", p.id);
    let mut x = String::new();
    let _ = writeln!(x, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        x,
        r#"<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_{id}" targetNamespace="urn:amt:{id}:{version}" exporter="amt" exporterVersion="{amt}" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">"#,
        id = xml(&p.id),
        version = xml(&p.version),
        amt = env!("CARGO_PKG_VERSION"),
    );
    let mut title = label(&p.title, lang);
    if let Some(a) = authority {
        title = format!("{title} – {}", label(a, lang));
    }
    let _ = writeln!(
        x,
        r#"  <bpmn:process id="{}" name="{}" isExecutable="true">"#,
        xml(&process_id),
        xml(&title)
    );
    write_container(&mut x, &b.els, &b.flows, "", 2, &p.id);
    let _ = writeln!(x, "  </bpmn:process>");
    write_diagram(&mut x, &b.els, &b.flows, &p.id, &process_id);
    let _ = writeln!(x, "</bpmn:definitions>");
    Some(x)
}
