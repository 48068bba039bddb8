//! `amt xbau`: the Bauantrag Bayern as XBau 2.6 messages, the application
//! (`baugenehmigung.antrag.0200`) and the decision
//! (`baugenehmigung.bescheid.0205`), for one case.

use super::render::{Loaded, case_date, load, write_atomic};
use super::{INPUT_ERRORS, OK, USAGE_OR_IO};
use amt_compiler::emit::xbau::{self, Behoerde, Header, Rechtsbereich};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum Message {
    /// `baugenehmigung.antrag.0200`: the application.
    Antrag,
    /// `baugenehmigung.bescheid.0205`: the decision (with `--document`).
    Bescheid,
}

#[derive(Args)]
pub struct XbauArgs {
    /// Which message.
    #[arg(value_enum)]
    pub message: Message,
    /// The case (JSON), as `amt render` reads it.
    pub case: PathBuf,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// For `bescheid`: the document, `baugenehmigung` or `ablehnungsbescheid`.
    #[arg(long)]
    pub document: Option<String>,
    /// The sending office: its DVDV id and name, `psw:01003110=Name`.
    #[arg(long, value_name = "KENNUNG=NAME")]
    pub autor: String,
    /// The receiving office: `KENNUNG=NAME`, or `KENNUNG` to name the
    /// responsible authority of the case's municipality.
    #[arg(long, value_name = "KENNUNG[=NAME]")]
    pub leser: String,
    /// For `bescheid` with Nebenbestimmungen: the Rechtsbereich as
    /// `LIST-URI,VERSION,CODE` (XBau leaves the list to the Länder).
    #[arg(long, value_name = "LIST,VERSION,CODE")]
    pub rechtsbereich: Option<String>,
    /// When the message is made (`xs:dateTime`); default: `SOURCE_DATE_EPOCH`'s time.
    #[arg(long)]
    pub created: Option<String>,
    /// The version of the DVDV code list the header names.
    #[arg(long, default_value = "3")]
    pub verzeichnisdienst_version: String,
    /// The municipality (its Regionalschlüssel); else the case's.
    #[arg(long)]
    pub municipality: Option<String>,
    /// Where to write the message (default: stdout).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: &XbauArgs) -> u8 {
    match go(args) {
        Ok(()) => OK,
        Err(code) => code,
    }
}

fn office(arg: &str, default_name: Option<&str>, what: &str) -> Result<Behoerde, u8> {
    let (kennung, name) = match arg.split_once('=') {
        Some((k, n)) => (k, Some(n)),
        None => (arg, default_name),
    };
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        eprintln!("amt: --{what} is `KENNUNG=NAME`, e.g. `psw:01003110=Landeshauptstadt München`");
        return Err(USAGE_OR_IO);
    };
    if kennung.is_empty() {
        eprintln!("amt: --{what} names no DVDV id");
        return Err(USAGE_OR_IO);
    }
    Ok(Behoerde {
        kennung: kennung.to_string(),
        name: name.to_string(),
    })
}

fn go(args: &XbauArgs) -> Result<(), u8> {
    let Loaded {
        instance,
        case,
        authority,
    } = load(
        &args.project,
        xbau::PROCEDURE,
        &args.case,
        args.municipality.as_deref(),
    )?;
    let authority_name = authority.as_ref().map(|a| {
        a.name
            .pick(instance.source_language(), "de")
            .unwrap_or_default()
            .to_string()
    });
    // A message is dated by its sender, never by the clock.
    let created = match (&args.created, super::build::source_date_epoch()?) {
        (Some(c), _) => c.clone(),
        (None, Some(seconds)) => amt_compiler::emit::Settings::made_at(seconds),
        (None, None) => {
            eprintln!(
                "amt: name the time of the message with --created (e.g. 2026-04-14T10:00:00Z) or SOURCE_DATE_EPOCH"
            );
            return Err(USAGE_OR_IO);
        }
    };
    let header = Header {
        autor: office(&args.autor, None, "autor")?,
        leser: office(&args.leser, authority_name.as_deref(), "leser")?,
        created,
        verzeichnisdienst_version: args.verzeichnisdienst_version.clone(),
    };
    let xml = match args.message {
        Message::Antrag => xbau::antrag(&instance, &case.data, &header),
        Message::Bescheid => {
            let Some(document) = &args.document else {
                eprintln!("amt: name the decision with --document (`baugenehmigung` or `ablehnungsbescheid`)");
                return Err(USAGE_OR_IO);
            };
            let rechtsbereich = match &args.rechtsbereich {
                Some(r) => {
                    let parts: Vec<&str> = r.splitn(3, ',').collect();
                    let [list, version, code] = parts.as_slice() else {
                        eprintln!("amt: --rechtsbereich is `LIST-URI,VERSION,CODE`");
                        return Err(USAGE_OR_IO);
                    };
                    Some(Rechtsbereich {
                        list: list.to_string(),
                        version: version.to_string(),
                        code: code.to_string(),
                    })
                }
                None => None,
            };
            xbau::bescheid(
                &instance,
                document,
                &case,
                authority.as_ref(),
                rechtsbereich.as_ref(),
                &header,
                case_date(&case)?,
            )
        }
    }
    .map_err(|e| {
        eprintln!("amt: cannot write the XBau message: {e}");
        INPUT_ERRORS
    })?;
    match &args.out {
        Some(path) => write_atomic(path, xml.as_bytes()),
        None => {
            print!("{xml}");
            Ok(())
        }
    }
}
