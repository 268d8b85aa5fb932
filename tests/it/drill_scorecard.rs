//! The scorecard of a scripted drill: a real runbook, a small scenario, and responders acting
//! at known drill times on a simulated clock driven by a fixed one. Every figure is checked
//! exactly: milestone times against targets, an overrun, a skip, the delay after each inject,
//! the notes; then the text and Markdown renderings.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{DateTime, Duration, TimeZone, Utc};
use runbook::domain::clock::{FixedClock, SimClock};
use runbook::domain::event::{Known, Outcome, ScenarioPin};
use runbook::domain::{Dur, Milestone};
use runbook::drill::scenario::parse_source;
use runbook::drill::scorecard::{Overrun, Response, Skipped, Verdict};
use runbook::drill::{self, INJECT_AUTHOR, Scorecard, render_markdown, render_text};
use runbook::store::Session;
use std::sync::Arc;

const SCENARIO: &str = r#"schema_version = 1
id = "etcd-scorecard"
title = "etcd OOM, scored"
runbook = "etcd-quorum-loss"
summary = "A short etcd drill."
speed = 10

[targets]
detected = "3m"
identified = "13m"
mitigated = "49m"

[[injects]]
at = "+3m"
text = "uptime monitoring pages: hosted projects unavailable"

[[injects]]
at = "+13m"
text = "dmesg on etcd-2 shows oom-kill"
for_step = "check-oom"
output = "Out of memory: Killed process 1187 (etcd)"

[[injects]]
at = "+55m"
text = "services re-register slowly"
"#;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap()
}

/// A drill at 10x: `at(secs)` moves the real clock to where the drill clock reads t0 + secs.
use crate::support::etcd_drill;

struct Drill {
    _dir: tempfile::TempDir,
    real: Arc<FixedClock>,
    clock: SimClock,
    s: Session,
}

impl Drill {
    fn open() -> Drill {
        let dir = tempfile::tempdir().unwrap();
        let s = etcd_drill::start(dir.path(), t0());
        let real = Arc::new(FixedClock::new(t0()));
        let clock = SimClock::new(real.clone(), t0(), 10.0);
        let mut d = Drill {
            _dir: dir,
            real,
            clock,
            s,
        };
        d.act(
            0,
            "ana",
            Known::DrillConfigured {
                scenario: Some(ScenarioPin {
                    id: "etcd-scorecard".into(),
                    sha256: runbook::runbook::sha256_hex(SCENARIO),
                    source: SCENARIO.into(),
                }),
                speed: Some(10.0),
            },
        );
        d
    }

    fn at(&self, drill_secs: i64) {
        self.real
            .set(t0() + Duration::milliseconds(drill_secs * 100));
    }

    fn act(&mut self, drill_secs: i64, who: &str, ev: Known) {
        self.at(drill_secs);
        let r = self.s.record(&self.clock, None, who, ev).unwrap().record;
        assert_eq!(r.ts, t0() + Duration::seconds(drill_secs));
        assert_eq!(
            r.wall,
            Some(t0() + Duration::milliseconds(drill_secs * 100))
        );
    }

    /// Fires whatever is due at `drill_secs`, as a tick would.
    fn tick(&mut self, drill_secs: i64) -> usize {
        self.at(drill_secs);
        let sc = drill::pinned(&self.s.incident).unwrap().unwrap();
        let due = drill::due_events(&self.s.incident, &sc, self.s.now(&self.clock));
        let n = due.len();
        for ev in due {
            self.s.record(&self.clock, None, INJECT_AUTHOR, ev).unwrap();
        }
        n
    }

    fn step(&mut self, drill_secs: i64, step: &str, done: bool) {
        let ev = if done {
            Known::StepCompleted {
                step: step.into(),
                outcome: Outcome::Ok,
            }
        } else {
            Known::StepStarted { step: step.into() }
        };
        self.act(drill_secs, "ana", ev);
    }
}

const M: i64 = 60;

/// The script: times are drill seconds from the start.
fn scripted() -> Drill {
    let mut d = Drill::open();
    assert_eq!(d.tick(2 * M + 59), 0);
    assert_eq!(d.tick(3 * M), 1); // inject 1 at +3m
    d.act(
        4 * M,
        "ana",
        Known::Milestone {
            milestone: Milestone::Detected,
        },
    );
    d.step(4 * M + 30, "acknowledge", false);
    d.act(
        6 * M,
        "bo",
        Known::NoteAdded {
            text: "paging the etcd owners".into(),
            action_item: false,
            decision: false,
        },
    );
    d.step(7 * M, "acknowledge", true); // 2m30s of a 5m target; records acknowledged
    d.act(
        7 * M,
        "ana",
        Known::StepSkipped {
            step: "first-update".into(),
            reason: "the facilitator handles comms".into(),
        },
    );
    d.step(8 * M, "etcd-health", false);
    assert_eq!(d.tick(13 * M), 1); // inject 2 at +13m
    d.step(14 * M, "etcd-health", true); // 6m of a 3m target: an overrun
    d.step(15 * M + 30, "check-oom", false);
    d.step(16 * M, "check-oom", true);
    d.act(
        17 * M,
        "ana",
        Known::DecisionMade {
            step: "decide-cause".into(),
            choice: 1,
            label: "Majority of members OOM-killed / crash-looping".into(),
            next: "stop-churn".into(),
        },
    );
    d.step(20 * M, "stop-churn", false);
    d.step(22 * M, "stop-churn", true); // records identified
    d.act(
        30 * M,
        "bo",
        Known::NoteAdded {
            text: "TODO: alert on etcd RSS".into(),
            action_item: false,
            decision: false,
        },
    );
    d.act(
        45 * M,
        "ana",
        Known::Milestone {
            milestone: Milestone::Mitigated,
        },
    );
    d.act(50 * M, "ana", Known::IncidentClosed { summary: None });
    d
}

/// Long by design: every figure of one scripted drill's scorecard asserted exactly, in the
/// scorecard's order.
#[test]
fn the_scorecard_of_a_scripted_drill_has_exact_figures() {
    let d = scripted();
    let inc = &d.s.incident;
    let sc_def = drill::pinned(inc).unwrap().unwrap();
    let sc = Scorecard::compute(inc, &d.s.records, Some(&sc_def));
    let secs = Duration::seconds;

    assert_eq!(
        sc.scenario,
        Some(("etcd-scorecard".into(), "etcd OOM, scored".into()))
    );
    assert_eq!(sc.speed, Some(10.0));
    assert!(sc.closed);
    assert_eq!(sc.length(), secs(50 * M));

    let ms: Vec<_> = sc
        .milestones
        .iter()
        .map(|m| (m.milestone, m.reached, m.target, m.verdict))
        .collect();
    assert_eq!(
        ms,
        [
            (
                Milestone::Detected,
                Some(secs(4 * M)),
                Some(Dur::from_secs(180)),
                Verdict::Missed
            ),
            (
                Milestone::Acknowledged,
                Some(secs(7 * M)),
                None,
                Verdict::NoTarget
            ),
            (
                Milestone::Identified,
                Some(secs(22 * M)),
                Some(Dur::from_secs(780)),
                Verdict::Missed
            ),
            (
                Milestone::Mitigated,
                Some(secs(45 * M)),
                Some(Dur::from_secs(2940)),
                Verdict::Met
            ),
        ]
    );

    assert_eq!(
        sc.overruns,
        [Overrun {
            step: "etcd-health".into(),
            title: "Check member health and leader".into(),
            took: secs(6 * M),
            target: Dur::from_secs(180),
            active: false,
        }]
    );
    assert_eq!(sc.overruns[0].over_by(), secs(3 * M));

    assert_eq!(
        sc.skipped,
        [Skipped {
            step: "first-update".into(),
            title: "Post the first status update".into(),
            reason: "the facilitator handles comms".into(),
            at: secs(7 * M),
        }]
    );

    let injects: Vec<_> = sc
        .injects
        .iter()
        .map(|i| (i.number, i.due, i.fired, i.response.clone()))
        .collect();
    assert_eq!(
        injects,
        [
            (
                1,
                Some(secs(3 * M)),
                Some(secs(3 * M)),
                Some(Response {
                    after: secs(M),
                    seq: 4,
                    by: "ana".into(),
                    what: "Milestone: detected".into(),
                })
            ),
            (
                2,
                Some(secs(13 * M)),
                Some(secs(13 * M)),
                Some(Response {
                    after: secs(M),
                    seq: 11,
                    by: "ana".into(),
                    what: "Completed step \"etcd-health\" (Check member health and leader)".into(),
                })
            ),
            (3, Some(secs(55 * M)), None, None),
        ]
    );
    assert_eq!(sc.fired(), 2);

    let notes: Vec<_> = sc
        .notes
        .iter()
        .map(|n| (n.at, n.by.as_str(), n.text.as_str(), n.action_item))
        .collect();
    assert_eq!(
        notes,
        [
            (secs(6 * M), "bo", "paging the etcd owners", false),
            (secs(30 * M), "bo", "TODO: alert on etcd RSS", true),
        ]
    );
}

#[test]
fn an_open_drill_counts_a_running_step_against_its_target_and_unreached_targets() {
    let mut d = Drill::open();
    d.step(M, "acknowledge", false);
    d.act(
        10 * M,
        "bo",
        Known::NoteAdded {
            text: "still on it".into(),
            action_item: false,
            decision: false,
        },
    );
    let sc_def = parse_source(SCENARIO).unwrap();
    let sc = Scorecard::compute(&d.s.incident, &d.s.records, Some(&sc_def));
    assert!(!sc.closed);
    assert_eq!(sc.length(), Duration::seconds(10 * M));
    assert_eq!(sc.overruns.len(), 1);
    assert!(sc.overruns[0].active);
    assert_eq!(sc.overruns[0].took, Duration::seconds(9 * M));
    assert!(
        sc.milestones
            .iter()
            .all(|m| m.verdict == Verdict::NotReached && m.reached.is_none())
    );
    assert_eq!(sc.milestones.len(), 3);
    // Without the scenario, there are no targets and no planned injects.
    let bare = Scorecard::compute(&d.s.incident, &d.s.records, None);
    assert!(bare.milestones.is_empty() && bare.injects.is_empty() && bare.scenario.is_none());
}

#[test]
fn the_scorecard_renders_as_text_and_markdown() {
    let d = scripted();
    let sc_def = drill::pinned(&d.s.incident).unwrap().unwrap();
    let sc = Scorecard::compute(&d.s.incident, &d.s.records, Some(&sc_def));
    let text = render_text(&sc);
    for line in [
        "DRILL SCORECARD  etcd drill",
        "scenario etcd-scorecard · 10x speed",
        "drill time 50m00s (closed)",
        "  detected      +4m00s     target 3m      MISSED by 1m00s",
        "  acknowledged  +7m00s     no target      reached (no target)",
        "  mitigated     +45m00s    target 49m     met, 4m00s to spare",
        "Steps over their target (1)",
        "  etcd-health  Check member health and leader: took 6m00s, target 3m (+3m00s)",
        "  first-update  Post the first status update at +7m00s: the facilitator handles comms",
        "Injects (2 of 3 fired)",
        "     fired +13m00s; next action 1m00s later by ana: Completed step \"etcd-health\"",
        "  3. +55m  services re-register slowly\n     not fired",
        "  +30m00s  bo  [action] TODO: alert on etcd RSS",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    insta::assert_snapshot!("markdown", render_markdown(&sc));
}
