//! Postmortem 001 (Deno, Tuesday 27 July 2021): a release dropped a database column while
//! instances running the old code still polled it; they crashed until the rollout replaced
//! them. Replayed with the `schema-migration-mismatch` runbook, exported in the Google and
//! PagerDuty layouts.
//!
//! From the write-up (UTC): 14:18 a routine deployment starts, 14:20 an automated alarm fires,
//! 14:21 the website is restored by failing over to backup Cloudflare Workers, 14:24 Deno
//! Deploy projects are restored: a 6 minute disruption. Time to detect 2 min, to mitigate 6.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::replay;

use replay::{Replay, min};

/// Long by design: the incident as the write-up tells it, one call per thing that happened, in its
/// order, so it can be read against the write-up line by line.
fn replay() -> Replay {
    let mut r = Replay::new("2021-07-27", "Z");
    r.start(
        "ana",
        "14:20",
        "schema-migration-mismatch",
        &[
            "--title",
            "Deploy projects and the website not responding during a release",
        ],
    );
    r.late("ana", "14:20", "14:18", &["milestone", "started"]);
    r.late("ana", "14:20", "14:18", &["note", "Routine release started: its migration drops a column and adds its replacement; code using the new column rolls out at the same time"]);
    r.run("ana", "14:20", &["milestone", "detected"]);
    r.run(
        "ana",
        "14:20",
        &["note", "Automated alarm: a request to the website failed"],
    );
    r.run("ana", "14:20", &["role", "ic", "ana"]);
    r.run("ana", "14:20", &["role", "ops", "bo"]);
    r.run("ana", "14:20", &["step", "acknowledge", "start"]);
    r.run("ana", "14:21", &["step", "acknowledge", "done"]);
    // The backup path was ready: the IC failed over before the first status update.
    r.run("ana", "14:21", &["decide", "backup-available", "1"]);
    r.run("ana", "14:21", &["signoff", "failover"]);
    r.run("bo", "14:21", &["step", "failover", "start"]);
    r.run("bo", "14:21:50", &["step", "failover", "done"]);
    r.run("bo", "14:21:50", &["step", "verify-backup", "start"]);
    r.run("bo", "14:22", &["step", "verify-backup", "done"]);
    r.run(
        "bo",
        "14:22",
        &[
            "note",
            "Website served from the backup Cloudflare Workers; Deploy projects still unreachable",
        ],
    );
    r.run("bo", "14:22", &["step", "fleet-versions", "start"]);
    r.run("bo", "14:23", &["note", "Two image tags in the fleet: old pods crash-loop on the dropped column, new pods are healthy"]);
    r.run("bo", "14:23", &["step", "fleet-versions", "done"]);
    r.run("bo", "14:23", &["step", "confirm-schema", "start"]);
    r.run("bo", "14:23:30", &["step", "confirm-schema", "done"]);
    r.run("ana", "14:23:40", &["decide", "decide-direction", "1"]);
    r.run("bo", "14:23:40", &["step", "roll-forward", "start"]);
    r.run("bo", "14:24", &["step", "roll-forward", "done"]);
    r.run("ana", "14:24", &["milestone", "mitigated"]);
    r.run("ana", "14:25", &["role", "comms", "carol"]);
    r.run(
        "carol",
        "14:26",
        &[
            "step",
            "first-update",
            "skip",
            "--reason",
            "Service was back at 14:24; a resolved notice goes on the status page instead",
        ],
    );
    r.run("bo", "14:26", &["step", "verify-fleet", "start"]);
    r.run("bo", "14:36", &["step", "verify-fleet", "done"]);
    r.run("ana", "14:36", &["decide", "decide-verified", "1"]);
    r.run("ana", "14:37", &["step", "mitigated", "done"]);
    r.run("ana", "14:37", &["decide", "did-failover", "1"]);
    r.run("ana", "14:38", &["signoff", "fail-back"]);
    r.run("bo", "14:38", &["step", "fail-back", "start"]);
    r.run("bo", "14:40", &["step", "fail-back", "done"]);
    r.run("ana", "14:41", &["step", "stable", "start"]);
    r.run("bo", "14:50", &["note", "Staging logs showed the same crashes during the staging rollout; no test failed and no alert fired"]);
    r.run("ana", "15:11", &["step", "stable", "done"]);
    r.run("carol", "15:12", &["step", "all-clear", "start"]);
    r.run("carol", "15:14", &["step", "all-clear", "done"]);
    r.run(
        "ana",
        "15:15",
        &[
            "note",
            "TODO: staging alerts: errors in staging logs during a deploy fail the pipeline",
        ],
    );
    r.run(
        "bo",
        "15:16",
        &[
            "note",
            "--action",
            "Expand/contract migrations: never drop a column the deployed version still reads",
        ],
    );
    r.run("bo", "15:17", &["note", "--action", "CI check that fails a migration dropping or renaming a column the running release references"]);
    r.run("ana", "15:20", &["close"]);
    r
}

#[test]
fn schema_migration_postmortem() {
    let r = replay();
    // The write-up: alarm 2 minutes after the deploy started, service back after 6 minutes.
    let [detect, ack, mitigate, resolve] = r.metrics();
    assert_eq!((detect, mitigate), (min(2), min(6)));
    assert_eq!((ack, resolve), (min(1), min(53)));
    insta::assert_snapshot!("google", r.export(&[]));
    insta::assert_snapshot!("pagerduty", r.export(&["--template", "pagerduty"]));
}
