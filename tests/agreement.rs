//! The JSON Schema and amt's validator agree on every submission:
//! - what the validator accepts, the schema accepts;
//! - what the validator rejects for a reason the schema claims to express
//!   (`Problem::schema`), the schema rejects.
//!
//! For each procedure in `forms/`, a seeded generator writes submissions:
//! random ones, ones repaired (with the validator's help) until they are
//! valid, and valid ones broken in each way the language knows. Any
//! disagreement fails with the submission printed.

use amt_compiler::ir::date::Date;
use amt_compiler::ir::formats::TextFormat;
use amt_compiler::ir::{FieldType, Node, NodeKind, Procedure};
use amt_compiler::validate::{Check, Model, Options, Report};
use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{Value as Json, json};

const PER_PROCEDURE: usize = 1200;

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A random string matching a pattern (literals, classes, repeats,
/// alternatives: what portable patterns are made of).
fn sample(hir: &Hir, rng: &mut Rng, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
        HirKind::Class(Class::Unicode(c)) => {
            let ranges = c.ranges();
            if ranges.is_empty() {
                return;
            }
            let r = rng.pick(ranges);
            let (a, b) = (
                r.start() as u32,
                (r.end() as u32).min(r.start() as u32 + 60),
            );
            let c = char::from_u32(a + rng.below(u64::from(b - a + 1)) as u32).unwrap_or('a');
            out.push(c);
        }
        HirKind::Class(Class::Bytes(c)) => {
            if let Some(r) = c.ranges().first() {
                out.push(r.start() as char);
            }
        }
        HirKind::Repetition(r) => {
            let max = r.max.unwrap_or(r.min + 3).min(r.min + 3);
            let n = r.min + rng.below(u64::from(max - r.min + 1)) as u32;
            for _ in 0..n {
                sample(&r.sub, rng, out);
            }
        }
        HirKind::Capture(c) => sample(&c.sub, rng, out),
        HirKind::Concat(parts) => {
            for p in parts {
                sample(p, rng, out);
            }
        }
        HirKind::Alternation(alts) => sample(rng.pick(alts), rng, out),
    }
}

fn matching(pattern: &str, rng: &mut Rng) -> String {
    let hir = regex_syntax::parse(pattern).expect("patterns in forms/ parse");
    let mut s = String::new();
    sample(&hir, rng, &mut s);
    s
}

struct Gen<'p> {
    p: &'p Procedure,
    rng: Rng,
}

impl Gen<'_> {
    fn field(&mut self, ty: &FieldType) -> Json {
        let rng = &mut self.rng;
        match ty {
            FieldType::Text {
                min_length,
                max_length,
                pattern,
                format,
                ..
            } => {
                if let Some(p) = pattern {
                    return json!(matching(p, rng));
                }
                if let Some(f) = format {
                    let samples: &[&str] = match f {
                        TextFormat::Email => &["anna@example.org", "b.c@amt.de"],
                        TextFormat::Phone => &["+49 30 1234567", "(030) 123456"],
                        TextFormat::Iban => &[
                            "DE89370400440532013000",
                            "DE02120300000000202051",
                            "DE89370400440532013001",
                        ],
                        TextFormat::Postcode => &["10115", "80331"],
                        TextFormat::SteuerId => &["12345678995", "12345678994"],
                    };
                    return json!(rng.pick(samples));
                }
                let min = min_length.unwrap_or(1).max(1);
                let max = max_length.unwrap_or(min + 12).min(min + 12);
                let n = min + rng.below(max - min + 1);
                let s: String = (0..n)
                    .map(|i| {
                        if i % 5 == 4 {
                            ' '
                        } else {
                            *rng.pick(&['a', 'ä', 'Z', 'ß', '1'])
                        }
                    })
                    .collect();
                json!(s.trim().to_string() + "x")
            }
            // Around the least value where it is a number (a year from
            // 1990), around zero otherwise.
            FieldType::Integer { bounds } => {
                let least = match bounds.min.as_ref().map(|e| &e.kind) {
                    Some(amt_compiler::ir::ExprKind::Literal {
                        value: amt_compiler::ir::Literal::Integer(n),
                    }) => *n,
                    _ => 0,
                };
                json!(least + rng.below(30) as i64 - 2)
            }
            FieldType::Decimal { .. } => json!((rng.below(100_000) as f64) / 100.0),
            FieldType::Money { .. } => json!((rng.below(100_000) as f64) / 100.0),
            FieldType::Boolean => json!(rng.chance(50)),
            FieldType::Consent => json!(rng.chance(90)),
            FieldType::Date { .. } => {
                let days = Date::parse("1930-01-01").unwrap().to_days() + rng.below(35_000) as i64;
                json!(Date::from_days(days).to_string())
            }
            FieldType::Time { .. } => json!(format!("{:02}:{:02}", rng.below(24), rng.below(60))),
            FieldType::Datetime { .. } => json!(format!(
                "2026-{:02}-{:02}T{:02}:{:02}",
                1 + rng.below(12),
                1 + rng.below(28),
                rng.below(24),
                rng.below(60)
            )),
            FieldType::Choice { codelist, multiple } => {
                let codes: Vec<&str> = self.p.codelists[codelist]
                    .values
                    .iter()
                    .map(|v| v.code.as_str())
                    .collect();
                if *multiple {
                    let mut chosen: Vec<&str> = Vec::new();
                    for _ in 0..=rng.below(2) {
                        let c = *rng.pick(&codes);
                        if !chosen.contains(&c) {
                            chosen.push(c);
                        }
                    }
                    json!(chosen)
                } else {
                    json!(rng.pick(&codes))
                }
            }
        }
    }

    /// One value of a node (an item, for repeats).
    fn one(&mut self, n: &Node) -> Json {
        match &n.kind {
            NodeKind::Field { ty } => self.field(ty),
            NodeKind::Group { items, .. } => {
                let mut o = serde_json::Map::new();
                for c in items {
                    if self.rng.chance(if c.required { 85 } else { 50 })
                        && let Some(v) = self.node(c)
                    {
                        o.insert(c.id.clone(), v);
                    }
                }
                Json::Object(o)
            }
            _ => Json::Null,
        }
    }

    fn node(&mut self, n: &Node) -> Option<Json> {
        match &n.kind {
            NodeKind::Attachment {
                media_types, count, ..
            } => {
                let k = count.min.max(1) + self.rng.below(2);
                let files: Vec<Json> = (0..k)
                    .map(|i| json!({"id": format!("f{i}"), "filename": "scan.pdf", "media_type": self.rng.pick(media_types), "size": 1000 + self.rng.below(100_000)}))
                    .collect();
                Some(Json::Array(files))
            }
            NodeKind::Field { .. } | NodeKind::Group { .. } => Some(match n.repeat {
                Some(card) => {
                    let hi = card.max.unwrap_or(card.min + 2).min(card.min + 2);
                    let k =
                        card.min.max(1) + self.rng.below(hi.saturating_sub(card.min.max(1)) + 1);
                    Json::Array((0..k).map(|_| self.one(n)).collect())
                }
                None => self.one(n),
            }),
            _ => None,
        }
    }

    fn submission(&mut self) -> Json {
        let mut o = serde_json::Map::new();
        let p = self.p;
        for n in p
            .pages
            .iter()
            .flat_map(|pg| &pg.items)
            .chain(&p.attachments)
        {
            if self.rng.chance(if n.required { 85 } else { 50 })
                && let Some(v) = self.node(n)
            {
                o.insert(n.id.clone(), v);
            }
        }
        Json::Object(o)
    }
}

fn model_path(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .filter(|s| s.parse::<usize>().is_err())
        .collect::<Vec<_>>()
        .join(".")
}

fn remove(data: &mut Json, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    match data.pointer_mut(parent) {
        Some(Json::Object(o)) => {
            o.shift_remove(key);
        }
        Some(Json::Array(a)) => {
            if let Ok(i) = key.parse::<usize>()
                && i < a.len()
            {
                a.remove(i);
            }
        }
        _ => {}
    }
}

fn insert(data: &mut Json, pointer: &str, value: Json) {
    let mut cur = data;
    let segs: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, s) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        if !cur.is_object() && !cur.is_array() {
            *cur = json!({});
        }
        cur = match cur {
            Json::Object(o) => {
                let e = o.entry(s.to_string()).or_insert(json!({}));
                if last {
                    *e = value;
                    return;
                }
                e
            }
            Json::Array(a) => match s.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(e) => e,
                None => return,
            },
            _ => return,
        };
    }
}

/// Moves a submission towards validity: drops what does not apply or is
/// wrong, adds what is missing.
fn repair(g: &mut Gen, model: &Model, data: &mut Json, report: &Report) {
    for problem in report.problems.iter().rev() {
        if problem.severity != amt_compiler::validate::Severity::Error {
            continue;
        }
        let path = model_path(&problem.pointer);
        let node = model.get(&path).and_then(|e| e.node);
        match (problem.check, node) {
            (Check::Required, Some(n)) => {
                if let Some(v) = g.node(n) {
                    insert(data, &problem.pointer, v);
                }
            }
            (Check::MinItems | Check::Empty | Check::Type, Some(n)) if n.repeat.is_some() => {
                if let Some(v) = g.node(n) {
                    insert(data, &problem.pointer, v);
                }
            }
            (_, Some(n))
                if g.rng.chance(50)
                    && !matches!(problem.check, Check::NotApplicable | Check::Unknown) =>
            {
                let v = if problem.pointer.ends_with(|c: char| c.is_ascii_digit()) {
                    Some(g.one(n))
                } else {
                    g.node(n)
                };
                if let Some(v) = v {
                    insert(data, &problem.pointer, v);
                }
            }
            _ => remove(data, &problem.pointer),
        }
    }
}

/// Every (pointer, value) of the data's leaves and members.
fn places(data: &Json, prefix: String, out: &mut Vec<String>) {
    match data {
        Json::Object(o) => {
            for (k, v) in o {
                let p = format!("{prefix}/{k}");
                out.push(p.clone());
                places(v, p, out);
            }
        }
        Json::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let p = format!("{prefix}/{i}");
                out.push(p.clone());
                places(v, p, out);
            }
        }
        _ => {}
    }
}

/// Breaks a submission in one of the ways the language knows.
fn mutate(g: &mut Gen, model: &Model, data: &mut Json) {
    let mut ps = Vec::new();
    places(data, String::new(), &mut ps);
    let all_nodes: Vec<&str> = {
        let mut v = Vec::new();
        fn walk<'a>(nodes: &'a [Node], v: &mut Vec<&'a str>) {
            for n in nodes {
                v.push(&n.path);
                if let NodeKind::Group { items, .. } = &n.kind {
                    walk(items, v);
                }
            }
        }
        for pg in &g.p.pages {
            walk(&pg.items, &mut v);
        }
        walk(&g.p.attachments, &mut v);
        v
    };
    let rounds = 1 + g.rng.below(3);
    for _ in 0..rounds {
        let target = if ps.is_empty() {
            String::new()
        } else {
            g.rng.pick(&ps).clone()
        };
        match g.rng.below(19) {
            // What the validators of other languages read differently.
            15 => {
                if let Some(Json::String(old)) = data.pointer(&target).cloned() {
                    insert(data, &target, json!(format!("{old}\n")));
                }
            }
            16 => insert(data, &target, json!("0000-01-01")),
            17 => insert(
                data,
                &target,
                serde_json::from_str("10000000000000000.0").unwrap(),
            ),
            18 => insert(data, &target, json!(90_071_992_547_410.5)),
            12 => insert(
                data,
                &target,
                serde_json::from_str("100000000000000000000").unwrap(),
            ),
            13 => insert(data, &target, json!(18_446_744_073_709_551_615u64)),
            14 => insert(data, &target, json!("A\rB\u{2028}")),
            0 => remove(data, &target),
            1 => insert(data, &target, json!("")),
            2 => insert(data, &target, json!(12345)),
            3 => insert(data, &target, json!("x".repeat(300))),
            4 => insert(data, &target, json!(["not", "a", "code"])),
            5 => insert(data, &target, json!(-5)),
            6 => insert(data, &target, json!("2023-02-29")),
            7 => insert(data, &target, json!(true)),
            8 => insert(data, &format!("{target}/extra"), json!(1)),
            9 => insert(data, &target, json!(9_999_999.125)),
            _ => {
                // Answer a question that may not apply, at the top or in an item.
                let path = *g.rng.pick(&all_nodes);
                if let Some(n) = model.get(path).and_then(|e| e.node)
                    && let Some(v) = g.node(n)
                {
                    let mut pointer = String::new();
                    let mut prefix = String::new();
                    for seg in path.split('.') {
                        prefix = if prefix.is_empty() {
                            seg.to_string()
                        } else {
                            format!("{prefix}.{seg}")
                        };
                        pointer.push('/');
                        pointer.push_str(seg);
                        if prefix != path && model.get(&prefix).is_some_and(|e| e.repeated) {
                            pointer.push_str("/0");
                        }
                    }
                    insert(data, &pointer, v);
                }
            }
        }
    }
}

#[test]
fn schema_and_validator_agree_on_generated_submissions() {
    let mut procedures = Vec::new();
    for dir in ["forms", "tests/agreement"] {
        let (_, compiled) =
            amt_compiler::check_project(std::path::Path::new(dir)).expect("the project reads");
        assert!(!compiled.failed(false), "{dir} checks clean");
        procedures.extend(compiled.instances());
    }
    let options = Options {
        today: Date::parse("2026-06-15").unwrap(),
        lang: None,
    };
    let mut failures = Vec::new();
    // With AMT_AGREEMENT_CASES=DIR, the schemas and every case with amt's
    // verdict are written there, for the validators of other languages
    // (.ci/agreement.py runs Python's jsonschema on them).
    let dump = std::env::var_os("AMT_AGREEMENT_CASES").map(std::path::PathBuf::from);
    let mut cases = dump.as_ref().map(|dir| {
        std::fs::create_dir_all(dir).unwrap();
        std::io::BufWriter::new(std::fs::File::create(dir.join("cases.jsonl")).unwrap())
    });
    for (k, p) in procedures.iter().enumerate() {
        let schema =
            amt_compiler::emit::schema::schema(p, amt_compiler::emit::schema::DEFAULT_BASE);
        // One file per instance: a procedure is built for each municipality
        // with its own values and questions, under the same id.
        let name = format!("{k}-{}", p.id);
        if let Some(dir) = &dump {
            std::fs::write(dir.join(format!("{name}.schema.json")), schema.to_string()).unwrap();
        }
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{}: the schema compiles: {e}", p.id));
        let model = Model::new(p);
        let mut g = Gen {
            p,
            rng: Rng(0x9E37_79B9_7F4A_7C15 ^ (k as u64 + 1)),
        };
        let (mut valid, mut tagged, mut untagged_only) = (0, 0, 0);
        for i in 0..PER_PROCEDURE {
            let mut data = g.submission();
            // Two thirds are repaired towards validity; of those, half are broken again.
            if i % 3 != 0 {
                for _ in 0..6 {
                    let report = model.validate(&data, &options);
                    if report.valid {
                        break;
                    }
                    repair(&mut g, &model, &mut data, &report);
                }
                if i % 3 == 2 {
                    mutate(&mut g, &model, &mut data);
                }
            }
            let report = model.validate(&data, &options);
            let schema_ok = validator.is_valid(&data);
            let claimed: Vec<_> = report.problems.iter().filter(|p| p.schema).collect();
            if let Some(cases) = &mut cases {
                use std::io::Write as _;
                let case = json!({"schema": name, "data": data, "valid": report.valid, "claimed": !claimed.is_empty()});
                writeln!(cases, "{case}").unwrap();
            }
            if report.valid {
                valid += 1;
            } else if claimed.is_empty() {
                untagged_only += 1;
            } else {
                tagged += 1;
            }
            let disagreement = if report.valid && !schema_ok {
                Some("amt's validator accepts it, the schema rejects it".to_string())
            } else if !claimed.is_empty() && schema_ok {
                Some(format!(
                    "the schema accepts it, amt's validator rejects it for {:?}",
                    claimed
                        .iter()
                        .map(|p| (&p.pointer, p.check))
                        .collect::<Vec<_>>()
                ))
            } else {
                None
            };
            if let Some(why) = disagreement {
                let errors: Vec<String> = validator
                    .iter_errors(&data)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .take(5)
                    .collect();
                failures.push(format!(
                    "{} #{i}: {why}\nschema errors: {errors:#?}\nvalidator: {:#?}\nsubmission: {}",
                    p.id,
                    report.problems,
                    serde_json::to_string_pretty(&data).unwrap()
                ));
            }
        }
        eprintln!(
            "{}: {valid} valid, {tagged} rejected by both, {untagged_only} rejected by amt only",
            p.id
        );
        assert!(
            valid >= PER_PROCEDURE / 10,
            "{}: the generator makes too few valid submissions ({valid})",
            p.id
        );
        assert!(
            tagged >= PER_PROCEDURE / 10,
            "{}: the generator makes too few invalid submissions ({tagged})",
            p.id
        );
    }
    assert!(
        failures.is_empty(),
        "{} disagreements; the first:\n{}",
        failures.len(),
        failures.first().map_or("", String::as_str)
    );
}

#[test]
fn every_schema_is_valid_against_the_2020_12_meta_schema() {
    let (_, compiled) =
        amt_compiler::check_project(std::path::Path::new("forms")).expect("forms/ reads");
    for p in &compiled.instances() {
        let schema = amt_compiler::emit::schema::schema(p, "https://portal.example.de/schemas/");
        if let Err(e) = jsonschema::meta::validate(&schema) {
            panic!("{}: {e}", p.id);
        }
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(
            schema["$id"],
            // FIT-Connect's naming: schema id, `_`, version.
            match &p.fim {
                Some(s) => format!(
                    "https://portal.example.de/schemas/{}_{}.schema.json",
                    s.to_lowercase(),
                    p.version
                ),
                None => format!(
                    "https://portal.example.de/schemas/{}_{}.schema.json",
                    p.id, p.version
                ),
            }
        );
    }
}
