//! The procedure tree the checker works on: an arena of nodes with parent
//! links, borrowing labels and expressions from the syntax tree (no copies).

use crate::ir::PersonalClass;
use crate::resolve::DeclRef;
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashMap;

/// Index of a node in [`Tree::nodes`].
pub type NodeId = usize;

/// The built-in type a field's type comes down to.
pub use amt_model::catalog::BuiltinType as Base;

/// A code list: declared in a file, or built in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListRef {
    Decl(DeclRef),
    Country,
    Nationality,
}

/// A field's resolved type and constraints.
#[derive(Debug)]
pub struct FieldTy<'a> {
    pub base: Base,
    /// The named type, if one was used (`postleitzahl`).
    pub named: Option<&'a str>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<&'a ast::Str>,
    /// What to say when the pattern does not match.
    pub pattern_message: Option<&'a ast::Text>,
    pub scale: Option<u64>,
    pub min: Option<&'a ast::Expr>,
    pub max: Option<&'a ast::Expr>,
    pub codelist: Option<ListRef>,
    pub span: Span,
}

/// The kinds of nodes.
#[derive(Debug)]
pub enum Kind<'a> {
    Root,
    Page,
    /// The workflow's case data (its decisions): shares the procedure's
    /// namespace like a page, but is never part of the form.
    Case,
    Field(FieldTy<'a>),
    Group,
    Computed {
        /// How it is computed; a parameter without a default has none.
        value: Option<&'a ast::Expr>,
        fee: bool,
        /// The declaration, when this is a parameter a municipality sets.
        parameter: Option<&'a ast::Parameter>,
        /// The type it declares (`computed zone: choice(zone) = …`).
        declared: Option<FieldTy<'a>>,
    },
    Attachment {
        types: Vec<&'a ast::Ident>,
        max_bytes: Option<u64>,
        count: Option<ast::Range>,
    },
    Note(&'a ast::Text),
}

/// A rule as written.
#[derive(Debug)]
pub struct RuleSrc<'a> {
    pub warning: bool,
    pub condition: &'a ast::Expr,
    pub message: Option<&'a ast::Text>,
    pub span: Span,
}

/// One node of a procedure.
#[derive(Debug)]
pub struct Node<'a> {
    pub name: &'a str,
    pub name_span: Span,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    pub kind: Kind<'a>,
    pub label: Option<&'a ast::Text>,
    pub hint: Option<&'a ast::Text>,
    pub required: Option<Span>,
    pub repeat: Option<ast::Range>,
    pub whens: Vec<&'a ast::Expr>,
    pub rules: Vec<RuleSrc<'a>>,
    pub legal: Vec<(&'a ast::Str, Option<&'a ast::Str>)>,
    pub fim: Option<&'a ast::Str>,
    /// The version of the FIM element, if the source names it.
    pub fim_version: Option<&'a ast::Str>,
    pub personal: Option<(PersonalClass, Span)>,
    pub autocomplete: Option<&'a ast::Ident>,
    pub prefill: Option<(&'a ast::Ident, bool, Span)>,
    /// The reusable group this node instantiates.
    pub group: Option<&'a str>,
    /// The label of one item of a repeated group use, where it is not the
    /// use's own: the declared group's.
    pub item_label: Option<&'a ast::Text>,
    /// A group use whose group is unknown (reported once, where it is
    /// named): its parts are not reported as unknown again.
    pub unresolved: bool,
}

impl<'a> Node<'a> {
    pub fn new(name: &'a str, name_span: Span, parent: Option<NodeId>, kind: Kind<'a>) -> Self {
        Node {
            name,
            name_span,
            parent,
            children: Vec::new(),
            kind,
            label: None,
            hint: None,
            required: None,
            repeat: None,
            whens: Vec::new(),
            rules: Vec::new(),
            legal: Vec::new(),
            fim: None,
            fim_version: None,
            personal: None,
            autocomplete: None,
            prefill: None,
            group: None,
            item_label: None,
            unresolved: false,
        }
    }

    pub fn is_data(&self) -> bool {
        matches!(
            self.kind,
            Kind::Field(_) | Kind::Group | Kind::Computed { .. } | Kind::Attachment { .. }
        )
    }

    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Root => "a procedure",
            Kind::Page => "a page",
            Kind::Case => "the workflow's decisions",
            Kind::Field(_) => "a field",
            Kind::Group => "a group",
            Kind::Computed {
                parameter: Some(_), ..
            } => "a parameter",
            Kind::Computed { fee: false, .. } => "a computed value",
            Kind::Computed { fee: true, .. } => "a fee",
            Kind::Attachment { .. } => "an attachment",
            Kind::Note(_) => "a note",
        }
    }
}

/// The nodes of one procedure (or of one reusable group checked on its own).
#[derive(Debug, Default)]
pub struct Tree<'a> {
    pub nodes: Vec<Node<'a>>,
    /// (data container, name) → node. Pages are not data containers: their
    /// children are registered under the root.
    pub names: HashMap<(NodeId, &'a str), NodeId>,
}

impl<'a> Tree<'a> {
    /// The container whose namespace a node's children live in.
    pub fn data_container(&self, id: NodeId) -> NodeId {
        match self.nodes[id].kind {
            Kind::Page | Kind::Case => self.nodes[id].parent.unwrap_or(id),
            _ => id,
        }
    }

    /// The nearest data ancestor (skipping pages).
    pub fn data_parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id].parent.map(|p| self.data_container(p))
    }

    /// The absolute data path, e.g. `person.ehe.datum`.
    pub fn path(&self, id: NodeId) -> String {
        let mut parts = Vec::new();
        let mut current = Some(id);
        while let Some(n) = current {
            let node = &self.nodes[n];
            if node.is_data() {
                parts.push(node.name);
            }
            current = node.parent;
        }
        parts.reverse();
        parts.join(".")
    }
}
