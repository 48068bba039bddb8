//! Municipalities: what varies from one to the next, checked by the
//! compiler and read when a procedure is built for one of them.
//!
//! A municipality (or a Land, a Regierungsbezirk, a Landkreis, …) is keyed
//! by its 12-digit Amtlicher Regionalschlüssel (ARS): Land (2 digits) ·
//! Regierungsbezirk (1) · Kreis (2) · Gemeindeverband (4) · Gemeinde (3).
//! Its parent follows from the key ([`parent_candidates`]), and what a
//! parent sets applies below it unless a municipality sets it again:
//! [`Registry::resolve`] walks up the chain and says, for each value, where
//! it came from.

use crate::{Expr, ExprKind, I18n, Identity, LegalRef, Literal, Procedure, Ty};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::words! {
    /// The kinds of municipalities and of the bodies above them.
    pub enum MunicipalKind {
        /// A Land (`09` Bayern): `LL0000000000`.
        Land = "land",
        /// A Regierungsbezirk (`091` Oberbayern): `LLR000000000`.
        Regierungsbezirk = "regierungsbezirk",
        /// A Landkreis: `LLRKK0000000`.
        Landkreis = "landkreis",
        /// A kreisfreie Stadt: `LLRKK0000000`, a municipality of its own.
        KreisfreieStadt = "kreisfreie_stadt",
        /// A Verwaltungsgemeinschaft (a Gemeindeverband): `LLRKKVVVV000`.
        Verwaltungsgemeinschaft = "verwaltungsgemeinschaft",
        /// A Gemeinde (also a Markt, a Stadt, a Große Kreisstadt).
        Gemeinde = "gemeinde",
    }
}

impl MunicipalKind {
    /// Whether citizens apply here: a build is made for each procedure it
    /// offers.
    pub fn serves_citizens(self) -> bool {
        matches!(
            self,
            MunicipalKind::Gemeinde | MunicipalKind::KreisfreieStadt
        )
    }

    /// Whether a key has the shape of this kind: the parts below its level
    /// are zeros, its own part is not.
    pub fn fits(self, ars: &str) -> bool {
        let b = ars.as_bytes();
        if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let zero = |r: std::ops::Range<usize>| b[r].iter().all(|&d| d == b'0');
        match self {
            MunicipalKind::Land => zero(2..12) && !zero(0..2),
            MunicipalKind::Regierungsbezirk => zero(3..12) && !zero(2..3),
            MunicipalKind::Landkreis | MunicipalKind::KreisfreieStadt => zero(5..12) && !zero(3..5),
            MunicipalKind::Verwaltungsgemeinschaft => zero(9..12) && !zero(5..9) && !zero(3..5),
            MunicipalKind::Gemeinde => !zero(9..12) && !zero(3..5),
        }
    }
}

/// The keys a municipality's parent may have, nearest first: the
/// Gemeindeverband (for a member of one), the Kreis, the Regierungsbezirk,
/// the Land. A level whose part of the key is zero is left out (a Land
/// without Regierungsbezirke).
pub fn parent_candidates(ars: &str) -> Vec<String> {
    let b = ars.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return Vec::new();
    }
    let zero = |r: std::ops::Range<usize>| b[r].iter().all(|&d| d == b'0');
    // The key's own level: the digits before the zeros that end it.
    let level = [2, 3, 5, 9, 12]
        .into_iter()
        .find(|&n| zero(n..12))
        .unwrap_or(12);
    let mut out = Vec::new();
    for (n, part) in [(9, 5..9), (5, 3..5), (3, 2..3), (2, 0..2)] {
        // A Gemeinde belongs to a Verband only when digit 6 says so (`5`);
        // otherwise digits 6–9 repeat its own number.
        let verband = n != 9 || b[5] == b'5';
        if n < level && verband && !zero(part) {
            out.push(format!("{}{}", &ars[..n], "0".repeat(12 - n)));
        }
    }
    out
}

/// A municipality as declared, with what it sets itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Municipality {
    /// Its Amtlicher Regionalschlüssel.
    pub ars: String,
    /// Its name.
    pub name: I18n,
    /// What it is.
    pub kind: MunicipalKind,
    /// The key of its parent, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The source file that declares it.
    pub source: String,
    /// The authorities it declares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorities: Vec<AuthorityInfo>,
    /// The procedures it offers, each with the responsible authority.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<Offer>,
    /// Parameter values it sets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ParameterValue>,
    /// Its look, if it sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    /// Its payment provider, if it sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
    /// The identification it asks for, if more than the procedures'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The extension points where it adds questions of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// Questions a municipality adds at a procedure's extension point (their
/// checked form is in [`Registry::extended`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Extension {
    /// The procedure.
    pub procedure: String,
    /// Its extension point.
    pub point: String,
}

/// An authority, with the fields the FIT-Connect routing data carries.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AuthorityInfo {
    /// Its name in the source.
    pub id: String,
    /// Its full name.
    pub name: I18n,
    /// Its short name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// Its postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Contacts by kind: `phone`, `fax`, `email`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub contacts: BTreeMap<String, String>,
    /// Links by kind: `website`, `imprint`, `privacy`, `accessibility`,
    /// `contact_form`, `logo`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub links: BTreeMap<String, String>,
    /// Opening hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<I18n>,
    /// Its FIT-Connect destination id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// The administrative court for actions against its decisions, with
    /// its address, as the Rechtsbehelfsbelehrung names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court: Option<I18n>,
    /// The reply channels it offers (`email`, `postal`, `fitconnect`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reply: Vec<String>,
}

/// A procedure a municipality offers, and who is responsible.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Offer {
    /// The procedure's id.
    pub procedure: String,
    /// The authority's id, declared by this municipality or a parent.
    pub authority: String,
    /// The key of the municipality that declares the authority.
    pub authority_of: String,
}

/// A value of a parameter, from a date, until a date.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ParameterValue {
    /// The procedure.
    pub procedure: String,
    /// Its parameter.
    pub parameter: String,
    /// The value.
    pub value: Literal,
    /// First day it applies (`YYYY-MM-DD`); none: since ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day it applies; none: until further notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The statute that sets it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalRef>,
}

/// Colour tokens and a logo.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Theme {
    /// Colours by token (`primary`, `text`, `background`, …), `#rrggbb`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub colors: BTreeMap<String, String>,
    /// The logo's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

/// A payment provider and the accounts it books to. Secrets are references
/// (`env:NAME`, `vault:path`), never values.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Payment {
    /// The provider, e.g. `epaybl`.
    pub provider: String,
    /// Ids at the provider and booking data: `originator`, `endpoint`, …
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub accounts: BTreeMap<String, String>,
    /// Where each secret is to be found at run time.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, String>,
}

/// Every municipality of a project, by key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Registry {
    /// Municipalities by key, in key order.
    pub municipalities: BTreeMap<String, Municipality>,
    /// Each procedure with local additions, checked, by
    /// [`Resolved::additions_key`]; one that did not check is missing.
    #[serde(skip)]
    pub extended: BTreeMap<String, Procedure>,
}

/// Where a resolved value comes from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Origin {
    /// The key of the municipality that sets it; none: the procedure's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ars: Option<String>,
    /// Its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MunicipalKind>,
}

/// What applies to one procedure in one municipality.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved<'r> {
    /// The municipality.
    pub municipality: &'r Municipality,
    /// The responsible authority and the municipality that declares it.
    pub authority: (&'r AuthorityInfo, &'r Municipality),
    /// The values each parameter takes over time, and where they come
    /// from; parameters not set anywhere are left out (their default applies).
    pub values: BTreeMap<String, (Vec<&'r ParameterValue>, &'r Municipality)>,
    /// The theme and where it comes from.
    pub theme: Option<(&'r Theme, &'r Municipality)>,
    /// The payment provider and where it comes from.
    pub payment: Option<(&'r Payment, &'r Municipality)>,
    /// The identification asked for and where it comes from.
    pub identity: Option<(&'r Identity, &'r Municipality)>,
    /// Each extension point with local additions, and the municipality
    /// whose additions apply (the nearest that makes some).
    pub additions: BTreeMap<String, &'r Municipality>,
}

impl Resolved<'_> {
    /// What names the procedure with the additions that apply here in
    /// [`Registry::extended`]; `None` without additions.
    pub fn additions_key(&self, procedure: &str) -> Option<String> {
        if self.additions.is_empty() {
            return None;
        }
        let mut key = procedure.to_string();
        for (point, m) in &self.additions {
            key.push_str(&format!(" {point}={}", m.ars));
        }
        Some(key)
    }
}

impl Registry {
    /// The municipality and its parents, nearest first.
    pub fn chain(&self, ars: &str) -> Vec<&Municipality> {
        let mut out = Vec::with_capacity(5);
        let mut at = self.municipalities.get(ars);
        while let Some(m) = at {
            if out.len() > 6 {
                break; // keys have five levels; a loop cannot be
            }
            out.push(m);
            at = m.parent.as_ref().and_then(|p| self.municipalities.get(p));
        }
        out
    }

    /// Every municipality where citizens apply, with the procedures it
    /// offers (its own offers before its parents'), in key order.
    pub fn served(&self) -> impl Iterator<Item = (&Municipality, Vec<&Offer>)> {
        self.municipalities
            .values()
            .filter(|m| m.kind.serves_citizens())
            .map(|m| (m, self.offers(&m.ars)))
    }

    /// The procedures a municipality offers: what it says, and what its
    /// parents say of procedures it does not name, by procedure id.
    pub fn offers(&self, ars: &str) -> Vec<&Offer> {
        // A few offers along a few levels: a list beats a map (this runs
        // for every municipality on every rebuild).
        let mut out: Vec<&Offer> = Vec::new();
        for m in self.chain(ars) {
            for o in &m.offers {
                if !out.iter().any(|x| x.procedure == o.procedure) {
                    out.push(o);
                }
            }
        }
        out.sort_unstable_by(|a, b| a.procedure.cmp(&b.procedure));
        out
    }

    /// What applies to `procedure` in the municipality `ars`, or `None`
    /// when it does not offer it.
    pub fn resolve(&self, ars: &str, procedure: &str) -> Option<Resolved<'_>> {
        let chain = self.chain(ars);
        let municipality = *chain.first()?;
        // The nearest municipality that offers it says by whom (as `offers`).
        let offer = chain
            .iter()
            .find_map(|m| m.offers.iter().find(|o| o.procedure == procedure))?;
        let owner = self.municipalities.get(&offer.authority_of)?;
        let authority = owner.authorities.iter().find(|a| a.id == offer.authority)?;
        let mut values: BTreeMap<String, (Vec<&ParameterValue>, &Municipality)> = BTreeMap::new();
        for m in &chain {
            let mut own: BTreeMap<&str, Vec<&ParameterValue>> = BTreeMap::new();
            for v in m.values.iter().filter(|v| v.procedure == procedure) {
                own.entry(v.parameter.as_str()).or_default().push(v);
            }
            for (name, mut list) in own {
                if !values.contains_key(name) {
                    list.sort_by(|a, b| a.from.cmp(&b.from));
                    values.insert(name.to_string(), (list, *m));
                }
            }
        }
        let mut additions = BTreeMap::new();
        for m in &chain {
            for e in m.extensions.iter().filter(|e| e.procedure == procedure) {
                additions.entry(e.point.clone()).or_insert(*m);
            }
        }
        let first = |f: &dyn Fn(&Municipality) -> bool| chain.iter().copied().find(|m| f(m));
        Some(Resolved {
            municipality,
            authority: (authority, owner),
            values,
            theme: first(&|m| m.theme.is_some()).and_then(|m| Some((m.theme.as_ref()?, m))),
            payment: first(&|m| m.payment.is_some()).and_then(|m| Some((m.payment.as_ref()?, m))),
            identity: first(&|m| m.identity.is_some())
                .and_then(|m| Some((m.identity.as_ref()?, m))),
            additions,
        })
    }
}

/// The value in force on the submission date, as an expression over
/// `today`: `if today >= 2025-01-01 then 100 EUR else 80 EUR`. Periods are
/// sorted by their start; the first value also applies before its start
/// (nothing earlier is known), the last one until further notice.
pub fn in_force(periods: &[&ParameterValue], ty: &Ty) -> Expr {
    let literal = |v: &ParameterValue| Expr {
        ty: ty.clone(),
        kind: ExprKind::Literal {
            value: v.value.clone(),
        },
    };
    let Some((first, rest)) = periods.split_first() else {
        return Expr {
            ty: Ty::Unknown,
            kind: ExprKind::Literal {
                value: Literal::Boolean(false),
            },
        };
    };
    let mut expr = literal(first);
    for v in rest {
        let Some(from) = &v.from else {
            expr = literal(v);
            continue;
        };
        expr = Expr {
            ty: ty.clone(),
            kind: ExprKind::If {
                condition: Box::new(Expr {
                    ty: Ty::Boolean,
                    kind: ExprKind::Binary {
                        operator: crate::BinaryOp::Ge,
                        left: Box::new(Expr {
                            ty: Ty::Date,
                            kind: ExprKind::Today,
                        }),
                        right: Box::new(Expr {
                            ty: Ty::Date,
                            kind: ExprKind::Literal {
                                value: Literal::Date(from.clone()),
                            },
                        }),
                    },
                }),
                then: Box::new(literal(v)),
                otherwise: Box::new(expr),
            },
        };
    }
    expr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_fit_their_keys() {
        assert!(MunicipalKind::Land.fits("090000000000"));
        assert!(!MunicipalKind::Land.fits("091000000000"));
        assert!(MunicipalKind::Regierungsbezirk.fits("091000000000"));
        assert!(MunicipalKind::Landkreis.fits("091880000000"));
        assert!(MunicipalKind::KreisfreieStadt.fits("091620000000"));
        assert!(MunicipalKind::Gemeinde.fits("091880139139"));
        assert!(!MunicipalKind::Gemeinde.fits("091880000000"));
        assert!(MunicipalKind::Verwaltungsgemeinschaft.fits("094715123000"));
        assert!(!MunicipalKind::Gemeinde.fits("09188013913"));
        assert!(!MunicipalKind::Gemeinde.fits("09188013913x"));
    }

    #[test]
    fn parents_follow_the_key() {
        assert_eq!(
            parent_candidates("091880139139"),
            ["091880000000", "091000000000", "090000000000"]
        );
        assert_eq!(
            parent_candidates("094715123151"),
            [
                "094715123000",
                "094710000000",
                "094000000000",
                "090000000000"
            ]
        );
        assert_eq!(
            parent_candidates("091620000000"),
            ["091000000000", "090000000000"]
        );
        assert_eq!(parent_candidates("091000000000"), ["090000000000"]);
        assert!(parent_candidates("090000000000").is_empty());
        // A Land without Regierungsbezirke: the Kreis's parent is the Land.
        assert_eq!(parent_candidates("010510000000"), ["010000000000"]);
    }

    #[test]
    fn the_value_in_force_is_chosen_by_date() {
        let v = |value: i64, from: Option<&str>| ParameterValue {
            procedure: "p".into(),
            parameter: "satz".into(),
            value: Literal::Money(value),
            from: from.map(str::to_string),
            until: None,
            legal: Vec::new(),
        };
        let (a, b) = (v(8000, None), v(10000, Some("2025-01-01")));
        let e = in_force(&[&a, &b], &Ty::Money);
        assert_eq!(
            e.to_string(),
            "if today >= 2025-01-01 then 100.00 EUR else 80.00 EUR"
        );
    }
}
