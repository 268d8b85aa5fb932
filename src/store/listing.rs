//! Finding incidents: the ids in the incidents directory, what a user's id or prefix names,
//! the listings (`incidents`, the home screen), and the incident a command is about.
//!
//! Owns: `ids`, `resolve`, `open`, `read`, `all`, `open_sessions`, `pick`. Must never: list a
//! file that is not named like a journal (temporary files, `.torn` copies), let one unreadable
//! journal break a listing, or open a journal for writing to list it.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::bail;

use super::Store;
use super::id::{IncidentId, IncidentRef};
use super::session::{Access, Session};
use crate::runbook::sanitize::visible;

impl Store {
    /// Every incident id, newest first (ids sort by time). Only names of the form
    /// `<valid id>.jsonl` count, and `<valid id>/` directories holding other devices' logs;
    /// temporary files and `.torn` copies never do.
    pub fn ids(&self) -> Vec<IncidentId> {
        let Ok(rd) = std::fs::read_dir(self.incidents_dir()) else {
            return Vec::new();
        };
        let mut ids: Vec<IncidentId> = rd
            .filter_map(Result::ok)
            .filter_map(|e| {
                IncidentId::from_file_name(&e.file_name()).or_else(|| {
                    // A shared incident this device has not written in: `<id>/` with logs.
                    let id = IncidentId::parse(e.file_name().to_str()?).ok()?;
                    super::shared::has_peers(&e.path()).then_some(id)
                })
            })
            .collect();
        ids.sort_by(|a, b| b.cmp(a));
        ids.dedup();
        ids
    }

    /// The incident `r` names: the one with exactly that id, else the only one whose id starts
    /// with it. Several candidates is a usage error (exit 2) that lists them.
    pub fn resolve(&self, r: &IncidentRef) -> anyhow::Result<IncidentId> {
        let ids = self.ids();
        if let Some(exact) = ids.iter().find(|id| id.as_str() == r.as_str()) {
            return Ok(exact.clone());
        }
        let mut found: Vec<IncidentId> = ids.iter().filter(|id| r.matches(id)).cloned().collect();
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => {
                let hint = crate::domain::suggest::hint(r.as_str(), ids.iter().map(|i| i.as_str()));
                bail!(
                    "no incident \"{r}\"{hint} in {}; `runbook incidents --all` lists them",
                    visible(&self.incidents_dir().display().to_string())
                )
            }
            n => {
                let list: Vec<String> = found.iter().map(|id| format!("  {id}")).collect();
                Err(crate::usage::usage(format!(
                    "\"{r}\" is the start of {n} incident ids; say which one:\n{}",
                    list.join("\n")
                )))
            }
        }
    }

    /// Opens an incident to append to it (read-only, saying so, when it is not writable).
    pub fn open(&self, id: &IncidentId) -> anyhow::Result<Session> {
        self.open_as(id, Access::Append)
    }

    /// Opens an incident to read it only: nothing in the state directory is changed.
    pub fn read(&self, id: &IncidentId) -> anyhow::Result<Session> {
        self.open_as(id, Access::Read)
    }

    pub fn open_as(&self, id: &IncidentId, access: Access) -> anyhow::Result<Session> {
        let path = self.journal_path(id);
        if std::fs::symlink_metadata(&path).is_err()
            && !super::shared::has_peers(&self.peers_dir(id))
        {
            let known = self.ids();
            let hint = crate::domain::suggest::hint(id.as_str(), known.iter().map(|i| i.as_str()));
            bail!(
                "no incident \"{id}\"{hint} in {}; `runbook incidents --all` lists them",
                visible(&self.incidents_dir().display().to_string())
            );
        }
        Session::open_id(id.clone(), &path, access)
    }

    /// Every incident that can be read, newest first, with those that cannot (and why). Read
    /// only.
    pub fn all(&self) -> (Vec<Session>, Vec<(IncidentId, String)>) {
        self.sessions(false)
    }

    /// Every open incident that can be read, newest first. Closed ones are told apart by a
    /// read of their journal's tail, so they are never opened here. Read only.
    pub fn open_sessions(&self) -> (Vec<Session>, Vec<(IncidentId, String)>) {
        self.sessions(true)
    }

    fn sessions(&self, open_only: bool) -> (Vec<Session>, Vec<(IncidentId, String)>) {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for id in self.ids() {
            if open_only && ends_closed(&self.journal_path(&id)) {
                continue;
            }
            match self.read(&id) {
                Ok(s) if open_only && s.incident.is_closed() => {}
                Ok(s) => ok.push(s),
                Err(e) => bad.push((id, format!("{e:#}"))),
            }
        }
        ok.sort_by(|a, b| {
            b.incident
                .opened
                .cmp(&a.incident.opened)
                .then(b.id.cmp(&a.id))
        });
        (ok, bad)
    }

    /// The incident a command is about: the one named (an id or a unique prefix), else the only
    /// open one. With several open, the error lists them (a usage error: exit 2).
    pub fn pick(&self, r: Option<&IncidentRef>, access: Access) -> anyhow::Result<Session> {
        if let Some(r) = r {
            let id = self.resolve(r)?;
            return self.open_as(&id, access);
        }
        let (mut open, _) = self.open_sessions();
        match open.len() {
            0 => bail!(
                "no open incident in {}: start one with `runbook start RUNBOOK`",
                visible(&self.incidents_dir().display().to_string())
            ),
            // Listings read; a writer reopens the one it found to append to it.
            1 if access == Access::Read => Ok(open.remove(0)),
            1 => self.open_as(&open.remove(0).id, access),
            _ => {
                let ids: Vec<String> = open
                    .iter()
                    .map(|s| format!("  {}  {}", s.id, visible(&s.incident.title)))
                    .collect();
                Err(crate::usage::usage(format!(
                    "{} incidents are open; say which with --incident INC (or as the argument):\n{}",
                    open.len(),
                    ids.join("\n")
                )))
            }
        }
    }
}

/// True when the journal's last complete line is `incident_closed`: nothing is recorded after
/// a close, so that line ends every closed incident. Reads at most the last 64 KiB, opened as
/// every journal is (read-only, no symlink); when in doubt (unreadable, no complete line in
/// reach) the answer is false and the caller opens it.
fn ends_closed(path: &Path) -> bool {
    const TAIL: u64 = 64 * 1024;
    let Ok(mut f) = crate::journal::open_no_follow(path) else {
        return false;
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let mut buf = Vec::new();
    if f.seek(SeekFrom::Start(len.saturating_sub(TAIL))).is_err()
        || f.read_to_end(&mut buf).is_err()
    {
        return false;
    }
    // The last newline-terminated line (a torn tail after it is ignored).
    let Some(end) = buf.iter().rposition(|&b| b == b'\n') else {
        return false;
    };
    let start = buf[..end]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    if start == 0 && len > TAIL {
        return false; // the line starts before what was read: a long one, not a close
    }
    serde_json::from_slice::<serde_json::Value>(&buf[start..end])
        .is_ok_and(|v| v.get("kind").and_then(serde_json::Value::as_str) == Some("incident_closed"))
}
