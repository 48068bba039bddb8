//! The `amt` command: reads files, runs the library, renders diagnostics,
//! writes outputs, and exits 0 (success), 1 (errors in the input) or 2 (usage
//! or I/O problem).

use amt::diagnostic::{self, Severity};
use amt::source::SourceMap;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// amt — the procedure compiler: checks procedures written in the amt
/// language and builds forms, schemas and workflows from them.
#[derive(Parser)]
#[command(name = "amt", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a project and report every problem; writes nothing.
    Check(CheckArgs),
    /// Check a project and, if it has no errors, write its outputs.
    Build(BuildArgs),
    /// Explain a diagnostic code, e.g. `amt explain E0101`.
    Explain {
        /// The code, e.g. E0101. Without it, every code is listed.
        code: Option<String>,
    },
}

#[derive(Args)]
struct CheckArgs {
    /// The project folder (or a file in it).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// How to print diagnostics: `human` (like rustc) or `json` (one object per line on stdout).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// When to use colours: `auto` honours NO_COLOR and whether stderr is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    check: CheckArgs,
    /// The output folder; it is replaced as a whole, atomically.
    #[arg(long, short)]
    out: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

const OK: u8 = 0;
const INPUT_ERRORS: u8 = 1;
const USAGE_OR_IO: u8 = 2;

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

fn report(sources: &SourceMap, compiled: &amt::Compiled, args: &CheckArgs) {
    match args.message_format {
        MessageFormat::Json => {
            let mut out = std::io::stdout().lock();
            for d in &compiled.diagnostics {
                let _ = writeln!(out, "{}", diagnostic::render_json_line(sources, d));
            }
        }
        MessageFormat::Human => {
            let color = use_color(args.color);
            let mut err = std::io::stderr().lock();
            for d in &compiled.diagnostics {
                let _ = write!(err, "{}", diagnostic::render_human(sources, d, color));
            }
            let errors = compiled
                .diagnostics
                .iter()
                .filter(|d| d.severity() == Severity::Error)
                .count();
            let warnings = compiled.diagnostics.len() - errors;
            if errors + warnings > 0 {
                let plural =
                    |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
                let _ = writeln!(
                    err,
                    "{}: {}, {}",
                    if compiled.failed(args.deny_warnings) {
                        "failed"
                    } else {
                        "passed"
                    },
                    plural(errors, "error"),
                    plural(warnings, "warning")
                );
            }
        }
    }
}

fn run_check(args: &CheckArgs) -> Result<(SourceMap, amt::Compiled), u8> {
    let root = amt::project_root(&args.path);
    if !root.exists() {
        eprintln!("amt: `{}` does not exist", args.path.display());
        return Err(USAGE_OR_IO);
    }
    let (sources, compiled) = amt::check_project(&root).map_err(|e| {
        eprintln!("amt: cannot read the project: {e}");
        USAGE_OR_IO
    })?;
    report(&sources, &compiled, args);
    Ok((sources, compiled))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => match run_check(&args) {
            Ok((_, compiled)) => {
                if compiled.failed(args.deny_warnings) {
                    INPUT_ERRORS
                } else {
                    OK
                }
            }
            Err(code) => code,
        },
        Command::Build(args) => {
            let root = amt::project_root(&args.check.path);
            if let Err(e) = amt::output::check_target(&args.out, &root) {
                eprintln!("amt: {e}");
                return ExitCode::from(USAGE_OR_IO);
            }
            match run_check(&args.check) {
                Err(code) => code,
                Ok((_, compiled)) if compiled.failed(args.check.deny_warnings) => {
                    eprintln!(
                        "amt: nothing was written; `{}` is unchanged",
                        args.out.display()
                    );
                    INPUT_ERRORS
                }
                Ok((_, compiled)) => {
                    let files = amt::emit::build(&compiled.procedures);
                    match amt::output::write_atomically(&args.out, &files) {
                        Ok(()) => {
                            if matches!(args.check.message_format, MessageFormat::Human) {
                                eprintln!(
                                    "built {} procedure{} into `{}` ({} files)",
                                    compiled.procedures.len(),
                                    if compiled.procedures.len() == 1 {
                                        ""
                                    } else {
                                        "s"
                                    },
                                    args.out.display(),
                                    files.len()
                                );
                            }
                            OK
                        }
                        Err(e) => {
                            eprintln!("amt: {e}");
                            USAGE_OR_IO
                        }
                    }
                }
            }
        }
        Command::Explain { code: None } => {
            for info in diagnostic::CODES {
                println!("{}  {}", info.code.as_str(), info.title);
            }
            OK
        }
        Command::Explain { code: Some(code) } => match diagnostic::lookup(&code) {
            Some(info) => {
                print!("{}", info.explain);
                OK
            }
            None => {
                eprintln!(
                    "amt: there is no diagnostic code `{code}`; `amt explain` lists them all"
                );
                USAGE_OR_IO
            }
        },
    };
    ExitCode::from(code)
}
