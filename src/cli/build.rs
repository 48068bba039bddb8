//! `amt build`: a project's outputs, written whole or not at all, once or
//! (`--watch`) on every change.

use super::{CheckArgs, INPUT_ERRORS, MessageFormat, OK, USAGE_OR_IO, check, report};
use crate::incremental;
use amt_compiler::diagnostic::Severity;
use amt_compiler::emit::EmitError;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    /// The output folder; it is replaced as a whole, atomically.
    #[arg(long, short)]
    pub out: PathBuf,
    /// The base URI of the schemas' `$id`s: `<base><procedure>/<version>/schema.json`
    /// (overrides `schema_base` in the project's amt.json).
    #[arg(long)]
    pub schema_base: Option<String>,
    /// A folder with templates (procedure.html, macros.html, index.html) and
    /// amt.css that replace the shipped ones.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Keep running: on every change to the project's files, check again
    /// what the change affects, print the diagnostics, and build again when
    /// there is no error. Stop with Ctrl-C.
    #[arg(long)]
    pub watch: bool,
    /// Check and generate every procedure again, instead of keeping the
    /// files of those whose sources did not change since the previous
    /// build of the output folder.
    #[arg(long)]
    pub fresh: bool,
}

/// Runs `amt build`.
pub fn run(args: &BuildArgs) -> ExitCode {
    let root = amt_compiler::project_root(&args.check.path);
    let settings = match build_settings(
        &root,
        args.schema_base.as_deref(),
        args.templates.as_deref(),
    ) {
        Ok(s) => s,
        Err(code) => return ExitCode::from(code),
    };
    if let Err(e) = crate::output::check_target(&args.out, &root) {
        eprintln!("amt: {e}");
        return ExitCode::from(USAGE_OR_IO);
    }
    if args.watch {
        return watch(args, &settings, &root);
    }
    ExitCode::from(build(args, &settings, &root))
}

/// A build being written into the staging folder beside `args.out`, which
/// replaces the output only when every file is written.
pub(super) struct Writing<'a> {
    staging: crate::output::Staging,
    /// A write failed: the file system's problem (exit 2), not the input's.
    write_failed: std::sync::atomic::AtomicBool,
    args: &'a BuildArgs,
}

impl<'a> Writing<'a> {
    /// Starts a build that replaces the output whole, or (`in_place`, an
    /// incremental rebuild) one that changes only what it makes again.
    pub(super) fn begin(args: &'a BuildArgs, in_place: bool) -> Result<Writing<'a>, u8> {
        let staging = if in_place {
            crate::output::Staging::begin_update(&args.out)
        } else {
            crate::output::Staging::begin(&args.out)
        };
        match staging {
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

    pub(super) fn write(&self, file: &amt_compiler::emit::OutputFile) -> Result<(), String> {
        let written = self.staging.write(file);
        self.written(written)
    }

    /// Puts a file of the previous output into a folder made again in part.
    pub(super) fn carry(&self, path: &str) -> Result<(), String> {
        let carried = self.staging.carry(path);
        self.written(carried)
    }

    /// Gives a file written by this build a second name.
    pub(super) fn link(&self, path: &str, target: &str) -> Result<(), String> {
        let linked = self.staging.link(path, target);
        self.written(linked)
    }

    /// Keeps a file of the previous output (an unchanged procedure's).
    pub(super) fn keep(&self, path: &str) -> Result<(), String> {
        let kept = self.staging.keep(path);
        self.written(kept)
    }

    fn written(&self, result: Result<(), crate::output::OutputError>) -> Result<(), String> {
        result.map_err(|e| {
            self.write_failed
                .store(true, std::sync::atomic::Ordering::Relaxed);
            e.to_string()
        })
    }

    /// Reports why nothing was written, with its code where it has one;
    /// the exit code says whose fault.
    pub(super) fn failed(&self, e: &EmitError) -> u8 {
        let head = match e.code() {
            Some(code) => format!("error[{}]", code.as_str()),
            None => "amt".to_string(),
        };
        eprintln!("{head}: {e}");
        eprintln!(
            "amt: nothing was written; `{}` is unchanged",
            self.args.out.display()
        );
        if e.is_io() || self.write_failed.load(std::sync::atomic::Ordering::Relaxed) {
            USAGE_OR_IO
        } else {
            INPUT_ERRORS
        }
    }

    /// Puts the written build in place of the output.
    pub(super) fn commit(self) -> Result<(), u8> {
        self.staging.commit().map_err(|e| {
            eprintln!("amt: {e}");
            USAGE_OR_IO
        })
    }
}

/// Says what a build wrote; `kept` of the `procedures` were unchanged and
/// their files kept.
pub(super) fn summary(args: &BuildArgs, procedures: usize, kept: usize, files: usize) -> u8 {
    if matches!(args.check.message_format, MessageFormat::Human) {
        let unchanged = match kept {
            0 => String::new(),
            n => format!("; {n} kept unchanged from the previous build"),
        };
        eprintln!(
            "built {procedures} procedure{} into `{}` ({files} files{unchanged})",
            if procedures == 1 { "" } else { "s" },
            args.out.display(),
        );
    }
    OK
}

/// `amt build`: each procedure is written as soon as it is checked (into the
/// staging folder, see [`write_build`]), so a build of thousands holds only
/// the procedures' headers; the output is replaced only if there is no
/// error anywhere. Source files unchanged since the previous build of the
/// output are not checked again and their procedures' files are kept
/// ([`crate::incremental`]).
fn build(args: &BuildArgs, settings: &amt_compiler::emit::Settings, root: &Path) -> u8 {
    let (sources, load) = match check::load(&args.check) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if amt_compiler::municipal::declared(&sources) {
        return super::municipal::build(args, settings, &sources, load);
    }
    // Without a key (amt's own executable unreadable), nothing is kept and
    // nothing remembered.
    let key = incremental::key(settings, root).ok();
    let previous = match &key {
        Some(key) if !args.fresh => incremental::Cache::read(&args.out, key),
        _ => None,
    };
    let writing = match Writing::begin(args, previous.is_some()) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let sink = |file: amt_compiler::emit::OutputFile| writing.write(&file);
    let failure = |e: EmitError| writing.failed(&e);
    let emitter = match amt_compiler::emit::Emitter::start(settings, &sink) {
        Ok(e) => e,
        Err(e) => return failure(e),
    };
    let plan = incremental::Plan::new(previous, &sources, &load, &args.out);
    let deny = args.check.deny_warnings;
    let checked = amt_compiler::compile_except(
        &sources,
        |file| plan.keeps(file),
        plan.known_names(),
        |p, own| {
            let clean = own.is_empty();
            // A procedure with a problem of its own is not emitted; the
            // build fails anyway (and with any error elsewhere, nothing is
            // kept).
            if own.iter().any(|d| deny || d.severity() == Severity::Error) {
                return (clean, None);
            }
            let emitted = emitter
                .procedure(&p)
                .map(|records| (amt_compiler::emit::header(p), records));
            (clean, Some(emitted))
        },
    );
    let compiled = check::reported(&sources, load, checked.diagnostics, &args.check, None);
    if compiled.failed(deny) {
        eprintln!(
            "amt: nothing was written; `{}` is unchanged",
            args.out.display()
        );
        return INPUT_ERRORS;
    }
    let mut built = Vec::with_capacity(checked.results.len());
    for (clean, result) in checked.results {
        match result {
            Some(Ok((p, records))) => built.push((p, records, clean)),
            Some(Err(e)) => return failure(e),
            None => {}
        }
    }
    let kept = plan.kept_procedures();
    let linked = amt_compiler::par::map(&kept, |(_, files)| {
        files
            .iter()
            .try_for_each(|(record, _)| writing.keep(&record.path))
    });
    if let Some(Err(e)) = linked.into_iter().find(Result::is_err) {
        return failure(EmitError::Write(e));
    }
    let mut done: Vec<(&amt_compiler::ir::Procedure, Vec<_>)> = kept
        .iter()
        .map(|(p, files)| (*p, files.iter().map(|(r, _)| r.clone()).collect()))
        .collect();
    done.extend(built.iter().map(|(p, records, _)| (p, records.clone())));
    let procedures = done.len();
    let kept_count = kept.len();
    drop(kept);
    let files = match emitter.finish(done) {
        Ok(records) => records.len(),
        Err(e) => return failure(e),
    };
    if let Err(code) = writing.commit() {
        return code;
    }
    // The output is complete; the cache records it as it now is on disk.
    if let Some(key) = key {
        let out = &args.out;
        let remembered = plan
            .next(
                key,
                &sources,
                &checked.files,
                &compiled.diagnostics,
                built,
                out,
            )
            .and_then(|cache| {
                crate::output::write_whole(out, incremental::FILE, &cache.to_bytes())
            });
        if let Err(e) = remembered {
            let _ = std::fs::remove_file(out.join(incremental::FILE));
            eprintln!(
                "amt: warning: the build cache `{}` could not be written ({e}); the next build builds everything",
                out.join(incremental::FILE).display()
            );
        }
    }
    summary(args, procedures, kept_count, files)
}

/// Writes a build of `procedures` into `args.out`: every file into a
/// staging folder as it is made, which then replaces the output.
fn write_build(
    procedures: &[&amt_compiler::ir::Procedure],
    settings: &amt_compiler::emit::Settings,
    args: &BuildArgs,
) -> u8 {
    let writing = match Writing::begin(args, false) {
        Ok(w) => w,
        Err(code) => return code,
    };
    match amt_compiler::emit::build_into(procedures, settings, &|file| writing.write(&file)) {
        Ok(records) => match writing.commit() {
            Ok(()) => summary(args, procedures.len(), 0, records.len()),
            Err(code) => code,
        },
        Err(e) => writing.failed(&e),
    }
}

/// `amt build --watch`: the project stays in memory (`amt_compiler::Workspace`);
/// files are polled every 250 ms ([`crate::poll::Poller`]); a change is checked
/// where it has effect, and the output is built again when there is no error.
/// A project with municipalities is built again only where a change has
/// effect (see `super::municipal`). The time printed runs from the change
/// found to the output written.
fn watch(
    args: &BuildArgs,
    settings: &amt_compiler::emit::Settings,
    root: &std::path::Path,
) -> ExitCode {
    let mut poller = crate::poll::Poller::new(root);
    let started = std::time::Instant::now();
    let mut ws = match amt_compiler::Workspace::open(root) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("amt: cannot read the project: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let mut built = None;
    let mut build =
        |ws: &amt_compiler::Workspace, started: std::time::Instant, changed: &[String]| {
            match build_workspace_again(ws, settings, args, built.as_ref(), changed) {
                Ok(b) => built = b,
                Err(()) => eprintln!(
                    "amt: nothing was written; `{}` is unchanged",
                    args.out.display()
                ),
            }
            eprintln!("({} ms)", started.elapsed().as_millis());
        };
    build(&ws, started, &[]);
    eprintln!("watching `{}` for changes (Ctrl-C to stop)", root.display());
    loop {
        std::thread::sleep(crate::poll::INTERVAL);
        let started = std::time::Instant::now();
        let changed = poller.changes(&mut ws);
        if changed.is_empty() {
            continue;
        }
        eprintln!("\nchanged: {}", changed.join(", "));
        build(&ws, started, &changed);
    }
}

/// A workspace's build for watch mode: reported, then written when there is
/// no error, only what changed since the `previous` build where the project
/// has municipalities. `Err` when nothing was written.
fn build_workspace_again(
    ws: &amt_compiler::Workspace,
    settings: &amt_compiler::emit::Settings,
    args: &BuildArgs,
    previous: Option<&super::municipal::Built>,
    changed: &[String],
) -> Result<Option<super::municipal::Built>, ()> {
    if ws.municipalities().is_empty() {
        return match build_workspace(ws, settings, args) {
            Some(OK) => Ok(None),
            _ => Err(()),
        };
    }
    if !reported_clean(ws, args) {
        return Err(());
    }
    let procedures: Vec<&amt_compiler::ir::Procedure> = ws.procedures().collect();
    // The municipalities declared in the changed files (a municipality
    // taken out of one leaves its old units to the comparison with the
    // previous build).
    let registry = &ws.municipalities().registry;
    let dirty: std::collections::BTreeSet<String> = registry
        .municipalities
        .values()
        .filter(|m| changed.contains(&m.source))
        .map(|m| m.ars.clone())
        .collect();
    super::municipal::write(
        args,
        settings,
        &procedures,
        registry,
        previous,
        Some(&dirty),
    )
    .map(Some)
    .map_err(|_| ())
}

/// Reports a workspace's diagnostics; whether there is no error (or, with
/// `--deny-warnings`, no diagnostic).
fn reported_clean(ws: &amt_compiler::Workspace, args: &BuildArgs) -> bool {
    let compiled = amt_compiler::Compiled {
        procedures: Vec::new(),
        diagnostics: ws.diagnostics(),
        municipalities: Default::default(),
    };
    report(ws.sources(), &compiled, &args.check, None);
    !compiled.failed(args.check.deny_warnings)
}

/// Reports a workspace's diagnostics and, when there is no error, writes
/// its build into `args.out` as `build` does (`write_build`'s exit code);
/// `None` when there is an error (nothing is written).
pub fn build_workspace(
    ws: &amt_compiler::Workspace,
    settings: &amt_compiler::emit::Settings,
    args: &BuildArgs,
) -> Option<u8> {
    if !reported_clean(ws, args) {
        return None;
    }
    let procedures: Vec<&amt_compiler::ir::Procedure> = ws.procedures().collect();
    if !ws.municipalities().is_empty() {
        let written = super::municipal::write(
            args,
            settings,
            &procedures,
            &ws.municipalities().registry,
            None,
            None,
        );
        return Some(written.map_or_else(|code| code, |_| OK));
    }
    Some(write_build(&procedures, settings, args))
}

/// The time `SOURCE_DATE_EPOCH` names (seconds since 1970), the convention
/// of reproducible builds, if it is set; a value that is no number is
/// reported and its exit code returned.
pub fn source_date_epoch() -> Result<Option<i64>, u8> {
    let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    epoch.trim().parse().map(Some).map_err(|_| {
        eprintln!("amt: SOURCE_DATE_EPOCH must be a number of seconds, not `{epoch}`");
        USAGE_OR_IO
    })
}

/// The build settings of a project: its `amt.json`, then `--schema-base`
/// and `--templates`; a problem is reported and its exit code returned.
pub fn build_settings(
    root: &std::path::Path,
    schema_base: Option<&str>,
    templates: Option<&std::path::Path>,
) -> Result<amt_compiler::emit::Settings, u8> {
    let mut settings = amt_compiler::project_settings(root).map_err(|e| {
        eprintln!("amt: {e}");
        USAGE_OR_IO
    })?;
    if let Some(base) = schema_base {
        settings.schema_base = base.to_string();
    }
    // Reproducible builds name the time a build stands for so; amt never
    // writes the clock's.
    if let Some(seconds) = source_date_epoch()? {
        settings.made = amt_compiler::emit::Settings::made_at(seconds);
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
