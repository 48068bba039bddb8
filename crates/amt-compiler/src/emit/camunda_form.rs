//! The clerk's side in Camunda 8: a Camunda Form (form-js, schema version
//! 16, the Camunda 8.6 era) for every user task of the workflow, which the
//! BPMN links with `zeebe:formDefinition formId=… bindingType="deployment"`
//! (Camunda 8.6 linked forms). Deployed together with `workflow.bpmn`, the
//! forms give a working Tasklist.
//!
//! A form shows the step and the case data the clerk decides on, read-only
//! (a Markdown text with templates, which is never submitted), and asks the
//! step's decisions: a yes-or-no decision as a radio of `true`/`false`, a
//! choice as a select of its code list, each required; Nebenbestimmungen
//! as a checklist of their code list, and text the clerk writes (a
//! Begründung) as a text area, required where a document reads it. The variables a
//! form sets are exactly its step's decisions, the names the gateways'
//! conditions read. Zeebe takes a form by its file name's suffix `.form`.

use crate::ir::{self, ActorKind, NodeKind, Procedure, State, Ty};
use serde_json::{Value as Json, json};

/// The form-js schema version of Camunda 8.6 (form-js 1.10).
pub const SCHEMA_VERSION: u64 = 16;

/// The form id of a step: the procedure and the step, in the letters
/// tools accept everywhere (`bauantrag-bayern-pruefung`).
pub fn form_id(procedure: &str, step: &str) -> String {
    format!("{procedure}-{step}").replace('_', "-")
}

/// Every user task's form: its file name and its JSON.
pub fn forms(p: &Procedure) -> Vec<(String, Json)> {
    let Some(w) = &p.workflow else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut states: Vec<&State> = w.states.iter().collect();
    let mut i = 0;
    while i < states.len() {
        let s = states[i];
        states.extend(&s.branches);
        i += 1;
    }
    for s in states {
        if !is_user_task(w, s) {
            continue;
        }
        let id = form_id(&p.id, &s.id);
        out.push((format!("{id}.form"), form(p, s, &id)));
    }
    out
}

/// Whether the BPMN makes `s` a user task: a step (not a payment) of an
/// actor that is not the system.
pub fn is_user_task(w: &ir::Workflow, s: &State) -> bool {
    if !matches!(s.kind, ir::StateKind::Step) || s.amount.is_some() {
        return false;
    }
    let kind = s
        .actor
        .as_deref()
        .and_then(|a| w.actors.iter().find(|x| x.id == a))
        .map_or(ActorKind::System, |a| a.kind);
    kind != ActorKind::System
}

fn form(p: &Procedure, s: &State, id: &str) -> Json {
    let lang = p.source_language();
    let german = amt_model::is_german(lang);
    let text = |t: &ir::I18n| t.pick(lang, lang).unwrap_or_default().to_string();
    let title = text(&p.title);
    let mut components = vec![json!({
        "type": "text",
        "id": "Step",
        "text": format!("## {}\n\n{title}", text(&s.label)),
    })];
    // The case data, page by page, read-only.
    let mut pages = Vec::new();
    for page in &p.pages {
        let mut lines = Vec::new();
        for n in &page.items {
            data_lines(n, lang, &mut lines);
        }
        if !lines.is_empty() {
            pages.push(format!(
                "### {}\n\n{}",
                text(&page.label),
                lines.join("\n\n")
            ));
        }
    }
    if !pages.is_empty() {
        components.push(json!({
            "type": "group",
            "id": "CaseData",
            "label": if german { "Angaben im Antrag" } else { "Details in the application" },
            "showOutline": true,
            "path": "",
            "components": [{
                "type": "text",
                "id": "CaseDataText",
                "text": pages.join("\n\n"),
            }],
        }));
    }
    // A text the documents read must be written; Nebenbestimmungen may be
    // none.
    let read: std::collections::BTreeSet<&str> = w_documents(p)
        .flat_map(|doc| &doc.parts)
        .flat_map(|part| part.text.values())
        .flat_map(|t| placeholders(t))
        .collect();
    for d in &s.decisions {
        let label = text(&d.label);
        let component = match &d.ty {
            Ty::CodeSet { codelist } => json!({
                "type": "checklist",
                "id": format!("Decision_{}", d.id),
                "key": d.id,
                "label": label,
                "values": code_values(p, codelist, &text),
            }),
            Ty::Text => json!({
                "type": "textarea",
                "id": format!("Decision_{}", d.id),
                "key": d.id,
                "label": label,
                "validate": {"required": read.contains(d.id.as_str())},
            }),
            Ty::Code { codelist } => json!({
                "type": "select",
                "id": format!("Decision_{}", d.id),
                "key": d.id,
                "label": label,
                "values": code_values(p, codelist, &text),
                "validate": {"required": true},
            }),
            _ => json!({
                "type": "radio",
                "id": format!("Decision_{}", d.id),
                "key": d.id,
                "label": label,
                "values": [
                    {"label": if german { "Ja" } else { "Yes" }, "value": true},
                    {"label": if german { "Nein" } else { "No" }, "value": false},
                ],
                "validate": {"required": true},
            }),
        };
        components.push(component);
    }
    json!({
        "type": "default",
        "id": id,
        "schemaVersion": SCHEMA_VERSION,
        "executionPlatform": "Camunda Cloud",
        "executionPlatformVersion": "8.6.0",
        "exporter": {"name": "amt", "version": env!("CARGO_PKG_VERSION")},
        "components": components,
    })
}

/// The documents of the procedure's workflow.
fn w_documents(p: &Procedure) -> impl Iterator<Item = &ir::Document> {
    p.workflow.iter().flat_map(|w| &w.documents)
}

/// The first names of the `{path}` placeholders of a text.
fn placeholders(text: &str) -> Vec<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}'))
        .map(|(path, _)| path.split('.').next().unwrap_or(path))
        .collect()
}

/// A code list's values as form-js options.
fn code_values(p: &Procedure, codelist: &str, text: &dyn Fn(&ir::I18n) -> String) -> Vec<Json> {
    p.codelists
        .get(codelist)
        .map(|l| {
            l.values
                .iter()
                .map(|c| json!({"label": text(&c.label), "value": c.code}))
                .collect()
        })
        .unwrap_or_default()
}

/// The Markdown lines that show a node's answer: `**Label:** {{path}}`
/// for a field, a group's fields below it; a repeat or an attachment is
/// named, its items are in the case.
fn data_lines(n: &ir::Node, lang: &str, out: &mut Vec<String>) {
    let label = n
        .label
        .as_ref()
        .and_then(|l| l.pick(lang, lang))
        .unwrap_or(&n.id);
    let label = markdown(label);
    let german = amt_model::is_german(lang);
    match &n.kind {
        _ if n.repeat.is_some() => out.push(format!(
            "**{label}:** {}",
            if german {
                "siehe Antrag (mehrere Einträge)"
            } else {
                "see the application (several entries)"
            }
        )),
        NodeKind::Field { .. } => {
            out.push(format!("**{label}:** {{{{{}}}}}", n.path));
        }
        NodeKind::Group { items, .. } => {
            for item in items {
                data_lines(item, lang, out);
            }
        }
        NodeKind::Attachment { .. } => out.push(format!(
            "**{label}:** {}",
            if german {
                "siehe Anlagen"
            } else {
                "see the attachments"
            }
        )),
        // Computed values are not case data: the process computes them.
        NodeKind::Note { .. } | NodeKind::Computed { .. } => {}
    }
}

/// A label as Markdown text: the characters Markdown or the templates
/// would read escaped.
fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '*' | '_' | '`' | '[' | ']' | '#' | '{' | '}' | '\\' | '<' | '>'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
