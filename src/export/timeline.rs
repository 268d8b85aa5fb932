//! The timeline: every journal record, ordered by when it happened (`at`, then `seq`), with
//! the long quiet stretches between them marked. Pure. Entries keep no text of their own:
//! layouts put each record in words (`text`) as they write it, and escape it.
//!
//! Backdated records (said to have happened before they were recorded) sort by when they
//! happened; the layouts mark them "recorded later".

use crate::domain::describe::describe;
use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::Incident;

/// Stretches with no entries longer than this are marked in the timeline.
pub const QUIET_GAP_SECS: i64 = 30 * 60;

/// Commands are shown by their first line, cut to this many characters; the appendix has them
/// whole.
const COMMAND_CHARS: usize = 80;

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub enum Item<'a> {
    Entry(Entry<'a>),
    /// No entries for this many seconds (more than `QUIET_GAP_SECS`).
    Gap {
        secs: i64,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry<'a> {
    pub rec: &'a Record,
    /// Milestones and severity changes: shown in bold.
    pub strong: bool,
    /// For a finished command: its number in the appendix of outputs (1-based).
    pub output: Option<usize>,
}

/// The timeline of `records` (the whole journal of `inc`).
pub fn build(records: &[Record]) -> Vec<Item<'_>> {
    let mut entries = Vec::with_capacity(records.len());
    let mut outputs = 0;
    for rec in records {
        let output = match &rec.event {
            Event::Known(Known::CommandFinished { .. }) => {
                outputs += 1;
                Some(outputs)
            }
            _ => None,
        };
        let strong = matches!(
            &rec.event,
            Event::Known(Known::Milestone { .. } | Known::SeverityChanged { .. })
        );
        entries.push(Entry {
            rec,
            strong,
            output,
        });
    }
    // Stable: records that happened at the same moment keep their journal order.
    entries.sort_by_key(|e| e.rec.at);
    let mut items = Vec::with_capacity(entries.len() + 8);
    let mut last: Option<chrono::DateTime<chrono::Utc>> = None;
    for e in entries {
        if let Some(prev) = last {
            let secs = (e.rec.at - prev).num_seconds();
            if secs > QUIET_GAP_SECS {
                items.push(Item::Gap { secs });
            }
        }
        last = Some(e.rec.at);
        items.push(Item::Entry(e));
    }
    items
}

/// The record in words, for the Markdown timeline: `describe`, except that commands are cut
/// to their first line (the appendix has them whole).
pub fn text(rec: &Record, inc: &Incident) -> String {
    match &rec.event {
        Event::Known(Known::CommandStarted { step, command, .. }) => {
            let unknown = inc
                .commands
                .iter()
                .find(|c| c.run == rec.seq)
                .is_some_and(|c| c.result_unknown());
            let unknown = if unknown {
                format!(" ({})", crate::domain::command::RESULT_UNKNOWN)
            } else {
                String::new()
            };
            format!(
                "Ran on step \"{step}\"{unknown}: {}",
                short_command(command)
            )
        }
        Event::Known(Known::CommandFinished {
            command,
            exit_code,
            timed_out,
            interrupted,
            duration_ms,
            output_cut,
            ..
        }) => {
            let how = exit_text(*exit_code, *timed_out, *interrupted);
            let secs = *duration_ms as f64 / 1000.0;
            let cut = if *output_cut { ", output cut" } else { "" };
            format!(
                "Command finished ({how}, {secs:.1}s{cut}): {}",
                short_command(command)
            )
        }
        _ => describe(rec, Some(inc)),
    }
}

/// How a command ended: `exit 0`, `timed out`, `interrupted`, or `killed` (no exit code: a
/// signal). The words are the domain's (`domain::command::ending`).
pub fn exit_text(exit_code: Option<i32>, timed_out: bool, interrupted: bool) -> String {
    crate::domain::command::ending(exit_code, timed_out, interrupted)
}

/// The first non-empty line of a command, cut to `COMMAND_CHARS` characters, with `…` when
/// anything was left out.
pub fn short_command(command: &str) -> String {
    let mut lines = command.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("");
    let more_lines = lines.next().is_some();
    let mut out: String = first.chars().take(COMMAND_CHARS).collect();
    if more_lines || first.chars().count() > COMMAND_CHARS {
        out.push_str(" …");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_cut_to_their_first_line() {
        assert_eq!(
            short_command("etcdctl endpoint health"),
            "etcdctl endpoint health"
        );
        assert_eq!(short_command("\nexport A=1\netcdctl x\n"), "export A=1 …");
        let long = "x".repeat(100);
        assert_eq!(short_command(&long), format!("{} …", "x".repeat(80)));
    }
}
