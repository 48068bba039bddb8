//! The syntax tree: what the author wrote, with a span on every node.
//! Nothing is resolved here; names are plain [`Ident`]s.

use crate::source::Span;

/// The operators and units of expressions are the model's own: the syntax
/// tree uses them as they are.
pub use amt_model::{BinaryOp, DurationUnit, UnaryOp};

/// A name as written, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A string literal's value (escapes resolved) and its place (with quotes).
#[derive(Clone, Debug, PartialEq)]
pub struct Str {
    /// The value.
    pub value: String,
    /// Where it is written.
    pub span: Span,
}

/// A text shown to people, in the source language plus translations:
/// `"Straße" @en "Street"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// The text in the source language.
    pub source: Str,
    /// Translations: language tag and text.
    pub translations: Vec<(Ident, Str)>,
    /// The whole text.
    pub span: Span,
}

/// One source file.
#[derive(Debug, Default, Clone)]
pub struct File {
    /// The top-level declarations in order.
    pub items: Vec<Item>,
    /// Every comment, in order, for tools that keep layout (formatter, language server).
    pub comments: Vec<Span>,
    /// The indices of the declarations read around a syntax error (the
    /// statement with the error left out): their own checks are not
    /// reported, since they would only echo the error.
    pub recovered: Vec<usize>,
}

/// A top-level declaration.
#[derive(Debug, Clone)]
pub enum Item {
    /// `import path.{a, b}`
    Import(Import),
    /// `codelist name "Label" { ... }`
    Codelist(Codelist),
    /// `type name = text(...)`
    Type(TypeDecl),
    /// `group name "Label" { ... }`
    Group(Decl),
    /// `procedure name "Title" { ... }`
    Procedure(Decl),
    /// `municipality "091620000000" "Landeshauptstadt München" { ... }`
    Municipality(Municipality),
    /// A statement that belongs inside a block, written at the top level.
    Stray(Stmt),
}

/// A municipality (or a Land, Landkreis, …) and what it sets.
#[derive(Debug, Clone)]
pub struct Municipality {
    /// Its Amtlicher Regionalschlüssel as written.
    pub ars: Str,
    /// Its name.
    pub name: Text,
    /// Its statements.
    pub body: Vec<Stmt>,
    /// The whole declaration.
    pub span: Span,
}

/// `parameter satz: money "Steuersatz" = 100 EUR { legal "…" }`
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeRef,
    /// Its label.
    pub label: Option<Text>,
    /// The value where no municipality sets one.
    pub default: Option<Expr>,
    /// The statements in its block.
    pub body: Vec<Stmt>,
    /// The whole declaration.
    pub span: Span,
}

/// `import common/person.{anschrift, person}`
#[derive(Debug, Clone)]
pub struct Import {
    /// The module path as written, e.g. `common/person`.
    pub path: Str,
    /// The imported names.
    pub names: Vec<Ident>,
    /// The whole import.
    pub span: Span,
}

/// A code list.
#[derive(Debug, Clone)]
pub struct Codelist {
    /// Its name.
    pub name: Ident,
    /// Its label.
    pub label: Option<Text>,
    /// An external list this one follows: URN and version.
    pub source: Option<(Str, Option<Str>)>,
    /// Its columns: more values of each code, read as `list.column`.
    pub columns: Vec<CodeColumn>,
    /// Its values.
    pub entries: Vec<CodeEntry>,
    /// The whole declaration.
    pub span: Span,
}

/// `column bezirk: choice(bezirk) "Bezirk"`
#[derive(Debug, Clone)]
pub struct CodeColumn {
    /// Its name.
    pub name: Ident,
    /// The type of its values.
    pub ty: TypeRef,
    /// Its label.
    pub label: Option<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// One value of a code list.
#[derive(Debug, Clone)]
pub struct CodeEntry {
    /// The code as written (an identifier-like word or a string).
    pub code: Str,
    /// Its label.
    pub label: Option<Text>,
    /// Its values in the list's columns: `{ bezirk = nord }`.
    pub cells: Vec<(Ident, Expr)>,
    /// The whole entry.
    pub span: Span,
}

/// `type postleitzahl "Postleitzahl" = text(pattern "[0-9]{5}")`
#[derive(Debug, Clone)]
pub struct TypeDecl {
    /// Its name.
    pub name: Ident,
    /// Its label.
    pub label: Option<Text>,
    /// The type it refines.
    pub base: TypeRef,
    /// Hints, rules and other settings that every use inherits.
    pub body: Vec<Stmt>,
    /// The whole declaration.
    pub span: Span,
}

/// A named declaration with a label and a block: procedure, page, group,
/// field, attachment.
#[derive(Debug, Clone)]
pub struct Decl {
    /// Its name.
    pub name: Ident,
    /// For fields and groups: the type or group it is made of.
    pub type_ref: Option<TypeRef>,
    /// For a group written in place: how often it repeats (`group kind[1..5]
    /// "Kind" { … }`); a group made of a declared group says so in its
    /// `type_ref`.
    pub repeat: Option<Range>,
    /// Its label.
    pub label: Option<Text>,
    /// The statements in its block.
    pub body: Vec<Stmt>,
    /// The keyword (`field`, `group`, …) for messages.
    pub keyword: Span,
    /// The whole declaration.
    pub span: Span,
}

/// `computed alter "Alter" = age(geburtsdatum)` and `fee gebuehr "Gebühr" = …`
#[derive(Debug, Clone)]
pub struct Computed {
    /// Its name.
    pub name: Ident,
    /// The type it declares (`computed zone: choice(zone) = …`), if any.
    pub ty: Option<TypeRef>,
    /// Its label.
    pub label: Option<Text>,
    /// How it is computed.
    pub value: Expr,
    /// The statements in its block.
    pub body: Vec<Stmt>,
    /// The whole declaration.
    pub span: Span,
}

/// `deadline anmeldefrist "Anmeldefrist" 2 weeks after einzug { legal … }`
#[derive(Debug, Clone)]
pub struct Deadline {
    /// Its name.
    pub name: Ident,
    /// Its label.
    pub label: Option<Text>,
    /// How long.
    pub duration: Duration,
    /// The date it runs from, if it is a field.
    pub after: Option<Path>,
    /// The statements in its block.
    pub body: Vec<Stmt>,
    /// The whole declaration.
    pub span: Span,
}

/// `note "Bitte halten Sie Ihren Ausweis bereit."`
#[derive(Debug, Clone)]
pub struct Note {
    /// An optional name (for ids in the output).
    pub name: Option<Ident>,
    /// The text shown.
    pub text: Text,
    /// The statements in its block.
    pub body: Vec<Stmt>,
    /// The whole note.
    pub span: Span,
}

/// A statement in a block. Every block accepts every statement syntactically;
/// the model builder reports those that have no meaning where they stand.
#[derive(Debug, Clone)]
pub enum Stmt {
    /// `field name: type "Label" { … }`
    Field(Decl),
    /// `group name[: group] "Label" { … }`
    Group(Decl),
    /// `page name "Label" { … }`
    Page(Decl),
    /// `attachment name "Label" { … }`
    Attachment(Decl),
    /// `computed name "Label" = expr`
    Computed(Computed),
    /// `fee name "Label" = expr`
    Fee(Computed),
    /// `deadline name "Label" 2 weeks after field`
    Deadline(Deadline),
    /// `note "…"`
    Note(Note),
    /// `rule expr "message"` (severity error) or `warn expr "message"`.
    Rule {
        /// Whether this is `warn` (warning) rather than `rule` (error).
        warning: bool,
        /// What must hold.
        condition: Expr,
        /// What to tell the user when it does not.
        message: Option<Text>,
        /// The whole statement.
        span: Span,
    },
    /// `when expr`
    When(Expr, Span),
    /// `required`
    Required(Span),
    /// `hint "…"`
    Hint(Text, Span),
    /// `legal "§ 17 BMG" <https://…>`
    Legal {
        /// The citation.
        citation: Str,
        /// The link, without angle brackets.
        url: Option<Str>,
        /// The whole statement.
        span: Span,
    },
    /// `fim F60000000243 version 1.2`
    Fim(Str, Option<Str>, Span),
    /// `autocomplete postal-code`
    Autocomplete(Ident, Span),
    /// `prefill given_name locked`
    Prefill {
        /// The identity attribute.
        attribute: Ident,
        /// Whether the user may change the value.
        locked: Option<bool>,
        /// The whole statement.
        span: Span,
    },
    /// `personal` or `personal special`
    Personal(Option<Ident>, Span),
    /// `version 1.2.0`
    Version(Str, Span),
    /// `leika 99115001001000`
    Leika(Str, Span),
    /// `identity hoch via eid, eudi_wallet`
    Identity {
        /// The minimum trust level.
        level: Ident,
        /// The accepted means.
        means: Vec<Ident>,
        /// The whole statement.
        span: Span,
    },
    /// `languages de, en`
    Languages(Vec<Ident>, Span),
    /// `description "…"`
    Description(Text, Span),
    /// `authority meldebehoerde "Meldebehörde"` in a procedure (the kind of
    /// authority), with a block in a municipality (the authority itself).
    Authority {
        /// Its name.
        name: Ident,
        /// Its label.
        label: Option<Text>,
        /// Its statements (contacts, links, routing).
        body: Vec<Stmt>,
        /// The whole statement.
        span: Span,
    },
    /// `parameter satz: money "Steuersatz" = 100 EUR`
    Parameter(Parameter),
    /// `kind landkreis`
    Kind(Ident, Span),
    /// `offers kfz_zulassung, bauantrag by lra`
    Offers {
        /// The procedures offered.
        procedures: Vec<Ident>,
        /// The authority responsible for them.
        by: Ident,
        /// The whole statement.
        span: Span,
    },
    /// `set hundesteuer.satz = 100 EUR { from 2025-01-01 legal "…" }`
    Set {
        /// The procedure.
        procedure: Ident,
        /// Its parameter.
        parameter: Ident,
        /// The value.
        value: Expr,
        /// Validity and provenance.
        body: Vec<Stmt>,
        /// The whole statement.
        span: Span,
    },
    /// `from 2025-01-01` or `until 2024-12-31`
    Validity {
        /// Whether it is `until`.
        until: bool,
        /// The date as written.
        date: Str,
        /// The whole statement.
        span: Span,
    },
    /// `address "…"`, `short "…"`, `hours "…"`, `destination "…"`, and
    /// with a name `contact phone "…"`, `link imprint <…>`, `color primary
    /// "#…"`, `account originator "…"`, `secret token "env:…"`.
    Property {
        /// The keyword.
        key: Ident,
        /// The name after a keyword that takes one.
        name: Option<Ident>,
        /// The value (a link without its angle brackets).
        value: Text,
        /// Whether the value is a link (`<…>`).
        url: bool,
        /// The whole statement.
        span: Span,
    },
    /// `extension zusatz "Angaben Ihrer Gemeinde"`: where a municipality
    /// may add questions.
    Extension {
        /// Its name (the group the additions form).
        name: Ident,
        /// Its label (the group's).
        label: Option<Text>,
        /// The whole statement.
        span: Span,
    },
    /// `extend hundesteuer.zusatz { field … }`: a municipality's questions
    /// at a procedure's extension point.
    Extend {
        /// The procedure.
        procedure: Ident,
        /// Its extension point.
        point: Ident,
        /// The questions.
        body: Vec<Stmt>,
        /// The whole statement.
        span: Span,
    },
    /// `reply email, fitconnect`
    Reply(Vec<Ident>, Span),
    /// `theme { color … link logo <…> }`
    Theme(Vec<Stmt>, Span),
    /// `privacy { purpose … basis … retention … }`
    Privacy(Vec<Stmt>, Span),
    /// `purpose "…"`
    Purpose(Text, Span),
    /// `basis "Art. 6 Abs. 1 lit. c DSGVO"`
    Basis(Str, Span),
    /// `retention 5 years` or `retention "…"`
    Retention(Retention, Span),
    /// `types pdf, jpeg`
    Types(Vec<Ident>, Span),
    /// `max 10 MB`
    MaxSize(u64, Span),
    /// `count 1..3`
    Count(Range, Span),
    /// `example "…" { … }`
    Example(Example),
    /// `workflow { … }`
    Workflow(Vec<Stmt>, Span),
    /// `actor bauaufsicht: authority "Bauaufsichtsbehörde"`
    Actor {
        /// Its name.
        name: Ident,
        /// `applicant`, `authority`, `system` or `external`.
        kind: Ident,
        /// Its label.
        label: Option<Text>,
        /// The whole statement.
        span: Span,
    },
    /// `document bescheid "Bescheid" { tenor "…" … }`
    Document {
        /// Its name.
        name: Ident,
        /// Its label.
        label: Option<Text>,
        /// Its parts (empty for a document that is only a name).
        body: Vec<Stmt>,
        /// The whole statement.
        span: Span,
    },
    /// `tenor "…"`, `reasons "…"` or `recipient "…"` in a document, with
    /// `{ when … }` when it applies only sometimes.
    Part {
        /// Which part.
        kind: PartKind,
        /// Its text, reading `{path}` placeholders.
        text: Text,
        /// `when`.
        body: Vec<Stmt>,
        /// The whole statement.
        span: Span,
    },
    /// `conditions auflagen, weitere_auflagen`: the Nebenbestimmungen the
    /// clerk decided.
    Conditions(Vec<Ident>, Span),
    /// `fees`: the document states the fees.
    Fees(Span),
    /// `remedy action` or `remedy none "why"`.
    Remedy {
        /// `action`, `objection`, `objection_or_action` or `none`.
        kind: Ident,
        /// Why there is none.
        why: Option<Text>,
        /// The whole statement.
        span: Span,
    },
    /// `start`, `step`, `parallel`, `end` or `timer`.
    State(StateDecl),
    /// `by bauaufsicht`
    By(Ident, Span),
    /// `decide genehmigt: boolean "Genehmigen?"`
    Decide {
        /// The decision's name (case data, readable in guards).
        name: Ident,
        /// `boolean` or `choice(LIST)`.
        ty: TypeRef,
        /// The question.
        label: Option<Text>,
        /// The whole statement.
        span: Span,
    },
    /// `goto erteilt when genehmigt issue bescheid`
    Goto(Goto),
    /// `outcome granted`
    Outcome(Ident, Span),
    /// `amount gebuehr`: what a payment state asks to pay.
    Amount(Expr, Span),
}

/// Parts of a document written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// What is decided.
    Tenor,
    /// The Begründung.
    Reasons,
    /// A line of the address.
    Recipient,
}

impl PartKind {
    /// The keyword.
    pub fn word(self) -> &'static str {
        match self {
            PartKind::Tenor => "tenor",
            PartKind::Reasons => "reasons",
            PartKind::Recipient => "recipient",
        }
    }
}

/// Kinds of workflow states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    /// Where a case begins: the application is received.
    Start,
    /// Work done by one actor.
    Step,
    /// Steps done at the same time (hearings), then joined.
    Parallel,
    /// Where a case ends, with an outcome.
    End,
    /// A deadline counted from entering a state, running across the steps after it.
    Timer,
    /// The applicant pays, before a deadline.
    Payment,
}

impl StateKind {
    /// The keyword that declares it.
    pub fn word(self) -> &'static str {
        match self.model() {
            Some(kind) => kind.word(),
            None => "timer",
        }
    }

    /// The kind of state it declares in the model; a timer is not a state
    /// of the model (it becomes a [`amt_model::Timer`]).
    pub fn model(self) -> Option<amt_model::StateKind> {
        Some(match self {
            StateKind::Start => amt_model::StateKind::Start,
            StateKind::Step => amt_model::StateKind::Step,
            StateKind::Parallel => amt_model::StateKind::Parallel,
            StateKind::End => amt_model::StateKind::End,
            StateKind::Payment => amt_model::StateKind::Payment,
            StateKind::Timer => return None,
        })
    }
}

/// A state of a workflow.
#[derive(Debug, Clone)]
pub struct StateDecl {
    /// What kind.
    pub kind: StateKind,
    /// Its name.
    pub name: Ident,
    /// Its label.
    pub label: Option<Text>,
    /// Its statements.
    pub body: Vec<Stmt>,
    /// The whole declaration.
    pub span: Span,
}

/// A transition.
#[derive(Debug, Clone)]
pub struct Goto {
    /// The state it leads to.
    pub target: Ident,
    /// A timer: after this long (counted from entering `from`, or the state).
    pub after: Option<(Duration, Option<Ident>)>,
    /// A guard over form data and decisions.
    pub when: Option<Expr>,
    /// Documents issued.
    pub issue: Vec<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// An example submission and what its author expects of it.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its name.
    pub name: Str,
    /// The example whose answers it starts from.
    pub base: Option<Str>,
    /// Answers of the base example left out.
    pub omit: Vec<DataPath>,
    /// The date `today` stands for.
    pub today: Option<Str>,
    /// The answers: `person[0].name = "Anna"`.
    pub given: Vec<(DataPath, Expr)>,
    /// The expectations.
    pub expects: Vec<Expect>,
    /// Decisions taken in the workflow: `decide vollstaendig = [no, yes]`.
    pub decisions: Vec<(Ident, Expr)>,
    /// Deadlines that pass: `timeout nachreichen`.
    pub timeouts: Vec<Ident>,
    /// The municipality whose values it is checked with: `municipality "…"`.
    pub municipality: Option<Str>,
    /// The whole example.
    pub span: Span,
}

/// A path to one answer: `person[0].ehe.datum`.
#[derive(Debug, Clone)]
pub struct DataPath {
    /// Names with an optional item index.
    pub segments: Vec<(Ident, Option<u64>)>,
    /// The whole path.
    pub span: Span,
}

impl std::fmt::Display for DataPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (name, index)) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(&name.name)?;
            if let Some(index) = index {
                write!(f, "[{index}]")?;
            }
        }
        Ok(())
    }
}

/// One expectation of an example.
#[derive(Debug, Clone)]
pub enum Expect {
    /// `expect valid`
    Valid(Span),
    /// `expect error on PATH` (warning: `expect warning on PATH`).
    Problem {
        /// Whether a warning rather than an error is expected.
        warning: bool,
        /// Where.
        path: DataPath,
        /// The whole expectation.
        span: Span,
    },
    /// `expect visible PATH` / `expect hidden PATH`.
    Shown {
        /// Whether the part is expected to apply.
        visible: bool,
        /// Which part.
        path: DataPath,
        /// The whole expectation.
        span: Span,
    },
    /// `expect outcome END`: the end state the case reaches.
    Outcome(Ident, Span),
    /// `expect path eingang, pruefung, erteilt`: the states the case passes.
    Path(Vec<Ident>, Span),
    /// `expect document bescheid "…"`: the case receives the document, and
    /// it says this.
    Document {
        /// The document.
        name: Ident,
        /// What it says, per language.
        says: Option<Text>,
        /// The whole expectation.
        span: Span,
    },
    /// `expect PATH = VALUE` for a computed value or fee.
    Value {
        /// Which value.
        path: DataPath,
        /// What it should be.
        value: Expr,
        /// The whole expectation.
        span: Span,
    },
}

impl Stmt {
    /// The whole statement's place.
    pub fn span(&self) -> Span {
        match self {
            Stmt::Field(d) | Stmt::Group(d) | Stmt::Page(d) | Stmt::Attachment(d) => d.span,
            Stmt::Computed(c) | Stmt::Fee(c) => c.span,
            Stmt::Deadline(d) => d.span,
            Stmt::Example(e) => e.span,
            Stmt::State(d) => d.span,
            Stmt::Goto(g) => g.span,
            Stmt::Actor { span, .. } | Stmt::Document { span, .. } | Stmt::Decide { span, .. } => {
                *span
            }
            Stmt::Workflow(_, s) | Stmt::By(_, s) | Stmt::Outcome(_, s) | Stmt::Amount(_, s) => *s,
            Stmt::Part { span, .. } | Stmt::Remedy { span, .. } => *span,
            Stmt::Conditions(_, s) | Stmt::Fees(s) => *s,
            Stmt::Note(n) => n.span,
            Stmt::Parameter(p) => p.span,
            Stmt::Authority { span, .. }
            | Stmt::Offers { span, .. }
            | Stmt::Set { span, .. }
            | Stmt::Extension { span, .. }
            | Stmt::Extend { span, .. }
            | Stmt::Validity { span, .. }
            | Stmt::Property { span, .. } => *span,
            Stmt::Kind(_, s) | Stmt::Reply(_, s) | Stmt::Theme(_, s) => *s,
            Stmt::Rule { span, .. }
            | Stmt::Legal { span, .. }
            | Stmt::Prefill { span, .. }
            | Stmt::Identity { span, .. } => *span,
            Stmt::When(_, s)
            | Stmt::Required(s)
            | Stmt::Hint(_, s)
            | Stmt::Fim(_, _, s)
            | Stmt::Autocomplete(_, s)
            | Stmt::Personal(_, s)
            | Stmt::Version(_, s)
            | Stmt::Leika(_, s)
            | Stmt::Languages(_, s)
            | Stmt::Description(_, s)
            | Stmt::Privacy(_, s)
            | Stmt::Purpose(_, s)
            | Stmt::Basis(_, s)
            | Stmt::Retention(_, s)
            | Stmt::Types(_, s)
            | Stmt::MaxSize(_, s)
            | Stmt::Count(_, s) => *s,
        }
    }

    /// What the statement is called in messages, e.g. "a `hint`".
    pub fn describe(&self) -> &'static str {
        match self {
            Stmt::Field(_) => "a field",
            Stmt::Group(_) => "a group",
            Stmt::Page(_) => "a page",
            Stmt::Attachment(_) => "an attachment",
            Stmt::Computed(_) => "a computed value",
            Stmt::Fee(_) => "a fee",
            Stmt::Deadline(_) => "a deadline",
            Stmt::Note(_) => "a note",
            Stmt::Rule { warning: false, .. } => "a rule",
            Stmt::Rule { warning: true, .. } => "a warning rule",
            Stmt::When(..) => "a condition (`when`)",
            Stmt::Required(_) => "`required`",
            Stmt::Hint(..) => "a hint",
            Stmt::Legal { .. } => "a legal reference",
            Stmt::Fim(..) => "a FIM id",
            Stmt::Autocomplete(..) => "an autocomplete token",
            Stmt::Prefill { .. } => "a prefill",
            Stmt::Personal(..) => "a personal-data class",
            Stmt::Version(..) => "a version",
            Stmt::Leika(..) => "a LeiKa key",
            Stmt::Identity { .. } => "an identity requirement",
            Stmt::Languages(..) => "a list of languages",
            Stmt::Description(..) => "a description",
            Stmt::Authority { .. } => "an authority",
            Stmt::Parameter(_) => "a parameter",
            Stmt::Kind(..) => "a kind of municipality",
            Stmt::Offers { .. } => "a list of procedures offered (`offers`)",
            Stmt::Set { .. } => "a parameter's value (`set`)",
            Stmt::Validity { until: false, .. } => "a start of validity (`from`)",
            Stmt::Validity { until: true, .. } => "an end of validity (`until`)",
            Stmt::Property { .. } => "a property of an authority or a theme",
            Stmt::Reply(..) => "a list of reply channels",
            Stmt::Extension { .. } => "an extension point",
            Stmt::Extend { .. } => "a local addition (`extend`)",
            Stmt::Theme(..) => "a theme",
            Stmt::Privacy(..) => "a privacy section",
            Stmt::Purpose(..) => "a purpose",
            Stmt::Basis(..) => "a legal basis",
            Stmt::Retention(..) => "a retention period",
            Stmt::Types(..) => "a list of file types",
            Stmt::MaxSize(..) => "a size limit",
            Stmt::Count(..) => "a count",
            Stmt::Example(..) => "an example",
            Stmt::Workflow(..) => "a workflow",
            Stmt::Actor { .. } => "an actor",
            Stmt::Document { .. } => "a document",
            Stmt::Part { kind, .. } => match kind {
                PartKind::Tenor => "a tenor",
                PartKind::Reasons => "reasons (`reasons`)",
                PartKind::Recipient => "a line of the address (`recipient`)",
            },
            Stmt::Conditions(..) => "a document's conditions (`conditions`)",
            Stmt::Fees(..) => "a document's fees (`fees`)",
            Stmt::Remedy { .. } => "a Rechtsbehelfsbelehrung (`remedy`)",
            Stmt::State(d) => match d.kind {
                StateKind::Start => "a start state",
                StateKind::Step => "a step",
                StateKind::Parallel => "a parallel step",
                StateKind::End => "an end state",
                StateKind::Timer => "a timer",
                StateKind::Payment => "a payment",
            },
            Stmt::By(..) => "an actor (`by`)",
            Stmt::Decide { .. } => "a decision",
            Stmt::Goto(_) => "a transition (`goto`)",
            Stmt::Outcome(..) => "an outcome",
            Stmt::Amount(..) => "an amount to pay",
        }
    }
}

/// How long data is kept.
#[derive(Debug, Clone)]
pub enum Retention {
    /// A period.
    Period(Duration),
    /// A rule in words ("until the business is deregistered").
    Text(Text),
}

/// `min..max` (max absent: unbounded).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Lower bound.
    pub min: u64,
    /// Upper bound, if any.
    pub max: Option<u64>,
    /// Where it is written.
    pub span: Span,
}

/// A reference to a type with constraints and cardinality:
/// `text(max 55)`, `choice(familienstand)`, `person[1..10]`.
#[derive(Debug, Clone)]
pub struct TypeRef {
    /// The type's name.
    pub name: Ident,
    /// Constraints in parentheses.
    pub args: Vec<TypeArg>,
    /// `[min..max]`.
    pub cardinality: Option<Range>,
    /// The whole reference.
    pub span: Span,
}

/// One constraint of a type.
#[derive(Debug, Clone)]
pub enum TypeArg {
    /// `min expr`
    Min(Expr, Span),
    /// `max expr`
    Max(Expr, Span),
    /// `length 1..55`
    Length(Range, Span),
    /// `pattern "…"`
    Pattern(Str, Span),
    /// `message "Bitte im Format AB-123."`: said when the pattern does
    /// not match.
    Message(Text, Span),
    /// `scale 2`
    Scale(u64, Span),
    /// A bare name, e.g. the code list of `choice(familienstand)`.
    Name(Ident),
}

impl TypeArg {
    /// Where it is written.
    pub fn span(&self) -> Span {
        match self {
            TypeArg::Min(_, s)
            | TypeArg::Max(_, s)
            | TypeArg::Length(_, s)
            | TypeArg::Pattern(_, s)
            | TypeArg::Message(_, s)
            | TypeArg::Scale(_, s) => *s,
            TypeArg::Name(i) => i.span,
        }
    }
}

/// A duration: `3 months`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Duration {
    /// How many.
    pub amount: u64,
    /// Of what.
    pub unit: DurationUnit,
    /// Where it is written.
    pub span: Span,
}

/// A dotted path: `person.ehe.datum`.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The segments.
    pub segments: Vec<Ident>,
    /// The whole path.
    pub span: Span,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// Kinds of expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `42`
    Integer(i64),
    /// `3.5`, kept as written (exact decimal).
    Decimal(String),
    /// `12.80 EUR`, in cents.
    Money(i64),
    /// `"text"`
    Str(String),
    /// `yes` / `no`
    Bool(bool),
    /// `2024-01-31`
    Date(String),
    /// `3 months`
    Duration(Duration),
    /// `today`
    Today,
    /// `a.b.c`
    Path(Path),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `f(a, b)`
    Call(Ident, Vec<Expr>),
    /// `not a`, `-a`
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
}
