//! The stats screen's core without a terminal: `S` opens it and asks for a read of every
//! journal, the answers fill it, an answer that is not the read in flight's is dropped, a
//! screen that was left is not brought back, `d` toggles drills, Tab changes the runbook, Esc
//! goes home. The summaries are generated with known figures (`support/stats_summaries.rs`,
//! shared with the rendering tests).
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::stats_summaries::{answer, counted, filled, home, press, read};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use runbook::tui::app::{Effect, Msg, update};
use runbook::tui::state::{AppState, Row, Screen};

#[test]
fn s_opens_the_screen_for_the_selected_runbook_and_asks_for_a_read() {
    let mut s = home(false);
    let fx = press(&mut s, KeyCode::Char('S'));
    assert_eq!(fx, [read(1)]);
    assert_eq!(s.screen, Screen::Stats);
    assert_eq!(s.stats.runbook.as_deref(), Some("svc"));
    assert!(!s.stats.drills, "drills are left out by default");
    assert!(s.learning.since(s.stats.request).is_none());
    // The count comes first, then the figures.
    update(&mut s, counted(1, 8));
    assert_eq!(s.learning.reading.unwrap().incidents, Some(8));
    update(&mut s, answer(1));
    let f = s
        .learning
        .since(s.stats.request)
        .expect("the screen's figures");
    assert_eq!(f.real.incidents, 5);
    assert_eq!(f.drills.incidents, 1);
    assert_eq!(f.skipped.len(), 2);
    assert!(s.learning.reading.is_none());
}

#[test]
fn an_answer_that_is_not_the_read_in_flights_is_dropped() {
    let mut s = home(false);
    press(&mut s, KeyCode::Char('S'));
    // Request 2 was never asked for: neither its count nor its figures are taken.
    update(&mut s, counted(2, 99));
    update(&mut s, answer(2));
    assert_eq!(s.learning.reading.unwrap().incidents, None);
    assert!(s.learning.latest().is_none());
    update(&mut s, answer(1));
    assert!(s.learning.since(1).is_some());
    // Request 1 again, now answered: dropped too (nothing is in flight).
    let before = s.learning.clone();
    update(&mut s, answer(1));
    assert_eq!(s.learning, before);
}

#[test]
fn a_screen_that_was_left_is_not_brought_back_and_reopening_reads_again() {
    let mut s = home(false);
    press(&mut s, KeyCode::Char('S'));
    assert_eq!(press(&mut s, KeyCode::Esc), [Effect::RefreshIncidents]);
    assert_eq!(s.screen, Screen::Home);
    // Opened again while the read is in flight: the same read is shared, not asked twice.
    assert_eq!(press(&mut s, KeyCode::Char('S')), []);
    assert_eq!(s.stats.request, 1);
    press(&mut s, KeyCode::Char('q'));
    update(&mut s, answer(1));
    assert_eq!(
        s.screen,
        Screen::Home,
        "the answer does not reopen the screen"
    );
    // It is kept for the home preview's step figures.
    assert_eq!(s.learning.latest().unwrap().real.incidents, 5);
    // Reopened: a new read, and until it answers the older figures are not shown as its own.
    assert_eq!(press(&mut s, KeyCode::Char('S')), [read(2)]);
    assert!(s.learning.since(s.stats.request).is_none());
    update(&mut s, answer(2));
    assert!(s.learning.since(s.stats.request).is_some());
}

#[test]
fn d_toggles_drills_only_and_back() {
    let mut s = filled(false);
    assert_eq!(press(&mut s, KeyCode::Char('d')), []);
    assert!(s.stats.drills);
    let counted = |s: &AppState| {
        let f = s.learning.since(s.stats.request).unwrap();
        f.report(s.stats.drills).incidents
    };
    assert_eq!(counted(&s), 1);
    assert!(s.flash.as_ref().unwrap().text.contains("drills only"));
    press(&mut s, KeyCode::Char('d'));
    assert!(!s.stats.drills);
    assert_eq!(counted(&s), 5);
}

#[test]
fn tab_and_the_arrows_go_round_the_runbooks_with_counted_incidents() {
    let mut s = filled(false);
    // Runbooks in id order: db-failover, svc.
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.stats.runbook.as_deref(), Some("db-failover"));
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.stats.runbook.as_deref(), Some("svc"));
    press(&mut s, KeyCode::Up);
    assert_eq!(s.stats.runbook.as_deref(), Some("db-failover"));
    press(&mut s, KeyCode::BackTab);
    assert_eq!(s.stats.runbook.as_deref(), Some("svc"));
    // Opened on a runbook no incident ran: Tab reaches the ones that have some.
    let mut s = home(false);
    let etcd = s
        .home
        .rows()
        .iter()
        .position(|r| matches!(r, Row::Runbook(i) if s.home.library[*i].runbook.id != "svc"))
        .unwrap();
    s.home.selected = etcd;
    press(&mut s, KeyCode::Char('S'));
    update(&mut s, answer(1));
    assert_eq!(s.stats.runbook.as_deref(), Some("etcd-quorum-loss"));
    press(&mut s, KeyCode::Down);
    assert_eq!(s.stats.runbook.as_deref(), Some("db-failover"));
}

#[test]
fn esc_and_q_go_back_home() {
    for code in [KeyCode::Esc, KeyCode::Char('q')] {
        let mut s = filled(false);
        assert_eq!(press(&mut s, code), [Effect::RefreshIncidents]);
        assert_eq!(s.screen, Screen::Home);
        assert!(!s.quit);
    }
}

#[test]
fn the_first_full_check_of_the_library_reads_the_summaries_once() {
    let mut s = home(false);
    let rows = s.home.library.clone();
    // The first frame's listing asks for nothing.
    assert_eq!(update(&mut s, Msg::Library(rows.clone())), []);
    assert_eq!(
        update(&mut s, Msg::RunbooksChanged),
        [Effect::ReloadLibrary]
    );
    assert_eq!(update(&mut s, Msg::Library(rows.clone())), [read(1)]);
    update(&mut s, answer(1));
    // Later reloads do not read again.
    update(&mut s, Msg::RunbooksChanged);
    assert_eq!(update(&mut s, Msg::Library(rows)), []);
}

#[test]
fn every_key_of_the_stats_screen_answers() {
    use runbook::tui::keymap::{DEFAULT, Mode};
    for b in DEFAULT.iter().filter(|b| b.mode == Mode::Stats) {
        let mut s = filled(false);
        s.size = (80, 24);
        let before = (
            s.screen,
            s.stats.clone(),
            s.overlay.clone(),
            s.flash.clone(),
        );
        let at = s.now;
        let fx = update(&mut s, Msg::Key(KeyEvent::new(b.key.code, b.key.mods), at));
        let after = (
            s.screen,
            s.stats.clone(),
            s.overlay.clone(),
            s.flash.clone(),
        );
        assert!(
            !fx.is_empty() || after != before,
            "{} ({}) did nothing visible and asked for nothing",
            runbook::tui::keymap::key_name(b.key),
            b.help
        );
    }
}
