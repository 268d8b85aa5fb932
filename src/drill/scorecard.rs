//! The drill's scorecard: how the responders did against the scenario. Time to each milestone
//! against its target, steps that ran over their `target`, steps skipped, each inject with how
//! long it took for the next responder action, and the notes taken. Pure: computed here from
//! the folded incident and its records; rendered as text (the TUI) or Markdown (the export) by
//! `render`.
//!
//! Every time is drill time, measured from the drill's start (when it was opened).

pub use super::render::{hms, render_markdown, render_text};

use super::scenario::Scenario;
use crate::domain::describe::describe;
use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::{Incident, Status};
use crate::domain::{Dur, Milestone};
use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, PartialEq)]
pub struct Scorecard {
    pub incident: String,
    pub title: String,
    pub runbook: String,
    /// The scenario's id and title, when the drill has one.
    pub scenario: Option<(String, String)>,
    pub speed: Option<f64>,
    /// The drill's start: when it was opened.
    pub started: DateTime<Utc>,
    /// When it was closed, else its latest record.
    pub ended: DateTime<Utc>,
    pub closed: bool,
    pub milestones: Vec<MilestoneRow>,
    pub overruns: Vec<Overrun>,
    pub skipped: Vec<Skipped>,
    pub injects: Vec<InjectRow>,
    pub notes: Vec<NoteRow>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Reached no later than its target.
    Met,
    Missed,
    /// Has a target and was never reached.
    NotReached,
    /// Reached; the scenario set no target for it.
    NoTarget,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MilestoneRow {
    pub milestone: Milestone,
    /// Time from the drill's start (negative when backdated before it).
    pub reached: Option<Duration>,
    pub target: Option<Dur>,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Overrun {
    pub step: String,
    pub title: String,
    pub took: Duration,
    pub target: Dur,
    /// Still running when the scorecard was computed (measured to `Scorecard::ended`).
    pub active: bool,
}

impl Overrun {
    pub fn over_by(&self) -> Duration {
        self.took
            .checked_sub(&secs(self.target))
            .unwrap_or(Duration::MIN)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub step: String,
    pub title: String,
    pub reason: String,
    pub at: Duration,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InjectRow {
    pub number: usize,
    pub text: String,
    /// When the scenario has it fire (None for an inject the scenario does not have).
    pub due: Option<Duration>,
    /// When it was announced (None: not yet, or never).
    pub fired: Option<Duration>,
    /// The first responder action after it.
    pub response: Option<Response>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// How long after the inject.
    pub after: Duration,
    pub seq: u64,
    pub by: String,
    /// The action, as the timeline describes it.
    pub what: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NoteRow {
    pub at: Duration,
    pub by: String,
    pub text: String,
    pub action_item: bool,
    pub decision: bool,
}

/// A target as a chrono duration.
pub(super) fn secs(d: Dur) -> Duration {
    d.delta()
}

/// Is this record something a responder did? Injects and the drill's own set-up are not, nor
/// is a command finishing (the runner records it; starting it was the action), nor a kind this
/// version cannot read.
fn is_response(r: &Record) -> bool {
    match &r.event {
        Event::Unknown { .. } => false,
        Event::Known(k) => !matches!(
            k,
            Known::IncidentOpened { .. }
                | Known::DrillConfigured { .. }
                | Known::InjectFired { .. }
                | Known::CommandFinished { .. }
        ),
    }
}

impl Scorecard {
    /// Scores a drill from its folded state and its records (the same journal).
    pub fn compute(inc: &Incident, records: &[Record], scenario: Option<&Scenario>) -> Scorecard {
        let started = inc.opened;
        let latest = records.iter().map(|r| r.ts).max().unwrap_or(inc.last_at);
        let ended = inc.closed.unwrap_or(latest.max(inc.last_at));

        let milestones = milestone_rows(inc, scenario);
        let (overruns, skipped) = step_rows(inc, ended);
        let injects = inject_rows(inc, records, scenario, started);

        let notes = note_rows(inc);

        Scorecard {
            incident: inc.id.clone(),
            title: inc.title.clone(),
            runbook: inc.runbook.id.clone(),
            scenario: scenario.map(|s| (s.id.clone(), s.title.clone())),
            speed: inc.speed,
            started,
            ended,
            closed: inc.is_closed(),
            milestones,
            overruns,
            skipped,
            injects,
            notes,
        }
    }

    /// How long the drill ran, in drill time.
    pub fn length(&self) -> Duration {
        self.ended - self.started
    }

    pub fn fired(&self) -> usize {
        self.injects.iter().filter(|i| i.fired.is_some()).count()
    }
}

/// Each milestone reached or targeted, against the scenario's target.
fn milestone_rows(inc: &Incident, scenario: Option<&Scenario>) -> Vec<MilestoneRow> {
    let since = |t: DateTime<Utc>| t - inc.opened;
    Milestone::ALL
        .iter()
        .filter(|m| **m != Milestone::Started)
        .filter_map(|m| {
            let reached = inc.milestones.get(m).map(|mk| since(mk.at));
            let target = scenario.and_then(|s| s.targets.get(m)).copied();
            let verdict = match (reached, target) {
                (None, None) => return None,
                (None, Some(_)) => Verdict::NotReached,
                (Some(_), None) => Verdict::NoTarget,
                (Some(r), Some(t)) if r <= secs(t) => Verdict::Met,
                (Some(_), Some(_)) => Verdict::Missed,
            };
            Some(MilestoneRow {
                milestone: *m,
                reached,
                target,
                verdict,
            })
        })
        .collect()
}

/// The steps over their target (an active one counted up to `ended`), and the skipped ones.
fn step_rows(inc: &Incident, ended: DateTime<Utc>) -> (Vec<Overrun>, Vec<Skipped>) {
    let started = inc.opened;
    let since = |t: DateTime<Utc>| t - started;
    let mut overruns = Vec::new();
    let mut skipped = Vec::new();
    for (def, st) in inc.runbook.steps.iter().zip(&inc.steps) {
        if st.status == Status::Skipped {
            skipped.push(Skipped {
                step: def.id.to_string(),
                title: def.title.clone(),
                reason: st.skip_reason.clone().unwrap_or_default(),
                at: since(st.ended.unwrap_or(started)),
            });
            continue;
        }
        let (Some(target), Some(start)) = (def.target, st.started) else {
            continue;
        };
        let active = st.status == Status::Active;
        let end = match st.ended {
            Some(e) if !active => e,
            _ if active => ended,
            _ => continue,
        };
        let took = end - start;
        if took > secs(target) {
            overruns.push(Overrun {
                step: def.id.to_string(),
                title: def.title.clone(),
                took,
                target,
                active,
            });
        }
    }
    (overruns, skipped)
}

/// The drill's notes, in drill time.
fn note_rows(inc: &Incident) -> Vec<NoteRow> {
    let since = |t: DateTime<Utc>| t - inc.opened;
    inc.notes
        .iter()
        .map(|n| NoteRow {
            at: since(n.at),
            by: n.by.clone(),
            text: n.text.clone(),
            action_item: n.action_item,
            decision: n.decision,
        })
        .collect()
}

/// Every inject of the scenario in firing order, then any fired ones it does not have.
fn inject_rows(
    inc: &Incident,
    records: &[Record],
    scenario: Option<&Scenario>,
    started: DateTime<Utc>,
) -> Vec<InjectRow> {
    let fired_record = |n: usize| {
        records.iter().position(
            |r| matches!(&r.event, Event::Known(Known::InjectFired { inject, .. }) if *inject == n),
        )
    };
    let row = |number: usize, text: String, due: Option<Duration>| {
        let Some(i) = fired_record(number) else {
            return InjectRow {
                number,
                text,
                due,
                fired: None,
                response: None,
            };
        };
        let fired = &records[i];
        let response = records[i + 1..]
            .iter()
            .find(|r| is_response(r))
            .map(|r| Response {
                after: r.ts - fired.ts,
                seq: r.seq,
                by: r.author.clone(),
                what: describe(r, Some(inc)),
            });
        InjectRow {
            number,
            text,
            due,
            fired: Some(fired.at - started),
            response,
        }
    };
    let mut rows: Vec<InjectRow> = Vec::new();
    if let Some(s) = scenario {
        let mut injects: Vec<_> = s.injects.iter().collect();
        injects.sort_by_key(|i| (i.at, i.number));
        rows.extend(
            injects
                .into_iter()
                .map(|i| row(i.number, i.text.clone(), Some(i.at))),
        );
    }
    for r in records {
        if let Event::Known(Known::InjectFired { inject, text, .. }) = &r.event
            && !rows.iter().any(|row| row.number == *inject)
        {
            rows.push(row(*inject, text.clone(), None));
        }
    }
    rows
}
