//! Emitters: the checked model → the files of a build. Each emitter is a pure
//! function from [`ir`] to bytes; writing them is the caller's business
//! (see [`crate::output`]).

pub mod bpmn;
pub mod html;
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
    /// A folder whose templates (and `amt.css`) replace the shipped ones.
    pub templates: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            schema_base: schema::DEFAULT_BASE.to_string(),
            templates: None,
        }
    }
}

/// Every file of a build, in a stable order: the shared assets, per
/// procedure its files, the list of procedures, then the manifest. Fails only
/// on a broken template of the municipality's own (`--templates`).
pub fn build(procedures: &[ir::Procedure], settings: &Settings) -> Result<Vec<OutputFile>, String> {
    let mut files = Vec::new();
    let mut sorted: Vec<&ir::Procedure> = procedures.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let env = html::environment(settings.templates.clone());
    let stylesheet = match settings.templates.as_ref().map(|d| d.join("amt.css")) {
        Some(own) if own.is_file() => {
            std::fs::read(&own).map_err(|e| format!("cannot read {}: {e}", own.display()))?
        }
        _ => html::STYLESHEET.as_bytes().to_vec(),
    };
    files.push(OutputFile {
        path: "assets/amt.css".into(),
        bytes: stylesheet,
    });
    files.push(OutputFile {
        path: "assets/amt.js".into(),
        bytes: html::SCRIPT.as_bytes().to_vec(),
    });
    // Procedures are independent: emit them on every core, then put the
    // files together in the sorted order, so the output stays the same.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(sorted.len().max(1));
    let chunk = sorted.len().div_ceil(workers).max(1);
    let per_chunk: Vec<Result<Vec<OutputFile>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = sorted
            .chunks(chunk)
            .map(|procs| {
                let env = &env;
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for p in procs {
                        out.extend(procedure_files(env, p, settings)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("an emitter failed".to_string()))
            })
            .collect()
    });
    for files_of_chunk in per_chunk {
        files.extend(files_of_chunk?);
    }
    files.push(OutputFile {
        path: "index.html".into(),
        bytes: html::index_page(&env, &sorted)
            .map_err(template_error)?
            .into_bytes(),
    });
    files.push(manifest(&sorted, &files));
    Ok(files)
}

fn template_error(e: minijinja::Error) -> String {
    format!("the HTML template failed: {e:#}")
}

/// The files of one procedure: its forms, model, schema and workflow.
fn procedure_files(
    env: &minijinja::Environment<'static>,
    p: &ir::Procedure,
    settings: &Settings,
) -> Result<Vec<OutputFile>, String> {
    let mut files = Vec::new();
    for lang in &p.languages {
        files.push(OutputFile {
            path: format!("{}/{}", p.id, html::page_file(p, lang)),
            bytes: html::procedure_page(env, p, lang)
                .map_err(template_error)?
                .into_bytes(),
        });
    }
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
    Ok(files)
}
