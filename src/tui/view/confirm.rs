//! Overlay: confirm running a step's command. Shows the EXACT command that will run, in full:
//! every line, wrapped (`$ ` on the first line, `> ` on the following ones, continuations
//! indented), with invisible and control characters made visible as `\u{..}` so what you read
//! is what runs. Then the timeout and `y run · n/Esc cancel`; or, when the command is refused
//! (`Confirm::refused`), the refusal in the bad style and no way to say yes.
//!
//! The answer line is never cut: when the terminal is too short for the whole command, the
//! command is shortened with a warning to enlarge the terminal before running it.

use super::overlay::{popup, room};
use super::text::{Lines, fit, hanging, one, plural, wrap};
use super::theme::Theme;
use crate::domain::Dur;
use crate::tui::keymap::{Action, DEFAULT, Mode, key_name};
use crate::tui::state::{AppState, Overlay};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, s: &AppState) {
    let Some(Overlay::Confirm(c)) = &s.overlay else {
        return;
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

    let mut foot: Lines = vec![Line::raw("")];
    foot.push(Line::styled(
        format!("timeout {}", Dur::from_secs(c.timeout_s)),
        t.dim(),
    ));
    match &c.refused {
        Some(why) => {
            for l in wrap(&format!("✗ NOT RUN: {}", one(why)), w) {
                foot.push(Line::styled(l, t.bad()));
            }
            foot.push(answer(t, &[(Action::No, "close")]));
        }
        None => foot.push(answer(t, &[(Action::Yes, "run"), (Action::No, "cancel")])),
    }

    // Shorten the command (never the answer) when the terminal is too short.
    let max_h = usize::from(area.height.saturating_sub(4));
    let fixed = head.len() + 1 + foot.len();
    if fixed + command.len() > max_h {
        let keep = max_h.saturating_sub(fixed + 1);
        let hidden = command.len() - keep.min(command.len());
        command.truncate(keep);
        let note = format!(
            "… {} of the command hidden: enlarge the terminal to read it all before running",
            plural(hidden, "line")
        );
        command.push(Line::styled(fit(&note, w), t.warn()));
    }

    let mut lines = head;
    lines.push(Line::raw(""));
    lines.extend(command);
    lines.extend(foot);
    let style = if c.refused.is_some() {
        t.bad()
    } else {
        t.popup_border()
    };
    let inner = popup(frame, area, w, lines.len(), "Run this command?", style);
    // The answer is the last line: keep it when even the shortened content is too tall.
    let h = usize::from(inner.height);
    if lines.len() > h && h > 0 {
        let last = lines.pop().unwrap_or_default();
        lines.truncate(h - 1);
        lines.push(last);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `y run · n/Esc cancel`: every key bound to each action in the confirmation.
fn answer(t: Theme, items: &[(Action, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (action, label)) in items.iter().enumerate() {
        let keys: Vec<String> = DEFAULT
            .iter()
            .filter(|b| b.mode == Mode::Confirm && b.action == *action)
            .map(|b| key_name(b.key))
            .collect();
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(keys.join("/"), t.strong()));
        spans.push(Span::styled(format!(" {label}"), t.dim()));
    }
    Line::from(spans)
}
