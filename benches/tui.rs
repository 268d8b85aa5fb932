//! Benchmark: the interactive app's frame costs. Run with `cargo bench --bench tui`.
//!
//! 1. Rendering the incident screen of a 200-step runbook with 10,000 journal events at
//!    200x60 into ratatui's TestBackend (target: under 2 ms a frame).
//! 2. Keystroke to updated frame: `update` for a `j` key, then a render (target: under 16 ms).
//! 3. Start-up with 1,000 runbooks in the library (target: first frame under 100 ms): list the
//!    library by the runbooks' top-level fields, build the rows, draw the first frame; then
//!    check every file, rebuild the rows and draw again, as the app does before any key.
//!
//! In process, without a real terminal: the terminal's own drawing is not measured. The whole
//! process in a real pseudo-terminal is measured by `benches/startup.rs`.

use chrono::{Duration as CDuration, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use runbook::domain::event::{Event, Known, Outcome, Record};
use runbook::domain::incident::fold;
use runbook::runbook::library::{BUNDLED, Root};
use runbook::runbook::sha256_hex;
use runbook::runbook::watch::Reloader;
use runbook::store::parse_runbook;
use runbook::tui::app::{Msg, update};
use runbook::tui::state::{AppState, IncidentView, Screen};
use runbook::tui::worker::current_rows;
use std::time::{Duration, Instant};

#[path = "support/library.rs"]
mod support;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn big_runbook(steps: usize) -> String {
    let mut s = String::from(
        "schema_version = 1\nid = \"big\"\ntitle = \"Big\"\nincident_type = \"bench\"\nseverity = \"sev2\"\nsummary = \"s\"\n",
    );
    for i in 0..steps {
        s.push_str(&format!(
            "[[steps]]\nid = \"s{i}\"\ntitle = \"Step number {i}: check the thing and write it down\"\nkind = \"action\"\ntarget = \"5m\"\nrole = \"ops\"\nbody = \"Look at the dashboard for shard {i}; compare with yesterday.\"\nchecklist = [\"one\", \"two\"]\n"
        ));
    }
    s
}

/// Long by design: the measurements one after another, each set up, timed and printed in
/// place, so a figure in BENCHMARKS.md can be traced to the code that measured it.
fn main() {
    // 1 and 2: a 200-step runbook, 10,000 events.
    let src = big_runbook(200);
    let t0 = Utc
        .with_ymd_and_hms(2026, 5, 30, 22, 0, 0)
        .single()
        .expect("a valid time");
    let mut records = vec![Record {
        seq: 1,
        ts: t0,
        at: t0,
        author: "ana".into(),
        wall: None,
        event: Event::Known(Known::IncidentOpened {
            incident: "bench".into(),
            title: "Bench".into(),
            severity: runbook::domain::Severity::Sev2,
            runbook: "big".into(),
            runbook_sha256: sha256_hex(&src),
            runbook_source: src.clone(),
            vars: Default::default(),
            drill: false,
        }),
    }];
    for n in 1..10_000u64 {
        let at = t0 + CDuration::seconds(n as i64);
        let step = format!("s{}", (n / 50) % 200);
        let k = match n % 3 {
            0 => Known::StepStarted { step: step.into() },
            1 => Known::StepCompleted {
                step: step.into(),
                outcome: Outcome::Ok,
            },
            _ => Known::NoteAdded {
                text: format!("note {n}: nothing unusual"),
                action_item: n % 7 == 0,
                decision: false,
            },
        };
        records.push(Record {
            seq: n + 1,
            ts: at,
            at,
            author: "ana".into(),
            wall: None,
            event: Event::Known(k),
        });
    }
    let incident = fold(&records, &parse_runbook).expect("folds");
    let now = t0 + CDuration::hours(3);
    let mut state = AppState::new(
        now,
        runbook::domain::Author::parse("ana").expect("a name"),
        true,
    );
    state.incident = Some(IncidentView::new(std::sync::Arc::new(incident), records));
    state.screen = Screen::Incident;
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    for _ in 0..20 {
        term.draw(|f| runbook::tui::view::render(f, &state))
            .expect("draw");
    }
    let frames: Vec<Duration> = (0..300)
        .map(|_| {
            let t = Instant::now();
            term.draw(|f| runbook::tui::view::render(f, &state))
                .expect("draw");
            t.elapsed()
        })
        .collect();
    println!(
        "bench render_incident_200x60_median_us {:.0}",
        median(frames).as_secs_f64() * 1e6
    );
    let keys: Vec<Duration> = (0..300)
        .map(|i| {
            let code = if (i / 150) % 2 == 0 {
                KeyCode::Char('j')
            } else {
                KeyCode::Char('k')
            };
            let t = Instant::now();
            let fx = update(
                &mut state,
                Msg::Key(KeyEvent::new(code, KeyModifiers::NONE), now),
            );
            assert!(fx.is_empty());
            term.draw(|f| runbook::tui::view::render(f, &state))
                .expect("draw");
            t.elapsed()
        })
        .collect();
    println!(
        "bench keystroke_to_frame_median_us {:.0}",
        median(keys).as_secs_f64() * 1e6
    );

    // 3: start-up with 1,000 runbooks. The app draws its first frame from the library listed
    // by the runbooks' top-level fields, then checks every file through the same Reloader (as
    // shell.rs does) before handling any key; both are measured.
    let dir = tempfile::tempdir().expect("temp dir");
    support::write_library(dir.path());
    let mut firsts = Vec::new();
    let mut readies = Vec::new();
    let (mut loads, mut rests) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        let t = Instant::now();
        let mut reloader = Reloader::new(vec![Root::Dir(dir.path().into()), Root::Bundled], true);
        let listed = reloader.list();
        let mut s = AppState::new(
            now,
            runbook::domain::Author::parse("ana").expect("a name"),
            true,
        );
        update(&mut s, Msg::Library(current_rows(&listed)));
        drop(listed);
        let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
        term.draw(|f| runbook::tui::view::render(f, &s))
            .expect("draw");
        assert_eq!(s.home.library.len(), support::SIZE + BUNDLED.len());
        firsts.push(t.elapsed());
        let t_load = Instant::now();
        let current = reloader.reload();
        loads.push(t_load.elapsed());
        let t_rest = Instant::now();
        update(&mut s, Msg::Library(current_rows(&current)));
        drop(current);
        term.draw(|f| runbook::tui::view::render(f, &s))
            .expect("draw");
        rests.push(t_rest.elapsed());
        assert_eq!(s.home.library.len(), support::SIZE + BUNDLED.len());
        assert!(s.home.library.iter().all(|r| r.checked));
        readies.push(t.elapsed());
    }
    println!(
        "bench startup_library_load_1000_median_ms {:.1}",
        median(loads).as_secs_f64() * 1e3
    );
    println!(
        "bench startup_rows_and_frame_1000_median_ms {:.1}",
        median(rests).as_secs_f64() * 1e3
    );
    println!(
        "bench startup_first_frame_1000_listed_median_ms {:.1}",
        median(firsts).as_secs_f64() * 1e3
    );
    println!(
        "bench startup_1000_runbooks_checked_median_ms {:.1}",
        median(readies).as_secs_f64() * 1e3
    );
}
