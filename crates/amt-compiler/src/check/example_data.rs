//! The data of examples: each answer path is resolved against the checked
//! procedure and each value turned into the JSON a submission carries, so
//! that `amt test` ([`crate::examples`]) runs the validator on exactly what
//! a portal would send.

use super::Checker;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{self, Expectation, FieldType, Node, NodeKind, Ty};
use crate::resolve::suggest;
use crate::syntax::ast::{self, DataPath, Expect, ExprKind, UnaryOp};
use serde_json::{Value as Json, json};
use std::collections::HashSet;

/// What an example path names.
enum Target<'p> {
    Node(&'p Node),
    Fee,
}

struct Resolved<'p> {
    target: Target<'p>,
    /// JSON pointer into the submission.
    pointer: String,
    /// The path ends at a repeat without an index: the value is the whole list.
    whole_list: bool,
}

/// The kinds of single values an example can give or expect.
enum Scalar<'l> {
    Text,
    Integer,
    Decimal,
    Money,
    Boolean,
    Date,
    Code(&'l str),
    Codes(&'l str),
}

fn scalar_of_field(ty: &FieldType) -> Scalar<'_> {
    match ty {
        FieldType::Text { .. } | FieldType::Time { .. } | FieldType::Datetime { .. } => {
            Scalar::Text
        }
        FieldType::Integer { .. } => Scalar::Integer,
        FieldType::Decimal { .. } => Scalar::Decimal,
        FieldType::Money { .. } => Scalar::Money,
        FieldType::Boolean | FieldType::Consent => Scalar::Boolean,
        FieldType::Date { .. } => Scalar::Date,
        FieldType::Choice {
            codelist,
            multiple: false,
        } => Scalar::Code(codelist),
        FieldType::Choice {
            codelist,
            multiple: true,
        } => Scalar::Codes(codelist),
    }
}

fn scalar_of_ty(ty: &Ty) -> Option<Scalar<'_>> {
    Some(match ty {
        Ty::Text | Ty::Time | Ty::Datetime => Scalar::Text,
        Ty::Integer => Scalar::Integer,
        Ty::Decimal => Scalar::Decimal,
        Ty::Money => Scalar::Money,
        Ty::Boolean => Scalar::Boolean,
        Ty::Date => Scalar::Date,
        Ty::Code { codelist } => Scalar::Code(codelist),
        Ty::CodeSet { codelist } => Scalar::Codes(codelist),
        _ => return None,
    })
}

fn media_type(filename: &str) -> &'static str {
    let ext = filename
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "tif" | "tiff" => "image/tiff",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Sets `value` at `pointer`, creating objects and list items on the way.
/// Items are given in order: an index past the end of its list is refused
/// (`Err` with the index that would come next).
fn insert(data: &mut Json, pointer: &str, value: Json) -> Result<(), usize> {
    let segs: Vec<&str> = pointer.split('/').skip(1).collect();
    let mut cur = data;
    for (i, seg) in segs.iter().enumerate() {
        let next_is_index = segs.get(i + 1).is_some_and(|s| s.parse::<usize>().is_ok());
        let fresh = if next_is_index { json!([]) } else { json!({}) };
        let last = i + 1 == segs.len();
        cur = match cur {
            Json::Object(o) => {
                let slot = o.entry(seg.to_string()).or_insert(fresh);
                if last {
                    *slot = value;
                    return Ok(());
                }
                slot
            }
            Json::Array(a) => {
                let index: usize = seg.parse().unwrap_or(usize::MAX);
                if index > a.len() {
                    return Err(a.len());
                }
                if index == a.len() {
                    a.push(if next_is_index { json!([]) } else { json!({}) });
                }
                if last {
                    a[index] = value;
                    return Ok(());
                }
                &mut a[index]
            }
            _ => return Ok(()),
        };
    }
    Ok(())
}

/// Removes the member or item at `pointer`.
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

impl Checker<'_, '_> {
    fn example_error(
        &mut self,
        code: Code,
        span: crate::source::Span,
        message: String,
        label: &str,
        help: String,
    ) {
        self.diags
            .push(Diagnostic::new(code, span, message).label(label).help(help));
    }

    /// Records what each name of an example's path refers to, through the
    /// procedure's tree (pages make no names; item indexes are not names).
    fn refer_to_data_path(&mut self, path: &DataPath) {
        let mut container = 0;
        for (name, _) in &path.segments {
            let Some(&id) = self.tree.names.get(&(container, name.name.as_str())) else {
                return;
            };
            self.refer_to_node(name.span, id);
            container = id;
        }
    }

    /// Records what a decision's name in an example refers to.
    fn refer_to_decision(&mut self, name: &ast::Ident) {
        if let Some(&id) = self.tree.names.get(&(0, name.name.as_str())) {
            self.refer_to_node(name.span, id);
        }
    }

    /// Records what a state's name in an example refers to.
    fn refer_to_state(&mut self, name: &ast::Ident) {
        if let Some(&to) = self.state_names.get(&name.name) {
            self.refs.push(super::Reference { at: name.span, to });
        }
    }

    /// What an example's path names in the procedure, and where its value
    /// goes in the submission.
    fn resolve_example_path<'p>(
        &mut self,
        p: &'p ir::Procedure,
        path: &DataPath,
    ) -> Option<Resolved<'p>> {
        self.refer_to_data_path(path);
        let mut items: Vec<&'p Node> = p.top_nodes().collect();
        let mut pointer = String::new();
        let last_index = path.segments.len() - 1;
        for (i, (name, index)) in path.segments.iter().enumerate() {
            let last = i == last_index;
            if i == 0
                && last
                && index.is_none()
                && let Some(fee) = p.fees.iter().find(|f| f.id == name.name)
            {
                return Some(Resolved {
                    target: Target::Fee,
                    pointer: format!("/{}", fee.id),
                    whole_list: false,
                });
            }
            let Some(node) = items
                .iter()
                .copied()
                .find(|n| n.id == name.name && !matches!(n.kind, NodeKind::Note { .. }))
            else {
                // A municipality's own questions are known only with its
                // additions (`extension`): the example is checked with them
                // when it names one (`municipal::check_additions`).
                if p.extensions.iter().any(|e| e.id == name.name) && self.example_local.0 {
                    if !self.example_local.1.contains(&name.name) {
                        self.example_local.1.push(name.name.clone());
                    }
                    return None;
                }
                // Inside a group that holds nothing (its group is unknown,
                // which is reported where it is named), nothing is known.
                if i == 0 || !items.is_empty() {
                    self.unknown_example_name(p, path, i, &items);
                }
                return None;
            };
            pointer.push('/');
            pointer.push_str(&node.id);
            let whole_list = self.example_index(node, name, *index, last, &mut pointer)?;
            if last {
                return Some(Resolved {
                    target: Target::Node(node),
                    pointer,
                    whole_list,
                });
            }
            match &node.kind {
                NodeKind::Group {
                    items: children, ..
                } => items = children.iter().collect(),
                _ => {
                    self.example_error(
                        Code::UnknownExamplePath,
                        path.segments[i + 1].0.span,
                        format!(
                            "`{}` is not a group, so it has no `{}`",
                            node.id,
                            path.segments[i + 1].0.name
                        ),
                        "no such part",
                        format!("end the path at `{}`", node.id),
                    );
                    return None;
                }
            }
        }
        None
    }

    /// The segment `i` of an example's path names none of `items`.
    fn unknown_example_name(
        &mut self,
        p: &ir::Procedure,
        path: &DataPath,
        i: usize,
        items: &[&Node],
    ) {
        let name = &path.segments[i].0;
        let candidates: Vec<&str> = items
            .iter()
            .filter(|n| !matches!(n.kind, NodeKind::Note { .. }))
            .map(|n| n.id.as_str())
            .chain(if i == 0 {
                p.fees.iter().map(|f| f.id.as_str()).collect::<Vec<_>>()
            } else {
                Vec::new()
            })
            .collect();
        let d = Diagnostic::new(
            Code::UnknownExamplePath,
            name.span,
            format!("the procedure has no `{}` here", name.name),
        )
        .label("unknown name");
        if p.extensions.iter().any(|e| e.id == name.name) {
            self.diags.push(d.help(format!(
                "`{}` is an extension point: what stands there is a municipality's own; name the municipality with `municipality \"…\"`",
                name.name
            )));
            return;
        }
        let fallback = if i == 0 {
            "name a field, group or attachment of the procedure, e.g. `person[0].familienname`"
                .to_string()
        } else {
            format!(
                "`{}` holds: {}",
                path.segments[i - 1].0.name,
                candidates.join(", ")
            )
        };
        self.diags.push(suggest(
            d,
            &name.name,
            candidates.iter().copied(),
            &fallback,
        ));
    }

    /// Checks the item index of the path segment `name` against `node`'s
    /// repeat and adds it to `pointer`. Returns whether the segment, the
    /// path's `last`, stands for the whole list; `None` when the index is
    /// wrong (reported).
    fn example_index(
        &mut self,
        node: &Node,
        name: &ast::Ident,
        index: Option<u64>,
        last: bool,
        pointer: &mut String,
    ) -> Option<bool> {
        match (node.repeat, index) {
            (Some(card), Some(k)) => {
                if card.max.is_some_and(|max| k >= max) {
                    self.example_error(
                        Code::ExampleIndex,
                        name.span,
                        format!(
                            "`{}` has at most {} items, numbered from 0",
                            node.id,
                            card.max.unwrap_or(0)
                        ),
                        "index too large",
                        "items are counted from 0: the first is `[0]`".into(),
                    );
                    return None;
                }
                pointer.push_str(&format!("/{k}"));
                Some(false)
            }
            (Some(_), None) if !last => {
                self.example_error(
                    Code::ExampleIndex,
                    name.span,
                    format!("`{}` repeats; say which item", node.id),
                    "which item?",
                    format!("write `{}[0]` for the first item", node.id),
                );
                None
            }
            (Some(_), None) => Some(true),
            (None, Some(_)) => {
                self.example_error(
                    Code::ExampleIndex,
                    name.span,
                    format!("`{}` does not repeat, so it has no items", node.id),
                    "not a repeat",
                    format!("write `{}` without `[…]`", node.id),
                );
                None
            }
            (None, None) => Some(false),
        }
    }

    /// A single value of the given kind as submitted JSON.
    fn example_scalar(
        &mut self,
        p: &ir::Procedure,
        e: &ast::Expr,
        kind: &Scalar,
        what: &str,
    ) -> Option<Json> {
        let value = match (kind, &e.kind) {
            (Scalar::Text, ExprKind::Str(s)) => Some(json!(s)),
            (Scalar::Integer, ExprKind::Integer(i)) => Some(json!(i)),
            (
                Scalar::Integer | Scalar::Decimal | Scalar::Money,
                ExprKind::Unary(UnaryOp::Neg, inner),
            ) if matches!(
                inner.kind,
                ExprKind::Integer(_) | ExprKind::Decimal(_) | ExprKind::Money(_)
            ) =>
            {
                // A negative number: the positive one, negated.
                self.example_scalar(p, inner, kind, what)
                    .and_then(|v| match v {
                        Json::Number(n) => n
                            .as_i64()
                            .map(|i| json!(-i))
                            .or_else(|| n.as_f64().map(|f| json!(-f))),
                        _ => None,
                    })
            }
            (Scalar::Decimal, ExprKind::Integer(i)) => Some(json!(i)),
            (Scalar::Decimal, ExprKind::Decimal(d)) => d.parse::<f64>().ok().map(|f| json!(f)),
            (Scalar::Money, ExprKind::Money(c)) => {
                serde_json::Number::from_f64(*c as f64 / 100.0).map(Json::Number)
            }
            (Scalar::Boolean, ExprKind::Bool(b)) => Some(json!(b)),
            (Scalar::Date, ExprKind::Date(d)) => Some(json!(d)),
            (Scalar::Code(list), ExprKind::Str(s)) => {
                Some(json!(s)).filter(|_| self.example_code(p, list, s, e.span))
            }
            // A code that is a number, e.g. `stufe = 1`.
            (Scalar::Code(list), ExprKind::Integer(i)) => {
                let code = i.to_string();
                Some(json!(code)).filter(|_| self.example_code(p, list, &code, e.span))
            }
            (Scalar::Code(list), ExprKind::Path(path)) if path.segments.len() == 1 => {
                let code = &path.segments[0].name;
                Some(json!(code)).filter(|_| self.example_code(p, list, code, e.span))
            }
            (Scalar::Codes(list), ExprKind::List(items)) => {
                let mut codes = Vec::new();
                for item in items {
                    codes.push(self.example_scalar(p, item, &Scalar::Code(list), what)?);
                }
                return Some(Json::Array(codes));
            }
            _ => None,
        };
        if value.is_none() && !matches!(kind, Scalar::Code(_)) {
            let like = match kind {
                Scalar::Text => {
                    "a text in quotes, e.g. \"Berlin\" (times \"09:30\", date-times \"2026-01-31T09:30\")"
                }
                Scalar::Integer => "a whole number, e.g. 3",
                Scalar::Decimal => "a number, e.g. 2.5",
                Scalar::Money => "an amount, e.g. 12.80 EUR",
                Scalar::Boolean => "yes or no",
                Scalar::Date => "a date, e.g. 2026-01-31",
                Scalar::Codes(_) => "a list of codes, e.g. [rot, blau]",
                Scalar::Code(_) => "a code",
            };
            self.example_error(
                Code::ExampleValue,
                e.span,
                format!("{what} needs {like}"),
                "does not fit",
                format!("write {like}"),
            );
        }
        value
    }

    fn example_code(
        &mut self,
        p: &ir::Procedure,
        list: &str,
        code: &str,
        span: crate::source::Span,
    ) -> bool {
        // A field whose code list is unknown (reported where it is named):
        // no value can be judged.
        let Some(known) = p.codelists.get(list) else {
            return true;
        };
        let codes: Vec<&str> = known.values.iter().map(|v| v.code.as_str()).collect();
        if codes.contains(&code) {
            return true;
        }
        let d = Diagnostic::new(
            Code::ExampleValue,
            span,
            format!("`{code}` is not a value of the code list `{list}`"),
        )
        .label("unknown code");
        let shown: Vec<&str> = codes.iter().copied().take(12).collect();
        let fallback = format!(
            "the values are: {}{}",
            shown.join(", "),
            if codes.len() > 12 { ", …" } else { "" }
        );
        self.diags
            .push(suggest(d, code, codes.iter().copied(), &fallback));
        false
    }

    /// The file object of `file("name.pdf")`, the `n`th of the attachment
    /// `path` (its id names both, so that the files of a submission have
    /// ids of their own).
    fn example_file(&mut self, e: &ast::Expr, path: &str, n: usize) -> Option<Json> {
        if let ExprKind::Call(f, args) = &e.kind
            && f.name == "file"
            && let [
                ast::Expr {
                    kind: ExprKind::Str(name),
                    ..
                },
            ] = args.as_slice()
        {
            return Some(json!({
                "id": format!("{}-{n}", path.replace('.', "-")),
                "filename": name,
                "media_type": media_type(name),
                "size": 102_400
            }));
        }
        self.example_error(
            Code::ExampleValue,
            e.span,
            "an attachment is given as `file(\"name.pdf\")`".into(),
            "not a file",
            "write `file(\"scan.pdf\")`, or a list `[file(\"a.pdf\"), file(\"b.pdf\")]`; the media type comes from the file name".into(),
        );
        None
    }

    /// The JSON of an answer to `node`.
    fn example_answer(
        &mut self,
        p: &ir::Procedure,
        node: &Node,
        e: &ast::Expr,
        whole_list: bool,
    ) -> Option<Json> {
        let what = format!("`{}`", node.id);
        match &node.kind {
            NodeKind::Attachment { .. } => match &e.kind {
                ExprKind::List(items) => {
                    let files: Option<Vec<Json>> = items
                        .iter()
                        .enumerate()
                        .map(|(i, f)| self.example_file(f, &node.path, i + 1))
                        .collect();
                    files.map(Json::Array)
                }
                _ => self.example_file(e, &node.path, 1).map(|f| json!([f])),
            },
            NodeKind::Field { ty } => {
                let kind = scalar_of_field(ty);
                if whole_list {
                    let ExprKind::List(items) = &e.kind else {
                        self.example_error(Code::ExampleValue, e.span, format!("{what} repeats; give a list, e.g. `[…, …]`, or one item with `{}[0]`", node.id), "not a list", "write the values in `[ ]`".into());
                        return None;
                    };
                    let values: Option<Vec<Json>> = items
                        .iter()
                        .map(|i| self.example_scalar(p, i, &kind, &what))
                        .collect();
                    values.map(Json::Array)
                } else {
                    self.example_scalar(p, e, &kind, &what)
                }
            }
            NodeKind::Group { .. } => {
                self.example_error(
                    Code::ExampleValue,
                    e.span,
                    format!("{what} is a group; give its fields one by one"),
                    "a group",
                    format!("e.g. `{}.name = \"…\"`", node.id),
                );
                None
            }
            NodeKind::Computed { .. } => {
                self.example_error(
                    Code::ExampleValue,
                    e.span,
                    format!("{what} is computed, not answered"),
                    "computed",
                    format!("check it with `expect {} = …`", node.id),
                );
                None
            }
            NodeKind::Note { .. } => None,
        }
    }

    /// Turns the procedure's examples into the model's.
    pub(super) fn lower_examples(&mut self, p: &ir::Procedure) -> Vec<ir::Example> {
        let mut out = Vec::new();
        let mut names: HashSet<&str> = HashSet::new();
        let examples = self.meta.examples.clone();
        for ex in examples {
            if !names.insert(&ex.name.value) {
                self.example_error(
                    Code::ExampleDuplicate,
                    ex.name.span,
                    format!("there are two examples named \"{}\"", ex.name.value),
                    "second example with this name",
                    "give each example its own name; `amt test` reports them by name".into(),
                );
            }
            let example = self.lower_example(p, ex, &out);
            out.push(example);
        }
        out
    }

    /// One example; `earlier` are the examples above it, which its `from`
    /// may name.
    fn lower_example(
        &mut self,
        p: &ir::Procedure,
        ex: &ast::Example,
        earlier: &[ir::Example],
    ) -> ir::Example {
        let base = ex
            .base
            .as_ref()
            .and_then(|base| self.example_base(base, earlier));
        let mut data = base.map_or_else(|| json!({}), |b| b.data.clone());
        let today = base.and_then(|b| b.today.clone());
        let municipality = base.and_then(|b| b.municipality.clone());
        self.example_local = (
            ex.municipality.is_some() || municipality.is_some(),
            base.map(|b| b.local.clone()).unwrap_or_default(),
        );
        self.omit_answers(p, ex, &mut data);
        self.give_answers(p, ex, &mut data);
        let expect = self.form_expectations(p, ex);
        let (decisions, timeouts) = base
            .map(|b| (b.decisions.clone(), b.timeouts.clone()))
            .unwrap_or_default();
        let file = self.sources.get(ex.span.file);
        let mut example = ir::Example {
            name: ex.name.value.clone(),
            line: file.line_index(ex.span.start as usize) as u32 + 1,
            today: ex.today.as_ref().map(|t| t.value.clone()).or(today),
            municipality: ex
                .municipality
                .as_ref()
                .map(|m| m.value.clone())
                .or(municipality),
            data,
            expect,
            decisions,
            timeouts,
            local: std::mem::take(&mut self.example_local.1),
        };
        self.example_workflow(p, ex, &mut example);
        if let Some(t) = &ex.today
            && amt_model::date::Date::parse(&t.value).is_none()
        {
            self.example_error(
                Code::InvalidLiteral,
                t.span,
                format!("{} is not a day of the calendar", t.value),
                "no such day",
                "write a real date, e.g. 2026-02-28".into(),
            );
        }
        example
    }

    /// The earlier example that `from "…"` names, whose answers an example
    /// starts from.
    fn example_base<'e>(
        &mut self,
        base: &ast::Str,
        earlier: &'e [ir::Example],
    ) -> Option<&'e ir::Example> {
        let found = earlier.iter().find(|e| e.name == base.value);
        if found.is_none() {
            let d = Diagnostic::new(
                Code::UnknownExamplePath,
                base.span,
                format!("there is no earlier example named \"{}\"", base.value),
            )
            .label("unknown example");
            let names: Vec<&str> = earlier.iter().map(|e| e.name.as_str()).collect();
            self.diags.push(suggest(
                d,
                &base.value,
                names.iter().copied(),
                "`from` names an example written above this one",
            ));
        }
        found
    }

    /// Leaves out of `data` the answers an example `omit`s.
    fn omit_answers(&mut self, p: &ir::Procedure, ex: &ast::Example, data: &mut Json) {
        for path in &ex.omit {
            if let Some(r) = self.resolve_example_path(p, path) {
                // Leaving out an item in the middle would renumber the ones after it.
                let (list, index) = r.pointer.rsplit_once('/').unwrap_or(("", ""));
                let is_item = index.parse::<usize>().is_ok();
                let len = data
                    .pointer(list)
                    .and_then(Json::as_array)
                    .map_or(0, Vec::len);
                if is_item && index.parse::<usize>().is_ok_and(|i| i + 1 < len) {
                    self.example_error(
                        Code::ExampleIndex,
                        path.span,
                        format!("`{path}` is not the last item, and leaving it out would renumber the items after it"),
                        "not the last item",
                        "leave out the last item, or give the answers of the items you keep".into(),
                    );
                    continue;
                }
                remove(data, &r.pointer);
            }
        }
    }

    /// Puts an example's answers into `data`.
    fn give_answers(&mut self, p: &ir::Procedure, ex: &ast::Example, data: &mut Json) {
        let mut given: HashSet<String> = HashSet::new();
        for (path, value) in &ex.given {
            let Some(r) = self.resolve_example_path(p, path) else {
                continue;
            };
            let Target::Node(node) = r.target else {
                self.example_error(
                    Code::ExampleValue,
                    path.span,
                    format!("`{path}` is a fee, computed by the form"),
                    "computed",
                    format!("check it with `expect {path} = …`"),
                );
                continue;
            };
            if !given.insert(r.pointer.clone()) {
                self.example_error(
                    Code::ExampleDuplicate,
                    path.span,
                    format!("`{path}` is given twice"),
                    "given again here",
                    "keep one of the two answers".into(),
                );
                continue;
            }
            if let Some(v) = self.example_answer(p, node, value, r.whole_list)
                && let Err(next) = insert(data, &r.pointer, v)
            {
                self.example_error(
                    Code::ExampleIndex,
                    path.span,
                    format!("`{path}` skips an item: the next item of its list is number {next}"),
                    "items come in order",
                    format!(
                        "give the items in order, from `[0]` on; the next one here is `[{next}]`"
                    ),
                );
            }
        }
    }

    /// What an example expects of the form; those of the workflow are read
    /// by [`Self::example_workflow`].
    fn form_expectations(&mut self, p: &ir::Procedure, ex: &ast::Example) -> Vec<Expectation> {
        let mut expect = Vec::new();
        for e in &ex.expects {
            match e {
                Expect::Outcome(..) | Expect::Path(..) | Expect::Document { .. } => {}
                Expect::Valid(_) => expect.push(Expectation::Valid),
                Expect::Problem { warning, path, .. } => {
                    if self.resolve_example_path(p, path).is_some() {
                        let path = path.to_string();
                        expect.push(if *warning {
                            Expectation::Warning { path }
                        } else {
                            Expectation::Error { path }
                        });
                    }
                }
                Expect::Shown { visible, path, .. } => {
                    expect.extend(self.expect_shown(p, *visible, path));
                }
                Expect::Value { path, value, .. } => {
                    expect.extend(self.expect_value(p, path, value));
                }
            }
        }
        // `expect valid` with `expect error` can never pass.
        if let (Some(Expect::Valid(valid)), Some(error)) = (
            ex.expects.iter().find(|e| matches!(e, Expect::Valid(_))),
            ex.expects.iter().find_map(|e| match e {
                Expect::Problem {
                    warning: false,
                    span,
                    ..
                } => Some(*span),
                _ => None,
            }),
        ) {
            self.diags.push(
                Diagnostic::new(Code::ExampleExpectation, *valid, "an example cannot be valid and have an error")
                    .label("expects no error")
                    .secondary(error, "expects an error")
                    .help("keep `expect valid` for an example without errors, or the `expect error on …` lines for one with errors"),
            );
        }
        expect
    }

    /// `expect visible PATH` or `expect hidden PATH`.
    fn expect_shown(
        &mut self,
        p: &ir::Procedure,
        visible: bool,
        path: &DataPath,
    ) -> Option<Expectation> {
        let r = self.resolve_example_path(p, path)?;
        match r.target {
            Target::Node(n)
                if matches!(
                    n.kind,
                    NodeKind::Field { .. } | NodeKind::Group { .. } | NodeKind::Attachment { .. }
                ) =>
            {
                let path = path.to_string();
                Some(if visible {
                    Expectation::Visible { path }
                } else {
                    Expectation::Hidden { path }
                })
            }
            _ => {
                self.example_error(
                    Code::ExampleExpectation,
                    path.span,
                    format!("`{path}` is not a part of the form that can be shown or hidden"),
                    "not a field, group or attachment",
                    "ask about fields, groups and attachments".into(),
                );
                None
            }
        }
    }

    /// `expect PATH = VALUE`, for a computed value or a fee.
    fn expect_value(
        &mut self,
        p: &ir::Procedure,
        path: &DataPath,
        value: &ast::Expr,
    ) -> Option<Expectation> {
        let r = self.resolve_example_path(p, path)?;
        let ty = match r.target {
            Target::Fee => Ty::Money,
            Target::Node(Node {
                kind: NodeKind::Computed { ty, .. },
                ..
            }) => ty.clone(),
            Target::Node(_) => {
                self.example_error(Code::ExampleExpectation, path.span, format!("`{path}` is answered, not computed"), "not a computed value", "`expect NAME = …` checks computed values and fees; answers are given above the expectations".into());
                return None;
            }
        };
        let Some(kind) = scalar_of_ty(&ty) else {
            self.example_error(
                Code::ExampleExpectation,
                path.span,
                format!("`{path}` cannot be compared with a value"),
                "no comparable value",
                "compare computed numbers, amounts, dates, texts, yes/no and codes".into(),
            );
            return None;
        };
        let v = self.example_scalar(p, value, &kind, &format!("`{path}`"))?;
        Some(Expectation::Value {
            path: path.to_string(),
            value: v,
        })
    }
}

impl Checker<'_, '_> {
    /// An example's workflow events (decisions taken, deadlines passed) and
    /// what it expects of the workflow, added to `out`.
    fn example_workflow(&mut self, p: &ir::Procedure, ex: &ast::Example, out: &mut ir::Example) {
        let uses_workflow = !ex.decisions.is_empty()
            || !ex.timeouts.is_empty()
            || ex.expects.iter().any(|e| {
                matches!(
                    e,
                    Expect::Outcome(..) | Expect::Path(..) | Expect::Document { .. }
                )
            });
        let Some(w) = &p.workflow else {
            if uses_workflow {
                self.example_error(Code::ExampleExpectation, ex.name.span, "this example expects a workflow, but the procedure has none".into(), "no workflow", "add a `workflow { … }` to the procedure, or remove `decide`, `timeout`, `expect outcome` and `expect path`".into());
            }
            return;
        };
        let steps: Vec<&ir::State> = w.steps().collect();
        for (name, value) in &ex.decisions {
            self.refer_to_decision(name);
            if let Some(values) = self.example_decision(p, &steps, name, value) {
                out.decisions.insert(name.name.clone(), values);
            }
        }
        for t in &ex.timeouts {
            self.refer_to_state(t);
            if self.example_timeout(w, &steps, t) && !out.timeouts.contains(&t.name) {
                out.timeouts.push(t.name.clone());
            }
        }
        for e in &ex.expects {
            match e {
                Expect::Outcome(name, _) => out.expect.extend(self.expect_outcome(w, name)),
                Expect::Path(names, _) => out.expect.extend(self.expect_path(w, names)),
                Expect::Document { name, says, .. } => {
                    out.expect
                        .extend(self.expect_document(w, name, says.as_ref()))
                }
                _ => {}
            }
        }
    }

    /// `decide NAME = value` (or a list of values, one per visit of its
    /// step), as the values the workflow is given.
    fn example_decision(
        &mut self,
        p: &ir::Procedure,
        steps: &[&ir::State],
        name: &ast::Ident,
        value: &ast::Expr,
    ) -> Option<Vec<Json>> {
        let Some(dec) = steps
            .iter()
            .flat_map(|s| &s.decisions)
            .find(|d| d.id == name.name)
        else {
            let d = Diagnostic::new(
                Code::UnknownExamplePath,
                name.span,
                format!("the workflow has no decision `{}`", name.name),
            )
            .label("unknown decision");
            let known: Vec<&str> = steps
                .iter()
                .flat_map(|s| &s.decisions)
                .map(|d| d.id.as_str())
                .collect();
            self.diags.push(suggest(
                d,
                &name.name,
                known,
                "decisions are declared in the workflow's steps with `decide`",
            ));
            return None;
        };
        let kind = match &dec.ty {
            Ty::Code { codelist } => Scalar::Code(codelist),
            Ty::CodeSet { codelist } => Scalar::Codes(codelist),
            Ty::Text => Scalar::Text,
            _ => Scalar::Boolean,
        };
        // A multiple choice is one list, the same on every visit.
        let items: Vec<&ast::Expr> = match &value.kind {
            ExprKind::List(items) if !matches!(kind, Scalar::Codes(_)) => items.iter().collect(),
            _ => vec![value],
        };
        items
            .iter()
            .map(|v| self.example_scalar(p, v, &kind, &format!("`{}`", name.name)))
            .collect()
    }

    /// Whether `timeout NAME` names a step with a deadline or a timer (if
    /// not, it is reported).
    fn example_timeout(&mut self, w: &ir::Workflow, steps: &[&ir::State], t: &ast::Ident) -> bool {
        let has_deadline = steps
            .iter()
            .any(|s| s.id == t.name && s.transitions.iter().any(|x| x.after.is_some()))
            || w.timers.iter().any(|x| x.id == t.name);
        if !has_deadline {
            let d = Diagnostic::new(
                Code::ExampleExpectation,
                t.span,
                format!("`{}` has no deadline that could pass", t.name),
            )
            .label("no deadline");
            let known: Vec<&str> = steps
                .iter()
                .filter(|s| s.transitions.iter().any(|x| x.after.is_some()))
                .map(|s| s.id.as_str())
                .chain(w.timers.iter().map(|x| x.id.as_str()))
                .collect();
            self.diags.push(suggest(
                d,
                &t.name,
                known,
                "`timeout` names a step or payment with `goto … after …`, or a `timer`",
            ));
        }
        has_deadline
    }

    /// `expect outcome END`.
    /// `expect document NAME "…"`: a document of the workflow, with
    /// parts when it is to say something.
    fn expect_document(
        &mut self,
        w: &ir::Workflow,
        name: &ast::Ident,
        says: Option<&ast::Text>,
    ) -> Option<Expectation> {
        let Some(doc) = w.documents.iter().find(|d| d.id == name.name) else {
            let d = Diagnostic::new(
                Code::ExampleExpectation,
                name.span,
                format!("the workflow has no document `{}`", name.name),
            )
            .label("unknown document");
            let known: Vec<&str> = w.documents.iter().map(|d| d.id.as_str()).collect();
            self.diags.push(suggest(
                d,
                &name.name,
                known.iter().copied(),
                "documents are declared in the workflow with `document`",
            ));
            return None;
        };
        if says.is_some() && !doc.is_written() {
            self.example_error(
                Code::ExampleExpectation,
                name.span,
                format!("the document `{}` has no parts, so it says nothing", name.name),
                "nothing to read",
                "write its parts in the workflow (`document NAME \"…\" { tenor \"…\" … }`), or expect only that it is issued".into(),
            );
            return None;
        }
        Some(Expectation::Document {
            id: name.name.clone(),
            says: says.map(|t| self.i18n(t)).unwrap_or_default(),
        })
    }

    fn expect_outcome(&mut self, w: &ir::Workflow, name: &ast::Ident) -> Option<Expectation> {
        self.refer_to_state(name);
        if w.states
            .iter()
            .any(|s| s.id == name.name && s.kind == ir::StateKind::End)
        {
            return Some(Expectation::Outcome {
                state: name.name.clone(),
            });
        }
        let d = Diagnostic::new(
            Code::ExampleExpectation,
            name.span,
            format!("`{}` is not an end state of the workflow", name.name),
        )
        .label("not an end state");
        let ends: Vec<&str> = w
            .states
            .iter()
            .filter(|s| s.kind == ir::StateKind::End)
            .map(|s| s.id.as_str())
            .collect();
        self.diags.push(suggest(
            d,
            &name.name,
            ends.iter().copied(),
            format!("the end states are {}", ends.join(", ")),
        ));
        None
    }

    /// `expect path STATE, STATE, …`.
    fn expect_path(&mut self, w: &ir::Workflow, names: &[ast::Ident]) -> Option<Expectation> {
        let mut ok = true;
        for n in names {
            self.refer_to_state(n);
            if !w.states.iter().any(|s| s.id == n.name) {
                ok = false;
                let d = Diagnostic::new(
                    Code::UnknownExamplePath,
                    n.span,
                    format!("the workflow has no state `{}`", n.name),
                )
                .label("unknown state");
                let known: Vec<&str> = w.states.iter().map(|s| s.id.as_str()).collect();
                self.diags.push(suggest(
                    d,
                    &n.name,
                    known,
                    "a path lists the workflow's states (a parallel state by its own name)",
                ));
            }
        }
        ok.then(|| Expectation::Path {
            states: names.iter().map(|n| n.name.clone()).collect(),
        })
    }
}

/// Lowers the examples of a checked procedure.
pub fn lower(c: &mut Checker, p: &ir::Procedure) -> Vec<ir::Example> {
    c.lower_examples(p)
}
