//! The footer: the outcome of the last action (`AppState::flash`, with a glyph for its tone)
//! on the left, short key hints for the screen's mode on the right. Key names come from the
//! keymap table, so the hints cannot disagree with what the keys do; hints that do not fit are
//! dropped from the end (the help overlay, `?`, has them all).

use super::screen_mode;
use super::text::{fit, width};
use super::theme::{Theme, tone_glyph};
use crate::domain::StepKind;
use crate::domain::incident::Status;
use crate::tui::keymap::{Action, DEFAULT, Mode, key_name};
use crate::tui::state::AppState;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, s: &AppState) {
    let t = Theme::of(s);
    let max = usize::from(area.width);
    let hints = hints(s);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    if let Some(f) = &s.flash {
        // The flash keeps room for at least the help hint.
        let room = max.saturating_sub(12).max(max / 2);
        let text = fit(
            &format!("{} {}", tone_glyph(f.tone), super::text::one(&f.text)),
            room,
        );
        used = width(&text);
        spans.push(Span::styled(text, t.tone(f.tone)));
    }
    // Hints, right-aligned, as many as fit after the flash; the help key always, room allowing.
    let help = (keys(screen_mode(s), &[Action::Help]), "help");
    let cost =
        |shown: usize, k: &str, l: &str| width(k) + 1 + width(l) + if shown == 0 { 0 } else { 3 };
    let help_w = cost(1, &help.0, help.1);
    let mut shown: Vec<(String, &str)> = Vec::new();
    let mut hint_w = 0;
    for (keys, label) in hints {
        let w = cost(shown.len(), &keys, label);
        if used + 2 + hint_w + w + help_w > max {
            break;
        }
        hint_w += w;
        shown.push((keys, label));
    }
    let w = cost(shown.len(), &help.0, help.1);
    if !help.0.is_empty() && used + 2 + hint_w + w <= max {
        hint_w += w;
        shown.push(help);
    }
    let gap = max.saturating_sub(used + hint_w);
    spans.push(Span::raw(" ".repeat(gap)));
    for (i, (keys, label)) in shown.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(keys, t.strong()));
        spans.push(Span::styled(format!(" {label}"), t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The keys bound to `action` in `mode`, as the keymap names them (first binding only).
pub fn key_for(mode: Mode, action: Action) -> Option<String> {
    DEFAULT
        .iter()
        .find(|b| b.mode == mode && b.action == action)
        .map(|b| key_name(b.key))
}

/// `k/j` for (Up, Down): several actions' first keys joined.
fn keys(mode: Mode, actions: &[Action]) -> String {
    actions
        .iter()
        .filter_map(|a| key_for(mode, *a))
        .collect::<Vec<_>>()
        .join("/")
}

/// The hints for the screen's mode, most useful first (the help key is added by `render`).
fn hints(s: &AppState) -> Vec<(String, &'static str)> {
    let mode = screen_mode(s);
    let h = |actions: &[Action], label: &'static str| (keys(mode, actions), label);
    match mode {
        Mode::Home => vec![
            h(&[Action::Open], "open"),
            h(&[Action::Down, Action::Up], "move"),
            h(&[Action::Filter], "filter"),
            h(&[Action::Stats], "stats"),
            h(&[Action::Quit], "quit"),
        ],
        Mode::Stats => vec![
            h(&[Action::Down], "runbook"),
            h(&[Action::Drills], "drills"),
            h(&[Action::ScrollDown, Action::ScrollUp], "scroll"),
            h(&[Action::Back], "back"),
        ],
        Mode::Filter => vec![
            ("type".to_string(), "to filter"),
            h(&[Action::Submit], "keep"),
            h(&[Action::ClearFilter], "clear"),
            h(&[Action::Down, Action::Up], "move"),
        ],
        _ => incident_hints(s, mode),
    }
}

/// Incident hints follow the selected step: what Enter does now, and only the keys that apply.
fn incident_hints(s: &AppState, mode: Mode) -> Vec<(String, &'static str)> {
    let h = |actions: &[Action], label: &'static str| (keys(mode, actions), label);
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    if v.awaiting_item {
        return vec![
            ("1-9".to_string(), "toggle that item"),
            ("other key".to_string(), "cancel"),
        ];
    }
    let def = v.incident.runbook.steps.get(v.selected);
    let st = v.incident.steps.get(v.selected);
    let mut out = Vec::new();
    if let (Some(def), Some(st)) = (def, st) {
        let active = st.status == Status::Active;
        match &def.kind {
            StepKind::Decision { choices } if active => {
                out.push((format!("1-{}", choices.len()), "choose"));
            }
            _ if active => out.push(h(&[Action::Advance], "done")),
            _ => out.push(h(&[Action::Advance], "start")),
        }
        if matches!(def.kind, StepKind::Command { .. }) {
            out.push(h(&[Action::Run], "run"));
            out.push(h(&[Action::Copy], "copy"));
        }
        if !def.checklist.is_empty() {
            out.push(h(&[Action::ToggleNext], "tick"));
        }
        out.push(h(&[Action::Skip], "skip"));
        if active && matches!(def.kind, StepKind::Check { .. } | StepKind::Command { .. }) {
            out.push(h(&[Action::Fail], "failed"));
        }
    }
    out.push(h(&[Action::Note], "note"));
    out.push(h(&[Action::Back], "home"));
    out
}
