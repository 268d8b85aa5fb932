//! The rules an action must pass before it is appended to the journal. The CLI, the app and
//! drills all ask here first (and the store asks again under the journal's lock), so they
//! refuse the same things with the same words. Pure.
//!
//! Sign-off: a step with `requires_signoff` is done (its decision taken, its command run)
//! only with a sign-off for its current run from a second person, given by that person as
//! themself (the record's author), who is neither the one who started the run nor the one
//! completing it; or with a break-glass override, which names its reason and is flagged.
//!
//! Repeats: doing again what is already done (completing a done step, re-taking a decision,
//! restarting a finished step the runbook is not at) is refused with who did it and when;
//! `Opts::again` says the repeat is deliberate.

use super::event::{Known, Outcome};
use super::incident::{Incident, Status, StepState};
use super::suggest;
use super::{Milestone, Step, StepKind};
use chrono::{DateTime, Utc};

/// Why an action was refused: shown to the responder, who can correct it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    /// The action repeats something already done: it is allowed when asked for again on
    /// purpose (`--again`, or a yes in the app's confirmation).
    pub again: bool,
}

impl Refused {
    pub fn new(message: impl Into<String>) -> Refused {
        Refused {
            message: message.into(),
            again: false,
        }
    }

    /// A refusal that `Opts::again` lifts.
    pub fn repeat(message: impl Into<String>) -> Refused {
        Refused {
            message: message.into(),
            again: true,
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

/// How an action was asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Opts {
    /// A repeat is deliberate (`--again`).
    pub again: bool,
}

/// Checks `event`, by `author`, happening at `at`. Ok carries warnings to show (the action is
/// still taken), e.g. a milestone dated before the incident started.
pub fn check(
    inc: &Incident,
    event: &Known,
    author: &str,
    at: DateTime<Utc>,
) -> Result<Vec<String>, Refused> {
    check_with(inc, event, author, at, Opts::default())
}

/// `check`, with the way the action was asked for.
pub fn check_with(
    inc: &Incident,
    event: &Known,
    author: &str,
    at: DateTime<Utc>,
    opts: Opts,
) -> Result<Vec<String>, Refused> {
    if author.trim().is_empty() {
        return Err(Refused::new(
            "nothing is recorded without an author, and who you are cannot be told: pass --as NAME or set RUNBOOK_USER",
        ));
    }
    // A command's result is history even when the incident was closed while it ran: it
    // belongs with its start. Action items are followed up after the close. Nothing else is
    // recorded in a closed incident.
    let result_of_a_run = matches!(event, Known::CommandFinished { step, .. }
        if inc.commands.iter().any(|c| c.step == *step && c.finished.is_none()));
    let follow_up = matches!(event, Known::ActionItemUpdated { .. });
    if inc.is_closed() && !result_of_a_run && !follow_up {
        return Err(Refused::new(format!(
            "incident {} is closed; nothing more can be recorded in it",
            inc.id
        )));
    }
    if let Some(step) = step_of(event) {
        let Some(i) = inc.runbook.step_index(step) else {
            let hint = suggest::hint(step, inc.runbook.steps.iter().map(|s| s.id.as_str()));
            return Err(Refused::new(format!(
                "runbook \"{}\" has no step \"{step}\"{hint}",
                inc.runbook.id
            )));
        };
        let at_step = At {
            inc,
            i,
            def: &inc.runbook.steps[i],
            st: &inc.steps[i],
            author,
            opts,
        };
        at_step.check(event)?;
    }
    incident_rules(inc, event, at)
}

/// Rules about the incident as a whole; Ok carries warnings.
fn incident_rules(
    inc: &Incident,
    event: &Known,
    at: DateTime<Utc>,
) -> Result<Vec<String>, Refused> {
    let mut warnings = Vec::new();
    match event {
        Known::NoteAdded { text, .. } if text.trim().is_empty() => {
            return Err(Refused::new("a note needs some text"));
        }
        Known::ActionItemUpdated {
            note,
            done,
            owner,
            link,
        } => action_update(inc, *note, *done, owner.as_deref(), link.as_deref())?,
        // The same names in the app and the CLI: a role is one short word, the person a
        // usable name (`Author`), so neither can carry control characters into timelines.
        Known::RoleAssigned { role, person } => {
            if let Err(why) = super::author::Role::parse(role) {
                return Err(Refused::new(why));
            }
            if let Err(why) = super::Author::parse(person) {
                return Err(Refused::new(format!("the person for role {role}: {why}")));
            }
        }
        Known::Milestone { milestone }
            if *milestone != Milestone::Started && at < inc.started_at() =>
        {
            warnings.push(format!(
                "milestone {milestone} is dated before the incident started ({}): recorded, and flagged in the export",
                super::clock::stamp(inc.started_at())
            ));
        }
        Known::IncidentOpened { .. } => {
            return Err(Refused::new("an incident is opened only once"));
        }
        _ => {}
    }
    Ok(warnings)
}

/// An action on one step, with what it needs to be judged.
struct At<'a> {
    inc: &'a Incident,
    i: usize,
    def: &'a Step,
    st: &'a StepState,
    author: &'a str,
    opts: Opts,
}

impl At<'_> {
    fn check(&self, event: &Known) -> Result<(), Refused> {
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
    fn ended(&self) -> String {
        let who = self.st.ended_by.as_deref().unwrap_or("someone");
        match self.st.ended {
            Some(t) => format!("{who} at {}", t.format("%H:%M:%S")),
            None => who.to_string(),
        }
    }

    fn start(&self) -> Result<(), Refused> {
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

    fn fail(&self) -> Result<(), Refused> {
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
    fn not_again(&self, verb: &str) -> Result<(), Refused> {
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

    fn choice(&self, choice: usize) -> Result<(), Refused> {
        let id = &self.def.id;
        let StepKind::Decision { choices } = &self.def.kind else {
            return Err(Refused::new(format!(
                "step \"{id}\" is {} step, not a decision",
                super::runbook::with_article(self.def.kind.name())
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

    /// A `requires_signoff` step needs a valid sign-off (or an override) before `what`.
    fn signed_off(&self, what: &str, break_glass: &str) -> Result<(), Refused> {
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
    fn signoff(&self, by: &str) -> Result<(), Refused> {
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
        if let Some(s) = self.st.signoff() {
            let what = if s.overridden.is_some() {
                "overridden"
            } else {
                "signed off"
            };
            return Err(Refused::new(format!(
                "step \"{id}\" was already {what} by {} at {} for this run",
                s.by,
                s.at.format("%H:%M:%S")
            )));
        }
        Ok(())
    }

    fn overriding(&self, reason: &str) -> Result<(), Refused> {
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
        if let Some(s) = self.st.signoff() {
            let what = if s.overridden.is_some() {
                "overridden"
            } else {
                "signed off"
            };
            return Err(Refused::new(format!(
                "step \"{id}\" was already {what} by {} at {} for this run",
                s.by,
                s.at.format("%H:%M:%S")
            )));
        }
        Ok(())
    }
}

/// Names compare trimmed and without regard to case: "Ana" and "ana " are one person.
fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn step_of(e: &Known) -> Option<&str> {
    match e {
        Known::StepStarted { step }
        | Known::StepCompleted { step, .. }
        | Known::StepSkipped { step, .. }
        | Known::DecisionMade { step, .. }
        | Known::ChecklistToggled { step, .. }
        | Known::SignoffGiven { step, .. }
        | Known::SignoffOverridden { step, .. }
        | Known::CommandStarted { step, .. }
        | Known::CommandFinished { step, .. } => Some(step),
        Known::CommsSent { step, .. } => step.as_deref(),
        _ => None,
    }
}

/// An action item's follow-up: the note must be an action item, something must change, the
/// owner a usable name, the link an http(s) URL with nothing a terminal or a shell would act on.
fn action_update(
    inc: &Incident,
    note: u64,
    done: Option<bool>,
    owner: Option<&str>,
    link: Option<&str>,
) -> Result<(), Refused> {
    if !inc.notes.iter().any(|n| n.seq == note && n.action_item) {
        return Err(Refused::new(format!(
            "incident {} has no action item #{note}; `runbook actions` lists them with their numbers",
            inc.id
        )));
    }
    if done.is_none() && owner.is_none() && link.is_none() {
        return Err(Refused::new("say what changes: done, an owner or a link"));
    }
    if let Some(o) = owner
        && let Err(why) = super::Author::parse(o)
    {
        return Err(Refused::new(format!("the owner: {why}")));
    }
    if let Some(l) = link {
        let scheme = l.starts_with("https://") || l.starts_with("http://");
        let clean = l.len() <= 2048
            && !l.chars().any(|c| {
                c.is_whitespace() || c.is_control() || crate::runbook::sanitize::is_hazard(c)
            });
        if !scheme || !clean || l.len() < 10 {
            return Err(Refused::new(
                "the link must be an http:// or https:// URL, without spaces or control characters",
            ));
        }
    }
    Ok(())
}
