//! The CLI twins of the responder's actions: `step`, `decide`, `note`, `milestone`,
//! `severity`, `role`, `signoff`. Each checks the rules, appends durably, then confirms.

use super::context::Ctx;
use super::usage;
use crate::cli::{At, StepAction, Which};
use crate::domain::event::{Known, Outcome};
use crate::domain::{Milestone, Severity, StepKind};
use std::process::ExitCode;

pub fn step(
    cx: &Ctx,
    which: &Which,
    step: &str,
    action: StepAction,
    reason: Option<String>,
    at: &At,
) -> anyhow::Result<ExitCode> {
    if reason.is_some() && action != StepAction::Skip {
        return Err(usage("--reason goes with skip"));
    }
    let mut s = cx.session(which.incident.as_deref())?;
    let step = step.to_string();
    let event = match action {
        StepAction::Start => Known::StepStarted { step },
        StepAction::Done => Known::StepCompleted {
            step,
            outcome: Outcome::Ok,
        },
        StepAction::Fail => Known::StepCompleted {
            step,
            outcome: Outcome::Failed,
        },
        StepAction::Skip => {
            let reason = reason.ok_or_else(|| usage("skip needs a reason: --reason \"...\""))?;
            Known::StepSkipped { step, reason }
        }
    };
    cx.record(&mut s, at, event)?;
    Ok(ExitCode::SUCCESS)
}

pub fn decide(
    cx: &Ctx,
    which: &Which,
    step: &str,
    choice: &str,
    at: &At,
) -> anyhow::Result<ExitCode> {
    let mut s = cx.session(which.incident.as_deref())?;
    let rb = &s.incident.runbook;
    let Some(def) = rb.step(step) else {
        // Let the rules produce the did-you-mean message.
        let probe = Known::DecisionMade {
            step: step.to_string(),
            choice: 0,
            label: String::new(),
            next: String::new(),
        };
        crate::domain::rules::check(&s.incident, &probe, &cx.author, cx.now())?;
        anyhow::bail!("no step \"{step}\"");
    };
    let StepKind::Decision { choices } = &def.kind else {
        anyhow::bail!(
            "step \"{step}\" is {} step, not a decision: use `runbook step {step} done`",
            crate::domain::runbook::with_article(def.kind.name())
        );
    };
    let n = match choice.parse::<usize>() {
        Ok(n) => n,
        Err(_) => {
            let want = choice.trim().to_lowercase();
            let found = choices
                .iter()
                .position(|c| c.label.to_lowercase() == want)
                .or_else(|| {
                    let prefix: Vec<usize> = (0..choices.len())
                        .filter(|&i| choices[i].label.to_lowercase().starts_with(&want))
                        .collect();
                    (prefix.len() == 1).then(|| prefix[0])
                });
            match found {
                Some(i) => i + 1,
                None => {
                    let list: Vec<String> = choices
                        .iter()
                        .enumerate()
                        .map(|(i, c)| format!("{}. {}", i + 1, c.label))
                        .collect();
                    anyhow::bail!(
                        "step \"{step}\" has no choice \"{choice}\"; its choices: {}",
                        list.join("; ")
                    );
                }
            }
        }
    };
    let (label, next) = match choices.get(n.wrapping_sub(1)) {
        Some(c) => (c.label.clone(), c.next.clone()),
        None => (String::new(), String::new()),
    };
    cx.record(
        &mut s,
        at,
        Known::DecisionMade {
            step: step.to_string(),
            choice: n,
            label,
            next,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn note(
    cx: &Ctx,
    which: &Which,
    text: &str,
    action: bool,
    decision: bool,
    at: &At,
) -> anyhow::Result<ExitCode> {
    let mut s = cx.session(which.incident.as_deref())?;
    let action_item = action || crate::domain::incident::is_todo(text);
    cx.record(
        &mut s,
        at,
        Known::NoteAdded {
            text: text.to_string(),
            action_item,
            decision,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn milestone(cx: &Ctx, which: &Which, name: &str, at: &At) -> anyhow::Result<ExitCode> {
    let milestone: Milestone = name.parse().map_err(usage)?;
    let mut s = cx.session(which.incident.as_deref())?;
    cx.record(&mut s, at, Known::Milestone { milestone })?;
    Ok(ExitCode::SUCCESS)
}

pub fn severity(cx: &Ctx, which: &Which, sev: &str, at: &At) -> anyhow::Result<ExitCode> {
    let severity: Severity = sev.parse().map_err(usage)?;
    let mut s = cx.session(which.incident.as_deref())?;
    cx.record(&mut s, at, Known::SeverityChanged { severity })?;
    Ok(ExitCode::SUCCESS)
}

pub fn role(
    cx: &Ctx,
    which: &Which,
    role: &str,
    person: &str,
    at: &At,
) -> anyhow::Result<ExitCode> {
    let mut s = cx.session(which.incident.as_deref())?;
    cx.record(
        &mut s,
        at,
        Known::RoleAssigned {
            role: role.to_string(),
            person: person.to_string(),
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn signoff(cx: &Ctx, which: &Which, step: &str, by: &str, at: &At) -> anyhow::Result<ExitCode> {
    let mut s = cx.session(which.incident.as_deref())?;
    cx.record(
        &mut s,
        at,
        Known::SignoffGiven {
            step: step.to_string(),
            by: by.to_string(),
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
