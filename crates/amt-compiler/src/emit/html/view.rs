//! The view model of a form: an [`Item`] per node, with the attributes,
//! options and slots the templates render, built by [`View`].

use super::Texts;
use crate::ir::{self, Expr, ExprKind, FieldType, I18n, Literal, Node, NodeKind, Procedure};
use amt_model::{Means, TrustLevel, is_german};
use serde::Serialize;
use std::collections::HashMap;

/// Choice lists with more values than this are a select, not radio buttons.
const RADIO_LIMIT: usize = 7;
/// Slots rendered for a repeat without JavaScript, at most.
const SLOTS: u64 = 3;

#[derive(Serialize)]
pub(super) struct Opt {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) id: String,
    pub(super) required: bool,
}

#[derive(Serialize)]
pub(super) struct Slot {
    pub(super) id: String,
    pub(super) index: u64,
    pub(super) legend: String,
    pub(super) optional: bool,
    pub(super) items: Vec<Item>,
}

#[derive(Serialize, Default)]
pub(super) struct Item {
    pub(super) kind: &'static str,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) label: String,
    pub(super) text: String,
    pub(super) hint: Option<String>,
    pub(super) when: Option<String>,
    pub(super) prefill: Option<String>,
    pub(super) optional: bool,
    pub(super) legal: Vec<ir::LegalRef>,
    pub(super) attrs: Vec<(&'static str, Option<String>)>,
    pub(super) describedby: Vec<String>,
    pub(super) options: Vec<Opt>,
    /// A select's options, rendered once per list and build by the macro
    /// `select_options` (a country list is long and asked several times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) options_html: Option<minijinja::Value>,
    /// A select's list: its options are made from it only when they are not
    /// rendered already ([`super::render_select_options`]).
    #[serde(skip)]
    pub(super) list: Option<std::sync::Arc<ir::Codelist>>,
    pub(super) input: &'static str,
    pub(super) multiple: bool,
    pub(super) unit: Option<String>,
    pub(super) items: Vec<Item>,
    pub(super) slots: Vec<Slot>,
    /// For repeats: the fewest and most items.
    pub(super) min: u64,
    pub(super) max: Option<u64>,
}

/// How many slots a repeat shows without JavaScript: the required ones and
/// one more, up to [`SLOTS`] (or all the required ones, where the repeat has
/// a maximum) and no more than that maximum, but always at least one.
fn slot_count(card: ir::Cardinality) -> u64 {
    card.min
        .max(1)
        .max(card.min.saturating_add(1).min(SLOTS))
        .min(card.max.unwrap_or(SLOTS).max(1))
}

/// How a node sits in the form.
#[derive(Clone)]
pub(super) struct Place {
    /// The submitted name's prefix, e.g. `person[0]`.
    pub(super) name: String,
    /// The element id's prefix.
    pub(super) id: String,
    /// Everything above applies and is given whatever the answers are.
    pub(super) certain: bool,
    /// Not inside a second or later repeat item: about the applicant, so
    /// autocomplete and prefill apply.
    pub(super) first: bool,
}

/// What the builders of a page's items read: the procedure, the page's
/// language (and the source language, where a text lacks it), every node by
/// path for the labels of conditions, and the fixed texts.
pub(super) struct View<'p> {
    pub(super) p: &'p Procedure,
    pub(super) lang: &'p str,
    pub(super) source: &'p str,
    pub(super) labels: HashMap<&'p str, &'p Node>,
    pub(super) t: Texts,
}

impl<'p> View<'p> {
    /// A text in the page's language, else in the source language.
    pub(super) fn text(&self, t: &'p I18n) -> String {
        t.pick(self.lang, self.source)
            .unwrap_or_default()
            .to_string()
    }

    fn prefill_text(&self, n: &Node) -> Option<String> {
        let pf = n.prefill.as_ref()?;
        Some(match (is_german(self.lang), pf.locked) {
            (true, true) => {
                "Wird aus Ihrem Identitätsnachweis übernommen und kann nicht geändert werden."
                    .into()
            }
            (true, false) => {
                "Wird aus Ihrem Identitätsnachweis übernommen; Sie können die Angabe ändern.".into()
            }
            (false, true) => "Taken from your proof of identity; it cannot be changed.".into(),
            (false, false) => "Taken from your proof of identity; you can change it.".into(),
        })
    }

    /// One node; `index` is its place among its siblings (notes without a
    /// name are known by it).
    pub(super) fn node(&self, n: &'p Node, at: &Place, index: usize) -> Option<Item> {
        let id = if n.id.is_empty() {
            // `--` cannot occur in a field's id: no name collides with it.
            format!("{}-note{index}", at.id)
        } else {
            format!("{}{}", at.id, n.id)
        };
        let name = if at.name.is_empty() {
            n.id.clone()
        } else {
            format!("{}.{}", at.name, n.id)
        };
        let conditional = n.when.is_some();
        let certain = at.certain && !conditional;
        let mut it = Item {
            id: id.clone(),
            name: name.clone(),
            label: n.label.as_ref().map(|l| self.text(l)).unwrap_or_default(),
            hint: n.hint.as_ref().map(|h| self.text(h)),
            when: n.when.as_ref().map(|w| {
                if matches!(n.kind, NodeKind::Note { .. }) {
                    self.applies_sentence(w)
                } else {
                    self.when_sentence(w)
                }
            }),
            prefill: at.first.then(|| self.prefill_text(n)).flatten(),
            optional: !n.required && n.repeat.is_none_or(|r| r.min == 0),
            legal: n.legal.clone(),
            ..Item::default()
        };
        for (present, suffix) in [
            (it.when.is_some(), "when"),
            (it.hint.is_some(), "hint"),
            (it.prefill.is_some(), "prefill"),
        ] {
            if present {
                it.describedby.push(format!("{id}--{suffix}"));
            }
        }
        match &n.kind {
            NodeKind::Note { text } => {
                it.kind = "note";
                it.text = self.text(text);
            }
            NodeKind::Computed { .. } => it.kind = "computed",
            NodeKind::Group { items, .. } => {
                let fill = |place: &Place| {
                    items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, c)| self.node(c, place, i))
                        .collect::<Vec<_>>()
                };
                match n.repeat {
                    Some(card) => {
                        // Without JavaScript: the required items and a few more.
                        it.kind = "repeat";
                        it.min = card.min;
                        it.max = card.max;
                        for i in 0..slot_count(card) {
                            let required = certain && i < card.min;
                            let place = Place {
                                name: format!("{name}[{i}]"),
                                id: format!("{id}-{i}-"),
                                certain: required,
                                first: at.first && i == 0,
                            };
                            it.slots.push(Slot {
                                id: format!("{id}-{i}"),
                                index: i,
                                legend: format!("{} {}", it.label, i + 1),
                                optional: !required,
                                items: fill(&place),
                            });
                        }
                    }
                    None => {
                        it.kind = "group";
                        let place = Place {
                            name,
                            id: format!("{id}-"),
                            certain: certain && n.required,
                            first: at.first,
                        };
                        it.items = fill(&place);
                    }
                }
            }
            NodeKind::Attachment {
                media_types, count, ..
            } => {
                it.kind = "input";
                it.attrs.push(("type", Some("file".into())));
                let accept: Vec<String> = media_types.clone();
                it.attrs.push(("accept", Some(accept.join(","))));
                if count.max != Some(1) {
                    it.attrs.push(("multiple", None));
                }
                if certain && n.required {
                    it.attrs.push(("required", None));
                }
            }
            NodeKind::Field { ty } => {
                if let Some(card) = n.repeat {
                    // A repeated value: a few inputs, the first ones required.
                    it.kind = "repeat";
                    it.min = card.min;
                    it.max = card.max;
                    for i in 0..slot_count(card) {
                        let required = certain && i < card.min;
                        let mut one = self.field(
                            n,
                            ty,
                            &format!("{id}-{i}"),
                            &format!("{name}[{i}]"),
                            required,
                            at.first && i == 0,
                        );
                        one.label = format!("{} {}", it.label, i + 1);
                        one.optional = !required;
                        it.slots.push(Slot {
                            id: format!("{id}-{i}-slot"),
                            index: i,
                            legend: format!("{} {}", it.label, i + 1),
                            optional: !required,
                            items: vec![one],
                        });
                    }
                } else {
                    let field = self.field(n, ty, &id, &name, certain && n.required, at.first);
                    it.kind = field.kind;
                    it.attrs = field.attrs;
                    it.options = field.options;
                    it.list = field.list;
                    it.input = field.input;
                    it.multiple = field.multiple;
                    it.unit = field.unit;
                }
            }
        }
        Some(it)
    }

    /// One input of a field.
    fn field(
        &self,
        n: &'p Node,
        ty: &'p FieldType,
        id: &str,
        name: &str,
        required: bool,
        first: bool,
    ) -> Item {
        let mut it = Item {
            id: id.to_string(),
            name: name.to_string(),
            label: n.label.as_ref().map(|l| self.text(l)).unwrap_or_default(),
            kind: "input",
            ..Item::default()
        };
        let mut attr = |k: &'static str, v: Option<String>| it.attrs.push((k, v));
        let constant = |b: &Option<Expr>| match b.as_ref().map(|e| &e.kind) {
            Some(ExprKind::Literal { value }) => match value {
                Literal::Integer(i) => Some(i.to_string()),
                Literal::Decimal(d) | Literal::Date(d) => Some(d.clone()),
                Literal::Money(c) => Some(format!("{}.{:02}", c / 100, (c % 100).abs())),
                _ => None,
            },
            _ => None,
        };
        match ty {
            FieldType::Text {
                multiline,
                min_length,
                max_length,
                pattern,
                format,
                ..
            } => {
                let (input_type, input_mode) = format.map_or(("text", None), |f| f.html_input());
                if !*multiline {
                    attr("type", Some(input_type.into()));
                }
                if let Some(mode) = input_mode {
                    attr("inputmode", Some(mode.into()));
                }
                if let Some(min) = min_length {
                    attr("minlength", Some(min.to_string()));
                }
                if let Some(max) = max_length {
                    attr("maxlength", Some(max.to_string()));
                }
                // One pattern attribute: the author's, else the format's.
                let p = pattern
                    .clone()
                    .or_else(|| format.map(|f| f.pattern().to_string()));
                if let (Some(p), false) = (p, *multiline) {
                    attr("pattern", Some(p));
                }
                if *multiline {
                    it.kind = "textarea";
                }
            }
            FieldType::Integer { bounds } => {
                attr("type", Some("number".into()));
                attr("step", Some("1".into()));
                if let Some(v) = constant(&bounds.min) {
                    attr("min", Some(v));
                }
                if let Some(v) = constant(&bounds.max) {
                    attr("max", Some(v));
                }
            }
            FieldType::Decimal { .. } | FieldType::Money { .. } => {
                attr("type", Some("text".into()));
                attr("inputmode", Some("decimal".into()));
                if matches!(ty, FieldType::Money { .. }) {
                    it.unit = Some("EUR".into());
                }
            }
            FieldType::Date { bounds }
            | FieldType::Time { bounds }
            | FieldType::Datetime { bounds } => {
                let t = match ty {
                    FieldType::Date { .. } => "date",
                    FieldType::Time { .. } => "time",
                    _ => "datetime-local",
                };
                attr("type", Some(t.into()));
                if let Some(v) = constant(&bounds.min) {
                    attr("min", Some(v));
                }
                if let Some(v) = constant(&bounds.max) {
                    attr("max", Some(v));
                }
            }
            // A required yes/no question is answered yes or no; an optional
            // one is a box to tick (unticked counts as no).
            FieldType::Boolean if n.required => {
                it.kind = "choices";
                it.input = "radio";
                it.options = [("true", self.t.yes), ("false", self.t.no)]
                    .into_iter()
                    .enumerate()
                    .map(|(i, (value, label))| Opt {
                        value: value.into(),
                        label: label.into(),
                        id: format!("{id}-{i}"),
                        required: required && i == 0,
                    })
                    .collect();
                return it;
            }
            FieldType::Boolean | FieldType::Consent => {
                it.kind = "checkbox";
                if matches!(ty, FieldType::Consent) && required {
                    attr("required", None);
                }
            }
            FieldType::Choice { codelist, multiple } => {
                let values = self
                    .p
                    .codelists
                    .get(codelist)
                    .map(|l| l.values.as_slice())
                    .unwrap_or_default();
                it.multiple = *multiple;
                if values.len() <= RADIO_LIMIT {
                    it.options = values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| Opt {
                            value: v.code.clone(),
                            label: self.text(&v.label),
                            id: format!("{id}-{i}"),
                            required: required && !*multiple && i == 0,
                        })
                        .collect();
                    it.kind = "choices";
                    it.input = if *multiple { "checkbox" } else { "radio" };
                    return it;
                }
                it.list = self.p.codelists.get(codelist).cloned();
                it.kind = "select";
                if *multiple {
                    attr("multiple", None);
                }
            }
        }
        // Autocomplete and prefill are about the applicant: not for a second person.
        if let (Some(a), true) = (&n.autocomplete, first) {
            it.attrs.push(("autocomplete", Some(a.clone())));
        }
        if let (Some(pf), true) = (&n.prefill, first) {
            it.attrs.push(("data-prefill", Some(pf.attribute.clone())));
            if pf.locked {
                it.attrs.push(("data-locked", None));
                // `readonly` exists for text inputs only; a locked select or
                // checkbox is explained by its prefill note.
                if matches!(it.kind, "input" | "textarea") {
                    it.attrs.push(("readonly", None));
                }
            }
        }
        if required && !matches!(ty, FieldType::Boolean | FieldType::Consent) {
            it.attrs.push(("required", None));
        }
        it
    }

    pub(super) fn identity(&self) -> (Option<String>, Option<String>) {
        let Some(idn) = &self.p.identity else {
            return (None, None);
        };
        let d = is_german(self.lang);
        let means: Vec<&str> = idn
            .means
            .iter()
            .map(|m| match (m, d) {
                (Means::Eid, true) => "dem Online-Ausweis (eID)",
                (Means::Eid, false) => "the online ID card (eID)",
                (Means::EudiWallet, true) => "der EUDI-Wallet",
                (Means::EudiWallet, false) => "the EU Digital Identity Wallet",
                (Means::Elster, true) => "einem ELSTER-Zertifikat",
                (Means::Elster, false) => "an ELSTER certificate",
                (Means::Account, true) => "Ihrem Nutzerkonto",
                (Means::Account, false) => "your user account",
            })
            .collect();
        let level = match (idn.level, d) {
            (level, true) => level.word(),
            (TrustLevel::Hoch, false) => "high",
            (TrustLevel::Substanziell, false) => "substantial",
            (TrustLevel::Niedrig, false) => "low",
        };
        let or = if d { " oder " } else { " or " };
        let identity = if d {
            format!(
                "Sie weisen sich mit {} aus (Vertrauensniveau {level}).",
                means.join(or)
            )
        } else {
            format!(
                "You identify yourself with {} (level of assurance {level}).",
                means.join(or)
            )
        };
        let mut prefilled = Vec::new();
        for n in self.p.all_nodes() {
            if n.prefill.is_some()
                && let Some(l) = &n.label
            {
                prefilled.push(self.text(l));
            }
        }
        prefilled.sort();
        prefilled.dedup();
        let prefilled = (!prefilled.is_empty()).then(|| {
            if d {
                format!(
                    "Aus Ihrem Identitätsnachweis übernommen: {}.",
                    prefilled.join(", ")
                )
            } else {
                format!(
                    "Taken from your proof of identity: {}.",
                    prefilled.join(", ")
                )
            }
        });
        (Some(identity), prefilled)
    }
}
