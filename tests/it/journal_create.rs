//! Creating and opening: private modes whatever the umask, no clobbering, the exact on-disk
//! format, and the empty journal.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use runbook::journal::{Journal, JournalError};

/// Tells the child where to create a journal; without it the child test does nothing.
const CREATE_ENV: &str = "RUNBOOK_TEST_CREATE_JOURNAL";

use crate::support::rec::Rec;

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o7777
}

#[test]
#[ignore = "child process of create_under_umask_000_gives_0600_file_and_0700_dirs"]
fn create_child() {
    let Some(path) = std::env::var_os(CREATE_ENV) else {
        return;
    };
    let path = Path::new(&path);
    Journal::<Rec>::create(path).expect("create");
    // A control file made the ordinary way shows which umask the child really ran under.
    let control = path.parent().expect("parent").join("control");
    fs::File::create(control).expect("control file");
}

#[test]
fn create_under_umask_000_gives_0600_file_and_0700_dirs() {
    let base = tempfile::tempdir().unwrap();
    let base_mode = mode(base.path());
    let path = base.path().join("a/b/c/journal.jsonl");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            crate::support::test_name(module_path!(), "create_child").as_str(),
            "--nocapture",
            "--include-ignored",
        ])
        .env(CREATE_ENV, &path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(child.wait().unwrap().success(), "child failed:\n{stderr}");

    assert_eq!(
        mode(&base.path().join("a/b/c/control")),
        0o666,
        "umask 000 was not in effect"
    );
    assert_eq!(mode(&path), 0o600);
    for dir in ["a", "a/b", "a/b/c"] {
        assert_eq!(mode(&base.path().join(dir)), 0o700, "{dir}");
    }
    assert_eq!(
        mode(base.path()),
        base_mode,
        "an existing directory's mode was changed"
    );
}

#[test]
fn create_refuses_an_existing_file_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    fs::write(&path, b"precious\n").unwrap();
    let err = Journal::<Rec>::create(&path).unwrap_err();
    assert!(matches!(err, JournalError::AlreadyExists { .. }), "{err}");
    assert!(err.to_string().contains("already there"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), b"precious\n");
}

#[test]
fn open_of_a_missing_journal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.jsonl");
    let err = Journal::<Rec>::open(&path).unwrap_err();
    assert_eq!(err.io_kind(), Some(std::io::ErrorKind::NotFound));
    let text = err.to_string();
    assert!(text.contains("nope.jsonl"), "{text}");
    assert!(text.contains("no such file"), "{text}");
    assert!(!path.exists(), "open created the file");
}

#[test]
fn an_empty_file_is_a_valid_empty_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    fs::write(&path, b"").unwrap();
    let opened = Journal::<Rec>::open(&path).unwrap();
    assert!(opened.records.is_empty());
    assert_eq!((opened.torn, opened.damage), (None, None));
    let mut journal = opened.journal;
    assert_eq!(journal.last_seq(), 0);
    let appended = journal
        .append(|seq| Rec {
            seq,
            body: "first".into(),
        })
        .unwrap();
    assert_eq!(appended.record.seq, 1);
}

#[test]
fn records_are_stored_as_one_compact_json_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut journal = Journal::<Rec>::create(&path).unwrap();
    for body in ["plain", "two\nlines", "tab\tand \"quotes\""] {
        journal
            .append(|seq| Rec {
                seq,
                body: body.into(),
            })
            .unwrap();
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        concat!(
            "{\"seq\":1,\"body\":\"plain\"}\n",
            "{\"seq\":2,\"body\":\"two\\nlines\"}\n",
            "{\"seq\":3,\"body\":\"tab\\tand \\\"quotes\\\"\"}\n",
        )
    );
    let reopened = Journal::<Rec>::open(&path).unwrap();
    assert_eq!(reopened.records[1].body, "two\nlines");
    assert_eq!(
        reopened.journal.bytes_read(),
        fs::metadata(&path).unwrap().len()
    );
}
