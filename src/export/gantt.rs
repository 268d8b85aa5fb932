//! The Mermaid `gantt` block of the Markdown draft: the incident's phases (impact to
//! detection, to acknowledgement, to mitigation, to resolution) and each timed step's last
//! run. GitHub, GitLab and most wikis draw it; elsewhere it reads as a list of spans. Pure.
//!
//! Must never: let user text break the block or the diagram. Names go through
//! `sanitize::visible` (one line, no hazards), and every character Mermaid's gantt syntax
//! gives a meaning (`:` ends a name, `#` starts an entity, `;` ends a statement, `%%` a
//! comment, and backticks, `<`, `>`, `&`) is written as a Mermaid entity (`#58;`). Every line
//! is indented, so nothing in it can close the Markdown fence.

use super::model::Draft;
use crate::domain::Milestone;
use crate::domain::incident::Status;
use crate::runbook::sanitize::visible;
use chrono::{DateTime, Utc};
use std::fmt::Write;

const PHASES: [(&str, Milestone, Milestone); 4] = [
    (
        "Impact to detection",
        Milestone::Started,
        Milestone::Detected,
    ),
    (
        "Detection to acknowledgement",
        Milestone::Detected,
        Milestone::Acknowledged,
    ),
    (
        "Acknowledgement to mitigation",
        Milestone::Acknowledged,
        Milestone::Mitigated,
    ),
    (
        "Mitigation to resolution",
        Milestone::Mitigated,
        Milestone::Resolved,
    ),
];

/// A task name Mermaid reads as plain text.
pub fn name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            ':' | '#' | ';' | '%' | '`' | '<' | '>' | '&' | '"' => {
                let _ = write!(out, "#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    let trimmed = out.trim();
    if trimmed.is_empty() {
        "(untitled)".to_string()
    } else {
        trimmed.to_string()
    }
}

fn at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The block, with its heading, or nothing when no phase and no step has both ends.
pub fn render(d: &Draft, out: &mut String) {
    let mut phases = Vec::new();
    for (label, from, to) in PHASES {
        let (Some(a), Some(b)) = (d.milestone(from), d.milestone(to)) else {
            continue;
        };
        if b.at >= a.at {
            phases.push(format!(
                "    {label} :ph{}, {}, {}",
                phases.len() + 1,
                at(a.at),
                at(b.at)
            ));
        }
    }
    let mut steps = Vec::new();
    for row in d.execution.steps.iter().filter(|r| r.timed) {
        let (Some(a), Some(b)) = (row.state.started, row.state.ended) else {
            continue;
        };
        if b < a {
            continue;
        }
        let tag = match row.state.status {
            Status::Failed => "crit, ",
            Status::Done => "done, ",
            _ => "",
        };
        let title = format!("{} ({})", row.def.id, row.outcome());
        steps.push(format!(
            "    {} :{tag}st{}, {}, {}",
            name(&title),
            row.n,
            at(a),
            at(b)
        ));
    }
    if phases.is_empty() && steps.is_empty() {
        return;
    }
    out.push_str("### Phases and steps (UTC)\n\n```mermaid\ngantt\n");
    out.push_str("    dateFormat YYYY-MM-DD HH:mm:ss\n    axisFormat %H:%M\n");
    for (title, lines) in [("Phases", phases), ("Steps as run", steps)] {
        if !lines.is_empty() {
            let _ = writeln!(out, "    section {title}");
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
        }
    }
    out.push_str("```\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_break_the_gantt_syntax_or_the_fence() {
        assert_eq!(name("Restart the db"), "Restart the db");
        assert_eq!(name("a: b # c; d %% e"), "a#58; b #35; c#59; d #37;#37; e");
        let hostile = name("x```\n\u{1b}[2J<script>&");
        assert!(
            !hostile.contains('`') && !hostile.contains('<') && !hostile.contains('\u{1b}'),
            "{hostile}"
        );
        assert!(
            !hostile.contains('\n') && !hostile.contains(':'),
            "{hostile}"
        );
        assert_eq!(name("  "), "(untitled)");
    }
}
