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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest of the given procedures and their files (each procedure's
/// files are those under its folder, in the order they were written).
pub fn manifest(procedures: &[&ir::Procedure], files: &[FileRecord]) -> OutputFile {
    let mut by_procedure: HashMap<&str, Vec<&FileRecord>> = HashMap::new();
    for f in files {
        if let Some((folder, _)) = f.path.split_once('/') {
            by_procedure.entry(folder).or_default().push(f);
        }
    }
    let entries = procedures
        .iter()
        .map(|p| Entry {
            id: &p.id,
            version: &p.version,
            title: &p.title,
            source: &p.source,
            files: by_procedure.remove(p.id.as_str()).unwrap_or_default(),
        })
        .collect();
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
