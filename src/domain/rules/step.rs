//! The rules on one step: starting it, failing a check, completing or skipping it, taking a
//! decision, and refusing a repeat with who did it and when. The sign-off rules of the same
//! step are in `signoff`. Pure.

use super::{Opts, Refused};
use crate::domain::event::{Known, Outcome};
use crate::domain::incident::{Incident, Status, StepState};
use crate::domain::{Step, StepKind};

/// An action on one step, with what it needs to be judged.
pub(super) struct At<'a> {
    pub(super) inc: &'a Incident,
    pub(super) i: usize,
    pub(super) def: &'a Step,
    pub(super) st: &'a StepState,
    pub(super) author: &'a str,
    pub(super) opts: Opts,
}

impl At<'_> {
    pub(super) fn check(&self, event: &Known) -> Result<(), Refused> {
        let id = &self.def.id;
        let is_decision = matches!(self.def.kind, StepKind::Decision { .. });
        match event {
            Known::StepStarted { .. } => self.start(),
            Known::StepCompleted { .. } if is_decision => Err(Refused::new(format!(
                "step \"{id}\" is a decision: take a choice (runbook decide {id} N)"
            ))),
            Known::StepCompleted {
                outcome: Outcome::Failed,
                ..
            } => self.fail(),
            Known::StepCompleted { .. } => {
                self.not_again("done")?;
                self.signed_off(
                    "complete it",
                    &format!("runbook step {id} done --override \"REASON\""),
                )
            }
            Known::StepSkipped { reason, .. } => {
                if reason.trim().is_empty() {
                    return Err(Refused::new("a skip needs a reason (--reason \"...\")"));
                }
                self.not_again("skipped")
            }
            Known::DecisionMade { choice, .. } => {
                self.choice(*choice)?;
                self.signed_off(
                    "take a choice",
                    &format!("runbook signoff {id} --override \"REASON\""),
                )
            }
            Known::ChecklistToggled { item, .. }
                if *item == 0 || *item > self.def.checklist.len() =>
            {
                Err(Refused::new(format!(
                    "step \"{id}\" has {} checklist items; there is no item {item}",
                    self.def.checklist.len()
                )))
            }
            Known::SignoffGiven { by, .. } => self.signoff(by),
            Known::SignoffOverridden { reason, .. } => self.overriding(reason),
            Known::CommandStarted { .. } => self.signed_off(
                "run its command",
                &format!("runbook signoff {id} --override \"REASON\""),
            ),
            _ => Ok(()),
        }
    }

    /// "ana at 23:25:04": who ended the step's last run, and when.
    pub(super) fn ended(&self) -> String {
        let who = self.st.ended_by.as_deref().unwrap_or("someone");
        match self.st.ended {
            Some(t) => format!("{who} at {}", t.format("%H:%M:%S")),
            None => who.to_string(),
        }
    }

    pub(super) fn start(&self) -> Result<(), Refused> {
        let id = &self.def.id;
        let here = self.inc.current == Some(self.i);
        match self.st.status {
            _ if self.opts.again => Ok(()),
            Status::Active => {
                let who = self.st.started_by.as_deref().unwrap_or("someone");
                let when = self
                    .st
                    .started
                    .map(|t| format!(" at {}", t.format("%H:%M:%S")))
                    .unwrap_or_default();
                Err(Refused::repeat(format!(
                    "step \"{id}\" is already in progress (started by {who}{when}); --again starts another run"
                )))
            }
            Status::Done | Status::Skipped if !here => {
                let what = if self.st.status == Status::Done {
                    "done"
                } else {
                    "skipped"
                };
                Err(Refused::repeat(format!(
                    "step \"{id}\" was already {what} by {}; --again records another run",
                    self.ended()
                )))
            }
            _ => Ok(()),
        }
    }

    pub(super) fn fail(&self) -> Result<(), Refused> {
        let id = &self.def.id;
        match self.st.status {
            Status::Active => Ok(()),
            Status::Pending => Err(Refused::new(format!(
                "step \"{id}\" was never started: only a step in progress can fail (start it first: runbook step {id} start)"
            ))),
            Status::Done | Status::Skipped | Status::Failed => Err(Refused::new(format!(
                "step \"{id}\" is not in progress: its last run ended ({}); start it again to record another outcome",
                self.ended()
            ))),
        }
    }

    /// Refuses ending a step again when its last run already ended that way (or was skipped).
    pub(super) fn not_again(&self, verb: &str) -> Result<(), Refused> {
        let id = &self.def.id;
        match self.st.status {
            Status::Done | Status::Skipped if !self.opts.again => {
                let what = if self.st.status == Status::Done {
                    "done"
                } else {
                    "skipped"
                };
                Err(Refused::repeat(format!(
                    "step \"{id}\" is already {what} by {}; --again records it {verb} once more",
                    self.ended()
                )))
            }
            _ => Ok(()),
        }
    }

    pub(super) fn choice(&self, choice: usize) -> Result<(), Refused> {
        let id = &self.def.id;
        let StepKind::Decision { choices } = &self.def.kind else {
            return Err(Refused::new(format!(
                "step \"{id}\" is {} step, not a decision",
                crate::domain::runbook::with_article(self.def.kind.name())
            )));
        };
        if choice == 0 || choice > choices.len() {
            let list: Vec<String> = choices
                .iter()
                .enumerate()
                .map(|(n, c)| format!("{}. {}", n + 1, c.label))
                .collect();
            return Err(Refused::new(format!(
                "step \"{id}\" has no choice {choice}; its choices: {}",
                list.join("; ")
            )));
        }
        let here = self.inc.current == Some(self.i);
        if self.st.status == Status::Done && !here && !self.opts.again {
            let taken = self
                .inc
                .path
                .iter()
                .rev()
                .find(|t| t.step == *id)
                .map(|t| format!(" (chose {}. {})", t.choice, t.label))
                .unwrap_or_default();
            return Err(Refused::repeat(format!(
                "decision \"{id}\" was already taken by {}{taken}; --again takes another choice",
                self.ended()
            )));
        }
        Ok(())
    }
}
