//! The hand-written reader of declarations (`syntax/parser/fast.rs`) reads
//! what it reads as pest does with the grammar: the same tree, every place
//! to the byte. Checked on every source of the repository, on generated
//! projects, and on thousands of edits of them that a typing author makes
//! (most of which pest refuses or reads differently).

use amt_compiler::syntax::check_fast_reader;
use std::path::{Path, PathBuf};

fn amt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            amt_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "amt") {
            out.push(path);
        }
    }
}

/// Every `.amt` file of the repository, with its text.
fn repository() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["forms", "tests", "docs"] {
        amt_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f).ok()?;
            Some((f.display().to_string(), text))
        })
        .collect()
}

/// Checks texts; returns how many declarations were read fast and how many
/// left to pest.
fn check_all(texts: &[(String, String)]) -> (usize, usize) {
    let (mut read, mut left) = (0, 0);
    let mut failures = Vec::new();
    for (name, text) in texts {
        match check_fast_reader(text) {
            Ok((r, l)) => {
                read += r;
                left += l;
            }
            Err(e) => failures.push(format!("{name}: {e}\n--- text:\n{text}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    (read, left)
}

#[test]
fn every_source_of_the_repository_is_read_as_pest_reads_it() {
    let files = repository();
    assert!(files.len() > 50, "{} files", files.len());
    let (read, left) = check_all(&files);
    // The fast reader is the one that reads: pest only what has an error
    // (the UI fixtures) or is rare.
    assert!(read > 10 * left, "{read} read, {left} left to pest");
}

#[test]
fn generated_projects_are_read_as_pest_reads_them() {
    let mut texts = Vec::new();
    for seed in 1..=3 {
        for file in amt_corpus::generate(40, seed) {
            texts.push((format!("seed {seed}: {}", file.path), file.text));
        }
    }
    let (read, left) = check_all(&texts);
    assert_eq!(left, 0, "the generated projects are clean; {read} read");
}

/// A small deterministic generator (xorshift), so every run tries the same
/// edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What a typing author inserts, and what sits on the edges of the grammar:
/// comments where whitespace goes, reserved words, operators, literals at
/// their limits, escapes, translations.
const PIECES: &[&str] = &[
    " ",
    "\n",
    "\t",
    "\r\n",
    "\u{FEFF}",
    "/* c */",
    "/**/",
    "// c\n",
    "/*",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "..",
    ":",
    "=",
    "==",
    "!=",
    "<",
    ">=",
    "-",
    "+",
    "*",
    "/",
    "not ",
    " not in ",
    " in ",
    " and ",
    " or ",
    "if ",
    " then ",
    " else ",
    "yes",
    "no",
    "today",
    "\"",
    "\"x\"",
    "\\",
    "\\n",
    "@en ",
    "@de-AT \"y\"",
    "0",
    "7",
    "1.5",
    "12.345",
    "2024-02-29",
    "2023-02-29",
    "9223372036854775808",
    " EUR",
    " €",
    " days",
    " week",
    " KB",
    "x",
    "_a",
    "field ",
    "group ",
    "page ",
    "when ",
    "required",
    "hint \"h\"",
    "goto ",
    " after 2 days",
    " from ",
    " issue ",
    "version ",
    "1.0.0-rc.1",
    "expect ",
    " valid",
    " error on ",
    "a[0]",
    "<https://x>",
    "< ",
    "é",
    "§",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 => {
                let end = (at + 1 + rng.below(6)).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let end = (at + 1 + rng.below(20)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            _ => {
                let piece = PIECES[rng.below(PIECES.len())];
                bytes.splice(at..at, piece.bytes());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn edits_of_every_declaration_are_read_as_pest_reads_them() {
    // Each declaration of the repository's sources on its own, edited
    // again and again: a whole file would make pest read the rest of it
    // for every edit.
    let mut declarations = Vec::new();
    for (name, text) in repository() {
        for piece in split_declarations(&text) {
            declarations.push((name.clone(), piece));
        }
    }
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut edited = Vec::new();
    for (name, text) in &declarations {
        for i in 0..60 {
            edited.push((format!("{name} (edit {i})"), mutate(text, &mut rng)));
        }
    }
    let (read, left) = check_all(&edited);
    eprintln!(
        "{} edits: {read} read fast, {left} left to pest",
        edited.len()
    );
    // Many edits still parse: the fast reader reads a good share of them.
    assert!(read > edited.len() / 10, "{read} read, {left} left");
}

/// A file's top-level declarations, cut where a line starts with a word
/// that begins one.
fn split_declarations(text: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        let starts = ["import ", "codelist ", "type ", "group ", "procedure "]
            .iter()
            .any(|k| line.starts_with(k));
        match pieces.last_mut() {
            Some(last) if !starts => last.push_str(line),
            _ => pieces.push(line.to_string()),
        }
    }
    pieces
}

/// Found by fuzzing (`fuzz/fuzz_targets/reader.rs`): an `if` chain as long
/// as a file was read, recursing once per `if`, before the reader gave up
/// on its length. It gives up as soon as the whole is too long, so a small
/// stack is enough; pest reads it (on amt's stack).
#[test]
fn an_over_long_expression_is_left_to_pest_without_deep_recursion() {
    let chain = "if x > 1 then 1 else ".repeat(5_000);
    let text = format!(
        "procedure p \"P\" {{\n  version 1.0.0\n  page a \"A\" {{ field x: integer \"X\" }}\n  computed c \"C\" = {chain}0\n}}\n"
    );
    let small = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || amt_compiler::syntax::check_fast_reader(&text))
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(small, Ok((0, 1)));
}
