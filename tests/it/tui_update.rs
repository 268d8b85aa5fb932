//! The interactive app without a terminal: key sequences go through the pure `update`, effects
//! are carried out by the real `Shell` against a journal in a temp dir, and we check the state
//! and the journal's events. Time is a fixed clock moved by hand.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{DateTime, Duration, TimeZone, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use runbook::domain::clock::{Clock, FixedClock};
use runbook::domain::event::{Event, Known, Record};
use runbook::domain::incident::Status;
use runbook::runbook::library::Root;
use runbook::runbook::watch::Reloader;
use runbook::store::Store;
use runbook::tui::app::{Effect, Msg, update};
use runbook::tui::effect::By;
use runbook::tui::effects::{Shell, Worker};
use runbook::tui::state::{AppState, IncidentRow, Overlay, Row, Screen};
use runbook::tui::worker::{Journaler, current_rows, incident_rows};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

struct Sim {
    s: AppState,
    shell: Shell,
    rx: Receiver<Msg>,
    clock: Arc<FixedClock>,
    _dirs: Vec<tempfile::TempDir>,
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap()
}

impl Sim {
    /// The app on the bundled library plus `extra` runbooks (file name, source).
    fn new(extra: &[(&str, &str)]) -> Sim {
        let state = tempfile::tempdir().unwrap();
        let books = tempfile::tempdir().unwrap();
        for (name, text) in extra {
            std::fs::write(books.path().join(name), text).unwrap();
        }
        let reloader = Reloader::new(vec![Root::Dir(books.path().into()), Root::Bundled], true);
        let clock = Arc::new(FixedClock::new(t0()));
        let (tx, rx) = mpsc::channel();
        let store = Store {
            dir: state.path().into(),
        };
        // The journaler runs inline: its answers come back from the same `settle` the app
        // uses, in the same order.
        let journaler = Journaler {
            store: store.clone(),
            reloader,
            current: Vec::new(),
            sessions: Default::default(),
            clock: clock.clone(),
            drill_clock: None,
            author: ana(),
        };
        let shell = Shell {
            worker: Worker::Inline(Box::new(journaler)),
            store,
            clock: clock.clone(),
            tx,
            cancel: Arc::default(),
            terminal: None,
        };
        let mut sim = Sim {
            s: AppState::new(t0(), ana(), false),
            shell,
            rx,
            clock,
            _dirs: vec![state, books],
        };
        let rows = sim.j().reload();
        sim.send(Msg::Library(rows));
        let incidents = incident_rows(&sim.shell.store);
        sim.send(Msg::Incidents(incidents));
        sim
    }

    /// Sends a message and carries out every effect (and the messages they answer with),
    /// through the app's own `settle`.
    fn send(&mut self, msg: Msg) -> Vec<Effect> {
        runbook::tui::shell::settle(&mut self.s, &mut self.shell, msg)
    }

    fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        let now = self.clock.now();
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE), now))
    }

    /// Types characters one key at a time.
    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn enter(&mut self) -> Vec<Effect> {
        self.key(KeyCode::Enter)
    }

    /// Another person, in their own shell, records `event` in the open incident; the app sees
    /// the journal change as it would from the watcher.
    fn as_other(&mut self, author: &str, event: Known) {
        let id = self.s.incident.as_ref().unwrap().incident.id.clone();
        let mut other = self.shell.store.open(&id.parse().unwrap()).unwrap();
        other
            .record(self.clock.as_ref(), None, author, event)
            .unwrap();
        self.send(Msg::JournalChanged);
    }

    /// The journaler (inline).
    fn j(&mut self) -> &mut Journaler {
        self.shell.journaler_mut().unwrap()
    }

    /// Draws a frame at the terminal size (100x30 until a resize says otherwise) and tells
    /// the state what it showed, as the shell does after every batch of messages.
    fn draw(&mut self) {
        let (w, h) = match self.s.size {
            (0, 0) => (100, 30),
            size => size,
        };
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        for _ in 0..2 {
            let mut shown = runbook::tui::view::Drawn::default();
            term.draw(|f| shown = runbook::tui::view::draw(f, &self.s))
                .unwrap();
            if !runbook::tui::app::drawn(&mut self.s, self.clock.now(), &shown) {
                break;
            }
        }
    }

    /// The confirmation is drawn, read for a second, and answered yes.
    fn confirm_yes(&mut self) -> Vec<Effect> {
        self.draw();
        self.clock.advance(Duration::seconds(1));
        self.key(KeyCode::Char('y'))
    }

    fn index(&self, id: &str) -> usize {
        let v = self.s.incident.as_ref().unwrap();
        v.incident.runbook.step_index(id).unwrap()
    }

    /// The open incident's records, as the shell holds them.
    fn records(&self) -> &[Record] {
        let id = &self.s.incident.as_ref().unwrap().incident.id;
        &self.shell.journaler().unwrap().sessions[id].records
    }

    fn kinds(&self) -> Vec<String> {
        self.records()
            .iter()
            .map(|r| r.event.kind().to_string())
            .collect()
    }

    fn selected_step(&self) -> String {
        let v = self.s.incident.as_ref().unwrap();
        v.incident.runbook.steps[v.selected].id.to_string()
    }

    fn select(&mut self, id: &str) {
        let target = self
            .s
            .incident
            .as_ref()
            .unwrap()
            .incident
            .runbook
            .step_index(id)
            .unwrap();
        while self.s.incident.as_ref().unwrap().selected < target {
            self.key(KeyCode::Char('j'));
        }
        while self.s.incident.as_ref().unwrap().selected > target {
            self.key(KeyCode::Char('k'));
        }
    }

    fn status(&self, id: &str) -> Status {
        let i = &self.s.incident.as_ref().unwrap().incident;
        i.steps[i.runbook.step_index(id).unwrap()].status
    }
}

/// Long by design: one incident by keys from the home screen to the close, the state checked after
/// each step.
#[test]
fn a_whole_incident_by_keys_with_a_decision_a_signoff_a_skip_and_a_note() {
    let mut sim = Sim::new(&[]);
    // Filter by an alert name: the etcd runbook is the match.
    sim.typed("/EtcdNoLeader");
    sim.enter();
    assert!(!sim.s.home.filtering);
    sim.enter();
    let Some(Overlay::StartForm(form)) = &sim.s.overlay else {
        panic!("start form expected, got {:?}", sim.s.overlay)
    };
    assert_eq!(form.runbook, "etcd-quorum-loss");
    sim.enter();
    assert_eq!(sim.s.screen, Screen::Incident);
    assert_eq!(sim.kinds(), ["incident_opened"]);
    // Enter starts the selected step, Enter again completes it; the selection follows the flow.
    assert_eq!(sim.selected_step(), "acknowledge");
    sim.enter();
    assert_eq!(sim.status("acknowledge"), Status::Active);
    sim.key(KeyCode::Char(' '));
    sim.clock.advance(Duration::minutes(4));
    // Two checklist items are still unticked: asked about, then completed deliberately.
    sim.enter();
    let Some(Overlay::Ask(a)) = &sim.s.overlay else {
        panic!("the checklist question expected, got {:?}", sim.s.overlay)
    };
    assert!(a.message.contains("are not ticked"), "{}", a.message);
    assert_eq!(sim.status("acknowledge"), Status::Active);
    sim.key(KeyCode::Char('y'));
    assert_eq!(sim.status("acknowledge"), Status::Done);
    assert_eq!(sim.selected_step(), "first-update");
    // Skip with a reason.
    sim.key(KeyCode::Char('s'));
    sim.typed("status page already red");
    sim.enter();
    assert_eq!(sim.status("first-update"), Status::Skipped);
    // A decision jumps, and the selection follows it.
    sim.select("decide-cause");
    sim.key(KeyCode::Char('1'));
    assert_eq!(sim.selected_step(), "stop-churn");
    // A sign-off step waits for a second person, who signs off as themself from their own
    // shell; the sign-off appears live, and then the step completes.
    sim.select("restore-new-cluster");
    sim.enter();
    let fx = sim.enter();
    assert!(
        fx.is_empty(),
        "nothing is appended before the sign-off: {fx:?}"
    );
    let Some(Overlay::Error { message, .. }) = &sim.s.overlay else {
        panic!("the waiting message expected, got {:?}", sim.s.overlay)
    };
    assert!(
        message.contains("someone other than ana") && message.contains("runbook signoff"),
        "{message}"
    );
    sim.key(KeyCode::Esc);
    sim.as_other(
        "carol",
        Known::SignoffGiven {
            step: "restore-new-cluster".into(),
            by: "carol".into(),
        },
    );
    let st = &sim.s.incident.as_ref().unwrap().incident.steps;
    let i = sim.index("restore-new-cluster");
    assert_eq!(st[i].signoff().map(|s| s.by.as_str()), Some("carol"));
    sim.enter();
    assert_eq!(sim.status("restore-new-cluster"), Status::Done);
    // Notes and action items.
    sim.key(KeyCode::Char('n'));
    sim.typed("dmesg on etcd-2 shows oom-kill");
    sim.enter();
    sim.key(KeyCode::Char('t'));
    sim.typed("alert on etcd memory");
    sim.enter();
    // A milestone from the menu, now (Enter at the "when?" question).
    sim.key(KeyCode::Char('m'));
    for _ in 0..4 {
        sim.key(KeyCode::Char('j'));
    }
    sim.enter();
    sim.enter();
    let inc = &sim.s.incident.as_ref().unwrap().incident;
    assert!(
        inc.milestones
            .contains_key(&runbook::domain::Milestone::Mitigated)
    );
    assert_eq!(inc.action_items().count(), 1);
    assert_eq!(
        sim.kinds(),
        [
            "incident_opened",
            "step_started",
            "checklist_toggled",
            "step_completed",
            "step_skipped",
            "decision_made",
            "step_started",
            "signoff_given",
            "step_completed",
            "note_added",
            "note_added",
            "milestone",
        ]
    );
    // The screen state is the fold of the journal on disk.
    let on_disk =
        runbook::store::Session::open(&sim.shell.store.journal_path(&inc.id.parse().unwrap()))
            .unwrap();
    assert_eq!(on_disk.incident, **inc);
    // q goes home (the incident is listed there), Ctrl-C quits.
    sim.key(KeyCode::Char('q'));
    assert_eq!(sim.s.screen, Screen::Home);
    assert_eq!(sim.s.home.incidents.len(), 1);
    assert_eq!(
        sim.s.home.selected, 0,
        "the newest open incident is selected"
    );
    let now = sim.clock.now();
    sim.send(Msg::Key(
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        now,
    ));
    assert!(sim.s.quit);
}

#[test]
fn a_failed_append_keeps_what_was_typed() {
    let mut sim = Sim::new(&[]);
    sim.typed("/disk-full");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.key(KeyCode::Char('n'));
    sim.typed("a long careful note");
    // Submit, but answer as if the disk were full.
    let now = sim.clock.now();
    let fx = update(
        &mut sim.s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), now),
    );
    let Some(Effect::Append {
        incident, origin, ..
    }) = fx.into_iter().next()
    else {
        panic!("an append")
    };
    update(
        &mut sim.s,
        Msg::AppendFailed {
            incident,
            error: "disk full".into(),
            origin,
        },
    );
    // The dialog comes back with what was typed and the reason inside it: no modal in
    // between to swallow the next keys.
    let Some(Overlay::Input(input)) = &sim.s.overlay else {
        panic!("the note dialog is back, got {:?}", sim.s.overlay)
    };
    assert_eq!(input.text, "a long careful note");
    let error = input.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("NOT RECORDED") && error.contains("disk full"),
        "{error}"
    );
    assert_eq!(sim.kinds(), ["incident_opened"]);
    // Typing goes on in the text, and clears the message.
    sim.typed("!");
    let Some(Overlay::Input(input)) = &sim.s.overlay else {
        panic!("the note dialog stays")
    };
    assert_eq!(input.text, "a long careful note!");
    assert!(input.error.is_none());
}

#[test]
fn refused_actions_explain_and_record_nothing() {
    let mut sim = Sim::new(&[]);
    sim.typed("/disk-full");
    sim.enter();
    sim.enter();
    sim.enter();
    // An empty note is refused inside the dialog; what is typed next lands in the text,
    // and Esc closes the dialog.
    sim.key(KeyCode::Char('n'));
    sim.enter();
    let Some(Overlay::Input(input)) = &sim.s.overlay else {
        panic!(
            "refusal inside the dialog expected, got {:?}",
            sim.s.overlay
        )
    };
    assert!(
        input
            .error
            .as_deref()
            .is_some_and(|e| e.contains("needs some text")),
        "{input:?}"
    );
    sim.typed("sdata dirs");
    let Some(Overlay::Input(input)) = &sim.s.overlay else {
        panic!("the dialog stays")
    };
    assert_eq!(input.text, "sdata dirs");
    sim.key(KeyCode::Esc);
    assert!(sim.s.overlay.is_none());
    // A read-only journal refuses actions.
    sim.s.incident.as_mut().unwrap().read_only = Some("line 3: bad JSON".into());
    let fx = sim.key(KeyCode::Enter);
    assert!(fx.is_empty());
    assert!(
        matches!(&sim.s.overlay, Some(Overlay::Error { message, .. }) if message.contains("read-only"))
    );
    assert_eq!(sim.kinds(), ["incident_opened"]);
}

const CMD_RUNBOOK: &str = r#"
schema_version = 1
id = "cmd-test"
title = "Command test"
incident_type = "test"
severity = "sev3"
summary = "Runs commands."

[[steps]]
id = "hello"
title = "Say hello"
kind = "command"
command = "echo hello from the runbook"
timeout = "20s"

[[steps]]
id = "sneaky"
title = "A command with an invisible character"
kind = "command"
command = "echo safe\u200b; rm -rf /nonexistent-demo"

[[steps]]
id = "pause"
title = "Wait a minute"
kind = "wait"
duration = "1m"
"#;

#[test]
fn running_a_command_asks_first_and_records_start_and_finish() {
    let mut sim = Sim::new(&[("cmd-test.toml", CMD_RUNBOOK)]);
    sim.typed("/cmd-test");
    sim.enter();
    sim.enter();
    sim.enter();
    let fx = sim.key(KeyCode::Char('r'));
    assert!(fx.is_empty(), "nothing runs before confirmation");
    let Some(Overlay::Confirm(c)) = &sim.s.overlay else {
        panic!("confirmation expected")
    };
    assert_eq!(c.command, "echo hello from the runbook");
    assert!(c.refused.is_none());
    let fx = sim.confirm_yes();
    assert!(
        fx.iter().any(|e| matches!(e, Effect::RunCommand { command, .. } if command == "echo hello from the runbook"))
    );
    assert_eq!(
        sim.kinds().last().map(String::as_str),
        Some("command_started")
    );
    let done = sim
        .rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the command finishes");
    sim.send(done);
    let last = sim.records().last().unwrap().clone();
    let Event::Known(Known::CommandFinished {
        exit_code,
        output_excerpt,
        output_sha256,
        ..
    }) = last.event
    else {
        panic!("command_finished expected")
    };
    assert_eq!(exit_code, Some(0));
    assert_eq!(output_excerpt, "hello from the runbook");
    assert_eq!(output_sha256.len(), 64);
    // A command with invisible characters is shown and refused.
    sim.key(KeyCode::Char('j'));
    sim.key(KeyCode::Char('r'));
    let Some(Overlay::Confirm(c)) = &sim.s.overlay else {
        panic!("confirmation expected")
    };
    assert!(
        c.refused
            .as_deref()
            .is_some_and(|r| r.contains("invisible"))
    );
    let fx = sim.confirm_yes();
    assert!(fx.is_empty(), "a refused command never runs");
    // Nor does it reach the clipboard.
    sim.key(KeyCode::Esc);
    let fx = sim.key(KeyCode::Char('y'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Copy(_))), "{fx:?}");
}

#[test]
fn a_wait_rings_the_bell_once_when_it_is_over() {
    let mut sim = Sim::new(&[("cmd-test.toml", CMD_RUNBOOK)]);
    sim.typed("/cmd-test");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.select("pause");
    sim.enter();
    let tick = |sim: &mut Sim, secs| {
        sim.clock.advance(Duration::seconds(secs));
        let now = sim.clock.now();
        sim.send(Msg::Tick(now))
    };
    assert!(tick(&mut sim, 30).is_empty());
    assert_eq!(tick(&mut sim, 31), vec![Effect::Bell]);
    assert!(tick(&mut sim, 5).is_empty(), "the bell rings once");
}

#[test]
fn other_writers_appear_on_catch_up() {
    let mut sim = Sim::new(&[]);
    sim.typed("/disk-full");
    sim.enter();
    sim.enter();
    sim.enter();
    let path = sim.shell.store.journal_path(
        &sim.s
            .incident
            .as_ref()
            .unwrap()
            .incident
            .id
            .parse()
            .unwrap(),
    );
    let mut other = runbook::store::Session::open(&path).unwrap();
    other
        .record(
            sim.clock.as_ref(),
            None,
            "teammate",
            Known::NoteAdded {
                text: "from another shell".into(),
                action_item: false,
                decision: false,
            },
        )
        .unwrap();
    sim.send(Msg::JournalChanged);
    let v = sim.s.incident.as_ref().unwrap();
    assert_eq!(v.records.len(), 2);
    assert_eq!(v.incident.notes[0].by, "teammate");
}

/// Long by design: the runbook is changed mid-incident and adopted, and every step's state is
/// checked before and after.
#[test]
fn a_changed_runbook_is_offered_and_adoption_keeps_step_states_by_id() {
    let mut sim = Sim::new(&[("cmd-test.toml", CMD_RUNBOOK)]);
    sim.typed("/cmd-test");
    sim.enter();
    sim.enter();
    sim.enter();
    // Complete the first step, start the wait.
    sim.enter();
    sim.enter();
    sim.select("pause");
    sim.enter();
    assert_eq!(sim.status("hello"), Status::Done);
    assert!(
        sim.s.incident.as_ref().unwrap().newer.is_none(),
        "nothing to offer yet"
    );
    // The file changes on disk: a new step, a changed command, the sneaky step removed.
    let Root::Dir(dir) = sim.j().reloader.roots()[0].clone() else {
        panic!("a directory root")
    };
    let edited = CMD_RUNBOOK
        .replace("echo hello from the runbook", "echo hello again")
        .replace(
            "[[steps]]\nid = \"sneaky\"\ntitle = \"A command with an invisible character\"\nkind = \"command\"\ncommand = \"echo safe\\u200b; rm -rf /nonexistent-demo\"\n",
            "[[steps]]\nid = \"tell\"\ntitle = \"Tell the team\"\nkind = \"action\"\n",
        );
    assert_ne!(edited, CMD_RUNBOOK);
    std::fs::write(dir.join("cmd-test.toml"), &edited).unwrap();
    sim.send(Msg::RunbooksChanged);
    let newer = sim
        .s
        .incident
        .as_ref()
        .unwrap()
        .newer
        .clone()
        .expect("the new version is offered");
    assert_eq!(
        newer.summary,
        "+1 added (tell), -1 removed (sneaky), ~1 changed (hello)"
    );
    // Nothing changes under the responder's feet until they adopt it.
    assert_eq!(
        sim.s
            .incident
            .as_ref()
            .unwrap()
            .incident
            .runbook
            .steps
            .len(),
        3
    );
    assert!(
        sim.s
            .incident
            .as_ref()
            .unwrap()
            .incident
            .runbook
            .step("sneaky")
            .is_some()
    );
    sim.key(KeyCode::Char('A'));
    assert!(matches!(&sim.s.overlay, Some(Overlay::Menu(_))));
    sim.enter();
    let v = sim.s.incident.as_ref().unwrap();
    assert_eq!(
        sim.kinds().last().map(String::as_str),
        Some("runbook_adopted")
    );
    assert!(v.newer.is_none());
    assert_eq!(sim.status("hello"), Status::Done, "states carry over by id");
    assert_eq!(sim.status("pause"), Status::Active);
    assert_eq!(sim.status("tell"), Status::Pending);
    let v = sim.s.incident.as_ref().unwrap();
    assert_eq!(
        v.incident.retired.len(),
        1,
        "the vanished step stays in the record"
    );
    assert_eq!(v.incident.retired[0].0.id, "sneaky");
}

#[test]
fn approval_is_for_the_exact_command_text() {
    let mut sim = Sim::new(&[("cmd-test.toml", CMD_RUNBOOK)]);
    sim.typed("/cmd-test");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.key(KeyCode::Char('r'));
    // While the confirmation is open, the pinned command changes (as an adoption would do).
    if let Some(Overlay::Confirm(c)) = &mut sim.s.overlay {
        c.command = "echo what was shown".into();
    }
    let fx = sim.confirm_yes();
    assert!(
        fx.is_empty(),
        "a command other than the one shown never runs"
    );
    assert_eq!(sim.kinds(), ["incident_opened"]);
}

#[test]
fn a_bad_edit_keeps_the_last_good_version_usable() {
    let mut sim = Sim::new(&[("cmd-test.toml", CMD_RUNBOOK)]);
    let Root::Dir(dir) = sim.j().reloader.roots()[0].clone() else {
        panic!("a directory root")
    };
    std::fs::write(
        dir.join("cmd-test.toml"),
        CMD_RUNBOOK.replace("kind = \"wait\"", "kind = \"wiat\""),
    )
    .unwrap();
    sim.send(Msg::RunbooksChanged);
    let row = sim
        .s
        .home
        .library
        .iter()
        .find(|r| r.runbook.id == "cmd-test")
        .expect("still listed");
    let problems = row.problems.as_deref().expect("the errors are shown");
    assert!(problems.contains("unknown kind \"wiat\""), "{problems}");
    assert_eq!(row.runbook.steps.len(), 3, "the last good version");
    // It can still be started.
    sim.typed("/cmd-test");
    sim.enter();
    sim.enter();
    sim.enter();
    assert_eq!(sim.s.screen, Screen::Incident);
}

#[test]
fn e_writes_the_postmortem_draft_and_says_where() {
    let mut sim = Sim::new(&[]);
    sim.typed("/disk-full");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.key(KeyCode::Char('e'));
    let id = sim.s.incident.as_ref().unwrap().incident.id.clone();
    let path = sim.shell.store.dir.join("exports").join(format!("{id}.md"));
    let flash = sim.s.flash.clone().expect("a message");
    assert!(
        flash.text.contains(&path.display().to_string()),
        "{}",
        flash.text
    );
    let draft = std::fs::read_to_string(&path).unwrap();
    assert!(draft.contains(&id) && draft.contains("Draft"), "{draft}");
}

#[test]
fn a_drill_fires_its_injects_on_ticks_shows_them_and_scores_at_the_end() {
    let mut sim = Sim::new(&[]);
    // Start the drill headless (as `runbook drill ... --no-tui` does), then open it here.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args([
            "drill",
            "etcd-quorum-loss",
            "--scenario",
            "etcd-oom-quorum-loss",
            "--speed",
            "1",
            "--no-tui",
        ])
        .env("RUNBOOK_STATE_DIR", &sim.shell.store.dir)
        .env("RUNBOOK_NOW", "2026-05-30T22:12:00Z")
        .env("RUNBOOK_USER", "ana")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    sim.send(Msg::JournalChanged);
    let opened = sim.shell.run(Effect::OpenIncident(id)).pop().unwrap();
    sim.send(opened);
    assert!(
        sim.s.incident.as_ref().unwrap().scenario.is_some(),
        "the pinned scenario is loaded"
    );
    // Before the first inject's time nothing fires; at it, it is journaled as the drill.
    let tick = |sim: &mut Sim, minutes| {
        sim.clock.set(t0() + Duration::minutes(minutes));
        let now = sim.clock.now();
        sim.send(Msg::Tick(now))
    };
    let first_at = {
        let sc = sim.s.incident.as_ref().unwrap().scenario.clone().unwrap();
        sc.injects[0].at.num_minutes()
    };
    if first_at > 0 {
        assert!(
            !tick(&mut sim, first_at - 1)
                .iter()
                .any(|e| matches!(e, Effect::Append { by: By::Drill, .. }))
        );
    }
    let fx = tick(&mut sim, first_at);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Append { by: By::Drill, .. })),
        "{fx:?}"
    );
    let last = sim.records().last().unwrap().clone();
    assert_eq!(last.event.kind(), "inject_fired");
    assert_eq!(last.author, "drill");
    let banner = sim
        .s
        .incident
        .as_ref()
        .unwrap()
        .banner
        .clone()
        .expect("a banner");
    assert!(banner.starts_with("INJECT 1: "), "{banner}");
    // The same tick again fires nothing more.
    assert!(
        !tick(&mut sim, first_at)
            .iter()
            .any(|e| matches!(e, Effect::Append { by: By::Drill, .. }))
    );
}

#[test]
fn a_journal_change_rereads_every_incident_only_when_the_list_is_on_screen() {
    let mut sim = Sim::new(&[]);
    assert_eq!(
        update(&mut sim.s, Msg::JournalChanged),
        vec![Effect::RefreshIncidents]
    );
    sim.typed("/disk-full");
    sim.enter();
    sim.enter();
    sim.enter();
    assert_eq!(sim.s.screen, Screen::Incident);
    // On the incident screen only the open journal's new bytes are read.
    let id = sim.s.incident.as_ref().unwrap().incident.id.clone();
    assert_eq!(
        update(&mut sim.s, Msg::JournalChanged),
        vec![Effect::CatchUp { incident: id }]
    );
    // Going back home shows a fresh list.
    let fx = sim.key(KeyCode::Char('q'));
    assert_eq!(fx, vec![Effect::RefreshIncidents]);
    assert_eq!(sim.s.home.incidents.len(), 1);
}

/// The id of the selected home row's runbook or incident.
fn selected_home(sim: &Sim) -> String {
    let h = &sim.s.home;
    match h.selected_row().expect("a row is selected") {
        Row::Incident(i) => format!("incident {}", h.incidents[i].id),
        Row::Runbook(i) => format!("runbook {}", h.library[i].runbook.id),
    }
}

#[test]
fn a_reload_keeps_the_selection_on_the_same_runbook() {
    let mut sim = Sim::new(&[("cmd-test.toml", CMD_RUNBOOK)]);
    // Move down to the third runbook: rows are sorted by incident type, then id.
    sim.key(KeyCode::Char('j'));
    sim.key(KeyCode::Char('j'));
    let chosen = selected_home(&sim);
    let index = sim.s.home.selected;
    // A teammate adds a runbook that sorts first (incident type "aaa").
    let Root::Dir(dir) = sim.j().reloader.roots()[0].clone() else {
        panic!("a directory root")
    };
    let first = CMD_RUNBOOK
        .replace("id = \"cmd-test\"", "id = \"a-first\"")
        .replace("incident_type = \"test\"", "incident_type = \"aaa\"");
    std::fs::write(dir.join("a-first.toml"), first).unwrap();
    sim.send(Msg::RunbooksChanged);
    assert_eq!(sim.s.home.library[0].runbook.id, "a-first");
    assert_eq!(
        selected_home(&sim),
        chosen,
        "Enter still opens what was chosen"
    );
    assert_eq!(sim.s.home.selected, index + 1);
    // The chosen runbook's file goes away: the selection stays at the same place, in range.
    std::fs::remove_file(dir.join("cmd-test.toml")).unwrap();
    sim.s.home.selected = sim.s.home.rows().len() - 1;
    sim.send(Msg::RunbooksChanged);
    assert_eq!(sim.s.home.selected, sim.s.home.rows().len() - 1);
}

#[test]
fn a_new_incident_takes_the_top_until_the_responder_moves() {
    let mut sim = Sim::new(&[]);
    let rows_for = |ids: &[&str]| -> Vec<IncidentRow> {
        ids.iter()
            .map(|id| IncidentRow {
                id: (*id).into(),
                title: format!("Incident {id}"),
                severity: runbook::domain::Severity::Sev2,
                drill: false,
                opened: t0(),
                runbook: "disk-full".into(),
                at_step: None,
                unreadable: None,
            })
            .collect()
    };
    // Not moved yet: the newest incident (first row) is selected, so `runbook` then Enter
    // resumes it.
    sim.send(Msg::Incidents(rows_for(&["inc-1"])));
    assert_eq!(selected_home(&sim), "incident inc-1");
    sim.send(Msg::Incidents(rows_for(&["inc-2", "inc-1"])));
    assert_eq!(selected_home(&sim), "incident inc-2");
    // Once the responder has chosen a row, a newer incident does not move it.
    sim.key(KeyCode::Char('j'));
    assert_eq!(selected_home(&sim), "incident inc-1");
    sim.send(Msg::Incidents(rows_for(&["inc-3", "inc-2", "inc-1"])));
    assert_eq!(selected_home(&sim), "incident inc-1");
    // Filtering chooses too: the best match stays selected while the lists change.
    sim.typed("/disk-full");
    let best = selected_home(&sim);
    sim.send(Msg::Incidents(rows_for(&[
        "inc-4", "inc-3", "inc-2", "inc-1",
    ])));
    assert_eq!(selected_home(&sim), best);
}

#[test]
fn a_runbook_listed_on_the_first_frame_starts_only_once_checked() {
    let mut sim = Sim::new(&[("cmd-test.toml", CMD_RUNBOOK)]);
    // The first frame: the library as quickly listed, before any file is fully checked.
    let listed = sim.j().reloader.list();
    sim.send(Msg::Library(current_rows(&listed)));
    let row = sim
        .s
        .home
        .library
        .iter()
        .find(|r| r.runbook.id == "cmd-test");
    assert!(row.is_some_and(|r| !r.checked && r.runbook.steps.is_empty()));
    sim.typed("/cmd-test");
    let fx = sim.enter(); // leave the filter
    assert!(fx.is_empty());
    assert!(
        sim.enter().is_empty(),
        "nothing starts from an unchecked runbook"
    );
    assert!(sim.s.overlay.is_none());
    let flash = sim.s.flash.as_ref().unwrap();
    assert!(flash.text.contains("still being checked"), "{}", flash.text);
    // The full check arrives: the same row, now with its steps, and Enter opens the form.
    sim.send(Msg::RunbooksChanged);
    assert!(
        matches!(sim.s.home.selected_row(), Some(Row::Runbook(i)) if sim.s.home.library[i].runbook.id == "cmd-test")
    );
    sim.enter();
    assert!(matches!(&sim.s.overlay, Some(Overlay::StartForm(f)) if f.runbook == "cmd-test"));
    sim.enter();
    assert_eq!(sim.s.screen, Screen::Incident);
    assert_eq!(sim.kinds(), ["incident_opened"]);
}

fn open_cmd_test(extra: &[(&str, &str)]) -> Sim {
    let mut books = vec![("cmd-test.toml", CMD_RUNBOOK)];
    books.extend_from_slice(extra);
    let mut sim = Sim::new(&books);
    sim.typed("/cmd-test");
    sim.enter();
    sim.enter();
    sim.enter();
    sim
}

#[test]
fn typed_ahead_keys_never_confirm_a_command() {
    let mut sim = open_cmd_test(&[]);
    // `r` and `y` typed quickly: the `y` arrives before the dialog is on screen.
    sim.key(KeyCode::Char('r'));
    let fx = sim.key(KeyCode::Char('y'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(sim.s.overlay, Some(Overlay::Confirm(_))));
    // Drawn now; a `y` a moment later (key repeat, the rest of a paste) still does nothing.
    sim.draw();
    sim.clock.advance(Duration::milliseconds(200));
    assert!(sim.key(KeyCode::Char('y')).is_empty());
    assert_eq!(sim.kinds(), ["incident_opened"]);
    // Half a second on screen, then `y` pressed on purpose runs it.
    sim.clock.advance(Duration::milliseconds(400));
    let fx = sim.key(KeyCode::Char('y'));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::RunCommand { .. })),
        "{fx:?}"
    );
}

#[test]
fn a_command_taller_than_the_screen_runs_only_once_every_line_was_shown() {
    let lines: Vec<String> = (1..=201).map(|i| format!("echo line {i}")).collect();
    let long = CMD_RUNBOOK.replace(
        "command = \"echo hello from the runbook\"",
        &format!("command = \"\"\"\n{}\n\"\"\"", lines.join("\n")),
    );
    assert_ne!(long, CMD_RUNBOOK);
    let mut sim = Sim::new(&[("cmd-test.toml", &long)]);
    sim.send(Msg::Resize(80, 24));
    sim.typed("/cmd-test");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.key(KeyCode::Char('r'));
    assert!(sim.confirm_yes().is_empty(), "200 lines are still below");
    let mut pages = 0;
    while !matches!(&sim.s.overlay, Some(Overlay::Confirm(c)) if c.seen_all) {
        sim.key(KeyCode::Char('j'));
        sim.draw();
        pages += 1;
        assert!(pages < 400, "scrolling reaches the end");
    }
    assert!(pages >= 180, "it took {pages} lines of scrolling");
    let fx = sim.key(KeyCode::Char('y'));
    assert!(fx.iter().any(
        |e| matches!(e, Effect::RunCommand { command, .. } if command.contains("echo line 201"))
    ));
}

#[test]
fn a_command_that_needs_a_signoff_is_refused_until_a_second_person_signs() {
    let mut sim = Sim::new(&[]);
    sim.typed("/data-migration-overwrite");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.select("restore-apply");
    sim.enter();
    // `r` `y` before anyone signed off: refused, nothing is run or recorded.
    let fx = sim.key(KeyCode::Char('r'));
    assert!(fx.is_empty());
    let Some(Overlay::Error { message, .. }) = &sim.s.overlay else {
        panic!("a refusal expected, got {:?}", sim.s.overlay)
    };
    assert!(
        message.contains("needs a sign-off from someone other than ana"),
        "{message}"
    );
    sim.key(KeyCode::Esc);
    let fx = sim.confirm_yes();
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::RunCommand { .. })),
        "{fx:?}"
    );
    assert!(!sim.kinds().iter().any(|k| k == "command_started"));
    // ana cannot sign her own step in the app either.
    sim.key(KeyCode::Char('o'));
    let Some(Overlay::Error { message, .. }) = &sim.s.overlay else {
        panic!("a refusal expected, got {:?}", sim.s.overlay)
    };
    assert!(message.contains("ana started this run"), "{message}");
    sim.key(KeyCode::Esc);
    // bo signs from his own shell; the confirmation then names him.
    sim.as_other(
        "bo",
        Known::SignoffGiven {
            step: "restore-apply".into(),
            by: "bo".into(),
        },
    );
    sim.key(KeyCode::Char('r'));
    let Some(Overlay::Confirm(c)) = &sim.s.overlay else {
        panic!("the confirmation expected, got {:?}", sim.s.overlay)
    };
    assert!(
        c.signoff
            .as_deref()
            .is_some_and(|s| s.starts_with("signed off by bo")),
        "{c:?}"
    );
    assert!(c.command.contains("DRY_RUN=0"), "{}", c.command);
}

#[test]
fn the_selection_follows_the_runbook_when_a_teammate_advances_it() {
    let mut sim = Sim::new(&[]);
    sim.typed("/EtcdNoLeader");
    sim.enter();
    sim.enter();
    sim.enter();
    assert_eq!(sim.selected_step(), "acknowledge");
    // bo, in his own app or shell, starts and completes the step ana's selection sits on.
    for k in [
        Known::StepStarted {
            step: "acknowledge".into(),
        },
        Known::StepCompleted {
            step: "acknowledge".into(),
            outcome: runbook::domain::event::Outcome::Ok,
        },
    ] {
        sim.as_other("bo", k);
    }
    assert_eq!(
        sim.selected_step(),
        "first-update",
        "the selection moved with the runbook"
    );
    // Her Enter now starts the next step, not the finished one again.
    sim.enter();
    assert_eq!(sim.status("first-update"), Status::Active);
    assert_eq!(sim.status("acknowledge"), Status::Done);
    // Elsewhere in the list, a teammate's progress leaves her selection alone.
    sim.select("etcd-health");
    sim.as_other(
        "bo",
        Known::StepSkipped {
            step: "first-update".into(),
            reason: "status page already red".into(),
        },
    );
    assert_eq!(sim.selected_step(), "etcd-health");
}

#[test]
fn enter_on_a_done_step_asks_before_it_starts_another_run() {
    let mut sim = Sim::new(&[]);
    sim.typed("/EtcdNoLeader");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.enter();
    sim.enter();
    sim.key(KeyCode::Char('y'));
    assert_eq!(sim.status("acknowledge"), Status::Done);
    sim.select("acknowledge");
    let fx = sim.enter();
    assert!(fx.is_empty(), "{fx:?}");
    let Some(Overlay::Ask(a)) = &sim.s.overlay else {
        panic!("the repeat question expected, got {:?}", sim.s.overlay)
    };
    assert!(a.message.contains("already done by ana"), "{}", a.message);
    // n: nothing recorded.
    sim.key(KeyCode::Char('n'));
    assert_eq!(sim.status("acknowledge"), Status::Done);
    // Asked again, y: another run, deliberately.
    sim.enter();
    sim.key(KeyCode::Char('y'));
    assert_eq!(sim.status("acknowledge"), Status::Active);
    let v = sim.s.incident.as_ref().unwrap();
    assert_eq!(v.incident.steps[sim.index("acknowledge")].runs, 2);
}

#[test]
fn a_status_update_with_template_placeholders_left_is_not_sent() {
    let mut sim = Sim::new(&[]);
    sim.typed("/EtcdNoLeader");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.select("first-update");
    sim.key(KeyCode::Char('u'));
    let Some(Overlay::Input(input)) = &mut sim.s.overlay else {
        panic!("the update dialog")
    };
    input.text = "[Investigating] Since <HH:MM UTC> some projects fail.".into();
    input.cursor = input.text.chars().count();
    let fx = sim.enter();
    assert!(fx.is_empty(), "nothing recorded or copied: {fx:?}");
    let Some(Overlay::Input(input)) = &sim.s.overlay else {
        panic!("the dialog stays open, got {:?}", sim.s.overlay)
    };
    assert!(
        input
            .error
            .as_deref()
            .is_some_and(|e| e.contains("<HH:MM UTC>")),
        "{input:?}"
    );
    assert!(!sim.kinds().iter().any(|k| k == "comms_sent"));
}

#[test]
fn sending_an_update_offers_to_complete_its_step() {
    let mut sim = Sim::new(&[]);
    sim.typed("/EtcdNoLeader");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.select("first-update");
    sim.key(KeyCode::Char('u'));
    let Some(Overlay::Input(input)) = &mut sim.s.overlay else {
        panic!("the update dialog")
    };
    input.text = "[Investigating] Some projects fail since 22:12 UTC.".into();
    input.cursor = input.text.chars().count();
    let fx = sim.enter();
    assert!(fx.iter().any(|e| matches!(e, Effect::Copy(_))), "{fx:?}");
    let Some(Overlay::Ask(a)) = &sim.s.overlay else {
        panic!("the offer to complete expected, got {:?}", sim.s.overlay)
    };
    assert!(a.message.contains("first-update"), "{}", a.message);
    sim.key(KeyCode::Char('y'));
    assert_eq!(sim.status("first-update"), Status::Done);
    assert_eq!(
        sim.kinds()[1..],
        ["comms_sent", "step_completed"],
        "{:?}",
        sim.kinds()
    );
}

#[test]
fn a_milestone_can_be_backdated_in_the_app() {
    let mut sim = Sim::new(&[]);
    sim.typed("/EtcdNoLeader");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.clock.advance(Duration::minutes(20));
    sim.key(KeyCode::Char('m'));
    sim.key(KeyCode::Char('j')); // detected
    sim.enter();
    let Some(Overlay::Input(input)) = &sim.s.overlay else {
        panic!("asked when, got {:?}", sim.s.overlay)
    };
    assert!(
        input.title.contains("When was it detected"),
        "{}",
        input.title
    );
    // Nonsense is refused inside the dialog.
    sim.typed("yesterday-ish");
    sim.enter();
    let Some(Overlay::Input(input)) = &sim.s.overlay else {
        panic!("the dialog stays")
    };
    assert!(input.error.is_some(), "{input:?}");
    sim.send(Msg::Key(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        sim.clock.now(),
    ));
    sim.typed("-15m");
    sim.enter();
    let inc = &sim.s.incident.as_ref().unwrap().incident;
    let mark = &inc.milestones[&runbook::domain::Milestone::Detected];
    assert_eq!(mark.at, sim.clock.now() - Duration::minutes(15));
    let r = sim.records().last().unwrap();
    assert!(r.backdated(), "{r:?}");
}

#[test]
fn a_decision_with_twelve_choices_can_take_any_of_them() {
    let choices: Vec<String> = (1..=12)
        .map(|i| format!("  {{ label = \"Cause number {i}\", next = \"after\" }},"))
        .collect();
    let rb = format!(
        r#"
schema_version = 1
id = "many-ways"
title = "Many ways"
incident_type = "demo"
severity = "sev3"
summary = "A decision with a dozen choices."

[[steps]]
id = "which"
title = "Which cause?"
kind = "decision"
choices = [
{}
]

[[steps]]
id = "after"
title = "After"
kind = "action"
"#,
        choices.join("\n")
    );
    let mut sim = Sim::new(&[("many-ways.toml", &rb)]);
    sim.typed("/many-ways");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.enter(); // start the decision
    sim.enter(); // Enter on an active decision: every choice in a menu
    let Some(Overlay::Menu(m)) = &sim.s.overlay else {
        panic!("the choices menu expected, got {:?}", sim.s.overlay)
    };
    assert_eq!(m.items.len(), 12);
    for _ in 0..11 {
        sim.key(KeyCode::Down);
    }
    sim.enter();
    let inc = &sim.s.incident.as_ref().unwrap().incident;
    assert_eq!(inc.path.last().map(|t| t.choice), Some(12));
    assert_eq!(
        inc.path.last().map(|t| t.label.as_str()),
        Some("Cause number 12")
    );
}

#[test]
fn closing_in_the_app_says_what_is_still_open() {
    let mut sim = Sim::new(&[]);
    sim.typed("/EtcdNoLeader");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.enter(); // acknowledge in progress
    sim.key(KeyCode::Char('t'));
    sim.typed("alert on etcd memory");
    sim.enter();
    sim.key(KeyCode::Char('C'));
    let Some(Overlay::Input(input)) = &sim.s.overlay else {
        panic!("the close dialog expected, got {:?}", sim.s.overlay)
    };
    let context = input.context.join("\n");
    for needle in [
        "1 step in progress: acknowledge",
        "1 action item",
        "no resolved milestone",
    ] {
        assert!(context.contains(needle), "{needle:?} in {context}");
    }
    sim.typed("handed to the day shift");
    sim.enter();
    let inc = &sim.s.incident.as_ref().unwrap().incident;
    assert!(inc.is_closed());
    let Event::Known(Known::IncidentClosed { summary }) = &sim.records().last().unwrap().event
    else {
        panic!("incident_closed expected")
    };
    assert_eq!(summary.as_deref(), Some("handed to the day shift"));
}

#[test]
fn an_append_that_repairs_a_torn_tail_says_where_the_bytes_went() {
    let mut sim = Sim::new(&[]);
    sim.typed("/disk-full");
    sim.enter();
    sim.enter();
    sim.enter();
    // A writer elsewhere died mid-line.
    let id = sim.s.incident.as_ref().unwrap().incident.id.clone();
    let path = sim
        .shell
        .store
        .journal_path(&runbook::store::IncidentId::parse(&id).unwrap());
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut f, b"{\"seq\":2,\"ts\":\"2026").unwrap();
    drop(f);
    sim.key(KeyCode::Char('n'));
    sim.typed("after the crash");
    sim.enter();
    let Some(Overlay::Info { title, body, .. }) = &sim.s.overlay else {
        panic!("the repair is said, got {:?}", sim.s.overlay)
    };
    assert_eq!(title, "The journal was repaired");
    assert!(body.contains(".torn"), "{body}");
    assert_eq!(sim.kinds().last().map(String::as_str), Some("note_added"));
}

#[test]
fn a_result_arriving_after_switching_incidents_lands_in_its_own_journal() {
    let mut sim = open_cmd_test(&[]);
    let a = sim.s.incident.as_ref().unwrap().incident.id.clone();
    sim.key(KeyCode::Char('r'));
    let fx = sim.confirm_yes();
    let Some(Effect::RunCommand { run, .. }) = fx
        .iter()
        .find(|e| matches!(e, Effect::RunCommand { .. }))
        .cloned()
    else {
        panic!("the command runs: {fx:?}")
    };
    // Before the result comes back, the responder goes home and starts another incident.
    sim.key(KeyCode::Char('q'));
    sim.clock.advance(Duration::minutes(2));
    sim.typed("/disk-full");
    sim.enter();
    sim.enter();
    sim.enter();
    let b = sim.s.incident.as_ref().unwrap().incident.id.clone();
    assert_ne!(a, b);
    let done = sim
        .rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the command finishes");
    let Msg::CommandDone(d) = &done else {
        panic!("a result: {done:?}")
    };
    assert_eq!((d.incident.as_str(), d.run), (a.as_str(), run));
    sim.send(done);
    let kinds = |id: &str| -> Vec<String> {
        sim.shell.journaler().unwrap().sessions[id]
            .records
            .iter()
            .map(|r| r.event.kind().to_string())
            .collect()
    };
    assert_eq!(
        kinds(&a).last().map(String::as_str),
        Some("command_finished")
    );
    assert!(
        !kinds(&b).iter().any(|k| k.starts_with("command")),
        "{:?}",
        kinds(&b)
    );
    assert!(sim.s.running.is_none());
    // And on disk, read afresh.
    let on_disk = sim.shell.store.read(&a.parse().unwrap()).unwrap();
    assert_eq!(
        on_disk.records.last().unwrap().event.kind(),
        "command_finished"
    );
}

#[test]
fn a_command_whose_start_cannot_be_recorded_never_shows_as_running() {
    let mut sim = open_cmd_test(&[]);
    sim.key(KeyCode::Char('r'));
    sim.draw();
    sim.clock.advance(Duration::seconds(1));
    // The journal becomes read-only before the yes (damage found, a full disk...).
    sim.s.incident.as_mut().unwrap().read_only = Some("line 3: bad".into());
    let fx = sim.key(KeyCode::Char('y'));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::RunCommand { .. })),
        "{fx:?}"
    );
    assert!(sim.s.running.is_none());
    assert!(sim.s.launch.is_none());
    // A failed append of the start clears the launch too.
    let id = sim.s.incident.as_ref().unwrap().incident.id.clone();
    sim.s.launch = Some(runbook::tui::state::Launch {
        incident: id.clone(),
        step: "hello".into(),
        command: "echo hello from the runbook".into(),
        timeout_s: 20,
    });
    sim.send(Msg::AppendFailed {
        incident: id,
        error: "No space left on device".into(),
        origin: None,
    });
    assert!(sim.s.launch.is_none());
    assert!(sim.s.running.is_none());
}

#[test]
fn a_runbook_with_a_wait_past_the_bound_never_starts_so_never_panics() {
    // A wait of 99999999d validated once, and Enter on it panicked the app (and every resume).
    let huge = CMD_RUNBOOK
        .replace("\"cmd-test\"", "\"huge-wait\"")
        .replace("duration = \"1m\"", "duration = \"99999999d\"");
    let mut sim = Sim::new(&[("huge-wait.toml", &huge)]);
    assert!(
        sim.s
            .home
            .library
            .iter()
            .all(|r| r.runbook.id != "huge-wait"),
        "a runbook over the bound is not offered"
    );
    sim.typed("/huge-wait");
    sim.enter();
    sim.enter();
    assert!(
        !matches!(sim.s.overlay, Some(Overlay::StartForm(_))),
        "{:?}",
        sim.s.overlay
    );
    assert_eq!(sim.s.screen, Screen::Home);
    // At the bound it starts, and its countdown at the end of what a journal holds is fine.
    let longest = huge.replace("99999999d", "30d");
    let mut sim = Sim::new(&[("huge-wait.toml", &longest)]);
    let end = Utc.with_ymd_and_hms(9999, 12, 31, 23, 0, 0).unwrap();
    sim.clock.set(end);
    sim.typed("/huge-wait");
    sim.enter();
    sim.enter();
    sim.enter();
    sim.select("pause");
    sim.enter();
    assert_eq!(sim.status("pause"), Status::Active);
    sim.clock.set(DateTime::<Utc>::MAX_UTC);
    assert_eq!(
        sim.send(Msg::Tick(DateTime::<Utc>::MAX_UTC)),
        vec![Effect::Bell]
    );
}

fn ana() -> runbook::domain::Author {
    runbook::domain::Author::parse("ana").unwrap()
}

#[test]
fn a_stats_cache_that_cannot_be_saved_is_said_on_the_stats_screen() {
    let mut sim = Sim::new(&[]);
    sim.typed("/EtcdNoLeader");
    sim.enter();
    sim.enter();
    sim.enter(); // started, as in closing_in_the_app_says_what_is_still_open
    sim.key(KeyCode::Char('C'));
    sim.typed("drill over");
    sim.enter();
    assert!(sim.s.incident.as_ref().unwrap().incident.is_closed());
    // `cache` taken by a plain file: the cache directory cannot be made, even by root.
    std::fs::write(sim.shell.store.dir.join("cache"), b"not a directory").unwrap();
    sim.key(KeyCode::Char('q'));
    assert_eq!(sim.s.screen, Screen::Home);
    sim.key(KeyCode::Char('S'));
    assert_eq!(sim.s.screen, Screen::Stats);
    let f = sim.s.learning.since(sim.s.stats.request).expect("answered");
    assert_eq!(
        f.real.incidents + f.drills.incidents,
        1,
        "the figures are whole"
    );
    let warning = f.cache_warning.as_deref().expect("the failed save is kept");
    assert!(warning.contains("not saved"), "{warning}");
    sim.draw();
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    term.draw(|f| {
        runbook::tui::view::draw(f, &sim.s);
    })
    .unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("the cache was not saved"), "{screen}");
}
