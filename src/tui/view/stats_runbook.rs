//! The stats screen's runbook pane: for the chosen runbook (`StatsView::runbook`), how many
//! incidents ran it, its most skipped steps (with the most common reason), its most overrun
//! steps (the rate, the median against the target), then every step as `runbook stats`
//! tabulates it with its notes (skip reasons, choices taken, steps never reached or removed).
//! What does not fit is below: the border says how much, and `J`/`K` scroll.

use super::text::{Lines, fit, one, plural, scrolled};
use super::theme::Theme;
use crate::stats::highlights::{most_overrun, most_skipped};
use crate::stats::render::{rate, secs, step_notes, step_table};
use crate::stats::report::{Report, RunbookStats};
use crate::tui::state::{AppState, Extent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Block;

pub fn render(frame: &mut Frame, area: Rect, s: &AppState, r: &Report) -> Extent {
    let t = Theme::of(s);
    let chosen = s.stats.runbook.as_deref();
    let found = chosen.and_then(|id| r.runbooks.iter().find(|rb| rb.id == id));
    let title = match (found, chosen) {
        (Some(rb), _) => {
            let at = r.runbooks.iter().position(|x| x.id == rb.id).unwrap_or(0) + 1;
            format!(
                "Runbook {}: {} · {}, {} out of order · {at} of {}",
                one(&rb.id),
                one(&rb.title),
                plural(rb.incidents, if r.drills { "drill" } else { "incident" }),
                rb.out_of_order,
                r.runbooks.len()
            )
        }
        (None, Some(id)) => format!("Runbook {}", one(id)),
        (None, None) => "Runbooks".to_string(),
    };
    let max = usize::from(area.width.saturating_sub(2));
    let title = format!(" {} ", fit(&title, max.saturating_sub(2)));
    let block = Block::bordered().title(Line::styled(title, t.title()));
    let lines = match found {
        Some(rb) => document(t, rb, max),
        None => missing(t, r, chosen, max),
    };
    scrolled(frame, area, block, lines, s.stats.scroll, t.dim())
}

/// No counted incident ran the chosen runbook (or none was chosen).
fn missing(t: Theme, r: &Report, chosen: Option<&str>, max: usize) -> Lines {
    let counted = if r.drills { "drill" } else { "incident" };
    let first = match chosen {
        Some(id) => format!("No counted {counted} ran runbook {}.", one(id)),
        None => format!("No runbook has a counted {counted}."),
    };
    let mut out = vec![Line::styled(fit(&first, max), t.dim())];
    if !r.runbooks.is_empty() {
        let n = r.runbooks.len();
        let which = if n == 1 {
            "the 1 runbook that has some".to_string()
        } else {
            format!("the {n} runbooks that have some")
        };
        out.push(Line::raw(fit(&format!("Tab: {which}."), max)));
    }
    out
}

/// The whole pane for one runbook at width `max`.
fn document(t: Theme, rb: &RunbookStats, max: usize) -> Lines {
    let line = |text: String| Line::raw(fit(&text, max));
    let mut out = Vec::new();
    let id_w = rb
        .steps
        .iter()
        .map(|s| one(&s.id).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 24);
    let step_id = |id: &str| format!("{:<id_w$}", fit(&one(id), id_w));
    out.push(Line::styled("Most skipped", t.strong()));
    let skipped = most_skipped(rb);
    for st in &skipped {
        let why = st.skip_reasons.first().map_or_else(String::new, |w| {
            format!(" · most often: \"{}\" x{}", one(&w.reason), w.count)
        });
        out.push(line(format!(
            "  {} skipped {} of {} reached{why}",
            step_id(&st.id),
            st.skipped,
            st.reached
        )));
    }
    if skipped.is_empty() {
        out.push(Line::styled("  none: no step was skipped", t.dim()));
    }
    out.push(Line::styled("Most overrun", t.strong()));
    let overrun = most_overrun(rb);
    for st in &overrun {
        out.push(line(format!(
            "  {} {} of timed runs over · median {} vs target {}",
            step_id(&st.id),
            rate(st.overrun_rate),
            secs(st.median_s),
            secs(st.target_s)
        )));
    }
    if overrun.is_empty() {
        out.push(Line::styled(
            "  none: no timed step went over its target",
            t.dim(),
        ));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Every step", t.strong()));
    out.extend(
        step_table(rb)
            .into_iter()
            .map(|row| line(format!("  {row}"))),
    );
    out.extend(step_notes(rb).into_iter().map(|n| line(format!("  {n}"))));
    out
}
