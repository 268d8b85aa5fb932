//! The layout after Atlassian's incident postmortem template: summary, leadup, fault,
//! impact, detection, response, recovery, timeline, five whys, root cause, lessons learned
//! and corrective actions. The same material as the Google layout, rearranged and renamed.
//! Pure.

use super::google::finish;
use super::model::Draft;
use super::prefill;
use super::sections::{self, line, prompt};
use super::{appendix, execution_md};

/// The template's outline, section by section in the order the template has them (long by
/// design: the document reads top to bottom here, one call per section).
pub fn render(d: &Draft) -> String {
    let mut out = String::with_capacity(super::model::capacity(d.records.len()));
    sections::title(d, &mut out, "Incident postmortem");
    sections::facts(d, &mut out);
    prompt(
        &mut out,
        "## Incident summary",
        "What happened, why, the severity, and how long the impact lasted, in a few sentences.",
        prefill::summary(d),
    );
    prompt(
        &mut out,
        "## Leadup",
        "The sequence of events that led to the incident, such as earlier changes that introduced the fault.",
        prefill::trigger(d),
    );
    prompt(
        &mut out,
        "## Fault",
        "How the change or component failed to work as expected.",
        Vec::new(),
    );
    prompt(
        &mut out,
        "## Impact",
        "How internal and external users were affected, for how long, and how many support cases were raised.",
        prefill::impact(d),
    );
    prompt(
        &mut out,
        "## Detection",
        "When and how the team detected it, and how time to detection could be halved.",
        prefill::detection(d),
    );
    prompt(
        &mut out,
        "## Response",
        "Who responded, when and how; any delays or obstacles to the response.",
        prefill::response(d),
    );
    sections::roles(d, &mut out, "### Responders and roles");
    prompt(
        &mut out,
        "## Recovery",
        "How service was restored and when the incident was over; how time to mitigation could be halved.",
        prefill::resolution(d),
    );
    line(&mut out, "## Timeline\n");
    sections::key_times(d, &mut out, "### Key times");
    sections::timeline(d, &mut out, "### Events");
    line(&mut out, "## Five whys\n");
    line(
        &mut out,
        "<!-- Start from the impact and ask why until you reach a cause worth fixing. -->\n",
    );
    for n in 1..=5 {
        line(&mut out, format!("{n}. Why? *To be written.*"));
    }
    out.push('\n');
    prompt(
        &mut out,
        "## Blameless root cause",
        "The root cause the five whys lead to: conditions and systems, not people.",
        prefill::root_causes(d),
    );
    out.push_str("## Lessons learned\n\n");
    prompt(
        &mut out,
        "### What went well",
        "What worked and should be kept.",
        Vec::new(),
    );
    prompt(
        &mut out,
        "### What could have gone better",
        "What made it longer or worse.",
        prefill::went_wrong(d),
    );
    prompt(
        &mut out,
        "### Where we got lucky",
        "What went right by chance.",
        Vec::new(),
    );
    sections::action_items(
        d,
        &mut out,
        "## Corrective actions",
        "Each action with an owner, a ticket and a due date; priority actions first.",
    );
    execution_md::execution(d, &mut out, "## Runbook execution");
    appendix::appendix(d, &mut out, "## Appendix");
    finish(out)
}
