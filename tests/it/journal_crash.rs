//! Crash test: a child process appends as fast as it can and prints each acknowledged seq; the
//! parent SIGKILLs it at random moments, 200 times over five journals, and after every kill
//! checks that the journal opens (reporting a torn tail if there is one, which the next child's
//! append moves aside) with every acknowledged record present, intact and gapless.
//!
//! The child is this test binary run again (`--exact crash_child`), so it works under both
//! `cargo test` and `cargo nextest run`. Set RUNBOOK_TEST_SEED to replay a run.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::hash::{BuildHasher, RandomState};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use runbook::journal::Journal;

/// Tells the child which journal to append to; without it the child test does nothing.
const JOURNAL_ENV: &str = "RUNBOOK_TEST_CRASH_JOURNAL";
const JOURNALS: usize = 5;
const KILLS_PER_JOURNAL: usize = 40;
/// The child never runs longer than this many appends, even if nobody kills it.
const CHILD_MAX_APPENDS: u64 = 100_000;
const SIGKILL: i32 = 9;

use crate::support::rec::Rec;

/// The body every record of seq `seq` must carry: varied lengths and escapes. Every 8th is
/// 64 KiB or more, so that the kernel copies it page by page and a kill can land mid-write,
/// leaving a torn tail.
fn body_for(seq: u64) -> String {
    let len = if seq.is_multiple_of(8) {
        65_536 + seq % 4096
    } else {
        seq % 97
    };
    let pad = "x".repeat(len as usize);
    format!("event {seq}: \"quoted\"\tnote\n{pad} é ✓")
}

/// xorshift64*: enough randomness for kill moments, reproducible from a printed seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn seed() -> u64 {
    match std::env::var("RUNBOOK_TEST_SEED") {
        Ok(text) => text.parse().expect("RUNBOOK_TEST_SEED must be a u64"),
        Err(_) => RandomState::new().hash_one(0u8),
    }
}

#[test]
#[ignore = "child process of kill9_never_loses_an_acknowledged_record"]
fn crash_child() {
    let Some(path) = std::env::var_os(JOURNAL_ENV) else {
        return;
    };
    let opened = Journal::<Rec>::open(&path).expect("child: open");
    assert_eq!(opened.damage, None, "child: journal damaged");
    let mut journal = opened.journal;
    let mut out = std::io::stdout().lock();
    for _ in 0..CHILD_MAX_APPENDS {
        let appended = journal
            .append(|seq| Rec {
                seq,
                body: body_for(seq),
            })
            .expect("child: append");
        // Printed only after `append` returned Ok, i.e. after fdatasync.
        writeln!(out, "ACK {}", appended.record.seq).expect("child: stdout");
        out.flush().expect("child: stdout");
    }
}

fn spawn_child(path: &Path) -> Child {
    Command::new(std::env::current_exe().expect("test binary path"))
        .args([
            "--exact",
            crate::support::test_name(module_path!(), "crash_child").as_str(),
            "--nocapture",
            "--include-ignored",
        ])
        .env(JOURNAL_ENV, path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn child")
}

fn parse_ack(line: &str) -> Option<u64> {
    line.trim_end()
        .strip_prefix("ACK ")
        .map(|n| n.parse().expect("ACK line"))
}

/// Lets the child acknowledge `wait_for` records, spins `spin` times (so the kill lands anywhere
/// in the child's append cycle, not just after a print), kills it, and returns every seq it
/// acknowledged (including those printed between the last read and the kill).
fn run_and_kill(path: &Path, wait_for: u64, spin: u64) -> Vec<u64> {
    let mut child = spawn_child(path);
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut acked = Vec::new();
    let mut line = String::new();
    let mut child_ended = false;
    while (acked.len() as u64) < wait_for {
        line.clear();
        if stdout.read_line(&mut line).expect("read child stdout") == 0 {
            child_ended = true;
            break;
        }
        acked.extend(parse_ack(&line));
    }
    for _ in 0..spin {
        std::hint::spin_loop();
    }
    child.kill().expect("SIGKILL child");
    let status = child.wait().expect("reap child");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("read child stdout");
    acked.extend(rest.lines().filter_map(parse_ack));
    if child_ended || status.signal() != Some(SIGKILL) {
        let mut stderr = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        panic!("child ended by itself ({status}) before it was killed:\n{stderr}");
    }
    acked
}

#[test]
fn kill9_never_loses_an_acknowledged_record() {
    let seed = seed();
    eprintln!("crash test seed {seed} (set RUNBOOK_TEST_SEED={seed} to replay)");
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut kills = 0;
    let mut repairs = 0;
    let mut total_acked = 0;
    for j in 0..JOURNALS {
        let path = dir.path().join(format!("incident-{j}/journal.jsonl"));
        Journal::<Rec>::create(&path).expect("create");
        let mut highest_acked = 0;
        for round in 0..KILLS_PER_JOURNAL {
            // 0 kills the child wherever it is, often before or during its open (and repair).
            let wait_for = rng.below(13);
            let acked = run_and_kill(&path, wait_for, rng.below(50_000));
            kills += 1;
            total_acked += acked.len();
            for pair in acked.windows(2) {
                assert_eq!(pair[1], pair[0] + 1, "child acknowledged out of order");
            }
            if let Some(&first) = acked.first() {
                assert!(first > highest_acked, "seq {first} acknowledged twice");
            }
            highest_acked = acked.last().copied().unwrap_or(highest_acked);

            // Opening reports a torn tail and leaves it; the next child's first append moves
            // it aside.
            let before = std::fs::read(&path).expect("read journal");
            let opened = Journal::<Rec>::open(&path).expect("open after kill");
            let context = format!("journal {j}, kill {round}, seed {seed}");
            assert_eq!(opened.damage, None, "{context}");
            if let Some(torn) = &opened.torn {
                repairs += 1;
                assert!(torn.bytes > 0, "{context}");
            }
            assert_eq!(
                std::fs::read(&path).expect("read journal"),
                before,
                "{context}"
            );
            assert!(
                opened.journal.last_seq() >= highest_acked,
                "{context}: acknowledged seq {highest_acked} missing, journal ends at {}",
                opened.journal.last_seq()
            );
            for (i, record) in opened.records.iter().enumerate() {
                let seq = i as u64 + 1;
                assert_eq!(record.seq, seq, "{context}");
                assert_eq!(record.body, body_for(seq), "{context}");
            }
        }
    }
    eprintln!(
        "{kills} kills, {total_acked} acknowledged records checked, {repairs} torn tails found"
    );
    assert_eq!(kills, JOURNALS * KILLS_PER_JOURNAL);
    assert!(total_acked > 0, "no record was ever acknowledged");
}
