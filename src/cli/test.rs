//! `amt test`: the examples written in the procedures, run like tests.

use super::check::run_check;
use super::{CheckArgs, INPUT_ERRORS, OK, today_germany};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct TestArgs {
    /// The project folder (or a file in it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Run only the examples whose procedure id or name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Run only the examples of this municipality (its Regionalschlüssel).
    #[arg(long)]
    pub municipality: Option<String>,
    /// Write the documents the examples expect into this folder, as HTML:
    /// `<procedure>/<example>/<document>.<lang>.html`.
    #[arg(long, value_name = "DIR")]
    pub documents: Option<PathBuf>,
    /// With `--documents`, write each as PDF too (needs WeasyPrint).
    #[arg(long, requires = "documents")]
    pub pdf: bool,
}

pub fn run(args: &TestArgs) -> Result<u8, u8> {
    let check = CheckArgs::of(args.path.clone());
    let (_, compiled) = run_check(&check)?;
    if compiled.failed(false) {
        eprintln!("amt: the project has errors; no example was run");
        return Err(INPUT_ERRORS);
    }
    let mut procedures = compiled.procedures;
    if let Some(ars) = &args.municipality {
        if !compiled
            .municipalities
            .registry
            .municipalities
            .contains_key(ars)
        {
            eprintln!("amt: no municipality has the key {ars}");
            return Err(super::USAGE_OR_IO);
        }
        for p in &mut procedures {
            p.examples
                .retain(|e| e.municipality.as_deref() == Some(ars));
        }
    }
    let mut outcomes = amt_compiler::examples::run_in(
        &procedures,
        &compiled.municipalities.registry,
        today_germany(),
    );
    if let Some(f) = &args.filter {
        outcomes.retain(|o| o.procedure.contains(f.as_str()) || o.name.contains(f.as_str()));
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "running {} example{}",
        outcomes.len(),
        if outcomes.len() == 1 { "" } else { "s" }
    );
    for o in &outcomes {
        let verdict = if o.passed() { "ok" } else { "FAILED" };
        let _ = writeln!(out, "example {} › {} ... {verdict}", o.procedure, o.name);
    }
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nfailures:");
        for o in &failed {
            let _ = writeln!(
                out,
                "\n---- {} › {} ({}) ----",
                o.procedure, o.name, o.location
            );
            for d in &o.differences {
                let _ = writeln!(out, "{d}");
            }
        }
    }
    if let Some(dir) = &args.documents {
        write_documents(dir, &outcomes, args.pdf)?;
    }
    let passed = outcomes.len() - failed.len();
    let _ = writeln!(
        out,
        "\ntest result: {}. {passed} passed, {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len()
    );
    Ok(if failed.is_empty() { OK } else { INPUT_ERRORS })
}

/// Writes every document the examples rendered, as HTML (and PDF).
fn write_documents(
    dir: &std::path::Path,
    outcomes: &[amt_compiler::examples::Outcome],
    pdf: bool,
) -> Result<(), u8> {
    let mut written = 0;
    for o in outcomes {
        for d in &o.documents {
            let folder = dir.join(&o.procedure).join(super::slug(&o.name));
            std::fs::create_dir_all(&folder).map_err(|e| {
                eprintln!("amt: cannot create `{}`: {e}", folder.display());
                super::USAGE_OR_IO
            })?;
            let html = amt_compiler::emit::document::html(&d.written, None).map_err(|e| {
                eprintln!("amt: cannot write `{}`: {e}", d.document);
                INPUT_ERRORS
            })?;
            let path = folder.join(format!("{}.{}.html", d.document, d.lang));
            super::render::write_atomic(&path, html.as_bytes())?;
            if pdf {
                super::render::to_pdf(&html, &path.with_extension("pdf"))?;
            }
            written += 1;
        }
    }
    eprintln!("amt: wrote {written} documents into `{}`", dir.display());
    Ok(())
}
