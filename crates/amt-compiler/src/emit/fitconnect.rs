//! FIT-Connect submission metadata (schema 1.0.0,
//! `https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json`)
//! for a submission of a procedure: what a portal's sender puts beside the
//! encrypted data and attachments.
//!
//! - `contentStructure.data`: the SHA-512 of the submission's bytes as they
//!   are sent, and the schema they follow (the JSON Schema's `$id`,
//!   [`crate::emit::schema::schema_uri`]).
//! - `contentStructure.attachments`: each file the submission names (the
//!   file objects of its attachments), with the SHA-512 of its bytes, its
//!   media type, its name, the attachment's label, and an id in the form of
//!   a UUIDv4 made from the data's and the file's hash (the same submission
//!   gives the same metadata).
//! - `publicServiceType`: the LeiKa key as `urn:de:fim:leika:leistung:…`.
//! - `replyChannel`: the channel the sender names, or, where the responsible
//!   authority offers e-mail replies, the e-mail address the submission
//!   gives.

use crate::ir::{self, NodeKind};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha512};

/// The metadata schema these documents follow.
pub const METADATA_SCHEMA: &str =
    "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json";

/// One file of a submission: the file object's `id` in the data, and its
/// bytes.
#[derive(Debug, Clone)]
pub struct File<'a> {
    /// The `id` of its file object in the submission.
    pub id: String,
    /// Its bytes as they are sent.
    pub bytes: &'a [u8],
}

/// A reply channel as FIT-Connect names it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `eMail.address`
    Email(String),
    /// `deMail.address`
    DeMail(String),
    /// `fink.finkPostfachRef`
    Fink(String),
    /// `elster.accountId`
    Elster(String),
}

impl Reply {
    /// `email:ADDRESS`, `de_mail:ADDRESS`, `fink:POSTFACH`, `elster:ACCOUNT`.
    pub fn parse(s: &str) -> Option<Reply> {
        let (kind, value) = s.split_once(':')?;
        let value = value.to_string();
        match kind {
            "email" => Some(Reply::Email(value)),
            "de_mail" => Some(Reply::DeMail(value)),
            "fink" => Some(Reply::Fink(value)),
            "elster" => Some(Reply::Elster(value)),
            _ => None,
        }
    }

    fn json(&self) -> Json {
        match self {
            Reply::Email(a) => json!({"eMail": {"address": a}}),
            Reply::DeMail(a) => json!({"deMail": {"address": a}}),
            Reply::Fink(r) => json!({"fink": {"finkPostfachRef": r}}),
            Reply::Elster(a) => json!({"elster": {"accountId": a}}),
        }
    }
}

/// A file object a submission names: where, and what it says of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// Its `id`.
    pub id: String,
    /// Its `filename`.
    pub filename: String,
    /// Its `media_type`.
    pub media_type: String,
    /// The label of the attachment it answers.
    pub label: String,
    /// The name of the attachment it answers.
    pub attachment: String,
}

/// Every file object of `data`, in the order of the procedure's
/// attachments and of their items.
pub fn files(p: &ir::Procedure, data: &Json) -> Vec<Named> {
    let lang = p.source_language();
    let mut out = Vec::new();
    for n in p.all_nodes() {
        if !matches!(n.kind, NodeKind::Attachment { .. }) {
            continue;
        }
        let label = n
            .label
            .as_ref()
            .and_then(|l| l.pick(lang, lang))
            .unwrap_or(&n.id)
            .to_string();
        let segments: Vec<&str> = n.path.split('.').collect();
        let mut found = Vec::new();
        collect(data, &segments, &mut found);
        for f in found {
            let text = |k: &str| {
                f.get(k)
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            out.push(Named {
                id: text("id"),
                filename: text("filename"),
                media_type: text("media_type"),
                label: label.clone(),
                attachment: n.id.clone(),
            });
        }
    }
    out
}

/// The file objects at `path` below `at`, through the items of repeats.
fn collect<'d>(at: &'d Json, path: &[&str], out: &mut Vec<&'d Json>) {
    match at {
        Json::Array(items) => {
            for item in items {
                collect(item, path, out);
            }
        }
        Json::Object(map) => match path.split_first() {
            Some((first, rest)) => {
                if let Some(next) = map.get(*first) {
                    collect(next, rest, out);
                }
            }
            None => out.push(at),
        },
        _ => {}
    }
}

fn sha512(bytes: &[u8]) -> String {
    Sha512::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An id in the form of a UUIDv4 (version and variant bits set) made from
/// `seed`: the same submission gives the same ids.
pub(crate) fn uuid(seed: &str) -> String {
    let d = Sha512::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The first e-mail address a submission gives (a field of type `email`).
pub fn email_of(p: &ir::Procedure, data: &Json) -> Option<String> {
    p.all_nodes().find_map(|n| match &n.kind {
        NodeKind::Field {
            ty:
                ir::FieldType::Text {
                    format: Some(amt_model::formats::TextFormat::Email),
                    ..
                },
        } => {
            let segments: Vec<&str> = n.path.split('.').collect();
            let mut found = Vec::new();
            collect(data, &segments[..segments.len() - 1], &mut found);
            let last = segments.last()?;
            found
                .iter()
                .find_map(|o| o.get(*last).and_then(Json::as_str))
                .map(str::to_string)
        }
        _ => None,
    })
}

/// Why metadata could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The submission names a file whose bytes were not given.
    MissingFile(String),
    /// A file was given that the submission does not name.
    UnknownFile(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::MissingFile(id) => write!(
                f,
                "the submission names the file `{id}`, but its bytes were not given"
            ),
            Problem::UnknownFile(id) => {
                write!(f, "the file `{id}` is not one the submission names")
            }
        }
    }
}

/// The metadata of the submission `data` (its bytes as sent) of `p`,
/// whose schema is `schema_uri`, with its files' bytes.
pub fn metadata(
    p: &ir::Procedure,
    schema_uri: &str,
    data: &[u8],
    files_given: &[File],
    reply: Option<&Reply>,
) -> Result<Json, Problem> {
    let parsed: Json = serde_json::from_slice(data).unwrap_or(Json::Null);
    let data_hash = sha512(data);
    let named = files(p, &parsed);
    for f in files_given {
        if !named.iter().any(|n| n.id == f.id) {
            return Err(Problem::UnknownFile(f.id.clone()));
        }
    }
    let mut attachments = Vec::new();
    for (i, n) in named.iter().enumerate() {
        let Some(file) = files_given.iter().find(|f| f.id == n.id) else {
            return Err(Problem::MissingFile(n.id.clone()));
        };
        let hash = sha512(file.bytes);
        let mut a = json!({
            "hash": {"type": "sha512", "content": hash},
            "purpose": "attachment",
            "mimeType": if n.media_type.is_empty() { "application/octet-stream" } else { &n.media_type },
            "attachmentId": uuid(&format!("{data_hash}/{i}/{}/{hash}", n.id)),
        });
        if !n.filename.is_empty() {
            a["filename"] = json!(n.filename);
        }
        a["description"] = json!(n.label);
        attachments.push(a);
    }
    let mut out = json!({
        "contentStructure": {
            "data": {
                "hash": {"type": "sha512", "content": data_hash},
                "submissionSchema": {"schemaUri": schema_uri, "mimeType": "application/json"},
            },
            "attachments": attachments,
        }
    });
    if let Some(leika) = &p.leika {
        let lang = p.source_language();
        out["publicServiceType"] = json!({
            "identifier": format!("urn:de:fim:leika:leistung:{leika}"),
            "name": p.title.pick(lang, lang).unwrap_or(&p.id),
        });
    }
    if let Some(r) = reply {
        out["replyChannel"] = r.json();
    }
    Ok(out)
}
