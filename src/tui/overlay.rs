//! Keys while an overlay is open: help, text inputs, menus, the command confirmation, the
//! start form, and blocking errors (dismissing one reopens the dialog it interrupted).

use super::effect::Effect;
use super::keymap::{Action, Mode, lookup};
use super::record::append;
use super::state::{
    AppState, Ask, Confirm, Input, InputPurpose, Menu, Overlay, Pick, StartForm, Tone,
};
use crate::domain::Severity;
use crate::domain::event::Known;
use crate::domain::incident::Status;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

/// Keys in the command confirmation. Keys typed before it was on screen (type-ahead, a paste
/// that is not bracketed) are ignored; yes counts only once every line of the command has
/// been shown and the dialog has been up for a moment.
fn confirm_key(s: &mut AppState, mut c: Confirm, key: &KeyEvent, at: DateTime<Utc>) -> Vec<Effect> {
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
                && super::step::command_now(s, &c.step) != Some(c.command.clone()) =>
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
            return super::step::launch(s, c.step, c.command, c.timeout_s);
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

/// Edits `text` at `cursor` (in characters) for a key; true when the key was an edit.
pub fn edit(text: &mut String, cursor: &mut usize, key: &KeyEvent) -> bool {
    let byte = |t: &str, c: usize| t.char_indices().nth(c).map_or(t.len(), |(b, _)| b);
    match key.code {
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.clear();
            *cursor = 0;
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() => {
            let at = byte(text, *cursor);
            text.insert(at, c);
            *cursor += 1;
        }
        KeyCode::Backspace if *cursor > 0 => {
            *cursor -= 1;
            let at = byte(text, *cursor);
            text.remove(at);
        }
        KeyCode::Delete if *cursor < text.chars().count() => {
            let at = byte(text, *cursor);
            text.remove(at);
        }
        KeyCode::Left => *cursor = cursor.saturating_sub(1),
        KeyCode::Right => *cursor = (*cursor + 1).min(text.chars().count()),
        KeyCode::Home => *cursor = 0,
        KeyCode::End => *cursor = text.chars().count(),
        _ => return false,
    }
    true
}

fn input_key(s: &mut AppState, mut input: Input, key: &KeyEvent) -> Vec<Effect> {
    match lookup(Mode::Input, key) {
        Some(Action::Cancel) => Vec::new(),
        Some(Action::Submit) => submit_input(s, input),
        _ => {
            if edit(&mut input.text, &mut input.cursor, key) {
                input.error = None;
            }
            s.overlay = Some(Overlay::Input(input));
            Vec::new()
        }
    }
}

fn submit_input(s: &mut AppState, input: Input) -> Vec<Effect> {
    let text = input.text.trim().to_string();
    let origin = Some(Overlay::Input(input.clone()));
    if let Some(events) = events_for(&input.purpose, &text) {
        return append(s, events, origin);
    }
    match &input.purpose {
        InputPurpose::RoleName => {
            if text.is_empty() {
                s.overlay = origin;
                return Vec::new();
            }
            // Said now, before the person is asked for.
            if let Err(why) = crate::domain::Role::parse(&text) {
                let mut input = input.clone();
                input.error = Some(why);
                s.overlay = Some(Overlay::Input(input));
                return Vec::new();
            }
            let title = format!("Who is {text} now?");
            s.overlay = Some(Overlay::Input(Input {
                purpose: InputPurpose::RolePerson { role: text },
                title,
                text: String::new(),
                cursor: 0,
                error: None,
                context: Vec::new(),
            }));
            Vec::new()
        }
        InputPurpose::MilestoneAt { milestone } => {
            let event = vec![Known::Milestone {
                milestone: *milestone,
            }];
            if text.is_empty() {
                return append(s, event, origin);
            }
            match crate::domain::when::parse_at(&text, s.now, chrono_tz::UTC) {
                Ok(at) => super::record::append_at(s, event, origin, at),
                Err(e) => {
                    let mut input = input.clone();
                    input.error = Some(e);
                    s.overlay = Some(Overlay::Input(input));
                    Vec::new()
                }
            }
        }
        InputPurpose::Comms { step } => send_comms(s, input.clone(), step.clone(), text),
        // Recorded as they are, above (`events_for`).
        InputPurpose::Note
        | InputPurpose::ActionItem
        | InputPurpose::SkipReason { .. }
        | InputPurpose::Override { .. }
        | InputPurpose::RolePerson { .. }
        | InputPurpose::Close => Vec::new(),
    }
}

/// What a dialog's text records, for the dialogs whose text is recorded as it is; `None` for
/// the ones that ask more first (a role's person), check it (a milestone's time, an update's
/// placeholders) or are not recorded.
fn events_for(purpose: &InputPurpose, text: &str) -> Option<Vec<Known>> {
    let text = text.to_string();
    let note = |action_item| Known::NoteAdded {
        action_item,
        text: text.clone(),
        decision: false,
    };
    Some(match purpose {
        InputPurpose::Note => vec![note(crate::domain::incident::is_todo(&text))],
        InputPurpose::ActionItem => vec![note(true)],
        InputPurpose::SkipReason { step } => vec![Known::StepSkipped {
            step: step.clone(),
            reason: text,
        }],
        InputPurpose::Override {
            step,
            then_complete,
        } => {
            let mut events = vec![Known::SignoffOverridden {
                step: step.clone(),
                reason: text,
            }];
            if *then_complete {
                events.push(Known::StepCompleted {
                    step: step.clone(),
                    outcome: crate::domain::event::Outcome::Ok,
                });
            }
            events
        }
        InputPurpose::RolePerson { role } => vec![Known::RoleAssigned {
            role: role.clone(),
            person: text,
        }],
        InputPurpose::Close => vec![Known::IncidentClosed {
            summary: (!text.is_empty()).then_some(text),
        }],
        InputPurpose::RoleName | InputPurpose::MilestoneAt { .. } | InputPurpose::Comms { .. } => {
            return None;
        }
    })
}

/// Records a status update as sent and copies it, unless it still holds a template's
/// `<...>` placeholder or hidden characters (then the dialog says so and nothing happens);
/// once it is recorded, offers to complete the comms step it came from.
fn send_comms(s: &mut AppState, mut input: Input, step: String, text: String) -> Vec<Effect> {
    let unfilled = crate::domain::comms::unfilled(&text);
    let problem = if !unfilled.is_empty() {
        Some(format!(
            "fill in {} before it is sent: nothing was recorded or copied",
            unfilled.join(", ")
        ))
    } else if crate::runbook::sanitize::has_hazard(&text) {
        // What is pasted into the status page must be what was read here.
        Some("the update contains invisible or control characters (shown as \\u{..}): remove them before it is sent; nothing was recorded or copied".into())
    } else {
        None
    };
    if let Some(p) = problem {
        input.error = Some(p);
        s.overlay = Some(Overlay::Input(input));
        return Vec::new();
    }
    let step = (!step.is_empty()).then_some(step);
    let origin = Some(Overlay::Input(input));
    let mut fx = append(
        s,
        vec![Known::CommsSent {
            step: step.clone(),
            text: text.clone(),
        }],
        origin,
    );
    if fx.is_empty() {
        return fx;
    }
    fx.push(Effect::Copy(text));
    if let (Some(step), Some(v)) = (step, &mut s.incident)
        && let Some(i) = v.incident.runbook.step_index(&step)
        && !matches!(v.incident.steps[i].status, Status::Done | Status::Skipped)
    {
        v.then_ask = Some(Ask {
            title: "Update sent".into(),
            message: format!(
                "The update is recorded as sent and on the clipboard. Complete step \"{step}\" now?"
            ),
            yes: "complete it".into(),
            events: vec![Known::StepCompleted {
                step,
                outcome: crate::domain::event::Outcome::Ok,
            }],
            opts: Default::default(),
            origin: None,
        });
    }
    fx
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
        s.overlay = Some(Overlay::Input(Input {
            purpose,
            title,
            text: String::new(),
            cursor: 0,
            error: None,
            context: Vec::new(),
        }));
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

fn form_key(s: &mut AppState, mut f: StartForm, key: &KeyEvent) -> Vec<Effect> {
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
