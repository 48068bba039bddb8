//! The mistakes authors make, measured: each case makes one common mistake
//! in a valid project (`tests/mistakes/`) and checks how amt answers. The
//! targets: the first diagnostic points at the line of the mistake (or
//! the line the case names), in the right file, and one mistake gives at
//! most two diagnostics. `cargo test --test mistakes -- --nocapture`
//! prints the whole table.

use std::path::Path;

mod common;
use common::Temp;

/// One mistake: in `file`, the first `find` becomes `replace`. The first
/// diagnostic must be on the line where the edit starts, or, with
/// `points`, on the line of the first `points` in the edited file.
struct Mistake {
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    points: Option<&'static str>,
}

const fn m(name: &'static str, find: &'static str, replace: &'static str) -> Mistake {
    Mistake {
        name,
        file: "main.amt",
        find,
        replace,
        points: None,
    }
}

const fn in_file(
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
) -> Mistake {
    Mistake {
        name,
        file,
        find,
        replace,
        points: None,
    }
}

const fn pointing(mut mistake: Mistake, points: &'static str) -> Mistake {
    mistake.points = Some(points);
    mistake
}

const MISTAKES: &[Mistake] = &[
    // Names.
    m(
        "field name misspelt in a condition",
        "when art != alleinige",
        "when atr != alleinige",
    ),
    m(
        "code value misspelt",
        "when art != alleinige",
        "when art != aleinige",
    ),
    m(
        "group member misspelt",
        "antragsteller.familienstand = VH",
        "antragsteller.familienstnd = VH",
    ),
    m(
        "code of another list",
        "antragsteller.familienstand = VH",
        "antragsteller.familienstand = haupt",
    ),
    m(
        "type misspelt",
        "field einzug: date(max today)",
        "field einzug: datum(max today)",
    ),
    m(
        "code list misspelt",
        "choice(wohnungsart) \"Art",
        "choice(wohnungsrat) \"Art",
    ),
    m(
        "group misspelt",
        "group antragsteller: person \"",
        "group antragsteller: persn \"",
    ),
    m(
        "function misspelt",
        "fee gebuehr \"Gebühr\" @en \"Fee\" = 12.00 EUR",
        "fee gebuehr \"Gebühr\" @en \"Fee\" = 12.00 EUR * anzahl(mitziehende)",
    ),
    pointing(
        m(
            "duplicate field",
            "    field personen: integer",
            "    field art: text(max 5) \"Art\" @en \"Kind\"\n    field personen: integer",
        ),
        "art: text(max 5)",
    ),
    m(
        "duplicate page",
        "page personen_seite \"Personen\"",
        "page wohnung \"Personen\"",
    ),
    // Imports.
    m(
        "import with the file's extension",
        "import common/person.{person}",
        "import common/person.amt.{person}",
    ),
    m(
        "import of a missing file",
        "import common/person.{person}",
        "import common/personen.{person}",
    ),
    m(
        "import of a name the file lacks",
        "import common/person.{person}",
        "import common/person.{personen}",
    ),
    m(
        "import path with backslash",
        "import common/person.{person}",
        "import common\\person.{person}",
    ),
    // Keywords and statements.
    m(
        "keyword misspelt",
        "      required\n      hint",
        "      requried\n      hint",
    ),
    m("statement misspelt", "    field art:", "    feld art:"),
    m(
        "condition keyword in German",
        "when art != alleinige",
        "wenn art != alleinige",
    ),
    pointing(
        m("version missing", "  version 1.0.0\n", ""),
        "procedure umzug",
    ),
    pointing(
        m("version not semantic", "version 1.0.0", "version 1.0"),
        "version 1.0",
    ),
    m(
        "language name instead of code",
        "languages de, en",
        "languages de, englisch",
    ),
    m(
        "hint without text",
        "      hint \"Der Tag, an dem Sie eingezogen sind.\" @en \"The day you moved in.\"",
        "      hint",
    ),
    m(
        "legal citation without quotes",
        "legal \"§ 17 Abs. 1 BMG\"",
        "legal § 17 Abs. 1 BMG",
    ),
    // Punctuation.
    pointing(
        m(
            "missing `}` in the middle",
            "      required\n      hint \"Der Tag, an dem Sie eingezogen sind.\" @en \"The day you moved in.\"\n    }",
            "      required\n      hint \"Der Tag, an dem Sie eingezogen sind.\" @en \"The day you moved in.\"",
        ),
        "field einzug:",
    ),
    m(
        "missing colon before the type",
        "field einzug: date",
        "field einzug date",
    ),
    m(
        "label without quotes",
        "\"Weitere Wohnung\" @en",
        "Weitere Wohnung @en",
    ),
    m(
        "text not closed",
        "\"Tag des Einzugs\" @en",
        "\"Tag des Einzugs @en",
    ),
    m(
        "comparison with ==",
        "when art != alleinige",
        "when art == haupt",
    ),
    m(
        "repeat bounds the wrong way round",
        "person[0..8]",
        "person[8..0]",
    ),
    m("umlaut in a name", "field weitere:", "field größe:"),
    // Types and values.
    m(
        "number compared with text",
        "when personen > 1",
        "when personen > \"eins\"",
    ),
    m("fee without currency", "= 12.00 EUR", "= 12.00"),
    m(
        "minimum above maximum",
        "integer(min 1, max 9)",
        "integer(min 9, max 1)",
    ),
    m(
        "pattern that is not a pattern",
        "text(max 80)",
        "text(max 80, pattern \"[a-\")",
    ),
    m(
        "impossible date",
        "(max today) \"Tag",
        "(max 2026-02-30) \"Tag",
    ),
    m(
        "length on a number",
        "integer(min 1, max 9)",
        "integer(min 1, max 9, length 2)",
    ),
    // Logic.
    m(
        "required under a condition that never holds",
        "when art != alleinige",
        "when personen > 9",
    ),
    m(
        "condition that never holds",
        "when antragsteller.familienstand = VH",
        "when personen > 12",
    ),
    m(
        "a value computed from itself",
        "fee gebuehr \"Gebühr\" @en \"Fee\" = 12.00 EUR",
        "fee gebuehr \"Gebühr\" @en \"Fee\" = gebuehr + 12.00 EUR",
    ),
    // Texts and translations.
    m(
        "missing translation",
        "\"Art der Wohnung\" @en \"Kind of dwelling\" { required }",
        "\"Art der Wohnung\" { required }",
    ),
    m(
        "missing label",
        "field personen: integer(min 1, max 9) \"Personen\" @en \"Persons\"",
        "field personen: integer(min 1, max 9)",
    ),
    // Examples.
    m(
        "example path misspelt",
        "antragsteller.vorname = \"Anna\"",
        "antragsteller.vornam = \"Anna\"",
    ),
    m(
        "example value of the wrong type",
        "personen = 1",
        "personen = \"eins\"",
    ),
    m(
        "example with an impossible date",
        "today 2026-03-10",
        "today 2026-13-10",
    ),
    // Identity.
    pointing(
        m(
            "prefill without identity",
            "      when art != alleinige\n      required",
            "      when art != alleinige\n      required\n      prefill city editable",
        ),
        "prefill city",
    ),
    // A mistake in a shared file.
    in_file(
        "keyword misspelt in a shared group",
        "common/person.amt",
        "{ required }\n  field familienname",
        "{ requird }\n  field familienname",
    ),
    in_file(
        "duplicate code in a list",
        "common/codes.amt",
        "  VW \"verwitwet\"",
        "  VH \"verwitwet\"",
    ),
    // Code lists with columns.
    m(
        "column misspelt",
        "= art.weitere_wohnung",
        "= art.weitere_wohnungen",
    ),
    pointing(
        in_file(
            "code without its column's value",
            "common/codes.amt",
            " { weitere_wohnung = yes }\n  neben",
            "\n  neben",
        ),
        "haupt \"Hauptwohnung\"",
    ),
    in_file(
        "column value of the wrong type",
        "common/codes.amt",
        "{ weitere_wohnung = no }",
        "{ weitere_wohnung = \"nein\" }",
    ),
    // Patterns and payments.
    m(
        "message without a pattern",
        "length 4..4, pattern \"[0-9]{4}\", message",
        "length 4..4, message",
    ),
    pointing(
        m(
            "payment without a deadline",
            "      goto abgebrochen after 14 days\n",
            "",
        ),
        "payment bezahlung",
    ),
    m(
        "payment amount that is not money",
        "amount gebuehr",
        "amount personen",
    ),
];

/// A case's answer: how many diagnostics, and where the first one is.
struct Answer {
    count: usize,
    first: Option<(String, usize, String)>,
    expected_line: usize,
}

fn answer(base: &Path, mistake: &Mistake, work: &Temp) -> Answer {
    let dir = work
        .path()
        .join(mistake.name.replace([' ', '`', '\'', ','], "-"));
    copy(base, &dir);
    let path = dir.join(mistake.file);
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find(mistake.find).unwrap_or_else(|| {
        panic!(
            "{}: `{}` is not in {}",
            mistake.name, mistake.find, mistake.file
        )
    });
    let edited = text.replacen(mistake.find, mistake.replace, 1);
    std::fs::write(&path, &edited).unwrap();
    let at = match mistake.points {
        Some(p) => edited.find(p).expect("the place the case names"),
        None => at + (mistake.replace.len() - mistake.replace.trim_start().len()),
    };
    let expected_line = edited[..at].matches('\n').count() + 1;
    let (sources, compiled) = amt_compiler::check_project(&dir).unwrap();
    let first = compiled.diagnostics.first().map(|d| {
        let file = sources.get(d.primary.span.file);
        let (line, _) = file.line_col(d.primary.span.start as usize);
        (file.name.clone(), line, d.code.as_str().to_string())
    });
    Answer {
        count: compiled.diagnostics.len(),
        first,
        expected_line,
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn the_project_of_the_mistakes_is_clean() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mistakes");
    let (_, compiled) = amt_compiler::check_project(&base).unwrap();
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        compiled.diagnostics
    );
}

#[test]
fn every_mistake_gets_one_or_two_diagnostics_and_the_first_is_on_its_line() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mistakes");
    let work = Temp::new("mistakes");
    assert!(MISTAKES.len() >= 40, "{} mistakes", MISTAKES.len());
    let mut missed = Vec::new();
    println!("| mistake | diagnostics | first | expected line |");
    println!("|---|---:|---|---:|");
    for mistake in MISTAKES {
        let a = answer(&base, mistake, &work);
        let first = a
            .first
            .as_ref()
            .map_or("none".to_string(), |(f, l, c)| format!("{c} {f}:{l}"));
        println!(
            "| {} | {} | {first} | {}:{} |",
            mistake.name, a.count, mistake.file, a.expected_line
        );
        let on_line = a
            .first
            .as_ref()
            .is_some_and(|(f, l, _)| f == mistake.file && *l == a.expected_line);
        if !on_line || a.count == 0 || a.count > 2 {
            missed.push(format!(
                "{}: {} diagnostics, first {first}, expected {}:{}",
                mistake.name, a.count, mistake.file, a.expected_line
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} miss the targets:\n{}",
        missed.len(),
        MISTAKES.len(),
        missed.join("\n")
    );
}
