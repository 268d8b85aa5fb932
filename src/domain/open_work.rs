//! What is still open in an incident, said when it is closed (in the app's close dialog and
//! by `runbook close`): steps in progress or never reached on the runbook's path, open action
//! items, missing milestones. Closing is allowed anyway; nothing is hidden. Pure.

use super::Milestone;
use super::incident::{Incident, Status};

/// One line per open thing, most pressing first; empty when nothing is open.
pub fn still_open(inc: &Incident) -> Vec<String> {
    let mut out = Vec::new();
    let active: Vec<&str> = inc
        .runbook
        .steps
        .iter()
        .zip(&inc.steps)
        .filter(|(_, st)| st.status == Status::Active)
        .map(|(d, _)| d.id.as_str())
        .collect();
    if !active.is_empty() {
        out.push(format!(
            "{} in progress: {}",
            plural(active.len(), "step"),
            active.join(", ")
        ));
    }
    if let Some(c) = inc.current {
        out.push(format!(
            "the runbook is at step {}. {}",
            c + 1,
            inc.runbook.steps[c].id
        ));
    }
    let items = inc.action_items().count();
    if items > 0 {
        out.push(format!("{} recorded", plural(items, "action item")));
    }
    for m in [Milestone::Mitigated, Milestone::Resolved] {
        if !inc.milestones.contains_key(&m) {
            out.push(format!("no {m} milestone"));
        }
    }
    out
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
