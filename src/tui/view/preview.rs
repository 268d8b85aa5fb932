//! Home, right pane: a preview of the selected row. For a runbook: title, id, type, severity,
//! where it came from, problems with the file on disk (warn style: the runbook shown is the last
//! good version), summary, alerts, tags, owners, variables and the numbered steps with their
//! kind (or, on the first frame, that the file is still being checked), then, once the
//! summaries are read, how its steps went across incidents (`figures.rs`). For an open incident:
//! title, DRILL, severity, id, runbook, when it was opened (and how long ago, from
//! `AppState::now`) and the step it is at. What does not fit is below: the border says how
//! much, and `J`/`K` scroll (`Home::preview_scroll`; `render` tells `update` the extent it drew).

use super::text::{Lines, clock, fit, hanging, one, prose, scrolled, wrap, wrapped};
use super::theme::Theme;
use crate::tui::state::{AppState, Extent, IncidentRow, LibraryRow, Row};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

/// Draws the preview; says how long it is and how much of it is shown.
pub fn render(frame: &mut Frame, area: Rect, s: &AppState) -> Extent {
    let t = Theme::of(s);
    let block = Block::bordered().title(Line::styled(" Preview ", t.title()));
    let lines = document(s, usize::from(block.inner(area).width));
    scrolled(frame, area, block, lines, s.home.preview_scroll, t.dim())
}

/// The whole preview of the selected row at width `max`.
fn document(s: &AppState, max: usize) -> Lines {
    let t = Theme::of(s);
    match s.home.selected_row() {
        Some(Row::Runbook(i)) => s
            .home
            .library
            .get(i)
            .map(|l| runbook(s, l, max))
            .unwrap_or_default(),
        Some(Row::Incident(i)) => s
            .home
            .incidents
            .get(i)
            .map(|r| incident(s, r, max))
            .unwrap_or_default(),
        None => vec![Line::styled("Nothing selected.", t.dim())],
    }
}

fn runbook(s: &AppState, entry: &LibraryRow, max: usize) -> Lines {
    let t = Theme::of(s);
    let rb = &entry.runbook;
    let mut out: Lines = wrap(&one(&rb.title), max)
        .into_iter()
        .map(|l| Line::styled(l, t.title()))
        .collect();
    let meta = format!(
        "{} · {} · {}",
        one(&rb.id),
        one(&rb.incident_type),
        rb.severity
    );
    out.extend(hanging("", &meta, max, t.strong()));
    out.extend(hanging("from ", &one(&entry.origin), max, t.dim()));
    if let Some(p) = &entry.problems {
        out.push(Line::styled(
            fit("! The file has errors; this is the last good version:", max),
            t.warn(),
        ));
        out.extend(
            wrapped(p, &[], max.saturating_sub(2), t.warn())
                .into_iter()
                .map(indent),
        );
    }
    if let Some(summary) = &rb.summary {
        out.push(Line::raw(""));
        out.extend(prose(summary.trim(), &[], max, t.plain()));
    }
    out.push(Line::raw(""));
    let list = |items: &[String]| -> String {
        items.iter().map(|a| one(a)).collect::<Vec<_>>().join(", ")
    };
    if !rb.alerts.is_empty() {
        out.extend(hanging("Alerts: ", &list(&rb.alerts), max, t.plain()));
    }
    if !rb.tags.is_empty() {
        out.extend(hanging("Tags:   ", &list(&rb.tags), max, t.plain()));
    }
    if !rb.owners.is_empty() {
        out.extend(hanging("Owners: ", &list(&rb.owners), max, t.plain()));
    }
    if !rb.vars.is_empty() {
        let names: Vec<String> = rb.vars.iter().map(|v| v.name.clone()).collect();
        out.extend(hanging("Asks:   ", &list(&names), max, t.dim()));
    }
    out.push(Line::raw(""));
    if !entry.checked {
        out.push(Line::styled("Steps", t.title()));
        out.push(Line::styled(fit("checking the file…", max), t.dim()));
        return out;
    }
    out.push(Line::styled(
        format!("Steps ({})", rb.steps.len()),
        t.title(),
    ));
    let num_w = rb.steps.len().to_string().len();
    for (i, step) in rb.steps.iter().enumerate() {
        let signoff = if step.requires_signoff {
            " (sign-off)"
        } else {
            ""
        };
        let head = format!("{:>num_w$}. {:<8} ", i + 1, step.kind.name());
        let title = format!("{}{signoff}", one(&step.title));
        out.push(Line::from(vec![
            Span::styled(head.clone(), t.dim()),
            Span::raw(fit(&title, max.saturating_sub(head.len()))),
        ]));
    }
    out.extend(super::figures::lines(s, rb, max));
    out
}

fn incident(s: &AppState, row: &IncidentRow, max: usize) -> Lines {
    let t = Theme::of(s);
    if let Some(why) = &row.unreadable {
        let mut out = wrapped(
            &format!("The journal of {} cannot be read.", one(&row.id)),
            &[],
            max,
            t.bad(),
        );
        out.push(Line::raw(""));
        out.extend(wrapped(&one(why), &[], max, t.plain()));
        out.push(Line::raw(""));
        out.extend(hanging(
            "",
            "Nothing in it was changed. `runbook status ID` says the same from a shell.",
            max,
            t.dim(),
        ));
        return out;
    }
    let mut out: Lines = wrap(&one(&row.title), max)
        .into_iter()
        .map(|l| Line::styled(l, t.title()))
        .collect();
    if row.drill {
        out.push(Line::from(vec![
            Span::styled(" DRILL ", t.drill()),
            Span::styled(" a practice incident", t.dim()),
        ]));
    }
    let ago = clock(s.now - row.opened);
    let field = |label: &str, value: String| hanging(label, &value, max, t.plain());
    out.push(Line::raw(""));
    out.extend(field("severity  ", row.severity.to_string()));
    out.extend(field("id        ", one(&row.id)));
    out.extend(field("runbook   ", one(&row.runbook)));
    out.extend(field(
        "opened    ",
        format!("{} UTC ({ago} ago)", row.opened.format("%Y-%m-%d %H:%M:%S")),
    ));
    let at = match &row.at_step {
        Some(step) => one(step),
        None => "the runbook has ended".to_string(),
    };
    out.extend(field("at step   ", at));
    out.push(Line::raw(""));
    out.extend(hanging(
        "",
        "Enter resumes it; nothing is lost by leaving it.",
        max,
        t.dim(),
    ));
    out
}

/// Indents a line by two cells (problem lists under their heading).
fn indent(line: Line<'static>) -> Line<'static> {
    let mut spans = vec![Span::raw("  ")];
    spans.extend(line.spans);
    Line::from(spans).style(line.style)
}
