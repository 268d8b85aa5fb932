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
//!
//! Here: the entry (`check`, `check_with`) and the refusal; the rules on one step are in
//! `step` (starting, ending, deciding) and `signoff` (sign-offs and overrides), the rules on
//! the incident as a whole in `whole`.

mod signoff;
mod step;
mod whole;

use super::event::Known;
use super::incident::Incident;
use super::suggest;
use chrono::{DateTime, Utc};
use step::At;
use whole::incident_rules;

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

/// Names compare trimmed and without regard to case: "Ana" and "ana " are one person.
pub(super) fn same_person(a: &str, b: &str) -> bool {
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
