//! Keys on the home screen: move through open incidents and the library, filter as you type,
//! resume an incident or open the start form for a runbook.

use super::app::Effect;
use super::keymap::{Action, Mode, lookup};
use super::state::{AppState, FormVar, Overlay, Row, StartForm};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn key(s: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    if s.home.filtering {
        return filter_key(s, key);
    }
    match lookup(Mode::Home, key) {
        Some(Action::Down) => move_by(s, 1),
        Some(Action::Up) => move_by(s, -1),
        Some(Action::Filter) => s.home.filtering = true,
        Some(Action::ClearFilter) => clear_filter(s),
        Some(Action::Help) => s.overlay = Some(Overlay::Help),
        Some(Action::Quit) => s.quit = true,
        Some(Action::Open) => return open(s),
        _ => {}
    }
    Vec::new()
}

fn filter_key(s: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    match lookup(Mode::Filter, key) {
        Some(Action::Submit) => s.home.filtering = false,
        Some(Action::ClearFilter) => clear_filter(s),
        Some(Action::Down) => move_by(s, 1),
        Some(Action::Up) => move_by(s, -1),
        _ => match key.code {
            KeyCode::Backspace => {
                s.home.filter.pop();
                s.home.selected = 0;
            }
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() =>
            {
                s.home.filter.push(c);
                s.home.selected = 0;
            }
            _ => {}
        },
    }
    Vec::new()
}

fn clear_filter(s: &mut AppState) {
    s.home.filter.clear();
    s.home.filtering = false;
    s.home.selected = 0;
}

fn move_by(s: &mut AppState, delta: isize) {
    let n = s.home.rows().len();
    if n == 0 {
        return;
    }
    s.home.selected = s.home.selected.saturating_add_signed(delta).min(n - 1);
}

/// Keeps the selection on a row after the lists change.
pub fn clamp(s: &mut AppState) {
    let n = s.home.rows().len();
    s.home.selected = s.home.selected.min(n.saturating_sub(1));
}

fn open(s: &mut AppState) -> Vec<Effect> {
    match s.home.selected_row() {
        Some(Row::Incident(i)) => vec![Effect::OpenIncident(s.home.incidents[i].id.clone())],
        Some(Row::Runbook(i)) => {
            if let Some(p) = s.home.library[i].problems.clone() {
                s.flash(
                    super::state::Tone::Warn,
                    format!("the file has errors; starting from the last good version ({p})"),
                );
            }
            let rb = &s.home.library[i].runbook;
            let form = Some(Overlay::StartForm(StartForm {
                runbook: rb.id.clone(),
                title: rb.title.clone(),
                severity: rb.severity,
                vars: rb
                    .vars
                    .iter()
                    .map(|v| FormVar {
                        name: v.name.clone(),
                        prompt: v.prompt.clone(),
                        value: v.default.clone().unwrap_or_default(),
                        pattern: v.pattern.clone(),
                    })
                    .collect(),
                drill: false,
                focus: 0,
                errors: Vec::new(),
            }));
            s.overlay = form;
            Vec::new()
        }
        None => Vec::new(),
    }
}
