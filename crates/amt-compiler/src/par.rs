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
/// in size. The results come back in the order of `items`.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // One item is done where it is: starting a thread costs more than most
    // items. (`amt` itself runs on a thread with as large a stack as the
    // workers'; a library caller with deep models gives its thread one too.)
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let workers = cores().min(items.len());
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
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(scope, work)
            })
            .collect();
        let mut done = Vec::new();
        for handle in handles {
            match handle {
                // A panic in `f` is a bug; let it surface as one.
                Ok(h) => done.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
                // No thread to be had: do the work here.
                Err(_) => done.extend(work()),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}
