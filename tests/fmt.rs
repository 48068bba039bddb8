//! `amt fmt`: idempotent, meaning-preserving, and `--check` for CI.

use amt_compiler::source::SourceMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every project the tests know: `forms/`, each UI fixture, the other
/// fixtures, and a generated project.
fn projects() -> Vec<(String, SourceMap)> {
    let mut projects = Vec::new();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("tests/ui"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixtures.sort();
    for path in fixtures {
        let name = path.display().to_string();
        if path.is_dir() && path.file_name().unwrap() != "snapshots" {
            projects.push((name, amt_compiler::load(&path).unwrap().0));
        } else if path.extension().is_some_and(|e| e == "amt") {
            let mut sources = SourceMap::new();
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let _ = amt_compiler::read_source(&mut sources, file, &path).unwrap();
            projects.push((name, sources));
        }
    }
    for dir in [
        "forms",
        "tests/hostile",
        "tests/agreement",
        "tests/workflows",
    ] {
        projects.push((
            dir.to_string(),
            amt_compiler::load(&root().join(dir)).unwrap().0,
        ));
    }
    let mut generated = SourceMap::new();
    for file in amt_corpus::generate(40, 5) {
        generated.add(file.path, file.text);
    }
    projects.push(("generated".to_string(), generated));
    projects
}

/// What a project means: its checked models, and its diagnostics without
/// their places (formatting moves text, so lines change).
fn meaning(sources: &SourceMap) -> (Vec<String>, Vec<String>) {
    let compiled = amt_compiler::compile(sources);
    let models = compiled
        .procedures
        .iter()
        .map(|p| {
            // An example knows its line, for `amt test` to point at: the
            // one place where the layout is part of the model.
            let mut model = serde_json::to_value(p).unwrap();
            for example in model["examples"].as_array_mut().into_iter().flatten() {
                example.as_object_mut().unwrap().remove("line");
            }
            serde_json::to_string_pretty(&model).unwrap()
        })
        .collect();
    let mut diagnostics: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(|d| {
            let labels: Vec<&str> = std::iter::once(&d.primary)
                .chain(&d.secondary)
                .map(|l| l.message.as_str())
                .collect();
            format!(
                "{} {} {:?} {:?} {:?}",
                d.code.as_str(),
                d.message,
                labels,
                d.notes,
                d.help
            )
        })
        .collect();
    diagnostics.sort();
    (models, diagnostics)
}

#[test]
fn formatting_is_idempotent_and_keeps_the_meaning_and_every_comment() {
    let mut formatted_files = 0;
    for (name, sources) in projects() {
        let mut formatted = SourceMap::new();
        for (id, file) in sources.iter() {
            let text = file.text.to_string();
            if !file.parse {
                // Kept only for its diagnostic (not text, too large).
                formatted.add_unparsed(file.name.clone(), text);
                continue;
            }
            let once = match amt_compiler::syntax::format::format(id, &text) {
                Ok(once) => once,
                // Files with syntax errors are left alone; a fixture for a
                // syntax error is one.
                Err(_) => text.clone(),
            };
            if let Ok(twice) = amt_compiler::syntax::format::format(id, &once) {
                assert!(
                    twice == once,
                    "formatting {} twice changes it:\n--- once\n{once}\n--- twice\n{twice}",
                    file.name
                );
                formatted_files += 1;
            }
            // Every comment is still there, in the same order.
            let comments = |t: &str| -> Vec<String> {
                amt_compiler::syntax::scan::scan(id, t)
                    .comments
                    .iter()
                    .map(|c| t[c.range()].trim_end().replace("\r\n", "\n"))
                    .collect()
            };
            assert_eq!(
                comments(&text),
                comments(&once),
                "comments of {}",
                file.name
            );
            formatted.add(file.name.clone(), once);
        }
        let (before, after) = (meaning(&sources), meaning(&formatted));
        assert!(
            before.0 == after.0,
            "formatting {name} changes a checked model"
        );
        assert_eq!(before.1, after.1, "formatting {name} changes a diagnostic");
    }
    assert!(
        formatted_files > 120,
        "only {formatted_files} files formatted"
    );
}

#[test]
fn the_project_forms_are_formatted() {
    let out = Command::new(env!("CARGO_BIN_EXE_amt"))
        .args(["fmt", "--check", "forms"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "not formatted:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn check_names_the_files_that_would_change_and_fmt_changes_them() {
    let dir = std::env::temp_dir().join(format!("amt-fmt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let messy = dir.join("messy.amt");
    let tidy = dir.join("tidy.amt");
    let broken = dir.join("broken.amt");
    std::fs::write(
        &messy,
        "group g \"G\" { field a : text \"A\" { required } }",
    )
    .unwrap();
    std::fs::write(&tidy, "group h \"H\" {\n  field b: text \"B\"\n}\n").unwrap();
    let amt = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_amt"))
            .args(args)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };

    let out = amt(&["fmt", "--check", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "./messy.amt");
    assert!(
        std::fs::read_to_string(&messy)
            .unwrap()
            .starts_with("group g \"G\" { field")
    );

    let out = amt(&["fmt", "."]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "group g \"G\" {\n  field a: text \"A\" {\n    required\n  }\n}\n"
    );
    assert_eq!(amt(&["fmt", "--check", "."]).status.code(), Some(0));

    // A file that does not parse is named with its error and left alone.
    std::fs::write(&broken, "group g {\n  field a: \n}\n").unwrap();
    let out = amt(&["fmt", "."]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("E0001") && err.contains("broken.amt:2"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "group g {\n  field a: \n}\n"
    );
    assert_eq!(amt(&["fmt", "nowhere"]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
