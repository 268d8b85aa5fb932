//! Several writers on one journal: processes and handles in one process append concurrently;
//! lines never interleave, seqs stay gapless, every writer's records are all there, and each
//! handle learns about the others' records through `caught_up` and `read_new`.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use runbook::journal::{Journal, Sequenced};
use serde::{Deserialize, Serialize};

/// `<journal path>`: tells the child writer where to append; without it the child does nothing.
const JOURNAL_ENV: &str = "RUNBOOK_TEST_WRITER_JOURNAL";
/// The writer's name, put in each of its records.
const WRITER_ENV: &str = "RUNBOOK_TEST_WRITER_NAME";
const PER_PROCESS: u64 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Rec {
    seq: u64,
    writer: String,
    n: u64,
}

impl Sequenced for Rec {
    fn seq(&self) -> u64 {
        self.seq
    }
}

/// Appends `count` records as `writer`, checking that this handle's view (everything caught
/// up on plus its own records) runs 1, 2, 3... with nothing skipped.
fn write_records(journal: &mut Journal<Rec>, writer: &str, count: u64) {
    let mut seen = journal.last_seq();
    for n in 0..count {
        let appended = journal
            .append(|seq| Rec {
                seq,
                writer: writer.to_string(),
                n,
            })
            .expect("append");
        for record in appended.caught_up.iter().chain([&appended.record]) {
            assert_eq!(record.seq, seen + 1, "{writer} skipped a record");
            seen = record.seq;
        }
    }
}

#[test]
#[ignore = "child process of two_processes_append_1000_each_without_interleaving"]
fn writer_child() {
    let (Some(path), Ok(writer)) = (std::env::var_os(JOURNAL_ENV), std::env::var(WRITER_ENV))
    else {
        return;
    };
    let mut journal = Journal::<Rec>::open(&path).expect("open").journal;
    // Start together: say we are ready, then wait for the parent's go (a line on stdin).
    println!("READY");
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).expect("read go");
    write_records(&mut journal, &writer, PER_PROCESS);
}

fn spawn_writer(path: &Path, writer: &str) -> Child {
    Command::new(std::env::current_exe().expect("test binary path"))
        .args([
            "--exact",
            crate::support::test_name(module_path!(), "writer_child").as_str(),
            "--nocapture",
            "--include-ignored",
        ])
        .env(JOURNAL_ENV, path)
        .env(WRITER_ENV, writer)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn writer")
}

fn wait_ready(child: &mut Child) -> BufReader<std::process::ChildStdout> {
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    while line.trim() != "READY" {
        line.clear();
        assert_ne!(
            out.read_line(&mut line).expect("read"),
            0,
            "writer died early"
        );
    }
    out
}

/// Checks every line of the file is one well-formed record, seqs 1..=n in order, and returns
/// each writer's `n`s in file order.
fn check_file(path: &Path, n: u64) -> BTreeMap<String, Vec<u64>> {
    let text = fs::read_to_string(path).expect("read journal");
    assert!(text.ends_with('\n'));
    let mut by_writer: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let record: Rec = serde_json::from_str(line).expect("well-formed line");
        assert_eq!(record.seq, i as u64 + 1);
        by_writer.entry(record.writer).or_default().push(record.n);
        count += 1;
    }
    assert_eq!(count, n);
    by_writer
}

#[test]
fn two_processes_append_1000_each_without_interleaving() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    Journal::<Rec>::create(&path).unwrap();
    let mut children = [spawn_writer(&path, "a"), spawn_writer(&path, "b")];
    let _outs: Vec<_> = children.iter_mut().map(wait_ready).collect();
    for child in &mut children {
        writeln!(child.stdin.take().unwrap(), "go").unwrap();
    }
    for child in &mut children {
        assert!(child.wait().unwrap().success(), "a writer failed");
    }

    let by_writer = check_file(&path, 2 * PER_PROCESS);
    let all: Vec<u64> = (0..PER_PROCESS).collect();
    assert_eq!(by_writer["a"], all);
    assert_eq!(by_writer["b"], all);
    let opened = Journal::<Rec>::open(&path).unwrap();
    assert_eq!((opened.damage, opened.torn), (None, None));
    assert_eq!(opened.journal.last_seq(), 2 * PER_PROCESS);
}

#[test]
fn handles_on_threads_catch_up_on_each_other() {
    const THREADS: u64 = 4;
    const EACH: u64 = 100;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    Journal::<Rec>::create(&path).unwrap();
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let path = &path;
            scope.spawn(move || {
                let mut journal = Journal::<Rec>::open(path).unwrap().journal;
                write_records(&mut journal, &format!("t{t}"), EACH);
            });
        }
    });
    let by_writer = check_file(&path, THREADS * EACH);
    for t in 0..THREADS {
        assert_eq!(by_writer[&format!("t{t}")], (0..EACH).collect::<Vec<_>>());
    }
}

#[test]
fn read_new_returns_only_new_records_and_waits_for_the_newline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut writer = Journal::<Rec>::create(&path).unwrap();
    let mut follower = Journal::<Rec>::open(&path).unwrap().journal;
    let make = |n| {
        move |seq| Rec {
            seq,
            writer: "w".into(),
            n,
        }
    };
    assert_eq!(follower.read_new().unwrap(), vec![]);
    writer.append(make(0)).unwrap();
    writer.append(make(1)).unwrap();
    let got = follower.read_new().unwrap();
    assert_eq!(got.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(follower.read_new().unwrap(), vec![]);

    // A line being written right now, by a writer that does not lock: not consumed until its
    // newline is there.
    let line = "{\"seq\":3,\"writer\":\"raw\",\"n\":7}\n";
    let (head, tail) = line.split_at(17);
    let mut raw = OpenOptions::new().append(true).open(&path).unwrap();
    raw.write_all(head.as_bytes()).unwrap();
    let offset = follower.bytes_read();
    assert_eq!(follower.read_new().unwrap(), vec![]);
    assert_eq!(follower.bytes_read(), offset);
    raw.write_all(tail.as_bytes()).unwrap();
    let got = follower.read_new().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].seq, got[0].n), (3, 7));
    assert_eq!(follower.last_seq(), 3);

    // The writer catches up on the line it did not write before taking seq 4.
    let appended = writer.append(make(2)).unwrap();
    assert_eq!(appended.caught_up.len(), 1);
    assert_eq!(appended.record.seq, 4);
    assert_eq!(follower.read_new().unwrap(), vec![appended.record]);
}
