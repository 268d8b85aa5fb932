//! The cache of per-incident summaries that `runbook stats` keeps in
//! `<state-dir>/cache/stats-v1.json`: closed incidents do not change, so their summary is
//! kept and used again while their journal is provably the same file with the same bytes at
//! its end.
//!
//! Key: the journal's inode, length, mtime (nanoseconds) and the sha256 of its last 4 KiB.
//! Journals are only appended to, so any append changes the length, and damage or an edit
//! changes the mtime (and usually the tail); a journal whose key differs is read again in
//! full. Only closed incidents whose journal was read whole are cached.
//!
//! Must never: be the source of truth (a missing, unreadable, damaged or foreign cache is
//! ignored and rebuilt; deleting it at any time is safe), fail the command (a cache that
//! cannot be written is skipped, and the caller is told once), or follow a symlink in the state
//! directory.

use crate::stats::Summary;
use crate::store::{IncidentId, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

const TAIL: u64 = 4096;
const VERSION: u32 = 1;

/// What identifies a journal's content without reading all of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    ino: u64,
    len: u64,
    mtime_ns: i128,
    tail_sha256: String,
}

#[derive(Deserialize)]
struct Entry {
    key: Key,
    summary: Summary,
}

#[derive(Deserialize, Default)]
struct File {
    version: u32,
    /// The crate version that wrote it: a new version recomputes everything.
    written_by: String,
    entries: BTreeMap<String, Entry>,
}

/// The cache as loaded, less the summaries taken out of it.
pub struct Cache {
    path: PathBuf,
    file: File,
    /// How many entries were taken (`take`): they are written again from the answer.
    taken: usize,
}

impl Cache {
    /// Loads the cache (an empty one when absent, unreadable or of another version).
    pub fn load(store: &Store) -> Cache {
        let path = store.dir.join("cache").join("stats-v1.json");
        let file = crate::journal::open_no_follow(&path)
            .ok()
            .and_then(|mut f| {
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).ok()?;
                serde_json::from_slice::<File>(&bytes).ok()
            })
            .filter(|f| f.version == VERSION && f.written_by == env!("CARGO_PKG_VERSION"))
            .unwrap_or_default();
        Cache {
            path,
            file,
            taken: 0,
        }
    }

    /// The journal's key now, when it can be read.
    pub fn key(store: &Store, id: &IncidentId) -> Option<Key> {
        let mut f = crate::journal::open_no_follow(&store.journal_path(id)).ok()?;
        let meta = f.metadata().ok()?;
        let len = meta.len();
        f.seek(SeekFrom::Start(len.saturating_sub(TAIL))).ok()?;
        let mut tail = Vec::with_capacity(TAIL as usize);
        f.read_to_end(&mut tail).ok()?;
        if tail.len() as u64 != len.min(TAIL) {
            return None; // it changed while being read
        }
        Some(Key {
            ino: meta.ino(),
            len,
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            tail_sha256: crate::runbook::hex(&Sha256::digest(&tail)),
        })
    }

    /// The cache has a summary of `id` for its journal as it is (`key`).
    pub fn holds(&self, id: &IncidentId, key: &Key) -> bool {
        self.file
            .entries
            .get(id.as_str())
            .is_some_and(|e| e.key == *key)
    }

    /// Moves the cached summary of `id` out (it is held once: the answer's).
    pub fn take(&mut self, id: &IncidentId) -> Option<Summary> {
        let e = self.file.entries.remove(id.as_str())?;
        self.taken += 1;
        Some(e.summary)
    }

    /// Writes the cache when it changed: the closed incidents of `summaries` (each with its
    /// journal's id and key, as `keys` says in the same order), and nothing of journals gone.
    /// When it could not be written, says why (for the caller to show: the app has no
    /// stderr).
    pub fn save(
        self,
        summaries: &[Summary],
        keys: &[(&IncidentId, Option<Key>)],
        store: &Store,
    ) -> Option<String> {
        let entries: BTreeMap<&str, EntryRef<'_>> = summaries
            .iter()
            .zip(keys)
            .filter(|(s, _)| s.closed.is_some())
            .filter_map(|(summary, (id, key))| {
                Some((
                    id.as_str(),
                    EntryRef {
                        key: key.as_ref()?,
                        summary,
                    },
                ))
            })
            .collect();
        // Unchanged: every entry written was one taken, and every entry loaded was taken.
        if entries.len() == self.taken && self.file.entries.is_empty() {
            return None;
        }
        let file = FileRef {
            version: VERSION,
            written_by: env!("CARGO_PKG_VERSION"),
            entries,
        };
        let written = crate::journal::create_private_dir_under(&store.dir, &["cache"])
            .map_err(anyhow::Error::from)
            .and_then(|_| Ok(serde_json::to_string(&file)?))
            .and_then(|text| crate::export::write_cache_file(&self.path, &text));
        written.err().map(|e| {
            format!(
                "the cache was not saved (it only saves time): {}",
                crate::runbook::sanitize::visible_lines(&format!("{e:#}"))
            )
        })
    }
}

/// `File` as written: borrowing the answer's summaries rather than holding a copy.
#[derive(Serialize)]
struct FileRef<'a> {
    version: u32,
    written_by: &'a str,
    entries: BTreeMap<&'a str, EntryRef<'a>>,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    key: &'a Key,
    summary: &'a Summary,
}
