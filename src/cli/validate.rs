//! `amt validate`: a submission checked against a procedure with every rule.

use super::check::run_check;
use super::{CheckArgs, INPUT_ERRORS, MessageFormat, OK, USAGE_OR_IO, today_germany};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct ValidateArgs {
    /// The procedure: a built `procedure.json` or the folder of a built
    /// procedure (`output/<id>`), a build's output folder with `--id`, a
    /// `.amt` file, or a project folder.
    pub procedure: PathBuf,
    /// The submission, a JSON file (`-` for standard input).
    pub submission: PathBuf,
    /// Which procedure, when the source holds several.
    #[arg(long)]
    pub id: Option<String>,
    /// The language of labels and messages (default: the procedure's source language).
    #[arg(long)]
    pub lang: Option<String>,
    /// The date `today` stands for, `YYYY-MM-DD` (default: the current date in Germany).
    #[arg(long)]
    pub today: Option<String>,
    /// `human` (one line per problem) or `json` (the whole report).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub format: MessageFormat,
    /// The municipality (its Regionalschlüssel) whose values apply, for a
    /// procedure read from its sources (a built `procedure.json` of
    /// `<ARS>/<id>/` has them already).
    #[arg(long)]
    pub municipality: Option<String>,
}

/// The built model `args.procedure` points at as a folder: a built
/// procedure's (`output/<id>`), or, with `--id`, one of a build's output
/// folder (the one with `manifest.json`). `None` for anything else.
fn built_model(args: &ValidateArgs) -> Result<Option<PathBuf>, u8> {
    let dir = &args.procedure;
    if !dir.is_dir() {
        return Ok(None);
    }
    let model = dir.join("procedure.json");
    if model.is_file() {
        return Ok(Some(model));
    }
    if !dir.join("manifest.json").is_file() {
        return Ok(None);
    }
    match &args.id {
        Some(id) if dir.join(id).join("procedure.json").is_file() => {
            Ok(Some(dir.join(id).join("procedure.json")))
        }
        Some(id) => {
            eprintln!(
                "amt: the build in `{}` has no procedure `{id}`",
                dir.display()
            );
            Err(USAGE_OR_IO)
        }
        None => {
            eprintln!(
                "amt: `{}` is a build of several procedures: name one with `--id`, or give its folder (`{}`)",
                dir.display(),
                dir.join("<id>").display()
            );
            Err(USAGE_OR_IO)
        }
    }
}

/// Loads the procedure to validate against: from a built model, or by
/// compiling the sources (whose diagnostics are reported).
fn load_procedure(args: &ValidateArgs) -> Result<amt_compiler::ir::Procedure, u8> {
    let built = built_model(args)?;
    let path = built.as_ref().unwrap_or(&args.procedure);
    if path.extension().is_some_and(|e| e == "json") {
        if args.municipality.is_some() {
            eprintln!(
                "amt: a built model has its municipality's values already: give `<ARS>/<id>/` of the build instead of --municipality"
            );
            return Err(USAGE_OR_IO);
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            eprintln!("amt: cannot read `{}`: {e}", path.display());
            USAGE_OR_IO
        })?;
        return amt_compiler::ir::Procedure::from_json(&text).map_err(|e| {
            eprintln!(
                "amt: `{}` is not a procedure model (procedure.json): {e}",
                path.display()
            );
            USAGE_OR_IO
        });
    }
    let check = CheckArgs::of(path.clone());
    let (_, compiled) = run_check(&check)?;
    if compiled.failed(false) {
        eprintln!("amt: the procedure has errors; fix them first");
        return Err(INPUT_ERRORS);
    }
    let root = amt_compiler::project_root(path);
    let file = path
        .is_file()
        .then(|| path.strip_prefix(&root).ok())
        .flatten()
        .map(|p| p.to_string_lossy().replace('\\', "/"));
    let mut candidates: Vec<amt_compiler::ir::Procedure> = compiled
        .procedures
        .into_iter()
        .filter(|p| args.id.as_ref().is_none_or(|id| *id == p.id))
        .filter(|p| args.id.is_some() || file.as_ref().is_none_or(|f| *f == p.source))
        .collect();
    match candidates.len() {
        1 => {
            let p = candidates.remove(0);
            amt_compiler::municipal::instance(
                &p,
                &compiled.municipalities.registry,
                args.municipality.as_deref(),
            )
            .map_err(|e| {
                eprintln!("amt: {e}; name a municipality that offers it with --municipality");
                USAGE_OR_IO
            })
        }
        0 => {
            eprintln!(
                "amt: no procedure{} found in `{}`",
                args.id
                    .as_ref()
                    .map(|i| format!(" `{i}`"))
                    .unwrap_or_default(),
                path.display()
            );
            Err(USAGE_OR_IO)
        }
        _ => {
            let ids: Vec<&str> = candidates.iter().map(|p| p.id.as_str()).collect();
            eprintln!(
                "amt: `{}` holds several procedures ({}); choose one with --id",
                path.display(),
                ids.join(", ")
            );
            Err(USAGE_OR_IO)
        }
    }
}

pub fn run(args: &ValidateArgs) -> Result<u8, u8> {
    let today = match &args.today {
        Some(t) => amt_compiler::ir::date::Date::parse(t).ok_or_else(|| {
            eprintln!("amt: --today must be a date like 2026-01-31, not `{t}`");
            USAGE_OR_IO
        })?,
        None => today_germany(),
    };
    let text = if args.submission.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map(|_| s)
    } else {
        std::fs::read_to_string(&args.submission)
    }
    .map_err(|e| {
        eprintln!("amt: cannot read `{}`: {e}", args.submission.display());
        USAGE_OR_IO
    })?;
    let procedure = load_procedure(args)?;
    let model = amt_compiler::validate::Model::new(&procedure);
    let options = amt_compiler::validate::Options {
        today,
        lang: args.lang.clone(),
    };
    let (_, report) = model.validate_text(&text, &options).map_err(|e| {
        eprintln!("amt: `{}` is not JSON: {e}", args.submission.display());
        USAGE_OR_IO
    })?;
    let mut out = std::io::stdout().lock();
    match args.format {
        MessageFormat::Json => {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        MessageFormat::Human => {
            for p in &report.problems {
                let severity = match p.severity {
                    amt_compiler::validate::Severity::Error => "error",
                    amt_compiler::validate::Severity::Warning => "warning",
                };
                let label = p
                    .label
                    .as_ref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                let pointer = if p.pointer.is_empty() {
                    "/"
                } else {
                    &p.pointer
                };
                let _ = writeln!(
                    out,
                    "{severity}: {pointer}{label}: {} [{}]",
                    p.message, p.check
                );
            }
            for (path, value) in &report.computed {
                let value = match model.money_cents(path, value) {
                    Some(cents) => amt_compiler::ir::print::money(cents),
                    None => value.to_string(),
                };
                let _ = writeln!(out, "computed: {path} = {value}");
            }
            let errors = report
                .problems
                .iter()
                .filter(|p| p.severity == amt_compiler::validate::Severity::Error)
                .count();
            let warnings = report.problems.len() - errors;
            let _ = writeln!(
                out,
                "{}: {errors} error{}, {warnings} warning{}",
                if report.valid { "valid" } else { "invalid" },
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            );
        }
    }
    Ok(if report.valid { OK } else { INPUT_ERRORS })
}
