//! Postmortem 000 (Deno, 30 May 2022): a load test's scale-down flooded etcd with writes, the
//! members were OOM-killed and service discovery lost quorum. Replayed through the CLI with
//! the `etcd-quorum-loss` runbook, then exported.
//!
//! From the write-up (UTC): 22:12 load test starts (disruption begins), 22:13 it ends, 22:15
//! uptime monitoring alarms, 22:25 etcd found disintegrated (OOM crash loop), 22:50-23:01 the
//! cluster is recreated on a larger instance size, 23:25 all services re-registered.
//! So: time to detect 3 min, to mitigate 49 min, to resolve 73 min.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::replay;

use replay::{Replay, min};

/// Long by design: the incident as the write-up tells it, one call per thing that happened, in its
/// order, so it can be read against the write-up line by line.
fn replay() -> Replay {
    let mut r = Replay::new("2022-05-30", "Z");
    let title = "Deploy projects unreachable in some regions, new deployments failing";
    r.start(
        "ana",
        "22:16",
        "etcd-quorum-loss",
        &["--severity", "sev2", "--title", title],
    );
    r.run("ana", "22:16", &["role", "ic", "ana"]);
    r.late("ana", "22:16", "22:15", &["milestone", "detected"]);
    r.late(
        "ana",
        "22:16",
        "22:15",
        &[
            "note",
            "Uptime monitoring alarm: several Deploy-hosted properties unavailable in some regions",
        ],
    );
    r.run("ana", "22:16", &["step", "acknowledge", "start"]);
    r.run("ana", "22:17", &["role", "ops", "bo"]);
    r.run("ana", "22:17", &["role", "comms", "carol"]);
    r.run("ana", "22:18", &["step", "acknowledge", "done"]);
    r.run("carol", "22:18", &["step", "first-update", "start"]);
    r.run("bo", "22:19", &["step", "etcd-health", "start"]);
    r.run(
        "bo",
        "22:21",
        &[
            "note",
            "etcdctl endpoint health: 2 of 3 endpoints time out, no leader",
        ],
    );
    r.run("bo", "22:22", &["step", "etcd-health", "fail"]);
    r.run("bo", "22:22", &["step", "check-oom", "start"]);
    r.run("carol", "22:23", &["step", "first-update", "done"]);
    r.run("bo", "22:25", &["note", "etcd-0 and etcd-2 in a restart loop: etcd fills the VM's RAM right after start and is OOM-killed"]);
    r.run("bo", "22:25", &["step", "check-oom", "done"]);
    r.run("ana", "22:25", &["severity", "sev1"]);
    r.run("ana", "22:26", &["decide", "decide-cause", "1"]);
    r.run("bo", "22:26", &["step", "stop-churn", "start"]);
    r.run("bo", "22:28", &["step", "stop-churn", "done"]);
    r.run("bo", "22:28", &["step", "save-data", "start"]);
    r.run("ana", "22:30", &["role", "scribe", "dan"]);
    r.late(
        "dan",
        "22:31",
        "22:12",
        &[
            "note",
            "Load test across the whole Deploy network started; the fleet scaled up",
        ],
    );
    r.late(
        "dan",
        "22:31",
        "22:13",
        &[
            "note",
            "Load test ended; the autoscaler scaled back down: a burst of etcd updates",
        ],
    );
    r.late("dan", "22:32", "22:12", &["milestone", "started"]);
    r.run("bo", "22:38", &["step", "save-data", "done"]);
    r.run("ana", "22:40", &["decide", "choose-recovery", "2"]);
    r.run("ana", "22:40", &["note", "--decision", "Recreate the cluster on a larger instance type instead of repairing members: discovery data is re-registered by its owners"]);
    r.run("ana", "22:49", &["signoff", "restore-new-cluster"]);
    r.run("bo", "22:50", &["step", "restore-new-cluster", "start"]);
    r.run("bo", "23:01", &["step", "restore-new-cluster", "done"]);
    r.run("ana", "23:01", &["milestone", "mitigated"]);
    r.run("bo", "23:01", &["step", "verify-quorum", "start"]);
    r.run("bo", "23:04", &["step", "verify-quorum", "done"]);
    r.run("ana", "23:05", &["decide", "decide-quorum", "1"]);
    r.run("bo", "23:05", &["step", "reregister", "start"]);
    r.run("ana", "23:10", &["role", "comms", "dan"]);
    r.run(
        "bo",
        "23:25",
        &[
            "note",
            "All services registered with the new etcd cluster; traffic and deploys normal",
        ],
    );
    r.run("bo", "23:25", &["step", "reregister", "done"]);
    r.run("ana", "23:25", &["milestone", "resolved"]);
    r.run("bo", "23:26", &["step", "verify-service", "start"]);
    r.run("bo", "23:30", &["step", "verify-service", "done"]);
    r.run(
        "bo",
        "23:31",
        &[
            "step",
            "resume-churn",
            "skip",
            "--reason",
            "Autoscaling stays suspended until the etcd memory alert is in place",
        ],
    );
    r.run("ana", "23:31", &["step", "stable", "start"]);
    r.day("2022-05-31");
    r.run("ana", "00:05", &["step", "stable", "done"]);
    r.run("dan", "00:06", &["step", "all-clear", "start"]);
    r.run("dan", "00:08", &["step", "all-clear", "done"]);
    r.run(
        "ana",
        "00:10",
        &[
            "note",
            "TODO: alert when etcd memory use approaches the VM's limit",
        ],
    );
    r.run(
        "bo",
        "00:11",
        &[
            "note",
            "--action",
            "Add etcd health checks to the uptime suite, not only the services on top of it",
        ],
    );
    r.run(
        "ana",
        "00:12",
        &[
            "note",
            "--action",
            "Move the etcd launch template and IaC to the larger instance type",
        ],
    );
    r.run("ana", "00:15", &["close"]);
    r
}

#[test]
fn etcd_quorum_loss_postmortem() {
    let r = replay();
    // The durations the write-up states: 3 min to detect, 49 to mitigate, 73 to resolve.
    assert_eq!(r.metrics(), [min(3), min(3), min(49), min(73)]);
    let md = r.export(&[]);
    assert!(
        md.contains("| Time to resolve | 1h13m | started 22:12 → resolved 23:25 |"),
        "{md}"
    );
    insta::assert_snapshot!("google", md);
}
