//! Text inputs: editing a line at a cursor, submitting it, what each dialog's text records,
//! and sending a status update (refused while it still holds a template's placeholder).

use crate::domain::event::Known;
use crate::domain::incident::Status;
use crate::tui::effect::Effect;
use crate::tui::keymap::{Action, Mode, lookup};
use crate::tui::record::append;
use crate::tui::state::{AppState, Ask, Input, InputPurpose, Overlay};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

pub(super) fn input_key(s: &mut AppState, mut input: Input, key: &KeyEvent) -> Vec<Effect> {
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

pub(super) fn submit_input(s: &mut AppState, input: Input) -> Vec<Effect> {
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
            let purpose = InputPurpose::RolePerson { role: text };
            crate::tui::record::open_input(s, purpose, &title, String::new());
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
                Ok(at) => crate::tui::record::append_at(s, event, origin, at),
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
pub(super) fn events_for(purpose: &InputPurpose, text: &str) -> Option<Vec<Known>> {
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
pub(super) fn send_comms(
    s: &mut AppState,
    mut input: Input,
    step: crate::domain::StepId,
    text: String,
) -> Vec<Effect> {
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
