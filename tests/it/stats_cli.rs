//! `runbook stats` over generated incidents with known figures, backdated with `--at` on a
//! fixed clock (`RUNBOOK_NOW`): drills left out, milestones missing, a runbook edited between
//! incidents, a damaged journal reported and not counted.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::cli_env::Env;
use serde_json::{Value, json};

/// Version 1: ack, check, decide (roll back or restart), rollback, restart, resolve, review.
pub(crate) const V1: &str = r#"schema_version = 1
id = "svc"
title = "Service down"
incident_type = "web"
severity = "sev3"

[[steps]]
id = "ack"
title = "Acknowledge"
kind = "action"
target = "5m"

[[steps]]
id = "check"
title = "Check the dashboards"
kind = "check"
target = "2m"

[[steps]]
id = "decide"
title = "Roll back or restart?"
kind = "decision"
choices = [
  { label = "Roll back", next = "rollback" },
  { label = "Restart", next = "restart" },
]

[[steps]]
id = "rollback"
title = "Roll back"
kind = "action"
target = "10m"
next = "resolve"

[[steps]]
id = "restart"
title = "Restart"
kind = "action"
next = "resolve"

[[steps]]
id = "resolve"
title = "Resolve"
kind = "action"

[[steps]]
id = "review"
title = "Review"
kind = "action"
"#;

/// Version 2: `restart` removed, `scale` added, the ack target now 4m.
fn v2() -> String {
    V1.replace("target = \"5m\"", "target = \"4m\"")
        .replace(
            "{ label = \"Restart\", next = \"restart\" }",
            "{ label = \"Scale up\", next = \"scale\" }",
        )
        .replace(
            "id = \"restart\"\ntitle = \"Restart\"",
            "id = \"scale\"\ntitle = \"Scale up\"",
        )
}

/// Runs one incident on `day`: each entry is (HH:MM, command), with `--at DAYTHH:MM:00Z`
/// added; the clock stands at the day's 23:00.
fn incident(e: &Env, day: &str, start: &[&str], script: &[(&str, &[&str])]) -> String {
    let now = format!("{day}T23:00:00Z");
    let at = |hm: &str| format!("{day}T{hm}:00Z");
    let mut args: Vec<String> = vec!["start".into(), "svc".into(), "--no-tui".into()];
    args.extend(start.iter().map(|s| s.to_string()));
    args.extend(["--at".into(), at(script[0].0)]);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let id = e.ok_at(&now, &argv).trim().to_string();
    for (hm, cmd) in script {
        let t = at(hm);
        let mut argv: Vec<&str> = cmd.to_vec();
        argv.extend(["--at", &t]);
        e.ok_at(&now, &argv);
    }
    id
}

/// Four real incidents (A, B, C on version 1, D on version 2), a drill and a damaged one.
///
/// (Long by design: the data: each incident spelled out where it is made, so a figure asserted
/// elsewhere can be traced to its records.)
pub(crate) fn generated() -> (Env, Vec<String>) {
    let e = Env::new();
    let books = e.state.path().join("runbooks");
    std::fs::create_dir(&books).unwrap();
    std::fs::write(books.join("svc.toml"), V1).unwrap();
    let a = incident(
        &e,
        "2026-04-28",
        &[],
        &[
            ("10:00", &["milestone", "started"]),
            ("10:05", &["milestone", "detected"]),
            ("10:05", &["step", "ack", "start"]),
            ("10:07", &["milestone", "acknowledged"]),
            ("10:08", &["step", "ack", "done"]),
            ("10:08", &["step", "check", "start"]),
            ("10:12", &["step", "check", "done"]),
            ("10:13", &["decide", "decide", "Roll back"]),
            ("10:13", &["step", "rollback", "start"]),
            ("10:28", &["step", "rollback", "done"]),
            ("10:30", &["milestone", "mitigated"]),
            ("10:58", &["step", "resolve", "start"]),
            ("11:00", &["step", "resolve", "done"]),
            ("11:00", &["milestone", "resolved"]),
            ("11:01", &["close"]),
        ],
    );
    // No mitigated milestone; the check skipped; resolve done without a start (untimed).
    let b = incident(
        &e,
        "2026-04-29",
        &["--severity", "sev1"],
        &[
            ("09:00", &["milestone", "started"]),
            ("09:10", &["milestone", "detected"]),
            ("09:10", &["step", "ack", "start"]),
            ("09:12", &["milestone", "acknowledged"]),
            ("09:20", &["step", "ack", "done"]),
            (
                "09:20",
                &["step", "check", "skip", "--reason", "dashboards down"],
            ),
            ("09:21", &["decide", "decide", "Restart"]),
            ("09:22", &["step", "restart", "start"]),
            ("09:30", &["step", "restart", "done"]),
            ("09:40", &["step", "resolve", "done"]),
            ("09:40", &["milestone", "resolved"]),
            ("09:41", &["close"]),
        ],
    );
    // Neither detected nor acknowledged; the check failed.
    let c = incident(
        &e,
        "2026-05-12",
        &[],
        &[
            ("14:00", &["milestone", "started"]),
            ("14:00", &["step", "ack", "start"]),
            ("14:02", &["step", "ack", "done"]),
            ("14:02", &["step", "check", "start"]),
            ("14:03", &["step", "check", "fail"]),
            ("14:04", &["decide", "decide", "Roll back"]),
            ("14:10", &["step", "rollback", "start"]),
            ("14:18", &["step", "rollback", "done"]),
            ("14:20", &["milestone", "mitigated"]),
            ("14:50", &["milestone", "resolved"]),
            ("14:51", &["close"]),
        ],
    );
    std::fs::write(books.join("svc.toml"), v2()).unwrap();
    // On version 2; decides before the check (out of order); the check never reached.
    let d = incident(
        &e,
        "2026-05-20",
        &[],
        &[
            ("08:00", &["milestone", "started"]),
            ("08:01", &["milestone", "detected"]),
            ("08:01", &["step", "ack", "start"]),
            ("08:03", &["step", "ack", "done"]),
            ("08:04", &["milestone", "acknowledged"]),
            ("08:04", &["decide", "decide", "Scale up"]),
            ("08:04", &["step", "scale", "start"]),
            ("08:14", &["step", "scale", "done"]),
            ("08:15", &["milestone", "mitigated"]),
            ("08:40", &["step", "resolve", "start"]),
            ("08:45", &["step", "resolve", "done"]),
            ("08:45", &["milestone", "resolved"]),
            ("08:46", &["close"]),
        ],
    );
    // A drill with figures far from the others: counted only with --drills.
    let drill = incident(
        &e,
        "2026-05-21",
        &["--drill"],
        &[
            ("10:00", &["milestone", "started"]),
            ("10:30", &["milestone", "detected"]),
            ("12:00", &["milestone", "resolved"]),
            ("12:01", &["close"]),
        ],
    );
    // Damaged in the middle: must be reported, never counted.
    let bad = incident(
        &e,
        "2026-05-22",
        &[],
        &[
            ("06:00", &["milestone", "started"]),
            ("08:00", &["milestone", "detected"]),
            ("08:01", &["close"]),
        ],
    );
    let path = e.journal_path(&bad);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{\"seq\":2,\"ts\":garbage}";
    std::fs::write(&path, format!("{}\n", lines.join("\n"))).unwrap();
    (e, vec![a, b, c, d, drill, bad])
}

pub(crate) fn stats_json(e: &Env, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["stats", "--json"];
    args.extend(extra);
    let out = e.run_at("2026-05-30T12:00:00Z", &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn step<'a>(rb: &'a Value, id: &str) -> &'a Value {
    rb["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

fn fig(count: u64, median: i64, p90: i64, max: i64, missing: u64) -> Value {
    json!({"count": count, "median": median, "p90": p90, "max": max, "missing": missing})
}

#[test]
fn figures_across_generated_incidents_are_the_known_ones() {
    let (e, ids) = generated();
    let (r, stderr) = stats_json(&e, &[]);
    assert_eq!(r["schema_version"], 1);
    // The drill and the damaged journal are not counted; the damaged one is named on stderr.
    assert_eq!(r["incidents"], 4, "{r:#}");
    assert_eq!(r["open"], 0);
    assert!(
        stderr.contains(&ids[5]) && stderr.contains("not counted"),
        "{stderr}"
    );
    assert_eq!(r["skipped"][0]["id"], ids[5].as_str());
    assert_eq!(r["by_type"], json!({"web": 4}));
    assert_eq!(r["by_severity"], json!({"sev1": 1, "sev3": 3}));
    let m = &r["metrics"];
    assert_eq!(m["time_to_detect_s"], fig(3, 300, 600, 600, 1));
    assert_eq!(m["time_to_acknowledge_s"], fig(3, 120, 180, 180, 1));
    assert_eq!(m["time_to_mitigate_s"], fig(3, 1200, 1800, 1800, 1));
    assert_eq!(m["time_to_resolve_s"], fig(4, 2700, 3600, 3600, 0));
    assert_eq!(
        r["weeks"],
        json!([
            {"week": "2026-W18", "incidents": 2, "median_time_to_resolve_s": 2400},
            {"week": "2026-W20", "incidents": 1, "median_time_to_resolve_s": 3000},
            {"week": "2026-W21", "incidents": 1, "median_time_to_resolve_s": 2700},
        ])
    );
}

#[test]
fn step_figures_follow_steps_by_id_across_runbook_versions() {
    let (e, _) = generated();
    let (r, _) = stats_json(&e, &[]);
    let rb = &r["runbooks"][0];
    assert_eq!(rb["id"], "svc");
    assert_eq!(rb["incidents"], 4);
    assert_eq!(rb["out_of_order"], 1, "only D decided before its check");
    let ids: Vec<&str> = rb["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "ack", "check", "decide", "rollback", "scale", "resolve", "review", "restart"
        ]
    );
    assert_eq!(rb["removed"], json!(["restart"]));
    assert_eq!(rb["never_reached"], json!(["review"]));
    let ack = step(rb, "ack");
    // 3m, 10m, 2m, 2m; only B's 10m is over its version's target; the target is now 4m.
    assert_eq!(
        (
            &ack["reached"],
            &ack["completed"],
            &ack["median_s"],
            &ack["target_s"],
            &ack["overrun_rate"]
        ),
        (&json!(4), &json!(4), &json!(120), &json!(240), &json!(0.25))
    );
    let check = step(rb, "check");
    assert_eq!(
        (
            &check["reached"],
            &check["completed"],
            &check["failed"],
            &check["skipped"]
        ),
        (&json!(3), &json!(1), &json!(1), &json!(1))
    );
    assert_eq!(
        check["skip_reasons"],
        json!([{"reason": "dashboards down", "count": 1}])
    );
    assert_eq!(
        (&check["median_s"], &check["overrun_rate"]),
        (&json!(60), &json!(0.5))
    );
    assert_eq!(
        step(rb, "decide")["choices"],
        json!([
            {"label": "Roll back", "next": "rollback", "taken": 2},
            {"label": "Scale up", "next": "scale", "taken": 1},
            {"label": "Restart", "next": "restart", "taken": 1},
        ])
    );
    let restart = step(rb, "restart");
    assert_eq!(
        (
            &restart["removed"],
            &restart["in_runbook"],
            &restart["reached"]
        ),
        (&json!(true), &json!(3), &json!(1))
    );
    let resolve = step(rb, "resolve");
    // B's resolve was done without a start: reached, but not timed.
    assert_eq!(
        (&resolve["reached"], &resolve["median_s"]),
        (&json!(3), &json!(120))
    );
    assert_eq!(
        step(rb, "scale")["overrun_rate"],
        Value::Null,
        "no target, no rate"
    );
}

#[test]
fn filters_choose_the_incidents_and_drills_only_with_drills() {
    let (e, ids) = generated();
    let count = |extra: &[&str]| stats_json(&e, extra).0["incidents"].clone();
    assert_eq!(count(&["--since", "2026-05-01"]), 2);
    assert_eq!(count(&["--until", "2026-04-28"]), 1);
    assert_eq!(count(&["--severity", "sev1"]), 1);
    assert_eq!(count(&["--type", "db"]), 0);
    assert_eq!(count(&["--runbook", "svc", "--type", "web"]), 4);
    let (drills, _) = stats_json(&e, &["--drills"]);
    assert_eq!(drills["incidents"], 1);
    assert_eq!(drills["drills"], true);
    assert_eq!(
        drills["metrics"]["time_to_detect_s"],
        fig(1, 1800, 1800, 1800, 0)
    );
    let csv = e.ok_at("2026-05-30T12:00:00Z", &["stats", "--csv"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 5, "a header and the 4 real incidents: {csv}");
    assert!(rows[0].starts_with("id,title,drill,state,runbook"));
    let a = rows.iter().find(|r| r.starts_with(&ids[0])).unwrap();
    assert!(a.contains(",sev3,2026-04-28T10:00:00.000Z,"), "{a}");
    assert!(a.contains(",300,120,1800,3600,5,0,0,2,false"), "{a}");
    assert!(!csv.contains(&ids[4]) && !csv.contains(&ids[5]));
    // One row per incident, newest first.
    let listed: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r.split(',').next().unwrap())
        .collect();
    let mut want: Vec<&str> = ids[..4].iter().map(String::as_str).collect();
    want.sort();
    want.reverse();
    assert_eq!(listed, want);
    let err = e.fails(2, &["stats", "--since", "last week"]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn the_tables_are_readable_and_hostile_text_is_made_visible() {
    let (e, _) = generated();
    let out = e.ok_at("2026-05-30T12:00:00Z", &["stats"]);
    assert!(
        out.starts_with("4 incidents (0 open), drills left out; 1 journal(s) not counted"),
        "{out}"
    );
    assert!(
        out.contains("Time to resolve          4     45m      1h      1h        0"),
        "{out}"
    );
    assert!(
        out.contains("  restart") && out.contains("(removed)"),
        "{out}"
    );
    assert!(out.contains("never reached: review"), "{out}");
    assert!(
        out.contains("check skipped: \"dashboards down\" x1"),
        "{out}"
    );
    // A skip reason with an escape sequence reaches the terminal made visible.
    let e2 = Env::new();
    let books = e2.state.path().join("runbooks");
    std::fs::create_dir(&books).unwrap();
    std::fs::write(books.join("svc.toml"), V1).unwrap();
    incident(
        &e2,
        "2026-05-29",
        &[],
        &[
            (
                "10:00",
                &["step", "ack", "skip", "--reason", "\u{1b}]0;pwned\u{7}"],
            ),
            ("10:01", &["close"]),
        ],
    );
    let out = e2.ok_at("2026-05-30T12:00:00Z", &["stats"]);
    assert!(
        !out.contains('\u{1b}') && out.contains("\\u{1b}]0;pwned"),
        "{out}"
    );
}

#[test]
fn summaries_come_in_the_stores_id_order_cold_and_from_the_cache() {
    use runbook::store::{Store, summaries::read_all};
    let (e, ids) = generated();
    let store = Store::locate(Some(e.state.path().to_path_buf()));
    let want: Vec<String> = store
        .ids()
        .iter()
        .map(|i| i.to_string())
        .filter(|i| *i != ids[5])
        .collect();
    assert_eq!(want.len(), 5, "four incidents and a drill: {want:?}");
    // Cold: every journal read (`par::map`'s own tests hold its order under any timing), then
    // warm: the closed ones come from the cache. Both answer in the store's order with the
    // same figures, and the damaged journal is named, never counted.
    let r = read_all(&store);
    let (cold, skipped) = (r.summaries, r.skipped);
    assert_eq!(r.cache_warning, None);
    let got: Vec<&str> = cold.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(got, want);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].id, ids[5]);
    let r = read_all(&store);
    let (warm, skipped) = (r.summaries, r.skipped);
    assert_eq!(warm, cold);
    assert_eq!(skipped.len(), 1);
}
