//! `runbook run`: a step's command run headless by the real binary, as a responder or a
//! script would, checked through its output, its exit status and the journal file. Waits on
//! the child are bounded polls of what it prints or of its exit.

use crate::support::cli_env::Env;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A bound no healthy run comes near.
const HUNG: Duration = Duration::from_secs(120);

const BOOK: &str = r#"schema_version = 1
id = "cmds"
title = "Commands"
incident_type = "test"
severity = "sev3"
summary = "Steps that run commands."

[vars.target]
prompt = "What to print"
default = "plain"

[[steps]]
id = "echo"
title = "Print the target in every quoting"
kind = "command"
command = "printf '[%s]\\n' {{target}} 'in single: {{target}}' \"in double: {{target}}\"; ls"
timeout = "5s"

[[steps]]
id = "fail"
title = "Fail"
kind = "command"
command = "echo failing; exit 3"

[[steps]]
id = "sleepy"
title = "Sleep a while"
kind = "command"
command = "echo pid $$; sleep 60 & echo pid $!; wait"
timeout = "2m"

[[steps]]
id = "flood"
title = "Print a gigabyte"
kind = "command"
command = "echo start; head -c 1073741824 /dev/zero; echo; echo end"
timeout = "5m"

[[steps]]
id = "hostile"
title = "Print escape sequences"
kind = "command"
command = "printf 'red \\033[31mtext\\033[0m\\n'"

[[steps]]
id = "touchy"
title = "Make a file"
kind = "command"
command = "touch made-by-the-command"
end = true
"#;

/// An environment with the test runbook in `books/`, and an incident started from it.
fn setup(extra: &[&str]) -> (Env, String) {
    let e = Env::new();
    let books = e.state.path().join("books");
    std::fs::create_dir(&books).unwrap();
    std::fs::write(books.join("cmds.toml"), BOOK).unwrap();
    let mut args = vec!["--runbooks", "books", "start", "cmds", "--no-tui"];
    args.extend_from_slice(extra);
    let inc = e.ok(&args).trim().to_string();
    (e, inc)
}

fn kinds(journal: &[Value]) -> Vec<&str> {
    journal
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect()
}

/// Spawns `runbook run STEP --yes` with its stdout piped, and a thread that sends its lines.
fn spawn_run(e: &Env, inc: &str, step: &str) -> (Child, mpsc::Receiver<String>) {
    let mut child = e
        .cmd(&[
            "--runbooks",
            "books",
            "run",
            "--incident",
            inc,
            step,
            "--yes",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            if line.map(|l| tx.send(l)).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Reads lines until two `pid N` lines (the shell and its background sleep) have come.
fn pids(rx: &mpsc::Receiver<String>) -> Vec<u32> {
    let mut pids = Vec::new();
    while pids.len() < 2 {
        let line = rx.recv_timeout(HUNG).expect("the command prints its pids");
        if let Some(p) = line.strip_prefix("pid ") {
            pids.push(p.trim().parse().unwrap());
        }
    }
    pids
}

fn wait_bounded(child: &mut Child) -> std::process::ExitStatus {
    let until = Instant::now() + HUNG;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < until, "runbook run did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// True once `pid` is gone or a zombie.
fn gone(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z'))
    })
}

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

fn signal(pid: u32, sig: rustix::process::Signal) {
    let pid = rustix::process::Pid::from_raw(i32::try_from(pid).unwrap()).unwrap();
    rustix::process::kill_process(pid, sig).unwrap();
}

#[test]
fn with_yes_it_runs_and_records_the_start_and_the_result_of_each_run() {
    let (e, inc) = setup(&[]);
    let out = e.ok(&["--runbooks", "books", "run", "echo", "--yes"]);
    // The exact command is shown before it runs, then its output.
    assert!(
        out.contains("  printf '[%s]\\n' 'plain' 'in single: plain' \"in double: plain\"; ls"),
        "{out}"
    );
    assert!(out.contains("timeout: 5s"), "{out}");
    assert!(
        out.contains("[plain]\n[in single: plain]\n[in double: plain]\n"),
        "{out}"
    );
    let j = e.journal(&inc);
    assert_eq!(
        kinds(&j)[1..],
        ["step_started", "command_started", "command_finished"]
    );
    assert_eq!(j[2]["timeout_s"], 5);
    assert_eq!(j[3]["run"], j[2]["seq"], "the result names its run");
    assert_eq!(j[3]["exit_code"], 0);
    assert_eq!(j[3]["interrupted"], false);
    assert_eq!(j[3]["output_cut"], false);
    // The same command again (Enter twice): another run, with its own id; the step is
    // already in progress, so nothing else is recorded.
    e.ok(&["--runbooks", "books", "run", "echo", "--yes"]);
    let j = e.journal(&inc);
    assert_eq!(kinds(&j)[4..], ["command_started", "command_finished"]);
    assert_eq!(j[5]["run"], j[4]["seq"]);
    // A failing command: recorded, and exit 1.
    let err = e.fails(1, &["--runbooks", "books", "run", "fail", "--yes"]);
    let j = e.journal(&inc);
    let last = j.last().unwrap();
    assert_eq!(last["exit_code"], 3, "{err}");
    assert_eq!(last["output_excerpt"], "failing");
}

#[test]
fn output_is_printed_with_escape_sequences_made_visible() {
    let (e, _) = setup(&[]);
    let out = e.ok(&["--runbooks", "books", "run", "hostile", "--yes"]);
    assert!(out.contains("red \\u{1b}[31mtext\\u{1b}[0m\n"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "a raw escape reached the terminal: {out:?}"
    );
}

#[test]
fn without_a_terminal_and_without_yes_it_refuses_and_records_nothing() {
    let (e, inc) = setup(&[]);
    let before = e.journal(&inc).len();
    let out = e.run(&["--runbooks", "books", "run", "touchy"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pass --yes"), "{stderr}");
    // It showed what it would have run.
    assert!(String::from_utf8_lossy(&out.stdout).contains("touch made-by-the-command"));
    assert_eq!(e.journal(&inc).len(), before);
    assert!(!e.state.path().join("made-by-the-command").exists());
}

#[test]
fn an_unsigned_step_that_needs_a_signoff_is_refused_and_records_nothing() {
    let e = Env::new();
    let inc = e.ok(&["start", "data-migration-overwrite", "--no-tui"]);
    let inc = inc.trim();
    let before = e.journal(inc).len();
    let err = e.fails(1, &["run", "restore-apply", "--yes"]);
    assert!(err.contains("needs a sign-off"), "{err}");
    assert_eq!(e.journal(inc).len(), before, "nothing is recorded");
    // Signed off by a second person (as themself), it runs and says who signed.
    e.ok(&["--as", "bo", "signoff", "restore-apply"]);
    let out = e.run(&["run", "restore-apply", "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("sign-off: signed off by bo"), "{stdout}");
    let j = e.journal(inc);
    assert_eq!(
        kinds(&j)[j.len() - 2..],
        ["command_started", "command_finished"]
    );
}

#[test]
fn values_with_shell_payloads_arrive_as_one_word_and_run_nothing() {
    let payload = "x; touch pwned $(touch pwned2) `touch pwned3` ' \" \\";
    let (e, _) = setup(&["--var", &format!("target={payload}")]);
    let out = e.ok(&["--runbooks", "books", "run", "echo", "--yes"]);
    assert!(out.contains(&format!("[{payload}]\n")), "{out}");
    assert!(out.contains(&format!("[in single: {payload}]\n")), "{out}");
    assert!(out.contains(&format!("[in double: {payload}]\n")), "{out}");
    for f in ["pwned", "pwned2", "pwned3"] {
        assert!(!e.state.path().join(f).exists(), "{f} was created");
    }
    // And `validate` says the variable should have an anchored pattern.
    let v = e.run(&["validate", "books/cmds.toml"]);
    let report = String::from_utf8_lossy(&v.stdout);
    assert!(
        report.contains(
            "books/cmds.toml:8:7: warning: variable \"target\" is used in the command of step \"echo\" but has no pattern"
        ),
        "{report}"
    );
    assert!(report.contains("add pattern = \"^[a-z0-9-]+$\" to [vars.target]"));
}

#[test]
fn sigterm_during_a_run_records_it_interrupted_and_kills_its_group() {
    let (e, inc) = setup(&[]);
    let (mut child, rx) = spawn_run(&e, &inc, "sleepy");
    let pids = pids(&rx);
    signal(child.id(), rustix::process::Signal::TERM);
    let status = wait_bounded(&mut child);
    assert_eq!(status.code(), Some(1));
    let j = e.journal(&inc);
    let last = j.last().unwrap();
    assert_eq!(last["kind"], "command_finished");
    assert_eq!(last["interrupted"], true);
    assert_eq!(last["run"], j[j.len() - 2]["seq"]);
    assert!(all_gone(&pids), "the shell and its sleep are killed");
}

#[test]
fn a_start_with_no_result_is_interrupted_result_unknown_everywhere() {
    let (e, inc) = setup(&[]);
    let (mut child, rx) = spawn_run(&e, &inc, "sleepy");
    let pids = pids(&rx);
    // The runner dies without a word (kill -9): nothing records the result.
    signal(child.id(), rustix::process::Signal::KILL);
    wait_bounded(&mut child);
    for p in &pids {
        let _ = rustix::process::kill_process(
            rustix::process::Pid::from_raw(i32::try_from(*p).unwrap()).unwrap(),
            rustix::process::Signal::KILL,
        );
    }
    assert_eq!(kinds(&e.journal(&inc)).last(), Some(&"command_started"));
    let status = e.ok(&["status", &inc]);
    assert!(
        status.contains("command of step sleepy started")
            && status.contains("interrupted, result unknown"),
        "{status}"
    );
    assert!(!status.contains("running"), "{status}");
    let json = e.status(&inc);
    assert_eq!(json["commands"][0]["result"], "interrupted, result unknown");
    let log = e.ok(&["log", &inc]);
    assert!(
        log.contains("Ran (interrupted, result unknown): echo pid"),
        "{log}"
    );
    let md = e.ok(&["export", &inc]);
    assert!(md.contains("interrupted, result unknown"), "{md}");
    let doc: Value = serde_json::from_str(&e.ok(&["export", &inc, "--format", "json"])).unwrap();
    assert_eq!(doc["unfinished_commands"][0]["step"], "sleepy");
    assert_eq!(
        doc["unfinished_commands"][0]["result"],
        "interrupted, result unknown"
    );
}

/// The peak resident memory of `pid` (VmHWM, KiB), if it can still be read.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_gigabyte_of_output_keeps_memory_flat_and_the_file_capped() {
    let (e, inc) = setup(&[]);
    let mut child = e
        .cmd(&["--runbooks", "books", "run", "flood", "--yes"])
        .env("RUNBOOK_OUTPUT_CAP", "1M")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + HUNG;
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(peak_kib(child.id()).unwrap_or(0));
        assert!(Instant::now() < until, "runbook run did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
    // The whole gigabyte went through it; an unbounded buffer would have held it.
    assert!(
        peak > 0 && peak < 64 * 1024,
        "peak resident memory {peak} KiB"
    );
    let j = e.journal(&inc);
    let last = j.last().unwrap();
    assert_eq!(last["output_bytes"], 6 + (1u64 << 30) + 1 + 4);
    assert_eq!(last["output_cut"], true);
    let saved = std::fs::read(last["output_path"].as_str().unwrap()).unwrap();
    assert_eq!(saved.len(), 1 << 20);
    assert_eq!(last["output_sha256"], runbook_sha(&saved));
}

fn runbook_sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_drill_never_runs_the_real_command() {
    let (e, inc) = setup(&["--drill"]);
    let out = e.ok(&["--runbooks", "books", "run", "touchy", "--yes"]);
    assert!(out.contains("DRILL"), "{out}");
    assert!(!e.state.path().join("made-by-the-command").exists());
    let j = e.journal(&inc);
    assert_eq!(
        kinds(&j)[j.len() - 2..],
        ["command_started", "command_finished"]
    );
}

#[test]
fn a_bad_output_cap_or_a_closed_incident_runs_nothing() {
    let (e, inc) = setup(&[]);
    let before = e.journal(&inc).len();
    let out = e
        .cmd(&["--runbooks", "books", "run", "touchy", "--yes"])
        .env("RUNBOOK_OUTPUT_CAP", "lots")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RUNBOOK_OUTPUT_CAP"));
    assert_eq!(e.journal(&inc).len(), before);
    e.ok(&["close", &inc]);
    let err = e.fails(
        1,
        &[
            "--runbooks",
            "books",
            "run",
            "--incident",
            &inc,
            "touchy",
            "--yes",
        ],
    );
    assert!(err.contains("closed"), "{err}");
    assert!(!Path::new(&e.state.path().join("made-by-the-command")).exists());
}

#[test]
fn the_app_with_a_bad_output_cap_says_so_and_does_not_start() {
    let (e, inc) = setup(&[]);
    for args in [vec!["--runbooks", "books"], vec!["resume", inc.as_str()]] {
        let out = e
            .cmd(&args)
            .env("RUNBOOK_OUTPUT_CAP", "lots")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("RUNBOOK_OUTPUT_CAP=\"lots\""),
            "{args:?}: {err}"
        );
        assert!(!err.contains("needs a terminal"), "{args:?}: {err}");
    }
}
