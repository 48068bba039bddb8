//! `amt fitconnect`: the FIT-Connect submission metadata of a submission,
//! or of every example, for a portal's sender.

use super::check::run_check;
use super::{CheckArgs, INPUT_ERRORS, OK, USAGE_OR_IO};
use amt_compiler::emit::fitconnect::{self, File, Reply};
use amt_compiler::ir;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct FitconnectArgs {
    /// The project folder (or a file in it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The submission (JSON) to describe, byte for byte as it is sent.
    #[arg(long, conflicts_with = "examples")]
    pub submission: Option<PathBuf>,
    /// A file the submission names: `ID=PATH`, ID being its file object's `id`.
    #[arg(long = "file", value_name = "ID=PATH")]
    pub files: Vec<String>,
    /// Which procedure, when the project holds several.
    #[arg(long)]
    pub id: Option<String>,
    /// The municipality (its Regionalschlüssel) whose procedure it is.
    #[arg(long)]
    pub municipality: Option<String>,
    /// The reply channel: `email:ADDRESS`, `de_mail:ADDRESS`, `fink:POSTFACH`
    /// or `elster:ACCOUNT` (default: the submission's e-mail address, where
    /// the responsible authority replies by e-mail).
    #[arg(long)]
    pub reply: Option<String>,
    /// Write the data, files and metadata of every example into this folder.
    #[arg(long, value_name = "DIR")]
    pub examples: Option<PathBuf>,
    /// The base URI of schema ids (as `amt build --schema-base`).
    #[arg(long)]
    pub schema_base: Option<String>,
}

pub fn run(args: &FitconnectArgs) -> u8 {
    match go(args) {
        Ok(()) => OK,
        Err(code) => code,
    }
}

fn go(args: &FitconnectArgs) -> Result<(), u8> {
    let (_, compiled) = run_check(&CheckArgs::of(args.path.clone()))?;
    if compiled.failed(false) {
        eprintln!("amt: the project has errors; fix them first");
        return Err(INPUT_ERRORS);
    }
    let root = amt_compiler::project_root(&args.path);
    let settings = super::build::build_settings(&root, args.schema_base.as_deref(), None)?;
    let registry = &compiled.municipalities.registry;
    let reply = match &args.reply {
        Some(r) => Some(Reply::parse(r).ok_or_else(|| {
            eprintln!("amt: --reply is `email:…`, `de_mail:…`, `fink:…` or `elster:…`, not `{r}`");
            USAGE_OR_IO
        })?),
        None => None,
    };
    if let Some(dir) = &args.examples {
        return examples(&compiled, registry, &settings.schema_base, dir);
    }
    let Some(path) = &args.submission else {
        eprintln!("amt: name a submission with --submission FILE, or --examples DIR");
        return Err(USAGE_OR_IO);
    };
    let candidates: Vec<&ir::Procedure> = compiled
        .procedures
        .iter()
        .filter(|p| args.id.as_ref().is_none_or(|id| *id == p.id))
        .collect();
    let [p] = candidates.as_slice() else {
        eprintln!(
            "amt: name the procedure with --id (the project holds {})",
            candidates.len()
        );
        return Err(USAGE_OR_IO);
    };
    let p = amt_compiler::municipal::instance(p, registry, args.municipality.as_deref()).map_err(
        |e| {
            eprintln!("amt: {e}; name a municipality that offers it with --municipality");
            USAGE_OR_IO
        },
    )?;
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| {
            eprintln!("amt: cannot read `{}`: {e}", path.display());
            USAGE_OR_IO
        })
    };
    let data = read(path)?;
    let parsed: serde_json::Value = serde_json::from_slice(&data).map_err(|e| {
        eprintln!("amt: `{}` is not JSON: {e}", path.display());
        INPUT_ERRORS
    })?;
    let mut bytes = Vec::new();
    for f in &args.files {
        let Some((id, file)) = f.split_once('=') else {
            eprintln!("amt: --file is `ID=PATH`, not `{f}`");
            return Err(USAGE_OR_IO);
        };
        bytes.push((id.to_string(), read(Path::new(file))?));
    }
    let files: Vec<File> = bytes
        .iter()
        .map(|(id, b)| File {
            id: id.clone(),
            bytes: b,
        })
        .collect();
    let reply = reply.or_else(|| replied(registry, args.municipality.as_deref(), &p, &parsed));
    let uri = amt_compiler::emit::schema::schema_uri(&p, &settings.schema_base);
    let meta = fitconnect::metadata(&p, &uri, &data, &files, reply.as_ref()).map_err(|e| {
        eprintln!("amt: {e}; give each file with --file ID=PATH");
        INPUT_ERRORS
    })?;
    println!(
        "{}",
        serde_json::to_string_pretty(&meta).unwrap_or_default()
    );
    Ok(())
}

/// The reply channel the overlay provides: e-mail, where the responsible
/// authority replies so and the submission gives an address.
fn replied(
    registry: &ir::municipality::Registry,
    ars: Option<&str>,
    p: &ir::Procedure,
    data: &serde_json::Value,
) -> Option<Reply> {
    let r = registry.resolve(ars?, &p.id)?;
    if !r.authority.0.reply.iter().any(|c| c == "email") {
        return None;
    }
    fitconnect::email_of(p, data).map(Reply::Email)
}

/// Every example's data (as sent), its files (stand-ins of the size its
/// file objects give are not needed: a line naming the file) and its
/// metadata, in `DIR/<procedure>/<nn>-<example>/`.
fn examples(
    compiled: &amt_compiler::Compiled,
    registry: &ir::municipality::Registry,
    base: &str,
    dir: &Path,
) -> Result<(), u8> {
    let write = |path: &Path, bytes: &[u8]| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                eprintln!("amt: cannot create `{}`: {e}", parent.display());
                USAGE_OR_IO
            })?;
        }
        std::fs::write(path, bytes).map_err(|e| {
            eprintln!("amt: cannot write `{}`: {e}", path.display());
            USAGE_OR_IO
        })
    };
    let mut count = 0;
    for p in &compiled.procedures {
        for (i, ex) in p.examples.iter().enumerate() {
            let Ok(instance) =
                amt_compiler::municipal::instance(p, registry, ex.municipality.as_deref())
            else {
                continue;
            };
            let own = instance
                .examples
                .iter()
                .find(|e| e.name == ex.name)
                .unwrap_or(ex);
            let data = serde_json::to_vec(&own.data).unwrap_or_default();
            let folder = dir
                .join(&p.id)
                .join(format!("{i:02}-{}", super::slug(&ex.name)));
            let named = fitconnect::files(&instance, &own.data);
            let stand_ins: Vec<(String, Vec<u8>)> = named
                .iter()
                .map(|n| {
                    (
                        n.id.clone(),
                        format!("amt example file {} ({})\n", n.filename, n.id).into_bytes(),
                    )
                })
                .collect();
            for (n, (_, bytes)) in named.iter().zip(&stand_ins) {
                write(
                    &folder
                        .join("files")
                        .join(format!("{}-{}", n.id, n.filename)),
                    bytes,
                )?;
            }
            let files: Vec<File> = stand_ins
                .iter()
                .map(|(id, b)| File {
                    id: id.clone(),
                    bytes: b,
                })
                .collect();
            let reply = replied(registry, ex.municipality.as_deref(), &instance, &own.data);
            let uri = amt_compiler::emit::schema::schema_uri(&instance, base);
            let meta = fitconnect::metadata(&instance, &uri, &data, &files, reply.as_ref())
                .map_err(|e| {
                    eprintln!("amt: {} › {}: {e}", p.id, ex.name);
                    INPUT_ERRORS
                })?;
            write(&folder.join("data.json"), &data)?;
            let mut text = serde_json::to_vec_pretty(&meta).unwrap_or_default();
            text.push(b'\n');
            write(&folder.join("metadata.json"), &text)?;
            count += 1;
        }
    }
    eprintln!(
        "amt: FIT-Connect metadata of {count} examples written to `{}`",
        dir.display()
    );
    Ok(())
}
