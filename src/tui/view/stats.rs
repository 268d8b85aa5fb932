//! The stats screen: what `runbook stats` counts, drawn. A head line (how many incidents,
//! drills or not, a summary cache that could not be saved, and every journal not counted, by
//! name), then the incidents and the median time to resolve per ISO week as bar charts (ratatui `BarChart`) with their numbers printed
//! beside the bars, the four response times, and the chosen runbook's steps
//! (`stats_runbook.rs`). Until the read it was opened with answers: "reading N incidents…".
//!
//! Layout: narrow (below `WIDE_STATS` columns), the weeks, the response times and the runbook's
//! pane are stacked; wide, the response times and the counts by type and severity sit beside
//! the weeks, and the runbook's pane takes the rest of the height at full width. Weeks that do not fit are the oldest, and the pane says how
//! many are not shown; the runbook's pane scrolls (`J`/`K`) and says what is out of view.
//! Readable without colour: bars are glyphs and every bar has its number.

use super::stats_runbook;
use super::text::{Lines, fit, one, plural, width};
use super::theme::Theme;
use crate::stats::highlights::{recent_weeks, week_span};
use crate::stats::render::{LABELS, figure_line, secs};
use crate::stats::report::{Report, Week};
use crate::tui::state::{AppState, Extent};
use crate::tui::stats::state::Figures;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};

/// From this width the response times sit beside the runbook's pane.
const WIDE_STATS: u16 = 120;
/// The response times: the header (which names them, as `runbook stats` does) and four rows;
/// no border, so that at 80x24 the runbook's pane keeps room for its lists.
const TIMES_H: u16 = 5;
/// The least height the runbook's pane gets on a narrow screen: its border, a heading and two
/// steps of each list.
const RUNBOOK_MIN_H: u16 = 8;
/// The width the response times table needs (`figure_line`), and a margin.
const TIMES_W: u16 = 61;

/// Draws the screen in `area`; returns what the runbook's pane showed (for `J`/`K`).
pub fn render(frame: &mut Frame, area: Rect, s: &AppState) -> Option<Extent> {
    let t = Theme::of(s);
    let max = usize::from(area.width);
    let Some(figures) = s.learning.since(s.stats.request) else {
        let n = s.learning.reading.and_then(|r| r.incidents);
        let what = n.map_or_else(|| "the incidents".to_string(), |n| plural(n, "incident"));
        let lines = vec![
            Line::styled(fit("Stats across incidents", max), t.title()),
            Line::raw(""),
            Line::styled(fit(&format!("reading {what}…"), max), t.strong()),
        ];
        frame.render_widget(Paragraph::new(lines), area);
        return None;
    };
    let report = figures.report(s.stats.drills);
    let head = head(t, figures, report, max);
    let head_h = u16::try_from(head.len()).unwrap_or(u16::MAX);
    let [top, body] =
        Layout::vertical([Constraint::Length(head_h), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(head), top);
    let need = u16::try_from(week_span(&report.weeks).max(1) + 3).unwrap_or(u16::MAX);
    let runbook_area = if area.width >= WIDE_STATS {
        // The weeks beside the response times and counts, the runbook's pane below at full
        // width (its tables are wide), with the rest of the height.
        let side = TIMES_H + 1 + u16::try_from(count_lines(t, report).len()).unwrap_or(u16::MAX);
        let top_h = need.max(side).min(body.height / 2).max(4);
        let [top, rest] =
            Layout::vertical([Constraint::Length(top_h), Constraint::Min(0)]).areas(body);
        let [weeks_area, _, side_area] = Layout::horizontal([
            Constraint::Min(0),
            Constraint::Length(2),
            Constraint::Length(TIMES_W),
        ])
        .areas(top);
        weeks(frame, weeks_area, t, report);
        let [times_area, _, counts_area] = Layout::vertical([
            Constraint::Length(TIMES_H),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(side_area);
        times(frame, times_area, t, report);
        frame.render_widget(Paragraph::new(count_lines(t, report)), counts_area);
        rest
    } else {
        let room = body.height.saturating_sub(TIMES_H + RUNBOOK_MIN_H);
        let [weeks_area, times_area, rest] = Layout::vertical([
            Constraint::Length(need.min(room).max(4)),
            Constraint::Length(TIMES_H),
            Constraint::Min(0),
        ])
        .areas(body);
        weeks(frame, weeks_area, t, report);
        times(frame, times_area, t, report);
        rest
    };
    Some(stats_runbook::render(frame, runbook_area, s, report))
}

/// What is counted, and every journal that is not, by name (as many as fit, then how many
/// more: `runbook stats` lists them all with why).
fn head(t: Theme, figures: &Figures, r: &Report, max: usize) -> Lines {
    let (what, toggle) = if r.drills {
        (
            plural(r.incidents, "drill"),
            "drills only · d: real incidents",
        )
    } else {
        (
            plural(r.incidents, "incident"),
            "drills left out · d: drills only",
        )
    };
    let first = format!("Stats across incidents: {what} ({} open), {toggle}", r.open);
    let mut out = vec![Line::styled(fit(&first, max), t.title())];
    if let Some(w) = &figures.cache_warning {
        out.push(Line::styled(fit(&format!("! {}", one(w)), max), t.warn()));
    }
    let skipped = &figures.skipped;
    if skipped.is_empty() {
        return out;
    }
    let lead = format!("! {} not counted: ", plural(skipped.len(), "journal"));
    let mut line = lead;
    if let [only] = skipped.as_slice() {
        line.push_str(&format!("{} ({})", one(&only.id), one(&only.reason)));
    } else {
        for (i, sk) in skipped.iter().enumerate() {
            let id = one(&sk.id);
            let sep = if i == 0 { "" } else { ", " };
            // Room is kept for saying how many more there are after this one.
            let rest = skipped.len() - i - 1;
            let more = if rest > 0 {
                9 + rest.to_string().len()
            } else {
                0
            };
            if i > 0 && width(&line) + width(sep) + width(&id) + more > max {
                line.push_str(&format!(", +{} more", skipped.len() - i));
                break;
            }
            line.push_str(sep);
            line.push_str(&id);
        }
    }
    out.push(Line::styled(fit(&line, max), t.warn()));
    out
}

/// The weeks: a row each, the newest last, incidents and median time to resolve as bars with
/// their numbers.
fn weeks(frame: &mut Frame, area: Rect, t: Theme, r: &Report) {
    let mut block = Block::bordered().title(Line::styled(
        " By ISO week (when the impact started) ",
        t.title(),
    ));
    let inner = block.inner(area);
    let rows = usize::from(inner.height.saturating_sub(1));
    let shown = recent_weeks(&r.weeks, rows);
    let earlier = week_span(&r.weeks).saturating_sub(shown.len());
    if earlier > 0 {
        let hint = format!(" ↑{} not shown ", plural(earlier, "earlier week"));
        block = block.title_bottom(Line::styled(hint, t.dim()));
    }
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    if shown.is_empty() {
        let none = fit("No incidents counted.", usize::from(inner.width));
        frame.render_widget(Paragraph::new(Line::styled(none, t.dim())), inner);
        return;
    }
    let [label_col, counts_col, _, ttr_col] = Layout::horizontal([
        Constraint::Length(10),
        Constraint::Percentage(35),
        Constraint::Length(2),
        Constraint::Min(0),
    ])
    .areas(inner);
    let [head, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(label_col);
    frame.render_widget(Paragraph::new(Line::styled("week", t.strong())), head);
    let labels: Lines = shown.iter().map(|w| Line::raw(w.week.clone())).collect();
    frame.render_widget(Paragraph::new(labels), body);
    let counts: Vec<(u64, String)> = shown
        .iter()
        .map(|w| (w.incidents as u64, w.incidents.to_string()))
        .collect();
    bars(frame, counts_col, t, "incidents", &counts);
    let ttr: Vec<(u64, String)> = shown.iter().map(ttr_bar).collect();
    bars(frame, ttr_col, t, "median time to resolve", &ttr);
}

fn ttr_bar(w: &Week) -> (u64, String) {
    let v = w.median_time_to_resolve_s;
    (v.map_or(0, |s| s.max(0).unsigned_abs()), secs(v))
}

/// A column of horizontal bars under `title`, each with its number right-aligned after it.
fn bars(frame: &mut Frame, area: Rect, t: Theme, title: &str, values: &[(u64, String)]) {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let max = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(Line::styled(fit(title, max), t.strong())),
        head,
    );
    let num_w = values.iter().map(|(_, n)| width(n)).max().unwrap_or(1);
    let num_w = u16::try_from(num_w + 1).unwrap_or(u16::MAX);
    let [chart, numbers] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(num_w)]).areas(body);
    let data: Vec<Bar> = values
        .iter()
        .map(|(v, _)| Bar::default().value(*v).text_value(String::new()))
        .collect();
    let top = values.iter().map(|(v, _)| *v).max().unwrap_or(0).max(1);
    let widget = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .bar_style(t.chart())
        .max(top)
        .data(BarGroup::default().bars(&data));
    frame.render_widget(widget, chart);
    let nums: Lines = values
        .iter()
        .map(|(_, n)| Line::raw(format!("{n:>w$}", w = usize::from(num_w))))
        .collect();
    frame.render_widget(Paragraph::new(nums), numbers);
}

/// The four response times: count, median, 90th percentile, worst, and how many incidents
/// lack the milestone.
fn times(frame: &mut Frame, area: Rect, t: Theme, r: &Report) {
    let max = usize::from(area.width);
    let header = figure_line("Response times", None);
    let mut lines = vec![Line::styled(fit(&header, max), t.title())];
    for (label, (_, f)) in LABELS.iter().zip(r.metrics.iter()) {
        lines.push(Line::raw(fit(&figure_line(label, Some(f)), max)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// How many of each incident type and worst severity (wide screens, under the times), as
/// `runbook stats` lists them.
fn count_lines(t: Theme, r: &Report) -> Lines {
    let mut lines: Lines = Vec::new();
    for (title, map) in [
        ("By type", &r.by_type),
        ("By severity (worst reached)", &r.by_severity),
    ] {
        lines.push(Line::styled(title, t.title()));
        for (k, n) in map {
            lines.push(Line::raw(format!("  {:<24} {n:>5}", fit(&one(k), 24))));
        }
        if map.is_empty() {
            lines.push(Line::raw("  none"));
        }
    }
    lines
}
