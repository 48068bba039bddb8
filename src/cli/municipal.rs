//! `amt build` of a project that declares municipalities: every procedure
//! each municipality offers, at `<ARS>/<procedure>/`, with the files the
//! municipalities share stored once (hard links), the procedures that need
//! no municipality at `<id>/`, and a start page and manifest over all.
//! Written whole or not at all, as every build.
//!
//! In watch mode the build of the last change is remembered ([`Built`]): a
//! rebuild makes again only the municipalities with a unit whose fingerprint
//! changed (see [`MunicipalBuild::fingerprint`]) and keeps the rest of the
//! output in place.

use super::build::{BuildArgs, Writing, summary};
use super::{INPUT_ERRORS, check};
use amt_compiler::diagnostic::{Diagnostic, Severity};
use amt_compiler::emit::municipal::{MunicipalBuild, Unit, procedure_hash};
use amt_compiler::emit::{EmitError, Emitter, FileRecord, Settings};
use amt_compiler::ir::{self, municipality::Registry};
use amt_compiler::source::SourceMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a build wrote, for the next one to make again only what changed.
pub struct Built {
    /// Each procedure's hash.
    procedures: HashMap<String, u64>,
    /// Each unit's fingerprint and files, by municipality and procedure;
    /// shared with the next build, which keeps most of them.
    units: BTreeMap<(String, String), (u64, std::sync::Arc<Unit>)>,
    /// The procedures built for no municipality, with their files.
    generic: BTreeMap<String, Vec<FileRecord>>,
    /// What the start page shows, as a number.
    index: u64,
}

/// Builds every municipality's procedures; the exit code.
pub fn build(
    args: &BuildArgs,
    settings: &Settings,
    sources: &SourceMap,
    load: Vec<Diagnostic>,
) -> u8 {
    let deny = args.check.deny_warnings;
    let checked = amt_compiler::compile_except(
        sources,
        |_| false,
        Vec::new(),
        |p, own| (!own.iter().any(|d| deny || d.severity() == Severity::Error)).then_some(p),
    );
    let compiled = check::reported(sources, load, checked.diagnostics, &args.check, None);
    if compiled.failed(deny) {
        eprintln!(
            "amt: nothing was written; `{}` is unchanged",
            args.out.display()
        );
        return INPUT_ERRORS;
    }
    let procedures: Vec<ir::Procedure> = checked.results.into_iter().flatten().collect();
    let all: Vec<&ir::Procedure> = procedures.iter().collect();
    match write(
        args,
        settings,
        &all,
        &checked.municipalities.registry,
        None,
        None,
    ) {
        Ok(_) => 0,
        Err(code) => code,
    }
}

/// Writes the build of `procedures` for the municipalities of `registry`:
/// whole, or (with the `previous` build of the same output) only what
/// changed since. Returns what was built, or the exit code of a failure
/// (nothing written then).
pub fn write(
    args: &BuildArgs,
    settings: &Settings,
    procedures: &[&ir::Procedure],
    registry: &Registry,
    previous: Option<&Built>,
    dirty: Option<&BTreeSet<String>>,
) -> Result<Built, u8> {
    let writing = Writing::begin(args, previous.is_some())?;
    let sink = |file: amt_compiler::emit::OutputFile| writing.write(&file);
    let link = |path: &str, target: &str| writing.link(path, target);
    let failure = |e: EmitError| writing.failed(&e);
    let emitter = Emitter::start(settings, &sink).map_err(failure)?;
    let hashes: HashMap<String, u64> =
        amt_compiler::par::map(procedures, |p| (p.id.clone(), procedure_hash(p)))
            .into_iter()
            .collect();
    let unchanged = |id: &str| previous.is_some_and(|b| b.procedures.get(id) == hashes.get(id));
    // The procedures every municipality shares as they are: those whose
    // parameters all have defaults (or that have none); kept where they
    // did not change.
    let mut generic = BTreeMap::new();
    let mut to_make = Vec::new();
    for p in procedures {
        match previous.and_then(|b| b.generic.get(&p.id)) {
            Some(records) if unchanged(&p.id) => {
                for r in records {
                    writing
                        .keep(&r.path)
                        .map_err(|e| failure(EmitError::Write(e)))?;
                }
                generic.insert(p.id.clone(), records.clone());
            }
            _ => to_make.push(*p),
        }
    }
    for made in amt_compiler::par::map(&to_make, |p| emitter.procedure(p)) {
        let records = made.map_err(failure)?;
        if let Some(first) = records.first() {
            let id = first.path.split('/').next().unwrap_or_default().to_string();
            generic.insert(id, records);
        }
    }
    let municipal = MunicipalBuild::new(&emitter, registry, procedures, &link);
    let units = municipal.units();
    // What may have changed: every unit in a whole build; else those of a
    // changed procedure, those below a municipality declared in a changed
    // file (`dirty`), and new ones. Their fingerprints say which did.
    let below_dirty: Option<BTreeSet<&str>> = dirty.map(|d| {
        registry
            .municipalities
            .values()
            .filter(|m| m.kind.serves_citizens())
            .map(|m| m.ars.as_str())
            .filter(|ars| registry.chain(ars).iter().any(|m| d.contains(&m.ars)))
            .collect()
    });
    let may_change = |unit: &(String, String)| match previous {
        None => true,
        Some(b) => {
            !unchanged(&unit.1)
                || below_dirty
                    .as_ref()
                    .is_none_or(|d| d.contains(unit.0.as_str()))
                || !b.units.contains_key(unit)
        }
    };
    let prints: Vec<Option<u64>> = amt_compiler::par::map(&units, |unit| {
        let (ars, p) = unit;
        may_change(unit)
            .then(|| municipal.fingerprint(ars, p, hashes.get(p).copied().unwrap_or(0)))
            .flatten()
    });
    // A unit is made again when its fingerprint changed; a municipality
    // whose unit was made again, appeared or went is a folder made again,
    // its other units' files carried over from the previous output.
    let before = |unit: &(String, String)| previous.and_then(|b| b.units.get(unit));
    let mut changed: BTreeSet<String> = BTreeSet::new();
    let mut make = Vec::new();
    for (unit, print) in units.iter().zip(&prints) {
        let Some(print) = print else { continue };
        let (ars, p) = unit;
        if before(unit).map(|(f, _)| *f) != Some(*print) {
            changed.insert(ars.clone());
            make.push((ars.clone(), p.clone(), *print));
        }
    }
    if let Some(b) = previous {
        let current: BTreeSet<(&str, &str)> = units
            .iter()
            .map(|(a, p)| (a.as_str(), p.as_str()))
            .collect();
        for (ars, p) in b.units.keys() {
            if !current.contains(&(ars.as_str(), p.as_str())) {
                changed.insert(ars.clone());
            }
        }
    }
    let mut next = BTreeMap::new();
    for (key, print) in units.iter().zip(&prints) {
        let (ars, p) = key;
        let Some((old, unit)) = before(key) else {
            continue;
        };
        if print.is_some_and(|f| f != *old) {
            continue; // made again below
        }
        if changed.contains(ars) {
            for f in &unit.files {
                writing
                    .carry(&f.path)
                    .map_err(|e| failure(EmitError::Write(e)))?;
            }
        } else if let Some(first) = unit.files.first() {
            writing
                .keep(&first.path)
                .map_err(|e| failure(EmitError::Write(e)))?;
        }
        next.insert(
            (ars.clone(), p.clone()),
            (*old, std::sync::Arc::clone(unit)),
        );
    }
    let built = amt_compiler::par::map(&make, |(ars, p, _)| municipal.unit(ars, p));
    for ((ars, p, print), unit) in make.iter().zip(built) {
        next.insert(
            (ars.clone(), p.clone()),
            (*print, std::sync::Arc::new(unit.map_err(failure)?)),
        );
    }
    drop(municipal);
    let count = next.len();
    let done: Vec<(&ir::Procedure, Vec<FileRecord>)> = procedures
        .iter()
        .filter_map(|p| Some((*p, generic.get(&p.id)?.clone())))
        .collect();
    let whole = previous.is_none();
    // The start page shows the municipalities, what they offer and the
    // procedures' titles: made again only when one of these changed.
    let index = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (m, offers) in registry.served() {
            m.ars.hash(&mut h);
            format!("{:?}", m.name).hash(&mut h);
            for o in offers {
                o.procedure.hash(&mut h);
            }
        }
        for p in procedures {
            (&p.id, format!("{:?}", p.title), generic.contains_key(&p.id)).hash(&mut h);
        }
        h.finish()
    };
    let same_index = previous.is_some_and(|b| b.index == index);
    if same_index {
        writing
            .keep("index.html")
            .map_err(|e| failure(EmitError::Write(e)))?;
    }
    let all_units: Vec<&Unit> = next.values().map(|(_, u)| u.as_ref()).collect();
    let files = emitter
        .finish_municipal(
            registry,
            procedures,
            done,
            &all_units,
            (!whole).then_some(&changed),
            !same_index,
        )
        .map_err(failure)?;
    drop(all_units);
    writing.commit()?;
    summary(args, count, count - make.len(), files);
    Ok(Built {
        procedures: hashes,
        units: next,
        generic,
        index,
    })
}
