//! Receiving the other devices' logs (see `exchange.rs`): what changed on each device's
//! fetched ref since it was last written here, only that device's own logs, written
//! atomically beside this device's own.
//!
//! Owns: `receive`. Must never: write a file a device's ref does not name as that device's
//! own log, or anything named after this device.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use super::device::DeviceId;
use super::git::Git;
use crate::runbook::sanitize::visible;
use crate::store::{IncidentId, Store};

/// Writes what changed in the other devices' logs since last seen; the logs written.
pub(super) fn receive(store: &Store, git: &Git, me: &DeviceId) -> Result<Vec<String>, String> {
    let refs = git
        .local(
            &[
                "for-each-ref",
                "--format=%(refname) %(objectname)",
                "refs/runbook/fetched/",
                "refs/runbook/seen/",
            ],
            None,
        )?
        .text();
    let mut fetched = Vec::new();
    let mut seen = HashMap::new();
    for l in refs.lines() {
        let Some((name, sha)) = l.split_once(' ') else {
            continue;
        };
        if let Some(d) = name.strip_prefix("refs/runbook/fetched/") {
            fetched.push((d.to_string(), sha.to_string()));
        } else if let Some(d) = name.strip_prefix("refs/runbook/seen/") {
            seen.insert(d.to_string(), sha.to_string());
        }
    }
    let mut written = Vec::new();
    for (dev, sha) in fetched {
        let Ok(device) = DeviceId::parse(&dev) else {
            continue; // not a name this tool makes: nothing of it is used
        };
        if &device == me || seen.get(&dev) == Some(&sha) {
            continue;
        }
        let blobs = changed_logs(git, &device, seen.get(&dev).map(String::as_str), &sha)?;
        let contents = cat_blobs(git, &blobs)?;
        for ((id, _), bytes) in blobs.iter().zip(contents) {
            write_peer_log(store, id, &device, &bytes)?;
            written.push(format!("{id}/{device}.jsonl"));
        }
        let old = seen.get(&dev).cloned().unwrap_or_default();
        let seen_ref = format!("refs/runbook/seen/{device}");
        let mut args = vec!["update-ref", seen_ref.as_str(), sha.as_str()];
        if !old.is_empty() {
            args.push(old.as_str());
        }
        git.local(&args, None)?;
    }
    Ok(written)
}

/// The logs `device`'s ref changed between `old` (None: never seen) and `new`: only its own
/// (`<id>/<device>.jsonl`, regular blobs); anything else in its tree is ignored.
fn changed_logs(
    git: &Git,
    device: &DeviceId,
    old: Option<&str>,
    new: &str,
) -> Result<Vec<(IncidentId, String)>, String> {
    let listing = match old {
        Some(old) => git
            .local(&["diff-tree", "-r", "--no-renames", old, new], None)?
            .text(),
        None => git.local(&["ls-tree", "-r", new], None)?.text(),
    };
    Ok(own_paths(&listing, device))
}

/// From a `ls-tree -r` or `diff-tree -r` listing of `device`'s ref: the logs it may publish
/// (`<valid incident id>/<device>.jsonl`, regular blobs, not deleted) and their blobs.
/// Anything else a ref holds (another device's name, `../`, a symlink, a directory of its
/// own) is never written here.
fn own_paths(listing: &str, device: &DeviceId) -> Vec<(IncidentId, String)> {
    let suffix = format!("/{device}.jsonl");
    let mut out = Vec::new();
    for l in listing.lines() {
        let Some((meta, path)) = l.split_once('\t') else {
            continue;
        };
        let f: Vec<&str> = meta.trim_start_matches(':').split_whitespace().collect();
        // ls-tree: mode type sha; diff-tree: oldmode newmode oldsha newsha status.
        let (mode, sha) = match f.as_slice() {
            [mode, "blob", sha] => (*mode, *sha),
            [_, mode, _, sha, status] if *status != "D" => (*mode, *sha),
            _ => continue,
        };
        if mode != "100644" || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let Some(id) = path
            .strip_suffix(&suffix)
            .and_then(|i| IncidentId::parse(i).ok())
        else {
            continue;
        };
        out.push((id, sha.to_string()));
    }
    out
}

/// The blobs' contents, in order, through one `git cat-file --batch`.
fn cat_blobs(git: &Git, blobs: &[(IncidentId, String)]) -> Result<Vec<Vec<u8>>, String> {
    if blobs.is_empty() {
        return Ok(Vec::new());
    }
    let input: String = blobs.iter().map(|(_, sha)| format!("{sha}\n")).collect();
    let out = git
        .local(&["cat-file", "--batch"], Some(input.as_bytes()))?
        .stdout;
    let mut rest = out.as_slice();
    let mut contents = Vec::with_capacity(blobs.len());
    for _ in blobs {
        let nl = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("git cat-file ended early")?;
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("git cat-file: unexpected \"{}\"", visible(&header)))?;
        let body = rest
            .get(nl + 1..nl + 1 + size)
            .ok_or("git cat-file ended early")?;
        contents.push(body.to_vec());
        rest = rest.get(nl + 2 + size..).unwrap_or(&[]);
    }
    Ok(contents)
}

/// Writes another device's log at `incidents/<id>/<device>.jsonl`, atomically (a temporary
/// file, fsync, rename, fsync of the directory): readers see the old log or the new one.
fn write_peer_log(
    store: &Store,
    id: &IncidentId,
    device: &DeviceId,
    bytes: &[u8],
) -> Result<(), String> {
    let incidents = store.ensure_incidents_dir().map_err(|e| e.to_string())?;
    let dir = crate::journal::create_private_dir_under(&incidents, &[id.as_str()])
        .map_err(|e| e.to_string())?;
    let name = format!("{device}.jsonl");
    let tmp_name = format!(".{name}.sync.tmp");
    let tmp: PathBuf = dir.join(&tmp_name);
    // A copy a killed exchange left; only an exchange (under its lock) makes these.
    let _ = std::fs::remove_file(&tmp);
    let mut f = crate::journal::create_private_file(&dir, &tmp_name).map_err(|e| e.to_string())?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", visible(&tmp.display().to_string())))?;
    std::fs::rename(&tmp, dir.join(&name))
        .map_err(|e| format!("cannot write {}: {e}", visible(&dir.display().to_string())))?;
    std::fs::File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| format!("cannot sync {}: {e}", visible(&dir.display().to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_devices_own_logs_are_taken_from_its_ref() {
        let b = DeviceId::parse("b").unwrap();
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let listing = [
            format!("100644 blob {sha}\t2026-a/b.jsonl"),
            format!("100644 blob {sha}\t2026-a/a.jsonl"), // another device's name
            format!("100644 blob {sha}\t../x/b.jsonl"),
            format!("100644 blob {sha}\t2026-a/sub/b.jsonl"),
            format!("120000 blob {sha}\t2026-b/b.jsonl"), // a symlink
            format!("100644 blob {sha}\tB/b.jsonl"),
            format!(":100644 100644 {sha} {sha} M\t2026-c/b.jsonl"),
            format!(":100644 000000 {sha} {sha} D\t2026-d/b.jsonl"),
            "100644 blob $(touch)\t2026-e/b.jsonl".to_string(),
        ]
        .join("\n");
        let ids: Vec<String> = own_paths(&listing, &b)
            .into_iter()
            .map(|(id, _)| id.to_string())
            .collect();
        assert_eq!(ids, ["2026-a", "2026-c"]);
    }
}
