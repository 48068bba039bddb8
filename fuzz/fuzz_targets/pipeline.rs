//! The whole pipeline on arbitrary text: parse, resolve, check, every
//! emitter, the examples and the validator. Nothing may panic, whatever the
//! input. The input is cut into files at lines `==> NAME`, so imports
//! between files are fuzzed too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // On a thread with the stack the `amt` command gives its work (64 MB):
    // the limits of nesting are made for it.
    let data = data.to_vec();
    let worker = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || pipeline(&data))
        .expect("a thread");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
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
    let compiled = amt_compiler::compile(&sources);
    if compiled.failed(false) {
        return;
    }
    let files = amt_compiler::emit::build(&compiled.procedures, &amt_compiler::emit::Settings::default())
        .expect("the built-in templates render every checked procedure");
    for file in &files {
        if file.path.ends_with(".json") {
            // Expressions nest as deep as they are long (up to 5,000 parts):
            // read without a depth limit, as amt reads its models.
            let mut reader = serde_json::Deserializer::from_slice(&file.bytes);
            reader.disable_recursion_limit();
            <serde_json::Value as serde::Deserialize>::deserialize(&mut reader)
                .expect("every JSON output parses");
        }
    }
    let today = amt_compiler::ir::date::Date { year: 2026, month: 3, day: 1 };
    let _ = amt_compiler::examples::run(&compiled.procedures, today);
    for procedure in &compiled.procedures {
        let model = amt_compiler::validate::Model::new(procedure);
        for example in &procedure.examples {
            let options = amt_compiler::validate::Options { today, lang: None };
            let _ = model.validate(&example.data, &options);
        }
    }
}
