//! How large a declaration becomes once its groups are expanded, and how
//! deep its groups nest. Groups are expanded where they are used, so a chain
//! of groups that each use the next twice doubles at every level: forty
//! levels in a few dozen lines would be a trillion fields (the "billion
//! laughs" of amt). The checker asks here before it expands anything, and
//! refuses what is too large or too deep with a diagnostic that names the
//! chain.
//!
//! The figures follow names through the program, are computed once per
//! declared group (memoised in the [`Program`]) and cost time linear in the
//! size of the source, whatever the expansion would be.

use super::{DeclKind, DeclRef, Program};
use crate::source::FileId;
use crate::syntax::ast::{self, Item, Stmt};

/// The deepest groups may nest in a form (a group inside a group inside …).
pub const MAX_GROUP_DEPTH: u32 = 32;

/// The most nodes (fields, groups, computed values, attachments, notes) a
/// procedure or group may have once its groups are expanded. The largest
/// real procedure has a few hundred.
pub const MAX_EXPANDED_NODES: u64 = 20_000;

/// What expanding a group, a procedure or a block gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    /// How deep groups nest in it (a field alone: 0; a group of fields: 1).
    pub depth: u32,
    /// How many nodes it has once expanded (saturating at `u64::MAX`).
    pub nodes: u64,
}

impl Expansion {
    /// Whether it is beyond what amt expands.
    pub fn too_large(self) -> bool {
        self.depth > MAX_GROUP_DEPTH || self.nodes > MAX_EXPANDED_NODES
    }

    fn and(self, other: Expansion) -> Expansion {
        Expansion {
            depth: self.depth.max(other.depth),
            nodes: self.nodes.saturating_add(other.nodes),
        }
    }
}

impl Program {
    /// What the declared group `decl` becomes once expanded.
    pub fn expansion(&self, decl: DeclRef) -> Expansion {
        self.expansion_of(decl, &mut Vec::new())
    }

    /// What a block of statements (a procedure's, a group's) written in
    /// `file` becomes once expanded.
    pub fn block_expansion(&self, file: FileId, body: &[Stmt]) -> Expansion {
        self.body(file, body, &mut Vec::new())
    }

    /// The chain of group uses that makes `decl` deep or large: at each
    /// level the group it uses that contributes the most, and how often.
    pub fn heaviest_chain(&self, decl: DeclRef) -> Vec<(String, u64)> {
        let mut chain = Vec::new();
        let mut current = Some(decl);
        while let Some(d) = current.take() {
            let Item::Group(g) = self.item(d) else { break };
            let mut uses: Vec<(DeclRef, u64)> = Vec::new();
            self.group_uses(d.file, &g.body, &mut uses);
            uses.sort_by_key(|(u, _)| u.item);
            let mut counted: Vec<(DeclRef, u64)> = Vec::new();
            for (u, n) in uses {
                match counted.iter_mut().find(|(c, _)| *c == u) {
                    Some((_, count)) => *count += n,
                    None => counted.push((u, n)),
                }
            }
            let heaviest = counted
                .into_iter()
                .filter(|(u, _)| !chain.iter().any(|(name, _)| *name == self.group_name(*u)))
                .max_by_key(|(u, n)| {
                    let e = self.expansion(*u);
                    (e.depth, e.nodes.saturating_mul(*n))
                });
            if let Some((u, n)) = heaviest {
                chain.push((self.group_name(u), n));
                current = Some(u);
            }
            if chain.len() > 64 {
                break;
            }
        }
        chain
    }

    fn group_name(&self, decl: DeclRef) -> String {
        match self.item(decl) {
            Item::Group(g) => g.name.name.clone(),
            _ => String::new(),
        }
    }

    /// The declared groups a block uses directly (inline groups looked
    /// through), with how many times.
    fn group_uses(&self, file: FileId, body: &[Stmt], out: &mut Vec<(DeclRef, u64)>) {
        for stmt in body {
            match stmt {
                Stmt::Group(decl) => {
                    if let Some(base) = self.group_base(file, decl) {
                        out.push((base, 1));
                    }
                    self.group_uses(file, &decl.body, out);
                }
                Stmt::Page(decl) => self.group_uses(file, &decl.body, out),
                _ => {}
            }
        }
    }

    fn group_base(&self, file: FileId, decl: &ast::Decl) -> Option<DeclRef> {
        let type_ref = decl.type_ref.as_ref()?;
        match self.lookup(file, &type_ref.name.name) {
            Some((d, DeclKind::Group)) => Some(d),
            _ => None,
        }
    }

    fn expansion_of(&self, decl: DeclRef, stack: &mut Vec<DeclRef>) -> Expansion {
        if let Some(e) = self.expansion_cache().get(&decl) {
            return *e;
        }
        // A group that contains itself is reported elsewhere; here it adds
        // nothing more.
        if stack.contains(&decl) {
            return Expansion::default();
        }
        let Item::Group(g) = self.item(decl) else {
            return Expansion::default();
        };
        stack.push(decl);
        let e = self.body(decl.file, &g.body, stack);
        stack.pop();
        self.expansion_cache().insert(decl, e);
        e
    }

    fn body(&self, file: FileId, body: &[Stmt], stack: &mut Vec<DeclRef>) -> Expansion {
        let mut total = Expansion::default();
        for stmt in body {
            let e = match stmt {
                Stmt::Field(_)
                | Stmt::Attachment(_)
                | Stmt::Computed(_)
                | Stmt::Fee(_)
                | Stmt::Note(_) => Expansion { depth: 0, nodes: 1 },
                Stmt::Page(decl) => self.body(file, &decl.body, stack),
                Stmt::Group(decl) => {
                    let base = self
                        .group_base(file, decl)
                        .map(|d| self.expansion_of(d, stack))
                        .unwrap_or_default();
                    let own = self.body(file, &decl.body, stack);
                    let inner = base.and(own);
                    Expansion {
                        depth: inner.depth.saturating_add(1),
                        nodes: inner.nodes.saturating_add(1),
                    }
                }
                _ => Expansion::default(),
            };
            total = total.and(e);
        }
        total
    }

    fn expansion_cache(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<DeclRef, Expansion>> {
        // A poisoned cache only means another worker panicked: its figures
        // are still right.
        self.expansions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
