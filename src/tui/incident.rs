//! Keys on the incident screen: move, scroll, open the dialogs (note, milestone, severity,
//! role, close, adopt), and hand the selected step's actions to `step`. Pure.

use super::effect::Effect;
use super::keymap::{Action, Mode, lookup};
use super::record::{append, open_input};
use super::state::{AppState, Input, InputPurpose, Menu, Overlay, Pick, Screen, Tone};
use crate::domain::event::Known;
use crate::domain::{Milestone, Severity};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

pub fn key(s: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    let Some(v) = &mut s.incident else {
        s.screen = Screen::Home;
        return Vec::new();
    };
    if v.awaiting_item {
        v.awaiting_item = false;
        return toggle_numbered(s, key);
    }
    let n = v.incident.runbook.steps.len();
    let Some(action) = lookup(Mode::Incident, key) else {
        return Vec::new();
    };
    if matches!(action, Action::ScrollDown | Action::ScrollUp) {
        scroll_detail(s, action == Action::ScrollDown);
        return Vec::new();
    }
    if matches!(
        action,
        Action::OutputWrap | Action::OutputLeft | Action::OutputRight | Action::Pager
    ) {
        return super::output::key(s, action);
    }
    match action {
        Action::Down => v.selected = (v.selected + 1).min(n - 1),
        Action::Up => v.selected = v.selected.saturating_sub(1),
        Action::Back => {
            s.screen = Screen::Home;
            return vec![Effect::RefreshIncidents];
        }
        Action::Help => s.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::TimelineOlder => {
            let oldest = v.records.len().saturating_sub(1);
            if v.timeline_scroll >= oldest {
                s.flash(Tone::Info, "the timeline is at its first record");
            } else {
                v.timeline_scroll = (v.timeline_scroll + 5).min(oldest);
            }
        }
        Action::TimelineNewer if v.timeline_scroll == 0 => {
            s.flash(Tone::Info, "the timeline shows the latest records already");
        }
        Action::TimelineNewer => v.timeline_scroll = v.timeline_scroll.saturating_sub(5),
        Action::ToggleItem => {
            if v.incident.runbook.steps[v.selected].checklist.is_empty() {
                s.flash(Tone::Info, "this step has no checklist");
            } else {
                v.awaiting_item = true;
                s.flash(Tone::Info, "toggle which item? press its number");
            }
        }
        Action::Export => {
            return vec![Effect::Export {
                incident: v.incident.id.clone(),
            }];
        }
        Action::Close => close(s),
        Action::About => about(s),
        Action::Adopt => adopt_menu(s),
        Action::Note => open_input(s, InputPurpose::Note, "Note", String::new()),
        Action::ActionItem => open_input(
            s,
            InputPurpose::ActionItem,
            "Action item (TODO)",
            String::new(),
        ),
        Action::Milestone => milestone_menu(s),
        Action::Severity => severity_menu(s),
        Action::Role => role_menu(s),
        _ => return super::step::step_action(s, action),
    }
    Vec::new()
}

/// `J`/`K`: the detail pane by half its height, as far as the last frame showed there is.
fn scroll_detail(s: &mut AppState, down: bool) {
    let Some(offset) = s.incident.as_ref().map(|v| v.detail_scroll) else {
        return;
    };
    let (moved, any) = s.drawn.detail.unwrap_or_default().page(offset, down);
    if let Some(v) = &mut s.incident {
        v.detail_scroll = moved;
    }
    if !any {
        s.flash(Tone::Info, "the step's details are all on screen");
    } else if moved == offset {
        let end = if down { "end" } else { "top" };
        s.flash(Tone::Info, format!("at the {end} of the step's details"));
    }
}

/// `i`: the runbook's `about` (meaning, impact, context), its variables filled, as Markdown
/// made plain; its summary when it has none.
fn about(s: &mut AppState) {
    let Some(v) = &s.incident else { return };
    let rb = &v.incident.runbook;
    let Some(text) = rb.about.as_deref().or(rb.summary.as_deref()) else {
        s.flash(
            Tone::Info,
            "this runbook says nothing about itself (no about, no summary)",
        );
        return;
    };
    let body = crate::runbook::markdown::plain(text)
        .iter()
        .map(|l| crate::domain::template::fill(l, &v.incident.vars))
        .collect::<Vec<_>>()
        .join("\n");
    let title = format!("About: {}", rb.title);
    s.overlay = Some(Overlay::Info {
        title,
        body,
        scroll: 0,
    });
}

/// `C`: the close dialog, saying what is still open.
fn close(s: &mut AppState) {
    let Some(v) = &mut s.incident else { return };
    let open = crate::domain::open_work::still_open(&v.incident);
    let mut context = vec![if open.is_empty() {
        "Nothing is left open.".to_string()
    } else {
        "Still open, and recorded as it stands:".to_string()
    }];
    context.extend(open.into_iter().map(|o| format!("- {o}")));
    s.overlay = Some(Overlay::Input(Input {
        purpose: InputPurpose::Close,
        title: "Close the incident: a summary line (optional), Enter closes".into(),
        text: String::new(),
        cursor: 0,
        error: None,
        context,
    }));
}

/// `m`: which milestone (then when).
fn milestone_menu(s: &mut AppState) {
    let Some(v) = &mut s.incident else { return };
    let items = Milestone::ALL
        .iter()
        .map(|m| {
            let label = match v.incident.milestones.get(m) {
                Some(mark) => format!("{m}  (recorded {})", mark.at.format("%H:%M:%S")),
                None => m.to_string(),
            };
            (label, Pick::Milestone(*m))
        })
        .collect();
    s.overlay = Some(Overlay::Menu(Menu {
        title: "Record a milestone".into(),
        items,
        selected: 0,
    }));
}

/// `S`: the severity, the current one selected.
fn severity_menu(s: &mut AppState) {
    let Some(v) = &mut s.incident else { return };
    let items = Severity::ALL
        .iter()
        .map(|x| (x.to_string(), Pick::Severity(*x)))
        .collect();
    let selected = Severity::ALL
        .iter()
        .position(|x| *x == v.incident.severity)
        .unwrap_or(0);
    s.overlay = Some(Overlay::Menu(Menu {
        title: "Change severity".into(),
        items,
        selected,
    }));
}

/// `R`: which role (then who).
fn role_menu(s: &mut AppState) {
    let Some(v) = &mut s.incident else { return };
    // The usual roles, then every role the runbook's steps name, then any other.
    let mut roles: Vec<String> = crate::domain::runbook::USUAL_ROLES
        .iter()
        .map(|r| r.to_string())
        .collect();
    for r in v
        .incident
        .runbook
        .steps
        .iter()
        .filter_map(|st| st.role.clone())
    {
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    let mut items: Vec<(String, Pick)> = roles
        .into_iter()
        .map(|r| (r.clone(), Pick::Role(r)))
        .collect();
    items.push(("another role…".into(), Pick::OtherRole));
    s.overlay = Some(Overlay::Menu(Menu {
        title: "Assign a role".into(),
        items,
        selected: 0,
    }));
}

/// `A`: adopt the runbook's new version, or keep the pinned one.
fn adopt_menu(s: &mut AppState) {
    let Some(v) = &mut s.incident else { return };
    match &v.newer {
        Some(n) => {
            let items = vec![
                (format!("Adopt the new version: {}", n.summary), Pick::Adopt),
                ("Keep the pinned version".to_string(), Pick::KeepPinned),
            ];
            s.overlay = Some(Overlay::Menu(Menu {
                title: "The runbook changed on disk".to_string(),
                items,
                selected: 0,
            }));
        }
        None => s.flash(
            Tone::Info,
            "the incident runs the current version of its runbook",
        ),
    }
}

/// The digit after `x`: toggles that checklist item of the selected step.
fn toggle_numbered(s: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    if let KeyCode::Char(c @ '1'..='9') = key.code {
        let item = c as usize - '0' as usize;
        let step = &v.incident.runbook.steps[v.selected];
        let checked = !v.incident.steps[v.selected]
            .checklist
            .get(item - 1)
            .copied()
            .unwrap_or(true);
        let ev = Known::ChecklistToggled {
            step: step.id.clone(),
            item,
            checked,
        };
        return append(s, vec![ev], None);
    }
    s.flash(Tone::Info, "no item toggled");
    Vec::new()
}
