//! The view model of a form: an [`Item`] per node, with the attributes,
//! options and slots the templates render, built by [`View`].

use super::Texts;
use crate::ir::{self, Expr, ExprKind, FieldType, I18n, Literal, Node, NodeKind, Procedure};
use amt_model::formats::TextFormat;
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
    /// The legends of the groups and repeat items this part is in (ids,
    /// innermost first, space-separated): a group or choice inside one
    /// names itself with them, so that the "Anschrift" of the legal
    /// representative of "Person 2" is told from every other "Anschrift".
    pub(super) context: Option<String>,
    /// Prefilled and locked: the script keeps the delivered value (a list
    /// or buttons, where `readonly` does not exist).
    pub(super) locked: bool,
    /// What one item of a repeat is called, where it is not the repeat's
    /// label (`Kinder` holds `Kind 1`, `Kind 2`, …).
    pub(super) item_label: Option<String>,
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
    /// The legends of the groups and repeat items around, innermost
    /// first (their element ids).
    pub(super) context: Vec<String>,
}

impl Place {
    /// The place inside a group or repeat item whose legend is `legend`.
    fn within(&self, legend: String) -> Vec<String> {
        std::iter::once(legend)
            .chain(self.context.iter().cloned())
            .collect()
    }
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
    fn node(&self, n: &'p Node, at: &Place, index: usize) -> Item {
        let mut it = self.item(n, at, index);
        it.context = (!at.context.is_empty()).then(|| at.context.join(" "));
        let certain = at.certain && n.when.is_none();
        match &n.kind {
            NodeKind::Note { text } => {
                it.kind = "note";
                it.text = self.text(text);
            }
            NodeKind::Computed { .. } => it.kind = "computed",
            NodeKind::Group { items, .. } => match n.repeat {
                Some(card) => {
                    it.item_label = n
                        .item_label
                        .as_ref()
                        .map(|l| self.text(l))
                        .filter(|l| *l != it.label);
                    self.repeated_group(&mut it, items, card, certain, at)
                }
                None => {
                    it.kind = "group";
                    let inside = Place {
                        name: it.name.clone(),
                        id: format!("{}-", it.id),
                        certain: certain && n.required,
                        first: at.first,
                        context: at.within(format!("{}--legend", it.id)),
                    };
                    it.items = self.items(items, &inside);
                }
            },
            NodeKind::Attachment {
                media_types, count, ..
            } => attachment_input(&mut it, media_types, *count, certain && n.required),
            NodeKind::Field { ty } => match n.repeat {
                Some(card) => self.repeated_field(&mut it, n, ty, card, certain, at.first),
                None => {
                    let input =
                        self.field(n, ty, &it.id, &it.name, certain && n.required, at.first);
                    it.kind = input.kind;
                    it.attrs = input.attrs;
                    it.options = input.options;
                    it.list = input.list;
                    it.input = input.input;
                    it.multiple = input.multiple;
                    it.unit = input.unit;
                    it.locked = input.locked;
                }
            },
        }
        it
    }

    /// Nodes among siblings (a page's, a group's), each known by its index.
    pub(super) fn items(&self, nodes: &'p [Node], at: &Place) -> Vec<Item> {
        nodes
            .iter()
            .enumerate()
            .map(|(i, n)| self.node(n, at, i))
            .collect()
    }

    /// What every kind of node shows: its id and name at its place, label
    /// and hint, when it applies, where it is prefilled from, and the ids of
    /// the texts that describe it.
    fn item(&self, n: &'p Node, at: &Place, index: usize) -> Item {
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
        let mut it = Item {
            id,
            name,
            label: n.label.as_ref().map(|l| self.text(l)).unwrap_or_default(),
            hint: n.hint.as_ref().map(|h| self.text(h)),
            when: n.when.as_ref().map(|w| {
                if matches!(n.kind, NodeKind::Note { .. }) {
                    self.applies_sentence(w)
                } else if n.required || n.repeat.is_some_and(|r| r.min > 0) {
                    self.required_when_sentence(w)
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
                it.describedby.push(format!("{}--{suffix}", it.id));
            }
        }
        it
    }

    /// A repeated group without JavaScript: a few slots of the group's items,
    /// those of the first `card.min` slots required where the group is
    /// `certain`.
    fn repeated_group(
        &self,
        it: &mut Item,
        items: &'p [Node],
        card: ir::Cardinality,
        certain: bool,
        at: &Place,
    ) {
        it.kind = "repeat";
        it.min = card.min;
        it.max = card.max;
        for i in 0..slot_count(card) {
            let required = certain && i < card.min;
            let place = Place {
                name: format!("{}[{i}]", it.name),
                id: format!("{}-{i}-", it.id),
                certain: required,
                first: at.first && i == 0,
                context: at.within(format!("{}-{i}--legend", it.id)),
            };
            it.slots.push(Slot {
                id: format!("{}-{i}", it.id),
                index: i,
                legend: format!("{} {}", it.item_label.as_ref().unwrap_or(&it.label), i + 1),
                // Marked as it is when the part applies: the first items are
                // required then, with or without the script.
                optional: i >= card.min,
                items: self.items(items, &place),
            });
        }
    }

    /// A repeated value without JavaScript: an input in each of a few
    /// slots, the first `card.min` required where the field is `certain`.
    fn repeated_field(
        &self,
        it: &mut Item,
        n: &'p Node,
        ty: &'p FieldType,
        card: ir::Cardinality,
        certain: bool,
        first: bool,
    ) {
        it.kind = "repeat";
        it.min = card.min;
        it.max = card.max;
        for i in 0..slot_count(card) {
            let required = certain && i < card.min;
            let legend = format!("{} {}", it.label, i + 1);
            let mut one = self.field(
                n,
                ty,
                &format!("{}-{i}", it.id),
                &format!("{}[{i}]", it.name),
                required,
                first && i == 0,
            );
            one.label = legend.clone();
            one.optional = i >= card.min;
            it.slots.push(Slot {
                id: format!("{}-{i}-slot", it.id),
                index: i,
                legend,
                optional: i >= card.min,
                items: vec![one],
            });
        }
    }

    /// One input of a field: the control its type asks for, then what any
    /// single control carries (autocomplete, prefill, `required`).
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
        match ty {
            FieldType::Text {
                multiline,
                min_length,
                max_length,
                pattern,
                pattern_message,
                format,
                ..
            } => {
                let limits = (*min_length, *max_length);
                text_control(&mut it, *multiline, limits, pattern.as_deref(), *format);
                // The browser says it when the pattern does not match (the
                // form without its script).
                if let Some(m) = pattern_message
                    && !*multiline
                {
                    it.attrs.push(("title", Some(self.text(m))));
                }
            }
            FieldType::Integer { bounds } => {
                it.attrs.push(("type", Some("number".into())));
                it.attrs.push(("step", Some("1".into())));
                it.attrs.extend(bound_attrs(bounds));
            }
            FieldType::Decimal { .. } | FieldType::Money { .. } => {
                it.attrs.push(("type", Some("text".into())));
                it.attrs.push(("inputmode", Some("decimal".into())));
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
                it.attrs.push(("type", Some(t.into())));
                it.attrs.extend(bound_attrs(bounds));
            }
            // A required yes/no question is answered yes or no; an optional
            // one is a box to tick (unticked counts as no).
            FieldType::Boolean if n.required => return self.yes_no_buttons(it, required),
            FieldType::Boolean | FieldType::Consent => {
                it.kind = "checkbox";
                if matches!(ty, FieldType::Consent) && required {
                    it.attrs.push(("required", None));
                }
            }
            FieldType::Choice { codelist, multiple } => {
                let list = self.p.codelists.get(codelist);
                let values = list.map(|l| l.values.as_slice()).unwrap_or_default();
                it.multiple = *multiple;
                if values.len() <= RADIO_LIMIT {
                    // Buttons take no autocomplete; a locked prefill is kept
                    // by the script.
                    it.locked = first && n.prefill.as_ref().is_some_and(|p| p.locked);
                    return self.choice_buttons(it, values, required);
                }
                it.list = list.cloned();
                it.kind = "select";
                if *multiple {
                    it.attrs.push(("multiple", None));
                }
            }
        }
        applicant_attrs(&mut it, n, first);
        if required && !matches!(ty, FieldType::Boolean | FieldType::Consent) {
            it.attrs.push(("required", None));
        }
        it
    }

    /// A required yes/no question as two radio buttons, yes first; the
    /// first carries `required`, which makes the pair required.
    fn yes_no_buttons(&self, mut it: Item, required: bool) -> Item {
        it.kind = "choices";
        it.input = "radio";
        it.options = [("true", self.t.yes), ("false", self.t.no)]
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| Opt {
                value: value.into(),
                label: label.into(),
                id: format!("{}-{i}", it.id),
                required: required && i == 0,
            })
            .collect();
        it
    }

    /// A short code list as radio buttons, or checkboxes where several may
    /// be chosen (`it.multiple`); a checkbox is never `required`, since
    /// that would demand that box in particular.
    fn choice_buttons(&self, mut it: Item, values: &'p [ir::Code], required: bool) -> Item {
        it.options = values
            .iter()
            .enumerate()
            .map(|(i, v)| Opt {
                value: v.code.clone(),
                label: self.text(&v.label),
                id: format!("{}-{i}", it.id),
                required: required && !it.multiple && i == 0,
            })
            .collect();
        it.kind = "choices";
        it.input = if it.multiple { "checkbox" } else { "radio" };
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

/// A file input for an attachment: its media types, and one file or several.
fn attachment_input(it: &mut Item, media_types: &[String], count: ir::Cardinality, required: bool) {
    it.kind = "input";
    it.attrs.push(("type", Some("file".into())));
    it.attrs.push(("accept", Some(media_types.join(","))));
    if count.max != Some(1) {
        it.attrs.push(("multiple", None));
    }
    if required {
        it.attrs.push(("required", None));
    }
}

/// A line of text, of the input type and mode its format asks for (e.g.
/// `email`), or a text area; with its length `limits` (fewest, most) and
/// its pattern.
fn text_control(
    it: &mut Item,
    multiline: bool,
    limits: (Option<u64>, Option<u64>),
    pattern: Option<&str>,
    format: Option<TextFormat>,
) {
    let (input_type, input_mode) = format.map_or(("text", None), |f| f.html_input());
    if !multiline {
        it.attrs.push(("type", Some(input_type.into())));
    }
    if let Some(mode) = input_mode {
        it.attrs.push(("inputmode", Some(mode.into())));
    }
    if let Some(min) = limits.0 {
        it.attrs.push(("minlength", Some(min.to_string())));
    }
    if let Some(max) = limits.1 {
        it.attrs.push(("maxlength", Some(max.to_string())));
    }
    // One pattern attribute: the author's, else the format's.
    let p = pattern
        .map(str::to_string)
        .or_else(|| format.map(|f| f.pattern().to_string()));
    if let (Some(p), false) = (p, multiline) {
        it.attrs.push(("pattern", Some(p)));
    }
    if multiline {
        it.kind = "textarea";
    }
}

/// `min` and `max` for the bounds that are constants (not computed from
/// other answers or from today's date).
fn bound_attrs(bounds: &ir::Bounds) -> Vec<(&'static str, Option<String>)> {
    [("min", &bounds.min), ("max", &bounds.max)]
        .into_iter()
        .filter_map(|(attr, bound)| Some((attr, Some(constant(bound.as_ref()?)?))))
        .collect()
}

/// A constant bound as an attribute's value (money in euros, e.g. `12.50`).
fn constant(bound: &Expr) -> Option<String> {
    match &bound.kind {
        ExprKind::Literal { value } => match value {
            Literal::Integer(i) => Some(i.to_string()),
            Literal::Decimal(d) | Literal::Date(d) => Some(d.clone()),
            Literal::Money(c) => Some(format!("{}.{:02}", c / 100, (c % 100).abs())),
            _ => None,
        },
        _ => None,
    }
}

/// Autocomplete and prefill: about the applicant, so only on the `first`
/// of a repeat's inputs, not for a second person.
fn applicant_attrs(it: &mut Item, n: &Node, first: bool) {
    if !first {
        return;
    }
    if let Some(a) = &n.autocomplete {
        it.attrs.push(("autocomplete", Some(a.clone())));
    }
    if let Some(pf) = &n.prefill {
        it.attrs.push(("data-prefill", Some(pf.attribute.clone())));
        if pf.locked {
            it.locked = true;
            it.attrs.push(("data-locked", None));
            // `readonly` exists for text inputs only; a locked select or
            // checkbox is explained by its prefill note.
            if matches!(it.kind, "input" | "textarea") {
                it.attrs.push(("readonly", None));
            }
        }
    }
}
