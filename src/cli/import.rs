//! `amt import`: an XDatenfelder document as amt source.

use super::{ColorChoice, INPUT_ERRORS, MessageFormat, OK, USAGE_OR_IO, use_color};
use amt_compiler::diagnostic::{self, Diagnostic, Severity};
use amt_compiler::source::SourceMap;
use clap::Args;
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Args)]
pub struct ImportArgs {
    /// The XDatenfelder 2 or 3 document (a Stammdatenschema, Datenfeldgruppe or Datenfeld).
    pub file: PathBuf,
    /// Where to write the source (default: standard output). Nothing is
    /// written when the document cannot be imported.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// How to print diagnostics: `human` (like rustc) or `json` (one object per line on stderr).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// When to use colours in diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Imports the document, checks the source it makes, and writes it.
pub fn run(args: &ImportArgs) -> u8 {
    let name = args.file.display().to_string();
    let mut sources = SourceMap::new();
    // Too large is refused before it is read.
    let size = match std::fs::metadata(&args.file) {
        Ok(m) => m.len(),
        Err(e) => {
            eprintln!("amt: cannot read `{name}`: {e}");
            return USAGE_OR_IO;
        }
    };
    let too_large = size > amt_compiler::import::MAX_BYTES as u64;
    let text = if too_large {
        // Only its size is reported: nothing of it is read.
        String::new()
    } else {
        match std::fs::read(&args.file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("amt: cannot read `{name}`: {e}");
                return USAGE_OR_IO;
            }
        }
    };
    let file = sources.add_unparsed(name.clone(), text);
    let result = if too_large {
        Err(vec![amt_compiler::import::too_large(file, size)])
    } else {
        amt_compiler::import::import(file, &sources.get(file).text)
    };
    let (imported, mut diags) = match result {
        Ok(i) => {
            let diags = i.diagnostics;
            (Some(i.source), diags)
        }
        Err(d) => (None, d),
    };
    // What the import made must check; a problem in it is amt's to fix,
    // and is reported in the made source.
    if let Some(source) = &imported {
        let mut made = SourceMap::new();
        let out_name = args
            .out
            .as_ref()
            .map_or_else(|| "imported.amt".to_string(), |p| p.display().to_string());
        made.add(out_name, source.clone());
        let compiled = amt_compiler::compile(&made);
        let errors: Vec<&Diagnostic> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .collect();
        if !errors.is_empty() {
            print(
                &made,
                &errors.into_iter().cloned().collect::<Vec<_>>(),
                args,
            );
            eprintln!(
                "amt: the source made of `{name}` does not check; nothing was written (please report this)"
            );
            print(&sources, &diags, args);
            return INPUT_ERRORS;
        }
    }
    diags.sort_by_key(|d| d.primary.span.start);
    print(&sources, &diags, args);
    let Some(source) = imported else {
        eprintln!("amt: nothing was written");
        return INPUT_ERRORS;
    };
    match &args.out {
        Some(path) => {
            if let Err(e) = super::fmt::replace_file(path, source.as_bytes()) {
                eprintln!("amt: cannot write `{}`: {e}", path.display());
                return USAGE_OR_IO;
            }
            eprintln!("amt: imported `{name}` into `{}`", path.display());
        }
        None => {
            let _ = std::io::stdout().write_all(source.as_bytes());
        }
    }
    OK
}

fn print(sources: &SourceMap, diags: &[Diagnostic], args: &ImportArgs) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = match args.message_format {
            MessageFormat::Json => writeln!(err, "{}", diagnostic::render_json_line(sources, d)),
            MessageFormat::Human => write!(
                err,
                "{}",
                diagnostic::render_human(sources, d, use_color(args.color))
            ),
        };
    }
}
