//! The drill clock and the inject schedule, driven by a fixed clock (no sleeps, no real time):
//! injects fire at exactly their drill time and never twice, `--speed` scales time, and a
//! drill's records carry drill time in `ts`/`at` with the real time in `wall`.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{DateTime, Duration, TimeZone, Utc};
use runbook::domain::clock::{Clock, FixedClock, SimClock};
use runbook::domain::event::Known;
use runbook::drill::scenario::parse_source;
use runbook::drill::{self, INJECT_AUTHOR, Scenario, schedule};
use runbook::store::Session;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap()
}

fn scenario() -> Scenario {
    parse_source(
        r#"schema_version = 1
id = "two-injects"
title = "Two injects"
runbook = "etcd-quorum-loss"
summary = "x"

[[injects]]
at = "+5m"
text = "dmesg on etcd-2 shows oom-kill"

[[injects]]
at = "+13m"
text = "the etcd cluster has disintegrated"
"#,
    )
    .unwrap()
}

fn numbers(due: Vec<&runbook::drill::Inject>) -> Vec<usize> {
    due.iter().map(|i| i.number).collect()
}

#[test]
fn an_inject_fires_at_its_drill_time_not_before_and_only_once() {
    let s = scenario();
    let real = Arc::new(FixedClock::new(t0()));
    let clock = SimClock::new(real.clone(), t0(), 10.0);
    let mut fired: Vec<usize> = Vec::new();
    let tick = |fired: &mut Vec<usize>| {
        let due = numbers(schedule::due(&s.injects, t0(), clock.now(), fired));
        fired.extend(&due);
        due
    };

    // Real +29.999s is drill +4m59.99s: too early.
    real.set(t0() + Duration::milliseconds(29_999));
    assert_eq!(tick(&mut fired), Vec::<usize>::new());
    // Real +30s is drill +5m exactly: the +5m inject fires.
    real.set(t0() + Duration::seconds(30));
    assert_eq!(clock.now(), t0() + Duration::minutes(5));
    assert_eq!(tick(&mut fired), [1]);
    // Already fired: never again, however often the clock is asked.
    assert_eq!(tick(&mut fired), Vec::<usize>::new());
    real.set(t0() + Duration::seconds(77));
    assert_eq!(tick(&mut fired), Vec::<usize>::new());
    assert_eq!(
        schedule::next(&s.injects, t0(), clock.now(), &fired).map(|i| i.number),
        Some(2)
    );
    // Real +78s is drill +13m.
    real.set(t0() + Duration::seconds(78));
    assert_eq!(tick(&mut fired), [2]);
    assert_eq!(schedule::next(&s.injects, t0(), clock.now(), &fired), None);
}

#[test]
fn a_late_tick_fires_everything_due_in_time_order() {
    let s = scenario();
    let real = Arc::new(FixedClock::new(t0()));
    let clock = SimClock::new(real.clone(), t0(), 10.0);
    real.advance(Duration::minutes(10)); // drill +100m
    assert_eq!(
        numbers(schedule::due(&s.injects, t0(), clock.now(), &[])),
        [1, 2]
    );
}

#[test]
fn speed_scales_drill_time() {
    // Six real minutes, at various speeds.
    for (speed, drill) in [
        (1.0, Duration::minutes(6)),
        (10.0, Duration::minutes(60)),
        (60.0, Duration::hours(6)),
        (0.5, Duration::minutes(3)),
        (2.5, Duration::minutes(15)),
    ] {
        let real = Arc::new(FixedClock::new(t0()));
        let clock = SimClock::new(real.clone(), t0(), speed);
        real.advance(Duration::minutes(6));
        assert_eq!(clock.now() - t0(), drill, "speed {speed}");
        assert_eq!(clock.wall(), Some(t0() + Duration::minutes(6)));
    }
    // A 60-minute tabletop at --speed 10 fits in six minutes: its +60m inject fires then.
    let late = parse_source(
        "schema_version = 1\nid = \"x\"\ntitle = \"x\"\nrunbook = \"x\"\nsummary = \"x\"\n[[injects]]\nat = \"+60m\"\ntext = \"end\"\n",
    )
    .unwrap();
    let real = Arc::new(FixedClock::new(t0()));
    let clock = SimClock::new(real.clone(), t0(), 10.0);
    real.advance(Duration::seconds(359));
    assert!(schedule::due(&late.injects, t0(), clock.now(), &[]).is_empty());
    real.advance(Duration::seconds(1));
    assert_eq!(
        schedule::due(&late.injects, t0(), clock.now(), &[]).len(),
        1
    );
}

use crate::support::etcd_drill;

/// A drill of the bundled etcd runbook in a fresh state directory, opened at `t0` with the
/// scenario pinned at `speed`.
fn open_drill(dir: &std::path::Path, speed: f64, real: &Arc<FixedClock>) -> Session {
    let mut s = etcd_drill::start(dir, t0());
    let clock = SimClock::new(real.clone(), t0(), speed);
    s.record(
        &clock,
        None,
        "ana",
        Known::DrillConfigured {
            scenario: None,
            speed: Some(speed),
        },
    )
    .unwrap();
    s
}

#[test]
fn records_carry_drill_time_and_the_real_time() {
    let dir = tempfile::tempdir().unwrap();
    let real = Arc::new(FixedClock::new(t0()));
    let mut s = open_drill(dir.path(), 10.0, &real);
    assert_eq!(s.incident.speed, Some(10.0));
    let clock = SimClock::new(real.clone(), t0(), 10.0);
    real.set(t0() + Duration::seconds(30));
    let r = s
        .record(
            &clock,
            None,
            INJECT_AUTHOR,
            drill::inject_event(&scenario().injects[0]),
        )
        .unwrap()
        .record;
    assert_eq!(r.ts, t0() + Duration::minutes(5));
    assert_eq!(r.at, t0() + Duration::minutes(5));
    assert_eq!(r.wall, Some(t0() + Duration::seconds(30)));
    assert_eq!(s.incident.injects, [(1, t0() + Duration::minutes(5))]);
    let line = serde_json::to_string(&r).unwrap();
    assert!(
        line.contains(r#""ts":"2026-05-30T22:17:00.000Z","at":"2026-05-30T22:17:00.000Z","author":"drill","wall":"2026-05-30T22:12:30.000Z","kind":"inject_fired","inject":1"#),
        "{line}"
    );

    // A one-shot command hands in a plain clock: the session continues the drill clock from
    // the newest record with a wall time, as if it had run all along.
    real.set(t0() + Duration::seconds(90));
    let plain: &dyn Clock = real.as_ref();
    assert_eq!(s.now(plain), t0() + Duration::minutes(15));
    let n = s
        .record(
            plain,
            None,
            "bo",
            Known::NoteAdded {
                text: "on it".into(),
                action_item: false,
                decision: false,
            },
        )
        .unwrap()
        .record;
    assert_eq!(
        (n.ts, n.wall),
        (
            t0() + Duration::minutes(15),
            Some(t0() + Duration::seconds(90))
        )
    );

    // The app, reopening the drill after a break, continues from the latest record instead:
    // the break does not count.
    real.set(t0() + Duration::hours(2));
    let app = drill::app_clock(&s.incident, &s.records, real.clone());
    assert_eq!(app.now(), t0() + Duration::minutes(15));
    real.advance(Duration::seconds(6));
    assert_eq!(app.now(), t0() + Duration::minutes(16));
    assert_eq!(
        app.wall(),
        Some(t0() + Duration::hours(2) + Duration::seconds(6))
    );
}

#[test]
fn due_events_name_each_inject_once_and_none_after_the_drill_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let real = Arc::new(FixedClock::new(t0()));
    let mut s = open_drill(dir.path(), 10.0, &real);
    let sc = scenario();
    let clock = SimClock::new(real.clone(), t0(), 10.0);
    real.set(t0() + Duration::seconds(80));
    let due = drill::due_events(&s.incident, &sc, clock.now());
    assert_eq!(due.len(), 2);
    assert_eq!(
        due[1],
        Known::InjectFired {
            inject: 2,
            text: "the etcd cluster has disintegrated".into(),
            for_step: None,
        }
    );
    for ev in due {
        s.record(&clock, None, INJECT_AUTHOR, ev).unwrap();
    }
    assert!(drill::due_events(&s.incident, &sc, clock.now()).is_empty());
    assert_eq!(drill::fired(&s.incident), [1, 2]);
    s.record(&clock, None, "ana", Known::IncidentClosed { summary: None })
        .unwrap();
    real.advance(Duration::hours(1));
    assert!(drill::due_events(&s.incident, &sc, clock.now()).is_empty());
    // A closed drill runs on the plain clock.
    let app = drill::app_clock(&s.incident, &s.records, real.clone());
    assert_eq!(app.wall(), None);
}
