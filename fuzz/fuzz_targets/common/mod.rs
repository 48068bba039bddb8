//! What the fuzz targets share: the whole pipeline on a project, on a
//! thread with the stack the `amt` command gives its work.

/// Runs `f` on a thread with the stack of `amt` (64 MB): the limits of
/// nesting are made for it.
pub fn on_amts_stack(f: impl FnOnce() + Send + 'static) {
    let worker = std::thread::Builder::new()
        .stack_size(amt_compiler::STACK)
        .spawn(f)
        .expect("a thread");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

/// Every stage on a project: check, and if it has no error every emitter,
/// the examples and the validator. Nothing may panic, whatever the input.
pub fn run(sources: &amt_compiler::source::SourceMap) {
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
