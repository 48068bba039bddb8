//! `amt lsp` spoken to as an editor does: a subprocess, JSON-RPC over stdio.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: mpsc::Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
    dir: PathBuf,
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn read_message(out: &mut BufReader<ChildStdout>) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    out.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Starts `amt lsp` on a copy of `forms/`.
    fn start(name: &str) -> Client {
        let dir = std::env::temp_dir().join(format!("amt-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("forms"), &dir);
        let mut child = Command::new(env!("CARGO_BIN_EXE_amt"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 1,
            notifications: Vec::new(),
            dir,
        };
        let root = client.uri("");
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        assert!(
            init["capabilities"]["hoverProvider"] == json!(true),
            "{init}"
        );
        assert!(
            init["capabilities"]["renameProvider"] == json!(true),
            "{init}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, file: &str) -> String {
        format!("file://{}/{file}", self.dir.display())
            .trim_end_matches('/')
            .to_string()
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn receive(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.receive();
            if m["id"] == json!(id) {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.notifications.push(m);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.notifications.iter().position(|n| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
        }) {
            let n = self.notifications.remove(i);
            return n["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.receive();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, file: &str) -> String {
        let text = std::fs::read_to_string(self.dir.join(file)).unwrap();
        let uri = self.uri(file);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "amt", "version": 1, "text": text}}),
        );
        text
    }

    fn change(&mut self, file: &str, version: i64, text: &str) {
        let uri = self.uri(file);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// The position of the `nth` occurrence of `needle` in a file's text,
    /// plus `plus` characters.
    fn at(&self, text: &str, file: &str, needle: &str, nth: usize, plus: usize) -> Value {
        let offset = text.match_indices(needle).nth(nth).unwrap().0 + plus;
        let line = text[..offset].matches('\n').count();
        let column = text[..offset]
            .rsplit('\n')
            .next()
            .unwrap()
            .encode_utf16()
            .count();
        json!({"textDocument": {"uri": self.uri(file)}, "position": {"line": line, "character": column}})
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

const FILE: &str = "wohnsitzanmeldung.amt";

#[test]
fn diagnostics_come_as_you_type_and_go_when_fixed() {
    let mut c = Client::start("diag");
    let text = c.open(FILE);
    let uri = c.uri(FILE);
    let broken = text.replacen(
        "when status in [haupt, neben]",
        "when statu in [haupt, neben]",
        1,
    );
    c.change(FILE, 2, &broken);
    let diags = c.diagnostics_for(&uri);
    // The same as `amt check`: the unknown name, once; the code values
    // compared with it are not reported again.
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags
            .iter()
            .all(|d| d["code"] == "E0101" && d["severity"] == 1 && d["source"] == "amt")
    );
    let message = diags[0]["message"].as_str().unwrap();
    assert!(
        message.contains("statu") && message.contains("status"),
        "{message}"
    );
    let line = text[..text.find("when status in").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(diags[0]["range"]["start"]["line"], line);
    assert_eq!(diags[0]["range"]["start"]["character"], 11);
    assert_eq!(diags[0]["range"]["end"]["character"], 16);

    c.change(FILE, 3, &text);
    assert!(c.diagnostics_for(&uri).is_empty());

    // A syntax error, then a file that is fixed again.
    c.change(
        FILE,
        4,
        &text.replacen("field einzug: date", "field einzug date", 1),
    );
    let diags = c.diagnostics_for(&uri);
    assert!(diags.iter().any(|d| d["code"] == "E0001"), "{diags:?}");
    c.change(FILE, 5, &text);
    assert!(c.diagnostics_for(&uri).is_empty());
    let _ = c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
}

#[test]
fn hover_definition_references_and_rename() {
    let mut c = Client::start("names");
    let text = c.open(FILE);

    // Hover over a use of a field: its kind, type, label and condition.
    let hover = c.request(
        "textDocument/hover",
        c.at(&text, FILE, "when status in", 0, 6),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("**field** `status`"), "{value}");
    assert!(value.contains("choice(wohnungsstatus)"), "{value}");
    assert!(value.contains("Die neue Wohnung ist"), "{value}");
    assert!(value.contains("required"), "{value}");

    // Its legal basis, as cited (the citation carries its own `§`).
    let hover = c.request(
        "textDocument/hover",
        c.at(&text, FILE, "field einzug:", 0, 7),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("legal basis: § 17 Abs. 1 BMG"), "{value}");
    assert!(!value.contains("§ §"), "{value}");

    // Definition of the use: the field's name.
    let def = c.request(
        "textDocument/definition",
        c.at(&text, FILE, "when status in", 0, 6),
    );
    let line = text[..text.find("field status:").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(def["uri"], c.uri(FILE));
    assert_eq!(def["range"]["start"]["line"], line);
    assert_eq!(def["range"]["start"]["character"], 10);

    // A code value resolves to its code list's entry.
    let def = c.request(
        "textDocument/definition",
        c.at(&text, FILE, "[haupt, neben]", 0, 1),
    );
    let line = text[..text.find("  haupt ").unwrap()].matches('\n').count();
    assert_eq!(def["range"]["start"]["line"], line, "{def}");

    // A group imported from another file: defined there, used in several files.
    let def = c.request(
        "textDocument/definition",
        c.at(&text, FILE, ": anschrift ", 0, 2),
    );
    assert_eq!(def["uri"], c.uri("common/anschrift.amt"), "{def}");
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": c.uri(FILE)}, "position": c.at(&text, FILE, ": anschrift ", 0, 2)["position"], "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().unwrap();
    let files: std::collections::BTreeSet<&str> =
        refs.iter().map(|r| r["uri"].as_str().unwrap()).collect();
    assert!(
        files.len() >= 4,
        "used in the procedures and declared in common: {files:?}"
    );
    assert!(files.contains(c.uri("common/anschrift.amt").as_str()));

    // Rename a field: its declaration and every use, rules, deadline and
    // examples included.
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": c.uri(FILE)}, "position": c.at(&text, FILE, "field einzug:", 0, 6)["position"], "newName": "einzugstag"}),
    );
    let edits = edit["changes"][c.uri(FILE)].as_array().unwrap();
    let uses = text
        .match_indices("einzug")
        .filter(|(i, _)| {
            let after = text[i + 6..].chars().next().unwrap();
            let before = text[..*i].chars().last().unwrap();
            !(after.is_alphanumeric() || after == '_' || before.is_alphanumeric() || before == '_')
        })
        .count();
    assert_eq!(edits.len(), uses, "{edits:?}");
    assert!(edits.iter().all(|e| e["newText"] == "einzugstag"));
    assert_eq!(edit["changes"].as_object().unwrap().len(), 1);

    // Not a name: refused with a reason.
    let id = 99;
    c.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/rename", "params": {"textDocument": {"uri": c.uri(FILE)}, "position": c.at(&text, FILE, "field einzug:", 0, 6)["position"], "newName": "Einzugstag-neu"}}));
    let reply = loop {
        let m = c.receive();
        if m["id"] == id {
            break m;
        }
    };
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a name"),
        "{reply}"
    );
}

#[test]
fn completion_outline_and_formatting() {
    let mut c = Client::start("complete");
    let text = c.open(FILE);
    let labels = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };

    // A statement inside a field: keywords and the names in scope.
    let at_rule = c.at(&text, FILE, "      rule einzug <= today", 0, 6);
    let items = labels(&c.request("textDocument/completion", at_rule));
    for want in ["rule", "when", "required", "einzug", "status", "haupt"] {
        assert!(items.iter().any(|i| i == want), "{want} in {items:?}");
    }
    // After `autocomplete`: the HTML tokens; after `:`, the types.
    let edited = text.replacen("      required\n", "      autocomplete \n", 1);
    c.change(FILE, 2, &edited);
    let items = labels(&c.request(
        "textDocument/completion",
        c.at(&edited, FILE, "autocomplete \n", 0, 13),
    ));
    assert!(items.iter().any(|i| i == "street-address"), "{items:?}");
    let items = labels(&c.request(
        "textDocument/completion",
        c.at(&edited, FILE, "field einzug: ", 0, 14),
    ));
    for want in ["text", "date", "anschrift"] {
        assert!(items.iter().any(|i| i == want), "{want} in {items:?}");
    }

    // After a group's name and `.`: its parts, also those of the declared
    // group it is made of (in another file), in examples as in conditions;
    // at an empty place in an expression: the names in scope.
    let edited = text.replacen(
        "    bisherige.strasse = \"Hauptstraße\"\n",
        "    bisherige.\n",
        1,
    );
    c.change(FILE, 3, &edited);
    let items = labels(&c.request(
        "textDocument/completion",
        c.at(&edited, FILE, "    bisherige.\n", 0, 14),
    ));
    for want in ["strasse", "hausnummer", "plz", "ort"] {
        assert!(items.iter().any(|i| i == want), "{want} in {items:?}");
    }
    assert!(
        !items.iter().any(|i| i == "procedure" || i == "einzug"),
        "{items:?}"
    );
    let edited = text.replacen("      required\n", "      when adresse.\n", 1);
    c.change(FILE, 4, &edited);
    let items = labels(&c.request(
        "textDocument/completion",
        c.at(&edited, FILE, "when adresse.\n", 0, 13),
    ));
    assert!(items.iter().any(|i| i == "plz"), "{items:?}");
    let edited = text.replacen("      required\n", "      when \n", 1);
    c.change(FILE, 5, &edited);
    let items = labels(&c.request(
        "textDocument/completion",
        c.at(&edited, FILE, "      when \n", 0, 11),
    ));
    for want in ["einzug", "status", "haupt", "age"] {
        assert!(items.iter().any(|i| i == want), "{want} in {items:?}");
    }
    c.change(FILE, 6, &text);

    // The outline: the procedure, its pages, their fields.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": c.uri(FILE)}}),
    );
    let procedure = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "wohnsitzanmeldung")
        .expect("the procedure is in the outline");
    let page = procedure["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "neue_wohnung")
        .expect("its first page");
    assert!(
        page["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "einzug")
    );

    // Formatting: a formatted file needs no edit, a messy one gets one.
    let none = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": c.uri(FILE)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(none, json!([]));
    let messy = text.replacen("    field einzug: date", "field   einzug :date", 1);
    c.change(FILE, 7, &messy);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": c.uri(FILE)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(edits[0]["newText"], text.as_str());
}

#[test]
fn renames_across_files_and_follows_the_disk() {
    let mut c = Client::start("disk");
    let text = c.open(FILE);

    // A group declared in common/ and used in several procedures: renamed
    // at its declaration, its import and every use, in every file.
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": c.uri(FILE)}, "position": c.at(&text, FILE, ": anschrift ", 0, 2)["position"], "newName": "adresse_de"}),
    );
    let changes = edit["changes"].as_object().unwrap();
    assert!(
        changes.len() >= 4,
        "{:?}",
        changes.keys().collect::<Vec<_>>()
    );
    let common = &changes[&c.uri("common/anschrift.amt")];
    assert!(
        common
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["range"]["start"]["line"] == 9),
        "{common}"
    );
    let own = changes[&c.uri(FILE)].as_array().unwrap();
    let written = text.matches("anschrift,").count()
        + text.matches(": anschrift ").count()
        + text.matches(": anschrift[").count();
    assert_eq!(own.len(), written, "{own:?}");

    // Closed without saving: the text on disk counts again.
    let uri = c.uri(FILE);
    c.change(
        FILE,
        2,
        &text.replacen("field einzug: date", "field einzug date", 1),
    );
    assert!(!c.diagnostics_for(&uri).is_empty());
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(c.diagnostics_for(&uri).is_empty());

    // Changed on disk by another program.
    let other = "gewerbeanmeldung.amt";
    let path = c.dir.join(other);
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, original.replacen("procedure ", "procedure ~", 1)).unwrap();
    let other_uri = c.uri(other);
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": other_uri, "type": 2}]}),
    );
    let diags = c.diagnostics_for(&other_uri);
    assert!(diags.iter().any(|d| d["code"] == "E0001"), "{diags:?}");
}

/// Workflow names follow the checker's resolution too: a state (in `goto`,
/// a timer's `from`, a parallel branch's way out, an example's `expect
/// path`), a decision (its guards and the examples' `decide`), an actor
/// (`by`) and a document (`issue`): renaming one renames every use in the
/// procedure, and nothing else.
#[test]
fn workflow_names_are_renamed_wherever_the_checker_reads_them() {
    const BAU: &str = "bauantrag.amt";
    let mut c = Client::start("workflow-names");
    let text = c.open(BAU);
    let whole_words = |name: &str| {
        text.match_indices(name)
            .filter(|(i, _)| {
                let after = text[i + name.len()..].chars().next().unwrap_or(' ');
                let before = text[..*i].chars().last().unwrap_or(' ');
                !(after.is_alphanumeric()
                    || after == '_'
                    || before.is_alphanumeric()
                    || before == '_')
            })
            .count()
    };
    for (declared, name) in [
        ("parallel beteiligung", "beteiligung"),
        ("decide vollstaendig:", "vollstaendig"),
        ("actor bauaufsicht:", "bauaufsicht"),
        ("document nachforderung", "nachforderung"),
    ] {
        let at = c.at(&text, BAU, declared, 0, declared.find(name).unwrap() + 1);
        let edit = c.request(
            "textDocument/rename",
            json!({"textDocument": {"uri": c.uri(BAU)}, "position": at["position"], "newName": "neu"}),
        );
        let edits = edit["changes"][c.uri(BAU)].as_array().unwrap();
        assert_eq!(edits.len(), whole_words(name), "{name}: {edits:?}");
        assert!(whole_words(name) >= 2, "{name} is declared and used");
    }
}

#[test]
fn a_column_read_shows_its_column_and_completes() {
    let mut c = Client::start("columns");
    let kfz = "kfz_zulassung.amt";
    let text = c.open(kfz);
    // Hover and definition of `vorgang.gebuehr`: the column of the list.
    let at = c.at(&text, kfz, "vorgang.gebuehr", 0, 9);
    let hover = c.request("textDocument/hover", at.clone());
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("**column** `gebuehr`: `money`"), "{value}");
    assert!(value.contains("Gebühr (online)"), "{value}");
    let def = c.request("textDocument/definition", at);
    let line = text[..text.find("column gebuehr").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(def["range"]["start"]["line"], line, "{def}");
    // After `vorgang.`: the list's columns.
    let edited = text.replacen("vorgang.gebuehr +", "vorgang. +", 1);
    c.change(kfz, 2, &edited);
    let items = c.request(
        "textDocument/completion",
        c.at(&edited, kfz, "vorgang. +", 0, 8),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"gebuehr") && labels.contains(&"neues_kennzeichen"),
        "{labels:?}"
    );
}

#[test]
fn municipality_files_show_resolved_values_and_lead_to_declarations() {
    let mut c = Client::start("municipal");
    let file = "kommunen/landkreis_starnberg.amt";
    let text = c.open(file);
    // Hover on a parameter of a `set`: the value in force and its origin.
    let hover = c.request(
        "textDocument/hover",
        c.at(&text, file, "hundesteuer.satz = 80", 0, 13),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("**parameter** `hundesteuer.satz`"),
        "{value}"
    );
    assert!(
        value.contains("until 2024-12-31") && value.contains("from 2025-01-01"),
        "{value}"
    );
    assert!(
        value.contains("← Stadt Starnberg (091880139139, gemeinde)"),
        "{value}"
    );
    // Hover on the authority of an inherited offer: where it is declared.
    let hover = c.request("textDocument/hover", c.at(&text, file, "by lra", 0, 4));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("Landratsamt Starnberg"), "{value}");
    assert!(value.contains("Strandbadstraße 2"), "{value}");
    // Hover on a Gemeinde's key: what it offers and from whom.
    let hover = c.request(
        "textDocument/hover",
        c.at(&text, file, "\"091880113113\"", 0, 2),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("`kfz_zulassung` by Landratsamt Starnberg"),
        "{value}"
    );
    assert!(value.contains("within Landkreis Starnberg"), "{value}");
    // Go to the parameter's declaration in the procedure.
    let def = c.request(
        "textDocument/definition",
        c.at(&text, file, "hundesteuer.satz_kampfhund", 0, 13),
    );
    assert!(
        def["uri"].as_str().unwrap().ends_with("hundesteuer.amt"),
        "{def}"
    );
    let procedure = std::fs::read_to_string(c.dir.join("hundesteuer.amt")).unwrap();
    let line = procedure[..procedure.find("parameter satz_kampfhund").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(def["range"]["start"]["line"], line, "{def}");
    // Go from `by rathaus` to the Gemeinde's own authority.
    let def = c.request(
        "textDocument/definition",
        c.at(&text, file, "by rathaus", 0, 4),
    );
    let line = text[..text.find("authority rathaus").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(def["range"]["start"]["line"], line, "{def}");

    // München's local questions: hover says whose they are, and the
    // point leads to the procedure's `extension`.
    let file = "kommunen/muenchen.amt";
    let text = c.open(file);
    let hover = c.request(
        "textDocument/hover",
        c.at(&text, file, "hundesteuer.gemeinde", 0, 13),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("**extension point** `hundesteuer.gemeinde`")
            && value.contains("← Landeshauptstadt München (091620000000"),
        "{value}"
    );
    let def = c.request(
        "textDocument/definition",
        c.at(&text, file, "hundesteuer.gemeinde", 0, 13),
    );
    let line = procedure[..procedure.find("extension gemeinde").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(def["range"]["start"]["line"], line, "{def}");
}
