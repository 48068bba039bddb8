//! Workflows: the BPMN diagram is laid out readably (no shapes overlap,
//! flows go left to right except loops), and the outputs of a small
//! workflow are pinned as reviewed snapshots.

mod common;

use regex::Regex;
use std::collections::{HashMap, HashSet};

type Rect = (i64, i64, i64, i64);

fn procedures(dir: &str) -> Vec<amt_compiler::ir::Procedure> {
    let (_, compiled) =
        amt_compiler::check_project(std::path::Path::new(dir)).expect("the project reads");
    assert!(
        !compiled.failed(false),
        "{dir} checks clean: {:?}",
        compiled.diagnostics
    );
    compiled.procedures
}

fn shapes(xml: &str) -> HashMap<String, Rect> {
    let re = Regex::new(r#"bpmnElement="([^"]+)"[^>]*>\s*<dc:Bounds x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)""#).unwrap();
    re.captures_iter(xml)
        .map(|c| {
            (
                c[1].to_string(),
                (
                    c[2].parse().unwrap(),
                    c[3].parse().unwrap(),
                    c[4].parse().unwrap(),
                    c[5].parse().unwrap(),
                ),
            )
        })
        .collect()
}

fn contains(outer: Rect, inner: Rect) -> bool {
    outer.0 <= inner.0
        && outer.1 <= inner.1
        && inner.0 + inner.2 <= outer.0 + outer.2
        && inner.1 + inner.3 <= outer.1 + outer.3
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

#[test]
fn diagrams_have_no_overlapping_shapes_and_flow_left_to_right() {
    let mut checked = 0;
    let boundary_re =
        Regex::new(r#"<bpmn:boundaryEvent id="([^"]+)"[^>]*attachedToRef="([^"]+)""#).unwrap();
    let flow_re = Regex::new(r#"<bpmn:sequenceFlow id="[^"]+"(?: name="[^"]*")? sourceRef="([^"]+)" targetRef="([^"]+)""#).unwrap();
    for p in procedures("forms")
        .iter()
        .chain(&procedures("tests/workflows"))
    {
        let Some(xml) = amt_compiler::emit::bpmn::bpmn(p) else {
            continue;
        };
        checked += 1;
        let shapes = shapes(&xml);
        let attached: HashMap<String, String> = boundary_re
            .captures_iter(&xml)
            .map(|c| (c[1].to_string(), c[2].to_string()))
            .collect();
        let ids: Vec<&String> = shapes.keys().collect();
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                let (ra, rb) = (shapes[*a], shapes[*b]);
                let allowed = contains(ra, rb)
                    || contains(rb, ra)
                    || attached
                        .get(*a)
                        .is_some_and(|t| t == *b || contains(shapes[t], rb))
                    || attached
                        .get(*b)
                        .is_some_and(|t| t == *a || contains(shapes[t], ra));
                assert!(
                    allowed || !overlap(ra, rb),
                    "{}: `{a}` {ra:?} overlaps `{b}` {rb:?}",
                    p.id
                );
            }
        }
        // Every flow not on a loop leads to the right.
        let flows: Vec<(String, String)> = flow_re
            .captures_iter(&xml)
            .map(|c| (c[1].to_string(), c[2].to_string()))
            .collect();
        assert!(!flows.is_empty());
        let reach = |from: &str| {
            let mut seen = HashSet::new();
            let mut stack = vec![from.to_string()];
            while let Some(n) = stack.pop() {
                if seen.insert(n.clone()) {
                    let from_task = attached
                        .iter()
                        .filter(|(_, t)| **t == n)
                        .map(|(b, _)| b.clone());
                    stack.extend(
                        flows
                            .iter()
                            .filter(|(s, _)| *s == n)
                            .map(|(_, t)| t.clone())
                            .chain(from_task),
                    );
                }
            }
            seen
        };
        for (s, t) in &flows {
            if reach(t).contains(s) {
                continue; // a loop back
            }
            let (rs, rt) = (shapes[s], shapes[t]);
            assert!(
                rt.0 + rt.2 / 2 > rs.0 + rs.2 / 2,
                "{}: the flow `{s}` → `{t}` goes left ({rs:?} → {rt:?})",
                p.id
            );
        }
    }
    assert_eq!(
        checked, 7,
        "every procedure of forms/ and the fixtures has a workflow"
    );
}

#[test]
fn the_outputs_of_a_payment_are_as_reviewed() {
    let all = procedures("tests/workflows");
    let p = all
        .iter()
        .find(|p| p.id == "payment")
        .expect("the payment fixture");
    let json = amt_compiler::emit::workflow::workflow_json(p).expect("a workflow");
    let bezahlung = &json["states"][2];
    assert_eq!(bezahlung["kind"], "payment");
    // The fees, added up, in amt's words and in FEEL.
    assert_eq!(bezahlung["amount"]["amt"], "grundgebuehr + tagesgebuehr");
    insta::assert_snapshot!(
        "payment.workflow.json",
        serde_json::to_string_pretty(&json).unwrap()
    );
    insta::assert_snapshot!(
        "payment.workflow.bpmn",
        amt_compiler::emit::bpmn::bpmn(p).expect("a workflow")
    );
}

#[test]
fn the_outputs_of_a_workflow_are_as_reviewed() {
    let all = procedures("tests/workflows");
    let p = all
        .iter()
        .find(|p| p.id == "hearing")
        .expect("the hearing fixture");
    let json = amt_compiler::emit::workflow::workflow_json(p).expect("a workflow");
    insta::assert_snapshot!(
        "hearing.workflow.json",
        serde_json::to_string_pretty(&json).unwrap()
    );
    insta::assert_snapshot!(
        "hearing.workflow.bpmn",
        amt_compiler::emit::bpmn::bpmn(p).expect("a workflow")
    );
}

/// Every German language tag gets German wording: a procedure written in
/// `de-AT` has German names in its BPMN, German built-in actors and German
/// country names, as its forms have.
#[test]
fn a_procedure_in_a_regional_german_gets_german_wording_everywhere() {
    let dir = common::Temp::new("de-at");
    let source = std::fs::read_to_string("tests/workflows/hearing.amt")
        .unwrap()
        .replace(
            "  version 1.0.0\n",
            "  version 1.0.0\n  languages de-AT\n",
        )
        .replace(
            "    field art: choice(ergebnis) \"Art\" { required }\n",
            "    field art: choice(ergebnis) \"Art\" { required }\n    field land: country \"Land\"\n",
        );
    dir.write("hearing.amt", source);
    let p = &procedures(dir.s())[0];
    assert_eq!(p.languages, ["de-AT"]);
    let xml = amt_compiler::emit::bpmn::bpmn(p).expect("a workflow");
    assert!(xml.contains("Verfahren abgeschlossen"), "{xml}");
    assert!(!xml.contains("Case closed"), "{xml}");
    let workflow = p.workflow.as_ref().unwrap();
    let applicant = workflow
        .actors
        .iter()
        .find(|a| a.id == "applicant")
        .unwrap();
    assert_eq!(applicant.label.get("de-AT").unwrap(), "Antragsteller");
    let countries = &p.codelists["country"];
    let de = countries.values.iter().find(|c| c.code == "DE").unwrap();
    assert_eq!(de.label.get("de-AT").unwrap(), "Deutschland");
}

/// The names an expression reads (the first part of each path).
fn reads(e: &amt_compiler::ir::Expr, out: &mut HashSet<String>) {
    use amt_compiler::ir::ExprKind as K;
    match &e.kind {
        K::Ref { path } => {
            out.insert(path.split('.').next().unwrap_or_default().to_string());
        }
        K::Unary { operand, .. } => reads(operand, out),
        K::Binary { left, right, .. } => {
            reads(left, out);
            reads(right, out);
        }
        K::If {
            condition,
            then,
            otherwise,
        } => {
            reads(condition, out);
            reads(then, out);
            reads(otherwise, out);
        }
        K::List { items } => items.iter().for_each(|i| reads(i, out)),
        K::Column { value, .. } => reads(value, out),
        K::Call { args, over, .. } => {
            if let Some(o) = over {
                out.insert(o.split('.').next().unwrap_or_default().to_string());
            }
            args.iter().for_each(|a| reads(a, out));
        }
        K::Literal { .. } | K::Today => {}
    }
}

/// Every user task has its Camunda Form, linked by id; a form sets its
/// step's decisions and nothing else, each required; and every variable a
/// gateway's condition reads is set by a form (or, for a system step, by
/// its worker) or is case data (the submission, its computed values and
/// parameters).
#[test]
fn the_clerks_forms_set_exactly_what_the_gateways_read() {
    let mut all = procedures("forms");
    all.extend(procedures("tests/workflows"));
    let (_, compiled) = amt_compiler::check_project(std::path::Path::new("forms")).unwrap();
    all.extend(compiled.instances());
    let mut checked = 0;
    let link = Regex::new(r#"formId="([^"]+)" bindingType="deployment""#).unwrap();
    for p in &all {
        let Some(w) = &p.workflow else { continue };
        let xml = amt_compiler::emit::bpmn::bpmn(p).unwrap();
        let forms = amt_compiler::emit::camunda_form::forms(p);
        let linked: HashSet<String> = link.captures_iter(&xml).map(|c| c[1].to_string()).collect();
        let ids: HashSet<String> = forms
            .iter()
            .map(|(_, f)| f["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(linked, ids, "{}: every user task links its form", p.id);
        assert!(
            !xml.contains("externalReference"),
            "{}: Tasklist shows linked forms only",
            p.id
        );
        let mut states: Vec<&amt_compiler::ir::State> = w.states.iter().collect();
        let mut i = 0;
        while i < states.len() {
            let s = states[i];
            states.extend(&s.branches);
            i += 1;
        }
        let mut set: HashSet<String> = HashSet::new();
        for s in &states {
            let form = forms.iter().find(|(name, _)| {
                *name
                    == format!(
                        "{}.form",
                        amt_compiler::emit::camunda_form::form_id(&p.id, &s.id)
                    )
            });
            let Some((_, form)) = form else {
                assert!(
                    !amt_compiler::emit::camunda_form::is_user_task(w, s),
                    "{}: the user task {} has no form",
                    p.id,
                    s.id
                );
                // A system step's decisions are its worker's result.
                set.extend(s.decisions.iter().map(|d| d.id.clone()));
                continue;
            };
            assert_eq!(form["schemaVersion"], 16);
            assert_eq!(form["executionPlatformVersion"], "8.6.0");
            let keys: Vec<&serde_json::Value> = form["components"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c.get("key").is_some())
                .collect();
            let decisions: Vec<&str> = s.decisions.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(
                keys.iter()
                    .map(|c| c["key"].as_str().unwrap())
                    .collect::<Vec<_>>(),
                decisions,
                "{}: the form of {} sets its decisions and nothing else",
                p.id,
                s.id
            );
            for c in keys {
                // Yes/no and choices are required; Nebenbestimmungen may be
                // none; a text is required where a document reads it.
                let key = c["key"].as_str().unwrap();
                let read = w.documents.iter().any(|d| {
                    d.parts.iter().any(|part| {
                        part.text
                            .values()
                            .any(|t| t.contains(&format!("{{{key}}}")))
                    })
                });
                match c["type"].as_str().unwrap() {
                    "radio" | "select" => assert_eq!(c["validate"]["required"], true, "{c}"),
                    "checklist" => assert!(c.get("validate").is_none(), "{c}"),
                    "textarea" => assert_eq!(c["validate"]["required"], read, "{c}"),
                    other => panic!("{}: a decision as `{other}`", p.id),
                }
                set.insert(key.to_string());
            }
        }
        // Where documents are issued on the way to an end, the case ends by
        // sending them through the reply channel the submission named.
        for s in &states {
            for t in s.transitions.iter().filter(|t| !t.issues.is_empty()) {
                let end = w.states.iter().find(|e| e.id == t.to);
                if end.is_some_and(|e| e.kind == amt_compiler::ir::StateKind::End) {
                    assert!(
                        xml.contains(&format!(r#"<bpmn:serviceTask id="Reply_{}""#, t.to)),
                        "{}: the end {} sends no reply",
                        p.id,
                        t.to
                    );
                }
            }
        }
        let mut case: HashSet<String> = p.top_nodes().map(|n| n.id.clone()).collect();
        case.extend(p.fees.iter().map(|f| f.id.clone()));
        case.extend(p.parameters.iter().map(|f| f.id.clone()));
        for s in &states {
            for t in &s.transitions {
                let mut read = HashSet::new();
                if let Some(w) = &t.when {
                    reads(w, &mut read);
                }
                for name in read {
                    assert!(
                        set.contains(&name) || case.contains(&name),
                        "{}: the condition on {} → {} reads `{name}`, which no form sets and the case does not hold",
                        p.id,
                        s.id,
                        t.to
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 6, "{checked}");
}
