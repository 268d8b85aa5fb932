//! Pre-fill for the review sections: what went wrong (failures, skips, detours, overruns,
//! milestone order), messaging (comms sent, and the comms steps' fate) and response (who
//! responded, and how fast). Same rule as `prefill`: quote the journal, conclude nothing.

use super::{count, mark};
use crate::domain::{Milestone, StepKind};
use crate::export::escape::{code, text};
use crate::export::metrics::span;
use crate::export::model::Draft;

/// Facts for "what went wrong": failures, skips, detours, overruns, milestone order.
pub fn went_wrong(d: &Draft) -> Vec<String> {
    let ex = &d.execution;
    let ids = |rows: Vec<String>| rows.join(", ");
    let mut out = Vec::new();
    for s in ex.failed() {
        let at = s
            .state
            .ended
            .map(|t| format!(" at {}", d.when(t)))
            .unwrap_or_default();
        out.push(format!(
            "Step {} ({}) failed{at}.",
            code(&s.def.id),
            text(&crate::domain::template::fill(&s.def.title, &d.inc.vars))
        ));
    }
    let over: Vec<String> = ex
        .overruns()
        .map(|s| {
            format!(
                "{} (+{})",
                code(&s.def.id),
                span(s.overrun_secs().unwrap_or(0))
            )
        })
        .collect();
    if !over.is_empty() {
        let their = if over.len() == 1 { "its" } else { "their" };
        out.push(format!(
            "{} over {their} target: {}.",
            count(over.len(), "step"),
            ids(over)
        ));
    }
    let skipped: Vec<String> = ex.skipped().map(|s| code(&s.def.id)).collect();
    if !skipped.is_empty() {
        out.push(format!(
            "{} skipped: {}.",
            count(skipped.len(), "step"),
            ids(skipped)
        ));
    }
    if !ex.detours.is_empty() {
        out.push(format!(
            "{} taken out of the runbook's order (see Runbook execution).",
            count(ex.detours.len(), "step")
        ));
    }
    for o in &d.out_of_order {
        out.push(format!(
            "Milestone `{}` is recorded before `{}`.",
            o.milestone, o.after
        ));
    }
    out
}

/// Comms sent, and the runbook's comms steps with what became of them.
pub fn messaging(d: &Draft) -> Vec<String> {
    let mut out: Vec<String> = d
        .inc
        .comms
        .iter()
        .map(|c| format!("{} {} sent: {}", d.when(c.at), text(&c.by), text(&c.text)))
        .collect();
    for s in d
        .execution
        .steps
        .iter()
        .filter(|s| matches!(s.def.kind, StepKind::Comms { .. }))
    {
        let when = s
            .state
            .ended
            .map(|t| format!(" at {}", d.when(t)))
            .unwrap_or_default();
        out.push(format!(
            "Comms step {} ({}): {}{when}.",
            code(&s.def.id),
            text(&crate::domain::template::fill(&s.def.title, &d.inc.vars)),
            s.outcome()
        ));
    }
    out
}

/// Who responded and how fast: acknowledgement and the first holder of each role.
pub fn response(d: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(a) = d.milestone(Milestone::Acknowledged) {
        out.push(format!("Acknowledged {} by {}.", mark(d, a), text(&a.by)));
    }
    let mut firsts: Vec<&str> = Vec::new();
    for rc in &d.inc.roles {
        if !firsts.contains(&rc.role.as_str()) {
            firsts.push(&rc.role);
            out.push(format!(
                "{} {} took the {} role.",
                d.when(rc.at),
                text(&rc.person),
                text(&rc.role)
            ));
        }
    }
    let decisions = d.inc.path.len();
    if decisions > 0 {
        out.push(format!(
            "{} taken through the runbook (see the decision path).",
            count(decisions, "decision")
        ));
    }
    out
}
