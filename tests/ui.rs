//! UI tests: every fixture in `tests/ui/` is checked, its diagnostics are
//! rendered as a person sees them (no colour) and compared with a reviewed
//! snapshot in `tests/ui/snapshots/`. The fixture's first line names the code
//! it must produce (`// expect: E0101`), so a different error with a similar
//! text cannot pass. A folder is a multi-file project (its `main.amt` holds
//! the header).

use amt_compiler::diagnostic::render_human;
use amt_compiler::source::SourceMap;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/ui exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "amt")
                || (p.is_dir() && p.file_name().is_some_and(|n| n != "snapshots"))
        })
        .collect();
    out.sort();
    out
}

fn expected_codes(path: &Path) -> Vec<String> {
    let header_file = if path.is_dir() {
        path.join("main.amt")
    } else {
        path.to_path_buf()
    };
    let Ok(bytes) = std::fs::read(&header_file) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let first = text
        .trim_start_matches('\u{FEFF}')
        .lines()
        .next()
        .unwrap_or("");
    first
        .strip_prefix("// expect:")
        .map(|codes| {
            codes
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn run(path: &Path) -> (SourceMap, amt_compiler::Compiled) {
    if path.is_dir() {
        // Relative, so snapshots do not depend on where the repository is.
        let relative = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        amt_compiler::check_project(relative).expect("fixture folder is readable")
    } else {
        let mut sources = SourceMap::new();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let load =
            amt_compiler::read_source(&mut sources, name, path).expect("fixture is readable");
        amt_compiler::check_sources(sources, load.into_iter().collect())
    }
}

#[test]
fn every_fixture_matches_its_snapshot_and_expected_code() {
    let mut failures = Vec::new();
    let fixtures = fixtures();
    assert!(!fixtures.is_empty());
    for path in fixtures {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let expected = expected_codes(&path);
        let (sources, compiled) = run(&path);
        let codes: Vec<&str> = compiled
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        let is_empty_project = name.starts_with("E0006");
        if expected.is_empty() && !is_empty_project {
            failures.push(format!("{name}: the first line must be `// expect: CODE`"));
        }
        for code in &expected {
            if !codes.contains(&code.as_str()) {
                failures.push(format!("{name}: expected {code}, got {codes:?}"));
            }
        }
        let rendered: String = compiled
            .diagnostics
            .iter()
            .map(|d| render_human(&sources, d, false))
            .collect();
        let result = std::panic::catch_unwind(|| {
            insta::with_settings!({
                snapshot_path => "ui/snapshots",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name.clone(), rendered);
            });
        });
        if result.is_err() {
            failures.push(format!(
                "{name}: rendered diagnostics differ from the snapshot"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_code_has_a_fixture_and_an_explanation() {
    let names: Vec<String> = fixtures()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for info in amt_compiler::diagnostic::CODES {
        let code = info.code.as_str();
        assert!(
            info.explain
                .starts_with(&format!("# {code}: {}", info.title)),
            "{code}: the explanation must start with `# {code}: {}`",
            info.title
        );
        // E0004 (too large) is tested with generated files, and E0801 (a
        // municipality's template fails) with a template folder, in
        // tests/cli.rs; E0901 is a bug report no input causes (its wording
        // is tested with the emitter's errors). The codes of `amt import`
        // (E1101–E1104, W1101) are about XML documents, tested with XML
        // fixtures in tests/fim.rs.
        if !matches!(
            code,
            "E0004" | "E0801" | "E0901" | "E1101" | "E1102" | "E1103" | "E1104" | "W1101"
        ) {
            assert!(
                names.iter().any(|n| n.starts_with(code)),
                "{code} has no fixture in tests/ui"
            );
        }
    }
}
