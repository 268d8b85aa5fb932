//! What every incident command needs: the clock, the store, who is acting, the time zone for
//! `--at`, and the output conventions (one confirmation line on stdout, warnings on stderr).
//!
//! Incident arguments become ids here, at the boundary: a value that is not an id (or a unique
//! start of one) is a usage error before any file is touched. Readers (`read`) open journals
//! read-only; writers (`session`) open them to append. Typed store errors become `anyhow`
//! here, at the edge.

use crate::cli::{At, Global};
use crate::domain::Author;
use crate::domain::clock::{Clock, FixedClock, SystemClock};
use crate::domain::event::{Known, Record};
use crate::domain::rules::Opts;
use crate::domain::when;
use crate::runbook::sanitize::visible_lines;
use crate::store::{Access, IncidentRef, RecordError, Session, Store};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::ffi::OsStr;

pub struct Ctx {
    pub global: Global,
    pub clock: std::sync::Arc<dyn Clock>,
    pub store: Store,
    /// Who is acting, when anything says (`who`); writers need one (`need_author`).
    pub author: Option<Author>,
    pub tz: Tz,
}

impl Ctx {
    pub fn new(global: Global) -> anyhow::Result<Ctx> {
        let tz = when::parse_tz(&global.tz).map_err(super::usage)?;
        let author = who(global.author.as_deref()).map_err(super::usage)?;
        let store = Store::locate(global.state_dir.clone());
        if let Some(w) = store.exposure_warning() {
            eprintln!("runbook: warning: {}", visible_lines(&w.to_string()));
        }
        Ok(Ctx {
            clock: clock_from_env()?,
            store,
            author,
            tz,
            global,
        })
    }

    /// Fails (misuse, exit 2) when no author could be determined: nothing is recorded by an
    /// anonymous "unknown".
    pub fn need_author(&self) -> anyhow::Result<&Author> {
        self.author.as_ref().ok_or_else(|| {
            super::usage(
                "who you are cannot be told (no --as, $RUNBOOK_USER, $USER or login name): pass --as NAME or set RUNBOOK_USER; every record names its author",
            )
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The `--at` time, if given, read relative to now.
    pub fn at(&self, at: &At) -> anyhow::Result<Option<DateTime<Utc>>> {
        self.at_from(at, self.now())
    }

    /// The `--at` time, if given, read relative to `now` (an incident's own now: a drill's
    /// simulated time).
    pub fn at_from(&self, at: &At, now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
        at.at
            .as_deref()
            .map(|s| when::parse_at(s, now, self.tz).map_err(super::usage))
            .transpose()
    }

    /// Records one action and prints the confirmation (only after it is durable).
    pub fn record(&self, s: &mut Session, at: &At, event: Known) -> anyhow::Result<Record> {
        self.record_with(s, at, event, Opts::default())
    }

    /// `record`, with the way the action was asked for (a deliberate repeat).
    pub fn record_with(
        &self,
        s: &mut Session,
        at: &At,
        event: Known,
        opts: Opts,
    ) -> anyhow::Result<Record> {
        // In a sped-up drill `-15m` means fifteen minutes of drill time.
        let at = self.at_from(at, s.now(self.clock.as_ref()))?;
        let done = match s.record_with(self.clock.as_ref(), at, self.need_author()?, event, opts) {
            Ok(done) => done,
            Err(RecordError::Written { record, error }) => {
                // On disk, so say so first; then fail on what came after.
                self.confirm(s, &record);
                return Err(anyhow::Error::new(RecordError::Written { record, error }));
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(r) = &done.recovery {
            eprintln!(
                "runbook: warning: before recording, {}",
                visible_lines(&r.to_string())
            );
        }
        for w in &done.warnings {
            eprintln!("runbook: warning: {}", visible_lines(&w.to_string()));
        }
        self.confirm(s, &done.record);
        Ok(done.record)
    }

    /// The confirmation line, printed only for a durable record.
    fn confirm(&self, s: &Session, rec: &Record) {
        println!(
            "recorded #{} {} at {}: {}",
            rec.seq,
            rec.event.kind(),
            crate::domain::clock::stamp(rec.at),
            crate::runbook::sanitize::visible(&crate::domain::describe::describe(
                rec,
                Some(&s.incident)
            ))
        );
    }

    /// The incident a writing command is about (an id, a unique start of one, or the only open
    /// incident), opened to append, telling the user what was found on opening it.
    pub fn session(&self, id: Option<&OsStr>) -> anyhow::Result<Session> {
        self.pick(id, Access::Append)
    }

    /// The incident a reading command is about, opened read-only: nothing is changed.
    pub fn read(&self, id: Option<&OsStr>) -> anyhow::Result<Session> {
        self.pick(id, Access::Read)
    }

    fn pick(&self, id: Option<&OsStr>, access: Access) -> anyhow::Result<Session> {
        let r = id.map(incident_ref).transpose()?;
        let s = self.store.pick(r.as_ref(), access)?;
        for n in &s.notices {
            eprintln!("runbook: {}", visible_lines(&n.to_string()));
        }
        Ok(s)
    }
}

/// Who is acting: `--as`, else `$RUNBOOK_USER`, `$USER`, `$LOGNAME`, else the login name of
/// the process's user from `/etc/passwd`; the first that says anything is the name, and a name
/// that is no usable `Author` (control characters, too long) is an error naming where it came
/// from. None when nothing says: then nothing can be recorded, rather than records by
/// "unknown".
pub fn who(flag: Option<&str>) -> Result<Option<Author>, String> {
    let env = |k: &str| std::env::var(k).ok();
    let candidates = [
        ("--as", flag.map(str::to_string)),
        ("$RUNBOOK_USER", env("RUNBOOK_USER")),
        ("$USER", env("USER")),
        ("$LOGNAME", env("LOGNAME")),
        ("the login name", login_name()),
    ];
    let Some((from, name)) = candidates
        .into_iter()
        .find_map(|(from, v)| v.filter(|s| !s.trim().is_empty()).map(|s| (from, s)))
    else {
        return Ok(None);
    };
    Author::parse(&name)
        .map(Some)
        .map_err(|e| format!("{from} is not a usable name: {e}"))
}

/// The user name of this process's real uid, read from `/proc/self/status` and `/etc/passwd`.
fn login_name() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _ = f.next();
        (f.next()? == uid).then(|| name.to_string())
    })
}

/// An incident argument as an id or prefix; anything else is misuse (exit 2).
pub fn incident_ref(arg: &OsStr) -> anyhow::Result<IncidentRef> {
    IncidentRef::parse_os(arg).map_err(|e| super::usage(e.to_string()))
}

/// `RUNBOOK_NOW` (RFC 3339) fixes the clock: for tests and for replaying an incident at the
/// times it happened. Otherwise the system clock.
fn clock_from_env() -> anyhow::Result<std::sync::Arc<dyn Clock>> {
    match std::env::var("RUNBOOK_NOW") {
        Ok(s) if !s.is_empty() => {
            let t = DateTime::parse_from_rfc3339(&s).map_err(|e| {
                super::usage(format!("RUNBOOK_NOW=\"{s}\" is not an RFC 3339 time: {e}"))
            })?;
            Ok(std::sync::Arc::new(FixedClock::new(t.with_timezone(&Utc))))
        }
        _ => Ok(std::sync::Arc::new(SystemClock)),
    }
}
