//! `Incident = fold(records)`: where an incident stands, derived from its journal and nothing
//! else. Pure: no IO, no clock. The screen, `status` and the export are projections of this.
//!
//! The fold accepts any well-formed journal, since what is recorded is history; the rules an
//! action must pass before it is appended are `rules::check`.
//!
//! Here: `Incident`, `fold` and what the folded incident answers; the pieces it holds are in
//! `state`, and how each record changes them is `apply`.

use super::event::{Event, Known, Record, ScenarioPin};
use super::{Milestone, Runbook, Severity};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;

mod apply;
mod state;

pub use state::{
    CommandRun, Comms, Mark, Note, Override, RoleChange, Signoff, Status, StepState, Taken,
};

/// Parses pinned runbook source (the caller provides `crate::store::parse_runbook`, so this
/// module does not depend on the loader). Shared (`Arc`): a team's incidents pin few distinct
/// runbooks, and every incident folded from the same source holds the same one, not a copy.
pub type Parse<'a> = &'a dyn Fn(&str) -> Result<Arc<Runbook>, String>;

/// The folded state of one incident.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub drill: bool,
    /// The runbook version it runs: the pinned one, or the last adopted.
    pub runbook: Arc<Runbook>,
    pub runbook_sha256: String,
    pub vars: Vec<(String, String)>,
    pub opened: DateTime<Utc>,
    pub opened_by: String,
    pub closed: Option<DateTime<Utc>>,
    pub severity: Severity,
    /// Every severity with when it took effect, starting with the opening one.
    pub severity_history: Vec<(DateTime<Utc>, Severity)>,
    /// Aligned with `runbook.steps`.
    pub steps: Vec<StepState>,
    /// Steps of an earlier runbook version that the adopted one no longer has.
    pub retired: Vec<(super::Step, StepState)>,
    /// The step the runbook is at (None when it has ended).
    pub current: Option<usize>,
    pub path: Vec<Taken>,
    pub milestones: BTreeMap<Milestone, Mark>,
    pub roles: Vec<RoleChange>,
    pub notes: Vec<Note>,
    pub comms: Vec<Comms>,
    pub commands: Vec<CommandRun>,
    /// Break-glass overrides of sign-offs, in journal order.
    pub overrides: Vec<Override>,
    /// Sequence numbers of records of kinds this version does not know.
    pub unknown: Vec<u64>,
    /// Things worth flagging that are not errors (chronology, references to unknown steps).
    pub warnings: Vec<String>,
    pub last_seq: u64,
    pub last_at: DateTime<Utc>,
    /// A drill's pinned scenario (`drill_configured`). Kept as source: callers parse it with
    /// `crate::drill::scenario`, so the domain does not depend on the scenario format.
    pub scenario: Option<ScenarioPin>,
    /// A drill's clock speed (`drill_configured`); None runs on real time.
    pub speed: Option<f64>,
    /// Injects announced so far: (1-based inject number, when), in journal order.
    pub injects: Vec<(usize, DateTime<Utc>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FoldError {
    Empty,
    NotOpened { seq: u64 },
    Gap { expected: u64, found: u64 },
    OpenedTwice { seq: u64 },
    BadRunbook { seq: u64, why: String },
}

impl std::fmt::Display for FoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FoldError::Empty => write!(f, "the journal is empty"),
            FoldError::NotOpened { seq } => {
                write!(f, "record {seq}: the first record must be incident_opened")
            }
            FoldError::Gap { expected, found } => {
                write!(f, "seq gap: expected {expected}, found {found}")
            }
            FoldError::OpenedTwice { seq } => write!(f, "record {seq}: a second incident_opened"),
            FoldError::BadRunbook { seq, why } => {
                write!(f, "record {seq}: the pinned runbook cannot be read: {why}")
            }
        }
    }
}

impl std::error::Error for FoldError {}

/// Folds a whole journal.
pub fn fold(records: &[Record], parse: Parse<'_>) -> Result<Incident, FoldError> {
    let (first, rest) = records.split_first().ok_or(FoldError::Empty)?;
    let mut inc = Incident::open(first, parse)?;
    for r in rest {
        inc.apply(r, parse)?;
    }
    Ok(inc)
}

impl Incident {
    /// The state right after the opening record.
    pub fn open(r: &Record, parse: Parse<'_>) -> Result<Incident, FoldError> {
        if r.seq != 1 {
            return Err(FoldError::Gap {
                expected: 1,
                found: r.seq,
            });
        }
        let Event::Known(Known::IncidentOpened {
            incident,
            title,
            severity,
            runbook_sha256,
            runbook_source,
            vars,
            drill,
            ..
        }) = &r.event
        else {
            return Err(FoldError::NotOpened { seq: r.seq });
        };
        let runbook =
            parse(runbook_source).map_err(|why| FoldError::BadRunbook { seq: r.seq, why })?;
        let steps = runbook
            .steps
            .iter()
            .map(|s| StepState::new(s.checklist.len()))
            .collect();
        Ok(Incident {
            id: incident.clone(),
            title: title.clone(),
            drill: *drill,
            runbook_sha256: runbook_sha256.clone(),
            vars: vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            opened: r.at,
            opened_by: r.author.clone(),
            closed: None,
            severity: *severity,
            severity_history: vec![(r.at, *severity)],
            steps,
            retired: Vec::new(),
            current: Some(0),
            path: Vec::new(),
            milestones: BTreeMap::new(),
            roles: Vec::new(),
            notes: Vec::new(),
            comms: Vec::new(),
            commands: Vec::new(),
            overrides: Vec::new(),
            unknown: Vec::new(),
            warnings: Vec::new(),
            last_seq: 1,
            last_at: r.at,
            scenario: None,
            speed: None,
            injects: Vec::new(),
            runbook,
        })
    }

    /// When the incident started: the `started` milestone if recorded, else when it was opened.
    pub fn started_at(&self) -> DateTime<Utc> {
        self.milestones
            .get(&Milestone::Started)
            .map_or(self.opened, |m| m.at)
    }

    /// The person holding each role now, in the order roles were first assigned.
    pub fn current_roles(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for rc in &self.roles {
            match out.iter_mut().find(|(r, _)| *r == rc.role) {
                Some(e) => e.1 = rc.person.clone(),
                None => out.push((rc.role.clone(), rc.person.clone())),
            }
        }
        out
    }

    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    pub fn action_items(&self) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(|n| n.action_item)
    }

    pub fn count(&self, status: Status) -> usize {
        self.steps.iter().filter(|s| s.status == status).count()
    }
}

/// A note starting with `TODO:` is an action item.
pub fn is_todo(text: &str) -> bool {
    text.trim_start()
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("todo:"))
}
