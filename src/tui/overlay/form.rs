//! The start form: moving between its fields, editing them, and every problem that keeps it
//! from starting an incident.

use super::input::edit;
use crate::domain::Severity;
use crate::tui::effect::Effect;
use crate::tui::keymap::{Action, Mode, lookup};
use crate::tui::state::{AppState, Overlay, StartForm};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

pub(super) fn form_key(s: &mut AppState, mut f: StartForm, key: &KeyEvent) -> Vec<Effect> {
    let last = f.field_count() - 1;
    match lookup(Mode::Form, key) {
        Some(Action::Cancel) => return Vec::new(),
        Some(Action::NextField) => f.focus = (f.focus + 1).min(last),
        Some(Action::PrevField) => f.focus = f.focus.saturating_sub(1),
        Some(Action::Toggle) if f.focus == 1 => {
            let i = Severity::ALL
                .iter()
                .position(|x| *x == f.severity)
                .unwrap_or(0);
            let step = if key.code == KeyCode::Left {
                Severity::ALL.len() - 1
            } else {
                1
            };
            f.severity = Severity::ALL[(i + step) % Severity::ALL.len()];
        }
        Some(Action::Toggle) if f.focus == last => f.drill = !f.drill,
        Some(Action::Submit) => {
            f.errors = form_errors(&f);
            if f.errors.is_empty() {
                let vars = f
                    .vars
                    .iter()
                    .map(|v| (v.name.clone(), v.value.clone()))
                    .collect();
                s.opening = true;
                return vec![Effect::StartIncident {
                    runbook: f.runbook,
                    title: f.title.trim().to_string(),
                    severity: f.severity,
                    vars,
                    drill: f.drill,
                }];
            }
        }
        _ if f.focus == last && key.code == KeyCode::Char(' ') => f.drill = !f.drill,
        _ => {
            let mut cursor = usize::MAX;
            let field = match f.focus {
                0 => Some(&mut f.title),
                i if i >= 2 && i < last => f.vars.get_mut(i - 2).map(|v| &mut v.value),
                _ => None,
            };
            if let Some(text) = field {
                cursor = cursor.min(text.chars().count());
                edit(text, &mut cursor, key);
            }
        }
    }
    s.overlay = Some(Overlay::StartForm(f));
    Vec::new()
}

/// Every problem with the form: an empty title, a missing value, a value not matching its pattern.
pub fn form_errors(f: &StartForm) -> Vec<String> {
    let mut errors = Vec::new();
    if f.title.trim().is_empty() {
        errors.push("the title is empty".to_string());
    }
    errors.extend(f.vars.iter().filter_map(|v| {
        crate::runbook::vars::value_problem(&v.name, &v.value, v.pattern.as_deref())
    }));
    errors
}
