//! A validated runbook: the shape every other part of the program relies on. Values of these
//! types only come out of `crate::runbook::parse`, which has already checked every rule in the
//! format (ids exist, flow is sound, variables are declared), so code here can index freely.

use super::Dur;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The step kinds, in the order the format documents them.
pub const KIND_NAMES: [&str; 6] = ["action", "check", "command", "decision", "wait", "comms"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Runbook {
    pub schema_version: u32,
    pub id: String,
    pub title: String,
    pub incident_type: String,
    pub severity: Severity,
    pub summary: Option<String>,
    /// Meaning, impact and context (Markdown): one key away in the app, and in the export.
    pub about: Option<String>,
    pub tags: Vec<String>,
    pub alerts: Vec<String>,
    pub owners: Vec<String>,
    pub links: Vec<Link>,
    /// In file order.
    pub vars: Vec<Var>,
    /// In file order; never empty.
    pub steps: Vec<Step>,
    /// `[env]`: shell variables exported to every command step, in file order. Values may
    /// hold `{{var}}`, filled and quoted as in a command.
    pub env: Vec<(String, String)>,
    /// `[alert_severity]`: an alert's `severity` label value, and the incident severity it
    /// means.
    pub alert_severity: Vec<(String, Severity)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Var {
    pub name: String,
    pub prompt: String,
    pub default: Option<String>,
    /// A regular expression the value must match (already checked to compile).
    pub pattern: Option<String>,
    /// When an incident starts from an alert: the label whose value this takes.
    pub from_label: Option<String>,
    /// When an incident starts from an alert: the annotation whose value this takes.
    pub from_annotation: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: crate::domain::StepId,
    pub title: String,
    pub kind: StepKind,
    pub role: Option<String>,
    pub target: Option<Dur>,
    pub milestone: Option<Milestone>,
    pub body: Option<String>,
    pub checklist: Vec<String>,
    pub links: Vec<Link>,
    pub requires_signoff: bool,
    pub flow: Flow,
}

/// What a step is, with the fields that only make sense for that kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepKind {
    Action,
    Check {
        expect: Option<String>,
    },
    Command {
        command: String,
        expect: Option<String>,
        timeout: Dur,
    },
    Decision {
        choices: Vec<Choice>,
    },
    Wait {
        duration: Dur,
    },
    Comms {
        template: String,
        every: Option<Dur>,
    },
}

impl StepKind {
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Action => "action",
            StepKind::Check { .. } => "check",
            StepKind::Command { .. } => "command",
            StepKind::Decision { .. } => "decision",
            StepKind::Wait { .. } => "wait",
            StepKind::Comms { .. } => "comms",
        }
    }
}

/// The roles most incidents have; runbooks and responders may name any other.
pub const USUAL_ROLES: [&str; 4] = ["ic", "ops", "comms", "scribe"];

/// "an action", "a check": for messages.
pub fn with_article(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {word}")
}

/// The default time a command may run before it is stopped.
pub const DEFAULT_COMMAND_TIMEOUT: Dur = Dur::from_secs(60);

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub label: String,
    pub next: String,
}

/// Where the runbook goes after a (non-decision) step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// The next step in file order (the runbook ends after the last one).
    Next,
    /// An explicit `next = "id"`.
    Jump(String),
    /// `end = true`.
    End,
}

impl Runbook {
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// Indices of the steps that can follow step `i`; empty when the runbook ends there.
    pub fn successors(&self, i: usize) -> Vec<usize> {
        let Some(step) = self.steps.get(i) else {
            return Vec::new();
        };
        if let StepKind::Decision { choices } = &step.kind {
            return choices
                .iter()
                .filter_map(|c| self.step_index(&c.next))
                .collect();
        }
        match &step.flow {
            Flow::End => Vec::new(),
            Flow::Jump(id) => self.step_index(id).into_iter().collect(),
            Flow::Next if i + 1 < self.steps.len() => vec![i + 1],
            Flow::Next => Vec::new(),
        }
    }

    pub fn var(&self, name: &str) -> Option<&Var> {
        self.vars.iter().find(|v| v.name == name)
    }
}

/// Incident severity; `Sev1` is the worst.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Sev1,
        Severity::Sev2,
        Severity::Sev3,
        Severity::Sev4,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Sev1 => "sev1",
            Severity::Sev2 => "sev2",
            Severity::Sev3 => "sev3",
            Severity::Sev4 => "sev4",
        }
    }
}

/// The milestones of an incident's life, in their natural order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Milestone {
    Started,
    Detected,
    Acknowledged,
    Identified,
    Mitigated,
    Resolved,
}

impl Milestone {
    pub const ALL: [Milestone; 6] = [
        Milestone::Started,
        Milestone::Detected,
        Milestone::Acknowledged,
        Milestone::Identified,
        Milestone::Mitigated,
        Milestone::Resolved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Milestone::Started => "started",
            Milestone::Detected => "detected",
            Milestone::Acknowledged => "acknowledged",
            Milestone::Identified => "identified",
            Milestone::Mitigated => "mitigated",
            Milestone::Resolved => "resolved",
        }
    }
}

/// Parses one of a closed set of names, or says which names are accepted.
fn parse_named<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    what: &str,
    s: &str,
) -> Result<T, String> {
    all.iter().copied().find(|v| name(*v) == s).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        format!(
            "unknown {what} \"{s}\": expected one of {}",
            names.join(", ")
        )
    })
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_named(&Severity::ALL, Severity::name, "severity", s)
    }
}

impl FromStr for Milestone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_named(&Milestone::ALL, Milestone::name, "milestone", s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Milestone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_errors_list_the_accepted_values() {
        for s in Severity::ALL {
            assert_eq!(s.name().parse::<Severity>(), Ok(s));
        }
        for m in Milestone::ALL {
            assert_eq!(m.name().parse::<Milestone>(), Ok(m));
        }
        let err = "critical".parse::<Severity>().unwrap_err();
        assert_eq!(
            err,
            "unknown severity \"critical\": expected one of sev1, sev2, sev3, sev4"
        );
        assert!(
            "fixed"
                .parse::<Milestone>()
                .unwrap_err()
                .contains("mitigated, resolved")
        );
    }
}
