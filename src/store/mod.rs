//! Where incidents live and how an action reaches the journal: the state directory, incident
//! ids, and `Session` (an open incident: its journal handle, its records, its folded state).
//!
//! Every action goes: catch up on other writers, check the rules, append (durably), fold.
//! Only after the append returns is the action reported as recorded.

use crate::domain::clock::Clock;
use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::{self, Incident};
use crate::domain::rules;
use crate::journal::{Journal, Sequenced};
use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

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

pub fn parse_runbook(text: &str) -> Result<crate::domain::Runbook, String> {
    crate::runbook::parse_source(text)
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

    pub fn journal_path(&self, id: &str) -> PathBuf {
        self.incidents_dir().join(format!("{id}.jsonl"))
    }

    /// Creates the incident's journal under a fresh id (`YYYYMMDD-HHMM-<runbook>`, with `-2`,
    /// `-3`... when taken) and appends its opening record.
    pub fn create(
        &self,
        at: DateTime<Utc>,
        runbook_id: &str,
        opening: impl Fn(&str) -> Record,
    ) -> anyhow::Result<Session> {
        let base = format!("{}-{runbook_id}", at.format("%Y%m%d-%H%M"));
        for n in 1..1000 {
            let id = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            let path = self.journal_path(&id);
            let mut journal = match Journal::<Record>::create(&path) {
                Ok(j) => j,
                Err(crate::journal::JournalError::AlreadyExists { .. }) => continue,
                Err(e) => return Err(anyhow!(e)),
            };
            let first = opening(&id);
            let appended = journal.append(|seq| Record {
                seq,
                ..first.clone()
            })?;
            let incident = Incident::open(&appended.record, &parse_runbook)?;
            return Ok(Session {
                journal,
                records: vec![appended.record],
                incident,
                notices: Vec::new(),
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
        let opening = |id: &str| Record {
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

    pub fn open(&self, id: &str) -> anyhow::Result<Session> {
        let path = self.journal_path(id);
        if !path.exists() {
            let known: Vec<String> = self.ids();
            let hint = crate::domain::suggest::hint(id, known.iter().map(String::as_str));
            bail!(
                "no incident \"{id}\"{hint} in {}; `runbook incidents --all` lists them",
                self.incidents_dir().display()
            );
        }
        Session::open(&path)
    }

    /// Every incident id, newest first (ids sort by time).
    pub fn ids(&self) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.incidents_dir()) else {
            return Vec::new();
        };
        let mut ids: Vec<String> = rd
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".jsonl"))
                    .map(str::to_string)
            })
            .collect();
        ids.sort_by(|a, b| b.cmp(a));
        ids
    }

    /// Every incident that can be read, newest first, with those that cannot (and why).
    pub fn all(&self) -> (Vec<Session>, Vec<(String, String)>) {
        self.sessions(false)
    }

    /// Every open incident that can be read, newest first. Closed ones are told apart by a
    /// read of their journal's tail, so they are never opened (nor repaired) here.
    pub fn open_sessions(&self) -> (Vec<Session>, Vec<(String, String)>) {
        self.sessions(true)
    }

    fn sessions(&self, open_only: bool) -> (Vec<Session>, Vec<(String, String)>) {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for id in self.ids() {
            if open_only && ends_closed(&self.journal_path(&id)) {
                continue;
            }
            match self.open(&id) {
                Ok(s) if open_only && s.incident.is_closed() => {}
                Ok(s) => ok.push(s),
                Err(e) => bad.push((id, format!("{e:#}"))),
            }
        }
        ok.sort_by(|a, b| {
            b.incident
                .opened
                .cmp(&a.incident.opened)
                .then(b.incident.id.cmp(&a.incident.id))
        });
        (ok, bad)
    }

    /// The incident a command is about: the one named, else the only open one. With several
    /// open, the error lists them (a usage error: exit 2).
    pub fn pick(&self, id: Option<&str>) -> anyhow::Result<Session> {
        if let Some(id) = id {
            return self.open(id);
        }
        let (mut open, _) = self.open_sessions();
        match open.len() {
            0 => bail!(
                "no open incident in {}: start one with `runbook start RUNBOOK`",
                self.incidents_dir().display()
            ),
            1 => Ok(open.remove(0)),
            _ => {
                let ids: Vec<String> = open
                    .iter()
                    .map(|s| format!("  {}  {}", s.incident.id, s.incident.title))
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
/// a close, so that line ends every closed incident. Reads at most the last 64 KiB; when in
/// doubt (unreadable, no complete line in reach) the answer is false and the caller opens it.
fn ends_closed(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    const TAIL: u64 = 64 * 1024;
    let Ok(mut f) = std::fs::File::open(path) else {
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

/// One open incident.
pub struct Session {
    pub journal: Journal<Record>,
    pub records: Vec<Record>,
    pub incident: Incident,
    /// Things the user must be told about opening it (a torn tail that was set aside).
    pub notices: Vec<String>,
}

impl Session {
    pub fn open(path: &Path) -> anyhow::Result<Session> {
        let opened = Journal::<Record>::open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let mut notices = Vec::new();
        if let Some(r) = &opened.recovery {
            notices.push(format!(
                "{}: line {} was torn (an unfinished write, never acknowledged); its {} bytes were saved to {} and the journal continues from line {}",
                path.display(),
                r.line,
                r.bytes,
                r.saved_to.display(),
                r.line.saturating_sub(1)
            ));
        }
        if let Some(d) = &opened.damage {
            notices.push(format!(
                "{}:{}: {}; the journal is open read-only: nothing after that line is trusted and nothing new can be recorded until it is repaired by hand",
                path.display(),
                d.line,
                d.message
            ));
        }
        let incident = incident::fold(&opened.records, &parse_runbook)
            .with_context(|| format!("cannot read the incident in {}", path.display()))?;
        Ok(Session {
            journal: opened.journal,
            records: opened.records,
            incident,
            notices,
        })
    }

    /// Folds records other processes appended since we last looked.
    pub fn catch_up(&mut self) -> anyhow::Result<usize> {
        let new = self.journal.read_new()?;
        let n = new.len();
        for r in new {
            self.incident.apply(&r, &parse_runbook)?;
            self.records.push(r);
        }
        Ok(n)
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

    /// Checks and durably records one action. Returns the record and any warnings to show.
    /// Nothing is recorded when the rules refuse it or the write fails. In a drill on a
    /// simulated clock, `ts` is drill time and `wall` the real time (see `now`).
    pub fn record(
        &mut self,
        clock: &dyn Clock,
        at: Option<DateTime<Utc>>,
        author: &str,
        event: Known,
    ) -> anyhow::Result<(Record, Vec<String>)> {
        self.record_with(clock, at, author, event, rules::Opts::default())
    }

    /// `record`, with the way the action was asked for (`Opts::again`: a deliberate repeat).
    pub fn record_with(
        &mut self,
        clock: &dyn Clock,
        at: Option<DateTime<Utc>>,
        author: &str,
        event: Known,
        opts: rules::Opts,
    ) -> anyhow::Result<(Record, Vec<String>)> {
        self.catch_up()?;
        let (ts, wall) = self.now_and_wall(clock);
        let at = at.unwrap_or(ts);
        let warnings = rules::check_with(&self.incident, &event, author, at, opts)?;
        let event = Event::Known(event);
        let appended = self.journal.append(|seq| Record {
            seq,
            ts,
            at,
            author: author.to_string(),
            wall,
            event,
        })?;
        for r in appended.caught_up {
            self.incident.apply(&r, &parse_runbook)?;
            self.records.push(r);
        }
        self.incident.apply(&appended.record, &parse_runbook)?;
        self.records.push(appended.record.clone());
        Ok((appended.record, warnings))
    }
}
