//! Running a step's command, for the app and the CLI alike: the domain decides what a run
//! records (`domain::command::plan` and `finished`); this module appends those records
//! durably, runs the command (`runner`) or, in a drill, takes the scenario's canned output,
//! and records the result in the run's own incident.
//!
//! It never decides what may run and never runs anything a plan did not allow. The output
//! of a run is saved privately (0600 in 0700 directories, never through a planted link) in
//! `<state>/outputs/<incident>/<run>-<step>.log`, up to the cap (`RUNBOOK_OUTPUT_CAP`).

pub mod excerpt;
pub mod runner;

use crate::domain::clock::Clock;
use crate::domain::command::{self, Outcome, Planned, Run};
use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::Incident;
use crate::domain::rules::Refused;
use crate::store::{IncidentId, Recorded, Session};
use anyhow::bail;
use chrono::{DateTime, Utc};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Asks a running command to stop: the runner kills its process group and answers promptly
/// with `interrupted`. Cheap to clone; usable from another thread or as a signal's flag.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// The flag itself, for `signal_hook::flag::register`: a signal sets it.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
}

/// A handle over a flag someone else also holds (the app's shell keeps one for the running
/// command).
impl From<Arc<AtomicBool>> for Cancel {
    fn from(flag: Arc<AtomicBool>) -> Cancel {
        Cancel(flag)
    }
}

/// The saved output's cap when `RUNBOOK_OUTPUT_CAP` is not set: 64 MiB.
pub const DEFAULT_CAP: u64 = 64 * 1024 * 1024;

/// The cap on a run's saved output: `RUNBOOK_OUTPUT_CAP` (`16M`, `1G`, `500K`, or bytes),
/// else `DEFAULT_CAP`. A value that is not a size is an error that says so.
pub fn output_cap() -> Result<u64, String> {
    match std::env::var("RUNBOOK_OUTPUT_CAP") {
        Ok(v) if !v.trim().is_empty() => parse_size(&v)
            .map_err(|why| format!("RUNBOOK_OUTPUT_CAP=\"{}\": {why}", v.escape_debug())),
        _ => Ok(DEFAULT_CAP),
    }
}

/// `16M`, `16MiB`, `1G`, `500K`, `4096`: binary units (K = 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(digits);
    let n: u64 = n
        .parse()
        .map_err(|_| "a size is a number and a unit, like 16M or 1G".to_string())?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("unknown unit \"{unit}\" (use K, M or G)")),
    };
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| "too large".to_string())
}

/// `domain::command::plan`, with the terminal's notion of dangerous characters.
pub fn plan(
    inc: &Incident,
    step: &str,
    author: &str,
    at: DateTime<Utc>,
) -> Result<Planned, Refused> {
    command::plan(inc, step, author, at, &crate::runbook::sanitize::has_hazard)
}

/// Appends the plan's records durably (each checked by the rules again, under the journal's
/// lock) and returns the run they started, with the records as appended (and what the caller
/// must tell: warnings, a torn tail repaired first).
pub fn start(
    s: &mut Session,
    clock: &dyn Clock,
    author: &str,
    planned: &Planned,
) -> anyhow::Result<(Run, Vec<Recorded>)> {
    let mut appended = Vec::new();
    for k in &planned.records {
        appended.push(s.record(clock, None, author, k.clone())?);
    }
    let Some(Record {
        seq,
        event: Event::Known(Known::CommandStarted { command, .. }),
        ..
    }) = appended.last().map(|r| &r.record)
    else {
        bail!("the plan for step \"{}\" starts no command", planned.step);
    };
    let run = Run {
        incident: s.id.as_str().to_string(),
        run: *seq,
        step: planned.step.clone(),
        command: command.clone(),
        timeout: planned.timeout,
    };
    Ok((run, appended))
}

/// How a run is carried out.
pub struct Exec<'a> {
    /// The state directory (outputs go under it).
    pub state_dir: &'a Path,
    pub cap: u64,
    pub cancel: &'a Cancel,
    /// Sees the output as it comes (what is kept of it).
    pub live: &'a mut dyn FnMut(&[u8]),
}

/// Runs `run` of incident `inc`: in a drill the scenario's canned output stands in and
/// nothing real runs; otherwise the runner, saving the output privately.
pub fn execute(inc: &Incident, run: &Run, x: Exec<'_>) -> Outcome {
    if inc.drill {
        let out = crate::drill::canned_outcome(inc, run);
        (x.live)(out.excerpt.as_bytes());
        return out;
    }
    self::run(run, x)
}

/// Runs `run` for real with the runner, saving its output privately. (`execute` decides
/// first whether it runs at all: never in a drill.)
pub fn run(run: &Run, x: Exec<'_>) -> Outcome {
    let created = create_output(x.state_dir, run);
    let sinks = runner::Sinks {
        save: created
            .as_ref()
            .map(|(f, p)| (f, p.as_path()))
            .map_err(Clone::clone),
        cap: x.cap,
        live: x.live,
    };
    runner::run(run, sinks, x.cancel)
}

/// Records `outcome` as the run's `command_finished`, in its own incident only.
pub fn finish(
    s: &mut Session,
    clock: &dyn Clock,
    author: &str,
    outcome: &Outcome,
) -> anyhow::Result<Recorded> {
    if s.id.as_str() != outcome.incident {
        bail!(
            "the result of run {} belongs to incident {}, not {}",
            outcome.run,
            outcome.incident,
            s.id
        );
    }
    Ok(s.record(clock, None, author, command::finished(outcome))?)
}

/// `<state>/outputs/<incident>/<run>-<step>.log`, for a run whose incident and step ids are
/// plain names (always, unless a journal was edited by hand).
pub fn output_path(state_dir: &Path, run: &Run) -> Result<PathBuf, String> {
    output_path_of(state_dir, &run.incident, run.run, &run.step)
}

/// The same path, from the names a journal's `command_started` gives: never anywhere else,
/// whatever a journal says (the app's pager opens only this).
pub fn output_path_of(
    state_dir: &Path,
    incident: &str,
    run: u64,
    step: &str,
) -> Result<PathBuf, String> {
    let id = IncidentId::parse(incident).map_err(|e| e.to_string())?;
    Ok(state_dir
        .join("outputs")
        .join(id.as_str())
        .join(output_name(run, step)?))
}

fn output_name(run: u64, step: &str) -> Result<String, String> {
    let plain = !step.is_empty()
        && step
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !plain {
        return Err(format!(
            "the step id {:?} is not a plain name",
            crate::runbook::sanitize::visible(step)
        ));
    }
    Ok(format!("{run}-{step}.log"))
}

/// Creates the run's output file: `outputs/` and the incident's directory 0700 (a symlink
/// planted at either is refused), the file itself new and 0600, never an existing file nor
/// one through a symlink planted at its name (`journal::create_private_file`).
fn create_output(state_dir: &Path, run: &Run) -> Result<(File, PathBuf), String> {
    let path = output_path(state_dir, run)?;
    let id = IncidentId::parse(&run.incident).map_err(|e| e.to_string())?;
    let name = output_name(run.run, &run.step)?;
    let dir = crate::journal::create_private_dir_under(state_dir, &["outputs", id.as_str()])
        .map_err(|e| e.to_string())?;
    let file = crate::journal::create_private_file(&dir, &name).map_err(|e| e.to_string())?;
    Ok((file, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_binary_units() {
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size(" 1g "), Ok(1 << 30));
        assert_eq!(parse_size("500K"), Ok(500 << 10));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("").is_err());
        assert!(parse_size("-1M").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("99999999999999999G").is_err());
    }

    #[test]
    fn a_cancel_handle_is_shared_by_its_clones() {
        let c = Cancel::new();
        let d = c.clone();
        assert!(!d.is_cancelled());
        c.cancel();
        assert!(d.is_cancelled());
        assert!(c.flag().load(Ordering::SeqCst));
    }

    #[test]
    fn output_paths_never_leave_the_outputs_directory() {
        let run = |incident: &str, step: &str| Run {
            incident: incident.into(),
            run: 7,
            step: step.into(),
            command: "true".into(),
            timeout: crate::domain::Dur::from_secs(1),
        };
        let base = Path::new("/state");
        assert_eq!(
            output_path(base, &run("20260530-2212-etcd", "health")),
            Ok(PathBuf::from(
                "/state/outputs/20260530-2212-etcd/7-health.log"
            ))
        );
        for (inc, step) in [
            ("../../etc", "x"),
            ("a", "../b"),
            ("", "x"),
            ("a", "."),
            ("a", ""),
        ] {
            assert!(output_path(base, &run(inc, step)).is_err(), "{inc} {step}");
        }
    }
}
