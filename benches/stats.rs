//! Stats benchmark (plain `main`, no harness): `cargo bench --bench stats`.
//!
//! 3,000 closed incidents (three bundled runbooks, about 40 records each: milestones, steps
//! started and completed, some skipped, decisions, notes, the close) are written as journals
//! in a state directory, then `runbook stats --json` runs in a fresh process each time:
//! cold (the cache deleted before each run) and warm (the cache left from the run before).
//! Targets: at most 300 ms and 64 MB peak resident memory.
//!
//! Time is wall clock from spawn to exit, median of several runs; memory is the child's peak
//! resident set (`/usr/bin/time -f %M`; NaN when that is missing). Prints one JSON object per
//! result line. Runs under the target directory, or under RUNBOOK_BENCH_DIR when set;
//! RUNBOOK_BENCH_KEEP=1 keeps the generated state directory and says where.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use runbook::domain::event::{Event, Known, Outcome, Record};
use runbook::domain::{Milestone, Severity, StepKind};
use serde_json::json;

const INCIDENTS: usize = 3_000;
const RUNS: usize = 7;
const BOOKS: [&str; 3] = ["etcd-quorum-loss", "disk-full", "bad-deploy-rollback"];

fn bench_dir() -> tempfile::TempDir {
    let base = std::env::var_os("RUNBOOK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    std::fs::create_dir_all(&base).expect("bench dir");
    tempfile::tempdir_in(base).expect("bench tempdir")
}

/// One closed incident's records, opened at `at`.
///
/// (Long by design: the data, the records in the order an incident makes them, from its
/// opening to its close.)
fn incident(id: &str, book: &str, source: &str, at: DateTime<Utc>, n: usize) -> Vec<Record> {
    let rb = runbook::runbook::parse_source(source).expect("bundled runbook");
    let mut events: Vec<Known> = vec![Known::IncidentOpened {
        incident: id.into(),
        title: format!("Generated incident {n}"),
        severity: [Severity::Sev1, Severity::Sev2, Severity::Sev3][n % 3],
        runbook: book.into(),
        runbook_sha256: runbook::runbook::sha256_hex(source),
        runbook_source: source.into(),
        vars: Default::default(),
        drill: false,
    }];
    events.push(Known::Milestone {
        milestone: Milestone::Started,
    });
    events.push(Known::Milestone {
        milestone: Milestone::Detected,
    });
    for (i, step) in rb.steps.iter().take(14).enumerate() {
        let id = step.id.clone();
        match &step.kind {
            StepKind::Decision { choices } => events.push(Known::DecisionMade {
                step: id,
                choice: 1 + n % choices.len(),
                label: choices[n % choices.len()].label.clone(),
                next: choices[n % choices.len()].next.clone(),
            }),
            _ if (i + n) % 7 == 3 => events.push(Known::StepSkipped {
                step: id,
                reason: ["not needed", "already known", "no access"][n % 3].into(),
            }),
            _ => {
                events.push(Known::StepStarted { step: id.clone() });
                events.push(Known::StepCompleted {
                    step: id,
                    outcome: if (i + n) % 11 == 5 {
                        Outcome::Failed
                    } else {
                        Outcome::Ok
                    },
                });
            }
        }
        if i == 1 {
            events.push(Known::Milestone {
                milestone: Milestone::Acknowledged,
            });
        }
        if i % 4 == 2 {
            events.push(Known::NoteAdded {
                text: format!("observed {n}/{i}; TODO: follow up"),
                action_item: false,
                decision: false,
            });
        }
    }
    events.push(Known::Milestone {
        milestone: Milestone::Mitigated,
    });
    events.push(Known::Milestone {
        milestone: Milestone::Resolved,
    });
    events.push(Known::IncidentClosed {
        summary: Some("generated".into()),
    });
    events
        .into_iter()
        .enumerate()
        .map(|(i, k)| {
            let t = at + Duration::seconds((i as i64) * (30 + (n as i64 % 90)));
            Record {
                seq: i as u64 + 1,
                ts: t,
                at: t,
                author: ["ana", "bo", "chen"][(i + n) % 3].into(),
                wall: None,
                event: Event::Known(k),
            }
        })
        .collect()
}

fn write_incidents(state: &Path) -> u64 {
    let dir = state.join("incidents");
    std::fs::create_dir_all(&dir).expect("incidents dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources: Vec<String> = BOOKS
        .iter()
        .map(|b| {
            std::fs::read_to_string(root.join("runbooks").join(format!("{b}.toml")))
                .expect("runbook")
        })
        .collect();
    let base: DateTime<Utc> = "2025-01-06T00:00:00Z".parse().expect("time");
    let mut bytes = 0;
    for n in 0..INCIDENTS {
        let at = base + Duration::hours(3 * n as i64);
        let book = BOOKS[n % 3];
        let id = format!("{}-{book}", at.format("%Y%m%d-%H%M"));
        let path = dir.join(format!("{id}.jsonl"));
        let mut w = BufWriter::new(std::fs::File::create(&path).expect("journal"));
        for r in incident(&id, book, &sources[n % 3], at, n) {
            serde_json::to_writer(&mut w, &r).expect("encode");
            w.write_all(b"\n").expect("write");
        }
        w.flush().expect("flush");
        bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
    }
    bytes
}

/// One fresh `runbook stats --json`: (ms, peak MB, output bytes).
fn once(state: &Path) -> (f64, f64, usize) {
    let peak = state.join("peak.txt");
    let time = Path::new("/usr/bin/time");
    let mut c = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "%M", "-o"])
            .arg(&peak)
            .arg(env!("CARGO_BIN_EXE_runbook"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_runbook"))
    };
    c.args(["stats", "--json"])
        .env("RUNBOOK_STATE_DIR", state)
        .env("HOME", state)
        .env_remove("RUNBOOK_PATH");
    let start = Instant::now();
    let out = c.output().expect("runbook stats");
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mb = std::fs::read_to_string(&peak)
        .ok()
        .and_then(|t| t.trim().lines().last()?.trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0);
    (ms, mb, out.stdout.len())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dir = bench_dir();
    let bytes = write_incidents(dir.path());
    let cache = dir.path().join("cache").join("stats-v1.json");
    once(dir.path()); // warms the page cache; not counted
    let report = |name: &str, cold: bool| {
        let runs: Vec<(f64, f64, usize)> = (0..RUNS)
            .map(|_| {
                if cold {
                    let _ = std::fs::remove_file(&cache);
                } else if !cache.exists() {
                    once(dir.path());
                }
                once(dir.path())
            })
            .collect();
        let ms = median(runs.iter().map(|r| r.0).collect());
        let mb = runs.iter().map(|r| r.1).fold(f64::NAN, f64::max);
        println!(
            "{}",
            json!({
                "bench": name, "incidents": INCIDENTS, "journal_bytes": bytes,
                "median_ms": (ms * 10.0).round() / 10.0, "peak_mb": (mb * 10.0).round() / 10.0,
                "output_bytes": runs[0].2, "target_ms": 300, "target_mb": 64,
            })
        );
    };
    report("stats_3000_cold", true);
    report("stats_3000_cached", false);
    // RUNBOOK_BENCH_KEEP=1 keeps the state directory, to profile one run by hand.
    if std::env::var_os("RUNBOOK_BENCH_KEEP").is_some() {
        eprintln!("kept {}", dir.keep().display());
    }
}
