//! Runbook directories as an attacker or an accident leaves them: a FIFO named `x.toml`,
//! devices, symlink loops, symlinked and unreadable subdirectories, and file names with escape
//! sequences in them. Every command answers promptly, reports each one naming it (escaped),
//! and `validate` exits 1; nothing hangs, nothing is skipped silently, nothing reaches the
//! terminal raw.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::cli_env::Env;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const GOOD: &str = r#"schema_version = 1
id = "good"
title = "A good runbook"
incident_type = "test"
severity = "sev3"
summary = "Fine."

[[steps]]
id = "one"
title = "Do the thing"
kind = "action"
"#;

/// Runs `cmd` to completion, or kills it and fails the test when it takes longer than a
/// generous bound: a command that blocks on a FIFO never finishes by itself.
fn bounded(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{cmd:?} still running after 20 s (blocked?): {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn shown(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

/// A runbook directory inside the test's state directory.
fn books(e: &Env) -> std::path::PathBuf {
    let d = e.state.path().join("books");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("good.toml"), GOOD).unwrap();
    d
}

#[test]
fn a_fifo_named_toml_is_reported_at_once_and_nothing_hangs() {
    let e = Env::new();
    let d = books(&e);
    mkfifo(&d.join("x.toml"));
    let dir = d.to_str().unwrap();
    let out = bounded(e.cmd(&["validate", dir]));
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    let text = shown(&out);
    assert!(
        text.contains("x.toml:1:1: error: a named pipe (FIFO), not a regular file"),
        "{text}"
    );
    // The library, listed or shown, carries on with the good runbook.
    for args in [
        vec!["--runbooks", dir, "list"],
        vec!["--runbooks", dir, "show", "good"],
        vec!["--runbooks", dir, "validate"],
    ] {
        let out = bounded(e.cmd(&args));
        assert_ne!(out.status.code(), Some(101), "{args:?}: {}", shown(&out));
        if args[2] != "validate" {
            assert!(out.status.success(), "{args:?}: {}", shown(&out));
        }
    }
    // A FIFO given by name, too.
    let fifo = d.join("x.toml");
    let out = bounded(e.cmd(&["validate", fifo.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    // Or to `show` as a path: reported as validate reports it, never opened.
    let out = bounded(e.cmd(&["show", fifo.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    assert!(shown(&out).contains("named pipe"), "{}", shown(&out));
    // And as a drill scenario.
    std::fs::create_dir_all(d.join("scenarios")).unwrap();
    mkfifo(&d.join("scenarios/s.toml"));
    let out = bounded(e.cmd(&["--runbooks", dir, "drill", "validate"]));
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    assert!(shown(&out).contains("named pipe"), "{}", shown(&out));
}

#[test]
fn devices_directories_and_loops_named_toml_are_errors_naming_them() {
    let e = Env::new();
    let d = books(&e);
    symlink("/dev/null", d.join("null.toml")).unwrap();
    symlink("loop.toml", d.join("loop.toml")).unwrap();
    symlink("nowhere", d.join("gone.toml")).unwrap();
    let out = bounded(e.cmd(&["validate", d.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    let text = shown(&out);
    assert!(text.contains("null.toml:1:1: error: a device"), "{text}");
    assert!(
        text.contains("loop.toml:1:1: error: a symlink loop"),
        "{text}"
    );
    assert!(
        text.contains("gone.toml:1:1: error: a symlink to nothing"),
        "{text}"
    );
    assert!(text.contains("3 errors"), "{text}");
}

#[test]
fn symlinked_subdirectories_are_followed_and_loops_reported() {
    let e = Env::new();
    let d = books(&e);
    let elsewhere = e.state.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(
        elsewhere.join("other.toml"),
        GOOD.replace("\"good\"", "\"other\""),
    )
    .unwrap();
    symlink(&elsewhere, d.join("linked")).unwrap();
    let out = bounded(e.cmd(&["validate", d.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    assert!(
        shown(&out).contains("checked 2 files: 0 errors"),
        "{}",
        shown(&out)
    );
    // A link back up the tree is a loop: reported, not followed for ever, not skipped.
    symlink(&d, elsewhere.join("up")).unwrap();
    let out = bounded(e.cmd(&["validate", d.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    assert!(
        shown(&out).contains("linked/up:1:1: error: a symlink loop"),
        "{}",
        shown(&out)
    );
}

#[test]
fn an_unreadable_subdirectory_is_an_error_not_a_skip() {
    let e = Env::new();
    let d = books(&e);
    let locked = d.join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::write(locked.join("hidden.toml"), GOOD).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads any directory: run the binary as nobody then, which needs to reach it.
    std::fs::set_permissions(e.state.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = e.cmd(&["validate", d.to_str().unwrap()]);
    if is_root() {
        use std::os::unix::process::CommandExt;
        cmd.uid(65534).gid(65534);
    }
    let out = bounded(cmd);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    let text = shown(&out);
    assert!(
        text.contains("locked:1:1: error: cannot read the directory: Permission denied"),
        "{text}"
    );
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[test]
fn escape_sequences_in_file_names_are_printed_escaped() {
    let e = Env::new();
    let d = books(&e);
    let evil = "\u{1b}]0;owned\u{7}\u{1b}[2J";
    // One that loads (for list and show) and one with an error (for validate).
    std::fs::write(
        d.join(format!("{evil}.toml")),
        GOOD.replace("\"good\"", "\"evil\""),
    )
    .unwrap();
    std::fs::write(d.join(format!("bad{evil}.toml")), "schema_version = 2\n").unwrap();
    let dir = d.to_str().unwrap();
    for args in [
        vec!["validate", dir],
        vec!["--runbooks", dir, "list"],
        vec!["--runbooks", dir, "show", "evil"],
        vec!["--runbooks", dir, "list", "--json"],
    ] {
        let out = bounded(e.cmd(&args));
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        assert!(
            !all.contains(&0x1b) && !all.contains(&0x07),
            "{args:?} printed a raw escape: {}",
            shown(&out)
        );
        let text = shown(&out);
        assert!(
            text.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2J") || text.contains("\\u001b]0;owned"),
            "{args:?}: {text}"
        );
    }
}

#[test]
fn separators_and_tags_in_runbook_text_are_made_visible() {
    let e = Env::new();
    let d = books(&e);
    let sneaky = GOOD.replace("\"good\"", "\"sneaky\"").replace(
        "A good runbook",
        "Looks\u{2028}fine\u{2029}here\u{e0041}\u{ad}",
    );
    std::fs::write(d.join("sneaky.toml"), sneaky).unwrap();
    let dir = d.to_str().unwrap();
    for args in [
        vec!["--runbooks", dir, "list"],
        vec!["--runbooks", dir, "show", "sneaky"],
    ] {
        let out = bounded(e.cmd(&args));
        assert!(out.status.success(), "{args:?}: {}", shown(&out));
        let text = shown(&out);
        assert!(
            text.contains("Looks\\u{2028}fine\\u{2029}here\\u{e0041}\\u{ad}"),
            "{args:?}: {text}"
        );
        for c in ['\u{2028}', '\u{2029}', '\u{e0041}', '\u{ad}'] {
            assert!(!text.contains(c), "{args:?} printed U+{:04X} raw", c as u32);
        }
    }
}

#[test]
fn the_apps_reload_and_first_frame_listing_never_block_on_a_fifo() {
    use runbook::runbook::library::Root;
    use runbook::runbook::watch::Reloader;
    let e = Env::new();
    let d = books(&e);
    mkfifo(&d.join("x.toml"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut r = Reloader::new(vec![Root::Dir(d)], true);
        let listed: Vec<String> = r.list().iter().map(|c| c.runbook.id.clone()).collect();
        let reloaded: Vec<String> = r.reload().iter().map(|c| c.runbook.id.clone()).collect();
        let _ = tx.send((listed, reloaded));
    });
    // A blocked open never answers: bounded, generous for a loaded machine.
    let (listed, reloaded) = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the reload blocked on the FIFO");
    assert_eq!(listed, ["good"]);
    assert_eq!(reloaded, ["good"]);
}

#[test]
fn show_takes_a_path_as_well_as_an_id_and_a_broken_file_gets_its_errors() {
    let e = Env::new();
    let d = books(&e);
    // Tab completion gives a path: it shows that file, though it is in no library.
    let good = d.join("good.toml");
    let out = bounded(e.cmd(&["show", good.to_str().unwrap()]));
    assert!(out.status.success(), "{}", shown(&out));
    assert!(
        shown(&out).starts_with("good  A good runbook"),
        "{}",
        shown(&out)
    );
    // A broken one: every error with its line and column, exit 1, no runbook printed.
    let bad = d.join("bad.toml");
    std::fs::write(&bad, GOOD.replace("kind = \"action\"", "kind = \"acton\"")).unwrap();
    let out = bounded(e.cmd(&["show", bad.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    assert!(out.stdout.is_empty(), "{}", shown(&out));
    let text = shown(&out);
    assert!(
        text.contains("bad.toml:") && text.contains("unknown kind \"acton\""),
        "{text}"
    );
    // A name that is neither an id nor a file is still the id error with its hint.
    let out = bounded(e.cmd(&["--runbooks", d.to_str().unwrap(), "show", "godo"]));
    assert!(
        shown(&out).contains("no runbook with id \"godo\""),
        "{}",
        shown(&out)
    );
}
