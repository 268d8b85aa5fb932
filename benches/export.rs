//! Export benchmark (plain `main`, no harness): `cargo bench --bench export`.
//!
//! A 100,000-record journal, shaped like a long incident (notes, steps, decisions, commands
//! with output excerpts, comms, handoffs, severity changes), is written as JSONL, then:
//!
//! 0. For comparison, opening and folding the journal alone (`Session::open`): the part of
//!    an export that is the journal's code, not the export's.
//! 1. End to end, in a fresh process each time: open and fold the journal, then the Markdown
//!    draft. Targets: under 300 ms and under 100 MB peak resident memory for the whole run.
//! 2. The Markdown draft alone (journal already folded), each layout; and the JSON.
//!
//! Times are medians of several runs. Memory is the peak resident set size (`VmHWM` in
//! /proc/self/status), reset before each measured phase by writing 5 to /proc/self/clear_refs
//! (Linux 4.0+); it counts everything the process holds, the journal included. Prints one JSON
//! object per result line. Runs in a temporary directory under the target directory, or under
//! RUNBOOK_BENCH_DIR when set.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use runbook::domain::event::{Event, Known, Outcome, Record};
use runbook::domain::{Milestone, Severity, StepId};
use runbook::export::{self, Options, Template};
use serde_json::json;

const RECORDS: u64 = 100_000;
const RUNS: usize = 7;
const TARGET_MS: f64 = 300.0;
const TARGET_MB: f64 = 100.0;

fn bench_dir() -> tempfile::TempDir {
    let base = std::env::var_os("RUNBOOK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    std::fs::create_dir_all(&base).expect("bench dir");
    tempfile::tempdir_in(base).expect("bench tempdir")
}

/// Peak and current resident set size in MiB.
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets the peak so the next phase is measured alone (unsupported kernels: a no-op).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The journal: record `seq` happens 3 seconds after the one before.
///
/// (Long by design: the data, one match arm per kind of record in the mix, each at the rate
/// it occurs.)
fn journal() -> Vec<Record> {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/runbooks/etcd-quorum-loss.toml"
    ))
    .expect("the etcd runbook");
    let steps = [
        "etcd-health",
        "check-oom",
        "stop-churn",
        "save-data",
        "verify-quorum",
        "reregister",
        "verify-service",
    ];
    let people = ["ana", "bo", "carol", "dan", "eve"];
    let t0: DateTime<Utc> = "2026-05-30T22:12:00Z".parse().expect("time");
    let excerpt: String = (1..=20)
        .map(|n| {
            format!(
                "etcd-{n} 10.0.0.{n}:2379 health=false took=5.0s error=context deadline exceeded\n"
            )
        })
        .collect();
    let mut out = Vec::with_capacity(RECORDS as usize);
    for seq in 1..=RECORDS {
        let at = t0 + Duration::seconds(3 * seq as i64);
        let step = StepId::from(steps[(seq / 10) as usize % steps.len()]);
        let event: Event = match seq {
            1 => Known::IncidentOpened {
                incident: "20260530-2212-etcd-quorum-loss".into(),
                title: "Service discovery down in us-east-1".into(),
                severity: Severity::Sev2,
                runbook: "etcd-quorum-loss".into(),
                runbook_sha256: runbook::runbook::sha256_hex(&source),
                runbook_source: source.clone(),
                vars: Default::default(),
                drill: false,
            }
            .into(),
            2 => Known::Milestone { milestone: Milestone::Started }.into(),
            3 => Known::Milestone { milestone: Milestone::Detected }.into(),
            4 => Known::StepCompleted { step: "acknowledge".into(), outcome: Outcome::Ok }.into(),
            50_000 => Known::Milestone { milestone: Milestone::Mitigated }.into(),
            99_999 => Known::Milestone { milestone: Milestone::Resolved }.into(),
            s if s % 5_000 == 0 => Known::SeverityChanged { severity: if s % 10_000 == 0 { Severity::Sev1 } else { Severity::Sev2 } }.into(),
            s if s % 1_000 == 0 => Known::RoleAssigned { role: "ic".into(), person: people[(s / 1_000) as usize % 5].into() }.into(),
            s if s % 200 == 0 => Known::DecisionMade { step: "decide-quorum".into(), choice: 1, label: "Quorum healthy and memory stable".into(), next: "reregister".into() }.into(),
            s if s % 50 == 0 => Known::CommandStarted { step: step.clone(), command: "etcdctl endpoint health -w table".into(), timeout_s: None }.into(),
            s if s % 50 == 1 => Known::CommandFinished {
                step: step.clone(),
                command: "etcdctl endpoint health -w table".into(),
                run: None,
                exit_code: Some(1),
                duration_ms: 5_012,
                timed_out: false,
                interrupted: false,
                output_excerpt: excerpt.clone(),
                output_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
                output_bytes: None,
                output_cut: false,
                output_path: None,
            }
            .into(),
            s if s % 25 == 0 => Known::CommsSent { step: Some("first-update".into()), text: "[Investigating] Some hosted projects are not responding in some regions.".into() }.into(),
            s if s % 10 == 0 => Known::StepStarted { step }.into(),
            s if s % 10 == 5 => Known::StepCompleted { step, outcome: Outcome::Ok }.into(),
            s => Known::NoteAdded {
                text: format!("{}member etcd-{} restarted again; RSS {} MiB, raft term {} | leader changes {}", if s % 100 == 7 { "TODO: " } else { "" }, s % 3, 900 + s % 97, s / 7, s % 11),
                action_item: false,
                decision: s % 100 == 13,
            }
            .into(),
        };
        out.push(Record {
            seq,
            ts: at,
            at,
            author: people[(seq % 5) as usize].into(),
            wall: None,
            event,
        });
    }
    out
}

/// One end-to-end export in this process: open and fold the journal, render the Markdown.
/// Prints the total time in ms, the process's peak resident MiB, the draft's length, and the
/// time the rendering alone took.
fn e2e_once(path: &std::path::Path) {
    let start = Instant::now();
    let session = runbook::store::Session::open(path).expect("open");
    let opened = Instant::now();
    let md = export::markdown(&session.records, &session.incident, &Options::default());
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let render_ms = opened.elapsed().as_secs_f64() * 1000.0;
    println!("{ms} {} {} {render_ms}", rss_mb().0, md.len());
}

/// Long by design: the measurements one after another, each set up, timed and printed in
/// place, so a figure in BENCHMARKS.md can be traced to the code that measured it.
fn main() {
    if let Some(path) = std::env::args().skip_while(|a| a != "--e2e").nth(1) {
        e2e_once(std::path::Path::new(&path));
        return;
    }
    let dir = bench_dir();
    let path = dir
        .path()
        .join("incidents")
        .join("20260530-2212-etcd-quorum-loss.jsonl");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("incidents dir");
    {
        let records = journal();
        let mut w = BufWriter::new(std::fs::File::create(&path).expect("journal file"));
        for r in &records {
            serde_json::to_writer(&mut w, r).expect("encode");
            w.write_all(b"\n").expect("write");
        }
        w.flush().expect("flush");
    }
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());

    // 0. For comparison: opening and folding the journal alone (not the export's code).
    let mut times = Vec::new();
    let mut open_peak = 0.0f64;
    for _ in 0..RUNS {
        reset_peak();
        let start = Instant::now();
        let session = runbook::store::Session::open(&path).expect("open");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        open_peak = open_peak.max(rss_mb().0);
        drop(session);
    }
    let session = runbook::store::Session::open(&path).expect("open");
    let held = rss_mb().1;
    drop(session);
    println!(
        "{}",
        json!({"bench": "journal_open_and_fold", "records": RECORDS, "median_ms": median(times), "peak_rss_mb": open_peak, "rss_while_open_mb": held})
    );

    // 1. End to end, each run in a fresh process (this program again, with `--e2e`), so the
    //    peak is the whole export's and nothing an earlier run left behind.
    let mut times = Vec::new();
    let mut renders = Vec::new();
    let mut peak = 0.0f64;
    let mut out_len = 0;
    for _ in 0..RUNS {
        let exe = std::env::current_exe().expect("this program");
        let child = std::process::Command::new(exe)
            .arg("--e2e")
            .arg(&path)
            .output()
            .expect("run a child");
        let report = String::from_utf8_lossy(&child.stdout);
        let v: Vec<f64> = report
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        let [ms, child_peak, len, render_ms] = v[..] else {
            panic!("child said {report:?}")
        };
        times.push(ms);
        renders.push(render_ms);
        peak = peak.max(child_peak);
        out_len = len as usize;
    }
    let e2e = median(times);
    println!(
        "{}",
        json!({"bench": "export_markdown_end_to_end", "records": RECORDS, "journal_mb": bytes as f64 / 1048576.0,
               "output_mb": out_len as f64 / 1048576.0, "median_ms": e2e, "of_which_render_ms": median(renders), "target_ms": TARGET_MS,
               "peak_rss_mb": peak, "target_mb": TARGET_MB, "ok": e2e < TARGET_MS && peak < TARGET_MB})
    );

    // 2. Rendering alone, on a journal already open and folded.
    let session = runbook::store::Session::open(&path).expect("open");
    let (_, rss_before) = rss_mb();
    for (name, template) in [
        ("google", Template::Google),
        ("pagerduty", Template::PagerDuty),
        ("atlassian", Template::Atlassian),
    ] {
        let opts = Options {
            template,
            tz: chrono_tz::UTC,
        };
        let mut times = Vec::new();
        reset_peak();
        for _ in 0..RUNS {
            let start = Instant::now();
            let md = export::markdown(&session.records, &session.incident, &opts);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            drop(md);
        }
        let extra = rss_mb().0 - rss_before;
        println!(
            "{}",
            json!({"bench": format!("export_markdown_{name}"), "records": RECORDS, "median_ms": median(times), "extra_peak_rss_mb": extra})
        );
    }
    let mut times = Vec::new();
    let mut size = 0;
    reset_peak();
    for _ in 0..RUNS {
        let start = Instant::now();
        let j = export::json(&session.records, &session.incident);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        size = j.len();
        drop(j);
    }
    let extra = rss_mb().0 - rss_before;
    println!(
        "{}",
        json!({"bench": "export_json", "records": RECORDS, "output_mb": size as f64 / 1048576.0, "median_ms": median(times), "extra_peak_rss_mb": extra})
    );
}
