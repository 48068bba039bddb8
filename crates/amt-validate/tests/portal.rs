//! What a portal written in Rust does with this crate alone: read the
//! models amt built (`output/*/procedure.json`) and validate submissions.
//! Every example of the real procedures is validated here, with nothing of
//! the compiler, and gives the verdict its author expects.

use amt_model::date::Date;
use amt_model::{Expectation, Procedure};
use amt_validate::{Model, Options, Severity};

fn built_models() -> Vec<Procedure> {
    let output = concat!(env!("CARGO_MANIFEST_DIR"), "/../../output");
    let mut models = Vec::new();
    for entry in std::fs::read_dir(output).expect("the committed build of forms/") {
        let path = entry.unwrap().path().join("procedure.json");
        if let Ok(text) = std::fs::read_to_string(&path) {
            models.push(Procedure::from_json(&text).expect("a model amt wrote"));
        }
    }
    models.sort_by(|a, b| a.id.cmp(&b.id));
    models
}

#[test]
fn the_built_models_validate_their_examples_as_their_authors_expect() {
    let models = built_models();
    assert_eq!(models.len(), 4, "the four procedures of forms/");
    let mut checked = 0;
    for procedure in &models {
        let model = Model::new(procedure);
        for example in &procedure.examples {
            let today = example
                .today
                .as_deref()
                .and_then(Date::parse)
                .unwrap_or(Date {
                    year: 2026,
                    month: 3,
                    day: 10,
                });
            let options = Options { today, lang: None };
            let report = model.validate(&example.data, &options);
            // A problem at the place, or at a part inside it
            // (`bauzeichnungen` covers `bauzeichnungen[0].media_type`).
            let at = |severity: Severity, path: &str| {
                report.problems.iter().any(|p| {
                    p.severity == severity
                        && p.path.strip_prefix(path).is_some_and(|rest| {
                            rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')
                        })
                })
            };
            for expect in &example.expect {
                let what = format!("{} › {}: {expect:?}", procedure.id, example.name);
                match expect {
                    Expectation::Valid => assert!(report.valid, "{what}: {:?}", report.problems),
                    Expectation::Error { path } => assert!(at(Severity::Error, path), "{what}"),
                    Expectation::Warning { path } => {
                        assert!(at(Severity::Warning, path), "{what}")
                    }
                    Expectation::Visible { path } => {
                        assert_eq!(report.visible.get(path), Some(&true), "{what}")
                    }
                    Expectation::Hidden { path } => {
                        assert_ne!(report.visible.get(path), Some(&true), "{what}")
                    }
                    Expectation::Value { path, value } => {
                        assert_eq!(report.computed.get(path), Some(value), "{what}")
                    }
                    // The workflow's way and its documents are not the
                    // validator's business.
                    Expectation::Outcome { .. }
                    | Expectation::Path { .. }
                    | Expectation::Document { .. } => continue,
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} expectations checked");
}
