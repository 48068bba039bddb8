//! Runs a procedure's examples: each example submission goes through amt's
//! validator, and what comes out is compared with what the author expects.
//! `amt test` prints the outcomes like a test runner.

use crate::ir::{ActorKind, Example, Expectation, Procedure, StateKind};
use crate::validate::{Model, Options, Severity};
use amt_model::date::Date;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// The outcome of one example.
#[derive(Debug)]
pub struct Outcome {
    /// The procedure's id.
    pub procedure: String,
    /// The example's name.
    pub name: String,
    /// `file:line` of the example.
    pub location: String,
    /// What differs from the expectations, one line each (empty: passed).
    pub differences: Vec<String>,
    /// The documents it expects, written for its case in each language of
    /// the procedure (for review: `amt test --documents DIR`).
    pub documents: Vec<Rendered>,
}

/// A document an example's case receives, as written.
#[derive(Debug)]
pub struct Rendered {
    /// The document's name.
    pub document: String,
    /// The language.
    pub lang: String,
    /// What it says.
    pub written: crate::emit::document::Written,
}

impl Outcome {
    /// Whether everything came out as expected.
    pub fn passed(&self) -> bool {
        self.differences.is_empty()
    }
}

fn same(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

/// Whether an expectation on `expected` covers a problem reported at
/// `actual`: the same place, or a part inside it (`expect error on
/// person[0].ehe` covers `person[0].ehe.datum`).
fn covers(expected: &str, actual: &str) -> bool {
    actual == expected
        || actual
            .strip_prefix(expected)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// Compares what was expected with what was reported, as a diff.
fn diff(
    kind: &str,
    expected: &BTreeSet<String>,
    actual: &[(String, String)],
    out: &mut Vec<String>,
) {
    let missing: Vec<&String> = expected
        .iter()
        .filter(|e| !actual.iter().any(|(a, _)| covers(e, a)))
        .collect();
    let mut unexpected: Vec<&(String, String)> = actual
        .iter()
        .filter(|(a, _)| !expected.iter().any(|e| covers(e, a)))
        .collect();
    unexpected.dedup_by(|x, y| x.0 == y.0);
    if missing.is_empty() && unexpected.is_empty() {
        return;
    }
    out.push(format!(
        "{kind}s differ (- expected, not reported; + reported, not expected):"
    ));
    for e in missing {
        out.push(format!("  - {kind} on {e}"));
    }
    for (path, message) in unexpected {
        out.push(format!("  + {kind} on {path}: {message}"));
    }
}

/// Runs one example against a prepared procedure.
pub fn run_example(
    model: &Model,
    example: &Example,
    today: Date,
    authority: Option<&crate::ir::municipality::AuthorityInfo>,
) -> Vec<String> {
    run_example_documents(model, example, today, authority, &mut Vec::new())
}

/// [`run_example`], adding the documents it expects, written in every
/// language, to `documents`.
pub fn run_example_documents(
    model: &Model,
    example: &Example,
    today: Date,
    authority: Option<&crate::ir::municipality::AuthorityInfo>,
    documents: &mut Vec<Rendered>,
) -> Vec<String> {
    let today = example
        .today
        .as_deref()
        .and_then(Date::parse)
        .unwrap_or(today);
    let options = Options { today, lang: None };
    let report = model.validate(&example.data, &options);
    let mut out = Vec::new();
    let problems = |severity: Severity| -> Vec<(String, String)> {
        report
            .problems
            .iter()
            .filter(|p| p.severity == severity)
            .map(|p| (p.path.clone(), format!("{} [{}]", p.message, p.check)))
            .collect()
    };
    let expects = &example.expect;
    let checks_errors = expects
        .iter()
        .any(|e| matches!(e, Expectation::Valid | Expectation::Error { .. }));
    if checks_errors {
        let expected = expects
            .iter()
            .filter_map(|e| match e {
                Expectation::Error { path } => Some(path.clone()),
                _ => None,
            })
            .collect();
        diff("error", &expected, &problems(Severity::Error), &mut out);
    }
    if expects
        .iter()
        .any(|e| matches!(e, Expectation::Warning { .. }))
    {
        let expected = expects
            .iter()
            .filter_map(|e| match e {
                Expectation::Warning { path } => Some(path.clone()),
                _ => None,
            })
            .collect();
        diff("warning", &expected, &problems(Severity::Warning), &mut out);
    }
    for e in expects {
        match e {
            Expectation::Visible { path } | Expectation::Hidden { path } => {
                let want = matches!(e, Expectation::Visible { .. });
                let is = report.visible.get(path).copied();
                if is != Some(want) {
                    let actual = match is {
                        Some(true) => "it applies",
                        Some(false) => "it does not apply",
                        None => "it is not in the submission (no such item)",
                    };
                    out.push(format!(
                        "{path}: expected {}, but {actual}",
                        if want {
                            "to apply (visible)"
                        } else {
                            "not to apply (hidden)"
                        }
                    ));
                }
            }
            Expectation::Outcome { state } => {
                match simulate(model.procedure, model, example, today) {
                    Ok(p) if p.last() == Some(state) => {}
                    Ok(p) => out.push(format!(
                        "expected the case to end in `{state}`, it ends in `{}` via {}",
                        p.last().map_or("", String::as_str),
                        p.join(" → ")
                    )),
                    Err(e) => out.push(format!("expected the case to end in `{state}`, but {e}")),
                }
            }
            Expectation::Document { id, says } => {
                match run_case(model.procedure, model, example, today) {
                    Ok(run) if run.issued.contains(id) => out.extend(document_says(
                        model.procedure,
                        id,
                        &run,
                        says,
                        authority,
                        today,
                        documents,
                    )),
                    Ok(run) => out.push(format!(
                        "expected the case to receive `{id}`, but it receives {} on the way {}",
                        if run.issued.is_empty() {
                            "no document".to_string()
                        } else {
                            run.issued
                                .iter()
                                .map(|d| format!("`{d}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        },
                        run.path.join(" → ")
                    )),
                    Err(e) => out.push(format!("expected the case to receive `{id}`, but {e}")),
                }
            }
            Expectation::Path { states } => {
                match simulate(model.procedure, model, example, today) {
                    Ok(p) if p == *states => {}
                    Ok(p) => out.push(format!(
                        "path differs:\n  - expected {}\n  + actual   {}",
                        states.join(" → "),
                        p.join(" → ")
                    )),
                    Err(e) => {
                        out.push(format!("expected the path {}, but {e}", states.join(" → ")))
                    }
                }
            }
            Expectation::Value { path, value } => match report.computed.get(path) {
                Some(actual) if same(actual, value) => {}
                Some(actual) => out.push(format!("{path}: expected {value}, computed {actual}")),
                None => out.push(format!(
                    "{path}: expected {value}, but it cannot be computed from these answers"
                )),
            },
            _ => {}
        }
    }
    out
}

/// What a document written for the case `run` lacks of the texts `says`
/// (per language), as differences.
#[allow(clippy::too_many_arguments)]
fn document_says(
    p: &Procedure,
    id: &str,
    run: &Run,
    says: &crate::ir::I18n,
    authority: Option<&crate::ir::municipality::AuthorityInfo>,
    today: Date,
    documents: &mut Vec<Rendered>,
) -> Vec<String> {
    let case = crate::emit::document::Case {
        data: run.data.clone(),
        date: Some(today.to_string()),
        ..Default::default()
    };
    let mut out = Vec::new();
    for lang in &p.languages {
        match crate::emit::document::write(p, id, &case, authority, lang, today) {
            Ok(written) => {
                if let Some(text) = says.get(lang)
                    && !squash(&written.plain()).contains(&squash(text))
                {
                    out.push(format!(
                        "`{id}` ({lang}) does not say “{text}”; it says:\n    {}",
                        written.plain().replace('\n', "\n    ")
                    ));
                }
                if !documents
                    .iter()
                    .any(|d| d.document == id && d.lang == *lang)
                {
                    documents.push(Rendered {
                        document: id.to_string(),
                        lang: lang.clone(),
                        written,
                    });
                }
            }
            Err(e) => out.push(format!("cannot write `{id}` ({lang}): {e}")),
        }
    }
    for lang in says.keys().filter(|l| !p.languages.contains(l)) {
        out.push(format!(
            "`{id}` is not written in `{lang}`, the procedure's languages are {}",
            p.languages.join(", ")
        ));
    }
    out
}

/// Text with every run of white space one space.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Follows a case through the workflow with an example's answers,
/// decisions and passing deadlines; returns the states it passes.
///
/// The rules, which the BPMN engine test (`.ci/workflows.mjs`) follows too:
/// a step takes its decisions (the n-th value on its n-th visit, the last
/// repeated; an unlisted yes/no decision is `no`), then the first transition
/// whose guard holds, else the one without a guard; a step listed in
/// `timeout` leaves by its deadline instead. A workflow timer listed in
/// `timeout` fires at the first step inside its span that waits for a person;
/// if its guard holds the case ends there.
pub fn simulate(
    p: &Procedure,
    model: &Model,
    example: &Example,
    today: Date,
) -> Result<Vec<String>, String> {
    run_case(p, model, example, today).map(|r| r.path)
}

/// A case followed through the workflow.
#[derive(Debug)]
pub struct Run {
    /// The states it passes.
    pub path: Vec<String>,
    /// The documents issued on the way, in order.
    pub issued: Vec<String>,
    /// The answers with the decisions taken, as the documents read them.
    pub data: Json,
}

/// [`simulate`], with the documents issued and the decisions taken.
pub fn run_case(
    p: &Procedure,
    model: &Model,
    example: &Example,
    today: Date,
) -> Result<Run, String> {
    let Some(w) = &p.workflow else {
        return Err("the procedure has no workflow".into());
    };
    let mut data = example.data.clone();
    if !data.is_object() {
        data = serde_json::json!({});
    }
    let mut visits: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut fired: BTreeSet<String> = BTreeSet::new();
    let mut path = Vec::new();
    let mut issued: Vec<String> = Vec::new();
    let Some(mut state) = w.states.iter().find(|s| s.kind == StateKind::Start) else {
        return Err("the workflow has no start".into());
    };
    let find = |id: &str| w.states.iter().find(|s| s.id == id);
    let waits = |s: &crate::ir::State| {
        let person = |a: &Option<String>| {
            a.as_ref()
                .and_then(|a| w.actors.iter().find(|x| x.id == *a))
                .is_some_and(|a| a.kind != ActorKind::System)
        };
        // A payment waits for the applicant.
        s.kind == StateKind::Payment
            || person(&s.actor)
            || s.branches.iter().any(|b| person(&b.actor))
    };
    // The states a timer's deadline runs over.
    let span = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(s) = stack.pop() {
            if seen.insert(s.clone())
                && let Some(st) = find(&s)
            {
                stack.extend(st.transitions.iter().map(|t| t.to.clone()));
            }
        }
        seen
    };
    for _ in 0..1000 {
        path.push(state.id.clone());
        if state.kind == StateKind::End {
            return Ok(Run { path, issued, data });
        }
        // A workflow timer that expires while the case waits here.
        if waits(state)
            && let Some(t) = w.timers.iter().find(|t| {
                example.timeouts.contains(&t.id)
                    && !fired.contains(&t.id)
                    && span(&t.from).contains(&state.id)
            })
        {
            fired.insert(t.id.clone());
            let holds = t.when.as_ref().is_none_or(|c| {
                let mut ev = crate::validate::eval::Eval {
                    model,
                    data: &data,
                    today,
                    bound: Vec::new(),
                };
                ev.eval(c).truth() == Some(true)
            });
            if holds {
                path.push(t.to.clone());
                issued.extend(t.issues.iter().cloned());
                return Ok(Run { path, issued, data });
            }
        }
        let mut decide = |s: &crate::ir::State, data: &mut Json| {
            let n = visits.entry(s.id.clone()).or_default();
            for d in &s.decisions {
                let value = example
                    .decisions
                    .get(&d.id)
                    .and_then(|vs| vs.get(*n).or(vs.last()))
                    .cloned();
                let value = match (value, &d.ty) {
                    (Some(v), _) => Some(v),
                    (None, crate::ir::Ty::Boolean) => Some(Json::Bool(false)),
                    (None, _) => None,
                };
                if let (Some(v), Some(o)) = (value, data.as_object_mut()) {
                    o.insert(d.id.clone(), v);
                }
            }
            *n += 1;
        };
        let timed_out = example.timeouts.contains(&state.id);
        let next = match state.kind {
            StateKind::Step | StateKind::Payment if timed_out => state
                .transitions
                .iter()
                .find(|t| t.after.is_some())
                .map(|t| (t.to.clone(), t.issues.clone())),
            kind => {
                if kind == StateKind::Step {
                    decide(state, &mut data);
                }
                for b in &state.branches {
                    if !example.timeouts.contains(&b.id) {
                        decide(b, &mut data);
                    }
                }
                let mut ev = crate::validate::eval::Eval {
                    model,
                    data: &data,
                    today,
                    bound: Vec::new(),
                };
                let plain: Vec<&crate::ir::Transition> = state
                    .transitions
                    .iter()
                    .filter(|t| t.after.is_none())
                    .collect();
                plain
                    .iter()
                    .find(|t| {
                        t.when
                            .as_ref()
                            .is_some_and(|c| ev.eval(c).truth() == Some(true))
                    })
                    .or_else(|| plain.iter().find(|t| t.when.is_none()))
                    .map(|t| (t.to.clone(), t.issues.clone()))
            }
        };
        let Some((next, docs)) = next else {
            return Err(format!(
                "in `{}` no transition applies (path so far: {})",
                state.id,
                path.join(", ")
            ));
        };
        issued.extend(docs);
        state = find(&next).ok_or_else(|| format!("no state `{next}`"))?;
    }
    Err(format!(
        "the case does not end within 1000 steps (path: {} …)",
        path.iter().take(12).cloned().collect::<Vec<_>>().join(", ")
    ))
}

/// Runs every example of the procedures; `today` is used where an example
/// does not fix the date itself.
pub fn run(procedures: &[Procedure], today: Date) -> Vec<Outcome> {
    run_in(procedures, &Default::default(), today)
}

/// [`run`], each example with the values of the municipality it names (of
/// `registry`), or with the procedure's defaults.
pub fn run_in(
    procedures: &[Procedure],
    registry: &crate::ir::municipality::Registry,
    today: Date,
) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for p in procedures {
        if p.examples.is_empty() {
            continue;
        }
        // One model per municipality the examples name, in their order.
        let mut places: Vec<Option<&str>> = Vec::new();
        for ex in &p.examples {
            if !places.contains(&ex.municipality.as_deref()) {
                places.push(ex.municipality.as_deref());
            }
        }
        let mut models = Vec::new();
        for place in places {
            let instance = crate::municipal::instance(p, registry, place);
            models.push((place, instance));
        }
        for ex in &p.examples {
            let (_, instance) = models
                .iter()
                .find(|(place, _)| *place == ex.municipality.as_deref())
                .expect("a model per place");
            let mut documents = Vec::new();
            let differences = match instance {
                // The instance's own example: with a municipality's
                // additions, it holds the answers to its local questions.
                Ok(instance) => {
                    let own = instance.examples.iter().find(|e| e.name == ex.name);
                    let authority = ex
                        .municipality
                        .as_deref()
                        .and_then(|ars| registry.resolve(ars, &p.id))
                        .map(|r| r.authority.0);
                    run_example_documents(
                        &Model::new(instance),
                        own.unwrap_or(ex),
                        today,
                        authority,
                        &mut documents,
                    )
                }
                Err(e) => vec![format!("cannot run: {e}")],
            };
            outcomes.push(Outcome {
                procedure: p.id.clone(),
                name: ex.name.clone(),
                location: format!("{}:{}", p.source, ex.line),
                differences,
                documents,
            });
        }
    }
    outcomes
}
