//! Journal benchmarks (plain `main`, no harness): `cargo bench --bench journal`.
//!
//! 1. Append latency: one record through `Journal::append` (flock, catch-up check, encode,
//!    write, fdatasync, unlock) beside a raw `write` + `fdatasync` of the same bytes to a plain
//!    file in the same directory. Same run, interleaved in rounds whose order alternates, so
//!    disk weather hits both alike. Target: median ratio <= 1.3.
//! 2. Open: `Journal::open` of a 100,000-record journal. Target: well under 200 ms (release).
//!
//! Prints one JSON object per result line. Runs in a temporary directory under the target
//! directory (same disk as the build), or under RUNBOOK_BENCH_DIR when set.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use runbook::journal::{Journal, Sequenced};
use serde::{Deserialize, Serialize};
use serde_json::json;

const APPENDS: usize = 2_000;
const ROUNDS: usize = 20;
const WARMUP: usize = 50;
const OPEN_RECORDS: u64 = 100_000;
const OPEN_RUNS: usize = 7;
const TARGET_RATIO: f64 = 1.3;
const TARGET_OPEN_MS: f64 = 200.0;

/// A record shaped like a typical incident event.
#[derive(Serialize, Deserialize)]
struct Rec {
    seq: u64,
    at: String,
    kind: String,
    step: String,
    by: String,
    note: String,
}

impl Sequenced for Rec {
    fn seq(&self) -> u64 {
        self.seq
    }
}

fn rec(seq: u64) -> Rec {
    Rec {
        seq,
        at: "2026-03-01T12:34:56.789Z".to_string(),
        kind: "step_completed".to_string(),
        step: "check-error-rate".to_string(),
        by: "alice".to_string(),
        note: "error rate back under 0.1% after the rollback; watching for 10 more minutes"
            .to_string(),
    }
}

fn line(seq: u64) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(&rec(seq)).expect("serialize");
    bytes.push(b'\n');
    bytes
}

fn bench_dir() -> tempfile::TempDir {
    let base = std::env::var_os("RUNBOOK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    std::fs::create_dir_all(&base).expect("bench dir");
    tempfile::tempdir_in(base).expect("bench tempdir")
}

fn percentile(sorted_ns: &[u64], p: f64) -> f64 {
    let i = ((sorted_ns.len() - 1) as f64 * p).round() as usize;
    sorted_ns[i] as f64 / 1_000.0
}

struct Stats {
    median_us: f64,
    p99_us: f64,
}

fn stats(mut ns: Vec<u64>) -> Stats {
    ns.sort_unstable();
    Stats {
        median_us: percentile(&ns, 0.5),
        p99_us: percentile(&ns, 0.99),
    }
}

/// One `append`, timed whole.
fn journal_once(journal: &mut Journal<Rec>) -> u64 {
    let start = Instant::now();
    journal.append(rec).expect("append");
    start.elapsed().as_nanos() as u64
}

fn bench_append(dir: &Path) {
    let mut journal = Journal::<Rec>::create(dir.join("append.jsonl")).expect("create");
    let mut raw: File = OpenOptions::new()
        .create_new(true)
        .append(true)
        .open(dir.join("raw.jsonl"))
        .expect("raw file");
    let mut raw_seq = 0;
    let mut raw_once = |raw: &mut File| {
        raw_seq += 1;
        let bytes = line(raw_seq);
        let start = Instant::now();
        raw.write_all(&bytes).expect("raw write");
        raw.sync_data().expect("raw fdatasync");
        start.elapsed().as_nanos() as u64
    };
    for _ in 0..WARMUP {
        journal_once(&mut journal);
        raw_once(&mut raw);
    }
    let per_round = APPENDS / ROUNDS;
    let (mut journal_ns, mut raw_ns) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let journal_first = round % 2 == 0;
        for pass in 0..2 {
            for _ in 0..per_round {
                if (pass == 0) == journal_first {
                    journal_ns.push(journal_once(&mut journal));
                } else {
                    raw_ns.push(raw_once(&mut raw));
                }
            }
        }
    }
    let line_bytes = line(1).len();
    let j = stats(journal_ns);
    let r = stats(raw_ns);
    for (name, s) in [("journal_append", &j), ("raw_write_fdatasync", &r)] {
        println!(
            "{}",
            json!({"bench": "append", "impl": name, "n": APPENDS, "line_bytes": line_bytes,
                   "median_us": round2(s.median_us), "p99_us": round2(s.p99_us)})
        );
    }
    let ratio = j.median_us / r.median_us;
    println!(
        "{}",
        json!({"bench": "append", "ratio_median": round2(ratio),
               "ratio_p99": round2(j.p99_us / r.p99_us), "target_ratio": TARGET_RATIO,
               "pass": ratio <= TARGET_RATIO})
    );
}

fn bench_open(dir: &Path) {
    let path = dir.join("open.jsonl");
    let file = File::create(&path).expect("create open.jsonl");
    let mut out = BufWriter::new(file);
    for seq in 1..=OPEN_RECORDS {
        out.write_all(&line(seq)).expect("write");
    }
    let file = out.into_inner().expect("flush");
    file.sync_all().expect("sync");
    let bytes = file.metadata().expect("metadata").len();

    let mut ms = Vec::new();
    for _ in 0..OPEN_RUNS {
        let start = Instant::now();
        let opened = Journal::<Rec>::open(&path).expect("open");
        ms.push(start.elapsed().as_secs_f64() * 1_000.0);
        assert_eq!(opened.records.len() as u64, OPEN_RECORDS);
        assert!(opened.damage.is_none() && opened.torn.is_none());
    }
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    println!(
        "{}",
        json!({"bench": "open", "records": OPEN_RECORDS, "bytes": bytes, "runs": OPEN_RUNS,
               "min_ms": round2(ms[0]), "median_ms": round2(median),
               "target_ms": TARGET_OPEN_MS, "pass": median < TARGET_OPEN_MS})
    );
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn main() {
    let dir = bench_dir();
    bench_append(dir.path());
    bench_open(dir.path());
}
