//! Home, left pane: the filter line, the open incidents (as `Home::rows()` orders them, newest
//! first), then the runbook library grouped by incident type. Group headers are drawn between
//! rows but are not rows: `Home::selected` indexes `rows()` only. The selected row is reversed
//! and marked `›` (the marker reads without colour); the list scrolls to keep it in view.

use super::text::{Lines, fit, one, pad, plural, scroll_offset, width};
use super::theme::{CURSOR, Theme};
use crate::tui::state::{AppState, IncidentRow, LibraryRow, Row};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Cells a runbook's title keeps beside its id before the id column gives way.
const TITLE_MIN: usize = 20;

pub fn render(frame: &mut Frame, area: Rect, s: &AppState) {
    let t = Theme::of(s);
    let block = Block::bordered().title(Line::styled(" Incidents and runbooks ", t.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let max = usize::from(inner.width);
    let rows = s.home.rows();
    let mut pinned: Lines = Vec::new();
    if s.home.filtering || !s.home.filter.is_empty() {
        let cursor = if s.home.filtering { CURSOR } else { "" };
        let count = rows.len();
        pinned.push(Line::from(vec![
            Span::styled("/ ", t.strong()),
            Span::raw(fit(&one(&s.home.filter), max.saturating_sub(16))),
            Span::raw(cursor),
            Span::styled(format!("  {}", plural(count, "match")), t.dim()),
        ]));
        if count == 0 {
            pinned.push(Line::styled(
                fit(
                    &format!("no match for \"{}\" (Esc clears)", one(&s.home.filter)),
                    max,
                ),
                t.warn(),
            ));
        }
    }
    // Two passes: where every row's lines fall, then only the lines in view are built (a big
    // library costs its row count, not its spans, each frame).
    let (_, spans, total) = list_lines(s, &rows, max, 0..0);
    let top = u16::try_from(pinned.len())
        .unwrap_or(u16::MAX)
        .min(inner.height);
    frame.render_widget(
        Paragraph::new(pinned),
        Rect::new(inner.x, inner.y, inner.width, top),
    );
    let list = Rect::new(inner.x, inner.y + top, inner.width, inner.height - top);
    if list.is_empty() {
        return;
    }
    let h = usize::from(list.height);
    let selected = spans.get(s.home.selected).copied();
    let offset = match selected {
        Some((first, count)) => {
            let o = scroll_offset(first, total, h);
            // A two-line row stays whole when it can.
            o.max((first + count).saturating_sub(h)).min(first)
        }
        None => 0,
    };
    let (visible, _, _) = list_lines(s, &rows, max, offset..offset + h);
    frame.render_widget(Paragraph::new(visible), list);
    if let Some((first, count)) = selected {
        for line in first..first + count {
            if line >= offset && line < offset + h {
                let y = list.y + u16::try_from(line - offset).unwrap_or(0);
                frame
                    .buffer_mut()
                    .set_style(Rect::new(list.x, y, list.width, 1), t.selected());
            }
        }
    }
}

/// Collects the lines numbered in `keep`, counting them all.
struct Sink {
    n: usize,
    keep: std::ops::Range<usize>,
    lines: Lines,
}

impl Sink {
    fn push(&mut self, make: impl FnOnce() -> Line<'static>) {
        if self.keep.contains(&self.n) {
            self.lines.push(make());
        }
        self.n += 1;
    }
}

/// The list's lines numbered in `keep`, for each row of `rows` its first line and how many
/// lines it takes, and how many lines there are in all.
fn list_lines(
    s: &AppState,
    rows: &[Row],
    max: usize,
    keep: std::ops::Range<usize>,
) -> (Lines, Vec<(usize, usize)>, usize) {
    let t = Theme::of(s);
    let home = &s.home;
    let filtered = !home.filter.trim().is_empty();
    let mut lines = Sink {
        n: 0,
        keep,
        lines: Vec::new(),
    };
    let mut spans = Vec::with_capacity(rows.len());
    let incidents = rows
        .iter()
        .filter(|r| matches!(r, Row::Incident(_)))
        .count();
    if incidents > 0 {
        lines.push(|| Line::styled(format!("Open incidents ({incidents})"), t.title()));
    } else if !filtered {
        lines.push(|| Line::styled("Open incidents: none", t.dim()));
    }
    let id_w = id_width(home, rows, max);
    let title_room = max.saturating_sub(2 + id_w + 1 + 4 + 1);
    let mut group: Option<&str> = None;
    for (n, row) in rows.iter().enumerate() {
        let sel = if n == home.selected { "›" } else { " " };
        match row {
            Row::Incident(i) => {
                let Some(inc) = home.incidents.get(*i) else {
                    spans.push((lines.n, 0));
                    continue;
                };
                spans.push((lines.n, 2));
                for l in incident_lines(&t, sel, inc, max) {
                    lines.push(|| l);
                }
            }
            Row::Runbook(i) => {
                let Some(entry) = home.library.get(*i) else {
                    spans.push((lines.n, 0));
                    continue;
                };
                let rb = &entry.runbook;
                if filtered {
                    if group.is_none() {
                        lines.push(|| Line::styled("Matching runbooks", t.title()));
                        group = Some("");
                    }
                } else if group != Some(rb.incident_type.as_str()) {
                    group = Some(rb.incident_type.as_str());
                    let kind = &rb.incident_type;
                    lines.push(|| Line::styled(fit(&format!("─ {} ", one(kind)), max), t.title()));
                }
                spans.push((lines.n, 1));
                lines.push(|| runbook_line(&t, sel, entry, id_w, title_room));
            }
        }
    }
    if home.library.is_empty() && !filtered {
        lines.push(|| {
            Line::styled(
                "No runbooks loaded: add .toml files to ./runbooks",
                t.warn(),
            )
        });
    }
    (lines.lines, spans, lines.n)
}

/// Runbook ids get a column as wide as the widest shown while a title keeps TITLE_MIN cells:
/// the title is what a reader recognises, so a long id is shortened instead.
fn id_width(home: &crate::tui::state::Home, rows: &[Row], max: usize) -> usize {
    let id_w = rows
        .iter()
        .filter_map(|r| match r {
            Row::Runbook(i) => home.library.get(*i).map(|l| width(&l.runbook.id)),
            Row::Incident(_) => None,
        })
        .max()
        .unwrap_or(0);
    id_w.min(max.saturating_sub(2 + 1 + 4 + 1 + TITLE_MIN))
        .max(id_w.min(12))
        .min(max.saturating_sub(2 + 5))
}

/// An open incident's two lines: severity, drill and title; id and where it stands. An
/// unreadable journal says so instead.
fn incident_lines(t: &Theme, sel: &str, inc: &IncidentRow, max: usize) -> [Line<'static>; 2] {
    if let Some(why) = &inc.unreadable {
        let head = format!("{sel}! UNREADABLE {}", one(&inc.id));
        let second = format!("    {}", one(why));
        return [
            Line::styled(fit(&head, max), t.bad()),
            Line::styled(fit(&second, max), t.dim()),
        ];
    }
    let mut first = vec![
        Span::raw(format!("{sel} ")),
        Span::styled(format!("{} ", inc.severity), t.strong()),
    ];
    let mut used = 2 + width(inc.severity.name()) + 1;
    if inc.drill {
        first.push(Span::styled("DRILL", t.drill()));
        first.push(Span::raw(" "));
        used += 6;
    }
    first.push(Span::raw(fit(&one(&inc.title), max.saturating_sub(used))));
    let at = match &inc.at_step {
        Some(step) => format!("at: {}", one(step)),
        None => "runbook ended".to_string(),
    };
    let second = format!("    {} · {at}", one(&inc.id));
    [Line::from(first), Line::styled(fit(&second, max), t.dim())]
}

/// A runbook's line: `!` when it has problems, id, severity, and the title when it fits.
fn runbook_line(
    t: &Theme,
    sel: &'static str,
    entry: &LibraryRow,
    id_w: usize,
    title_room: usize,
) -> Line<'static> {
    let rb = &entry.runbook;
    let problem = if entry.problems.is_some() { "!" } else { " " };
    let mut row = vec![
        Span::raw(sel),
        Span::styled(problem, t.warn()),
        Span::raw(pad(&fit(&one(&rb.id), id_w), id_w)),
        Span::raw(" "),
        Span::styled(rb.severity.name(), t.strong()),
    ];
    if title_room >= 10 {
        row.push(Span::raw(" "));
        row.push(Span::raw(fit(&one(&rb.title), title_room)));
    }
    Line::from(row)
}
