//! Every incident's summary for the figures across incidents (`crate::stats`): read through
//! the store, read-only, with closed incidents whose journal is unchanged taken from the cache
//! (`cache.rs`). Used by `runbook stats`; it lives in the store, not in `commands`, so that the
//! app's stats screen (`tui::stats`) counts incidents the same way.
//!
//! Must never: count a journal with damaged or torn lines (its figures would be partial
//! without anyone knowing), or write in the state directory but its cache (which is never the
//! source of truth).

mod cache;

use super::{IncidentId, Store};
use crate::stats::report::Skipped;
use crate::stats::{Summary, summarize};
use cache::{Cache, Key};

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
/// incidents whose journal is unchanged come from the cache; the others are read. Both the
/// keys (a stat and a read of each journal's tail) and the reads run on up to four cores
/// (`crate::par::map`: one journal open per thread at a time), and the answer is in the
/// store's id order whatever the threads' timing. Each summary is held once: a cached one is
/// moved out of the cache, and the cache is saved from the answer by reference.
pub fn read_all(store: &Store) -> Read {
    let ids = store.ids();
    let cache = Cache::load(store);
    // At most four journals held at once: a state directory may hold a few very large ones.
    let looked = crate::par::map(&ids, 4, |id| {
        let key = Cache::key(store, id);
        let read = match &key {
            Some(k) if cache.holds(id, k) => None,
            // Keyed as it was before the read: a journal appended to meanwhile is simply
            // read again next time.
            _ => Some(read_one(store, id)),
        };
        Looked { key, read }
    });
    let mut cache = cache;
    let (mut out, mut skipped) = (Vec::with_capacity(ids.len()), Vec::new());
    let mut keys = Vec::with_capacity(ids.len());
    for (id, Looked { key, read }) in ids.iter().zip(looked) {
        let read = match read {
            Some(read) => read,
            // Each id is listed once, so what the cache held is still there to take.
            None => cache.take(id).map_or_else(|| read_one(store, id), Ok),
        };
        match read {
            Ok(summary) => {
                keys.push((id, key));
                out.push(summary);
            }
            Err(s) => skipped.push(s),
        }
    }
    let cache_warning = cache.save(&out, &keys, store);
    skipped.sort_by(|a, b| a.id.cmp(&b.id));
    Read {
        summaries: out,
        skipped,
        cache_warning,
    }
}

/// What a thread found for one journal: its key, and what reading it gave (`None`: the cache
/// holds its summary for that key).
struct Looked {
    key: Option<Key>,
    read: Option<Result<Summary, Skipped>>,
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
