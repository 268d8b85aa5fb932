//! `Incident = fold(records)`: where an incident stands, derived from its journal and nothing
//! else. Pure: no IO, no clock. The screen, `status` and the export are projections of this.
//!
//! The fold accepts any well-formed journal, since what is recorded is history; the rules an
//! action must pass before it is appended are `rules::check`.

use super::event::{Event, Known, Outcome, Record, ScenarioPin};
use super::{Milestone, Runbook, Severity, StepKind};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Parses pinned runbook source (the caller provides `crate::runbook::parse_source`, so this
/// module does not depend on the loader).
pub type Parse<'a> = &'a dyn Fn(&str) -> Result<Runbook, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Active,
    Done,
    Failed,
    Skipped,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Active,
        Status::Done,
        Status::Failed,
        Status::Skipped,
    ];

    /// The status's one name, as `status --json` and the screen spell it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepState {
    pub status: Status,
    pub started: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    /// Who ended its latest run (completed, failed, skipped or took the decision).
    pub ended_by: Option<String>,
    /// Who started the step's latest run (the author of its last `step_started`).
    pub started_by: Option<String>,
    pub skip_reason: Option<String>,
    pub checklist: Vec<bool>,
    /// Who signed off most recently (shown; also after the sign-off was used).
    pub signed_off_by: Option<String>,
    /// The sign-off or break-glass override given for a run of the step and not yet used by
    /// a completion. It counts only for the run it was given for (`Signoff::run`): see
    /// `StepState::signoff`.
    pub signoff: Option<Signoff>,
    /// How many times the step was started (loops run steps again).
    pub runs: u32,
}

/// A sign-off, or a break-glass override standing in for one.
#[derive(Clone, Debug, PartialEq)]
pub struct Signoff {
    /// Who gave it: the record's author, never a name someone typed.
    pub by: String,
    pub at: DateTime<Utc>,
    pub seq: u64,
    /// The run it is for: the run in progress when it was given, else the next one.
    pub run: u32,
    /// Set for a break-glass override: the reason given.
    pub overridden: Option<String>,
}

impl StepState {
    fn new(checklist_len: usize) -> StepState {
        StepState {
            status: Status::Pending,
            started: None,
            ended: None,
            ended_by: None,
            started_by: None,
            skip_reason: None,
            checklist: vec![false; checklist_len],
            signed_off_by: None,
            signoff: None,
            runs: 0,
        }
    }

    pub fn duration(&self) -> Option<chrono::Duration> {
        Some(self.ended? - self.started?)
    }

    /// The run a sign-off given now is for: the one in progress, else the next one.
    pub fn run_now(&self) -> u32 {
        if self.status == Status::Active {
            self.runs
        } else {
            self.runs.saturating_add(1)
        }
    }

    /// The unused sign-off (or override) that counts for the step's current run.
    pub fn signoff(&self) -> Option<&Signoff> {
        self.signoff.as_ref().filter(|s| s.run == self.run_now())
    }
}

/// A break-glass override, as the export and `status` flag it.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub by: String,
    pub step: String,
    pub reason: String,
}

/// A milestone as first recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at: DateTime<Utc>,
    pub by: String,
    pub seq: u64,
    /// The step whose completion recorded it, if any.
    pub step: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
    pub action_item: bool,
    pub decision: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Taken {
    pub step: String,
    pub choice: usize,
    pub label: String,
    pub next: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoleChange {
    pub role: String,
    pub person: String,
    pub at: DateTime<Utc>,
}

/// One run of a step's command: its `command_started` and, once recorded, its
/// `command_finished`.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandRun {
    /// The run's id: the `seq` of its `command_started` (of its finish, when no start was
    /// recorded).
    pub run: u64,
    pub step: String,
    pub command: String,
    pub started: DateTime<Utc>,
    /// How long it was allowed to run (None in journals of older versions).
    pub timeout_s: Option<u64>,
    /// None when it was killed, or when no result was recorded.
    pub exit_code: Option<i32>,
    /// When its `command_finished` says it ended; None: no result was recorded (see
    /// `result_unknown`).
    pub finished: Option<DateTime<Utc>>,
    pub timed_out: bool,
    pub interrupted: bool,
    pub output_excerpt: String,
    pub output_sha256: String,
    /// Everything it printed, in bytes (None in journals of older versions).
    pub output_bytes: Option<u64>,
    /// The saved output stops at the cap.
    pub output_cut: bool,
    pub output_path: Option<String>,
}

impl CommandRun {
    fn started(run: u64, step: &str, command: &str, at: DateTime<Utc>) -> CommandRun {
        CommandRun {
            run,
            step: step.to_string(),
            command: command.to_string(),
            started: at,
            timeout_s: None,
            exit_code: None,
            finished: None,
            timed_out: false,
            interrupted: false,
            output_excerpt: String::new(),
            output_sha256: String::new(),
            output_bytes: None,
            output_cut: false,
            output_path: None,
        }
    }

    /// No `command_finished` answers it: whatever ran it stopped before recording the result
    /// (killed, crashed, the machine went down). It is shown as "interrupted, result unknown",
    /// never as running: a process running a command knows that by itself.
    pub fn result_unknown(&self) -> bool {
        self.finished.is_none()
    }

    /// How it ended, in words (`super::command::ending`).
    pub fn ending(&self) -> String {
        if self.result_unknown() {
            return super::command::RESULT_UNKNOWN.to_string();
        }
        super::command::ending(self.exit_code, self.timed_out, self.interrupted)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comms {
    pub at: DateTime<Utc>,
    pub by: String,
    pub step: Option<String>,
    pub text: String,
}

/// The folded state of one incident.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub drill: bool,
    pub runbook: Runbook,
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

    /// Applies the next record. Records that name steps the runbook lacks are kept as warnings.
    pub fn apply(&mut self, r: &Record, parse: Parse<'_>) -> Result<(), FoldError> {
        if r.seq != self.last_seq + 1 {
            return Err(FoldError::Gap {
                expected: self.last_seq + 1,
                found: r.seq,
            });
        }
        self.apply_next(r, parse)
    }

    /// Applies a record whose place was checked by the caller: the next record of a single
    /// journal (`apply`), or the next in the merged order of several logs (`merge`).
    /// `last_seq` counts the records folded.
    pub(super) fn apply_next(&mut self, r: &Record, parse: Parse<'_>) -> Result<(), FoldError> {
        self.last_seq = self.last_seq.saturating_add(1);
        self.last_at = self.last_at.max(r.at);
        let k = match &r.event {
            Event::Unknown { .. } => {
                self.unknown.push(r.seq);
                return Ok(());
            }
            Event::Known(k) => k,
        };
        match k {
            Known::IncidentOpened { .. } => return Err(FoldError::OpenedTwice { seq: r.seq }),
            Known::StepStarted { step } => {
                if let Some(i) = self.index(step, r.seq) {
                    let s = &mut self.steps[i];
                    s.status = Status::Active;
                    s.started = Some(r.at);
                    s.ended = None;
                    s.ended_by = None;
                    s.runs = s.runs.saturating_add(1);
                    s.started_by = Some(r.author.clone());
                    self.current = Some(i);
                }
            }
            Known::StepCompleted { step, outcome } => {
                if let Some(i) = self.index(step, r.seq) {
                    self.finish(
                        i,
                        r,
                        if *outcome == Outcome::Ok {
                            Status::Done
                        } else {
                            Status::Failed
                        },
                    );
                    if *outcome == Outcome::Ok {
                        self.milestone_from_step(i, r);
                        // The sign-off allowed this completion; a later run needs a new one.
                        self.steps[i].signoff = None;
                    }
                    self.advance_from(i);
                }
            }
            Known::StepSkipped { step, reason } => {
                if let Some(i) = self.index(step, r.seq) {
                    self.finish(i, r, Status::Skipped);
                    self.steps[i].skip_reason = Some(reason.clone());
                    let was_here = self.current.is_none_or(|c| c == i);
                    self.advance_from(i);
                    // A skipped decision took no branch: go on in file order.
                    let decision = matches!(self.runbook.steps[i].kind, StepKind::Decision { .. });
                    if was_here && decision && self.current.is_none() && i + 1 < self.steps.len() {
                        self.current = Some(i + 1);
                    }
                }
            }
            Known::DecisionMade {
                step,
                choice,
                label,
                next,
            } => {
                if let Some(i) = self.index(step, r.seq) {
                    self.finish(i, r, Status::Done);
                    self.milestone_from_step(i, r);
                    self.steps[i].signoff = None;
                    self.path.push(Taken {
                        step: step.clone(),
                        choice: *choice,
                        label: label.clone(),
                        next: next.clone(),
                        at: r.at,
                    });
                    self.current = self.runbook.step_index(next);
                }
            }
            Known::ChecklistToggled {
                step,
                item,
                checked,
            } => {
                if let Some(i) = self.index(step, r.seq) {
                    match self.steps[i].checklist.get_mut(item.wrapping_sub(1)) {
                        Some(c) => *c = *checked,
                        None => self.warnings.push(format!(
                            "record {}: step \"{step}\" has no checklist item {item}",
                            r.seq
                        )),
                    }
                }
            }
            Known::NoteAdded {
                text,
                action_item,
                decision,
            } => self.notes.push(Note {
                seq: r.seq,
                at: r.at,
                by: r.author.clone(),
                text: text.clone(),
                action_item: *action_item || is_todo(text),
                decision: *decision,
            }),
            Known::Milestone { milestone } => self.mark(*milestone, r, None, true),
            Known::SeverityChanged { severity } => {
                self.severity = *severity;
                self.severity_history.push((r.at, *severity));
            }
            Known::RoleAssigned { role, person } => self.roles.push(RoleChange {
                role: role.clone(),
                person: person.clone(),
                at: r.at,
            }),
            Known::SignoffGiven { step, by } => {
                if let Some(i) = self.index(step, r.seq) {
                    if by.trim() != r.author.trim() {
                        self.warnings.push(format!(
                            "record {}: a sign-off of step \"{step}\" naming {by} was recorded by {}; it counts as {}'s",
                            r.seq, r.author, r.author
                        ));
                    }
                    self.sign(i, r, None);
                }
            }
            Known::SignoffOverridden { step, reason } => {
                if let Some(i) = self.index(step, r.seq) {
                    self.sign(i, r, Some(reason.clone()));
                    self.overrides.push(Override {
                        seq: r.seq,
                        at: r.at,
                        by: r.author.clone(),
                        step: step.clone(),
                        reason: reason.clone(),
                    });
                }
            }
            Known::CommsSent { step, text } => self.comms.push(Comms {
                at: r.at,
                by: r.author.clone(),
                step: step.clone(),
                text: text.clone(),
            }),
            Known::CommandStarted {
                step,
                command,
                timeout_s,
            } => {
                let mut run = CommandRun::started(r.seq, step, command, r.at);
                run.timeout_s = *timeout_s;
                self.commands.push(run);
            }
            Known::CommandFinished { .. } => self.command_finished(k, r),
            Known::RunbookAdopted {
                runbook_sha256,
                runbook_source,
            } => match parse(runbook_source) {
                Ok(new) => self.adopt(new, runbook_sha256.clone()),
                // History stays readable: the incident goes on with the version it had.
                Err(why) => self.warnings.push(format!(
                    "record {}: the adopted runbook cannot be read ({why}); the incident keeps the version it had",
                    r.seq
                )),
            },
            Known::IncidentClosed { .. } => self.closed = Some(r.at),
            Known::DrillConfigured { scenario, speed } => {
                if !self.drill {
                    self.warnings.push(format!(
                        "record {}: a drill configuration in an incident that is not a drill",
                        r.seq
                    ));
                }
                if self.scenario.is_some() || self.speed.is_some() {
                    // The first configuration is the pin; a later one cannot change the drill.
                    self.warnings.push(format!(
                        "record {}: the drill was already configured; this one is ignored",
                        r.seq
                    ));
                } else {
                    self.scenario = scenario.clone();
                    self.speed = *speed;
                }
            }
            Known::InjectFired { inject, .. } => {
                if self.injects.iter().any(|(n, _)| n == inject) {
                    self.warnings.push(format!(
                        "record {}: inject {inject} was already announced",
                        r.seq
                    ));
                }
                self.injects.push((*inject, r.at));
            }
        }
        Ok(())
    }

    /// Matches a finish to its start: by `run` when the record names it, else (older
    /// journals) the step's last unfinished run.
    fn command_finished(&mut self, k: &Known, r: &Record) {
        let Known::CommandFinished {
            step,
            command,
            run,
            exit_code,
            timed_out,
            interrupted,
            output_excerpt,
            output_sha256,
            output_bytes,
            output_cut,
            output_path,
            ..
        } = k
        else {
            return;
        };
        let open = self.commands.iter().rposition(|c| match run {
            Some(id) => c.run == *id && c.finished.is_none(),
            None => c.step == *step && c.finished.is_none(),
        });
        let i = match open {
            Some(i) => i,
            None => {
                if let Some(id) = run {
                    self.warnings.push(format!(
                        "record {}: a command result for run {id}, which is not an unfinished command_started",
                        r.seq
                    ));
                }
                // Its start was not recorded (an older runner died, or a hand edit).
                self.commands
                    .push(CommandRun::started(r.seq, step, command, r.at));
                self.commands.len() - 1
            }
        };
        let c = &mut self.commands[i];
        c.exit_code = *exit_code;
        c.finished = Some(r.at);
        c.timed_out = *timed_out;
        c.interrupted = *interrupted;
        c.output_excerpt = output_excerpt.clone();
        c.output_sha256 = output_sha256.clone();
        c.output_bytes = *output_bytes;
        c.output_cut = *output_cut;
        c.output_path = output_path.clone();
    }

    fn index(&mut self, step: &str, seq: u64) -> Option<usize> {
        let i = self.runbook.step_index(step);
        if i.is_none() {
            self.warnings
                .push(format!("record {seq}: no step \"{step}\" in the runbook"));
        }
        i
    }

    /// Records a sign-off (or an override) by the record's author for the step's current run.
    fn sign(&mut self, i: usize, r: &Record, overridden: Option<String>) {
        let s = &mut self.steps[i];
        if overridden.is_none() {
            s.signed_off_by = Some(r.author.clone());
        }
        s.signoff = Some(Signoff {
            by: r.author.clone(),
            at: r.at,
            seq: r.seq,
            run: s.run_now(),
            overridden,
        });
    }

    fn finish(&mut self, i: usize, r: &Record, status: Status) {
        let s = &mut self.steps[i];
        s.status = status;
        s.started.get_or_insert(r.at);
        s.ended = Some(r.at);
        s.ended_by = Some(r.author.clone());
    }

    /// Where the runbook goes after step `i` (its first successor; decisions go by choice).
    fn after(&self, i: usize) -> Option<usize> {
        if matches!(self.runbook.steps[i].kind, StepKind::Decision { .. }) {
            return self.current.filter(|&c| c != i);
        }
        self.runbook.successors(i).first().copied()
    }

    /// After step `i` ends: if the runbook was at `i` (or nowhere), it moves on along the flow.
    /// Finishing some other step out of turn does not move it backwards.
    fn advance_from(&mut self, i: usize) {
        if self.current.is_none_or(|c| c == i) {
            self.current = self.after(i);
        }
    }

    fn milestone_from_step(&mut self, i: usize, r: &Record) {
        if let Some(m) = self.runbook.steps[i].milestone {
            let id = self.runbook.steps[i].id.clone();
            self.mark(m, r, Some(id), false);
        }
    }

    /// Records a milestone. Completing a step only records it the first time it is reached (a
    /// loop passing the step again changes nothing); an explicit `milestone` record always
    /// takes effect, so a wrong time can be corrected (`runbook milestone resolved --at ...`).
    fn mark(&mut self, m: Milestone, r: &Record, step: Option<String>, explicit: bool) {
        let started = self.started_at();
        if m != Milestone::Started && r.at < started {
            self.warnings.push(format!(
                "milestone {m} at {} is earlier than the start ({})",
                super::clock::stamp(r.at),
                super::clock::stamp(started)
            ));
        }
        let mark = Mark {
            at: r.at,
            by: r.author.clone(),
            seq: r.seq,
            step,
        };
        if explicit {
            self.milestones.insert(m, mark);
        } else {
            self.milestones.entry(m).or_insert(mark);
        }
    }

    /// When the incident started: the `started` milestone if recorded, else when it was opened.
    pub fn started_at(&self) -> DateTime<Utc> {
        self.milestones
            .get(&Milestone::Started)
            .map_or(self.opened, |m| m.at)
    }

    /// Takes a newer version of the runbook: states carry over by step id; steps that vanished
    /// stay in the record as retired.
    fn adopt(&mut self, new: Runbook, sha: String) {
        let mut old: Vec<(super::Step, StepState)> = self
            .runbook
            .steps
            .drain(..)
            .zip(self.steps.drain(..))
            .collect();
        let current_id = self
            .current
            .and_then(|c| old.get(c))
            .map(|(s, _)| s.id.clone());
        let mut states = Vec::with_capacity(new.steps.len());
        for s in &new.steps {
            match old.iter().position(|(o, _)| o.id == s.id) {
                Some(j) => {
                    let (_, mut st) = old.swap_remove(j);
                    st.checklist.resize(s.checklist.len(), false);
                    states.push(st);
                }
                None => states.push(StepState::new(s.checklist.len())),
            }
        }
        self.retired.extend(old);
        self.runbook = new;
        self.steps = states;
        self.runbook_sha256 = sha;
        self.current = current_id.and_then(|id| self.runbook.step_index(&id));
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
