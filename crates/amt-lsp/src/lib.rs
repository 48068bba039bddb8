//! `amt lsp`: a language server over stdio for editors.
//!
//! The project is kept in a [`Workspace`]: an edit parses the edited file
//! again and checks only what depends on it, and the diagnostics (the same
//! codes and messages as `amt check`) are published for the files whose
//! diagnostics changed. Names are answered from a per-file [`index`]
//! (hover, definition, references, rename, completion, outline), and
//! formatting is `amt fmt`'s.
//!
//! Edits that arrive while one is being checked are applied together: a
//! burst of keystrokes costs one check.

#![deny(missing_docs)]

mod complete;
pub mod index;
mod municipal;

use amt_compiler::Workspace;
use amt_compiler::diagnostic::{Diagnostic, Severity};
use amt_compiler::source::{FileId, SourceFile, Span};
use index::{DefKind, FileIndex, Target};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Runs the server on stdin/stdout until the editor says `exit`.
pub fn run() -> Result<(), Error> {
    let (connection, threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    threads.join()?;
    Ok(())
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".into(), ":".into(), "(".into()]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The protocol on any connection (the tests use an in-memory one).
pub fn serve(connection: &Connection) -> Result<(), Error> {
    let caps = serde_json::to_value(capabilities())?;
    let init = connection.initialize(caps)?;
    let params: lsp::InitializeParams = serde_json::from_value(init)?;
    #[allow(deprecated)]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri.clone())
        .and_then(|u| uri_to_path(&u))
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
    let mut server = Server::new(root);
    server.publish(connection)?;
    loop {
        let Ok(first) = connection.receiver.recv() else {
            return Ok(());
        };
        // Everything already waiting is handled with it: edits first, all
        // of them, then one check, then the requests.
        let mut batch = vec![first];
        while let Ok(more) = connection.receiver.try_recv() {
            batch.push(more);
        }
        let mut requests = Vec::new();
        let mut edited = false;
        for msg in batch {
            match msg {
                Message::Request(req) if req.method == "shutdown" => {
                    let reply = Response::new_ok(req.id, serde_json::Value::Null);
                    connection.sender.send(Message::Response(reply))?;
                }
                Message::Request(req) => requests.push(req),
                Message::Notification(n) => {
                    if n.method == "exit" {
                        return Ok(());
                    }
                    edited |= server.notification(n);
                }
                Message::Response(_) => {}
            }
        }
        if edited {
            server.apply();
            server.publish(connection)?;
        }
        for req in requests {
            let id = req.id.clone();
            let response = match server.request(req) {
                Ok(value) => Response::new_ok(id, value),
                Err((code, message)) => Response::new_err(id, code as i32, message),
            };
            connection.sender.send(Message::Response(response))?;
        }
    }
}

type Reply = Result<serde_json::Value, (ErrorCode, String)>;

struct Server {
    root: PathBuf,
    ws: Workspace,
    /// Edited texts not yet given to the workspace, by file name.
    pending: BTreeMap<String, Vec<u8>>,
    /// Each file's index, built when first asked for.
    indexes: Vec<Option<Arc<FileIndex>>>,
    /// What was last published for each file.
    published: HashMap<FileId, Vec<lsp::Diagnostic>>,
}

impl Server {
    fn new(root: PathBuf) -> Server {
        // An editor needs diagnostics and names, never the checked models:
        // they are not kept (a project of 10,000 procedures then fits in a
        // few hundred MB).
        let ws = match amt_compiler::load(&root) {
            Ok((sources, load)) => Workspace::with_models(sources, load, false),
            Err(_) => {
                Workspace::with_models(amt_compiler::source::SourceMap::new(), Vec::new(), false)
            }
        };
        Server {
            root,
            ws,
            pending: BTreeMap::new(),
            indexes: Vec::new(),
            published: HashMap::new(),
        }
    }

    /// Handles a notification; true if a file's text changed.
    fn notification(&mut self, n: Notification) -> bool {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params)
                else {
                    return false;
                };
                self.edit(&p.text_document.uri, p.text_document.text)
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                else {
                    return false;
                };
                // Full sync: the last change holds the whole text.
                match p.content_changes.into_iter().last() {
                    Some(change) => self.edit(&p.text_document.uri, change.text),
                    None => false,
                }
            }
            // Closed without saving, the file is what is on disk again.
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params)
                else {
                    return false;
                };
                self.reload(&p.text_document.uri)
            }
            // Files changed outside the editor (another program, git).
            "workspace/didChangeWatchedFiles" => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params)
                else {
                    return false;
                };
                let mut changed = false;
                for event in p.changes {
                    changed |= self.reload(&event.uri);
                }
                changed
            }
            _ => false,
        }
    }

    /// Takes a file's text from disk (empty if it is gone, as `--watch`
    /// does); true if it changed.
    fn reload(&mut self, uri: &lsp::Uri) -> bool {
        let Some(path) = uri_to_path(uri) else {
            return false;
        };
        if path.extension().is_none_or(|e| e != "amt") {
            return false;
        }
        self.edit(uri, std::fs::read(&path).unwrap_or_default())
    }

    fn edit(&mut self, uri: &lsp::Uri, text: impl Into<Vec<u8>>) -> bool {
        let text: Vec<u8> = text.into();
        let Some(name) = self.name_of(uri) else {
            return false;
        };
        let same = self
            .ws
            .sources()
            .find(&name)
            .is_some_and(|id| self.ws.sources().get(id).text.as_bytes() == text);
        if same && !self.pending.contains_key(&name) {
            return false;
        }
        self.pending.insert(name, text);
        true
    }

    /// Gives the pending edits to the workspace.
    fn apply(&mut self) {
        for (name, text) in std::mem::take(&mut self.pending) {
            let id = self.ws.sources().find(&name);
            self.ws.set_file(&name, text);
            let id = id.or_else(|| self.ws.sources().find(&name));
            if let Some(id) = id
                && let Some(slot) = self.indexes.get_mut(id.0 as usize)
            {
                *slot = None;
            }
        }
    }

    /// Publishes the diagnostics of every file whose diagnostics changed.
    fn publish(&mut self, connection: &Connection) -> Result<(), Error> {
        let mut now: HashMap<FileId, Vec<lsp::Diagnostic>> = HashMap::new();
        for d in self.ws.diagnostics() {
            if d.code == amt_compiler::diagnostic::Code::EmptyProject {
                continue;
            }
            let file = d.primary.span.file;
            let converted = self.diagnostic(&d);
            now.entry(file).or_default().push(converted);
        }
        let mut files: Vec<FileId> = now.keys().chain(self.published.keys()).copied().collect();
        files.sort();
        files.dedup();
        for file in files {
            let new = now.remove(&file).unwrap_or_default();
            if self.published.get(&file) == Some(&new) {
                continue;
            }
            let params = lsp::PublishDiagnosticsParams {
                uri: self.uri_of(file),
                diagnostics: new.clone(),
                version: None,
            };
            connection
                .sender
                .send(Message::Notification(Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    params,
                )))?;
            if new.is_empty() {
                self.published.remove(&file);
            } else {
                self.published.insert(file, new);
            }
        }
        Ok(())
    }

    fn diagnostic(&self, d: &Diagnostic) -> lsp::Diagnostic {
        let mut message = d.message.clone();
        if !d.primary.message.is_empty() {
            message.push_str(&format!(" ({})", d.primary.message));
        }
        for note in &d.notes {
            message.push_str(&format!("\nnote: {note}"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .secondary
            .iter()
            .map(|l| lsp::DiagnosticRelatedInformation {
                location: self.location(l.span),
                message: l.message.clone(),
            })
            .collect();
        lsp::Diagnostic {
            range: self.range(d.primary.span),
            severity: Some(match d.severity() {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            }),
            code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
            source: Some("amt".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        }
    }

    fn request(&mut self, req: Request) -> Reply {
        fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, (ErrorCode, String)> {
            serde_json::from_value(req.params)
                .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
        }
        let json = |v: Result<serde_json::Value, serde_json::Error>| {
            v.map_err(|e| (ErrorCode::InternalError, e.to_string()))
        };
        match req.method.as_str() {
            "textDocument/hover" => {
                let p: lsp::HoverParams = params(req)?;
                json(serde_json::to_value(
                    self.hover(&p.text_document_position_params),
                ))
            }
            "textDocument/definition" => {
                let p: lsp::GotoDefinitionParams = params(req)?;
                let at = &p.text_document_position_params;
                let found = match self.municipal_definition(at) {
                    Some(span) => Some(self.location(span)),
                    None => self.target_at(at).map(|t| self.def_location(t)),
                };
                json(serde_json::to_value(found))
            }
            "textDocument/references" => {
                let p: lsp::ReferenceParams = params(req)?;
                let found = self.target_at(&p.text_document_position).map(|t| {
                    self.uses(t, p.context.include_declaration)
                        .into_iter()
                        .map(|s| self.location(s))
                        .collect::<Vec<_>>()
                });
                json(serde_json::to_value(found))
            }
            "textDocument/rename" => {
                let p: lsp::RenameParams = params(req)?;
                let new = p.new_name.trim();
                if !amt_compiler::syntax::is_name(new) {
                    return Err((
                        ErrorCode::InvalidParams,
                        format!(
                            "`{new}` is not a name: letters a–z, digits and `_`, starting with a letter (no umlauts)"
                        ),
                    ));
                }
                let Some(target) = self.target_at(&p.text_document_position) else {
                    return Err((ErrorCode::InvalidParams, "there is no name here".into()));
                };
                // lsp-types' `WorkspaceEdit` wants this map; the URI's cached
                // parts are never changed while it is a key.
                #[allow(clippy::mutable_key_type)]
                let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
                for span in self.uses(target, true) {
                    changes
                        .entry(self.uri_of(span.file))
                        .or_default()
                        .push(lsp::TextEdit {
                            range: self.range(span),
                            new_text: new.to_string(),
                        });
                }
                json(serde_json::to_value(lsp::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }))
            }
            "textDocument/documentSymbol" => {
                let p: lsp::DocumentSymbolParams = params(req)?;
                let symbols = self.file_of(&p.text_document.uri).map(|file| {
                    let index = self.index(file);
                    lsp::DocumentSymbolResponse::Nested(self.symbols(&index, None))
                });
                json(serde_json::to_value(symbols))
            }
            "textDocument/formatting" => {
                let p: lsp::DocumentFormattingParams = params(req)?;
                let Some(file) = self.file_of(&p.text_document.uri) else {
                    return Ok(serde_json::Value::Null);
                };
                let source = self.ws.sources().get(file);
                let edits = match amt_compiler::syntax::format::format(file, &source.text) {
                    Ok(text) if text != source.text => vec![lsp::TextEdit {
                        range: lsp::Range::new(
                            lsp::Position::new(0, 0),
                            self.position(file, source.text.len()),
                        ),
                        new_text: text,
                    }],
                    // Unchanged, or not parseable (the errors are shown).
                    _ => Vec::new(),
                };
                json(serde_json::to_value(edits))
            }
            "textDocument/completion" => {
                let p: lsp::CompletionParams = params(req)?;
                json(serde_json::to_value(
                    self.completion(&p.text_document_position),
                ))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("amt lsp does not answer `{}`", req.method),
            )),
        }
    }

    // ------------------------------------------------------------ names

    fn index(&mut self, file: FileId) -> Arc<FileIndex> {
        let n = self.ws.sources().len();
        if self.indexes.len() < n {
            self.indexes.resize(n, None);
        }
        if let Some(index) = &self.indexes[file.0 as usize] {
            return Arc::clone(index);
        }
        let index = Arc::new(FileIndex::of(self.ws.sources(), file));
        self.indexes[file.0 as usize] = Some(Arc::clone(&index));
        index
    }

    /// The declaration named at a place: its own name, or a use of it (as
    /// the checker resolved it).
    fn target_at(&mut self, at: &lsp::TextDocumentPositionParams) -> Option<Target> {
        let file = self.file_of(&at.text_document.uri)?;
        let offset = self.offset(file, at.position);
        if let Some(def) = self.index(file).def_at(offset) {
            return Some(Target { file, def });
        }
        let to = self
            .ws
            .references(file)
            .iter()
            .find(|r| index::within(&r.at, offset))?
            .to;
        let def = self.index(to.file).def_named_at(to)?;
        Some(Target { file: to.file, def })
    }

    /// Every place that names `target`: its uses anywhere in the project,
    /// and with `declaration` its own name.
    fn uses(&mut self, target: Target, declaration: bool) -> Vec<Span> {
        let name_span = self.index(target.file).defs[target.def].name_span;
        let mut spans: Vec<Span> = self.ws.uses_of(name_span).collect();
        spans.sort_by_key(|s| (s.file, s.start));
        spans.dedup();
        if declaration {
            spans.insert(0, name_span);
        }
        spans
    }

    fn def_location(&mut self, t: Target) -> lsp::Location {
        let span = self.index(t.file).defs[t.def].name_span;
        self.location(span)
    }

    /// Where what a municipality file names is declared.
    fn municipal_definition(&mut self, at: &lsp::TextDocumentPositionParams) -> Option<Span> {
        let file = self.file_of(&at.text_document.uri)?;
        let offset = self.offset(file, at.position);
        municipal::definition(&self.ws, file, offset)
    }

    fn hover(&mut self, at: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        if let Some(file) = self.file_of(&at.text_document.uri) {
            let offset = self.offset(file, at.position);
            if let Some(md) = municipal::hover(&self.ws, file, offset) {
                return Some(lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: md,
                    }),
                    range: None,
                });
            }
        }
        let target = self.target_at(at)?;
        let index = self.index(target.file);
        let def = &index.defs[target.def];
        let mut md = format!("**{}** `{}`", def.kind.keyword(), def.name);
        if let Some(t) = &def.type_text {
            md.push_str(&format!(": `{t}`"));
        }
        if let Some(label) = &def.label {
            md.push_str(&format!(" — {}", escape_md(label)));
        }
        if def.required {
            md.push_str("\n\nrequired");
        }
        for c in &def.conditions {
            md.push_str(&format!("\n\nshown when `{c}`"));
        }
        if let Some(v) = &def.value {
            md.push_str(&format!("\n\n= `{v}`"));
        }
        // A citation carries its own `§` or `Art.`: it is shown as written.
        if !def.legal.is_empty() {
            let cited: Vec<String> = def.legal.iter().map(|l| escape_md(l)).collect();
            md.push_str(&format!("\n\nlegal basis: {}", cited.join("; ")));
        }
        let mut parents = Vec::new();
        let mut p = def.parent;
        while let Some(i) = p {
            let d = &index.defs[i];
            parents.push(format!("{} `{}`", d.kind.keyword(), d.name));
            p = d.parent;
        }
        if !parents.is_empty() {
            parents.reverse();
            md.push_str(&format!("\n\nin {}", parents.join(" › ")));
        }
        let file = &self.ws.sources().get(target.file).name;
        let (line, _) = self
            .ws
            .sources()
            .get(target.file)
            .line_col(def.name_span.range().start);
        md.push_str(&format!("\n\n*{file}:{line}*"));
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: md,
            }),
            range: None,
        })
    }

    fn symbols(&self, index: &FileIndex, parent: Option<usize>) -> Vec<lsp::DocumentSymbol> {
        index
            .children(parent)
            .map(|i| {
                let d = &index.defs[i];
                let children = self.symbols(index, Some(i));
                #[allow(deprecated)]
                lsp::DocumentSymbol {
                    name: d.name.clone(),
                    detail: d.label.clone().or_else(|| d.type_text.clone()),
                    kind: symbol_kind(d.kind),
                    tags: None,
                    deprecated: None,
                    range: self.range(d.span),
                    selection_range: self.range(d.name_span),
                    children: (!children.is_empty()).then_some(children),
                }
            })
            .collect()
    }

    fn completion(
        &mut self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::CompletionResponse> {
        let file = self.file_of(&at.text_document.uri)?;
        let offset = self.offset(file, at.position);
        let index = self.index(file);
        let source = self.ws.sources().get(file);
        let line_start = source.line_starts()[source.line_index(offset)];
        let before = &source.text[line_start..offset];
        if let Some(items) = municipal::complete(&self.ws, file, offset, before) {
            return Some(lsp::CompletionResponse::Array(items));
        }
        let place = complete::Place::new(before, &index, offset);
        let items = complete::items(&place, &index, self.ws.program(), file);
        Some(lsp::CompletionResponse::Array(items))
    }

    // ------------------------------------------------------------ places

    fn name_of(&self, uri: &lsp::Uri) -> Option<String> {
        let path = uri_to_path(uri)?;
        let rel = path.strip_prefix(&self.root).ok()?;
        let name: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(name.join("/"))
    }

    fn file_of(&self, uri: &lsp::Uri) -> Option<FileId> {
        let name = self.name_of(uri)?;
        self.ws.sources().find(&name)
    }

    fn uri_of(&self, file: FileId) -> lsp::Uri {
        path_to_uri(&self.root.join(&self.ws.sources().get(file).name))
    }

    fn location(&self, span: Span) -> lsp::Location {
        lsp::Location::new(self.uri_of(span.file), self.range(span))
    }

    fn range(&self, span: Span) -> lsp::Range {
        let r = span.range();
        lsp::Range::new(
            self.position(span.file, r.start),
            self.position(span.file, r.end),
        )
    }

    fn position(&self, file: FileId, offset: usize) -> lsp::Position {
        position(self.ws.sources().get(file), offset)
    }

    fn offset(&self, file: FileId, at: lsp::Position) -> usize {
        offset(self.ws.sources().get(file), at)
    }
}

/// A byte offset as an LSP position (line, UTF-16 column).
fn position(source: &SourceFile, offset: usize) -> lsp::Position {
    let text = &source.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = source.line_index(offset);
    let start = source.line_starts()[line];
    let column = text[start..offset].encode_utf16().count();
    lsp::Position::new(line as u32, column as u32)
}

/// An LSP position as a byte offset (clamped to the line and the text).
fn offset(source: &SourceFile, at: lsp::Position) -> usize {
    let starts = source.line_starts();
    let Some(&start) = starts.get(at.line as usize) else {
        return source.text.len();
    };
    let end = starts
        .get(at.line as usize + 1)
        .copied()
        .unwrap_or(source.text.len());
    let mut units = 0u32;
    for (i, c) in source.text[start..end].char_indices() {
        if units >= at.character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    end
}

fn uri_to_path(uri: &lsp::Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///path` (no host), or `file://localhost/path`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    Some(PathBuf::from(decoded.into_owned()))
}

fn path_to_uri(path: &Path) -> lsp::Uri {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let encoded = utf8_percent_encode(&path.to_string_lossy(), KEEP).to_string();
    format!("file://{encoded}")
        .parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a valid URI"))
}

fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>#|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn symbol_kind(kind: DefKind) -> lsp::SymbolKind {
    match kind {
        DefKind::Procedure => lsp::SymbolKind::MODULE,
        DefKind::Codelist => lsp::SymbolKind::ENUM,
        DefKind::Code => lsp::SymbolKind::ENUM_MEMBER,
        DefKind::Column => lsp::SymbolKind::PROPERTY,
        DefKind::Type => lsp::SymbolKind::CLASS,
        DefKind::Group | DefKind::Subgroup => lsp::SymbolKind::STRUCT,
        DefKind::Field => lsp::SymbolKind::FIELD,
        DefKind::Page => lsp::SymbolKind::NAMESPACE,
        DefKind::Attachment => lsp::SymbolKind::FILE,
        DefKind::Computed | DefKind::Fee => lsp::SymbolKind::PROPERTY,
        DefKind::Deadline => lsp::SymbolKind::EVENT,
        DefKind::State => lsp::SymbolKind::ENUM_MEMBER,
        DefKind::Actor => lsp::SymbolKind::OBJECT,
        DefKind::Document => lsp::SymbolKind::FILE,
        DefKind::Decision => lsp::SymbolKind::BOOLEAN,
        DefKind::Example => lsp::SymbolKind::METHOD,
    }
}
