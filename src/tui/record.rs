//! Recording from the app: checking an action against the rules and asking the shell to
//! append it (`append*`), and taking in what the journal says happened (`synced`): our
//! records and everyone else's, folded, with the selection following the work. The state
//! changes only when records come back from disk. Pure.

use super::effect::Effect;
use super::msg::CommandDone;
use super::state::{AppState, Ask, Input, InputPurpose, Overlay, Tone};
use crate::domain::event::{Event, Known, Record};
use crate::domain::rules;
use crate::runbook::sanitize;

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
