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

use chrono::{DateTime, Utc};

use super::device::DeviceId;
use super::git::{Git, REMOTE};
use crate::runbook::sanitize::visible;
use crate::store::Store;

pub use super::publish::pending;

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

pub(super) fn repo(store: &Store) -> Git {
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
    if std::fs::symlink_metadata(repo(store).dir.join("HEAD")).is_err() {
        init(store, &url, user)?;
    }
    let git = repo(store).no_ssh_prompts();
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
        published: publish(store, &git, &device, now)?,
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
    report.received = super::receive::receive(store, &git, &device).map_err(Failed::Local)?;
    Ok(report)
}

/// Publishes this device's grown logs, waiting a little and publishing again when the ref
/// moved under it: a sync killed with `kill -9` leaves its `git fast-import` finishing the
/// commit it started, which moves the ref after this sync read it (git then refuses, "Not
/// updating ... does not contain"). Publishing again starts from where that one ended.
fn publish(
    store: &Store,
    git: &Git,
    device: &DeviceId,
    now: DateTime<Utc>,
) -> Result<usize, Failed> {
    let mut waits = super::git::LOCK_WAITS.iter();
    loop {
        match super::publish::publish(store, git, device, now) {
            Err(e) if e.contains("Not updating") => match waits.next() {
                Some(wait) => std::thread::sleep(*wait),
                None => return Err(Failed::Local(e)),
            },
            done => return done.map_err(Failed::Local),
        }
    }
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
    } else if let Some(lock) = super::git::held_lock(&ran.stderr) {
        format!(
            "; {} stayed taken while this sync waited for it: if no git is working on that \
             repository, a git that crashed there left it, and removing that file lets the \
             next sync through",
            visible(lock)
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
}
