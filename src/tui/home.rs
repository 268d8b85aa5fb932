//! Keys on the home screen: move through open incidents and the library, filter as you type,
//! resume an incident or open the start form for a runbook; `S` opens the stats screen.

use super::effect::Effect;
use super::keymap::{Action, Mode, lookup};
use super::state::{AppState, Extent, FormVar, Home, Overlay, Row, StartForm, Tone};
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
        Some(Action::Help) => s.overlay = Some(Overlay::Help { scroll: 0 }),
        Some(Action::Quit) => return super::quit::request(s),
        Some(Action::Open) => return open(s),
        Some(Action::Stats) => return super::stats::open(s),
        Some(a @ (Action::ScrollDown | Action::ScrollUp)) => {
            let extent = s.drawn.preview.unwrap_or_default();
            let before = s.home.preview_scroll;
            s.home.preview_scroll = page(s, extent, before, a == Action::ScrollDown, "the preview");
        }
        _ => {}
    }
    Vec::new()
}

/// `J`/`K` over a pane that showed `extent` from line `at`: where it is scrolled to now; when
/// it cannot move, the footer says why (`pane` names it).
pub fn page(s: &mut AppState, extent: Extent, at: usize, down: bool, pane: &str) -> usize {
    let (offset, any) = extent.page(at, down);
    if !any {
        s.flash(Tone::Info, format!("{pane} is all on screen"));
    } else if offset == at {
        let end = if down { "end" } else { "top" };
        s.flash(Tone::Info, format!("at the {end} of {pane}"));
    }
    offset
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
                s.home.moved = true;
            }
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() =>
            {
                s.home.filter.push(c);
                s.home.selected = 0;
                s.home.moved = true;
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
    s.home.moved = true;
}

fn move_by(s: &mut AppState, delta: isize) {
    let n = s.home.rows().len();
    if n == 0 {
        return;
    }
    s.home.selected = s.home.selected.saturating_add_signed(delta).min(n - 1);
    s.home.moved = true;
}

/// Changes the lists (a reload, a teammate's new incident) without moving the selection to
/// a different incident or runbook: a row added above must not slide another runbook under
/// the responder's Enter. Before the responder has moved, the first row stays selected.
pub fn relist(s: &mut AppState, change: impl FnOnce(&mut Home)) {
    let before = s
        .home
        .moved
        .then(|| s.home.selected_row())
        .flatten()
        .map(|r| {
            let (incident, id) = identity(&s.home, r);
            (incident, id.to_string())
        });
    change(&mut s.home);
    let rows = s.home.rows();
    let found = before.and_then(|(incident, id)| {
        rows.iter()
            .position(|r| identity(&s.home, *r) == (incident, id.as_str()))
    });
    s.home.selected = found.unwrap_or(s.home.selected.min(rows.len().saturating_sub(1)));
}

/// What a row stands for, stable across reloads: an incident or runbook id.
fn identity(h: &Home, r: Row) -> (bool, &str) {
    match r {
        Row::Incident(i) => (true, h.incidents[i].id.as_str()),
        Row::Runbook(i) => (false, h.library[i].runbook.id.as_str()),
    }
}

fn open(s: &mut AppState) -> Vec<Effect> {
    match s.home.selected_row() {
        Some(Row::Incident(i)) => {
            s.opening = true;
            vec![Effect::OpenIncident(s.home.incidents[i].id.clone())]
        }
        Some(Row::Runbook(i)) if !s.home.library[i].checked => {
            // Only on the first frame, before the full check (which runs before any key is
            // handled in the app): never start from a runbook whose steps are not read.
            s.flash(
                Tone::Warn,
                "this runbook is still being checked; press Enter again in a moment",
            );
            Vec::new()
        }
        Some(Row::Runbook(i)) => {
            if let Some(p) = s.home.library[i].problems.clone() {
                s.flash(
                    Tone::Warn,
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
