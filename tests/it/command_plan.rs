//! What a run of a step's command records, decided in the domain (`domain::command`): the
//! exact command, the records appended before it runs, the refusals, the result record, and
//! the fold matching each result to its own start.

use chrono::{DateTime, Duration, TimeZone, Utc};
use runbook::domain::command::{Outcome, Run, finished, plan};
use runbook::domain::event::{Event, Known, Record};
use runbook::domain::incident::Incident;
use runbook::domain::{Dur, Severity};
use runbook::runbook::{library::BUNDLED, sha256_hex};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap()
}

fn hazard(s: &str) -> bool {
    runbook::runbook::sanitize::has_hazard(s)
}

/// An incident of bundled runbook `rb` with `vars`, and the records after its opening.
fn incident(rb: &str, vars: &[(&str, &str)], then: Vec<(&str, Known)>) -> Incident {
    let src = BUNDLED
        .iter()
        .find(|(n, _)| *n == format!("{rb}.toml"))
        .map(|(_, s)| *s)
        .unwrap();
    let rec = |seq: u64, author: &str, event: Known| Record {
        seq,
        ts: t0() + Duration::minutes(seq as i64),
        at: t0() + Duration::minutes(seq as i64),
        author: author.into(),
        wall: None,
        event: Event::Known(event),
    };
    let opening = rec(
        1,
        "ana",
        Known::IncidentOpened {
            incident: "inc-1".into(),
            title: "t".into(),
            severity: Severity::Sev2,
            runbook: rb.into(),
            runbook_sha256: sha256_hex(src),
            runbook_source: src.into(),
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            drill: false,
        },
    );
    let mut inc = Incident::open(&opening, &runbook::store::parse_runbook).unwrap();
    for (i, (author, k)) in then.into_iter().enumerate() {
        inc.apply(
            &rec(i as u64 + 2, author, k),
            &runbook::store::parse_runbook,
        )
        .unwrap();
    }
    inc
}

fn started(step: &str) -> Known {
    Known::StepStarted { step: step.into() }
}

#[test]
fn a_pending_step_is_started_then_its_command_with_the_quoted_text_and_timeout() {
    let vars = [("host", "app-01.example.internal"), ("mount", "/var/lib")];
    let inc = incident("disk-full", &vars, vec![]);
    let p = plan(&inc, "df", "ana", t0(), &hazard).unwrap();
    assert_eq!(
        p.command,
        "ssh 'app-01.example.internal' 'df -hT /var/lib; df -i /var/lib'"
    );
    assert_eq!(p.timeout, Dur::from_secs(30));
    assert_eq!(
        p.records,
        vec![
            started("df"),
            Known::CommandStarted {
                step: "df".into(),
                command: p.command.clone(),
                timeout_s: Some(30),
            }
        ]
    );
    // Once the step is in progress, only the command's start.
    let inc = incident("disk-full", &[], vec![("ana", started("df"))]);
    let p = plan(&inc, "df", "ana", t0(), &hazard).unwrap();
    assert!(matches!(&p.records[..], [Known::CommandStarted { .. }]));
    assert_eq!(p.signoff, None);
}

#[test]
fn refusals_say_what_is_wrong() {
    let inc = incident("disk-full", &[], vec![]);
    let no =
        |step: &str, inc: &Incident| plan(inc, step, "ana", t0(), &hazard).unwrap_err().message;
    assert!(no("acknowledge", &inc).contains("is an action step: it has no command to run"));
    assert!(
        no("dff", &inc).contains("did you mean \"df\""),
        "{}",
        no("dff", &inc)
    );
    let evil = incident("disk-full", &[("mount", "/var\u{1b}[2J")], vec![]);
    assert!(no("df", &evil).contains("control or invisible characters"));
    let closed = incident(
        "disk-full",
        &[],
        vec![("ana", Known::IncidentClosed { summary: None })],
    );
    assert!(no("df", &closed).contains("is closed"));
}

#[test]
fn a_step_that_needs_a_signoff_runs_only_after_a_second_persons() {
    let step = "restore-apply";
    let inc = incident("data-migration-overwrite", &[], vec![]);
    let refused = plan(&inc, step, "ana", t0(), &hazard).unwrap_err();
    assert!(refused.message.contains("needs a sign-off"), "{refused}");
    let signoff = |by: &str| Known::SignoffGiven {
        step: step.into(),
        by: by.into(),
    };
    let inc = incident("data-migration-overwrite", &[], vec![("bo", signoff("bo"))]);
    let p = plan(&inc, step, "ana", t0(), &hazard).unwrap();
    assert_eq!(p.signoff.as_deref(), Some("signed off by bo"));
    // The signer cannot also run it.
    assert!(plan(&inc, step, "bo", t0(), &hazard).is_err());
}

#[test]
fn each_result_is_matched_to_its_own_run() {
    let cmd = |step: &str| Known::CommandStarted {
        step: step.into(),
        command: "x".into(),
        timeout_s: Some(30),
    };
    // Two runs of one step under way (two terminals); the first one's result comes last.
    let inc = incident(
        "disk-full",
        &[],
        vec![
            ("ana", started("df")),
            ("ana", cmd("df")),
            ("bo", cmd("df")),
        ],
    );
    let run = |seq: u64| Run {
        incident: "inc-1".into(),
        run: seq,
        step: "df".into(),
        command: "x".into(),
        timeout: Dur::from_secs(30),
    };
    let mut second = Outcome::of(&run(4));
    second.exit_code = Some(0);
    let mut first = Outcome::of(&run(3));
    first.interrupted = true;
    let inc = {
        let mut inc = inc;
        for (seq, o) in [(5, &second), (6, &first)] {
            let r = Record {
                seq,
                ts: t0(),
                at: t0(),
                author: "ana".into(),
                wall: None,
                event: Event::Known(finished(o)),
            };
            inc.apply(&r, &runbook::store::parse_runbook).unwrap();
        }
        inc
    };
    let by_run: Vec<(u64, String)> = inc.commands.iter().map(|c| (c.run, c.ending())).collect();
    assert_eq!(
        by_run,
        vec![(3, "interrupted".to_string()), (4, "exit 0".to_string())]
    );
    // An older journal's result (no run) answers the step's last unfinished start.
    let old = incident(
        "disk-full",
        &[],
        vec![
            ("ana", cmd("df")),
            (
                "ana",
                Known::CommandFinished {
                    step: "df".into(),
                    command: "x".into(),
                    run: None,
                    exit_code: Some(1),
                    duration_ms: 5,
                    timed_out: false,
                    interrupted: false,
                    output_excerpt: String::new(),
                    output_sha256: String::new(),
                    output_bytes: None,
                    output_cut: false,
                    output_path: None,
                },
            ),
            ("ana", cmd("df")),
        ],
    );
    let endings: Vec<String> = old.commands.iter().map(|c| c.ending()).collect();
    assert_eq!(endings, ["exit 1", "interrupted, result unknown"]);
}
