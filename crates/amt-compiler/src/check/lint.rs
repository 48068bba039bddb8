//! Checks of labels, translations, identity, accessibility and metadata.

use super::Checker;
use super::tree::{Base, Kind, NodeId};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::{did_you_mean, suggest};
use crate::source::Span;
use crate::syntax::ast::{self, Item};
use amt_model::catalog;
use amt_model::{Means, TrustLevel};

/// Code lists: values given twice, values without a label.
pub fn codelist(list: &ast::Codelist, diags: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
    for entry in &list.entries {
        if let Some(first) = seen.get(entry.code.value.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    entry.code.span,
                    format!("the value `{}` is in the code list twice", entry.code.value),
                )
                .label("second time")
                .secondary(*first, "first time")
                .fim(1045, "the codes of a value list are unique")
                .help("each value of a code list must be unique"),
            );
        } else {
            seen.insert(&entry.code.value, entry.code.span);
        }
        if entry.label.is_none() {
            diags.push(
                Diagnostic::new(
                    Code::MissingLabel,
                    entry.span,
                    format!("the value `{}` has no label", entry.code.value),
                )
                .label("no label")
                .help(format!(
                    "give it the text people choose: `{} \"…\"`",
                    entry.code.value
                )),
            );
        }
    }
    if list.label.is_none() {
        diags.push(
            Diagnostic::new(
                Code::MissingLabel,
                list.name.span,
                format!("the code list `{}` has no label", list.name.name),
            )
            .label("no label")
            .help(format!(
                "write a label after the name: `codelist {} \"…\" {{`",
                list.name.name
            )),
        );
    }
    if list.entries.is_empty() && list.source.is_none() {
        diags.push(
            Diagnostic::new(
                Code::MissingSetting,
                list.name.span,
                format!("the code list `{}` has no values", list.name.name),
            )
            .label("empty")
            .fim(1018, "a select has a value list or a code list")
            .help("list its values, or name the external list it follows with `from \"urn:…\"`"),
        );
    }
    // A choice of one is no choice; FIM says so of value lists (a list
    // that follows an external one is referenced, not listed).
    if list.entries.len() == 1 && list.source.is_none() && list.columns.is_empty() {
        diags.push(
            Diagnostic::new(
                Code::SingleValueList,
                list.name.span,
                format!("the code list `{}` has one value", list.name.name),
            )
            .label("one value")
            .fim(1044, "a value list has at least two entries")
            .help("add the other values, or ask with a `boolean` or `consent` field instead"),
        );
    }
}

/// Labels and pages, for procedures and reusable groups alike.
pub fn structure(c: &mut Checker) {
    for id in 0..c.tree.nodes.len() {
        let node = &c.tree.nodes[id];
        let needs_label = matches!(
            node.kind,
            Kind::Page
                | Kind::Field(_)
                | Kind::Group
                | Kind::Attachment { .. }
                | Kind::Computed { .. }
        );
        if needs_label && node.label.is_none() {
            let what = node.describe();
            let help = match node.kind {
                Kind::Field(_) => format!(
                    "write the question after the type: `field {}: … \"…\"`",
                    node.name
                ),
                _ => format!("write a label after the name: `{}` \"…\"", node.name),
            };
            c.diags.push(
                Diagnostic::new(
                    Code::MissingLabel,
                    node.name_span,
                    format!("{what} `{}` has no label", node.name),
                )
                .label("no label")
                .note(
                    "every part of a form needs a visible label for people and for screen readers",
                )
                .fim(
                    1009,
                    "every Datenfeld and Datenfeldgruppe has a bezeichnungEingabe",
                )
                .help(help),
            );
        }
        // A group made of a declared group is reported where that one is
        // declared (and checked on its own, at the top of its tree).
        let own = node.group.is_none()
            || node
                .parent
                .is_some_and(|p| matches!(c.tree.nodes[p].kind, Kind::Root));
        if matches!(node.kind, Kind::Group) && own && !node.unresolved && node.children.is_empty() {
            c.diags.push(
                Diagnostic::new(
                    Code::EmptyGroup,
                    node.name_span,
                    format!("the group `{}` holds nothing", node.name),
                )
                .label("no field, group, attachment or note in it")
                .fim(1023, "a Datenfeldgruppe has at least one element")
                .help("add what the group asks, or remove it"),
            );
        }
        if matches!(node.kind, Kind::Page) && !has_data(c, id) {
            c.diags.push(
                Diagnostic::new(
                    Code::EmptyPage,
                    node.name_span,
                    format!("the page `{}` asks nothing", node.name),
                )
                .label("no field, group or attachment on this page")
                .help("add the fields of this step, or move its notes to a neighbouring page"),
            );
        }
        for rule in &node.rules {
            if rule.message.is_none() {
                c.diags.push(
                    Diagnostic::new(Code::MissingLabel, rule.span, "this rule has no message")
                        .label("what should the user read when it fails?")
                        .help("add the message after the condition: `rule … \"…\"`"),
                );
            }
        }
    }
}

fn has_data(c: &Checker, id: NodeId) -> bool {
    c.tree.nodes[id]
        .children
        .iter()
        .any(|&ch| c.tree.nodes[ch].is_data())
}

/// Every check of a whole procedure beyond types.
pub fn procedure(c: &mut Checker, decl: &ast::Decl) {
    structure(c);
    placeholders(c);
    if decl.label.is_none() {
        c.diags.push(
            Diagnostic::new(
                Code::MissingLabel,
                decl.name.span,
                format!("the procedure `{}` has no title", decl.name.name),
            )
            .label("no title")
            .fim(1002, "every element has a name")
            .help(format!(
                "write the title after the name: `procedure {} \"…\" {{`",
                decl.name.name
            )),
        );
    }
    if c.meta.version.is_none() {
        c.diags.push(
            Diagnostic::new(Code::MissingSetting, decl.name.span, format!("the procedure `{}` has no version", decl.name.name))
                .label("no `version`")
                .note("the version names the JSON Schema and the output; portals tell versions apart by it")
                .help("add `version 1.0.0` to the procedure"),
        );
    }
    if let Some(leika) = c.meta.leika
        && !(leika.value.len() == 14 && leika.value.bytes().all(|b| b.is_ascii_digit()))
    {
        c.diags.push(
            Diagnostic::new(
                Code::MalformedIdentifier,
                leika.span,
                format!("`{}` is not a LeiKa key", leika.value),
            )
            .label("a LeiKa key has 14 digits")
            .help("copy the 14-digit key from the Leistungskatalog, e.g. `99115001001000`"),
        );
    }
    languages(c);
    identity(c);
    nodes(c);
    texts(c, decl);
}

fn languages(c: &mut Checker) {
    let Some((langs, _)) = c.meta.languages else {
        return;
    };
    let mut seen: Vec<&ast::Ident> = Vec::new();
    for lang in langs {
        if let Some(first) = seen.iter().find(|l| l.name == lang.name) {
            c.diags.push(
                Diagnostic::new(
                    Code::RepeatedSetting,
                    lang.span,
                    format!("the language `{}` is listed twice", lang.name),
                )
                .label("second time")
                .secondary(first.span, "first time")
                .help("list each language once; the first is the source language"),
            );
        } else {
            seen.push(lang);
        }
    }
}

fn identity(c: &mut Checker) {
    let Some((level, means, _)) = c.meta.identity else {
        return;
    };
    let required = TrustLevel::from_word(&level.name);
    if required.is_none() {
        let mut d = Diagnostic::new(
            Code::UnknownIdentity,
            level.span,
            format!("`{}` is not a trust level", level.name),
        )
        .label("unknown trust level");
        d = suggest(
            d,
            &level.name,
            TrustLevel::words(),
            "the eIDAS levels are `niedrig`, `substanziell` and `hoch`",
        );
        c.diags.push(d);
    }
    if means.is_empty() {
        c.diags.push(
            Diagnostic::new(
                Code::MissingSetting,
                level.span,
                "the identity requirement names no means of identification",
            )
            .label("accepted how?")
            .help(format!(
                "name the accepted means: `identity {} via eid, elster`",
                level.name
            )),
        );
    }
    for m in means {
        let Some(known) = Means::from_word(&m.name) else {
            let mut d = Diagnostic::new(
                Code::UnknownIdentity,
                m.span,
                format!("`{}` is not a means of identification amt knows", m.name),
            )
            .label("unknown means");
            d = suggest(
                d,
                &m.name,
                Means::words(),
                "the means are `account`, `elster`, `eid` and `eudi_wallet`",
            );
            c.diags.push(d);
            continue;
        };
        let reaches = known.level();
        if let Some(required) = required
            && reaches.is_none_or(|r| r < required)
        {
            let reached = reaches.map_or("no eIDAS level", TrustLevel::word);
            c.diags.push(
                Diagnostic::new(
                    Code::MeansBelowLevel,
                    m.span,
                    format!(
                        "`{}` reaches {reached}, below the required `{}`",
                        m.name, level.name
                    ),
                )
                .label(format!("{} reaches {reached}", known.describe()))
                .secondary(level.span, "the procedure requires this level")
                .help("remove this means, or lower the required level if the law allows it"),
            );
        }
    }
}

fn personal(c: &Checker, id: NodeId) -> bool {
    let mut current = Some(id);
    while let Some(n) = current {
        if c.tree.nodes[n].personal.is_some() {
            return true;
        }
        current = c.tree.nodes[n].parent;
    }
    false
}

fn check_link(c: &mut Checker, url: &ast::Str) {
    let lower = url.value.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        c.diags.push(
            Diagnostic::new(Code::UnsafeLink, url.span, "legal references may only link to http or https addresses")
                .label("not an http(s) link")
                .note("other kinds of links (javascript:, data:, file:) can run code or leak data in the citizen's browser")
                .help("link to the law's page, e.g. `<https://www.gesetze-im-internet.de/bmg/__17.html>`"),
        );
    } else if let Some(bad) = url
        .value
        .chars()
        .find(|c| "\"<>\\^`{|}".contains(*c) || c.is_control())
    {
        // RFC 3986 allows these only percent-encoded; browsers and checkers differ otherwise.
        let encoded: String = bad
            .to_string()
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect();
        c.diags.push(
            Diagnostic::new(
                Code::UnsafeLink,
                url.span,
                format!("a link may not contain `{bad}`"),
            )
            .label("not a valid address")
            .help(format!("write it percent-encoded, as `{encoded}`")),
        );
    }
}

fn nodes(c: &mut Checker) {
    let means = c.accepted_means();
    for id in 0..c.tree.nodes.len() {
        let links: Vec<&ast::Str> = c.tree.nodes[id]
            .legal
            .iter()
            .filter_map(|(_, u)| *u)
            .collect();
        for url in links {
            check_link(c, url);
        }
        let node = &c.tree.nodes[id];
        if let Some(fim) = node.fim {
            let prefix = match node.kind {
                Kind::Group => 'G',
                Kind::Root => 'S',
                _ => 'F',
            };
            let ok = fim.value.len() == 12
                && fim.value.starts_with(prefix)
                && fim.value[1..].bytes().all(|b| b.is_ascii_digit());
            if !ok {
                c.diags.push(
                    Diagnostic::new(
                        Code::MalformedIdentifier,
                        fim.span,
                        format!("`{}` is not a FIM id for {}", fim.value, node.describe()),
                    )
                    .label(format!("expected `{prefix}` and 11 digits"))
                    .fim(1039, "ids are a letter and 11 digits")
                    .help("FIM ids of fields start with F, of groups with G, of schemas with S, e.g. `F60000000227`"),
                );
            }
        }
        let Kind::Field(ft) = &node.kind else {
            continue;
        };
        let base = ft.base;
        let mut expected: Vec<&'static str> = Vec::new();
        if let Some((attr, locked, span)) = node.prefill {
            match catalog::ATTRIBUTES.iter().find(|a| a.0 == attr.name) {
                None => {
                    let mut d = Diagnostic::new(
                        Code::UnknownAttribute,
                        attr.span,
                        format!("amt knows no identity attribute `{}`", attr.name),
                    )
                    .label("unknown attribute");
                    d = suggest(
                        d,
                        &attr.name,
                        catalog::ATTRIBUTES.iter().map(|a| a.0),
                        "the attributes are given_name, family_name, birth_name, doctoral_degree, birth_date, birth_place, street, house_number, postal_code, city, country, nationality, gender, email and phone",
                    );
                    c.diags.push(d);
                }
                Some((name, _, _, token)) => {
                    if let Some(t) = token {
                        expected.push(t);
                    }
                    if let Some((what, types, fits)) = catalog::attribute_fits(name)
                        && !fits(base)
                    {
                        c.diags.push(
                            Diagnostic::new(
                                Code::PrefillType,
                                attr.span,
                                format!("`{name}` delivers {what}, which the field `{}` cannot hold", node.name),
                            )
                            .label(what)
                            .secondary(ft.span, "the field's type")
                            .help(format!("prefill it into a {types} field, or remove the prefill and let people answer")),
                        );
                    }
                    let identity = c.meta.identity;
                    if identity.is_none() {
                        c.diags.push(
                            Diagnostic::new(Code::PrefillWithoutIdentity, span, "this field is prefilled from an identification the procedure never asks for")
                                .label("prefill")
                                .help("state the identification: `identity hoch via eid` in the procedure"),
                        );
                    } else if let Some((_, _, level_span)) = identity {
                        let missing: Vec<&str> = means
                            .iter()
                            .filter(|m| catalog::attribute_source(name, **m).is_none())
                            .map(|m| m.word())
                            .collect();
                        let delivering = means.len() - missing.len();
                        if delivering == 0 || (locked && !missing.is_empty()) {
                            let list = missing
                                .iter()
                                .map(|m| format!("`{m}`"))
                                .collect::<Vec<_>>()
                                .join(", ");
                            let (message, help) = if delivering == 0 {
                                (
                                    format!("no accepted means of identification delivers `{name}`"),
                                    "accept a means that delivers it (the eID delivers most attributes), or remove the prefill".to_string(),
                                )
                            } else {
                                (
                                    format!("`{name}` is locked, but {list} cannot deliver it"),
                                    "make the prefill `editable`, so people identified otherwise can type it".to_string(),
                                )
                            };
                            c.diags.push(
                                Diagnostic::new(Code::PrefillNotDelivered, attr.span, message)
                                    .label(format!("not delivered by {list}"))
                                    .secondary(level_span, "the accepted means")
                                    .help(help),
                            );
                        }
                    }
                }
            }
        }
        if let Some(fim) = node.fim {
            expected.extend(catalog::fim_autocomplete(&fim.value));
        }
        expected.extend(base.text_format().and_then(|f| f.autocomplete()));
        if node.autocomplete.is_none() && !expected.is_empty() && personal(c, id) {
            let node = &c.tree.nodes[id];
            c.diags.push(
                Diagnostic::new(Code::MissingAutocomplete, node.name_span, format!("`{}` is personal data and needs the autocomplete token `{}`", node.name, expected[0]))
                    .label("no autocomplete token")
                    .note("WCAG 2.1 success criterion 1.3.5 (BITV 2.0): inputs about the user name their purpose, so browsers and assistive tools can fill them in")
                    .help(format!("add `autocomplete {}` to the field", expected[0])),
            );
        }
    }
}

/// The date field a deadline runs from (`deadline … after einzug`).
fn deadline_start(c: &mut Checker, p: &ast::Path) {
    // The deadline runs from a date field.
    let root = 0;
    let found = c
        .tree
        .names
        .get(&(root, p.segments[0].name.as_str()))
        .copied();
    if let Some(id) = found {
        c.refer_to_node(p.segments[0].span, id);
    }
    match found {
        None => {
            let names: Vec<&str> = c
                .tree
                .names
                .keys()
                .filter(|(cont, _)| *cont == root)
                .map(|(_, n)| *n)
                .collect();
            let mut d = Diagnostic::new(
                Code::UnknownName,
                p.span,
                format!(
                    "there is no field `{}` for the deadline to run from",
                    p.segments[0].name
                ),
            )
            .label("unknown name");
            if let Some(s) = did_you_mean(&p.segments[0].name, names) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            c.diags.push(d);
        }
        Some(id)
            if !matches!(&c.tree.nodes[id].kind, Kind::Field(ft) if ft.base == Base::Date)
                && p.segments.len() == 1 =>
        {
            c.diags.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    p.span,
                    format!(
                        "a deadline runs from a date, but `{}` is not a date field",
                        p.segments[0].name
                    ),
                )
                .label("not a date")
                .help("name the date field the deadline starts from"),
            );
        }
        _ => {}
    }
}

/// One text against the declared languages: each translation once, into a
/// declared language, and one into every other declared language.
fn text_languages(
    c: &mut Checker,
    text: &ast::Text,
    languages: &[String],
    lang_span: Option<Span>,
) {
    let mut seen: Vec<&ast::Ident> = Vec::new();
    for (lang, _) in &text.translations {
        if let Some(first) = seen.iter().find(|l| l.name == lang.name) {
            c.diags.push(
                Diagnostic::new(
                    Code::RepeatedSetting,
                    lang.span,
                    format!("this text has two `{}` translations", lang.name),
                )
                .label("second translation")
                .secondary(first.span, "first translation")
                .help("keep one of them"),
            );
        } else {
            seen.push(lang);
        }
        if !languages.contains(&lang.name) {
            let mut d = Diagnostic::new(
                Code::UndeclaredLanguage,
                lang.span,
                format!(
                    "this procedure does not declare the language `{}`",
                    lang.name
                ),
            )
            .label("undeclared language")
            .help(format!(
                "add `{}` to the procedure's `languages`, or remove the translation",
                lang.name
            ));
            if let Some(s) = lang_span {
                d = d.secondary(s, "the declared languages");
            }
            c.diags.push(d);
        }
    }
    for lang in &languages[1..] {
        if !text.translations.iter().any(|(l, _)| l.name == *lang) {
            let mut d = Diagnostic::new(
                Code::MissingTranslation,
                text.span,
                format!("this text has no `{lang}` translation"),
            )
            .label(format!("missing `@{lang} \"…\"`"))
            .help(format!(
                "add the translation after the text: `\"{}\" @{lang} \"…\"`",
                text.source.value.chars().take(40).collect::<String>()
            ));
            if let Some(s) = lang_span {
                d = d.secondary(s, "the procedure declares this language");
            }
            c.diags.push(d);
        }
    }
}

/// Every text of the procedure against the declared languages.
fn texts(c: &mut Checker, decl: &ast::Decl) {
    let mut all: Vec<&ast::Text> = Vec::new();
    all.extend(decl.label.iter());
    all.extend(c.meta.description);
    all.extend(c.meta.purpose);
    if let Some((_, Some(l))) = c.meta.authority {
        all.push(l);
    }
    if let Some(ast::Retention::Text(t)) = c.meta.retention {
        all.push(t);
    }
    let deadlines = c.meta.deadlines.clone();
    for d in &deadlines {
        all.extend(d.label.iter());
        if let Some(p) = &d.after {
            deadline_start(c, p);
        }
        for s in &d.body {
            if let ast::Stmt::Legal { url: Some(u), .. } = s {
                check_link(c, u);
            }
        }
    }
    if let Some((body, _)) = c.meta.workflow {
        workflow_texts(body, &mut all);
    }
    for node in &c.tree.nodes {
        all.extend(node.label);
        all.extend(node.hint);
        all.extend(node.rules.iter().filter_map(|r| r.message));
        if let Kind::Note(t) = node.kind {
            all.push(t);
        }
    }
    for list in c.lists.values() {
        if let super::tree::ListRef::Decl(d) = list
            && let Item::Codelist(cl) = c.program.item(*d)
        {
            all.extend(cl.label.iter());
            all.extend(cl.entries.iter().filter_map(|e| e.label.as_ref()));
        }
    }
    let languages = c.languages.clone();
    let lang_span = c.meta.languages.map(|(_, s)| s);
    for text in all {
        text_languages(c, text, &languages, lang_span);
    }
}

/// Whether a text says something outside its `{placeholders}`.
fn has_words(text: &str) -> bool {
    let mut depth = 0;
    text.chars().any(|c| {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => return depth == 0 && c.is_alphabetic(),
        }
        false
    })
}

/// The labels of a workflow's actors, documents and states.
fn workflow_texts<'a>(body: &'a [ast::Stmt], out: &mut Vec<&'a ast::Text>) {
    for stmt in body {
        match stmt {
            ast::Stmt::Actor { label, .. } => out.extend(label.iter()),
            ast::Stmt::Document { label, body, .. } => {
                out.extend(label.iter());
                // The document's texts: every language of the procedure
                // receives its Bescheid. A text of placeholders alone
                // (`"{plz} {ort}"`) reads the same in every language.
                for part in body {
                    match part {
                        ast::Stmt::Part { text, .. } if has_words(&text.source.value) => {
                            out.push(text)
                        }
                        ast::Stmt::Note(n) => out.push(&n.text),
                        ast::Stmt::Remedy { why: Some(t), .. } => out.push(t),
                        _ => {}
                    }
                }
            }
            ast::Stmt::State(d) => {
                out.extend(d.label.iter());
                workflow_texts(&d.body, out);
            }
            _ => {}
        }
    }
}

/// Texts name a procedure's parameters in braces (`{satz}`), which a
/// municipality's build replaces with the value in force; a name in braces
/// that is no parameter would be shown as it is written.
fn placeholders(c: &mut Checker) {
    use super::tree::Kind;
    let parameters: Vec<&str> = c
        .tree
        .nodes
        .iter()
        .filter(|n| {
            matches!(
                n.kind,
                Kind::Computed {
                    parameter: Some(_),
                    ..
                }
            )
        })
        .map(|n| n.name)
        .collect();
    let mut found = Vec::new();
    for n in &c.tree.nodes {
        let note = match n.kind {
            Kind::Note(t) => Some(t),
            _ => None,
        };
        for text in [n.label, n.hint, note].into_iter().flatten() {
            let strings =
                std::iter::once(&text.source).chain(text.translations.iter().map(|(_, t)| t));
            for s in strings {
                let mut rest = s.value.as_str();
                while let Some(open) = rest.find('{') {
                    let after = &rest[open + 1..];
                    let Some(close) = after.find('}') else { break };
                    let name = &after[..close];
                    let is_name = !name.is_empty()
                        && name
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                        && name.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_');
                    if is_name && !parameters.contains(&name) {
                        found.push((s.span, name.to_string()));
                    }
                    rest = &after[close + 1..];
                }
            }
        }
    }
    for (span, name) in found {
        let d = Diagnostic::new(
            Code::UnknownPlaceholder,
            span,
            format!("`{{{name}}}` names no parameter of the procedure"),
        )
        .label("shown as written");
        let help = if parameters.is_empty() {
            "a text names a parameter in braces, e.g. `{satz}`; this procedure declares none"
                .to_string()
        } else {
            format!(
                "the parameters are {}",
                parameters
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        c.diags.push(crate::diagnostic::suggest::suggest(
            d,
            &name,
            parameters.iter().copied(),
            help,
        ));
    }
}
