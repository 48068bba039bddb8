//! How long an editor waits for diagnostics after a keystroke: starts
//! `amt lsp` on a project as an editor does, opens one procedure file, and
//! changes it repeatedly, alternately breaking a name and mending it; each
//! change's time is from sending `didChange` to receiving the
//! `publishDiagnostics` for the file.
//!
//!     cargo build --release
//!     cargo run --release --example corpus -- 10000 /tmp/corpus
//!     cargo run --release --example lsp_latency -- target/release/amt /tmp/corpus [EDITS]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

fn read(out: &mut impl BufRead) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server stopped");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    std::io::Read::read_exact(out, &mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(amt), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: lsp_latency AMT DIR [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.get(2).and_then(|e| e.parse().ok()).unwrap_or(40);
    let root = std::fs::canonicalize(dir).expect("the project exists");
    let file = std::fs::read_dir(root.join("verfahren/000"))
        .expect("a generated project (examples/corpus.rs)")
        .map(|e| e.unwrap().path())
        .min()
        .expect("a procedure file");
    let text = std::fs::read_to_string(&file).unwrap();
    let uri = format!("file://{}", file.display());

    let mut child = Command::new(amt)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("amt runs");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |m: Value| {
        let body = m.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };

    let started = Instant::now();
    send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}}));
    while read(&mut stdout)["id"] != 1 {}
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri, "languageId": "amt", "version": 1, "text": text}}}));
    // The first answer comes when the whole project is read and checked.
    send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/documentSymbol",
        "params": {"textDocument": {"uri": uri}}}),
    );
    while read(&mut stdout)["id"] != 2 {}
    println!(
        "start (the whole project read and checked): {:.2} s",
        started.elapsed().as_secs_f64()
    );

    // A condition naming a field that does not exist is an error.
    let broken = text.replacen("when ", "when nicht_da and ", 1);
    assert!(broken != text, "the procedure has a condition");
    let mut times = Vec::new();
    for edit in 0..edits {
        let next = if edit % 2 == 0 { &broken } else { &text };
        let t = Instant::now();
        send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": edit + 2}, "contentChanges": [{"text": next}]}}));
        loop {
            let m = read(&mut stdout);
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                let n = m["params"]["diagnostics"].as_array().unwrap().len();
                assert_eq!(n > 0, edit % 2 == 0, "{m}");
                break;
            }
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "a keystroke's diagnostics: median {:.1} ms, max {:.1} ms over {edits} edits",
        times[times.len() / 2],
        times[times.len() - 1]
    );

    // Every use of a shared group across the project, twice: the first
    // request indexes every file, the second finds the indexes made.
    let at = text
        .find(": person_0")
        .expect("a generated procedure uses person_0")
        + 2;
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    for (round, id) in [("first", 10), ("again", 11)] {
        let t = Instant::now();
        send(
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/references",
            "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": character},
                "context": {"includeDeclaration": true}}}),
        );
        let found = loop {
            let m = read(&mut stdout);
            if m["id"] == id {
                break m["result"].as_array().map_or(0, Vec::len);
            }
        };
        println!(
            "references of a shared group ({round}): {found} places in {:.0} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": null}));
    send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let _ = child.wait();
}
