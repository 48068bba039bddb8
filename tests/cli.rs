//! The `amt` binary as a build pipeline uses it: exit codes, machine-readable
//! diagnostics, hostile inputs, deterministic and atomic builds.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

mod common;
use common::{Temp, amt};

const VALID: &str = "procedure p \"P\" {\n  version 1.0.0\n  page a \"A\" {\n    field x: text \"X\" { required }\n  }\n}\n";

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// Checks a project and returns (exit code, diagnostics as JSON), within 20 s.
fn check_json(dir: &Temp) -> (i32, Vec<serde_json::Value>) {
    let start = Instant::now();
    let out = amt(&["check", dir.s(), "--message-format", "json"]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().expect("exited"), json_lines(&out))
}

fn first_code(diags: &[serde_json::Value]) -> String {
    diags
        .first()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn valid_project_passes_with_exit_0() {
    let t = Temp::new("valid");
    t.write("p.amt", VALID);
    let (code, diags) = check_json(&t);
    assert_eq!((code, diags.len()), (0, 0), "{diags:?}");
}

#[test]
fn empty_project_is_a_coded_error() {
    let t = Temp::new("empty");
    let (code, diags) = check_json(&t);
    assert_eq!((code, first_code(&diags).as_str()), (1, "E0006"));
}

#[test]
fn binary_and_invalid_utf8_files_are_coded_errors_with_a_position() {
    let t = Temp::new("binary");
    t.write("bin.amt", b"procedure p \"P\" {\n  \x00\x01\x02\xff\n}");
    let (code, diags) = check_json(&t);
    assert_eq!((code, first_code(&diags).as_str()), (1, "E0003"));
    assert_eq!(
        (diags[0]["line"].as_u64(), diags[0]["column"].as_u64()),
        (Some(2), Some(3))
    );

    let t = Temp::new("utf8");
    t.write("latin1.amt", b"// Stra\xdfe\nprocedure p {}");
    let (code, diags) = check_json(&t);
    assert_eq!((code, first_code(&diags).as_str()), (1, "E0003"));
    assert_eq!(
        (diags[0]["line"].as_u64(), diags[0]["column"].as_u64()),
        (Some(1), Some(8))
    );
}

#[test]
fn unterminated_string_is_reported_where_it_starts() {
    let t = Temp::new("string");
    t.write("s.amt", "procedure p \"P {\n  version 1.0.0\n}\n");
    let (code, diags) = check_json(&t);
    assert_eq!((code, first_code(&diags).as_str()), (1, "E0002"));
    assert_eq!(
        (diags[0]["line"].as_u64(), diags[0]["column"].as_u64()),
        (Some(1), Some(13))
    );
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let t = Temp::new("deep");
    let deep = format!(
        "procedure p \"P\" {{ version 1.0.0 page a \"A\" {{ field x: integer \"X\" {{ rule {}1{} = 1 \"m\" }} }} }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    t.write("deep.amt", deep);
    let (code, diags) = check_json(&t);
    assert_eq!((code, first_code(&diags).as_str()), (1, "E0005"));
}

#[test]
fn the_largest_expression_amt_reads_builds_and_validates() {
    // Just under the limit (E0007), the deepest tree an expression can
    // have: a chain of prefixes. Every stage walks it recursively, in this
    // debug build too, and `amt validate` reads the written model back.
    let t = Temp::new("largest-expr");
    let nots = "not ".repeat(4_990);
    t.write(
        "p.amt",
        format!("procedure p \"P\" {{ version 1.0.0 page a \"A\" {{ field x: integer \"X\" }} computed c \"C\" = {nots}yes }}"),
    );
    let elsewhere = Temp::new("largest-expr-out");
    let out = elsewhere.path().join("out");
    let o = amt(&["build", t.s(), "--out", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let submission = t.path().join("submission.json");
    std::fs::write(&submission, r#"{"x": 3}"#).unwrap();
    let model = out.join("p/procedure.json");
    let o = amt(&[
        "validate",
        model.to_str().unwrap(),
        submission.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("c = true"));
}

#[test]
fn huge_expressions_are_a_diagnostic_not_a_stack_overflow() {
    // Each of these overflowed the stack before expressions were bounded:
    // a flat chain (the tree is as deep as it is long), prefixes, and an
    // `if` chain without brackets.
    let t = Temp::new("huge-expr");
    let wrap = |e: String| {
        format!(
            "procedure p \"P\" {{ version 1.0.0 page a \"A\" {{ field x: integer \"X\" }} computed c \"C\" = {e} }}"
        )
    };
    for (name, expr) in [
        ("flat", vec!["x"; 200_000].join(" + ")),
        ("prefixes", format!("{}yes", "not ".repeat(100_000))),
        (
            "ifs",
            format!("{}0", "if x > 1 then 1 else ".repeat(50_000)),
        ),
    ] {
        t.write("p.amt", wrap(expr));
        let (code, diags) = check_json(&t);
        assert_eq!(code, 1, "{name}");
        // An `if` chain nests without brackets: the scanner counts the
        // `if`s before the parser recurses into them.
        let expected = if name == "ifs" { "E0005" } else { "E0007" };
        assert_eq!(first_code(&diags), expected, "{name}: {diags:?}");
    }
}

#[test]
fn a_five_megabyte_line_is_reported_without_flooding_the_terminal() {
    let t = Temp::new("longline");
    let line = format!("procedure p \"P\" {{ {} }}", "x ".repeat(2_500_000));
    t.write("long.amt", line);
    let start = Instant::now();
    let out = amt(&["check", t.s()]);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[E0001]"), "{stderr}");
    assert!(stderr.contains("long.amt:1:"), "{stderr}");
    assert!(stderr.len() < 10_000, "printed {} bytes", stderr.len());
}

#[test]
fn a_fifty_megabyte_file_is_refused_with_a_diagnostic() {
    let t = Temp::new("huge");
    t.write("huge.amt", vec![b'/'; 50 * 1024 * 1024]);
    let (code, diags) = check_json(&t);
    assert_eq!((code, first_code(&diags).as_str()), (1, "E0004"));
    assert_eq!(diags[0]["file"], "huge.amt");
}

#[test]
fn crlf_and_byte_order_mark_do_not_shift_positions() {
    let t = Temp::new("crlf");
    let text = "procedure p \"P\" {\r\n  version 1.0.0\r\n  page a \"A\" {\r\n    field x: text \"X\" { when y = 1 }\r\n  }\r\n}\r\n";
    t.write("crlf.amt", format!("\u{FEFF}{text}"));
    let (code, diags) = check_json(&t);
    assert_eq!((code, first_code(&diags).as_str()), (1, "E0101"));
    assert_eq!(
        (diags[0]["line"].as_u64(), diags[0]["column"].as_u64()),
        (Some(4), Some(30))
    );
}

#[test]
fn json_diagnostics_carry_every_documented_field() {
    let t = Temp::new("jsonfields");
    t.write("p.amt", VALID.replace("required", "when geburtsdatun = 1"));
    let (code, diags) = check_json(&t);
    assert_eq!(code, 1);
    let d = &diags[0];
    for key in [
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "byte_start",
        "byte_end",
        "labels",
        "notes",
        "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "p.amt");
}

#[test]
fn check_says_what_it_checked_and_warns_when_there_is_no_procedure() {
    let t = Temp::new("scope");
    t.write("common.amt", "codelist c \"C\" { A \"a\" B \"b\" }\n");
    let out = amt(&["check", t.s()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("warning[W0102]"), "{said}");
    assert!(
        said.ends_with("passed: 0 errors, 1 warning (0 procedures in 1 file)\n"),
        "{said}"
    );

    t.write("p.amt", VALID);
    t.write("q.amt", VALID.replace("procedure p", "procedure q"));
    let out = amt(&["check", t.s()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert_eq!(said, "checked 2 procedures in 3 files: no problems\n");

    // Machine-readable output stays one diagnostic per line, nothing else.
    let out = amt(&["check", t.s(), "--message-format", "json"]);
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}

#[test]
fn warnings_pass_unless_denied() {
    let t = Temp::new("warnings");
    t.write("common.amt", "codelist c \"C\" { A \"a\" B \"b\" }\n");
    t.write("p.amt", format!("import common.{{c}}\n{VALID}"));
    let out = amt(&["check", t.s()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning[W0101]"));
    let out = amt(&["check", t.s(), "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn usage_and_io_problems_exit_2() {
    assert_eq!(amt(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(amt(&["check", "/no/such/folder"]).status.code(), Some(2));
    assert_eq!(amt(&["explain", "E9999"]).status.code(), Some(2));
    let t = Temp::new("outinside");
    t.write("p.amt", VALID);
    let inside = t.path().join("out");
    assert_eq!(
        amt(&["build", t.s(), "--out", inside.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        amt(&["build", t.s(), "--out", t.s()]).status.code(),
        Some(2)
    );
}

#[test]
fn explain_prints_a_page_for_every_code() {
    for info in amt_compiler::diagnostic::CODES {
        let out = amt(&["explain", info.code.as_str()]);
        assert_eq!(out.status.code(), Some(0));
        let page = String::from_utf8_lossy(&out.stdout);
        assert!(
            page.contains("## How to fix") || page.contains("## Example"),
            "{}",
            info.code.as_str()
        );
    }
}

#[test]
fn build_is_deterministic_and_atomic() {
    let src = Temp::new("detsrc");
    src.write("p.amt", VALID);
    let out = Temp::new("detout");
    let a = out.path().join("a");
    let b = out.path().join("b");
    for dir in [&a, &b] {
        let o = amt(&["build", src.s(), "--out", dir.to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    for file in ["manifest.json", "p/procedure.json"] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
    // A failing build leaves the previous output as it was.
    let before = std::fs::read(a.join("p/procedure.json")).unwrap();
    src.write("p.amt", VALID.replace("required", "when nope = 1"));
    let o = amt(&["build", src.s(), "--out", a.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(a.join("p/procedure.json")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn build_refuses_to_replace_a_folder_amt_did_not_write() {
    let src = Temp::new("foreignsrc");
    src.write("p.amt", VALID);
    let out = Temp::new("foreignout");
    out.write("precious.txt", "keep me");
    let o = amt(&["build", src.s(), "--out", out.s()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(out.path().join("precious.txt").exists());
}

#[test]
fn the_real_procedures_check_clean_and_output_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let forms = root.join("forms");
    let out = amt(&[
        "check",
        forms.to_str().unwrap(),
        "--message-format",
        "json",
        "--deny-warnings",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let fresh = Temp::new("forms-output");
    let target = fresh.path().join("output");
    let o = amt(&[
        "build",
        forms.to_str().unwrap(),
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(target.join("manifest.json")).unwrap()).unwrap();
    let mut files = vec!["manifest.json".to_string()];
    for p in manifest["procedures"].as_array().unwrap() {
        for f in p["files"].as_array().unwrap() {
            files.push(f["path"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(manifest["procedures"].as_array().unwrap().len(), 4);
    // Every municipality's procedures: the four offered at their levels and
    // the Hundesteuer, which only municipalities build.
    let mut units = 0;
    for m in manifest["municipalities"].as_array().unwrap() {
        let Some(own) = m["manifest"].as_str() else {
            continue;
        };
        files.push(own.to_string());
        let own: serde_json::Value =
            serde_json::from_slice(&std::fs::read(target.join(own)).unwrap()).unwrap();
        for p in own["procedures"].as_array().unwrap() {
            units += 1;
            for f in p["files"].as_array().unwrap() {
                files.push(f["path"].as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(units, 25);
    files.push("index.html".into());
    for f in files {
        let committed = std::fs::read(root.join("output").join(&f)).unwrap_or_default();
        assert!(
            committed == std::fs::read(target.join(&f)).unwrap(),
            "output/{f} is out of date: run `cargo run --release -- build forms --out output`"
        );
    }
}

#[test]
fn the_book_lists_every_diagnostic_code_with_its_title() {
    let list = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md"))
        .unwrap();
    for info in amt_compiler::diagnostic::CODES {
        let row = format!("| `{}` |", info.code.as_str());
        assert!(
            list.lines()
                .any(|l| l.starts_with(&row) && l.ends_with(&format!("| {} |", info.title))),
            "docs/codes.md does not list {} as `{}`",
            info.code.as_str(),
            info.title
        );
    }
}

const MOVE: &str = r#"
codelist status "Status" @en "Status" {
  allein "alleinige Wohnung" @en "sole dwelling"
  haupt "Hauptwohnung" @en "main dwelling"
}

procedure umzug "Umzug" @en "Move" {
  version 1.0.0
  languages de, en
  page p "Angaben" @en "Details" {
    field einzug: date "Tag des Einzugs" @en "Date of moving in" {
      required
      rule einzug <= today "Der Einzug darf nicht in der Zukunft liegen." @en "The move must not be in the future."
    }
    field status: choice(status) "Status" @en "Status" { required }
    field weitere: text(max 20) "Weitere Wohnung" @en "Other dwelling" {
      when status = haupt
      required
    }
    field personen: integer(min 1, max 10) "Personen" @en "Persons"
    computed doppelt "Doppelt" @en "Double" = personen * 2
  }
  fee gebuehr "Gebühr" @en "Fee" = 660.00 EUR
  example "allein" {
    today 2026-03-10
    einzug = 2026-03-01
    status = allein
    personen = 2
    expect valid
    expect hidden weitere
    expect doppelt = 4
  }
  example "Hauptwohnung ohne weitere Wohnung" from "allein" {
    status = haupt
    expect error on weitere
  }
}
"#;

#[test]
fn validate_reports_each_problem_with_pointer_label_and_message() {
    let dir = Temp::new("validate");
    let source = dir.write("umzug.amt", MOVE);
    let good = dir.write(
        "good.json",
        r#"{"einzug": "2026-03-01", "status": "allein", "personen": 3}"#,
    );
    let bad = dir.write(
        "bad.json",
        r#"{"einzug": "2026-04-01", "status": "haupt", "personen": 11, "extra": 1}"#,
    );
    let (source, good, bad) = (
        source.to_str().unwrap(),
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
    );
    let o = amt(&["validate", source, good, "--today", "2026-03-10"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("computed: doppelt = 6"), "{stdout}");
    assert!(
        stdout.contains("computed: gebuehr = 660.00 EUR"),
        "{stdout}"
    );
    assert!(stdout.contains("valid: 0 errors"), "{stdout}");

    let o = amt(&["validate", source, bad, "--today", "2026-03-10"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    for line in [
        "error: /einzug (Tag des Einzugs): Der Einzug darf nicht in der Zukunft liegen. [rule]",
        "error: /weitere (Weitere Wohnung): Bitte machen Sie hier eine Angabe. [required]",
        "error: /personen (Personen): Der Wert darf nicht größer sein als 10. [maximum]",
        "error: /extra: Diese Angabe gehört nicht zum Formular. [unknown]",
        "invalid: 4 errors, 0 warnings",
    ] {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }

    let o = amt(&[
        "validate",
        source,
        bad,
        "--today",
        "2026-03-10",
        "--lang",
        "en",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let first = &report["problems"][0];
    assert_eq!(first["pointer"], "/einzug");
    assert_eq!(first["path"], "einzug");
    assert_eq!(first["check"], "rule");
    assert_eq!(first["label"], "Date of moving in");
    assert_eq!(first["message"], "The move must not be in the future.");
    assert_eq!(
        first["schema"], false,
        "a rule about today is not in the schema"
    );
    let required = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["check"] == "required")
        .unwrap();
    assert_eq!(required["schema"], true);
}

#[test]
fn validate_reads_a_built_model_as_well_as_sources() {
    let dir = Temp::new("validate-model");
    dir.write("src/umzug.amt", MOVE);
    let out = dir.path().join("out");
    let o = amt(&[
        "build",
        dir.path().join("src").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let bad = dir.write("bad.json", r#"{"einzug": "2026-03-01", "status": "haupt"}"#);
    let model = out.join("umzug/procedure.json");
    let from_model = amt(&[
        "validate",
        model.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--today",
        "2026-03-10",
    ]);
    let from_source = amt(&[
        "validate",
        dir.path().join("src").to_str().unwrap(),
        bad.to_str().unwrap(),
        "--today",
        "2026-03-10",
    ]);
    assert_eq!(from_model.status.code(), Some(1));
    assert_eq!(from_model.stdout, from_source.stdout);
    // The built procedure's folder, and the build's folder with `--id`.
    let validate = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend([bad.to_str().unwrap(), "--today", "2026-03-10"]);
        amt(&args)
    };
    let folder = out.join("umzug");
    let from_folder = validate(&["validate", folder.to_str().unwrap()]);
    assert_eq!(from_folder.status.code(), Some(1));
    assert_eq!(from_folder.stdout, from_source.stdout);
    let from_build = validate(&["validate", out.to_str().unwrap(), "--id", "umzug"]);
    assert_eq!(from_build.stdout, from_source.stdout);
    let unnamed = validate(&["validate", out.to_str().unwrap()]);
    assert_eq!(unnamed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unnamed.stderr).contains("--id"));
    let unknown = validate(&["validate", out.to_str().unwrap(), "--id", "umzg"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no procedure `umzg`"));
    let unreadable = dir.write("not-json.json", "{");
    let o = amt(&[
        "validate",
        model.to_str().unwrap(),
        unreadable.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not JSON"));
}

#[test]
fn test_runs_examples_and_shows_a_readable_diff_on_failure() {
    let dir = Temp::new("examples");
    dir.write("umzug.amt", MOVE);
    let o = amt(&["test", dir.s()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("example umzug › allein ... ok"), "{stdout}");
    assert!(
        stdout.contains("test result: ok. 2 passed, 0 failed"),
        "{stdout}"
    );

    // Break the expectations: a wrong computed value and a wrong error.
    let broken = MOVE
        .replace("expect doppelt = 4", "expect doppelt = 5")
        .replace("expect error on weitere", "expect error on status");
    dir.write("umzug.amt", broken);
    let o = amt(&["test", dir.s()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    for line in [
        "example umzug › allein ... FAILED",
        "---- umzug › allein (umzug.amt:",
        "doppelt: expected 5, computed 4",
        "  - error on status",
        "  + error on weitere: Bitte machen Sie hier eine Angabe. [required]",
        "test result: FAILED. 0 passed, 2 failed",
    ] {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }
}

#[test]
fn the_real_procedures_pass_their_examples() {
    let o = amt(&["test", "forms"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(", 0 failed"), "{stdout}");
}

#[test]
fn the_project_sets_the_schema_base_and_the_command_line_overrides_it() {
    let dir = Temp::new("schema-base");
    dir.write("src/umzug.amt", MOVE);
    dir.write(
        "src/amt.json",
        r#"{"schema_base": "https://formulare.example-stadt.de/schemas/"}"#,
    );
    let out = dir.path().join("out");
    let src = dir.path().join("src");
    let id = |out: &Path| -> String {
        let schema: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("umzug/schema.json")).unwrap()).unwrap();
        schema["$id"].as_str().unwrap().to_string()
    };
    let o = amt(&[
        "build",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        id(&out),
        "https://formulare.example-stadt.de/schemas/umzug_1.0.0.schema.json"
    );
    let o = amt(&[
        "build",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--schema-base",
        "urn:example:",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(id(&out), "urn:example:umzug_1.0.0.schema.json");
    dir.write("src/amt.json", r#"{"schema_bsae": "https://x/"}"#);
    let o = amt(&[
        "build",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown field `schema_bsae`"));
}

#[test]
fn test_follows_the_workflow_and_shows_the_path_that_differs() {
    let dir = Temp::new("workflow-examples");
    let source = r#"
procedure antrag "Antrag" {
  version 1.0.0
  page p "Angaben" {
    field name: text "Name" { required }
  }
  workflow {
    actor amt: authority "Amt"
    start eingang "Eingang" { goto pruefung }
    step pruefung "Prüfung" {
      by amt
      decide ok: boolean "In Ordnung?"
      goto erteilt when ok
      goto abgelehnt when not ok
      goto verfallen after 2 weeks
    }
    end erteilt "Erteilt" outcome granted
    end abgelehnt "Abgelehnt" outcome rejected
    end verfallen "Verfallen" outcome withdrawn
  }
  example "in Ordnung" {
    name = "Anna"
    decide ok = yes
    expect path eingang, pruefung, erteilt
  }
  example "liegen geblieben" from "in Ordnung" {
    timeout pruefung
    expect outcome verfallen
  }
}
"#;
    dir.write("antrag.amt", source);
    let o = amt(&["test", dir.s()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    dir.write(
        "antrag.amt",
        source.replace(
            "expect path eingang, pruefung, erteilt",
            "expect path eingang, pruefung, abgelehnt",
        ),
    );
    let o = amt(&["test", dir.s()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    for line in [
        "path differs:",
        "  - expected eingang → pruefung → abgelehnt",
        "  + actual   eingang → pruefung → erteilt",
        "test result: FAILED. 1 passed, 1 failed",
    ] {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }
}

#[test]
fn watch_builds_again_on_every_change_and_keeps_running_after_errors() {
    use std::io::Read;
    let src = Temp::new("watch-src");
    src.write("p.amt", VALID);
    let elsewhere = Temp::new("watch-out");
    let out = elsewhere.path().join("out");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_amt"))
        .args(["build", src.s(), "--out", out.to_str().unwrap(), "--watch"])
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut stderr = child.stderr.take().unwrap();
    let sink = log.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let wait_for = |what: &str, done: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed().as_secs() < 60,
                "waited in vain for {what}; the watcher said:\n{}",
                log.lock().unwrap()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let page = out.join("p/index.html");
    let shows = |text: &str| std::fs::read_to_string(&page).is_ok_and(|p| p.contains(text));
    wait_for("the first build", &|| shows(">X</label>"));
    // Saving a change builds again.
    src.write("p.amt", VALID.replace("\"X\"", "\"Familienname\""));
    wait_for("the rebuilt page", &|| shows(">Familienname</label>"));
    // An error is reported, the output stays, the watcher keeps running.
    src.write("p.amt", VALID.replace("version 1.0.0", "version eins"));
    wait_for("the diagnostic", &|| {
        log.lock().unwrap().contains("error[E0001]")
    });
    assert!(shows(">Familienname</label>"));
    assert!(child.try_wait().unwrap().is_none(), "the watcher stopped");
    src.write("p.amt", VALID.replace("\"X\"", "\"Vorname\""));
    wait_for("the page after the repair", &|| shows(">Vorname</label>"));
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A municipality's own template that fails is a coded error (E0801) that
/// names the template; nothing is written and the exit code is 1.
#[test]
fn a_broken_template_of_ones_own_is_a_coded_error_and_writes_nothing() {
    let t = Temp::new("broken-template");
    let src = t.write(
        "src/p.amt",
        "procedure p \"P\" {\n  version 1.0.0\n  page a \"A\" {\n    field x: text \"X\"\n  }\n}\n",
    );
    let src = src.parent().unwrap().to_str().unwrap().to_string();
    t.write(
        "own/procedure.html",
        "<h1>{{ procedure.title | no_such_filter }}</h1>",
    );
    let out = t.0.join("out");
    let own = t.0.join("own");
    let run = amt(&[
        "build",
        &src,
        "--out",
        out.to_str().unwrap(),
        "--templates",
        own.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("error[E0801]"), "{stderr}");
    assert!(stderr.contains("procedure.html"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!out.exists());
}

/// A lone UTF-16 surrogate is valid JSON but no character: the submission
/// gets a verdict (exit 1, check `unicode` at its place), not an error about
/// reading it.
#[test]
fn a_lone_surrogate_in_a_submission_gets_a_coded_verdict() {
    let t = Temp::new("surrogate");
    let submission = t.write(
        "antrag.json",
        r#"{"einzug": "2026-03-02", "adresse": {"strasse": "Linden\ud800straße"}}"#,
    );
    let out = amt(&[
        "validate",
        "output/wohnsitzanmeldung/procedure.json",
        submission.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        "2026-03-10",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at: Vec<&serde_json::Value> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["pointer"] == "/adresse/strasse")
        .collect();
    assert_eq!(at.len(), 1, "{report}");
    assert_eq!(at[0]["check"], "unicode");
    // Broken JSON is still a usage error.
    let broken = t.write("broken.json", "{\"einzug\": ");
    let out = amt(&[
        "validate",
        "output/wohnsitzanmeldung/procedure.json",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_group_written_in_place_can_repeat() {
    let dir = Temp::new("inline-repeat");
    dir.write(
        "kinder.amt",
        r#"procedure kinder "Kindergeld" @en "Child benefit" {
  version 1.0.0
  languages de, en
  page seite "Kinder" @en "Children" {
    group kind[1..2] "Kind" @en "Child" {
      field vorname: text(max 40) "Vorname" @en "Given name" { required }
    }
  }
  example "zwei Kinder" {
    kind[0].vorname = "Anna"
    kind[1].vorname = "Ben"
    expect valid
  }
  example "keins" {
    expect error on kind
  }
}
"#,
    );
    let out = amt(&["test", dir.s()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let three = dir.write(
        "drei.json",
        r#"{"kind": [{"vorname": "A"}, {"vorname": "B"}, {"vorname": "C"}]}"#,
    );
    let out = amt(&["validate", dir.s(), three.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("/kind"),
        "{out:?}"
    );
}

#[test]
fn a_value_can_depend_on_its_items_position() {
    let dir = Temp::new("position");
    dir.write(
        "kfz.amt",
        r#"procedure kfz "Kfz" @en "Vehicles" {
  version 1.0.0
  languages de, en
  page fahrzeuge "Fahrzeuge" @en "Vehicles" {
    group fahrzeug[1..5] "Fahrzeug" @en "Vehicle" {
      field kennzeichen: text(max 12) "Kennzeichen" @en "Number plate" { required }
      computed gebuehr "Gebühr" @en "Fee" = if position(fahrzeug) = 1 then 30.00 EUR else 15.00 EUR
    }
  }
  fee gesamt "Gebühren" @en "Fees" = sum(fahrzeug.gebuehr)
  example "drei" {
    fahrzeug[0].kennzeichen = "M-AB 1"
    fahrzeug[1].kennzeichen = "M-AB 2"
    fahrzeug[2].kennzeichen = "M-AB 3"
    expect fahrzeug[0].gebuehr = 30.00 EUR
    expect fahrzeug[2].gebuehr = 15.00 EUR
    expect gesamt = 60.00 EUR
  }
}
"#,
    );
    let out = amt(&["test", dir.s()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn a_date_outside_its_bounds_is_before_or_after_a_day() {
    let dir = Temp::new("date-bounds");
    dir.write(
        "p.amt",
        "procedure p \"P\" {\n  version 1.0.0\n  page a \"A\" {\n    field seit: date(min 2001-03-10, max 2030-12-31) \"Seit\"\n  }\n}\n",
    );
    let early = dir.write("early.json", r#"{"seit": "2000-01-01"}"#);
    let out = amt(&["validate", dir.s(), early.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("Das Datum darf nicht vor dem 10.03.2001 liegen. [minimum]"),
        "{said}"
    );
    let late = dir.write("late.json", r#"{"seit": "2031-01-01"}"#);
    let out = amt(&["validate", dir.s(), late.to_str().unwrap(), "--lang", "en"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("The date must not be after"), "{said}");
}

#[test]
fn one_problem_gives_one_message() {
    // A postcode too short is told its length, not also its shape; a
    // warning about a value that is wrong already is not given.
    let dir = Temp::new("one-problem");
    let source = dir.write(
        "plz.amt",
        r#"procedure plz "PLZ" {
  version 1.0.0
  page p "Seite" {
    field plz: text(length 5..5, pattern "[0-9]{5}", message "Bitte fünf Ziffern, zum Beispiel 10115.") "Postleitzahl" {
      warn plz != "00000" "Diese Postleitzahl gibt es nicht."
    }
    field zahl: integer(max 10) "Zahl" {
      warn zahl < 5 "Ungewöhnlich viele."
    }
  }
}
"#,
    );
    // The report on `data`, and its problems as (path, check).
    let validate = |name: &str, data: &str| {
        let data = dir.write(name, data);
        let o = amt(&[
            "validate",
            source.to_str().unwrap(),
            data.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let checks: Vec<(String, String)> = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["path"].as_str().unwrap().into(),
                    p["check"].as_str().unwrap().into(),
                )
            })
            .collect();
        (report, checks)
    };
    let (_, checks) = validate("d.json", r#"{"plz": "1234", "zahl": 11}"#);
    assert_eq!(
        checks,
        [
            ("plz".into(), "min_length".into()),
            ("zahl".into(), "maximum".into())
        ]
    );
    // Right length, wrong shape: the shape; a warning on a sound value stays.
    let (report, checks) = validate("e.json", r#"{"plz": "12a45", "zahl": 7}"#);
    assert_eq!(
        checks,
        [
            ("plz".into(), "pattern".into()),
            ("zahl".into(), "rule".into())
        ]
    );
    // The shape is told in the author's words.
    assert_eq!(
        report["problems"][0]["message"],
        "Bitte fünf Ziffern, zum Beispiel 10115."
    );
}
