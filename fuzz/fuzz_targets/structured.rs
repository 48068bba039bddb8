//! Structure-aware fuzzing: the input chooses a generated project (valid,
//! with imports, groups, repeats, conditions, rules, fees, examples and
//! workflows) and edits to its lines (`amt_corpus::from_bytes`), so the
//! fuzzer explores valid projects and the mistakes one edit away from them,
//! deep in the checker and the emitters, not only in the parser.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = amt_corpus::from_bytes(data);
    common::on_amts_stack(move || {
        let mut sources = amt_compiler::source::SourceMap::new();
        for f in files {
            sources.add(f.path, f.text);
        }
        common::run(&sources);
    });
});
