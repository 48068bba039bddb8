//! The registry of diagnostic codes. Each code has a stable number, a severity,
//! a one-line title, and a page for `amt explain` in `docs/codes/<CODE>.md`.
//! Codes are never reused: a retired code keeps its number and page.

use super::Severity;

/// Facts about one code, for `amt explain` and the README's code list.
#[derive(Debug)]
pub struct CodeInfo {
    /// The code itself.
    pub code: Code,
    /// A one-line title.
    pub title: &'static str,
    /// The long explanation, Markdown.
    pub explain: &'static str,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $sev:ident, $title:literal;)*) => {
        /// A stable diagnostic code. `E` codes are errors, `W` codes warnings.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// The code as written, e.g. `E0101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// Errors fail the run; warnings do not.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// The code's registry entry.
            pub fn info(self) -> &'static CodeInfo {
                &CODES[self as usize]
            }
        }

        /// Every code, in order.
        pub static CODES: &[CodeInfo] = &[
            $(CodeInfo {
                code: Code::$variant,
                title: $title,
                explain: include_str!(concat!("../../../../docs/codes/", $code, ".md")),
            },)*
        ];
    };
}

codes! {
    /// The text does not follow the grammar.
    SyntaxError = "E0001", Error, "syntax error";
    /// A string is not closed on its line.
    UnterminatedString = "E0002", Error, "unterminated string";
    /// The file is not UTF-8 text.
    NotText = "E0003", Error, "file is not UTF-8 text";
    /// The file or project is larger than amt reads.
    TooLarge = "E0004", Error, "input too large";
    /// Brackets or blocks nest deeper than amt reads.
    NestingTooDeep = "E0005", Error, "nesting too deep";
    /// The project has no `.amt` file.
    EmptyProject = "E0006", Error, "no source files";
    /// One expression has more parts than amt reads.
    ExpressionTooLarge = "E0007", Error, "expression too large";
    /// A statement in a block where it has no meaning.
    MisplacedStatement = "E0008", Error, "statement out of place";
    /// A setting given twice in one block.
    RepeatedSetting = "E0009", Error, "setting given twice";
    /// `==` written for a comparison.
    DoubleEquals = "E0010", Error, "comparison written with `==`";
    /// A literal that is well-formed but impossible (a 13th month, a number too large).
    InvalidLiteral = "E0012", Error, "invalid literal";
    /// A name that is not declared where it is used.
    UnknownName = "E0101", Error, "unknown name";
    /// A type that does not exist.
    UnknownType = "E0102", Error, "unknown type";
    /// A code list that does not exist.
    UnknownCodelist = "E0103", Error, "unknown code list";
    /// A group that does not exist.
    UnknownGroup = "E0104", Error, "unknown group";
    /// Two declarations with the same name in one scope.
    DuplicateName = "E0105", Error, "duplicate name";
    /// An import of a file that does not exist.
    ImportNotFound = "E0106", Error, "imported file not found";
    /// An import that leaves the project root.
    ImportOutsideRoot = "E0107", Error, "import leaves the project root";
    /// Files that import each other in a circle.
    ImportCycle = "E0108", Error, "import cycle";
    /// An imported name the file does not declare.
    UnknownImport = "E0109", Error, "imported name not declared";
    /// A value that is not in the code list.
    UnknownCode = "E0110", Error, "unknown code-list value";
    /// A prefill attribute amt does not know.
    UnknownAttribute = "E0111", Error, "unknown identity attribute";
    /// An autocomplete token HTML does not define.
    UnknownAutocomplete = "E0112", Error, "unknown autocomplete token";
    /// A function that does not exist.
    UnknownFunction = "E0113", Error, "unknown function";
    /// A trust level or identification means amt does not know.
    UnknownIdentity = "E0114", Error, "unknown trust level or identification means";
    /// An attachment file type amt does not know.
    UnknownFileType = "E0115", Error, "unknown attachment file type";
    /// A name that exists but is the wrong kind of thing here.
    WrongKind = "E0116", Error, "name of the wrong kind";
    /// A group that contains a use of itself.
    RecursiveGroup = "E0117", Error, "group contains itself";
    /// Groups inside groups, deeper than amt expands.
    GroupsTooDeep = "E0118", Error, "groups nested too deep";
    /// A procedure or group larger than amt expands once its groups are expanded.
    ExpansionTooLarge = "E0119", Error, "too large once its groups are expanded";
    /// An import that nothing uses.
    UnusedImport = "W0101", Warning, "unused import";
    /// A project without a procedure: nothing to build.
    NoProcedure = "W0102", Warning, "no procedure";
    /// Operand types that an operator cannot combine.
    TypeMismatch = "E0201", Error, "type mismatch";
    /// A function argument of the wrong type.
    ArgumentType = "E0202", Error, "wrong argument type";
    /// A function called with the wrong number of arguments.
    ArgumentCount = "E0203", Error, "wrong number of arguments";
    /// A condition or rule that is not a yes/no question.
    NotBoolean = "E0204", Error, "condition is not yes/no";
    /// A value from a repeat used as if there were one.
    RepeatAsSingle = "E0205", Error, "repeated value used as a single value";
    /// A constraint that does not fit the type it is given to.
    ConstraintMismatch = "E0206", Error, "constraint does not fit the type";
    /// A quantifier over something that does not repeat.
    NotARepeat = "E0207", Error, "not a repeat";
    /// A code of a list with columns gives no value for one of them.
    MissingCell = "E0208", Error, "code without a value in a column";
    /// A regular expression that does not parse.
    InvalidPattern = "E0301", Error, "invalid pattern";
    /// A regular expression that means different things in browsers, JSON Schema and Rust.
    NonPortablePattern = "E0302", Error, "pattern not portable";
    /// A regular expression that takes exponential time in backtracking engines.
    SlowPattern = "E0303", Error, "pattern can take exponential time";
    /// A range whose lower end is above its upper end.
    ImpossibleRange = "E0401", Error, "impossible range";
    /// A required field that can never be shown.
    RequiredUnderFalseCondition = "E0402", Error, "required field under a condition that is never true";
    /// Computed values or conditions that depend on themselves.
    DependencyCycle = "E0403", Error, "cycle among computed values and conditions";
    /// A part of the form that is never shown.
    NeverShown = "W0401", Warning, "condition is never true";
    /// A page without any field.
    EmptyPage = "E0501", Error, "page with no fields";
    /// Something shown to people without a label.
    MissingLabel = "E0502", Error, "missing label";
    /// A text without a translation into a declared language.
    MissingTranslation = "E0503", Error, "missing translation";
    /// A translation into a language the procedure does not declare.
    UndeclaredLanguage = "W0503", Warning, "translation into an undeclared language";
    /// Personal data without the autocomplete token that exists for it.
    MissingAutocomplete = "E0504", Error, "personal-data field without autocomplete token";
    /// A prefill attribute the accepted identification means cannot deliver.
    PrefillNotDelivered = "E0505", Error, "prefill attribute not delivered";
    /// An identification means below the procedure's trust level.
    MeansBelowLevel = "E0506", Error, "identification means below the trust level";
    /// Prefill in a procedure that identifies nobody.
    PrefillWithoutIdentity = "E0507", Error, "prefill without identity";
    /// A link that is not http or https.
    UnsafeLink = "E0508", Error, "link is not http(s)";
    /// A version, LeiKa key or FIM id of the wrong form.
    MalformedIdentifier = "E0509", Error, "malformed identifier";
    /// A procedure without a setting it must have.
    MissingSetting = "E0510", Error, "missing setting";
    /// A prefilled field of a type that cannot hold what the attribute delivers.
    PrefillType = "E0511", Error, "prefill into a field of the wrong type";
    /// An example names an answer the procedure does not have.
    UnknownExamplePath = "E0601", Error, "unknown path in an example";
    /// An example's value does not fit the field.
    ExampleValue = "E0602", Error, "example value does not fit";
    /// An expectation that cannot apply to what it names.
    ExampleExpectation = "E0603", Error, "expectation does not fit";
    /// A repeat's item index missing, or given for something that does not repeat.
    ExampleIndex = "E0604", Error, "wrong item index in an example";
    /// Two examples with one name, or one answer given twice.
    ExampleDuplicate = "E0605", Error, "duplicate in an example";
    /// A transition or timer names a state the workflow does not have.
    UnknownState = "E0701", Error, "unknown workflow state";
    /// A state no case can reach from the start.
    UnreachableState = "E0702", Error, "unreachable workflow state";
    /// A state from which no case can reach an end (a trap).
    TrapState = "E0703", Error, "workflow state without a way to an end";
    /// A state that breaks the workflow's shape: an end with transitions, a
    /// step without transitions, no start or several.
    WorkflowShape = "E0704", Error, "malformed workflow state";
    /// An actor that is not declared, or of an unknown kind.
    UnknownActor = "E0705", Error, "unknown actor";
    /// A document that is not declared.
    UnknownDocument = "E0706", Error, "unknown document";
    /// An outcome amt does not know.
    UnknownOutcome = "E0707", Error, "unknown outcome";
    /// A timer that does not fit: not counted from a state, not ending the
    /// case, or running over steps that can be entered from before it starts.
    MisplacedTimer = "E0708", Error, "timer does not fit the workflow";
    /// A decision of a type a workflow cannot branch on.
    DecisionType = "E0709", Error, "decision of the wrong type";
    /// The form reads a workflow decision, which does not exist when the form is filled in.
    FormReadsDecision = "E0710", Error, "form reads a workflow decision";
    /// A guard reads a name that FEEL, Camunda's expression language, reserves.
    FeelName = "E0711", Error, "name FEEL cannot read";
    /// A decision's outcome that no transition handles.
    UncoveredDecision = "W0701", Warning, "decision outcome not handled";
    /// A template of the municipality's own (`--templates`) fails.
    TemplateFailed = "E0801", Error, "template failed";
    /// amt fails inside: a bug, reported with the procedure and the stage.
    InternalError = "E0901", Error, "internal error";
    /// A Regionalschlüssel that is not 12 digits, or whose shape does not fit the kind.
    MalformedArs = "E1001", Error, "malformed Regionalschlüssel";
    /// Two municipalities with the same Regionalschlüssel.
    DuplicateArs = "E1002", Error, "duplicate Regionalschlüssel";
    /// A municipality whose parent (Landkreis, Regierungsbezirk, Land) is not declared.
    MissingParent = "E1003", Error, "parent municipality missing";
    /// A municipality without a kind, or with one amt does not know.
    UnknownMunicipalityKind = "E1004", Error, "unknown kind of municipality";
    /// `offers` or `set` names a procedure the project does not have.
    UnknownProcedure = "E1005", Error, "unknown procedure";
    /// `offers … by` names an authority neither the municipality nor a parent declares.
    UnknownAuthority = "E1006", Error, "unknown authority";
    /// `set` names a parameter the procedure does not declare.
    UnknownParameter = "E1007", Error, "unknown parameter";
    /// A parameter without a default that a municipality offering the procedure does not set.
    ParameterUnset = "E1008", Error, "parameter not set";
    /// A parameter's value of the wrong type, out of its range, or not a constant.
    ParameterValue = "E1009", Error, "parameter value does not fit";
    /// Validity periods of one parameter that overlap or leave a gap.
    ValidityPeriods = "E1010", Error, "validity periods overlap or leave a gap";
    /// The last value of a parameter ends, and nothing follows it.
    ValueExpires = "E1011", Error, "value ends without a successor";
    /// Theme colours whose contrast is under WCAG AA.
    LowContrast = "E1012", Error, "colour contrast under WCAG AA";
    /// A municipality asks for less identification than the procedure.
    WeakerIdentity = "E1013", Error, "identity weaker than the procedure's";
    /// A string that looks like a password, key or token.
    SecretInSource = "E1014", Error, "secret in source";
    /// A property of an authority, theme or payment that amt does not know or cannot read.
    BadProperty = "E1015", Error, "unknown or malformed property";
    /// An example names a municipality that is not declared or does not offer the procedure.
    ExampleMunicipality = "E1016", Error, "example names no municipality that offers the procedure";
    /// A municipality's value that does not cite the statute setting it.
    MissingStatute = "E1017", Error, "value without its statute";
    /// A municipality's question written where the procedure marks no extension point.
    OutsideExtension = "E1018", Error, "local addition outside an extension point";
    /// A municipality's question that takes a name of the shared procedure.
    ShadowsShared = "E1019", Error, "local addition takes a shared name";
    /// A file given to `amt import` is not well-formed XML.
    NotXml = "E1101", Error, "not well-formed XML";
    /// An XML document asks for what amt never reads: a document type, an entity, too much.
    XmlRefused = "E1102", Error, "XML refused";
    /// The authority deciding a procedure whose decisions can be challenged in court names no court.
    NoCourt = "E1020", Error, "authority without its court";
    /// An XML document that is no XDatenfelder message amt imports.
    NotXdatenfelder = "E1103", Error, "not an XDatenfelder document";
    /// An XDatenfelder document lacks an element the standard requires.
    BrokenXdatenfelder = "E1104", Error, "incomplete XDatenfelder document";
    /// Parts of an imported document that could not be translated mechanically.
    ImportUnfinished = "W1101", Warning, "import left parts to finish";
    /// A group that holds nothing (FIM quality rule 1023).
    EmptyGroup = "E1201", Error, "empty group";
    /// A code list with one value (FIM quality rule 1044).
    SingleValueList = "W1201", Warning, "code list with one value";
    /// A document that decides the case has no Rechtsbehelfsbelehrung.
    MissingRemedy = "E1301", Error, "decision without a Rechtsbehelfsbelehrung";
    /// A placeholder in a document's text names nothing a case has.
    UnboundPlaceholder = "E1302", Error, "placeholder bound to nothing";
    /// A placeholder reads a value some case receiving the document lacks.
    MaybeMissingPlaceholder = "E1303", Error, "placeholder that may be missing";
    /// A document states fees, but the procedure has none.
    FeesWithoutFee = "E1304", Error, "fee notice without a fee";
    /// A document's parts are malformed.
    DocumentPart = "E1305", Error, "malformed document";
    /// A document with parts that no transition issues.
    UnissuedDocument = "W1301", Warning, "document issued on no path";
    /// A text names in braces something that is no parameter of the procedure.
    UnknownPlaceholder = "W1002", Warning, "unknown parameter in a text";
    /// A procedure whose parameters have no default and that no municipality offers.
    NotOffered = "W1001", Warning, "procedure offered by no municipality";
}

/// Finds a code by its text, e.g. `E0101` (case-insensitive).
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CODES
        .iter()
        .find(|info| info.code.as_str().eq_ignore_ascii_case(code))
}
