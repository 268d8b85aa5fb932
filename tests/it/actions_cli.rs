//! `runbook actions` and `runbook action`: action items across incidents, followed up after
//! the close by a record in the incident's journal, and written out for GitHub and Jira.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::cli_env::Env;
use serde_json::Value;

const NOW: &str = "2026-05-30T23:00:00Z";

/// A closed incident with notes #2 (a TODO), #3 (plain) and #4 (a hostile action item).
fn closed_incident(e: &Env) -> String {
    let inc = e.ok_at(
        NOW,
        &[
            "start",
            "disk-full",
            "--no-tui",
            "--at",
            "2026-05-30T10:00:00Z",
        ],
    );
    let inc = inc.trim().to_string();
    e.ok_at(
        NOW,
        &[
            "note",
            "TODO: alert on inode use",
            "--at",
            "2026-05-30T10:05:00Z",
        ],
    );
    e.ok_at(
        NOW,
        &["note", "df looked fine", "--at", "2026-05-30T10:06:00Z"],
    );
    e.ok_at(
        NOW,
        &[
            "note",
            "--action",
            "=cmd|' /C calc'!A0 \u{1b}[2J",
            "--at",
            "2026-05-30T10:07:00Z",
        ],
    );
    e.ok_at(NOW, &["close", "--at", "2026-05-30T11:00:00Z"]);
    inc
}

fn items(e: &Env, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["actions", "--json"];
    args.extend(extra);
    let v: Value = serde_json::from_str(&e.ok_at(NOW, &args)).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn items_are_followed_up_after_the_close_in_the_journal() {
    let e = Env::new();
    let inc = closed_incident(&e);
    let all = items(&e, &[]);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0]["id"], format!("{inc}#2"));
    assert_eq!(
        (&all[0]["author"], &all[0]["done"]),
        (&Value::from("ana"), &Value::from(false))
    );
    e.ok_at(NOW, &["action", "done", &format!("{inc}#2")]);
    e.ok_at(NOW, &["action", "owner", &format!("{inc}#4"), "bo"]);
    e.ok_at(
        NOW,
        &[
            "action",
            "link",
            &format!("{}#4", &inc[..13]),
            "https://tracker.example/T-1",
        ],
    );
    let journal = e.journal(&inc);
    assert_eq!(journal.last().unwrap()["kind"], "action_item_updated");
    assert_eq!(journal.last().unwrap()["note"], 4);
    let open = items(&e, &["--open"]);
    assert_eq!(open.len(), 1);
    assert_eq!(
        (&open[0]["owner"], &open[0]["link"]),
        (
            &Value::from("bo"),
            &Value::from("https://tracker.example/T-1")
        )
    );
    // Still closed, and only follow-ups are recorded after the close.
    assert!(e.ok_at(NOW, &["incidents", "--all"]).contains("closed"));
    let err = e.fails_at(NOW, 1, &["note", "late", "--incident", &inc]);
    assert!(err.contains("closed"), "{err}");
    e.ok_at(NOW, &["action", "reopen", &format!("{inc}#2")]);
    assert_eq!(items(&e, &["--open"]).len(), 2);
}

#[test]
fn a_bad_follow_up_is_refused_and_nothing_is_recorded() {
    let e = Env::new();
    let inc = closed_incident(&e);
    let before = e.journal(&inc).len();
    let err = e.fails_at(NOW, 1, &["action", "done", &format!("{inc}#3")]);
    assert!(err.contains("no action item #3"), "{err}");
    let err = e.fails_at(
        NOW,
        1,
        &["action", "link", &format!("{inc}#4"), "javascript:alert(1)"],
    );
    assert!(err.contains("http"), "{err}");
    let err = e.fails_at(
        NOW,
        1,
        &["action", "owner", &format!("{inc}#4"), "bo\u{1b}[2J"],
    );
    assert!(!err.contains('\u{1b}'), "{err}");
    let err = e.fails_at(NOW, 2, &["action", "done", "no-number-here"]);
    assert!(err.contains("INC#N"), "{err}");
    assert_eq!(e.journal(&inc).len(), before);
}

#[test]
fn items_leave_for_github_and_jira_in_their_own_shapes() {
    let e = Env::new();
    let inc = closed_incident(&e);
    e.ok_at(NOW, &["action", "owner", &format!("{inc}#2"), "bo"]);
    let gh = e.ok_at(NOW, &["actions", "--format", "github"]);
    let docs: Vec<Value> = gh
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 2, "one document per line: {gh}");
    assert_eq!(docs[0]["title"], "alert on inode use");
    assert!(docs[0]["body"].as_str().unwrap().contains(&inc));
    assert_eq!(docs[0]["labels"][0], "postmortem-action");
    assert!(!gh.contains('\u{1b}'), "escapes stay escaped: {gh}");
    let csv = e.ok_at(NOW, &["actions", "--csv"]);
    let rows: Vec<&str> = csv.split("\r\n").collect();
    assert!(
        rows[0].starts_with("Summary,Description,Assignee,Reporter,Labels"),
        "{csv}"
    );
    assert!(
        rows[1].starts_with("alert on inode use,") && rows[1].contains(",bo,ana,"),
        "{csv}"
    );
    assert!(rows[2].starts_with("'=cmd"), "no formula: {csv}");
    let table = e.ok_at(NOW, &["actions"]);
    assert!(
        table.contains("[ ]") && !table.contains('\u{1b}'),
        "{table}"
    );
}
