//! Recording into this device's log of a shared incident (see `shared.rs`): after catching
//! up on every log, checked against the union under this device's journal lock, and never
//! ordered before what this device has seen. The first record creates this device's log
//! atomically.
//!
//! Owns: `Session::record_shared` and what it needs. Must never: write another device's log,
//! or report a record as not recorded once it is on disk.

use chrono::{DateTime, Utc};

use super::Session;
use super::record::{RecordError, Recorded};
use crate::domain::clock::Clock;
use crate::domain::event::{Event, Known, Record};
use crate::domain::rules;
use crate::journal::{Journal, JournalError};

impl Session {
    /// Records one action in this device's log of a shared incident (creating the log with
    /// this device's first record in it), after catching up on every log.
    pub(super) fn record_shared(
        &mut self,
        clock: &dyn Clock,
        at: Option<DateTime<Utc>>,
        author: &str,
        event: Known,
        opts: rules::Opts,
    ) -> Result<Recorded, RecordError> {
        self.catch_up_shared()
            .map_err(|e| RecordError::NotWritten(format!("{e:#}; nothing was recorded")))?;
        if let Some(why) = self.read_only() {
            return Err(RecordError::NotWritten(format!(
                "the journal is read-only ({why}); nothing was recorded"
            )));
        }
        let (ts, wall) = self.now_and_wall(clock);
        // Never ordered before what this device has already seen, whatever the clocks of the
        // other machines say: what was decided after seeing a record folds after it.
        let ts = self.records.iter().map(|r| r.ts).fold(ts, DateTime::max);
        let at = at.unwrap_or(ts);
        let event = self.in_own_terms(event);
        if self.journal.is_none() {
            // None: another process on this device created it first; append to it.
            if let Some(done) = self.create_own(ts, at, wall, author, &event, opts)? {
                return Ok(done);
            }
        }
        let offset = self.incident.last_seq;
        let Some(journal) = self.journal.as_mut() else {
            return Err(RecordError::NotWritten("no journal".into()));
        };
        let incident = &self.incident;
        let mut warnings = Vec::new();
        let appended = journal.append_with(|caught_up: &[Record], seq| {
            let now = super::record::as_it_is_now(incident, caught_up, offset)?;
            warnings = rules::check_with(&now, &event, author, at, opts).map_err(|r| {
                super::record::Decline::Refused(super::record::with_changes(r, caught_up, &now))
            })?;
            Ok(Record {
                seq,
                ts,
                at,
                author: author.to_string(),
                wall,
                event: Event::Known(event.clone()),
            })
        });
        let appended = match appended {
            Ok(a) => a,
            Err(err) => {
                let _ = self.catch_up_shared();
                return Err(super::record::declined(err));
            }
        };
        if appended.recovery.is_some() {
            self.problems
                .retain(|p| p.kind != super::problem::ProblemKind::Torn);
        }
        self.note_pins(&appended.caught_up);
        let seq = appended.record.seq;
        if let Some(sh) = self.shared.as_mut() {
            sh.own.extend(appended.caught_up);
            sh.own.push(appended.record.clone());
        }
        self.finish_shared(seq, appended.record, warnings, appended.recovery)
    }

    /// Creates this device's log with its first record, checked against the incident as
    /// caught up just before. `None` when another process on this device created it first
    /// (the journal is then open, and the caller appends under its lock).
    fn create_own(
        &mut self,
        ts: DateTime<Utc>,
        at: DateTime<Utc>,
        wall: Option<DateTime<Utc>>,
        author: &str,
        event: &Known,
        opts: rules::Opts,
    ) -> Result<Option<Recorded>, RecordError> {
        let warnings = rules::check_with(&self.incident, event, author, at, opts)
            .map_err(RecordError::Refused)?;
        let created = Journal::<Record>::create_with(&self.path, |seq| Record {
            seq,
            ts,
            at,
            author: author.to_string(),
            wall,
            event: Event::Known(event.clone()),
        });
        match created {
            Ok((journal, record)) => {
                self.journal = Some(journal);
                if let Some(sh) = self.shared.as_mut() {
                    sh.own.push(record.clone());
                }
                self.finish_shared(1, record, warnings, None).map(Some)
            }
            Err(JournalError::AlreadyExists { .. }) => {
                let opened = Journal::<Record>::open(&self.path)
                    .map_err(|e| RecordError::NotWritten(e.to_string()))?;
                self.journal = Some(opened.journal);
                if let Some(sh) = self.shared.as_mut() {
                    sh.own = opened.records;
                }
                self.rebuild()
                    .map_err(|e| RecordError::NotWritten(format!("{e:#}")))?;
                Ok(None)
            }
            Err(e) => Err(RecordError::NotWritten(e.to_string())),
        }
    }

    /// After this device's record `seq` is durable: the view again, and the record as it is
    /// numbered there.
    fn finish_shared(
        &mut self,
        seq: u64,
        written: Record,
        warnings: Vec<String>,
        recovery: Option<crate::journal::Recovery>,
    ) -> Result<Recorded, RecordError> {
        if let Err(e) = self.rebuild() {
            return Err(RecordError::Written {
                record: Box::new(written),
                error: format!("{e:#}"),
            });
        }
        let pos = self
            .shared
            .as_ref()
            .and_then(|sh| sh.origin.iter().position(|&o| o == (0, seq)));
        let record = pos
            .and_then(|p| self.records.get(p).cloned())
            .unwrap_or(written);
        Ok(Recorded {
            record,
            warnings,
            recovery,
        })
    }

    /// A command's finish names its run by the view's number; this device's log names it by
    /// its own (the run was started here). A run started elsewhere is not named at all, and
    /// answers the step's last unfinished start, as in journals from before runs had ids.
    fn in_own_terms(&self, mut event: Known) -> Known {
        if let (Known::CommandFinished { run, .. }, Some(sh)) = (&mut event, &self.shared) {
            *run = run.and_then(|v| {
                let i = usize::try_from(v).ok()?.checked_sub(1)?;
                match sh.origin.get(i) {
                    Some(&(0, own)) => Some(own),
                    _ => None,
                }
            });
        }
        event
    }
}
