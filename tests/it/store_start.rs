//! Starting an incident: the journal appears complete or not at all, no temporary file is ever
//! left or listed, an empty journal (what a crash used to leave) is listed as such with how to
//! remove it and never breaks a listing, and the state directory is private whatever the umask
//! (with a warning when an existing one is open to others).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;

use crate::support::cli_env::Env;

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn start_leaves_exactly_one_complete_journal_and_no_temporary_file() {
    let e = Env::new();
    let now = "2026-05-30T22:12:00Z";
    let a = e
        .ok_at(now, &["start", "disk-full", "--no-tui"])
        .trim()
        .to_string();
    let b = e
        .ok_at(now, &["start", "disk-full", "--no-tui"])
        .trim()
        .to_string();
    assert_eq!(
        names(&e.state.path().join("incidents")),
        [format!("{b}.jsonl"), format!("{a}.jsonl")],
        "sorted: {b} before {a}"
    );
    for inc in [&a, &b] {
        let j = e.journal(inc);
        assert_eq!(j.len(), 1);
        assert_eq!(j[0]["kind"], "incident_opened");
        assert_eq!(j[0]["incident"], inc.as_str());
    }
}

#[test]
fn an_empty_journal_is_listed_as_such_and_breaks_nothing() {
    let e = Env::new();
    let good = e.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let empty = e
        .state
        .path()
        .join("incidents/20200101-0000-disk-full.jsonl");
    fs::write(&empty, b"").unwrap();
    // What a crash between creating the temporary file and linking it leaves: hidden.
    let tmp = e
        .state
        .path()
        .join("incidents/.20200102-0000-disk-full.jsonl.4242.0.tmp");
    fs::write(&tmp, b"{\"seq\":1}\n").unwrap();

    for args in [&["incidents"][..], &["incidents", "--all"]] {
        let out = e.run(args);
        assert!(out.status.success(), "{args:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stdout.contains(&good), "{stdout}");
        assert!(
            !stdout.contains("20200102") && !stderr.contains("20200102"),
            "temp listed"
        );
        assert!(
            stderr.contains(&format!(
                "cannot read incident 20200101-0000-disk-full: {}: the journal is empty (0 bytes): it was never written; remove it with rm {}",
                empty.display(),
                empty.display()
            )),
            "{stderr}"
        );
    }
    let rows: Vec<Value> = serde_json::from_str(&e.ok(&["incidents", "--json"])).unwrap();
    assert_eq!(rows.len(), 1);
    // The only open incident is still found without naming it.
    assert!(e.ok(&["note", "still works"]).contains("recorded #2"));
    assert_eq!(fs::read(&empty).unwrap(), b"");

    // The home list shows it too, with how to remove it.
    let store = runbook::store::Store {
        dir: e.state.path().to_path_buf(),
    };
    let rows = runbook::tui::worker::incident_rows(&store);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].id, good);
    assert_eq!(rows[1].id, "20200101-0000-disk-full");
    let why = rows[1].unreadable.as_deref().unwrap_or_default();
    assert!(why.contains("remove it with rm "), "{why}");
    assert!(rows[0].unreadable.is_none());
}

#[test]
fn a_failed_creation_leaves_no_journal_behind() {
    use runbook::journal::{Journal, JournalError};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incidents/j.jsonl");
    // A record the journal must refuse to write (wrong seq): nothing may appear at all.
    let err =
        Journal::<crate::support::rec::Rec>::create_with(&path, |seq| crate::support::rec::Rec {
            seq: seq + 1,
            body: "x".into(),
        })
        .unwrap_err();
    assert!(matches!(err, JournalError::SeqMismatch { .. }), "{err}");
    assert!(!path.exists());
    // Nor when the name is taken: what is there stays, and no temporary file is left.
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"already here\n").unwrap();
    let err =
        Journal::<crate::support::rec::Rec>::create_with(&path, |seq| crate::support::rec::Rec {
            seq,
            body: "x".into(),
        })
        .unwrap_err();
    assert!(matches!(err, JournalError::AlreadyExists { .. }), "{err}");
    assert_eq!(fs::read(&path).unwrap(), b"already here\n");
    assert_eq!(names(path.parent().unwrap()), ["j.jsonl"]);
}

#[test]
fn a_fresh_state_directory_is_private_under_umask_000() {
    let e = Env::new();
    let state = e.state.path().join("fresh/state");
    let bin = env!("CARGO_BIN_EXE_runbook");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(bin)
        .args(["start", "disk-full", "--no-tui", "--state-dir"])
        .arg(&state)
        .env("HOME", e.state.path())
        .env("RUNBOOK_USER", "ana")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(mode(&e.state.path().join("fresh")), 0o700);
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join("incidents")), 0o700);
    assert_eq!(mode(&state.join(format!("incidents/{id}.jsonl"))), 0o600);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("chmod"),
        "a private state directory is not warned about"
    );
}

#[test]
fn a_state_directory_open_to_others_is_warned_about() {
    let e = Env::new();
    e.ok(&["start", "disk-full", "--no-tui"]);
    fs::set_permissions(e.state.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let err = e.fails(0, &["incidents"]);
    let warning: Vec<&str> = err.lines().filter(|l| l.contains("chmod 700")).collect();
    assert_eq!(warning.len(), 1, "{err}");
    assert!(warning[0].contains("(mode 755)"), "{err}");
    assert!(
        warning[0].ends_with(&format!("chmod 700 {}", e.state.path().display())),
        "{err}"
    );
    fs::set_permissions(e.state.path(), fs::Permissions::from_mode(0o700)).unwrap();
    assert!(!e.fails(0, &["incidents"]).contains("chmod"));
}
