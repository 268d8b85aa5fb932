//! An incident shared by several devices: this device's own log (`incidents/<id>.jsonl`, the
//! same file a one-device incident always had) and the other devices' logs, which `runbook
//! sync` materialises read-only in `incidents/<id>/<device>.jsonl`. The session holds the
//! union, in `domain::merge`'s one total order, numbered 1, 2, 3... in that order, so every
//! replica holding the same records shows the same timeline byte for byte.
//!
//! Why this layout: this device's log keeps the path it always had, so an incident from before
//! sharing opens unchanged and nothing is ever converted (its first append after sharing is an
//! ordinary append to the same file); a file under `<id>/` is always another device's, and
//! this device never writes one (only `sync` does, atomically, and never one named after this
//! device). In the shared repository every log is `<id>/<device>.jsonl`.
//!
//! A device log is one writer's: its records are expected to name one author (the author of
//! its first record, its owner) and the drill's injects. A record in another device's log that
//! claims someone else is flagged in the notices, not trusted silently.
//!
//! Owns: the merged view (`Shared`), opening it and catching up on it; reading the peers'
//! logs is `read`, building the view and its fold is `view` (recording is `shared_record.rs`,
//! what readers are told `shared_notes.rs`). Must never: write under `<id>/`, trust a file
//! there through a symlink, or let one damaged peer log hide the others.

mod read;
mod view;

use read::read_peers;
use view::rebuild;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Access, IncidentId, Session};
use crate::domain::event::Record;
use crate::journal::Journal;
use crate::sync::DeviceId;
use anyhow::anyhow;

/// The other devices' logs of one incident, and where each record of the view came from.
pub struct Shared {
    /// This device's name in the order (its device id; "local" when it has none yet).
    pub(super) me: String,
    /// This device's own records, numbered as in its log.
    pub(super) own: Vec<Record>,
    pub(super) peers: Vec<PeerLog>,
    /// For each record of the view: its log (0 is this device's, i + 1 is `peers[i]`) and its
    /// seq in that log.
    pub(super) origin: Vec<(usize, u64)>,
    /// How many records at the start of the view the last rebuild left where they were (a
    /// sync can place records before ones already seen).
    pub(super) kept: usize,
    /// Notices already given, so a catch-up says only what is new.
    told: BTreeSet<String>,
    /// Device logs that could not be read at all, as said.
    unreadable: Vec<String>,
}

/// Another device's log of the incident, as `sync` last wrote it.
pub(super) struct PeerLog {
    pub(super) device: DeviceId,
    pub(super) path: PathBuf,
    pub(super) records: Vec<Record>,
    /// What of the log could not be read (a damaged or torn line, a bad pin): its records
    /// stop before it.
    damage: Vec<String>,
    /// (device, inode, length) when read: `sync` replaces the file, so a change is seen here.
    stamp: (u64, u64, u64),
}

impl Shared {
    /// How many records this device's own log holds.
    pub fn own_len(&self) -> usize {
        self.own.len()
    }
}

/// `incidents/<id>/`, beside `incidents/<id>.jsonl`: where the other devices' logs are.
pub fn peers_dir(own: &Path, id: &IncidentId) -> PathBuf {
    own.with_file_name(id.as_str())
}

/// Whether `dir` is a real directory (not a symlink) holding at least one device log.
pub fn has_peers(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && std::fs::read_dir(dir).is_ok_and(|rd| {
            rd.filter_map(Result::ok)
                .any(|e| DeviceId::from_file_name(&e.file_name()).is_some())
        })
}

/// This device's name, as its logs are named elsewhere; "local" when it has none yet (then
/// it has shared nothing, so no other device knows it by another name).
fn me(own: &Path) -> (String, Option<String>) {
    let state = own
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    match DeviceId::known(state) {
        Ok(Some(d)) => (d.to_string(), None),
        Ok(None) => ("local".to_string(), None),
        Err(e) => ("local".to_string(), Some(e)),
    }
}

/// Opens an incident other devices' logs are part of: this device's own log (`own`, when it
/// has one) and theirs, folded as one.
pub(super) fn open_shared(
    id: IncidentId,
    path: &Path,
    access: Access,
    own: Option<super::session::Own>,
) -> anyhow::Result<Session> {
    let (me, warn) = me(path);
    let (journal, own, mut notices, problems) = match own {
        Some(o) => (Some(o.journal), o.records, o.notices, o.problems),
        None => (None, Vec::new(), Vec::new(), Vec::new()),
    };
    notices.extend(warn);
    let mut sh = Shared {
        me,
        own,
        peers: Vec::new(),
        origin: Vec::new(),
        told: BTreeSet::new(),
        unreadable: Vec::new(),
        kept: 0,
    };
    read_peers(&mut sh, &peers_dir(path, &id), &mut notices);
    let (records, incident) = rebuild(&mut sh, &id, &mut notices)?;
    Ok(Session {
        id,
        journal,
        path: path.to_path_buf(),
        access,
        shared: Some(sh),
        records,
        incident,
        notices,
        problems,
    })
}

impl Session {
    /// Whether other devices' logs are there for a session that does not have them yet.
    pub(super) fn peers_appeared(&self) -> bool {
        self.shared.is_none() && has_peers(&peers_dir(&self.path, &self.id))
    }

    fn become_shared(&mut self) {
        let (me, warn) = me(&self.path);
        self.notices.extend(warn);
        self.shared = Some(Shared {
            me,
            own: self.records.clone(),
            peers: Vec::new(),
            origin: Vec::new(),
            told: BTreeSet::new(),
            unreadable: Vec::new(),
            kept: 0,
        });
    }

    /// Catching up when other devices' logs are (or just became) part of the incident: what
    /// this device's other processes appended, and what `sync` brought.
    pub(super) fn catch_up_shared(&mut self) -> anyhow::Result<usize> {
        if self.shared.is_none() {
            if !self.peers_appeared() {
                return Ok(0);
            }
            self.become_shared();
        }
        let before = self.records.len();
        let mut changed = self.read_peers();
        if self.journal.is_none() && std::fs::symlink_metadata(&self.path).is_ok() {
            // Another process on this device wrote this device's first record.
            let opened = match self.access {
                Access::Read => Journal::<Record>::open_read_only(&self.path),
                Access::Append => Journal::<Record>::open(&self.path),
            }
            .map_err(|e| anyhow!(e))?;
            self.journal = Some(opened.journal);
            if let Some(sh) = self.shared.as_mut() {
                sh.own = opened.records;
                changed = true;
            }
        }
        if let Some(j) = self.journal.as_mut() {
            let new = j.read_new();
            self.note_damage();
            let new = new?;
            self.note_pins(&new);
            if let Some(sh) = self.shared.as_mut() {
                changed |= !new.is_empty();
                sh.own.extend(new);
            }
        }
        if changed {
            self.rebuild()?;
        }
        Ok(self.records.len().saturating_sub(before))
    }

    /// (Re)reads the peer logs that changed since last read; true when any did.
    fn read_peers(&mut self) -> bool {
        let dir = peers_dir(&self.path, &self.id);
        match self.shared.as_mut() {
            Some(sh) => read_peers(sh, &dir, &mut self.notices),
            None => false,
        }
    }

    /// The view and the fold again, from every log.
    pub(super) fn rebuild(&mut self) -> anyhow::Result<()> {
        let Some(sh) = self.shared.as_mut() else {
            return Ok(());
        };
        let before = sh.origin.clone();
        let (records, incident) = rebuild(sh, &self.id, &mut self.notices)?;
        sh.kept = before
            .iter()
            .zip(&sh.origin)
            .take_while(|(a, b)| a == b)
            .count();
        self.records = records;
        self.incident = incident;
        Ok(())
    }

    /// The conflicts among the records, one line each (see `domain::merge::conflicts`).
    pub fn conflicts(&self) -> Vec<String> {
        let Some(sh) = &self.shared else {
            return Vec::new();
        };
        let names: Vec<&str> = std::iter::once(sh.me.as_str())
            .chain(sh.peers.iter().map(|p| p.device.as_str()))
            .collect();
        let ordered: Vec<(&str, &Record)> = sh
            .origin
            .iter()
            .zip(&self.records)
            .map(|(&(log, _), r)| (names.get(log).copied().unwrap_or("?"), r))
            .collect();
        super::shared_notes::conflict_notes(&ordered, &self.records, &self.incident)
    }

    /// The devices whose logs make up the incident (this one first), when it is shared.
    /// What of the other devices' logs could not be read (so is not in the view): each a line
    /// naming the file. A draft says it, and is refused without `--allow-damaged`.
    pub fn peer_damage(&self) -> Vec<String> {
        self.shared.as_ref().map_or_else(Vec::new, |sh| {
            sh.peers
                .iter()
                .flat_map(|p| p.damage.iter().cloned())
                .chain(sh.unreadable.iter().cloned())
                .collect()
        })
    }

    pub fn devices(&self) -> Vec<String> {
        self.shared.as_ref().map_or_else(Vec::new, |sh| {
            std::iter::once(sh.me.clone())
                .chain(sh.peers.iter().map(|p| p.device.to_string()))
                .collect()
        })
    }
}
