//! The home preview's step figures for a runbook: once the summaries have been read (see
//! `tui::stats`), how its steps went across the real incidents that ran it (drills left out,
//! as `runbook stats` counts): per step, numbered as the preview's step list above, how often
//! it was reached and skipped, its overrun rate, and its median against its target. Before
//! the first read answers, nothing (the preview never waits for it).

use super::text::{Lines, fit, plural};
use super::theme::Theme;
use crate::domain::Runbook;
use crate::stats::render::{rate, secs};
use crate::tui::state::AppState;
use ratatui::text::Line;

/// The figures' lines for `rb` at width `max` (none before the first read answers).
pub fn lines(s: &AppState, rb: &Runbook, max: usize) -> Lines {
    let t = Theme::of(s);
    let Some(figures) = s.learning.latest() else {
        return Vec::new();
    };
    let mut out = vec![Line::raw("")];
    let Some(st) = figures.real.runbooks.iter().find(|r| r.id == rb.id) else {
        out.push(Line::styled(
            fit("No real incident has run it yet (drills left out).", max),
            t.dim(),
        ));
        return out;
    };
    out.push(Line::styled(
        fit(
            &format!(
                "Across {} (drills left out; S: stats)",
                plural(st.incidents, "incident")
            ),
            max,
        ),
        t.title(),
    ));
    let num_w = rb.steps.len().to_string().len().max(1);
    out.push(Line::styled(
        fit(
            &format!("{:>num_w$} reached skipped overrun  median vs target", "#"),
            max,
        ),
        t.dim(),
    ));
    for (i, step) in rb.steps.iter().enumerate() {
        let row = match st.steps.iter().find(|x| x.id == step.id.as_str()) {
            Some(x) => format!(
                "{:>num_w$} {:>7} {:>7} {:>7}  {}",
                i + 1,
                x.reached,
                x.skipped,
                rate(x.overrun_rate),
                match (x.median_s, x.target_s) {
                    (None, None) => "-".to_string(),
                    (m, t) => format!("{} vs {}", secs(m), secs(t)),
                }
            ),
            None => format!("{:>num_w$}  new: no counted incident had it", i + 1),
        };
        out.push(Line::raw(fit(&row, max)));
    }
    out
}
