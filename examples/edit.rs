//! How long a rebuild takes after one file of a project changes: opens the
//! project in an `amt_compiler::Workspace`, then changes one procedure file (and
//! once a shared file) repeatedly, checking again what depends on it and
//! emitting the files of the procedures checked again (in memory).
//!
//!     cargo run --release --example edit -- DIR [RUNS]

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: edit DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20);
    let started = Instant::now();
    let mut ws =
        amt_compiler::Workspace::open(std::path::Path::new(dir)).expect("the project is readable");
    let procedures = ws.procedures().count();
    println!(
        "opened {procedures} procedures in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let names: Vec<String> = ws
        .sources()
        .iter()
        .map(|(_, f)| f.name.clone())
        .filter(|n| n.starts_with("verfahren/"))
        .collect();
    let settings = amt_compiler::emit::Settings::default();
    let mut times = Vec::new();
    for run in 0..runs {
        // A different procedure each time, its title changed.
        let name = &names[(run * 7919) % names.len()];
        let id = ws.sources().find(name).expect("a file of the project");
        let text = ws.sources().get(id).text.replacen(
            "\"Beispielverfahren",
            &format!("\"Geändertes Beispielverfahren {run}"),
            1,
        );
        let t = Instant::now();
        let changed = ws.set_file(name, text);
        let rebuilt: Vec<&amt_compiler::ir::Procedure> = ws
            .procedures()
            .filter(|p| changed.contains(&p.id))
            .collect();
        let files: usize = rebuilt
            .iter()
            .map(|p| {
                amt_compiler::emit::build(std::slice::from_ref(*p), &settings)
                    .map_or(0, |f| f.len())
            })
            .sum();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(files > 0 && ws.diagnostics().is_empty());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "one procedure file changed: median {:.1} ms, max {:.1} ms over {runs} edits (check again + emit its files)",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    let shared = "common/gruppen_0.amt";
    if let Some(id) = ws.sources().find(shared) {
        let text = ws
            .sources()
            .get(id)
            .text
            .replacen("\"Straße\"", "\"Straße und Hausnummer\"", 1);
        let t = Instant::now();
        let changed = ws.set_file(shared, text);
        println!(
            "{shared} changed: {} procedures checked again in {:.0} ms",
            changed.len(),
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}
