//! Every incident's summary for the figures across incidents (`crate::stats`): read through
//! the store, read-only, with closed incidents whose journal is unchanged taken from the cache
//! (`cache.rs`). Used by `runbook stats` and by the app's stats screen, so both count the
//! same incidents the same way.
//!
//! Must never: count a journal with damaged or torn lines (its figures would be partial
//! without anyone knowing), or write in the state directory but its cache (which is never the
//! source of truth).

mod cache;

use super::Store;
use crate::stats::report::Skipped;
use crate::stats::{Summary, summarize};
pub use cache::{Cache, Key};

/// Every incident's summary, and those left out with why. A journal with any problem
/// (damaged or torn lines, a pinned runbook that does not match) is left out whole. One
/// journal is open at a time; closed ones whose journal is unchanged come from the cache.
pub fn read_all(store: &Store) -> (Vec<Summary>, Vec<Skipped>) {
    let ids = store.ids();
    let mut cache = Cache::load(store);
    let mut out = Vec::with_capacity(ids.len());
    let mut skipped = Vec::new();
    for id in &ids {
        let key = Cache::key(store, id);
        if let Some(hit) = key.as_ref().and_then(|k| cache.get(id, k)) {
            out.push(hit);
            continue;
        }
        match store.read(id) {
            Ok(s) if s.problems.is_empty() => {
                let summary = summarize(&s.records, &s.incident);
                // Keyed as it was before the read: a journal appended to meanwhile is
                // simply read again next time.
                if let Some(k) = key {
                    cache.put(id, k, summary.clone());
                }
                out.push(summary);
            }
            Ok(s) => skipped.push(Skipped {
                id: id.to_string(),
                reason: s.notices.join("; "),
            }),
            Err(e) => skipped.push(Skipped {
                id: id.to_string(),
                reason: format!("{e:#}"),
            }),
        }
    }
    cache.save(&ids, store);
    skipped.sort_by(|a, b| a.id.cmp(&b.id));
    (out, skipped)
}
