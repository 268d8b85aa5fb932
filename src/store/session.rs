//! `Session`: one incident opened from its journal: the handle, the records, the folded state,
//! and what whoever opened it must be told (problems found, notices).
//!
//! Opening never changes the file. A reader (`Access::Read`) opens the journal `O_RDONLY`, so
//! read permission is enough; a writer (`Access::Append`) opens it to append, and falls back to
//! read-only (saying so) when the file is not writable. Damage or a pinned runbook that does not
//! match its sha256 opens it read-only with the line named; a torn tail is reported and left for
//! the next append.
//!
//! An incident other devices' logs are part of (`incidents/<id>/`, see `shared.rs`) opens as
//! the union of this device's log and theirs; with no such directory it opens exactly as a
//! one-device incident always has.
//!
//! Owns: opening, catching up, the drill clock's "now". Must never: write (appending is
//! `record.rs`), or use an id from inside the journal to form a path.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Utc};

use super::id::IncidentId;
use super::problem::{Problem, ProblemKind, never_written, pin_problems, saved_copies};
use crate::domain::clock::Clock;
use crate::domain::event::Record;
use crate::domain::incident::{self, Incident};
use crate::journal::{Journal, Opened};
use crate::runbook::sanitize::visible;

/// How a journal is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// To read only: `O_RDONLY`, nothing is ever changed (`status`, `log`, `export`, listings).
    Read,
    /// To append (falling back to read-only, with a notice, when the file is not writable).
    Append,
}

/// One incident, open.
pub struct Session {
    /// The incident's id, from its journal's file name (the one every path is formed from).
    pub id: IncidentId,
    /// This device's log of the incident (`incidents/<id>.jsonl`); `None` while this device
    /// has written nothing in an incident other devices shared (its first record creates it).
    pub(super) journal: Option<Journal<Record>>,
    /// Where this device's log is, or will be.
    pub(super) path: PathBuf,
    pub(super) access: Access,
    /// The other devices' logs, when there are any (see `shared.rs`).
    pub(super) shared: Option<super::shared::Shared>,
    /// Every record, in the one total order of `domain::merge` (with one log: the journal's
    /// own order); numbered 1, 2, 3... in that order.
    pub records: Vec<Record>,
    pub incident: Incident,
    /// Things the user must be told about the journal (problems found, read-only fallback).
    pub notices: Vec<String>,
    /// What is wrong with this device's journal, in line order (see [`Problem`]).
    pub problems: Vec<Problem>,
}

impl Session {
    /// Opens the journal at `path` (named `<incident-id>.jsonl`) to append to it.
    pub fn open(path: &Path) -> anyhow::Result<Session> {
        Session::open_as(path, Access::Append)
    }

    /// Opens the journal at `path` to read it only.
    pub fn read(path: &Path) -> anyhow::Result<Session> {
        Session::open_as(path, Access::Read)
    }

    pub fn open_as(path: &Path, access: Access) -> anyhow::Result<Session> {
        let id = path
            .file_name()
            .and_then(IncidentId::from_file_name)
            .ok_or_else(|| {
                anyhow!(
                    "{} is not named like a journal (<incident-id>.jsonl)",
                    visible(&path.display().to_string())
                )
            })?;
        Session::open_id(id, path, access)
    }

    pub(super) fn open_id(id: IncidentId, path: &Path, access: Access) -> anyhow::Result<Session> {
        if super::shared::has_peers(&super::shared::peers_dir(path, &id)) {
            let own = match std::fs::symlink_metadata(path) {
                Ok(_) => Some(read_own(path, access)?),
                Err(_) => None,
            };
            return super::shared::open_shared(id, path, access, own);
        }
        Session::fold_own(id, path, access, read_own(path, access)?)
    }

    /// This device's own journal, folded as it always was (one device).
    fn fold_own(id: IncidentId, path: &Path, access: Access, own: Own) -> anyhow::Result<Session> {
        let Own {
            journal,
            records,
            mut notices,
            problems,
        } = own;
        let mut incident = incident::fold(&records, &super::parse_runbook).with_context(|| {
            format!(
                "cannot read the incident in {}",
                visible(&path.display().to_string())
            )
        })?;
        if incident.id != id.as_str() {
            notices.push(format!(
                "{}: its opening record names incident \"{}\", but its file name says {id}: it is \
                 shown as {id}",
                visible(&path.display().to_string()),
                visible(&incident.id)
            ));
            incident.id = id.to_string();
        }
        Ok(Session {
            id,
            journal: Some(journal),
            path: path.to_path_buf(),
            access,
            shared: None,
            records,
            incident,
            notices,
            problems,
        })
    }

    /// Why nothing can be recorded in this session, if that is so: a damaged line, a pinned
    /// runbook that does not match its sha256, or a journal opened read-only.
    pub fn read_only(&self) -> Option<String> {
        if let Some(p) = self.problems.iter().find(|p| p.makes_read_only()) {
            return Some(p.summary());
        }
        let writable = match &self.journal {
            Some(j) => j.is_writable(),
            None => self.access == Access::Append,
        };
        if !writable {
            return Some(format!(
                "{} is open read-only",
                visible(&self.path.display().to_string())
            ));
        }
        None
    }

    /// Folds records other processes appended since we last looked.
    /// Whether this incident is read from several device logs (shared through git): its
    /// records are then renumbered in the merged order, and a sync may place new ones before
    /// records already seen.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Of the first `n` records, how many are still where they were before the last catch-up:
    /// all `n` for a single journal (it only grows at its end); for a shared incident, the
    /// records a sync left in place.
    pub fn unmoved(&self, n: usize) -> usize {
        self.shared.as_ref().map_or(n, |sh| n.min(sh.kept))
    }

    pub fn catch_up(&mut self) -> anyhow::Result<usize> {
        if self.shared.is_some() || self.journal.is_none() || self.peers_appeared() {
            return self.catch_up_shared();
        }
        let Some(journal) = self.journal.as_mut() else {
            return Ok(0);
        };
        let new = journal.read_new();
        self.note_damage();
        let new = new?;
        let n = new.len();
        self.note_pins(&new);
        for r in new {
            self.apply(r)?;
        }
        Ok(n)
    }

    /// Folds one record that is in the journal (read or just written) into the state.
    pub(super) fn apply(&mut self, r: Record) -> anyhow::Result<()> {
        self.incident
            .apply(&r, &super::parse_runbook)
            .with_context(|| format!("cannot fold record {} of incident {}", r.seq, self.id))?;
        self.records.push(r);
        Ok(())
    }

    /// Records the handle's damage among the problems, once.
    pub(super) fn note_damage(&mut self) {
        if let Some(d) = self.journal.as_ref().and_then(|j| j.damage())
            && !self.problems.iter().any(|p| p.kind == ProblemKind::Damaged)
        {
            let p = Problem::damaged(d);
            self.notices.push(p.notice(&self.path));
            self.problems.push(p);
        }
    }

    /// Checks the pins of records about to be folded (the next after those held).
    pub(super) fn note_pins(&mut self, new: &[Record]) {
        let held = self
            .shared
            .as_ref()
            .map_or(self.records.len(), |sh| sh.own_len());
        for p in pin_problems(new, held + 1) {
            self.notices.push(p.notice(&self.path));
            self.problems.push(p);
        }
    }

    /// The incident's "now": the clock's, except for a drill on a simulated clock (one with a
    /// speed) when the clock given is a plain one, as in the one-shot headless commands. Then
    /// the drill clock continues from the newest record that carries a wall time, as if it had
    /// run at the drill's speed ever since, so a scripted drill keeps going between commands.
    pub fn now(&self, clock: &dyn Clock) -> DateTime<Utc> {
        self.now_and_wall(clock).0
    }

    /// `now`, with the real time when it is drill time (what `Record.wall` holds).
    pub fn now_and_wall(&self, clock: &dyn Clock) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
        let (now, wall) = clock.now_and_wall();
        if wall.is_some() {
            return (now, wall); // already a drill clock
        }
        let Some(speed) = self.incident.speed else {
            return (now, None);
        };
        match self
            .records
            .iter()
            .rev()
            .find_map(|r| r.wall.map(|w| (r.ts, w)))
        {
            Some((drill_at, real_at)) => (
                crate::domain::clock::scaled(drill_at, real_at, speed, now),
                Some(now),
            ),
            None => (now, Some(now)),
        }
    }
}

/// This device's own journal as read: the handle, the records, what is wrong with it.
pub(super) struct Own {
    pub journal: Journal<Record>,
    pub records: Vec<Record>,
    pub notices: Vec<String>,
    pub problems: Vec<Problem>,
}

/// Opens this device's own journal and reads it, reporting its problems (nothing is changed).
pub(super) fn read_own(path: &Path, access: Access) -> anyhow::Result<Own> {
    let mut notices = Vec::new();
    let opened = open_journal(path, access, &mut notices)?;
    let Opened {
        journal,
        records,
        torn,
        damage,
    } = opened;
    if records.is_empty() {
        let len = journal.len_on_disk().unwrap_or(0);
        bail!(never_written(path, len, torn.as_ref(), damage.as_ref()));
    }
    let mut problems = pin_problems(&records, 1);
    for p in &mut problems {
        p.byte_offset = journal.line_start(p.line).ok().flatten();
    }
    problems.extend(damage.as_ref().map(Problem::damaged));
    problems.extend(torn.as_ref().map(Problem::torn));
    problems.sort_by_key(|p| p.line);
    let saved = if problems.is_empty() {
        String::new()
    } else {
        saved_copies(path)
    };
    for p in &problems {
        notices.push(format!("{}{saved}", p.notice(path)));
    }
    Ok(Own {
        journal,
        records,
        notices,
        problems,
    })
}

/// Opens the journal as `access` asks; a writer on a file it may not write gets a read-only
/// handle and a notice saying so.
fn open_journal(
    path: &Path,
    access: Access,
    notices: &mut Vec<String>,
) -> anyhow::Result<Opened<Record>> {
    let shown = || visible(&path.display().to_string());
    let opened = match access {
        Access::Read => Journal::open_read_only(path),
        Access::Append => match Journal::open(path) {
            Err(e)
                if matches!(
                    e.io_kind(),
                    Some(std::io::ErrorKind::PermissionDenied)
                        | Some(std::io::ErrorKind::ReadOnlyFilesystem)
                ) =>
            {
                notices.push(format!(
                    "{}: not writable ({}): opened read-only; nothing can be recorded in it",
                    shown(),
                    e.io_kind()
                        .map_or_else(String::new, |k| k.to_string().to_lowercase())
                ));
                Journal::open_read_only(path)
            }
            other => other,
        },
    };
    opened.with_context(|| format!("cannot open {}", shown()))
}
