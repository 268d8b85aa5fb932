//! The default layout, after the postmortem in Google's SRE book (appendix D): the sections
//! people write first (summary, impact, root causes, trigger, resolution, detection, action
//! items, lessons learned), then the supporting record (key times, timeline, runbook
//! execution, appendix). Pure.

use super::model::Draft;
use super::prefill;
use super::sections::{self, prompt};
use super::{appendix, execution_md};

pub fn render(d: &Draft) -> String {
    let mut out = String::with_capacity(super::model::capacity(d.records.len()));
    sections::title(d, &mut out, "Postmortem");
    sections::facts(d, &mut out);
    sections::roles(d, &mut out, "### Responders and roles");
    prompt(
        &mut out,
        "## Summary",
        "What happened, to whom, for how long, and how it ended: two or three sentences for someone who was not there.",
        prefill::summary(d),
    );
    prompt(
        &mut out,
        "## Impact",
        "Who and what was affected, and how badly: users, requests, data, revenue, support tickets. Use numbers.",
        prefill::impact(d),
    );
    prompt(
        &mut out,
        "## Root causes",
        "Why it happened: the conditions that let the trigger do harm. Blameless: systems and processes, not people.",
        prefill::root_causes(d),
    );
    prompt(
        &mut out,
        "## Trigger",
        "What set it off, and when: a deploy, a config change, a load test, a traffic spike.",
        prefill::trigger(d),
    );
    prompt(
        &mut out,
        "## Resolution",
        "What stopped the impact and what fixed it for good; say which measures are temporary.",
        prefill::resolution(d),
    );
    prompt(
        &mut out,
        "## Detection",
        "How and when we found out (alert, customer report, someone noticing), and how we could have known sooner.",
        prefill::detection(d),
    );
    sections::action_items(
        d,
        &mut out,
        "## Action items",
        "Give each item an owner and a ticket; say whether it prevents a recurrence, speeds up detection or speeds up recovery.",
    );
    out.push_str("## Lessons learned\n\n");
    prompt(
        &mut out,
        "### What went well",
        "What worked and should be kept: alerts, tools, runbook steps, good calls.",
        Vec::new(),
    );
    prompt(
        &mut out,
        "### What went wrong",
        "What made the incident longer or worse than it had to be.",
        prefill::went_wrong(d),
    );
    prompt(
        &mut out,
        "### Where we got lucky",
        "What went right by chance and might not next time.",
        Vec::new(),
    );
    sections::key_times(d, &mut out, "## Key times");
    sections::timeline(d, &mut out, "## Timeline");
    execution_md::execution(d, &mut out, "## Runbook execution");
    appendix::appendix(d, &mut out, "## Appendix");
    finish(out)
}

/// One trailing newline, whatever the last piece left.
pub fn finish(mut out: String) -> String {
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
