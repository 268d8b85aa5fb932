//! The CLI twins of the responder's actions: `step`, `decide`, `note`, `milestone`,
//! `severity`, `role`, `signoff`. Each checks the rules, appends durably, then confirms.
//! A sign-off is always the acting person's own: `signoff` takes no name.

use super::context::Ctx;
use super::usage;
use crate::cli::{At, StepAction, Which};
use crate::domain::event::{Known, Outcome};
use crate::domain::rules::Opts;
use crate::domain::{Milestone, Severity, StepKind};
use std::process::ExitCode;

/// `runbook step STEP ACTION [--reason R] [--override R] [--again]`.
pub struct StepArgs {
    pub step: String,
    pub action: StepAction,
    pub reason: Option<String>,
    pub override_reason: Option<String>,
    pub again: bool,
}

pub fn step(cx: &Ctx, which: &Which, a: StepArgs, at: &At) -> anyhow::Result<ExitCode> {
    if a.reason.is_some() && a.action != StepAction::Skip {
        return Err(usage("--reason goes with skip"));
    }
    if a.override_reason.is_some() && a.action != StepAction::Done {
        return Err(usage(
            "--override goes with done: it completes a step that needs a sign-off without one",
        ));
    }
    let opts = Opts { again: a.again };
    let mut s = cx.session(which.incident.as_deref())?;
    let step = a.step;
    let event = match a.action {
        StepAction::Start => Known::StepStarted { step: step.into() },
        StepAction::Done => Known::StepCompleted {
            step: step.into(),
            outcome: Outcome::Ok,
        },
        StepAction::Fail => Known::StepCompleted {
            step: step.into(),
            outcome: Outcome::Failed,
        },
        StepAction::Skip => {
            let reason = a
                .reason
                .ok_or_else(|| usage("skip needs a reason: --reason \"...\""))?;
            Known::StepSkipped {
                step: step.into(),
                reason,
            }
        }
    };
    if let (Some(reason), Known::StepCompleted { step, .. }) = (a.override_reason, &event) {
        // The override is checked against the completion it allows before either is recorded,
        // so a completion that would be refused anyway (a repeat) records no override.
        let overriding = Known::SignoffOverridden {
            step: step.clone(),
            reason,
        };
        let now = s.now(cx.clock.as_ref());
        crate::domain::rules::check_with(&s.incident, &overriding, cx.need_author()?, now, opts)?;
        cx.record_with(&mut s, at, overriding, opts)?;
    }
    cx.record_with(&mut s, at, event, opts)?;
    Ok(ExitCode::SUCCESS)
}

pub fn decide(
    cx: &Ctx,
    which: &Which,
    step: &str,
    choice: &str,
    again: bool,
    at: &At,
) -> anyhow::Result<ExitCode> {
    let mut s = cx.session(which.incident.as_deref())?;
    let rb = &s.incident.runbook;
    let Some(def) = rb.step(step) else {
        // Let the rules produce the did-you-mean message.
        let probe = Known::DecisionMade {
            step: step.into(),
            choice: 0,
            label: String::new(),
            next: String::new(),
        };
        crate::domain::rules::check(&s.incident, &probe, cx.need_author()?, cx.now())?;
        anyhow::bail!("no step \"{step}\"");
    };
    let StepKind::Decision { choices } = &def.kind else {
        anyhow::bail!(
            "step \"{step}\" is {} step, not a decision: use `runbook step {step} done`",
            crate::domain::runbook::with_article(def.kind.name())
        );
    };
    let labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
    let n = match choice.trim().parse::<usize>() {
        Ok(n) => n,
        Err(_) => crate::domain::choice::find(&labels, choice)
            .map_err(|why| anyhow::anyhow!("step \"{step}\": {why}"))?,
    };
    let (label, next) = match choices.get(n.wrapping_sub(1)) {
        Some(c) => (c.label.clone(), c.next.clone()),
        None => (String::new(), String::new()),
    };
    cx.record_with(
        &mut s,
        at,
        Known::DecisionMade {
            step: step.into(),
            choice: n,
            label,
            next,
        },
        Opts { again },
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

/// `runbook signoff STEP [--override REASON]`: the acting person signs off, as themself.
pub fn signoff(
    cx: &Ctx,
    which: &Which,
    step: &str,
    override_reason: Option<String>,
    by: Option<String>,
    at: &At,
) -> anyhow::Result<ExitCode> {
    if let Some(name) = by {
        return Err(usage(format!(
            "there is no --by: a sign-off is given by the signer as themself (here {}). {} signs off in their own shell with `runbook signoff {step}`, or with o on the step in their app",
            crate::runbook::sanitize::visible(cx.need_author()?),
            crate::runbook::sanitize::visible(&name)
        )));
    }
    let mut s = cx.session(which.incident.as_deref())?;
    let event = match override_reason {
        Some(reason) => Known::SignoffOverridden {
            step: step.into(),
            reason,
        },
        None => Known::SignoffGiven {
            step: step.into(),
            by: cx.need_author()?.to_string(),
        },
    };
    cx.record(&mut s, at, event)?;
    Ok(ExitCode::SUCCESS)
}
