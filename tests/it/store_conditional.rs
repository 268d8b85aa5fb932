//! The conditional append: the rules are checked under the journal's exclusive lock, against
//! the incident as it is after catching up on what others appended, so two responders who
//! decided on the same state cannot both be recorded when the second would have been refused.
//! The loser is told what changed; nothing of theirs is written.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use runbook::domain::clock::{Clock, FixedClock};
use runbook::domain::event::Known;
use runbook::journal::{AppendError, Journal};
use runbook::store::{RecordError, Session, Store};

use crate::support::cli_env::Env;
use crate::support::rec::Rec;

fn t0() -> DateTime<Utc> {
    "2026-05-30T22:31:05Z".parse().unwrap()
}

fn start(e: &Env) -> (Store, runbook::store::IncidentId) {
    let inc = e
        .ok_at("2026-05-30T22:12:00Z", &["start", "disk-full", "--no-tui"])
        .trim()
        .to_string();
    let store = Store {
        dir: e.state.path().to_path_buf(),
    };
    (store, inc.parse().unwrap())
}

fn started(step: &str) -> Known {
    Known::StepStarted { step: step.into() }
}

/// A clock that, the first time it is read, lets another responder act first: the moment
/// between deciding and writing, made to happen every time.
struct Meddler {
    clock: FixedClock,
    other: Mutex<Option<Session>>,
}

impl Clock for Meddler {
    fn now(&self) -> DateTime<Utc> {
        if let Some(mut bo) = self.other.lock().unwrap().take() {
            bo.record(&self.clock, None, "bo", started("acknowledge"))
                .unwrap();
        }
        self.clock.now()
    }
}

#[test]
fn two_handles_that_decided_on_the_same_state_record_one_step_started() {
    let e = Env::new();
    let (store, id) = start(&e);
    let mut ana = store.open(&id).unwrap();
    let bo = store.open(&id).unwrap();
    // Both see the step as not started.
    assert_eq!(ana.incident.steps[0].status, bo.incident.steps[0].status);
    let clock = Meddler {
        clock: FixedClock::new(t0()),
        other: Mutex::new(Some(bo)),
    };
    let err = ana
        .record(&clock, None, "ana", started("acknowledge"))
        .unwrap_err();
    let RecordError::Refused(refused) = &err else {
        panic!("expected a refusal, got {err}");
    };
    let text = refused.to_string();
    assert!(
        text.contains("already in progress (started by bo at 22:31:05)"),
        "{text}"
    );
    assert!(
        text.contains("this changed just now: #2 bo at 22:31:05: "),
        "{text}"
    );
    assert!(refused.again, "a deliberate repeat may still be asked for");

    let kinds: Vec<String> = e
        .journal(id.as_str())
        .iter()
        .map(|r| format!("{} {}", r["kind"], r["author"]))
        .collect();
    assert_eq!(
        kinds,
        ["\"incident_opened\" \"ana\"", "\"step_started\" \"bo\""]
    );
    // The loser's state has caught up on what beat it.
    assert_eq!(ana.records.len(), 2);
    assert_eq!(ana.incident.steps[0].started_by.as_deref(), Some("bo"));
}

#[test]
fn a_refused_decision_under_the_lock_writes_nothing_and_keeps_the_records_for_later() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut a = Journal::<Rec>::create(&path).unwrap();
    let mut b = Journal::<Rec>::open(&path).unwrap().journal;
    let take = |who: &str| {
        let who = who.to_string();
        move |caught: &[Rec], seq| {
            if caught.iter().any(|r| r.body.starts_with("took")) {
                Err(format!("{who}: already taken"))
            } else {
                Ok(Rec {
                    seq,
                    body: format!("took by {who}"),
                })
            }
        }
    };
    a.append_with(take("a")).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = b.append_with(take("b")).unwrap_err();
    assert!(
        matches!(&err, AppendError::Refused(m) if m.as_str() == "b: already taken"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "a refusal wrote something"
    );
    assert_eq!(b.last_seq(), 0, "the position moved on a refusal");
    let caught = b.read_new().unwrap();
    assert_eq!(caught.len(), 1);
    assert_eq!(caught[0].body, "took by a");
}

#[test]
fn two_processes_starting_the_same_step_at_once_record_it_once() {
    let e = Env::new();
    let (_, id) = start(&e);
    for round in 0..4 {
        let step = ["acknowledge", "first-update", "df", "du"][round];
        let spawn = |who: &str| {
            e.cmd(&[
                "--as",
                who,
                "step",
                "--incident",
                id.as_str(),
                step,
                "start",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
        };
        let (ana, bo) = (spawn("ana"), spawn("bo"));
        let outs = [
            ana.wait_with_output().unwrap(),
            bo.wait_with_output().unwrap(),
        ];
        let won = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(won, 1, "round {round}: {outs:?}");
        let lost = outs.iter().find(|o| !o.status.success()).unwrap();
        assert_eq!(lost.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&lost.stderr);
        assert!(stderr.contains("is already in progress"), "{stderr}");
        let starts = e
            .journal(id.as_str())
            .iter()
            .filter(|r| r["kind"] == "step_started" && r["step"] == step)
            .count();
        assert_eq!(starts, 1, "round {round}");
    }
}
