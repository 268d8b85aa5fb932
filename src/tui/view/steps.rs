//! Incident screen, step list: one line per step of the pinned runbook, in file order.
//!
//! `▶` marks the step the runbook is at, then a status glyph that reads without colour
//! (`[ ]` pending, `[>]` active, `[x]` done, `[!]` failed, `[-]` skipped), the number, the title
//! (variables filled, made visible), `→ next-id` for a decision taken, and on the right the start
//! time, the time taken against the target (`4:10/5m`, live for an active step) with `OVER` when
//! it ran long (`+` in a narrow pane), and the role. Columns drop from the right as the pane narrows (start time first,
//! then role); the timing always stays. Skipped steps stay in the list. The selected step is
//! reversed and kept in view; steps retired by a newer runbook version follow, dimmed.

use super::text::{clock, fit, hms, pad, scroll_offset, width};
use super::theme::{CURRENT, OVER, Theme, status_glyph};
use crate::domain::incident::{Incident, Status, StepState};
use crate::domain::{Step, StepKind};
use crate::tui::state::AppState;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// What the right-hand columns say about one step.
struct Cols {
    start: String,
    timing: String,
    over: bool,
    role: String,
}

pub fn render(frame: &mut Frame, area: Rect, s: &AppState) {
    let Some(v) = &s.incident else {
        return;
    };
    let t = Theme::of(s);
    let inc = &v.incident;
    let n = inc.runbook.steps.len();
    let total = n + inc.retired.len();
    let h = usize::from(area.height.saturating_sub(2));
    let offset = scroll_offset(v.selected, total, h);
    let mut block = Block::bordered().title(Line::styled(" Steps ", t.title()));
    if let Some(more) = more_hint(offset, h, total) {
        block = block.title_bottom(Line::styled(more, t.dim()));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let max = usize::from(inner.width);
    let cols: Vec<Cols> = inc
        .runbook
        .steps
        .iter()
        .zip(&inc.steps)
        .map(|(def, st)| columns(def, st, s.now))
        .collect();
    let layout = Layout::of(&cols, n, max);
    // Only the rows in view become lines: a long runbook costs its column widths, not its
    // length in spans, every frame.
    let visible: Vec<Line<'static>> = (offset..total.min(offset + h))
        .map(|i| match i.checked_sub(n) {
            None => step_line(&t, inc, &cols[i], i, &layout),
            Some(r) => {
                let text = format!("  (retired) {}", super::text::one(&inc.retired[r].0.title));
                Line::styled(fit(&text, max), t.dim())
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
    if v.selected >= offset && v.selected < offset + h {
        let y = inner.y + u16::try_from(v.selected - offset).unwrap_or(0);
        frame
            .buffer_mut()
            .set_style(Rect::new(inner.x, y, inner.width, 1), t.selected());
    }
}

/// ` ↑3 ↓7 more `: how many rows are above and below the `h` in view, if any are.
fn more_hint(offset: usize, h: usize, total: usize) -> Option<String> {
    if total <= h || h == 0 {
        return None;
    }
    let below = total - (offset + h).min(total);
    let mut more = Vec::new();
    if offset > 0 {
        more.push(format!("↑{offset}"));
    }
    if below > 0 {
        more.push(format!("↓{below}"));
    }
    Some(format!(" {} more ", more.join(" ")))
}

/// The columns' widths at a pane `max` cells wide, and which optional columns fit.
struct Layout {
    num_w: usize,
    title_w: usize,
    timing_w: usize,
    role_w: usize,
    any_over: bool,
    over_txt: &'static str,
    show_role: bool,
    show_start: bool,
}

impl Layout {
    fn of(cols: &[Cols], n: usize, max: usize) -> Layout {
        let num_w = n.to_string().len();
        let lead = 1 + 3 + 1 + num_w + 2;
        let timing_w = cols.iter().map(|c| width(&c.timing)).max().unwrap_or(0);
        let role_w = cols
            .iter()
            .map(|c| width(&c.role))
            .max()
            .unwrap_or(0)
            .min(8);
        // The timing (and its OVER) always shows; then the role while the title keeps 16
        // cells, then the start time while it keeps 28. `OVER` when there is room, `+` when
        // narrow; no column at all when nothing ran over.
        let any_over = cols.iter().any(|c| c.over);
        let over_txt = if max >= 50 { OVER } else { "+" };
        let over_w = if any_over { 1 + over_txt.len() } else { 0 };
        let mut right_w = 1 + timing_w + over_w;
        let show_role = role_w > 0 && lead + right_w + 1 + role_w + 16 <= max;
        if show_role {
            right_w += 1 + role_w;
        }
        let show_start = lead + right_w + 9 + 28 <= max;
        if show_start {
            right_w += 9;
        }
        Layout {
            num_w,
            title_w: max.saturating_sub(lead + right_w),
            timing_w,
            role_w,
            any_over,
            over_txt,
            show_role,
            show_start,
        }
    }
}

/// Step `i`'s row: where the runbook is, status, number, title (and a decision's target),
/// then start, timing, overrun and role as the layout allows.
fn step_line(t: &Theme, inc: &Incident, c: &Cols, i: usize, l: &Layout) -> Line<'static> {
    let (def, st) = (&inc.runbook.steps[i], &inc.steps[i]);
    let current = if inc.current == Some(i) { CURRENT } else { " " };
    let num_w = l.num_w;
    let mut spans = vec![
        Span::styled(current, t.strong()),
        Span::styled(status_glyph(st.status), t.status(st.status)),
        Span::raw(format!(" {:>num_w$}. ", i + 1)),
    ];
    let arrow = taken(inc, &def.id)
        .map(|next| format!(" → {}", super::text::one(next)))
        .unwrap_or_default();
    // The decision's target comes first; the title gets what is left (at least 8 cells).
    let arrow = fit(&arrow, l.title_w.saturating_sub(8));
    let title = super::text::one(&super::text::clean(&def.title, &inc.vars).join(" "));
    let title = fit(&title, l.title_w.saturating_sub(width(&arrow)));
    let title_style = match st.status {
        Status::Skipped => t.dim(),
        Status::Active => t.strong(),
        _ => t.plain(),
    };
    let fill = l.title_w.saturating_sub(width(&title) + width(&arrow));
    spans.push(Span::styled(title, title_style));
    spans.push(Span::styled(arrow, t.good()));
    spans.push(Span::raw(" ".repeat(fill)));
    if l.show_start {
        spans.push(Span::styled(format!(" {}", pad(&c.start, 8)), t.dim()));
    }
    let timing_style = if c.over { t.warn() } else { t.plain() };
    let timing_w = l.timing_w;
    spans.push(Span::styled(
        format!(" {:>timing_w$}", c.timing),
        timing_style,
    ));
    if l.any_over {
        let over = if c.over { l.over_txt } else { "" };
        let w = l.over_txt.len();
        spans.push(Span::styled(format!(" {over:<w$}"), timing_style));
    }
    if l.show_role {
        spans.push(Span::styled(
            format!(" {}", pad(&c.role, l.role_w)),
            t.dim(),
        ));
    }
    Line::from(spans)
}

/// Where a decision went: the `next` of the last choice taken on this step.
fn taken<'a>(inc: &'a Incident, step: &str) -> Option<&'a str> {
    inc.path
        .iter()
        .rev()
        .find(|p| p.step == step)
        .map(|p| p.next.as_str())
}

/// The target a step is measured against: its own, or a wait's duration.
pub fn target_secs(def: &Step) -> Option<u64> {
    match (&def.target, &def.kind) {
        (Some(t), _) => Some(t.secs()),
        (None, StepKind::Wait { duration }) => Some(duration.secs()),
        _ => None,
    }
}

/// How long a step took (or has taken so far, if active).
pub fn taken_so_far(st: &StepState, now: DateTime<Utc>) -> Option<chrono::Duration> {
    let start = st.started?;
    match (st.status, st.ended) {
        (_, Some(end)) => Some(end - start),
        (Status::Active, None) => Some(now - start),
        _ => None,
    }
}

fn columns(def: &Step, st: &StepState, now: DateTime<Utc>) -> Cols {
    let target = target_secs(def);
    let target_txt = match (&def.target, &def.kind) {
        (Some(t), _) => t.to_string(),
        (None, StepKind::Wait { duration }) => duration.to_string(),
        _ => String::new(),
    };
    let spent = if st.status == Status::Skipped {
        None
    } else {
        taken_so_far(st, now)
    };
    let timing = match (spent, target_txt.is_empty()) {
        (Some(d), false) => format!("{}/{target_txt}", clock(d)),
        (Some(d), true) => clock(d),
        (None, _) => target_txt,
    };
    let over = match (spent, target) {
        (Some(d), Some(t)) => d.num_seconds() > i64::try_from(t).unwrap_or(i64::MAX),
        _ => false,
    };
    Cols {
        start: st.started.map(hms).unwrap_or_default(),
        timing,
        over,
        role: def
            .role
            .as_deref()
            .map(super::text::one)
            .unwrap_or_default(),
    }
}
