//! The sign-off rules of one step (see the module header of `rules`): who may sign off a
//! run, what a step that requires one needs before it is done, and what a break-glass
//! override must say. Pure.

use super::step::At;
use super::{Refused, same_person};
use crate::domain::incident::Status;

impl At<'_> {
    /// A `requires_signoff` step needs a valid sign-off (or an override) before `what`.
    pub(super) fn signed_off(&self, what: &str, break_glass: &str) -> Result<(), Refused> {
        if !self.def.requires_signoff {
            return Ok(());
        }
        let id = &self.def.id;
        let author = self.author;
        let Some(s) = self.st.signoff() else {
            return Err(Refused::new(format!(
                "step \"{id}\" needs a sign-off from someone other than {author} before you {what}: they run `runbook signoff --incident {} {id}` in their own shell, or press o on the step in their app; with no second person reachable, break glass: `{break_glass}`",
                self.inc.id
            )));
        };
        if s.overridden.is_some() {
            return Ok(());
        }
        if same_person(&s.by, author) {
            return Err(Refused::new(format!(
                "{author} signed off step \"{id}\", so {author} cannot also {what}: a second person must"
            )));
        }
        if self
            .st
            .started_by
            .as_deref()
            .is_some_and(|st| same_person(st, &s.by))
        {
            return Err(Refused::new(format!(
                "the sign-off of step \"{id}\" is from {}, who also started this run: a second person must sign off",
                s.by
            )));
        }
        Ok(())
    }

    /// A sign-off is given by the signer, as themself, for a run they did not start.
    pub(super) fn signoff(&self, by: &str) -> Result<(), Refused> {
        let id = &self.def.id;
        let author = self.author;
        if !same_person(by, author) {
            return Err(Refused::new(format!(
                "a sign-off is given by the signer as themself: {author} cannot sign off in the name of {}",
                by.trim()
            )));
        }
        let here = self.inc.current == Some(self.i);
        if matches!(self.st.status, Status::Done | Status::Skipped) && !here {
            return Err(Refused::new(format!(
                "step \"{id}\" is already {} by {}: there is nothing to sign off",
                if self.st.status == Status::Done {
                    "done"
                } else {
                    "skipped"
                },
                self.ended()
            )));
        }
        if self.st.status == Status::Active
            && self
                .st
                .started_by
                .as_deref()
                .is_some_and(|s| same_person(s, author))
        {
            return Err(Refused::new(format!(
                "{author} started this run of step \"{id}\": a sign-off must come from someone else (they run `runbook signoff {id}` in their own shell, or press o on the step in their app)"
            )));
        }
        self.not_yet_signed()
    }

    pub(super) fn overriding(&self, reason: &str) -> Result<(), Refused> {
        let id = &self.def.id;
        if reason.trim().is_empty() {
            return Err(Refused::new(
                "a break-glass override needs a reason (--override \"REASON\"): it is flagged in every export",
            ));
        }
        if !self.def.requires_signoff {
            return Err(Refused::new(format!(
                "step \"{id}\" does not require a sign-off: there is nothing to override"
            )));
        }
        let here = self.inc.current == Some(self.i);
        if matches!(self.st.status, Status::Done | Status::Skipped) && !here {
            return Err(Refused::new(format!(
                "step \"{id}\" is already done by {}: there is nothing to override",
                self.ended()
            )));
        }
        self.not_yet_signed()
    }

    /// Refuses when this run of the step already has its sign-off (or an override).
    fn not_yet_signed(&self) -> Result<(), Refused> {
        let Some(s) = self.st.signoff() else {
            return Ok(());
        };
        let what = if s.overridden.is_some() {
            "overridden"
        } else {
            "signed off"
        };
        Err(Refused::new(format!(
            "step \"{}\" was already {what} by {} at {} for this run",
            self.def.id,
            s.by,
            s.at.format("%H:%M:%S")
        )))
    }
}
