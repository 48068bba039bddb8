//! `manifest.json`: every procedure of a build with its version, title and
//! each file's SHA-256, so a portal can verify and cache what it serves.

use super::OutputFile;
use crate::ir;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

#[derive(Serialize)]
struct Manifest<'a> {
    generator: &'static str,
    model_version: &'static str,
    procedures: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    version: &'a str,
    title: &'a ir::I18n,
    source: &'a str,
    files: Vec<&'a FileRecord>,
}

/// What the manifest says of one written file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileRecord {
    /// The path in the output folder.
    pub path: String,
    /// The size in bytes.
    pub bytes: usize,
    /// The SHA-256 of the content, in hex.
    pub sha256: String,
}

impl FileRecord {
    /// The record of a file, hashing its bytes.
    pub fn of(file: &OutputFile) -> FileRecord {
        FileRecord {
            path: file.path.clone(),
            bytes: file.bytes.len(),
            sha256: hex(&Sha256::digest(&file.bytes)),
        }
    }
}

/// Each procedure with its files: those under its folder, in the order
/// they were written.
fn entries<'a>(procedures: &[&'a ir::Procedure], files: &'a [FileRecord]) -> Vec<Entry<'a>> {
    let mut by_procedure: HashMap<&str, Vec<&FileRecord>> = HashMap::new();
    for f in files {
        if let Some((folder, _)) = f.path.split_once('/') {
            by_procedure.entry(folder).or_default().push(f);
        }
    }
    procedures
        .iter()
        .map(|p| Entry {
            id: &p.id,
            version: &p.version,
            title: &p.title,
            source: &p.source,
            files: by_procedure.remove(p.id.as_str()).unwrap_or_default(),
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest of the given procedures and their files (each procedure's
/// files are those under its folder, in the order they were written).
pub fn manifest(procedures: &[&ir::Procedure], files: &[FileRecord]) -> OutputFile {
    let entries = entries(procedures, files);
    let manifest = Manifest {
        generator: concat!("amt ", env!("CARGO_PKG_VERSION")),
        model_version: ir::MODEL_VERSION,
        procedures: entries,
    };
    OutputFile {
        path: "manifest.json".to_string(),
        bytes: super::json(&manifest),
    }
}

#[derive(Serialize)]
struct MunicipalManifest<'a> {
    generator: &'static str,
    model_version: &'static str,
    /// Procedures built for no municipality, at `<id>/`.
    procedures: Vec<Entry<'a>>,
    /// Every municipality, with what it offers; the files of each are in
    /// its own manifest.
    municipalities: Vec<MunicipalEntry<'a>>,
    /// What sharing saved.
    sharing: Sharing,
}

#[derive(Serialize)]
struct MunicipalEntry<'a> {
    ars: &'a str,
    name: &'a ir::I18n,
    kind: ir::municipality::MunicipalKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    procedures: Vec<Offered<'a>>,
    /// Its manifest (`<ARS>/manifest.json`), when it offers procedures.
    #[serde(skip_serializing_if = "Option::is_none")]
    manifest: Option<String>,
}

#[derive(Serialize)]
struct Offered<'a> {
    id: &'a str,
    authority: &'a str,
    authority_of: &'a str,
}

/// One municipality's manifest: its procedures with their files.
#[derive(Serialize)]
struct MunicipalityManifest<'a> {
    generator: &'static str,
    ars: &'a str,
    procedures: Vec<OfferedFiles<'a>>,
}

#[derive(Serialize)]
struct OfferedFiles<'a> {
    id: &'a str,
    version: &'a str,
    authority: &'a str,
    authority_of: &'a str,
    files: &'a [FileRecord],
}

/// How many files a municipal build lists, how many it stored, and their bytes.
#[derive(Serialize, Default)]
struct Sharing {
    files: usize,
    stored: usize,
    bytes_listed: usize,
    bytes_stored: usize,
}

/// Each municipality's `<ARS>/manifest.json`: the procedures it offers,
/// their version and authority, and each file's size and SHA-256; for the
/// municipalities in `made` only, when given.
pub fn municipality_manifests(
    built: &[&ir::Procedure],
    units: &[&super::municipal::Unit],
    made: Option<&std::collections::BTreeSet<String>>,
) -> Vec<OutputFile> {
    let version = |id: &str| {
        built
            .iter()
            .find(|p| p.id == id)
            .map_or("", |p| p.version.as_str())
    };
    let mut by_ars: std::collections::BTreeMap<&str, Vec<&super::municipal::Unit>> =
        std::collections::BTreeMap::new();
    for &u in units {
        if made.is_none_or(|m| m.contains(&u.ars)) {
            by_ars.entry(u.ars.as_str()).or_default().push(u);
        }
    }
    by_ars
        .into_iter()
        .map(|(ars, mut units)| {
            units.sort_by(|a, b| a.procedure.cmp(&b.procedure));
            let m = MunicipalityManifest {
                generator: concat!("amt ", env!("CARGO_PKG_VERSION")),
                ars,
                procedures: units
                    .iter()
                    .map(|u| OfferedFiles {
                        id: &u.procedure,
                        version: version(&u.procedure),
                        authority: &u.authority.0,
                        authority_of: &u.authority.1,
                        files: &u.files,
                    })
                    .collect(),
            };
            OutputFile {
                path: format!("{ars}/manifest.json"),
                bytes: super::json(&m),
            }
        })
        .collect()
}

/// The manifest of a build for municipalities: the generic procedures as
/// [`manifest`] lists them, then every municipality (key, name, kind,
/// parent) with the procedures it offers and their authority, the path of
/// its own manifest, and what sharing identical files saved.
pub fn municipal_manifest(
    registry: &ir::municipality::Registry,
    generic: &[&ir::Procedure],
    files: &[FileRecord],
    units: &[&super::municipal::Unit],
) -> OutputFile {
    let procedures = entries(generic, files);
    let mut sharing = Sharing::default();
    let mut by_ars: HashMap<&str, Vec<&super::municipal::Unit>> = HashMap::new();
    for &u in units {
        sharing.files += u.files.len();
        sharing.stored += u.files.len() - u.linked;
        let bytes = u.files.iter().map(|f| f.bytes).sum::<usize>();
        sharing.bytes_listed += bytes;
        sharing.bytes_stored += bytes - u.linked_bytes;
        by_ars.entry(u.ars.as_str()).or_default().push(u);
    }
    let municipalities = registry
        .municipalities
        .values()
        .map(|m| {
            let mut offered: Vec<Offered> = by_ars
                .remove(m.ars.as_str())
                .unwrap_or_default()
                .into_iter()
                .map(|u| Offered {
                    id: &u.procedure,
                    authority: &u.authority.0,
                    authority_of: &u.authority.1,
                })
                .collect();
            offered.sort_by(|a, b| a.id.cmp(b.id));
            MunicipalEntry {
                ars: &m.ars,
                name: &m.name,
                kind: m.kind,
                parent: m.parent.as_deref(),
                manifest: (!offered.is_empty()).then(|| format!("{}/manifest.json", m.ars)),
                procedures: offered,
            }
        })
        .collect();
    let manifest = MunicipalManifest {
        generator: concat!("amt ", env!("CARGO_PKG_VERSION")),
        model_version: ir::MODEL_VERSION,
        procedures,
        municipalities,
        sharing,
    };
    OutputFile {
        path: "manifest.json".to_string(),
        bytes: super::json(&manifest),
    }
}
