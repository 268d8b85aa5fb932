//! The stats screen and the preview's step figures rendered into ratatui's `TestBackend`:
//! insta snapshots at 80x24 and 120x40 without colour (every figure a number or a word, the
//! bars their own glyphs), "reading N incidents…" before the answer, the whole of 200x60
//! used, the runbook pane scrolling at 80x24, untrusted text made visible, no colour under
//! NO_COLOR, no panic at any size, and the README's sample kept equal to the snapshot.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::stats_summaries::{
    answer, answer_with, counted, figures, filled, home, press, summaries,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use runbook::tui::app::update;
use runbook::tui::state::AppState;
use runbook::tui::stats::state::Figures;
use std::sync::Arc;

fn draw(s: &AppState, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| runbook::tui::view::render(f, s)).unwrap();
    terminal
}

fn lines(t: &Terminal<TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    let w = usize::from(buf.area.width);
    buf.content
        .chunks(w)
        .map(|row| row.iter().map(|c| c.symbol()).collect())
        .collect()
}

/// Draws as the app does before a key, so `J`/`K` know what the frame showed.
fn drawn(s: &mut AppState, w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut shown = runbook::tui::view::Drawn::default();
    terminal
        .draw(|f| shown = runbook::tui::view::draw(f, s))
        .unwrap();
    let now = s.now;
    runbook::tui::app::drawn(s, now, &shown);
}

#[test]
fn snapshots_of_the_stats_screen_at_80x24_and_120x40() {
    let s = filled(false);
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("stats_{w}x{h}"), draw(&s, w, h).backend());
    }
    let mut drills = filled(false);
    press(&mut drills, KeyCode::Char('d'));
    insta::assert_snapshot!("stats_drills_80x24", draw(&drills, 80, 24).backend());
}

#[test]
fn the_screen_says_it_is_reading_until_its_answer_comes() {
    let mut s = home(false);
    press(&mut s, KeyCode::Char('S'));
    let screen = lines(&draw(&s, 80, 24)).join("\n");
    assert!(screen.contains("reading the incidents…"), "{screen}");
    update(&mut s, counted(1, 8));
    let screen = lines(&draw(&s, 80, 24)).join("\n");
    assert!(screen.contains("reading 8 incidents…"), "{screen}");
    assert!(!screen.contains("2026-W18"), "{screen}");
    update(&mut s, answer(1));
    let screen = lines(&draw(&s, 80, 24)).join("\n");
    assert!(!screen.contains("reading"), "{screen}");
    assert!(screen.contains("2 journals not counted: 20260522-0600-svc, 20260523-0100-svc"));
}

#[test]
fn the_figures_read_with_their_numbers_and_quiet_weeks_show_as_zero() {
    let all = lines(&draw(&filled(false), 120, 40));
    let row = |needle: &str| {
        all.iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?}:\n{}", all.join("\n")))
            .clone()
    };
    let w18 = row("2026-W18");
    assert!(
        w18.contains('█') && w18.contains(" 2 ") && w18.contains("40m"),
        "{w18}"
    );
    let w19 = row("2026-W19");
    assert!(
        !w19.contains('█') && w19.contains(" 0 ") && w19.contains(" -│"),
        "{w19}"
    );
    let figures = |label: &str| -> Vec<String> {
        let r = row(label);
        let after = &r[r.find(label).unwrap() + label.len()..];
        after.split_whitespace().take(5).map(String::from).collect()
    };
    // Count, median, p90, max, missing (nearest rank over the five real incidents).
    assert_eq!(figures("Time to resolve "), ["5", "45m", "1h", "1h", "0"]);
    assert_eq!(figures("Time to detect "), ["4", "2m", "10m", "10m", "1"]);
    let skipped = row("skipped 2 of 4 reached");
    assert!(skipped.contains("│  check ") && skipped.contains("\"dashboards down\" x2"));
    let over = row("50% of timed runs over");
    assert!(over.contains("│  check ") && over.contains("median 1m vs target 2m"));
    assert!(row("never reached: review").starts_with('│'));
}

#[test]
fn the_whole_of_200x60_is_used_and_80x24_scrolls_the_runbook_pane() {
    let big = lines(&draw(&filled(false), 200, 60));
    // The runbook pane reaches the footer, full width, with nothing out of view.
    assert!(
        big[58].starts_with('└') && big[58].ends_with('┘'),
        "{}",
        big[58]
    );
    assert!(big.iter().any(|l| l.contains("never reached: review")));
    assert!(!big.join("\n").contains("more: J"));
    let mut s = filled(false);
    drawn(&mut s, 80, 24);
    let small = lines(&draw(&s, 80, 24)).join("\n");
    assert!(small.contains("more: J"), "{small}");
    assert!(!small.contains("never reached"), "{small}");
    for _ in 0..10 {
        press(&mut s, KeyCode::Char('J'));
        drawn(&mut s, 80, 24);
    }
    let end = lines(&draw(&s, 80, 24)).join("\n");
    assert!(end.contains("never reached: review"), "{end}");
    assert!(end.contains("more: J K"), "{end}");
}

#[test]
fn journal_text_is_made_visible_on_the_screen() {
    let (mut all, mut skipped) = summaries();
    all[1].steps[1].skip_reason = Some("down\u{1b}]52;c;aGk=\u{7}".into());
    skipped.truncate(1);
    skipped[0].reason = "bad \u{1b}[2J line\u{202e}".into();
    let mut s = home(false);
    press(&mut s, KeyCode::Char('S'));
    let figures = Arc::new(Figures::compute(&all, skipped));
    update(&mut s, answer_with(1, figures));
    let screen = lines(&draw(&s, 200, 60)).join("\n");
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202e}'));
    assert!(screen.contains("1 journal not counted: 20260522-0600-svc (bad \\u{1b}[2J"));
    assert!(screen.contains("\\u{1b}]52;c;aGk=\\u{7}"), "{screen}");
}

#[test]
fn no_colour_means_no_colour_and_colour_only_reinforces() {
    let mut drills = filled(false);
    press(&mut drills, KeyCode::Char('d'));
    for s in [filled(false), drills] {
        for (w, h) in [(80, 24), (200, 60)] {
            let t = draw(&s, w, h);
            for cell in &t.backend().buffer().content {
                assert!(cell.fg == Color::Reset && cell.bg == Color::Reset);
            }
        }
    }
    // With colour the same characters are drawn.
    assert_eq!(
        lines(&draw(&filled(true), 80, 24)),
        lines(&draw(&filled(false), 80, 24))
    );
}

#[test]
fn any_size_renders_without_panic() {
    let mut reading = home(false);
    press(&mut reading, KeyCode::Char('S'));
    let mut other = filled(false);
    press(&mut other, KeyCode::Tab);
    let mut empty = home(false);
    press(&mut empty, KeyCode::Char('S'));
    update(
        &mut empty,
        answer_with(1, Arc::new(Figures::compute(&[], Vec::new()))),
    );
    let states = [reading, filled(false), other, empty];
    for w in (1..=200).step_by(7) {
        for h in (1..=60).step_by(4) {
            for s in &states {
                draw(s, w, h);
            }
        }
    }
}

#[test]
fn the_preview_shows_the_runbooks_own_step_figures_once_they_are_read() {
    let mut s = home(false);
    let before = lines(&draw(&s, 100, 40)).join("\n");
    assert!(!before.contains("Across"), "nothing extra before the read");
    s.learning.figures = Some((1, figures()));
    let t = draw(&s, 100, 40);
    insta::assert_snapshot!("preview_with_figures_100x40", t.backend());
    let screen = lines(&t).join("\n");
    assert!(screen.contains("Across 4 incidents (drills left out; S: stats)"));
}

/// The README's sample of the screen is the 80x24 snapshot, so it cannot drift from what the
/// app draws (regenerate it from the snapshot when the screen changes).
#[test]
fn the_readme_stats_sample_is_what_the_app_draws() {
    use crate::support::readme::{readme_block_after, snapshot_screen};
    assert_eq!(
        readme_block_after("The stats screen (`S` on the home screen)"),
        snapshot_screen("it__tui_stats_render__stats_80x24.snap"),
        "README's stats sample differs from the snapshot"
    );
}

#[test]
fn a_runbook_no_counted_incident_ran_points_to_those_that_did() {
    let mut s = filled(false);
    s.stats.runbook = Some("never-used".into());
    let shown = lines(&draw(&s, 80, 24)).join("\n");
    assert!(
        shown.contains("No counted incident ran runbook never-used."),
        "{shown}"
    );
    let n = s.learning.latest().unwrap().real.runbooks.len();
    let want = if n == 1 {
        "Tab: the 1 runbook that has some.".to_string()
    } else {
        format!("Tab: the {n} runbooks that have some.")
    };
    assert!(shown.contains(&want), "{want:?} in {shown}");
}
