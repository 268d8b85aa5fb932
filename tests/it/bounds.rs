//! Bounded values and checked time arithmetic, through the real binary: durations are at most
//! 30 days where they are read, `--at` is at most 5 minutes ahead and 30 days back, and no
//! value a runbook or a journal can hold, however absurd, makes a command panic (exit 101).
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::cli_env::Env;
use std::process::Output;

/// A runbook whose wait step waits `wait`.
fn waiting(wait: &str) -> String {
    format!(
        r#"schema_version = 1
id = "long-wait"
title = "A very long wait"
incident_type = "test"
severity = "sev3"
summary = "Waits."

[[steps]]
id = "settle"
title = "Let it settle"
kind = "wait"
duration = "{wait}"

[[steps]]
id = "after"
title = "Carry on"
kind = "action"
"#
    )
}

/// Exit status, with the output when it is not the one expected.
fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_wait_of_99999999d_is_refused_naming_the_bound() {
    let e = Env::new();
    let path = e.state.path().join("long-wait.toml");
    std::fs::write(&path, waiting("99999999d")).unwrap();
    let out = e.run(&["validate", path.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("long-wait.toml:12:12: error:") && shown.contains("at most 30d"),
        "{shown}"
    );
    // It cannot be started, so it cannot be waited on.
    let dir = e.state.path().to_str().unwrap();
    let out = e.run(&["--runbooks", dir, "start", "long-wait", "--no-tui"]);
    assert_ne!(code(&out), 0, "{}", text(&out));
    assert_ne!(code(&out), 101, "a panic: {}", text(&out));
    // Every bound a runbook can reach, at the bound, validates.
    std::fs::write(&path, waiting("30d")).unwrap();
    e.ok(&["validate", path.to_str().unwrap()]);
}

/// The journal an older version wrote for `source`, opened at `opened` and the first step
/// started at `started`.
fn journal(source: &str, opened: &str, started: &str) -> String {
    let first = serde_json::json!({
        "seq": 1, "ts": opened, "at": opened, "author": "ana", "kind": "incident_opened",
        "incident": "20260530-2212-long-wait", "title": "t", "severity": "sev3",
        "runbook": "long-wait", "runbook_sha256": runbook::runbook::sha256_hex(source),
        "runbook_source": source, "vars": {}, "drill": false,
    });
    let second = serde_json::json!({
        "seq": 2, "ts": started, "at": started, "author": "ana", "kind": "step_started",
        "step": "settle",
    });
    format!("{first}\n{second}\n")
}

fn write_journal(e: &Env, body: &str) {
    let dir = e.state.path().join("incidents");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("20260530-2212-long-wait.jsonl"), body).unwrap();
}

/// Every reader of an incident, headless: none may panic, whatever the journal holds.
const READERS: &[&[&str]] = &[
    &["status", "20260530-2212-long-wait"],
    &["status", "20260530-2212-long-wait", "--json"],
    &["log", "20260530-2212-long-wait"],
    &["incidents", "--all"],
    &["export", "20260530-2212-long-wait"],
    &["export", "20260530-2212-long-wait", "--format", "json"],
    &["resume", "20260530-2212-long-wait"],
];

#[test]
fn a_journal_pinning_a_99999999d_wait_is_refused_clearly_never_a_panic() {
    // What the old version let through: the runbook validated, the step started.
    let e = Env::new();
    let at = "2026-05-30T22:12:00.000Z";
    write_journal(&e, &journal(&waiting("99999999d"), at, at));
    for args in READERS {
        let out = e.run_at("2026-05-30T22:30:00Z", args);
        assert_ne!(code(&out), 101, "{args:?} panicked: {}", text(&out));
    }
    let err = e.fails_at(
        "2026-05-30T22:30:00Z",
        1,
        &["status", "20260530-2212-long-wait"],
    );
    assert!(err.contains("at most 30d"), "{err}");
}

#[test]
fn the_longest_wait_at_the_end_of_time_reads_and_exports() {
    // The latest times a journal can hold (RFC 3339 ends at 9999), with the longest wait.
    let e = Env::new();
    let end = "9999-12-31T23:59:59.999Z";
    write_journal(&e, &journal(&waiting("30d"), end, end));
    for args in READERS.iter().filter(|a| a[0] != "resume") {
        let out = e.run_at("9999-12-31T23:59:59Z", args);
        assert_eq!(code(&out), 0, "{args:?}: {}", text(&out));
    }
    // And from the far past, with the clock at the end of time: hundreds of years elapsed.
    let e = Env::new();
    let start = "0000-01-01T00:00:00.000Z";
    write_journal(&e, &journal(&waiting("30d"), start, start));
    for args in READERS.iter().filter(|a| a[0] != "resume") {
        let out = e.run_at("9999-12-31T23:59:59Z", args);
        assert_eq!(code(&out), 0, "{args:?}: {}", text(&out));
    }
}

#[test]
fn a_wait_started_through_the_cli_near_the_end_of_time_is_shown() {
    let e = Env::new();
    let dir = e.state.path().join("books");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("long-wait.toml"), waiting("30d")).unwrap();
    let dir = dir.to_str().unwrap();
    let now = "9999-12-31T23:00:00Z";
    let id = e.ok_at(now, &["--runbooks", dir, "start", "long-wait", "--no-tui"]);
    e.ok_at(now, &["--runbooks", dir, "step", "settle", "start"]);
    let status = e.ok_at(now, &["status", id.trim(), "--json"]);
    assert!(status.contains("\"settle\""), "{status}");
    e.ok_at(now, &["export", id.trim()]);
}

#[test]
fn an_absurd_relative_at_is_a_usage_error() {
    let e = Env::new();
    e.ok(&["start", "disk-full", "--no-tui"]);
    let err = e.fails(2, &["note", "x", "--at=-300000000d"]);
    assert!(err.contains("at most 30d"), "{err}");
    let err = e.fails(2, &["note", "x", "--at", "-99999999999999999999999d"]);
    assert!(err.contains("at most 30d"), "{err}");
}

#[test]
fn at_takes_a_relative_time_as_its_own_argument() {
    let e = Env::new();
    let now = "2026-05-30T23:00:00Z";
    let id = e.ok_at(now, &["start", "disk-full", "--no-tui"]);
    e.ok_at(now, &["note", "spaced", "--at", "-15m"]);
    e.ok_at(now, &["note", "joined", "--at=-1h30m"]);
    let j = e.journal(id.trim());
    let at = |text: &str| {
        j.iter()
            .find(|r| r["text"] == text)
            .map(|r| r["at"].as_str().unwrap().to_string())
    };
    assert_eq!(at("spaced").as_deref(), Some("2026-05-30T22:45:00.000Z"));
    assert_eq!(at("joined").as_deref(), Some("2026-05-30T21:30:00.000Z"));
}

#[test]
fn a_time_of_day_is_the_most_recent_and_a_future_time_is_refused() {
    let e = Env::new();
    let now = "2026-05-30T19:58:00Z";
    // 22:12 at 19:58 is yesterday's 22:12, which the incident id says.
    let id = e.ok_at(now, &["start", "disk-full", "--at", "22:12", "--no-tui"]);
    assert_eq!(id.trim(), "20260529-2212-disk-full");
    let err = e.fails_at(now, 2, &["note", "x", "--at", "2026-05-30T22:12:00Z"]);
    assert!(
        err.contains("--at 2026-05-30T22:12:00Z is 2026-05-30T22:12:00.000Z, 2h14m in the future"),
        "{err}"
    );
    let err = e.fails_at(now, 2, &["note", "x", "--at", "2026-01-01T00:00:00Z"]);
    assert!(err.contains("at most 30 days"), "{err}");
    // Nothing was recorded by the refusals.
    assert_eq!(e.journal(id.trim()).len(), 1);
}

#[test]
fn scenario_offsets_targets_and_speed_are_bounded() {
    let e = Env::new();
    let path = e.state.path().join("far.toml");
    std::fs::write(
        &path,
        r#"schema_version = 1
id = "far"
title = "Far"
runbook = "disk-full"
speed = 100000

[targets]
detected = "99999999d"

[[injects]]
at = "+99999999d"
text = "much later"
"#,
    )
    .unwrap();
    let out = e.run(&["drill", "validate", path.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let shown = text(&out);
    assert!(shown.contains("at most 1000"), "{shown}");
    assert_eq!(shown.matches("at most 30d").count(), 2, "{shown}");
}
