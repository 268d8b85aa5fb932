//! Generated summaries with known figures for the stats screen's tests (`tui_stats`,
//! `tui_stats_render`): what `store::summaries::read_all` would return for five real incidents,
//! a drill and two damaged journals, and the app states built from them the way the app
//! builds them (the keys through `update`).
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{DateTime, NaiveDateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use runbook::domain::Severity;
use runbook::runbook::check_bytes;
use runbook::stats::report::Skipped;
use runbook::stats::{StepSummary, Summary};
use runbook::tui::app::{Effect, Msg, update};
use runbook::tui::state::{AppState, LibraryRow, Row};
use runbook::tui::stats::state::Figures;
use std::sync::Arc;

/// One generated incident: its id (which says when the impact started), runbook, metrics
/// (detect, acknowledge, mitigate, resolve, in seconds), how many steps were taken out of
/// order, and its steps, each `id status [seconds]`, `id skipped: reason` or, for a decision,
/// `id done: label taken`.
type Run = (
    &'static str,
    &'static str,
    [Option<i64>; 4],
    usize,
    &'static [&'static str],
);

const RUNS: &[Run] = &[
    (
        "20260428-1000-svc",
        "svc",
        [Some(300), Some(120), Some(1800), Some(3600)],
        0,
        &[
            "ack done 180",
            "check done 240",
            "decide done: Roll back",
            "rollback done 900",
            "restart not_reached",
            "resolve done 120",
            "review not_reached",
        ],
    ),
    (
        "20260429-0900-svc",
        "svc",
        [Some(600), Some(120), None, Some(2400)],
        0,
        &[
            "ack done 600",
            "check skipped: dashboards down",
            "decide done: Restart",
            "rollback not_reached",
            "restart done 480",
            "resolve done",
            "review not_reached",
        ],
    ),
    (
        "20260512-1400-svc",
        "svc",
        [None, None, Some(1200), Some(3000)],
        0,
        &[
            "ack skipped: paged twice",
            "check failed 60",
            "decide done: Roll back",
            "rollback done 480",
            "restart not_reached",
            "resolve done 60",
            "review not_reached",
        ],
    ),
    (
        "20260520-0800-svc",
        "svc",
        [Some(60), Some(180), Some(900), Some(2700)],
        1,
        &[
            "ack done 120",
            "check skipped: dashboards down",
            "decide done: Roll back",
            "rollback in_progress",
            "restart not_reached",
            "resolve done 300",
            "review not_reached",
        ],
    ),
    (
        "20260513-0300-db-failover",
        "db-failover",
        [Some(120), Some(60), Some(600), Some(1500)],
        0,
        &["promote done 300", "verify skipped: replica lag unknown"],
    ),
    (
        "20260521-1000-svc",
        "svc",
        [Some(1800), None, None, Some(7200)],
        0,
        &["ack done 1200"],
    ),
];

/// The drill among `RUNS`.
const DRILL: &str = "20260521-1000-svc";

/// Each step's target in seconds (the runbooks' `target`).
fn target(step: &str) -> Option<i64> {
    match step {
        "ack" => Some(300),
        "check" => Some(120),
        "rollback" => Some(600),
        "promote" | "verify" => Some(300),
        _ => None,
    }
}

fn step(spec: &str) -> StepSummary {
    let (head, said) = match spec.split_once(": ") {
        Some((h, s)) => (h, Some(s.to_string())),
        None => (spec, None),
    };
    let mut words = head.split(' ');
    let (id, status) = (words.next().unwrap(), words.next().unwrap());
    let dur: Option<i64> = words.next().map(|n| n.parse().unwrap());
    let target = target(id);
    let decision = id == "decide";
    StepSummary {
        id: id.into(),
        title: id.into(),
        status: status.into(),
        retired: false,
        duration_s: dur,
        target_s: target,
        overrun: matches!((dur, target), (Some(d), Some(t)) if d > t),
        skip_reason: said.clone().filter(|_| status == "skipped"),
        choices: if decision {
            vec![
                ("Roll back".into(), "rollback".into()),
                ("Restart".into(), "restart".into()),
            ]
        } else {
            Vec::new()
        },
        taken: said.filter(|_| decision).into_iter().collect(),
    }
}

fn incident(run: &Run) -> Summary {
    let (id, runbook, metrics, detours, steps) = *run;
    let started = NaiveDateTime::parse_from_str(&id[..13], "%Y%m%d-%H%M")
        .unwrap()
        .and_utc();
    let svc = runbook == "svc";
    Summary {
        id: id.into(),
        title: format!("incident {id}"),
        drill: id == DRILL,
        runbook: runbook.into(),
        runbook_title: if svc {
            "Service down"
        } else {
            "Database failover"
        }
        .into(),
        incident_type: if svc { "web" } else { "db" }.into(),
        severity: Severity::Sev3,
        started,
        opened: started,
        closed: metrics[3].map(|s| started + chrono::Duration::seconds(s)),
        metrics,
        steps: steps.iter().map(|s| step(s)).collect(),
        detours,
    }
}

/// Five real incidents over four ISO weeks (2026-W18 to W21, none in W19), four of them with
/// runbook `svc` (`stats_cli::V1`) and one with `db-failover`, a drill, and two journals that
/// could not be read.
///
/// Known figures (drills left out): 5 incidents; W18 2, W19 0, W20 2, W21 1; time to resolve
/// medians W18 40m, W20 25m, W21 45m; `svc`: `check` skipped 2 of 4 ("dashboards down" x2),
/// `ack` skipped 1 of 4; over target: `check` in 1 of 2 timed runs (50%), `rollback` 1 of 2
/// (50%), `ack` 1 of 3 (33%); `review` never reached.
pub fn summaries() -> (Vec<Summary>, Vec<Skipped>) {
    let skipped = [
        (
            "20260522-0600-svc",
            "line 2: not a record (expected value at line 1 column 17)",
        ),
        (
            "20260523-0100-svc",
            "the pinned runbook does not match its sha256",
        ),
    ];
    let skipped = skipped
        .iter()
        .map(|(id, reason)| Skipped {
            id: id.to_string(),
            reason: reason.to_string(),
        })
        .collect();
    (RUNS.iter().map(incident).collect(), skipped)
}

/// A date and time on the fixed clock.
pub fn at(day: &str, hm: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(&format!("{day} {hm}"), "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
}

pub fn figures() -> Arc<Figures> {
    let (all, skipped) = summaries();
    Arc::new(Figures::compute(&all, skipped))
}

/// The home screen on a library of `svc` and one bundled runbook, `svc` selected.
pub fn home(color: bool) -> AppState {
    let mut s = AppState::new(at("2026-05-30", "12:00"), ana(), color);
    let mut rows: Vec<LibraryRow> = [("svc.toml", crate::stats_cli::V1)]
        .into_iter()
        .chain(
            runbook::runbook::library::BUNDLED
                .iter()
                .copied()
                .filter(|(n, _)| *n == "etcd-quorum-loss.toml"),
        )
        .map(|(name, src)| LibraryRow {
            runbook: check_bytes(name, src.as_bytes()).runbook.unwrap().into(),
            origin: "bundled".into(),
            problems: None,
            source: src.into(),
            checked: true,
        })
        .collect();
    rows.sort_by(|a, b| a.runbook.incident_type.cmp(&b.runbook.incident_type));
    s.home.library = rows;
    s.home.selected = s
        .home
        .rows()
        .iter()
        .position(|r| matches!(r, Row::Runbook(i) if s.home.library[*i].runbook.id == "svc"))
        .unwrap();
    s
}

/// The stats screen opened from `home` with its read answered.
pub fn filled(color: bool) -> AppState {
    let mut s = home(color);
    assert_eq!(press(&mut s, KeyCode::Char('S')), [read(1)]);
    update(&mut s, counted(1, 8));
    update(&mut s, answer(1));
    s
}

pub fn press(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    let at = s.now;
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE), at))
}

pub fn read(request: u64) -> Effect {
    Effect::ReadSummaries { request }
}

/// The reader's first answer to read `request`: how many journals it reads.
pub fn counted(request: u64, incidents: usize) -> Msg {
    Msg::SummariesCounted { request, incidents }
}

/// The reader's answer to read `request`, with the generated figures.
pub fn answer(request: u64) -> Msg {
    answer_with(request, figures())
}

pub fn answer_with(request: u64, figures: Arc<Figures>) -> Msg {
    Msg::Summaries { request, figures }
}

fn ana() -> runbook::domain::Author {
    runbook::domain::Author::parse("ana").unwrap()
}
