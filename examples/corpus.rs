//! Writes a generated project of N procedures (see `amt::corpus`):
//!
//!     cargo run --release --example corpus -- N DIR [SEED]
//!
//! DIR must not exist yet or be empty, so that nothing is overwritten.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: corpus N DIR [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let dir = PathBuf::from(dir);
    if dir.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        eprintln!("error: {} is not empty", dir.display());
        return ExitCode::from(2);
    }
    for file in amt::corpus::generate(n, seed) {
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
