//! Recording one action: a conditional append. Under the journal's exclusive lock, after
//! catching up on what others appended, the records caught up on are folded and the rules
//! checked against the incident as it is now; only then is the record written, or refused with
//! what changed. So two responders pressing "start step X" at the same moment record one
//! `step_started`, and the other is told who did it, when.
//!
//! Owns: `Session::record`, `Recorded` and `RecordError`. Must never: report a record as not
//! recorded once it is on disk, or write one the rules refuse.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};

use super::Session;
use crate::domain::clock::Clock;
use crate::domain::describe::describe;
use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::Incident;
use crate::domain::rules::{self, Refused};
use crate::journal::{AppendError, Recovery};
use crate::runbook::sanitize::visible;

/// A record now durable in the journal.
#[derive(Debug)]
pub struct Recorded {
    pub record: Record,
    /// Warnings from the rules to show (the action was still recorded).
    pub warnings: Vec<String>,
    /// A torn last line a crashed writer had left, moved aside before this record was written:
    /// the user must be told where its bytes went.
    pub recovery: Option<Recovery>,
}

/// Why recording failed, telling apart what is on disk from what is not.
#[derive(Debug)]
pub enum RecordError {
    /// The rules refused it, checked under the lock against everything written before;
    /// nothing was written.
    Refused(Refused),
    /// It could not be written (IO, a read-only or damaged journal); nothing was written.
    NotWritten(String),
    /// It IS durable in the journal, but what came after failed (folding it, or records that
    /// came before it, into the state): the incident must be reopened to be shown right.
    Written { record: Box<Record>, error: String },
}

impl RecordError {
    /// Whether the record is on disk despite the error.
    pub fn is_written(&self) -> bool {
        matches!(self, RecordError::Written { .. })
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Refused(r) => f.write_str(&r.message),
            RecordError::NotWritten(why) => f.write_str(why),
            RecordError::Written { record, error } => write!(
                f,
                "recorded as #{} ({}), but then: {error}; reopen the incident to see it as it is",
                record.seq,
                record.event.kind()
            ),
        }
    }
}

impl std::error::Error for RecordError {}

/// Why the decision under the lock wrote nothing.
pub(super) enum Decline {
    Refused(Refused),
    Unreadable(String),
}

impl Session {
    /// Checks and durably records one action. Nothing is recorded when the rules refuse it or
    /// the write fails. In a drill on a simulated clock, `ts` is drill time and `wall` the real
    /// time (see `now`).
    pub fn record(
        &mut self,
        clock: &dyn Clock,
        at: Option<DateTime<Utc>>,
        author: &str,
        event: Known,
    ) -> Result<Recorded, RecordError> {
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
    ) -> Result<Recorded, RecordError> {
        if self.shared.is_some() || self.journal.is_none() || self.peers_appeared() {
            if self.shared.is_none() {
                let _ = self.catch_up();
            }
            return self.record_shared(clock, at, author, event, opts);
        }
        if let Some(why) = self.read_only() {
            return Err(RecordError::NotWritten(format!(
                "the journal is read-only ({why}); nothing was recorded"
            )));
        }
        let (ts, wall) = self.now_and_wall(clock);
        let at = at.unwrap_or(ts);
        let mut warnings = Vec::new();
        let incident = &self.incident;
        let offset = incident.last_seq;
        let Some(journal) = self.journal.as_mut() else {
            return Err(RecordError::NotWritten("no journal".into()));
        };
        let appended = journal.append_with(|caught_up: &[Record], seq| {
            let now = as_it_is_now(incident, caught_up, offset)?;
            warnings = rules::check_with(&now, &event, author, at, opts)
                .map_err(|r| Decline::Refused(with_changes(r, caught_up, &now)))?;
            Ok(Record {
                seq,
                ts,
                at,
                author: author.to_string(),
                wall,
                event: Event::Known(event),
            })
        });
        let appended = match appended {
            Ok(a) => a,
            Err(err) => {
                // Whatever was caught up on under the lock is folded in now, so the next action
                // (and the screen) sees it.
                let _ = self.catch_up();
                self.note_damage();
                return Err(declined(err));
            }
        };
        if appended.recovery.is_some() {
            self.problems
                .retain(|p| p.kind != super::problem::ProblemKind::Torn);
        }
        let record = appended.record;
        self.note_pins(&appended.caught_up);
        let folded = appended
            .caught_up
            .into_iter()
            .chain([record.clone()])
            .try_for_each(|r| self.apply(r));
        if let Err(e) = folded {
            return Err(RecordError::Written {
                record: Box::new(record),
                error: format!("{e:#}"),
            });
        }
        Ok(Recorded {
            record,
            warnings,
            recovery: appended.recovery,
        })
    }
}

/// What a failed conditional append means for the caller.
pub(super) fn declined(err: AppendError<Decline>) -> RecordError {
    match err {
        AppendError::Refused(Decline::Refused(r)) => RecordError::Refused(r),
        AppendError::Refused(Decline::Unreadable(why)) => RecordError::NotWritten(why),
        AppendError::Journal(e) => RecordError::NotWritten(e.to_string()),
    }
}

/// The incident with `caught_up` (records others on this device appended meanwhile) folded
/// in. They are numbered as in the session's view, after its `offset` records: with one log
/// that is their own number; in a shared incident they are this device's newest.
pub(super) fn as_it_is_now<'a>(
    inc: &'a Incident,
    caught_up: &[Record],
    offset: u64,
) -> Result<Cow<'a, Incident>, Decline> {
    if caught_up.is_empty() {
        return Ok(Cow::Borrowed(inc));
    }
    let mut now = inc.clone();
    for (i, r) in caught_up.iter().enumerate() {
        let mut r = r.clone();
        r.seq = offset + i as u64 + 1;
        now.apply(&r, &super::parse_runbook).map_err(|e| {
            Decline::Unreadable(format!(
                "record {} that another writer appended cannot be read ({e}); nothing was recorded",
                r.seq
            ))
        })?;
    }
    Ok(Cow::Owned(now))
}

/// A refusal that follows from what others just recorded says so: "...; this changed just now:
/// #7 bo at 22:31:05: Started step ...".
pub(super) fn with_changes(refused: Refused, caught_up: &[Record], now: &Incident) -> Refused {
    if caught_up.is_empty() {
        return refused;
    }
    let changes: Vec<String> = caught_up
        .iter()
        .map(|r| {
            format!(
                "#{} {} at {}: {}",
                r.seq,
                visible(&r.author),
                r.at.format("%H:%M:%S"),
                visible(&describe(r, Some(now)))
            )
        })
        .collect();
    Refused {
        message: format!(
            "{}; this changed just now: {}",
            refused.message,
            changes.join("; ")
        ),
        again: refused.again,
    }
}
