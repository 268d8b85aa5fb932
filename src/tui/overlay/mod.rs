//! Keys while an overlay is open: help, text inputs, menus, the command confirmation, the
//! start form, and blocking errors (dismissing one reopens the dialog it interrupted).
//!
//! Here: the dispatch on the open overlay, help and info scrolling, and menus; the command
//! confirmation is `confirm`, text inputs (and what their text records) are `input`, and the
//! start form is `form`. Like all of `update`, no IO: what is to be done returns as effects.

mod confirm;
mod form;
mod input;

pub use form::form_errors;
pub use input::edit;

use confirm::confirm_key;
use form::form_key;
use input::input_key;

use crate::domain::event::Known;
use crate::tui::effect::Effect;
use crate::tui::keymap::{Action, Mode, lookup};
use crate::tui::record::append;
use crate::tui::state::{AppState, InputPurpose, Menu, Overlay, Pick, Tone};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

pub fn key(s: &mut AppState, key: &KeyEvent, at: DateTime<Utc>) -> Vec<Effect> {
    let Some(overlay) = s.overlay.take() else {
        return Vec::new();
    };
    match overlay {
        Overlay::Help { scroll } => {
            let max = s.drawn.help.map_or(0, |e| e.lines.saturating_sub(e.room));
            s.overlay = match lookup(Mode::Help, key) {
                Some(Action::Cancel) => None,
                Some(Action::Down) => Some(Overlay::Help {
                    scroll: (scroll + 1).min(max),
                }),
                Some(Action::Up) => Some(Overlay::Help {
                    scroll: scroll.saturating_sub(1),
                }),
                _ => Some(Overlay::Help { scroll }),
            };
            Vec::new()
        }
        Overlay::Info {
            title,
            body,
            scroll,
        } => {
            let lines = body.lines().count();
            s.overlay = match lookup(Mode::Error, key) {
                Some(Action::Cancel) => None,
                Some(Action::Down) => Some(Overlay::Info {
                    title,
                    body,
                    scroll: (scroll + 1).min(lines.saturating_sub(1)),
                }),
                Some(Action::Up) => Some(Overlay::Info {
                    title,
                    body,
                    scroll: scroll.saturating_sub(1),
                }),
                _ => Some(Overlay::Info {
                    title,
                    body,
                    scroll,
                }),
            };
            Vec::new()
        }
        Overlay::Error { message, then } => {
            if lookup(Mode::Error, key) == Some(Action::Cancel) {
                s.overlay = then.map(|b| *b);
            } else {
                s.overlay = Some(Overlay::Error { message, then });
            }
            Vec::new()
        }
        Overlay::Ask(a) => match lookup(Mode::Ask, key) {
            Some(Action::Yes) => {
                super::record::append_with(s, a.events, a.origin.map(|b| *b), a.opts)
            }
            Some(Action::No) => {
                s.overlay = a.origin.map(|b| *b);
                s.flash(Tone::Info, "not recorded");
                Vec::new()
            }
            _ => {
                s.overlay = Some(Overlay::Ask(a));
                Vec::new()
            }
        },
        Overlay::Quit => super::quit::key(s, key),
        Overlay::Input(input) => input_key(s, input, key),
        Overlay::Menu(menu) => menu_key(s, menu, key),
        Overlay::Confirm(c) => confirm_key(s, c, key, at),
        Overlay::StartForm(form) => form_key(s, form, key),
    }
}

fn menu_key(s: &mut AppState, mut menu: Menu, key: &KeyEvent) -> Vec<Effect> {
    match lookup(Mode::Menu, key) {
        Some(Action::Cancel) => Vec::new(),
        Some(Action::Down) => {
            menu.selected = (menu.selected + 1).min(menu.items.len().saturating_sub(1));
            s.overlay = Some(Overlay::Menu(menu));
            Vec::new()
        }
        Some(Action::Up) => {
            menu.selected = menu.selected.saturating_sub(1);
            s.overlay = Some(Overlay::Menu(menu));
            Vec::new()
        }
        Some(Action::Submit) => match menu.items.get(menu.selected).map(|(_, p)| p.clone()) {
            Some(pick) => picked(s, pick),
            None => Vec::new(),
        },
        _ => {
            s.overlay = Some(Overlay::Menu(menu));
            Vec::new()
        }
    }
}

/// What picking a menu item does.
fn picked(s: &mut AppState, pick: Pick) -> Vec<Effect> {
    let ask = |s: &mut AppState, purpose: InputPurpose, title: String| {
        crate::tui::record::open_input(s, purpose, &title, String::new());
        Vec::new()
    };
    match pick {
        Pick::Choice { step, choice } => super::step::choose(s, &step, choice),
        // Then when it happened: detection is often noticed late, and must not land after
        // acknowledgement.
        Pick::Milestone(milestone) => ask(
            s,
            InputPurpose::MilestoneAt { milestone },
            format!(
                "When was it {milestone}? Enter: now; or 22:15, 22:15:30, -15m, an RFC 3339 time (UTC)"
            ),
        ),
        Pick::Severity(severity) => append(s, vec![Known::SeverityChanged { severity }], None),
        Pick::Adopt => match s.incident.as_ref().and_then(|v| v.newer.clone()) {
            Some(n) => append(
                s,
                vec![Known::RunbookAdopted {
                    runbook_sha256: n.sha256,
                    runbook_source: n.source,
                }],
                None,
            ),
            None => Vec::new(),
        },
        Pick::KeepPinned => {
            s.flash(Tone::Info, "keeping the pinned version");
            Vec::new()
        }
        Pick::Role(role) => {
            let title = format!("Who is {role} now?");
            ask(s, InputPurpose::RolePerson { role }, title)
        }
        Pick::OtherRole => ask(s, InputPurpose::RoleName, "Role name".to_string()),
    }
}
