//! End to end: the real binary in a pseudo-terminal, keys in, screen (parsed with vt100) and
//! journal out. Waits are bounded polls of the screen, never fixed sleeps.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::support::pty::{Term, journal_kinds};

const DEMO: &str = r#"
schema_version = 1
id = "pty-demo"
title = "Pseudo-terminal demo"
incident_type = "demo"
severity = "sev3"
summary = "A small runbook for the end-to-end test."
alerts = ["PtyDemoAlert"]

[[steps]]
id = "look"
title = "Look at the dashboards"
kind = "check"
milestone = "acknowledged"
body = """
Open the service dashboard and the error-rate panel.

Compare the last hour with the same hour yesterday.

Look for a step change rather than a slow climb.

Check whether the deploy marker lines up with the change.

Note which regions are affected and which are not.

Check the saturation panels: CPU, memory, connections.

Look at the upstream dependencies' status pages.

Write down the first time the graphs look wrong.

The last line of the notes.
"""

[[steps]]
id = "which-way"
title = "Which way now?"
kind = "decision"
choices = [
  { label = "Left", next = "left" },
  { label = "Right", next = "right" },
]

[[steps]]
id = "left"
title = "Go left carefully"
kind = "action"
end = true

[[steps]]
id = "right"
title = "Go right quickly"
kind = "action"
milestone = "mitigated"
"#;

fn books() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("pty-demo.toml"), DEMO).unwrap();
    d
}

#[test]
fn start_filter_walk_decide_note_and_quit_restores_the_terminal() {
    let state = tempfile::tempdir().unwrap();
    let books = books();
    let script = r#""$BIN" --runbooks "$BOOKS"; echo "EXIT=$?"; stty -a"#;
    let mut t = Term::spawn(script, state.path(), books.path());
    // Home: the library, including the bundled runbooks.
    t.wait_text("pty-demo");
    t.wait_text("etcd quorum lost");
    assert!(t.parser.screen().alternate_screen());
    // Filtering by an alert name finds the runbook that lists it.
    t.keys("/PtyDemoAlert");
    t.wait_for("the filter to narrow the list", |s| {
        s.contains("PtyDemoAlert") && !s.contains("etcd quorum lost")
    });
    t.keys("\r\r");
    t.wait_text("Start an incident");
    // The start form: accept the defaults.
    t.keys("\r");
    t.wait_for("the incident screen", |s| {
        s.contains("0/4 done") && s.contains("[ ] 1. Look at the dashboards")
    });
    // The step's notes do not fit the detail pane: J scrolls to their end (the app knows
    // the terminal's size from the start), K back to the top.
    assert!(!t.screen().contains("The last line of the notes."));
    t.keys("JJJJJJ");
    t.wait_for("the detail pane to scroll to the end", |s| {
        s.contains("The last line of the notes.") && s.contains("more: J K")
    });
    t.keys("KKKKKK");
    t.wait_for("the detail pane back at the top", |s| {
        s.contains("(J reads on)") && !s.contains("The last line of the notes.")
    });
    // Start and complete the check.
    t.keys("\r");
    t.wait_text("[>]");
    t.keys("\r");
    t.wait_text("[x]");
    // Take the decision's second choice: the flow jumps to "right".
    t.keys("2");
    t.wait_for("the decision to be recorded", |s| {
        s.matches("[x]").count() >= 2
    });
    // A note.
    t.keys("n");
    t.wait_text("Note");
    t.keys("the dashboards were green\r");
    t.wait_text("the dashboards were green");
    // Back home, then quit.
    t.keys("q");
    t.wait_text("Open incidents");
    t.keys("q");
    t.wait_text("EXIT=0");
    t.drain();
    let status = t.child.wait().unwrap();
    assert!(status.success());
    assert!(
        !t.parser.screen().alternate_screen(),
        "left the alternate screen"
    );
    let tail = String::from_utf8_lossy(&t.raw);
    let stty = tail.rsplit("EXIT=0").next().unwrap_or_default();
    assert!(
        stty.contains(" icanon") && stty.contains(" echo"),
        "raw mode was left: {stty}"
    );
    assert_eq!(
        journal_kinds(state.path()),
        [
            "incident_opened",
            "step_started",
            "step_completed",
            "decision_made",
            "note_added"
        ]
    );
}

#[test]
fn keys_typed_while_the_library_loads_land_on_the_checked_library() {
    let state = tempfile::tempdir().unwrap();
    let books = books();
    // A library big enough that checking it takes a while after the first frame.
    for n in 0..300 {
        let copy = DEMO
            .replace("id = \"pty-demo\"", &format!("id = \"demo-{n}\""))
            .replace("PtyDemoAlert", &format!("OtherAlert{n}"));
        std::fs::write(books.path().join(format!("demo-{n}.toml")), copy).unwrap();
    }
    let script = r#"exec "$BIN" --runbooks "$BOOKS""#;
    let mut t = Term::spawn(script, state.path(), books.path());
    // The first frame lists the directory's runbooks by their top-level fields.
    t.wait_text("demo-0");
    // Typed at once: filter, submit, open. They wait for the full check, so Enter opens the
    // start form (a runbook still being checked would refuse to start).
    t.keys("/PtyDemoAlert\r\r");
    t.wait_text("Start an incident");
    assert!(
        !t.screen().contains("still being checked"),
        "{}",
        t.screen()
    );
    t.keys("\x03");
    t.drain();
    assert!(t.child.wait().unwrap().success());
}

#[test]
fn sighup_mid_incident_loses_nothing_and_the_incident_resumes() {
    let state = tempfile::tempdir().unwrap();
    let books = books();
    let start = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["--runbooks"])
        .arg(books.path())
        .args(["start", "pty-demo", "--no-tui"])
        .env("RUNBOOK_STATE_DIR", state.path())
        .env("RUNBOOK_USER", "ana")
        .output()
        .unwrap();
    assert!(start.status.success());
    let script = r#"exec "$BIN" --runbooks "$BOOKS" resume"#;
    let mut t = Term::spawn(script, state.path(), books.path());
    t.wait_text("Look at the dashboards");
    t.keys("\r");
    t.wait_text("[>]");
    // The line drops: SIGHUP to the app.
    let pid = t.child.process_id().expect("a pid");
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    t.drain();
    t.child.wait().unwrap();
    assert_eq!(
        journal_kinds(state.path()),
        ["incident_opened", "step_started"]
    );
    // Resume: the step is still active.
    let mut again = Term::spawn(script, state.path(), books.path());
    again.wait_text("Look at the dashboards");
    again.wait_text("[>]");
    again.keys("\x03");
    again.drain();
    assert!(again.child.wait().unwrap().success());
}

/// The stats screen in the real binary, over incidents generated with backdated `--at` (the
/// `stats_cli` set: four real ones, a drill, a damaged journal): the home preview gains the
/// runbook's step figures once the start-up read is in, `S` shows the figures and names the
/// journal not counted, `d` counts the drill instead, Esc goes home.
#[test]
fn s_on_the_home_screen_shows_the_figures_across_incidents() {
    let (e, ids) = crate::stats_cli::generated();
    let books = e.state.path().join("runbooks");
    let script = r#"exec "$BIN" --runbooks "$BOOKS""#;
    let mut t = Term::spawn(script, e.state.path(), &books);
    t.wait_text("Service down");
    // Filter to the runbook (ranked first: its id), and keep the filter.
    t.keys("/svc\r");
    t.wait_text("› svc ");
    t.wait_for("the preview's step figures", |s| {
        s.contains("Across 4 incidents (drills left out; S: stats)")
    });
    t.keys("S");
    t.wait_for("the stats screen's figures", |s| {
        s.contains("4 incidents (0 open), drills left out")
            && s.contains("2026-W18")
            && s.contains("Runbook svc: Service down")
            && s.contains("Time to resolve          4     45m      1h      1h        0")
    });
    let screen = t.screen();
    assert!(
        screen.contains(&format!("1 journal not counted: {}", ids[5])),
        "{screen}"
    );
    t.keys("d");
    t.wait_text("1 drill (0 open), drills only");
    t.keys("\x1b");
    t.wait_text("Incidents and runbooks");
    t.keys("q");
    t.drain();
    assert!(t.child.wait().unwrap().success());
}
