//! The stats screen's core and the reads of every journal behind it: opening the screen (from
//! the home screen), its keys, and the answers of the reader. Pure: the reading itself is an
//! `Effect::ReadSummaries` the shell carries out off the UI loop (`effects.rs`), answered by
//! `Msg::SummariesCounted` then `Msg::Summaries`, each naming its request.
//!
//! When the summaries are read: once after start-up, when the library's first full check is
//! in (so the keys that check holds are not slowed by it, and the first frame never waits),
//! for the home preview's step figures; and on every opening of the screen, which then shows
//! figures at least as fresh as the opening. A read already in flight is shared rather than
//! asked for twice (two readers would only compete for the same journals).
//!
//! Must never: take an answer that is not the read in flight's (it is dropped), bring back a
//! screen that was left (its answer only updates what the preview shows), or hide a journal
//! that was not counted.

pub mod state;

use super::effect::Effect;
use super::keymap::{Action, Mode, lookup};
use super::state::{AppState, Overlay, Row, Screen, Tone};
use ratatui::crossterm::event::KeyEvent;
use state::{Figures, Reading, StatsView};
use std::sync::Arc;

/// `S` on the home screen: the stats screen for the selected runbook (or the selected
/// incident's), with a read of every journal.
pub fn open(s: &mut AppState) -> Vec<Effect> {
    let runbook = match s.home.selected_row() {
        Some(Row::Runbook(i)) => s.home.library.get(i).map(|l| l.runbook.id.clone()),
        Some(Row::Incident(i)) => s
            .home
            .incidents
            .get(i)
            .filter(|r| r.unreadable.is_none())
            .map(|r| r.runbook.clone()),
        None => None,
    };
    let (request, effects) = ask(s);
    s.stats = StatsView {
        request,
        drills: false,
        runbook,
        scroll: 0,
    };
    s.screen = Screen::Stats;
    settle_runbook(s);
    effects
}

/// A read of every journal: the one in flight, else a new one. Returns its request and the
/// effect to ask for it (none when one is in flight).
fn ask(s: &mut AppState) -> (u64, Vec<Effect>) {
    if let Some(r) = &s.learning.reading {
        return (r.request, Vec::new());
    }
    s.learning.asked += 1;
    let request = s.learning.asked;
    s.learning.reading = Some(Reading {
        request,
        incidents: None,
    });
    (request, vec![Effect::ReadSummaries { request }])
}

/// The library's check is in: the first time, the summaries are read for the preview.
pub fn after_first_check(s: &mut AppState) -> Vec<Effect> {
    if s.learning.asked > 0 {
        return Vec::new();
    }
    ask(s).1
}

/// The reader has listed the journals of read `request`.
pub fn counted(s: &mut AppState, request: u64, incidents: usize) {
    if let Some(r) = s.learning.reading.as_mut().filter(|r| r.request == request) {
        r.incidents = Some(incidents);
    }
}

/// The figures of read `request`: kept when it is the read in flight, dropped otherwise.
pub fn answered(s: &mut AppState, request: u64, figures: Arc<Figures>) {
    if s.learning.reading.is_none_or(|r| r.request != request) {
        return;
    }
    s.learning.reading = None;
    s.learning.figures = Some((request, figures));
    if s.screen == Screen::Stats {
        settle_runbook(s);
    }
}

/// Keys on the stats screen.
pub fn key(s: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    match lookup(Mode::Stats, key) {
        Some(Action::Back) => {
            s.screen = Screen::Home;
            return vec![Effect::RefreshIncidents];
        }
        Some(Action::Help) => s.overlay = Some(Overlay::Help { scroll: 0 }),
        Some(Action::Drills) => {
            s.stats.drills = !s.stats.drills;
            s.stats.scroll = 0;
            let what = if s.stats.drills {
                "drills only"
            } else {
                "real incidents (drills left out)"
            };
            s.flash(Tone::Info, format!("counting {what}"));
            settle_runbook(s);
        }
        Some(a @ (Action::Down | Action::Up)) => next_runbook(s, a == Action::Down),
        Some(a @ (Action::ScrollDown | Action::ScrollUp)) => {
            let extent = s.drawn.stats.unwrap_or_default();
            let down = a == Action::ScrollDown;
            let at = s.stats.scroll;
            s.stats.scroll = super::home::page(s, extent, at, down, "the runbook pane");
        }
        _ => {}
    }
    Vec::new()
}

/// The runbooks the screen's figures have, in their order.
fn runbooks(s: &AppState) -> Vec<String> {
    s.learning
        .since(s.stats.request)
        .map(|f| {
            f.report(s.stats.drills)
                .runbooks
                .iter()
                .map(|r| r.id.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// With figures in and no runbook chosen (nothing was selected at home), the first one.
fn settle_runbook(s: &mut AppState) {
    if s.stats.runbook.is_none() {
        s.stats.runbook = runbooks(s).into_iter().next();
    }
}

/// Tab and the arrows: the next (or previous) runbook with counted incidents, round.
fn next_runbook(s: &mut AppState, forward: bool) {
    let list = runbooks(s);
    if list.is_empty() {
        let why = if s.learning.since(s.stats.request).is_none() {
            "the figures are still being read"
        } else {
            "no runbook has counted incidents"
        };
        s.flash(Tone::Info, why);
        return;
    }
    let at = s
        .stats
        .runbook
        .as_ref()
        .and_then(|id| list.iter().position(|r| r == id));
    let n = list.len();
    let next = match (at, forward) {
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
        (None, true) => 0,
        (None, false) => n - 1,
    };
    s.stats.runbook = Some(list[next].clone());
    s.stats.scroll = 0;
}
