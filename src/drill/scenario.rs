//! Drill scenarios: a TOML file that names the runbook it drills, sets targets for milestones
//! and times the injects a facilitator announces (`at = "+5m"`, `text`, and for a command step
//! the canned output it shows instead of running anything).
//!
//! Raw, then validated (in `validate`), as runbooks are: every problem is collected with its
//! position, unknown fields get a did-you-mean, and the file is checked against the runbook it
//! names when a library is at hand. Pure: no file system (the catalog reads files), no clock,
//! and no panic on any input.

use super::validate;
use crate::domain::{Dur, Milestone};
use crate::runbook::diag::Diagnostic;
use crate::runbook::fields::{Field, Ty};
use crate::runbook::library::Library;
use crate::runbook::{FileReport, precheck};
use chrono::Duration;
use std::collections::BTreeMap;

/// The fastest a drill clock may run: a 60-minute drill in under four seconds.
pub const MAX_SPEED: f64 = 1000.0;
/// Injects and targets further into a drill than this are refused (a typo, or not a drill).
pub const MAX_OFFSET_SECS: u64 = 7 * 86_400;

const fn field(name: &'static str, ty: Ty, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required,
        kinds: &[],
        doc,
    }
}

/// The top-level fields of a scenario file.
pub const TOP: &[Field] = &[
    field(
        "schema_version",
        Ty::Int,
        true,
        "Format version; must be 1.",
    ),
    field(
        "id",
        Ty::Id,
        true,
        "Unique id: lowercase letters, digits and '-'.",
    ),
    field("title", Ty::Str, true, "One-line title shown in lists."),
    field("runbook", Ty::Id, true, "The id of the runbook it drills."),
    field(
        "summary",
        Ty::Str,
        false,
        "The situation, as the facilitator sets the scene.",
    ),
    field(
        "speed",
        Ty::Int,
        false,
        "Default clock speed (a number; --speed overrides it).",
    ),
    field(
        "targets",
        Ty::Str,
        false,
        "[targets]: milestone = duration from the drill's start.",
    ),
    field(
        "injects",
        Ty::Str,
        false,
        "[[injects]]: what the facilitator announces, and when.",
    ),
];

/// The fields of one `[[injects]]` table.
pub const INJECT: &[Field] = &[
    field(
        "at",
        Ty::Str,
        true,
        "When it fires: \"+5m\", a duration from the drill's start.",
    ),
    field("text", Ty::Str, true, "What the facilitator announces."),
    field(
        "for_step",
        Ty::Id,
        false,
        "A step whose command shows `output` instead of running.",
    ),
    field(
        "output",
        Ty::Str,
        false,
        "The canned output of `for_step`'s command.",
    ),
    field(
        "exit_code",
        Ty::Int,
        false,
        "The canned command's exit code (default 0).",
    ),
];

/// A validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    /// The runbook it drills.
    pub runbook: String,
    pub summary: Option<String>,
    /// The default clock speed, when the file sets one.
    pub speed: Option<f64>,
    /// Milestone targets, as durations from the drill's start (never `started`).
    pub targets: BTreeMap<Milestone, Dur>,
    /// In file order (`number` is the 1-based position).
    pub injects: Vec<Inject>,
}

/// One timed announcement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inject {
    /// 1-based position in the file: how the journal and the scorecard name it.
    pub number: usize,
    /// When it fires, from the drill's start (zero or more).
    pub at: Duration,
    pub text: String,
    pub for_step: Option<String>,
    /// What `for_step`'s command shows in the drill.
    pub output: Option<String>,
    pub exit_code: i32,
}

impl Scenario {
    /// How long the scenario runs in drill time: to its last inject or its latest target.
    pub fn length(&self) -> Duration {
        let last_inject = self.injects.iter().map(|i| i.at).max();
        let last_target = self.targets.values().map(|d| offset(d.secs())).max();
        last_inject
            .into_iter()
            .chain(last_target)
            .max()
            .unwrap_or_else(Duration::zero)
    }

    pub fn inject(&self, number: usize) -> Option<&Inject> {
        self.injects.iter().find(|i| i.number == number)
    }

    /// The inject whose canned output `step`'s command shows, given the injects fired so far:
    /// the latest fired one for that step, else (nothing announced yet) its earliest one, since
    /// the world a command looks at is already in that state before the facilitator says so.
    pub fn canned(&self, step: &str, fired: &[usize]) -> Option<&Inject> {
        let mut for_step: Vec<&Inject> = self
            .injects
            .iter()
            .filter(|i| i.for_step.as_deref() == Some(step) && i.output.is_some())
            .collect();
        for_step.sort_by_key(|i| (i.at, i.number));
        for_step
            .iter()
            .rev()
            .find(|i| fired.contains(&i.number))
            .or_else(|| for_step.first())
            .copied()
    }
}

/// Seconds (already bounded by `MAX_OFFSET_SECS`) as a chrono duration.
pub(super) fn offset(secs: u64) -> Duration {
    i64::try_from(secs.min(MAX_OFFSET_SECS))
        .ok()
        .and_then(Duration::try_seconds)
        .unwrap_or_else(Duration::zero)
}

/// The outcome of checking one scenario file.
#[derive(Clone, Debug)]
pub struct ScenarioReport {
    /// The path as the user should see it (or `bundled:NAME`).
    pub path: String,
    pub text: String,
    pub diags: Vec<Diagnostic>,
    /// Present only when there were no errors.
    pub scenario: Option<Scenario>,
}

impl ScenarioReport {
    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diags.len() - self.errors()
    }

    /// Every diagnostic as `path:line:col: level: message`, with the source line and a caret,
    /// exactly as `runbook validate` shows runbook problems.
    pub fn render(&self) -> String {
        FileReport {
            path: self.path.clone(),
            text: self.text.clone(),
            diags: self.diags.clone(),
            runbook: None,
            id: None,
            id_span: None,
        }
        .render()
    }
}

/// Checks one scenario's bytes; with a library, also that its runbook exists and its
/// `for_step`s are steps of it. Pure.
pub fn check_bytes(path: &str, bytes: &[u8], library: Option<&Library>) -> ScenarioReport {
    let text = match precheck::check(bytes) {
        Ok(t) => t,
        Err(d) => {
            return ScenarioReport {
                path: path.to_string(),
                text: String::from_utf8_lossy(&bytes[..bytes.len().min(precheck::MAX_BYTES)])
                    .into_owned(),
                diags: vec![d],
                scenario: None,
            };
        }
    };
    let (scenario, mut diags) = validate::parse(text, library);
    diags.sort_by_key(|d| (d.span.start, d.level));
    ScenarioReport {
        path: path.to_string(),
        text: text.to_string(),
        diags,
        scenario,
    }
}

/// Parses a scenario already known to be good (pinned in a journal): no library checks.
pub fn parse_source(text: &str) -> Result<Scenario, String> {
    let report = check_bytes("scenario", text.as_bytes(), None);
    match report.scenario {
        Some(s) => Ok(s),
        None => Err(report.render()),
    }
}

/// A duration as runbooks write them (`5m`, `1h30m`), or zero (`0s`, `0m`): seconds.
pub fn parse_offset(text: &str) -> Result<u64, String> {
    match Dur::parse(text) {
        Ok(d) => Ok(d.secs()),
        Err(why) => {
            let all_zero = text.chars().any(|c| c.is_ascii_digit())
                && text.chars().filter(char::is_ascii_digit).all(|c| c == '0');
            // Zero is fine for an inject (it fires as the drill starts) if the form is right.
            if all_zero && Dur::parse(&text.replace('0', "1")).is_ok() {
                Ok(0)
            } else {
                Err(why)
            }
        }
    }
}

/// An offset in the short duration form: `5m`, `1h13m`, `0s`.
pub fn show(d: Duration) -> String {
    let secs = d.num_seconds();
    let s = crate::domain::duration::short(secs.unsigned_abs());
    if secs < 0 { format!("-{s}") } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_take_runbook_durations_and_zero() {
        assert_eq!(parse_offset("5m"), Ok(300));
        assert_eq!(parse_offset("1h13m"), Ok(4380));
        assert_eq!(parse_offset("0s"), Ok(0));
        assert_eq!(parse_offset("0m"), Ok(0));
        assert!(parse_offset("0").is_err());
        assert!(parse_offset("5 m").is_err());
        assert!(parse_offset("0s0m").is_err());
        assert!(parse_offset("").is_err());
    }

    #[test]
    fn show_is_the_short_duration_form() {
        assert_eq!(show(Duration::minutes(73)), "1h13m");
        assert_eq!(show(Duration::zero()), "0s");
        assert_eq!(show(Duration::seconds(-90)), "-1m30s");
    }
}
