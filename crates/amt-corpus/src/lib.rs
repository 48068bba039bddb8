//! A deterministic generator of realistic projects, for benchmarks, scale
//! measurements and tests: `cargo run --release --example corpus -- N DIR`.
//!
//! The project has shared code lists and groups in `common/` that the
//! procedures import, and one procedure per file in `verfahren/`. Sizes are
//! drawn like real forms: 20 to 300 fields, most between 30 and 80, with a
//! tail of very large ones. Every procedure uses every field type, shared and
//! inline groups, repeats, conditions, rules and warnings, computed values,
//! a fee, attachments, and a workflow with a Nachforderung loop,
//! deadlines, and for every third a parallel hearing and a timer.
//!
//! The texts are synthetic and say so: no citation in the corpus is law.
//! The same `(n, seed)` gives the same files, byte for byte.

use std::fmt::Write;

mod land;
pub use land::bavaria;

/// One generated file: its path relative to the project root, and its text.
pub struct File {
    /// Relative path with `/` separators, e.g. `verfahren/000/v00042.amt`.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// splitmix64: small, fast and good enough to draw shapes from.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }
}

const LISTS: usize = 12;
const GROUP_FILES: usize = 4;

/// Words that labels and names are made of.
const WORDS: &[(&str, &str, &str)] = &[
    ("antrag", "Antrag", "application"),
    ("vorhaben", "Vorhaben", "project"),
    ("betrieb", "Betrieb", "business"),
    ("grundstueck", "Grundstück", "plot"),
    ("fahrzeug", "Fahrzeug", "vehicle"),
    ("wohnung", "Wohnung", "dwelling"),
    ("veranstaltung", "Veranstaltung", "event"),
    ("nachweis", "Nachweis", "proof"),
    ("einkommen", "Einkommen", "income"),
    ("kind", "Kind", "child"),
    ("tier", "Tier", "animal"),
    ("anlage", "Anlage", "installation"),
    ("gebaeude", "Gebäude", "building"),
    ("flaeche", "Fläche", "area"),
    ("zeitraum", "Zeitraum", "period"),
    ("vertretung", "Vertretung", "representation"),
];

const DETAILS: &[(&str, &str)] = &[
    ("Bezeichnung", "name"),
    ("Beschreibung", "description"),
    ("Anzahl", "number"),
    ("Datum", "date"),
    ("Art", "kind"),
    ("Umfang", "extent"),
    ("Zweck", "purpose"),
    ("Ort", "place"),
];

fn list_name(i: usize) -> String {
    format!("liste_{i:02}")
}

fn lists_file(rng: &mut Rng) -> String {
    let mut s = String::from(
        "// Code lists shared by the generated procedures (synthetic, for measurements).\n\n",
    );
    for i in 0..LISTS {
        // Most lists are short; two are long, like a list of activities.
        let len = if i < 2 {
            rng.range(40, 120)
        } else {
            rng.range(3, 9)
        };
        let (_, de, en) = WORDS[i % WORDS.len()];
        let _ = writeln!(
            s,
            "codelist {} \"Art: {de}\" @en \"Kind: {en}\" {{",
            list_name(i)
        );
        for k in 0..len {
            let _ = writeln!(
                s,
                "  c{k:03} \"{de}, Ausprägung {k}\" @en \"{en}, variant {k}\""
            );
        }
        s.push_str("}\n\n");
    }
    s
}

/// A shared group file: an address, a person, a contact and a bank account,
/// each a little different per file (as municipalities' variants are).
fn groups_file(g: usize) -> String {
    format!(
        r#"// Groups shared by the generated procedures (synthetic, for measurements).

group anschrift_{g} "Anschrift" @en "Address" {{
  field strasse: text(max 55) "Straße" @en "Street" {{
    required
    autocomplete address-line1
  }}
  field hausnummer: text(max 9) "Hausnummer" @en "House number" {{ required }}
  field plz: postcode "Postleitzahl" @en "Postcode" {{
    required
    autocomplete postal-code
  }}
  field ort: text(max 40) "Ort" @en "Town" {{
    required
    autocomplete address-level2
  }}
  field staat: country "Staat" @en "Country" {{ autocomplete country-name }}
}}

group person_{g} "Angaben zur Person" @en "Personal details" {{
  personal
  field familienname: text(max 120) "Familienname" @en "Surname" {{
    required
    autocomplete family-name
    prefill family_name editable
  }}
  field vornamen: text(max 120) "Vornamen" @en "Given names" {{
    required
    autocomplete given-name
    prefill given_name editable
  }}
  field geburtsdatum: date(min today - 130 years, max today) "Geburtsdatum" @en "Date of birth" {{
    required
    autocomplete bday
    prefill birth_date editable
  }}
  field im_ausland_geboren: boolean "Im Ausland geboren" @en "Born abroad"
  field geburtsstaat: country "Geburtsstaat" @en "State of birth" {{
    when im_ausland_geboren
    required
  }}
  field staatsangehoerigkeit: nationality[1..3] "Staatsangehörigkeit" @en "Nationality"
}}

group kontakt_{g} "Kontakt" @en "Contact" {{
  field telefon: phone "Telefon" @en "Phone" {{ autocomplete tel }}
  field email: email "E-Mail-Adresse" @en "Email address" {{ autocomplete email }}
  rule filled(telefon) or filled(email) "Bitte geben Sie Telefon oder E-Mail an." @en "Please give a phone number or an email address."
}}

group bank_{g} "Bankverbindung" @en "Bank account" {{
  field kontoinhaber: text(max 70) "Kontoinhaber" @en "Account holder" {{ required }}
  field iban: iban "IBAN" @en "IBAN" {{ required }}
}}
"#
    )
}

/// How many fields a procedure has: 20 to 300, most of them small.
fn size(rng: &mut Rng) -> usize {
    let u = rng.unit();
    20 + (280.0 * u * u * u) as usize
}

/// What the generator knows about fields already written in a scope, so that
/// conditions and rules refer to fields that exist and have the right type.
#[derive(Default)]
struct Scope {
    booleans: Vec<String>,
    choices: Vec<(String, usize)>,
    integers: Vec<String>,
    dates: Vec<String>,
    moneys: Vec<String>,
}

struct Gen<'a> {
    rng: &'a mut Rng,
    out: String,
    /// Groups declared beside the procedure (the items of repeats).
    decls: String,
    /// The shared code lists used, for the import list.
    used: std::collections::BTreeSet<usize>,
    fields: usize,
    serial: usize,
}

impl Gen<'_> {
    fn name(&mut self, prefix: &str) -> String {
        self.serial += 1;
        let (w, _, _) = WORDS[self.serial % WORDS.len()];
        format!("{prefix}{w}_{}", self.serial)
    }

    fn label(&mut self) -> (String, String) {
        let (_, de, en) = *self.rng.pick(WORDS);
        let (dd, de_detail) = *self.rng.pick(DETAILS);
        (
            format!("{dd} {de} {}", self.serial),
            format!("{de_detail} of the {en} {}", self.serial),
        )
    }

    /// A condition over earlier fields of the scope, if there are any.
    fn condition(&mut self, scope: &Scope) -> Option<String> {
        if !scope.booleans.is_empty() && self.rng.chance(60) {
            let b = self.rng.pick(&scope.booleans).clone();
            return Some(if self.rng.chance(20) {
                format!("not {b}")
            } else {
                b
            });
        }
        if !scope.choices.is_empty() {
            let (c, len) = self.rng.pick(&scope.choices).clone();
            let k = self.rng.range(0, len.min(3) - 1);
            return Some(if self.rng.chance(50) {
                format!("{c} = c{k:03}")
            } else {
                format!("{c} in [c000, c{:03}]", len.min(3) - 1)
            });
        }
        None
    }

    /// One field, written at `indent`, recorded in `scope`.
    fn field(&mut self, scope: &mut Scope, indent: &str, lists: &[(usize, usize)]) {
        let name = self.name("");
        let (de, en) = self.label();
        let kind = self.rng.range(0, 99);
        let mut body = Vec::new();
        let ty = match kind {
            0..=24 => format!("text(max {})", self.rng.pick(&[20, 40, 60, 120, 200])),
            25..=31 => format!("multiline(max {})", self.rng.pick(&[500, 1000, 2000])),
            32..=39 => {
                let max = self.rng.pick(&[10, 99, 1000, 100000]);
                format!("integer(min 0, max {max})")
            }
            40..=42 => "decimal(scale 2, min 0)".to_string(),
            43..=47 => "money(min 0 EUR)".to_string(),
            48..=59 => "boolean".to_string(),
            60..=65 => "date(max today + 5 years)".to_string(),
            66..=77 => {
                let (l, _) = *self.rng.pick(lists);
                self.used.insert(l);
                format!("choice({})", list_name(l))
            }
            78..=80 => {
                let (l, _) = *self.rng.pick(lists);
                self.used.insert(l);
                format!("multichoice({})", list_name(l))
            }
            81..=84 => "email".to_string(),
            85..=87 => "phone".to_string(),
            88..=89 => "time".to_string(),
            90..=92 => "postcode".to_string(),
            93..=95 => "country".to_string(),
            96..=97 => "text(max 20)[1..5]".to_string(),
            _ => "consent".to_string(),
        };
        let condition = if self.rng.chance(15) {
            self.condition(scope)
        } else {
            None
        };
        if let Some(c) = &condition {
            body.push(format!("when {c}"));
        }
        if ty != "boolean" && ty != "consent" && self.rng.chance(55) {
            body.push("required".into());
        }
        if self.rng.chance(30) {
            body.push(format!(
                "hint \"Angaben wie im Bescheid oder Vertrag, Nummer {}.\" @en \"As stated in the notice or contract, number {}.\"",
                self.serial, self.serial
            ));
        }
        if ty.starts_with("date") && self.rng.chance(30) {
            body.push(format!(
                "rule {name} >= today - 10 years \"Das Datum darf höchstens zehn Jahre zurückliegen.\" @en \"The date must be at most ten years ago.\""
            ));
        }
        if ty.starts_with("integer") && !scope.integers.is_empty() && self.rng.chance(25) {
            let other = self.rng.pick(&scope.integers).clone();
            body.push(format!(
                "warn {name} <= {other} + 10 \"Die Zahl ist ungewöhnlich hoch.\" @en \"The number is unusually high.\""
            ));
        }
        let _ = write!(self.out, "{indent}field {name}: {ty} \"{de}\" @en \"{en}\"");
        if body.is_empty() {
            self.out.push('\n');
        } else {
            self.out.push_str(" {\n");
            for b in body {
                let _ = writeln!(self.out, "{indent}  {b}");
            }
            let _ = writeln!(self.out, "{indent}}}");
        }
        self.fields += 1;
        if condition.is_none() {
            // Conditions refer only to fields that are always asked, so that
            // nothing hangs on a field that may itself be hidden.
            if ty == "boolean" {
                scope.booleans.push(name);
            } else if let Some(l) = ty.strip_prefix("choice(") {
                let l: usize = l
                    .trim_start_matches("liste_")
                    .trim_end_matches(')')
                    .parse()
                    .unwrap_or(0);
                let len = lists.iter().find(|(i, _)| *i == l).map_or(3, |(_, n)| *n);
                scope.choices.push((name, len));
            } else if ty.starts_with("integer") {
                scope.integers.push(name);
            } else if ty.starts_with("date") {
                scope.dates.push(name);
            } else if ty.starts_with("money") {
                scope.moneys.push(name);
            }
        }
    }

    /// An inline group, or a repeat of a group declared beside the procedure.
    fn group(&mut self, scope: &Scope, lists: &[(usize, usize)], repeat: bool) {
        let name = self.name("gruppe_");
        let (de, en) = self.label();
        let condition = self.rng.chance(30).then(|| self.condition(scope)).flatten();
        let mut inner = Scope::default();
        let fields = self.rng.range(2, 6);
        if repeat {
            // Declared at the top of the file, used here with a cardinality.
            let outer = std::mem::take(&mut self.out);
            let _ = writeln!(self.out, "group {name}_posten \"{de}\" @en \"{en}\" {{");
            for _ in 0..fields {
                self.field(&mut inner, "  ", lists);
            }
            self.out.push_str("}\n\n");
            let decl = std::mem::replace(&mut self.out, outer);
            self.decls.push_str(&decl);
            let max = self.rng.range(3, 20);
            let _ = write!(
                self.out,
                "    group {name}: {name}_posten[0..{max}] \"{de}\" @en \"{en}\""
            );
            match condition {
                Some(c) => {
                    let _ = writeln!(self.out, " {{\n      when {c}\n    }}");
                }
                None => self.out.push('\n'),
            }
            return;
        }
        let _ = writeln!(self.out, "    group {name} \"{de}\" @en \"{en}\" {{");
        if let Some(c) = condition {
            let _ = writeln!(self.out, "      when {c}");
        }
        for _ in 0..fields {
            self.field(&mut inner, "      ", lists);
        }
        self.out.push_str("    }\n");
    }
}

fn procedure(i: usize, seed: u64, fields: Option<usize>) -> String {
    let mut rng = Rng(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let drawn = size(&mut rng);
    let target = fields.unwrap_or(drawn).max(16);
    let g = i % GROUP_FILES;
    // Each procedure uses four of the shared lists, always one long one.
    let mut lists: Vec<(usize, usize)> = Vec::new();
    let sizes = list_sizes(seed);
    for l in [i % 2, 2 + i % 5, 7 + i % 3, 10 + i % 2] {
        lists.push((l, sizes[l]));
    }
    let id = format!("v{i:05}");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated procedure {i} (amt corpus): synthetic, for measurements; no citation here is law.\n"
    );
    let mut head = String::new();
    let _ = writeln!(
        head,
        r#"procedure {id} "Beispielverfahren {i}" @en "Sample procedure {i}" {{
  description "Ein erzeugtes Verfahren für Messungen, kein echtes Verfahren." @en "A generated procedure for measurements, not a real procedure."
  version 1.0.{}
  legal "Mustersatzung {i}, § 1 (erfunden)" <https://example.org/mustersatzung/{i}>
  authority fachamt "Fachamt" @en "Specialist office"
  identity substanziell via eid, eudi_wallet
  languages de, en
  privacy {{
    purpose "Bearbeitung des Antrags" @en "Processing of the application"
    basis "Art. 6 Abs. 1 lit. e DSGVO"
    retention "bis zum Abschluss des Verfahrens" @en "until the procedure is closed"
  }}
"#,
        i % 10
    );
    let mut w = Gen {
        rng: &mut rng,
        out: String::new(),
        decls: String::new(),
        used: Default::default(),
        fields: 0,
        serial: 0,
    };
    let pages = (target / 14).clamp(2, 16);
    let per_page = target.div_ceil(pages);
    let mut scope = Scope::default();
    let mut with_bank = false;
    for p in 0..pages {
        let page = format!("seite_{}", p + 1);
        let _ = writeln!(
            w.out,
            "  page {page} \"Schritt {} des Antrags\" @en \"Part {} of the application\" {{",
            p + 1,
            p + 1
        );
        if p == 0 {
            w.out.push_str(&format!(
                "    group antragsteller: person_{g} \"Antragstellerin oder Antragsteller\" @en \"Applicant\" {{ required }}\n    group anschrift: anschrift_{g} \"Anschrift\" @en \"Address\" {{\n      required\n      personal\n    }}\n    group kontakt: kontakt_{g} \"Kontakt\" @en \"Contact\"\n"
            ));
            w.fields += 15;
        } else if p == 1 && w.rng.chance(50) {
            with_bank = true;
            w.out.push_str(&format!(
                "    group konto: bank_{g} \"Konto für Erstattungen\" @en \"Account for refunds\"\n"
            ));
            w.fields += 2;
        }
        let start = w.fields;
        // Every page asks something.
        w.field(&mut scope, "    ", &lists);
        while w.fields - start < per_page && w.fields < target {
            match w.rng.range(0, 99) {
                0..=5 => w.group(&scope, &lists, false),
                6..=8 => w.group(&scope, &lists, true),
                9..=10 => {
                    let _ = writeln!(
                        w.out,
                        "    note \"Bitte halten Sie die Unterlagen bereit.\" @en \"Please have the documents ready.\""
                    );
                }
                _ => w.field(&mut scope, "    ", &lists),
            }
        }
        w.out.push_str("  }\n\n");
    }
    // A computed value and a fee over the amounts and numbers asked.
    let fee = match (scope.integers.first(), scope.booleans.first()) {
        (Some(n), Some(b)) => {
            let _ = writeln!(
                w.out,
                "  computed umfang \"Umfang\" @en \"Extent\" = if filled({n}) then {n} else 0\n"
            );
            format!(
                "if {b} then 25.00 EUR else 10.00 EUR + (if umfang > 5 then 5.00 EUR else 0.00 EUR)"
            )
        }
        (Some(n), None) => format!("if filled({n}) and {n} > 5 then 15.00 EUR else 10.00 EUR"),
        (None, Some(b)) => format!("if {b} then 25.00 EUR else 10.00 EUR"),
        (None, None) => "10.00 EUR".to_string(),
    };
    let _ = writeln!(
        w.out,
        "  fee gebuehr \"Gebühr\" @en \"Fee\" = {fee} {{\n    legal \"Mustersatzung {i}, § 2 (erfunden)\"\n  }}\n"
    );
    for a in 0..w.rng.range(0, 5) {
        let name = format!("anlage_{}", a + 1);
        let _ = writeln!(
            w.out,
            "  attachment {name} \"Anlage {}\" @en \"Annex {}\" {{",
            a + 1,
            a + 1
        );
        if a == 0 {
            w.out.push_str("    required\n");
        } else if let Some(c) = w.rng.chance(40).then(|| w.condition(&scope)).flatten() {
            let _ = writeln!(w.out, "    when {c}\n    required");
        }
        let _ = writeln!(
            w.out,
            "    types pdf{}\n    max {} MB\n    count 1..{}\n  }}\n",
            if w.rng.chance(50) { ", jpeg, png" } else { "" },
            w.rng.pick(&[2, 5, 10, 20]),
            w.rng.range(1, 10)
        );
    }
    let hearing = i % 3 == 0;
    let timer = hearing && !scope.booleans.is_empty();
    let cond = scope.booleans.first().cloned();
    workflow(&mut w.out, hearing, timer.then_some(cond).flatten());
    if !w.used.is_empty() {
        let imported: Vec<String> = w.used.iter().map(|l| list_name(*l)).collect();
        let _ = writeln!(out, "import common/listen.{{{}}}", imported.join(", "));
    }
    let bank = if with_bank {
        format!(", bank_{g}")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "import common/gruppen_{g}.{{anschrift_{g}, person_{g}, kontakt_{g}{bank}}}\n"
    );
    out.push_str(&w.decls);
    out.push_str(&head);
    out.push_str(&w.out);
    out.push_str("}\n");
    out
}

fn workflow(out: &mut String, hearing: bool, timer: Option<String>) {
    out.push_str(
        r#"  workflow {
    actor sachbearbeitung: authority "Sachbearbeitung" @en "Case worker"
    document eingangsbestaetigung "Eingangsbestätigung" @en "Acknowledgement of receipt"
    document nachforderung "Nachforderung mit Frist" @en "Request for documents with a deadline"
    document bescheid "Bescheid" @en "Notice" {
      tenor "Über den Antrag wird wie beantragt entschieden." @en "The application is decided as applied for." { when stattgegeben }
      tenor "Der Antrag wird abgelehnt." @en "The application is rejected." { when not stattgegeben }
      reasons "Die Voraussetzungen wurden geprüft." @en "The conditions were examined."
      remedy action
    }
"#,
    );
    if hearing {
        out.push_str("    actor stelle_a: external \"Fachstelle A\" @en \"Specialist body A\"\n    actor stelle_b: external \"Fachstelle B\" @en \"Specialist body B\"\n");
    }
    let after_check = if hearing { "anhoerung" } else { "entscheidung" };
    let _ = write!(
        out,
        r#"    start eingang "Antrag eingegangen" @en "Application received" {{
      goto pruefung issue eingangsbestaetigung
    }}
    step pruefung "Vollständigkeit prüfen" @en "Check completeness" {{
      by sachbearbeitung
      decide vollstaendig: boolean "Ist der Antrag vollständig?" @en "Is the application complete?"
      goto {after_check} when vollstaendig
      goto nachreichen when not vollstaendig issue nachforderung
      goto {after_check} after 3 weeks
    }}
    step nachreichen "Unterlagen nachreichen" @en "Hand in documents" {{
      by applicant
      goto pruefung
      goto zurueckgenommen after 1 month
    }}
"#
    );
    if hearing {
        out.push_str(
            r#"    parallel anhoerung "Anhörung der Fachstellen" @en "Hearing of the specialist bodies" {
      step stellungnahme_a "Stellungnahme A" @en "Statement A" {
        by stelle_a
        decide zustimmung_a: boolean "Stimmt Fachstelle A zu?" @en "Does body A agree?"
        goto anhoerung after 1 month
      }
      step stellungnahme_b "Stellungnahme B" @en "Statement B" {
        by stelle_b
        decide zustimmung_b: boolean "Stimmt Fachstelle B zu?" @en "Does body B agree?"
        goto anhoerung after 1 month
      }
      goto entscheidung
    }
"#,
        );
    }
    out.push_str(
        r#"    step entscheidung "Entscheiden" @en "Decide" {
      by sachbearbeitung
      decide stattgegeben: boolean "Wird dem Antrag stattgegeben?" @en "Is the application granted?"
      goto erteilt when stattgegeben issue bescheid
      goto abgelehnt when not stattgegeben issue bescheid
    }
    end erteilt "Antrag bewilligt" @en "Application granted" outcome granted
    end abgelehnt "Antrag abgelehnt" @en "Application rejected" outcome rejected
    end zurueckgenommen "Antrag gilt als zurückgenommen" @en "Application deemed withdrawn" outcome withdrawn
"#,
    );
    if let Some(c) = timer {
        let _ = write!(
            out,
            r#"    end fiktiv_erteilt "Genehmigung gilt als erteilt" @en "Deemed granted" outcome granted
    timer fiktion "Fiktion (erfunden)" @en "Deemed approval (invented)" {{
      when {c}
      goto fiktiv_erteilt after 3 months from anhoerung issue bescheid
    }}
"#
        );
    }
    out.push_str("  }\n");
}

fn list_sizes(seed: u64) -> Vec<usize> {
    let mut rng = Rng(seed);
    let text = lists_file(&mut rng);
    // Count each list's entries from the text just generated, so that the
    // procedures and the shared file can never disagree.
    text.split("codelist ")
        .skip(1)
        .map(|l| l.lines().filter(|x| x.starts_with("  c")).count())
        .collect()
}

/// Generates a project of `n` procedures. Deterministic in `(n, seed)`; the
/// `i`-th procedure does not depend on `n`.
pub fn generate(n: usize, seed: u64) -> Vec<File> {
    generate_sized(n, seed, None)
}

/// Like [`generate`], with about `fields` fields in every procedure instead
/// of sizes drawn like real forms' (at least 16: the applicant's groups).
pub fn generate_sized(n: usize, seed: u64, fields: Option<usize>) -> Vec<File> {
    let mut files = Vec::with_capacity(n + GROUP_FILES + 1);
    files.push(File {
        path: "common/listen.amt".into(),
        text: lists_file(&mut Rng(seed)),
    });
    for g in 0..GROUP_FILES {
        files.push(File {
            path: format!("common/gruppen_{g}.amt"),
            text: groups_file(g),
        });
    }
    for i in 0..n {
        files.push(File {
            path: format!("verfahren/{:03}/v{i:05}.amt", i / 100),
            text: procedure(i, seed, fields),
        });
    }
    files
}

/// Words a mutation puts in place of a token: keywords, values at the edges
/// of what amt reads, patterns that backtrack, dates that do not exist.
const MUTANTS: &[&str] = &[
    "field",
    "group",
    "page",
    "required",
    "when",
    "rule",
    "warn",
    "goto",
    "step",
    "end",
    "timer",
    "parallel",
    "import",
    "procedure",
    "codelist",
    "type",
    "computed",
    "fee",
    "example",
    "expect",
    "decide",
    "by",
    "issue",
    "after",
    "outcome",
    "version",
    "languages",
    "0",
    "-1",
    "99999999999999999999",
    "1.5",
    "12.80 EUR",
    "\"\"",
    "\"x\"",
    "2023-02-29",
    "0000-01-01",
    "today",
    "yes",
    "no",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    ",",
    ".",
    "..",
    "=",
    "\"(a+)+b\"",
    "\"[\"",
    "count(x)",
    "age(x)",
    "sum(x)",
    "any(x, yes)",
    "if x then 1 else 2",
    "not",
    "and",
    "or",
    "in",
    "@en",
    "@fr \"t\"",
    "text(max 0)",
    "integer(min 5, max 1)",
    "[1..0]",
    "[0..]",
    "choice(x)",
    "country",
    "steuer_id",
    "// c",
    "/* c */",
    "\"\\u{0}\"",
];

/// A project for fuzzing, drawn from `data`: its first bytes choose a
/// generated project (one to three procedures of the corpus, with their
/// shared files: imports, groups, repeats, conditions, rules, fees,
/// examples and workflows, all valid), and every further four bytes apply
/// one mutation to one of its lines (drop it, repeat it, swap it with the
/// next, or put a word of [`MUTANTS`] in place of one of its words). A
/// fuzzer then explores valid projects and the mistakes one edit away from
/// them, which reach the checker and the emitters, not only the parser.
pub fn from_bytes(data: &[u8]) -> Vec<File> {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let seed = u64::from_le_bytes(std::array::from_fn(byte));
    let n = 1 + usize::from(byte(8) % 3);
    let fields = 16 + usize::from(byte(9) % 40);
    let mut files = generate_sized(n, seed, Some(fields));
    for chunk in data.get(10..).unwrap_or_default().chunks(4) {
        let [which, line, op, word] = std::array::from_fn(|i| chunk.get(i).copied().unwrap_or(0));
        let count = files.len();
        let file = &mut files[usize::from(which) % count];
        let mut lines: Vec<String> = file.text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            continue;
        }
        let at = usize::from(line) * lines.len() / 256;
        match op % 4 {
            0 => {
                lines.remove(at);
            }
            1 => {
                let copy = lines[at].clone();
                lines.insert(at, copy);
            }
            2 if at + 1 < lines.len() => lines.swap(at, at + 1),
            _ => {
                let words: Vec<&str> = lines[at].split(' ').collect();
                let target = usize::from(word) % words.len().max(1);
                let mutant = MUTANTS[usize::from(op / 4) % MUTANTS.len()];
                let replaced: Vec<&str> = words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| if i == target { mutant } else { *w })
                    .collect();
                lines[at] = replaced.join(" ");
            }
        }
        file.text = lines.join("\n") + "\n";
    }
    files
}
