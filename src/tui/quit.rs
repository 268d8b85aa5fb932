//! Leaving the app. Nothing recorded is ever lost by quitting, but a command may be running:
//! then quitting asks whether to wait for it or to kill it, a second Ctrl-C kills it, and a
//! signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT) kills it; either way its result is recorded
//! (as interrupted when killed) before the app exits. Pure.

use super::effect::Effect;
use super::keymap::{Action, Mode, lookup};
use super::state::{AppState, Leaving, Overlay, Tone};
use ratatui::crossterm::event::KeyEvent;

/// `q` on the home screen: quit, or ask first when a command runs.
pub fn request(s: &mut AppState) -> Vec<Effect> {
    if s.running.is_none() {
        s.quit = true;
    } else if s.leaving.is_none() {
        s.overlay = Some(Overlay::Quit);
    }
    Vec::new()
}

/// Ctrl-C: quit; with a command running, ask; asked already (or waiting), kill it and quit.
pub fn interrupt(s: &mut AppState) -> Vec<Effect> {
    if s.running.is_none() {
        s.quit = true;
        return Vec::new();
    }
    if matches!(s.overlay, Some(Overlay::Quit)) || s.leaving.is_some() {
        return kill(s);
    }
    s.overlay = Some(Overlay::Quit);
    Vec::new()
}

/// A signal to terminate: a running command is killed and recorded, then the app leaves.
pub fn terminate(s: &mut AppState) -> Vec<Effect> {
    if s.running.is_none() {
        s.quit = true;
        return Vec::new();
    }
    kill(s)
}

fn kill(s: &mut AppState) -> Vec<Effect> {
    s.overlay = None;
    s.leaving = Some(Leaving::Killing);
    s.flash(
        Tone::Warn,
        "stopping the command; quitting once its result is recorded",
    );
    vec![Effect::CancelCommand]
}

/// Keys in the "a command is running" question.
pub fn key(s: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    match lookup(Mode::Quit, key) {
        Some(Action::Wait) => {
            s.leaving = Some(Leaving::AfterIt);
            s.flash(
                Tone::Info,
                "quitting when the command ends (Ctrl-C kills it now)",
            );
            Vec::new()
        }
        Some(Action::Kill) => kill(s),
        Some(Action::Cancel) => Vec::new(),
        _ => {
            s.overlay = Some(Overlay::Quit);
            Vec::new()
        }
    }
}

/// After records arrive: leaving, and the command's result is now recorded.
pub fn after_synced(s: &mut AppState) {
    if s.leaving.is_some() && s.running.is_none() {
        s.quit = true;
    }
}
