//! Postmortem 002 (MemCachier, "Trouble in US-East", published 1 September 2016): connection
//! storms on cache proxies, moving between proxies and then to isolated clusters, amplified by
//! our own error logging and lsof polling; IP filters added to shed load blocked legitimate
//! customers. Replayed with the `connection-storm` runbook and exported in Pacific time.
//!
//! The write-up gives no date; the post is of 1 September 2016 and the team's later posts put
//! the incident in August, so Monday is taken as 29 August 2016. Its times say "PST" but
//! Pacific time in August is PDT (UTC-7): the team's wall clock, used here. It says: around
//! 3pm Monday very high connection counts; the first cluster stable within about 30 minutes;
//! then two other clusters; "service for most customers returned to normal within an hour";
//! it lasted "until around 11 ... on Wednesday morning" (read as 11:00). So: mitigated one
//! hour after the start, resolved 44 hours after it.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::replay;

use replay::{Replay, min};

/// Long by design: the incident as the write-up tells it, one call per thing that happened, in its
/// order, so it can be read against the write-up line by line.
fn replay() -> Replay {
    let mut r = Replay::new("2016-08-29", "-07:00");
    r.start(
        "sam",
        "15:05",
        "connection-storm",
        &[
            "--title",
            "US-East: connection storms on cache proxies",
            "--var",
            "cluster=use1-c3",
        ],
    );
    r.late("sam", "15:05", "15:00", &["milestone", "started"]);
    r.late("sam", "15:05", "15:00", &["milestone", "detected"]);
    r.late(
        "sam",
        "15:05",
        "15:00",
        &[
            "note",
            "Very high connection counts on two proxies of one US-East cluster",
        ],
    );
    r.run("sam", "15:05", &["role", "ic", "sam"]);
    r.run("sam", "15:05", &["role", "ops", "lee"]);
    r.run("sam", "15:05", &["step", "acknowledge", "start"]);
    r.run("sam", "15:08", &["step", "acknowledge", "done"]);
    r.run("lee", "15:08", &["step", "conn-count", "start"]);
    r.run("lee", "15:10", &["step", "conn-count", "done"]);
    r.run("lee", "15:10", &["step", "top-clients", "start"]);
    r.run("lee", "15:12", &["step", "top-clients", "done"]);
    r.run(
        "lee",
        "15:12",
        &["note", "No client holds more than 2% of the connections"],
    );
    r.run("lee", "15:12", &["step", "network-health", "start"]);
    r.run("lee", "15:15", &["step", "network-health", "done"]);
    r.run(
        "lee",
        "15:15",
        &[
            "note",
            "Latency about 0.3 ms for most packets but 5-15 ms for 10-20% of them, on every host",
        ],
    );
    r.run("sam", "15:16", &["decide", "decide-pattern", "2"]);
    r.run("sam", "15:16", &["signoff", "replace-proxy"]);
    r.run("lee", "15:16", &["step", "replace-proxy", "start"]);
    r.run(
        "lee",
        "15:32",
        &[
            "note",
            "Replaced several proxies; the hot spot moved between proxies while we did",
        ],
    );
    r.run("lee", "15:32", &["step", "replace-proxy", "done"]);
    r.run("lee", "15:33", &["step", "verify", "start"]);
    r.run("lee", "15:38", &["step", "verify", "done"]);
    r.run(
        "sam",
        "15:38",
        &[
            "note",
            "use1-c3 stable again, about 30 minutes after it started",
        ],
    );
    r.run(
        "sam",
        "15:45",
        &[
            "note",
            "Two more clusters, isolated and in other AZs, show the same pattern",
        ],
    );
    r.run("sam", "15:45", &["decide", "decide-next", "3"]);
    r.run("lee", "15:46", &["step", "conn-count", "start"]);
    r.run("lee", "15:48", &["step", "conn-count", "done"]);
    r.run("lee", "15:48", &["step", "top-clients", "start"]);
    r.run("lee", "15:50", &["step", "top-clients", "done"]);
    r.run(
        "lee",
        "15:50",
        &[
            "note",
            "On use1-c5 a few client IPs hold most of the connections",
        ],
    );
    // Back to the triage decision without the network check in between: a deliberate re-take.
    r.run(
        "sam",
        "15:51",
        &["decide", "decide-pattern", "1", "--again"],
    );
    r.run("sam", "15:52", &["signoff", "limit-clients"]);
    r.run("lee", "15:52", &["step", "limit-clients", "start"]);
    r.run("lee", "15:55", &["step", "limit-clients", "done"]);
    r.run("lee", "15:56", &["step", "verify", "start"]);
    r.run("lee", "15:59", &["step", "verify", "done"]);
    r.run("sam", "15:59", &["decide", "decide-next", "1"]);
    r.run("sam", "16:00", &["step", "mitigated", "done"]);
    r.run("sam", "16:01", &["severity", "sev2"]);
    r.run("sam", "16:10", &["role", "comms", "kim"]);
    r.run("kim", "16:15", &["step", "status-page", "start"]);
    r.run("kim", "16:40", &["step", "status-page", "done"]);
    r.day("2016-08-30");
    r.run("sam", "08:00", &["role", "ic", "eve"]);
    r.run(
        "eve",
        "08:30",
        &[
            "note",
            "Support: legitimate customers blocked by the IP rules since yesterday 15:55",
        ],
    );
    r.run("eve", "09:00", &["note", "--decision", "Sample connection-error logging and stop the lsof poller on all proxies: our own logging and polling add to the CPU load"]);
    r.run("lee", "09:30", &["step", "remove-filters", "start"]);
    r.run("lee", "09:40", &["step", "remove-filters", "done"]);
    r.run("lee", "11:00", &["step", "add-capacity", "start"]);
    r.run("lee", "11:20", &["step", "add-capacity", "done"]);
    r.run("lee", "11:20", &["note", "Proxy count raised in every US-East cluster; nearly all proxies and some backends replaced since Monday"]);
    r.day("2016-08-31");
    r.run("eve", "10:00", &["step", "resolve", "start"]);
    r.run("eve", "11:00", &["step", "resolve", "done"]);
    r.run("kim", "11:10", &["step", "all-clear", "start"]);
    r.run("kim", "11:15", &["step", "all-clear", "done"]);
    r.run("eve", "11:20", &["note", "TODO: codified procedure for cluster-wide failures, with a clock for flushing the cache"]);
    r.run(
        "lee",
        "11:21",
        &[
            "note",
            "--action",
            "Rate-limit connection-error logs and replace the lsof poller with ss",
        ],
    );
    r.run(
        "kim",
        "11:22",
        &[
            "note",
            "--action",
            "Integrate the status page, Twitter and monitoring",
        ],
    );
    r.run("eve", "11:30", &["close"]);
    r
}

#[test]
fn connection_storm_postmortem() {
    let r = replay();
    // Most customers back within an hour; over around 11:00 on Wednesday: 44 hours.
    let [detect, ack, mitigate, resolve] = r.metrics();
    assert_eq!((mitigate, resolve), (min(60), min(44 * 60)));
    assert_eq!((detect, ack), (min(0), min(8)));
    // Shown in the team's zone: 15:00 PDT is 22:00 UTC; the JSON stays in UTC.
    let md = r.export(&["--tz", "America/Los_Angeles"]);
    assert!(md.contains("| started | 15:00 |"), "{md}");
    assert_eq!(
        r.json()["milestones"]["started"],
        "2016-08-29T22:00:00.000Z"
    );
    insta::assert_snapshot!("google_los_angeles", md);
}
