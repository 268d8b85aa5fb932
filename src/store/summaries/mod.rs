//! Every incident's summary for the figures across incidents (`crate::stats`): read through
//! the store, read-only, with closed incidents whose journal is unchanged taken from the cache
//! (`cache.rs`). Used by `runbook stats`; it lives in the store, not in `commands`, so that the
//! app's stats screen (issue 18, not built yet) can count incidents the same way.
//!
//! Must never: count a journal with damaged or torn lines (its figures would be partial
//! without anyone knowing), or write in the state directory but its cache (which is never the
//! source of truth).

mod cache;

use super::{IncidentId, Store};
use crate::stats::report::Skipped;
use crate::stats::{Summary, summarize};
pub use cache::{Cache, Key};

/// What `read_all` found.
#[derive(Debug)]
pub struct Read {
    /// In the store's id order.
    pub summaries: Vec<Summary>,
    /// Journals not counted, and why, by id.
    pub skipped: Vec<Skipped>,
    /// Why the cache could not be saved, when it could not (the figures are whole anyway).
    pub cache_warning: Option<String>,
}

/// Every incident's summary, and those left out with why. A journal with any problem
/// (damaged or torn lines, a pinned runbook that does not match) is left out whole. Closed
/// incidents whose journal is unchanged come from the cache; the others are read on up to
/// four cores (`crate::par::map`: one journal open per thread at a time), and the answer is in the
/// store's id order whatever the threads' timing.
pub fn read_all(store: &Store) -> Read {
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
    // At most four journals held at once: a state directory may hold a few very large ones.
    let reads = crate::par::map(&misses, 4, |(i, _)| read_one(store, &ids[*i]));
    for ((i, key), read) in misses.into_iter().zip(reads) {
        // Keyed as it was before the read: a journal appended to meanwhile is simply read
        // again next time.
        if let (Ok(summary), Some(k)) = (&read, key) {
            cache.put(&ids[i], k, summary.clone());
        }
        found[i] = Some(read);
    }
    let cache_warning = cache.save(&ids, store);
    let (mut out, mut skipped) = (Vec::with_capacity(ids.len()), Vec::new());
    for r in found.into_iter().flatten() {
        match r {
            Ok(s) => out.push(s),
            Err(s) => skipped.push(s),
        }
    }
    skipped.sort_by(|a, b| a.id.cmp(&b.id));
    Read {
        summaries: out,
        skipped,
        cache_warning,
    }
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
