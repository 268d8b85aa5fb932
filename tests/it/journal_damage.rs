//! Damage before the last line is never dropped silently: the journal opens read-only with the
//! records before the damage, the damaged line is named, appends fail saying why, and the
//! file is left exactly as it was.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use runbook::journal::{Journal, JournalError};

use crate::support::rec::Rec;

fn rec(seq: u64) -> Rec {
    Rec {
        seq,
        body: format!("event {seq}"),
    }
}

fn line(seq: u64) -> String {
    format!("{{\"seq\":{seq},\"body\":\"event {seq}\"}}\n")
}

/// Writes `lines` as the whole journal at `dir/j.jsonl`.
fn journal_with(dir: &Path, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join("j.jsonl");
    fs::write(&path, lines.concat()).expect("write journal");
    path
}

/// Opens `path`, expects damage at `line` whose message contains `needle`, and checks that the
/// handle refuses appends with a message naming the line, without touching the file.
fn assert_damaged_at(path: &Path, good: u64, line: usize, needle: &str) {
    let before = fs::read(path).expect("read");
    let opened = Journal::<Rec>::open(path).expect("open");
    let damage = opened.damage.clone().expect("damage reported");
    assert_eq!(damage.line, line, "{damage}");
    assert!(damage.message.contains(needle), "{damage}");
    assert_eq!(opened.torn, None);
    assert_eq!(opened.records, (1..=good).map(rec).collect::<Vec<_>>());

    let mut journal = opened.journal;
    assert!(journal.is_read_only());
    assert_eq!(journal.damage(), Some(&damage));
    let err = journal
        .append(rec)
        .expect_err("append to a damaged journal");
    assert!(matches!(err, JournalError::ReadOnly { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("read-only"), "{text}");
    assert!(text.contains(&format!("line {line}")), "{text}");
    assert!(text.contains("nothing was recorded"), "{text}");

    let err = journal.read_new().expect_err("read_new past damage");
    assert!(matches!(err, JournalError::Damaged { .. }), "{err}");
    assert_eq!(
        fs::read(path).expect("read"),
        before,
        "a damaged journal was modified"
    );
}

#[test]
fn a_corrupted_middle_line_opens_read_only_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        line(1),
        line(2),
        "{\"seq\":3,\"bo#dy\":\n".to_string(),
        line(4),
    ];
    let path = journal_with(dir.path(), &lines);
    assert_damaged_at(&path, 2, 3, "not valid JSON");
}

#[test]
fn a_corrupted_middle_line_followed_by_a_torn_tail_is_still_damage() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [line(1), "garbage\n".to_string(), "{\"seq\":3".to_string()];
    let path = journal_with(dir.path(), &lines);
    assert_damaged_at(&path, 1, 2, "not a JSON object");
}

#[test]
fn a_seq_gap_opens_read_only_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_with(dir.path(), &[line(1), line(2), line(4), line(5)]);
    assert_damaged_at(&path, 2, 3, "records 3..3 are missing");
}

#[test]
fn a_wrong_seq_on_the_last_line_is_damage_not_a_torn_tail() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_with(dir.path(), &[line(1), line(2), line(2)]);
    assert_damaged_at(&path, 2, 3, "seq 2 follows seq 2");
}

#[test]
fn a_journal_must_start_at_seq_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_with(dir.path(), &[line(2), line(3)]);
    assert_damaged_at(&path, 0, 1, "starts at seq 1");
}

#[test]
fn a_record_of_the_wrong_shape_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [line(1), "{\"seq\":2}\n".to_string(), line(3)];
    let path = journal_with(dir.path(), &lines);
    assert_damaged_at(&path, 1, 2, "missing field `body`");
}

#[test]
fn damage_written_behind_a_readers_back_is_reported_after_the_good_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_with(dir.path(), &[line(1)]);
    let mut reader = Journal::<Rec>::open(&path).unwrap().journal;
    OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(format!("{}{}{}", line(2), "{oops}\n", line(4)).as_bytes())
        .unwrap();

    // First the good record before the damage, then the damage itself, every time after.
    assert_eq!(reader.read_new().unwrap(), vec![rec(2)]);
    assert!(reader.is_read_only());
    for _ in 0..2 {
        let err = reader.read_new().unwrap_err();
        let JournalError::Damaged { damage, .. } = &err else {
            panic!("expected damage, got {err}");
        };
        assert_eq!(damage.line, 3, "{err}");
    }
    assert!(matches!(
        reader.append(rec).unwrap_err(),
        JournalError::ReadOnly { .. }
    ));
}

#[test]
fn an_append_that_finds_damage_keeps_the_records_before_it_for_read_new() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_with(dir.path(), &[line(1)]);
    let mut writer = Journal::<Rec>::open(&path).unwrap().journal;
    OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(format!("{}{}{}", line(2), line(9), line(10)).as_bytes())
        .unwrap();
    let before = fs::read(&path).unwrap();

    let err = writer.append(rec).unwrap_err();
    let JournalError::ReadOnly { damage, .. } = &err else {
        panic!("expected read-only, got {err}");
    };
    assert_eq!(damage.line, 3);
    assert_eq!(
        writer.last_seq(),
        1,
        "a failed append moved the read position"
    );
    assert_eq!(writer.read_new().unwrap(), vec![rec(2)]);
    assert_eq!(fs::read(&path).unwrap(), before);
}
