//! Emitters: the checked model → the files of a build. Each emitter is a pure
//! function from [`ir`] to bytes; writing them is the caller's business
//! (see [`crate::output`]).

pub mod bpmn;
mod manifest;
pub mod schema;
pub mod workflow;

pub use manifest::manifest;

use crate::ir;

/// One file of a build: a path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `/`-separated, e.g. `wohnsitzanmeldung/procedure.json`.
    pub path: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Pretty JSON with a final newline: stable, reviewable in diffs.
pub fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("the model serialises to JSON");
    bytes.push(b'\n');
    bytes
}

/// How to build.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The base URI of schema ids ([`schema::DEFAULT_BASE`] by default).
    pub schema_base: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            schema_base: schema::DEFAULT_BASE.to_string(),
        }
    }
}

/// Every file of a build, in a stable order: per procedure its files, then
/// the manifest.
pub fn build(procedures: &[ir::Procedure], settings: &Settings) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let mut sorted: Vec<&ir::Procedure> = procedures.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for p in &sorted {
        files.push(OutputFile {
            path: format!("{}/procedure.json", p.id),
            bytes: json(p),
        });
        files.push(OutputFile {
            path: format!("{}/schema.json", p.id),
            bytes: json(&schema::schema(p, &settings.schema_base)),
        });
        if let Some(xml) = bpmn::bpmn(p) {
            files.push(OutputFile {
                path: format!("{}/workflow.bpmn", p.id),
                bytes: xml.into_bytes(),
            });
        }
        if let Some(w) = workflow::workflow_json(p) {
            files.push(OutputFile {
                path: format!("{}/workflow.json", p.id),
                bytes: json(&w),
            });
        }
    }
    files.push(manifest(&sorted, &files));
    files
}
