//! The walk over a submission: each part of the form in form order, with
//! whether it applies, whether it is given, and the checks of its kind.

use crate::eval::{self, Eval, V, field_value};
use crate::{Check, Model, Options, Problem, Report, Severity, messages};
use amt_model::date::Date;
use amt_model::formats::{self, TextFormat};
use amt_model::{Cardinality, FieldType, Node, NodeKind};
use serde_json::{Map, Number, Value as Json};

/// The members of an uploaded file's object.
const FILE_KEYS: [&str; 4] = ["id", "filename", "media_type", "size"];

/// Where a problem is: as a JSON pointer into the submission
/// (`/person/0/ehe/datum`) and as an amt path (`person[0].ehe.datum`).
#[derive(Debug, Clone, Default)]
struct Place {
    pointer: String,
    path: String,
}

impl Place {
    /// A part of the form, or a member of a file, inside this place.
    fn part(&self, id: &str) -> Place {
        Place {
            pointer: format!("{}/{id}", self.pointer),
            path: join(&self.path, id),
        }
    }

    /// A member the submission names, which may hold any character.
    fn member(&self, key: &str) -> Place {
        Place {
            pointer: format!("{}/{}", self.pointer, escape(key)),
            path: join(&self.path, key),
        }
    }

    /// An item of a repeat, or a file of an attachment.
    fn item(&self, i: usize) -> Place {
        Place {
            pointer: format!("{}/{i}", self.pointer),
            path: format!("{}[{i}]", self.path),
        }
    }

    /// A code chosen in a multiple choice: amt paths do not index the
    /// codes, so only the pointer says which.
    fn code(&self, i: usize) -> Place {
        Place {
            pointer: format!("{}/{i}", self.pointer),
            path: self.path.clone(),
        }
    }
}

/// A member name as a JSON pointer segment (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// An amt path inside another (the root's is empty).
fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A bound as a message shows it: with a decimal comma and a German date
/// in German.
fn display(v: &V, de: bool) -> String {
    match v {
        V::Int(i) => i.to_string(),
        V::Dec(d) => {
            let s = d.to_string();
            if de { s.replace('.', ",") } else { s }
        }
        V::Money(c) => {
            let s = amt_model::print::money(*c);
            if de { s.replace('.', ",") } else { s }
        }
        V::Date(d) if de => format!("{:02}.{:02}.{:04}", d.day, d.month, d.year),
        other => match other.to_json() {
            Json::String(s) => s,
            j => j.to_string(),
        },
    }
}

/// The word for the JSON a field's value must be, e.g. `integer`.
fn expected_kind(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Text { .. }
        | FieldType::Choice {
            multiple: false, ..
        } => "text",
        FieldType::Integer { .. } => "integer",
        FieldType::Decimal { .. } | FieldType::Money { .. } => "number",
        FieldType::Boolean | FieldType::Consent => "boolean",
        FieldType::Date { .. } => "date",
        FieldType::Time { .. } => "text",
        FieldType::Datetime { .. } => "datetime",
        FieldType::Choice { multiple: true, .. } => "list",
    }
}

/// Whether a value is JSON of the kind its field's type needs.
fn has_shape(ty: &FieldType, value: &Json) -> bool {
    match (ty, value) {
        (FieldType::Integer { .. }, Json::Number(x)) => eval::integral(x),
        (FieldType::Decimal { .. } | FieldType::Money { .. }, Json::Number(_)) => true,
        (FieldType::Boolean | FieldType::Consent, Json::Bool(_)) => true,
        (FieldType::Choice { multiple: true, .. }, Json::Array(_)) => true,
        (
            FieldType::Text { .. }
            | FieldType::Choice {
                multiple: false, ..
            }
            | FieldType::Date { .. }
            | FieldType::Time { .. }
            | FieldType::Datetime { .. },
            Json::String(_),
        ) => true,
        _ => false,
    }
}

/// Walks one submission, collecting the report.
pub(crate) struct Walker<'m, 'p> {
    model: &'m Model<'p>,
    eval: Eval<'m>,
    lang: &'m str,
    source: &'m str,
    report: Report,
}

impl<'m, 'p: 'm> Walker<'m, 'p> {
    /// A walker over `data` with the options of one validation.
    pub(crate) fn new(model: &'m Model<'p>, data: &'m Json, options: &'m Options) -> Self {
        let source = model.procedure.source_language();
        Walker {
            model,
            eval: Eval {
                model,
                data,
                today: options.today,
                bound: Vec::new(),
            },
            lang: options.lang.as_deref().unwrap_or(source),
            source,
            report: Report::default(),
        }
    }

    /// Checks the whole submission: its pages, attachments, computed values
    /// and fees, and members that are not part of the form. `valid` is left
    /// to the caller.
    pub(crate) fn submission(mut self) -> Report {
        let root = Place::default();
        let Json::Object(obj) = self.eval.data else {
            self.problem(None, &root, Check::Type, "object".into(), true);
            return self.report;
        };
        let procedure = self.model.procedure;
        let mut known = Vec::new();
        for page in &procedure.pages {
            let applies = match &page.when {
                Some(cond) => self.eval.eval(cond).truth(),
                None => Some(true),
            };
            for n in &page.items {
                self.node(n, Some(obj), &root, applies);
                known.push(n);
            }
        }
        for n in &procedure.attachments {
            self.node(n, Some(obj), &root, Some(true));
            known.push(n);
        }
        for n in &procedure.computed {
            self.node(n, Some(obj), &root, Some(true));
        }
        for fee in &procedure.fees {
            let v = self.eval.eval(&fee.value);
            if v != V::Unknown {
                self.report.computed.insert(fee.id.clone(), v.to_json());
            }
        }
        self.unknown_keys(obj, &known, &root);
        self.report
    }

    /// Records a failed check of the validator's own, an error.
    fn problem(
        &mut self,
        node: Option<&Node>,
        at: &Place,
        check: Check,
        detail: String,
        schema: bool,
    ) {
        let message = messages::builtin(check, self.lang, &detail);
        self.problem_saying(node, at, check, message, schema);
    }

    /// A problem with a message of its own words.
    fn problem_saying(
        &mut self,
        node: Option<&Node>,
        at: &Place,
        check: Check,
        message: String,
        schema: bool,
    ) {
        let problem = Problem {
            severity: Severity::Error,
            pointer: at.pointer.clone(),
            path: at.path.clone(),
            check,
            rule: None,
            label: self.label(node),
            message,
            schema,
        };
        self.report.problems.push(problem);
    }

    /// Records a rule of the author's that does not hold, with its own
    /// severity and message.
    fn broken_rule(&mut self, n: &Node, at: &Place, rule: usize, schema: bool) {
        let r = &n.rules[rule];
        let message = r
            .message
            .pick(self.lang, self.source)
            .map(str::to_string)
            .unwrap_or_else(|| messages::builtin(Check::Rule, self.lang, ""));
        let problem = Problem {
            severity: r.severity,
            pointer: at.pointer.clone(),
            path: at.path.clone(),
            check: Check::Rule,
            rule: Some(rule),
            label: self.label(Some(n)),
            message,
            schema: schema && r.severity == Severity::Error,
        };
        self.report.problems.push(problem);
    }

    /// A node's label in the chosen language.
    fn label(&self, node: Option<&Node>) -> Option<String> {
        node.and_then(|n| n.label.as_ref())
            .and_then(|l| l.pick(self.lang, self.source))
            .map(str::to_string)
    }

    /// Whether messages are in German.
    fn de(&self) -> bool {
        amt_model::is_german(self.lang)
    }

    /// Refuses the members of an object that are not parts of the form.
    fn unknown_keys(&mut self, obj: &Map<String, Json>, known: &[&Node], at: &Place) {
        for key in obj.keys() {
            if !known.iter().any(|n| n.is_data() && n.id == *key) {
                self.problem(None, &at.member(key), Check::Unknown, String::new(), true);
            }
        }
    }

    /// Walks a part of the form inside the container at `at`, whose data is
    /// `obj` if it was given and which applies as `parent` says.
    fn node(
        &mut self,
        n: &'p Node,
        obj: Option<&'m Map<String, Json>>,
        at: &Place,
        parent: Option<bool>,
    ) where
        'p: 'm,
    {
        let at = at.part(&n.id);
        let applies = self.applies(n, parent);
        let visible = applies == Some(true);
        if let NodeKind::Computed { value, .. } = &n.kind {
            if visible {
                let v = self.eval.eval(value);
                if v != V::Unknown {
                    self.report.computed.insert(at.path, v.to_json());
                }
            }
            return;
        }
        if !n.is_data() {
            return;
        }
        self.report.visible.insert(at.path.clone(), visible);
        // A part is asked only where its container was given: the root
        // always, a group when it is there (an optional group left out
        // demands nothing inside it).
        let Some(obj) = obj else {
            self.group_items(n, None, &at, applies);
            return;
        };
        let value = obj.get(&n.id);
        if applies == Some(false) {
            self.not_applicable(n, value.is_some(), &at);
            return;
        }
        let Some(value) = value else {
            self.unanswered(n, &at, applies);
            return;
        };
        match n.repeat {
            Some(card) => self.repeated(n, value, card, &at),
            None => {
                // Given: checked, whether it applies or is undetermined.
                self.single(n, value, &at);
                self.rules(n, &at);
            }
        }
    }

    /// Whether a part applies: yes, no, or undetermined (its condition
    /// reads an answer that is missing). An undetermined part is neither
    /// demanded nor refused, and its rules are not checked.
    fn applies(&mut self, n: &'p Node, parent: Option<bool>) -> Option<bool> {
        let own = match &n.when {
            Some(cond) => self.eval.eval(cond).truth(),
            None => Some(true),
        };
        match (parent, own) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        }
    }

    /// Walks the parts of a group that is not repeated; others have none
    /// to walk here.
    fn group_items(
        &mut self,
        n: &'p Node,
        obj: Option<&'m Map<String, Json>>,
        at: &Place,
        applies: Option<bool>,
    ) {
        if let NodeKind::Group { items, .. } = &n.kind
            && n.repeat.is_none()
        {
            for c in items {
                self.node(c, obj, at, applies);
            }
        }
    }

    /// A part that does not apply: refused if given, and its parts hidden.
    fn not_applicable(&mut self, n: &'p Node, given: bool, at: &Place) {
        if given {
            let schema = self.model.coverage.hidden.contains(&n.path);
            self.problem(Some(n), at, Check::NotApplicable, String::new(), schema);
        }
        if let NodeKind::Group { items, .. } = &n.kind
            && n.repeat.is_none()
        {
            for c in items {
                self.hide(c, &at.path);
            }
        }
    }

    /// A part that applies or is undetermined, and is not given.
    fn unanswered(&mut self, n: &'p Node, at: &Place, applies: Option<bool>) {
        let visible = applies == Some(true);
        if n.demanded() && visible {
            let schema = self.model.coverage.required.contains(&n.path);
            self.problem(Some(n), at, Check::Required, String::new(), schema);
        }
        if n.repeat.is_none() {
            // A group's rules are about what it holds: checked when it is given.
            if visible && !matches!(n.kind, NodeKind::Group { .. }) {
                self.rules(n, at);
            }
            self.group_items(n, None, at, applies);
        }
    }

    /// The items of a repeat, each checked with its index bound.
    fn repeated(&mut self, n: &'p Node, value: &'m Json, card: Cardinality, at: &Place) {
        let Json::Array(items) = value else {
            let w = self.kind_word("list");
            self.problem(Some(n), at, Check::Type, w, true);
            return;
        };
        self.count(n, items.len(), card, at);
        for (i, item) in items.iter().enumerate() {
            let item_at = at.item(i);
            self.eval.bound.push((&n.path, i));
            self.report.visible.insert(item_at.path.clone(), true);
            self.single(n, item, &item_at);
            self.rules(n, &item_at);
            self.eval.bound.pop();
        }
    }

    /// Records that the parts of a hidden group do not apply.
    fn hide(&mut self, n: &Node, path: &str) {
        if !n.is_data() {
            return;
        }
        let path = join(path, &n.id);
        self.report.visible.insert(path.clone(), false);
        if let NodeKind::Group { items, .. } = &n.kind
            && n.repeat.is_none()
        {
            for c in items {
                self.hide(c, &path);
            }
        }
    }

    /// How a message names a kind of JSON value, in the chosen language.
    fn kind_word(&self, word: &str) -> String {
        let de = self.de();
        match (word, de) {
            ("list", true) => "Liste".into(),
            ("object", true) => "Gruppe von Angaben".into(),
            ("text", true) => "Text".into(),
            ("number", true) => "Zahl".into(),
            ("integer", true) => "ganze Zahl".into(),
            ("boolean", true) => "ja oder nein".into(),
            ("date", true) => "Datum JJJJ-MM-TT".into(),
            ("datetime", true) => "Datum und Uhrzeit JJJJ-MM-TTTHH:MM".into(),
            ("file", true) => "Datei".into(),
            ("date", false) => "date YYYY-MM-DD".into(),
            ("datetime", false) => "date and time YYYY-MM-DDTHH:MM".into(),
            ("integer", false) => "whole number".into(),
            ("boolean", false) => "yes or no".into(),
            ("object", false) => "group of answers".into(),
            (w, _) => w.into(),
        }
    }

    /// Checks the number of items of a repeat or files of an attachment.
    fn count(&mut self, n: &Node, len: usize, card: Cardinality, at: &Place) {
        let len = len as u64;
        if len == 0 {
            self.problem(Some(n), at, Check::Empty, String::new(), true);
        } else if len < card.min {
            self.problem(Some(n), at, Check::MinItems, card.min.to_string(), true);
        }
        if let Some(max) = card.max
            && len > max
        {
            self.problem(Some(n), at, Check::MaxItems, max.to_string(), true);
        }
    }

    /// Checks the author's rules of a node; one that is unknown (reads an
    /// unanswered value) does not fail.
    /// A warning is not given about a value that is wrong already (an
    /// error at the same place, built in or the author's).
    fn rules(&mut self, n: &'p Node, at: &Place) {
        let broken: Vec<usize> = (0..n.rules.len())
            .filter(|&i| self.eval.eval(&n.rules[i].condition).truth() == Some(false))
            .collect();
        let warns = broken
            .iter()
            .any(|&i| n.rules[i].severity == Severity::Warning);
        let wrong = warns
            && (broken
                .iter()
                .any(|&i| n.rules[i].severity == Severity::Error)
                || self
                    .report
                    .problems
                    .iter()
                    .any(|p| p.severity == Severity::Error && p.pointer == at.pointer));
        for i in broken {
            if n.rules[i].severity == Severity::Warning && wrong {
                continue;
            }
            let schema = self.model.coverage.rules.contains(&(n.path.clone(), i));
            self.broken_rule(n, at, i, schema);
        }
    }

    /// Checks one value (one item, for repeats).
    fn single(&mut self, n: &'p Node, value: &'m Json, at: &Place) {
        match &n.kind {
            NodeKind::Group { items, .. } => {
                let Json::Object(obj) = value else {
                    let w = self.kind_word("object");
                    self.problem(Some(n), at, Check::Type, w, true);
                    return;
                };
                if obj.is_empty() {
                    self.problem(Some(n), at, Check::Empty, String::new(), true);
                }
                let known: Vec<&Node> = items.iter().collect();
                for c in items {
                    self.node(c, Some(obj), at, Some(true));
                }
                self.unknown_keys(obj, &known, at);
            }
            NodeKind::Attachment {
                media_types,
                max_bytes,
                count,
            } => {
                let Json::Array(files) = value else {
                    let w = self.kind_word("list");
                    self.problem(Some(n), at, Check::Type, w, true);
                    return;
                };
                self.count(n, files.len(), *count, at);
                for (i, file) in files.iter().enumerate() {
                    self.file(n, file, media_types, *max_bytes, &at.item(i));
                }
            }
            NodeKind::Field { ty } => self.field(n, ty, value, at),
            _ => {}
        }
    }

    /// Checks one uploaded file's object.
    fn file(
        &mut self,
        n: &Node,
        file: &Json,
        media_types: &[String],
        max_bytes: Option<u64>,
        at: &Place,
    ) {
        let Json::Object(f) = file else {
            let w = self.kind_word("file");
            self.problem(Some(n), at, Check::Type, w, true);
            return;
        };
        for key in FILE_KEYS {
            let key_at = at.part(key);
            match (key, f.get(key)) {
                (_, None) => self.problem(Some(n), &key_at, Check::Required, String::new(), true),
                ("size", Some(Json::Number(s))) => self.file_size(n, s, max_bytes, &key_at),
                ("media_type", Some(Json::String(t))) => {
                    if !media_types.iter().any(|m| m == t) {
                        let accepted = media_types.join(", ");
                        self.problem(Some(n), &key_at, Check::MediaType, accepted, true);
                    }
                }
                ("id" | "filename", Some(Json::String(t))) => {
                    if t.is_empty() {
                        self.problem(Some(n), &key_at, Check::Empty, String::new(), true);
                    }
                }
                _ => {
                    let w = self.kind_word(if key == "size" { "integer" } else { "text" });
                    self.problem(Some(n), &key_at, Check::Type, w, true);
                }
            }
        }
        for key in f.keys() {
            if !FILE_KEYS.contains(&key.as_str()) {
                self.problem(None, &at.member(key), Check::Unknown, String::new(), true);
            }
        }
    }

    /// Checks a file's size in bytes: a whole number, not negative, within
    /// the attachment's limit.
    fn file_size(&mut self, n: &Node, size: &Number, max_bytes: Option<u64>, at: &Place) {
        match eval::whole(size) {
            Some(bytes) if bytes >= 0 => {
                if let Some(max) = max_bytes
                    && bytes as u64 > max
                {
                    let detail = format!("{} MB", max as f64 / 1_048_576.0);
                    self.problem(Some(n), at, Check::FileSize, detail, true);
                }
            }
            // Whole, but beyond what every JSON reader keeps exactly.
            None if eval::integral(size) => {
                let (check, detail) = if size.as_f64().is_some_and(|f| f < 0.0) {
                    (Check::Minimum, "0".to_string())
                } else {
                    let max = max_bytes.unwrap_or(amt_model::SAFE_INTEGER as u64);
                    (Check::FileSize, format!("{} MB", max as f64 / 1_048_576.0))
                };
                self.problem(Some(n), at, check, detail, true);
            }
            _ => {
                let w = self.kind_word("integer");
                self.problem(Some(n), at, Check::Type, w, true);
            }
        }
    }

    /// Checks a field's value: its JSON kind, then the checks of its type,
    /// then its bounds.
    fn field(&mut self, n: &'p Node, ty: &'p FieldType, value: &Json, at: &Place) {
        if !has_shape(ty, value) {
            let w = self.kind_word(expected_kind(ty));
            self.problem(Some(n), at, Check::Type, w, true);
            return;
        }
        if let Json::String(s) = value
            && s.is_empty()
        {
            self.problem(Some(n), at, Check::Empty, String::new(), true);
            return;
        }
        match ty {
            FieldType::Text {
                min_length,
                max_length,
                pattern,
                pattern_message,
                format,
                ..
            } => {
                let s = value.as_str().unwrap_or_default();
                // One problem, one error: a text of the wrong length is
                // told its length, not also that its shape is wrong.
                if self.text_length(n, s, *min_length, *max_length, at) {
                    let said = pattern_message
                        .as_ref()
                        .and_then(|m| m.pick(self.lang, self.source))
                        .map(str::to_string);
                    self.text_patterns(n, s, pattern.as_deref(), *format, said, at);
                }
            }
            FieldType::Decimal { .. } | FieldType::Money { .. } => {
                if let Json::Number(x) = value {
                    self.decimals(n, ty, x, at);
                }
            }
            FieldType::Consent => {
                if value == &Json::Bool(false) {
                    self.problem(Some(n), at, Check::Consent, String::new(), true);
                }
            }
            FieldType::Date { .. } | FieldType::Time { .. } | FieldType::Datetime { .. } => {
                self.date_or_time(n, ty, value.as_str().unwrap_or_default(), at);
            }
            FieldType::Choice { codelist, multiple } => {
                self.choice(n, codelist, *multiple, value, at);
            }
            FieldType::Integer { .. } | FieldType::Boolean => {}
        }
        let before = self.report.problems.len();
        self.bounds(n, ty, value, at);
        if let Json::Number(x) = value
            && self.report.problems.len() == before
        {
            match ty {
                FieldType::Integer { .. } => self.safe_integer(n, x, at),
                FieldType::Money { .. } => self.safe_money(n, x, at),
                _ => {}
            }
        }
    }

    /// Checks that an amount of money is within what every JSON reader
    /// keeps exact to the cent; called only when no bound of the author's
    /// said so already.
    fn safe_money(&mut self, n: &Node, x: &Number, at: &Place) {
        let Some(f) = x.as_f64() else { return };
        if f.abs() <= amt_model::SAFE_MONEY {
            return;
        }
        let (check, bound) = if f < 0.0 {
            (Check::Minimum, -amt_model::SAFE_MONEY)
        } else {
            (Check::Maximum, amt_model::SAFE_MONEY)
        };
        let cents = (bound * 100.0).round() as i64;
        self.problem(
            Some(n),
            at,
            check,
            display(&V::Money(cents), self.de()),
            true,
        );
    }

    /// Checks a text's number of characters; whether it fits.
    fn text_length(
        &mut self,
        n: &Node,
        s: &str,
        min_length: Option<u64>,
        max_length: Option<u64>,
        at: &Place,
    ) -> bool {
        let len = s.chars().count() as u64;
        if let Some(min) = min_length
            && len < min
        {
            self.problem(Some(n), at, Check::MinLength, min.to_string(), true);
            return false;
        }
        if let Some(max) = max_length
            && len > max
        {
            self.problem(Some(n), at, Check::MaxLength, max.to_string(), true);
            return false;
        }
        true
    }

    /// Checks a text against its pattern and format, and the check digits of
    /// a format that has them.
    fn text_patterns(
        &mut self,
        n: &Node,
        s: &str,
        pattern: Option<&str>,
        format: Option<TextFormat>,
        message: Option<String>,
        at: &Place,
    ) {
        // One message, however many shapes it fails: the author's, if any.
        let fails = pattern
            .into_iter()
            .chain(format.map(TextFormat::pattern))
            .any(|p| self.model.pattern(p).is_some_and(|re| !re.is_match(s)));
        if fails {
            match message {
                Some(m) => self.problem_saying(Some(n), at, Check::Pattern, m, true),
                None => self.problem(Some(n), at, Check::Pattern, String::new(), true),
            }
            return;
        }
        // Check digits are checked on a value of the right shape.
        if let Some(format) = format
            && let Some(digits_ok) = format.check_digits()
            && self
                .model
                .pattern(format.pattern())
                .is_some_and(|re| re.is_match(s))
            && !digits_ok(s)
        {
            let detail = format.word().to_string();
            self.problem(Some(n), at, Check::Checksum, detail, false);
        }
    }

    /// Checks the decimal places of a decimal (its scale) or of money (cents).
    fn decimals(&mut self, n: &Node, ty: &FieldType, x: &Number, at: &Place) {
        match ty {
            FieldType::Decimal {
                scale: Some(scale), ..
            } => {
                let text = x.to_string();
                let decimals = text.split_once('.').map_or(0, |(_, d)| d.len()) as u64;
                if decimals > *scale || text.contains(['e', 'E']) {
                    self.problem(Some(n), at, Check::Scale, scale.to_string(), false);
                }
            }
            // Beyond what JSON keeps exact to the cent is a bound, not a
            // matter of decimals (the bound is reported with the others).
            FieldType::Money { .. }
                if x.as_f64().is_some_and(|f| f.abs() <= amt_model::SAFE_MONEY)
                    && eval::cents(x).is_none() =>
            {
                self.problem(Some(n), at, Check::Scale, "2".into(), false);
            }
            _ => {}
        }
    }

    /// Checks that a date, time or date and time is one of the calendar
    /// and the clock.
    fn date_or_time(&mut self, n: &Node, ty: &FieldType, s: &str, at: &Place) {
        match ty {
            FieldType::Date { .. } if Date::parse(s).is_none() => {
                let w = self.kind_word("date");
                self.problem(Some(n), at, Check::Type, w, true);
            }
            FieldType::Time { .. } if formats::parse_time(s).is_none() => {
                self.problem(Some(n), at, Check::Pattern, String::new(), true);
            }
            FieldType::Datetime { .. } => {
                if self
                    .model
                    .pattern(formats::DATETIME)
                    .is_some_and(|re| !re.is_match(s))
                {
                    self.problem(Some(n), at, Check::Pattern, String::new(), true);
                } else if formats::parse_datetime(s).is_none() {
                    let w = self.kind_word("datetime");
                    self.problem(Some(n), at, Check::Type, w, false);
                }
            }
            _ => {}
        }
    }

    /// Checks the codes of a choice: each in its code list, none twice.
    fn choice(&mut self, n: &Node, codelist: &str, multiple: bool, value: &Json, at: &Place) {
        let list = self.model.procedure.codelists.get(codelist);
        let has = |c: &str| list.is_some_and(|l| l.values.iter().any(|v| v.code == c));
        let codes: Vec<&Json> = match value {
            Json::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        if multiple && codes.is_empty() {
            self.problem(Some(n), at, Check::Empty, String::new(), true);
        }
        for (i, c) in codes.iter().enumerate() {
            let code_at = if multiple { at.code(i) } else { at.clone() };
            match c {
                Json::String(s) if has(s) => {
                    if codes[..i].contains(c) {
                        self.problem(Some(n), &code_at, Check::Duplicate, String::new(), true);
                    }
                }
                Json::String(_) => {
                    self.problem(Some(n), &code_at, Check::Code, String::new(), true);
                }
                _ => {
                    let w = self.kind_word("text");
                    self.problem(Some(n), &code_at, Check::Type, w, true);
                }
            }
        }
    }

    /// Checks that a whole number is within what every JSON reader keeps
    /// exactly; called only when no bound of the author's said so already.
    fn safe_integer(&mut self, n: &Node, x: &Number, at: &Place) {
        if eval::whole(x).is_some() {
            return;
        }
        let negative = x.as_f64().is_some_and(|f| f < 0.0);
        let (check, bound) = if negative {
            (Check::Minimum, -amt_model::SAFE_INTEGER)
        } else {
            (Check::Maximum, amt_model::SAFE_INTEGER)
        };
        self.problem(Some(n), at, check, bound.to_string(), true);
    }

    /// Checks a field's lower and upper bound, evaluated over the answers.
    fn bounds(&mut self, n: &'p Node, ty: &'p FieldType, value: &Json, at: &Place) {
        let Some(bounds) = ty.bounds() else {
            return;
        };
        let v = match (ty, value) {
            // Numbers are compared as JSON numbers, as JSON Schema does.
            (
                FieldType::Money { .. } | FieldType::Decimal { .. } | FieldType::Integer { .. },
                Json::Number(x),
            ) => x.as_f64().map_or(V::Unknown, V::Dec),
            _ => field_value(ty, value),
        };
        let de = self.de();
        for (bound, is_min) in [(&bounds.min, true), (&bounds.max, false)] {
            let Some(bound) = bound else { continue };
            let b = self.eval.eval(bound);
            let b_cmp = match b {
                V::Money(c) => V::Dec(c as f64 / 100.0),
                V::Int(i) if !matches!(v, V::Int(_)) => V::Dec(i as f64),
                ref other => other.clone(),
            };
            let Some(ord) = eval::compare(&v, &b_cmp) else {
                continue;
            };
            let fails = if is_min { ord.is_lt() } else { ord.is_gt() };
            if fails {
                let check = if is_min {
                    Check::Minimum
                } else {
                    Check::Maximum
                };
                let schema = self
                    .model
                    .coverage
                    .bounds
                    .contains(&(n.path.clone(), is_min));
                let detail = display(&b, de);
                if matches!(b, V::Date(_)) {
                    let message = messages::date_bound(is_min, self.lang, &detail);
                    self.problem_saying(Some(n), at, check, message, schema);
                } else {
                    self.problem(Some(n), at, check, detail, schema);
                }
            }
        }
    }
}
