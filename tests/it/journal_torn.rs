//! Torn tails: whatever byte a write stopped at, the journal opens to its longest valid prefix
//! without changing the file; the next append saves the cut-off bytes aside exactly (earlier
//! saved bytes are never overwritten) and says so. Torn means incomplete: a complete line that
//! does not parse is damage, never cut off.
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
        let good_lines = boundaries.iter().filter(|&&b| b <= cut).count() - 1;
        let good_end = boundaries[good_lines];
        let context = format!("cut at byte {cut}");

        for read_only in [true, false] {
            let opened = if read_only {
                Journal::<Rec>::open_read_only(&path).unwrap()
            } else {
                Journal::<Rec>::open(&path).unwrap()
            };
            assert_eq!(opened.damage, None, "{context}");
            assert_eq!(opened.records.len(), good_lines, "{context}");
            for (i, record) in opened.records.iter().enumerate() {
                assert_eq!(*record, rec(i as u64 + 1), "{context}");
            }
            assert_eq!(opened.journal.last_seq(), good_lines as u64, "{context}");
            assert_eq!(
                fs::read(&path).unwrap(),
                &full[..cut],
                "{context}: open changed it"
            );
            assert!(!torn_path(&path, 1).exists(), "{context}");
            match &opened.torn {
                None => assert_eq!(cut, good_end, "{context}"),
                Some(torn) => {
                    assert_eq!(torn.line, good_lines + 1, "{context}");
                    assert_eq!(torn.byte_offset, good_end as u64, "{context}");
                    assert_eq!(torn.bytes, (cut - good_end) as u64, "{context}");
                }
            }
        }

        // The append moves the torn bytes aside, takes the next seq, and reads back whole.
        let mut journal = Journal::<Rec>::open(&path).unwrap().journal;
        let appended = journal.append(rec).unwrap();
        assert_eq!(appended.record.seq, good_lines as u64 + 1, "{context}");
        assert!(appended.caught_up.is_empty(), "{context}");
        if cut == good_end {
            assert_eq!(appended.recovery, None, "{context}");
        } else {
            let recovery = appended.recovery.clone().expect(&context);
            assert_eq!(recovery.line, good_lines + 1, "{context}");
            assert_eq!(recovery.bytes, cut - good_end, "{context}");
            assert_eq!(recovery.saved_to, torn_path(&path, 1), "{context}");
            assert_eq!(
                fs::read(&recovery.saved_to).unwrap(),
                &full[good_end..cut],
                "{context}: saved bytes differ from the removed ones"
            );
        }
        let reopened = Journal::<Rec>::open(&path).unwrap();
        assert_eq!(reopened.records.len(), good_lines + 1, "{context}");
        assert_eq!(reopened.torn, None, "{context}");
    }
}

#[test]
fn a_second_torn_tail_is_saved_beside_the_first_not_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut journal = Journal::<Rec>::create(&path).unwrap();
    journal.append(rec).unwrap();
    append_raw(&path, b"{\"seq\":2,\"bo");
    let first = journal.append(rec).unwrap().recovery.unwrap();
    append_raw(&path, b"{\"seq\":3");
    let second = journal.append(rec).unwrap().recovery.unwrap();

    assert_eq!(first.saved_to, torn_path(&path, 1));
    assert_eq!(second.saved_to, torn_path(&path, 2));
    assert_eq!(fs::read(&first.saved_to).unwrap(), b"{\"seq\":2,\"bo");
    assert_eq!(fs::read(&second.saved_to).unwrap(), b"{\"seq\":3");
    assert_eq!(
        runbook::journal::torn_copies(&path),
        [torn_path(&path, 1), torn_path(&path, 2)]
    );
}

#[test]
fn a_complete_unreadable_last_line_is_damage_not_torn() {
    // What a power cut can leave: the size grew but the data blocks are zeros. The line is
    // complete (it ends with a newline), so it is not an unfinished write: nothing is cut, no
    // seq is reused, and the journal is read-only naming the line.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let mut journal = Journal::<Rec>::create(&path).unwrap();
    journal.append(rec).unwrap();
    journal.append(rec).unwrap();
    append_raw(&path, b"\0\0\0\0\0\0\0\n");
    let before = fs::read(&path).unwrap();

    let opened = Journal::<Rec>::open(&path).unwrap();
    assert_eq!(opened.torn, None);
    assert_eq!(opened.records.len(), 2);
    let damage = opened.damage.clone().unwrap();
    assert_eq!((damage.line, damage.rest), (3, 8));
    assert!(damage.message.contains("not a JSON object"), "{damage}");
    let mut journal = opened.journal;
    let err = journal.append(rec).unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(!torn_path(&path, 1).exists());
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
    assert_eq!(reopened.torn, None);
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
    let opened = Journal::<Rec>::open_read_only(&path).unwrap();
    assert_eq!(opened.torn.map(|t| (t.line, t.bytes)), Some((2, 9)));
    let mut read_only = opened.journal;
    assert!(read_only.is_read_only());
    assert!(
        read_only.append(rec).is_err(),
        "a read-only handle appended"
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "a reader changed the file"
    );
    assert!(!torn_path(&path, 1).exists());
}
