//! Properties over many inputs: any record bodies read back exactly; any single corrupted byte
//! or any garbage after the last line is reported (never a panic, never an error from `open`,
//! never a change to the file), and never costs a record that came before it.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use runbook::journal::Journal;

use crate::support::rec::Rec;

const RECORDS: usize = 10;

fn originals() -> Vec<Rec> {
    (1..=RECORDS as u64)
        .map(|seq| Rec {
            seq,
            body: format!("record {seq} ✓ \"q\"\n"),
        })
        .collect()
}

/// The bytes of a journal holding [`originals`], written once through `append`.
fn original_bytes() -> Vec<u8> {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("j.jsonl");
            let mut journal = Journal::<Rec>::create(&path).expect("create");
            for record in originals() {
                journal.append(|_| record).expect("append");
            }
            fs::read(&path).expect("read")
        })
        .clone()
}

/// Opens `bytes` as a journal and checks the records up to line `intact_lines` survive.
fn check_prefix_survives(
    dir: &Path,
    bytes: &[u8],
    intact_lines: usize,
) -> Result<(), TestCaseError> {
    let path = dir.join("j.jsonl");
    fs::write(&path, bytes).expect("write");
    let opened = Journal::<Rec>::open(&path).expect("open must not fail on bad content");
    prop_assert_eq!(
        fs::read(&path).expect("read"),
        bytes,
        "opening changed the file"
    );
    let expected = originals();
    prop_assert!(opened.records.len() >= intact_lines);
    prop_assert_eq!(&opened.records[..intact_lines], &expected[..intact_lines]);
    if let Some(damage) = &opened.damage {
        prop_assert!(damage.line > intact_lines, "damage at line {}", damage.line);
        prop_assert!(opened.journal.is_read_only());
    }
    if let Some(torn) = &opened.torn {
        // Torn means incomplete: the bytes after the last newline, and only those.
        prop_assert!(torn.line > intact_lines);
        let tail = &bytes[torn.byte_offset as usize..];
        prop_assert_eq!(tail.len() as u64, torn.bytes);
        prop_assert!(!tail.contains(&b'\n'));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_bodies_read_back_exactly(bodies in prop::collection::vec(any::<String>(), 0..8)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mut journal = Journal::<Rec>::create(&path).unwrap();
        for body in &bodies {
            journal.append(|seq| Rec { seq, body: body.clone() }).unwrap();
        }
        let text = fs::read_to_string(&path).unwrap();
        prop_assert_eq!(text.matches('\n').count(), bodies.len());
        let opened = Journal::<Rec>::open(&path).unwrap();
        let got: Vec<String> = opened.records.into_iter().map(|r| r.body).collect();
        prop_assert_eq!(got, bodies);
    }

    #[test]
    fn one_corrupted_byte_never_costs_an_earlier_record(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = original_bytes();
        let at = at.index(bytes.len());
        bytes[at] = byte;
        let intact_lines = bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let dir = tempfile::tempdir().unwrap();
        check_prefix_survives(dir.path(), &bytes, intact_lines)?;
    }

    #[test]
    fn garbage_after_the_last_line_never_costs_a_record(garbage in prop::collection::vec(any::<u8>(), 1..64)) {
        let mut bytes = original_bytes();
        bytes.extend_from_slice(&garbage);
        let dir = tempfile::tempdir().unwrap();
        check_prefix_survives(dir.path(), &bytes, RECORDS)?;
    }
}
