//! Where incidents live and how an action reaches the journal: the state directory, incident
//! ids, and `Session` (an open incident: its journal handle, its records, its folded state).
//!
//! Every path is formed from an [`IncidentId`], never from a raw string, and nothing inside the
//! state directory is used through a symlink. Readers open journals read-only and never change
//! them; only an append repairs a torn tail, and says so. Every action goes: lock, catch up on
//! other writers, fold, check the rules against the state as it is now, append (durably),
//! fold; only after the append returns is the action reported as recorded.
//!
//! Layout: `id.rs` (ids and prefixes), `listing.rs` (finding incidents: ids, prefixes,
//! listings, the one a command means), `session.rs` (opening, catching up), `record.rs` (the
//! conditional append and its typed failures), `problem.rs` (what readers report),
//! `shared.rs` with `shared/` (an incident several devices write: this device's log and the
//! others', folded as one; see docs/sharing.md), `summaries/` (every incident's summary for the
//! figures across incidents, with its cache).

mod id;
mod listing;
mod problem;
mod record;
mod session;
mod shared;
mod shared_notes;
mod shared_record;
pub mod summaries;

use crate::domain::event::{Event, Known, Record};
use crate::journal::{Journal, JournalError, Sequenced};
use anyhow::bail;
use chrono::{DateTime, Utc};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

pub use id::{BadId, IncidentId, IncidentRef};
pub use problem::{Problem, ProblemKind, shell_quote};
pub use record::{RecordError, Recorded};
pub use session::{Access, Session};

impl Sequenced for Record {
    fn seq(&self) -> u64 {
        self.seq
    }

    fn from_line(line: &[u8]) -> Result<Record, serde_json::Error> {
        Record::from_line(line)
    }
}

/// The state directory: `--state-dir`, else `RUNBOOK_STATE_DIR`, else `$XDG_STATE_HOME/runbook`,
/// else `~/.local/state/runbook`.
#[derive(Clone, Debug)]
pub struct Store {
    pub dir: PathBuf,
}

/// Parses an incident's pinned runbook source. Journals pin the whole source, and a team's
/// incidents pin few distinct ones: each distinct source is parsed once per process and the
/// result reused (keyed by the source itself, so a different text is never mistaken for it).
/// `runbook stats` over 3,000 incidents of three runbooks parses three, not 3,000.
pub fn parse_runbook(text: &str) -> Result<std::sync::Arc<crate::domain::Runbook>, String> {
    type Parsed = Result<std::sync::Arc<crate::domain::Runbook>, String>;
    static SEEN: crate::memo::Memo<String, Parsed> = crate::memo::Memo::new();
    if let Some(hit) = SEEN.find(|t| t == text) {
        return hit;
    }
    let parsed = crate::runbook::parse_source(text).map(std::sync::Arc::new);
    SEEN.keep(text.to_string(), parsed.clone());
    parsed
}

impl Store {
    pub fn locate(flag: Option<PathBuf>) -> Store {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = flag
            .or_else(|| env("RUNBOOK_STATE_DIR"))
            .or_else(|| env("XDG_STATE_HOME").map(|d| d.join("runbook")))
            .or_else(|| env("HOME").map(|h| h.join(".local/state/runbook")))
            .unwrap_or_else(|| PathBuf::from(".runbook-state"));
        Store { dir }
    }

    pub fn incidents_dir(&self) -> PathBuf {
        self.dir.join("incidents")
    }

    /// `incidents/<id>.jsonl`: the only way a journal's path is made.
    pub fn journal_path(&self, id: &IncidentId) -> PathBuf {
        self.incidents_dir().join(id.file_name())
    }

    /// `incidents/<id>/`: where `runbook sync` puts the other devices' logs of the incident
    /// (`<device>.jsonl`, read only). This device's own log stays `incidents/<id>.jsonl`.
    pub fn peers_dir(&self, id: &IncidentId) -> PathBuf {
        self.incidents_dir().join(id.as_str())
    }

    /// `outputs/<id>`: where the incident's command output is saved (not created here).
    pub fn outputs_dir(&self, id: &IncidentId) -> PathBuf {
        self.dir.join("outputs").join(id.as_str())
    }

    /// Creates (0700, whatever the umask) or checks the state directory and `incidents/` in it;
    /// a symlink planted at `incidents` is refused.
    pub fn ensure_incidents_dir(&self) -> Result<PathBuf, JournalError> {
        crate::journal::create_private_dir_under(&self.dir, &["incidents"])
    }

    /// `exports/`, made as `ensure_incidents_dir` makes `incidents/`.
    pub fn ensure_exports_dir(&self) -> Result<PathBuf, JournalError> {
        crate::journal::create_private_dir_under(&self.dir, &["exports"])
    }

    /// A one-line warning when the state directory exists and other users may look into it.
    pub fn exposure_warning(&self) -> Option<String> {
        let mode = std::fs::metadata(&self.dir).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| {
            let dir = crate::runbook::sanitize::visible(&self.dir.display().to_string());
            format!(
                "the state directory {dir} is open to other users (mode {mode:03o}): they may \
                 read incidents and command output; fix it with chmod 700 {}",
                shell_quote(&dir)
            )
        })
    }

    /// Creates the incident's journal under a fresh id (`YYYYMMDD-HHMM-<runbook>`, then a
    /// device tag when incidents are shared, with `-2`, `-3`... when taken), holding its opening record: atomically, so the journal appears
    /// complete or not at all, and an existing one is never replaced.
    pub fn create(
        &self,
        at: DateTime<Utc>,
        runbook_id: &str,
        opening: impl Fn(&IncidentId) -> Record,
    ) -> anyhow::Result<Session> {
        let mut base = format!("{}-{runbook_id}", at.format("%Y%m%d-%H%M"));
        // Shared through git, two devices cut off from each other can start the same runbook
        // in the same minute: the id then carries a short tag of this device, so the two never
        // share an id (and an opening record). Unshared, ids stay as they always were.
        if let Ok(Some(device)) = crate::sync::device::DeviceId::known(&self.dir) {
            base.push('-');
            base.push_str(&device_tag(device.as_str()));
        }
        self.ensure_incidents_dir()?;
        for n in 1..1000 {
            let name = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            let id = IncidentId::parse(&name)?;
            let path = self.journal_path(&id);
            if std::fs::symlink_metadata(self.peers_dir(&id)).is_ok() {
                continue; // another device's incident, shared here: its id is taken
            }
            let first = opening(&id);
            let (journal, record) =
                match Journal::<Record>::create_with(&path, |seq| Record { seq, ..first }) {
                    Ok(created) => created,
                    Err(JournalError::AlreadyExists { .. }) => continue,
                    Err(e) => return Err(e.into()),
                };
            let incident = crate::domain::incident::Incident::open(&record, &parse_runbook)?;
            return Ok(Session {
                id,
                journal: Some(journal),
                path,
                access: Access::Append,
                shared: None,
                records: vec![record],
                incident,
                notices: Vec::new(),
                problems: Vec::new(),
            });
        }
        bail!(
            "could not find a free incident id for {base} in {}",
            self.incidents_dir().display()
        )
    }

    /// Opens a new incident from a runbook: the journal, and its `incident_opened` record
    /// pinning the runbook's exact source. The one place that record is built.
    pub fn start(&self, n: NewIncident<'_>) -> anyhow::Result<Session> {
        let opening = |id: &IncidentId| Record {
            seq: 1,
            ts: n.ts,
            at: n.at,
            author: n.author.to_string(),
            wall: n.wall,
            event: Event::Known(Known::IncidentOpened {
                incident: id.to_string(),
                title: n.title.clone(),
                severity: n.severity,
                runbook: n.runbook.id.clone(),
                runbook_sha256: crate::runbook::sha256_hex(n.source),
                runbook_source: n.source.to_string(),
                vars: n.vars.iter().cloned().collect(),
                drill: n.drill,
            }),
        };
        self.create(n.at, &n.runbook.id, opening)
    }
}

/// What a new incident starts with (see `Store::start`).
pub struct NewIncident<'a> {
    pub runbook: &'a crate::domain::Runbook,
    /// The runbook's exact source, pinned in the journal.
    pub source: &'a str,
    pub title: String,
    pub severity: crate::domain::Severity,
    pub vars: Vec<(String, String)>,
    pub drill: bool,
    pub author: &'a str,
    /// When it was recorded, and when it started (earlier when backdated).
    pub ts: DateTime<Utc>,
    pub at: DateTime<Utc>,
    /// The real time, when `ts` is a drill's simulated time.
    pub wall: Option<DateTime<Utc>>,
}

/// Six lowercase hex digits naming a device in incident ids (FNV-1a of its id): short, of
/// the id grammar whatever the device is called, and the same on every run.
fn device_tag(device: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in device.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{:06x}", h & 0x00ff_ffff)
}
