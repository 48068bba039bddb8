//! A portal's server validating a submission with amt's validator alone
//! (this crate and the model; no compiler):
//!
//!     cargo run -p amt-validate --example validate -- \
//!         output/wohnsitzanmeldung/procedure.json submission.json [YYYY-MM-DD]
//!
//! It prints the report as JSON and exits 1 when the submission is invalid.

use amt_model::Procedure;
use amt_model::date::Date;
use amt_validate::{Model, Options};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(model_path), Some(submission_path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: validate PROCEDURE.json SUBMISSION.json [TODAY]");
        return ExitCode::from(2);
    };
    let read = |path: &str| {
        std::fs::read_to_string(path).map_err(|e| eprintln!("cannot read {path}: {e}"))
    };
    let (Ok(model), Ok(submission)) = (read(model_path), read(submission_path)) else {
        return ExitCode::from(2);
    };
    // Read once when the portal starts; a Model serves every submission.
    let procedure = match Procedure::from_json(&model) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{model_path} is not a procedure model: {e}");
            return ExitCode::from(2);
        }
    };
    let model = Model::new(&procedure);
    let data: serde_json::Value = match serde_json::from_str(&submission) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{submission_path} is not JSON: {e}");
            return ExitCode::from(2);
        }
    };
    let today = args.get(2).and_then(|t| Date::parse(t)).unwrap_or(Date {
        year: 2026,
        month: 1,
        day: 1,
    });
    let options = Options { today, lang: None };
    let report = model.validate(&data, &options);
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
