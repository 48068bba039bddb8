//! Patterns that take exponential time in a backtracking engine. amt's
//! validator is linear (Rust's `regex`), but the same pattern runs in the
//! browser's `pattern` attribute, in the form's script and in the
//! validators portals use (ajv, Java, .NET, Python), which backtrack: there
//! `(a+)+b` on a line of thirty `a`s without the `b` takes minutes, and a
//! browser tab hangs.
//!
//! Two shapes cause it, both under a repetition that can run long (`*`, `+`,
//! `{n,}`, or a maximum of 10 or more), because the engine then tries every
//! way of dividing the text among the repetition's turns:
//! - **nested quantifiers**: a part of variable length inside the repetition
//!   (`(a+)+`, `(\w+\s?)*`, `([0-9]{1,4})*`), unless every turn must also
//!   match a character the inner part cannot (`(-[A-Z]+)*`: each turn begins
//!   with `-`, so there is one way only);
//! - **overlapping alternatives**: alternatives that can begin with the same
//!   character (`(a|ab)*`, `(\w|[0-9])+`).
//!
//! The analysis is on the pattern's syntax (regex-syntax's AST, for the
//! places) and on each repetition's translation (its HIR, for the
//! characters).

use regex_syntax::ast::{self as rx, Ast};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};

/// A repetition whose maximum is at least this is treated as unbounded.
const LONG: u32 = 10;

/// What makes a repetition slow, and where it is in the pattern.
#[derive(Debug, PartialEq, Eq)]
pub struct Slow {
    /// The repetition, in the pattern's own offsets.
    pub span: rx::Span,
    /// Which shape.
    pub shape: Shape,
}

/// The two shapes of catastrophic backtracking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A part of variable length inside a long repetition.
    NestedQuantifiers,
    /// Alternatives that can begin alike inside a long repetition.
    OverlappingAlternatives,
}

/// The first repetition of `ast` that can take exponential time, if any.
pub fn find(pattern: &str, ast: &Ast) -> Option<Slow> {
    let mut stack = vec![ast];
    while let Some(node) = stack.pop() {
        match node {
            Ast::Repetition(rep) => {
                if is_long(&rep.op.kind)
                    && let Some(shape) = shape(pattern, &rep.ast)
                {
                    return Some(Slow {
                        span: rep.span,
                        shape,
                    });
                }
                stack.push(&rep.ast);
            }
            Ast::Group(g) => stack.push(&g.ast),
            Ast::Alternation(a) => stack.extend(a.asts.iter().rev()),
            Ast::Concat(c) => stack.extend(c.asts.iter().rev()),
            _ => {}
        }
    }
    None
}

fn is_long(kind: &rx::RepetitionKind) -> bool {
    use rx::{RepetitionKind::*, RepetitionRange::*};
    match kind {
        ZeroOrMore | OneOrMore => true,
        ZeroOrOne => false,
        Range(Exactly(_)) => false,
        Range(AtLeast(_)) => true,
        Range(Bounded(_, max)) => *max >= LONG,
    }
}

/// Which slow shape the body of a long repetition has.
fn shape(pattern: &str, body: &Ast) -> Option<Shape> {
    if nested(&hir(pattern, body)?) {
        Some(Shape::NestedQuantifiers)
    } else if overlapping(pattern, body) {
        Some(Shape::OverlappingAlternatives)
    } else {
        None
    }
}

/// The translation of a piece of the pattern, for its characters.
fn hir(pattern: &str, ast: &Ast) -> Option<Hir> {
    regex_syntax::hir::translate::Translator::new()
        .translate(pattern, ast)
        .ok()
}

/// A part of variable length inside the body, with no character every turn
/// must match that the part cannot.
fn nested(body: &Hir) -> bool {
    let mut inner = empty();
    if !variable_parts(body, &mut inner) {
        return false;
    }
    let separated = parts(body).iter().any(|p| {
        p.properties().minimum_len().is_some_and(|n| n > 0) && !has_variable_part(p) && {
            let mut c = chars(p);
            c.intersect(&inner);
            c.ranges().is_empty()
        }
    });
    !separated
}

/// The top-level pieces of a body: the items of a concatenation (through
/// groups), or the body itself.
fn parts(h: &Hir) -> Vec<&Hir> {
    match h.kind() {
        HirKind::Capture(c) => parts(&c.sub),
        HirKind::Concat(items) => items.iter().flat_map(parts).collect(),
        _ => vec![h],
    }
}

/// Whether `h` holds a repetition of variable length that consumes
/// characters; their characters are added to `out`.
fn variable_parts(h: &Hir, out: &mut ClassUnicode) -> bool {
    match h.kind() {
        HirKind::Repetition(r) => {
            let variable = r.max != Some(r.min) && r.sub.properties().maximum_len() != Some(0);
            if variable {
                out.union(&chars(&r.sub));
            }
            variable_parts(&r.sub, out) || variable
        }
        HirKind::Capture(c) => variable_parts(&c.sub, out),
        HirKind::Concat(items) | HirKind::Alternation(items) => {
            let mut any = false;
            for i in items {
                any |= variable_parts(i, out);
            }
            any
        }
        _ => false,
    }
}

fn has_variable_part(h: &Hir) -> bool {
    variable_parts(h, &mut empty())
}

/// Alternatives (at the body's top) that can begin with the same
/// character, or one that can match nothing. Read from the syntax, one
/// alternative at a time: the translation merges `a|a` into `a`, but a
/// backtracking engine tries both.
fn overlapping(pattern: &str, body: &Ast) -> bool {
    let alternatives = match body {
        Ast::Group(g) => return overlapping(pattern, &g.ast),
        Ast::Alternation(a) => &a.asts,
        _ => return false,
    };
    let mut seen = empty();
    for alt in alternatives {
        let Some(alt) = hir(pattern, alt) else {
            return false;
        };
        let (first, nullable) = first(&alt);
        if nullable {
            return true;
        }
        let mut common = first.clone();
        common.intersect(&seen);
        if !common.ranges().is_empty() {
            return true;
        }
        seen.union(&first);
    }
    false
}

fn empty() -> ClassUnicode {
    ClassUnicode::empty()
}

/// Every character `h` can consume.
fn chars(h: &Hir) -> ClassUnicode {
    match h.kind() {
        HirKind::Literal(lit) => {
            let mut c = empty();
            for ch in String::from_utf8_lossy(&lit.0).chars() {
                c.push(ClassUnicodeRange::new(ch, ch));
            }
            c
        }
        HirKind::Class(class) => unicode(class),
        HirKind::Repetition(r) => chars(&r.sub),
        HirKind::Capture(c) => chars(&c.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => {
            let mut c = empty();
            for i in items {
                c.union(&chars(i));
            }
            c
        }
        HirKind::Empty | HirKind::Look(_) => empty(),
    }
}

/// The characters `h` can begin with, and whether it can match nothing.
fn first(h: &Hir) -> (ClassUnicode, bool) {
    match h.kind() {
        HirKind::Literal(lit) => {
            let mut c = empty();
            if let Some(ch) = String::from_utf8_lossy(&lit.0).chars().next() {
                c.push(ClassUnicodeRange::new(ch, ch));
            }
            (c, lit.0.is_empty())
        }
        HirKind::Class(class) => (unicode(class), false),
        HirKind::Repetition(r) => {
            let (c, nullable) = first(&r.sub);
            (c, nullable || r.min == 0)
        }
        HirKind::Capture(c) => first(&c.sub),
        HirKind::Concat(items) => {
            let mut c = empty();
            for i in items {
                let (f, nullable) = first(i);
                c.union(&f);
                if !nullable {
                    return (c, false);
                }
            }
            (c, true)
        }
        HirKind::Alternation(items) => {
            let mut c = empty();
            let mut any_nullable = false;
            for i in items {
                let (f, nullable) = first(i);
                c.union(&f);
                any_nullable |= nullable;
            }
            (c, any_nullable)
        }
        HirKind::Empty | HirKind::Look(_) => (empty(), true),
    }
}

fn unicode(class: &Class) -> ClassUnicode {
    match class {
        Class::Unicode(u) => u.clone(),
        Class::Bytes(b) => {
            let mut c = empty();
            for r in b.ranges() {
                c.push(ClassUnicodeRange::new(
                    char::from(r.start()),
                    char::from(r.end()),
                ));
            }
            c
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(pattern: &str) -> Option<Shape> {
        let ast = rx::parse::Parser::new().parse(pattern).unwrap();
        find(pattern, &ast).map(|s| s.shape)
    }

    #[test]
    fn nested_quantifiers_are_found() {
        for p in [
            "(a+)+b",
            "(a*)*",
            "([a-z]+)*x",
            "(\\w+\\s?)*",
            "([0-9]{1,4})*",
            "(x?){10,}",
            "(a+){2,20}",
            "[A-Z]([a-z]+ ?)+",
        ] {
            assert_eq!(slow(p), Some(Shape::NestedQuantifiers), "{p}");
        }
    }

    #[test]
    fn overlapping_alternatives_are_found() {
        for p in ["(a|a)*", "(a|ab)*c", "(\\w|[0-9])+", "(ab|a)+"] {
            assert_eq!(slow(p), Some(Shape::OverlappingAlternatives), "{p}");
        }
    }

    #[test]
    fn patterns_with_one_way_to_match_pass() {
        for p in [
            "[0-9]{5}",
            "[A-HJ-NPR-Z0-9]{17}",
            "(-[A-Z]+)*",
            "([A-Z]{2}[0-9]{2})+",
            "(ab|cd)*",
            "([A-Z]|[0-9])+",
            "(E|H)?",
            "(a+){2,3}",
            "[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [0-9]{1,4}(E|H)?",
            amt_model::formats::EMAIL,
            amt_model::formats::PHONE,
            amt_model::formats::IBAN,
            amt_model::formats::DATETIME,
        ] {
            assert_eq!(slow(p), None, "{p}");
        }
    }
}
