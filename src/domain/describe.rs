//! One line of plain text per journal record, for timelines (`runbook log`, the TUI's
//! timeline pane, the export). Pure. The text is raw: callers sanitise or escape it for where
//! it is shown.

use super::event::{Event, Known, Outcome, Record};
use super::incident::Incident;

/// Describes what a record says happened. With the incident at hand, step ids get their titles.
///
/// One arm per kind of record (long by design: every kind's wording in one place, and a new
/// kind fails to compile until it has one).
pub fn describe(r: &Record, inc: Option<&Incident>) -> String {
    // Step titles with the incident's values in them ("Drain {{group}}" as "Drain web-7").
    let title = |id: &str| -> String {
        inc.and_then(|i| i.runbook.step(id).map(|s| (i, s)))
            .map_or_else(
                || format!("\"{id}\""),
                |(i, s)| format!("\"{id}\" ({})", super::template::fill(&s.title, &i.vars)),
            )
    };
    let k = match &r.event {
        Event::Unknown { kind, raw } => return format!("[{kind}] {raw}"),
        Event::Known(k) => k,
    };
    match k {
        Known::IncidentOpened {
            incident,
            title: t,
            severity,
            runbook,
            drill,
            ..
        } => {
            let drill = if *drill { " (DRILL)" } else { "" };
            format!("Incident {incident} opened{drill}: {t} [{severity}], runbook {runbook}")
        }
        Known::StepStarted { step } => format!("Started step {}", title(step)),
        Known::StepCompleted {
            step,
            outcome: Outcome::Ok,
        } => format!("Completed step {}", title(step)),
        Known::StepCompleted {
            step,
            outcome: Outcome::Failed,
        } => format!("Step {} FAILED", title(step)),
        Known::StepSkipped { step, reason } => format!("Skipped step {}: {reason}", title(step)),
        Known::DecisionMade {
            step,
            choice,
            label,
            next,
        } => {
            format!(
                "Decision {}: chose {choice}. {label} -> {next}",
                title(step)
            )
        }
        Known::ChecklistToggled {
            step,
            item,
            checked,
        } => {
            let what = inc
                .and_then(|i| i.runbook.step(step))
                .and_then(|s| s.checklist.get(item.wrapping_sub(1)))
                .map_or_else(|| format!("item {item}"), |c| format!("\"{c}\""));
            format!(
                "{} {what} on step \"{step}\"",
                if *checked { "Checked" } else { "Unchecked" }
            )
        }
        Known::NoteAdded {
            text,
            action_item,
            decision,
        } => {
            let tag = match (super::incident::is_todo(text) || *action_item, *decision) {
                (true, _) => "Action item: ",
                (false, true) => "Decision: ",
                _ => "Note: ",
            };
            format!("{tag}{text}")
        }
        Known::ActionItemUpdated {
            note,
            done,
            owner,
            link,
        } => {
            let mut what = Vec::new();
            match done {
                Some(true) => what.push("done".to_string()),
                Some(false) => what.push("open again".to_string()),
                None => {}
            }
            what.extend(owner.as_ref().map(|o| format!("owner {o}")));
            what.extend(link.as_ref().map(|l| format!("tracked at {l}")));
            format!("Action item #{note}: {}", what.join(", "))
        }
        Known::Milestone { milestone } => format!("Milestone: {milestone}"),
        Known::SeverityChanged { severity } => format!("Severity changed to {severity}"),
        Known::RoleAssigned { role, person } => format!("{person} is now {role}"),
        Known::SignoffGiven { step, by } if by.trim() == r.author.trim() => {
            format!("Signed off step {}", title(step))
        }
        // Written by an older version: a name typed by whoever recorded it.
        Known::SignoffGiven { step, by } => {
            format!(
                "Signed off step {} (naming {by}: not verified)",
                title(step)
            )
        }
        Known::SignoffOverridden { step, reason } => {
            format!(
                "BREAK GLASS: sign-off of step {} overridden, no second person: {reason}",
                title(step)
            )
        }
        Known::CommsSent { text, .. } => format!("Comms sent: {text}"),
        Known::CommandStarted { command, .. } => {
            // With the incident at hand: a start nothing answered is said to be so.
            let unknown = inc
                .and_then(|i| i.commands.iter().find(|c| c.run == r.seq))
                .is_some_and(|c| c.result_unknown());
            if unknown {
                format!("Ran ({}): {command}", super::command::RESULT_UNKNOWN)
            } else {
                format!("Ran: {command}")
            }
        }
        Known::CommandFinished {
            command,
            exit_code,
            timed_out,
            interrupted,
            duration_ms,
            output_bytes,
            output_cut,
            ..
        } => {
            let how = super::command::ending(*exit_code, *timed_out, *interrupted);
            let cut = match (output_cut, output_bytes) {
                (true, Some(n)) => format!(
                    ", output cut at the cap: {} printed",
                    super::command::size(*n)
                ),
                (true, None) => ", output cut at the cap".to_string(),
                (false, _) => String::new(),
            };
            let secs = *duration_ms as f64 / 1000.0;
            if *interrupted {
                format!("Command interrupted after {secs:.1}s{cut}: {command}")
            } else {
                format!("Command finished ({how}, {secs:.1}s{cut}): {command}")
            }
        }
        Known::RunbookAdopted { runbook_sha256, .. } => {
            format!(
                "Adopted a new version of the runbook ({})",
                &runbook_sha256[..runbook_sha256.len().min(12)]
            )
        }
        Known::IncidentClosed { summary } => match summary {
            Some(s) => format!("Incident closed: {s}"),
            None => "Incident closed".to_string(),
        },
        Known::DrillConfigured { scenario, speed } => {
            let scenario = scenario.as_ref().map_or_else(
                || "no scenario".to_string(),
                |p| format!("scenario {}", p.id),
            );
            let speed = speed.map_or_else(|| "real time".to_string(), |s| format!("{s}x speed"));
            format!("Drill set up: {scenario}, {speed}")
        }
        Known::InjectFired { inject, text, .. } => format!("Inject {inject}: {text}"),
    }
}
