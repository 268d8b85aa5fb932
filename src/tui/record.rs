//! Recording from the app: checking an action against the rules and asking the shell to
//! append it (`append*`), and taking in what the journal says happened (`synced`): our
//! records and everyone else's, folded, with the selection following the work. The state
//! changes only when records come back from disk. Pure.

use super::effect::Effect;
use super::msg::CommandDone;
use super::state::{AppState, Ask, Input, InputPurpose, Overlay, Tone};
use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::Incident;
use crate::domain::rules;
use crate::runbook::sanitize;
use std::sync::Arc;

pub fn open_input(s: &mut AppState, purpose: InputPurpose, title: &str, text: String) {
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
    v.in_flight += 1;
    vec![Effect::Append {
        incident: v.incident.id.clone(),
        events,
        origin,
        opts,
        at: None,
        by: super::effect::By::Responder,
    }]
}

/// Records are durable in `incident`'s journal; `view` is its fold as it now is. For the
/// incident on screen: the view replaces the old one, the records join the timeline, the
/// selection follows the work, and a command confirmed here starts once its
/// `command_started` is among them. An answer for any other incident changes nothing here (it
/// is on disk in its own journal).
pub fn synced(
    s: &mut AppState,
    incident: &str,
    view: Arc<Incident>,
    records: Vec<Record>,
    appended: bool,
) -> Vec<Effect> {
    let Some(v) = s.incident.as_mut().filter(|v| v.incident.id == incident) else {
        return Vec::new();
    };
    if appended {
        v.in_flight = v.in_flight.saturating_sub(1);
    }
    // The selection is kept by step id (an adoption may reorder the steps); when it sat on
    // the step the runbook was at, it follows the runbook on, whoever moved it.
    let steps = &v.incident.runbook.steps;
    let selected_id = steps[v.selected.min(steps.len() - 1)].id.clone();
    let mut followed = v.incident.current == Some(v.selected);
    let seen = v.incident.last_seq;
    v.incident = view;
    // From a record already shown (a shared incident's sync moved it, `worker::synced`): the
    // timeline is replaced from there in the merged order, and only what is past it is new.
    if let Some(first) = records.first().filter(|r| r.seq <= seen) {
        v.records
            .truncate(usize::try_from(first.seq.saturating_sub(1)).unwrap_or(0));
        v.records
            .extend(records.iter().filter(|r| r.seq <= seen).cloned());
    }
    let mut last = None;
    let mut fx = Vec::new();
    for r in records {
        if r.seq <= seen {
            continue; // already shown (a catch-up racing our own append)
        }
        // Ending the selected step oneself moves on to where the runbook is now.
        followed |= r.author == s.author
            && matches!(&r.event, Event::Known(
                Known::StepCompleted { step, .. }
                | Known::StepSkipped { step, .. }
                | Known::DecisionMade { step, .. }) if *step == selected_id);
        if let Some(go) = launched(&mut s.launch, &s.author, incident, &r) {
            // A drill never runs anything: the scenario's canned output is its result.
            if v.incident.drill {
                v.in_flight += 1;
                fx.push(canned(v, go));
            } else {
                fx.push(go);
            }
        }
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
    fx.extend(drill_news(s));
    fx
}

/// The command confirmed here, when `r` is its `command_started`: the effect that runs it.
/// (A drill's canned output is recorded instead, by `run_launched`.)
fn launched(
    launch: &mut Option<super::state::Launch>,
    author: &str,
    incident: &str,
    r: &Record,
) -> Option<Effect> {
    let l = launch.as_ref()?;
    let Event::Known(Known::CommandStarted { step, command, .. }) = &r.event else {
        return None;
    };
    if l.incident != incident || l.step != *step || l.command != *command || r.author != author {
        return None;
    }
    let l = launch.take()?;
    Some(Effect::RunCommand {
        incident: l.incident,
        run: r.seq,
        step: l.step,
        command: l.command,
        timeout_s: l.timeout_s,
    })
}

/// The result a drill records for a command it does not run: the scenario's canned output
/// for the step (`drill::canned_outcome`, shared with `runbook run`).
fn canned(v: &super::state::IncidentView, run: Effect) -> Effect {
    let Effect::RunCommand {
        incident,
        run,
        step,
        command,
        timeout_s,
    } = run
    else {
        return run;
    };
    let run = crate::domain::command::Run {
        incident,
        run,
        step,
        command,
        timeout: crate::domain::Dur::from_secs(timeout_s),
    };
    let out = crate::drill::canned_outcome(&v.incident, &run);
    Effect::Append {
        incident: run.incident,
        events: vec![crate::domain::command::finished(&out)],
        origin: None,
        opts: rules::Opts::default(),
        at: None,
        by: super::effect::By::Responder,
    }
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

pub fn command_done(s: &mut AppState, d: CommandDone) -> Vec<Effect> {
    if s.running
        .as_ref()
        .is_some_and(|r| r.run == d.run && r.incident == d.incident)
    {
        s.running = None;
    }
    let here = s.incident.as_mut().filter(|v| v.incident.id == d.incident);
    if let Some(v) = here {
        v.output = Some((d.step.clone(), d.excerpt.clone()));
        v.in_flight += 1;
    }
    // The result is history: recorded in its own incident, whatever is on screen now.
    vec![Effect::Append {
        incident: d.incident.clone(),
        events: vec![crate::domain::command::finished(&d)],
        origin: None,
        opts: rules::Opts::default(),
        at: None,
        by: super::effect::By::Responder,
    }]
}
