//! Work on every core, results in input order: the stages whose items are
//! independent (files to parse, procedures to check or emit) use [`map`].

use std::sync::atomic::{AtomicUsize, Ordering};

/// The stack of each worker: reserved address space, not memory in use.
pub use amt_model::STACK;

/// How many cores there are, asked once: the standard library reads the
/// process's control groups on every question (five system calls).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` applied to every item, on as many threads as there are cores (at
/// most one per item), handing items out one at a time, since they differ
/// in size. The calling thread is one of them. The results come back in the
/// order of `items`.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // One item is done where it is: starting a thread costs more than most
    // items. The caller works too, and needs as large a stack as the
    // workers': `amt` itself runs on such a thread, and a library caller
    // with deep models gives its thread one too.
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let helpers = cores().min(items.len()) - 1;
    let next = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            out.push((i, f(item)));
        }
        out
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        // As much stack as the main thread of `amt`: expressions and groups
        // are walked recursively (their size is bounded by the parser).
        // Where no thread is to be had, the caller does all the work.
        let handles: Vec<_> = (0..helpers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut done = work();
        for handle in handles {
            // A panic in `f` is a bug; let it surface as one.
            done.extend(
                handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}
