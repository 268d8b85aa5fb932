//! The fold: `Incident = fold(records)`. Unit cases for each rule it derives, and property
//! tests: any prefix of a valid journal folds, folding is deterministic, and a seq gap is
//! always detected.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use runbook::domain::event::{Event, Known, Outcome, Record};
use runbook::domain::incident::{FoldError, Incident, Status, fold};
use runbook::domain::merge;
use runbook::domain::{Milestone, Severity, rules};
use runbook::runbook::{library::BUNDLED, parse_source, sha256_hex};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap()
}

fn source(id: &str) -> &'static str {
    BUNDLED
        .iter()
        .find(|(n, _)| *n == format!("{id}.toml"))
        .map(|(_, s)| *s)
        .unwrap()
}

fn opened(rb: &str) -> Record {
    let src = source(rb);
    Record {
        seq: 1,
        ts: t0(),
        at: t0(),
        author: "ana".into(),
        wall: None,
        event: Event::Known(Known::IncidentOpened {
            incident: "inc-1".into(),
            title: "test".into(),
            severity: Severity::Sev2,
            runbook: rb.into(),
            runbook_sha256: sha256_hex(src),
            runbook_source: src.into(),
            vars: Default::default(),
            drill: false,
        }),
    }
}

fn rec(seq: u64, minutes: i64, author: &str, k: Known) -> Record {
    let at = t0() + Duration::minutes(minutes);
    Record {
        seq,
        ts: at,
        at,
        author: author.into(),
        wall: None,
        event: Event::Known(k),
    }
}

fn parse(s: &str) -> Result<std::sync::Arc<runbook::domain::Runbook>, String> {
    parse_source(s).map(std::sync::Arc::new)
}

/// A journal built through the rules, as the CLI would: only accepted actions are recorded.
struct Builder {
    records: Vec<Record>,
    inc: Incident,
}

impl Builder {
    fn new(rb: &str) -> Builder {
        let first = opened(rb);
        let inc = Incident::open(&first, &parse).unwrap();
        Builder {
            records: vec![first],
            inc,
        }
    }

    fn try_push(&mut self, minutes: i64, author: &str, k: Known) -> Result<(), rules::Refused> {
        self.try_push_with(minutes, author, k, rules::Opts::default())
    }

    fn try_push_with(
        &mut self,
        minutes: i64,
        author: &str,
        k: Known,
        opts: rules::Opts,
    ) -> Result<(), rules::Refused> {
        let r = rec(self.records.len() as u64 + 1, minutes, author, k.clone());
        rules::check_with(&self.inc, &k, author, r.at, opts)?;
        self.inc.apply(&r, &parse).unwrap();
        self.records.push(r);
        Ok(())
    }
}

/// Long by design: one journal built record by record, with the folded state checked after the
/// record that changes it.
#[test]
fn steps_decisions_signoffs_and_milestones_fold_into_state() {
    let mut b = Builder::new("etcd-quorum-loss");
    b.try_push(
        3,
        "ana",
        Known::Milestone {
            milestone: Milestone::Detected,
        },
    )
    .unwrap();
    b.try_push(
        4,
        "ana",
        Known::StepStarted {
            step: "acknowledge".into(),
        },
    )
    .unwrap();
    b.try_push(
        6,
        "ana",
        Known::StepCompleted {
            step: "acknowledge".into(),
            outcome: Outcome::Ok,
        },
    )
    .unwrap();
    let i = &b.inc;
    assert_eq!(i.steps[0].status, Status::Done);
    assert_eq!(i.steps[0].duration(), Some(Duration::minutes(2)));
    // Completing a step with a milestone records it, at the completion time.
    assert_eq!(
        i.milestones[&Milestone::Acknowledged].at,
        t0() + Duration::minutes(6)
    );
    assert_eq!(
        i.milestones[&Milestone::Acknowledged].step.as_deref(),
        Some("acknowledge")
    );
    assert_eq!(i.current, Some(1));
    // A decision jumps.
    b.try_push(
        8,
        "ana",
        Known::DecisionMade {
            step: "decide-cause".into(),
            choice: 1,
            label: "x".into(),
            next: "stop-churn".into(),
        },
    )
    .unwrap();
    assert_eq!(b.inc.runbook.steps[b.inc.current.unwrap()].id, "stop-churn");
    assert_eq!(b.inc.path.len(), 1);
    // A sign-off step cannot complete without a second person (the matrix is below).
    let done = Known::StepCompleted {
        step: "restore-new-cluster".into(),
        outcome: Outcome::Ok,
    };
    let err = b.try_push(9, "ana", done.clone()).unwrap_err();
    assert!(err.message.contains("needs a sign-off"), "{err}");
    b.try_push(
        9,
        "carol",
        Known::SignoffGiven {
            step: "restore-new-cluster".into(),
            by: "carol".into(),
        },
    )
    .unwrap();
    b.try_push(10, "ana", done).unwrap();
    // Skips keep their reason; notes starting TODO: are action items.
    b.try_push(
        11,
        "bo",
        Known::StepSkipped {
            step: "verify-quorum".into(),
            reason: "already quorate".into(),
        },
    )
    .unwrap();
    b.try_push(
        12,
        "bo",
        Known::NoteAdded {
            text: "todo: alert on memory".into(),
            action_item: false,
            decision: false,
        },
    )
    .unwrap();
    b.try_push(
        13,
        "bo",
        Known::SeverityChanged {
            severity: Severity::Sev1,
        },
    )
    .unwrap();
    b.try_push(
        14,
        "bo",
        Known::RoleAssigned {
            role: "ic".into(),
            person: "ana".into(),
        },
    )
    .unwrap();
    b.try_push(
        15,
        "bo",
        Known::RoleAssigned {
            role: "ic".into(),
            person: "bo".into(),
        },
    )
    .unwrap();
    let i = &b.inc;
    let skipped = i.runbook.step_index("verify-quorum").unwrap();
    assert_eq!(i.steps[skipped].status, Status::Skipped);
    assert_eq!(
        i.steps[skipped].skip_reason.as_deref(),
        Some("already quorate")
    );
    assert_eq!(i.action_items().count(), 1);
    assert_eq!(i.severity, Severity::Sev1);
    assert_eq!(i.severity_history.len(), 2);
    assert_eq!(
        i.current_roles(),
        vec![("ic".to_string(), "bo".to_string())]
    );
    // Closed: nothing more is accepted.
    b.try_push(16, "bo", Known::IncidentClosed { summary: None })
        .unwrap();
    let refused = b.try_push(
        17,
        "bo",
        Known::NoteAdded {
            text: "late".into(),
            action_item: false,
            decision: false,
        },
    );
    assert!(refused.unwrap_err().message.contains("closed"));
    // The incremental state equals the fold of the whole journal.
    assert_eq!(fold(&b.records, &parse).unwrap(), b.inc);
}

#[test]
fn rules_refuse_bad_decisions_and_flag_milestones_before_the_start() {
    let mut b = Builder::new("etcd-quorum-loss");
    let bad = |step: &str, choice| Known::DecisionMade {
        step: step.into(),
        choice,
        label: String::new(),
        next: String::new(),
    };
    assert!(
        b.try_push(1, "a", bad("acknowledge", 1))
            .unwrap_err()
            .message
            .contains("not a decision")
    );
    assert!(
        b.try_push(1, "a", bad("decide-cause", 9))
            .unwrap_err()
            .message
            .contains("no choice 9")
    );
    assert!(
        b.try_push(1, "a", bad("decide-caus", 1))
            .unwrap_err()
            .message
            .contains("did you mean \"decide-cause\"")
    );
    let early = rec(
        2,
        -30,
        "a",
        Known::Milestone {
            milestone: Milestone::Detected,
        },
    );
    let warnings = rules::check(
        &b.inc,
        &Known::Milestone {
            milestone: Milestone::Detected,
        },
        "a",
        early.at,
    )
    .unwrap();
    assert!(
        warnings[0].contains("before the incident started"),
        "{warnings:?}"
    );
    b.inc.apply(&early, &parse).unwrap();
    assert!(
        b.inc
            .warnings
            .iter()
            .any(|w| w.contains("earlier than the start"))
    );
}

#[test]
fn unknown_kinds_are_kept_and_do_not_break_the_fold() {
    let mut records = vec![opened("disk-full")];
    let line = r#"{"seq":2,"ts":"2026-05-30T22:13:00.000Z","at":"2026-05-30T22:13:00.000Z","author":"x","kind":"future_thing","n":1}"#;
    records.push(serde_json::from_str(line).unwrap());
    let inc = fold(&records, &parse).unwrap();
    assert_eq!(inc.unknown, vec![2]);
}

#[test]
fn a_journal_must_open_with_its_incident() {
    assert_eq!(fold(&[], &parse), Err(FoldError::Empty));
    let note = rec(
        1,
        0,
        "a",
        Known::NoteAdded {
            text: "x".into(),
            action_item: false,
            decision: false,
        },
    );
    assert_eq!(fold(&[note], &parse), Err(FoldError::NotOpened { seq: 1 }));
}

/// A random but valid journal: random actions, keeping those the rules accept.
fn journal(actions: &[(u8, u8, u8)]) -> Vec<Record> {
    let mut b = Builder::new("etcd-quorum-loss");
    let n = b.inc.runbook.steps.len();
    for (i, &(kind, a, c)) in actions.iter().enumerate() {
        let step = b.inc.runbook.steps[a as usize % n].id.clone();
        let k = match kind % 9 {
            0 => Known::StepStarted { step },
            1 => Known::StepCompleted {
                step,
                outcome: Outcome::Ok,
            },
            2 => Known::StepCompleted {
                step,
                outcome: Outcome::Failed,
            },
            3 => Known::StepSkipped {
                step,
                reason: "r".into(),
            },
            4 => Known::DecisionMade {
                step,
                choice: c as usize % 4,
                label: "l".into(),
                next: "acknowledge".into(),
            },
            5 => Known::SignoffGiven {
                step,
                by: "zed".into(),
            },
            6 => Known::NoteAdded {
                text: format!("n{c}"),
                action_item: c % 2 == 0,
                decision: false,
            },
            7 => Known::Milestone {
                milestone: Milestone::ALL[c as usize % 6],
            },
            _ => Known::ChecklistToggled {
                step,
                item: c as usize % 4,
                checked: c % 2 == 0,
            },
        };
        let _ = b.try_push(i as i64, "ana", k);
    }
    b.records
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_prefix_folds_and_folding_is_deterministic(actions in prop::collection::vec((0u8..9, 0u8..20, 0u8..8), 0..60)) {
        let records = journal(&actions);
        for k in 1..=records.len() {
            let a = fold(&records[..k], &parse);
            prop_assert!(a.is_ok(), "prefix {k}: {a:?}");
            prop_assert_eq!(a, fold(&records[..k], &parse));
        }
        let full = fold(&records, &parse).unwrap();
        prop_assert_eq!(full.last_seq as usize, records.len());
    }

    /// With one log, the merged fold is the journal's own fold.
    #[test]
    fn one_log_merged_is_the_journal_itself(actions in prop::collection::vec((0u8..9, 0u8..20, 0u8..8), 0..60)) {
        let records = journal(&actions);
        let log = merge::Log { name: "ana-laptop-1a2b", records: &records };
        prop_assert_eq!(merge::fold(&[log], &parse), fold(&records, &parse));
    }

    /// Split among devices, the same records fold to the same incident whatever order the
    /// logs are read in, and each device's records keep their order.
    #[test]
    fn several_logs_fold_the_same_in_any_order(
        actions in prop::collection::vec((0u8..9, 0u8..20, 0u8..8), 1..60),
        owners in prop::collection::vec(0usize..3, 60),
        rotate in 0usize..3,
    ) {
        let records = journal(&actions);
        let names = ["bo-desk", "ana-laptop", "dee-phone"];
        // The opening record is the first device's; the rest go to the device drawn for it,
        // renumbered 1, 2, 3... in each log.
        let mut logs: Vec<Vec<Record>> = vec![Vec::new(); 3];
        for (i, r) in records.iter().enumerate() {
            let d = if i == 0 { 0 } else { owners[i] };
            let mut r = r.clone();
            r.seq = logs[d].len() as u64 + 1;
            logs[d].push(r);
        }
        let as_logs = |order: &[usize]| -> Vec<merge::Log<'_>> {
            order.iter().map(|&d| merge::Log { name: names[d], records: &logs[d] }).collect()
        };
        let mut order = vec![0, 1, 2];
        order.rotate_left(rotate);
        let a = merge::fold(&as_logs(&[0, 1, 2]), &parse);
        let b = merge::fold(&as_logs(&order), &parse);
        prop_assert_eq!(&a, &b);
        let merged = merge::order(&as_logs(&order));
        for (d, name) in names.iter().enumerate() {
            let seqs: Vec<u64> = merged.iter().filter(|(n, _)| n == name).map(|(_, r)| r.seq).collect();
            prop_assert_eq!(seqs, (1..=logs[d].len() as u64).collect::<Vec<_>>());
        }
        if let Ok(inc) = a {
            prop_assert_eq!(inc.last_seq as usize, records.len());
        }
    }

    #[test]
    fn a_missing_record_is_a_gap(actions in prop::collection::vec((0u8..9, 0u8..20, 0u8..8), 2..40), pick in 0usize..1000) {
        let mut records = journal(&actions);
        prop_assume!(records.len() >= 3);
        let i = 1 + pick % (records.len() - 2);
        let removed = records.remove(i);
        prop_assert_eq!(fold(&records, &parse), Err(FoldError::Gap { expected: removed.seq, found: removed.seq + 1 }));
    }
}

#[test]
fn finishing_a_step_out_of_turn_does_not_move_the_runbook_backwards() {
    let mut b = Builder::new("etcd-quorum-loss");
    b.try_push(
        1,
        "ana",
        Known::StepCompleted {
            step: "acknowledge".into(),
            outcome: Outcome::Ok,
        },
    )
    .unwrap();
    b.try_push(
        2,
        "ana",
        Known::StepStarted {
            step: "check-oom".into(),
        },
    )
    .unwrap();
    assert_eq!(b.inc.runbook.steps[b.inc.current.unwrap()].id, "check-oom");
    // An earlier step finished late, out of turn: the runbook stays where it is.
    b.try_push(
        3,
        "ana",
        Known::StepCompleted {
            step: "first-update".into(),
            outcome: Outcome::Ok,
        },
    )
    .unwrap();
    assert_eq!(b.inc.runbook.steps[b.inc.current.unwrap()].id, "check-oom");
    b.try_push(
        4,
        "ana",
        Known::StepSkipped {
            step: "etcd-health".into(),
            reason: "done by hand".into(),
        },
    )
    .unwrap();
    assert_eq!(b.inc.runbook.steps[b.inc.current.unwrap()].id, "check-oom");
    // Finishing the step it is at moves it on.
    b.try_push(
        5,
        "ana",
        Known::StepCompleted {
            step: "check-oom".into(),
            outcome: Outcome::Ok,
        },
    )
    .unwrap();
    assert_eq!(
        b.inc.runbook.steps[b.inc.current.unwrap()].id,
        "decide-cause"
    );
}

#[test]
fn an_explicit_milestone_corrects_an_earlier_one() {
    let mut b = Builder::new("etcd-quorum-loss");
    b.try_push(
        1,
        "ana",
        Known::StepCompleted {
            step: "acknowledge".into(),
            outcome: Outcome::Ok,
        },
    )
    .unwrap();
    assert_eq!(
        b.inc.milestones[&Milestone::Acknowledged].at,
        t0() + Duration::minutes(1)
    );
    // Passing a milestone step again (a loop, a deliberate repeat) does not move the
    // milestone...
    b.try_push_with(
        5,
        "ana",
        Known::StepCompleted {
            step: "acknowledge".into(),
            outcome: Outcome::Ok,
        },
        rules::Opts { again: true },
    )
    .unwrap();
    assert_eq!(
        b.inc.milestones[&Milestone::Acknowledged].at,
        t0() + Duration::minutes(1)
    );
    // ...but an explicit milestone record is a correction.
    let r = rec(
        4,
        -2,
        "ana",
        Known::Milestone {
            milestone: Milestone::Acknowledged,
        },
    );
    let r = Record {
        seq: b.records.len() as u64 + 1,
        ..r
    };
    b.inc.apply(&r, &parse).unwrap();
    assert_eq!(
        b.inc.milestones[&Milestone::Acknowledged].at,
        t0() - Duration::minutes(2)
    );
}

#[test]
fn a_signoff_allows_one_completion_of_a_looped_step() {
    let mut b = Builder::new("etcd-quorum-loss");
    let step = || "restore-new-cluster".to_string();
    let done = || Known::StepCompleted {
        step: step().into(),
        outcome: Outcome::Ok,
    };
    b.try_push(1, "carol", sign(&step(), "carol")).unwrap();
    b.try_push(2, "ana", done()).unwrap();
    // Started again (a repeat, asked for on purpose): the destructive step needs a fresh
    // sign-off.
    let err = b.try_push(
        3,
        "ana",
        Known::StepStarted {
            step: step().into(),
        },
    );
    assert!(
        err.unwrap_err().again,
        "a restart of a done step is a repeat"
    );
    let again = rules::Opts { again: true };
    b.try_push_with(
        3,
        "ana",
        Known::StepStarted {
            step: step().into(),
        },
        again,
    )
    .unwrap();
    assert!(
        b.try_push(4, "ana", done())
            .unwrap_err()
            .message
            .contains("needs a sign-off")
    );
    b.try_push(5, "dee", sign(&step(), "dee")).unwrap();
    b.try_push(6, "ana", done()).unwrap();
    let i = b.inc.runbook.step_index(&step()).unwrap();
    assert_eq!(b.inc.steps[i].signed_off_by.as_deref(), Some("dee"));
}

fn sign(step: &str, by: &str) -> Known {
    Known::SignoffGiven {
        step: step.into(),
        by: by.into(),
    }
}

fn refused(b: &mut Builder, author: &str, k: Known) -> String {
    b.try_push(30, author, k).unwrap_err().message
}

/// Who may sign, who may complete: the doer cannot sign, no one signs in another's name, the
/// signer cannot complete, and a sign-off counts for one run only.
#[test]
fn the_signoff_matrix() {
    let mut b = Builder::new("data-migration-overwrite");
    let step = "restore-apply";
    let done = || Known::StepCompleted {
        step: "restore-apply".into(),
        outcome: Outcome::Ok,
    };
    let run = || Known::CommandStarted {
        step: "restore-apply".into(),
        command: "psql".into(),
        timeout_s: None,
    };
    b.try_push(1, "ana", Known::StepStarted { step: step.into() })
        .unwrap();
    // Nothing before a sign-off: not the completion, not the command.
    assert!(
        refused(&mut b, "ana", done()).contains("needs a sign-off from someone other than ana")
    );
    assert!(refused(&mut b, "ana", run()).contains("before you run its command"));
    // The doer cannot sign, as themself or by typing another name.
    assert!(refused(&mut b, "ana", sign(step, "ana")).contains("ana started this run"));
    assert!(refused(&mut b, "Ana", sign(step, "ana ")).contains("started this run"));
    assert!(refused(&mut b, "ana", sign(step, "bo")).contains("cannot sign off in the name of bo"));
    // The second person signs as themself; once is enough.
    b.try_push(2, "bo", sign(step, "bo")).unwrap();
    assert!(refused(&mut b, "bo", sign(step, "bo")).contains("already signed off by bo"));
    // The signer cannot run the command or complete the step; the doer can.
    assert!(refused(&mut b, "bo", run()).contains("bo cannot also run its command"));
    assert!(refused(&mut b, "bo", done()).contains("bo cannot also complete it"));
    b.try_push(3, "ana", run()).unwrap();
    b.try_push(4, "ana", done()).unwrap();
    let i = b.inc.runbook.step_index(step).unwrap();
    assert_eq!(b.inc.steps[i].signed_off_by.as_deref(), Some("bo"));
    assert!(b.inc.steps[i].signoff().is_none(), "the sign-off was used");
    assert!(b.inc.overrides.is_empty());
}

#[test]
fn a_signoff_given_ahead_counts_for_the_next_run_unless_the_signer_starts_it() {
    let mut b = Builder::new("data-migration-overwrite");
    let step = "restore-apply";
    let done = || Known::StepCompleted {
        step: "restore-apply".into(),
        outcome: Outcome::Ok,
    };
    b.try_push(1, "bo", sign(step, "bo")).unwrap();
    b.try_push(2, "bo", Known::StepStarted { step: step.into() })
        .unwrap();
    assert!(refused(&mut b, "ana", done()).contains("who also started this run"));
    // Signed ahead by someone else, it counts for the run that starts next.
    let mut b = Builder::new("data-migration-overwrite");
    b.try_push(1, "bo", sign(step, "bo")).unwrap();
    b.try_push(2, "ana", Known::StepStarted { step: step.into() })
        .unwrap();
    b.try_push(3, "ana", done()).unwrap();
}

#[test]
fn a_break_glass_override_needs_a_reason_and_is_kept() {
    let mut b = Builder::new("data-migration-overwrite");
    let step = "restore-apply";
    let over = |reason: &str| Known::SignoffOverridden {
        step: "restore-apply".into(),
        reason: reason.into(),
    };
    b.try_push(1, "ana", Known::StepStarted { step: step.into() })
        .unwrap();
    assert!(refused(&mut b, "ana", over("  ")).contains("needs a reason"));
    b.try_push(2, "ana", over("no second person reachable at 03:10"))
        .unwrap();
    b.try_push(
        3,
        "ana",
        Known::StepCompleted {
            step: step.into(),
            outcome: Outcome::Ok,
        },
    )
    .unwrap();
    assert_eq!(b.inc.overrides.len(), 1);
    assert_eq!(b.inc.overrides[0].by, "ana");
    assert_eq!(
        b.inc.overrides[0].reason,
        "no second person reachable at 03:10"
    );
    // A step that needs no sign-off has nothing to override.
    assert!(
        refused(
            &mut b,
            "ana",
            Known::SignoffOverridden {
                step: "acknowledge".into(),
                reason: "x".into()
            }
        )
        .contains("does not require a sign-off")
    );
}

#[test]
fn the_update_cadence_counts_every_update_and_stops_at_resolved() {
    use runbook::domain::cadence::{self, Cadence};
    let mut b = Builder::new("etcd-quorum-loss");
    let at = |m: i64| t0() + Duration::minutes(m);
    assert_eq!(cadence::at(&b.inc, at(1)), Some(Cadence::NeverSent));
    b.try_push(
        5,
        "dee",
        Known::CommsSent {
            step: Some("first-update".into()),
            text: "Investigating.".into(),
        },
    )
    .unwrap();
    assert_eq!(cadence::at(&b.inc, at(10)), Some(Cadence::Next(at(35))));
    // An update sent without naming a step is an update too.
    b.try_push(
        30,
        "dee",
        Known::CommsSent {
            step: None,
            text: "Still investigating.".into(),
        },
    )
    .unwrap();
    assert_eq!(cadence::at(&b.inc, at(40)), Some(Cadence::Next(at(60))));
    assert_eq!(cadence::at(&b.inc, at(70)), Some(Cadence::Overdue(at(60))));
    // Resolved: nobody is chased for updates any more.
    b.try_push(
        71,
        "ana",
        Known::Milestone {
            milestone: Milestone::Resolved,
        },
    )
    .unwrap();
    assert_eq!(cadence::at(&b.inc, at(120)), None);
}

#[test]
fn an_adopted_runbook_that_does_not_parse_is_flagged_and_the_incident_stays_readable() {
    let first = opened("etcd-quorum-loss");
    let bad = rec(
        2,
        1,
        "ana",
        Known::RunbookAdopted {
            runbook_sha256: sha256_hex("not a runbook"),
            runbook_source: "not a runbook".into(),
        },
    );
    let after = rec(
        3,
        2,
        "ana",
        Known::StepStarted {
            step: "acknowledge".into(),
        },
    );
    let inc = fold(&[first, bad, after], &parse).expect("still folds");
    assert!(
        inc.warnings
            .iter()
            .any(|w| w.contains("record 2: the adopted runbook cannot be read")),
        "{:?}",
        inc.warnings
    );
    assert_eq!(inc.runbook.id, "etcd-quorum-loss");
    assert_eq!(inc.steps[0].status, Status::Active);
}

/// A shared drill's inject fired by two devices while cut off: once in the fold (the first in
/// its order stands), the second said in a warning.
#[test]
fn an_inject_announced_twice_counts_once_and_the_first_stands() {
    let fired = |seq, minutes, who: &str| {
        rec(
            seq,
            minutes,
            who,
            Known::InjectFired {
                inject: 1,
                text: "the primary is down".into(),
                for_step: None,
            },
        )
    };
    let records = vec![
        opened("etcd-quorum-loss"),
        fired(2, 5, "a"),
        fired(3, 6, "b"),
    ];
    let inc = fold(&records, &parse).unwrap();
    assert_eq!(inc.injects, vec![(1, t0() + Duration::minutes(5))]);
    assert!(
        inc.warnings.iter().any(|w| w.contains("already announced")),
        "{:?}",
        inc.warnings
    );
}
