//! Incident screen, timeline pane: the journal's records, newest at the bottom, one entry per
//! record as `HH:MM:SS author text` (text from `domain::describe`, made visible, wrapped under
//! the time). A record entered after the fact (`at` earlier than `ts`) is marked `(recorded
//! later, at HH:MM:SS)`. `IncidentView::timeline_scroll` is how many records the view is moved
//! back from the newest; the pane's border says how many are hidden either side.

use super::text::{Lines, hms, one, width, wrap};
use super::theme::Theme;
use crate::domain::describe::describe;
use crate::domain::event::{Event, Known, Outcome, Record};
use crate::domain::incident::Incident;
use crate::tui::state::AppState;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Cells taken by the time column (`HH:MM:SS `); wrapped text continues under it.
const TIME_W: usize = 9;

pub fn render(frame: &mut Frame, area: Rect, s: &AppState) {
    let Some(v) = &s.incident else {
        return;
    };
    let t = Theme::of(s);
    let records = &v.records;
    let scroll = v.timeline_scroll.min(records.len().saturating_sub(1));
    let end = records.len() - scroll;
    let max = usize::from(area.width.saturating_sub(2));
    let h = usize::from(area.height.saturating_sub(2));

    // Fill from the newest shown record backwards until the pane is full. The oldest entry
    // shown may not fit whole: its end fills the top rows (never blank rows while older
    // records are hidden), and it counts among the older ones.
    let mut entries: Vec<Lines> = Vec::new();
    let mut used = 0;
    let mut whole = 0;
    for r in records[..end].iter().rev() {
        if used >= h {
            break;
        }
        let lines = entry(s, &v.incident, r, max);
        used += lines.len();
        if used <= h {
            whole += 1;
        }
        entries.push(lines);
    }
    let older = end - whole;
    let mut lines: Lines = entries.into_iter().rev().flatten().collect();
    if lines.len() > h {
        lines.drain(..lines.len() - h);
    }

    let mut block = Block::bordered().title(Line::styled(" Timeline (UTC) ", t.title()));
    if older > 0 {
        block =
            block.title(Line::styled(format!(" ↑{older} older: PgUp "), t.dim()).right_aligned());
    }
    if scroll > 0 {
        block = block.title_bottom(
            Line::styled(format!(" ↓{scroll} newer: PgDn "), t.warn()).right_aligned(),
        );
    }
    if records.is_empty() {
        lines.push(Line::styled("Nothing recorded yet.", t.dim()));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// One record's lines: the time, then the author and the text, wrapped under the time.
fn entry(s: &AppState, inc: &Incident, r: &Record, max: usize) -> Lines {
    let t = Theme::of(s);
    // Multi-line text (a status update) joins into one entry; each piece is made visible.
    let mut text = describe(r, Some(inc))
        .trim_end()
        .split('\n')
        .map(one)
        .collect::<Vec<_>>()
        .join(" ↵ ");
    if r.backdated() {
        text.push_str(&format!(" (recorded later, at {})", hms(r.ts)));
    }
    let author = one(&r.author);
    let style = kind_style(s, r);
    let room = max.saturating_sub(TIME_W).max(1);
    let wrapped = wrap(&format!("{author} {text}"), room);
    let mut out = Vec::with_capacity(wrapped.len());
    for (i, l) in wrapped.into_iter().enumerate() {
        if i == 0 {
            let mut spans = vec![Span::styled(format!("{} ", hms(r.at)), t.dim())];
            // The author is the start of the first line, unless it was too long to fit whole.
            match l.strip_prefix(author.as_str()) {
                Some(rest) if width(&author) <= room => {
                    spans.push(Span::styled(author.clone(), t.strong()));
                    spans.push(Span::styled(rest.to_string(), style));
                }
                _ => spans.push(Span::styled(l, style)),
            }
            out.push(Line::from(spans));
        } else {
            out.push(Line::from(vec![
                Span::raw(" ".repeat(TIME_W)),
                Span::styled(l, style),
            ]));
        }
    }
    out
}

/// Failures in the bad style, milestones and decisions stand out, the rest is plain.
fn kind_style(s: &AppState, r: &Record) -> Style {
    let t = Theme::of(s);
    match &r.event {
        Event::Known(Known::StepCompleted {
            outcome: Outcome::Failed,
            ..
        }) => t.bad(),
        Event::Known(Known::CommandFinished {
            exit_code,
            timed_out,
            ..
        }) if *timed_out || *exit_code != Some(0) => t.bad(),
        Event::Known(Known::Milestone { .. } | Known::DecisionMade { .. }) => t.good(),
        Event::Known(Known::SeverityChanged { .. }) => t.warn(),
        Event::Unknown { .. } => t.dim(),
        _ => t.plain(),
    }
}
