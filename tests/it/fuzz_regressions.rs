//! Every input a fuzz target was ever found to crash or hang on (and the reported failures the
//! targets were written for), run through the same target bodies the fuzzers run
//! (`runbook::fuzzing`): `tests/fixtures/fuzz/<target>/<case>`. A panic is a failure; a case
//! that hangs never finishes, and the test runner's timeout reports it. See docs/fuzzing.md.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use runbook::fuzzing::TARGETS;
use std::path::Path;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz");

#[test]
fn every_saved_case_runs_through_its_target_without_a_panic_or_a_hang() {
    let mut ran = 0;
    for (name, target) in TARGETS {
        let dir = Path::new(DIR).join(name);
        let mut cases: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
            .collect();
        cases.sort();
        assert!(!cases.is_empty(), "{}: no cases", dir.display());
        for case in cases {
            let data = std::fs::read(&case).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{} panicked", case.display());
            ran += 1;
        }
    }
    assert!(ran >= TARGETS.len());
}

#[test]
fn every_target_has_a_directory_of_cases() {
    let names: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["runbook", "scenario", "journal", "time"]);
    for n in names {
        assert!(Path::new(DIR).join(n).is_dir(), "{n}");
    }
}
