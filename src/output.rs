//! Writing a build to disk, atomically: every file is written into a fresh
//! folder beside the target, which then replaces the target in two renames.
//! A build that fails before the swap leaves the previous output untouched;
//! the folder is never half-written.

use crate::emit::OutputFile;
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

/// Writes `files` as the new content of `out`, replacing what was there.
pub fn write_atomically(out: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    for f in files {
        if !is_safe_relative(&f.path) {
            return Err(OutputError::UnsafePath(f.path.clone()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent.clone(), e))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.amt-new-{pid}"));
    let retired = parent.join(format!(".{name}.amt-old-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    let result = (|| {
        for f in files {
            let path = staging.join(&f.path);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| OutputError::Io(dir.to_path_buf(), e))?;
            }
            let mut file = fs::File::create(&path).map_err(|e| OutputError::Io(path.clone(), e))?;
            file.write_all(&f.bytes)
                .map_err(|e| OutputError::Io(path.clone(), e))?;
        }
        if out.exists() {
            fs::rename(out, &retired).map_err(|e| OutputError::Io(out.to_path_buf(), e))?;
        }
        if let Err(e) = fs::rename(&staging, out) {
            // Put the previous output back.
            let _ = fs::rename(&retired, out);
            return Err(OutputError::Io(out.to_path_buf(), e));
        }
        let _ = fs::remove_dir_all(&retired);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        assert!(is_safe_relative("a/procedure.json"));
        for bad in ["", "../x", "/etc/passwd", "a/../../x", "a\\b", "./a"] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
    }
}
