//! Publishing this device's logs on its own ref (see `exchange.rs`): the logs that grew
//! since its last commit, as whole lines read under each journal's shared lock, in one
//! `git fast-import`; and how many of its records the remote does not have yet.
//!
//! Owns: `publish`, `pending`. Must never: publish a torn tail, a record not yet acknowledged,
//! or less than was published before.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use super::device::DeviceId;
use super::exchange::repo;
use super::git::Git;
use crate::runbook::sanitize::visible;
use crate::store::{IncidentId, Store};

/// Commits this device's logs that grew since its last commit on its ref; how many.
pub(super) fn publish(
    store: &Store,
    git: &Git,
    device: &DeviceId,
    now: DateTime<Utc>,
) -> Result<usize, String> {
    let mine = format!("refs/runbook/devices/{device}");
    let parent = git
        .run(
            &["rev-parse", "--verify", "--quiet", &mine],
            None,
            super::git::LOCAL,
        )?
        .text()
        .trim()
        .to_string();
    let published = if parent.is_empty() {
        HashMap::new()
    } else {
        sizes(&git.local(&["ls-tree", "-r", "-l", &parent], None)?.text())
    };
    let changed = grown(store, device, &published)?;
    if changed.is_empty() {
        return Ok(0);
    }
    let script = import_script(&mine, &parent, device, now, &changed)?;
    // A few objects per exchange: loose, rather than one more pack for every later command to
    // search (git gc --auto packs them in time).
    git.local(
        &[
            "-c",
            "fastimport.unpackLimit=100",
            "fast-import",
            "--quiet",
            "--done",
        ],
        Some(&script),
    )?;
    Ok(changed.len())
}

/// This device's logs that hold more whole lines than it has published, with those bytes; an
/// error when one holds less (it was cut or replaced after it was shared).
fn grown(
    store: &Store,
    device: &DeviceId,
    published: &HashMap<String, u64>,
) -> Result<Vec<(IncidentId, Vec<u8>)>, String> {
    let mut changed: Vec<(IncidentId, Vec<u8>)> = Vec::new();
    for id in own_logs(store) {
        let path = store.journal_path(&id);
        let key = format!("{id}/{device}.jsonl");
        let before = published.get(&key).copied();
        let len = std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
        if before == Some(len) {
            continue;
        }
        let bytes = whole_lines(&path)?;
        match before {
            Some(b) if bytes.len() as u64 == b => continue,
            Some(b) if (bytes.len() as u64) < b => {
                return Err(format!(
                    "{} holds less than this device already shared ({} bytes, {b} shared): it \
                     is not shared again; restore it from the team repository",
                    visible(&path.display().to_string()),
                    bytes.len()
                ));
            }
            _ => {}
        }
        if !bytes.is_empty() {
            changed.push((id, bytes));
        }
    }
    Ok(changed)
}

/// The `git fast-import` script committing the grown logs on this device's ref.
fn import_script(
    mine: &str,
    parent: &str,
    device: &DeviceId,
    now: DateTime<Utc>,
    changed: &[(IncidentId, Vec<u8>)],
) -> Result<Vec<u8>, String> {
    let mut script = Vec::new();
    let msg = format!("runbook: {} incident log(s) from {device}\n", changed.len());
    write!(
        script,
        "commit {mine}\ncommitter runbook <runbook@{device}> {} +0000\ndata {}\n{msg}",
        now.timestamp(),
        msg.len()
    )
    .map_err(|e| e.to_string())?;
    if !parent.is_empty() {
        writeln!(script, "from {parent}").map_err(|e| e.to_string())?;
    }
    for (id, bytes) in changed {
        write!(
            script,
            "M 100644 inline {id}/{device}.jsonl\ndata {}\n",
            bytes.len()
        )
        .map_err(|e| e.to_string())?;
        script.extend_from_slice(bytes);
        script.push(b'\n');
    }
    script.extend_from_slice(b"done\n");
    Ok(script)
}

/// How many records this device wrote that the remote did not have at the last fetch (its
/// ref there, `refs/runbook/fetched/<device>`): counted from the newlines past what it holds.
pub fn pending(store: &Store) -> usize {
    let Ok(Some(device)) = DeviceId::known(&store.dir) else {
        return 0;
    };
    let git = repo(store);
    let theirs = format!("refs/runbook/fetched/{device}");
    let held = match git.run(&["ls-tree", "-r", "-l", &theirs], None, super::git::LOCAL) {
        Ok(r) if r.ok => sizes(&r.text()),
        _ => HashMap::new(),
    };
    own_logs(store)
        .iter()
        .map(|id| {
            let have = held
                .get(&format!("{id}/{device}.jsonl"))
                .copied()
                .unwrap_or(0);
            newlines_after(&store.journal_path(id), have)
        })
        .sum()
}

fn newlines_after(path: &Path, offset: u64) -> usize {
    use std::io::{Seek, SeekFrom};
    let Ok(mut f) = crate::journal::open_no_follow(path) else {
        return 0;
    };
    let mut tail = Vec::new();
    if f.seek(SeekFrom::Start(offset)).is_err() || f.read_to_end(&mut tail).is_err() {
        return 0;
    }
    memchr::memchr_iter(b'\n', &tail).count()
}

/// This device's own logs: `incidents/<id>.jsonl`.
fn own_logs(store: &Store) -> Vec<IncidentId> {
    let Ok(rd) = std::fs::read_dir(store.incidents_dir()) else {
        return Vec::new();
    };
    rd.filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| IncidentId::from_file_name(&e.file_name()))
        .collect()
}

/// `path -> size` from `git ls-tree -r -l`.
fn sizes(listing: &str) -> HashMap<String, u64> {
    listing
        .lines()
        .filter_map(|l| {
            let (meta, path) = l.split_once('\t')?;
            let size = meta.split_whitespace().nth(3)?.parse().ok()?;
            Some((path.to_string(), size))
        })
        .collect()
}

/// The journal's whole lines (a torn tail left out), read under its shared lock so that no
/// append is half seen.
fn whole_lines(path: &Path) -> Result<Vec<u8>, String> {
    let shown = || visible(&path.display().to_string());
    let mut f = crate::journal::open_no_follow(path).map_err(|e| e.to_string())?;
    f.lock_shared()
        .map_err(|e| format!("cannot lock {}: {e}", shown()))?;
    let mut bytes = Vec::new();
    let read = f.read_to_end(&mut bytes);
    let _ = f.unlock();
    read.map_err(|e| format!("cannot read {}: {e}", shown()))?;
    let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    bytes.truncate(whole);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_tree_sizes_are_read_by_path() {
        let l =
            "100644 blob 0123abcd     120\t2026-a/ana.jsonl\n100644 blob ff       7\tb/c.jsonl\n";
        let s = sizes(l);
        assert_eq!(s.get("2026-a/ana.jsonl"), Some(&120));
        assert_eq!(s.get("b/c.jsonl"), Some(&7));
    }
}
