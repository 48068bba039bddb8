//! `amt serve` as an author uses it: started on a project (a copy in a
//! temporary folder), asked over plain HTTP on 127.0.0.1. Pages come with
//! the strict CSP and the reload script; posts without JavaScript (URL-
//! encoded and multipart) are checked with amt's validator: refused with
//! the error summary (422), accepted with the confirmation; the debug page
//! lists them; a saved change is built and served; bad requests get a
//! plain 4xx.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PROJECT: &str = r#"// A small procedure for amt serve's tests.
codelist farbe "Farbe" @en "Colour" {
  rot "rot" @en "red"
  gruen "grün" @en "green"
  blau "blau" @en "blue"
}

group kind "Kind" @en "Child" {
  field vorname: text(max 30) "Vorname" @en "Given name" { required }
  field alter: integer(min 0, max 17) "Alter" @en "Age"
}

procedure probe "Probeantrag" @en "Trial application" {
  version 1.0.0
  languages de, en

  page eins "Eins" @en "One" {
    field name: text(max 40) "Name des Antragstellers" @en "Applicant's name" { required }
    field anzahl: integer(min 1, max 9) "Anzahl" @en "Number" {
      required
      rule anzahl != 7 "Sieben ist nicht erlaubt." @en "Seven is not allowed."
    }
    field betrag: money(max 1000 EUR) "Betrag" @en "Amount"
    field farben: multichoice(farbe) "Farben" @en "Colours"
    field eilig: boolean "Eilig" @en "Urgent"
    field grund: text(max 100) "Grund der Eile" @en "Reason for urgency" {
      when eilig
      required
    }
    field seit: date "Seit" @en "Since"
    group kinder: kind[1..3] "Kinder" @en "Children"
  }
  fee gebuehr "Gebühr" @en "Fee" = 1234.50 EUR
}
"#;

mod common;
use common::Temp;

/// `amt serve` running; killed when dropped, also when a test fails.
struct Serve {
    child: Child,
    port: u16,
    stderr: PathBuf,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(project: &Path, log: &Path) -> Serve {
        let stderr = log.join("stderr.txt");
        let mut child = Command::new(env!("CARGO_BIN_EXE_amt"))
            .args(["serve", project.to_str().unwrap(), "--port", "0"])
            .env("NO_COLOR", "1")
            // The builds go into the test's own folder, removed with it
            // (a killed `serve` cannot remove its folder itself).
            .env("TMPDIR", log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("amt serve starts");
        let stdout = child.stdout.take().unwrap();
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut serve = Serve {
            child,
            port: 0,
            stderr,
        };
        let line = receive
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("no URL printed; stderr: {}", serve.log()));
        let port = line
            .strip_prefix("amt serve: http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line `{line}`"));
        serve.port = port;
        serve
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Sends a raw request (HTTP/1.0, the connection closed after it).
    fn raw(&self, head: &str, body: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("an answer");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = headers.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"));
        Reply {
            status,
            headers: lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect(),
            body: body.to_string(),
        }
    }

    fn request(&self, method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Reply {
        let mut head = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        if let Some(t) = content_type {
            head.push_str(&format!("Content-Type: {t}\r\n"));
        }
        if method == "POST" || !body.is_empty() {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        self.raw(&head, body)
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, None, b"")
    }

    fn post_form(&self, path: &str, body: &str) -> Reply {
        self.request(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
    }

    fn post_multipart(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let boundary = "----amtTestBoundary7MA4YWxkTrZu0gW";
        let mut body = String::new();
        for (name, value) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        self.request(
            "POST",
            path,
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body.as_bytes(),
        )
    }

    fn version(&self) -> u64 {
        self.get("/__amt/version")
            .body
            .trim()
            .parse()
            .expect("a number")
    }

    /// Waits until the served build is not `version` any more.
    fn wait_for_build_after(&self, version: u64) -> u64 {
        let start = Instant::now();
        loop {
            let now = self.version();
            if now != version {
                return now;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no new build; stderr: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn assert(&self, status: u16) -> &Reply {
        assert_eq!(self.status, status, "{self:#?}");
        assert_eq!(
            self.header("content-security-policy"),
            Some("default-src 'self'"),
            "every answer carries the CSP: {self:#?}"
        );
        self
    }

    fn has(&self, text: &str) -> &Reply {
        assert!(
            self.body.contains(text),
            "`{text}` missing in {}",
            self.body
        );
        self
    }

    fn lacks(&self, text: &str) -> &Reply {
        assert!(
            !self.body.contains(text),
            "`{text}` present in {}",
            self.body
        );
        self
    }
}

/// The pages an applicant sees: no inline script or style anywhere.
fn assert_no_inline_code(html: &str) {
    let lower = html.to_ascii_lowercase();
    for (i, _) in lower.match_indices("<script") {
        let tag = &lower[i..i + lower[i..].find('>').unwrap()];
        assert!(
            tag.contains(" src=") || tag.contains("type=\"application/json\""),
            "inline script: {tag}"
        );
    }
    assert!(!lower.contains("<style"), "inline style");
    assert!(!lower.contains(" style="), "style attribute");
    assert!(
        !lower.contains(" onclick=") && !lower.contains(" onload="),
        "handler"
    );
}

#[test]
fn serve_builds_serves_checks_posts_and_reloads() {
    let temp = Temp::new("project");
    let project = temp.0.join("project");
    std::fs::create_dir_all(&project).unwrap();
    let source = project.join("probe.amt");
    std::fs::write(&source, PROJECT).unwrap();
    let serve = Serve::start(&project, &temp.0);

    // Pages: the CSP, the reload script (a file, never inline).
    let index = serve.get("/");
    index.assert(200).has(">Probeantrag</a>");
    let page = serve.get("/probe/");
    page.assert(200)
        .has("<html lang=\"de\">")
        .has("<script src=\"/__amt/reload.js\" defer data-version=\"1\"></script>\n</head>")
        .has("Name des Antragstellers");
    assert_eq!(page.body.matches("/__amt/reload.js").count(), 1);
    assert_no_inline_code(&page.body);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    serve
        .get("/probe/index.en.html")
        .assert(200)
        .has("<html lang=\"en\">")
        .has("/__amt/reload.js");
    let script = serve.get("/__amt/reload.js");
    script.assert(200).has("/__amt/version");
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    serve.get("/assets/amt.css").assert(200);
    assert_eq!(serve.version(), 1);

    // Without JavaScript, URL-encoded and invalid: the form again, with
    // the error summary linking to each field, and the values kept.
    let refused = serve.post_form(
        "/probe/index.html",
        "name=&anzahl=7&betrag=12%2C50&farben=rot&kinder%5B0%5D.vorname=&kinder%5B1%5D.alter=40&seit=",
    );
    refused
        .assert(422)
        .has("<div class=\"amt-error-summary\"")
        .has("<h2 id=\"amt-error-summary-title\">Es gibt ein Problem</h2>")
        .has("<a href=\"#f-name\">Name des Antragstellers: Bitte machen Sie hier eine Angabe.</a>")
        .has("<a href=\"#f-anzahl\">Anzahl: Sieben ist nicht erlaubt.</a>")
        // The second item was the only one filled in: it is item 0 of the
        // data, and the links go to the inputs of the form's second item.
        .has("<a href=\"#f-kinder-1-vorname\">Vorname: Bitte machen Sie hier eine Angabe.</a>")
        .has("<a href=\"#f-kinder-1-alter\">Alter: Der Wert darf nicht größer sein als 17.</a>")
        .has("value=\"40\" aria-invalid=\"true\" aria-describedby=\"f-kinder-1-alter--error\"")
        .has("<title>Fehler: Probeantrag</title>")
        .has("<p class=\"amt-error\" id=\"f-anzahl--error\">Sieben ist nicht erlaubt.</p>")
        .has("value=\"7\" aria-invalid=\"true\" aria-describedby=\"f-anzahl--error\"")
        .has("name=\"betrag\"")
        .has("value=\"12,50\"")
        .has("value=\"rot\" checked")
        .has("data-after-post")
        .lacks("Antrag eingegangen");
    assert!(refused.body.find("amt-error-summary").unwrap() < refused.body.find("<h1>").unwrap());
    assert_no_inline_code(&refused.body);

    // Multipart (what the browser sends), in English: a part that applies
    // (`eilig` ticked) is demanded.
    serve
        .post_multipart(
            "/probe/index.en.html",
            &[
                ("name", "Ann"),
                ("anzahl", "2"),
                ("eilig", "true"),
                ("grund", ""),
            ],
        )
        .assert(422)
        .has("<html lang=\"en\">")
        .has("<h2 id=\"amt-error-summary-title\">There is a problem</h2>")
        .has("<a href=\"#f-grund\">Reason for urgency: Please fill this in.</a>")
        .has("<a href=\"#f-kinder-0-vorname\">Children: Please fill this in.</a>")
        .has("value=\"Ann\"")
        .has("<title>Error: Trial application</title>");

    // Valid: the confirmation with the submission. The reason left in a
    // part that does not apply (`eilig` not ticked) is dropped, as the
    // page's script drops it; the empty first child is left out.
    let accepted = serve.post_multipart(
        "/probe/",
        &[
            ("name", "Anna <b>"),
            ("anzahl", "3"),
            ("betrag", "999,50"),
            ("farben", "rot"),
            ("farben", "blau"),
            ("grund", "egal"),
            ("kinder[0].vorname", ""),
            ("kinder[1].vorname", "Max"),
            ("kinder[1].alter", "4"),
        ],
    );
    accepted
        .assert(200)
        .has("<html lang=\"de\">")
        .has("<h1>Antrag eingegangen</h1>")
        .has("&quot;name&quot;: &quot;Anna &lt;b&gt;&quot;")
        .has("&quot;betrag&quot;: 999.5")
        .has("&quot;vorname&quot;: &quot;Max&quot;")
        .has("&quot;alter&quot;: 4")
        .has("1.234,50\u{a0}€")
        .lacks("egal")
        .lacks("Anna <b>");
    assert_no_inline_code(&accepted.body);

    // The JSON of the page's script, when it ran.
    let json = r#"{"name":"Bea","anzahl":7}"#;
    serve
        .post_multipart(
            "/probe/index.html",
            &[("amt_submission", json), ("name", "ignored")],
        )
        .assert(422)
        .has("Anzahl: Sieben ist nicht erlaubt.")
        .has("value=\"Bea\"");

    // The debug page: every submission, newest first.
    let log = serve.get("/__amt/submissions");
    log.assert(200)
        .has("<html lang=\"en\">")
        .has("#4 probe")
        .has("#3 probe: <span class=\"amt-serve-valid\">valid</span>")
        .has("#2 probe: <span class=\"amt-serve-invalid\">invalid: 2 errors")
        .has("#1 probe: <span class=\"amt-serve-invalid\">invalid: 4 errors")
        .has("form fields without the page&#x27;s script (application&#x2f;x-www-form-urlencoded)")
        .has("form fields without the page&#x27;s script (multipart&#x2f;form-data)")
        .has("the field amt_submission")
        .has("Sieben ist nicht erlaubt.")
        .has("&quot;vorname&quot;: &quot;Max&quot;")
        .has("/__amt/reload.js");
    let newest = log.body.find("#4 probe").unwrap();
    assert!(newest < log.body.find("#3 probe").unwrap());
    assert!(log.body.find("#2 probe").unwrap() < log.body.find("#1 probe").unwrap());
    assert_no_inline_code(&log.body);

    // Saving a change builds again: the counter moves, the page changes.
    std::fs::write(
        &source,
        PROJECT.replace(
            "Name des Antragstellers",
            "Name der antragstellenden Person",
        ),
    )
    .unwrap();
    let version = serve.wait_for_build_after(1);
    assert_eq!(version, 2);
    serve
        .get("/probe/")
        .assert(200)
        .has("Name der antragstellenden Person")
        .has("data-version=\"2\"")
        .lacks("Name des Antragstellers");

    // A change with an error: nothing new is served, serve keeps running.
    std::fs::write(
        &source,
        PROJECT.replace("field name: text(max 40)", "field name: txet(max 40)"),
    )
    .unwrap();
    let start = Instant::now();
    while !serve.log().contains("still serving build 2") {
        assert!(start.elapsed() < Duration::from_secs(60), "{}", serve.log());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(serve.version(), 2);
    serve
        .get("/probe/")
        .assert(200)
        .has("Name der antragstellenden Person");
    serve
        .get("/__amt/submissions")
        .has("The last build failed (the terminal lists why); build 2 is still served.");
    std::fs::write(&source, PROJECT.replace("\"Eins\"", "\"Erstens\"")).unwrap();
    assert_eq!(serve.wait_for_build_after(2), 3);
    serve
        .get("/probe/")
        .assert(200)
        .has("Erstens")
        .has("Name des Antragstellers");
}

#[test]
fn bad_requests_get_plain_answers() {
    let temp = Temp::new("bad");
    let project = temp.0.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("probe.amt"), PROJECT).unwrap();
    let serve = Serve::start(&project, &temp.0);
    let plain = |r: &Reply, status: u16| {
        r.assert(status);
        assert!(
            r.header("content-type").unwrap().starts_with("text/plain"),
            "{r:#?}"
        );
    };
    plain(&serve.get("/nicht-da.html"), 404);
    plain(&serve.get("/probe/nicht-da.html"), 404);
    plain(&serve.get("/__amt/nothing"), 404);
    plain(&serve.get("/../../etc/passwd"), 404);
    plain(&serve.get("/probe/%2e%2e/%2e%2e/etc/passwd"), 404);
    plain(&serve.get("/%ff"), 400);
    plain(&serve.get("/%00"), 400);
    let moved = serve.get("/probe");
    plain(&moved, 301);
    assert_eq!(moved.header("location"), Some("/probe/"));
    // Only the forms' pages take posts.
    let not_allowed = serve.post_form("/probe/schema.json", "a=1");
    plain(&not_allowed, 405);
    assert_eq!(not_allowed.header("allow"), Some("GET, HEAD"));
    plain(&serve.post_form("/", "a=1"), 405);
    plain(&serve.post_form("/__amt/version", "a=1"), 405);
    plain(&serve.post_form("/probe/index.fr.html", "a=1"), 404);
    let put = serve.request("PUT", "/probe/", Some("text/plain"), b"x");
    plain(&put, 405);
    assert_eq!(put.header("allow"), Some("GET, HEAD, POST"));
    plain(
        &serve.request("DELETE", "/probe/index.html", None, b""),
        405,
    );
    // Bodies: their kind, their form, their size.
    plain(
        &serve.request("POST", "/probe/", Some("text/plain"), b"name=x"),
        415,
    );
    plain(&serve.request("POST", "/probe/", None, b"name=x"), 415);
    plain(
        &serve.request(
            "POST",
            "/probe/",
            Some("multipart/form-data; boundary=xyz"),
            b"--xyz\r\nno end",
        ),
        400,
    );
    plain(
        &serve.request("POST", "/probe/", Some("multipart/form-data"), b"x"),
        400,
    );
    plain(
        &serve.post_multipart("/probe/", &[("amt_submission", "{not json")]),
        400,
    );
    let huge = serve.raw(
        &format!(
            "POST /probe/ HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000000\r\n\r\n",
            serve.port
        ),
        b"name=x",
    );
    plain(&huge, 413);
    // Another site's name for this server (DNS rebinding) is refused.
    let foreign = serve.raw(
        "GET / HTTP/1.0\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n",
        b"",
    );
    plain(&foreign, 400);
    let localhost = serve.raw(
        &format!("GET / HTTP/1.0\r\nHost: localhost:{}\r\n\r\n", serve.port),
        b"",
    );
    localhost.assert(200);
    // The server is still there, and nothing of it panicked.
    serve.get("/probe/").assert(200);
    assert!(!serve.log().contains("panicked"), "{}", serve.log());
    assert_eq!(
        serve
            .get("/__amt/submissions")
            .body
            .matches("amt-serve-submission")
            .count(),
        0
    );
}

#[test]
fn a_project_with_errors_waits_for_its_first_build() {
    let temp = Temp::new("broken");
    let project = temp.0.join("project");
    std::fs::create_dir_all(&project).unwrap();
    let source = project.join("probe.amt");
    std::fs::write(
        &source,
        PROJECT.replace("version 1.0.0", "version 1.0.0 oops"),
    )
    .unwrap();
    let serve = Serve::start(&project, &temp.0);
    assert_eq!(serve.version(), 0);
    serve
        .get("/probe/")
        .assert(503)
        .has("Nothing built yet")
        .has("<script src=\"/__amt/reload.js\" defer data-version=\"0\"></script>");
    std::fs::write(&source, PROJECT).unwrap();
    assert_eq!(serve.wait_for_build_after(0), 1);
    serve.get("/probe/").assert(200).has("Probeantrag");
}
