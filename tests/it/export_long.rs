//! A long journal's export: the timeline of a 25,000-record incident has every record once,
//! in order, with its quiet stretches and numbered outputs, and reads row for row as the
//! timeline of a shorter prefix of the same journal.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{Duration, TimeZone, Utc};
use runbook::domain::Severity;
use runbook::domain::event::{Event, Known, Record};
use runbook::domain::incident::fold;
use runbook::export::{self, Options};
use runbook::runbook::library::BUNDLED;
use runbook::runbook::sha256_hex;
use runbook::store::parse_runbook;

fn journal(n: u64) -> Vec<Record> {
    let src = BUNDLED
        .iter()
        .find(|(name, _)| *name == "etcd-quorum-loss.toml")
        .unwrap()
        .1;
    let t0 = Utc
        .with_ymd_and_hms(2026, 5, 30, 22, 0, 0)
        .single()
        .unwrap();
    (1..=n)
        .map(|seq| {
            // Every 5,000th record comes after an hour's quiet; every 7th was backdated.
            let at = t0 + Duration::seconds(seq as i64 + 3600 * (seq / 5000) as i64);
            let ts = if seq % 7 == 0 {
                at + Duration::seconds(30)
            } else {
                at
            };
            let event = match seq {
                1 => Known::IncidentOpened {
                    incident: "long".into(),
                    title: "A long night".into(),
                    severity: Severity::Sev2,
                    runbook: "etcd-quorum-loss".into(),
                    runbook_sha256: sha256_hex(src),
                    runbook_source: src.into(),
                    vars: Default::default(),
                    drill: false,
                },
                s if s % 50 == 0 => Known::CommandFinished {
                    step: "member-health".into(),
                    command: "etcdctl endpoint health".into(),
                    run: None,
                    exit_code: Some(1),
                    duration_ms: 10,
                    timed_out: false,
                    interrupted: false,
                    output_excerpt: format!("unhealthy {s}"),
                    output_sha256: "ab".into(),
                    output_bytes: None,
                    output_cut: false,
                    output_path: None,
                },
                s => Known::NoteAdded {
                    text: format!("note {s} | with a pipe"),
                    action_item: false,
                    decision: false,
                },
            };
            Record {
                seq,
                ts,
                at,
                author: "ana".into(),
                wall: None,
                event: Event::Known(event),
            }
        })
        .collect()
}

/// The timeline table's rows (without its header).
fn timeline_rows(md: &str) -> Vec<&str> {
    let start = md.find("## Timeline").unwrap();
    md[start..]
        .lines()
        .skip_while(|l| !l.starts_with("|---"))
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .collect()
}

#[test]
fn a_long_timeline_has_every_record_once_and_in_order() {
    let long = journal(25_000);
    let inc = fold(&long, &parse_runbook).unwrap();
    let md = export::markdown(&long, &inc, &Options::default());
    let rows = timeline_rows(&md);
    let gaps = rows.iter().filter(|r| r.contains("*Quiet:")).count();
    assert_eq!(gaps, 5);
    assert_eq!(rows.len(), 25_000 + gaps);
    // The outputs are numbered in order, each once.
    let outputs: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.split("(output: A").nth(1))
        .map(|r| r.split(')').next().unwrap())
        .collect();
    let want: Vec<String> = (1..=500).map(|n| n.to_string()).collect();
    assert_eq!(outputs, want);
    assert!(
        rows.last().unwrap().contains("(output: A500)"),
        "{}",
        rows.last().unwrap()
    );

    // A prefix short enough to be written in one piece reads the same, row for row.
    let short = &long[..15_000];
    let inc = fold(short, &parse_runbook).unwrap();
    let short_md = export::markdown(short, &inc, &Options::default());
    let short_rows = timeline_rows(&short_md);
    assert_eq!(short_rows.len(), 15_000 + 3);
    assert_eq!(short_rows[..], rows[..short_rows.len()]);
}
