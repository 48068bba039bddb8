//! Emitters: the checked model → the files of a build. Each emitter turns
//! the model ([`ir`]) into bytes. The one reading they do is of what a
//! municipality gives in place of the shipped templates (`--templates`):
//! [`Emitter::start`] reads its stylesheet, and the HTML emitter's
//! environment loads each of its templates once, when first used. Writing
//! the files is the caller's business: the `amt` command writes them into a
//! staging folder that replaces the output whole.

pub mod bpmn;
pub mod camunda_form;
pub mod document;
pub(crate) mod feel;
pub mod fitconnect;
pub mod html;
mod manifest;
pub mod municipal;
pub use amt_validate::schema;
pub mod workflow;
pub mod xbau;
pub mod xdf;

pub(crate) use bpmn::xml as xml_escape;

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
    /// When the outputs that must say so were made (`xdatenfelder.xml`),
    /// as `YYYY-MM-DDThh:mm:ssZ`: never the clock, so that a build gives
    /// the same bytes (see [`Settings::made_at`]).
    pub made: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            schema_base: schema::DEFAULT_BASE.to_string(),
            templates: None,
            made: Settings::made_at(0),
        }
    }
}

impl Settings {
    /// The time `unix_seconds` after 1970-01-01 (UTC) as XML writes it;
    /// the `amt` command takes it from `SOURCE_DATE_EPOCH`, the convention
    /// of reproducible builds, else 0.
    pub fn made_at(unix_seconds: i64) -> String {
        let days = unix_seconds.div_euclid(86_400);
        let s = unix_seconds.rem_euclid(86_400);
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            amt_model::date::Date::from_days(days),
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

/// Where a build's files go, one at a time, from every core. A sink's
/// error says why a file could not be written.
pub type Sink<'a> = dyn Fn(OutputFile) -> Result<(), String> + Sync + 'a;

/// Why a build could not be made. None of these is a problem of the
/// procedures (those are diagnostics, found before anything is emitted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmitError {
    /// A template of the municipality's own (`--templates`) failed.
    Template {
        /// The procedure being rendered, if one was.
        procedure: Option<String>,
        /// What the template engine said.
        error: String,
    },
    /// A file of the municipality's own could not be read.
    Read(String),
    /// A file of the build could not be written.
    Write(String),
    /// An emitter failed on a checked model: a bug in amt.
    Internal {
        /// The procedure being emitted, if one was.
        procedure: Option<String>,
        /// Which output.
        stage: &'static str,
        /// What failed.
        error: String,
    },
}

impl EmitError {
    /// The diagnostic code of a failure that is not the file system's.
    pub fn code(&self) -> Option<crate::diagnostic::Code> {
        use crate::diagnostic::Code;
        match self {
            EmitError::Template { .. } => Some(Code::TemplateFailed),
            EmitError::Internal { .. } => Some(Code::InternalError),
            EmitError::Read(_) | EmitError::Write(_) => None,
        }
    }

    /// Whether the file system is to blame (exit code 2), not the input.
    pub fn is_io(&self) -> bool {
        matches!(self, EmitError::Read(_) | EmitError::Write(_))
    }

    /// What went wrong where a template failed: the municipality's own
    /// templates, or amt's (a bug).
    fn template(settings: &Settings, procedure: Option<&str>, e: minijinja::Error) -> EmitError {
        let procedure = procedure.map(str::to_string);
        let error = format!("{e:#}");
        if settings.templates.is_some() {
            EmitError::Template { procedure, error }
        } else {
            EmitError::Internal {
                procedure,
                stage: "the HTML form",
                error,
            }
        }
    }
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let of = |p: &Option<String>| match p {
            Some(p) => format!(" of the procedure `{p}`"),
            None => String::new(),
        };
        match self {
            EmitError::Template { procedure, error } => write!(
                f,
                "the template{} failed: {error}\n  = help: check the templates given with --templates; amt's own are in templates/",
                of(procedure)
            ),
            EmitError::Read(e) | EmitError::Write(e) => f.write_str(e),
            EmitError::Internal {
                procedure,
                stage,
                error,
            } => write!(
                f,
                "amt failed while making {stage}{}: {error}\n  = note: this is a bug in amt, not a problem of the procedure; please report it with this message",
                of(procedure)
            ),
        }
    }
}

/// Every file of a build, in a stable order: the shared assets, per
/// procedure its files, the list of procedures, then the manifest. Fails only
/// on a broken template of the municipality's own (`--templates`).
pub fn build(
    procedures: &[ir::Procedure],
    settings: &Settings,
) -> Result<Vec<OutputFile>, EmitError> {
    let collected = std::sync::Mutex::new(Vec::new());
    let procedures: Vec<&ir::Procedure> = procedures.iter().collect();
    let records = build_into(&procedures, settings, &|file| {
        collected
            .lock()
            .map_err(|_| "a worker writing the build failed".to_string())?
            .push(file);
        Ok(())
    })?;
    let mut files = collected
        .into_inner()
        .map_err(|_| internal(None, "the build", "a worker writing the build failed"))?;
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
) -> Result<Vec<FileRecord>, EmitError> {
    let emitter = Emitter::start(settings, sink)?;
    // After the first failure the other workers stop (`None`): the build is
    // lost, and the first failure in the procedures' order is reported.
    let failed = std::sync::atomic::AtomicBool::new(false);
    let per_procedure = crate::par::map(procedures, |p| {
        if failed.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        let result = emitter.procedure(p);
        if result.is_err() {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Some(result)
    });
    let mut done = Vec::with_capacity(procedures.len());
    for (p, result) in procedures.iter().zip(per_procedure) {
        match result {
            Some(Ok(records)) => done.push((*p, records)),
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    emitter.finish(done)
}

/// A build in progress: [`Emitter::start`] writes the shared assets, then
/// [`Emitter::procedure`] writes a procedure's files (from any thread, in
/// any order), and [`Emitter::finish`] the list of procedures and the
/// manifest, in the order of the procedures' ids.
pub struct Emitter<'s> {
    env: minijinja::Environment<'static>,
    options: html::OptionsCache,
    settings: &'s Settings,
    sink: &'s Sink<'s>,
    assets: Vec<FileRecord>,
}

impl<'s> Emitter<'s> {
    /// Writes the shared assets (stylesheet, script).
    pub fn start(settings: &'s Settings, sink: &'s Sink<'s>) -> Result<Emitter<'s>, EmitError> {
        let env = html::environment(settings.templates.clone());
        let stylesheet = match settings.templates.as_ref().map(|d| d.join("amt.css")) {
            Some(own) if own.is_file() => std::fs::read(&own)
                .map_err(|e| EmitError::Read(format!("cannot read {}: {e}", own.display())))?,
            _ => html::STYLESHEET.as_bytes().to_vec(),
        };
        let mut assets = Vec::new();
        emit_to(
            sink,
            &mut assets,
            OutputFile {
                path: "assets/amt.css".into(),
                bytes: stylesheet,
            },
        )?;
        emit_to(
            sink,
            &mut assets,
            OutputFile {
                path: "assets/amt.js".into(),
                bytes: html::SCRIPT.as_bytes().to_vec(),
            },
        )?;
        emit_to(
            sink,
            &mut assets,
            OutputFile {
                path: "assets/amt-document.css".into(),
                bytes: document::CSS.as_bytes().to_vec(),
            },
        )?;
        Ok(Emitter {
            env,
            options: html::OptionsCache::default(),
            settings,
            sink,
            assets,
        })
    }

    /// Writes the files of one procedure; returns their records. A
    /// procedure with parameters is built with their defaults; one that has
    /// a parameter without a default is built only for the municipalities
    /// that offer it ([`municipal`]), and here not at all (no records).
    pub fn procedure(&self, p: &ir::Procedure) -> Result<Vec<FileRecord>, EmitError> {
        let instance;
        let p = if p.parameters.is_empty() {
            p
        } else {
            match crate::municipal::instance(p, &Default::default(), None) {
                Ok(i) => {
                    instance = i;
                    &instance
                }
                Err(_) => return Ok(Vec::new()),
            }
        };
        let mut records = Vec::new();
        for file in procedure_files(&self.env, &self.options, p, self.settings)? {
            emit_to(self.sink, &mut records, file)?;
        }
        Ok(records)
    }

    /// Writes the list of procedures and the manifest. Each procedure comes
    /// with its records; only its header (id, version, title, description,
    /// languages, source) is read, so [`header`] may have emptied it.
    pub fn finish(
        self,
        mut done: Vec<(&ir::Procedure, Vec<FileRecord>)>,
    ) -> Result<Vec<FileRecord>, EmitError> {
        // A procedure built for municipalities only has no files here.
        done.retain(|(_, records)| !records.is_empty());
        done.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let mut records = self.assets;
        let sorted: Vec<&ir::Procedure> = done.iter().map(|(p, _)| *p).collect();
        for (_, r) in &mut done {
            records.append(r);
        }
        let index = OutputFile {
            path: "index.html".into(),
            bytes: html::index_page(&self.env, &sorted)
                .map_err(|e| EmitError::template(self.settings, None, e))?
                .into_bytes(),
        };
        emit_to(self.sink, &mut records, index)?;
        let manifest = manifest(&sorted, &records);
        emit_to(self.sink, &mut records, manifest)?;
        Ok(records)
    }
}

impl Emitter<'_> {
    /// Writes the start page (every municipality with its procedures, then
    /// the procedures built for no municipality) and the manifests of a
    /// build for municipalities: `manifest.json` over all, and each
    /// municipality's own `<ARS>/manifest.json` with its files (only those
    /// of the municipalities in `made`, when given: the others' stay as
    /// they are). `generic` are the procedures built at `<id>/` with their
    /// records; `units` every unit of the build; `built` every procedure (for
    /// titles and versions). Without `index`, the start page is not made
    /// (the caller keeps the previous one: nothing it shows changed).
    /// Returns how many files the build has.
    pub fn finish_municipal(
        self,
        registry: &crate::ir::municipality::Registry,
        built: &[&ir::Procedure],
        mut generic: Vec<(&ir::Procedure, Vec<FileRecord>)>,
        units: &[&municipal::Unit],
        made: Option<&std::collections::BTreeSet<String>>,
        index: bool,
    ) -> Result<usize, EmitError> {
        generic.retain(|(_, records)| !records.is_empty());
        generic.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let mut records = self.assets;
        let sorted: Vec<&ir::Procedure> = generic.iter().map(|(p, _)| *p).collect();
        for (_, r) in &mut generic {
            records.append(r);
        }
        if index {
            let page = OutputFile {
                path: "index.html".into(),
                bytes: html::municipalities_page(&self.env, registry, built, &sorted)
                    .map_err(|e| EmitError::template(self.settings, None, e))?
                    .into_bytes(),
            };
            emit_to(self.sink, &mut records, page)?;
        }
        let mut written = 0;
        for file in manifest::municipality_manifests(built, units, made) {
            emit_to(self.sink, &mut records, file)?;
            written += 1;
        }
        let manifest = manifest::municipal_manifest(registry, &sorted, &records, units);
        emit_to(self.sink, &mut records, manifest)?;
        // Every file of the build, those kept from the previous one too.
        let places: std::collections::BTreeSet<&str> =
            units.iter().map(|u| u.ars.as_str()).collect();
        Ok(records.len() - written
            + places.len()
            + usize::from(!index)
            + units.iter().map(|u| u.files.len()).sum::<usize>())
    }
}

/// The procedure without its form, rules and workflow: what the list of
/// procedures and the manifest read, kept while a large build goes on.
pub fn header(mut p: ir::Procedure) -> ir::Procedure {
    p.pages = Vec::new();
    p.attachments = Vec::new();
    p.computed = Vec::new();
    p.fees = Vec::new();
    p.deadlines = Vec::new();
    p.codelists = Default::default();
    p.examples = Vec::new();
    p.workflow = None;
    p
}

/// Records a file for the manifest and hands it to the sink.
fn emit_to(sink: &Sink, records: &mut Vec<FileRecord>, file: OutputFile) -> Result<(), EmitError> {
    records.push(FileRecord::of(&file));
    sink(file).map_err(EmitError::Write)
}

fn internal(procedure: Option<&str>, stage: &'static str, error: &str) -> EmitError {
    EmitError::Internal {
        procedure: procedure.map(str::to_string),
        stage,
        error: error.to_string(),
    }
}

/// The files of one procedure: its forms, model, schema and workflow.
fn procedure_files(
    env: &minijinja::Environment<'static>,
    options: &html::OptionsCache,
    p: &ir::Procedure,
    settings: &Settings,
) -> Result<Vec<OutputFile>, EmitError> {
    let mut files = Vec::new();
    for lang in &p.languages {
        files.push(OutputFile {
            path: format!("{}/{}", p.id, html::page_file(p, lang)),
            bytes: html::procedure_page_with(env, options, p, lang)
                .map_err(|e| EmitError::template(settings, Some(&p.id), e))?
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
    files.push(OutputFile {
        path: format!("{}/xdatenfelder.xml", p.id),
        bytes: xdf::xdatenfelder(p, &settings.made).into_bytes(),
    });
    if let Some(xml) = bpmn::bpmn(p) {
        files.push(OutputFile {
            path: format!("{}/workflow.bpmn", p.id),
            bytes: xml.into_bytes(),
        });
        for (name, form) in camunda_form::forms(p) {
            files.push(OutputFile {
                path: format!("{}/{name}", p.id),
                bytes: json(&form),
            });
        }
    }
    if let Some(w) = workflow::workflow_json(p) {
        files.push(OutputFile {
            path: format!("{}/workflow.json", p.id),
            bytes: json(&w),
        });
    }
    // Each written document's specimen (Bescheidvorlage), per language.
    for d in p.workflow.iter().flat_map(|w| &w.documents) {
        if !d.is_written() {
            continue;
        }
        for lang in &p.languages {
            let page = document::specimen(p, &d.id, lang)
                .and_then(|w| document::html_linked(&w, "../../assets/amt-document.css"))
                .map_err(|e| internal(Some(&p.id), "document", &e.0))?;
            files.push(OutputFile {
                path: format!("{}/documents/{}.{lang}.html", p.id, d.id),
                bytes: page.into_bytes(),
            });
        }
    }
    Ok(files)
}
