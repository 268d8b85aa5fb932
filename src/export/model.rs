//! `Draft`: everything the layouts and the JSON share, computed once from the journal and its
//! folded incident. Pure; holds references into both.

use super::Options;
use super::execution::{self, Execution};
use super::metrics::{self, Metric, OutOfOrder, SeverityTimes};
use super::timeline::{self, Item};
use crate::domain::Milestone;
use crate::domain::clock::stamp;
use crate::domain::event::{Event, Known, Outcome, Record};
use crate::domain::incident::{CommandRun, Incident, Mark, Note};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use std::collections::HashSet;
use std::fmt::Write as _;

pub struct Draft<'a> {
    pub records: &'a [Record],
    pub inc: &'a Incident,
    pub tz: Tz,
    pub metrics: Vec<Metric>,
    pub severity: SeverityTimes,
    pub out_of_order: Vec<OutOfOrder>,
    pub timeline: Vec<Item<'a>>,
    pub execution: Execution<'a>,
    /// Everyone who recorded something, held a role or signed off, in order of appearance.
    pub responders: Vec<&'a str>,
    /// Finished commands, in journal order: the appendix of outputs.
    pub outputs: Vec<&'a Record>,
    /// Commands started with no result recorded ("interrupted, result unknown"), in journal
    /// order: listed in the appendix after the finished ones.
    pub unfinished: Vec<&'a CommandRun>,
    /// The fold's warnings that are still true (see `fold_warnings`).
    pub journal_warnings: Vec<&'a str>,
    /// `runbook milestone X` records of a milestone that was already set: the key times keep
    /// the first, so these are pointed out rather than silently shown in the timeline only.
    pub repeated: Vec<(&'a Record, Milestone)>,
    /// The incident's date where it started, in `tz`: times on that day are shown bare.
    day: NaiveDate,
}

impl<'a> Draft<'a> {
    pub fn new(records: &'a [Record], inc: &'a Incident, opts: &Options) -> Draft<'a> {
        let tz = opts.tz;
        let day = inc.started_at().with_timezone(&tz).date_naive();
        Draft {
            records,
            inc,
            tz,
            metrics: metrics::metrics(inc),
            severity: metrics::severity_times(inc),
            out_of_order: metrics::out_of_order(inc),
            timeline: timeline::build(records),
            execution: execution::build(records, inc),
            responders: responders(records),
            outputs: records
                .iter()
                .filter(|r| matches!(r.event, Event::Known(Known::CommandFinished { .. })))
                .collect(),
            unfinished: inc.commands.iter().filter(|c| c.result_unknown()).collect(),
            journal_warnings: fold_warnings(inc),
            repeated: repeated(records, inc),
            day,
        }
    }

    /// Every warning, as plain text with UTC times: the fold's (still true) and milestones
    /// out of order. For the JSON.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .inc
            .overrides
            .iter()
            .map(|o| {
                format!(
                    "BREAK GLASS: the sign-off of step \"{}\" was overridden by {} at {} (record {}): {}",
                    o.step,
                    o.by,
                    stamp(o.at),
                    o.seq,
                    o.reason
                )
            })
            .collect();
        out.extend(self.unfinished.iter().map(|c| {
            format!(
                "the command of step \"{}\" started at {} (record {}) has no result: {}",
                c.step,
                stamp(c.started),
                c.run,
                crate::domain::command::RESULT_UNKNOWN
            )
        }));
        out.extend(self.journal_warnings.iter().map(|w| w.to_string()));
        out.extend(self.repeated.iter().filter_map(|(r, m)| {
            let first = self.inc.milestones.get(m)?;
            Some(format!(
                "milestone {m} recorded at {1} (record {0}) was superseded by record {2} at {3}",
                r.seq,
                stamp(r.at),
                first.seq,
                stamp(first.at)
            ))
        }));
        out.extend(self.out_of_order.iter().map(|o| {
            format!(
                "milestone {} at {} is earlier than {} at {}",
                o.milestone,
                stamp(o.at),
                o.after,
                stamp(o.after_at)
            )
        }));
        out
    }

    /// The zone times are shown in, as named in headers (`UTC`, `America/Los_Angeles`).
    pub fn zone(&self) -> &'static str {
        self.tz.name()
    }

    /// A time for the reader: `22:15` on the incident's day, `2022-05-31 00:05` on another.
    pub fn when(&self, t: DateTime<Utc>) -> String {
        let mut out = String::with_capacity(16);
        self.push_when(&mut out, t);
        out
    }

    /// `when`, appended to `out` (formatted by hand: this runs once or twice per record).
    pub fn push_when(&self, out: &mut String, t: DateTime<Utc>) {
        let local = t.with_timezone(&self.tz).naive_local();
        if local.date() != self.day {
            let _ = write!(out, "{:04}-", local.year());
            two_digits(out, local.month());
            out.push('-');
            two_digits(out, local.day());
            out.push(' ');
        }
        two_digits(out, local.hour());
        out.push(':');
        two_digits(out, local.minute());
    }

    /// The incident's date (`2022-05-30`) in the display zone.
    pub fn date(&self) -> String {
        self.day.format("%Y-%m-%d").to_string()
    }

    pub fn milestone(&self, m: Milestone) -> Option<&'a Mark> {
        self.inc.milestones.get(&m)
    }

    /// Notes (not action items) that happened in `[from, to]`, at most `max`, in time order.
    pub fn notes_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        max: usize,
    ) -> Vec<&'a Note> {
        let mut notes: Vec<&Note> = self
            .inc
            .notes
            .iter()
            .filter(|n| !n.action_item && n.at >= from && n.at <= to)
            .collect();
        notes.sort_by_key(|n| n.at);
        notes.truncate(max);
        notes
    }

    /// The record with this sequence number.
    pub fn record(&self, seq: u64) -> Option<&'a Record> {
        // seq is 1, 2, 3... with no gaps (the fold checked), so it is an index.
        let i = usize::try_from(seq).ok()?.checked_sub(1)?;
        self.records.get(i).filter(|r| r.seq == seq)
    }
}

/// The fold's warnings, less its checks of milestones against the start: it makes those
/// when each milestone is recorded, against the start known then (the opening time until a
/// `started` milestone arrives), so they go stale. `metrics::out_of_order` checks every
/// milestone against the final record instead.
fn fold_warnings(inc: &Incident) -> Vec<&str> {
    inc.warnings
        .iter()
        .map(String::as_str)
        .filter(|w| !w.starts_with("milestone "))
        .collect()
}

/// Room for the Markdown of a journal of `records` records: generous, so the text is never
/// copied to grow (reserved pages that are never written cost no memory).
pub fn capacity(records: usize) -> usize {
    8192 + records * 256
}

/// `07`, `23`: for the hot path, without the formatting machinery.
fn two_digits(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Records of a milestone that the key times do not use: earlier explicit records superseded
/// by a correction, and a step's milestone superseded by an explicit record. (A loop passing a
/// milestone step again is not a correction: the first pass stands, and is not listed.)
fn repeated<'a>(records: &'a [Record], inc: &Incident) -> Vec<(&'a Record, Milestone)> {
    let step_milestone = |id: &str| inc.runbook.step(id).and_then(|s| s.milestone);
    records
        .iter()
        .filter_map(|r| match &r.event {
            Event::Known(Known::Milestone { milestone }) => Some((r, *milestone, true)),
            Event::Known(Known::StepCompleted {
                step,
                outcome: Outcome::Ok,
            })
            | Event::Known(Known::DecisionMade { step, .. }) => {
                step_milestone(step).map(|m| (r, m, false))
            }
            _ => None,
        })
        .filter(|(r, m, explicit)| {
            inc.milestones
                .get(m)
                .is_some_and(|used| used.seq != r.seq && (*explicit || used.step.is_none()))
        })
        .map(|(r, m, _)| (r, m))
        .collect()
}

fn responders(records: &[Record]) -> Vec<&str> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in records {
        let mut names: [Option<&str>; 2] = [Some(r.author.as_str()), None];
        match &r.event {
            Event::Known(Known::RoleAssigned { person, .. }) => names[1] = Some(person),
            Event::Known(Known::SignoffGiven { by, .. }) => names[1] = Some(by),
            _ => {}
        }
        for name in names.into_iter().flatten() {
            if seen.insert(name) {
                out.push(name);
            }
        }
    }
    out
}
