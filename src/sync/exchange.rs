//! One exchange with the team's repository: publish this device's logs on its own ref, push
//! that ref, fetch the other devices' refs, and write what changed in their logs beside this
//! device's own (`incidents/<id>/<device>.jsonl`).
//!
//! The repository is `sync.git` in the state directory (bare: no work tree, so no checkout
//! can ever touch a journal). This device's ref is `refs/runbook/devices/<device>`; its tree
//! holds `<id>/<device>.jsonl` for each incident this device wrote in, each the whole lines of
//! its log (read under the journal's shared lock, so only acknowledged records). Only this
//! device moves that ref, and only forward, so a push never needs a person to resolve
//! anything. The others' refs are fetched to `refs/runbook/fetched/<device>`; what was last
//! written from each is `refs/runbook/seen/<device>`, so only what changed since is read.
//!
//! Crash safety: every step is git's own atomic ref update or an atomic rename, and each is
//! redone by the next exchange when it did not happen: a `kill -9` anywhere loses nothing,
//! and the next `runbook sync` completes.
//!
//! Owns: `init`, `sync`, `Report`, `Failed`. Must never: write this device's own logs, write a
//! file another device's ref does not name as its own, or force a push.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::device::DeviceId;
use super::git::{Git, REMOTE};
use crate::runbook::sanitize::visible;
use crate::store::{IncidentId, Store};

/// The repository's directory in the state directory.
pub const REPO: &str = "sync.git";

/// What one exchange did.
#[derive(Debug, Default)]
pub struct Report {
    /// Incidents whose new records this device published.
    pub published: usize,
    /// Other devices' logs written here (new or grown).
    pub received: Vec<String>,
}

/// Why an exchange did not complete.
#[derive(Debug)]
pub enum Failed {
    /// Not set up, or set up wrongly: a usage error (exit 2).
    Usage(String),
    /// The remote could not be reached or refused: what was written here stays, and is shared
    /// by the next exchange (exit 1).
    Remote(String),
    /// Something here failed (exit 1).
    Local(String),
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::Usage(m) | Failed::Remote(m) | Failed::Local(m) => f.write_str(m),
        }
    }
}

fn repo(store: &Store) -> Git {
    Git::at(&store.dir.join(REPO))
}

/// Checks a remote's URL or path: git must never read it as an option.
pub fn check_url(url: &str) -> Result<(), String> {
    if url.trim().is_empty() {
        return Err("the remote is empty: give the team repository's URL or path".into());
    }
    if url.starts_with('-') || url.chars().any(|c| c.is_control()) {
        return Err(format!(
            "\"{}\" is not a repository URL or path",
            visible(url)
        ));
    }
    Ok(())
}

/// Sets this state directory up to share through `url`: the repository, the remote, the
/// device id. Running it again changes the remote (and nothing else).
pub fn init(store: &Store, url: &str, user: &str) -> Result<DeviceId, Failed> {
    check_url(url).map_err(Failed::Usage)?;
    let device = DeviceId::establish(&store.dir, user).map_err(Failed::Usage)?;
    let git = repo(store);
    if std::fs::symlink_metadata(git.dir.join("HEAD")).is_err() {
        crate::journal::create_private_dir(&store.dir).map_err(|e| Failed::Local(e.to_string()))?;
        git.local(&["init", "--bare", "--quiet"], None)
            .map_err(Failed::Local)?;
    }
    git.local(&["config", "remote.origin.url", url], None)
        .map_err(Failed::Local)?;
    Ok(device)
}

/// The remote to use: the config's `remote` when set, else the one `team init` kept.
pub fn remote(store: &Store, configured: Option<&str>) -> Result<String, Failed> {
    if let Some(url) = configured {
        check_url(url).map_err(Failed::Usage)?;
        return Ok(url.to_string());
    }
    let git = repo(store);
    let not_set = || {
        Failed::Usage(
            "sharing is not set up here: run `runbook team init URL` with the team's git \
             repository (or set `remote = \"URL\"` in the config)"
                .to_string(),
        )
    };
    if std::fs::symlink_metadata(git.dir.join("HEAD")).is_err() {
        return Err(not_set());
    }
    let ran = git
        .run(
            &["config", "--get", "remote.origin.url"],
            None,
            super::git::LOCAL,
        )
        .map_err(Failed::Local)?;
    let url = ran.text().trim().to_string();
    if !ran.ok || url.is_empty() {
        return Err(not_set());
    }
    Ok(url)
}

/// One exchange (see the module header). `now` stamps this device's commits.
pub fn sync(
    store: &Store,
    configured: Option<&str>,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Report, Failed> {
    let url = remote(store, configured)?;
    let device = DeviceId::establish(&store.dir, user).map_err(Failed::Usage)?;
    let git = repo(store);
    if std::fs::symlink_metadata(git.dir.join("HEAD")).is_err() {
        init(store, &url, user)?;
    }
    // One exchange at a time on this device; the lock goes with the process.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(git.dir.join("runbook-sync.lock"))
        .map_err(|e| Failed::Local(format!("cannot open the sync lock: {e}")))?;
    lock.lock()
        .map_err(|e| Failed::Local(format!("cannot take the sync lock: {e}")))?;
    let mut report = Report {
        published: publish(store, &git, &device, now).map_err(Failed::Local)?,
        ..Report::default()
    };
    let mine = format!("refs/runbook/devices/{device}");
    if git
        .run(
            &["rev-parse", "--verify", "--quiet", &mine],
            None,
            super::git::LOCAL,
        )
        .is_ok_and(|r| r.ok)
    {
        let spec = format!("{mine}:{mine}");
        let pushed = git.run(&["push", "--quiet", &url, &spec], None, REMOTE);
        remote_ok(pushed, "push to", &url, &device)?;
    }
    let fetched = git.run(
        &[
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            &url,
            "+refs/runbook/devices/*:refs/runbook/fetched/*",
        ],
        None,
        REMOTE,
    );
    remote_ok(fetched, "fetch from", &url, &device)?;
    report.received = receive(store, &git, &device).map_err(Failed::Local)?;
    Ok(report)
}

fn remote_ok(
    ran: Result<super::git::Ran, String>,
    what: &str,
    url: &str,
    device: &DeviceId,
) -> Result<(), Failed> {
    let ran = ran.map_err(|e| Failed::Remote(format!("cannot {what} {}: {e}", visible(url))))?;
    if ran.ok {
        return Ok(());
    }
    let why = ran.why();
    let hint = if why.contains("non-fast-forward") || why.contains("fetch first") {
        format!(
            "; the remote holds records under device \"{device}\" that this state directory \
             did not write: another machine uses the same device id (set RUNBOOK_DEVICE to \
             another name there)"
        )
    } else {
        String::new()
    };
    Err(Failed::Remote(format!(
        "cannot {what} {}: {why}{hint}; what was recorded here stays here, and is shared by the \
         next `runbook sync`",
        visible(url)
    )))
}

/// Commits this device's logs that grew since its last commit on its ref; how many.
fn publish(
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
    if changed.is_empty() {
        return Ok(0);
    }
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
    for (id, bytes) in &changed {
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

/// Writes what changed in the other devices' logs since last seen; the logs written.
fn receive(store: &Store, git: &Git, me: &DeviceId) -> Result<Vec<String>, String> {
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
    fn urls_git_would_read_as_options_are_refused() {
        for bad in [
            "",
            "  ",
            "--upload-pack=touch x",
            "-oProxyCommand=x",
            "a\nb",
        ] {
            assert!(check_url(bad).is_err(), "{bad:?}");
        }
        for ok in [
            "/srv/team.git",
            "git@github.com:team/inc.git",
            "https://x/y.git",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
    }

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

    #[test]
    fn ls_tree_sizes_are_read_by_path() {
        let l =
            "100644 blob 0123abcd     120\t2026-a/ana.jsonl\n100644 blob ff       7\tb/c.jsonl\n";
        let s = sizes(l);
        assert_eq!(s.get("2026-a/ana.jsonl"), Some(&120));
        assert_eq!(s.get("b/c.jsonl"), Some(&7));
    }
}
