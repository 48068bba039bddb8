//! Reading a project: its `.amt` files into a [`SourceMap`] (a file that is
//! too large or not text is kept with a coded diagnostic, so every problem
//! is reported in one run), and its settings (`amt.json`).

use crate::diagnostic::{Code, Diagnostic};
use crate::emit;
use crate::source::{self, SourceMap, Span};
use std::path::{Path, PathBuf};

/// Files larger than this are not read (a procedure is a few hundred KB at most).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Projects with more files than this are not read.
pub const MAX_FILES: usize = 100_000;

/// Why a project could not be read at all.
#[derive(Debug)]
pub struct LoadError {
    /// The path that failed.
    pub path: PathBuf,
    /// What went wrong.
    pub error: std::io::Error,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

/// The project's own settings file, at the project root.
pub const SETTINGS_FILE: &str = "amt.json";

/// Reads the project's build settings from `amt.json` at its root, if there
/// is one: `{"schema_base": "https://…/"}`. Unknown keys are refused, so a
/// misspelt setting is not silently ignored.
pub fn project_settings(root: &Path) -> Result<emit::Settings, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        schema_base: Option<String>,
    }
    let path = root.join(SETTINGS_FILE);
    let mut settings = emit::Settings::default();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(settings),
        Err(e) => return Err(format!("cannot read `{}`: {e}", path.display())),
    };
    let file: File = serde_json::from_str(&text)
        .map_err(|e| format!("`{}` is not valid: {e}", path.display()))?;
    if let Some(base) = file.schema_base {
        settings.schema_base = base;
    }
    Ok(settings)
}

/// The project folder of a path: the path itself, or a file's folder.
pub fn project_root(path: &Path) -> PathBuf {
    if path.is_file() {
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        path.to_path_buf()
    }
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), LoadError> {
    let err = |error| LoadError {
        path: dir.to_path_buf(),
        error,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(err)?
        .collect::<Result<_, _>>()
        .map_err(err)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().map_err(err)?;
        if kind.is_dir() {
            collect(&path, root, out)?;
        } else if name.ends_with(".amt") {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((relative, path));
        }
        if out.len() > MAX_FILES {
            return Ok(());
        }
    }
    Ok(())
}

/// Every `.amt` file under `root` (sorted, hidden folders skipped), by
/// project-relative name, with its path: what [`load`] reads.
pub fn project_files(root: &Path) -> Result<Vec<(String, PathBuf)>, LoadError> {
    let mut files = Vec::new();
    collect(root, root, &mut files)?;
    Ok(files)
}

/// Reads every `.amt` file under `root` (sorted, hidden folders skipped).
/// Files that are not UTF-8 text or are too large are kept as empty sources
/// with a diagnostic, so every problem is reported in one run.
pub fn load(root: &Path) -> Result<(SourceMap, Vec<Diagnostic>), LoadError> {
    let mut files = Vec::new();
    collect(root, root, &mut files)?;
    let mut sources = SourceMap::new();
    let mut diags = Vec::new();
    if files.len() > MAX_FILES {
        let id = sources.add_unparsed(root.display().to_string(), "");
        diags.push(
            Diagnostic::new(
                Code::TooLarge,
                Span::new(id, 0..0),
                format!("the project has more than {MAX_FILES} source files"),
            )
            .label("too many files")
            .help("split it into several projects"),
        );
        return Ok((sources, diags));
    }
    // Read and looked at on every core: ten thousand files are mostly
    // system calls, then a pass over each file's bytes.
    let read = crate::par::map(&files, |(name, path)| {
        let (bytes, size) = read_bytes(path)?;
        Ok(examine(name.clone(), bytes, size))
    });
    for ((_, path), read) in files.into_iter().zip(read) {
        let examined = read.map_err(|error| LoadError { path, error })?;
        diags.extend(admit(&mut sources, None, examined));
    }
    if sources.is_empty() {
        let id = sources.add_unparsed(root.display().to_string(), "");
        diags.push(
            Diagnostic::new(
                Code::EmptyProject,
                Span::new(id, 0..0),
                format!("`{}` holds no `.amt` file", root.display()),
            )
            .label("empty project")
            .help("point amt at the folder with your procedures, e.g. `amt check forms`"),
        );
    }
    Ok((sources, diags))
}

/// Reads one file into `sources` under `name`. A file that is too large or
/// not UTF-8 text is kept (empty, or with its bad bytes replaced) and comes
/// back with its diagnostic.
pub fn read_source(
    sources: &mut SourceMap,
    name: String,
    path: &Path,
) -> Result<Option<Diagnostic>, LoadError> {
    let (bytes, size) = read_bytes(path).map_err(|error| LoadError {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(admit(sources, None, examine(name, bytes, size)))
}

/// A file's bytes and size; a file over [`MAX_FILE_BYTES`] is not read.
fn read_bytes(path: &Path) -> std::io::Result<(Vec<u8>, u64)> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE_BYTES {
        return Ok((Vec::new(), size));
    }
    Ok((std::fs::read(path)?, size))
}

/// A file read and looked at, not yet in a [`SourceMap`]: the part of
/// loading that runs on every core.
pub(crate) struct Examined {
    file: source::SourceFile,
    problem: Option<Problem>,
}

enum Problem {
    /// Over [`MAX_FILE_BYTES`], with its size: not read.
    TooLarge(u64),
    /// Not UTF-8 text, and why.
    NotText(&'static str),
}

/// Looks at a file's bytes: too large or not UTF-8 text, it is kept for
/// diagnostics to point into, unparsed.
pub(crate) fn examine(name: String, bytes: Vec<u8>, size: u64) -> Examined {
    if size > MAX_FILE_BYTES {
        let mut file = source::SourceFile::new(name, String::new());
        file.parse = false;
        return Examined {
            file,
            problem: Some(Problem::TooLarge(size)),
        };
    }
    match text_of(bytes) {
        Ok(text) => Examined {
            file: source::SourceFile::new(name, text),
            problem: None,
        },
        Err((text, what)) => {
            let mut file = source::SourceFile::new(name, text);
            file.parse = false;
            Examined {
                file,
                problem: Some(Problem::NotText(what)),
            }
        }
    }
}

/// Puts an examined file into `sources` (as a new file, or as the new text
/// of `existing`); a file with a problem comes with its diagnostic.
pub(crate) fn admit(
    sources: &mut SourceMap,
    existing: Option<source::FileId>,
    examined: Examined,
) -> Option<Diagnostic> {
    let id = match existing {
        Some(id) => {
            sources.put(id, examined.file);
            id
        }
        None => sources.insert(examined.file),
    };
    Some(match examined.problem? {
        Problem::TooLarge(size) => Diagnostic::new(Code::TooLarge, Span::new(id, 0..0), format!("this file is {} MB; amt reads files up to {} MB", size / (1024 * 1024), MAX_FILE_BYTES / (1024 * 1024)))
            .label("too large")
            .help("a procedure file is usually a few kilobytes; split the file or check that it is the right one"),
        Problem::NotText(what) => {
            let text = &sources.get(id).text;
            let offset = text.find('\u{FFFD}').unwrap_or(0);
            let end = text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            Diagnostic::new(Code::NotText, Span::new(id, offset..end), format!("this file is not UTF-8 text: {what}"))
                .label("first byte that is not text")
                .help("save the file as UTF-8 text; if it is not a procedure, give it another extension than `.amt`")
        }
    })
}

/// Whether `text` holds a control character (Unicode's `Cc`: U+0000–U+001F
/// and U+007F–U+009F) other than a line break or a tab: what
/// `text.contains(char::is_control)` says, by bytes instead of by decoded
/// characters (every source of a project passes here).
fn has_control(text: &str) -> bool {
    let bytes = text.as_bytes();
    // U+0080–U+009F are 0xC2 0x80–0x9F in UTF-8; 0xC2 also starts `§`.
    bytes
        .iter()
        .any(|&b| (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t')) || b == 0x7F)
        || memchr::memchr_iter(0xC2, bytes)
            .any(|i| bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
}

/// Checks bytes for text. On failure returns a printable stand-in (control
/// characters and invalid bytes replaced by U+FFFD, so lines and columns stay
/// right) and what was wrong.
fn text_of(bytes: Vec<u8>) -> Result<String, (String, &'static str)> {
    let (text, what) = match String::from_utf8(bytes) {
        Ok(text) if !has_control(&text) => return Ok(text),
        Ok(text) => (
            text,
            "it contains control characters (is it a binary file?)",
        ),
        Err(e) => (
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
            "it has bytes that are not valid UTF-8",
        ),
    };
    let is_bad = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    let clean: String = text
        .chars()
        .map(|c| if is_bad(c) { '\u{FFFD}' } else { c })
        .collect();
    Err((clean, what))
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_found_as_char_is_control_finds_them() {
        let is_bad = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
        let samples: Vec<String> = (0u32..0x250)
            .filter_map(char::from_u32)
            .map(|c| format!("§ Straße {c} ok\r\n\t"))
            .collect();
        for text in &samples {
            assert_eq!(super::has_control(text), text.contains(is_bad), "{text:?}");
        }
    }
}
