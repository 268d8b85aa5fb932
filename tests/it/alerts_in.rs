//! Alerts in: `list --json` shows `alerts`; `runbook match` ranks the team's runbooks above
//! the bundled ones; `runbook start --alert` opens an incident from an Alertmanager payload or
//! a Prometheus alert, with variables from labels (hostile values quoted or refused by the
//! pattern), the mapped severity, the alert recorded and `detected` backdated.

use crate::support::cli_env::Env;
use serde_json::Value;
use std::io::Write as _;
use std::process::Stdio;

const NOW: &str = "2026-05-30T22:30:00Z";

/// A team runbook for `KubePodCrashLooping`: `namespace` from the label (with `pattern` when
/// given), `summary` from the annotation, severities mapped.
fn team_runbook(pattern: Option<&str>) -> String {
    let pattern = pattern.map_or(String::new(), |p| format!("pattern = \"{p}\"\n"));
    format!(
        r#"schema_version = 1
id = "team-crashloop"
title = "Pods crash-looping in {{{{namespace}}}}"
incident_type = "kubernetes"
severity = "sev3"
summary = "A pod restarts over and over."
alerts = ["KubePodCrashLooping"]

[alert_severity]
critical = "sev1"
warning = "sev3"

[vars.namespace]
prompt = "Namespace"
from_label = "namespace"
{pattern}
[vars.why]
prompt = "What the alert says"
default = "-"
from_annotation = "summary"

[[steps]]
id = "logs"
title = "Read the logs ({{{{why}}}})"
kind = "command"
command = "echo checking -n {{{{namespace}}}}"
"#
    )
}

/// A private env with the team runbook in `--runbooks`.
fn env_with(rb: &str) -> (Env, String) {
    let env = Env::new();
    let dir = env.state.path().join("team");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("crashloop.toml"), rb).unwrap();
    let d = dir.to_str().unwrap().to_string();
    (env, d)
}

/// Runs `start --alert -` with `payload` on stdin.
fn start_alert(env: &Env, dir: &str, payload: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--runbooks", dir, "start", "--alert", "-", "--no-tui"];
    args.extend_from_slice(extra);
    let mut c = env.cmd_at(Some(NOW), &args);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    // A refused huge payload is not read to its end: the write may meet a closed pipe.
    let _ = child.stdin.take().unwrap().write_all(payload.as_bytes());
    child.wait_with_output().unwrap()
}

fn webhook(namespace: &str, severity: &str, starts: &str) -> String {
    serde_json::json!({
        "version": "4", "status": "firing", "receiver": "runbook",
        "groupLabels": {"alertname": "KubePodCrashLooping"},
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": "KubePodCrashLooping", "namespace": namespace,
                        "pod": "api-7f9", "severity": severity},
            "annotations": {"summary": "Pod api-7f9 is restarting 3 times / 5 minutes."},
            "startsAt": starts,
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.example/graph"
        }]
    })
    .to_string()
}

#[test]
fn list_json_includes_alerts() {
    let (env, dir) = env_with(&team_runbook(None));
    let rows: Value =
        serde_json::from_str(&env.ok(&["--runbooks", &dir, "list", "--json"])).unwrap();
    let team = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "team-crashloop")
        .unwrap();
    assert_eq!(team["alerts"], serde_json::json!(["KubePodCrashLooping"]));
}

#[test]
fn match_ranks_the_teams_runbook_above_the_bundled_ones() {
    let (env, dir) = env_with(&team_runbook(None));
    let out = env.ok(&[
        "--runbooks",
        &dir,
        "match",
        "KubePodCrashLooping",
        "namespace=payments",
    ]);
    let ids: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids[0], "team-crashloop", "{out}");
    assert!(ids.len() >= 2, "the bundled ones follow: {out}");
    assert!(out.lines().next().unwrap().contains("alert name"));
    // A glob match: the bundled etcd runbook lists `Etcd*`.
    let out = env.ok(&["match", "EtcdSomethingNew", "--json"]);
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["matched"], "alert glob", "{out}");
    let err = env.fails(1, &["match", "NothingLikeThis"]);
    assert!(
        err.contains("no runbook matches alert \"NothingLikeThis\""),
        "{err}"
    );
    env.fails(2, &["match", "X", "not-a-label"]);
}

#[test]
fn an_alertmanager_payload_starts_the_best_runbook_filled_in() {
    let (env, dir) = env_with(&team_runbook(Some("^[a-z0-9-]+$")));
    let out = start_alert(
        &env,
        &dir,
        &webhook("payments", "critical", "2026-05-30T22:10:00Z"),
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inc = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let j = env.journal(&inc);
    assert_eq!(j[0]["runbook"], "team-crashloop");
    assert_eq!(j[0]["severity"], "sev1", "critical maps to sev1");
    assert_eq!(j[0]["vars"]["namespace"], "payments");
    assert_eq!(
        j[0]["vars"]["why"],
        "Pod api-7f9 is restarting 3 times / 5 minutes."
    );
    assert_eq!(j[0]["title"], "Pods crash-looping in payments");
    let note = j.iter().find(|r| r["kind"] == "note_added").unwrap();
    let text = note["text"].as_str().unwrap();
    assert!(
        text.starts_with("Alert KubePodCrashLooping (firing) since 2026-05-30T22:10:00.000Z"),
        "{text}"
    );
    assert!(
        text.contains("namespace=payments") && text.contains("pod=api-7f9"),
        "{text}"
    );
    let detected = j
        .iter()
        .find(|r| r["kind"] == "milestone" && r["milestone"] == "detected")
        .unwrap();
    assert_eq!(detected["at"], "2026-05-30T22:10:00.000Z");
}

#[test]
fn a_single_prometheus_alert_with_a_future_start_is_detected_now() {
    let (env, dir) = env_with(&team_runbook(None));
    let alert = serde_json::json!({
        "labels": {"alertname": "KubePodCrashLooping", "namespace": "web", "severity": "warning"},
        "startsAt": "2030-01-01T00:00:00Z"
    });
    let out = start_alert(&env, &dir, &alert.to_string(), &["--severity", "sev2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inc = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let j = env.journal(&inc);
    assert_eq!(j[0]["severity"], "sev2", "--severity wins over the mapping");
    let detected = j.iter().find(|r| r["milestone"] == "detected").unwrap();
    assert_eq!(
        detected["at"], "2026-05-30T22:30:00.000Z",
        "never in the future"
    );
}

#[test]
fn a_hostile_label_is_refused_by_the_pattern_and_recorded_nowhere() {
    let (env, dir) = env_with(&team_runbook(Some("^[a-z0-9-]+$")));
    let pwned = env.state.path().join("pwned");
    let hostile = format!("x; touch {}", pwned.display());
    let out = start_alert(&env, &dir, &webhook(&hostile, "critical", NOW), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not match ^[a-z0-9-]+$"), "{err}");
    assert!(
        err.contains("came from the alert's label \"namespace\""),
        "{err}"
    );
    assert!(
        !env.state.path().join("incidents").exists()
            || std::fs::read_dir(env.state.path().join("incidents"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn a_hostile_label_without_a_pattern_stays_one_quoted_word_when_run() {
    let (env, dir) = env_with(&team_runbook(None));
    let pwned = env.state.path().join("pwned");
    let hostile = format!("x; touch {}", pwned.display());
    let out = start_alert(&env, &dir, &webhook(&hostile, "critical", NOW), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inc = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let ran = env.ok(&[
        "--runbooks",
        &dir,
        "run",
        "--incident",
        &inc,
        "logs",
        "--yes",
    ]);
    assert!(ran.contains(&format!("checking -n {hostile}")), "{ran}");
    assert!(!pwned.exists(), "the label's value ran as a command");
}

#[test]
fn bad_payloads_are_clear_errors() {
    let (env, dir) = env_with(&team_runbook(None));
    for (payload, says) in [
        ("{\"alerts\": [", "not valid JSON"),
        ("", "the alert is empty"),
        (
            "{\"labels\": {\"namespace\": \"x\"}}",
            "no \"alertname\" label",
        ),
        (
            "{\"labels\": {\"alertname\": \"Unmatched\"}}",
            "no runbook matches alert \"Unmatched\"",
        ),
    ] {
        let out = start_alert(&env, &dir, payload, &[]);
        assert_eq!(out.status.code(), Some(1), "{payload}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{payload}: {err}");
    }
    let huge = format!(
        "{{\"labels\": {{\"alertname\": \"{}\"}}}}",
        "A".repeat(2 << 20)
    );
    let out = start_alert(&env, &dir, &huge, &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than"));
}
