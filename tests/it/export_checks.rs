//! The export's guarantees, through the real binary: hostile text is escaped, the same journal
//! gives the same bytes, `--tz` moves displayed times only, the JSON matches its documented
//! schema with unknown metrics as null, out-of-order milestones are flagged, drills look like
//! drills, and misuse gets the right exit status.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::replay;

use replay::{Replay, assert_matches_schema};
use serde_json::Value;

/// A short incident: opened 22:16 UTC on 30 May 2026, detected 22:15, acknowledged 22:18.
fn small(drill: bool) -> Replay {
    let mut r = Replay::new("2026-05-30", "Z");
    let mut extra = vec!["--title", "Checkout errors in eu-west"];
    if drill {
        extra.push("--drill");
    }
    r.start("ana", "22:16", "incident-command-basics", &extra);
    r.late("ana", "22:16", "22:12", &["milestone", "started"]);
    r.late("ana", "22:16", "22:15", &["milestone", "detected"]);
    r.run("ana", "22:16", &["step", "declare", "start"]);
    r.run("ana", "22:18", &["step", "declare", "done"]);
    r.run("ana", "22:18", &["role", "ic", "ana"]);
    r.run(
        "bo",
        "22:20",
        &["note", "Error rate 12% on checkout since about 22:12"],
    );
    r.run("ana", "22:58", &["milestone", "mitigated"]);
    r
}

/// `<` that is not escaped and not one of the export's own tags (`<br>`, `<!--`).
fn raw_html(md: &str) -> Vec<&str> {
    md.lines()
        .filter(|l| {
            l.match_indices('<').any(|(i, _)| {
                let escaped = i > 0 && l.as_bytes()[i - 1] == b'\\';
                let ours = l[i..].starts_with("<br>") || l[i..].starts_with("<!--");
                !escaped && !ours
            })
        })
        .collect()
}

/// `|` not preceded by a backslash: the cell separators a table row really has.
fn separators(row: &str) -> usize {
    row.match_indices('|')
        .filter(|(i, _)| *i == 0 || row.as_bytes()[i - 1] != b'\\')
        .count()
}

#[test]
fn hostile_text_is_escaped_in_markdown_and_json() {
    let r = small(false);
    let hostile = "pipe | in a cell\nsecond line <img src=x onerror=alert(1)> `code` [link](http://evil) *em* _u_ ~~s~~ &amp; \u{1b}[2J bidi\u{202e}txt #";
    r.run("mallory|eve", "22:30", &["note", hostile]);
    r.run(
        "ana",
        "22:31",
        &[
            "step",
            "assign-roles",
            "skip",
            "--reason",
            "roles | were\nalready <b>set</b>",
        ],
    );
    r.run(
        "ana",
        "22:32",
        &["note", "--action", "TODO: <script>alert(1)</script> | fix"],
    );
    let md = r.export(&[]);
    assert!(
        !md.contains('\u{1b}') && !md.contains('\u{202e}'),
        "control and bidi characters reach the output raw"
    );
    assert_eq!(raw_html(&md), Vec::<&str>::new(), "unescaped HTML");
    let timeline: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("| Time (UTC) | Event | By |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(timeline.len() > 5);
    for row in &timeline {
        assert_eq!(
            separators(row),
            4,
            "a timeline row with other than three cells: {row}"
        );
    }
    let row = timeline.iter().find(|l| l.contains("pipe")).unwrap();
    insta::assert_snapshot!("hostile_timeline_row", row);
    let item = md.lines().find(|l| l.starts_with("- [ ]")).unwrap();
    insta::assert_snapshot!("hostile_action_item", item);
    // The JSON keeps the text exactly, with control and bidi characters as \u escapes.
    let raw = r.export(&["--format", "json"]);
    assert!(!raw.contains('\u{1b}') && !raw.contains('\u{202e}'));
    assert!(raw.contains("\\u001b") && raw.contains("\\u202e"));
    let doc: Value = serde_json::from_str(&raw).unwrap();
    let note = doc["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["author"] == "mallory|eve")
        .unwrap();
    assert_eq!(note["text"], format!("Note: {hostile}"));
}

#[test]
fn the_same_journal_gives_the_same_bytes() {
    let r = small(false);
    for args in [
        &[][..],
        &["--template", "pagerduty"],
        &["--template", "atlassian"],
        &["--format", "json"],
    ] {
        assert_eq!(
            r.export(args),
            r.export(args),
            "export {args:?} differs between runs"
        );
    }
    // -o writes the same bytes, privately.
    use std::os::unix::fs::PermissionsExt;
    let file = r.state_dir().join("draft.md");
    r.export(&["-o", file.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), r.export(&[]));
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn tz_shifts_displayed_times_only() {
    let r = small(false);
    let utc = r.export(&["--tz", "UTC"]);
    let la = r.export(&["--tz", "America/Los_Angeles"]);
    assert_eq!(utc, r.export(&[]), "UTC is the default");
    // 22:12 UTC on 30 May is 15:12 PDT.
    assert!(
        utc.contains("| started | 22:12 |") && la.contains("| started | 15:12 |"),
        "{la}"
    );
    assert!(
        utc.contains("| Time (UTC) | Event | By |")
            && la.contains("| Time (America/Los_Angeles) | Event | By |")
    );
    // Line for line the same document once times and the zone name are blanked out.
    let blank = |s: &str| -> Vec<String> {
        let re =
            regex::Regex::new(r"(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}|America/Los_Angeles|UTC").unwrap();
        s.lines()
            .map(|l| re.replace_all(l, "T").into_owned())
            .collect()
    };
    assert_eq!(blank(&utc), blank(&la));
    assert_ne!(utc, la);
    // The JSON is in UTC whatever --tz says.
    assert_eq!(
        r.export(&["--format", "json"]),
        r.export(&["--format", "json", "--tz", "America/Los_Angeles"])
    );
}

#[test]
fn json_has_the_documented_structure_and_null_for_unknown_metrics() {
    let mut r = Replay::new("2026-05-30", "Z");
    r.start("ana", "22:16", "incident-command-basics", &[]);
    r.late("ana", "22:16", "22:15", &["milestone", "detected"]);
    r.run("ana", "22:18", &["step", "declare", "done"]);
    let doc = r.json();
    assert_matches_schema(&doc);
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "schema_version",
        "incident",
        "milestones",
        "metrics",
        "timeline",
        "steps",
        "action_items",
    ] {
        assert!(keys.contains(&k), "no {k} in {keys:?}");
    }
    assert_eq!(doc["schema_version"], runbook::export::SCHEMA_VERSION);
    for k in [
        "id", "title", "runbook", "severity", "drill", "opened", "closed",
    ] {
        assert!(doc["incident"].get(k).is_some(), "incident.{k}");
    }
    assert_eq!(doc["incident"]["closed"], Value::Null);
    // No `started` milestone: every metric from the start is unknown, not invented.
    let m = &doc["metrics"];
    assert_eq!(m["time_to_acknowledge_s"], 180);
    for k in [
        "time_to_detect_s",
        "time_to_mitigate_s",
        "time_to_resolve_s",
    ] {
        assert_eq!(m[k], Value::Null, "{k}");
    }
    assert_eq!(
        doc["milestones"],
        serde_json::json!({"detected": "2026-05-30T22:15:00.000Z", "acknowledged": "2026-05-30T22:18:00.000Z"})
    );
    let e = &doc["timeline"][0];
    assert_eq!(
        (e["kind"].as_str(), e["at"].as_str(), e["ts"].as_str()),
        (
            Some("milestone"),
            Some("2026-05-30T22:15:00.000Z"),
            Some("2026-05-30T22:16:00.000Z")
        )
    );
    let md = r.export(&[]);
    assert!(
        md.contains("| Time to detect | unknown: no `started` milestone | started → detected |"),
        "{md}"
    );
    assert!(
        md.contains("| Time to mitigate | unknown: no `started` or `mitigated` milestone |"),
        "{md}"
    );
}

#[test]
fn milestones_out_of_order_are_flagged() {
    let r = small(false);
    // Resolved recorded as happening before the mitigation (and before the detection).
    r.late("ana", "23:00", "22:05", &["milestone", "resolved"]);
    let md = r.export(&[]);
    assert!(md.contains("> **Warning: milestones out of order.** `resolved` (22:05) is earlier than `mitigated` (22:58)."), "{md}");
    assert!(
        md.contains("| Time to resolve | -7m (out of order) |"),
        "{md}"
    );
    let doc = r.json();
    assert_eq!(doc["metrics"]["time_to_resolve_s"], -7 * 60);
    let warnings: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "milestone resolved at 2026-05-30T22:05:00.000Z is earlier than mitigated"
        )),
        "{warnings:?}"
    );
}

#[test]
fn a_milestone_recorded_again_is_pointed_out() {
    // An explicit milestone record corrects the one a step recorded; the draft says so.
    let r = small(false);
    r.run("ana", "23:30", &["step", "resolve", "done"]);
    r.late("ana", "23:31", "23:10", &["milestone", "resolved"]);
    let md = r.export(&[]);
    assert!(md.contains("> **Note:** `resolved` was also recorded for 23:30 (when ana completed step `resolve`); the key times use 23:10 by ana, the record that stands."), "{md}");
    assert!(md.contains("| resolved | 23:10 | ana |"), "{md}");
    let doc = r.json();
    assert_eq!(doc["milestones"]["resolved"], "2026-05-30T23:10:00.000Z");
    assert!(doc["warnings"].as_array().unwrap().iter().any(|w| {
        w.as_str().is_some_and(|w| {
            w.starts_with("milestone resolved recorded at 2026-05-30T23:30:00.000Z")
        })
    }));
}

#[test]
fn drills_get_a_banner_and_a_drill_report_title() {
    let r = small(true);
    r.run("ana", "23:05", &["close"]);
    let md = r.export(&[]);
    assert!(
        md.starts_with("# Drill report: Checkout errors in eu-west\n\n> **DRILL"),
        "{md}"
    );
    for template in ["pagerduty", "atlassian"] {
        assert!(
            r.export(&["--template", template])
                .starts_with("# Drill report: "),
            "{template}"
        );
    }
    assert_eq!(r.json()["incident"]["drill"], true);
    insta::assert_snapshot!("drill", md);
}

#[test]
fn misuse_and_missing_incidents_fail_with_the_right_status() {
    let r = small(false);
    let out = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(args)
            .env("RUNBOOK_STATE_DIR", r.state_dir())
            .env_remove("RUNBOOK_NOW")
            .output()
            .unwrap()
    };
    assert_eq!(out(&["export", "no-such-incident"]).status.code(), Some(1));
    assert_eq!(
        out(&["export", "--tz", "Mars/Olympus"]).status.code(),
        Some(2)
    );
    assert_eq!(
        out(&["export", "--template", "confluence"]).status.code(),
        Some(2)
    );
    // With one incident open, its id may be left out.
    let o = out(&["export"]);
    assert!(
        o.status.success()
            && String::from_utf8_lossy(&o.stdout)
                .starts_with("# Postmortem: Checkout errors in eu-west")
    );
}

#[test]
fn the_docs_quote_the_json_schema() {
    // docs/export.md is merged into the README; either must carry the schema verbatim.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let quoted = ["docs/export.md", "README.md"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(root.join(f)).ok())
        .any(|text| text.contains(runbook::export::JSON_SCHEMA.trim_end()));
    assert!(
        quoted,
        "neither docs/export.md nor README.md quotes runbook::export::JSON_SCHEMA verbatim"
    );
}
