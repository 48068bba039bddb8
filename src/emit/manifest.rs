//! `manifest.json`: every procedure of a build with its version, title and
//! each file's SHA-256, so a portal can verify and cache what it serves.

use super::OutputFile;
use crate::ir;
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    files: Vec<FileEntry<'a>>,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    path: &'a str,
    bytes: usize,
    sha256: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest of the given procedures and their files.
pub fn manifest(procedures: &[&ir::Procedure], files: &[OutputFile]) -> OutputFile {
    let entries = procedures
        .iter()
        .map(|p| {
            let prefix = format!("{}/", p.id);
            Entry {
                id: &p.id,
                version: &p.version,
                title: &p.title,
                source: &p.source,
                files: files
                    .iter()
                    .filter(|f| f.path.starts_with(&prefix))
                    .map(|f| FileEntry {
                        path: &f.path,
                        bytes: f.bytes.len(),
                        sha256: hex(&Sha256::digest(&f.bytes)),
                    })
                    .collect(),
            }
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
