//! Writes a generated project of N procedures (see `amt_compiler::corpus`):
//!
//!     cargo run --release --example corpus -- N DIR [--seed S] [--fields F]
//!
//! `--fields` gives every procedure about F fields instead of sizes drawn
//! like real forms'. DIR must not exist yet or be empty.
//!
//!     cargo run --release --example corpus -- --land DIR
//!
//! adds to the project in DIR (a copy of `forms/`) the municipalities of a
//! Land shaped like Bavaria ([`amt_corpus::bavaria`]), around those it
//! already declares, in `DIR/kommunen/generiert/`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir] = args.as_slice()
        && flag == "--land"
    {
        return land(&PathBuf::from(dir));
    }
    let usage = || {
        eprintln!("usage: corpus N DIR [--seed S] [--fields F]");
        ExitCode::from(2)
    };
    let (Some(n), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        return usage();
    };
    let mut seed = 1;
    let mut fields = None;
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--seed", Some(v)) => seed = v,
            ("--fields", Some(v)) => fields = Some(v as usize),
            _ => return usage(),
        }
    }
    let dir = PathBuf::from(dir);
    if dir.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        eprintln!("error: {} is not empty", dir.display());
        return ExitCode::from(2);
    }
    for file in amt_corpus::generate_sized(n, seed, fields) {
        let path = dir.join(&file.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &file.text));
        if let Err(e) = written {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    println!("wrote {n} procedures into {}", dir.display());
    ExitCode::SUCCESS
}

/// Writes the Land's municipalities into the project at `dir`.
fn land(dir: &std::path::Path) -> ExitCode {
    let mut taken = std::collections::BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "amt") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for line in text.lines() {
                    if let Some(rest) = line.trim_start().strip_prefix("municipality \"") {
                        taken.insert(rest.chars().take(12).collect::<String>());
                    }
                }
            }
        }
    }
    let files = amt_corpus::bavaria(&taken);
    for file in &files {
        let path = dir.join(&file.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &file.text));
        if let Err(e) = written {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    let declared: usize = files
        .iter()
        .map(|f| {
            f.text.matches("\nmunicipality \"").count()
                + usize::from(f.text.starts_with("municipality"))
        })
        .sum();
    println!(
        "wrote {declared} municipalities in {} files into {} (beside {} declared there)",
        files.len(),
        dir.display(),
        taken.len()
    );
    ExitCode::SUCCESS
}
