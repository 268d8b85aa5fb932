//! Every incident's summary for the figures across incidents (`crate::stats`): read through
//! the store, read-only, with closed incidents whose journal is unchanged taken from the cache
//! (`cache.rs`). Used by `runbook stats` and by the app's stats screen, so both count the
//! same incidents the same way.
//!
//! Must never: count a journal with damaged or torn lines (its figures would be partial
//! without anyone knowing), or write in the state directory but its cache (which is never the
//! source of truth).

mod cache;

use super::{IncidentId, Store};
use crate::stats::report::Skipped;
use crate::stats::{Summary, summarize};
pub use cache::{Cache, Key};

/// Every incident's summary, and those left out with why. A journal with any problem
/// (damaged or torn lines, a pinned runbook that does not match) is left out whole. Closed
/// incidents whose journal is unchanged come from the cache; the others are read on up to
/// four threads (one journal open per thread at a time), and the answer is in the store's id
/// order whatever the threads' timing.
pub fn read_all(store: &Store) -> (Vec<Summary>, Vec<Skipped>) {
    let ids = store.ids();
    let mut cache = Cache::load(store);
    let mut found: Vec<Option<Result<Summary, Skipped>>> = Vec::with_capacity(ids.len());
    let mut misses = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let key = Cache::key(store, id);
        let hit = key.as_ref().and_then(|k| cache.get(id, k));
        if hit.is_none() {
            misses.push((i, key));
        }
        found.push(hit.map(Ok));
    }
    let mut reads = read_misses(store, &ids, &misses);
    reads.sort_by_key(|r| r.0);
    for ((i, key), (_, read)) in misses.into_iter().zip(reads) {
        // Keyed as it was before the read: a journal appended to meanwhile is simply read
        // again next time.
        if let (Ok(summary), Some(k)) = (&read, key) {
            cache.put(&ids[i], k, summary.clone());
        }
        found[i] = Some(read);
    }
    cache.save(&ids, store);
    let (mut out, mut skipped) = (Vec::with_capacity(ids.len()), Vec::new());
    for r in found.into_iter().flatten() {
        match r {
            Ok(s) => out.push(s),
            Err(s) => skipped.push(s),
        }
    }
    skipped.sort_by(|a, b| a.id.cmp(&b.id));
    (out, skipped)
}

type Miss = (usize, Option<Key>);

/// Reads and summarises the journals the cache could not answer, spread over threads that
/// each take the next one as they finish (journals differ in size). Answers are (position in
/// `misses`, result), one per miss, in no particular order.
fn read_misses(
    store: &Store,
    ids: &[IncidentId],
    misses: &[Miss],
) -> Vec<(usize, Result<Summary, Skipped>)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(misses.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let Some((i, _)) = misses.get(n) else {
                return done;
            };
            done.push((n, read_one(store, &ids[*i])));
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for h in handles {
            // A reader that panicked is a bug: it is raised here, never a journal dropped.
            all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        all
    })
}

/// One journal's summary, or why it is not counted.
fn read_one(store: &Store, id: &IncidentId) -> Result<Summary, Skipped> {
    match store.read(id) {
        Ok(s) if s.problems.is_empty() => Ok(summarize(&s.records, &s.incident)),
        Ok(s) => Err(Skipped {
            id: id.to_string(),
            reason: s.notices.join("; "),
        }),
        Err(e) => Err(Skipped {
            id: id.to_string(),
            reason: format!("{e:#}"),
        }),
    }
}
