//! Actions on the selected step: start or complete it, fail, skip, take a choice, sign off,
//! break glass, tick the checklist, copy or run its command, send its status update. Each
//! becomes a request to record (`record::append`) or a dialog first. Pure.

use super::effect::Effect;
use super::keymap::Action;
use super::record::{append, open_input};
use super::state::{AppState, Ask, Confirm, InputPurpose, Menu, Overlay, Pick, Tone};
use crate::domain::event::{Known, Outcome};
use crate::domain::incident::Status;
use crate::domain::template::fill;
use crate::domain::{StepId, StepKind, rules};
use crate::runbook::sanitize;

/// Actions on the selected step.
pub fn step_action(s: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    let i = v.selected;
    let (def, st) = (&v.incident.runbook.steps[i], &v.incident.steps[i]);
    let (id, active) = (def.id.clone(), st.status == Status::Active);
    match action {
        Action::Advance if active => complete(s),
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
                InputPurpose::SkipReason { step: id.clone() },
                "Skip: why?",
                String::new(),
            );
            Vec::new()
        }
        Action::Choice(n) => choose(s, &id, usize::from(n)),
        Action::Signoff => {
            let by = s.author.to_string();
            append(s, vec![Known::SignoffGiven { step: id, by }], None)
        }
        Action::Override => break_glass(s),
        Action::ToggleNext => tick_next(s),
        Action::Copy => copy(s),
        Action::Run => run(s),
        Action::Comms => comms(s),
        _ => Vec::new(),
    }
}

/// Enter on a step in progress: a decision lists its choices; anything else is completed,
/// asking first when checklist items are unticked.
fn complete(s: &mut AppState) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    let i = v.selected;
    let def = &v.incident.runbook.steps[i];
    let st = &v.incident.steps[i];
    let id = def.id.clone();
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

/// `O`: the reason for going ahead without a second person's sign-off.
fn break_glass(s: &mut AppState) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    let i = v.selected;
    let def = &v.incident.runbook.steps[i];
    let st = &v.incident.steps[i];
    let id = def.id.clone();
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
            step: id.clone(),
            then_complete,
        },
        &title,
        String::new(),
    );
    Vec::new()
}

/// Space: ticks the next unticked checklist item.
fn tick_next(s: &mut AppState) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    let i = v.selected;
    let def = &v.incident.runbook.steps[i];
    let st = &v.incident.steps[i];
    let id = def.id.clone();
    match st.checklist.iter().position(|c| !c) {
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
    }
}

/// `y`: the command to the clipboard, unless it hides characters.
fn copy(s: &mut AppState) -> Vec<Effect> {
    match command_of(s) {
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
    }
}

/// `r`: the confirmation of the exact command, once the rules allow running it.
fn run(s: &mut AppState) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    let i = v.selected;
    let def = &v.incident.runbook.steps[i];
    let st = &v.incident.steps[i];
    let id = def.id.clone();
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
        timeout_s: Some(timeout_s),
    };
    if let Err(e) = rules::check(&v.incident, &probe, &s.author, s.now) {
        s.overlay = Some(Overlay::Error {
            message: e.message,
            then: None,
        });
        return Vec::new();
    }
    let mut c = Confirm::new(id.clone(), cmd, timeout_s);
    c.refused = sanitize::has_hazard(&c.command).then(|| {
        "this command contains invisible or control characters (shown as \\u{..}); it will not be run. Fix the runbook.".to_string()
    });
    c.signoff = def.requires_signoff.then(|| signoff_words(st)).flatten();
    s.overlay = Some(Overlay::Confirm(c));
    Vec::new()
}

/// `u`: the status update from the comms step's template, to edit and send.
fn comms(s: &mut AppState) -> Vec<Effect> {
    let comms = comms_step(s);
    let (step, text) = match comms {
        Some((step, template)) => (step, template),
        None => (StepId::from(""), String::new()),
    };
    open_input(
        s,
        InputPurpose::Comms { step },
        "Status update (edit, Enter copies and records it as sent)",
        text,
    );
    Vec::new()
}

/// A command confirmed: recorded as started (the step too, when it was still pending: running
/// a step's command is doing the step), and run once that is durable (`record::synced`).
pub fn launch(
    s: &mut AppState,
    step: crate::domain::StepId,
    command: String,
    timeout_s: u64,
) -> Vec<Effect> {
    let Some(v) = &s.incident else {
        return Vec::new();
    };
    // What the run records is the domain's decision (`domain::command::plan`).
    let events = match crate::exec::plan(&v.incident, &step, &s.author, s.now) {
        Ok(p) if p.command == command => p.records,
        Ok(_) => {
            s.flash(
                Tone::Warn,
                "the step's command changed since it was shown; nothing was run",
            );
            return Vec::new();
        }
        Err(e) => {
            s.overlay = Some(Overlay::Error {
                message: e.message,
                then: None,
            });
            return Vec::new();
        }
    };
    s.launch = Some(super::state::Launch {
        incident: v.incident.id.clone(),
        step,
        command,
        timeout_s,
    });
    let fx = append(s, events, None);
    if fx.is_empty() {
        s.launch = None;
    }
    fx
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
        step: id.into(),
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

/// The command of step `id` exactly as it would run now (variables filled in and quoted).
pub fn command_now(s: &AppState, id: &str) -> Option<String> {
    let v = s.incident.as_ref()?;
    let step = v.incident.runbook.step(id)?;
    crate::domain::command::final_command(&v.incident, step).map(|(c, _)| c)
}

/// The selected step's command exactly as it would run (variables filled in and quoted), and
/// its timeout.
fn command_of(s: &AppState) -> Option<(u64, String)> {
    let v = s.incident.as_ref()?;
    let step = &v.incident.runbook.steps[v.selected];
    crate::domain::command::final_command(&v.incident, step).map(|(c, t)| (t.secs(), c))
}

/// The comms step to use: the selected one, else the current one, else the first in the runbook.
fn comms_step(s: &AppState) -> Option<(StepId, String)> {
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
