//! What changed between two versions of a runbook, step by step (by id), for the "the runbook
//! changed on disk" offer. Pure.

use super::Runbook;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Same id, different content (title, kind, command, flow...).
    pub changed: Vec<String>,
}

impl StepDiff {
    pub fn between(old: &Runbook, new: &Runbook) -> StepDiff {
        let mut d = StepDiff::default();
        for s in &new.steps {
            match old.step(&s.id) {
                None => d.added.push(s.id.to_string()),
                Some(o) if o != s => d.changed.push(s.id.to_string()),
                Some(_) => {}
            }
        }
        d.removed = old
            .steps
            .iter()
            .filter(|s| new.step(&s.id).is_none())
            .map(|s| s.id.to_string())
            .collect();
        d
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// `+1 added (x), -1 removed (y), ~2 changed (a, b)`, or "no step changed" (only the
    /// runbook's other fields differ).
    pub fn summary(&self) -> String {
        let part = |sign: &str, what: &str, ids: &[String]| {
            (!ids.is_empty()).then(|| format!("{sign}{} {what} ({})", ids.len(), ids.join(", ")))
        };
        let parts: Vec<String> = [
            part("+", "added", &self.added),
            part("-", "removed", &self.removed),
            part("~", "changed", &self.changed),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "no step changed".to_string()
        } else {
            parts.join(", ")
        }
    }
}
