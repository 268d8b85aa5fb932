//! Every example in `runbook --help` and in each subcommand's `--help` runs as written and
//! succeeds, in a state directory with what the examples talk about (an open etcd incident
//! 20260530-2212-etcd-quorum-loss with some steps under way, or a drill of it), a copy of
//! the bundled runbooks in ./runbooks, and the directories the examples write into. Each
//! example runs in its own fresh copy, so none depends on another. Examples that open the
//! interactive app, follow forever, or loop are not run here (the pty tests cover the app).

use crate::support::cli_env::Env;
use std::path::Path;
use std::process::Command;

const OPENED: &str = "2026-05-30T22:12:00Z";
const NOW: &str = "2026-05-30T22:45:00Z";
const INC: &str = "20260530-2212-etcd-quorum-loss";

/// The examples in one `--help` text: the lines after "Example..." that start with `runbook`.
fn examples(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut on = false;
    for line in help.lines() {
        if line.starts_with("Example") {
            on = true;
            continue;
        }
        if line.trim().is_empty() {
            on = false;
            continue;
        }
        let l = line.trim_start();
        if on && (l.starts_with("runbook ") || l == "runbook") {
            // A description follows the command after a wide gap.
            let cmd = l.split("   ").next().unwrap_or(l).trim_end();
            out.push(cmd.to_string());
        }
    }
    out
}

fn all_examples(e: &Env) -> Vec<String> {
    let mut helps = vec![e.ok(&["--help"])];
    let top = e.ok(&["--help"]);
    let subs: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues further in; a command starts two spaces in.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|s| s != "help")
        .collect();
    assert!(subs.len() > 20, "{subs:?}");
    for sub in &subs {
        helps.push(e.ok(&[sub, "--help"]));
    }
    for sub in ["tick", "scorecard", "validate"] {
        helps.push(e.ok(&["drill", sub, "--help"]));
    }
    helps.iter().flat_map(|h| examples(h)).collect()
}

/// Why an example is not run here, if it is not.
fn not_run(cmd: &str) -> Option<&'static str> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    match words.as_slice() {
        ["runbook"] | ["runbook", "resume", ..] => Some("opens the app"),
        ["runbook", "sync" | "join", ..] => Some("talks to a team's git remote (team_sync.rs)"),
        _ if cmd.contains("--follow") => Some("follows until interrupted"),
        _ if cmd.starts_with("while ") => Some("a loop"),
        _ => None,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A state to run examples in: `drill` for the drill subcommands, else an open incident.
fn prepared(drill: bool) -> Env {
    let e = Env::new();
    if drill {
        e.ok_at(
            OPENED,
            &[
                "drill",
                "etcd-quorum-loss",
                "--scenario",
                "etcd-oom-quorum-loss",
                "--no-tui",
            ],
        );
    } else {
        e.ok_at(OPENED, &["start", "etcd-quorum-loss", "--no-tui"]);
        for (who, at, step) in [
            ("bo", "22:20", "etcd-health"),
            ("bo", "22:30", "restore-new-cluster"),
        ] {
            e.ok_at(NOW, &["--as", who, "step", step, "start", "--at", at]);
        }
        // Record 4, the action item the `runbook action` examples follow up.
        e.ok_at(NOW, &["note", "TODO: page on quorum loss", "--at", "22:40"]);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("runbooks"), &e.state.path().join("runbooks"));
    for dir in [
        ".local/share/bash-completion/completions",
        ".zfunc",
        ".config/fish/completions",
        ".local/share/man/man1",
    ] {
        std::fs::create_dir_all(e.state.path().join(dir)).unwrap();
    }
    e
}

#[test]
fn every_help_example_runs_as_written() {
    let all = all_examples(&Env::new());
    assert!(all.len() > 40, "{} examples found", all.len());
    let mut ran = 0;
    for cmd in &all {
        if not_run(cmd).is_some() {
            continue;
        }
        let drill =
            cmd.starts_with("runbook drill tick") || cmd.starts_with("runbook drill scorecard");
        let e = prepared(drill);
        // The example itself, through a shell, as typed (with `runbook` the binary under test).
        let script = format!("runbook() {{ \"$BIN\" \"$@\"; }}; {cmd}");
        let out = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .env("BIN", env!("CARGO_BIN_EXE_runbook"))
            .env("RUNBOOK_STATE_DIR", e.state.path())
            .env("RUNBOOK_USER", "ana")
            .env("RUNBOOK_NOW", NOW)
            .env("HOME", e.state.path())
            .env_remove("RUNBOOK_PATH")
            .env_remove("XDG_CONFIG_HOME")
            .current_dir(e.state.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{cmd}` failed ({:?}):\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert!(ran > 40, "only {ran} examples ran");
    // The incident the examples name exists as named.
    let e = prepared(false);
    assert!(
        e.state
            .path()
            .join("incidents")
            .read_dir()
            .unwrap()
            .any(|d| d.unwrap().file_name().to_string_lossy().starts_with(INC))
    );
}
