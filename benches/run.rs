//! Run benchmark (plain `main`, no harness): `cargo bench --bench run`.
//!
//! `runbook run --yes` on a step whose command is `yes` with `timeout = "5s"` (stdout to
//! /dev/null), against the same command run bare (`timeout 5 yes > /dev/null`):
//!
//! - peak resident memory: `VmHWM` of the process (for the bare run, of `yes` under
//!   `timeout`), polled every 5 ms from /proc while it runs (target: at most 64 MB);
//! - timeout to result: how long after the deadline the result is durable (target: at most
//!   1 s). For `runbook run`: from the journal, `command_finished.ts - (command_started.ts +
//!   5 s)` (millisecond stamps); and from this process, its exit minus 5 s after its spawn (an
//!   upper bound: it includes the process start and the appends before the command starts).
//!   For the bare run: its exit minus 5 s after its spawn.
//!
//! Also the bytes `yes` got out in the 5 s (`output_bytes`, and what was saved). Prints one
//! JSON object per run. Runs in a temporary directory under the target directory, or under
//! RUNBOOK_BENCH_DIR when set.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 3;
const TIMEOUT: Duration = Duration::from_secs(5);

const BOOK: &str = r#"schema_version = 1
id = "flood"
title = "Flood"
incident_type = "bench"
severity = "sev3"
summary = "A command that prints as fast as it can until its timeout."

[[steps]]
id = "yes"
title = "yes"
kind = "command"
command = "yes"
timeout = "5s"
end = true
"#;

fn bench_dir() -> tempfile::TempDir {
    let base = std::env::var_os("RUNBOOK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    std::fs::create_dir_all(&base).expect("bench dir");
    tempfile::tempdir_in(base).expect("bench tempdir")
}

fn runbook(state: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_runbook"));
    c.args(["--runbooks", "books"])
        .args(args)
        .env("RUNBOOK_STATE_DIR", state)
        .env("RUNBOOK_USER", "bench")
        .env_remove("RUNBOOK_OUTPUT_CAP")
        .env_remove("RUNBOOK_NOW")
        .current_dir(state)
        .stdin(Stdio::null());
    c
}

/// `VmHWM` of `pid` in KiB, while it can be read.
fn hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The first child of `pid` (for `timeout`'s `yes`).
fn child_of(pid: u32) -> Option<u32> {
    let kids = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
    kids.split_whitespace().next()?.parse().ok()
}

/// Polls the peak memory of `watch(child)` until the child exits; returns it and the exit.
fn watch(mut child: Child, pick: impl Fn(u32) -> Option<u32>) -> (u64, Instant) {
    let mut peak = 0;
    loop {
        if let Some(pid) = pick(child.id()) {
            peak = peak.max(hwm_kib(pid).unwrap_or(0));
        }
        if child.try_wait().expect("wait").is_some() {
            return (peak, Instant::now());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn stamp_ms(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
        .expect("rfc 3339")
        .timestamp_millis()
}

fn journal(state: &Path, inc: &str) -> Vec<Value> {
    std::fs::read_to_string(state.join("incidents").join(format!("{inc}.jsonl")))
        .expect("journal")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .collect()
}

/// One `runbook run --yes` of the `yes` step, in a fresh incident.
fn with_runbook(state: &Path) -> Value {
    let out = runbook(state, &["start", "flood", "--no-tui"])
        .output()
        .expect("start");
    let inc = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string();
    let before = journal(state, &inc).len();
    let child = runbook(state, &["run", "--incident", &inc, "yes", "--yes"])
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    // An upper bound from this side: the spawn, before the process even started.
    let spawned = Instant::now();
    let (peak, exited) = watch(child, Some);
    let j = journal(state, &inc);
    let started = j
        .iter()
        .skip(before)
        .find(|r| r["kind"] == "command_started")
        .expect("command_started");
    let finished = j.last().expect("command_finished");
    let late_ms = stamp_ms(&finished["ts"]) - stamp_ms(&started["ts"]) - 5_000;
    let wall_late_ms = exited.duration_since(spawned).as_millis() as i64 - 5_000;
    json!({
        "bench": "run_yes",
        "peak_rss_mb": peak as f64 / 1024.0,
        "timeout_to_durable_result_ms_journal": late_ms,
        "spawn_to_exit_minus_timeout_ms": wall_late_ms,
        "timed_out": finished["timed_out"],
        "output_bytes": finished["output_bytes"],
        "output_cut": finished["output_cut"],
        "saved_bytes": std::fs::metadata(finished["output_path"].as_str().unwrap_or("")).map(|m| m.len()).ok(),
    })
}

/// `timeout 5 yes > /dev/null`.
fn bare() -> Value {
    let t0 = Instant::now();
    let child = Command::new("timeout")
        .args(["5", "yes"])
        .stdout(Stdio::null())
        .spawn()
        .expect("timeout 5 yes");
    let (peak, exited) = watch(child, child_of);
    json!({
        "bench": "bare_timeout_5_yes",
        "peak_rss_mb": peak as f64 / 1024.0,
        "spawn_to_exit_minus_timeout_ms": exited.duration_since(t0).as_millis() as i64 - TIMEOUT.as_millis() as i64,
    })
}

fn main() {
    let dir = bench_dir();
    let state = dir.path();
    std::fs::create_dir_all(state.join("books")).expect("books");
    std::fs::write(state.join("books/flood.toml"), BOOK).expect("runbook");
    for _ in 0..RUNS {
        println!("{}", with_runbook(state));
        println!("{}", bare());
    }
}
