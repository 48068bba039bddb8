//! Runs a procedure's examples: each example submission goes through amt's
//! validator, and what comes out is compared with what the author expects.
//! `amt test` prints the outcomes like a test runner.

use crate::expr::date::Date;
use crate::ir::{Example, Expectation, Procedure};
use crate::validate::{Model, Options, Severity};
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
pub fn run_example(model: &Model, example: &Example, today: Date) -> Vec<String> {
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

/// Runs every example of the procedures; `today` is used where an example
/// does not fix the date itself.
pub fn run(procedures: &[Procedure], today: Date) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for p in procedures {
        if p.examples.is_empty() {
            continue;
        }
        let model = Model::new(p);
        for ex in &p.examples {
            outcomes.push(Outcome {
                procedure: p.id.clone(),
                name: ex.name.clone(),
                location: format!("{}:{}", p.source, ex.line),
                differences: run_example(&model, ex, today),
            });
        }
    }
    outcomes
}
