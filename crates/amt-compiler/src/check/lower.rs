//! Lowers a checked tree to the model ([`ir::Procedure`]).

use super::Checker;
use super::tree::{Base, Kind, ListRef, NodeId};
use crate::ir::{self, Cardinality};
use crate::syntax::ast::{self, Item};
use amt_model::catalog;
use std::collections::HashMap;

fn legal(refs: &[(&ast::Str, Option<&ast::Str>)]) -> Vec<ir::LegalRef> {
    refs.iter()
        .map(|(c, u)| ir::LegalRef {
            citation: c.value.clone(),
            url: u.map(|u| u.value.clone()),
        })
        .collect()
}

fn duration(d: &ast::Duration) -> ir::Duration {
    ir::Duration {
        amount: d.amount,
        unit: d.unit,
    }
}

impl Checker<'_, '_> {
    fn field_type(&mut self, id: NodeId) -> ir::FieldType {
        let Kind::Field(ft) = &self.tree.nodes[id].kind else {
            unreachable!("called for fields")
        };
        let exprs = self.exprs.get_mut(&id);
        let (min, max) = exprs
            .map(|e| (e.min.take(), e.max.take()))
            .unwrap_or((None, None));
        let bounds = ir::Bounds { min, max };
        let text = || ir::FieldType::Text {
            multiline: ft.base == Base::Multiline,
            min_length: ft.min_length,
            max_length: ft.max_length,
            pattern: ft.pattern.map(|p| p.value.clone()),
            pattern_message: ft.pattern_message.map(|m| self.i18n(m)),
            format: ft.base.text_format(),
            named: ft.named.map(str::to_string),
        };
        match ft.base {
            Base::Integer => ir::FieldType::Integer { bounds },
            Base::Decimal => ir::FieldType::Decimal {
                scale: ft.scale,
                bounds,
            },
            Base::Money => ir::FieldType::Money { bounds },
            Base::Boolean => ir::FieldType::Boolean,
            Base::Consent => ir::FieldType::Consent,
            Base::Date => ir::FieldType::Date { bounds },
            Base::Time => ir::FieldType::Time { bounds },
            Base::Datetime => ir::FieldType::Datetime { bounds },
            Base::Choice | Base::Multichoice | Base::Country | Base::Nationality => {
                let multiple = ft.base == Base::Multichoice;
                let codelist = match ft.codelist {
                    Some(list) => self.list_key(list),
                    None => String::new(),
                };
                ir::FieldType::Choice { codelist, multiple }
            }
            // Text, multiline and the text formats.
            _ => text(),
        }
    }

    fn node(&mut self, id: NodeId) -> ir::Node {
        let path = self.tree.path(id);
        let kind = match &self.tree.nodes[id].kind {
            Kind::Field(_) => ir::NodeKind::Field {
                ty: self.field_type(id),
            },
            Kind::Group | Kind::Page | Kind::Case | Kind::Root => {
                let children = self.tree.nodes[id].children.clone();
                ir::NodeKind::Group {
                    group: self.tree.nodes[id].group.map(str::to_string),
                    items: children.into_iter().map(|c| self.node(c)).collect(),
                }
            }
            Kind::Computed { .. } => {
                let value = self.exprs.get_mut(&id).and_then(|e| e.value.take());
                let value = value.unwrap_or(ir::Expr {
                    ty: ir::Ty::Unknown,
                    kind: ir::ExprKind::Literal {
                        value: ir::Literal::Boolean(false),
                    },
                });
                // Its declared type, if it declares one.
                let ty = match self.computed_types.get(&id) {
                    Some(Some(ty)) => ty.clone(),
                    _ => value.ty.clone(),
                };
                ir::NodeKind::Computed { ty, value }
            }
            Kind::Attachment {
                types,
                max_bytes,
                count,
            } => {
                let required = self.tree.nodes[id].required.is_some();
                let count = count
                    .map(|r| Cardinality {
                        min: r.min,
                        max: r.max,
                    })
                    .unwrap_or(Cardinality {
                        min: u64::from(required),
                        max: Some(1),
                    });
                ir::NodeKind::Attachment {
                    media_types: types
                        .iter()
                        .filter_map(|t| {
                            catalog::FILE_TYPES
                                .iter()
                                .find(|(n, _)| *n == t.name)
                                .map(|(_, m)| m.to_string())
                        })
                        .collect(),
                    max_bytes: *max_bytes,
                    count,
                }
            }
            Kind::Note(t) => ir::NodeKind::Note { text: self.i18n(t) },
        };
        let node = &self.tree.nodes[id];
        let exprs = self.exprs.remove(&id).unwrap_or_default();
        let means = self.accepted_means();
        ir::Node {
            id: node.name.to_string(),
            path,
            kind,
            label: node.label.map(|l| self.i18n(l)),
            item_label: node.item_label.map(|l| self.i18n(l)),
            hint: node.hint.map(|h| self.i18n(h)),
            required: node.required.is_some() || node.repeat.is_some_and(|r| r.min > 0),
            repeat: node.repeat.map(|r| Cardinality {
                min: r.min,
                max: r.max,
            }),
            when: exprs.when,
            rules: exprs.rules,
            legal: legal(&node.legal),
            fim: node.fim.map(|f| f.value.clone()),
            fim_version: node.fim_version.map(|v| v.value.clone()),
            personal: node.personal.map(|(c, _)| c),
            autocomplete: node.autocomplete.map(|a| a.name.clone()),
            prefill: node.prefill.map(|(attr, locked, _)| ir::Prefill {
                attribute: attr.name.clone(),
                locked,
                sources: means
                    .iter()
                    .filter_map(|m| {
                        catalog::attribute_source(&attr.name, *m).map(|s| (*m, s.to_string()))
                    })
                    .collect(),
            }),
        }
    }

    /// A code list of the model. The built-in ones (countries,
    /// nationalities) are made once per set of languages and shared by every
    /// procedure: a project of thousands of procedures holds them once.
    fn shared_codelist(&self, list: ListRef) -> std::sync::Arc<ir::Codelist> {
        type Cache = HashMap<(bool, Vec<String>), std::sync::Arc<ir::Codelist>>;
        static BUILT_IN: std::sync::LazyLock<std::sync::Mutex<Cache>> =
            std::sync::LazyLock::new(Default::default);
        let nationality = match list {
            ListRef::Country => false,
            ListRef::Nationality => true,
            ListRef::Decl(_) => return std::sync::Arc::new(self.codelist(list)),
        };
        let key = (nationality, self.languages.clone());
        let mut cache = BUILT_IN.lock().unwrap_or_else(|e| e.into_inner());
        // Bounded: a project has a few language sets; arbitrary input (a
        // fuzzer, an editor session) must not grow it without end.
        if cache.len() >= 32 && !cache.contains_key(&key) {
            cache.clear();
        }
        cache
            .entry(key)
            .or_insert_with(|| std::sync::Arc::new(self.codelist(list)))
            .clone()
    }

    fn codelist(&self, list: ListRef) -> ir::Codelist {
        let lang_of = |de: &str, en: &str| {
            let mut m = ir::I18n::new();
            for l in &self.languages {
                let text = if amt_model::is_german(l) { de } else { en };
                m.insert(l.clone(), text.to_string());
            }
            m
        };
        match list {
            ListRef::Country | ListRef::Nationality => {
                let nationality = list == ListRef::Nationality;
                ir::Codelist {
                    label: Some(if nationality {
                        lang_of("Staatsangehörigkeit", "Nationality")
                    } else {
                        lang_of("Staat", "Country")
                    }),
                    source: Some(ir::CodelistSource {
                        urn: "urn:iso:std:iso:3166:-1:alpha-2".to_string(),
                        version: None,
                    }),
                    columns: Vec::new(),
                    values: catalog::COUNTRIES
                        .iter()
                        .map(|c| ir::Code {
                            code: c.code.to_string(),
                            label: if nationality {
                                lang_of(c.nationality_de, c.nationality_en)
                            } else {
                                lang_of(c.de, c.en)
                            },
                            cells: Default::default(),
                        })
                        .collect(),
                }
            }
            ListRef::Decl(d) => {
                let Item::Codelist(cl) = self.program.item(d) else {
                    unreachable!("list refs point at code lists")
                };
                let columns = self.columns.get(&list).cloned().unwrap_or_default();
                ir::Codelist {
                    label: cl.label.as_ref().map(|l| self.i18n(l)),
                    source: cl.source.as_ref().map(|(urn, version)| ir::CodelistSource {
                        urn: urn.value.clone(),
                        version: version.as_ref().map(|v| v.value.clone()),
                    }),
                    // A column declared twice (reported) is in the model once.
                    columns: columns
                        .columns
                        .iter()
                        .map(|c| ir::CodeColumn {
                            name: c.name.clone(),
                            label: cl.columns[c.decl].label.as_ref().map(|l| self.i18n(l)),
                            ty: c.ty.clone(),
                        })
                        .collect(),
                    values: cl
                        .entries
                        .iter()
                        .enumerate()
                        .map(|(i, e)| ir::Code {
                            code: e.code.value.clone(),
                            label: e.label.as_ref().map(|l| self.i18n(l)).unwrap_or_default(),
                            cells: columns.cells.get(i).cloned().unwrap_or_default(),
                        })
                        .collect(),
                }
            }
        }
    }
}

/// The model of a procedure.
pub fn procedure(c: &mut Checker, decl: &ast::Decl) -> ir::Procedure {
    let root = 0;
    let mut pages = Vec::new();
    let mut attachments = Vec::new();
    let mut fees = Vec::new();
    let mut root_items = Vec::new();
    for child in c.tree.nodes[root].children.clone() {
        match c.tree.nodes[child].kind {
            Kind::Page => {
                let when = c.exprs.get_mut(&child).and_then(|e| e.when.take());
                let items = c.tree.nodes[child]
                    .children
                    .clone()
                    .into_iter()
                    .map(|i| c.node(i))
                    .collect();
                pages.push(ir::Page {
                    id: c.tree.nodes[child].name.to_string(),
                    label: c.tree.nodes[child]
                        .label
                        .map(|l| c.i18n(l))
                        .unwrap_or_default(),
                    when,
                    items,
                });
            }
            Kind::Case => {}
            Kind::Attachment { .. } => attachments.push(c.node(child)),
            _ => root_items.push(child),
        }
    }
    let mut computed = Vec::new();
    let mut parameters = Vec::new();
    for child in root_items {
        if let Kind::Computed {
            parameter: Some(decl),
            ..
        } = c.tree.nodes[child].kind
        {
            let node = c.node(child);
            let ir::NodeKind::Computed { ty, value } = node.kind else {
                continue;
            };
            let bound = |min: bool| {
                decl.ty.args.iter().find_map(|a| match a {
                    ast::TypeArg::Min(e, _) if min => crate::municipal::constant(e),
                    ast::TypeArg::Max(e, _) if !min => crate::municipal::constant(e),
                    _ => None,
                })
            };
            parameters.push(ir::Parameter {
                id: node.id,
                label: node.label.unwrap_or_default(),
                ty,
                min: bound(true),
                max: bound(false),
                default: decl.default.as_ref().map(|_| value),
                legal: node.legal,
            });
            continue;
        }
        let is_fee = matches!(c.tree.nodes[child].kind, Kind::Computed { fee: true, .. });
        let node = c.node(child);
        match node.kind {
            ir::NodeKind::Computed { value, .. } if is_fee => fees.push(ir::Fee {
                id: node.id,
                label: node.label.unwrap_or_default(),
                value,
                legal: node.legal,
            }),
            ir::NodeKind::Computed { .. } => computed.push(node),
            // Notes directly in a procedure are introductory text.
            _ => computed.push(node),
        }
    }
    let meta = &c.meta;
    let deadlines = meta
        .deadlines
        .iter()
        .map(|d| ir::Deadline {
            id: d.name.name.clone(),
            label: d.label.as_ref().map(|l| c.i18n(l)).unwrap_or_default(),
            duration: duration(&d.duration),
            after: d.after.as_ref().map(|p| {
                p.segments
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".")
            }),
            legal: d
                .body
                .iter()
                .filter_map(|s| match s {
                    ast::Stmt::Legal { citation, url, .. } => Some(ir::LegalRef {
                        citation: citation.value.clone(),
                        url: url.as_ref().map(|u| u.value.clone()),
                    }),
                    _ => None,
                })
                .collect(),
        })
        .collect();
    let privacy = meta.privacy_span.map(|_| ir::Privacy {
        purpose: meta.purpose.map(|p| c.i18n(p)),
        basis: meta.basis.map(|b| b.value.clone()),
        retention: meta.retention.map(|r| match r {
            ast::Retention::Period(d) => ir::Retention::Period(duration(d)),
            ast::Retention::Text(t) => ir::Retention::Text(c.i18n(t)),
        }),
    });
    let lists: Vec<(String, ListRef)> = c.lists.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let codelists = lists
        .into_iter()
        .map(|(k, l)| (k, c.shared_codelist(l)))
        .collect();
    ir::Procedure {
        model_version: ir::MODEL_VERSION.to_string(),
        id: decl.name.name.clone(),
        source: c.sources.get(decl.name.span.file).name.clone(),
        version: meta.version.map(|v| v.value.clone()).unwrap_or_default(),
        title: decl.label.as_ref().map(|l| c.i18n(l)).unwrap_or_default(),
        description: meta.description.map(|d| c.i18n(d)),
        leika: meta.leika.map(|l| l.value.clone()),
        fim: c.tree.nodes[root].fim.map(|f| f.value.clone()),
        fim_version: c.tree.nodes[root].fim_version.map(|v| v.value.clone()),
        languages: c.languages.clone(),
        legal: legal(&c.tree.nodes[root].legal),
        authority: meta.authority.map(|(id, label)| ir::Authority {
            id: id.name.clone(),
            label: label.map(|l| c.i18n(l)),
        }),
        // An unknown level is an error of its own (lint): no identity then.
        identity: meta.identity.and_then(|(level, _, _)| {
            Some(ir::Identity {
                level: ir::TrustLevel::from_word(&level.name)?,
                means: c.accepted_means(),
            })
        }),
        privacy,
        fees,
        computed,
        parameters,
        extensions: meta
            .extensions
            .iter()
            .map(|&(owner, name, label)| {
                let container = c.tree.data_container(owner);
                ir::ExtensionPoint {
                    id: name.name.clone(),
                    label: label.map(|l| c.i18n(l)),
                    within: if c.tree.nodes[container].parent.is_none() {
                        String::new()
                    } else {
                        c.tree.path(container)
                    },
                }
            })
            .collect(),
        deadlines,
        pages,
        attachments,
        codelists,
        examples: Vec::new(),
        workflow: None,
    }
}
