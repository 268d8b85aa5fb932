//! Overlay: the start form (a new incident from a runbook). The runbook id, then the fields in
//! focus order: title, severity (`‹ sev2 ›`), each variable (name and value, then its prompt and
//! the pattern it must match), drill (`[ ]` / `[x]`). The focused field is reversed and marked
//! `›`, with the text cursor at the end of its value (the form edits at the end). Problems found
//! on Enter are listed in the bad style under the fields, and the key hints close the popup.
//!
//! The fields scroll to keep the focused one in view; the errors and hints stay put.

use super::overlay::{popup, room};
use super::text::{Lines, fit, hanging, one, scroll_offset, width, wrap};
use super::theme::{CURSOR, Theme, checkbox};
use crate::tui::keymap::{Action, DEFAULT, Mode, key_name};
use crate::tui::state::{AppState, Overlay, StartForm};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, s: &AppState) {
    let Some(Overlay::StartForm(f)) = &s.overlay else {
        return;
    };
    let t = Theme::of(s);
    let w = room(area, 96);
    let max_h = usize::from(area.height.saturating_sub(4));

    let head = hanging("runbook ", &one(&f.runbook), w, t.dim());
    let (fields, spans) = fields(s, f, w);
    let mut foot: Lines = Vec::new();
    if !f.errors.is_empty() {
        foot.push(Line::raw(""));
        let cap = (max_h / 3).max(2);
        let mut errors: Lines = f
            .errors
            .iter()
            .flat_map(|e| hanging("✗ ", &one(e), w, t.bad()))
            .collect();
        if errors.len() > cap {
            let more = errors.len() - cap + 1;
            errors.truncate(cap - 1);
            errors.push(Line::styled(
                format!("… {more} more lines of errors"),
                t.bad(),
            ));
        }
        foot.extend(errors);
    }
    foot.push(Line::raw(""));
    foot.push(hints(t, w));

    // The fields get what is left, scrolled to the focused one.
    let room_h = max_h.saturating_sub(head.len() + 1 + foot.len()).max(1);
    let (first, count) = spans.get(f.focus).copied().unwrap_or((0, 1));
    let offset = scroll_offset(first, fields.len(), room_h)
        .max((first + count).saturating_sub(room_h))
        .min(first);
    let shown: Lines = fields.into_iter().skip(offset).take(room_h).collect();

    let mut lines = head;
    lines.push(Line::raw(""));
    lines.extend(shown);
    lines.extend(foot);
    let inner = popup(
        frame,
        area,
        w,
        lines.len(),
        "Start an incident",
        t.popup_border(),
    );
    let h = usize::from(inner.height);
    if lines.len() > h && h > 0 {
        // Too short even so: keep the hints (last line).
        let last = lines.pop().unwrap_or_default();
        lines.truncate(h - 1);
        lines.push(last);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The fields' lines, and for each field (in focus order) its first line and line count.
fn fields(s: &AppState, f: &StartForm, w: usize) -> (Lines, Vec<(usize, usize)>) {
    let t = Theme::of(s);
    let label_w = f
        .vars
        .iter()
        .map(|v| width(&one(&v.name)))
        .chain([8])
        .max()
        .unwrap_or(8)
        .min(w / 3);
    let value_w = w.saturating_sub(2 + label_w + 1);
    let row = Row {
        t: &t,
        f,
        w,
        label_w,
    };
    let mut lines: Lines = Vec::new();
    let mut spans = Vec::new();
    spans.push((lines.len(), 1));
    let title = text_value(&f.title, f.focus == 0, value_w);
    lines.push(row.field(0, "Title", title));
    spans.push((lines.len(), 1));
    let sev = vec![Span::raw(format!("‹ {} ›", f.severity))];
    lines.push(row.field(1, "Severity", sev));
    if !f.vars.is_empty() {
        lines.push(Line::styled("  Variables", t.title()));
    }
    let indent = " ".repeat(2 + label_w + 1);
    for (k, v) in f.vars.iter().enumerate() {
        let n = 2 + k;
        let start = lines.len();
        let value = text_value(&v.value, f.focus == n, value_w);
        lines.push(row.field(n, &one(&v.name), value));
        let mut about = one(&v.prompt);
        if let Some(p) = &v.pattern {
            about.push_str(&format!(" · must match {}", one(p)));
        }
        for l in wrap(&about, value_w.max(1)) {
            lines.push(Line::styled(format!("{indent}{l}"), t.dim()));
        }
        spans.push((start, lines.len() - start));
    }
    spans.push((lines.len(), 1));
    let marked = fit(
        "a practice incident, marked DRILL",
        value_w.saturating_sub(4),
    );
    let drill = vec![
        Span::raw(format!("{} ", checkbox(f.drill))),
        Span::styled(marked, t.dim()),
    ];
    lines.push(row.field(f.field_count() - 1, "Drill", drill));
    (lines, spans)
}

/// How a field's main line is drawn at width `w` with labels `label_w` wide.
struct Row<'a> {
    t: &'a Theme,
    f: &'a StartForm,
    w: usize,
    label_w: usize,
}

impl Row<'_> {
    /// Field `n`'s main line: marker, label, value; reversed when focused.
    fn field(&self, n: usize, label: &str, value: Vec<Span<'static>>) -> Line<'static> {
        let (t, focused) = (self.t, self.f.focus == n);
        let mark = if focused { "› " } else { "  " };
        let label = format!("{} ", super::text::pad(label, self.label_w));
        let mut all = vec![
            Span::styled(mark, t.strong()),
            Span::styled(label, t.strong()),
        ];
        all.extend(value);
        let used: usize = all.iter().map(Span::width).sum();
        all.push(Span::raw(" ".repeat(self.w.saturating_sub(used))));
        let line = Line::from(all);
        if focused {
            line.style(t.selected())
        } else {
            line
        }
    }
}

/// A text field's value: made visible, with the cursor at the end when focused (the tail is
/// shown then, so the cursor stays visible in a long value).
fn text_value(value: &str, focused: bool, max: usize) -> Vec<Span<'static>> {
    let v = one(value);
    if !focused {
        return vec![Span::raw(fit(&v, max))];
    }
    let room = max.saturating_sub(1);
    if width(&v) <= room {
        return vec![Span::raw(v), Span::raw(CURSOR)];
    }
    // The last `room - 1` cells, after an ellipsis.
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in v.chars().rev() {
        let cw = width(&c.to_string());
        if used + cw > room.saturating_sub(1) {
            break;
        }
        used += cw;
        tail.push(c);
    }
    let tail: String = tail.into_iter().rev().collect();
    vec![Span::raw(format!("…{tail}")), Span::raw(CURSOR)]
}

/// `Tab next · ←/→ change · Enter start · Esc cancel`, key names from the keymap.
fn hints(t: Theme, w: usize) -> Line<'static> {
    let keys = |action: Action, all: bool| -> String {
        let names: Vec<String> = DEFAULT
            .iter()
            .filter(|b| b.mode == Mode::Form && b.action == action)
            .map(|b| key_name(b.key))
            .collect();
        if all {
            names.join("/")
        } else {
            names.into_iter().next().unwrap_or_default()
        }
    };
    let items = [
        (keys(Action::NextField, false), "next"),
        (keys(Action::Toggle, true), "change"),
        (keys(Action::Submit, false), "start"),
        (keys(Action::Cancel, false), "cancel"),
    ];
    let mut spans = Vec::new();
    for (i, (k, label)) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(k, t.strong()));
        spans.push(Span::styled(format!(" {label}"), t.dim()));
    }
    let line = Line::from(spans);
    if line.width() > w {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        return Line::styled(fit(&text, w), t.dim());
    }
    line
}
