//! Overlay: confirm running a step's command. Shows the EXACT command that will run, in full:
//! every line, wrapped (`$ ` on the first line, `> ` on the following ones, continuations
//! indented), with invisible and control characters made visible as `\u{..}` so what you read
//! is what runs. Then who signed off (for a step that needs a second person), the timeout and
//! the answer line; or, when the command is refused (`Confirm::refused`), the refusal in the
//! bad style and no way to say yes.
//!
//! A command taller than the terminal scrolls inside the dialog (j/k); the answer line says
//! how much is still unread, and yes is offered only once every line has been on screen and
//! the dialog has been up for a moment (`Confirm::armed`). The answer line is never cut.

use super::overlay::{popup, room};
use super::text::{Lines, fit, hanging, one, plural, wrap};
use super::theme::Theme;
use crate::domain::Dur;
use crate::tui::keymap::{Action, DEFAULT, Mode, key_name};
use crate::tui::state::{AppState, Confirm, Overlay};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What the drawn dialog showed of the command: its wrapped line count, how many lines fit,
/// and the first one shown (the scroll offset, kept in range).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    pub lines: usize,
    pub room: usize,
    pub from: usize,
}

pub fn render(frame: &mut Frame, area: Rect, s: &AppState) -> Option<Shown> {
    let Some(Overlay::Confirm(c)) = &s.overlay else {
        return None;
    };
    let t = Theme::of(s);
    let w = room(area, 96);

    // Which step, with its title when the incident is at hand.
    let step_title = s
        .incident
        .as_ref()
        .and_then(|v| v.incident.runbook.step(&c.step))
        .map(|st| format!(" ({})", one(&st.title)))
        .unwrap_or_default();
    let head = hanging(
        "step ",
        &format!("{}{step_title}", one(&c.step)),
        w,
        t.dim(),
    );

    // The command, line by line, exactly (a single trailing newline is not a line).
    let text = c.command.strip_suffix('\n').unwrap_or(&c.command);
    let mut command: Lines = Vec::new();
    for (k, line) in text.split('\n').enumerate() {
        let gutter = if k == 0 { "$ " } else { "> " };
        command.extend(hanging(gutter, &one(line), w, t.strong()));
    }

    let mut foot = foot_lines(c, &t, w);

    let max_h = usize::from(area.height.saturating_sub(4));
    let fixed = head.len() + 1 + foot.len() + 1;
    let (window, shown) = command_window(command, c.scroll, max_h.saturating_sub(fixed), &t, w);
    foot.push(answer_line(s, c, t, shown, w));

    let mut out = head;
    out.push(Line::raw(""));
    out.extend(window);
    out.extend(foot);
    let style = if c.refused.is_some() {
        t.bad()
    } else {
        t.popup_border()
    };
    let inner = popup(frame, area, w, out.len(), "Run this command?", style);
    // The answer is the last line: keep it when even the shortened content is too tall.
    let h = usize::from(inner.height);
    if out.len() > h && h > 0 {
        let last = out.pop().unwrap_or_default();
        out.truncate(h - 1);
        out.push(last);
    }
    frame.render_widget(Paragraph::new(out), inner);
    Some(shown)
}

/// Below the command: who signed off (or the break glass), the timeout, and a refusal.
fn foot_lines(c: &Confirm, t: &Theme, w: usize) -> Lines {
    let mut foot: Lines = vec![Line::raw("")];
    if let Some(so) = &c.signoff {
        let style = if so.starts_with("BREAK GLASS") {
            t.warn()
        } else {
            t.good()
        };
        for l in wrap(&one(so), w) {
            foot.push(Line::styled(l, style));
        }
    }
    foot.push(Line::styled(
        format!("timeout {}", Dur::from_secs(c.timeout_s)),
        t.dim(),
    ));

    if let Some(why) = &c.refused {
        for l in wrap(&format!("✗ NOT RUN: {}", one(why)), w) {
            foot.push(Line::styled(l, t.bad()));
        }
    }
    foot
}

/// The command's lines that fit in `fits` rows, from `scroll` (with a line saying what is
/// above and below when not all fit), and what was shown: the command scrolls inside the
/// dialog when the terminal is too short for all of it.
fn command_window(
    command: Lines,
    scroll: usize,
    fits: usize,
    t: &Theme,
    w: usize,
) -> (Lines, Shown) {
    let lines = command.len();
    let (room_h, from) = if lines <= fits {
        (lines, 0)
    } else {
        // One line goes to the "more above/below" marker.
        let room_h = fits.saturating_sub(1).max(1);
        (room_h, scroll.min(lines - room_h))
    };
    let shown = Shown {
        lines,
        room: room_h,
        from,
    };
    let mut window: Lines = command.into_iter().skip(from).take(room_h).collect();
    if lines > room_h {
        let above = from;
        let below = lines - from - room_h;
        let note = format!(
            "↑{above} ↓{below} more {}: j/k scroll; read it all before running",
            if lines - room_h == 1 { "line" } else { "lines" },
        );
        window.push(Line::styled(fit(&note, w), t.warn()));
    }
    (window, shown)
}

/// The last line: the refusal, what is still to read, or the keys that answer.
fn answer_line(s: &AppState, c: &Confirm, t: Theme, shown: Shown, w: usize) -> Line<'static> {
    if c.refused.is_some() {
        return answer(t, &[(Action::No, "close")]);
    }
    let read_all = c.seen_all || shown.from + shown.room >= shown.lines;
    if !read_all {
        let unread = shown.lines - shown.from - shown.room;
        let text = format!(
            "{} still to read below (j) · {} cancel",
            plural(unread, "line"),
            keys(Action::No).join("/")
        );
        return Line::styled(fit(&text, w), t.warn());
    }
    let speed = s
        .incident
        .as_ref()
        .and_then(|v| v.incident.speed)
        .unwrap_or(1.0);
    if !c.armed(s.now, speed) {
        let text = format!(
            "read it: yes works in a moment · {} cancel",
            keys(Action::No).join("/")
        );
        return Line::styled(fit(&text, w), t.dim());
    }
    answer(t, &[(Action::Yes, "run"), (Action::No, "cancel")])
}

/// Every key bound to `action` in the confirmation.
fn keys(action: Action) -> Vec<String> {
    DEFAULT
        .iter()
        .filter(|b| b.mode == Mode::Confirm && b.action == action)
        .map(|b| key_name(b.key))
        .collect()
}

/// `y run · n/Esc cancel`: every key bound to each action in the confirmation.
fn answer(t: Theme, items: &[(Action, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (action, label)) in items.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(keys(*action).join("/"), t.strong()));
        spans.push(Span::styled(format!(" {label}"), t.dim()));
    }
    Line::from(spans)
}
