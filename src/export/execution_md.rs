//! The "Runbook execution" section: every step with its outcome and timing against its
//! target, the commands run for it, the decision path, and the deviations. Pure.

use super::escape::{code, text};
use super::execution::StepRow;
use super::metrics::span;
use super::model::Draft;
use super::sections::{line, note_line, row};
use super::timeline::exit_text;
use crate::domain::StepKind;
use crate::domain::event::{Event, Known};
use crate::domain::incident::Status;
use crate::domain::template::fill;

/// Every step with its outcome and timing, the decision path, and the deviations.
pub fn execution(d: &Draft, out: &mut String, heading: &str) {
    let ex = &d.execution;
    let rb = &d.inc.runbook;
    line(out, format!("{heading}\n"));
    let count = |o: &str| {
        ex.steps
            .iter()
            .filter(|s| !s.retired && s.outcome() == o)
            .count()
    };
    line(
        out,
        format!("Runbook {}: {}.\n", code(&rb.id), text(&rb.title)),
    );
    line(
        out,
        format!(
            "{} steps: {} done, {} failed, {} skipped, {} in progress, {} not reached.\n",
            rb.steps.len(),
            count("done"),
            count("failed"),
            count("skipped"),
            count("in progress"),
            count("not reached")
        ),
    );
    let zone = d.zone();
    line(
        out,
        format!(
            "| # | Step | Outcome | Started ({zone}) | Ended ({zone}) | Took / target | Notes |"
        ),
    );
    line(out, "|---|---|---|---|---|---|---|");
    for s in &ex.steps {
        let took = s.duration_secs().map_or_else(|| "—".to_string(), span);
        let target = s.target_secs().map_or_else(|| "—".to_string(), span);
        let over = s
            .overrun_secs()
            .map(|o| format!(" **(+{})**", span(o)))
            .unwrap_or_default();
        let started = if s.timed {
            s.state.started.map(|t| d.when(t)).unwrap_or_default()
        } else {
            String::new()
        };
        let ended = s.state.ended.map(|t| d.when(t)).unwrap_or_default();
        let notes = step_notes(d, s);
        let step = format!(
            "{} {}",
            code(&s.def.id),
            text(&fill(&s.def.title, &d.inc.vars))
        );
        let timing = format!("{took} / {target}{over}");
        line(
            out,
            row(&[
                s.n.to_string(),
                step,
                s.outcome().to_string(),
                started,
                ended,
                timing,
                notes.join("; "),
            ]),
        );
    }
    out.push('\n');
    // Subsections one level below the heading given.
    let sub = format!("{}#", heading.split(' ').next().unwrap_or("##"));
    decision_path(d, out, &sub);
    deviations(d, out, &sub);
}

/// The notes cell of a step's row: retired, why skipped, the choice taken, sign-off, the
/// commands run (by their number in the appendix), repeats, unticked checklist items, a
/// finish without a recorded start.
fn step_notes(d: &Draft, s: &StepRow<'_>) -> Vec<String> {
    let decision = matches!(s.def.kind, StepKind::Decision { .. });
    let mut notes: Vec<String> = Vec::new();
    if s.retired {
        notes.push("retired: not in the adopted runbook".into());
    }
    if let Some(r) = &s.state.skip_reason {
        notes.push(format!("reason: {}", text(r)));
    }
    if decision && let Some(t) = d.inc.path.iter().rev().find(|t| t.step == s.def.id) {
        notes.push(format!("chose {}. {}", t.choice, text(&t.label)));
    }
    if let Some(by) = &s.state.signed_off_by {
        notes.push(format!("signed off by {}", text(by)));
    } else if s.def.requires_signoff && s.state.status != Status::Pending {
        notes.push("no sign-off recorded".into());
    }
    // The commands run for the step, by their number in the appendix.
    for (n, r) in d.outputs.iter().enumerate() {
        if let Event::Known(Known::CommandFinished {
            step,
            exit_code,
            timed_out,
            interrupted,
            ..
        }) = &r.event
            && *step == s.def.id
        {
            notes.push(format!(
                "command A{}: {}",
                n + 1,
                exit_text(*exit_code, *timed_out, *interrupted)
            ));
        }
    }
    for (n, c) in d.unfinished.iter().enumerate() {
        if c.step == s.def.id {
            notes.push(format!(
                "command A{}: {}",
                d.outputs.len() + n + 1,
                crate::domain::command::RESULT_UNKNOWN
            ));
        }
    }
    if s.state.runs > 1 {
        notes.push(format!("ran {} times (last run shown)", s.state.runs));
    }
    let ticked = s.state.checklist.iter().filter(|c| **c).count();
    let finished = matches!(s.state.status, Status::Done | Status::Failed);
    if finished && ticked < s.def.checklist.len() {
        // Which ones: under "Deviations from the runbook".
        notes.push(format!(
            "checklist {ticked} of {} ticked",
            s.def.checklist.len()
        ));
    }
    if !s.timed && !decision && matches!(s.state.status, Status::Done | Status::Failed) {
        notes.push("no start recorded".into());
    }
    notes
}

fn decision_path(d: &Draft, out: &mut String, sub: &str) {
    line(out, format!("{sub} Decision path\n"));
    if d.inc.path.is_empty() {
        line(out, "No decisions were taken in the runbook.\n");
        return;
    }
    for (i, t) in d.inc.path.iter().enumerate() {
        let title = d
            .inc
            .runbook
            .step(&t.step)
            .map(|s| text(&fill(&s.title, &d.inc.vars)))
            .unwrap_or_default();
        line(
            out,
            format!(
                "{}. {} · **{title}** ({}): chose {}. {} → {}",
                i + 1,
                d.when(t.at),
                code(&t.step),
                t.choice,
                text(&t.label),
                code(&t.next)
            ),
        );
    }
    out.push('\n');
}

fn deviations(d: &Draft, out: &mut String, sub: &str) {
    line(out, format!("{sub} Deviations from the runbook\n"));
    let list = |out: &mut String, what: &str, items: Vec<String>| {
        line(out, format!("**{what}**\n"));
        if items.is_empty() {
            line(out, "- none");
        }
        for i in items {
            line(out, format!("- {i}"));
        }
        out.push('\n');
    };
    let skipped = skipped_items(d);
    list(out, "Steps skipped", skipped);
    let detours = detours_items(d);
    list(out, "Steps out of order", detours);
    let overruns = overruns_items(d);
    list(out, "Steps over their target", overruns);
    let unticked = unticked_items(d);
    list(out, "Checklist items not ticked", unticked);
    let outside = d
        .execution
        .outside
        .iter()
        .map(|n| note_line(d, n))
        .collect();
    list(out, "Decisions noted outside the runbook", outside);
}

/// Skipped steps, when and why.
fn skipped_items(d: &Draft) -> Vec<String> {
    d.execution
        .skipped()
        .map(|s| {
            let at = s
                .state
                .ended
                .map(|t| format!(" at {}", d.when(t)))
                .unwrap_or_default();
            let why = s.state.skip_reason.as_deref().map(text).unwrap_or_default();
            format!("{}{}{at}: {why}", code(&s.def.id), step_title(d, &s.def.id))
        })
        .collect()
}

/// Steps run before a step leading to them had finished.
fn detours_items(d: &Draft) -> Vec<String> {
    d.execution
        .detours
        .iter()
        .map(|t| {
            let before = match t.expected_after.as_slice() {
                [] => "with no step leading to it".to_string(),
                [one] => format!("before {}{} had finished", code(one), step_title(d, one)),
                many => {
                    let ids: Vec<String> = many.iter().map(|id| code(id)).collect();
                    format!(
                        "before any step leading to it had finished ({})",
                        ids.join(", ")
                    )
                }
            };
            format!(
                "{}{} {} at {} {before}",
                code(&t.step),
                step_title(d, &t.step),
                t.what,
                d.when(t.at)
            )
        })
        .collect()
}

/// Steps that took longer than their target.
fn overruns_items(d: &Draft) -> Vec<String> {
    d.execution
        .overruns()
        .map(|s| {
            let (took, target, over) = (
                s.duration_secs().unwrap_or(0),
                s.target_secs().unwrap_or(0),
                s.overrun_secs().unwrap_or(0),
            );
            format!(
                "{}{} took {} against a target of {} (+{})",
                code(&s.def.id),
                step_title(d, &s.def.id),
                span(took),
                span(target),
                span(over)
            )
        })
        .collect()
}

/// Finished steps with checklist items not ticked, and which.
fn unticked_items(d: &Draft) -> Vec<String> {
    d.execution
        .steps
        .iter()
        .filter(|s| matches!(s.state.status, Status::Done | Status::Failed))
        .filter_map(|s| {
            let items: Vec<String> = s
                .def
                .checklist
                .iter()
                .zip(&s.state.checklist)
                .filter(|(_, c)| !**c)
                .map(|(item, _)| format!("\"{}\"", text(&fill(item, &d.inc.vars))))
                .collect();
            (!items.is_empty()).then(|| {
                format!(
                    "{}{} ended with {} of {} not ticked: {}",
                    code(&s.def.id),
                    step_title(d, &s.def.id),
                    items.len(),
                    s.def.checklist.len(),
                    items.join(", ")
                )
            })
        })
        .collect()
}

/// ` (Title)` of a step, with the incident's values filled in; nothing for an unknown id.
fn step_title(d: &Draft, id: &str) -> String {
    d.inc
        .runbook
        .step(id)
        .map(|s| format!(" ({})", text(&fill(&s.title, &d.inc.vars))))
        .unwrap_or_default()
}
