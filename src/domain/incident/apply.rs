//! How each record changes an incident: `Incident::apply` (the next record of one journal)
//! and `apply_next` (the next in the merged order of several logs, `domain::merge`). Steps'
//! records move the step and the runbook's current place; the others add to the incident's
//! lists (notes, milestones, roles, comms, commands, drill injects). Pure. A record naming a
//! step the runbook lacks, or something the fold cannot use, becomes a warning, never an error:
//! what was recorded is history.

use super::{
    CommandRun, Comms, FoldError, Incident, Mark, Note, Override, Parse, RoleChange, Signoff,
    Status, StepState, Taken, is_todo,
};
use crate::domain::event::{Event, Known, Outcome, Record};
use crate::domain::{Milestone, Runbook, StepKind};

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

    /// What the incident runs on: the runbook's version, the drill's configuration and injects.
    fn setup_record(&mut self, k: &Known, r: &Record, parse: Parse<'_>) -> Result<(), FoldError> {
        match k {
            Known::IncidentOpened { .. } => return Err(FoldError::OpenedTwice { seq: r.seq }),
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
                // Fired once: whichever announcement comes first in the fold's order stands
                // (two devices of a shared drill may both fire it while cut off).
                if self.injects.iter().any(|(n, _)| n == inject) {
                    self.warnings.push(format!(
                        "record {}: inject {inject} was already announced; the first stands",
                        r.seq
                    ));
                } else {
                    self.injects.push((*inject, r.at));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// What the incident keeps a list of: notes, milestones, severity, roles, comms, the close.
    fn log_record(&mut self, k: &Known, r: &Record) {
        match k {
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
                done: false,
                owner: None,
                link: None,
            }),
            Known::ActionItemUpdated {
                note,
                done,
                owner,
                link,
            } => match self
                .notes
                .iter_mut()
                .find(|n| n.seq == *note && n.action_item)
            {
                Some(n) => {
                    n.done = done.unwrap_or(n.done);
                    n.owner = owner.clone().or(n.owner.take());
                    n.link = link.clone().or(n.link.take());
                }
                None => self.warnings.push(format!(
                    "record {}: an update of action item #{note}, which is not an action item",
                    r.seq
                )),
            },
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
            Known::CommsSent { step, text } => self.comms.push(Comms {
                at: r.at,
                by: r.author.clone(),
                step: step.clone(),
                text: text.clone(),
            }),
            Known::IncidentClosed { .. } => self.closed = Some(r.at),
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

    fn milestone_from_step(&mut self, i: usize, r: &Record) {
        if let Some(m) = self.runbook.steps[i].milestone {
            let id = self.runbook.steps[i].id.to_string();
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
                crate::domain::clock::stamp(r.at),
                crate::domain::clock::stamp(started)
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

    /// Takes a newer version of the runbook: states carry over by step id; steps that vanished
    /// stay in the record as retired.
    fn adopt(&mut self, new: Runbook, sha: String) {
        let mut old: Vec<(crate::domain::Step, StepState)> = self
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
}
