//! Keys in the command confirmation: type-ahead is ignored, and yes counts only once the
//! whole command has been shown and the dialog has been up for a moment.

use crate::tui::effect::Effect;
use crate::tui::keymap::{Action, Mode, lookup};
use crate::tui::state::{AppState, Confirm, Overlay, Tone};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

/// Keys in the command confirmation. Keys typed before it was on screen (type-ahead, a paste
/// that is not bracketed) are ignored; yes counts only once every line of the command has
/// been shown and the dialog has been up for a moment.
pub(super) fn confirm_key(
    s: &mut AppState,
    mut c: Confirm,
    key: &KeyEvent,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    if c.before_shown(at) {
        s.overlay = Some(Overlay::Confirm(c));
        return Vec::new();
    }
    let speed = s
        .incident
        .as_ref()
        .and_then(|v| v.incident.speed)
        .unwrap_or(1.0);
    match lookup(Mode::Confirm, key) {
        Some(Action::Down) => c.scroll = (c.scroll + 1).min(c.lines.saturating_sub(c.room)),
        Some(Action::Up) => c.scroll = c.scroll.saturating_sub(1),
        Some(Action::Yes) if c.refused.is_none() && !c.seen_all => {
            s.flash(
                Tone::Warn,
                "read the whole command first: j scrolls to its last line",
            );
        }
        Some(Action::Yes) if c.refused.is_none() && !c.armed(at, speed) => {
            s.flash(Tone::Warn, "not yet: read the command, then press y");
        }
        // Approval is for the exact text shown: if the step's command is no longer that text
        // (the runbook was adopted anew meanwhile), ask again.
        Some(Action::Yes)
            if c.refused.is_none()
                && crate::tui::step::command_now(s, &c.step) != Some(c.command.clone()) =>
        {
            s.flash(
                Tone::Warn,
                "the command changed since it was shown: review it again (r)",
            );
            return Vec::new();
        }
        Some(Action::Yes) if c.refused.is_none() => {
            s.flash(
                Tone::Info,
                format!("running: {}", crate::runbook::sanitize::visible(&c.command)),
            );
            return crate::tui::step::launch(s, c.step, c.command, c.timeout_s);
        }
        Some(Action::Yes | Action::No) => {
            s.flash(Tone::Info, "not run");
            return Vec::new();
        }
        _ => {}
    }
    s.overlay = Some(Overlay::Confirm(c));
    Vec::new()
}
