//! `amt render`: a document of a procedure's workflow written for one case,
//! as print-ready HTML and, with `--pdf`, as PDF.
//!
//! The PDF is made from the same HTML by WeasyPrint, a documented tool a
//! portal can run beside amt (BSD licence, `pip install weasyprint`): it
//! implements CSS paged media (A4, page numbers, page breaks) and writes
//! tagged PDF/UA-1, so the letter stays accessible. amt looks for it as
//! `weasyprint` on the PATH, or where `AMT_WEASYPRINT` says.

use super::check::run_check;
use super::{CheckArgs, INPUT_ERRORS, OK, USAGE_OR_IO};
use amt_compiler::emit::document::{self, Case};
use amt_compiler::ir::{self, date::Date};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct RenderArgs {
    /// The procedure (its name), or a project folder with one procedure.
    pub procedure: String,
    /// The document of its workflow, e.g. `baugenehmigung`.
    pub document: String,
    /// The case (JSON): `{"data": …, "decisions": …, "reference": …,
    /// "date": …, "signatory": …, "municipality": …}`.
    pub case: PathBuf,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// The language (default: the procedure's first).
    #[arg(long)]
    pub lang: Option<String>,
    /// The municipality (its Regionalschlüssel) whose authority issues it;
    /// else the case's `municipality`.
    #[arg(long)]
    pub municipality: Option<String>,
    /// Where to write the HTML (default: stdout).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Also write the PDF here (needs WeasyPrint).
    #[arg(long)]
    pub pdf: Option<PathBuf>,
    /// A template of the portal's own instead of amt's (minijinja).
    #[arg(long)]
    pub template: Option<PathBuf>,
}

pub fn run(args: &RenderArgs) -> u8 {
    match go(args) {
        Ok(()) => OK,
        Err(code) => code,
    }
}

/// A case of a checked project's procedure: the procedure as the case's
/// municipality serves it, the case, and the authority responsible there.
pub(super) struct Loaded {
    pub instance: ir::Procedure,
    pub case: Case,
    pub authority: Option<ir::municipality::AuthorityInfo>,
}

/// Checks the project and reads the case of `procedure` at `case`, for the
/// municipality `municipality` or the one the case names.
pub(super) fn load(
    project: &Path,
    procedure: &str,
    case: &Path,
    municipality: Option<&str>,
) -> Result<Loaded, u8> {
    let (_, compiled) = run_check(&CheckArgs::of(project.to_path_buf()))?;
    if compiled.failed(false) {
        eprintln!("amt: the project has errors; fix them first");
        return Err(INPUT_ERRORS);
    }
    let Some(p) = compiled.procedures.iter().find(|p| p.id == procedure) else {
        let known: Vec<&str> = compiled.procedures.iter().map(|p| p.id.as_str()).collect();
        eprintln!(
            "amt: there is no procedure `{procedure}`; the project has {}",
            known.join(", ")
        );
        return Err(USAGE_OR_IO);
    };
    let text = std::fs::read(case).map_err(|e| {
        eprintln!("amt: cannot read `{}`: {e}", case.display());
        USAGE_OR_IO
    })?;
    let case: Case = serde_json::from_slice(&text).map_err(|e| {
        eprintln!("amt: `{}` is not a case: {e}", case.display());
        INPUT_ERRORS
    })?;
    let registry = &compiled.municipalities.registry;
    let ars = municipality.or(case.municipality.as_deref());
    let instance = amt_compiler::municipal::instance(p, registry, ars).map_err(|e| {
        eprintln!("amt: {e}; name a municipality that offers it with --municipality");
        USAGE_OR_IO
    })?;
    let authority = ars
        .and_then(|a| registry.resolve(a, &p.id))
        .map(|r| r.authority.0.clone());
    Ok(Loaded {
        instance,
        case,
        authority,
    })
}

/// The date of the document the case names: a document is dated by its
/// case, never by the clock.
pub(super) fn case_date(case: &Case) -> Result<Date, u8> {
    let Some(text) = &case.date else {
        eprintln!("amt: the case names no `date` (YYYY-MM-DD), the date of the document");
        return Err(INPUT_ERRORS);
    };
    Date::parse(text).ok_or_else(|| {
        eprintln!("amt: the case's date `{text}` is no date (YYYY-MM-DD)");
        INPUT_ERRORS
    })
}

fn go(args: &RenderArgs) -> Result<(), u8> {
    let Loaded {
        instance,
        case,
        authority,
    } = load(
        &args.project,
        &args.procedure,
        &args.case,
        args.municipality.as_deref(),
    )?;
    let p = &instance;
    let date = case_date(&case)?;
    let lang = args
        .lang
        .clone()
        .or_else(|| instance.languages.first().cloned())
        .unwrap_or_else(|| "de".into());
    if !instance.languages.contains(&lang) {
        eprintln!(
            "amt: `{}` is written in {}, not in `{lang}`",
            p.id,
            instance.languages.join(", ")
        );
        return Err(USAGE_OR_IO);
    }
    let template = match &args.template {
        Some(t) => Some(std::fs::read_to_string(t).map_err(|e| {
            eprintln!("amt: cannot read `{}`: {e}", t.display());
            USAGE_OR_IO
        })?),
        None => None,
    };
    let written = document::write(
        &instance,
        &args.document,
        &case,
        authority.as_ref(),
        &lang,
        date,
    )
    .and_then(|w| document::html(&w, template.as_deref()))
    .map_err(|e| {
        eprintln!("amt: cannot write `{}`: {e}", args.document);
        INPUT_ERRORS
    })?;
    match &args.out {
        Some(path) => write_atomic(path, written.as_bytes())?,
        None => print!("{written}"),
    }
    if let Some(pdf) = &args.pdf {
        to_pdf(&written, pdf)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file, so that a failure
/// leaves what was there.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), u8> {
    let tmp = path.with_extension("amt-tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("amt: cannot write `{}`: {e}", path.display());
            USAGE_OR_IO
        })
}

/// The PDF of `html`, by WeasyPrint (PDF/UA-1: tagged, with the language).
pub(super) fn to_pdf(html: &str, pdf: &Path) -> Result<(), u8> {
    let tool = std::env::var("AMT_WEASYPRINT").unwrap_or_else(|_| "weasyprint".into());
    let tmp_html = pdf.with_extension("amt-tmp.html");
    let tmp_pdf = pdf.with_extension("amt-tmp.pdf");
    std::fs::write(&tmp_html, html).map_err(|e| {
        eprintln!("amt: cannot write `{}`: {e}", tmp_html.display());
        USAGE_OR_IO
    })?;
    let status = std::process::Command::new(&tool)
        .args(["--pdf-variant", "pdf/ua-1", "--quiet"])
        .arg(&tmp_html)
        .arg(&tmp_pdf)
        .status();
    let _ = std::fs::remove_file(&tmp_html);
    match status {
        Ok(s) if s.success() => std::fs::rename(&tmp_pdf, pdf).map_err(|e| {
            eprintln!("amt: cannot write `{}`: {e}", pdf.display());
            USAGE_OR_IO
        }),
        Ok(s) => {
            let _ = std::fs::remove_file(&tmp_pdf);
            eprintln!("amt: WeasyPrint failed ({s}); the PDF was not written");
            Err(USAGE_OR_IO)
        }
        Err(e) => {
            eprintln!(
                "amt: cannot run `{tool}` ({e}): the PDF is made by WeasyPrint; install it with `pip install weasyprint`, or say where it is with AMT_WEASYPRINT"
            );
            Err(USAGE_OR_IO)
        }
    }
}
