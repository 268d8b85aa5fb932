//! How each record changes an incident: `Incident::apply` (the next record of one journal)
//! and `apply_next` (the next in the merged order of several logs, `domain::merge`). Steps'
//! records move the step and the runbook's current place; the others add to the incident's
//! lists (notes, milestones, roles, comms, commands, drill injects). Pure. A record naming a
//! step the runbook lacks, or something the fold cannot use, becomes a warning, never an error:
//! what was recorded is history.
//!
//! Here: the entry and the records of steps and command runs; what the incident runs on
//! (runbook versions, a drill's set-up) is `setup`, and the lists it keeps (notes,
//! milestones, severity, roles, comms, the close) are `log`.

mod log;
mod setup;

use super::{CommandRun, FoldError, Incident, Override, Parse, Signoff, Status, Taken};
use crate::domain::StepKind;
use crate::domain::event::{Event, Known, Outcome, Record};

impl Incident {
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
    pub(in crate::domain) fn apply_next(
        &mut self,
        r: &Record,
        parse: Parse<'_>,
    ) -> Result<(), FoldError> {
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
            Known::StepStarted { .. } | Known::StepCompleted { .. } | Known::StepSkipped { .. } => {
                self.step_record(k, r)
            }
            Known::DecisionMade { .. }
            | Known::ChecklistToggled { .. }
            | Known::SignoffGiven { .. }
            | Known::SignoffOverridden { .. } => self.step_detail_record(k, r),
            Known::CommandStarted { .. } | Known::CommandFinished { .. } => self.run_record(k, r),
            Known::IncidentOpened { .. }
            | Known::RunbookAdopted { .. }
            | Known::DrillConfigured { .. }
            | Known::InjectFired { .. } => return self.setup_record(k, r, parse),
            // Listed, not `_`: a new kind of record must be given its place here.
            Known::NoteAdded { .. }
            | Known::ActionItemUpdated { .. }
            | Known::Milestone { .. }
            | Known::SeverityChanged { .. }
            | Known::RoleAssigned { .. }
            | Known::CommsSent { .. }
            | Known::IncidentClosed { .. } => self.log_record(k, r),
        }
        Ok(())
    }

    /// A step started, completed or skipped: the step moves, and the runbook's current place.
    fn step_record(&mut self, k: &Known, r: &Record) {
        match k {
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
            _ => {}
        }
    }

    /// A decision taken, a checklist item ticked, a sign-off given or overridden.
    fn step_detail_record(&mut self, k: &Known, r: &Record) {
        match k {
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
            _ => {}
        }
    }

    /// A command's start, and its result matched to the start.
    fn run_record(&mut self, k: &Known, r: &Record) {
        match k {
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
            _ => {}
        }
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
}
