//! `amt serve`: a local preview of a project's forms. The project is built
//! as `amt build` builds it, into a folder of its own under the system's
//! temporary folder, and served on 127.0.0.1; its files are watched as
//! `build --watch` watches them, and every page reloads itself when a new
//! build is served. A form's post (with or without JavaScript) is checked
//! with amt's validator, as a portal's server would check it: refused, the
//! form comes back (422) with the error summary; accepted, a confirmation
//! shows the submission. `/__amt/submissions` lists every submission of the
//! session. Not a production server: one person's preview, no TLS, no
//! storage.

mod form;
mod page;

use crate::cli::{BuildArgs, CheckArgs, OK, USAGE_OR_IO};
use amt_compiler::ir::Procedure;
use amt_compiler::validate::{Model, Options, Report, Severity};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The largest request body read (a form with its files).
const MAX_BODY: usize = 32 * 1024 * 1024;
/// How many submissions the debug page keeps.
const KEPT: usize = 100;
/// Threads answering requests.
const WORKERS: usize = 4;
/// Their stacks, as large as the main worker's: a procedure's expressions
/// are evaluated recursively (reserved address space, not memory).
const STACK: usize = amt_compiler::STACK;
/// Sent with every answer: what the generated pages are made for.
const CSP: &str = "default-src 'self'";

const RELOAD_JS: &str = include_str!("reload.js");
const SERVE_CSS: &str = include_str!("serve.css");

/// `amt serve [PATH] [--port N] [--templates DIR]`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// The project folder (or a file in it).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The port on 127.0.0.1; 0 takes any free port (the URL printed says which).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// A folder with templates (procedure.html, macros.html, index.html) and
    /// amt.css that replace the shipped ones, as for `build`.
    #[arg(long)]
    templates: Option<PathBuf>,
}

/// The folder the builds go to, removed when `serve` ends (and, after a
/// kill, by the next `serve`: see [`sweep`]).
struct Work {
    dir: PathBuf,
}

impl Work {
    fn create() -> std::io::Result<Work> {
        let base = std::env::temp_dir();
        sweep(&base);
        let pid = std::process::id();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut attempt = 0u32;
        loop {
            // A fresh name: never a folder (or link) someone else made.
            let dir = base.join(format!("amt-serve-{pid}-{nanos:08x}{attempt}"));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(Work { dir }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes the folders of `serve`s that were stopped with Ctrl-C or
/// killed: those whose process no longer runs. Where processes cannot be
/// looked up (no `/proc`), nothing is touched.
fn sweep(base: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("amt-serve-")
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != std::process::id() && !proc.join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// What is served: the last build that succeeded.
struct Site {
    /// Counts the builds served; 0 before the first.
    version: u64,
    dir: Option<PathBuf>,
    /// The checked models read from the build, by procedure id.
    models: HashMap<String, Arc<Procedure>>,
    /// How the last build went, for the debug page.
    note: String,
}

/// One submission, as the debug page shows it.
#[derive(Serialize)]
struct Logged {
    n: u64,
    time: String,
    procedure: String,
    page: String,
    lang: String,
    version: u64,
    how: String,
    valid: bool,
    verdict: String,
    problems: Vec<LoggedProblem>,
    computed: Vec<LoggedValue>,
    json: String,
}

#[derive(Serialize)]
struct LoggedProblem {
    severity: Severity,
    pointer: String,
    label: Option<String>,
    message: String,
    check: amt_compiler::validate::Check,
}

#[derive(Serialize)]
struct LoggedValue {
    path: String,
    value: String,
}

struct State {
    port: u16,
    site: Mutex<Site>,
    log: Mutex<(u64, VecDeque<Logged>)>,
    pages: minijinja::Environment<'static>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An answer.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    fn plain(status: u16, message: impl std::fmt::Display) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            format!("{message}\n").into_bytes(),
        )
    }

    fn html(status: u16, body: String) -> Reply {
        Reply::new(status, "text/html; charset=utf-8", body.into_bytes())
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    fn not_found() -> Reply {
        Reply::plain(404, "404 Not Found: there is no such page in the build")
    }

    fn not_allowed(allow: &str) -> Reply {
        Reply::plain(405, format!("405 Method Not Allowed: use {allow}")).header("Allow", allow)
    }

    fn redirect(to: String) -> Reply {
        Reply::plain(301, format!("301 Moved Permanently: {to}")).header("Location", to)
    }

    fn into_response(self) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
        let mut response = tiny_http::Response::from_data(self.body).with_status_code(self.status);
        let headers = [
            ("Content-Type", self.content_type.to_string()),
            ("Content-Security-Policy", CSP.to_string()),
            ("X-Content-Type-Options", "nosniff".to_string()),
            ("Referrer-Policy", "no-referrer".to_string()),
            ("Cache-Control", "no-store".to_string()),
        ];
        for (name, value) in headers.into_iter().chain(self.headers) {
            if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(h);
            }
        }
        response
    }
}

fn header<'r>(request: &'r tiny_http::Request, name: &'static str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// The time of day in UTC, for the debug page.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let day = amt_compiler::ir::date::Date::from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{day} {:02}:{:02}:{:02} UTC", s / 3600, s / 60 % 60, s % 60)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("bpmn") => "application/xml; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Fixed texts of the pages an applicant sees, in the page's language
/// (German, else English, as the forms' own texts).
struct Texts {
    problem: &'static str,
    error_prefix: &'static str,
    heading: &'static str,
    lead: &'static str,
    notes: &'static str,
    computed: &'static str,
    data: &'static str,
    back: &'static str,
    preview: &'static str,
    skip: &'static str,
    yes: &'static str,
    no: &'static str,
}

fn texts(lang: &str) -> Texts {
    if amt_compiler::ir::is_german(lang) {
        Texts {
            problem: "Es gibt ein Problem",
            error_prefix: "Fehler: ",
            heading: "Antrag eingegangen",
            lead: "Der Antrag ist vollständig: amts Prüfung hat keinen Fehler gefunden. Dies ist eine Vorschau von amt serve; der Antrag wurde nirgendwohin gesendet.",
            notes: "Hinweise",
            computed: "Berechnet",
            data: "Die übermittelten Daten (JSON)",
            back: "Zurück zum Formular",
            preview: "Vorschau mit amt serve – kein Produktivserver.",
            skip: "Zum Inhalt springen",
            yes: "ja",
            no: "nein",
        }
    } else {
        Texts {
            problem: "There is a problem",
            error_prefix: "Error: ",
            heading: "Application received",
            lead: "The application is complete: amt's validator found no error. This is a preview by amt serve; the application was not sent anywhere.",
            notes: "Notes",
            computed: "Computed",
            data: "The submitted data (JSON)",
            back: "Back to the form",
            preview: "Preview by amt serve – not a production server.",
            skip: "Skip to the content",
            yes: "yes",
            no: "no",
        }
    }
}

impl State {
    fn new(port: u16) -> State {
        let mut pages = minijinja::Environment::new();
        pages.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in [
            ("confirmation.html", include_str!("confirmation.html")),
            ("submissions.html", include_str!("submissions.html")),
            ("waiting.html", include_str!("waiting.html")),
        ] {
            pages
                .add_template(name, source)
                .expect("amt serve's own templates are valid");
        }
        State {
            port,
            site: Mutex::new(Site {
                version: 0,
                dir: None,
                models: HashMap::new(),
                note: "No build yet: the project has errors (the terminal lists them).".into(),
            }),
            log: Mutex::new((0, VecDeque::new())),
            pages,
        }
    }

    fn current(&self) -> (u64, Option<PathBuf>) {
        let site = lock(&self.site);
        (site.version, site.dir.clone())
    }

    /// Serves a new build; returns its number.
    fn publish(&self, dir: PathBuf) -> u64 {
        let mut site = lock(&self.site);
        site.version += 1;
        site.dir = Some(dir);
        site.models.clear();
        site.note = format!("Build {} is served.", site.version);
        site.version
    }

    fn build_failed(&self) -> u64 {
        let mut site = lock(&self.site);
        if site.version > 0 {
            site.note = format!(
                "The last build failed (the terminal lists why); build {} is still served.",
                site.version
            );
        }
        site.version
    }

    /// Whether a request's `Host` names this server: a page elsewhere
    /// cannot reach it through a name of its own (DNS rebinding).
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let port = self.port;
        ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .any(|h| host == format!("{h}:{port}") || (port == 80 && host == *h))
    }

    /// The checked model of a procedure of the build in `dir`, read from
    /// its `procedure.json` as a portal's server reads it.
    fn model(&self, version: u64, dir: &Path, id: &str) -> Result<Option<Arc<Procedure>>, String> {
        {
            let site = lock(&self.site);
            if site.version == version
                && let Some(p) = site.models.get(id)
            {
                return Ok(Some(Arc::clone(p)));
            }
        }
        let path = dir.join(id).join("procedure.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read `{}`: {e}", path.display())),
        };
        let p = Arc::new(
            Procedure::from_json(&text).map_err(|e| format!("`{}`: {e}", path.display()))?,
        );
        let mut site = lock(&self.site);
        if site.version == version {
            site.models.insert(id.to_string(), Arc::clone(&p));
        }
        Ok(Some(p))
    }

    fn render(&self, name: &str, context: minijinja::Value) -> Result<String, Reply> {
        self.pages
            .get_template(name)
            .and_then(|t| t.render(context))
            .map_err(|e| {
                eprintln!("amt serve: the page {name} failed: {e:#}");
                Reply::plain(
                    500,
                    "500 Internal Server Error: the page could not be made (see the terminal)",
                )
            })
    }

    fn answer(&self, request: &mut tiny_http::Request) -> Reply {
        if let Some(host) = header(request, "Host")
            && !self.host_allowed(host)
        {
            return Reply::plain(
                400,
                "400 Bad Request: amt serve answers requests for 127.0.0.1 and localhost only",
            );
        }
        let url = request.url().to_string();
        let (raw_path, query) = url.split_once('?').unwrap_or((&url, ""));
        if !raw_path.starts_with('/') {
            return Reply::plain(400, "400 Bad Request: the path must begin with /");
        }
        let path = match percent_encoding::percent_decode_str(raw_path).decode_utf8() {
            Ok(p) if !p.contains('\0') => p.into_owned(),
            _ => {
                return Reply::plain(
                    400,
                    "400 Bad Request: the path is not percent-encoded UTF-8",
                );
            }
        };
        let method = request.method().clone();
        let get = matches!(method, tiny_http::Method::Get | tiny_http::Method::Head);
        let own = matches!(
            path.as_str(),
            "/__amt/reload.js" | "/__amt/serve.css" | "/__amt/version" | "/__amt/submissions"
        );
        if own && !get {
            return Reply::not_allowed("GET, HEAD");
        }
        match path.as_str() {
            "/__amt/reload.js" => Reply::new(200, "text/javascript; charset=utf-8", RELOAD_JS),
            "/__amt/serve.css" => Reply::new(200, "text/css; charset=utf-8", SERVE_CSS),
            "/__amt/version" => Reply::plain(200, self.current().0),
            "/__amt/submissions" => self.submissions_page().unwrap_or_else(|r| r),
            "/__amt" | "/__amt/" => Reply::redirect("/__amt/submissions".into()),
            p if p.starts_with("/__amt/") => Reply::not_found(),
            _ => self.site_answer(request, &method, raw_path, &path, query),
        }
    }

    fn site_answer(
        &self,
        request: &mut tiny_http::Request,
        method: &tiny_http::Method,
        raw_path: &str,
        path: &str,
        query: &str,
    ) -> Reply {
        let get = matches!(method, tiny_http::Method::Get | tiny_http::Method::Head);
        let (version, dir) = self.current();
        let Some(dir) = dir else {
            let reload = page::reload_tag(0, !get);
            let ctx = minijinja::context! { reload => minijinja::Value::from_safe_string(reload) };
            return match self.render("waiting.html", ctx) {
                Ok(html) => Reply::html(503, html).header("Retry-After", "1"),
                Err(r) => r,
            };
        };
        let trailing = path.ends_with('/');
        let mut segments: Vec<&str> = path[1..].split('/').collect();
        if trailing {
            segments.pop();
        }
        if segments
            .iter()
            .any(|s| s.is_empty() || s.starts_with('.') || s.contains('\\'))
        {
            return Reply::not_found();
        }
        let mut file = dir.clone();
        file.extend(&segments);
        if file.is_dir() {
            if !trailing {
                let to = if query.is_empty() {
                    format!("{raw_path}/")
                } else {
                    format!("{raw_path}/?{query}")
                };
                return Reply::redirect(to);
            }
            file.push("index.html");
        }
        if get {
            return match std::fs::read(&file) {
                Ok(bytes) => {
                    let kind = content_type(&file);
                    if kind.starts_with("text/html") {
                        let html = String::from_utf8_lossy(&bytes);
                        let reload = page::reload_tag(version, false);
                        Reply::html(200, page::with_reload(&html, &reload))
                    } else {
                        Reply::new(200, kind, bytes)
                    }
                }
                Err(_) => Reply::not_found(),
            };
        }
        match self.form_of(version, &dir, &segments, trailing) {
            Ok(Some(form)) if *method == tiny_http::Method::Post => {
                self.post(request, &form, raw_path)
            }
            Ok(form) if file.is_file() => Reply::not_allowed(if form.is_some() {
                "GET, HEAD, POST"
            } else {
                "GET, HEAD"
            }),
            Ok(_) => Reply::not_found(),
            Err(message) => {
                eprintln!("amt serve: {message}");
                Reply::plain(
                    500,
                    "500 Internal Server Error: the procedure's model could not be read (see the terminal)",
                )
            }
        }
    }

    /// The procedure and language of a form's page (`/<id>/`,
    /// `/<id>/index.html`, `/<id>/index.<lang>.html`): where its form posts
    /// (amt's template has no `action`: the page itself).
    fn form_of(
        &self,
        version: u64,
        dir: &Path,
        segments: &[&str],
        trailing: bool,
    ) -> Result<Option<FormPage>, String> {
        let (id, file) = match segments {
            [id] if trailing => (*id, "index.html"),
            [id, file] if !trailing => (*id, *file),
            _ => return Ok(None),
        };
        if !file.starts_with("index.") || !file.ends_with(".html") {
            return Ok(None);
        }
        let page_path = dir.join(id).join(file);
        if !page_path.is_file() {
            return Ok(None);
        }
        let Some(p) = self.model(version, dir, id)? else {
            return Ok(None);
        };
        let lang = p
            .languages
            .iter()
            .find(|l| amt_compiler::emit::html::page_file(&p, l) == file)
            .cloned();
        Ok(lang.map(|lang| FormPage {
            version,
            procedure: p,
            lang,
            file: page_path,
        }))
    }

    /// A form's post: read, checked with amt's validator, logged; answered
    /// with the confirmation or, refused, with the form and its errors.
    fn post(&self, request: &mut tiny_http::Request, form: &FormPage, raw_path: &str) -> Reply {
        let body = match read_body(request) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        let content_type = header(request, "Content-Type")
            .unwrap_or_default()
            .to_string();
        let fields = match parse_fields(&content_type, &body) {
            Ok(f) => f,
            Err(reply) => return reply,
        };
        let checked = match check(form, &fields, &content_type) {
            Ok(c) => c,
            Err(reply) => return reply,
        };
        let t = texts(&form.lang);
        self.log(form, raw_path, &checked, &t);
        if checked.report.valid {
            return self.confirmation(form, raw_path, &checked, &t);
        }
        refused(form, &checked, &t)
    }

    /// Computed values and fees of a report, labelled.
    fn computed(&self, form: &FormPage, checked: &Checked, t: &Texts) -> Vec<(String, String)> {
        let (p, lang) = (&form.procedure, form.lang.as_str());
        let source = p.source_language();
        checked
            .report
            .computed
            .iter()
            .map(|(path, value)| {
                let plain = amt_compiler::validate::without_indices(path);
                let label = checked
                    .model
                    .get(&plain)
                    .and_then(|e| e.node)
                    .and_then(|n| n.label.as_ref())
                    .or_else(|| p.fees.iter().find(|f| f.id == plain).map(|f| &f.label))
                    .and_then(|l| l.pick(lang, source))
                    .map(str::to_string)
                    .unwrap_or_else(|| path.clone());
                let label = if path.contains('[') {
                    format!("{label} ({path})")
                } else {
                    label
                };
                let value = match (checked.model.money_cents(path, value), value) {
                    (Some(cents), _) => amt_compiler::ir::print::money_in(lang, cents),
                    (None, Json::String(s)) => s.clone(),
                    (None, Json::Bool(b)) => (if *b { t.yes } else { t.no }).to_string(),
                    (None, Json::Number(n)) if amt_compiler::ir::is_german(lang) => {
                        n.to_string().replace('.', ",")
                    }
                    (None, other) => other.to_string(),
                };
                (label, value)
            })
            .collect()
    }

    /// Keeps a submission for the debug page and says in the terminal how
    /// it went.
    fn log(&self, form: &FormPage, page: &str, checked: &Checked, t: &Texts) {
        let report = &checked.report;
        let errors = report
            .problems
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .count();
        let warnings = report.problems.len() - errors;
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let verdict = match (report.valid, warnings) {
            (true, 0) => "valid".to_string(),
            (true, w) => format!("valid, {}", plural(w, "warning")),
            (false, w) => format!(
                "invalid: {}, {}",
                plural(errors, "error"),
                plural(w, "warning")
            ),
        };
        let computed = self
            .computed(form, checked, t)
            .into_iter()
            .map(|(path, value)| LoggedValue { path, value })
            .collect();
        let mut log = lock(&self.log);
        log.0 += 1;
        let entry = Logged {
            n: log.0,
            time: now_utc(),
            procedure: form.procedure.id.clone(),
            page: page.to_string(),
            lang: form.lang.clone(),
            version: form.version,
            how: checked.how.clone(),
            valid: report.valid,
            verdict,
            problems: report
                .problems
                .iter()
                .map(|x| LoggedProblem {
                    severity: x.severity,
                    pointer: x.pointer.clone(),
                    label: x.label.clone(),
                    message: x.message.clone(),
                    check: x.check,
                })
                .collect(),
            computed,
            json: serde_json::to_string_pretty(&checked.data).unwrap_or_default(),
        };
        eprintln!(
            "amt serve: submission #{} to {} ({}): {}",
            entry.n, entry.procedure, entry.lang, entry.verdict
        );
        log.1.push_front(entry);
        log.1.truncate(KEPT);
    }

    /// The page of an accepted submission: its warnings, computed values
    /// and data.
    fn confirmation(&self, form: &FormPage, raw_path: &str, checked: &Checked, t: &Texts) -> Reply {
        #[derive(Serialize)]
        struct Note<'a> {
            label: Option<&'a str>,
            message: &'a str,
        }
        #[derive(Serialize)]
        struct Value {
            label: String,
            value: String,
        }
        let (p, lang) = (&form.procedure, form.lang.as_str());
        let source = p.source_language();
        let warnings: Vec<Note> = checked
            .report
            .problems
            .iter()
            .filter(|x| x.severity == Severity::Warning)
            .map(|x| Note {
                label: x.label.as_deref(),
                message: &x.message,
            })
            .collect();
        let computed: Vec<Value> = self
            .computed(form, checked, t)
            .into_iter()
            .map(|(label, value)| Value { label, value })
            .collect();
        let ctx = minijinja::context! {
            lang => lang,
            title => p.title.pick(lang, source).unwrap_or_default(),
            t => minijinja::context! {
                heading => t.heading, lead => t.lead, notes => t.notes, computed => t.computed,
                data => t.data, back => t.back, preview => t.preview, skip => t.skip,
            },
            warnings => minijinja::Value::from(minijinja::value::Serde(&warnings)),
            computed => minijinja::Value::from(minijinja::value::Serde(&computed)),
            json => serde_json::to_string_pretty(&checked.data).unwrap_or_default(),
            back => raw_path,
            reload => minijinja::Value::from_safe_string(page::reload_tag(form.version, true)),
        };
        match self.render("confirmation.html", ctx) {
            Ok(html) => Reply::html(200, html),
            Err(r) => r,
        }
    }

    fn submissions_page(&self) -> Result<Reply, Reply> {
        let (version, note) = {
            let site = lock(&self.site);
            (site.version, site.note.clone())
        };
        let log = lock(&self.log);
        let submissions: Vec<&Logged> = log.1.iter().collect();
        let ctx = minijinja::context! {
            submissions => minijinja::Value::from(minijinja::value::Serde(&submissions)),
            limit => KEPT,
            build => note,
            reload => minijinja::Value::from_safe_string(page::reload_tag(version, false)),
        };
        Ok(Reply::html(200, self.render("submissions.html", ctx)?))
    }
}

/// A form's page in the served build, which its form posts to.
struct FormPage {
    /// The build it belongs to.
    version: u64,
    procedure: Arc<Procedure>,
    /// The page's language.
    lang: String,
    /// The page's file in the build.
    file: PathBuf,
}

/// A post read and checked with amt's validator.
struct Checked<'p> {
    model: Model<'p>,
    /// The submission.
    data: Json,
    report: Report,
    /// The values to fill the form in again, by input name.
    values: HashMap<String, Vec<String>>,
    /// For each repeat item, by its path in the data, its path in the form.
    items: HashMap<String, String>,
    /// How the answers came, for the debug page.
    how: String,
}

/// A post's body, at most [`MAX_BODY`] bytes.
fn read_body(request: &mut tiny_http::Request) -> Result<Vec<u8>, Reply> {
    if request.body_length().is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    if request
        .as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return Err(Reply::plain(
            400,
            "400 Bad Request: the body could not be read",
        ));
    }
    if body.len() > MAX_BODY {
        return Err(too_large());
    }
    Ok(body)
}

/// A form's fields from a post's body, or the answer that refuses it.
fn parse_fields(content_type: &str, body: &[u8]) -> Result<form::Fields, Reply> {
    form::parse_body(content_type, body).map_err(|e| match e {
        form::BodyError::Unsupported(what) => Reply::plain(
            415,
            format!(
                "415 Unsupported Media Type: a form posts application/x-www-form-urlencoded or multipart/form-data, not {what}"
            ),
        ),
        form::BodyError::Malformed(what) => Reply::plain(400, format!("400 Bad Request: {what}")),
        form::BodyError::TooMany => Reply::plain(
            413,
            format!(
                "413 Content Too Large: more than {} fields",
                form::MAX_FIELDS
            ),
        ),
    })
}

/// Checks a post's answers with amt's validator.
fn check<'p>(
    form: &'p FormPage,
    fields: &form::Fields,
    content_type: &str,
) -> Result<Checked<'p>, Reply> {
    let (p, lang) = (&*form.procedure, form.lang.as_str());
    let model = Model::new(p);
    let options = Options {
        today: crate::cli::today_germany(),
        lang: Some(lang.to_string()),
    };
    // With the page's script the answers come as JSON in one field;
    // without it, as the form's fields.
    let checked = match fields
        .text("amt_submission")
        .filter(|t| !t.trim().is_empty())
    {
        Some(json) => {
            let (data, report) = match model.validate_text(json, &options) {
                Ok(read) => read,
                Err(e) => {
                    return Err(Reply::plain(
                        400,
                        format!("400 Bad Request: the field amt_submission is not JSON: {e}"),
                    ));
                }
            };
            let values = form::values_of(p, &data, lang);
            Checked {
                model,
                data,
                report,
                values,
                items: HashMap::new(),
                how: "JSON from the page's script (the field amt_submission)".to_string(),
            }
        }
        None => {
            let (conversion, report) = form::settle(p, &model, fields, &options, lang);
            let how = format!(
                "form fields without the page's script ({})",
                form::encoding_name(content_type)
            );
            Checked {
                model,
                data: conversion.data,
                report,
                values: fields.values(),
                items: conversion.items,
                how,
            }
        }
    };
    Ok(checked)
}

/// The form again, with the errors of a refused post (422).
fn refused(form: &FormPage, checked: &Checked, t: &Texts) -> Reply {
    let errors: Vec<page::Shown> = checked
        .report
        .problems
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| page::Shown {
            form_path: form::form_path(&x.path, &checked.items),
            label: x.label.clone(),
            message: x.message.clone(),
        })
        .collect();
    let html = match std::fs::read(&form.file) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => return Reply::not_found(),
    };
    let wording = page::Wording {
        heading: t.problem,
        title_prefix: t.error_prefix,
    };
    Reply::html(
        422,
        page::with_errors(
            &html,
            &errors,
            &checked.values,
            &wording,
            &page::reload_tag(form.version, true),
        ),
    )
}

fn too_large() -> Reply {
    Reply::plain(
        413,
        format!(
            "413 Content Too Large: amt serve reads bodies up to {} MB",
            MAX_BODY / (1024 * 1024)
        ),
    )
}

fn handle(state: &State, mut request: tiny_http::Request) {
    let reply =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.answer(&mut request)))
            .unwrap_or_else(|_| Reply::plain(500, "500 Internal Server Error (see the terminal)"));
    let _ = request.respond(reply.into_response());
}

/// The templates folder's files with their times and sizes: a change
/// there builds again too.
fn stamps(dir: Option<&Path>) -> Vec<(PathBuf, Option<std::time::SystemTime>, u64)> {
    let Some(entries) = dir.and_then(|d| std::fs::read_dir(d).ok()) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            meta.is_file()
                .then(|| (e.path(), meta.modified().ok(), meta.len()))
        })
        .collect();
    out.sort();
    out
}

/// The server on 127.0.0.1 at `port` (0: any free port).
fn listen(port: u16) -> Result<Arc<tiny_http::Server>, u8> {
    match tiny_http::Server::http(("127.0.0.1", port)) {
        Ok(s) => Ok(Arc::new(s)),
        Err(e) => {
            eprintln!(
                "amt: cannot listen on 127.0.0.1:{port}: {e}; choose another port with --port (0 takes any free one)"
            );
            Err(USAGE_OR_IO)
        }
    }
}

/// Starts the threads that answer requests.
fn start_workers(server: &Arc<tiny_http::Server>, state: &Arc<State>) -> Result<(), u8> {
    for i in 0..WORKERS {
        let (server, state) = (Arc::clone(server), Arc::clone(state));
        let spawned = std::thread::Builder::new()
            .name(format!("amt-serve-{i}"))
            .stack_size(STACK)
            .spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(&state, request);
                }
            });
        if let Err(e) = spawned {
            eprintln!("amt: cannot start a thread: {e}");
            return Err(USAGE_OR_IO);
        }
    }
    Ok(())
}

/// Builds the project into a new folder of the work folder at each
/// attempt, and serves each build that succeeds.
struct Builder<'a> {
    root: &'a Path,
    settings: &'a amt_compiler::emit::Settings,
    work: &'a Work,
    state: &'a State,
    attempts: u64,
    /// The builds kept: the one served and the one before.
    served: VecDeque<PathBuf>,
}

impl Builder<'_> {
    /// Builds once, says in the terminal how it went, and serves the build
    /// if it succeeded.
    fn build(&mut self, ws: &amt_compiler::Workspace) {
        let started = std::time::Instant::now();
        self.attempts += 1;
        let out = self.work.dir.join(format!("build-{}", self.attempts));
        let args = BuildArgs {
            check: CheckArgs::of(self.root.to_path_buf()),
            out: out.clone(),
            schema_base: None,
            templates: self.settings.templates.clone(),
            watch: false,
            fresh: false,
        };
        match crate::cli::build_workspace(ws, self.settings, &args) {
            Some(OK) => {
                let version = self.state.publish(out.clone());
                eprintln!("amt serve: serving build {version}");
                // The build before stays for requests still reading it.
                self.served.push_back(out);
                while self.served.len() > 2 {
                    if let Some(old) = self.served.pop_front() {
                        let _ = std::fs::remove_dir_all(old);
                    }
                }
            }
            failed => {
                let _ = std::fs::remove_dir_all(&out);
                let what = if failed.is_none() {
                    "the project has errors"
                } else {
                    "the build could not be written"
                };
                match self.state.build_failed() {
                    0 => eprintln!("amt serve: {what}; nothing to serve until it builds"),
                    v => eprintln!("amt serve: {what}; still serving build {v}"),
                }
            }
        }
        eprintln!("({} ms)", started.elapsed().as_millis());
    }
}

/// `amt serve`: builds, serves, watches; runs until stopped.
pub fn run(args: &ServeArgs) -> u8 {
    let root = amt_compiler::project_root(&args.path);
    if !root.exists() {
        eprintln!("amt: `{}` does not exist", args.path.display());
        return USAGE_OR_IO;
    }
    let settings = match crate::cli::build_settings(&root, None, args.templates.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let work = match Work::create() {
        Ok(w) => w,
        Err(e) => {
            eprintln!(
                "amt: cannot make a folder for the builds in `{}`: {e}",
                std::env::temp_dir().display()
            );
            return USAGE_OR_IO;
        }
    };
    let server = match listen(args.port) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    let state = Arc::new(State::new(port));
    if let Err(code) = start_workers(&server, &state) {
        return code;
    }
    let mut poller = crate::poll::Poller::new(&root);
    let mut templates = stamps(settings.templates.as_deref());
    let mut ws = match amt_compiler::Workspace::open(&root) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("amt: cannot read the project: {e}");
            return USAGE_OR_IO;
        }
    };
    let mut builder = Builder {
        root: &root,
        settings: &settings,
        work: &work,
        state: &state,
        attempts: 0,
        served: VecDeque::new(),
    };
    builder.build(&ws);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "amt serve: http://127.0.0.1:{port}/");
    let _ = out.flush();
    drop(out);
    eprintln!(
        "amt serve: a local preview, not a production server; every submission is listed at \
         http://127.0.0.1:{port}/__amt/submissions; watching `{}` for changes (Ctrl-C to stop)",
        root.display()
    );
    loop {
        std::thread::sleep(crate::poll::INTERVAL);
        let mut changed = poller.changes(&mut ws);
        let now = stamps(settings.templates.as_deref());
        if now != templates {
            templates = now;
            changed.push("(templates)".into());
        }
        if changed.is_empty() {
            continue;
        }
        eprintln!("\nchanged: {}", changed.join(", "));
        builder.build(&ws);
    }
}
