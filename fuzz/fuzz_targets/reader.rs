//! The hand-written reader of declarations against pest: on any text, every
//! declaration the fast reader reads must be read by pest to the same tree,
//! without a diagnostic. Seed it like `pipeline` (`fuzz/seed.sh reader`).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    common::on_amts_stack(move || {
        if let Err(e) = amt_compiler::syntax::check_fast_reader(&text) {
            panic!("{e}");
        }
    });
});
