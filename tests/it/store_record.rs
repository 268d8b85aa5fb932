//! The store's record call tells apart what is on disk from what is not: refused by the rules
//! (nothing written), not written (a read-only or damaged journal; nothing written), and
//! written but not folded (durable: never to be reported as not recorded). And the recovery of
//! a torn tail comes back with the record that was written after it.

use std::fs;

use runbook::domain::clock::FixedClock;
use runbook::domain::event::Known;
use runbook::store::{RecordError, Store};

use crate::support::cli_env::Env;

fn setup() -> (Env, Store, runbook::store::IncidentId) {
    let e = Env::new();
    let inc = e.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let store = Store {
        dir: e.state.path().to_path_buf(),
    };
    (e, store, inc.parse().unwrap())
}

fn clock() -> FixedClock {
    FixedClock::new("2026-05-30T22:31:05Z".parse().unwrap())
}

fn note(text: &str) -> Known {
    Known::NoteAdded {
        text: text.to_string(),
        action_item: false,
        decision: false,
    }
}

#[test]
fn a_refusal_and_a_read_only_journal_write_nothing() {
    let (e, store, id) = setup();
    let mut s = store.open(&id).unwrap();
    let before = fs::read(e.journal_path(id.as_str())).unwrap();
    let err = s.record(&clock(), None, "ana", note("  ")).unwrap_err();
    assert!(matches!(err, RecordError::Refused(_)), "{err}");
    assert!(!err.is_written());

    let mut reader = store.read(&id).unwrap();
    let err = reader
        .record(&clock(), None, "ana", note("hi"))
        .unwrap_err();
    assert!(matches!(err, RecordError::NotWritten(_)), "{err}");
    assert!(err.to_string().contains("nothing was recorded"), "{err}");
    assert_eq!(fs::read(e.journal_path(id.as_str())).unwrap(), before);
}

#[test]
fn damage_found_under_the_lock_writes_nothing_and_names_the_line() {
    let (e, store, id) = setup();
    let mut s = store.open(&id).unwrap();
    let path = e.journal_path(id.as_str());
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"seq\":2,\"oops\n");
    fs::write(&path, &bytes).unwrap();
    let err = s.record(&clock(), None, "ana", note("hi")).unwrap_err();
    assert!(matches!(err, RecordError::NotWritten(_)), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), bytes);
    assert!(s.read_only().is_some_and(|why| why.contains("line 2")));
}

#[test]
fn an_adopted_runbook_that_does_not_parse_is_kept_and_flagged_not_fatal() {
    let (e, store, id) = setup();
    let mut s = store.open(&id).unwrap();
    // A runbook that does not parse, pinned as it is (it matches its sha256): the record is
    // history and is kept, the incident goes on with the version it had, and every reader
    // can still open it (it once made the whole incident unreadable).
    let source = "schema_version = 1\nid = ";
    let adopted = Known::RunbookAdopted {
        runbook_sha256: runbook::runbook::sha256_hex(source),
        runbook_source: source.to_string(),
    };
    let done = s.record(&clock(), None, "ana", adopted).unwrap();
    assert_eq!(done.record.seq, 2);
    assert!(
        s.incident
            .warnings
            .iter()
            .any(|w| w.contains("record 2: the adopted runbook cannot be read")),
        "{:?}",
        s.incident.warnings
    );
    let journal = e.journal(id.as_str());
    assert_eq!(journal.len(), 2);
    let again = store.read(&id).unwrap();
    assert_eq!(again.incident.runbook.id, s.incident.runbook.id);
}

#[test]
fn the_append_after_a_torn_tail_returns_where_its_bytes_went() {
    let (e, store, id) = setup();
    let path = e.journal_path(id.as_str());
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"seq\":2,\"ts\":");
    fs::write(&path, &bytes).unwrap();
    let mut s = store.open(&id).unwrap();
    assert!(
        s.notices
            .iter()
            .any(|n| n.contains(":2 (byte ") && n.contains("torn"))
    );
    assert_eq!(fs::read(&path).unwrap(), bytes, "opening repaired it");
    let done = s
        .record(&clock(), None, "ana", note("after the crash"))
        .unwrap();
    let recovery = done.recovery.expect("the repair is reported");
    assert_eq!((recovery.line, recovery.bytes), (2, 14));
    assert_eq!(fs::read(&recovery.saved_to).unwrap(), b"{\"seq\":2,\"ts\":");
    assert_eq!(done.record.seq, 2);
    assert!(s.problems.is_empty(), "{:?}", s.problems);

    // The CLI says it too, naming the .torn file.
    fs::write(
        &path,
        [fs::read(&path).unwrap(), b"{\"se".to_vec()].concat(),
    )
    .unwrap();
    let out = e.run(&["note", "--incident", id.as_str(), "again"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: before recording, line 3 was torn")
            && stderr.contains(".jsonl.torn.2"),
        "{stderr}"
    );
}
