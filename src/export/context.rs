//! The context section: the runbook's `about` (meaning, impact, context), as the runbook
//! pinned in the journal says it, so the postmortem's readers see what the responders were
//! told. Rendered plainly (`runbook::markdown::plain`) inside a fenced block: the runbook's
//! Markdown can never turn into the draft's own structure. Pure.

use super::escape::fenced;
use super::model::Draft;

/// `### Context (from the runbook)` and the `about` text, when the runbook has one.
pub fn context(d: &Draft, out: &mut String) {
    let Some(about) = d.inc.runbook.about.as_deref() else {
        return;
    };
    let lines = crate::runbook::markdown::plain(about);
    if lines.iter().all(|l| l.trim().is_empty()) {
        return;
    }
    out.push_str("### Context (from the runbook)\n\n");
    out.push_str(&fenced("text", &lines.join("\n")));
    out.push('\n');
}
