//! Overlays: centred popups drawn over the screen, each on a `Clear` so nothing underneath
//! shows through. This file has the popup frame and the small ones (help, text input, menu,
//! blocking error); the command confirmation and the start form have their own files.
//!
//! The help renders `keymap::help(mode)` for the mode of the screen underneath, so it can never
//! disagree with what the keys do. Popups shrink to the terminal; content that still does not
//! fit is cut with a line saying so, never drawn outside the popup.

use super::footer::key_for;
use super::text::{Lines, centered, fit, one, scroll_offset, width, wrap, wrapped};
use super::theme::{CURSOR, Theme};
use super::{confirm, form, screen_mode};
use crate::tui::keymap::{Action, Mode, help};
use crate::tui::state::{AppState, Extent, Input, Menu, Overlay};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

/// What a drawn overlay showed that `update` needs.
pub enum Shown {
    Confirm(confirm::Shown),
    Help(Extent),
    Other,
}

/// Draws the overlay; for the confirmation and the help, what they showed.
pub fn render(frame: &mut Frame, area: Rect, s: &AppState, o: &Overlay) -> Shown {
    match o {
        Overlay::Help { scroll } => return Shown::Help(help_popup(frame, area, s, *scroll)),
        Overlay::Input(i) => input(frame, area, s, i),
        Overlay::Menu(m) => menu(frame, area, s, m),
        Overlay::Confirm(_) => {
            if let Some(c) = confirm::render(frame, area, s) {
                return Shown::Confirm(c);
            }
        }
        Overlay::StartForm(_) => form::render(frame, area, s),
        Overlay::Error { message, .. } => error(frame, area, s, message, "Error", 0),
        Overlay::Info {
            title,
            body,
            scroll,
        } => error(frame, area, s, body, title, *scroll),
        Overlay::Ask(a) => ask(frame, area, s, a),
        Overlay::Quit => quit(frame, area, s),
    }
    Shown::Other
}

/// Clears a centred rectangle for `w` x `h` cells of content (plus border and a one-cell margin
/// each side), draws a titled border, and returns the inside.
pub fn popup(frame: &mut Frame, area: Rect, w: usize, h: usize, title: &str, style: Style) -> Rect {
    let cells = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    let r = centered(area, cells(w.saturating_add(4)), cells(h.saturating_add(2)));
    frame.render_widget(Clear, r);
    let title = fit(
        &format!(" {title} "),
        usize::from(r.width.saturating_sub(2)),
    );
    let block = Block::bordered()
        .padding(Padding::horizontal(1))
        .border_style(style)
        .title(Line::styled(title, style));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

/// The popup's inside width for content `want` cells wide: at most the terminal minus a margin.
pub fn room(area: Rect, want: usize) -> usize {
    want.min(usize::from(area.width.saturating_sub(6))).max(1)
}

/// Draws `lines` into `inner`; when they do not fit, the last line says how many were cut.
pub fn fill(frame: &mut Frame, inner: Rect, mut lines: Lines, t: Theme) {
    let h = usize::from(inner.height);
    if lines.len() > h && h > 0 {
        let cut = lines.len() - h + 1;
        lines.truncate(h - 1);
        let note = format!("… {cut} more lines: enlarge the terminal");
        lines.push(Line::styled(fit(&note, usize::from(inner.width)), t.dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Key hint line: `Enter record · Esc cancel`, key names from the keymap.
pub fn hint(t: Theme, mode: Mode, items: &[(Action, &str)], max: usize) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (action, label)) in items.iter().enumerate() {
        let Some(key) = key_for(mode, *action) else {
            continue;
        };
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(key, t.strong()));
        spans.push(Span::styled(format!(" {label}"), t.dim()));
    }
    let line = Line::from(spans);
    if line.width() > max {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        return Line::styled(fit(&text, max), t.dim());
    }
    line
}

/// The help's body lines (one or two columns) and its width, for the terminal `area`.
fn help_body(area: Rect, s: &AppState) -> (Lines, usize) {
    let t = Theme::of(s);
    let mode = screen_mode(s);
    let rows = help(mode);
    let key_w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let desc_w = rows.iter().map(|(_, d)| width(d)).max().unwrap_or(0);
    let max_h = help_room(area) + 2;
    // One column when it fits the height, else two side by side.
    let one_w = room(area, key_w + 2 + desc_w);
    let one_col = column(t, &rows, key_w, one_w);
    if one_col.len() + 2 <= max_h || area.width < 70 {
        return (one_col, one_w);
    }
    let w = room(area, 2 * (key_w + 2 + desc_w) + 3);
    let half = w.saturating_sub(3) / 2;
    // Split where the two columns come out closest in height (rows wrap unevenly).
    let heights: Vec<usize> = rows
        .iter()
        .map(|r| column(t, std::slice::from_ref(r), key_w, half).len())
        .collect();
    let total: usize = heights.iter().sum();
    let mid = (0..=rows.len())
        .min_by_key(|&m| {
            let left: usize = heights[..m].iter().sum();
            left.max(total - left)
        })
        .unwrap_or(0);
    let left = column(t, &rows[..mid], key_w, half);
    let right = column(t, &rows[mid..], key_w, half);
    let n = left.len().max(right.len());
    let body = (0..n)
        .map(|i| {
            let mut spans: Vec<Span<'static>> =
                left.get(i).map(|l| l.spans.clone()).unwrap_or_default();
            let used: usize = spans.iter().map(Span::width).sum();
            spans.push(Span::raw(" ".repeat(half.saturating_sub(used) + 3)));
            spans.extend(right.get(i).map(|l| l.spans.clone()).unwrap_or_default());
            Line::from(spans)
        })
        .collect();
    (body, w)
}

/// Rows of help text the popup shows at once (below them: a blank line and the close hint).
fn help_room(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
        .saturating_sub(4)
        .max(1)
}

fn help_popup(frame: &mut Frame, area: Rect, s: &AppState, scroll: usize) -> Extent {
    let t = Theme::of(s);
    let mode = screen_mode(s);
    let (body, w) = help_body(area, s);
    let room = help_room(area);
    let close = help(Mode::Help)
        .into_iter()
        .filter(|(_, d)| d.starts_with("close"))
        .map(|(k, d)| format!("{k}: {d}"))
        .next()
        .unwrap_or_default();
    let total = body.len();
    let at = scroll.min(total.saturating_sub(room));
    let mut lines: Lines = body.into_iter().skip(at).take(room).collect();
    lines.push(Line::raw(""));
    let foot = if total > room {
        let below = total - at - lines.len().saturating_sub(1);
        format!("{close} · ↓{below} ↑{at} more: j/k scroll")
    } else {
        close
    };
    lines.push(Line::styled(fit(&foot, w), t.dim()));
    let title = format!("Keys — {mode:?}");
    let inner = popup(frame, area, w, lines.len(), &title, t.popup_border());
    fill(frame, inner, lines, t);
    Extent {
        lines: total,
        room,
        from: at,
    }
}

/// Help rows as a column: the key, then the description wrapped beside it.
fn column(t: Theme, rows: &[(String, &'static str)], key_w: usize, w: usize) -> Lines {
    let mut out = Vec::new();
    for (keys, desc) in rows {
        let text_w = w.saturating_sub(key_w + 2).max(8);
        for (i, l) in wrap(desc, text_w).into_iter().enumerate() {
            let k = if i == 0 { keys.as_str() } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!("{k:<key_w$}  "), t.strong()),
                Span::raw(l),
            ]));
        }
    }
    out
}

fn input(frame: &mut Frame, area: Rect, s: &AppState, i: &Input) {
    let t = Theme::of(s);
    let w = room(area, 72);
    // The text with the cursor glyph at the cursor; typed text and templates made visible,
    // line by line (a status update has several).
    let at = i.cursor.min(i.text.chars().count());
    let before: String = i.text.chars().take(at).collect();
    let after: String = i.text.chars().skip(at).collect();
    let mut logical: Vec<String> = before.split('\n').map(one).collect();
    let mut rest = after.split('\n').map(one);
    if let Some(l) = logical.last_mut() {
        l.push_str(CURSOR);
        l.push_str(&rest.next().unwrap_or_default());
    }
    logical.extend(rest);
    let text: Vec<String> = logical.iter().flat_map(|l| wrap(l, w)).collect();
    let context: Lines = i
        .context
        .iter()
        .flat_map(|c| wrap(&one(c), w))
        .map(|l| Line::styled(l, t.warn()))
        .collect();
    let hint = hint(
        t,
        Mode::Input,
        &[(Action::Submit, "record"), (Action::Cancel, "cancel")],
        w,
    );
    // Keep the cursor's line in view when the text is taller than the popup.
    let max_text = usize::from(area.height.saturating_sub(4))
        .saturating_sub(2)
        .max(1);
    let at = text.iter().position(|l| l.contains(CURSOR)).unwrap_or(0);
    let offset = scroll_offset(at, text.len(), max_text);
    let mut lines: Lines = context;
    lines.extend(text.into_iter().skip(offset).take(max_text).map(Line::raw));
    lines.push(Line::raw(""));
    if let Some(e) = &i.error {
        for l in wrap(&format!("✗ {}", one(e)), w) {
            lines.push(Line::styled(l, t.bad()));
        }
    }
    lines.push(hint);
    let title = one(&i.title);
    let inner = popup(frame, area, w, lines.len(), &title, t.popup_border());
    fill(frame, inner, lines, t);
}

fn menu(frame: &mut Frame, area: Rect, s: &AppState, m: &Menu) {
    let t = Theme::of(s);
    let item_w = m
        .items
        .iter()
        .map(|(label, _)| width(&one(label)))
        .max()
        .unwrap_or(0);
    let items = [
        (Action::Down, "next"),
        (Action::Up, "previous"),
        (Action::Submit, "choose"),
        (Action::Cancel, "cancel"),
    ];
    let hint_w = hint(t, Mode::Menu, &items, usize::MAX).width();
    let w = room(area, (item_w + 2).max(width(&m.title) + 4).max(hint_w));
    let hint = hint(t, Mode::Menu, &items, w);
    let max_items = usize::from(area.height.saturating_sub(4))
        .saturating_sub(2)
        .max(1);
    let offset = scroll_offset(m.selected, m.items.len(), max_items);
    let mut lines: Lines = Vec::new();
    for (k, item) in m.items.iter().enumerate().skip(offset).take(max_items) {
        let (mark, style) = if k == m.selected {
            ("› ", t.selected())
        } else {
            ("  ", t.plain())
        };
        let text = format!("{mark}{}", one(&item.0));
        lines.push(Line::styled(super::text::pad(&text, w), style));
    }
    lines.push(Line::raw(""));
    lines.push(hint);
    let inner = popup(
        frame,
        area,
        w,
        lines.len(),
        &one(&m.title),
        t.popup_border(),
    );
    fill(frame, inner, lines, t);
}

/// A yes/no question: what it is about, and what yes records.
fn ask(frame: &mut Frame, area: Rect, s: &AppState, a: &crate::tui::state::Ask) {
    let t = Theme::of(s);
    let w = room(area, width(&a.message).clamp(40, 72));
    let mut lines = wrapped(&a.message, &[], w, t.plain());
    lines.push(Line::raw(""));
    lines.push(hint(
        t,
        Mode::Ask,
        &[(Action::Yes, a.yes.as_str()), (Action::No, "no")],
        w,
    ));
    let inner = popup(frame, area, w, lines.len(), &one(&a.title), t.warn());
    fill(frame, inner, lines, t);
}

/// Quitting while a command runs: which command, and the three ways on.
fn quit(frame: &mut Frame, area: Rect, s: &AppState) {
    let t = Theme::of(s);
    let w = room(area, 64);
    let what = match &s.running {
        Some(r) => format!(
            "A command is running: step {} in {}, since {}.",
            one(&r.step),
            one(&r.incident),
            r.since.format("%H:%M:%S")
        ),
        None => "A command is running.".to_string(),
    };
    let mut lines = wrapped(&what, &[], w, t.plain());
    lines.push(Line::raw(""));
    lines.push(hint(
        t,
        Mode::Quit,
        &[
            (Action::Wait, "wait, then quit"),
            (Action::Kill, "kill it and quit"),
            (Action::Cancel, "keep working"),
        ],
        w,
    ));
    let inner = popup(frame, area, w, lines.len(), "Quit?", t.warn());
    fill(frame, inner, lines, t);
}

/// A box to read and dismiss: a blocking error (bad style) or information (the scorecard).
fn error(frame: &mut Frame, area: Rect, s: &AppState, message: &str, title: &str, scroll: usize) {
    let t = Theme::of(s);
    let want = message.lines().map(width).max().unwrap_or(0).max(40);
    let w = room(area, want.min(96));
    let mut lines = wrapped(message, &[], w, t.plain());
    // Taller than the terminal: a window onto it, scrolled with j/k (the scorecard).
    let room_h = usize::from(area.height.saturating_sub(4))
        .saturating_sub(3)
        .max(1);
    if lines.len() > room_h {
        let total = lines.len();
        let at = scroll.min(total - room_h);
        lines = lines.into_iter().skip(at).take(room_h).collect();
        let note = format!("↑{at} ↓{} more: j/k scroll", total - at - room_h);
        lines.push(Line::styled(fit(&note, w), t.dim()));
    }
    lines.push(Line::raw(""));
    let keys: Vec<String> = [Action::Cancel]
        .iter()
        .flat_map(|a| {
            crate::tui::keymap::DEFAULT
                .iter()
                .filter(move |b| b.mode == Mode::Error && b.action == *a)
                .map(|b| crate::tui::keymap::key_name(b.key))
        })
        .collect();
    lines.push(Line::from(vec![
        Span::styled(keys.join("/"), t.strong()),
        Span::styled(" dismiss", t.dim()),
    ]));
    let style = if title == "Error" {
        t.bad()
    } else {
        t.strong()
    };
    let inner = popup(frame, area, w, lines.len(), title, style);
    fill(frame, inner, lines, t);
}
