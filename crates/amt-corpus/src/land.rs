//! A Land shaped like Bavaria, for the municipalities' scale measurements:
//! 7 Regierungsbezirke, 71 Landkreise, 25 kreisfreie Städte and 2,031
//! kreisangehörige Gemeinden (a third of them in Verwaltungsgemeinschaften
//! of three), with overlays at every level: each Landratsamt and each
//! Rathaus with its contacts, links and FIT-Connect destination; each
//! Gemeinde's Hundesteuer rates (every seventh with a change of rates over
//! time); every fifth Landkreis with a theme; every fortieth Gemeinde its
//! own untere Bauaufsichtsbehörde.
//!
//! It is built around what a project already declares (`taken`: keys of
//! municipalities already declared, such as `forms/kommunen/`): those keys,
//! and the Kreise they belong to, are left out and counted in. The
//! procedures are the project's: `wohnsitzanmeldung`, `gewerbeanmeldung`,
//! `kfz_zulassung`, `bauantrag_bayern` and `hundesteuer` (with its
//! parameters `satz` and `satz_kampfhund`).
//!
//! Names, addresses and rates are synthetic and say so ("Gemeinde 09 1 71
//! 123"); the keys follow the shape of the Amtlicher Regionalschlüssel but
//! are not Bavaria's.

use super::File;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Landkreise and kreisfreie Städte per Regierungsbezirk, as in Bavaria
/// (Oberbayern, Niederbayern, Oberpfalz, Oberfranken, Mittelfranken,
/// Unterfranken, Schwaben).
const KREISE: [(usize, usize); 7] = [(20, 3), (9, 3), (7, 3), (9, 4), (7, 5), (9, 3), (10, 4)];

/// How many kreisangehörige Gemeinden in all.
const GEMEINDEN: usize = 2031;

/// The files of the Land, around the municipalities `taken` declares.
pub fn bavaria(taken: &BTreeSet<String>) -> Vec<File> {
    let kreis_taken = |k: &str| taken.iter().any(|t| t.starts_with(k));
    let mut files = Vec::new();
    let mut land = String::new();
    if !taken.contains("090000000000") {
        land.push_str("municipality \"090000000000\" \"Land (synthetisch)\" {\n  kind land\n}\n\n");
    }
    // The Gemeinden the project already has count towards the total.
    let mut gemeinden_left = GEMEINDEN.saturating_sub(
        taken
            .iter()
            .filter(|k| k.len() == 12 && &k[9..] != "000")
            .count(),
    );
    // The Landkreise still to make: the project's have Gemeinden below.
    let project_lk = taken
        .iter()
        .filter(|k| {
            k.len() == 12
                && &k[5..] == "0000000"
                && &k[3..5] != "00"
                && taken
                    .iter()
                    .any(|g| g.starts_with(&k[..5]) && &g[5..] != "0000000")
        })
        .count();
    let landkreise: usize = KREISE.iter().map(|k| k.0).sum::<usize>() - project_lk;
    let mut counted_lk = 0;
    for (r, &(lk, kfs)) in KREISE.iter().enumerate() {
        let rb = format!("09{}", r + 1);
        let rb_key = format!("{rb}000000000");
        if !taken.contains(&rb_key) {
            let _ = writeln!(
                land,
                "municipality \"{rb_key}\" \"Regierungsbezirk {} (synthetisch)\" {{\n  kind regierungsbezirk\n}}\n",
                r + 1
            );
        }
        // Kreis numbers 01–99 in this Regierungsbezirk, those of the project
        // first (counted), then new ones.
        let mut numbers = (1..100).map(|n| format!("{rb}{n:02}"));
        let mut lk_made = taken
            .iter()
            .filter(|k| k.starts_with(&rb) && &k[5..] == "0000000" && &k[3..5] != "00")
            .count();
        let mut kfs_made = 0;
        // The project's kreisfreie Städte and Landkreise are told apart only
        // by their kind, which the keys do not say: count them as Landkreise
        // unless they have no Gemeinde below.
        let project_kfs = taken
            .iter()
            .filter(|k| {
                k.starts_with(&rb)
                    && &k[5..] == "0000000"
                    && &k[3..5] != "00"
                    && !taken
                        .iter()
                        .any(|g| g.starts_with(&k[..5]) && &g[5..] != "0000000")
            })
            .count();
        lk_made -= project_kfs;
        kfs_made += project_kfs;
        let mut text = String::new();
        while kfs_made < kfs {
            let kreis = numbers.find(|n| !kreis_taken(n)).expect("99 Kreise");
            kreisfreie_stadt(&mut text, &kreis);
            kfs_made += 1;
        }
        if !text.is_empty() {
            files.push(File {
                path: format!("kommunen/generiert/{rb}_staedte.amt"),
                text,
            });
        }
        while lk_made < lk {
            let kreis = numbers.find(|n| !kreis_taken(n)).expect("99 Kreise");
            counted_lk += 1;
            // Spread what is left evenly over the Landkreise still to make.
            let remaining_lk = landkreise - counted_lk + 1;
            let count = gemeinden_left.div_ceil(remaining_lk.max(1));
            gemeinden_left -= count.min(gemeinden_left);
            files.push(File {
                path: format!("kommunen/generiert/{kreis}.amt"),
                text: landkreis(&kreis, count),
            });
            lk_made += 1;
        }
    }
    files.push(File {
        path: "kommunen/generiert/land.amt".into(),
        text: land,
    });
    files
}

/// A deterministic FIT-Connect destination id for a key.
fn destination(key: &str, salt: u32) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(salt);
    for b in key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let g = h.rotate_left(29) ^ 0x9E37_79B9_7F4A_7C15;
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        g & 0xfff,
        g >> 16 & 0xffff_ffff_ffff
    )
}

fn authority(out: &mut String, id: &str, name: &str, key: &str, salt: u32) {
    let _ = writeln!(
        out,
        "  authority {id} \"{name}\" {{
    address \"Hauptstraße 1, 99999 Musterort\"
    contact phone \"+49 9999 {salt}-0\"
    contact email \"poststelle@{key}.example\"
    link website <https://{key}.example>
    link imprint <https://{key}.example/impressum>
    link privacy <https://{key}.example/datenschutz>
    link accessibility <https://{key}.example/barrierefreiheit>
    hours \"Mo–Fr 8–12 Uhr\" @en \"Mon–Fri 8 am–12 noon\"
    court \"Verwaltungsgericht Musterstadt, Gerichtsstraße 1, 99999 Musterstadt\" @en \"Administrative Court of Musterstadt, Gerichtsstraße 1, 99999 Musterstadt\"
    destination \"{}\"
    reply email, postal
  }}",
        destination(key, salt)
    );
}

/// A Gemeinde's Hundesteuer: a rate, for every seventh a change of rates.
fn hundesteuer(out: &mut String, n: usize) {
    let rate = 40 + (n % 9) * 10;
    if n % 7 == 0 {
        let _ = writeln!(
            out,
            "  set hundesteuer.satz = {} EUR {{ until 2024-12-31 legal \"Hundesteuersatzung (synthetisch), § 5\" }}
  set hundesteuer.satz = {rate} EUR {{ from 2025-01-01 legal \"Hundesteuersatzung (synthetisch), § 5\" }}",
            rate - 10
        );
    } else {
        let _ = writeln!(
            out,
            "  set hundesteuer.satz = {rate} EUR {{ legal \"Hundesteuersatzung (synthetisch), § 5\" }}"
        );
    }
    let _ = writeln!(
        out,
        "  set hundesteuer.satz_kampfhund = {} EUR {{ legal \"Hundesteuersatzung (synthetisch), § 5\" }}",
        rate * 10
    );
}

fn kreisfreie_stadt(out: &mut String, kreis: &str) {
    let key = format!("{kreis}0000000");
    let _ = writeln!(
        out,
        "municipality \"{key}\" \"Stadt {kreis} (synthetisch)\" {{\n  kind kreisfreie_stadt"
    );
    authority(out, "stadt", &format!("Stadt {kreis}"), &key, 1);
    authority(
        out,
        "buergerbuero",
        &format!("Stadt {kreis}, Bürgerbüro"),
        &key,
        2,
    );
    let _ = writeln!(
        out,
        "  offers gewerbeanmeldung, bauantrag_bayern, hundesteuer by stadt
  offers wohnsitzanmeldung, kfz_zulassung by buergerbuero"
    );
    hundesteuer(
        out,
        kreis.len() + kreis.bytes().map(usize::from).sum::<usize>(),
    );
    out.push_str("}\n\n");
}

/// A Landkreis with `count` Gemeinden, a third of them in
/// Verwaltungsgemeinschaften of three.
fn landkreis(kreis: &str, count: usize) -> String {
    let mut out = String::new();
    let key = format!("{kreis}0000000");
    let number: usize = kreis[3..].parse().unwrap_or(0);
    let _ = writeln!(
        out,
        "// Landkreis {kreis} (synthetisch) and its {count} Gemeinden.\n\nmunicipality \"{key}\" \"Landkreis {kreis} (synthetisch)\" {{\n  kind landkreis"
    );
    authority(&mut out, "lra", &format!("Landratsamt {kreis}"), &key, 3);
    out.push_str("  offers kfz_zulassung, bauantrag_bayern by lra\n");
    if number % 5 == 0 {
        out.push_str(
            "  theme {\n    color primary \"#005a8c\"\n    color text \"#1b1b1b\"\n    link logo <https://landkreis.example/logo.svg>\n  }\n",
        );
    }
    out.push_str("}\n\n");
    let in_verband = count / 3 / 3 * 3;
    let mut vg = 0;
    for g in 0..count {
        let n = number * 1000 + g;
        if g < in_verband {
            // Members of Verwaltungsgemeinschaft number 5xxx.
            if g % 3 == 0 {
                vg += 1;
                let vg_key = format!("{kreis}5{vg:03}000");
                let _ = writeln!(
                    out,
                    "municipality \"{vg_key}\" \"Verwaltungsgemeinschaft {kreis}-{vg} (synthetisch)\" {{\n  kind verwaltungsgemeinschaft"
                );
                authority(
                    &mut out,
                    "vg",
                    &format!("Verwaltungsgemeinschaft {kreis}-{vg}"),
                    &vg_key,
                    4,
                );
                out.push_str(
                    "  offers wohnsitzanmeldung, gewerbeanmeldung, hundesteuer by vg\n}\n\n",
                );
            }
            let gkey = format!("{kreis}5{vg:03}{:03}", 101 + g);
            let _ = writeln!(
                out,
                "municipality \"{gkey}\" \"Gemeinde {kreis} {} (synthetisch)\" {{\n  kind gemeinde",
                101 + g
            );
            hundesteuer(&mut out, n);
            out.push_str("}\n\n");
        } else {
            let own = 101 + g;
            let gkey = format!("{kreis}0{own:03}{own:03}");
            let _ = writeln!(
                out,
                "municipality \"{gkey}\" \"Gemeinde {kreis} {own} (synthetisch)\" {{\n  kind gemeinde"
            );
            authority(
                &mut out,
                "rathaus",
                &format!("Gemeinde {kreis} {own}"),
                &gkey,
                5,
            );
            out.push_str("  offers wohnsitzanmeldung, gewerbeanmeldung, hundesteuer by rathaus\n");
            if n % 40 == 0 {
                authority(
                    &mut out,
                    "bauamt",
                    &format!("Gemeinde {kreis} {own}, Bauamt"),
                    &gkey,
                    6,
                );
                out.push_str("  offers bauantrag_bayern by bauamt\n");
            }
            hundesteuer(&mut out, n);
            out.push_str("}\n\n");
        }
    }
    out
}
