//! The subcommands of `amt`: their arguments, what each runs, and how it
//! reports. Exit codes: 0 success, 1 errors in the input, 2 usage or I/O.

mod build;
mod check;
mod fitconnect;
mod fmt;
mod import;
mod municipal;
mod render;
mod report;
mod test;
mod validate;
mod xbau;

use amt_compiler::diagnostic::{self, Severity};
use amt_compiler::source::SourceMap;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

pub use build::{BuildArgs, build_settings, build_workspace};

/// amt — the procedure compiler: checks procedures written in the amt
/// language and builds forms, schemas and workflows from them.
#[derive(Parser)]
#[command(name = "amt", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a project and report every problem; writes nothing.
    Check(CheckArgs),
    /// Check a project and, if it has no errors, write its outputs.
    Build(BuildArgs),
    /// Build a project and serve it on 127.0.0.1 with live reload; form
    /// posts are checked with amt's validator. A local preview, not a
    /// production server.
    Serve(crate::serve::ServeArgs),
    /// Check a submission (JSON) against a procedure with every rule.
    Validate(validate::ValidateArgs),
    /// Run the examples written in the procedures, like a test runner.
    Test(test::TestArgs),
    /// Show, for one municipality, every value it resolves and where it
    /// comes from; with `--against`, what differs from another.
    Report(report::ReportArgs),
    /// Lay out source files in the one canonical way, keeping every comment.
    Fmt(fmt::FmtArgs),
    /// Translate a FIM XDatenfelder 2 or 3 document into amt source.
    Import(import::ImportArgs),
    /// Write the FIT-Connect submission metadata of a submission, or of every example.
    Fitconnect(fitconnect::FitconnectArgs),
    /// Write a document of a workflow (a Bescheid) for one case, as HTML and PDF.
    Render(render::RenderArgs),
    /// The Bauantrag Bayern as XBau 2.6 messages: the application (0200) or the decision (0205).
    Xbau(xbau::XbauArgs),
    /// A language server for editors, over stdin/stdout (started by the editor).
    Lsp,
    /// Explain a diagnostic code, e.g. `amt explain E0101`.
    Explain {
        /// The code, e.g. E0101. Without it, every code is listed.
        code: Option<String>,
    },
}

#[derive(Args)]
pub struct CheckArgs {
    /// The project folder (or a file in it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// How to print diagnostics: `human` (like rustc) or `json` (one object per line on stdout).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// When to use colours: `auto` honours NO_COLOR and whether stderr is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also list the checks the JSON Schema cannot express, which only amt's validator enforces.
    #[arg(long)]
    pub validator_only: bool,
}

impl CheckArgs {
    /// A check of `path` as the commands that run one first (`test`,
    /// `validate`, `report`, `serve`) make it: human messages, warnings
    /// allowed.
    pub fn of(path: PathBuf) -> CheckArgs {
        CheckArgs {
            path,
            message_format: MessageFormat::Human,
            deny_warnings: false,
            color: ColorChoice::Auto,
            validator_only: false,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub const OK: u8 = 0;
pub const INPUT_ERRORS: u8 = 1;
pub const USAGE_OR_IO: u8 = 2;

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// What a run looked at, for its closing line.
#[derive(Clone, Copy)]
pub struct Scope {
    /// The procedures checked.
    pub procedures: usize,
    /// The source files read.
    pub files: usize,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} procedure{} in {} file{}",
            self.procedures,
            plural(self.procedures),
            self.files,
            plural(self.files)
        )
    }
}

/// Prints the diagnostics (as text or JSON lines) and, as text, a closing
/// line that counts them; with a `scope`, the line also says what was
/// checked, even when nothing was found.
pub fn report(
    sources: &SourceMap,
    compiled: &amt_compiler::Compiled,
    args: &CheckArgs,
    scope: Option<Scope>,
) {
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
                    "{}: {}, {}{}",
                    if compiled.failed(args.deny_warnings) {
                        "failed"
                    } else {
                        "passed"
                    },
                    plural(errors, "error"),
                    plural(warnings, "warning"),
                    scope.map(|s| format!(" ({s})")).unwrap_or_default(),
                );
            } else if let Some(scope) = scope {
                let _ = writeln!(err, "checked {scope}: no problems");
            }
        }
    }
}

/// Runs the command line's subcommand.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => return build::run(&args),
        Command::Serve(args) => crate::serve::run(&args),
        Command::Validate(args) => validate::run(&args).unwrap_or_else(|code| code),
        Command::Test(args) => test::run(&args).unwrap_or_else(|code| code),
        Command::Report(args) => report::run(&args).unwrap_or_else(|code| code),
        Command::Fmt(args) => fmt::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Fitconnect(args) => fitconnect::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Xbau(args) => xbau::run(&args),
        Command::Lsp => match amt_lsp::run() {
            Ok(()) => OK,
            Err(e) => {
                eprintln!("amt lsp: {e}");
                USAGE_OR_IO
            }
        },
        Command::Explain { code } => explain(code.as_deref()),
    };
    ExitCode::from(code)
}

/// `amt explain [CODE]`: the page of a diagnostic code, or the list of codes.
fn explain(code: Option<&str>) -> u8 {
    let Some(code) = code else {
        for info in diagnostic::CODES {
            println!("{}  {}", info.code.as_str(), info.title);
        }
        return OK;
    };
    match diagnostic::lookup(code) {
        Some(info) => {
            print!("{}", info.explain);
            OK
        }
        None => {
            eprintln!("amt: there is no diagnostic code `{code}`; `amt explain` lists them all");
            USAGE_OR_IO
        }
    }
}

/// Today's date in Germany, where the procedures' deadlines run.
pub fn today_germany() -> amt_compiler::ir::date::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    amt_compiler::ir::date::Date::in_germany(i64::try_from(secs).unwrap_or(0))
}

/// An example's name as a folder name (`amt fitconnect --examples`, `amt test --documents`).
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(60).collect()
}
