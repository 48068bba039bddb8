//! Writing a build to disk, atomically: every file is written into a fresh
//! folder beside the target, which then replaces the target in two renames.
//! A build that fails before the swap leaves the previous output untouched;
//! the folder is never half-written.

use amt_compiler::emit::OutputFile;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Why an output folder was refused or could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// The output folder is the source folder, inside it, or contains it.
    OverlapsSource {
        /// The output folder.
        out: PathBuf,
        /// The project folder.
        source: PathBuf,
    },
    /// The folder exists, is not empty, and was not written by amt.
    NotAnAmtOutput(PathBuf),
    /// A file name would leave the output folder.
    UnsafePath(String),
    /// The file system failed.
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::OverlapsSource { out, source } => write!(
                f,
                "the output folder `{}` overlaps the project folder `{}`; choose a folder outside it",
                out.display(),
                source.display()
            ),
            OutputError::NotAnAmtOutput(p) => write!(
                f,
                "`{}` exists and holds files amt did not write (no manifest.json); refusing to replace it",
                p.display()
            ),
            OutputError::UnsafePath(p) => write!(
                f,
                "refusing to write `{p}`: it would leave the output folder"
            ),
            OutputError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

fn absolute(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    // Resolve symlinks where the path exists, so aliases cannot sneak past.
    Ok(fs::canonicalize(&abs).unwrap_or(abs))
}

/// Refuses an output folder that is, is inside, or contains the project.
pub fn check_target(out: &Path, source_root: &Path) -> Result<(), OutputError> {
    let io = |p: &Path, e| OutputError::Io(p.to_path_buf(), e);
    let out_abs = absolute(out).map_err(|e| io(out, e))?;
    let src_abs = absolute(source_root).map_err(|e| io(source_root, e))?;
    if out_abs.starts_with(&src_abs) || src_abs.starts_with(&out_abs) {
        return Err(OutputError::OverlapsSource {
            out: out.to_path_buf(),
            source: source_root.to_path_buf(),
        });
    }
    if out.is_dir() {
        let empty = fs::read_dir(out).map_err(|e| io(out, e))?.next().is_none();
        if !empty && !out.join("manifest.json").is_file() {
            return Err(OutputError::NotAnAmtOutput(out.to_path_buf()));
        }
    } else if out.exists() {
        return Err(OutputError::NotAnAmtOutput(out.to_path_buf()));
    }
    Ok(())
}

/// Whether a relative output path stays inside the output folder.
pub fn is_safe_relative(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty()
        && !path.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// A build being written: files go into a fresh folder beside the target
/// (`.NAME.amt-new-PID`), and nothing in the target changes until every file
/// is written. Dropped without a commit, the folder is removed and the
/// target is left as it was. A portal serving the target never sees a
/// half-written file. There are two ways to commit:
///
/// - **whole** ([`Staging::begin`]): the folder holds the entire build and
///   replaces the target in two renames;
/// - **in place** ([`Staging::begin_update`], an incremental rebuild): the
///   folder holds only what was made again; files of the previous output
///   that stay as they are ([`Staging::keep`]) are not touched, and
///   [`Staging::commit`] swaps in each changed top-level folder (one per
///   procedure) and file by renames, then retires what the build no longer
///   makes. A rebuild then costs what changed, not a rename or link per
///   file of the output. Each file and each procedure's folder is replaced
///   whole; a failure on the way puts back what was already swapped.
///
/// A file whose bytes are those of the same file in the previous output is
/// not written again: the staging folder gets a hard link to the previous
/// file. Files are never changed in place (a build only creates new ones), so
/// the previous file is complete and stays as it is. A rebuild then allocates
/// no inode and writes no data for what did not change, and an unchanged
/// file keeps its modification time, which HTTP caches and `rsync` rely on.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    retired: PathBuf,
    /// The output being replaced, whose files may be reused.
    previous: Option<PathBuf>,
    /// Committed in place: the top-level entries of the previous output
    /// that stay (those of kept files); `None` for a whole build.
    in_place: Option<std::sync::Mutex<std::collections::BTreeSet<String>>>,
    committed: bool,
}

impl Staging {
    /// Starts a build of `out` (which [`check_target`] has accepted) that
    /// replaces it whole.
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        Staging::start(out, false)
    }

    /// Starts a rebuild of `out` that changes it in place, keeping what is
    /// not made again; without a previous output, a whole build.
    pub fn begin_update(out: &Path) -> Result<Staging, OutputError> {
        Staging::start(out, true)
    }

    fn start(out: &Path, in_place: bool) -> Result<Staging, OutputError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent.clone(), e))?;
        remove_abandoned(&parent, &name, out);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.amt-new-{pid}"));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).map_err(|e| OutputError::Io(dir.clone(), e))?;
        let previous = out
            .join("manifest.json")
            .is_file()
            .then(|| out.to_path_buf());
        Ok(Staging {
            out: out.to_path_buf(),
            retired: parent.join(format!(".{name}.amt-old-{pid}")),
            in_place: (in_place && previous.is_some()).then(Default::default),
            previous,
            dir,
            committed: false,
        })
    }

    /// Writes one file of the build; may be called from several threads.
    pub fn write(&self, file: &OutputFile) -> Result<(), OutputError> {
        if !is_safe_relative(&file.path) {
            return Err(OutputError::UnsafePath(file.path.clone()));
        }
        let reused = self.previous.as_ref().map(|p| p.join(&file.path));
        let reused = reused.filter(|old| same_bytes(old, &file.bytes));
        self.place(&file.path, |path| {
            put(path, reused.as_deref(), |at| {
                fs::File::create_new(at)?.write_all(&file.bytes)
            })
        })
    }

    /// Puts the previous output's file at `path` into the build as it is
    /// (an unchanged procedure's file, see `crate::incremental`): a hard
    /// link, or a copy where links cannot be made.
    pub fn keep(&self, path: &str) -> Result<(), OutputError> {
        let Some(previous) = &self.previous else {
            return Err(OutputError::Io(
                self.out.join(path),
                io::Error::new(io::ErrorKind::NotFound, "there is no previous output"),
            ));
        };
        if let Some(stays) = &self.in_place {
            if !is_safe_relative(path) {
                return Err(OutputError::UnsafePath(path.to_string()));
            }
            let top = path.split('/').next().unwrap_or(path);
            stays
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(top.to_string());
            return Ok(());
        }
        let old = previous.join(path);
        self.place(path, |at| {
            put(at, Some(&old), |at| fs::copy(&old, at).map(|_| ()))
        })
    }

    /// Puts the previous output's file at `path` into the staging folder as
    /// it is (a hard link, or a copy), also in a rebuild in place: for a
    /// folder made again in part, the files that did not change.
    pub fn carry(&self, path: &str) -> Result<(), OutputError> {
        let Some(previous) = &self.previous else {
            return Err(OutputError::Io(
                self.out.join(path),
                io::Error::new(io::ErrorKind::NotFound, "there is no previous output"),
            ));
        };
        let old = previous.join(path);
        self.place(path, |at| {
            put(at, Some(&old), |at| fs::copy(&old, at).map(|_| ()))
        })
    }

    /// Makes the file at `path` a second name of the file this build wrote
    /// at `target` (a file shared by several municipalities): a hard link,
    /// or a copy where links cannot be made.
    pub fn link(&self, path: &str, target: &str) -> Result<(), OutputError> {
        if !is_safe_relative(target) {
            return Err(OutputError::UnsafePath(target.to_string()));
        }
        let first = self.dir.join(target);
        self.place(path, |at| {
            put(at, Some(&first), |at| fs::copy(&first, at).map(|_| ()))
        })
    }

    /// Makes the file at the relative `path` with `make`, creating its
    /// folder when the file system says it is missing.
    fn place(
        &self,
        relative: &str,
        make: impl Fn(&Path) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        if !is_safe_relative(relative) {
            return Err(OutputError::UnsafePath(relative.to_string()));
        }
        let path = self.dir.join(relative);
        // Most files go into a folder that exists: try first, and create the
        // folder only when the file system says it is missing.
        match make(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Never recreate the staging folder: if it is gone, the
                // build fails instead of swapping in a partial tree.
                if !self.dir.is_dir() {
                    return Err(OutputError::Io(
                        self.dir.clone(),
                        io::Error::new(io::ErrorKind::NotFound, "the staging folder disappeared"),
                    ));
                }
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir).map_err(|e| OutputError::Io(dir.to_path_buf(), e))?;
                }
                make(&path)
            }
            other => other,
        }
        .map_err(|e| OutputError::Io(path, e))
    }

    /// Replaces the target with what was written: whole, or in place.
    pub fn commit(mut self) -> Result<(), OutputError> {
        if self.in_place.is_some() {
            return self.commit_in_place();
        }
        let out = self.out.clone();
        if out.exists() {
            fs::rename(&out, &self.retired).map_err(|e| OutputError::Io(out.clone(), e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &out) {
            // Put the previous output back.
            let _ = fs::rename(&self.retired, &out);
            return Err(OutputError::Io(out, e));
        }
        self.committed = true;
        remove_tree(&self.retired);
        Ok(())
    }

    /// Swaps what was made again into the target, entry by entry, in an
    /// order that never leaves the index pointing at a missing folder: the
    /// procedures' folders, then the files beside them (the index and
    /// manifest among them), then what the build no longer makes is retired
    /// (moved beside the target, then removed). An entry whose files are
    /// all those of the target (hard links, see [`Staging::write`]) stays
    /// as it is. The target's cache ([`crate::incremental::FILE`]) is
    /// retired first: if the process dies half-way, the next build builds
    /// everything.
    fn commit_in_place(mut self) -> Result<(), OutputError> {
        let stays = self
            .in_place
            .take()
            .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_default();
        let names = |dir: &Path| -> Result<Vec<(String, bool)>, OutputError> {
            let mut names = Vec::new();
            for entry in fs::read_dir(dir).map_err(|e| OutputError::Io(dir.to_path_buf(), e))? {
                let entry = entry.map_err(|e| OutputError::Io(dir.to_path_buf(), e))?;
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                names.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
            }
            // Folders first, then files; each by name.
            names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Ok(names)
        };
        let made = names(&self.dir)?;
        let previous = names(&self.out)?;
        fs::create_dir(&self.retired).map_err(|e| OutputError::Io(self.retired.clone(), e))?;
        let mut swaps = Swaps::default();
        let cache = crate::incremental::FILE;
        let mut step = || -> io::Result<()> {
            let old_cache = self.out.join(cache);
            if old_cache.exists() {
                swaps.rename(&old_cache, &self.retired.join(cache))?;
            }
            for (name, _) in made.iter().filter(|(name, _)| name != cache) {
                let (new, old) = (self.dir.join(name), self.out.join(name));
                if same_tree(&new, &old) {
                    continue;
                }
                if fs::symlink_metadata(&old).is_ok() {
                    swaps.rename(&old, &self.retired.join(name))?;
                }
                swaps.rename(&new, &old)?;
            }
            let made: std::collections::HashSet<&str> =
                made.iter().map(|(name, _)| name.as_str()).collect();
            for (name, _) in &previous {
                if !made.contains(name.as_str()) && !stays.contains(name) && name != cache {
                    swaps.rename(&self.out.join(name), &self.retired.join(name))?;
                }
            }
            Ok(())
        };
        if let Err(e) = step() {
            swaps.undo();
            let _ = fs::remove_dir_all(&self.retired);
            return Err(OutputError::Io(self.out.clone(), e));
        }
        self.committed = true;
        remove_tree(&self.retired);
        let _ = fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

/// Writes `bytes` as the file `name` in the folder `dir`, whole or not at
/// all: into a file beside it, which then replaces it by a rename.
pub fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let path = dir.join(name);
    let part = dir.join(format!("{name}.part-{}", std::process::id()));
    let written = fs::File::create(&part)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| fs::rename(&part, &path));
    if written.is_err() {
        let _ = fs::remove_file(&part);
    }
    written
}

/// The renames of an in-place commit, to undo them on a failure.
#[derive(Default)]
struct Swaps(Vec<(PathBuf, PathBuf)>);

#[cfg(test)]
thread_local! {
    /// In tests: how many renames succeed before one fails.
    static RENAMES_LEFT: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

impl Swaps {
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        #[cfg(test)]
        if let Some(left) = RENAMES_LEFT.get() {
            if left == 0 {
                return Err(io::Error::other("a failure for the test"));
            }
            RENAMES_LEFT.set(Some(left - 1));
        }
        fs::rename(from, to)?;
        self.0.push((from.to_path_buf(), to.to_path_buf()));
        Ok(())
    }

    /// Puts everything back where it was, last rename first.
    fn undo(self) {
        for (from, to) in self.0.into_iter().rev() {
            let _ = fs::rename(&to, &from);
        }
    }
}

/// Whether the entry `new` of a staging folder is the entry `old` of the
/// target as it is: the same file (a hard link to it), or a folder with the
/// same names, each the same.
fn same_tree(new: &Path, old: &Path) -> bool {
    let (Ok(a), Ok(b)) = (fs::symlink_metadata(new), fs::symlink_metadata(old)) else {
        return false;
    };
    #[cfg(unix)]
    if a.is_file() && b.is_file() {
        use std::os::unix::fs::MetadataExt;
        return a.ino() == b.ino() && a.dev() == b.dev();
    }
    if !(a.is_dir() && b.is_dir()) {
        return false;
    }
    let list = |dir: &Path| -> Option<Vec<std::ffi::OsString>> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .ok()?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<io::Result<_>>()
            .ok()?;
        names.sort();
        Some(names)
    };
    match (list(new), list(old)) {
        (Some(x), Some(y)) if x == y => x.iter().all(|n| same_tree(&new.join(n), &old.join(n))),
        _ => false,
    }
}

/// Whether the regular file at `path` holds exactly `bytes`: its size is
/// compared first, then its content (read, not trusted from a manifest, so
/// a file changed by hand in the output is written again).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return false;
    }
    let Ok(mut f) = fs::File::open(path) else {
        return false;
    };
    let mut buf = [0u8; 64 * 1024];
    let mut rest = bytes;
    loop {
        match f.read(&mut buf) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buf[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Links `reused` at `path`, or, failing that, makes the file with `make`.
fn put(
    path: &Path,
    reused: Option<&Path>,
    make: impl Fn(&Path) -> io::Result<()>,
) -> io::Result<()> {
    if let Some(old) = reused {
        match fs::hard_link(old, path) {
            Ok(()) => return Ok(()),
            // The folder is missing: the caller creates it and tries again.
            Err(e)
                if e.kind() == io::ErrorKind::NotFound
                    && !path.parent().is_some_and(Path::is_dir) =>
            {
                return Err(e);
            }
            // No hard links here (or too many): make the file instead.
            Err(_) => {}
        }
    }
    make(path)
}

/// What a file is on disk, as far as telling it changed without reading
/// it goes (as `git` and `make` do): its size, its inode and the time its
/// content last changed, to the nanosecond. A file rewritten in place gets
/// a new modification time; one replaced gets a new inode; a hard link to
/// it (a kept file) keeps both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    /// The size in bytes.
    pub len: u64,
    /// The inode (0 where the platform has none).
    pub ino: u64,
    /// The modification time, in nanoseconds since the epoch.
    pub mtime: i128,
}

impl Fingerprint {
    /// The fingerprint of the regular file at `path` (a symbolic link is
    /// not followed: amt never writes one).
    pub fn of(path: &Path) -> io::Result<Fingerprint> {
        Fingerprint::read(path, false)
    }

    /// The fingerprint of the folder at `path`: its modification time
    /// changes whenever an entry is added, removed or renamed in it (moving
    /// the folder itself keeps it).
    pub fn of_folder(path: &Path) -> io::Result<Fingerprint> {
        Fingerprint::read(path, true)
    }

    fn read(path: &Path, folder: bool) -> io::Result<Fingerprint> {
        let meta = fs::symlink_metadata(path)?;
        if folder && !meta.is_dir() || !folder && !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                if folder {
                    "not a folder"
                } else {
                    "not a regular file"
                },
            ));
        }
        #[cfg(unix)]
        let (ino, mtime) = {
            use std::os::unix::fs::MetadataExt;
            (
                meta.ino(),
                i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            )
        };
        #[cfg(not(unix))]
        let (ino, mtime) = (
            0,
            meta.modified()?
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as i128),
        );
        Ok(Fingerprint {
            len: meta.len(),
            ino,
            mtime,
        })
    }
}

/// Removes a retired output, its top-level folders (one per procedure) on
/// every core: removing tens of thousands of files is mostly waiting for the
/// file system.
fn remove_tree(root: &Path) {
    let entries: Vec<PathBuf> = match fs::read_dir(root) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(_) => return,
    };
    amt_compiler::par::map(&entries, |path| match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        _ => fs::remove_file(path),
    });
    let _ = fs::remove_dir_all(root);
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Cleans up after builds of `name` that were killed: those whose process
/// no longer runs. Their staging folders are removed. A retired output is
/// put back if the kill came between the two renames and `out` is missing;
/// otherwise it is the output before the last one, and is removed. Where
/// processes cannot be looked up (no `/proc`), nothing is touched, since
/// another build may still be running.
fn remove_abandoned(parent: &Path, name: &str, out: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").is_dir() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let Some(file_name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.amt-")) else {
            continue;
        };
        let (retired, pid) = match (rest.strip_prefix("new-"), rest.strip_prefix("old-")) {
            (Some(pid), _) => (false, pid),
            (_, Some(pid)) => (true, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() || proc.join(pid.to_string()).exists() {
            continue;
        }
        if retired && !out.exists() {
            let _ = fs::rename(&path, out);
        } else {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `dir`, with its text.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut all = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                all.extend(
                    tree(&path)
                        .into_iter()
                        .map(|(n, t)| (format!("{name}/{n}"), t)),
                );
            } else {
                all.push((name, fs::read_to_string(&path).unwrap()));
            }
        }
        all.sort();
        all
    }

    #[test]
    fn an_in_place_commit_that_fails_half_way_puts_everything_back() {
        let work = std::env::temp_dir().join(format!("amt-in-place-{}", std::process::id()));
        let _ = fs::remove_dir_all(&work);
        let out = work.join("out");
        for (path, text) in [
            ("manifest.json", "1"),
            ("a/f", "1"),
            ("b/f", "1"),
            ("c/f", "1"),
        ] {
            let path = out.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let before = tree(&out);
        let file = |path: &str| OutputFile {
            path: path.to_string(),
            bytes: b"2".to_vec(),
        };
        // `a`, `b` and the manifest made again (two renames each), `c` no
        // longer made (one): a failure at each.
        for renames in 0..7 {
            let staging = Staging::begin_update(&out).unwrap();
            for path in ["manifest.json", "a/f", "b/f"] {
                staging.write(&file(path)).unwrap();
            }
            RENAMES_LEFT.set(Some(renames));
            assert!(staging.commit().is_err(), "after {renames} renames");
            RENAMES_LEFT.set(None);
            assert_eq!(tree(&out), before, "after {renames} renames");
            assert_eq!(
                fs::read_dir(&work).unwrap().count(),
                1,
                "after {renames} renames"
            );
        }
        let staging = Staging::begin_update(&out).unwrap();
        for path in ["manifest.json", "a/f", "b/f"] {
            staging.write(&file(path)).unwrap();
        }
        staging.commit().unwrap();
        let two = |p: &str| (p.to_string(), "2".to_string());
        assert_eq!(
            tree(&out),
            vec![two("a/f"), two("b/f"), two("manifest.json")]
        );
        fs::remove_dir_all(&work).unwrap();
    }

    #[test]
    fn only_plain_relative_paths_are_safe() {
        assert!(is_safe_relative("a/procedure.json"));
        for bad in ["", "../x", "/etc/passwd", "a/../../x", "a\\b", "./a"] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
    }
}
