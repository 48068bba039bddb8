//! Incremental builds: a rebuild keeps the files of the procedures whose
//! inputs did not change, and is otherwise a build from scratch. Being wrong
//! here is silently stale output, so every kind of input is changed in turn:
//! exactly the outputs it affects change, the others are kept (the same
//! files, not written again), and the output equals a build from scratch
//! byte for byte.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::Temp;

const PERSON: &str = "group person \"Person\" {\n  field name: text \"Name\" { required }\n}\n";

fn procedure(name: &str, title: &str, uses_person: bool) -> String {
    let (import, group) = if uses_person {
        (
            "import common/person.{person}\n\n",
            "    group antragsteller: person \"Antragsteller\"\n",
        )
    } else {
        ("", "")
    };
    format!(
        "{import}procedure {name} \"{title}\" {{\n  version 1.0.0\n  page seite \"Seite\" {{\n{group}    field betrag: integer \"Betrag\" {{ required }}\n  }}\n}}\n"
    )
}

/// A project of three procedures: `a` and `c` use the group of
/// `common/person.amt`, `b` stands alone.
fn project(name: &str) -> Temp {
    let t = Temp::new(name);
    t.write("common/person.amt", PERSON);
    t.write("a.amt", procedure("a", "Antrag A", true));
    t.write("b.amt", procedure("b", "Antrag B", false));
    t.write("c.amt", procedure("c", "Antrag C", true));
    t.write(
        "amt.json",
        "{\"schema_base\": \"https://example.org/eins/\"}\n",
    );
    t
}

/// A project (`name`), a work folder, and the output folder in it, built
/// once.
fn built_once(name: &str) -> (Temp, Temp, PathBuf) {
    let project = project(&format!("src-{name}"));
    let work = Temp::new(name);
    let out = work.path().join("out");
    let first = build(project.path(), &out, &[]);
    assert_eq!(first.kept, 0, "{}", first.stderr);
    (project, work, out)
}

/// A build that is to fail.
fn failing_build(project: &Path, out: &Path) -> Built {
    let built = build_with(Path::new(env!("CARGO_BIN_EXE_amt")), project, out, &[]);
    assert_eq!(built.code, 1, "{}", built.stderr);
    built
}

/// What a build said: its exit code, how many procedures it kept, and its
/// messages.
struct Built {
    code: i32,
    kept: usize,
    stderr: String,
}

fn build_with(amt: &Path, project: &Path, out: &Path, extra: &[&str]) -> Built {
    let output = Command::new(amt)
        .arg("build")
        .arg(project)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("amt runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let kept = stderr
        .split("; ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Built {
        code: output.status.code().expect("exited"),
        kept,
        stderr,
    }
}

fn build(project: &Path, out: &Path, extra: &[&str]) -> Built {
    let built = build_with(Path::new(env!("CARGO_BIN_EXE_amt")), project, out, extra);
    assert_eq!(built.code, 0, "{}", built.stderr);
    built
}

/// Every file of an output but the cache, with its bytes.
fn files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if name != ".amt-cache.json" {
                    into.insert(name, std::fs::read(&path).unwrap());
                }
            }
        }
    }
    let mut all = BTreeMap::new();
    walk(out, out, &mut all);
    all
}

/// Each file's inode: a kept file is the previous build's file.
fn inodes(out: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    files(out)
        .into_keys()
        .map(|name| {
            let ino = std::fs::metadata(out.join(&name)).unwrap().ino();
            (name, ino)
        })
        .collect()
}

/// The files whose bytes differ between two outputs (or are in one only).
fn changed(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> BTreeSet<String> {
    before
        .keys()
        .chain(after.keys())
        .filter(|name| before.get(*name) != after.get(*name))
        .cloned()
        .collect()
}

/// The output of a build from scratch of the same project, into a new folder.
fn from_scratch(project: &Path, scratch: &Temp, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let out = scratch.path().join("fresh");
    let _ = std::fs::remove_dir_all(&out);
    let built = build(project, &out, extra);
    assert_eq!(built.kept, 0, "{}", built.stderr);
    files(&out)
}

/// The folders whose files changed: `a/…` → `a`; shared files by name.
fn folders(names: &BTreeSet<String>) -> BTreeSet<&str> {
    names
        .iter()
        .map(|n| n.split_once('/').map_or(n.as_str(), |(folder, _)| folder))
        .collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

#[test]
fn a_rebuild_changes_what_its_inputs_change_and_equals_a_build_from_scratch() {
    let (project, work, out) = built_once("main");
    assert_eq!(files(&out), from_scratch(project.path(), &work, &[]));

    // Nothing changed: everything kept, the very same files.
    let (before, ino) = (files(&out), inodes(&out));
    let again = build(project.path(), &out, &[]);
    assert_eq!(again.kept, 3, "{}", again.stderr);
    assert_eq!(files(&out), before);
    assert_eq!(inodes(&out), ino);

    // A procedure's own file: only its outputs (and the lists of all).
    project.write("b.amt", procedure("b", "Antrag B, neu", false));
    let before = files(&out);
    let ino = inodes(&out);
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 2, "{}", rebuilt.stderr);
    let after = files(&out);
    assert_eq!(
        folders(&changed(&before, &after)),
        set(&["b", "index.html", "manifest.json"])
    );
    assert_eq!(after, from_scratch(project.path(), &work, &[]));
    let now = inodes(&out);
    for name in ino
        .keys()
        .filter(|n| n.starts_with("a/") || n.starts_with("c/"))
    {
        assert_eq!(ino[name], now[name], "{name} was written again");
    }

    // A shared group: the procedures using it, not `b`.
    project.write(
        "common/person.amt",
        PERSON.replace("\"Name\"", "\"Familienname\""),
    );
    let before = files(&out);
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 1, "{}", rebuilt.stderr);
    let after = files(&out);
    assert_eq!(
        folders(&changed(&before, &after)),
        set(&["a", "c", "manifest.json"])
    );
    assert_eq!(after, from_scratch(project.path(), &work, &[]));

    // The project's settings: every schema.
    project.write(
        "amt.json",
        "{\"schema_base\": \"https://example.org/zwei/\"}\n",
    );
    let before = files(&out);
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 0, "{}", rebuilt.stderr);
    let after = files(&out);
    assert!(changed(&before, &after).contains("b/schema.json"));
    assert_eq!(after, from_scratch(project.path(), &work, &[]));
}

#[test]
fn templates_and_amt_itself_are_inputs_of_every_procedure() {
    let project = project("src-tools");
    let work = Temp::new("tools");
    let out = work.path().join("out");
    let templates = work.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("amt.css"), "body { color: black }\n").unwrap();
    let with = ["--templates", templates.to_str().unwrap()];
    build(project.path(), &out, &with);
    assert_eq!(build(project.path(), &out, &with).kept, 3);

    // A template the municipality gives: everything is built again.
    std::fs::write(templates.join("amt.css"), "body { color: navy }\n").unwrap();
    let before = files(&out);
    let rebuilt = build(project.path(), &out, &with);
    assert_eq!(rebuilt.kept, 0, "{}", rebuilt.stderr);
    let after = files(&out);
    assert!(changed(&before, &after).contains("assets/amt.css"));
    assert_eq!(after, from_scratch(project.path(), &work, &with));
    // A template added where there was none (the shipped one was used).
    std::fs::write(
        templates.join("index.html"),
        "<!doctype html><title>Verfahren</title>{% for p in procedures %}{{ p.title }} {% endfor %}\n",
    )
    .unwrap();
    let rebuilt = build(project.path(), &out, &with);
    assert_eq!(rebuilt.kept, 0, "{}", rebuilt.stderr);
    assert_eq!(files(&out), from_scratch(project.path(), &work, &with));
    // Without the templates: the shipped ones again.
    assert_eq!(build(project.path(), &out, &[]).kept, 0);

    // Another amt (here a copy of this one, elsewhere): nothing is kept.
    let other = work.path().join("amt-copy");
    std::fs::copy(env!("CARGO_BIN_EXE_amt"), &other).unwrap();
    let rebuilt = build_with(&other, project.path(), &out, &[]);
    assert_eq!((rebuilt.code, rebuilt.kept), (0, 0), "{}", rebuilt.stderr);
    assert_eq!(build_with(&other, project.path(), &out, &[]).kept, 3);
    // The same path, a new file: nothing is kept.
    std::fs::remove_file(&other).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_amt"), &other).unwrap();
    assert_eq!(build_with(&other, project.path(), &out, &[]).kept, 0);

    // `--fresh`: nothing kept, the same bytes.
    let before = files(&out);
    let fresh = build(project.path(), &out, &["--fresh"]);
    assert_eq!(fresh.kept, 0, "{}", fresh.stderr);
    assert_eq!(files(&out), before);
}

#[test]
fn an_output_file_changed_by_hand_is_made_again() {
    let (project, _work, out) = built_once("tamper");
    let clean = files(&out);

    // Written over in place (same inode), and replaced by another file.
    let schema = out.join("b/schema.json");
    let mut bytes = std::fs::read(&schema).unwrap();
    bytes[0] = b' ';
    std::fs::OpenOptions::new()
        .write(true)
        .open(&schema)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
        .unwrap();
    let page = out.join("c/index.html");
    std::fs::remove_file(&page).unwrap();
    std::fs::write(&page, "<p>von Hand</p>").unwrap();
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 1, "{}", rebuilt.stderr);
    assert_eq!(files(&out), clean);

    // Added beside a procedure's files, and beside the procedures: a build
    // from scratch has neither.
    std::fs::write(out.join("b/notiz.txt"), "von Hand").unwrap();
    std::fs::write(out.join("notiz.txt"), "von Hand").unwrap();
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 2, "{}", rebuilt.stderr);
    assert_eq!(files(&out), clean);

    // Removed.
    std::fs::remove_file(out.join("a/procedure.json")).unwrap();
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 2, "{}", rebuilt.stderr);
    assert_eq!(files(&out), clean);

    // A cache that is not one: ignored, everything built.
    std::fs::write(out.join(".amt-cache.json"), "{ kaputt").unwrap();
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 0, "{}", rebuilt.stderr);
    assert_eq!(files(&out), clean);
}

#[test]
fn files_added_removed_and_in_conflict_are_seen() {
    let (project, work, out) = built_once("files");

    // A file removed: its procedure's folder goes.
    std::fs::remove_file(project.path().join("c.amt")).unwrap();
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 2, "{}", rebuilt.stderr);
    assert!(!out.join("c").exists());
    assert_eq!(files(&out), from_scratch(project.path(), &work, &[]));

    // A new file taking the name of a kept procedure: the conflict is
    // reported at both places, and nothing is written.
    let before = files(&out);
    project.write("d.amt", procedure("b", "Noch ein B", false));
    let failed = failing_build(project.path(), &out);
    assert!(failed.stderr.contains("error[E0105]"), "{}", failed.stderr);
    assert!(failed.stderr.contains("d.amt:1:11"), "{}", failed.stderr);
    assert!(failed.stderr.contains("b.amt:1:11"), "{}", failed.stderr);
    assert_eq!(files(&out), before);
    std::fs::remove_file(project.path().join("d.amt")).unwrap();

    // The group's file removed: its users fail, `b` would be kept.
    let person = project.path().join("common/person.amt");
    std::fs::rename(&person, work.path().join("person.amt")).unwrap();
    let failed = failing_build(project.path(), &out);
    assert!(failed.stderr.contains("a.amt"), "{}", failed.stderr);
    std::fs::rename(work.path().join("person.amt"), &person).unwrap();
    assert_eq!(build(project.path(), &out, &[]).kept, 2);
}

#[test]
fn a_file_with_a_warning_is_checked_on_every_build() {
    let project = project("src-warn");
    project.write(
        "e.amt",
        format!(
            "import common/person.{{person}}\n\n{}",
            procedure("e", "Antrag E", false)
        ),
    );
    let work = Temp::new("warn");
    let out = work.path().join("out");
    let first = build(project.path(), &out, &[]);
    assert!(first.stderr.contains("warning[W0101]"), "{}", first.stderr);
    let again = build(project.path(), &out, &[]);
    assert!(again.stderr.contains("warning[W0101]"), "{}", again.stderr);
    assert_eq!(again.kept, 3, "{}", again.stderr);
    assert_eq!(files(&out), from_scratch(project.path(), &work, &[]));
}

/// The output folder as `git` would see it: the cache is no output.
#[test]
fn the_cache_is_not_in_the_manifest() {
    let project = project("src-manifest");
    let work = Temp::new("manifest");
    let out: PathBuf = work.path().join("out");
    build(project.path(), &out, &[]);
    assert!(out.join(".amt-cache.json").is_file());
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(!manifest.contains("amt-cache"), "{manifest}");
}

#[test]
fn a_rebuild_changes_the_output_in_place_and_only_what_changed() {
    use std::os::unix::fs::MetadataExt;
    let (project, work, out) = built_once("in-place");
    let folder = std::fs::metadata(&out).unwrap().ino();
    let before = inodes(&out);

    // Nothing changed: not a file is touched, the folder is the same one.
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 3, "{}", rebuilt.stderr);
    assert_eq!(inodes(&out), before);
    assert_eq!(std::fs::metadata(&out).unwrap().ino(), folder);

    // One procedure changed: only its folder and the lists are new files.
    project.write("b.amt", procedure("b", "Antrag B, neu", false));
    let rebuilt = build(project.path(), &out, &[]);
    assert_eq!(rebuilt.kept, 2, "{}", rebuilt.stderr);
    let after = inodes(&out);
    let new: BTreeSet<String> = after
        .iter()
        .filter(|(name, ino)| before.get(*name) != Some(ino))
        .map(|(name, _)| name.clone())
        .collect();
    assert_eq!(folders(&new), set(&["b", "index.html", "manifest.json"]));
    assert_eq!(std::fs::metadata(&out).unwrap().ino(), folder);
    assert_eq!(files(&out), from_scratch(project.path(), &work, &[]));

    // Nothing is left beside the output.
    let beside: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".amt-"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}
