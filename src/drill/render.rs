//! The scorecard as text (the TUI's end-of-drill screen, `runbook drill scorecard`) and as a
//! Markdown section (the export of a drill). Pure. Text from the journal is made visible (no
//! control characters); in Markdown it is also escaped so it cannot break a table.

use super::scenario::show;
use super::scorecard::{MilestoneRow, Scorecard, Verdict, secs};
use crate::runbook::sanitize::visible;
use chrono::Duration;
use std::fmt::Write as _;

/// `+3m05s`: a time from the drill's start, to the second.
fn offset(d: Duration) -> String {
    let sign = if d < Duration::zero() { "-" } else { "+" };
    format!("{sign}{}", hms(d))
}

/// `1h02m03s`, `3m05s`, `45s` (absolute value).
pub fn hms(d: Duration) -> String {
    let s = d.num_seconds().unsigned_abs();
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s:02}s"),
        _ => format!("{h}h{m:02}m{s:02}s"),
    }
}

fn verdict_text(row: &MilestoneRow) -> String {
    match (row.verdict, row.reached, row.target) {
        (Verdict::Met, Some(r), Some(t)) => {
            let spare = secs(t).checked_sub(&r).unwrap_or(Duration::MAX);
            if spare.is_zero() {
                "met, on the dot".into()
            } else {
                format!("met, {} to spare", hms(spare))
            }
        }
        (Verdict::Missed, Some(r), Some(t)) => format!(
            "MISSED by {}",
            hms(r.checked_sub(&secs(t)).unwrap_or(Duration::MAX))
        ),
        (Verdict::NotReached, ..) => "NOT REACHED".into(),
        _ => "reached (no target)".into(),
    }
}

fn speed_text(speed: Option<f64>) -> String {
    speed.map_or_else(|| "real time".into(), |s| format!("{s}x speed"))
}

/// The scorecard as plain text, for the TUI's end-of-drill screen and the terminal. The text
/// from the journal is made visible (no control characters).
pub fn render_text(sc: &Scorecard) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "DRILL SCORECARD  {}", visible(&sc.title));
    let scenario = sc
        .scenario
        .as_ref()
        .map_or_else(|| "no scenario".into(), |(id, _)| format!("scenario {id}"));
    let _ = writeln!(
        o,
        "incident {} · runbook {} · {scenario} · {}",
        sc.incident,
        sc.runbook,
        speed_text(sc.speed)
    );
    let _ = writeln!(
        o,
        "drill time {}{}",
        hms(sc.length()),
        if sc.closed {
            " (closed)"
        } else {
            " so far (still open)"
        }
    );

    text_milestones(&mut o, sc);
    text_overruns(&mut o, sc);
    text_skipped(&mut o, sc);
    text_injects(&mut o, sc);
    text_notes(&mut o, sc);
    o
}

/// Each milestone: when it was reached against its target.
fn text_milestones(o: &mut String, sc: &Scorecard) {
    let _ = writeln!(o, "\nMilestones (time from the drill's start)");
    if sc.milestones.is_empty() {
        let _ = writeln!(o, "  none recorded and no targets set");
    }
    for m in &sc.milestones {
        let reached = m.reached.map_or_else(|| "—".into(), offset);
        let target = m
            .target
            .map_or_else(|| "no target".into(), |t| format!("target {t}"));
        let _ = writeln!(
            o,
            "  {:<13} {:<10} {:<14} {}",
            m.milestone.name(),
            reached,
            target,
            verdict_text(m)
        );
    }
}

/// Steps that took longer than their target.
fn text_overruns(o: &mut String, sc: &Scorecard) {
    let _ = writeln!(o, "\nSteps over their target ({})", sc.overruns.len());
    for r in &sc.overruns {
        let _ = writeln!(
            o,
            "  {}  {}: took {}{}, target {} (+{})",
            r.step,
            visible(&r.title),
            hms(r.took),
            if r.active { " so far" } else { "" },
            r.target,
            hms(r.over_by())
        );
    }
}

/// Steps skipped, with their reasons.
fn text_skipped(o: &mut String, sc: &Scorecard) {
    let _ = writeln!(o, "\nSteps skipped ({})", sc.skipped.len());
    for s in &sc.skipped {
        let _ = writeln!(
            o,
            "  {}  {} at {}: {}",
            s.step,
            visible(&s.title),
            offset(s.at),
            visible(&s.reason)
        );
    }
}

/// Each inject: when it was due and fired, and the next action after it.
fn text_injects(o: &mut String, sc: &Scorecard) {
    let _ = writeln!(
        o,
        "\nInjects ({} of {} fired)",
        sc.fired(),
        sc.injects.len()
    );
    for i in &sc.injects {
        let due = i
            .due
            .map_or_else(|| "?".into(), |d| format!("+{}", show(d)));
        let _ = writeln!(o, "  {}. {due}  {}", i.number, visible(&i.text));
        let outcome = match (&i.fired, &i.response) {
            (None, _) => "not fired".to_string(),
            (Some(f), None) => format!("fired {}; no action after it", offset(*f)),
            (Some(f), Some(r)) => format!(
                "fired {}; next action {} later by {}: {}",
                offset(*f),
                hms(r.after),
                visible(&r.by),
                visible(&r.what)
            ),
        };
        let _ = writeln!(o, "     {outcome}");
    }
}

/// The drill's notes, action items and decisions marked.
fn text_notes(o: &mut String, sc: &Scorecard) {
    let _ = writeln!(o, "\nNotes ({})", sc.notes.len());
    for n in &sc.notes {
        let tag = match (n.action_item, n.decision) {
            (true, _) => "[action] ",
            (false, true) => "[decision] ",
            _ => "",
        };
        let _ = writeln!(
            o,
            "  {}  {}  {tag}{}",
            offset(n.at),
            visible(&n.by),
            visible(&n.text)
        );
    }
}

/// Escapes text for a Markdown table cell: no pipes, no line breaks, no markup.
fn cell(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    let mut out = String::with_capacity(text.len());
    for c in visible(&one_line).chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The scorecard as a Markdown section (`## Drill scorecard` and `###` subsections), for the
/// export of a drill.
pub fn render_markdown(sc: &Scorecard) -> String {
    let mut o = String::from("## Drill scorecard\n\n");
    let scenario = sc.scenario.as_ref().map_or_else(
        || "No scenario".to_string(),
        |(id, title)| format!("Scenario **{}** (`{id}`)", cell(title)),
    );
    let _ = writeln!(
        o,
        "{scenario} on runbook `{}`, at {}. Drill time {}{}. Times are drill time from the drill's start.\n",
        sc.runbook,
        speed_text(sc.speed),
        hms(sc.length()),
        if sc.closed {
            ""
        } else {
            " so far (still open)"
        }
    );

    md_milestones(&mut o, sc);
    md_overruns(&mut o, sc);
    md_skipped(&mut o, sc);
    md_injects(&mut o, sc);
    md_notes(&mut o, sc);
    o
}

/// Each milestone: when it was reached against its target.
fn md_milestones(o: &mut String, sc: &Scorecard) {
    o.push_str("### Milestones\n\n");
    if sc.milestones.is_empty() {
        o.push_str("None recorded, and the scenario sets no targets.\n\n");
    } else {
        o.push_str("| Milestone | Reached | Target | Result |\n|---|---|---|---|\n");
        for m in &sc.milestones {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                m.milestone.name(),
                m.reached.map_or_else(|| "—".into(), offset),
                m.target.map_or_else(|| "—".into(), |t| t.to_string()),
                verdict_text(m)
            );
        }
        o.push('\n');
    }
}

/// Steps that took longer than their target.
fn md_overruns(o: &mut String, sc: &Scorecard) {
    o.push_str("### Steps over their target\n\n");
    if sc.overruns.is_empty() {
        o.push_str("None.\n\n");
    } else {
        o.push_str("| Step | Took | Target | Over by |\n|---|---|---|---|\n");
        for r in &sc.overruns {
            let _ = writeln!(
                o,
                "| `{}` {} | {}{} | {} | {} |",
                r.step,
                cell(&r.title),
                hms(r.took),
                if r.active { " (still running)" } else { "" },
                r.target,
                hms(r.over_by())
            );
        }
        o.push('\n');
    }
}

/// Steps skipped, with their reasons.
fn md_skipped(o: &mut String, sc: &Scorecard) {
    o.push_str("### Steps skipped\n\n");
    if sc.skipped.is_empty() {
        o.push_str("None.\n\n");
    } else {
        o.push_str("| Step | At | Reason |\n|---|---|---|\n");
        for s in &sc.skipped {
            let _ = writeln!(
                o,
                "| `{}` {} | {} | {} |",
                s.step,
                cell(&s.title),
                offset(s.at),
                cell(&s.reason)
            );
        }
        o.push('\n');
    }
}

/// Each inject: when it was due and fired, and the next action after it.
fn md_injects(o: &mut String, sc: &Scorecard) {
    let _ = writeln!(
        o,
        "### Injects\n\n{} of {} fired.\n",
        sc.fired(),
        sc.injects.len()
    );
    if !sc.injects.is_empty() {
        o.push_str(
            "| # | Due | Fired | Inject | Next action | After |\n|---|---|---|---|---|---|\n",
        );
        for i in &sc.injects {
            let (what, after) = match (&i.fired, &i.response) {
                (None, _) => ("not fired".to_string(), "—".to_string()),
                (Some(_), None) => ("none".to_string(), "—".to_string()),
                (Some(_), Some(r)) => (format!("{}: {}", cell(&r.by), cell(&r.what)), hms(r.after)),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {what} | {after} |",
                i.number,
                i.due
                    .map_or_else(|| "—".into(), |d| format!("+{}", show(d))),
                i.fired.map_or_else(|| "—".into(), offset),
                cell(&i.text)
            );
        }
        o.push('\n');
    }
}

/// The drill's notes, action items and decisions marked.
fn md_notes(o: &mut String, sc: &Scorecard) {
    o.push_str("### Notes\n\n");
    if sc.notes.is_empty() {
        o.push_str("None.\n");
    } else {
        o.push_str("| At | By | Note |\n|---|---|---|\n");
        for n in &sc.notes {
            let tag = match (n.action_item, n.decision) {
                (true, _) => "**Action:** ",
                (false, true) => "**Decision:** ",
                _ => "",
            };
            let _ = writeln!(
                o,
                "| {} | {} | {tag}{} |",
                offset(n.at),
                cell(&n.by),
                cell(&n.text)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_the_status_line() {
        assert_eq!(hms(Duration::seconds(45)), "45s");
        assert_eq!(hms(Duration::seconds(185)), "3m05s");
        assert_eq!(hms(Duration::seconds(3723)), "1h02m03s");
        assert_eq!(offset(Duration::seconds(-90)), "-1m30s");
    }

    #[test]
    fn cells_cannot_break_a_table() {
        assert_eq!(cell("a|b\nc *d*"), "a\\|b c \\*d\\*");
    }
}
