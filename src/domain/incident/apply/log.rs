//! The records an incident keeps a list of: notes (and action items), milestones (first
//! reached, or set explicitly), severity, roles, comms and the close.

use crate::domain::event::{Known, Record};
use crate::domain::incident::{Comms, Incident, Mark, Note, RoleChange, is_todo};
use crate::domain::{Milestone, StepId};

impl Incident {
    /// What the incident keeps a list of: notes, milestones, severity, roles, comms, the close.
    pub(super) fn log_record(&mut self, k: &Known, r: &Record) {
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

    pub(super) fn milestone_from_step(&mut self, i: usize, r: &Record) {
        if let Some(m) = self.runbook.steps[i].milestone {
            let id = self.runbook.steps[i].id.clone();
            self.mark(m, r, Some(id), false);
        }
    }

    /// Records a milestone. Completing a step only records it the first time it is reached (a
    /// loop passing the step again changes nothing); an explicit `milestone` record always
    /// takes effect, so a wrong time can be corrected (`runbook milestone resolved --at ...`).
    pub(super) fn mark(&mut self, m: Milestone, r: &Record, step: Option<StepId>, explicit: bool) {
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
}
