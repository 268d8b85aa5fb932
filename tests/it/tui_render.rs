//! The TUI's views rendered into ratatui's `TestBackend`: every screen and overlay snapshotted
//! (insta) at 80x24 and 160x48 from states built the way the app builds them (a realistic
//! journal folded with the real fold; overlays opened with the real keys through `update`),
//! plus direct checks of what must hold whatever the snapshots say: status glyphs, the help
//! built from the keymap, escape sequences made visible, no colour under NO_COLOR, no panic
//! at any size.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{DateTime, Duration, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use runbook::domain::event::{Event, Known, Outcome, Record};
use runbook::domain::incident::{Incident, fold};
use runbook::domain::{Milestone, Severity, rules};
use runbook::runbook::library::BUNDLED;
use runbook::runbook::{check_bytes, sha256_hex};
use runbook::store::parse_runbook;
use runbook::tui::app::{Msg, update};
use runbook::tui::keymap::{self, Mode};
use runbook::tui::state::{AppState, IncidentRow, IncidentView, LibraryRow, Overlay, Row, Screen};
use runbook::tui::view::render;

// ---------------------------------------------------------------------------------------------
// States

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap()
}

/// `t0` plus minutes and seconds.
fn at(min: i64, sec: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(min) + Duration::seconds(sec)
}

/// "Now" in the incident states: 44:30 after the incident was opened.
fn now() -> DateTime<Utc> {
    at(44, 30)
}

fn source(id: &str) -> &'static str {
    BUNDLED
        .iter()
        .find(|(n, _)| *n == format!("{id}.toml"))
        .map(|(_, s)| *s)
        .expect("a bundled runbook")
}

/// The bundled etcd runbook has no wait step; this one waits for the restored members to settle
/// between the restore and the quorum check (the restore flows on to the next step in the file).
fn etcd_source() -> String {
    let wait = r#"[[steps]]
id = "settle"
title = "Let the restored members settle"
kind = "wait"
role = "ops"
duration = "10m"
body = "Hands off while raft elects a leader and the members catch up."

"#;
    let anchor = "[[steps]]\nid = \"verify-quorum\"";
    let src = source("etcd-quorum-loss");
    assert!(
        src.contains(anchor),
        "the bundled etcd runbook changed shape"
    );
    src.replacen(anchor, &format!("{wait}{anchor}"), 1)
}

const HEALTH_OUTPUT: &str = "\
+-----------------------------------------+--------+--------------+---------------------------+
|                ENDPOINT                 | HEALTH |     TOOK     |           ERROR           |
+-----------------------------------------+--------+--------------+---------------------------+
| https://etcd-2.sd.example.internal:2379 |   true |   9.812345ms |                           |
| https://etcd-0.sd.example.internal:2379 |  false | 3.001238911s | context deadline exceeded |
| https://etcd-1.sd.example.internal:2379 |  false | 3.000912034s | context deadline exceeded |
+-----------------------------------------+--------+--------------+---------------------------+
Error: unhealthy cluster";

/// A journal built through the rules, as the app records it: each action checked, then folded.
struct Journal {
    records: Vec<Record>,
    inc: Incident,
}

impl Journal {
    fn open(src: &str, drill: bool) -> Journal {
        let vars = [
            (
                "etcd_endpoints",
                "https://etcd-0.sd.example.internal:2379,https://etcd-1.sd.example.internal:2379,https://etcd-2.sd.example.internal:2379",
            ),
            ("etcd_pki", "/etc/etcd/pki"),
            ("etcd_host", "etcd-0.sd.example.internal"),
            ("etcd_data_dir", "/var/lib/etcd"),
            ("region", "us-east-1"),
            ("worker_asg", "deploy-workers"),
            ("new_instance_type", "r6i.xlarge"),
            ("service_prefix", "/services/"),
        ];
        let first = Record {
            seq: 1,
            ts: t0(),
            at: t0(),
            author: "ana".into(),
            wall: None,
            event: Event::Known(Known::IncidentOpened {
                incident: "20260530-2212-etcd-quorum-loss".into(),
                title: "Service discovery down in us-east-1, deploys failing".into(),
                severity: Severity::Sev1,
                runbook: "etcd-quorum-loss".into(),
                runbook_sha256: sha256_hex(src),
                runbook_source: src.into(),
                vars: vars
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                drill,
            }),
        };
        let inc =
            fold(std::slice::from_ref(&first), &parse_runbook).expect("the opening record folds");
        Journal {
            records: vec![first],
            inc,
        }
    }

    /// Records `k` by `author`, happening at `when` and recorded at `recorded`.
    fn push_at(&mut self, when: DateTime<Utc>, recorded: DateTime<Utc>, author: &str, k: Known) {
        if let Err(e) = rules::check(&self.inc, &k, author, when) {
            panic!("the rules refused {k:?}: {e}");
        }
        let r = Record {
            seq: self.records.len() as u64 + 1,
            ts: recorded,
            at: when,
            author: author.into(),
            wall: None,
            event: Event::Known(k),
        };
        self.inc
            .apply(&r, &parse_runbook)
            .expect("an accepted record folds");
        self.records.push(r);
    }

    fn push(&mut self, when: DateTime<Utc>, author: &str, k: Known) {
        self.push_at(when, when, author, k);
    }
}

fn started(step: &str) -> Known {
    Known::StepStarted { step: step.into() }
}

fn completed(step: &str, outcome: Outcome) -> Known {
    Known::StepCompleted {
        step: step.into(),
        outcome,
    }
}

fn note(text: &str) -> Known {
    Known::NoteAdded {
        text: text.into(),
        action_item: false,
        decision: false,
    }
}

/// The etcd incident 44 minutes in: acknowledged with two checklist items ticked, the first
/// status update sent (the next is overdue), the health check run and overrun, the OOM check
/// skipped, a decision taken, the data copy failed, the restore signed off by a second person,
/// and the wait for the members to settle counting down. A milestone was entered after the fact.
///
/// Long by design: one incident's records in the order they happened, read top to bottom.
fn etcd_journal(src: &str, drill: bool) -> Journal {
    let mut j = Journal::open(src, drill);
    j.push_at(
        at(-7, 0),
        at(1, 10),
        "ana",
        Known::Milestone {
            milestone: Milestone::Detected,
        },
    );
    j.push(
        at(1, 20),
        "ana",
        Known::RoleAssigned {
            role: "ic".into(),
            person: "ana".into(),
        },
    );
    j.push(
        at(1, 30),
        "ana",
        Known::RoleAssigned {
            role: "ops".into(),
            person: "bo".into(),
        },
    );
    j.push(
        at(1, 40),
        "ana",
        Known::RoleAssigned {
            role: "comms".into(),
            person: "dee".into(),
        },
    );
    j.push(at(2, 0), "ana", started("acknowledge"));
    j.push(
        at(3, 0),
        "ana",
        Known::ChecklistToggled {
            step: "acknowledge".into(),
            item: 1,
            checked: true,
        },
    );
    j.push(
        at(3, 30),
        "ana",
        Known::ChecklistToggled {
            step: "acknowledge".into(),
            item: 2,
            checked: true,
        },
    );
    j.push(at(5, 0), "ana", completed("acknowledge", Outcome::Ok));
    j.push(at(5, 10), "dee", started("first-update"));
    let update = "[Investigating] Some hosted projects are not responding in some regions and new deployments fail.\nWe are investigating our service discovery layer. Data is not affected.\nNext update in 30 minutes or sooner.";
    j.push(
        at(7, 40),
        "dee",
        Known::CommsSent {
            step: Some("first-update".into()),
            text: update.into(),
        },
    );
    j.push(at(7, 45), "dee", completed("first-update", Outcome::Ok));
    j.push(at(8, 0), "bo", started("etcd-health"));
    let command = runbook::domain::template::fill(
        match &j
            .inc
            .runbook
            .step("etcd-health")
            .expect("etcd-health step")
            .kind
        {
            runbook::domain::StepKind::Command { command, .. } => command,
            _ => unreachable!(),
        },
        &j.inc.vars,
    );
    j.push(
        at(8, 30),
        "bo",
        Known::CommandStarted {
            step: "etcd-health".into(),
            command: command.clone(),
            timeout_s: None,
        },
    );
    j.push(
        at(8, 36),
        "bo",
        Known::CommandFinished {
            step: "etcd-health".into(),
            command,
            run: None,
            exit_code: Some(1),
            duration_ms: 6012,
            timed_out: false,
            interrupted: false,
            output_excerpt: HEALTH_OUTPUT.into(),
            output_sha256: sha256_hex(HEALTH_OUTPUT),
            output_bytes: None,
            output_cut: false,
            output_path: None,
        },
    );
    j.push(at(15, 5), "bo", completed("etcd-health", Outcome::Ok));
    j.push(
        at(15, 30),
        "bo",
        Known::StepSkipped {
            step: "check-oom".into(),
            reason: "the console already shows etcd OOM-killed on 2 of 3 members".into(),
        },
    );
    j.push(at(15, 40), "ana", started("decide-cause"));
    j.push(
        at(17, 0),
        "ana",
        Known::DecisionMade {
            step: "decide-cause".into(),
            choice: 1,
            label: "Majority of members OOM-killed / crash-looping".into(),
            next: "stop-churn".into(),
        },
    );
    j.push(at(17, 10), "bo", started("stop-churn"));
    j.push(at(19, 0), "bo", completed("stop-churn", Outcome::Ok));
    j.push(at(19, 10), "bo", started("save-data"));
    j.push(at(25, 40), "bo", completed("save-data", Outcome::Failed));
    j.push(
        at(26, 0),
        "bo",
        note("tar failed on etcd-1: /var/tmp is full and the data dir is unreadable"),
    );
    j.push(
        at(27, 0),
        "ana",
        Known::DecisionMade {
            step: "choose-recovery".into(),
            choice: 2,
            label: "Data lost/corrupt or instance store: restore onto new larger instances".into(),
            next: "restore-new-cluster".into(),
        },
    );
    j.push(at(27, 20), "bo", started("restore-new-cluster"));
    j.push(
        at(38, 0),
        "carol",
        Known::SignoffGiven {
            step: "restore-new-cluster".into(),
            by: "carol".into(),
        },
    );
    j.push(
        at(39, 0),
        "bo",
        completed("restore-new-cluster", Outcome::Ok),
    );
    j.push(at(39, 0), "bo", started("settle"));
    j.push(
        at(41, 15),
        "ana",
        note("TODO: alert when etcd RSS passes 60% of RAM"),
    );
    j
}

fn incident_state_from(j: Journal, color: bool) -> AppState {
    let mut s = AppState::new(now(), ana(), color);
    s.incident = Some(IncidentView::new(std::sync::Arc::new(j.inc), j.records));
    s.screen = Screen::Incident;
    s
}

/// The incident screen, the wait step (current) selected.
fn incident_state(color: bool) -> AppState {
    incident_state_from(etcd_journal(&etcd_source(), false), color)
}

fn select_step(s: &mut AppState, id: &str) {
    let v = s.incident.as_mut().expect("an incident is open");
    v.selected = v.incident.runbook.step_index(id).expect("no such step");
}

fn library() -> Vec<LibraryRow> {
    let mut rows: Vec<LibraryRow> = BUNDLED
        .iter()
        .map(|(name, src)| {
            let report = check_bytes(&format!("bundled:{name}"), src.as_bytes());
            let Some(runbook) = report.runbook.clone() else {
                panic!("{name}: {}", report.render());
            };
            LibraryRow {
                runbook: runbook.into(),
                origin: "bundled".into(),
                problems: None,
                source: (*src).into(),
                checked: true,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.runbook.incident_type, &a.runbook.id).cmp(&(&b.runbook.incident_type, &b.runbook.id))
    });
    rows
}

/// The home screen: two open incidents (newest first, one a drill) and the bundled library.
fn home_state(color: bool) -> AppState {
    let mut s = AppState::new(now(), ana(), color);
    s.home.library = library();
    s.home.incidents = vec![
        IncidentRow {
            id: "20260530-2212-etcd-quorum-loss".into(),
            title: "Service discovery down in us-east-1, deploys failing".into(),
            severity: Severity::Sev1,
            drill: false,
            opened: t0(),
            runbook: "etcd-quorum-loss".into(),
            at_step: Some("Let the restored members settle".into()),
            unreadable: None,
        },
        IncidentRow {
            id: "20260530-1400-dns-resolution-failure".into(),
            title: "Game day: resolvers lose upstream".into(),
            severity: Severity::Sev3,
            drill: true,
            opened: Utc.with_ymd_and_hms(2026, 5, 30, 14, 0, 0).unwrap(),
            runbook: "dns-resolution-failure".into(),
            at_step: Some("Check resolver health".into()),
            unreadable: None,
        },
    ];
    s
}

fn select_runbook(s: &mut AppState, id: &str) {
    s.home.selected = s
        .home
        .rows()
        .iter()
        .position(|r| matches!(r, Row::Runbook(i) if s.home.library[*i].runbook.id == id))
        .expect("the runbook is listed");
}

fn key(s: &mut AppState, code: KeyCode) {
    key_with(s, code, KeyModifiers::NONE);
}

fn key_with(s: &mut AppState, code: KeyCode, mods: KeyModifiers) {
    // As in the app, the screen was drawn before the key was pressed (at the size the state
    // was told), and the frame told the state what it showed.
    if s.size != (0, 0) {
        let (w, h) = s.size;
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        let mut shown = runbook::tui::view::Drawn::default();
        terminal
            .draw(|f| shown = runbook::tui::view::draw(f, s))
            .unwrap();
        runbook::tui::app::drawn(s, s.now, &shown);
    }
    let at = s.now;
    update(s, Msg::Key(KeyEvent::new(code, mods), at));
}

fn type_text(s: &mut AppState, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

/// Every named state the snapshots and the checks go through.
///
/// Long by design: one state after another, each built from the one before, as a responder
/// goes through them; splitting it would only pass the half-built state around.
fn scenarios(color: bool) -> Vec<(&'static str, AppState)> {
    let mut out = Vec::new();

    let mut s = home_state(color);
    select_runbook(&mut s, "etcd-quorum-loss");
    out.push(("home", s));

    out.push(("home_incident_preview", home_state(color)));

    let mut s = home_state(color);
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "EtcdNoLeader");
    out.push(("home_filtered", s));

    let mut s = home_state(color);
    let i = s
        .home
        .library
        .iter()
        .position(|l| l.runbook.id == "disk-full")
        .expect("disk-full is bundled");
    s.home.library[i].problems = Some(
        "error: unknown field `sevrity` at runbooks/disk-full.toml:5:1\n  help: did you mean `severity`?".into(),
    );
    select_runbook(&mut s, "disk-full");
    s.flash(
        runbook::tui::state::Tone::Warn,
        "runbooks/disk-full.toml has errors: the last good version is shown",
    );
    out.push(("home_problems", s));

    // The first frame: every runbook listed by its top-level fields, the file not yet checked.
    let mut s = home_state(color);
    for row in &mut s.home.library {
        let header = runbook::runbook::header::header(&row.source).expect("a header");
        row.runbook = header.into();
        row.checked = false;
    }
    select_runbook(&mut s, "etcd-quorum-loss");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.overlay.is_none(),
        "an unchecked runbook cannot be started"
    );
    out.push(("home_first_frame", s));

    let mut s = home_state(color);
    key(&mut s, KeyCode::Char('?'));
    out.push(("help_home", s));

    let mut s = home_state(color);
    select_runbook(&mut s, "etcd-quorum-loss");
    key(&mut s, KeyCode::Enter);
    key_with(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL); // clear the title
    for _ in 0..6 {
        key(&mut s, KeyCode::Tab); // to the region variable
    }
    for _ in 0..3 {
        key(&mut s, KeyCode::Backspace); // "us-east-1" -> "us-eas"
    }
    key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&s.overlay, Some(Overlay::StartForm(f)) if f.errors.len() == 2),
        "the form should refuse"
    );
    out.push(("start_form_errors", s));

    let mut s = incident_state(color);
    s.flash(
        runbook::tui::state::Tone::Good,
        "recorded: Started step \"settle\" (Let the restored members settle)",
    );
    out.push(("incident", s));

    let mut s = incident_state_from(etcd_journal(&etcd_source(), true), color);
    select_step(&mut s, "decide-cause");
    out.push(("incident_drill_decision", s));

    let mut s = incident_state(color);
    select_step(&mut s, "restore-new-cluster");
    out.push(("incident_signoff", s));

    let mut s = incident_state(color);
    select_step(&mut s, "etcd-health");
    out.push(("incident_command_output", s));

    let mut s = incident_state(color);
    select_step(&mut s, "acknowledge");
    let v = s.incident.as_mut().expect("an incident is open");
    v.in_flight = 1;
    v.read_only = Some("the journal has a damaged line 31 (set aside in x.jsonl.damaged)".into());
    v.timeline_scroll = 5;
    out.push(("incident_readonly_scrolled", s));

    // The detail pane scrolled down (J): a window on the whole step, checklist and all.
    let mut s = incident_state(color);
    select_step(&mut s, "acknowledge");
    let v = s.incident.as_mut().expect("an incident is open");
    v.detail_scroll = 8;
    out.push(("incident_detail_scrolled", s));

    let mut s = incident_state(color);
    key(&mut s, KeyCode::Char('?'));
    out.push(("help_incident", s));

    let mut s = incident_state(color);
    key(&mut s, KeyCode::Char('n'));
    type_text(&mut s, "etcd-0 and etcd-2 up, etcd-1 still restoring");
    for _ in 0..9 {
        key(&mut s, KeyCode::Left);
    }
    out.push(("input_note", s));

    let mut s = incident_state(color);
    select_step(&mut s, "first-update");
    out.push(("incident_comms", s));

    let mut s = incident_state(color);
    key(&mut s, KeyCode::Char('u'));
    assert!(matches!(&s.overlay, Some(Overlay::Input(i)) if i.text.contains('\n')));
    out.push(("input_comms", s));

    let mut s = incident_state(color);
    key(&mut s, KeyCode::Char('m'));
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Down);
    out.push(("menu_milestone", s));

    let mut s = incident_state(color);
    select_step(&mut s, "etcd-health");
    key(&mut s, KeyCode::Char('r'));
    assert!(matches!(&s.overlay, Some(Overlay::Confirm(c)) if c.refused.is_none()));
    // As it is seen a moment after it opened: on screen, read, ready for a yes.
    if let Some(Overlay::Confirm(c)) = &mut s.overlay {
        c.shown_at = Some(s.now - chrono::Duration::seconds(2));
        c.seen_all = true;
    }
    out.push(("confirm", s));

    // A runbook whose command hides a zero-width space: shown, and refused.
    let src = etcd_source().replacen(
        "--dial-timeout=3s --command-timeout=5s endpoint health",
        "--dial-timeout=3s --command-timeout=5s endpoint\u{200b} health",
        1,
    );
    let mut s = incident_state_from(etcd_journal(&src, false), color);
    select_step(&mut s, "etcd-health");
    key(&mut s, KeyCode::Char('r'));
    assert!(matches!(&s.overlay, Some(Overlay::Confirm(c)) if c.refused.is_some()));
    out.push(("confirm_refused", s));

    let mut s = incident_state(color);
    update(
        &mut s,
        Msg::AppendFailed {
            incident: "20260530-2212-etcd-quorum-loss".into(),
            error: "write /home/ana/.local/state/runbook/incidents/20260530-2212-etcd-quorum-loss.jsonl: No space left on device (os error 28)".into(),
            origin: None,
        },
    );
    out.push(("error", s));
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering helpers

fn draw(s: &AppState, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| render(f, s)).unwrap();
    terminal
}

/// The buffer as lines of text.
fn lines(buf: &Buffer) -> Vec<String> {
    let w = buf.area.width as usize;
    buf.content
        .chunks(w)
        .map(|row| row.iter().map(|c| c.symbol()).collect())
        .collect()
}

fn text(buf: &Buffer) -> String {
    lines(buf).join("\n")
}

fn line_with<'a>(all: &'a [String], needle: &str) -> &'a str {
    all.iter()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?}"))
}

// ---------------------------------------------------------------------------------------------
// Snapshots

#[test]
fn snapshots_of_every_screen_and_overlay_at_80x24_and_160x48() {
    for (name, s) in scenarios(true) {
        for (w, h) in [(80, 24), (160, 48)] {
            let terminal = draw(&s, w, h);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
        }
    }
}

#[test]
fn snapshot_too_small() {
    let s = incident_state(true);
    for (w, h) in [(59, 20), (40, 10)] {
        let terminal = draw(&s, w, h);
        let all = text(terminal.backend().buffer());
        assert!(all.contains("terminal too small"), "{all}");
        assert!(!all.contains("Steps"), "nothing else is drawn:\n{all}");
        insta::assert_snapshot!(format!("too_small_{w}x{h}"), terminal.backend());
    }
}

// ---------------------------------------------------------------------------------------------
// Semantics

#[test]
fn every_step_status_has_its_glyph() {
    let s = incident_state(false);
    let terminal = draw(&s, 160, 48);
    let all = lines(terminal.backend().buffer());
    for needle in [
        " [x]  1. Acknowledge",
        "▶[>] 13. Let the restored",
        " [!]  9. Stop the crash",
        " [-]  4. Look for OOM",
        " [ ] 14. Verify quorum",
    ] {
        line_with(&all, needle);
    }
    // Overruns say so in words (live for the active step too), the decision says where it went.
    assert!(line_with(&all, " 3. Check member").contains("7:05/3m OVER"));
    assert!(line_with(&all, " 9. Stop the crash").contains("6:30/5m OVER"));
    assert!(!line_with(&all, " 1. Acknowledge").contains("3:00/5m OVER"));
    assert!(line_with(&all, " 5. What is etcd").contains("→ stop-churn"));
    // A narrow pane marks an overrun with `+`.
    let all = lines(draw(&s, 80, 24).backend().buffer());
    assert!(line_with(&all, " 9. Stop").contains("6:30/5m +"));
}

#[test]
fn a_long_step_list_scrolls_to_the_selection_and_retired_steps_follow_it() {
    // Adopt a version without the last step: it is retired and listed after the others.
    let src = etcd_source();
    let cut = src.rfind("[[steps]]\nid = \"follow-ups\"").unwrap();
    let newer = &src[..cut];
    let mut j = etcd_journal(&src, false);
    j.push(
        at(42, 0),
        "ana",
        Known::RunbookAdopted {
            runbook_sha256: sha256_hex(newer),
            runbook_source: newer.into(),
        },
    );
    let mut s = incident_state_from(j, false);
    let v = s.incident.as_mut().unwrap();
    let steps = v.incident.runbook.steps.len();
    assert_eq!(v.incident.retired.len(), 1);
    // The last row, the retired step, selected: the list is scrolled to the end.
    v.selected = steps;
    let all = lines(draw(&s, 80, 24).backend().buffer());
    let retired = line_with(&all, "(retired) File the follow-ups");
    assert!(!retired.contains('▶'), "{retired}");
    line_with(&all, &format!("{steps:>2}. "));
    assert!(
        !all.iter().any(|l| l.contains(" 1. Acknowledge")),
        "the top of the list scrolled away:\n{}",
        all.join("\n")
    );
    line_with(&all, "more ");
    // Back at the top, the first step shows and the retired one is out of view.
    s.incident.as_mut().unwrap().selected = 0;
    let all = lines(draw(&s, 80, 24).backend().buffer());
    line_with(&all, " 1. Acknowledge");
    assert!(!all.iter().any(|l| l.contains("(retired)")));
    // With room for every row, both show, in order.
    let all = lines(draw(&s, 160, 48).backend().buffer());
    let first = all
        .iter()
        .position(|l| l.contains(" 1. Acknowledge"))
        .unwrap();
    let last = all
        .iter()
        .position(|l| l.contains("(retired) File the follow-ups"))
        .unwrap();
    assert!(first < last);
}

#[test]
fn a_long_library_scrolls_to_the_selection() {
    // Five copies of the bundled library: far more rows than fit at 80x24.
    let mut s = home_state(false);
    let mut big = Vec::new();
    for n in 0..5 {
        for row in &s.home.library {
            let mut row = row.clone();
            std::sync::Arc::make_mut(&mut row.runbook).id = format!("{}-{n}", row.runbook.id);
            big.push(row);
        }
    }
    big.sort_by(|a, b| {
        (&a.runbook.incident_type, &a.runbook.id).cmp(&(&b.runbook.incident_type, &b.runbook.id))
    });
    let last = big.last().unwrap().runbook.id.clone();
    let first = big[0].runbook.id.clone();
    s.home.library = big;
    select_runbook(&mut s, &last);
    let all = lines(draw(&s, 80, 24).backend().buffer());
    // The selected row (marked `›`) is the last runbook.
    let selected = line_with(&all, "›");
    // (At 80 columns ids are cut to give the titles room: compare their start.)
    assert!(
        selected.contains(&format!("› {}", &last[..11])),
        "{selected}"
    );
    assert!(!all.iter().any(|l| l.contains("Open incidents")));
    assert!(
        !all.iter()
            .any(|l| l.contains(&format!("  {}", &first[..12])))
    );
    // Back to the top: the incidents header and the first runbook, not the last.
    select_runbook(&mut s, &first);
    let all = lines(draw(&s, 80, 24).backend().buffer());
    line_with(&all, "Open incidents");
    let selected = line_with(&all, "›");
    // (Long ids are cut to the column: compare their start.)
    assert!(
        selected.contains(&format!("› {}", &first[..11])),
        "{}",
        all.join("\n")
    );
    assert!(!all.iter().any(|l| l.contains(&last)));
}

/// The detail pane of an 80x24 incident screen (the right half of rows 3 to 15, borders
/// included).
fn detail_pane(buf: &Buffer) -> Vec<String> {
    lines(buf)[3..16]
        .iter()
        .map(|l| l.chars().skip(40).collect())
        .collect()
}

#[test]
fn j_and_k_scroll_the_detail_pane_through_the_whole_step_and_back() {
    let mut s = incident_state(true);
    update(&mut s, Msg::Resize(80, 24));
    select_step(&mut s, "acknowledge");
    let pane = |s: &AppState| detail_pane(draw(s, 80, 24).backend().buffer());
    let top = pane(&s);
    // At the top, what there is to act on comes first: the body is shortened, not the
    // checklist heading, and the border says how to read on.
    assert!(top.iter().any(|l| l.contains("(J reads on)")), "{top:#?}");
    assert!(top.iter().any(|l| l.contains("Checklist 2/3")), "{top:#?}");
    assert!(top[12].contains("more: J "), "{top:#?}");
    let hidden = ["to look at etcd.", "Freeze deploys", "bulk job running in"];
    for h in hidden {
        assert!(
            !top.concat().contains(h),
            "{h} should be out of view at first"
        );
    }
    // J to the end: every line of the step is seen on the way, the last one at the bottom.
    let (presses, seen, last) = page_to_the_end(&mut s, pane);
    for h in hidden {
        assert!(seen.contains(h), "{h} never came into view");
    }
    assert!(last[12].contains("more: J K"), "{last:#?}");
    assert!(
        !last[12].contains('↓'),
        "at the end nothing is below: {last:#?}"
    );
    assert!(
        last[11].contains("minutes?"),
        "the last item ends the pane: {last:#?}"
    );
    // J at the end did not run the offset on: as many K as moving J bring it back to the top.
    for _ in 0..presses {
        key(&mut s, KeyCode::Char('K'));
    }
    assert_eq!(pane(&s), top);
    // Another step shows from its top; coming back, so does this one.
    for _ in 0..2 {
        key(&mut s, KeyCode::Char('J'));
    }
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('k'));
    assert_eq!(pane(&s), top);
    // A step that fits: J says so and moves nothing.
    select_step(&mut s, "settle");
    let fits = pane(&s);
    key(&mut s, KeyCode::Char('J'));
    assert_eq!(pane(&s), fits);
    let flash = s
        .flash
        .as_ref()
        .map(|f| f.text.as_str())
        .unwrap_or_default();
    assert!(flash.contains("all on screen"), "{flash}");
}

/// Presses `J` until the screen stops changing: (the presses that moved it, every screen
/// on the way, the last screen). `screen` reads the part of the screen that scrolls.
fn page_to_the_end(
    s: &mut AppState,
    screen: impl Fn(&AppState) -> Vec<String>,
) -> (usize, String, Vec<String>) {
    let (mut presses, mut seen, mut last) = (0, String::new(), screen(s));
    loop {
        key(s, KeyCode::Char('J'));
        let now = screen(s);
        seen.push_str(&now.concat());
        if now == last {
            return (presses, seen, last);
        }
        presses += 1;
        last = now;
        assert!(presses < 50, "J never reached the end");
    }
}

#[test]
fn j_and_k_scroll_the_home_preview_through_the_whole_runbook() {
    let mut s = home_state(true);
    update(&mut s, Msg::Resize(80, 24));
    select_runbook(&mut s, "etcd-quorum-loss");
    // The preview: the right part of rows 0 to 22, borders included.
    let pane = |s: &AppState| -> Vec<String> {
        lines(draw(s, 80, 24).backend().buffer())[..23]
            .iter()
            .map(|l| l.chars().skip(36).collect())
            .collect()
    };
    let top = pane(&s);
    assert!(top[22].contains("more: J "), "{top:#?}");
    let n = s
        .home
        .library
        .iter()
        .find(|r| r.runbook.id == "etcd-quorum-loss")
        .unwrap()
        .runbook
        .steps
        .len();
    let last_step = format!("│{n:>2}. ");
    assert!(!top.concat().contains(&last_step));
    let (presses, seen, last) = page_to_the_end(&mut s, pane);
    assert!(
        seen.contains(&format!("Steps ({n})")),
        "the step list came into view"
    );
    assert!(
        last[21].starts_with(&last_step),
        "the last step ends the pane: {last:#?}"
    );
    assert!(
        last[22].contains("more: J K") && !last[22].contains('↓'),
        "{last:#?}"
    );
    for _ in 0..presses {
        key(&mut s, KeyCode::Char('K'));
    }
    assert_eq!(pane(&s), top);
    // Another row's preview starts at its top.
    key(&mut s, KeyCode::Char('J'));
    key(&mut s, KeyCode::Char('j'));
    assert!(!pane(&s)[22].contains('↑'), "{:#?}", pane(&s));
}

#[test]
fn the_incident_screen_says_what_matters() {
    let s = incident_state(false);
    let all = text(draw(&s, 160, 48).backend().buffer());
    for needle in [
        "elapsed 44:30",
        "ic=ana ops=bo comms=dee",
        "update OVERDUE 6:50",
        "WAIT 4:30 left (until 23:01:00)",
        "bo Note: tar failed on etcd-1",
        "carol Signed off step",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in\n{all}");
    }
    // Scrolled back to the start: the milestone entered after the fact says so.
    let mut s = incident_state(false);
    let v = s.incident.as_mut().expect("an incident is open");
    v.timeline_scroll = v.records.len() - 3;
    let all = text(draw(&s, 160, 48).backend().buffer());
    // (The entry wraps in the narrow timeline column: check both halves.)
    assert!(
        all.contains("22:05:00 ana Milestone: detected (recorded"),
        "{all}"
    );
    assert!(all.contains("later, at 22:13:10)"), "{all}");
    assert!(all.contains("newer: PgDn"), "{all}");
    // The wait is over once now passes its end.
    let mut s = incident_state(false);
    s.now = at(49, 1);
    let all = text(draw(&s, 160, 48).backend().buffer());
    assert!(all.contains("wait over (since 23:01:00)"), "{all}");
    // Sign-off state in the detail.
    let mut s = incident_state(false);
    select_step(&mut s, "restore-new-cluster");
    let all = text(draw(&s, 160, 48).backend().buffer());
    assert!(all.contains("signed off by carol"), "{all}");
}

#[test]
fn a_closed_incident_stops_the_clock_and_the_update_cadence() {
    let mut j = etcd_journal(&etcd_source(), false);
    j.push(at(46, 0), "ana", Known::IncidentClosed { summary: None });
    let s = incident_state_from(j, false);
    let all = text(draw(&s, 160, 48).backend().buffer());
    assert!(all.contains("closed 22:58:00 after 46:00"), "{all}");
    assert!(
        !all.contains("OVERDUE") && !all.contains("next update"),
        "{all}"
    );
}

#[test]
fn the_help_lists_every_binding_of_the_screen_underneath() {
    let mut s = incident_state(true);
    key(&mut s, KeyCode::Char('?'));
    let all = text(draw(&s, 160, 48).backend().buffer());
    assert!(all.contains("Keys — Incident"));
    for (keys, desc) in keymap::help(Mode::Incident) {
        assert!(all.contains(desc), "help is missing {keys}: {desc}\n{all}");
    }
    // At 80x24 it scrolls (two columns): every binding is on screen at some scroll offset,
    // and the footer says how much is out of view.
    s.size = (80, 24);
    let mut seen = String::new();
    for _ in 0..40 {
        let small = text(draw(&s, 80, 24).backend().buffer());
        assert!(!small.contains("more lines"), "never cut: {small}");
        seen.push_str(&small);
        key(&mut s, KeyCode::Char('j'));
    }
    assert!(seen.contains("more: j/k scroll"), "{seen}");
    for (keys, _) in keymap::help(Mode::Incident) {
        assert!(
            seen.contains(&keys),
            "help at 80x24 is missing {keys}\n{seen}"
        );
    }
    // On the home screen, while filtering, it is the filter's help.
    let mut s = home_state(true);
    key(&mut s, KeyCode::Char('/'));
    s.overlay = Some(Overlay::Help { scroll: 0 });
    let all = text(draw(&s, 160, 48).backend().buffer());
    assert!(all.contains("Keys — Filter"), "{all}");
    for (_, desc) in keymap::help(Mode::Filter) {
        assert!(all.contains(desc), "{desc}\n{all}");
    }
}

#[test]
fn escape_sequences_are_shown_never_sent() {
    // A runbook whose step title carries a real ESC (TOML "\u001b"), a note with one, output
    // with one.
    let src = etcd_source().replacen(
        "title = \"Let the restored members settle\"",
        "title = \"Let the restored \\u001b[2J members settle\"",
        1,
    );
    let mut j = etcd_journal(&src, false);
    assert!(
        j.inc
            .runbook
            .steps
            .iter()
            .any(|s| s.title.contains('\u{1b}')),
        "the TOML escape should decode to ESC"
    );
    j.push(
        at(42, 0),
        "bo",
        note("pasted: \u{1b}[2J\u{1b}]52;c;aGk=\u{7}"),
    );
    let mut s = incident_state_from(j, true);
    s.incident.as_mut().unwrap().output =
        Some(("settle".into(), "out \u{1b}[31mred\u{1b}[0m".into()));
    let mut home = home_state(true);
    let row = &mut home.home.library[0];
    let rb = std::sync::Arc::make_mut(&mut row.runbook);
    rb.title = format!("evil \u{1b}[2J title {}", rb.title);
    rb.summary = Some("line \u{1b}[2J\u{202e}reversed".into());
    let id = row.runbook.id.clone();
    select_runbook(&mut home, &id);
    for (w, h) in [(80, 24), (160, 48)] {
        for state in [&s, &home] {
            let buf = draw(state, w, h).backend().buffer().clone();
            for cell in &buf.content {
                assert!(
                    !cell
                        .symbol()
                        .chars()
                        .any(|c| c.is_control() || c == '\u{202e}'),
                    "a raw control character reached the screen"
                );
            }
            assert!(
                text(&buf).contains("\\u{1b}[2J"),
                "ESC should show as \\u{{1b}}:\n{}",
                text(&buf)
            );
        }
    }
}

#[test]
fn no_colour_means_no_colour() {
    for (name, s) in scenarios(false) {
        for (w, h) in [(80, 24), (160, 48)] {
            let terminal = draw(&s, w, h);
            for (i, cell) in terminal.backend().buffer().content.iter().enumerate() {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "{name} {w}x{h}: cell {i} ({:?}) has colour {:?} on {:?}",
                    cell.symbol(),
                    cell.fg,
                    cell.bg
                );
            }
        }
    }
}

#[test]
fn colour_reinforces_the_drill_marker_and_the_selection() {
    let s = incident_state_from(etcd_journal(&etcd_source(), true), true);
    let terminal = draw(&s, 80, 24);
    let buf = terminal.backend().buffer();
    let all = lines(buf);
    let y = all.iter().position(|l| l.contains(" DRILL ")).unwrap();
    let x = all[y].find(" DRILL ").unwrap(); // ASCII before it on this line
    let cell = &buf[(x as u16 + 1, y as u16)];
    assert_eq!(cell.symbol(), "D");
    assert!(
        cell.bg != Color::Reset || cell.fg != Color::Reset,
        "DRILL should be coloured"
    );
    assert!(cell.modifier.contains(Modifier::BOLD));
    // The selected step's row is reversed, with or without colour.
    for color in [true, false] {
        let s = incident_state(color);
        let terminal = draw(&s, 80, 24);
        let buf = terminal.backend().buffer();
        let all = lines(buf);
        let y = all.iter().position(|l| l.contains("▶[>]")).unwrap();
        let x = all[y].chars().position(|c| c == '▶').unwrap();
        assert!(
            buf[(x as u16, y as u16)]
                .modifier
                .contains(Modifier::REVERSED)
        );
    }
    // The mono drill marker is reversed.
    let s = incident_state_from(etcd_journal(&etcd_source(), true), false);
    let terminal = draw(&s, 80, 24);
    let buf = terminal.backend().buffer();
    let all = lines(buf);
    let y = all.iter().position(|l| l.contains(" DRILL ")).unwrap();
    let x = all[y].find(" DRILL ").unwrap();
    assert!(
        buf[(x as u16 + 1, y as u16)]
            .modifier
            .contains(Modifier::REVERSED)
    );
}

#[test]
fn the_filter_finds_the_runbook_for_an_alert_name() {
    let mut s = home_state(true);
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "EtcdNoLeader");
    let Some(Row::Runbook(i)) = s.home.selected_row() else {
        panic!("the first match should be a runbook");
    };
    assert_eq!(s.home.library[i].runbook.id, "etcd-quorum-loss");
    let all = lines(draw(&s, 80, 24).backend().buffer());
    assert!(line_with(&all, "/ EtcdNoLeader▏").contains("1 match"));
    assert!(line_with(&all, "› ").contains("etcd-quorum"));
    // At 120 columns the id is whole and the title has room beside it.
    let wide = lines(draw(&s, 120, 36).backend().buffer());
    let row = line_with(&wide, "› ");
    assert!(
        row.contains("etcd-quorum-loss sev1 etcd quorum lost"),
        "{row}"
    );
}

#[test]
fn the_filter_ranks_an_exact_alert_above_a_glob_and_the_team_above_the_bundled() {
    let mut s = home_state(true);
    let theirs = s
        .home
        .library
        .iter()
        .find(|r| r.runbook.id == "etcd-quorum-loss")
        .unwrap()
        .clone();
    // The team's own runbook lists the alert exactly; a second team runbook only by glob.
    let mut ours = theirs.clone();
    let mut rb = (*ours.runbook).clone();
    rb.id = "team-etcd".into();
    rb.alerts = vec!["EtcdNoLeader".into()];
    ours.runbook = std::sync::Arc::new(rb);
    ours.origin = "/srv/runbooks/team-etcd.toml".into();
    let mut globbed = theirs.clone();
    let mut rb = (*globbed.runbook).clone();
    rb.id = "team-etcd-copy".into();
    globbed.runbook = std::sync::Arc::new(rb);
    globbed.origin = "/srv/runbooks/team-etcd-copy.toml".into();
    s.home.library.push(ours);
    s.home.library.push(globbed);
    key(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "EtcdNoLeader");
    let ids: Vec<String> = s
        .home
        .rows()
        .into_iter()
        .filter_map(|r| match r {
            Row::Runbook(i) => Some(s.home.library[i].runbook.id.clone()),
            Row::Incident(_) => None,
        })
        .collect();
    assert_eq!(ids[0], "team-etcd", "the exact alert first: {ids:?}");
    // The same glob match: the team's copy above the bundled one.
    let pos = |id: &str| ids.iter().position(|x| x == id).unwrap();
    assert!(pos("team-etcd-copy") < pos("etcd-quorum-loss"), "{ids:?}");
}

#[test]
fn any_size_renders_without_panic() {
    // Every state (screens and overlays, with and without colour) over a grid of sizes: dense
    // below the minimum and around the layout breakpoints, coarser above.
    let mut states = scenarios(true);
    states.extend(scenarios(false).into_iter().take(2));
    let mut widths: Vec<u16> = (1..60).step_by(4).collect();
    widths.extend((60..=200).step_by(20));
    widths.extend([59, 61, 79, 81, 139, 141, 199]);
    let mut heights: Vec<u16> = (1..15).step_by(2).collect();
    heights.extend((15..=60).step_by(15));
    heights.extend([14, 16, 23, 25, 59]);
    for &w in &widths {
        for &h in &heights {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
            for (name, s) in &states {
                terminal
                    .draw(|f| render(f, s))
                    .expect("drawing cannot fail");
                let area = terminal.backend().buffer().area;
                assert_eq!((area.width, area.height), (w, h), "{name}");
            }
        }
    }
}

#[test]
fn a_long_command_scrolls_in_its_confirmation_and_says_what_is_unread() {
    let mut s = incident_state(false);
    s.size = (80, 24);
    let lines: Vec<String> = (1..=201).map(|i| format!("echo line {i}")).collect();
    let mut c = runbook::tui::state::Confirm::new("etcd-health".into(), lines.join("\n"), 60);
    c.shown_at = Some(s.now - Duration::seconds(5));
    s.overlay = Some(Overlay::Confirm(c));
    let top = text(draw(&s, 80, 24).backend().buffer());
    assert!(top.contains("$ echo line 1"), "{top}");
    assert!(!top.contains("echo line 201"), "{top}");
    assert!(top.contains("lines still to read below (j)"), "{top}");
    assert!(!top.contains("y run"), "no yes before it is read: {top}");
    // Scrolled to the end (as j does), the last line shows and yes is offered.
    let Some(Overlay::Confirm(c)) = &mut s.overlay else {
        unreachable!()
    };
    c.scroll = 500;
    c.seen_all = true;
    let end = text(draw(&s, 80, 24).backend().buffer());
    assert!(end.contains("> echo line 201"), "{end}");
    assert!(end.contains("↓0 more lines"), "{end}");
    assert!(end.contains("y run"), "{end}");
}

#[test]
fn a_scorecard_taller_than_the_terminal_scrolls_to_its_end() {
    let mut s = incident_state(false);
    let body: Vec<String> = (1..=80).map(|i| format!("scorecard line {i}")).collect();
    s.overlay = Some(Overlay::Info {
        title: "Drill scorecard".into(),
        body: body.join("\n"),
        scroll: 0,
    });
    let top = text(draw(&s, 120, 36).backend().buffer());
    assert!(
        top.contains("scorecard line 1 ") || top.contains("scorecard line 1\n"),
        "{top}"
    );
    assert!(!top.contains("scorecard line 80"), "{top}");
    assert!(top.contains("more: j/k scroll"), "{top}");
    for _ in 0..100 {
        key(&mut s, KeyCode::Char('j'));
    }
    let end = text(draw(&s, 120, 36).backend().buffer());
    assert!(end.contains("scorecard line 80"), "{end}");
    assert!(end.contains("↓0 more"), "{end}");
}

#[test]
fn an_unreadable_journal_is_listed_with_why_not_as_an_incident() {
    let mut s = home_state(false);
    s.home.incidents.push(IncidentRow {
        id: "20200101-0000-disk-full".into(),
        title: String::new(),
        severity: Severity::Sev4,
        drill: false,
        opened: chrono::DateTime::UNIX_EPOCH,
        runbook: String::new(),
        at_step: None,
        unreadable: Some("the journal is empty (0 bytes): remove it with rm X".into()),
    });
    let all = text(draw(&s, 120, 36).backend().buffer());
    assert!(
        all.contains("! UNREADABLE 20200101-0000-disk-full"),
        "{all}"
    );
    assert!(!all.contains("sev4"), "no made-up severity: {all}");
    assert!(!all.contains("1970"), "no made-up time: {all}");
}

/// `etcdctl endpoint status -w table` at its real width: the columns a responder needs
/// (IS LEADER, RAFT TERM) are past column 100.
const WIDE_STATUS: &str = "\
+----------------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
|             ENDPOINT             |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
+----------------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
| https://etcd-0.sd.internal:2379  | 8e9e05c52164694d |  3.5.12 |   25 MB |      true |      false |        42 |     190321 |             190321 |        |
+----------------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+";

#[test]
fn wide_output_wraps_so_no_column_is_lost_and_w_gives_one_line_each_moved_with_arrows() {
    let mut s = incident_state(false);
    update(&mut s, Msg::Resize(120, 36));
    select_step(&mut s, "etcd-health");
    s.incident.as_mut().expect("open").output = Some(("etcd-health".into(), WIDE_STATUS.into()));
    // The whole document, scrolled through with J: every column of the table is seen.
    let screen = |s: &AppState| lines(draw(s, 120, 36).backend().buffer());
    let (_, seen, _) = page_to_the_end(&mut s, screen);
    let flat: String = seen
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect();
    for column in ["ISLEADER", "RAFTTERM", "RAFTAPPLIEDINDEX", "ERRORS"] {
        assert!(flat.contains(column), "{column} never shown wrapped");
    }
    assert!(
        !seen.contains('…') || !seen.contains("ERRORS …"),
        "wrapped, nothing is cut"
    );
    // w: one line each, cut at the pane; > moves it sideways until the last column shows.
    for _ in 0..20 {
        key(&mut s, KeyCode::Char('K'));
    }
    key(&mut s, KeyCode::Char('w'));
    assert!(!s.incident.as_ref().expect("open").output_wrap);
    let (_, unwrapped, _) = page_to_the_end(&mut s, screen);
    assert!(
        !unwrapped.contains("ERRORS"),
        "one line each, the right is out of sight"
    );
    for _ in 0..20 {
        key(&mut s, KeyCode::Char('K'));
    }
    for _ in 0..12 {
        key(&mut s, KeyCode::Char('>'));
    }
    let (_, moved, _) = page_to_the_end(&mut s, screen);
    assert!(
        moved.contains("ERRORS"),
        "> brings the right-hand columns into view"
    );
    assert!(!moved.contains("ENDPOINT"), "and the left ones out");
    // > stops at the widest line; < comes back to the start.
    let shift = s.incident.as_ref().expect("open").output_shift;
    assert!(shift < WIDE_STATUS.lines().map(str::len).max().unwrap_or(0));
    for _ in 0..40 {
        key(&mut s, KeyCode::Char('<'));
    }
    assert_eq!(s.incident.as_ref().expect("open").output_shift, 0);
    // w again wraps.
    key(&mut s, KeyCode::Char('w'));
    assert!(s.incident.as_ref().expect("open").output_wrap);
}

#[test]
fn p_asks_for_the_pager_by_run_never_by_a_journal_path_and_says_when_nothing_was_saved() {
    let mut s = incident_state(false);
    update(&mut s, Msg::Resize(120, 36));
    select_step(&mut s, "etcd-health");
    // The fixture's run saved no file: p says so and asks for nothing.
    let at = s.now;
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE), at),
    );
    assert!(effects.is_empty(), "{effects:?}");
    let flash = s.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("not saved"), "{flash}");
    // With a saved file (whatever path the journal names), the effect names the run.
    let v = s.incident.as_mut().expect("open");
    let mut inc = (*v.incident).clone();
    let last = inc
        .commands
        .iter_mut()
        .rev()
        .find(|c| c.step == "etcd-health")
        .expect("a run");
    last.output_path = Some("/etc/shadow".into());
    let run = last.run;
    v.incident = std::sync::Arc::new(inc);
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE), at),
    );
    let id = s.incident.as_ref().expect("open").incident.id.clone();
    assert_eq!(
        effects,
        vec![runbook::tui::effect::Effect::Pager {
            incident: id,
            run,
            step: "etcd-health".into(),
        }]
    );
}

/// The README's screen sample is the 80x24 incident snapshot, so it can never drift from what
/// the app draws (regenerate it from the snapshot when the screen changes).
#[test]
fn the_readme_screen_sample_is_what_the_app_draws() {
    use crate::support::readme::{readme_block_after, snapshot_screen};
    assert_eq!(
        readme_block_after("## What it looks like"),
        snapshot_screen("it__tui_render__incident_80x24.snap"),
        "README's sample differs from the snapshot"
    );
}

/// What a key press can visibly change: the screen, a dialog, the footer's answer, where the
/// selection and the scrolling are, the output's mode, quitting.
fn observable(s: &AppState) -> String {
    let v = s.incident.as_ref().map(|v| {
        (
            v.selected,
            v.detail_scroll,
            v.timeline_scroll,
            v.output_wrap,
            v.output_shift,
            v.awaiting_item,
        )
    });
    format!(
        "{:?} {:?} {:?} {:?} {} {} {} {} {}",
        s.screen,
        s.overlay,
        s.flash.as_ref().map(|f| f.text.clone()),
        v,
        s.home.selected,
        s.home.filter,
        s.home.preview_scroll,
        s.home.filtering,
        s.quit
    )
}

/// A transition per action: on the incident screen and the home screen, every key of the
/// keymap, pressed on its own, either changes what the responder sees or asks for work
/// (effects): no key is dead, and none fails silently.
#[test]
fn every_key_of_the_incident_and_home_screens_answers() {
    use runbook::tui::keymap::{DEFAULT, Mode};
    for mode in [Mode::Incident, Mode::Home] {
        for b in DEFAULT.iter().filter(|b| b.mode == mode) {
            let mut s = if mode == Mode::Incident {
                let mut s = incident_state(false);
                select_step(&mut s, "etcd-health");
                s
            } else {
                // Off the first row, so up and down both have somewhere to go.
                let mut s = home_state(false);
                s.home.selected = 1;
                s
            };
            update(&mut s, Msg::Resize(120, 36));
            // Drawn once, as the app does before any key.
            let mut terminal = Terminal::new(TestBackend::new(120, 36)).unwrap();
            let mut shown = runbook::tui::view::Drawn::default();
            terminal
                .draw(|f| shown = runbook::tui::view::draw(f, &s))
                .unwrap();
            let now = s.now;
            runbook::tui::app::drawn(&mut s, now, &shown);
            let before = observable(&s);
            let at = s.now;
            let effects = update(&mut s, Msg::Key(KeyEvent::new(b.key.code, b.key.mods), at));
            assert!(
                !effects.is_empty() || observable(&s) != before,
                "{mode:?}: {} ({}) did nothing visible and asked for nothing",
                runbook::tui::keymap::key_name(b.key),
                b.help
            );
        }
    }
}

fn ana() -> runbook::domain::Author {
    runbook::domain::Author::parse("ana").unwrap()
}

/// `R`, "another role…", a role of two words: the dialog says what a role is at once, before
/// the person is asked for, and what was typed stays.
#[test]
fn another_role_of_two_words_is_refused_in_the_dialog_before_the_person_is_asked() {
    let mut s = incident_state(false);
    update(&mut s, Msg::Resize(120, 36));
    key(&mut s, KeyCode::Char('R'));
    // The last item is "another role…".
    for _ in 0..20 {
        key(&mut s, KeyCode::Down);
    }
    key(&mut s, KeyCode::Enter);
    type_text(&mut s, "incident commander");
    key(&mut s, KeyCode::Enter);
    match &s.overlay {
        Some(runbook::tui::state::Overlay::Input(i)) => {
            assert_eq!(i.text, "incident commander");
            let err = i.error.clone().unwrap_or_default();
            assert!(err.contains("one short word"), "{err}");
        }
        other => panic!("the role dialog should stay open with the error: {other:?}"),
    }
}

/// `i` on the incident screen: the runbook's meaning, impact and context one key away (its
/// `about`, else its summary), in a scrollable overlay; Esc closes it.
#[test]
fn i_shows_what_the_runbook_is_about() {
    let mut s = incident_state(false);
    update(&mut s, Msg::Resize(120, 36));
    key(&mut s, KeyCode::Char('i'));
    let summary = s
        .incident
        .as_ref()
        .and_then(|v| v.incident.runbook.summary.clone())
        .expect("the fixture's runbook has a summary");
    match &s.overlay {
        Some(runbook::tui::state::Overlay::Info { title, body, .. }) => {
            assert!(title.starts_with("About: "), "{title}");
            let first_words: String = summary
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                body.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .contains(&first_words),
                "{body}"
            );
        }
        other => panic!("no about overlay: {other:?}"),
    }
    let screen = text(draw(&s, 120, 36).backend().buffer());
    assert!(screen.contains("About: "), "{screen}");
    key(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
}

/// Code in a step's body keeps its lines: wrapped at the edge like output (nothing lost), and
/// after `w` one line each, moved sideways with `>`.
#[test]
fn code_in_a_body_wraps_or_moves_sideways_with_the_output_keys() {
    let mut s = incident_state(false);
    update(&mut s, Msg::Resize(120, 36));
    select_step(&mut s, "settle");
    let long = format!("kubectl get pods -o wide {} END-OF-LINE", "x".repeat(120));
    {
        let v = s.incident.as_mut().expect("open");
        let mut inc = (*v.incident).clone();
        let i = inc.runbook.step_index("settle").expect("the step");
        std::sync::Arc::make_mut(&mut inc.runbook).steps[i].body =
            Some(format!("Look:\n\n```sh\n{long}\n```\n"));
        v.incident = std::sync::Arc::new(inc);
    }
    let screen = |s: &AppState| lines(draw(s, 120, 36).backend().buffer()).concat();
    assert!(
        screen(&s).contains("END-OF-LINE"),
        "wrapped, the end of the line shows"
    );
    key(&mut s, KeyCode::Char('w'));
    assert!(
        !screen(&s).contains("END-OF-LINE"),
        "one line each, the end is out of sight"
    );
    for _ in 0..16 {
        key(&mut s, KeyCode::Char('>'));
    }
    assert!(screen(&s).contains("END-OF-LINE"), "> brings it into view");
    assert!(
        !screen(&s).contains("kubectl get pods"),
        "and the start out of it"
    );
}

/// A shared incident's sync can place a teammate's record, made while cut off, before ones
/// already on screen: the worker then sends the whole merged timeline (from seq 1), and the
/// app's timeline takes the merged order, the inserted record in its place.
#[test]
fn a_whole_timeline_from_a_sync_replaces_the_shown_one_in_the_merged_order() {
    use runbook::domain::event::{Event, Known};
    let mut s = incident_state(false);
    let v = s.incident.as_ref().expect("open");
    let mut merged = v.records.clone();
    let before = merged.len();
    let mut inserted = merged[2].clone();
    inserted.author = "bo".into();
    inserted.event = Event::Known(Known::NoteAdded {
        text: "written while offline".into(),
        action_item: false,
        decision: false,
    });
    merged.insert(3, inserted);
    for (i, r) in merged.iter_mut().enumerate() {
        r.seq = i as u64 + 1;
    }
    let mut view = (*v.incident).clone();
    view.last_seq = merged.len() as u64;
    let id = view.id.clone();
    update(
        &mut s,
        Msg::Synced {
            incident: id,
            view: std::sync::Arc::new(view),
            records: merged.clone(),
            appended: false,
        },
    );
    let v = s.incident.as_ref().expect("open");
    assert_eq!(v.records.len(), before + 1, "every record once, none twice");
    assert_eq!(
        v.records, merged,
        "the merged order, the inserted record in its place"
    );
}
