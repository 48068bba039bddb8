//! The file store. Every source file a run reads gets a [`FileId`]; every span
//! in the compiler is a [`Span`]: a file and a byte range into that file's text.
//!
//! The text kept here is the file as the author saved it, minus a leading UTF-8
//! byte-order mark; byte offsets in diagnostics count from after the mark, which
//! is what editors show as column 1.

use serde::Serialize;
use std::ops::Range;

/// Identifies one file of the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from a file and a byte range.
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    /// The byte range of the span.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        debug_assert_eq!(self.file, other.file);
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One source file: its path relative to the project root (with `/`), and text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the project root, `/`-separated, e.g. `common/person.amt`.
    pub name: String,
    /// The text, without a leading byte-order mark.
    pub text: String,
    /// False for a file kept only to point diagnostics at (not text, too
    /// large); it is not parsed.
    pub parse: bool,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A file to parse (a leading byte-order mark is dropped).
    pub(crate) fn new(name: String, mut text: String) -> Self {
        if text.starts_with('\u{FEFF}') {
            text.drain(..3);
        }
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name,
            text,
            parse: true,
            line_starts,
        }
    }

    /// The 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// 1-based line and column (in characters) of a byte offset. A carriage
    /// return before the newline is part of the line and never shifts columns.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The byte range of a 0-based line, without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }

    /// The line starts, for renderers.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }
}

/// All source files of one run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    by_name: std::collections::HashMap<String, FileId>,
}

impl SourceMap {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.insert(SourceFile::new(name.into(), text.into()))
    }

    /// Adds a file made beforehand (on another core) and returns its id.
    pub(crate) fn insert(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.by_name.insert(file.name.clone(), id);
        self.files.push(file);
        id
    }

    /// Puts a file made beforehand in place of the file `id` (same name).
    pub(crate) fn put(&mut self, id: FileId, file: SourceFile) {
        debug_assert_eq!(self.files[id.0 as usize].name, file.name);
        self.files[id.0 as usize] = file;
    }

    /// Adds a file that is only there for diagnostics to point into; it is
    /// not parsed.
    pub fn add_unparsed(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = self.add(name, text);
        self.files[id.0 as usize].parse = false;
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Every file with its id, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Looks a file up by its project-relative name.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.by_name.get(name).copied()
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
