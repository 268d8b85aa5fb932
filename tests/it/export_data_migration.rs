//! Postmortem 004 (Netlify, "Learning Review for our Feb 2 Origin Outage"; 2 February 2017):
//! a data migration overwrote the metadata of 5.2% of deploys; sites 404ed at origin and the
//! API failed. Rebuilds ran while a backup was restored; the snapshot could have been mounted
//! read-only much sooner. Replayed with the `data-migration-overwrite` runbook, exported in
//! the Google and Atlassian layouts.
//!
//! The write-up's times are Pacific Standard Time (UTC-8), given here with their offset:
//! 9:17 the migration fails and alerts fire at once; 10:20 scripts push stuck deploys; 11:25
//! builds go through normally; 12:30 metadata readable from the backup; 13:45 restores
//! scripted; 15:15 every deploy present in the backup restored (mitigated); 15:46 every
//! affected deploy dealt with (resolved). Time to resolve 6 h 29 min.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::replay;

use replay::{Replay, min};

/// Long by design: the incident as the write-up tells it, one call per thing that happened, in its
/// order, so it can be read against the write-up line by line.
fn replay() -> Replay {
    let mut r = Replay::new("2017-02-02", "-08:00");
    r.start(
        "chris",
        "09:19",
        "data-migration-overwrite",
        &[
            "--title",
            "Deploy metadata overwritten by a migration: sites 404 at origin, API errors",
        ],
    );
    r.late("chris", "09:19", "09:17", &["milestone", "started"]);
    r.late("chris", "09:19", "09:17", &["milestone", "detected"]);
    r.late("chris", "09:19", "09:17", &["note", "The migration failed and overwrote deploy metadata; alerts for failed origin requests fired at once"]);
    r.run("chris", "09:19", &["role", "ic", "chris"]);
    r.run("chris", "09:19", &["role", "ops", "mia"]);
    r.run("chris", "09:19", &["role", "restore", "raj"]);
    r.run("chris", "09:19", &["role", "scribe", "tim"]);
    r.run("chris", "09:19", &["step", "acknowledge", "start"]);
    r.run("chris", "09:22", &["step", "acknowledge", "done"]);
    r.run("mia", "09:22", &["step", "find-writer", "start"]);
    r.run(
        "mia",
        "09:23",
        &[
            "note",
            "The migration had already finished: nothing running on the deploys collection",
        ],
    );
    r.run("mia", "09:23", &["step", "find-writer", "done"]);
    r.run("mia", "09:23", &["step", "stop-bleeding", "start"]);
    r.run("mia", "09:26", &["step", "stop-bleeding", "done"]);
    r.run("chris", "09:26", &["role", "comms", "sara"]);
    r.run("sara", "09:27", &["step", "first-update", "start"]);
    r.run(
        "raj",
        "09:30",
        &[
            "step",
            "snapshot-now",
            "skip",
            "--reason",
            "Rebuilds started at once; the latest backup is the reference copy",
        ],
    );
    r.run("mia", "09:31", &["step", "affected-set", "start"]);
    r.run("sara", "09:35", &["step", "first-update", "done"]);
    r.run("raj", "09:40", &["step", "find-snapshot", "start"]);
    r.run("raj", "09:45", &["step", "find-snapshot", "done"]);
    r.run("raj", "09:45", &["step", "mount-snapshot", "start"]);
    r.run(
        "mia",
        "09:50",
        &[
            "note",
            "5.2% of deploys have overwritten metadata; every affected site deploys from git",
        ],
    );
    r.run("mia", "09:50", &["step", "affected-set", "done"]);
    r.run("chris", "09:50", &["step", "prioritise", "start"]);
    r.run(
        "chris",
        "09:58",
        &[
            "note",
            "Enterprise and Global plan sites first, then sites reported down through support",
        ],
    );
    r.run("chris", "09:58", &["step", "prioritise", "done"]);
    r.run("mia", "10:00", &["step", "trigger-rebuilds", "start"]);
    r.run(
        "mia",
        "10:05",
        &[
            "note",
            "Rebuilds fail at publish: the timestamp comparison reads the broken previous deploy",
        ],
    );
    r.run(
        "mia",
        "10:20",
        &[
            "note",
            "Emergency script pushes the stuck deploys through automatically",
        ],
    );
    r.run(
        "mia",
        "11:25",
        &[
            "note",
            "Fix live in the background processors: new builds go through normally",
        ],
    );
    r.run("mia", "11:25", &["step", "trigger-rebuilds", "done"]);
    r.run("raj", "12:30", &["note", "Read-only database on the snapshot, mounted from S3 over FUSE: deploy metadata readable"]);
    r.run("raj", "12:30", &["step", "mount-snapshot", "done"]);
    r.run("raj", "12:32", &["step", "verify-snapshot", "start"]);
    r.run("raj", "12:35", &["step", "verify-snapshot", "done"]);
    r.run("chris", "12:35", &["decide", "decide-snapshot", "1"]);
    r.run("raj", "12:36", &["step", "restore-dry-run", "start"]);
    r.run("raj", "12:45", &["step", "restore-dry-run", "done"]);
    r.run("mia", "12:46", &["signoff", "restore-apply"]);
    r.run("raj", "12:46", &["step", "restore-apply", "start"]);
    r.run(
        "raj",
        "13:45",
        &[
            "note",
            "Restore scripted: sites go back to their last good deploy one by one",
        ],
    );
    r.run("raj", "13:45", &["step", "restore-apply", "done"]);
    r.run("chris", "13:46", &["decide", "more-batches", "1"]);
    r.run("raj", "13:47", &["step", "restore-dry-run", "start"]);
    r.run("raj", "13:55", &["step", "restore-dry-run", "done"]);
    r.run("chris", "13:56", &["signoff", "restore-apply"]);
    r.run("raj", "13:56", &["step", "restore-apply", "start"]);
    r.run(
        "raj",
        "15:15",
        &[
            "note",
            "Every affected deploy present in the backup is restored",
        ],
    );
    r.run("raj", "15:15", &["step", "restore-apply", "done"]);
    r.run("chris", "15:15", &["milestone", "mitigated"]);
    r.run("chris", "15:16", &["decide", "more-batches", "2"]);
    r.run("raj", "15:16", &["step", "reconcile", "start"]);
    r.run("raj", "15:46", &["note", "Every affected deploy dealt with: restored from the backup or reverted to its last good state"]);
    r.run("raj", "15:46", &["step", "reconcile", "done"]);
    r.run("chris", "15:46", &["milestone", "resolved"]);
    r.run("mia", "15:50", &["step", "mitigated", "done"]);
    r.run("mia", "15:52", &["step", "unfreeze", "start"]);
    r.run("mia", "16:00", &["step", "unfreeze", "done"]);
    r.run("sara", "16:00", &["step", "resolve", "start"]);
    r.run("sara", "16:05", &["step", "resolve", "done"]);
    r.run("tim", "16:10", &["note", "Sites deployed during the incident may have files that did not upload correctly: contact those customers"]);
    r.run("chris", "16:15", &["note", "TODO: peer sign-off for every custom write query on live data, enforced by the console tooling"]);
    r.run(
        "raj",
        "16:16",
        &[
            "note",
            "--action",
            "Snapshot the database before any write query touching more than one document",
        ],
    );
    r.run(
        "mia",
        "16:17",
        &[
            "note",
            "--action",
            "Log the tree pointer whenever it is set on a deploy",
        ],
    );
    r.run(
        "raj",
        "16:18",
        &[
            "note",
            "--action",
            "Document mounting a snapshot as a read-only database, and drill it",
        ],
    );
    r.run(
        "mia",
        "16:19",
        &[
            "note",
            "--action",
            "Rebuild a specific deploy from the same commit, through the API and the UI",
        ],
    );
    r.run("chris", "16:30", &["close"]);
    r
}

#[test]
fn data_migration_postmortem() {
    let r = replay();
    // 9:17 to 15:46 PST: six and a half hours; 15:15 when the backup's deploys were restored.
    let [detect, ack, mitigate, resolve] = r.metrics();
    assert_eq!((detect, resolve), (min(0), min(6 * 60 + 29)));
    assert_eq!((ack, mitigate), (min(5), min(5 * 60 + 58)));
    insta::assert_snapshot!("google", r.export(&[]));
    insta::assert_snapshot!(
        "atlassian_los_angeles",
        r.export(&["--template", "atlassian", "--tz", "America/Los_Angeles"])
    );
}
