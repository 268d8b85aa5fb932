//! Torn tails: whatever byte a write stopped at, the journal opens to its longest valid prefix,
//! with the cut-off bytes saved aside exactly, and earlier saved bytes never overwritten.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use runbook::journal::Journal;

use crate::support::rec::Rec;

/// Bodies that make truncation land inside escapes and multi-byte characters.
fn body_for(seq: u64) -> String {
    match seq % 4 {
        0 => format!("plain {seq}"),
        1 => format!("line one\nline two \"quoted\" \\ back {seq}"),
        2 => format!("ünïcödé ✓ 🚨 {seq}"),
        _ => format!("{}{seq}", "x".repeat(seq as usize)),
    }
}

fn rec(seq: u64) -> Rec {
    Rec {
        seq,
        body: body_for(seq),
    }
}

/// A journal with `n` records written through `append`; returns its bytes.
fn sample_bytes(dir: &Path, n: u64) -> Vec<u8> {
    let path = dir.join("sample.jsonl");
    let mut journal = Journal::<Rec>::create(&path).expect("create");
    for _ in 0..n {
        journal.append(rec).expect("append");
    }
    fs::read(&path).expect("read sample")
}

fn torn_path(path: &Path, n: u32) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    if n == 1 {
        name.push(".torn");
    } else {
        name.push(format!(".torn.{n}"));
    }
    PathBuf::from(name)
}

fn append_raw(path: &Path, bytes: &[u8]) {
    OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("raw append");
}

#[test]
fn every_truncation_point_opens_to_the_longest_valid_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let full = sample_bytes(dir.path(), 20);
    // Byte offsets just after each newline, and 0: cutting there leaves a shorter, valid journal.
    let mut boundaries = vec![0];
    boundaries.extend(
        full.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    assert_eq!(boundaries.len(), 21);

    for cut in 0..=full.len() {
        let path = dir.path().join(format!("cut-{cut}.jsonl"));
        fs::write(&path, &full[..cut]).unwrap();
        let opened = Journal::<Rec>::open(&path).unwrap();
        let good_lines = boundaries.iter().filter(|&&b| b <= cut).count() - 1;
        let good_end = boundaries[good_lines];
        let context = format!("cut at byte {cut}");

        assert_eq!(opened.damage, None, "{context}");
        assert_eq!(opened.records.len(), good_lines, "{context}");
        for (i, record) in opened.records.iter().enumerate() {
            assert_eq!(*record, rec(i as u64 + 1), "{context}");
        }
        assert_eq!(opened.journal.last_seq(), good_lines as u64, "{context}");
        assert_eq!(fs::read(&path).unwrap(), &full[..good_end], "{context}");

        if cut == good_end {
            assert_eq!(opened.recovery, None, "{context}");
            assert!(!torn_path(&path, 1).exists(), "{context}");
        } else {
            let recovery = opened.recovery.clone().expect(&context);
            assert_eq!(recovery.line, good_lines + 1, "{context}");
            assert_eq!(recovery.bytes, cut - good_end, "{context}");
            assert_eq!(recovery.saved_to, torn_path(&path, 1), "{context}");
            assert_eq!(
                fs::read(&recovery.saved_to).unwrap(),
                &full[good_end..cut],
                "{context}: saved bytes differ from the removed ones"
            );
        }

        // The repaired journal takes the next record at the right seq, and reads back whole.
        let mut journal = opened.journal;
        let appended = journal.append(rec).unwrap();
        assert_eq!(appended.record.seq, good_lines as u64 + 1, "{context}");
        assert!(appended.caught_up.is_empty(), "{context}");
        let reopened = Journal::<Rec>::open(&path).unwrap();
        assert_eq!(reopened.records.len(), good_lines + 1, "{context}");
        assert_eq!(reopened.recovery, None, "{context}");
    }
}

#[test]
fn a_second_torn_tail_is_saved_beside_the_first_not_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut journal = Journal::<Rec>::create(&path).unwrap();
    journal.append(rec).unwrap();
    append_raw(&path, b"{\"seq\":2,\"bo");
    let first = Journal::<Rec>::open(&path).unwrap().recovery.unwrap();
    append_raw(&path, b"{\"seq\":2");
    let second = Journal::<Rec>::open(&path).unwrap().recovery.unwrap();

    assert_eq!(first.saved_to, torn_path(&path, 1));
    assert_eq!(second.saved_to, torn_path(&path, 2));
    assert_eq!(fs::read(&first.saved_to).unwrap(), b"{\"seq\":2,\"bo");
    assert_eq!(fs::read(&second.saved_to).unwrap(), b"{\"seq\":2");
}

#[test]
fn an_unreadable_last_line_with_its_newline_is_torn_too() {
    // What a power cut can leave: the size grew but the data blocks are zeros.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut journal = Journal::<Rec>::create(&path).unwrap();
    journal.append(rec).unwrap();
    journal.append(rec).unwrap();
    let good = fs::read(&path).unwrap();
    append_raw(&path, b"\0\0\0\0\0\0\0\n");

    let opened = Journal::<Rec>::open(&path).unwrap();
    assert_eq!(opened.damage, None);
    assert_eq!(opened.records.len(), 2);
    let recovery = opened.recovery.unwrap();
    assert_eq!(recovery.line, 3);
    assert_eq!(recovery.bytes, 8);
    assert!(recovery.reason.contains("not a JSON object"), "{recovery}");
    assert_eq!(fs::read(&path).unwrap(), good);
}

#[test]
fn append_repairs_a_torn_tail_left_by_a_crashed_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut journal = Journal::<Rec>::create(&path).unwrap();
    journal.append(rec).unwrap();
    // Another writer appends one record, then dies halfway through the next.
    let mut other = Journal::<Rec>::open(&path).unwrap().journal;
    other.append(rec).unwrap();
    let torn: &[u8] = b"{\"seq\":3,\"body\":\"unfinis";
    append_raw(&path, torn);

    let appended = journal.append(rec).unwrap();
    assert_eq!(appended.caught_up, vec![rec(2)]);
    assert_eq!(appended.record, rec(3));
    let recovery = appended.recovery.unwrap();
    assert_eq!((recovery.line, recovery.bytes), (3, torn.len()));
    assert_eq!(fs::read(&recovery.saved_to).unwrap(), torn);

    let reopened = Journal::<Rec>::open(&path).unwrap();
    assert_eq!(reopened.records, vec![rec(1), rec(2), rec(3)]);
    assert_eq!(reopened.recovery, None);
}

#[test]
fn a_reader_leaves_a_torn_tail_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut writer = Journal::<Rec>::create(&path).unwrap();
    let mut reader = Journal::<Rec>::open(&path).unwrap().journal;
    writer.append(rec).unwrap();
    append_raw(&path, b"{\"seq\":2,");
    let before = fs::read(&path).unwrap();

    assert_eq!(reader.read_new().unwrap(), vec![rec(1)]);
    assert_eq!(reader.read_new().unwrap(), vec![]);
    assert!(!reader.is_read_only());
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "read_new changed the file"
    );
    assert!(!torn_path(&path, 1).exists());
}
