//! Live reload: the watcher sees writes, editor-style rename-over saves and deletes in a
//! runbook directory, and the reloader reflects each, keeping the last good version of a
//! file that stops validating. Waits are bounded polls of a channel, never fixed sleeps.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use runbook::runbook::library::Root;
use runbook::runbook::starter::starter;
use runbook::runbook::watch::{Reloader, watch};
use std::sync::mpsc;
use std::time::Duration;

fn ids(r: &mut Reloader) -> Vec<String> {
    let current = r.reload();
    let mut v: Vec<String> = current.iter().map(|c| c.runbook.id.clone()).collect();
    v.sort();
    v
}

/// Waits (bounded) until the reloaded library satisfies `pred`, reloading after each
/// notification. Fails the test after 20 s.
fn wait_until(
    rx: &mpsc::Receiver<()>,
    r: &mut Reloader,
    what: &str,
    pred: impl Fn(&[runbook::runbook::watch::Current]) -> bool,
) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let current = r.reload();
        if pred(&current) {
            return;
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if rx.recv_timeout(left).is_err() {
            panic!("timed out waiting for: {what}");
        }
    }
}

#[test]
fn write_rename_over_invalid_edit_and_delete_are_each_reflected() {
    let d = tempfile::tempdir().unwrap();
    let roots = vec![Root::Dir(d.path().to_path_buf())];
    let mut r = Reloader::new(roots.clone(), true);
    assert!(ids(&mut r).is_empty());
    let (tx, rx) = mpsc::channel();
    let _w = watch(&roots, move || {
        let _ = tx.send(());
    })
    .expect("a watcher");

    // A new file.
    std::fs::write(d.path().join("alpha.toml"), starter("alpha", "demo")).unwrap();
    wait_until(&rx, &mut r, "alpha to appear", |c| {
        c.iter().any(|x| x.runbook.id == "alpha")
    });

    // Saved the way vim does: write a new file, rename it over the old one.
    let edited =
        starter("alpha", "demo").replace("Describe the incident in one line", "Alpha, edited");
    std::fs::write(d.path().join(".alpha.toml.swp"), &edited).unwrap();
    std::fs::rename(
        d.path().join(".alpha.toml.swp"),
        d.path().join("alpha.toml"),
    )
    .unwrap();
    wait_until(&rx, &mut r, "the renamed-over edit", |c| {
        c.iter().any(|x| x.runbook.title == "Alpha, edited")
    });

    // An invalid edit: the last good version stays, with the errors attached.
    std::fs::write(
        d.path().join("alpha.toml"),
        edited.replace("severity = \"sev2\"", "severity = \"sev9\""),
    )
    .unwrap();
    wait_until(&rx, &mut r, "the bad edit to be reported", |c| {
        c.iter().any(|x| x.problems.is_some())
    });
    let current = r.reload();
    let alpha = current.iter().find(|x| x.runbook.id == "alpha").unwrap();
    assert_eq!(
        alpha.runbook.title, "Alpha, edited",
        "the last good version"
    );
    assert!(
        alpha
            .problems
            .as_deref()
            .unwrap()
            .contains("unknown severity \"sev9\"")
    );

    // Deleted: gone.
    std::fs::remove_file(d.path().join("alpha.toml")).unwrap();
    wait_until(&rx, &mut r, "alpha to disappear", |c| c.is_empty());
}

#[test]
fn without_a_directory_there_is_nothing_to_watch() {
    assert!(watch(&[Root::Bundled], || {}).is_none());
    assert!(watch(&[Root::Dir("/nonexistent-runbooks".into())], || {}).is_none());
}
