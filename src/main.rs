//! The `amt` command: reads files, runs the library, renders diagnostics,
//! writes outputs, and exits 0 (success), 1 (errors in the input) or 2 (usage
//! or I/O problem).

use amt::diagnostic::{self, Severity};
use amt::source::SourceMap;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: a build allocates and frees millions of small values (syntax
/// trees, template values, JSON maps); glibc's malloc and free were a fifth
/// of a build's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod poll;
mod serve;

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
    /// Build a project and serve it on 127.0.0.1 with live reload; form
    /// posts are checked with amt's validator. A local preview, not a
    /// production server.
    Serve(serve::ServeArgs),
    /// Check a submission (JSON) against a procedure with every rule.
    Validate(ValidateArgs),
    /// Run the examples written in the procedures, like a test runner.
    Test(TestArgs),
    /// Lay out source files in the one canonical way, keeping every comment.
    Fmt(FmtArgs),
    /// A language server for editors, over stdin/stdout (started by the editor).
    Lsp,
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
    /// Also list the checks the JSON Schema cannot express, which only amt's validator enforces.
    #[arg(long)]
    validator_only: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    check: CheckArgs,
    /// The output folder; it is replaced as a whole, atomically.
    #[arg(long, short)]
    out: PathBuf,
    /// The base URI of the schemas' `$id`s: `<base><procedure>/<version>/schema.json`
    /// (overrides `schema_base` in the project's amt.json).
    #[arg(long)]
    schema_base: Option<String>,
    /// A folder with templates (procedure.html, macros.html, index.html) and
    /// amt.css that replace the shipped ones.
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Keep running: on every change to the project's files, check again
    /// what the change affects, print the diagnostics, and build again when
    /// there is no error. Stop with Ctrl-C.
    #[arg(long)]
    watch: bool,
}

#[derive(Args)]
struct FmtArgs {
    /// Files or folders (every `.amt` file under a folder, hidden ones skipped).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted and exit 1 if
    /// there are any (for CI).
    #[arg(long)]
    check: bool,
    /// When to use colours in diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Args)]
struct TestArgs {
    /// The project folder (or a file in it).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Run only the examples whose procedure id or name contains this text.
    #[arg(long)]
    filter: Option<String>,
}

#[derive(Args)]
struct ValidateArgs {
    /// The procedure: a built `procedure.json`, a `.amt` file, or a project folder.
    procedure: PathBuf,
    /// The submission, a JSON file (`-` for standard input).
    submission: PathBuf,
    /// Which procedure, when the source holds several.
    #[arg(long)]
    id: Option<String>,
    /// The language of labels and messages (default: the procedure's source language).
    #[arg(long)]
    lang: Option<String>,
    /// The date `today` stands for, `YYYY-MM-DD` (default: the current date in Germany).
    #[arg(long)]
    today: Option<String>,
    /// `human` (one line per problem) or `json` (the whole report).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    format: MessageFormat,
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

/// Loads and checks a project procedure by procedure ([`amt::compile_each`]),
/// reports the diagnostics, and returns them with what `each` made of each
/// procedure.
fn check_each<R: Send>(
    args: &CheckArgs,
    each: impl Fn(amt::ir::Procedure, &[amt::diagnostic::Diagnostic]) -> R + Sync,
) -> Result<(amt::Compiled, Vec<R>), u8> {
    let root = amt::project_root(&args.path);
    if !root.exists() {
        eprintln!("amt: `{}` does not exist", args.path.display());
        return Err(USAGE_OR_IO);
    }
    let (sources, load) = amt::load(&root).map_err(|e| {
        eprintln!("amt: cannot read the project: {e}");
        USAGE_OR_IO
    })?;
    let (diagnostics, results) = amt::compile_each(&sources, each);
    let mut all = amt::diagnostic::Diagnostics::new();
    all.extend(load);
    all.extend(diagnostics);
    let compiled = amt::Compiled {
        procedures: Vec::new(),
        diagnostics: all.finish(),
    };
    report(&sources, &compiled, args);
    Ok((compiled, results))
}

/// A build being written into the staging folder beside `args.out`, which
/// replaces the output only when every file is written.
struct Writing<'a> {
    staging: amt::output::Staging,
    /// A write failed: the file system's problem (exit 2), not the input's.
    write_failed: std::sync::atomic::AtomicBool,
    args: &'a BuildArgs,
}

impl<'a> Writing<'a> {
    fn begin(args: &'a BuildArgs) -> Result<Writing<'a>, u8> {
        match amt::output::Staging::begin(&args.out) {
            Ok(staging) => Ok(Writing {
                staging,
                write_failed: std::sync::atomic::AtomicBool::new(false),
                args,
            }),
            Err(e) => {
                eprintln!("amt: {e}");
                Err(USAGE_OR_IO)
            }
        }
    }

    fn write(&self, file: &amt::emit::OutputFile) -> Result<(), String> {
        self.staging.write(file).map_err(|e| {
            self.write_failed
                .store(true, std::sync::atomic::Ordering::Relaxed);
            e.to_string()
        })
    }

    /// Reports why nothing was written; the exit code says whose fault.
    fn failed(&self, e: &str) -> u8 {
        eprintln!(
            "amt: {e}; nothing was written, `{}` is unchanged",
            self.args.out.display()
        );
        if self.write_failed.load(std::sync::atomic::Ordering::Relaxed) {
            USAGE_OR_IO
        } else {
            INPUT_ERRORS
        }
    }

    /// Puts the written build in place of the output.
    fn commit(self, procedures: usize, files: usize) -> u8 {
        match self.staging.commit() {
            Ok(()) => {
                if matches!(self.args.check.message_format, MessageFormat::Human) {
                    eprintln!(
                        "built {procedures} procedure{} into `{}` ({files} files)",
                        if procedures == 1 { "" } else { "s" },
                        self.args.out.display(),
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

/// `amt build`: each procedure is written as soon as it is checked (into the
/// staging folder, see [`write_build`]), so a build of thousands holds only
/// the procedures' headers; the output is replaced only if there is no
/// error anywhere.
fn build(args: &BuildArgs, settings: &amt::emit::Settings) -> u8 {
    let writing = match Writing::begin(args) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let sink = |file: amt::emit::OutputFile| writing.write(&file);
    let failure = |e: String| writing.failed(&e);
    let emitter = match amt::emit::Emitter::start(settings, &sink) {
        Ok(e) => e,
        Err(e) => return failure(e),
    };
    let deny = args.check.deny_warnings;
    let checked = check_each(&args.check, |p, own| {
        // A procedure with a problem of its own is not emitted; the build
        // fails anyway (and with any error elsewhere, nothing is kept).
        if own.iter().any(|d| deny || d.severity() == Severity::Error) {
            return None;
        }
        Some(
            emitter
                .procedure(&p)
                .map(|records| (amt::emit::header(p), records)),
        )
    });
    let (compiled, results) = match checked {
        Ok(c) => c,
        Err(code) => return code,
    };
    if compiled.failed(deny) {
        eprintln!(
            "amt: nothing was written; `{}` is unchanged",
            args.out.display()
        );
        return INPUT_ERRORS;
    }
    let mut done = Vec::with_capacity(results.len());
    for result in results.into_iter().flatten() {
        match result {
            Ok(d) => done.push(d),
            Err(e) => return failure(e),
        }
    }
    let n = done.len();
    let written = emitter.finish(
        done.iter_mut()
            .map(|(p, r)| (&*p, std::mem::take(r)))
            .collect(),
    );
    let records = match written {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    writing.commit(n, records.len())
}

/// Writes a build of `procedures` into `args.out`: every file into a
/// staging folder as it is made, which then replaces the output.
fn write_build(
    procedures: &[&amt::ir::Procedure],
    settings: &amt::emit::Settings,
    args: &BuildArgs,
) -> u8 {
    let writing = match Writing::begin(args) {
        Ok(w) => w,
        Err(code) => return code,
    };
    match amt::emit::build_into(procedures, settings, &|file| writing.write(&file)) {
        Ok(records) => writing.commit(procedures.len(), records.len()),
        Err(e) => writing.failed(&e),
    }
}

/// `amt build --watch`: the project stays in memory (`amt::Workspace`);
/// files are polled every 250 ms ([`poll::Poller`]); a change is checked
/// where it has effect, and the output is built again when there is no error.
fn watch(args: &BuildArgs, settings: &amt::emit::Settings, root: &std::path::Path) -> ExitCode {
    let mut poller = poll::Poller::new(root);
    let mut ws = match amt::Workspace::open(root) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("amt: cannot read the project: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let build = |ws: &amt::Workspace| {
        let started = std::time::Instant::now();
        if build_workspace(ws, settings, args).is_none() {
            eprintln!(
                "amt: nothing was written; `{}` is unchanged",
                args.out.display()
            );
        }
        eprintln!("({} ms)", started.elapsed().as_millis());
    };
    build(&ws);
    eprintln!("watching `{}` for changes (Ctrl-C to stop)", root.display());
    loop {
        std::thread::sleep(poll::INTERVAL);
        let changed = poller.changes(&mut ws);
        if changed.is_empty() {
            continue;
        }
        eprintln!("\nchanged: {}", changed.join(", "));
        build(&ws);
    }
}

/// Reports a workspace's diagnostics and, when there is no error, writes
/// its build into `args.out` as `build` does (`write_build`'s exit code);
/// `None` when there is an error (nothing is written).
fn build_workspace(
    ws: &amt::Workspace,
    settings: &amt::emit::Settings,
    args: &BuildArgs,
) -> Option<u8> {
    let compiled = amt::Compiled {
        procedures: Vec::new(),
        diagnostics: ws.diagnostics(),
    };
    report(ws.sources(), &compiled, &args.check);
    if compiled.failed(args.check.deny_warnings) {
        return None;
    }
    let procedures: Vec<&amt::ir::Procedure> = ws.procedures().collect();
    Some(write_build(&procedures, settings, args))
}

fn main() -> ExitCode {
    // The work runs on a thread with a large stack (reserved address space,
    // not memory): models and expressions are walked recursively, up to the
    // depth the parser allows, in a debug build as well.
    let worker = std::thread::Builder::new()
        .stack_size(amt::STACK)
        .spawn(run);
    match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        Err(_) => run(),
    }
}

/// The build settings of a project: its `amt.json`, then `--schema-base`
/// and `--templates`; a problem is reported and its exit code returned.
fn build_settings(
    root: &std::path::Path,
    schema_base: Option<&str>,
    templates: Option<&std::path::Path>,
) -> Result<amt::emit::Settings, u8> {
    let mut settings = amt::project_settings(root).map_err(|e| {
        eprintln!("amt: {e}");
        USAGE_OR_IO
    })?;
    if let Some(base) = schema_base {
        settings.schema_base = base.to_string();
    }
    if let Some(dir) = templates {
        if !dir.is_dir() {
            eprintln!(
                "amt: the templates folder `{}` does not exist",
                dir.display()
            );
            return Err(USAGE_OR_IO);
        }
        settings.templates = Some(dir.to_path_buf());
    }
    let base = &settings.schema_base;
    if !(base.starts_with("https://") || base.starts_with("http://") || base.starts_with("urn:")) {
        eprintln!("amt: the schema base must be an absolute URI (https://…), not `{base}`");
        return Err(USAGE_OR_IO);
    }
    Ok(settings)
}

fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => {
            // Procedure by procedure: a check of thousands holds none of
            // their checked models longer than it takes to look at them.
            let validator_only = args.validator_only;
            match check_each(&args, |p, _| validator_only.then(|| gaps_text(&p))) {
                Ok((compiled, gaps)) => {
                    print!("{}", gaps.into_iter().flatten().collect::<String>());
                    if compiled.failed(args.deny_warnings) {
                        INPUT_ERRORS
                    } else {
                        OK
                    }
                }
                Err(code) => code,
            }
        }
        Command::Build(args) => {
            let root = amt::project_root(&args.check.path);
            let settings = match build_settings(
                &root,
                args.schema_base.as_deref(),
                args.templates.as_deref(),
            ) {
                Ok(s) => s,
                Err(code) => return ExitCode::from(code),
            };
            if let Err(e) = amt::output::check_target(&args.out, &root) {
                eprintln!("amt: {e}");
                return ExitCode::from(USAGE_OR_IO);
            }
            if args.watch {
                return watch(&args, &settings, &root);
            }
            build(&args, &settings)
        }
        Command::Serve(args) => serve::run(&args),
        Command::Validate(args) => validate(&args).unwrap_or_else(|code| code),
        Command::Test(args) => test(&args).unwrap_or_else(|code| code),
        Command::Fmt(args) => fmt(&args),
        Command::Lsp => match amt::lsp::run() {
            Ok(()) => OK,
            Err(e) => {
                eprintln!("amt lsp: {e}");
                USAGE_OR_IO
            }
        },
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

/// `amt fmt`: formats files in place (each written whole, by a rename), or
/// with `--check` lists those that would change. A file that does not parse
/// is left as it is and its syntax errors are reported.
fn fmt(args: &FmtArgs) -> u8 {
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            match amt::project_files(path) {
                Ok(found) => files.extend(found.into_iter().map(|(_, p)| p)),
                Err(e) => {
                    eprintln!("amt: {e}");
                    return USAGE_OR_IO;
                }
            }
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            eprintln!("amt: `{}` does not exist", path.display());
            return USAGE_OR_IO;
        }
    }
    let color = use_color(args.color);
    let mut sources = SourceMap::new();
    let (mut unformatted, mut broken, mut written) = (0usize, 0usize, 0usize);
    for path in &files {
        let name = path.display().to_string();
        let diagnostic = match amt::read_source(&mut sources, name.clone(), path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("amt: {e}");
                return USAGE_OR_IO;
            }
        };
        let id = sources.find(&name).expect("the file was just added");
        let text = &sources.get(id).text;
        let result = match diagnostic {
            Some(d) => Err(vec![d]),
            None => amt::syntax::format::format(id, text),
        };
        match result {
            Err(diagnostics) => {
                broken += 1;
                for d in &diagnostics {
                    eprint!("{}", diagnostic::render_human(&sources, d, color));
                }
            }
            Ok(formatted) if formatted.as_bytes() == std::fs::read(path).unwrap_or_default() => {}
            Ok(_) if args.check => {
                unformatted += 1;
                println!("{name}");
            }
            Ok(formatted) => {
                if let Err(e) = replace_file(path, formatted.as_bytes()) {
                    eprintln!("amt: cannot write `{name}`: {e}");
                    return USAGE_OR_IO;
                }
                written += 1;
            }
        }
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if args.check && unformatted > 0 {
        eprintln!(
            "amt fmt: {unformatted} of {} file{} not formatted; `amt fmt` formats them",
            files.len(),
            plural(files.len())
        );
    } else if written > 0 {
        eprintln!("amt fmt: formatted {written} file{}", plural(written));
    }
    if broken > 0 {
        eprintln!(
            "amt fmt: {broken} file{} with syntax errors left as they are",
            plural(broken)
        );
    }
    if broken > 0 || unformatted > 0 {
        INPUT_ERRORS
    } else {
        OK
    }
}

/// Replaces a file's content at once: a reader sees the old or the new text,
/// never a part.
fn replace_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = path.with_file_name(format!(".{name}.amt-fmt"));
    std::fs::write(&temp, bytes)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&temp, meta.permissions());
    }
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// Today's date in Germany, where the procedures' deadlines run.
fn today_germany() -> amt::ir::date::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    amt::ir::date::Date::in_germany(i64::try_from(secs).unwrap_or(0))
}

/// Loads the procedure to validate against: from a built model, or by
/// compiling the sources (whose diagnostics are reported).
fn load_procedure(args: &ValidateArgs) -> Result<amt::ir::Procedure, u8> {
    let path = &args.procedure;
    if path.extension().is_some_and(|e| e == "json") {
        let text = std::fs::read_to_string(path).map_err(|e| {
            eprintln!("amt: cannot read `{}`: {e}", path.display());
            USAGE_OR_IO
        })?;
        return amt::ir::Procedure::from_json(&text).map_err(|e| {
            eprintln!(
                "amt: `{}` is not a procedure model (procedure.json): {e}",
                path.display()
            );
            USAGE_OR_IO
        });
    }
    let check = CheckArgs {
        path: path.clone(),
        message_format: MessageFormat::Human,
        deny_warnings: false,
        color: ColorChoice::Auto,
        validator_only: false,
    };
    let (sources, compiled) = run_check(&check)?;
    if compiled.failed(false) {
        eprintln!("amt: the procedure has errors; fix them first");
        return Err(INPUT_ERRORS);
    }
    let root = amt::project_root(path);
    let file = path
        .is_file()
        .then(|| path.strip_prefix(&root).ok())
        .flatten()
        .map(|p| p.to_string_lossy().replace('\\', "/"));
    let _ = sources;
    let mut candidates: Vec<amt::ir::Procedure> = compiled
        .procedures
        .into_iter()
        .filter(|p| args.id.as_ref().is_none_or(|id| *id == p.id))
        .filter(|p| args.id.is_some() || file.as_ref().is_none_or(|f| *f == p.source))
        .collect();
    match candidates.len() {
        1 => Ok(candidates.remove(0)),
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

fn validate(args: &ValidateArgs) -> Result<u8, u8> {
    let today = match &args.today {
        Some(t) => amt::ir::date::Date::parse(t).ok_or_else(|| {
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
    let data: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        eprintln!("amt: `{}` is not JSON: {e}", args.submission.display());
        USAGE_OR_IO
    })?;
    let procedure = load_procedure(args)?;
    let model = amt::validate::Model::new(&procedure);
    let options = amt::validate::Options {
        today,
        lang: args.lang.clone(),
    };
    let report = model.validate(&data, &options);
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
                    amt::validate::Severity::Error => "error",
                    amt::validate::Severity::Warning => "warning",
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
                let _ = writeln!(out, "computed: {path} = {value}");
            }
            let errors = report
                .problems
                .iter()
                .filter(|p| p.severity == amt::validate::Severity::Error)
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

fn test(args: &TestArgs) -> Result<u8, u8> {
    let check = CheckArgs {
        path: args.path.clone(),
        message_format: MessageFormat::Human,
        deny_warnings: false,
        color: ColorChoice::Auto,
        validator_only: false,
    };
    let (_, compiled) = run_check(&check)?;
    if compiled.failed(false) {
        eprintln!("amt: the project has errors; no example was run");
        return Err(INPUT_ERRORS);
    }
    let mut outcomes = amt::examples::run(&compiled.procedures, today_germany());
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
    let passed = outcomes.len() - failed.len();
    let _ = writeln!(
        out,
        "\ntest result: {}. {passed} passed, {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len()
    );
    Ok(if failed.is_empty() { OK } else { INPUT_ERRORS })
}

/// Lists, per procedure, what only amt's validator enforces.
/// What `check --validator-only` says of one procedure.
fn gaps_text(p: &amt::ir::Procedure) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let gaps = amt::emit::schema::build(p, amt::emit::schema::DEFAULT_BASE).gaps;
    if gaps.is_empty() {
        let _ = writeln!(
            out,
            "{} ({}): the JSON Schema expresses every check",
            p.id, p.source
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{} ({}): {} check{} enforced by amt's validator only, not by the JSON Schema:",
        p.id,
        p.source,
        gaps.len(),
        if gaps.len() == 1 { "" } else { "s" }
    );
    for g in &gaps {
        let expression = g
            .expression
            .as_ref()
            .map(|e| format!(" `{e}`"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {} ({}){expression}: {}",
            g.path, g.check, g.severity, g.reason
        );
    }
    out
}
