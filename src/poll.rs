//! Looking at a project's files for changes, for `build --watch` and
//! `serve`: every `.amt` file's modification time and size, compared with
//! the last look; changed, new and deleted files go into the workspace.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the files are looked at.
pub const INTERVAL: Duration = Duration::from_millis(250);

type Stamp = (Option<SystemTime>, u64);

/// The files as last seen, by project-relative name.
pub struct Poller {
    root: PathBuf,
    seen: BTreeMap<String, (PathBuf, Stamp)>,
}

fn snapshot(root: &Path) -> Option<BTreeMap<String, (PathBuf, Stamp)>> {
    let files = amt_compiler::project_files(root).ok()?;
    Some(
        files
            .into_iter()
            .map(|(name, path)| {
                let meta = std::fs::metadata(&path).ok();
                let stamp = (
                    meta.as_ref().and_then(|m| m.modified().ok()),
                    meta.map_or(0, |m| m.len()),
                );
                (name, (path, stamp))
            })
            .collect(),
    )
}

impl Poller {
    /// Takes the first look (before the workspace is opened: a change in
    /// between is then seen at the next look).
    pub fn new(root: &Path) -> Poller {
        Poller {
            root: root.to_path_buf(),
            seen: snapshot(root).unwrap_or_default(),
        }
    }

    /// Looks again: puts every file changed since the last look into `ws`
    /// (a deleted one as an empty file) and returns their names.
    pub fn changes(&mut self, ws: &mut amt_compiler::Workspace) -> Vec<String> {
        let Some(now) = snapshot(&self.root) else {
            return Vec::new();
        };
        let mut changed = Vec::new();
        let mut next = now.clone();
        for (name, (path, stamp)) in &now {
            if self.seen.get(name).map(|(_, s)| s) != Some(stamp) {
                match std::fs::read(path) {
                    Ok(bytes) => {
                        ws.set_file(name, bytes);
                        changed.push(name.clone());
                    }
                    // Not readable right now (being saved): taken up at the
                    // next look, as if unchanged until then.
                    Err(_) => match self.seen.get(name) {
                        Some(old) => {
                            next.insert(name.clone(), old.clone());
                        }
                        None => {
                            next.remove(name);
                        }
                    },
                }
            }
        }
        for name in self.seen.keys().filter(|n| !now.contains_key(*n)) {
            // A deleted file is kept as an empty one.
            ws.set_file(name, Vec::new());
            changed.push(name.clone());
        }
        self.seen = next;
        changed
    }
}
