//! The export as a library, on a journal built record by record: what the CLI cannot record
//! yet (commands and their output, comms sent, kinds from a newer version) must still export
//! properly, and `write_draft` must put the draft where the TUI says, privately.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::replay;

use chrono::{DateTime, Utc};
use runbook::domain::event::{Event, Known, Record};
use runbook::domain::incident::{Incident, fold};
use runbook::domain::{Milestone, Severity};
use runbook::export::{self, Options, Template};
use std::collections::BTreeMap;

fn t(hms: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-05-30T{hms}Z"))
        .unwrap()
        .with_timezone(&Utc)
}

/// A disk-full incident with two command runs (one timed out), a comms message, a record of
/// an unknown kind, a step the runbook lacks, and a long quiet stretch.
fn journal() -> (Vec<Record>, Incident) {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/runbooks/disk-full.toml"
    ))
    .unwrap();
    let vars: BTreeMap<String, String> = [("host", "db-3.example.internal"), ("mount", "/var")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let long_output: String = (1..=100).map(|n| format!("line {n}\n")).collect();
    let events: Vec<(&str, &str, &str, Event)> = vec![
        ("10:00:00", "10:00:00", "ana", Known::IncidentOpened {
            incident: "20260530-1000-disk-full".into(),
            title: "db-3 /var full".into(),
            severity: Severity::Sev3,
            runbook: "disk-full".into(),
            runbook_sha256: runbook::runbook::sha256_hex(&source),
            runbook_source: source.clone(),
            vars,
            drill: false,
        }.into()),
        ("10:00:00", "09:50:00", "ana", Known::Milestone { milestone: Milestone::Started }.into()),
        ("10:00:00", "09:55:00", "ana", Known::Milestone { milestone: Milestone::Detected }.into()),
        ("10:02:00", "10:02:00", "ana", Known::StepCompleted { step: "acknowledge".into(), outcome: runbook::domain::event::Outcome::Ok }.into()),
        ("10:04:00", "10:04:00", "bo", Known::CommsSent { step: Some("first-update".into()), text: "Checkout degraded | db-3 /var is full\nnext update 10:30".into() }.into()),
        ("10:05:00", "10:05:00", "bo", Known::CommandStarted { step: "df".into(), command: "ssh db-3 'df -hT /var; df -i /var'".into(), timeout_s: None }.into()),
        ("10:05:02", "10:05:02", "bo", Known::CommandFinished {
            step: "df".into(),
            command: "ssh db-3 'df -hT /var; df -i /var'".into(),
            run: None,
            exit_code: Some(0),
            duration_ms: 1500,
            timed_out: false,
            interrupted: false,
            output_excerpt: "Filesystem Type Size Used Avail Use% Mounted on\n/dev/nvme1n1 ext4 100G 100G 0 \u{1b}[31m100%\u{1b}[0m /var\n```not a fence end```\n".into(),
            output_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            output_bytes: None,
            output_cut: false,
            output_path: None,
        }.into()),
        ("10:06:00", "10:06:00", "bo", Event::Unknown {
            kind: "hologram_projected".into(),
            raw: serde_json::json!({"kind": "hologram_projected", "intensity": 9}),
        }),
        ("10:07:00", "10:07:00", "bo", Known::CommandStarted { step: "du".into(), command: "ssh db-3 'sudo du -xh --max-depth=3 /var | sort -rh | head -n 25'".into(), timeout_s: None }.into()),
        ("10:08:00", "10:08:00", "bo", Known::CommandFinished {
            step: "du".into(),
            command: "ssh db-3 'sudo du -xh --max-depth=3 /var | sort -rh | head -n 25'".into(),
            run: None,
            exit_code: None,
            duration_ms: 60_000,
            timed_out: true,
            interrupted: false,
            output_excerpt: long_output,
            output_sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
            output_bytes: None,
            output_cut: false,
            output_path: Some("/tmp/out".into()),
        }.into()),
        ("10:09:00", "10:09:00", "bo", Known::StepStarted { step: "no-such-step".into() }.into()),
        ("11:00:00", "11:00:00", "ana", Known::NoteAdded { text: "TODO: alert at 85% on /var".into(), action_item: true, decision: false }.into()),
        ("11:05:00", "11:05:00", "ana", Known::IncidentClosed { summary: None }.into()),
    ];
    let records: Vec<Record> = events
        .into_iter()
        .enumerate()
        .map(|(i, (ts, at, author, event))| Record {
            seq: i as u64 + 1,
            ts: t(ts),
            at: t(at),
            author: author.into(),
            wall: None,
            event,
        })
        .collect();
    let inc = fold(&records, &runbook::store::parse_runbook).unwrap();
    (records, inc)
}

#[test]
fn commands_comms_and_unknown_records_are_exported() {
    let (records, inc) = journal();
    let md = export::markdown(&records, &inc, &Options::default());
    assert!(
        md.contains(
            "Command finished (exit 0, 1.5s): ssh db-3 'df -hT /var; df -i /var' (output: A1)"
        ),
        "{md}"
    );
    assert!(md.contains("Command finished (timed out, 60.0s)"), "{md}");
    assert!(
        md.contains("… 60 lines not shown …"),
        "long outputs are cut in the middle"
    );
    assert!(md.contains("*Quiet: no entries for 51m.*"), "{md}");
    assert!(
        md.contains("- record 11: no step \"no-such-step\" in the runbook"),
        "journal warnings are listed"
    );
    assert!(!md.contains('\u{1b}'));
    insta::assert_snapshot!("google", md);
    let doc: serde_json::Value = serde_json::from_str(&export::json(&records, &inc)).unwrap();
    replay::assert_matches_schema(&doc);
    let commands = doc["commands"].as_array().unwrap();
    assert_eq!(commands.len(), 2);
    assert_eq!(
        (
            commands[0]["exit_code"].as_i64(),
            commands[1]["exit_code"].as_i64()
        ),
        (Some(0), None)
    );
    assert_eq!(commands[1]["timed_out"], true);
    assert!(
        doc["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "hologram_projected")
    );
}

#[test]
fn every_layout_keeps_the_shared_material() {
    let (records, inc) = journal();
    for template in [Template::Google, Template::PagerDuty, Template::Atlassian] {
        let md = export::markdown(
            &records,
            &inc,
            &Options {
                template,
                tz: chrono_tz::UTC,
            },
        );
        for must in [
            "| Time (UTC) | Event | By |",
            "| Metric | Duration | Between |",
            "Deviations from the runbook",
            "- [ ] Alert at 85% on /var",
            "#### A1. Step `df`",
        ] {
            assert!(md.contains(must), "{template:?} lacks {must:?}");
        }
        assert!(
            md.ends_with("|\n") && !md.ends_with("\n\n"),
            "{template:?}: one trailing newline"
        );
    }
}

#[test]
fn write_draft_puts_a_private_draft_in_the_exports_directory() {
    use std::os::unix::fs::PermissionsExt;
    let (records, inc) = journal();
    let state = tempfile::tempdir().unwrap();
    let opts = Options::default();
    let store = runbook::store::Store {
        dir: state.path().to_path_buf(),
    };
    let id: runbook::store::IncidentId = inc.id.parse().unwrap();
    let lines: String = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    std::fs::create_dir_all(store.incidents_dir()).unwrap();
    std::fs::write(store.journal_path(&id), lines).unwrap();
    let session = store.read(&id).unwrap();
    let path = export::write_draft(&store, &session, &opts).unwrap();
    assert_eq!(
        path,
        state
            .path()
            .join("exports")
            .join("20260530-1000-disk-full.md")
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        export::markdown(&records, &inc, &opts)
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    // Again: replaced in place, nothing else left behind.
    export::write_draft(&store, &session, &opts).unwrap();
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("20260530-1000-disk-full.md")]
    );
}
