//! `amt fmt`: source files laid out in the one canonical way.

use super::{ColorChoice, INPUT_ERRORS, OK, USAGE_OR_IO, use_color};
use amt_compiler::diagnostic;
use amt_compiler::source::SourceMap;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct FmtArgs {
    /// Files or folders (every `.amt` file under a folder, hidden ones skipped).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted and exit 1 if
    /// there are any (for CI).
    #[arg(long)]
    pub check: bool,
    /// When to use colours in diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `amt fmt`: formats files in place (each written whole, by a rename), or
/// with `--check` lists those that would change. A file that does not parse
/// is left as it is and its syntax errors are reported.
pub fn run(args: &FmtArgs) -> u8 {
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            match amt_compiler::project_files(path) {
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
        let diagnostic = match amt_compiler::read_source(&mut sources, name.clone(), path) {
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
            None => amt_compiler::syntax::format::format(id, text),
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
pub(super) fn replace_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
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
