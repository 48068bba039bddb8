//! The book is tested as rustdoc tests code: every ```amt block of the
//! README and of `docs/` parses and checks, and every link between the
//! pages points to a file (and heading) that exists.
//!
//! A block is a whole file, several files (each begins with a line
//! `// file: NAME.amt`), or a fragment of one: the statements of a
//! procedure, of a page, of a field, of a workflow or of a step. It is tried in each of these places in
//! turn and checked in the first where it reads without a syntax error, in a
//! project that also holds `tests/docs/` (the code lists, groups and types
//! the examples name, imported where a fragment is placed). Blocks of the
//! language reference check without errors. On a code's page
//! (`docs/codes/E0101.md`) the example gives that code, and the block that
//! shows the fix does not give it and has no error of its own.

mod common;

use amt_compiler::diagnostic::{Code, Diagnostic, Severity};
use common::Temp;
use std::path::{Path, PathBuf};

/// One ```amt block.
struct Block {
    /// The Markdown file and the line the block starts on.
    place: String,
    /// The heading the block stands under.
    section: String,
    text: String,
}

fn markdown_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
}

fn blocks(path: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut section = String::new();
    let mut open: Option<(usize, String, bool)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut open {
            Some((start, body, is_amt)) => {
                if line.trim_start().starts_with("```") {
                    if *is_amt {
                        out.push(Block {
                            place: format!("{}:{}", relative(path), *start + 1),
                            section: section.clone(),
                            text: std::mem::take(body),
                        });
                    }
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None => {
                if let Some(info) = line.trim_start().strip_prefix("```") {
                    open = Some((i, String::new(), info.trim() == "amt"));
                } else if let Some(h) = line.strip_prefix('#') {
                    section = h.trim_start_matches('#').trim().to_string();
                }
            }
        }
    }
    out
}

/// The places a fragment can stand: what goes before and after it.
const PLACES: &[(&str, &str)] = &[
    ("", ""),
    (
        "procedure docs \"Docs\" @en \"Docs\" {\n  version 1.0.0\n  languages de, en\n  page seite \"Seite\" @en \"Page\" { field frage: boolean \"Frage\" @en \"Question\" }\n",
        "\n}\n",
    ),
    (
        "procedure docs \"Docs\" @en \"Docs\" {\n  version 1.0.0\n  languages de, en\n  page seite \"Seite\" @en \"Page\" {\n",
        "\n  }\n}\n",
    ),
    (
        "procedure docs \"Docs\" @en \"Docs\" {\n  version 1.0.0\n  languages de, en\n  page seite \"Seite\" @en \"Page\" {\n    field feld: text \"Feld\" @en \"Field\" {\n",
        "\n    }\n  }\n}\n",
    ),
    (
        "procedure docs \"Docs\" @en \"Docs\" {\n  version 1.0.0\n  languages de, en\n  page seite \"Seite\" @en \"Page\" { field frage: boolean \"Frage\" @en \"Question\" }\n  workflow {\n",
        "\n  }\n}\n",
    ),
    (
        "procedure docs \"Docs\" @en \"Docs\" {\n  version 1.0.0\n  languages de, en\n  page seite \"Seite\" @en \"Page\" { field frage: boolean \"Frage\" @en \"Question\" }\n  workflow {\n    start eingang \"Eingang\" @en \"Receipt\" { goto pruefung }\n    step pruefung \"Prüfung\" @en \"Review\" {\n      by applicant\n",
        "\n      goto ende\n    }\n    end ende \"Ende\" @en \"End\" outcome completed\n  }\n}\n",
    ),
];

/// The names of `tests/docs/`, imported into a fragment's file.
fn imports() -> String {
    let mut out = String::new();
    for (file, names) in [
        ("common/anschrift", "anschrift"),
        ("common/person", "person"),
        ("common/typen", "postleitzahl"),
        (
            "common/codelisten",
            "familienstand, geschlecht, wohnungsstatus, ergebnis, antragsart, verfahrensart",
        ),
    ] {
        out.push_str(&format!("import {file}.{{{names}}}\n"));
    }
    out
}

/// The files of a block that shows several: each begins with a line
/// `// file: NAME.amt`. `None` for a block of one file.
fn files(block: &Block) -> Option<Vec<(String, String)>> {
    if !block.text.starts_with("// file: ") {
        return None;
    }
    let mut files: Vec<(String, String)> = Vec::new();
    for line in block.text.lines() {
        match line.strip_prefix("// file: ") {
            Some(name) => files.push((name.trim().to_string(), String::new())),
            None => {
                let (_, text) = files.last_mut()?;
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    Some(files)
}

/// Checks a block of several files, as they stand, beside `tests/docs/`.
fn check_files(block: &Block, files: &[(String, String)]) -> Vec<Diagnostic> {
    let dir = Temp::new(&format!(
        "files-{}",
        block.place.replace(['/', ':', '.'], "-")
    ));
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs"),
        dir.path(),
    );
    for (name, text) in files {
        dir.write(name, text);
    }
    let (sources, compiled) = amt_compiler::check_project(dir.path()).unwrap();
    compiled
        .diagnostics
        .into_iter()
        .filter(|d| {
            let name = &sources.get(d.primary.span.file).name;
            files.iter().any(|(f, _)| f == name)
        })
        .collect()
}

/// Checks a block in a project of its own; the diagnostics of its file.
fn check(block: &Block) -> Vec<Diagnostic> {
    if let Some(files) = files(block) {
        return check_files(block, &files);
    }
    let mut tried = Vec::new();
    for (i, (before, after)) in PLACES.iter().enumerate() {
        let dir = Temp::new(&format!(
            "block-{}",
            block.place.replace(['/', ':', '.'], "-")
        ));
        let context = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs");
        copy(&context, dir.path());
        let head = if i == 0 { String::new() } else { imports() };
        let start = head.len() + before.len();
        let end = start + block.text.len();
        dir.write("doc.amt", format!("{head}{before}{}{after}", block.text));
        let (sources, compiled) = amt_compiler::check_project(dir.path()).unwrap();
        // What the block itself gives, not the place around it.
        let own: Vec<Diagnostic> = compiled
            .diagnostics
            .into_iter()
            .filter(|d| {
                let span = d.primary.span;
                let range = span.range();
                sources.get(span.file).name == "doc.amt"
                    && (i == 0 || (start <= range.start && range.end <= end))
            })
            .collect();
        let misplaced = own
            .iter()
            .any(|d| matches!(d.code, Code::SyntaxError | Code::MisplacedStatement));
        if !misplaced {
            return own;
        }
        tried.push(own);
    }
    // It reads nowhere: the whole file's diagnostics (a syntax error's page).
    tried.swap_remove(0)
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&path, &target);
        } else {
            std::fs::copy(&path, target).unwrap();
        }
    }
}

fn describe(ds: &[Diagnostic]) -> String {
    ds.iter()
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn every_amt_example_of_the_book_parses_and_checks() {
    let mut failures = Vec::new();
    let mut count = 0;
    for path in markdown_files() {
        let code = path
            .file_stem()
            .and_then(|s| amt_compiler::diagnostic::lookup(&s.to_string_lossy()))
            .filter(|_| path.parent().is_some_and(|p| p.ends_with("codes")))
            .map(|info| info.code);
        for block in blocks(&path) {
            count += 1;
            let found = check(&block);
            let errors: Vec<Diagnostic> = found
                .iter()
                .filter(|d| d.severity() == Severity::Error)
                .cloned()
                .collect();
            let problem = match code {
                Some(code) if block.section.starts_with("Example") => {
                    (!found.iter().any(|d| d.code == code))
                        .then(|| format!("does not give {}: {}", code.as_str(), describe(&found)))
                }
                Some(code) => (!errors.is_empty() || found.iter().any(|d| d.code == code))
                    .then(|| format!("the fix gives {}", describe(&found))),
                None => (!errors.is_empty()).then(|| describe(&errors)),
            };
            if let Some(problem) = problem {
                failures.push(format!("{} ({}): {problem}", block.place, block.section));
            }
        }
    }
    assert!(count > 100, "{count} blocks");
    assert!(
        failures.is_empty(),
        "{} of {count} blocks fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `[text](target)` links in a Markdown text: their targets.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

/// The anchors of a Markdown file's headings, as GitHub makes them.
fn anchors(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_link_between_the_pages_of_the_book_leads_somewhere() {
    let mut broken = Vec::new();
    let mut count = 0;
    for path in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for link in links(&text) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            count += 1;
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                path.parent().unwrap().join(file)
            };
            if !target.exists() {
                broken.push(format!("{}: {link} (no such file)", relative(&path)));
                continue;
            }
            if !anchor.is_empty() {
                let target_text = std::fs::read_to_string(&target).unwrap_or_default();
                if !anchors(&target_text).iter().any(|a| a == anchor) {
                    broken.push(format!("{}: {link} (no such heading)", relative(&path)));
                }
            }
        }
    }
    assert!(count > 10, "{count} links");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
