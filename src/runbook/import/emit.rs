//! The imported runbook written as TOML: the header comment (what was guessed and dropped),
//! the marker line with the sha256 of what follows, then the runbook, every string quoted so
//! that any text survives (literal multi-line strings where they can hold it, escaped basic
//! strings otherwise). Pure.

use super::cmd::Needed;
use super::{MARKER, slug};
use crate::domain::Severity;
use crate::runbook::sanitize::visible;
use std::fmt::Write as _;

/// The runbook before it is written.
pub struct Draft {
    pub id: String,
    pub title: String,
    pub incident_type: String,
    pub severity: Severity,
    pub summary: String,
    pub about: String,
    pub alert: String,
    pub vars: Vec<VarDraft>,
    pub steps: Vec<StepDraft>,
}

/// What kind of step, with what only that kind has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    Action,
    Check,
    Command(String),
    /// Labels and targets (`@N`: the N-th step).
    Decision(Vec<(String, String)>),
}

/// Where a step goes: on, to the `@N`-th step, or the end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum FlowD {
    #[default]
    Next,
    Jump(String),
    End,
}

#[derive(Clone, Debug, Default)]
pub struct StepDraft {
    pub title: String,
    pub kind: Kind,
    pub body: String,
    pub checklist: Vec<String>,
    pub flow: FlowD,
    /// A decision's branch (laid out after it).
    pub branch: bool,
}

/// A variable, with what was guessed about it.
pub struct VarDraft {
    pub name: String,
    pub written: String,
    pub from_label: Option<String>,
}

/// Labels alerts usually carry, which a variable of the same name takes.
const LABELS: &[&str] = &[
    "namespace",
    "pod",
    "container",
    "node",
    "instance",
    "job",
    "service",
    "mountpoint",
    "device",
    "deployment",
    "statefulset",
    "daemonset",
    "persistentvolumeclaim",
    "cluster",
    "endpoint",
    "fstype",
    "interface",
    "cronjob",
    "horizontalpodautoscaler",
    "replicaset",
    "cluster_name",
];

impl VarDraft {
    pub fn guess(n: &Needed) -> VarDraft {
        let base = n.name.strip_suffix("_name").unwrap_or(&n.name);
        let from_label = [n.name.as_str(), base]
            .into_iter()
            .find(|l| LABELS.contains(l))
            .map(str::to_string);
        VarDraft {
            name: n.name.clone(),
            written: n.written.clone(),
            from_label,
        }
    }

    /// The header comment's line about it.
    pub fn note(&self) -> String {
        let label = self.from_label.as_ref().map_or(String::new(), |l| {
            format!(", taken from the alert's label \"{l}\"")
        });
        format!(
            "variable \"{}\" for {} in commands{label}; pattern ^[A-Za-z0-9._:/@-]+$",
            self.name, self.written
        )
    }
}

/// The whole file.
pub fn file(shown: &str, d: &Draft, guessed: &[String], dropped: &[String]) -> String {
    let body = runbook(d);
    let mut head = String::new();
    let _ = writeln!(
        head,
        "# Imported by `runbook import` from {}.",
        visible(shown)
    );
    let _ = writeln!(head, "# Review it, then delete this comment. Guessed:");
    for g in guessed {
        let _ = writeln!(head, "#   - {}", visible(g));
    }
    if dropped.is_empty() {
        let _ = writeln!(head, "# Dropped: nothing.");
    } else {
        let _ = writeln!(head, "# Dropped:");
        for x in dropped {
            let _ = writeln!(head, "#   - {}", visible(x));
        }
    }
    let _ = writeln!(
        head,
        "# Re-import overwrites this file only while the line below matches it."
    );
    format!(
        "{head}{MARKER}{}\n{body}",
        crate::runbook::sha256_hex(&body)
    )
}

fn runbook(d: &Draft) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "schema_version = 1");
    let _ = writeln!(o, "id = {}", q(&d.id));
    let _ = writeln!(o, "title = {}", q(&one_line(&d.title)));
    let _ = writeln!(o, "incident_type = {}", q(&d.incident_type));
    let _ = writeln!(o, "severity = {}", q(d.severity.name()));
    let _ = writeln!(o, "summary = {}", q(&one_line(&d.summary)));
    if !d.about.is_empty() {
        let _ = writeln!(o, "about = {}", q(&d.about));
    }
    let _ = writeln!(o, "tags = [\"imported\", {}]", q(&d.incident_type));
    if !d.alert.is_empty() {
        let _ = writeln!(o, "alerts = [{}]", q(&d.alert));
    }
    let _ = writeln!(
        o,
        "\n[alert_severity]\ncritical = \"sev2\"\nwarning = \"sev3\"\ninfo = \"sev4\""
    );
    for v in &d.vars {
        let _ = writeln!(o, "\n[vars.{}]", v.name);
        let _ = writeln!(
            o,
            "prompt = {}",
            q(&one_line(&format!(
                "Value for {} (from the Markdown)",
                v.written
            )))
        );
        let _ = writeln!(o, "pattern = '^[A-Za-z0-9._:/@-]+$'");
        if let Some(l) = &v.from_label {
            let _ = writeln!(o, "from_label = {}", q(l));
        }
    }
    let ids = step_ids(&d.steps);
    let target = |t: &str| {
        t.strip_prefix('@')
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| ids.get(n))
            .cloned()
            .unwrap_or_else(|| t.to_string())
    };
    for (i, s) in d.steps.iter().enumerate() {
        step(&mut o, s, &ids[i], &target);
    }
    o
}

fn step(o: &mut String, s: &StepDraft, id: &str, target: &dyn Fn(&str) -> String) {
    let kind = match &s.kind {
        Kind::Action => "action",
        Kind::Check => "check",
        Kind::Command(_) => "command",
        Kind::Decision(_) => "decision",
    };
    let _ = writeln!(
        o,
        "\n[[steps]]\nid = {}\ntitle = {}\nkind = \"{kind}\"",
        q(id),
        q(&one_line(&s.title))
    );
    if !s.body.trim().is_empty() {
        let _ = writeln!(o, "body = {}", q(s.body.trim()));
    }
    if !s.checklist.is_empty() {
        let items: Vec<String> = s.checklist.iter().map(|c| q(&one_line(c))).collect();
        let _ = writeln!(o, "checklist = [\n  {},\n]", items.join(",\n  "));
    }
    match &s.kind {
        Kind::Command(c) => {
            let _ = writeln!(o, "command = {}", q(c));
        }
        Kind::Decision(choices) => {
            let _ = writeln!(o, "choices = [");
            for (label, t) in choices {
                let _ = writeln!(
                    o,
                    "  {{ label = {}, next = {} }},",
                    q(&one_line(label)),
                    q(&target(t))
                );
            }
            let _ = writeln!(o, "]");
        }
        _ => {}
    }
    if !matches!(s.kind, Kind::Decision(_)) {
        match &s.flow {
            FlowD::Jump(t) => {
                let _ = writeln!(o, "next = {}", q(&target(t)));
            }
            FlowD::End => {
                let _ = writeln!(o, "end = true");
            }
            FlowD::Next => {}
        }
    }
}

/// Unique ids from the titles.
fn step_ids(steps: &[StepDraft]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for s in steps {
        let mut base = slug(&s.title);
        base.truncate(48);
        let base = base.trim_end_matches('-').to_string();
        let base = if base.is_empty() {
            "step".to_string()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 2;
        while ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        ids.push(id);
    }
    ids
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() { "(untitled)".into() } else { s }
}

/// `s` as a TOML string: a literal multi-line string when it can hold it as written, else an
/// escaped basic string.
pub fn q(s: &str) -> String {
    let plain = !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if s.contains('\n') && plain && !s.contains("'''") && !s.ends_with('\'') {
        return format!("'''\n{s}'''");
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_text_survives_quoting() {
        for s in [
            "plain",
            "a \"b\" \\c",
            "multi\nline",
            "ends with '",
            "has ''' inside\nx",
            "ctl \u{1b}",
            "tab\there",
        ] {
            let doc = format!("v = {}\n", q(s));
            let t: toml::Table = toml::from_str(&doc).unwrap();
            let back = t["v"].as_str().unwrap();
            assert_eq!(back, s, "{doc}");
        }
    }
}
