//! Emitters: the checked model → the files of a build. Each emitter is a pure
//! function from [`ir`] to bytes; writing them is the caller's business
//! (see [`crate::output`]).

pub mod bpmn;
pub mod html;
mod manifest;
pub mod schema;
pub mod workflow;

pub use manifest::{FileRecord, manifest};

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

/// Where a build's files go, one at a time, from every core.
pub type Sink<'a> = dyn Fn(OutputFile) -> Result<(), String> + Sync + 'a;

/// Every file of a build, in a stable order: the shared assets, per
/// procedure its files, the list of procedures, then the manifest. Fails only
/// on a broken template of the municipality's own (`--templates`).
pub fn build(procedures: &[ir::Procedure], settings: &Settings) -> Result<Vec<OutputFile>, String> {
    let collected = std::sync::Mutex::new(Vec::new());
    let procedures: Vec<&ir::Procedure> = procedures.iter().collect();
    let records = build_into(&procedures, settings, &|file| {
        collected
            .lock()
            .map_err(|_| "an emitter failed".to_string())?
            .push(file);
        Ok(())
    })?;
    let mut files = collected
        .into_inner()
        .map_err(|_| "an emitter failed".to_string())?;
    let order: std::collections::HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.path.as_str(), i))
        .collect();
    files.sort_by_key(|f| order.get(f.path.as_str()).copied().unwrap_or(usize::MAX));
    Ok(files)
}

/// Emits every file of a build into `sink` as soon as it is made, so that a
/// build of thousands of procedures never holds them all in memory; returns
/// what the manifest says of each, in the stable order of [`build`].
/// Procedures are emitted on every core; `sink` is called from each.
pub fn build_into(
    procedures: &[&ir::Procedure],
    settings: &Settings,
    sink: &Sink,
) -> Result<Vec<FileRecord>, String> {
    let mut records = Vec::new();
    let mut sorted: Vec<&ir::Procedure> = procedures.to_vec();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let env = html::environment(settings.templates.clone());
    let stylesheet = match settings.templates.as_ref().map(|d| d.join("amt.css")) {
        Some(own) if own.is_file() => {
            std::fs::read(&own).map_err(|e| format!("cannot read {}: {e}", own.display()))?
        }
        _ => html::STYLESHEET.as_bytes().to_vec(),
    };
    emit_to(
        sink,
        &mut records,
        OutputFile {
            path: "assets/amt.css".into(),
            bytes: stylesheet,
        },
    )?;
    emit_to(
        sink,
        &mut records,
        OutputFile {
            path: "assets/amt.js".into(),
            bytes: html::SCRIPT.as_bytes().to_vec(),
        },
    )?;
    // Procedures are independent: emit them on every core, keeping only the
    // records of their files, which come back in the sorted order.
    // After the first failure the other workers stop: the build is lost.
    let failed = std::sync::atomic::AtomicBool::new(false);
    let per_procedure = crate::par::map(&sorted, |p| -> Result<Vec<FileRecord>, String> {
        if failed.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(STOPPED.into());
        }
        let mut records = Vec::new();
        let result = procedure_files(&env, p, settings).and_then(|files| {
            files
                .into_iter()
                .try_for_each(|file| emit_to(sink, &mut records, file))
        });
        if result.is_err() {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        result.map(|()| records)
    });
    let mut first_error = None;
    for done in per_procedure {
        match done {
            Ok(r) => records.extend(r),
            Err(e) if first_error.is_none() || first_error.as_deref() == Some(STOPPED) => {
                first_error = Some(e)
            }
            Err(_) => {}
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    let index = OutputFile {
        path: "index.html".into(),
        bytes: html::index_page(&env, &sorted)
            .map_err(template_error)?
            .into_bytes(),
    };
    emit_to(sink, &mut records, index)?;
    let manifest = manifest(&sorted, &records);
    emit_to(sink, &mut records, manifest)?;
    Ok(records)
}

const STOPPED: &str = "stopped after an earlier failure";

/// Records a file for the manifest and hands it to the sink.
fn emit_to(sink: &Sink, records: &mut Vec<FileRecord>, file: OutputFile) -> Result<(), String> {
    records.push(FileRecord::of(&file));
    sink(file)
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
