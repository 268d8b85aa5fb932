//! Failures are errors, never panics, never acknowledgements: a full disk, a write cut short by
//! the file size limit (rolled back so no partial line stays), and records the journal must
//! refuse to write.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use runbook::journal::{Journal, JournalError, Sequenced};
use serde::{Deserialize, Serialize};

/// Tells the child where to append until the file size limit stops it.
const LIMITED_ENV: &str = "RUNBOOK_TEST_LIMITED_JOURNAL";

use crate::support::rec::Rec;

/// A record whose line is 100 bytes for seqs 1..=9 and 101 after, so lines never end exactly
/// on a 512-byte boundary of the size limit for the seqs reached here.
fn rec(seq: u64) -> Rec {
    Rec {
        seq,
        body: "x".repeat(80),
    }
}

#[test]
fn append_to_a_full_disk_fails_and_acknowledges_nothing() {
    // /dev/full itself: a journal is never opened through a symlink, so none can point there.
    let path = Path::new("/dev/full");
    let mut journal = Journal::<Rec>::open(path).unwrap().journal;
    for _ in 0..2 {
        let mut given = 0;
        let err = journal
            .append(|seq| {
                given = seq;
                rec(seq)
            })
            .unwrap_err();
        // The same seq is offered again: the failed append used nothing up.
        assert_eq!(given, 1);
        assert_eq!(
            err.io_kind(),
            Some(std::io::ErrorKind::StorageFull),
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains("disk full: free space on"), "{text}");
        assert!(text.contains("nothing was recorded"), "{text}");
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert_eq!(journal.last_seq(), 0);
    }
}

#[test]
#[ignore = "child process of a_write_cut_short_by_the_size_limit_leaves_no_partial_line"]
fn size_limited_child() {
    let Some(path) = std::env::var_os(LIMITED_ENV) else {
        return;
    };
    let mut journal = Journal::<Rec>::open(&path).expect("open").journal;
    for _ in 0..1_000 {
        match journal.append(rec) {
            Ok(appended) => println!("ACK {}", appended.record.seq),
            Err(err) => {
                println!("ERR {err}");
                return;
            }
        }
    }
    println!("ERR the size limit never stopped the writes");
}

#[test]
fn a_write_cut_short_by_the_size_limit_leaves_no_partial_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    Journal::<Rec>::create(&path).unwrap();
    // Ignore SIGXFSZ so the write returns EFBIG instead of killing the child; the limit is
    // in 512-byte (dash) or 1024-byte (bash) blocks, either way mid-line for 100-byte lines.
    let output = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\"")
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            crate::support::test_name(module_path!(), "size_limited_child").as_str(),
            "--nocapture",
            "--include-ignored",
        ])
        .env(LIMITED_ENV, &path)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(output.status.success(), "child failed");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let acked: Vec<u64> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ACK "))
        .map(|n| n.parse().unwrap())
        .collect();
    let err = stdout
        .lines()
        .find_map(|l| l.strip_prefix("ERR "))
        .expect("the child reported no error");
    assert!(err.contains("file size limit"), "{err}");
    assert!(err.contains("nothing was recorded"), "{err}");
    assert!(!err.contains("may be left"), "rollback failed: {err}");
    assert!(acked.len() >= 10, "only {} records fit", acked.len());

    let bytes = fs::read(&path).unwrap();
    assert_eq!(bytes.last(), Some(&b'\n'), "a partial line was left behind");
    let opened = Journal::<Rec>::open(&path).unwrap();
    assert_eq!((opened.torn, opened.damage), (None, None));
    assert_eq!(
        opened.records,
        acked.iter().map(|&s| rec(s)).collect::<Vec<_>>()
    );
}

/// Opens `path` with a fresh journal, runs `append`, and checks nothing reached the file.
fn assert_refused<R, F>(path: &Path, make: F, needle: &str)
where
    R: Serialize + serde::de::DeserializeOwned + Sequenced + Send + std::fmt::Debug,
    F: FnOnce(u64) -> R,
{
    let mut journal = Journal::<R>::create(path).expect("create");
    let err = journal.append(make).expect_err("the record was accepted");
    let text = err.to_string();
    assert!(text.contains(needle), "{text}");
    assert!(text.contains("nothing was recorded"), "{text}");
    assert_eq!(
        fs::read(path).expect("read"),
        b"",
        "a refused record reached the file"
    );
    assert_eq!(journal.last_seq(), 0);
}

#[test]
fn a_record_with_the_wrong_seq_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    assert_refused(&path, |seq| rec(seq + 1), "reports seq 2");
    let mut journal = Journal::<Rec>::open(&path).unwrap().journal;
    assert!(matches!(
        journal.append(|_| rec(7)).unwrap_err(),
        JournalError::SeqMismatch {
            expected: 1,
            found: 7,
            ..
        }
    ));
    assert_eq!(journal.append(rec).unwrap().record.seq, 1);
}

#[test]
fn a_record_that_is_not_a_json_object_is_refused() {
    #[derive(Debug, Serialize, Deserialize)]
    struct Pair(u64, String);
    impl Sequenced for Pair {
        fn seq(&self) -> u64 {
            self.0
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    assert_refused(
        &path,
        |seq| Pair(seq, "a".into()),
        "not serialize to a JSON object",
    );
}

#[test]
fn a_record_that_would_not_read_back_is_refused() {
    #[derive(Debug, Serialize, Deserialize)]
    struct Lossy {
        seq: u64,
        #[serde(skip_serializing)]
        #[expect(dead_code, reason = "only written, never read: the point of the test")]
        body: String,
    }
    impl Sequenced for Lossy {
        fn seq(&self) -> u64 {
            self.seq
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let make = |seq| Lossy {
        seq,
        body: "dropped".into(),
    };
    assert_refused(&path, make, "would not read back");
}

#[test]
fn errors_name_the_journal_and_keep_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/j.jsonl");
    let err = Journal::<Rec>::open(&path).unwrap_err();
    assert_eq!(err.path(), path);
    let source = std::error::Error::source(&err).expect("io cause kept");
    assert!(source.to_string().contains("No such file"), "{source}");
    let text = err.to_string();
    assert!(text.starts_with("could not open the journal"), "{text}");
}
