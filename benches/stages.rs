//! `cargo bench`: each stage of the pipeline, and the whole, on procedures
//! from the corpus generator (`amt_compiler::corpus`), in memory (no disk). The
//! whole-process figures, with files written, come from `scripts/bench.sh`.

use amt_compiler::source::SourceMap;
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

/// A generated project, loaded into a source map.
fn sources(n: usize, fields: Option<usize>) -> SourceMap {
    let mut sources = SourceMap::new();
    for file in amt_corpus::generate_sized(n, 1, fields) {
        sources.add(file.path, file.text);
    }
    sources
}

fn checked(n: usize) -> Vec<amt_compiler::ir::Procedure> {
    let compiled = amt_compiler::compile(&sources(n, None));
    assert!(!compiled.failed(false), "the corpus checks clean");
    compiled.procedures
}

const N: usize = 100;

/// Parsing alone, one core: every file of 100 procedures.
#[divan::bench(sample_count = 20)]
fn parse(bencher: Bencher) {
    let sources = sources(N, None);
    bencher.bench(|| {
        for (id, file) in sources.iter() {
            black_box(amt_compiler::syntax::parse_file(id, &file.text));
        }
    });
}

/// Parse, resolve and check 100 procedures (every core).
#[divan::bench(sample_count = 20)]
fn compile(bencher: Bencher) {
    let sources = sources(N, None);
    bencher.bench(|| black_box(amt_compiler::compile(&sources)));
}

mod emit {
    use super::*;

    /// The HTML form in every language, 100 procedures, one core (the
    /// select options shared between pages, as in a build).
    #[divan::bench(sample_count = 20)]
    fn html(bencher: Bencher) {
        let procedures = checked(N);
        let env = amt_compiler::emit::html::environment(None);
        bencher.bench(|| {
            let options = amt_compiler::emit::html::OptionsCache::default();
            for p in &procedures {
                for lang in &p.languages {
                    black_box(
                        amt_compiler::emit::html::procedure_page_with(&env, &options, p, lang)
                            .unwrap(),
                    );
                }
            }
        });
    }

    /// `schema.json`, 100 procedures, one core.
    #[divan::bench(sample_count = 20)]
    fn schema(bencher: Bencher) {
        let procedures = checked(N);
        bencher.bench(|| {
            for p in &procedures {
                black_box(amt_compiler::emit::json(
                    &amt_compiler::emit::schema::schema(
                        p,
                        amt_compiler::emit::schema::DEFAULT_BASE,
                    ),
                ));
            }
        });
    }

    /// `procedure.json`, 100 procedures, one core.
    #[divan::bench(sample_count = 20)]
    fn model(bencher: Bencher) {
        let procedures = checked(N);
        bencher.bench(|| {
            for p in &procedures {
                black_box(amt_compiler::emit::json(p));
            }
        });
    }

    /// `workflow.bpmn` and `workflow.json`, 100 procedures, one core.
    #[divan::bench(sample_count = 20)]
    fn workflow(bencher: Bencher) {
        let procedures = checked(N);
        bencher.bench(|| {
            for p in &procedures {
                black_box(amt_compiler::emit::bpmn::bpmn(p));
                black_box(
                    amt_compiler::emit::workflow::workflow_json(p)
                        .map(|w| amt_compiler::emit::json(&w)),
                );
            }
        });
    }

    /// Every output of 100 procedures with the manifest (every core).
    #[divan::bench(sample_count = 10)]
    fn all(bencher: Bencher) {
        let procedures = checked(N);
        let settings = amt_compiler::emit::Settings::default();
        bencher.bench(|| black_box(amt_compiler::emit::build(&procedures, &settings).unwrap()));
    }
}

/// Source to every output, in memory, of one procedure of 40 fields.
#[divan::bench(sample_count = 50)]
fn whole_40_fields(bencher: Bencher) {
    let sources = sources(1, Some(40));
    let settings = amt_compiler::emit::Settings::default();
    bencher.bench(|| {
        let compiled = amt_compiler::compile(&sources);
        black_box(amt_compiler::emit::build(&compiled.procedures, &settings).unwrap())
    });
}

/// amt's validator on every example of `forms/` (178 submissions).
#[divan::bench(sample_count = 20)]
fn validate_forms(bencher: Bencher) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let (_, compiled) = amt_compiler::check_project(&root).expect("forms/ is readable");
    let today = amt_compiler::ir::date::Date {
        year: 2026,
        month: 3,
        day: 1,
    };
    let options = amt_compiler::validate::Options { today, lang: None };
    bencher.bench(|| {
        for p in &compiled.procedures {
            let model = amt_compiler::validate::Model::new(p);
            for example in &p.examples {
                black_box(model.validate(&example.data, &options));
            }
        }
    });
}
