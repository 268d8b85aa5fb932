//! A whole incident driven through the headless CLI, as a script or a teammate in another
//! terminal would, checked through `status --json` and the journal file itself.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::cli_env;
use cli_env::Env;

fn step_status(s: &Value, id: &str) -> String {
    s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The whole-incident test runs on a fixed clock: `--at` reaches back at most 30 days, and
/// its times are in May 2026.
const NOW: &str = "2026-05-30T22:30:00Z";

fn status_at(e: &Env, inc: &str) -> Value {
    serde_json::from_str(&e.ok_at(NOW, &["status", inc, "--json"])).unwrap()
}

/// Long by design: one incident from start to close through the real binary, each command's effect
/// checked right after it.
#[test]
fn a_whole_incident_through_the_cli() {
    let e = Env::new();
    let inc = e.ok_at(
        NOW,
        &[
            "start",
            "etcd-quorum-loss",
            "--at",
            "2026-05-30T22:12:00Z",
            "--var",
            "region=eu-west-1",
            "--no-tui",
        ],
    );
    let inc = inc.trim();
    assert_eq!(inc, "20260530-2212-etcd-quorum-loss");
    e.ok_at(
        NOW,
        &["milestone", "detected", "--at", "2026-05-30T22:15:00Z"],
    );
    e.ok_at(
        NOW,
        &[
            "step",
            "acknowledge",
            "start",
            "--at",
            "22:16",
            "--tz",
            "UTC",
        ],
    );
    e.ok_at(
        NOW,
        &[
            "step",
            "acknowledge",
            "done",
            "--at",
            "2026-05-30T22:18:00Z",
        ],
    );
    e.ok_at(NOW, &["role", "ic", "ana"]);
    e.ok_at(NOW, &["--as", "bo", "role", "ops", "bo"]);
    e.ok_at(
        NOW,
        &[
            "step",
            "first-update",
            "skip",
            "--reason",
            "status page already red",
        ],
    );
    // Only a step in progress can fail.
    let err = e.fails_at(NOW, 1, &["step", "etcd-health", "fail"]);
    assert!(err.contains("never started"), "{err}");
    e.ok_at(NOW, &["step", "etcd-health", "start"]);
    e.ok_at(NOW, &["step", "etcd-health", "fail"]);
    e.ok_at(
        NOW,
        &[
            "decide",
            "decide-cause",
            "Majority of members OOM-killed / crash-looping",
        ],
    );
    let s = status_at(&e, inc);
    assert_eq!(s["current_step"], "stop-churn");
    assert_eq!(step_status(&s, "acknowledge"), "done");
    assert_eq!(step_status(&s, "first-update"), "skipped");
    assert_eq!(step_status(&s, "etcd-health"), "failed");
    assert_eq!(s["milestones"]["detected"], "2026-05-30T22:15:00.000Z");
    assert_eq!(s["milestones"]["acknowledged"], "2026-05-30T22:18:00.000Z");
    assert_eq!(s["decisions"][0]["choice"], 1);
    // Sign-off: refused without; the doer cannot sign; a second person signs as themself.
    let err = e.fails_at(NOW, 1, &["step", "restore-new-cluster", "done"]);
    assert!(
        err.contains("needs a sign-off from someone other than ana"),
        "{err}"
    );
    e.ok_at(NOW, &["step", "restore-new-cluster", "start"]);
    let err = e.fails_at(NOW, 1, &["signoff", "restore-new-cluster"]);
    assert!(err.contains("ana started this run"), "{err}");
    e.ok_at(NOW, &["--as", "carol", "signoff", "restore-new-cluster"]);
    e.ok_at(NOW, &["step", "restore-new-cluster", "done"]);
    e.ok_at(
        NOW,
        &["note", "TODO: alert when etcd memory nears the limit"],
    );
    e.ok_at(NOW, &["note", "--decision", "recreate rather than repair"]);
    e.ok_at(NOW, &["severity", "sev2"]);
    e.ok_at(NOW, &["milestone", "mitigated"]);
    e.ok_at(NOW, &["close"]);
    let s = status_at(&e, inc);
    assert_eq!(s["open"], false);
    assert_eq!(s["severity"], "sev2");
    assert_eq!(s["severity_history"].as_array().unwrap().len(), 2);
    assert_eq!(
        s["roles"],
        serde_json::json!([{"role": "ic", "person": "ana"}, {"role": "ops", "person": "bo"}])
    );
    assert_eq!(s["action_items"].as_array().unwrap().len(), 1);
    assert_eq!(
        s["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "restore-new-cluster")
            .unwrap()["signed_off_by"],
        "carol"
    );
    // Acting on a closed incident is refused, and nothing is appended.
    let before = e.journal(inc).len();
    assert!(
        e.fails_at(NOW, 1, &["note", "--incident", inc, "late"])
            .contains("closed")
    );
    assert_eq!(e.journal(inc).len(), before);
    // The journal: gapless seq, UTC millisecond times, authors, and the pinned runbook.
    let j = e.journal(inc);
    for (n, r) in j.iter().enumerate() {
        assert_eq!(r["seq"], n as u64 + 1);
        let ts = r["ts"].as_str().unwrap();
        assert!(ts.ends_with('Z') && ts.len() == 24, "{ts}");
    }
    assert_eq!(j[0]["kind"], "incident_opened");
    assert!(
        j[0]["runbook_source"]
            .as_str()
            .unwrap()
            .contains("id = \"etcd-quorum-loss\"")
    );
    assert_eq!(j[0]["runbook_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(j[0]["vars"]["region"], "eu-west-1");
    assert!(j.iter().any(|r| r["author"] == "bo"));
    let backdated = j.iter().find(|r| r["kind"] == "milestone").unwrap();
    assert_eq!(backdated["at"], "2026-05-30T22:15:00.000Z");
    assert_ne!(backdated["ts"], backdated["at"]);
}

#[test]
fn which_incident_when_several_are_open_is_a_usage_error() {
    let e = Env::new();
    let a = e.ok(&["start", "disk-full", "--no-tui"]);
    let b = e.ok(&["start", "disk-full", "--no-tui"]);
    assert_ne!(a, b, "ids are unique");
    assert!(b.trim().ends_with("-disk-full-2"), "{b}");
    let err = e.fails(2, &["note", "which one?"]);
    assert!(err.contains(a.trim()) && err.contains(b.trim()), "{err}");
    e.ok(&["note", "--incident", a.trim(), "this one"]);
    let listed = e.ok(&["incidents", "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&listed).unwrap();
    assert_eq!(rows.len(), 2);
}

#[test]
fn variables_are_checked_and_missing_ones_named() {
    let e = Env::new();
    let d = tempfile::tempdir().unwrap();
    let rb =
        runbook::runbook::starter::starter("needs-vars", "demo").replace("default = \"api\"\n", "");
    std::fs::write(d.path().join("needs-vars.toml"), rb).unwrap();
    let dir = d.path().to_str().unwrap();
    let err = e.fails(1, &["--runbooks", dir, "start", "needs-vars", "--no-tui"]);
    assert!(err.contains("missing values for: service"), "{err}");
    let err = e.fails(
        1,
        &[
            "--runbooks",
            dir,
            "start",
            "needs-vars",
            "--var",
            "service=Bad Name",
            "--no-tui",
        ],
    );
    assert!(err.contains("does not match ^[a-z0-9-]+$"), "{err}");
    let err = e.fails(
        1,
        &[
            "--runbooks",
            dir,
            "start",
            "needs-vars",
            "--var",
            "servce=api",
            "--no-tui",
        ],
    );
    assert!(err.contains("did you mean \"service\""), "{err}");
    e.ok(&[
        "--runbooks",
        dir,
        "start",
        "needs-vars",
        "--var",
        "service=api",
        "--no-tui",
    ]);
}

#[test]
fn bad_arguments_are_usage_errors() {
    let e = Env::new();
    e.ok(&["start", "disk-full", "--no-tui"]);
    e.fails(2, &["milestone", "fixed"]);
    e.fails(2, &["severity", "critical"]);
    e.fails(2, &["note", "x", "--at", "yesterday"]);
    e.fails(2, &["step", "check-usage", "skip"]);
    e.fails(2, &["--tz", "Mars/Olympus", "note", "x", "--at", "10:00"]);
    e.fails(1, &["status", "no-such-incident"]);
}

#[test]
fn log_follow_prints_what_other_processes_append() {
    let e = Env::new();
    let inc = e.ok(&["start", "disk-full", "--no-tui"]);
    let mut follow = e
        .cmd(&["log", inc.trim(), "--follow"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = follow.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    // The existing timeline first.
    let first = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the follower prints the timeline");
    assert!(first.contains("opened"), "{first}");
    e.ok(&["--as", "teammate", "note", "seen from another shell"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut found = false;
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) if l.contains("seen from another shell") => {
                assert!(l.contains("teammate"), "{l}");
                found = true;
                break;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    assert!(found, "the follower never printed the note");
    // Closing the incident ends the follow by itself (bounded wait for the exit).
    e.ok(&["close", inc.trim()]);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(st) = follow.try_wait().unwrap() {
            break Some(st);
        }
        if std::time::Instant::now() > deadline {
            break None;
        }
        let _ = rx.recv_timeout(Duration::from_millis(50));
    };
    let _ = follow.kill();
    let _ = follow.wait();
    assert!(
        status.is_some_and(|s| s.success()),
        "--follow did not end on close"
    );
    // On a closed incident --follow prints the timeline and ends at once.
    let done = e.cmd(&["log", inc.trim(), "--follow"]).output().unwrap();
    assert!(done.status.success(), "{done:?}");
    assert!(
        String::from_utf8_lossy(&done.stderr).contains("closed"),
        "{done:?}"
    );
}

#[test]
fn permissions_are_private_even_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let e = Env::new();
    let state = e.state.path().join("fresh");
    let exe = env!("CARGO_BIN_EXE_runbook");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; exec '{exe}' --state-dir '{}' start disk-full --no-tui",
            state.display()
        ))
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&state.join("incidents")), 0o700);
    let id = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        mode(&state.join("incidents").join(format!("{}.jsonl", id.trim()))),
        0o600
    );
}

#[test]
fn finding_the_open_incident_leaves_closed_journals_alone() {
    let e = Env::new();
    let closed = e.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    e.ok(&["close", &closed]);
    let open = e
        .ok(&["start", "dns-resolution-failure", "--no-tui"])
        .trim()
        .to_string();
    // A torn tail after the close (e.g. a crashed writer): opening that journal would set it
    // aside; looking for the open incident must not even open it.
    let path = e
        .state
        .path()
        .join("incidents")
        .join(format!("{closed}.jsonl"));
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"seq\":99,\"kind\":\"no");
    std::fs::write(&path, &bytes).unwrap();
    let out = e.ok(&["note", "only one is open"]);
    assert!(out.contains("recorded #2"), "{out}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the closed journal was not touched"
    );
    assert!(!path.with_extension("jsonl.torn").exists());
    let rows: Vec<Value> = serde_json::from_str(&e.ok(&["incidents", "--json"])).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], open.as_str());
}
