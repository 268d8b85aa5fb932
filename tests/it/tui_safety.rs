//! The app's promises that keep a command from running by surprise, and the terminal from
//! being left broken, tried in a real pseudo-terminal the way a hurried responder or a stray
//! signal would: pasted words, keys typed ahead, SIGTERM in the middle of a run, quitting
//! while a command runs, Ctrl-Z, and signals that used to leave the terminal raw.

use crate::support::pty::{Term, journal_kinds};
use std::path::Path;
use std::time::{Duration, Instant};

/// A runbook whose first step's command leaves a mark when (and only when) it runs.
fn marking_runbook(dir: &Path, command: &str) {
    let text = format!(
        r#"
schema_version = 1
id = "pty-run"
title = "A command to run"
incident_type = "demo"
severity = "sev3"
summary = "For the end-to-end safety tests."

[[steps]]
id = "mark"
title = "Leave a mark"
kind = "command"
command = '''{command}'''
timeout = "60s"

[[steps]]
id = "after"
title = "Then this"
kind = "action"
"#
    );
    std::fs::write(dir.join("pty-run.toml"), text).unwrap();
}

/// Starts the `pty-run` incident headless, as ana.
fn start_headless(state: &Path, books: &Path) {
    let start = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .arg("--runbooks")
        .arg(books)
        .args(["start", "pty-run", "--no-tui"])
        .env("RUNBOOK_STATE_DIR", state)
        .env("RUNBOOK_USER", "ana")
        .output()
        .unwrap();
    assert!(start.status.success(), "{start:?}");
}

/// Starts the incident headless, then opens it in the app on its first step.
fn open_incident(state: &Path, books: &Path) -> Term {
    start_headless(state, books);
    let script = r#""$BIN" --runbooks "$BOOKS" resume; echo "EXIT=$?"; stty -a"#;
    let mut t = Term::spawn(script, state, books);
    t.wait_text("Leave a mark");
    t
}

/// Presses `y` every 100 ms until `done` holds (bounded): the confirmation counts a yes only
/// once it has been on screen for a moment, so the first presses may be ignored on purpose.
fn press_y_until(t: &mut Term, what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        t.keys("y");
        let _ = t.wait_for_quietly(Duration::from_millis(100));
    }
}

#[test]
fn a_paste_or_keys_typed_ahead_never_confirm_a_command() {
    let state = tempfile::tempdir().unwrap();
    let books = tempfile::tempdir().unwrap();
    let mark = state.path().join("ran");
    marking_runbook(books.path(), &format!("touch {}", mark.display()));
    let mut t = open_incident(state.path(), books.path());
    // A pasted word: bracketed paste arrives as text, never as keys.
    t.keys("\x1b[200~ready\x1b[201~");
    t.wait_text("pasted text is ignored");
    assert!(!t.screen().contains("Run this command?"), "{}", t.screen());
    // `r` and `y` typed together: the `y` lands before the dialog is drawn.
    t.keys("ry");
    t.wait_text("Run this command?");
    // The same again inside the dialog, the way a paste that is not bracketed would arrive.
    t.keys("ready");
    std::thread::yield_now();
    let kinds = journal_kinds(state.path());
    assert!(!kinds.iter().any(|k| k == "command_started"), "{kinds:?}");
    assert!(!mark.exists(), "the command ran from type-ahead");
    // A `y` pressed on purpose once the dialog has been read runs it.
    press_y_until(&mut t, "the command to run", || {
        journal_kinds(state.path())
            .iter()
            .any(|k| k == "command_finished")
    });
    assert!(mark.exists());
    t.keys("\x03");
    t.wait_text("EXIT=0");
    t.drain();
}

/// Waits until the command's shell wrote its pid, and returns it.
fn pid_in(file: &Path) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(pid) = std::fs::read_to_string(file)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return pid;
        }
        assert!(Instant::now() < deadline, "the command never started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

fn finished_record(state: &Path) -> serde_json::Value {
    let dir = state.join("incidents");
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if v["kind"] == "command_finished" {
                return v;
            }
        }
    }
    panic!("no command_finished recorded")
}

fn run_sleeper(state: &Path, books: &Path) -> (Term, u32) {
    let pid_file = state.join("pid");
    marking_runbook(
        books,
        &format!("echo $$ > {}; sleep 30", pid_file.display()),
    );
    let mut t = open_incident(state, books);
    t.keys("r");
    t.wait_text("Run this command?");
    press_y_until(&mut t, "the command to start", || pid_file.exists());
    let pid = pid_in(&pid_file);
    assert!(alive(pid));
    (t, pid)
}

#[test]
fn sigterm_during_a_run_kills_it_and_records_it_before_leaving() {
    let state = tempfile::tempdir().unwrap();
    let books = tempfile::tempdir().unwrap();
    let (mut t, pid) = run_sleeper(state.path(), books.path());
    let app = t.child.process_id().expect("a pid");
    let term = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "kill -TERM $(pgrep -P {app} runbook || echo {app})"
        ))
        .status()
        .unwrap();
    assert!(term.success());
    t.wait_text("EXIT=0");
    t.drain();
    assert!(!alive(pid), "the command outlived the app");
    let kinds = journal_kinds(state.path());
    assert_eq!(
        kinds[kinds.len() - 2..],
        ["command_started", "command_finished"],
        "{kinds:?}"
    );
    let done = finished_record(state.path());
    assert!(done["exit_code"].is_null(), "{done}");
    assert!(!t.parser.screen().alternate_screen());
}

#[test]
fn quitting_while_a_command_runs_asks_and_kill_records_it() {
    let state = tempfile::tempdir().unwrap();
    let books = tempfile::tempdir().unwrap();
    let (mut t, pid) = run_sleeper(state.path(), books.path());
    // Ctrl-C asks first; the command goes on meanwhile.
    t.keys("\x03");
    t.wait_text("A command is running");
    assert!(alive(pid));
    t.keys("k");
    t.wait_text("EXIT=0");
    t.drain();
    assert!(!alive(pid), "the command outlived the app");
    let kinds = journal_kinds(state.path());
    assert_eq!(kinds.last().map(String::as_str), Some("command_finished"));
}

#[test]
fn sigint_and_sigquit_restore_the_terminal() {
    for sig in ["INT", "QUIT"] {
        let state = tempfile::tempdir().unwrap();
        let books = tempfile::tempdir().unwrap();
        marking_runbook(books.path(), "true");
        let mut t = open_incident(state.path(), books.path());
        assert!(t.parser.screen().alternate_screen());
        let app = t.child.process_id().expect("a pid");
        let sent = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "kill -{sig} $(pgrep -P {app} runbook || echo {app})"
            ))
            .status()
            .unwrap();
        assert!(sent.success());
        t.wait_text("EXIT=0");
        t.drain();
        assert!(!t.parser.screen().alternate_screen(), "SIG{sig}");
        let tail = String::from_utf8_lossy(&t.raw);
        let stty = tail.rsplit("EXIT=0").next().unwrap_or_default();
        assert!(
            stty.contains(" icanon") && stty.contains(" echo"),
            "SIG{sig} left raw mode: {stty}"
        );
    }
}

#[test]
fn ctrl_z_restores_the_terminal_and_continuing_redraws() {
    let state = tempfile::tempdir().unwrap();
    let books = tempfile::tempdir().unwrap();
    marking_runbook(books.path(), "true");
    let mut t = open_incident(state.path(), books.path());
    let app = t.child.process_id().expect("a pid");
    let pid: u32 = String::from_utf8(
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("pgrep -P {app} runbook || echo {app}"))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap();
    t.keys("\x1a");
    let deadline = Instant::now() + Duration::from_secs(20);
    while t.parser.screen().alternate_screen() {
        assert!(
            Instant::now() < deadline,
            "Ctrl-Z kept the alternate screen"
        );
        let _ = t.wait_for_quietly(Duration::from_millis(50));
    }
    let stat = || std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !stat().contains(") T ") {
        assert!(Instant::now() < deadline, "not stopped: {}", stat());
        std::thread::sleep(Duration::from_millis(20));
    }
    // `fg`: the shell sends SIGCONT; the app takes the terminal back and draws it anew.
    let cont = std::process::Command::new("kill")
        .args(["-CONT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(cont.success());
    t.wait_for("the app's screen again", |s| s.contains("Leave a mark"));
    assert!(t.parser.screen().alternate_screen());
    t.keys("\x03");
    t.wait_text("EXIT=0");
    t.drain();
}

/// `p` hands the terminal to `$PAGER` on the run's saved output, made visible: every key typed
/// reaches the pager (none is taken by the app's key reader), no escape sequence from the
/// output reaches it raw, and the app draws itself again after.
#[test]
fn p_opens_the_saved_output_in_the_pager_and_every_key_reaches_it() {
    let state = tempfile::tempdir().unwrap();
    let books = tempfile::tempdir().unwrap();
    // The output carries an escape sequence (red, then a screen clear): it must reach the
    // pager made visible, whatever the pager does with raw bytes.
    marking_runbook(
        books.path(),
        "printf 'saved-output-line\\033[31m\\033[2J\\n'",
    );
    let mark = state.path().join("paged");
    let pager = state.path().join("pager.sh");
    std::fs::write(
        &pager,
        format!(
            "#!/bin/sh\nprintf 'PAGER-UP\\n'\nIFS= read -r line < /dev/tty\n{{ printf 'typed=%s\\n' \"$line\"; cat; }} > '{}'\n",
            mark.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pager, std::fs::Permissions::from_mode(0o755)).unwrap();
    start_headless(state.path(), books.path());
    let script = format!(
        r#"PAGER='{}' "$BIN" --runbooks "$BOOKS" resume; echo "EXIT=$?""#,
        pager.display()
    );
    let mut t = Term::spawn(&script, state.path(), books.path());
    t.wait_text("Leave a mark");
    t.keys("r");
    t.wait_text("Run this command?");
    let s = state.path().to_path_buf();
    press_y_until(&mut t, "the command to finish", || {
        journal_kinds(&s).iter().any(|k| k == "command_finished")
    });
    t.wait_text("full output:");
    t.keys("p");
    t.wait_text("PAGER-UP");
    // Keys the app would act on (e = export, n = note, l, o = sign off): all for the pager.
    t.keys("helono\r");
    t.wait_for("the pager to write what it read", |_| {
        std::fs::read_to_string(&mark).is_ok_and(|m| m.contains("saved-output-line"))
    });
    let got = std::fs::read_to_string(&mark).unwrap();
    assert!(got.starts_with("typed=helono\n"), "{got}");
    assert!(
        !got.contains('\u{1b}'),
        "a raw escape reached the pager: {got:?}"
    );
    assert!(got.contains("saved-output-line\\u{1b}[31m"), "{got:?}");
    // Back in the app, drawn again; nothing the keys would have done was recorded.
    t.wait_text("Leave a mark");
    let kinds = journal_kinds(state.path());
    assert!(!kinds.iter().any(|k| k == "note_added"), "{kinds:?}");
    t.keys("q");
    t.wait_text("Open incidents");
    t.keys("q");
    t.wait_text("EXIT=0");
}

/// `runbook run` asks on the terminal; a `y` typed before the question was shown (type-ahead,
/// a paste) is not an answer: it is thrown away, and only what is typed after counts.
#[test]
fn runbook_run_never_takes_a_y_typed_before_its_question() {
    let state = tempfile::tempdir().unwrap();
    let books = tempfile::tempdir().unwrap();
    let mark = state.path().join("ran");
    marking_runbook(books.path(), &format!("touch {}", mark.display()));
    start_headless(state.path(), books.path());
    let go = state.path().join("go");
    // The shell waits (reading nothing) until the keys below are in the terminal's buffer.
    let script = format!(
        r#"echo WAITING; while [ ! -e '{}' ]; do :; done; "$BIN" --runbooks "$BOOKS" run mark; echo "EXIT=$?""#,
        go.display()
    );
    let mut t = Term::spawn(&script, state.path(), books.path());
    t.wait_text("WAITING");
    t.keys("y\r");
    std::fs::write(&go, "").unwrap();
    t.wait_text("Run it? [y/N]");
    // Had the early `y` counted, the command would have run before this answer.
    t.keys("n\r");
    t.wait_text("EXIT=");
    assert!(!mark.exists(), "a y typed ahead ran the command");
    let kinds = journal_kinds(state.path());
    assert!(!kinds.iter().any(|k| k == "command_started"), "{kinds:?}");
    // A y typed after the question runs it.
    let script = r#""$BIN" --runbooks "$BOOKS" run mark; echo "EXIT=$?""#;
    let mut t = Term::spawn(script, state.path(), books.path());
    t.wait_text("Run it? [y/N]");
    t.keys("y\r");
    t.wait_text("EXIT=0");
    assert!(
        mark.exists(),
        "the y typed after the question did not run it"
    );
}

/// Esc then q typed quickly reach the terminal as one Alt-q: the dialog still closes and q
/// still goes back home, as typed.
#[test]
fn esc_then_q_typed_at_once_closes_the_dialog_then_goes_home() {
    let state = tempfile::tempdir().unwrap();
    let books = tempfile::tempdir().unwrap();
    marking_runbook(books.path(), "true");
    let mut t = open_incident(state.path(), books.path());
    t.keys("n");
    t.wait_text("Note");
    t.keys("\u{1b}q");
    // Home is only reached once the dialog is closed and q is taken as a key of the screen.
    t.wait_text("Open incidents");
}
