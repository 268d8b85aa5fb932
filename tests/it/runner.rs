//! The one runner (`runbook::exec`), with real processes: output that never ends, commands
//! that outlive their timeout, descendants that hold the output pipe, cancels, planted
//! symlinks. Waits are bounded polls or channel receives with a generous bound; nothing
//! asserts how fast anything was.

use runbook::domain::Dur;
use runbook::domain::command::{Outcome, Run};
use runbook::exec::{self, Cancel, Exec};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A bound no healthy run comes near: a run that has not answered by then is hung.
const HUNG: Duration = Duration::from_secs(60);

fn run_of(command: &str, timeout_s: u64) -> Run {
    Run {
        incident: "20260530-2212-test".into(),
        run: 3,
        step: "s".into(),
        command: command.into(),
        timeout: Dur::from_secs(timeout_s),
    }
}

/// Runs `run` on a thread with `cap`; fails the test if it does not answer within `HUNG`.
/// `on_output` sees every chunk kept.
fn run_bounded(
    state: &Path,
    run: Run,
    cap: u64,
    cancel: Cancel,
    on_output: impl FnMut(&[u8]) + Send + 'static,
) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let state = state.to_path_buf();
    std::thread::spawn(move || {
        let mut live = on_output;
        let inc = incident();
        let out = exec::execute(
            &inc,
            &run,
            Exec {
                state_dir: &state,
                cap,
                cancel: &cancel,
                live: &mut live,
            },
        );
        let _ = tx.send(out);
    });
    rx.recv_timeout(HUNG).expect("the run answers")
}

/// An incident that is not a drill, for `exec::execute` (it only looks at `drill`).
fn incident() -> runbook::domain::incident::Incident {
    let src = runbook::runbook::library::BUNDLED
        .iter()
        .find(|(name, _)| name.starts_with("disk-full"))
        .map(|(_, text)| text.to_string())
        .unwrap();
    let opening = runbook::domain::event::Record {
        seq: 1,
        ts: chrono::DateTime::UNIX_EPOCH,
        at: chrono::DateTime::UNIX_EPOCH,
        author: "ana".into(),
        wall: None,
        event: runbook::domain::event::Known::IncidentOpened {
            incident: "20260530-2212-test".into(),
            title: "t".into(),
            severity: runbook::domain::Severity::Sev3,
            runbook: "disk-full".into(),
            runbook_sha256: "x".into(),
            runbook_source: src,
            vars: Default::default(),
            drill: false,
        }
        .into(),
    };
    runbook::domain::incident::Incident::open(&opening, &runbook::store::parse_runbook).unwrap()
}

fn sha_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// True once `pid` is gone or a zombie (no longer running anything).
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Polls until every pid is gone, for at most `HUNG`.
fn all_gone(pids: &[u32]) -> bool {
    let until = Instant::now() + HUNG;
    while Instant::now() < until {
        if pids.iter().all(|&p| gone(p)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn pids_in(excerpt: &str) -> Vec<u32> {
    excerpt
        .lines()
        .filter_map(|l| l.strip_prefix("pid "))
        .map(|p| p.trim().parse().unwrap())
        .collect()
}

#[test]
fn a_gigabyte_of_output_leaves_a_capped_file_its_sha256_and_the_whole_count() {
    let d = tempfile::tempdir().unwrap();
    let cap = 1 << 20;
    let out = run_bounded(
        d.path(),
        run_of(
            "echo first; head -c 1073741824 /dev/zero; echo; echo last",
            600,
        ),
        cap,
        Cancel::new(),
        |_| {},
    );
    assert_eq!(out.exit_code, Some(0), "{out:?}");
    assert!(!out.timed_out && !out.interrupted);
    assert_eq!(out.output_bytes, 6 + (1 << 30) + 1 + 5);
    assert!(out.output_cut);
    let path = out.output_path.as_deref().expect("the output was saved");
    let saved = std::fs::read(path).unwrap();
    assert_eq!(saved.len() as u64, cap, "the file is cut at the cap");
    assert!(saved.starts_with(b"first\n"));
    assert_eq!(
        out.sha256,
        sha_hex(&saved),
        "the sha256 is of what was kept"
    );
    // The excerpt keeps both ends, bounded, and says the output was cut.
    assert!(out.excerpt.starts_with("first\n"), "{}", &out.excerpt[..80]);
    assert!(out.excerpt.contains("\nlast\n"), "{}", out.excerpt);
    assert!(
        out.excerpt
            .contains("output cut: 1.0 GiB printed, the first 1.0 MiB kept")
    );
    assert!(out.excerpt.len() < 4096, "{} bytes", out.excerpt.len());
}

#[test]
fn the_output_file_is_private_and_never_written_through_a_planted_link() {
    let d = tempfile::tempdir().unwrap();
    let run = run_of("echo secret", 60);
    let out = run_bounded(d.path(), run.clone(), 1 << 20, Cancel::new(), |_| {});
    use std::os::unix::fs::PermissionsExt;
    let path = exec::output_path(d.path(), &run).unwrap();
    assert_eq!(out.output_path.as_deref(), Some(path.to_str().unwrap()));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(&d.path().join("outputs")), 0o700);
    // Someone plants a link where the next run's output goes: it is not followed.
    let victim = d.path().join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    let next = Run { run: 9, ..run };
    std::os::unix::fs::symlink(&victim, exec::output_path(d.path(), &next).unwrap()).unwrap();
    let out = run_bounded(d.path(), next, 1 << 20, Cancel::new(), |_| {});
    assert_eq!(out.exit_code, Some(0), "the command still runs");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert_eq!(out.output_path, None);
    assert!(
        out.excerpt.contains("could not be saved"),
        "{}",
        out.excerpt
    );
}

#[test]
fn at_the_timeout_the_whole_group_is_killed() {
    let d = tempfile::tempdir().unwrap();
    let out = run_bounded(
        d.path(),
        run_of("echo pid $$; sleep 300 & echo pid $!; sleep 300 | cat", 1),
        1 << 20,
        Cancel::new(),
        |_| {},
    );
    assert!(out.timed_out, "{out:?}");
    assert_eq!(out.exit_code, None);
    let pids = pids_in(&out.excerpt);
    assert_eq!(pids.len(), 2, "{}", out.excerpt);
    assert!(
        all_gone(&pids),
        "the shell and its background job are killed"
    );
}

#[test]
fn a_detached_descendant_holding_the_pipe_cannot_hold_the_run_and_the_next_one_runs() {
    let d = tempfile::tempdir().unwrap();
    let pidfile = d.path().join("detached.pid");
    let command = format!(
        "setsid sh -c 'echo $$ > {}; exec sleep 1000' & echo hi",
        pidfile.display()
    );
    let out = run_bounded(
        d.path(),
        run_of(&command, 1),
        1 << 20,
        Cancel::new(),
        |_| {},
    );
    // Its own process ended at once, so it is not "timed out"; reading stopped at the
    // deadline all the same, and the excerpt says why.
    assert_eq!(out.exit_code, Some(0), "{out:?}");
    assert!(out.excerpt.starts_with("hi\n"), "{}", out.excerpt);
    assert!(
        out.excerpt
            .contains("output reading stopped at the timeout")
    );
    let next = Run {
        run: 4,
        ..run_of("echo next", 10)
    };
    let next = run_bounded(d.path(), next, 1 << 20, Cancel::new(), |_| {});
    assert_eq!(next.excerpt, "next");
    // Clean up what the test started (it is out of the runner's reach by design).
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let _ = rustix::process::kill_process(
        rustix::process::Pid::from_raw(pid).unwrap(),
        rustix::process::Signal::KILL,
    );
}

#[test]
fn background_output_after_the_command_exits_is_kept() {
    let d = tempfile::tempdir().unwrap();
    let out = run_bounded(
        d.path(),
        run_of("(sleep 0.3; echo late) & echo early", 60),
        1 << 20,
        Cancel::new(),
        |_| {},
    );
    assert_eq!(out.exit_code, Some(0));
    assert!(!out.timed_out);
    assert_eq!(out.excerpt, "early\nlate");
}

#[test]
fn a_cancel_kills_the_group_and_answers_interrupted() {
    let d = tempfile::tempdir().unwrap();
    let cancel = Cancel::new();
    let (tx, rx) = mpsc::channel();
    let handle = cancel.clone();
    let (out_tx, out_rx) = mpsc::channel();
    let state = d.path().to_path_buf();
    std::thread::spawn(move || {
        let out = run_bounded(
            &state,
            run_of("echo pid $$; sleep 300", 600),
            1 << 20,
            handle,
            move |chunk| {
                let _ = tx.send(chunk.to_vec());
            },
        );
        let _ = out_tx.send(out);
    });
    // Cancel once the command is running (it has said so).
    let first = rx.recv_timeout(HUNG).expect("the command starts");
    assert!(first.starts_with(b"pid "));
    cancel.cancel();
    let out = out_rx.recv_timeout(HUNG).expect("a cancelled run answers");
    assert!(out.interrupted, "{out:?}");
    assert!(!out.timed_out);
    assert_eq!(out.exit_code, None);
    assert!(all_gone(&pids_in(&out.excerpt)));
}

#[test]
fn a_timeout_too_large_for_the_clock_is_no_deadline_and_no_panic() {
    let d = tempfile::tempdir().unwrap();
    let out = run_bounded(
        d.path(),
        run_of("echo fine", u64::MAX),
        1 << 20,
        Cancel::new(),
        |_| {},
    );
    assert_eq!(out.exit_code, Some(0));
    assert_eq!(out.excerpt, "fine");
    // And one that never ends is stopped by its cancel, not by an overflowed deadline.
    let cancel = Cancel::new();
    cancel.cancel();
    let forever = Run {
        run: 4,
        ..run_of("sleep 300", u64::MAX)
    };
    let out = run_bounded(d.path(), forever, 1 << 20, cancel, |_| {});
    assert!(out.interrupted);
}

#[test]
fn the_outcome_names_its_incident_and_run() {
    let d = tempfile::tempdir().unwrap();
    let out = run_bounded(
        d.path(),
        run_of("exit 3", 60),
        1 << 20,
        Cancel::new(),
        |_| {},
    );
    assert_eq!(out.incident, "20260530-2212-test");
    assert_eq!(out.run, 3);
    assert_eq!(out.exit_code, Some(3));
    assert!(!out.succeeded());
}
