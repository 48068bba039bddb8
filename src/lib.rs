//! The `amt` command: reads files, runs the compiler, renders diagnostics,
//! writes outputs, and exits 0 (success), 1 (errors in the input) or 2 (usage
//! or I/O problem). Its subcommands are in [`cli`]; the preview server
//! (`amt serve`) and the writing of a build ([`output`]) are its own, the
//! compiler and the language server are crates of the workspace.

#![deny(missing_docs)]

mod cli;
mod incremental;
pub mod output;
mod poll;
mod serve;

use std::process::ExitCode;

/// Runs the command with the process's arguments.
pub fn main() -> ExitCode {
    // A panic is a bug in amt: say so with a code, not with a stack trace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error[E0901]: amt failed inside: {info}");
        eprintln!(
            "  = note: this is a bug in amt, not a problem of the procedure; please report it with this message"
        );
    }));
    // The work runs on a thread with a large stack (reserved address space,
    // not memory): models and expressions are walked recursively, up to the
    // depth the parser allows, in a debug build as well.
    let worker = std::thread::Builder::new()
        .stack_size(amt_compiler::STACK)
        .spawn(cli::run);
    match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        Err(_) => cli::run(),
    }
}
