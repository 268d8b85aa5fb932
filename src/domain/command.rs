//! What running a step's command records, decided here for the app, the CLI and drills alike:
//! the exact command (variables filled in and shell-quoted), its timeout, the records to
//! append before it runs (`plan`), and the record of its result (`finished`). Pure: running
//! it is `crate::exec`, which never decides any of this.

use super::event::{Event, Known, Record};
use super::incident::{Incident, StepState};
use super::rules::{self, Refused};
use super::template::fill_command;
use super::{Dur, Step, StepKind};
use chrono::{DateTime, Utc};

/// How a run that has no recorded result is shown, everywhere.
pub const RESULT_UNKNOWN: &str = "interrupted, result unknown";

/// How a finished run ended, in words: `interrupted`, `timed out`, `exit N`, or `killed`
/// (no exit code: a signal from someone else).
pub fn ending(exit_code: Option<i32>, timed_out: bool, interrupted: bool) -> String {
    match (exit_code, timed_out, interrupted) {
        (_, _, true) => "interrupted".to_string(),
        (_, true, _) => "timed out".to_string(),
        (Some(c), _, _) => format!("exit {c}"),
        (None, _, _) => "killed".to_string(),
    }
}

/// A byte count for people: `512 bytes`, `64.0 MiB`, `2.1 GiB`.
pub fn size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// The step's command as it runs in `inc` (placeholders filled and quoted: `fill_command`)
/// and its timeout; None for a step that is not a command step. The runbook's `[env]` comes
/// first, one `export NAME='value'` line each (`env_lines`), so that what the confirmation
/// shows is exactly what runs.
pub fn final_command(inc: &Incident, step: &Step) -> Option<(String, Dur)> {
    match &step.kind {
        StepKind::Command {
            command, timeout, ..
        } => {
            let mut out = String::new();
            for line in env_lines(&inc.runbook.env, &inc.vars) {
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str(&fill_command(command, &inc.vars));
            Some((out, *timeout))
        }
        _ => None,
    }
}

/// The `[env]` entries as shell lines: `export NAME=WORD`, the value one word whatever it
/// holds. Its text is single-quoted as written (no `$` expansion), each `{{var}}` filled in
/// and quoted as a command's value is, an escape written as its literal `{{name}}`.
pub fn env_lines(env: &[(String, String)], values: &[(String, String)]) -> Vec<String> {
    use super::template::{Token, scan, shell, unescaped};
    let single = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    env.iter()
        .map(|(name, text)| {
            let mut word = String::new();
            let mut last = 0;
            for t in scan(text) {
                let r = t.range();
                let value = match t {
                    Token::Placeholder { name, .. } => values
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.as_str()),
                    Token::Escaped { .. } => Some(unescaped(text, r.clone())),
                };
                let Some(value) = value else { continue };
                if r.start > last {
                    word.push_str(&single(&text[last..r.start]));
                }
                word.push_str(&shell::quote(value, &shell::Site::bare()));
                last = r.end;
            }
            if last < text.len() || word.is_empty() {
                word.push_str(&single(&text[last..]));
            }
            format!("export {name}={word}")
        })
        .collect()
}

/// A run, decided: what the confirmation shows and what is appended before it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub step: crate::domain::StepId,
    pub title: String,
    /// Exactly what runs (`sh -c`).
    pub command: String,
    pub timeout: Dur,
    /// To append, in order, before running: `step_started` when the step is still pending,
    /// then `command_started` (whose seq becomes the run's id).
    pub records: Vec<Known>,
    /// A drill: the scenario's canned output stands in, nothing real runs.
    pub drill: bool,
    /// For a step that needs a sign-off: who gave the one this run uses, in words.
    pub signoff: Option<String>,
}

/// Tells whether text holds characters that must never reach a terminal or a shell unseen
/// (the caller provides `crate::runbook::sanitize::has_hazard`, so the domain does not depend
/// on the loader).
pub type Hazard<'a> = &'a dyn Fn(&str) -> bool;

/// Decides a run of step `step_id`'s command by `author` at `at`, or refuses it: not a command
/// step, a closed incident, a command holding control or invisible characters (`hazard`), or
/// whatever the rules refuse for its `command_started` (a sign-off it still needs).
pub fn plan(
    inc: &Incident,
    step_id: &str,
    author: &str,
    at: DateTime<Utc>,
    hazard: Hazard<'_>,
) -> Result<Planned, Refused> {
    let command_started = |command: String, timeout_s| Known::CommandStarted {
        step: step_id.into(),
        command,
        timeout_s,
    };
    if inc.is_closed() {
        return Err(Refused::new(format!(
            "incident {} is closed; no command is run in it",
            inc.id
        )));
    }
    let Some(i) = inc.runbook.step_index(step_id) else {
        // The rules name the step that does not exist, with a did-you-mean.
        rules::check(inc, &command_started(String::new(), None), author, at)?;
        return Err(Refused::new(format!("no step \"{step_id}\"")));
    };
    let def = &inc.runbook.steps[i];
    let Some((command, timeout)) = final_command(inc, def) else {
        return Err(Refused::new(format!(
            "step \"{step_id}\" is {} step: it has no command to run",
            super::runbook::with_article(def.kind.name())
        )));
    };
    if hazard(&command) {
        return Err(Refused::new(format!(
            "the command of step \"{step_id}\" contains control or invisible characters (shown as \\u{{..}}); it will not be run. Fix the runbook (or the variable's value)."
        )));
    }
    let mut records = Vec::new();
    if inc.steps[i].status == super::incident::Status::Pending {
        records.push(Known::StepStarted {
            step: step_id.into(),
        });
    }
    records.push(command_started(command.clone(), Some(timeout.secs())));
    // Each record is checked against the incident as the ones before it leave it.
    let mut after = inc.clone();
    for (n, k) in records.iter().enumerate() {
        rules::check(&after, k, author, at)?;
        if n + 1 < records.len() {
            let seq = after.last_seq.saturating_add(1);
            let r = Record {
                seq,
                ts: at,
                at,
                author: author.to_string(),
                wall: None,
                event: Event::Known(k.clone()),
            };
            after
                .apply(&r, &|_| Err("no runbook is adopted here".into()))
                .map_err(|e| Refused::new(e.to_string()))?;
        }
    }
    Ok(Planned {
        step: step_id.into(),
        title: def.title.clone(),
        command,
        timeout,
        records,
        drill: inc.drill,
        signoff: def.requires_signoff.then(|| signoff(&after.steps[i])),
    })
}

/// Who signed off the step's current run, in words. The one place the sign-off fields are
/// read for a run (the confirmation and `runbook run` show it).
fn signoff(st: &StepState) -> String {
    match (st.signoff(), &st.signed_off_by) {
        (Some(s), _) if s.overridden.is_some() => format!(
            "BREAK GLASS: no sign-off; overridden by {}: {}",
            s.by,
            s.overridden.as_deref().unwrap_or("")
        ),
        (Some(s), _) => format!("signed off by {}", s.by),
        (None, Some(by)) => format!("signed off earlier by {by}"),
        (None, None) => "no sign-off".to_string(),
    }
}

/// A run under way: its incident and its id (the seq of its `command_started`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub incident: String,
    pub run: u64,
    pub step: crate::domain::StepId,
    pub command: String,
    pub timeout: Dur,
}

/// What a run came to: the runner's answer, naming the incident and run it answers so it is
/// always recorded in its own incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub incident: String,
    pub run: u64,
    pub step: crate::domain::StepId,
    pub command: String,
    /// None when it was killed (timeout, interruption, a signal).
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    /// Stopped by the responder (the cancel handle: a signal, the app).
    pub interrupted: bool,
    pub duration_ms: u64,
    /// The first and last lines of the output, bounded.
    pub excerpt: String,
    /// The sha256 (hex) of the output kept in the saved file.
    pub sha256: String,
    /// Everything it printed, in bytes.
    pub output_bytes: u64,
    /// The saved output stops at the cap: it printed more.
    pub output_cut: bool,
    pub output_path: Option<String>,
}

impl Outcome {
    /// An outcome for `run` with nothing in it yet (no exit code, no output).
    pub fn of(run: &Run) -> Outcome {
        Outcome {
            incident: run.incident.clone(),
            run: run.run,
            step: run.step.clone(),
            command: run.command.clone(),
            exit_code: None,
            timed_out: false,
            interrupted: false,
            duration_ms: 0,
            excerpt: String::new(),
            sha256: String::new(),
            output_bytes: 0,
            output_cut: false,
            output_path: None,
        }
    }

    /// It ran to its end and exited 0.
    pub fn succeeded(&self) -> bool {
        self.exit_code == Some(0) && !self.timed_out && !self.interrupted
    }

    /// How it ended, in words (`ending`).
    pub fn ending(&self) -> String {
        ending(self.exit_code, self.timed_out, self.interrupted)
    }
}

/// The record of a run's result.
pub fn finished(o: &Outcome) -> Known {
    Known::CommandFinished {
        step: o.step.clone(),
        command: o.command.clone(),
        run: Some(o.run),
        exit_code: o.exit_code,
        duration_ms: o.duration_ms,
        timed_out: o.timed_out,
        interrupted: o.interrupted,
        output_excerpt: o.excerpt.clone(),
        output_sha256: o.sha256.clone(),
        output_bytes: Some(o.output_bytes),
        output_cut: o.output_cut,
        output_path: o.output_path.clone(),
    }
}
