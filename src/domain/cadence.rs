//! When the next status update is due. A comms step with `every` sets a cadence; each update
//! sent for it (or sent without naming a step: an update is an update) starts the next
//! interval. The cadence stops once the incident is resolved or closed: nobody is chased for
//! updates on an incident that is over. Pure.

use super::incident::Incident;
use super::{Milestone, StepKind};
use chrono::{DateTime, Utc};

/// Where the update cadence stands at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// No update sent yet for a step that sets a cadence.
    NeverSent,
    /// The next update is due at this time (in the future).
    Next(DateTime<Utc>),
    /// The update due at this time was not sent.
    Overdue(DateTime<Utc>),
}

/// The cadence at `now`, or None when there is none (no cadence, resolved, closed).
pub fn at(inc: &Incident, now: DateTime<Utc>) -> Option<Cadence> {
    if inc.is_closed() || inc.milestones.contains_key(&Milestone::Resolved) {
        return None;
    }
    let mut due: Option<DateTime<Utc>> = None;
    let mut never_sent = false;
    for step in &inc.runbook.steps {
        let StepKind::Comms {
            every: Some(every), ..
        } = &step.kind
        else {
            continue;
        };
        let last = inc
            .comms
            .iter()
            .filter(|c| c.step.as_deref().is_none_or(|s| s == step.id))
            .map(|c| c.at)
            .max();
        match last {
            Some(at) => {
                if let Some(next) = later(at, every.secs()) {
                    due = Some(due.map_or(next, |d| d.min(next)));
                }
            }
            None => never_sent = true,
        }
    }
    match due {
        Some(d) if now < d => Some(Cadence::Next(d)),
        Some(d) => Some(Cadence::Overdue(d)),
        None if never_sent => Some(Cadence::NeverSent),
        None => None,
    }
}

/// `t` plus `secs` seconds, or None past what a time can hold.
fn later(t: DateTime<Utc>, secs: u64) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(secs).ok()?;
    t.checked_add_signed(chrono::TimeDelta::try_seconds(secs)?)
}
