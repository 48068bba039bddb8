//! A build for every municipality: each procedure a municipality offers,
//! at `<ARS>/<procedure>/`, with its values, its authority and its look.
//!
//! What does not differ is made once and shared: the model and the schema
//! depend only on the values in force (a "variant"), the workflow also on
//! the authority responsible, the form on everything, but its body only on
//! the variant. So a variant is made once, its files written for the first
//! municipality that needs them and linked (by the [`Linker`], a hard link
//! on disk) for every other; a form is the variant's page with the
//! municipality's head, header and footer spliced in
//! ([`html::municipal_parts`]). The output grows with what differs.

use super::{EmitError, Emitter, FileRecord, OutputFile, emit_to, html, internal, json};
use crate::ir::Procedure;
use crate::ir::municipality::{Registry, Resolved};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// Makes the file at the first path a second name of the one at the
/// second (both relative to the output folder); an error says why not.
pub type Linker<'a> = dyn Fn(&str, &str) -> Result<(), String> + Sync + 'a;

/// The files made once and shared: each with its record at the path it was
/// first written to.
type Made = Result<Arc<Vec<FileRecord>>, EmitError>;

/// A variant of a procedure: the model with one set of values, and its
/// pages with markers for the municipality's parts.
struct Variant {
    procedure: Procedure,
    /// Per language: the page's file name and its text.
    pages: Vec<(String, String)>,
    /// `procedure.json` and `schema.json` where first written.
    files: Made,
}

type Slot<T> = Arc<OnceLock<T>>;

/// Slots by key, each filled once by the first that needs it.
type Slots<T> = Mutex<HashMap<String, Slot<T>>>;

/// A build in progress for the municipalities of a [`Registry`].
pub struct MunicipalBuild<'e, 's> {
    emitter: &'e Emitter<'s>,
    registry: &'e Registry,
    procedures: BTreeMap<&'e str, &'e Procedure>,
    link: &'e Linker<'e>,
    variants: Slots<Result<Arc<Variant>, EmitError>>,
    workflows: Slots<Made>,
}

/// One municipality's procedure as built: its files.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The municipality's key.
    pub ars: String,
    /// The procedure.
    pub procedure: String,
    /// The authority responsible and the key of the municipality that declares it.
    pub authority: (String, String),
    /// Its files, each at its path under `<ARS>/<procedure>/`.
    pub files: Vec<FileRecord>,
    /// How many of them are second names of a file made for another.
    pub linked: usize,
    /// Their bytes.
    pub linked_bytes: usize,
}

impl<'e, 's> MunicipalBuild<'e, 's> {
    /// A build of `procedures` for the municipalities of `registry`.
    pub fn new(
        emitter: &'e Emitter<'s>,
        registry: &'e Registry,
        procedures: &[&'e Procedure],
        link: &'e Linker<'e>,
    ) -> MunicipalBuild<'e, 's> {
        MunicipalBuild {
            emitter,
            registry,
            procedures: procedures.iter().map(|p| (p.id.as_str(), *p)).collect(),
            link,
            variants: Mutex::new(HashMap::new()),
            workflows: Mutex::new(HashMap::new()),
        }
    }

    /// Every (municipality, procedure) to build: each municipality where
    /// citizens apply, with each procedure it offers that was checked.
    pub fn units(&self) -> Vec<(String, String)> {
        self.registry
            .served()
            .flat_map(|(m, offers)| {
                offers
                    .into_iter()
                    .filter(|o| self.procedures.contains_key(o.procedure.as_str()))
                    .map(|o| (m.ars.clone(), o.procedure.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// What a unit's files depend on, as a number: the procedure (its
    /// `procedure_hash`, see [`procedure_hash`]), the values in force, the
    /// authority, the municipality's name, theme, payment and identity. Two
    /// builds give a unit the same files when it has the same fingerprint,
    /// so a rebuild after a change makes again only the units whose
    /// fingerprint changed. `None` when the municipality does not offer the
    /// procedure.
    pub fn fingerprint(&self, ars: &str, procedure: &str, procedure_hash: u64) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let p = self.procedures.get(procedure)?;
        let r = self.registry.resolve(ars, procedure)?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        procedure_hash.hash(&mut h);
        values_key(p, &r).hash(&mut h);
        // Local questions change the model when their text does.
        if let Some(extended) = r
            .additions_key(procedure)
            .and_then(|k| self.registry.extended.get(&k))
        {
            self::procedure_hash(extended).hash(&mut h);
        }
        let facts = serde_json::to_string(&(
            r.authority.0,
            &r.authority.1.ars,
            &r.municipality.name,
            r.theme.map(|t| t.0),
            r.payment.map(|t| t.0),
            r.identity.map(|t| t.0),
        ))
        .unwrap_or_default();
        facts.hash(&mut h);
        Some(h.finish())
    }

    /// Builds one procedure for one municipality (from any thread).
    pub fn unit(&self, ars: &str, procedure: &str) -> Result<Unit, EmitError> {
        let bug = |what: &str| internal(Some(procedure), "a municipality's build", what);
        let p = *self
            .procedures
            .get(procedure)
            .ok_or_else(|| bug("the procedure was not checked"))?;
        let r = self
            .registry
            .resolve(ars, procedure)
            .ok_or_else(|| bug("the municipality does not offer it"))?;
        let dir = format!("{ars}/{procedure}");
        let values = values_key(p, &r);
        let variant = self.variant(p, &r, &values, &dir)?;
        let mut unit = Unit {
            ars: ars.to_string(),
            procedure: procedure.to_string(),
            authority: (r.authority.0.id.clone(), r.authority.1.ars.clone()),
            files: Vec::new(),
            linked: 0,
            linked_bytes: 0,
        };
        let shared = variant.files.clone()?;
        self.linked(&shared, &dir, &mut unit)?;
        let workflow = self.workflow(&variant.procedure, &r, &values, &dir)?;
        self.linked(&workflow, &dir, &mut unit)?;
        for (file, page) in &variant.pages {
            let lang = page_lang(&variant.procedure, file);
            let parts = html::municipal_parts(&self.emitter.env, lang, &r)
                .map_err(|e| EmitError::template(self.emitter.settings, Some(procedure), e))?;
            emit_to(
                self.emitter.sink,
                &mut unit.files,
                OutputFile {
                    path: format!("{dir}/{file}"),
                    bytes: html::splice(page, &parts).into_bytes(),
                },
            )?;
        }
        Ok(unit)
    }

    /// Records shared files for `dir`: those written there, and a link for
    /// each written elsewhere.
    fn linked(&self, shared: &[FileRecord], dir: &str, unit: &mut Unit) -> Result<(), EmitError> {
        for record in shared {
            let name = record.path.rsplit('/').next().unwrap_or_default();
            let path = format!("{dir}/{name}");
            if path != record.path {
                (self.link)(&path, &record.path).map_err(EmitError::Write)?;
                unit.linked += 1;
                unit.linked_bytes += record.bytes;
            }
            unit.files.push(FileRecord {
                path,
                ..record.clone()
            });
        }
        Ok(())
    }

    /// The variant of `p` with the values `r` gives, made by the first
    /// municipality that needs it (its files written into its `dir`).
    fn variant(
        &self,
        p: &Procedure,
        r: &Resolved,
        key: &str,
        dir: &str,
    ) -> Result<Arc<Variant>, EmitError> {
        let slot = slot(&self.variants, key);
        slot.get_or_init(|| {
            let instance = crate::municipal::instance(p, self.registry, Some(&r.municipality.ars))
                .map_err(|e| internal(Some(&p.id), "a municipality's build", &e))?;
            let e = self.emitter;
            let mut pages = Vec::new();
            for lang in &instance.languages {
                let page = html::procedure_page_framed(
                    &e.env,
                    &e.options,
                    &instance,
                    lang,
                    html::Frame::Municipal,
                )
                .map_err(|err| EmitError::template(e.settings, Some(&instance.id), err))?;
                pages.push((html::page_file(&instance, lang), page));
            }
            let mut records = Vec::new();
            let files = [
                OutputFile {
                    path: format!("{dir}/procedure.json"),
                    bytes: json(&instance),
                },
                OutputFile {
                    path: format!("{dir}/schema.json"),
                    bytes: json(&super::schema::schema(&instance, &e.settings.schema_base)),
                },
                OutputFile {
                    path: format!("{dir}/xdatenfelder.xml"),
                    bytes: super::xdf::xdatenfelder(&instance, &e.settings.made).into_bytes(),
                },
            ];
            let mut written = Ok(());
            for f in files {
                if let Err(err) = emit_to(e.sink, &mut records, f) {
                    written = Err(err);
                    break;
                }
            }
            Ok(Arc::new(Variant {
                procedure: instance,
                pages,
                files: written.map(|()| Arc::new(records)),
            }))
        })
        .clone()
    }

    /// The workflow of a variant for the authority responsible, made once
    /// per variant and authority.
    fn workflow(&self, p: &Procedure, r: &Resolved, values: &str, dir: &str) -> Made {
        let (authority, owner) = r.authority;
        let key = format!(
            "{values}\u{1}{}\u{1}{}\u{1}{:?}",
            owner.ars,
            authority.id,
            r.payment.map(|p| p.0)
        );
        let slot = slot(&self.workflows, &key);
        slot.get_or_init(|| {
            let mut records = Vec::new();
            if let Some(xml) = super::bpmn::bpmn_for(p, Some(&authority.name)) {
                emit_to(
                    self.emitter.sink,
                    &mut records,
                    OutputFile {
                        path: format!("{dir}/workflow.bpmn"),
                        bytes: xml.into_bytes(),
                    },
                )?;
                for (name, form) in super::camunda_form::forms(p) {
                    emit_to(
                        self.emitter.sink,
                        &mut records,
                        OutputFile {
                            path: format!("{dir}/{name}"),
                            bytes: json(&form),
                        },
                    )?;
                }
            }
            let payment = r.payment.map(|(pay, _)| pay);
            if let Some(w) =
                super::workflow::workflow_json_for(p, Some((authority, &owner.ars)), payment)
            {
                emit_to(
                    self.emitter.sink,
                    &mut records,
                    OutputFile {
                        path: format!("{dir}/workflow.json"),
                        bytes: json(&w),
                    },
                )?;
            }
            Ok(Arc::new(records))
        })
        .clone()
    }
}

/// The slot of `key` in a map of slots, made on first use.
fn slot<T>(map: &Slots<T>, key: &str) -> Slot<T> {
    let mut map = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(key.to_string()).or_default().clone()
}

/// What tells variants apart: the procedure, the identification asked for,
/// and, per parameter, the values a municipality set (with their periods),
/// or nothing (the default).
fn values_key(p: &Procedure, r: &Resolved) -> String {
    let mut key = r.additions_key(&p.id).unwrap_or_else(|| p.id.clone());
    if let Some((identity, _)) = r.identity {
        key.push_str(&format!("\u{1}{identity:?}"));
    }
    for param in &p.parameters {
        key.push('\u{1}');
        if let Some((periods, _)) = r.values.get(&param.id) {
            for v in periods {
                key.push_str(&format!(
                    "{:?}|{:?}|{:?}|{:?};",
                    v.value, v.from, v.until, v.legal
                ));
            }
        }
    }
    key
}

/// The language of a page file (`index.html` is the source language's).
fn page_lang<'p>(p: &'p Procedure, file: &str) -> &'p str {
    p.languages
        .iter()
        .find(|l| html::page_file(p, l) == file)
        .map_or_else(|| p.source_language(), String::as_str)
}

/// A number that changes when a procedure's model does (its `procedure.json`).
pub fn procedure_hash(p: &Procedure) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    // Compact: the same content as `procedure.json`, made in half the time.
    serde_json::to_vec(p).unwrap_or_default().hash(&mut h);
    h.finish()
}
