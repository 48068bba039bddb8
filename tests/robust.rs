//! Robustness at scale: generated projects check clean and build the same
//! bytes from anywhere; a build that dies half-way leaves the previous output
//! complete; author strings reach every output escaped for it.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const AMT: &str = env!("CARGO_BIN_EXE_amt");

mod common;
use common::Temp;

fn write_corpus(dir: &Path, n: usize) {
    for file in amt_corpus::generate(n, 7) {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, file.text).unwrap();
    }
}

/// Every file under `dir`, by relative path; in an output folder, the
/// cache of incremental builds is left out (it is no output: it holds
/// where each file is on disk).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if rel != ".amt-cache.json" {
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
    }
    out
}

fn build(src: &Path, out: &Path, cwd: &Path) -> std::process::Output {
    Command::new(AMT)
        .args([
            "build",
            src.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .current_dir(cwd)
        .output()
        .unwrap()
}

#[test]
fn generated_projects_check_clean_and_build_the_same_bytes_from_anywhere() {
    let t = Temp::new("anywhere");
    let (a, b) = (t.0.join("one/src"), t.0.join("other/place/src"));
    write_corpus(&a, 40);
    write_corpus(&b, 40);
    let check = Command::new(AMT)
        .args(["check", a.to_str().unwrap(), "--deny-warnings"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Different folders, different working directories, same bytes.
    let out_a = t.0.join("one/out");
    let out_b = t.0.join("other/out");
    assert!(build(&a, &out_a, &t.0).status.success());
    assert!(build(&b, &out_b, &b).status.success());
    let (fa, fb) = (files(&out_a), files(&out_b));
    assert_eq!(fa.len(), fb.len());
    assert!(fa.len() > 40 * 6, "{} files", fa.len());
    for (path, bytes) in &fa {
        assert!(fb.get(path) == Some(bytes), "{path} differs");
    }
}

/// The output folder is complete: exactly the files its manifest lists, each
/// with the listed hash.
fn assert_complete(out: &Path) {
    let all = files(out);
    let manifest: serde_json::Value = serde_json::from_slice(&all["manifest.json"]).unwrap();
    let mut listed = 0;
    for p in manifest["procedures"].as_array().unwrap() {
        for f in p["files"].as_array().unwrap() {
            let path = f["path"].as_str().unwrap();
            let bytes = all.get(path).unwrap_or_else(|| panic!("{path} is missing"));
            let hash: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(hash, f["sha256"].as_str().unwrap(), "{path}");
            listed += 1;
        }
    }
    // Procedure files plus the three assets (stylesheet, script, the
    // documents' print styles), the list of procedures and the manifest.
    assert_eq!(all.len(), listed + 5, "files not in the manifest");
}

#[test]
fn a_build_killed_half_way_leaves_the_previous_output_complete_and_unchanged() {
    let t = Temp::new("killed");
    let src = t.0.join("src");
    let out = t.0.join("out");
    write_corpus(&src, 120);
    assert!(build(&src, &out, &t.0).status.success());
    let before = files(&out);
    assert_complete(&out);
    // Change every procedure's version, so that a finished build would differ.
    for (path, _) in files(&src) {
        if path.starts_with("verfahren") {
            let p = src.join(&path);
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, text.replacen("version 1.0.", "version 2.0.", 1)).unwrap();
        }
    }
    // Kill the build as soon as it has begun writing its files.
    let mut child = Command::new(AMT)
        .args([
            "build",
            src.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = t.0.join(format!(".out.amt-new-{}", child.id()));
    let started = std::time::Instant::now();
    while !staging.join("assets").exists() && started.elapsed().as_secs() < 60 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let finished = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!finished, "the build ended before it could be interrupted");
    assert_complete(&out);
    assert!(files(&out) == before, "the output changed");
    // The next build removes what the killed one left and succeeds.
    assert!(staging.exists());
    assert!(build(&src, &out, &t.0).status.success());
    assert!(!staging.exists(), "the killed build's folder is removed");
    assert_complete(&out);
    assert!(files(&out) != before);
}

#[test]
fn a_build_that_fails_while_writing_leaves_the_output_unchanged() {
    let t = Temp::new("failing");
    let out = t.0.join("out");
    let first = [amt_compiler::emit::OutputFile {
        path: "a/one.txt".into(),
        bytes: b"first".to_vec(),
    }];
    write_build(&out, &first).unwrap();
    let staging = amt::output::Staging::begin(&out).unwrap();
    staging
        .write(&amt_compiler::emit::OutputFile {
            path: "a/one.txt".into(),
            bytes: b"second".to_vec(),
        })
        .unwrap();
    // A file that would leave the folder is refused, and the build abandoned.
    assert!(
        staging
            .write(&amt_compiler::emit::OutputFile {
                path: "../escape.txt".into(),
                bytes: Vec::new(),
            })
            .is_err()
    );
    drop(staging);
    assert_eq!(std::fs::read(out.join("a/one.txt")).unwrap(), b"first");
    assert!(!t.0.join("escape.txt").exists());
    let left: Vec<_> = std::fs::read_dir(&t.0).unwrap().collect();
    assert_eq!(left.len(), 1, "the staging folder is removed");
}

#[test]
fn a_rebuild_links_unchanged_files_and_writes_changed_or_tampered_ones() {
    use std::os::unix::fs::MetadataExt;
    let t = Temp::new("reuse");
    let out = t.0.join("out");
    let file = |path: &str, bytes: &[u8]| amt_compiler::emit::OutputFile {
        path: path.into(),
        bytes: bytes.to_vec(),
    };
    let ino = |path: &str| std::fs::metadata(out.join(path)).unwrap().ino();
    write_build(
        &out,
        &[
            file("a/same.txt", b"same"),
            file("a/changed.txt", b"old"),
            file("a/tampered.txt", b"orig"),
            file("manifest.json", b"{}"),
        ],
    )
    .unwrap();
    let (same, changed, tampered) = (
        ino("a/same.txt"),
        ino("a/changed.txt"),
        ino("a/tampered.txt"),
    );
    // Edited by hand in place, keeping its size: its bytes are not trusted.
    std::fs::write(out.join("a/tampered.txt"), b"EVIL").unwrap();
    write_build(
        &out,
        &[
            file("a/same.txt", b"same"),
            file("a/changed.txt", b"new"),
            file("a/tampered.txt", b"orig"),
            file("b/added.txt", b"added"),
            file("manifest.json", b"{}"),
        ],
    )
    .unwrap();
    assert_eq!(
        ino("a/same.txt"),
        same,
        "an unchanged file is linked, not written"
    );
    let meta = std::fs::metadata(out.join("a/same.txt")).unwrap();
    assert_eq!(meta.nlink(), 1, "the previous output is removed");
    assert_ne!(ino("a/changed.txt"), changed);
    assert_eq!(std::fs::read(out.join("a/changed.txt")).unwrap(), b"new");
    assert_ne!(ino("a/tampered.txt"), tampered);
    assert_eq!(std::fs::read(out.join("a/tampered.txt")).unwrap(), b"orig");
    assert_eq!(std::fs::read(out.join("b/added.txt")).unwrap(), b"added");
    let left: Vec<_> = std::fs::read_dir(&t.0).unwrap().collect();
    assert_eq!(left.len(), 1, "no staging or retired folder is left");
}

/// Collects every string in a JSON value.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

#[test]
fn hostile_strings_reach_every_output_escaped_for_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let (_, compiled) = amt_compiler::check_project(&root).unwrap();
    assert!(!compiled.failed(true), "{:?}", compiled.diagnostics);
    let built = amt_compiler::emit::build(
        &compiled.procedures,
        &amt_compiler::emit::Settings::default(),
    )
    .unwrap();
    // Texts of boese.amt as the author wrote them (after the language's own
    // escapes), from every kind of slot: list, title, note, label, hint,
    // computed value, fee, attachment, actor, document, state, decision.
    let texts = [
        "Wahl <script>alert(1)</script>",
        "Titel </title><script>alert(4)</script>",
        "{{ 7 * 7 }} {% raw %} ' \" & <b>",
        "Hinweis </p><script>alert(6)</script>",
        "Name \"><img src=x onerror=alert(7)>",
        "Länge ]]> <![CDATA[ <script>alert(10)</script>",
        "Gebühr & <b>Kosten</b>",
        "Beleg \"/><script>alert(12)</script>",
        "--> <!-- ]]> &amp; &#x3c;",
        "Amt \"/><bpmn:task id=\"x\"/> <script>alert(13)</script>",
        "Bescheid ]]> & <x>",
        "Eingang <![CDATA[x]]>",
        "Ok? </zeebe:userTask>",
        "Fertig & <erledigt>",
    ];
    let by_path: BTreeMap<&str, &[u8]> = built
        .iter()
        .map(|f| (f.path.as_str(), f.bytes.as_slice()))
        .collect();
    // JSON: each text arrives intact, as data.
    let mut in_json = Vec::new();
    for (path, bytes) in &by_path {
        if path.ends_with(".json") {
            let v: serde_json::Value =
                serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
            strings(&v, &mut in_json);
        }
    }
    for t in texts {
        assert!(
            in_json.iter().any(|s| s == t),
            "{t:?} is not in the JSON outputs"
        );
    }
    // XML: no author string opens an element, a comment or a CDATA section;
    // each appears escaped.
    let bpmn = std::str::from_utf8(by_path["boese/workflow.bpmn"]).unwrap();
    for bad in [
        "<script",
        "<bpmn:task id=\"x\"",
        "</bpmn:process><",
        "<![CDATA[",
        "<erledigt>",
        "<x>",
    ] {
        assert!(!bpmn.contains(bad), "raw {bad:?} in the BPMN");
    }
    assert!(bpmn.contains("Fertig &amp; &lt;erledigt&gt;"), "{bpmn}");
    assert!(bpmn.contains("Eingang &lt;![CDATA[x]]&gt;"));
    // HTML: no author markup survives as markup (the browser test in
    // .ci/html.mjs shows it inert as well).
    for lang_page in ["boese/index.html"] {
        let html = std::str::from_utf8(by_path[lang_page]).unwrap();
        for bad in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<b>Kosten",
            "<a href=javascript",
        ] {
            assert!(!html.contains(bad), "raw {bad:?} in {lang_page}");
        }
    }
}

/// A workspace changed file by file agrees with checking the changed project
/// from scratch: the same diagnostics, the same procedures.
#[test]
fn a_workspace_checks_again_what_a_change_affects_and_agrees_with_a_fresh_check() {
    // With models (watch mode) and without (the language server, which
    // keeps procedures as stubs and parses one only to check it).
    workspace_agrees(true);
    workspace_agrees(false);
}

/// A workspace's diagnostics (and models, if it keeps them) are what a
/// fresh check of the folder finds.
fn agree_with_fresh_check(ws: &amt_compiler::Workspace, src: &Path, keep: bool, what: &str) {
    let (_, fresh) = amt_compiler::check_project(src).unwrap();
    assert_eq!(
        format!("{:?}", ws.diagnostics()),
        format!("{:?}", fresh.diagnostics),
        "diagnostics after {what}"
    );
    let mine: Vec<String> = ws
        .procedures()
        .map(|p| serde_json::to_string(p).unwrap())
        .collect();
    let theirs: Vec<String> = fresh
        .procedures
        .iter()
        .map(|p| serde_json::to_string(p).unwrap())
        .collect();
    if keep {
        assert!(mine == theirs, "procedures after {what}");
    } else {
        assert!(mine.is_empty(), "no models kept");
    }
}

/// Random edits, each compared with a fresh check: a shared declaration
/// renamed, an import cut, a block left open, a file emptied, a file
/// restored; in any order, to any file.
#[test]
fn a_workspace_agrees_with_a_fresh_check_after_random_edits() {
    for keep in [true, false] {
        let t = Temp::new(if keep {
            "random-edits"
        } else {
            "random-edits-lean"
        });
        let src = t.0.join("src");
        write_corpus(&src, 8);
        let originals: Vec<(String, String)> = files(&src)
            .into_iter()
            .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
            .collect();
        let (sources, load) = amt_compiler::load(&src).unwrap();
        let mut ws = amt_compiler::Workspace::with_models(sources, load, keep);
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        for step in 0..30 {
            let (name, text) = &originals[next() % originals.len()];
            let (what, edited) = match next() % 5 {
                0 => ("rename", {
                    // The first declaration's name, wherever it is declared.
                    let at = ["group ", "codelist ", "type "]
                        .iter()
                        .filter_map(|k| text.find(k).map(|i| i + k.len()))
                        .min();
                    match at {
                        Some(i) => format!("{}neu_{}", &text[..i], &text[i..]),
                        None => text.clone(),
                    }
                }),
                1 => ("cut an import", text.replacen("import ", "// import ", 1)),
                2 => ("leave a block open", text.replacen('}', "", 1)),
                3 => ("empty", String::new()),
                _ => ("restore", text.clone()),
            };
            std::fs::write(src.join(name), &edited).unwrap();
            ws.set_file(name, edited);
            agree_with_fresh_check(&ws, &src, keep, &format!("step {step}: {what} {name}"));
        }
    }
}

fn workspace_agrees(keep: bool) {
    let open = |src: &Path| {
        let (sources, load) = amt_compiler::load(src).unwrap();
        amt_compiler::Workspace::with_models(sources, load, keep)
    };
    let t = Temp::new(if keep { "workspace" } else { "workspace-lean" });
    let src = t.0.join("src");
    write_corpus(&src, 12);
    let ws = open(&src);
    let agree =
        |ws: &amt_compiler::Workspace, what: &str| agree_with_fresh_check(ws, &src, keep, what);
    agree(&ws, "opening");
    // A type is resolved in its own file's scope wherever it is used: its
    // imports count as used in that file alone.
    let types = "common/typen.amt";
    let text = "import common/listen.{liste_02}\n\ntype stand \"Stand\" = choice(liste_02)\n";
    std::fs::write(src.join(types), text).unwrap();
    let mut ws = open(&src);
    agree(&ws, "adding a type");
    ws.set_file(types, text.replace("liste_02", "liste_03"));
    std::fs::write(src.join(types), text.replace("liste_02", "liste_03")).unwrap();
    agree(&ws, "changing the type");
    let edit = |ws: &mut amt_compiler::Workspace, name: &str, text: String| {
        std::fs::write(src.join(name), &text).unwrap();
        ws.set_file(name, text)
    };
    let one = "verfahren/000/v00003.amt";
    let original = std::fs::read_to_string(src.join(one)).unwrap();
    // An error in one procedure: only that file is checked again (the
    // procedure is read around the broken statement, and checked).
    let broken = original.replacen("version 1.0.3", "version eins", 1);
    assert_eq!(edit(&mut ws, one, broken), vec!["v00003".to_string()]);
    agree(&ws, "breaking a procedure");
    assert!(!ws.diagnostics().is_empty());
    assert_eq!(
        edit(&mut ws, one, original.clone()),
        vec!["v00003".to_string()]
    );
    agree(&ws, "repairing it");
    // A shared file: every procedure that imports from it is checked again.
    let shared = "common/gruppen_1.amt";
    let groups = std::fs::read_to_string(src.join(shared)).unwrap();
    let again = edit(&mut ws, shared, groups.replace("bank_1", "konto_1"));
    assert_eq!(again.len(), 3, "{again:?}");
    agree(&ws, "renaming a shared group");
    edit(&mut ws, shared, groups);
    agree(&ws, "renaming it back");
    // A new file that an import was waiting for.
    edit(&mut ws, "common/listen.amt", String::new());
    agree(&ws, "emptying the lists");
    std::fs::remove_file(src.join("common/listen.amt")).unwrap();
    let mut fresh_ws = open(&src);
    let lists = amt_corpus::generate(0, 7)
        .into_iter()
        .find(|f| f.path == "common/listen.amt")
        .unwrap()
        .text;
    edit(&mut fresh_ws, "common/listen.amt", lists);
    agree(&fresh_ws, "adding the lists back as a new file");
    assert!(fresh_ws.diagnostics().is_empty());
}

/// The model round-trips: what `procedure.json` says is read back as the
/// same model (for `amt validate PROCEDURE.json` and portals' servers).
#[test]
fn every_model_reads_back_as_the_same_model() {
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let (_, real) = amt_compiler::check_project(&forms).unwrap();
    let mut sources = amt_compiler::source::SourceMap::new();
    for file in amt_corpus::generate(25, 3) {
        sources.add(file.path, file.text);
    }
    let generated = amt_compiler::compile(&sources);
    assert!(!generated.failed(true));
    let all: Vec<&amt_compiler::ir::Procedure> = real
        .procedures
        .iter()
        .chain(&generated.procedures)
        .collect();
    assert_eq!(all.len(), 30);
    for p in all {
        let written = String::from_utf8(amt_compiler::emit::json(p)).unwrap();
        let read = amt_compiler::ir::Procedure::from_json(&written).unwrap();
        assert!(
            String::from_utf8(amt_compiler::emit::json(&read)).unwrap() == written,
            "{} does not round-trip",
            p.id
        );
    }
}

/// Checking procedure by procedure, as large builds do, finds what checking
/// the whole project finds: the same diagnostics, the same procedures; on
/// every UI fixture (each provokes a diagnostic), `forms/` and generated
/// projects.
#[test]
fn checking_procedure_by_procedure_agrees_with_checking_the_whole() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut projects: Vec<amt_compiler::source::SourceMap> = Vec::new();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/ui"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixtures.sort();
    for path in fixtures {
        if path.is_dir() && path.file_name().unwrap() != "snapshots" {
            projects.push(amt_compiler::load(&path).unwrap().0);
        } else if path.extension().is_some_and(|e| e == "amt") {
            let mut sources = amt_compiler::source::SourceMap::new();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let _ = amt_compiler::read_source(&mut sources, name, &path).unwrap();
            projects.push(sources);
        }
    }
    for dir in [
        "forms",
        "tests/hostile",
        "tests/agreement",
        "tests/workflows",
    ] {
        projects.push(amt_compiler::load(&root.join(dir)).unwrap().0);
    }
    let mut generated = amt_compiler::source::SourceMap::new();
    for file in amt_corpus::generate(30, 11) {
        generated.add(file.path, file.text);
    }
    projects.push(generated);
    assert!(projects.len() > 60);
    for sources in &projects {
        let whole = amt_compiler::compile(sources);
        let (diags, procedures) =
            amt_compiler::compile_each(sources, |p, _| serde_json::to_string(&p).unwrap());
        let name = sources
            .iter()
            .next()
            .map(|(_, f)| f.name.clone())
            .unwrap_or_default();
        assert_eq!(
            format!("{diags:?}"),
            format!("{:?}", whole.diagnostics),
            "diagnostics of {name}"
        );
        let expected: Vec<String> = whole
            .procedures
            .iter()
            .map(|p| serde_json::to_string(p).unwrap())
            .collect();
        assert!(procedures == expected, "procedures of {name}");
    }
}

/// Writes `files` as the new content of `out`, as `amt build` does: into a
/// staging folder that then replaces the output.
fn write_build(
    out: &Path,
    files: &[amt_compiler::emit::OutputFile],
) -> Result<(), amt::output::OutputError> {
    let staging = amt::output::Staging::begin(out)?;
    for f in files {
        staging.write(f)?;
    }
    staging.commit()
}

/// Runs `amt ARGS`, killing it if it has not ended after `limit`: a run
/// that does not end by itself is the failure these tests look for.
fn run_to_end(args: &[&str], limit: std::time::Duration) -> std::process::Output {
    let mut child = Command::new(AMT)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("`amt {}` did not end", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// The "billion laughs" of amt: forty groups, each using the one before
/// twice, would be a trillion fields. The check refuses it at once, with
/// one diagnostic at the first group that is too large, and builds nothing.
#[test]
fn groups_that_double_forty_times_are_refused_at_once() {
    let t = Temp::new("laughs");
    let mut text = String::from("group s0 \"S0\" {\n  field wert: text \"Wert\"\n}\n");
    for i in 1..=40 {
        let before = i - 1;
        text.push_str(&format!(
            "group s{i} \"S{i}\" {{\n  group a: s{before} \"A\"\n  group b: s{before} \"B\"\n}}\n"
        ));
    }
    text.push_str("procedure p \"P\" {\n  version 1.0.0\n  page seite \"Seite\" {\n    group alles: s40 \"Alles\"\n  }\n}\n");
    let src = t.write("src/laughs.amt", text);
    let src = src.parent().unwrap().to_str().unwrap();
    let limit = std::time::Duration::from_secs(120);
    let out = run_to_end(&["check", src, "--message-format", "json"], limit);
    assert_eq!(out.status.code(), Some(1));
    let codes: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["code"].to_string())
        .collect();
    assert_eq!(codes, ["\"E0119\""], "one diagnostic, at the cause");
    let target = t.0.join("out");
    let built = run_to_end(&["build", src, "--out", target.to_str().unwrap()], limit);
    assert_eq!(built.status.code(), Some(1));
    assert!(!target.exists(), "nothing is written");
}

/// A chain of 2,000 files, each group using the next, is refused where the
/// chain first nests more than 32 groups deep; checking it costs time in
/// proportion to the files (each group is expanded at most 32 levels).
#[test]
fn a_chain_of_two_thousand_groups_is_refused_once_where_it_becomes_too_deep() {
    let t = Temp::new("chain");
    let n = 2000;
    for i in 0..n {
        let next = i + 1;
        let text = if next < n {
            format!(
                "import g{next}.{{g{next}}}\ngroup g{i} \"G{i}\" {{\n  group inner: g{next} \"Inner\"\n}}\n"
            )
        } else {
            format!("group g{i} \"G{i}\" {{\n  field x: text \"X\"\n}}\n")
        };
        t.write(&format!("g{i}.amt"), text);
    }
    t.write(
        "p.amt",
        "import g0.{g0}\nprocedure p \"P\" {\n  version 1.0.0\n  page a \"A\" {\n    group start: g0 \"Start\"\n  }\n}\n",
    );
    let out = run_to_end(
        &["check", t.s(), "--message-format", "json"],
        std::time::Duration::from_secs(120),
    );
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "E0118");
    // `g{k}` holds groups nested n - 1 - k deep: g{n-34} is the first over 32.
    assert_eq!(found[0]["file"], format!("g{}.amt", n - 34));
}

/// What the structure-aware fuzz target does (`fuzz/fuzz_targets/structured.rs`),
/// on a few hundred inputs: generated projects and the mistakes one edit
/// away from them go through every stage without a panic, and a project
/// that checks clean builds.
#[test]
fn generated_projects_one_edit_from_valid_go_through_every_stage() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut byte = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as u8
    };
    let (mut clean, mut broken) = (0, 0);
    for i in 0..150 {
        // Some valid (no edits), most with one to eight edits.
        let edits = if i % 5 == 0 { 0 } else { 1 + i % 8 };
        let data: Vec<u8> = (0..10 + 4 * edits).map(|_| byte()).collect();
        let mut sources = amt_compiler::source::SourceMap::new();
        for f in amt_corpus::from_bytes(&data) {
            sources.add(f.path, f.text);
        }
        let compiled = amt_compiler::compile(&sources);
        if compiled.failed(false) {
            broken += 1;
            continue;
        }
        clean += 1;
        let files = amt_compiler::emit::build(
            &compiled.procedures,
            &amt_compiler::emit::Settings::default(),
        )
        .unwrap_or_else(|e| panic!("input {i}: a clean project builds: {e}"));
        assert!(files.iter().any(|f| f.path.ends_with("schema.json")));
        let today = amt_compiler::ir::date::Date::parse("2026-03-01").unwrap();
        let _ = amt_compiler::examples::run(&compiled.procedures, today);
    }
    assert!(
        clean >= 30 && broken >= 30,
        "{clean} clean, {broken} broken"
    );
}
