//! Keys and messages on the incident screen: walk the steps, decide, sign off, note, run.
//! Actions become `Effect::Append`; the state changes only when `Msg::Synced` brings the
//! records back from disk.

use super::effect::Effect;
use super::keymap::{Action, Mode, lookup};
use super::msg::CommandDone;
use super::state::{
    AppState, Ask, Confirm, Input, InputPurpose, Menu, Overlay, Pick, Screen, Tone,
};
use crate::domain::event::{Event, Known, Outcome, Record};
use crate::domain::incident::Status;
use crate::domain::template::fill;
use crate::domain::{Milestone, Severity, StepKind, rules};
use crate::runbook::sanitize;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

pub fn key(s: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    let Some(v) = &mut s.incident else {
        s.screen = Screen::Home;
        return Vec::new();
    };
    if v.awaiting_item {
        v.awaiting_item = false;
        if let KeyCode::Char(c @ '1'..='9') = key.code {
            let item = c as usize - '0' as usize;
            let step = &v.incident.runbook.steps[v.selected];
            let checked = !v.incident.steps[v.selected]
                .checklist
                .get(item - 1)
                .copied()
                .unwrap_or(true);
            let ev = Known::ChecklistToggled {
                step: step.id.clone(),
                item,
                checked,
            };
            return append(s, vec![ev], None);
        }
        s.flash(Tone::Info, "no item toggled");
        return Vec::new();
    }
    let n = v.incident.runbook.steps.len();
    let Some(action) = lookup(Mode::Incident, key) else {
        return Vec::new();
    };
    if matches!(action, Action::ScrollDown | Action::ScrollUp) {
        scroll_detail(s, action == Action::ScrollDown);
        return Vec::new();
    }
    match action {
        Action::Down => v.selected = (v.selected + 1).min(n - 1),
        Action::Up => v.selected = v.selected.saturating_sub(1),
        Action::Back => {
            s.screen = Screen::Home;
            return vec![Effect::RefreshIncidents];
        }
        Action::Help => s.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::TimelineOlder => {
            v.timeline_scroll = (v.timeline_scroll + 5).min(v.records.len().saturating_sub(1))
        }
        Action::TimelineNewer => v.timeline_scroll = v.timeline_scroll.saturating_sub(5),
        Action::ToggleItem => {
            if v.incident.runbook.steps[v.selected].checklist.is_empty() {
                s.flash(Tone::Info, "this step has no checklist");
            } else {
                v.awaiting_item = true;
                s.flash(Tone::Info, "toggle which item? press its number");
            }
        }
        Action::Export => return vec![Effect::Export],
        Action::Close => {
            let open = crate::domain::open_work::still_open(&v.incident);
            let mut context = vec![if open.is_empty() {
                "Nothing is left open.".to_string()
            } else {
                "Still open, and recorded as it stands:".to_string()
            }];
            context.extend(open.into_iter().map(|o| format!("- {o}")));
            s.overlay = Some(Overlay::Input(Input {
                purpose: InputPurpose::Close,
                title: "Close the incident: a summary line (optional), Enter closes".into(),
                text: String::new(),
                cursor: 0,
                error: None,
                context,
            }));
        }
        Action::Adopt => match &v.newer {
            Some(n) => {
                let items = vec![
                    (format!("Adopt the new version: {}", n.summary), Pick::Adopt),
                    ("Keep the pinned version".to_string(), Pick::KeepPinned),
                ];
                s.overlay = Some(Overlay::Menu(Menu {
                    title: "The runbook changed on disk".to_string(),
                    items,
                    selected: 0,
                }));
            }
            None => s.flash(
                Tone::Info,
                "the incident runs the current version of its runbook",
            ),
        },
        Action::Note => open_input(s, InputPurpose::Note, "Note", String::new()),
        Action::ActionItem => open_input(
            s,
            InputPurpose::ActionItem,
            "Action item (TODO)",
            String::new(),
        ),
        Action::Milestone => {
            let items = Milestone::ALL
                .iter()
                .map(|m| {
                    let label = match v.incident.milestones.get(m) {
                        Some(mark) => format!("{m}  (recorded {})", mark.at.format("%H:%M:%S")),
                        None => m.to_string(),
                    };
                    (label, Pick::Milestone(*m))
                })
                .collect();
            s.overlay = Some(Overlay::Menu(Menu {
                title: "Record a milestone".into(),
                items,
                selected: 0,
            }));
        }
        Action::Severity => {
            let items = Severity::ALL
                .iter()
                .map(|x| (x.to_string(), Pick::Severity(*x)))
                .collect();
            let selected = Severity::ALL
                .iter()
                .position(|x| *x == v.incident.severity)
                .unwrap_or(0);
            s.overlay = Some(Overlay::Menu(Menu {
                title: "Change severity".into(),
                items,
                selected,
            }));
        }
        Action::Role => {
            // The usual roles, then every role the runbook's steps name, then any other.
            let mut roles: Vec<String> = crate::domain::runbook::USUAL_ROLES
                .iter()
                .map(|r| r.to_string())
                .collect();
            for r in v
                .incident
                .runbook
                .steps
                .iter()
                .filter_map(|st| st.role.clone())
            {
                if !roles.contains(&r) {
                    roles.push(r);
                }
            }
            let mut items: Vec<(String, Pick)> = roles
                .into_iter()
                .map(|r| (r.clone(), Pick::Role(r)))
                .collect();
            items.push(("another role…".into(), Pick::OtherRole));
            s.overlay = Some(Overlay::Menu(Menu {
                title: "Assign a role".into(),
                items,
                selected: 0,
            }));
        }
        _ => return step_action(s, action),
    }
    Vec::new()
}

/// Actions on the selected step.
fn step_action(s: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    let i = v.selected;
    let def = &v.incident.runbook.steps[i];
    let st = &v.incident.steps[i];
    let id = def.id.clone();
    match action {
        Action::Advance if st.status == Status::Active => {
            if let StepKind::Decision { choices } = &def.kind {
                // Every choice in a menu (the digit keys reach only nine).
                let items = choices
                    .iter()
                    .enumerate()
                    .map(|(n, c)| {
                        let label = format!(
                            "{}. {} → {}",
                            n + 1,
                            fill(&c.label, &v.incident.vars),
                            c.next
                        );
                        let pick = Pick::Choice {
                            step: id.clone(),
                            choice: n + 1,
                        };
                        (label, pick)
                    })
                    .collect();
                s.overlay = Some(Overlay::Menu(Menu {
                    title: fill(&def.title, &v.incident.vars),
                    items,
                    selected: 0,
                }));
                return Vec::new();
            }
            let done = vec![Known::StepCompleted {
                step: id,
                outcome: Outcome::Ok,
            }];
            // Items left unticked are asked about, not silently passed over.
            let unticked: Vec<String> = def
                .checklist
                .iter()
                .zip(&st.checklist)
                .filter(|(_, c)| !**c)
                .map(|(item, _)| format!("\"{}\"", fill(item, &v.incident.vars)))
                .collect();
            if unticked.is_empty() {
                return append(s, done, None);
            }
            let message = format!(
                "{} of {} checklist items are not ticked: {}. Complete the step anyway?",
                unticked.len(),
                def.checklist.len(),
                unticked.join(", ")
            );
            s.overlay = Some(Overlay::Ask(Ask {
                title: "Checklist not finished".into(),
                message,
                yes: "complete it anyway".into(),
                events: done,
                opts: rules::Opts::default(),
                origin: None,
            }));
            Vec::new()
        }
        Action::Advance => append(s, vec![Known::StepStarted { step: id }], None),
        Action::Fail => append(
            s,
            vec![Known::StepCompleted {
                step: id,
                outcome: Outcome::Failed,
            }],
            None,
        ),
        Action::Skip => {
            open_input(
                s,
                InputPurpose::SkipReason { step: id },
                "Skip: why?",
                String::new(),
            );
            Vec::new()
        }
        Action::Choice(n) => choose(s, &id, usize::from(n)),
        Action::Signoff => append(
            s,
            vec![Known::SignoffGiven {
                step: id,
                by: s.author.clone(),
            }],
            None,
        ),
        Action::Override => {
            // A command step stays open after the override, so its command can be run; a
            // decision waits for its choice; anything else in progress is completed with it.
            let then_complete = st.status == Status::Active
                && !matches!(
                    def.kind,
                    StepKind::Command { .. } | StepKind::Decision { .. }
                );
            let what = if then_complete {
                "complete"
            } else {
                "go on with"
            };
            let title = format!(
                "BREAK GLASS: {what} \"{}\" without a second person. Why? (flagged in every export)",
                sanitize::visible(&def.title)
            );
            open_input(
                s,
                InputPurpose::Override {
                    step: id,
                    then_complete,
                },
                &title,
                String::new(),
            );
            Vec::new()
        }
        Action::ToggleNext => match st.checklist.iter().position(|c| !c) {
            Some(item) => append(
                s,
                vec![Known::ChecklistToggled {
                    step: id,
                    item: item + 1,
                    checked: true,
                }],
                None,
            ),
            None if def.checklist.is_empty() => {
                s.flash(Tone::Info, "this step has no checklist");
                Vec::new()
            }
            None => {
                s.flash(
                    Tone::Info,
                    "every item is ticked (x then a number unticks one)",
                );
                Vec::new()
            }
        },
        Action::Copy => match command_of(s) {
            // The clipboard gets only what the screen shows as it is: a command with hidden
            // or control characters is refused for running and for copying alike.
            Some((_, cmd)) if sanitize::has_hazard(&cmd) => {
                s.flash(
                    Tone::Bad,
                    "not copied: the command contains invisible or control characters (shown as \\u{..}); fix the runbook",
                );
                Vec::new()
            }
            Some((_, cmd)) => {
                s.flash(Tone::Good, "command copied to the clipboard (OSC 52)");
                vec![Effect::Copy(cmd)]
            }
            None => {
                s.flash(Tone::Info, "this step has no command");
                Vec::new()
            }
        },
        Action::Run => {
            if let Some(r) = &s.running {
                let msg = format!("a command is already running (step \"{}\")", r.step);
                s.flash(Tone::Warn, msg);
                return Vec::new();
            }
            let Some((timeout_s, cmd)) = command_of(s) else {
                s.flash(Tone::Info, "this step has no command to run");
                return Vec::new();
            };
            // The rules first (a step that needs a second person's sign-off, a closed
            // incident): refused before anything is shown as runnable.
            let probe = Known::CommandStarted {
                step: id.clone(),
                command: cmd.clone(),
            };
            if let Err(e) = rules::check(&v.incident, &probe, &s.author, s.now) {
                s.overlay = Some(Overlay::Error {
                    message: e.message,
                    then: None,
                });
                return Vec::new();
            }
            let mut c = Confirm::new(id, cmd, timeout_s);
            c.refused = sanitize::has_hazard(&c.command).then(|| {
                "this command contains invisible or control characters (shown as \\u{..}); it will not be run. Fix the runbook.".to_string()
            });
            c.signoff = def.requires_signoff.then(|| signoff_words(st)).flatten();
            s.overlay = Some(Overlay::Confirm(c));
            Vec::new()
        }
        Action::Comms => {
            let comms = comms_step(s);
            let (step, text) = match comms {
                Some((step, template)) => (step, template),
                None => (String::new(), String::new()),
            };
            open_input(
                s,
                InputPurpose::Comms { step },
                "Status update (edit, Enter copies and records it as sent)",
                text,
            );
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Takes choice `n` (1-based) of decision step `id`, through the rules.
pub fn choose(s: &mut AppState, id: &str, n: usize) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    let Some(def) = v.incident.runbook.step(id) else {
        return Vec::new();
    };
    let StepKind::Decision { choices } = &def.kind else {
        s.flash(
            Tone::Info,
            "1-9 take a decision's choice: select a decision step",
        );
        return Vec::new();
    };
    let Some(c) = n.checked_sub(1).and_then(|i| choices.get(i)) else {
        s.flash(
            Tone::Warn,
            format!("there is no choice {n}: choose 1-{}", choices.len()),
        );
        return Vec::new();
    };
    let ev = Known::DecisionMade {
        step: id.to_string(),
        choice: n,
        label: c.label.clone(),
        next: c.next.clone(),
    };
    append(s, vec![ev], None)
}

/// Who let a step that needs a second person go ahead, for the confirmation.
fn signoff_words(st: &crate::domain::incident::StepState) -> Option<String> {
    let so = st.signoff()?;
    Some(match &so.overridden {
        Some(reason) => format!(
            "BREAK GLASS: no sign-off; overridden by {} at {}: {reason}",
            so.by,
            so.at.format("%H:%M:%S")
        ),
        None => format!("signed off by {} at {}", so.by, so.at.format("%H:%M:%S")),
    })
}

/// The command of step `id` as it would run now (variables filled in).
pub fn command_now(s: &AppState, id: &str) -> Option<String> {
    let v = s.incident.as_ref()?;
    match &v.incident.runbook.step(id)?.kind {
        StepKind::Command { command, .. } => Some(fill(command, &v.incident.vars)),
        _ => None,
    }
}

/// The selected step's command with variables filled in, and its timeout.
fn command_of(s: &AppState) -> Option<(u64, String)> {
    let v = s.incident.as_ref()?;
    match &v.incident.runbook.steps[v.selected].kind {
        StepKind::Command {
            command, timeout, ..
        } => Some((timeout.secs(), fill(command, &v.incident.vars))),
        _ => None,
    }
}

/// The comms step to use: the selected one, else the current one, else the first in the runbook.
fn comms_step(s: &AppState) -> Option<(String, String)> {
    let v = s.incident.as_ref()?;
    let steps = &v.incident.runbook.steps;
    let is_comms = |i: usize| matches!(steps[i].kind, StepKind::Comms { .. });
    let i = [Some(v.selected), v.incident.current]
        .into_iter()
        .flatten()
        .find(|&i| is_comms(i))
        .or_else(|| (0..steps.len()).find(|&i| is_comms(i)))?;
    let StepKind::Comms { template, .. } = &steps[i].kind else {
        return None;
    };
    Some((
        steps[i].id.clone(),
        fill(template.trim_end(), &v.incident.vars),
    ))
}

fn open_input(s: &mut AppState, purpose: InputPurpose, title: &str, text: String) {
    let cursor = text.chars().count();
    s.overlay = Some(Overlay::Input(Input {
        purpose,
        title: title.to_string(),
        text,
        cursor,
        error: None,
        context: Vec::new(),
    }));
}

/// Checks the events against the rules and asks the shell to append them. A refusal is shown
/// and, when the action came from a dialog, the dialog stays open with its text; a refused
/// repeat asks whether it is deliberate.
pub fn append(s: &mut AppState, events: Vec<Known>, origin: Option<Overlay>) -> Vec<Effect> {
    append_with(s, events, origin, rules::Opts::default())
}

/// `append`, for something that happened at `at` (backdated by the responder).
pub fn append_at(
    s: &mut AppState,
    events: Vec<Known>,
    origin: Option<Overlay>,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<Effect> {
    let mut fx = append_with(s, events, origin, rules::Opts::default());
    for e in &mut fx {
        if let Effect::Append { at: when, .. } = e {
            *when = Some(at);
        }
    }
    fx
}

/// `append`, with the way the action was asked for (`Opts::again`: a deliberate repeat).
pub fn append_with(
    s: &mut AppState,
    events: Vec<Known>,
    origin: Option<Overlay>,
    opts: rules::Opts,
) -> Vec<Effect> {
    let Some(v) = &mut s.incident else {
        return Vec::new();
    };
    if let Some(why) = &v.read_only {
        let msg = format!("the journal is read-only: {why}");
        s.overlay = Some(Overlay::Error {
            message: msg,
            then: origin.map(Box::new),
        });
        return Vec::new();
    }
    // Only the first event can be checked against the current state; the rest follow from it
    // (and the store checks each again, under the journal's lock, before writing it).
    if let Some(first) = events.first()
        && let Err(e) = rules::check_with(&v.incident, first, &s.author, s.now, opts)
    {
        // Refused from a dialog: the reason shows inside it, and typing goes on.
        if let (false, Some(Overlay::Input(mut input))) = (e.again, origin.clone()) {
            input.error = Some(e.message);
            s.overlay = Some(Overlay::Input(input));
            return Vec::new();
        }
        s.overlay = Some(if e.again {
            Overlay::Ask(Ask {
                title: "Already done".into(),
                message: e.message,
                yes: "record it again".into(),
                events,
                opts: rules::Opts { again: true },
                origin: origin.map(Box::new),
            })
        } else {
            Overlay::Error {
                message: e.message,
                then: origin.map(Box::new),
            }
        });
        return Vec::new();
    }
    v.pending = true;
    vec![Effect::Append {
        events,
        origin,
        opts,
        at: None,
    }]
}

/// Records are durable: fold them in, and follow the flow with the selection.
pub fn synced(s: &mut AppState, records: Vec<Record>) -> Vec<Effect> {
    let Some(v) = &mut s.incident else {
        return Vec::new();
    };
    v.pending = false;
    // The selection is kept by step id (an adoption may reorder the steps); when it sat on
    // the step the runbook was at, it follows the runbook on, whoever moved it.
    let steps = &v.incident.runbook.steps;
    let selected_id = steps[v.selected.min(steps.len() - 1)].id.clone();
    let mut followed = v.incident.current == Some(v.selected);
    let mut last = None;
    for r in records {
        if r.seq <= v.incident.last_seq {
            continue; // already folded (a catch-up racing our own append)
        }
        if let Err(e) = v.incident.apply(&r, &crate::store::parse_runbook) {
            s.overlay = Some(Overlay::Error {
                message: format!("cannot fold record {}: {e}", r.seq),
                then: None,
            });
            return Vec::new();
        }
        // Ending the selected step oneself moves on to where the runbook is now.
        followed |= r.author == s.author
            && matches!(&r.event, Event::Known(
                Known::StepCompleted { step, .. }
                | Known::StepSkipped { step, .. }
                | Known::DecisionMade { step, .. }) if *step == selected_id);
        last = Some(crate::domain::describe::describe(&r, Some(&v.incident)));
        v.records.push(r);
    }
    let steps = &v.incident.runbook.steps;
    v.selected = match (followed, v.incident.current) {
        (true, Some(c)) => c,
        _ => steps
            .iter()
            .position(|st| st.id == selected_id)
            .unwrap_or(v.selected)
            .min(steps.len() - 1),
    };
    if let Some(text) = last {
        s.flash(
            Tone::Good,
            format!("recorded: {}", sanitize::visible(&text)),
        );
    }
    // A question that waited for this append (complete the comms step just sent).
    if let Some(a) = s.incident.as_mut().and_then(|v| v.then_ask.take())
        && s.overlay.is_none()
    {
        s.overlay = Some(Overlay::Ask(a));
    }
    // An adoption (ours or a teammate's) changes what is pinned.
    offer_newer(s);
    super::quit::after_synced(s);
    drill_news(s)
}

/// After records arrive in a drill: the latest inject becomes the banner (with the bell), and
/// when the runbook has ended or the incident closed, the scorecard is shown once.
fn drill_news(s: &mut AppState) -> Vec<Effect> {
    let Some(v) = &mut s.incident else {
        return Vec::new();
    };
    if !v.incident.drill {
        return Vec::new();
    }
    let mut fx = Vec::new();
    if let Some(r) = v.records.last()
        && let Event::Known(Known::InjectFired { inject, text, .. }) = &r.event
    {
        let banner = format!("INJECT {inject}: {text}");
        if v.banner.as_deref() != Some(banner.as_str()) {
            v.banner = Some(banner);
            fx.push(Effect::Bell);
        }
    }
    let ended = v.incident.current.is_none() || v.incident.is_closed();
    if ended && !v.scored {
        v.scored = true;
        let card = crate::drill::scorecard::Scorecard::compute(
            &v.incident,
            &v.records,
            v.scenario.as_ref(),
        );
        let body = crate::drill::render::render_text(&card);
        s.overlay = Some(Overlay::Info {
            title: "Drill scorecard".into(),
            body,
            scroll: 0,
        });
    }
    fx
}

/// `J`/`K`: the detail pane by half its height, as far as the last frame showed there is.
fn scroll_detail(s: &mut AppState, down: bool) {
    let Some(offset) = s.incident.as_ref().map(|v| v.detail_scroll) else {
        return;
    };
    let (offset, any) = s.drawn.detail.unwrap_or_default().page(offset, down);
    if let Some(v) = &mut s.incident {
        v.detail_scroll = offset;
    }
    if !any {
        s.flash(Tone::Info, "the step's details are all on screen");
    }
}

/// Compares the open incident's pinned runbook with the library's version of it, and offers
/// the library's when they differ. Step states carry over by id when it is adopted.
pub fn offer_newer(s: &mut AppState) {
    let Some(v) = &mut s.incident else { return };
    let inc = &v.incident;
    // Only the incident's own runbook is hashed (one source), not the whole library.
    v.newer = s
        .home
        .library
        .iter()
        .find(|r| r.runbook.id == inc.runbook.id && r.checked)
        .map(|r| (r, crate::runbook::sha256_hex(&r.source)))
        .filter(|(_, sha)| *sha != inc.runbook_sha256)
        .map(|(r, sha256)| super::state::Newer {
            sha256,
            source: r.source.to_string(),
            summary: crate::domain::diff::StepDiff::between(&inc.runbook, &r.runbook).summary(),
        });
}

/// Once a second: ring the bell when a wait step's countdown runs out.
pub fn tick(s: &mut AppState) -> Vec<Effect> {
    let now = s.now;
    let Some(v) = &mut s.incident else {
        return Vec::new();
    };
    let mut fx = Vec::new();
    // A drill's injects, announced when their drill time comes (and only once: the journal
    // says which have fired, and each message is settled before the next tick).
    if let Some(sc) = &v.scenario {
        let due = crate::drill::due_events(&v.incident, sc, now);
        if !due.is_empty() {
            fx.push(Effect::FireInjects(due));
        }
    }
    for (def, st) in v.incident.runbook.steps.iter().zip(&v.incident.steps) {
        let (StepKind::Wait { duration }, Status::Active, Some(start)) =
            (&def.kind, st.status, st.started)
        else {
            continue;
        };
        let due = start + chrono::Duration::seconds(duration.secs() as i64);
        let key = (def.id.clone(), st.runs);
        if now >= due && !v.rung.contains(&key) {
            v.rung.push(key);
            fx.push(Effect::Bell);
            s.flash = Some(super::state::Flash {
                text: format!("wait \"{}\" is over", def.title),
                tone: Tone::Warn,
            });
        }
    }
    fx
}

pub fn command_done(s: &mut AppState, d: CommandDone) -> Vec<Effect> {
    s.running = None;
    let Some(v) = &mut s.incident else {
        return Vec::new();
    };
    v.output = Some((d.step.clone(), d.excerpt.clone()));
    let ev = Known::CommandFinished {
        step: d.step,
        command: d.command,
        exit_code: d.exit_code,
        duration_ms: d.duration_ms,
        timed_out: d.timed_out,
        output_excerpt: d.excerpt,
        output_sha256: d.sha256,
        output_path: d.output_path,
    };
    // The result is history: record it even if the incident's rules changed meanwhile.
    v.pending = true;
    vec![Effect::Append {
        events: vec![ev],
        origin: None,
        opts: rules::Opts::default(),
        at: None,
    }]
}
