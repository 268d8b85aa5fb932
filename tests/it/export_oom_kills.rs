//! Postmortem 003 (Svix, Saturday 11 March 2023): API containers in the US region were
//! OOM-killed although memory looked flat at 40%; a revert, 8x memory with 4x tasks, and a
//! traffic-free warm-up all failed; serving the API from AWS Lambda fixed it. Replayed with
//! the `oom-kills-without-memory-growth` runbook, looping through its mitigation ladder.
//!
//! From the write-up (UTC): at roughly 19:25 the alert that most API calls return 5xx (the
//! start as far as anyone knows); the Lambda fix deployed at roughly 20:30 brought everything
//! back. Time to detect 0 (the alert is the first sign), time to mitigate 65 minutes.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::replay;

use replay::{Replay, min};

/// Long by design: the incident as the write-up tells it, one call per thing that happened, in its
/// order, so it can be read against the write-up line by line.
fn replay() -> Replay {
    let mut r = Replay::new("2023-03-11", "Z");
    r.start(
        "tom",
        "19:27",
        "oom-kills-without-memory-growth",
        &[
            "--title",
            "US region: most API calls return 5xx, containers OOM-killed",
        ],
    );
    r.late("tom", "19:27", "19:25", &["milestone", "started"]);
    r.late("tom", "19:27", "19:25", &["milestone", "detected"]);
    r.late("tom", "19:27", "19:25", &["note", "Alert: most API calls in the US region return 5xx and its containers keep getting killed; EU and private regions fine"]);
    r.run("tom", "19:27", &["role", "ic", "tom"]);
    r.run("tom", "19:27", &["role", "ops", "eli"]);
    r.run("tom", "19:27", &["step", "acknowledge", "start"]);
    r.run("tom", "19:29", &["step", "acknowledge", "done"]);
    r.run("eli", "19:29", &["step", "confirm-oom", "start"]);
    r.run("tom", "19:30", &["role", "comms", "maya"]);
    r.run("maya", "19:30", &["step", "first-update", "start"]);
    r.run(
        "eli",
        "19:32",
        &[
            "note",
            "Stopped tasks: OutOfMemoryError, exit 137, while memory utilisation sits at 40%",
        ],
    );
    r.run("eli", "19:32", &["step", "confirm-oom", "done"]);
    r.run("eli", "19:33", &["step", "compare-sources", "start"]);
    r.run("maya", "19:35", &["step", "first-update", "done"]);
    r.run("eli", "19:38", &["note", "Memory flat at 40% (normally 10-15%), not growing; below the alert threshold; no autoscaling events"]);
    r.run("eli", "19:38", &["step", "compare-sources", "done"]);
    r.run("eli", "19:38", &["step", "recent-changes", "start"]);
    r.run(
        "eli",
        "19:42",
        &[
            "note",
            "A week ago: more in-memory caching (size-limited). Nothing deployed today",
        ],
    );
    r.run("eli", "19:42", &["step", "recent-changes", "done"]);
    r.run("tom", "19:43", &["decide", "decide-change", "1"]);
    r.run("eli", "19:43", &["step", "revert", "start"]);
    r.run("eli", "19:58", &["step", "revert", "done"]);
    r.run("eli", "19:58", &["step", "check-recovery", "start"]);
    r.run(
        "eli",
        "20:00",
        &["note", "Cache change reverted; tasks still OOM-killed"],
    );
    r.run("eli", "20:00", &["step", "check-recovery", "fail"]);
    r.run("tom", "20:00", &["decide", "decide-recovery", "2"]);
    r.run("tom", "20:01", &["decide", "choose-mitigation", "1"]);
    r.run("eli", "20:01", &["step", "scale-memory", "start"]);
    r.run("eli", "20:09", &["step", "scale-memory", "done"]);
    r.run("eli", "20:09", &["step", "check-recovery", "start"]);
    r.run(
        "eli",
        "20:12",
        &[
            "note",
            "8x memory per task and 4x the tasks: still OOM-killed within minutes",
        ],
    );
    r.run("eli", "20:12", &["step", "check-recovery", "fail"]);
    r.run("tom", "20:12", &["decide", "decide-recovery", "2"]);
    r.run("tom", "20:13", &["decide", "choose-mitigation", "2"]);
    r.run("eli", "20:13", &["step", "warm-up", "start"]);
    r.run("eli", "20:21", &["step", "warm-up", "done"]);
    r.run("eli", "20:21", &["step", "check-recovery", "start"]);
    r.run(
        "eli",
        "20:23",
        &[
            "note",
            "Tasks healthy with traffic blocked; killed again once traffic flowed",
        ],
    );
    r.run("eli", "20:23", &["step", "check-recovery", "fail"]);
    r.run("tom", "20:23", &["decide", "decide-recovery", "2"]);
    r.run("tom", "20:24", &["decide", "choose-mitigation", "3"]);
    r.run("tom", "20:24", &["note", "--decision", "Serve the API from Lambda: one request per invocation, so even a fragmented heap finishes its request"]);
    r.run("tom", "20:25", &["signoff", "failover-lambda"]);
    r.run("eli", "20:25", &["step", "failover-lambda", "start"]);
    r.run("eli", "20:30", &["step", "failover-lambda", "done"]);
    r.run("eli", "20:30", &["step", "check-recovery", "start"]);
    r.late("tom", "20:32", "20:30", &["milestone", "mitigated"]);
    r.run("eli", "20:40", &["step", "check-recovery", "done"]);
    r.run("tom", "20:40", &["decide", "decide-recovery", "1"]);
    r.run("tom", "20:41", &["step", "mitigated", "done"]);
    r.run(
        "tom",
        "20:41",
        &[
            "note",
            "Lambda reached 65 minutes into the impact; the runbook says to go there at 30",
        ],
    );
    r.run("tom", "20:41", &["step", "stable", "start"]);
    r.run("eli", "20:45", &["step", "capture-evidence", "start"]);
    r.run("eli", "21:20", &["step", "capture-evidence", "done"]);
    r.run("tom", "21:41", &["step", "stable", "done"]);
    r.run("maya", "21:42", &["step", "all-clear", "start"]);
    r.run("maya", "21:45", &["step", "all-clear", "done"]);
    r.run("tom", "21:46", &["note", "TODO: own memory metrics for ECS tasks (max RSS per task), not only CloudWatch averages"]);
    r.run(
        "eli",
        "21:47",
        &[
            "note",
            "--action",
            "Reproduce the memory spikes locally and try jemalloc as the allocator",
        ],
    );
    r.run(
        "tom",
        "21:48",
        &[
            "note",
            "--action",
            "Open an AWS support case with the task ARNs and host ids",
        ],
    );
    r.run("tom", "21:50", &["close"]);
    r
}

#[test]
fn oom_kills_postmortem() {
    let r = replay();
    // Alerted at about 19:25 as the errors began; the Lambda path fixed it at about 20:30.
    let [detect, ack, mitigate, resolve] = r.metrics();
    assert_eq!((detect, mitigate), (min(0), min(65)));
    assert_eq!((ack, resolve), (min(4), min(136)));
    let j = r.json();
    let check = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "check-recovery")
        .unwrap();
    assert_eq!(
        check["runs"], 4,
        "the ladder ran the recovery check four times"
    );
    assert_eq!(j["decisions"].as_array().unwrap().len(), 8);
    insta::assert_snapshot!("google", r.export(&[]));
}
