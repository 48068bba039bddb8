//! Incremental builds: an output folder remembers, in a file of its own
//! ([`FILE`]), what each of its procedures was built from, and the next
//! build neither parses, checks nor generates a procedure whose inputs did
//! not change: it keeps its files (hard links into the new output).
//!
//! What a procedure's files depend on, and how a change is seen:
//! - its source file and every file that file imports, transitively: the
//!   SHA-256 of each file's path and text. A file is skipped only when it
//!   and everything it imports are unchanged;
//! - amt itself (its executable file, see [`key`]), the build
//!   settings (`amt.json`, `--schema-base`) and what `--templates` gives:
//!   together the build's [`key`]. Under another key nothing is kept;
//! - the previous output: a kept file must still be the file the previous
//!   build wrote ([`Fingerprint`]); a procedure whose file was changed or
//!   removed by hand is built again.
//!
//! Only files checked without any diagnostic are remembered: a file with a
//! warning is checked again on every build, so its warnings are never
//! lost. A rebuild under the same key changes the output in place (see
//! [`crate::output::Staging`]): the previous cache is retired before the
//! output changes, and the new one is written once it is complete, from
//! what is then on disk, so a cache never vouches for an output it did not
//! see. `manifest.json` does not list it, and every other byte of the
//! output is that of a build from scratch.

use crate::output::Fingerprint;
use amt_compiler::diagnostic::Diagnostic;
use amt_compiler::emit::{FileRecord, Settings};
use amt_compiler::ir;
use amt_compiler::source::{FileId, SourceMap, Span};
use amt_compiler::syntax::ast::Ident;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;

/// The cache's name in the output folder.
pub const FILE: &str = ".amt-cache.json";

/// The shape of the cache; a cache of another shape is not read.
const FORMAT: u32 = 2;

/// What a build of an output folder was made from.
#[derive(Serialize, Deserialize)]
pub struct Cache {
    format: u32,
    /// The build's [`key`].
    key: String,
    /// The source files checked without a diagnostic, by name.
    files: Vec<Source>,
}

/// A source file as the build that wrote the output saw it.
#[derive(Serialize, Deserialize)]
struct Source {
    /// Its path in the project.
    name: String,
    /// The SHA-256 of its path and text ([`source_hash`]).
    sha256: String,
    /// The files it imports from.
    imports: Vec<String>,
    /// Its procedures.
    procedures: Vec<Built>,
}

/// A procedure and the files made of it.
#[derive(Serialize, Deserialize)]
struct Built {
    /// Where its name is written (byte range), for duplicate names.
    name_at: (u32, u32),
    /// What the list of procedures and the manifest read of it.
    header: ir::Procedure,
    /// Its files, as listed in the manifest and as found on disk.
    files: Vec<(FileRecord, Fingerprint)>,
    /// The folders its files are in, as found on disk: a file added to one
    /// by hand changes the folder's modification time.
    folders: Vec<(String, Fingerprint)>,
}

/// The key of a build: amt's own identity, the settings, `amt.json` and
/// the templates folder. A build under another key keeps nothing of the
/// previous output.
///
/// amt's identity is its executable as found on disk: its path and
/// [`Fingerprint`] (a new amt is a new file, with a new inode and time).
/// Hashing the executable's content instead costs 150 ms on every build
/// (it is 60 MB with its debugging information).
pub fn key(settings: &Settings, root: &Path) -> io::Result<String> {
    let mut h = Sha256::new();
    h.update(format!("amt build cache {FORMAT}\0").as_bytes());
    let exe = std::env::current_exe()?;
    let seen = Fingerprint::of(&exe)?;
    h.update(exe.to_string_lossy().as_bytes());
    h.update(format!("\0{}\0{}\0{}\0", seen.len, seen.ino, seen.mtime).as_bytes());
    h.update(settings.schema_base.as_bytes());
    h.update(b"\0");
    match std::fs::read(root.join(amt_compiler::SETTINGS_FILE)) {
        Ok(bytes) => h.update(Sha256::digest(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => h.update(b"no settings"),
        Err(e) => return Err(e),
    }
    if let Some(dir) = &settings.templates {
        hash_tree(dir, dir, &mut h)?;
    }
    Ok(hex(&h.finalize()))
}

/// Hashes every file under `dir` with its path, in a stable order.
fn hash_tree(root: &Path, dir: &Path, h: &mut Sha256) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            hash_tree(root, &path, h)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            h.update(relative.to_string_lossy().as_bytes());
            h.update(b"\0");
            h.update(Sha256::digest(std::fs::read(&path)?));
        }
    }
    Ok(())
}

/// The SHA-256 of a source file's path and text.
fn source_hash(name: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\0");
    h.update(text.as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

impl Cache {
    /// The cache of the output folder `out`, if it was written under `key`;
    /// `None` when there is none, or it is of another build or unreadable
    /// (then everything is built).
    pub fn read(out: &Path, key: &str) -> Option<Cache> {
        let bytes = std::fs::read(out.join(FILE)).ok()?;
        let cache: Cache = serde_json::from_slice(&bytes).ok()?;
        (cache.format == FORMAT && cache.key == key).then_some(cache)
    }
}

/// Which files a build checks and which it keeps from the previous output.
pub struct Plan {
    /// Each source file's [`source_hash`], by [`FileId`].
    hashes: Vec<String>,
    /// The previous build's files.
    previous: Vec<Source>,
    /// The files kept, by [`FileId`], each as an index into `previous`:
    /// their procedures' files are taken from the previous output.
    kept: Vec<Option<usize>>,
}

impl Plan {
    /// Compares the project with what the previous build saw (`cache`) and
    /// its output folder `out`: a file is kept when its text is the same,
    /// nothing was found wrong with it while loading, the files made of it
    /// are as that build left them, and every file it imports is kept.
    pub fn new(cache: Option<Cache>, sources: &SourceMap, load: &[Diagnostic], out: &Path) -> Plan {
        let files: Vec<(FileId, &str, &str)> = sources
            .iter()
            .map(|(id, f)| (id, f.name.as_str(), f.text.as_str()))
            .collect();
        let hashes = amt_compiler::par::map(&files, |(_, name, text)| source_hash(name, text));
        let mut kept: Vec<Option<usize>> = vec![None; files.len()];
        let Some(cache) = cache else {
            return Plan {
                hashes,
                previous: Vec::new(),
                kept,
            };
        };
        let by_name: HashMap<&str, usize> = cache
            .files
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let loaded_badly: HashSet<FileId> = load.iter().map(|d| d.primary.span.file).collect();
        let candidates: Vec<(FileId, usize)> = files
            .iter()
            .filter(|(id, _, _)| sources.get(*id).parse && !loaded_badly.contains(id))
            .filter_map(|&(id, name, _)| {
                let at = *by_name.get(name)?;
                (cache.files[at].sha256 == hashes[id.0 as usize]).then_some((id, at))
            })
            .collect();
        let intact = amt_compiler::par::map(&candidates, |&(_, at)| {
            cache.files[at].procedures.iter().all(|p| {
                p.files.iter().all(|(record, seen)| {
                    Fingerprint::of(&out.join(&record.path)).is_ok_and(|now| now == *seen)
                }) && p.folders.iter().all(|(folder, seen)| {
                    Fingerprint::of_folder(&out.join(folder)).is_ok_and(|now| now == *seen)
                })
            })
        });
        for (&(id, source), intact) in candidates.iter().zip(intact) {
            if intact {
                kept[id.0 as usize] = Some(source);
            }
        }
        // A file is kept only if what it imports is: drop those importing a
        // file that is missing or not kept, and then their importers.
        let mut importers: HashMap<FileId, Vec<FileId>> = HashMap::new();
        let mut dropped = Vec::new();
        for (id, at) in kept.iter().enumerate() {
            let Some(at) = at else { continue };
            let id = FileId(id as u32);
            for import in &cache.files[*at].imports {
                match sources.find(import) {
                    Some(target) => importers.entry(target).or_default().push(id),
                    None => dropped.push(id),
                }
            }
        }
        dropped.extend(
            importers
                .keys()
                .filter(|target| kept[target.0 as usize].is_none()),
        );
        while let Some(file) = dropped.pop() {
            kept[file.0 as usize] = None;
            for &importer in importers.get(&file).into_iter().flatten() {
                if kept[importer.0 as usize].is_some() {
                    dropped.push(importer);
                }
            }
        }
        Plan {
            hashes,
            previous: cache.files,
            kept,
        }
    }

    /// Whether a file is kept (not checked again).
    pub fn keeps(&self, file: FileId) -> bool {
        self.kept[file.0 as usize].is_some()
    }

    /// The procedures of the kept files, where their names are written.
    pub fn known_names(&self) -> Vec<Ident> {
        self.kept_files()
            .flat_map(|(file, source)| {
                source.procedures.iter().map(move |p| Ident {
                    name: p.header.id.clone(),
                    span: Span::new(file, p.name_at.0 as usize..p.name_at.1 as usize),
                })
            })
            .collect()
    }

    /// The kept procedures: each one's header and its files.
    pub fn kept_procedures(&self) -> Vec<(&ir::Procedure, &[(FileRecord, Fingerprint)])> {
        self.kept_files()
            .flat_map(|(_, source)| {
                source
                    .procedures
                    .iter()
                    .map(|p| (&p.header, p.files.as_slice()))
            })
            .collect()
    }

    fn kept_files(&self) -> impl Iterator<Item = (FileId, &Source)> {
        self.kept
            .iter()
            .enumerate()
            .filter_map(|(id, at)| Some((FileId(id as u32), &self.previous[(*at)?])))
    }

    /// The cache of the build just written into `out`: the kept files as
    /// they were, and each checked file that had no diagnostic, with its
    /// procedures (`built`: header, files, and whether its check was clean)
    /// and their files and folders as they are in `out`.
    pub fn next(
        mut self,
        key: String,
        sources: &SourceMap,
        checked: &[amt_compiler::CheckedFile],
        diagnostics: &[Diagnostic],
        built: Vec<(ir::Procedure, Vec<FileRecord>, bool)>,
        out: &Path,
    ) -> io::Result<Cache> {
        let mut touched: HashSet<FileId> = HashSet::new();
        for d in diagnostics {
            touched.insert(d.primary.span.file);
            touched.extend(d.secondary.iter().map(|l| l.span.file));
        }
        let mut by_source: HashMap<String, Vec<(ir::Procedure, Vec<FileRecord>, bool)>> =
            HashMap::new();
        for b in built {
            by_source.entry(b.0.source.clone()).or_default().push(b);
        }
        let mut keep: Vec<bool> = vec![false; self.previous.len()];
        for at in self.kept.iter().flatten() {
            keep[*at] = true;
        }
        let mut keep = keep.into_iter();
        self.previous.retain(|_| keep.next().unwrap_or(false));
        let mut files = self.previous;
        for c in checked {
            let name = sources.get(c.file).name.as_str();
            let mut mine = by_source.remove(name).unwrap_or_default();
            let clean = !touched.contains(&c.file)
                && mine.len() == c.procedures.len()
                && mine.iter().all(|(_, _, clean)| *clean);
            if !clean {
                continue;
            }
            let mut procedures = Vec::with_capacity(mine.len());
            for ident in &c.procedures {
                let Some(at) = mine.iter().position(|b| b.0.id == ident.name) else {
                    break;
                };
                let (header, records, _) = mine.swap_remove(at);
                let mut folders: Vec<String> = records
                    .iter()
                    .filter_map(|r| Some(r.path.rsplit_once('/')?.0.to_string()))
                    .collect();
                folders.sort();
                folders.dedup();
                let folders = folders
                    .into_iter()
                    .map(|f| {
                        let seen = Fingerprint::of_folder(&out.join(&f))?;
                        Ok((f, seen))
                    })
                    .collect::<io::Result<_>>()?;
                let files = records
                    .into_iter()
                    .map(|r| {
                        let seen = Fingerprint::of(&out.join(&r.path))?;
                        Ok((r, seen))
                    })
                    .collect::<io::Result<_>>()?;
                procedures.push(Built {
                    name_at: (ident.span.start, ident.span.end),
                    header,
                    files,
                    folders,
                });
            }
            if procedures.len() != c.procedures.len() {
                continue;
            }
            files.push(Source {
                name: name.to_string(),
                sha256: std::mem::take(&mut self.hashes[c.file.0 as usize]),
                imports: c
                    .imports
                    .iter()
                    .map(|&f| sources.get(f).name.clone())
                    .collect(),
                procedures,
            });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Cache {
            format: FORMAT,
            key,
            files,
        })
    }
}

impl Cache {
    /// The cache as written into the output.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the cache serialises")
    }
}
