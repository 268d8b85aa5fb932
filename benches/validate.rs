//! Benchmark: loading and validating runbooks. Run with `cargo bench --bench validate`.
//!
//! 1. One runbook: `check_bytes` on each bundled runbook, median of many runs.
//! 2. A library of 1,000: copies of the bundled runbooks with new ids, written to a temp dir,
//!    then `runbook validate DIR` timed as a whole process (the release binary), median of runs.
//!
//! Targets (issue 2): a single runbook under 1 ms; 1,000 files under 150 ms.

use runbook::runbook::{check_bytes, library::BUNDLED};
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // 1. Single runbook, in process.
    let mut per_file = Vec::new();
    for (name, text) in BUNDLED {
        let runs: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Instant::now();
                let r = check_bytes(name, text.as_bytes());
                assert!(r.runbook.is_some(), "{name} must load");
                t.elapsed()
            })
            .collect();
        per_file.push((median(runs), *name, text.len()));
    }
    per_file.sort();
    for (d, name, len) in &per_file {
        println!(
            "single {name:<40} {len:>6} bytes  median {:>8.1} us",
            d.as_secs_f64() * 1e6
        );
    }
    let worst = per_file.last().map(|p| p.0).unwrap_or_default();
    println!(
        "bench single_runbook_worst_median_us {:.1}",
        worst.as_secs_f64() * 1e6
    );

    // 2. 1,000 files through the real binary.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut n = 0;
    while n < 1000 {
        for (_, text) in BUNDLED {
            if n == 1000 {
                break;
            }
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("id = \"").and_then(|r| r.split('"').next()))
                .expect("an id line");
            let copy = text.replacen(&format!("id = \"{id}\""), &format!("id = \"{id}-{n}\""), 1);
            std::fs::write(dir.path().join(format!("{id}-{n}.toml")), copy).expect("write");
            n += 1;
        }
    }
    let exe = env!("CARGO_BIN_EXE_runbook");
    let mut runs = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let out = Command::new(exe)
            .arg("validate")
            .arg(dir.path())
            .output()
            .expect("run");
        runs.push(t.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let m = median(runs.clone());
    let min = runs.iter().min().copied().unwrap_or_default();
    println!(
        "bench validate_1000_files_median_ms {:.1} (min {:.1})",
        m.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3
    );
}
