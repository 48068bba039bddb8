//! The `amt` command (its work is in the library: [`amt::main`]).

/// mimalloc: a build allocates and frees millions of small values (syntax
/// trees, template values, JSON maps); glibc's malloc and free were a fifth
/// of a build's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    amt::main()
}
