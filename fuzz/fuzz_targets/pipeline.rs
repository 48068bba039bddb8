//! The whole pipeline on arbitrary text: parse, resolve, check, every
//! emitter, the examples and the validator. Nothing may panic, whatever the
//! input. The input is cut into files at lines `==> NAME`, so imports
//! between files are fuzzed too.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    common::on_amts_stack(move || pipeline(&data));
});

fn pipeline(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = amt_compiler::source::SourceMap::new();
    let mut name = String::from("main.amt");
    let mut body = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(next) = line.strip_prefix("==> ") {
            sources.add(std::mem::replace(&mut name, next.trim().to_string()), std::mem::take(&mut body));
        } else {
            body.push_str(line);
        }
    }
    sources.add(name, body);
    common::run(&sources);
}
