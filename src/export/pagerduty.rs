//! The layout after PagerDuty's postmortem template: owner and meeting, overview, what
//! happened, contributing factors, resolution, an impact table, responders, timeline, how we
//! did, action items and messaging. The same material as the Google layout, rearranged and
//! renamed. Pure.

use super::escape::text;
use super::google::finish;
use super::metrics::span;
use super::model::Draft;
use super::prefill;
use super::sections::{self, line, prompt};
use super::{appendix, execution_md};

pub fn render(d: &Draft) -> String {
    let mut out = String::with_capacity(super::model::capacity(d.records.len()));
    sections::title(d, &mut out, "Postmortem");
    line(
        &mut out,
        "- **Postmortem owner:** <!-- who owns this postmortem -->",
    );
    line(
        &mut out,
        "- **Meeting scheduled for:** <!-- within 5 business days of the incident -->",
    );
    line(&mut out, "- **Call recording:** <!-- link -->");
    sections::facts(d, &mut out);
    prompt(
        &mut out,
        "## Overview",
        "One or two sentences: the contributing factors, how long it lasted and the impact.",
        prefill::summary(d),
    );
    prompt(
        &mut out,
        "## What happened",
        "A short description of what happened.",
        prefill::trigger(d),
    );
    prompt(
        &mut out,
        "## Contributing factors",
        "The conditions that contributed, including actions during the response that made it worse.",
        prefill::root_causes(d),
    );
    prompt(
        &mut out,
        "## Resolution",
        "What solved the problem; if a temporary fix is in place, describe it and the long-term fix.",
        prefill::resolution(d),
    );
    impact(d, &mut out);
    sections::roles(d, &mut out, "## Responders");
    line(&mut out, "## Timeline\n");
    sections::key_times(d, &mut out, "### Key times");
    sections::timeline(d, &mut out, "### Events");
    execution_md::execution(d, &mut out, "### Runbook execution");
    out.push_str("## How'd we do?\n\n");
    prompt(
        &mut out,
        "### What went well",
        "What worked and should be kept.",
        Vec::new(),
    );
    prompt(
        &mut out,
        "### What didn't go so well",
        "What made the response slower or harder than it had to be.",
        prefill::went_wrong(d),
    );
    sections::action_items(
        d,
        &mut out,
        "## Action items",
        "Each item as a ticket with an owner; link the tickets here.",
    );
    out.push_str("## Messaging\n\n");
    prompt(
        &mut out,
        "### Internal email",
        "What to send to the company: impact, cause in a sentence, what we are doing about it.",
        prefill::messaging(d),
    );
    prompt(
        &mut out,
        "### External message",
        "What to tell customers (status page, email): what happened, the impact on them, what we changed.",
        Vec::new(),
    );
    appendix::appendix(d, &mut out, "## Appendix");
    finish(out)
}

/// The impact table: time in each severity from the journal, the rest for people to fill in.
fn impact(d: &Draft, out: &mut String) {
    line(out, "## Impact\n");
    line(
        out,
        "<!-- Be specific and use exact numbers. Fill in the rows the journal cannot know. -->\n",
    );
    line(out, "| Measure | Value |");
    line(out, "|---|---|");
    for (sev, secs) in &d.severity.totals {
        line(
            out,
            format!(
                "| Time in {} | {} |",
                text(&sev.to_string().to_uppercase()),
                span(*secs)
            ),
        );
    }
    for mt in d
        .metrics
        .iter()
        .filter(|m| m.key != "time_to_acknowledge_s")
    {
        let v = mt.secs.map_or_else(|| "unknown".to_string(), span);
        line(out, format!("| {} | {v} |", mt.label));
    }
    for row in [
        "Accounts affected",
        "Users affected",
        "Requests failed",
        "Support requests raised",
    ] {
        line(out, format!("| {row} | ?? |"));
    }
    out.push('\n');
    for fact in prefill::impact(d) {
        line(out, format!("- {fact}"));
    }
    out.push('\n');
}
