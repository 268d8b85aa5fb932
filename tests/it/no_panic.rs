//! No input reaches a panic: property tests that mutate real material (the bundled runbooks
//! and scenarios, and journals the CLI writes) and feed it to the same bodies the fuzz targets
//! run (`runbook::fuzzing`): the loader and validator, the scenario loader, journal lines into
//! the fold and every reader of an incident. The fuzzers run far longer (docs/fuzzing.md);
//! these keep the property in every test run.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use proptest::prelude::*;
use runbook::drill::catalog::BUNDLED as SCENARIOS;
use runbook::fuzzing;
use runbook::runbook::library::BUNDLED as RUNBOOKS;

/// One edit of a byte string: what fuzzers do, at positions scaled to its length.
#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    /// Copies a span over another place: duplicated tables, keys and values.
    Splice(usize, usize, usize),
}

/// Interesting bytes and snippets: TOML and JSON syntax, huge and odd values.
fn snippet() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 1..8),
        Just(b"\"99999999d\"".to_vec()),
        Just(b"30d1s".to_vec()),
        Just(b"[[steps]]\n".to_vec()),
        Just(b"\"9999-12-31T23:59:59.999Z\"".to_vec()),
        Just(b"\"0000-01-01T00:00:00.000Z\"".to_vec()),
        Just(b"18446744073709551615".to_vec()),
        Just(b"-9223372036854775808".to_vec()),
        Just(b"1e308".to_vec()),
        Just("\u{1b}[2J\u{202e}\u{2028}\u{e0041}".as_bytes().to_vec()),
        Just(b"{\"".to_vec()),
        Just(b"\n".to_vec()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<usize>(), snippet()).prop_map(|(i, s)| Edit::Insert(i, s)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), 1usize..200, any::<usize>()).prop_map(|(a, n, b)| Edit::Splice(a, n, b)),
    ]
}

fn apply(mut data: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = data.len().max(1);
        match e {
            Edit::Replace(i, b) => {
                if let Some(x) = data.get_mut(i % len) {
                    *x = *b;
                }
            }
            Edit::Insert(i, s) => {
                let at = i % (data.len() + 1);
                data.splice(at..at, s.iter().copied());
            }
            Edit::Delete(i, n) => {
                let at = i % len;
                let end = (at + n).min(data.len());
                if at < end {
                    data.drain(at..end);
                }
            }
            Edit::Splice(a, n, b) => {
                let from = a % len;
                let span: Vec<u8> = data.iter().skip(from).take(*n).copied().collect();
                let at = b % (data.len() + 1);
                data.splice(at..at, span);
            }
        }
    }
    data
}

/// Journals the CLI wrote (a closed incident; a drill of the etcd runbook with injects, notes
/// and steps) and the hand-written ones the fuzz regressions keep.
fn journals() -> Vec<Vec<u8>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut out: Vec<Vec<u8>> = ["tests/fixtures/journals", "tests/fixtures/fuzz/journal"]
        .iter()
        .flat_map(|d| std::fs::read_dir(format!("{root}/{d}")).unwrap())
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn mutated_bundled_runbooks_never_panic(
        which in 0..RUNBOOKS.len(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let data = apply(RUNBOOKS[which].1.as_bytes().to_vec(), &edits);
        fuzzing::runbook(&data);
    }

    #[test]
    fn mutated_bundled_scenarios_never_panic(
        which in 0..SCENARIOS.len(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let data = apply(SCENARIOS[which].1.as_bytes().to_vec(), &edits);
        fuzzing::scenario(&data);
    }

    #[test]
    fn mutated_journals_never_panic_the_fold_or_its_readers(
        which in 0usize..64,
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let all = journals();
        let data = apply(all[which % all.len()].clone(), &edits);
        fuzzing::journal(&data);
    }
}

#[test]
fn the_material_mutated_is_real_and_loads_unmutated() {
    for (name, text) in RUNBOOKS {
        assert!(runbook::runbook::parse_source(text).is_ok(), "{name}");
    }
    assert!(SCENARIOS.len() >= 5);
    assert!(journals().len() >= 4);
    for name in ["disk-full-closed", "etcd-drill-injects"] {
        let path = format!(
            "{}/tests/fixtures/journals/{name}.jsonl",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read(path).unwrap();
        let records: Vec<_> = text
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| runbook::domain::event::Record::from_line(l).unwrap())
            .collect();
        let inc = runbook::domain::incident::fold(&records, &runbook::store::parse_runbook);
        assert!(inc.is_ok(), "{name}: {inc:?}");
    }
}
