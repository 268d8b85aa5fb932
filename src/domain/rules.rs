//! The rules an action must pass before it is appended to the journal. The CLI and the TUI
//! both ask here first, so they refuse the same things with the same words. Pure.

use super::event::Known;
use super::incident::Incident;
use super::suggest;
use super::{Milestone, StepKind};
use chrono::{DateTime, Utc};

/// Why an action was refused: shown to the responder, who can correct it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Checks `event`, by `author`, happening at `at`. Ok carries warnings to show (the action is
/// still taken), e.g. a milestone dated before the incident started.
pub fn check(
    inc: &Incident,
    event: &Known,
    author: &str,
    at: DateTime<Utc>,
) -> Result<Vec<String>, Refused> {
    let refuse = |msg: String| Err(Refused(msg));
    if inc.is_closed() {
        return refuse(format!(
            "incident {} is closed; nothing more can be recorded in it",
            inc.id
        ));
    }
    let mut warnings = Vec::new();
    if let Some(step) = step_of(event) {
        let Some(i) = inc.runbook.step_index(step) else {
            let hint = suggest::hint(step, inc.runbook.steps.iter().map(|s| s.id.as_str()));
            return refuse(format!(
                "runbook \"{}\" has no step \"{step}\"{hint}",
                inc.runbook.id
            ));
        };
        let def = &inc.runbook.steps[i];
        let is_decision = matches!(def.kind, StepKind::Decision { .. });
        match event {
            Known::StepCompleted { .. } if is_decision => {
                return refuse(format!(
                    "step \"{step}\" is a decision: take a choice (runbook decide {step} N)"
                ));
            }
            Known::StepCompleted { .. } | Known::DecisionMade { .. }
                if def.requires_signoff && !inc.steps[i].signoff_pending =>
            {
                return refuse(format!(
                    "step \"{step}\" requires a sign-off from a second person before it is done: runbook signoff {step} --by NAME"
                ));
            }
            Known::DecisionMade { choice, .. } => {
                let StepKind::Decision { choices } = &def.kind else {
                    return refuse(format!(
                        "step \"{step}\" is {} step, not a decision",
                        super::runbook::with_article(def.kind.name())
                    ));
                };
                if *choice == 0 || *choice > choices.len() {
                    let list: Vec<String> = choices
                        .iter()
                        .enumerate()
                        .map(|(n, c)| format!("{}. {}", n + 1, c.label))
                        .collect();
                    return refuse(format!(
                        "step \"{step}\" has no choice {choice}; its choices: {}",
                        list.join("; ")
                    ));
                }
            }
            Known::StepSkipped { reason, .. } if reason.trim().is_empty() => {
                return refuse("a skip needs a reason (--reason \"...\")".into());
            }
            Known::ChecklistToggled { item, .. } if *item == 0 || *item > def.checklist.len() => {
                return refuse(format!(
                    "step \"{step}\" has {} checklist items; there is no item {item}",
                    def.checklist.len()
                ));
            }
            Known::SignoffGiven { by, .. } if by.trim().is_empty() => {
                return refuse("a sign-off needs the second person's name (--by NAME)".into());
            }
            Known::SignoffGiven { by, .. } if by.trim().eq_ignore_ascii_case(author.trim()) => {
                return refuse(format!(
                    "a sign-off must come from a second person, not from {author} who is recording it"
                ));
            }
            _ => {}
        }
    }
    match event {
        Known::NoteAdded { text, .. } if text.trim().is_empty() => {
            return refuse("a note needs some text".into());
        }
        Known::RoleAssigned { role, person }
            if role.trim().is_empty() || person.trim().is_empty() =>
        {
            return refuse("a role assignment needs a role and a person".into());
        }
        Known::Milestone { milestone }
            if *milestone != Milestone::Started && at < inc.started_at() =>
        {
            warnings.push(format!(
                "milestone {milestone} is dated before the incident started ({}): recorded, and flagged in the export",
                super::clock::stamp(inc.started_at())
            ));
        }
        Known::IncidentOpened { .. } => return refuse("an incident is opened only once".into()),
        _ => {}
    }
    Ok(warnings)
}

fn step_of(e: &Known) -> Option<&str> {
    match e {
        Known::StepStarted { step }
        | Known::StepCompleted { step, .. }
        | Known::StepSkipped { step, .. }
        | Known::DecisionMade { step, .. }
        | Known::ChecklistToggled { step, .. }
        | Known::SignoffGiven { step, .. }
        | Known::CommandStarted { step, .. }
        | Known::CommandFinished { step, .. } => Some(step),
        Known::CommsSent { step, .. } => step.as_deref(),
        _ => None,
    }
}
