//! The JSON document's types, field by field as `docs/export.md` documents them: serde
//! derives, and hand-written `Serialize` where order or streaming matters (milestones in
//! their natural order, the timeline an entry at a time). `render` in `json` fills them.

use crate::domain::Milestone;
use crate::domain::clock::stamp;
use crate::domain::describe::describe;
use crate::export::timeline::Item;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

#[derive(Serialize)]
pub(super) struct Doc<'a> {
    pub(super) schema_version: u32,
    pub(super) incident: Incident<'a>,
    /// Break-glass overrides of sign-offs: first, since a reader must not miss them.
    pub(super) overrides: Vec<OverrideAt<'a>>,
    pub(super) milestones: Milestones,
    pub(super) metrics: Metrics,
    pub(super) severity_history: Vec<SeverityAt>,
    pub(super) roles: Vec<RoleAt<'a>>,
    pub(super) timeline: Timeline<'a>,
    pub(super) steps: Vec<Step<'a>>,
    pub(super) decisions: Vec<Decision<'a>>,
    pub(super) deviations: Deviations<'a>,
    pub(super) action_items: Vec<ActionItem<'a>>,
    pub(super) commands: Vec<Command<'a>>,
    /// Commands started with no result recorded: "interrupted, result unknown".
    pub(super) unfinished_commands: Vec<Unfinished<'a>>,
    pub(super) warnings: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct Incident<'a> {
    pub(super) id: &'a str,
    pub(super) title: &'a str,
    pub(super) runbook: Runbook<'a>,
    pub(super) severity: crate::domain::Severity,
    pub(super) drill: bool,
    pub(super) opened: String,
    pub(super) opened_by: &'a str,
    pub(super) closed: Option<String>,
}

#[derive(Serialize)]
pub(super) struct OverrideAt<'a> {
    pub(super) seq: u64,
    pub(super) at: String,
    pub(super) by: &'a str,
    pub(super) step: &'a str,
    pub(super) reason: &'a str,
}

#[derive(Serialize)]
pub(super) struct Runbook<'a> {
    pub(super) id: &'a str,
    pub(super) sha256: &'a str,
    /// The runbook's `about` (meaning, impact, context) as written, Markdown; null if none.
    pub(super) about: Option<&'a str>,
}

/// Recorded milestones only, in their natural order (not alphabetical).
pub(super) struct Milestones(pub(super) Vec<(Milestone, String)>);

impl Serialize for Milestones {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (m, at) in &self.0 {
            map.serialize_entry(m.name(), at)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
pub(super) struct Metrics {
    pub(super) time_to_detect_s: Option<i64>,
    pub(super) time_to_acknowledge_s: Option<i64>,
    pub(super) time_to_mitigate_s: Option<i64>,
    pub(super) time_to_resolve_s: Option<i64>,
    pub(super) time_at_severity_s: SeverityTotals,
}

pub(super) struct SeverityTotals(pub(super) Vec<(crate::domain::Severity, i64)>);

impl Serialize for SeverityTotals {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (sev, secs) in &self.0 {
            map.serialize_entry(sev.name(), secs)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
pub(super) struct SeverityAt {
    pub(super) at: String,
    pub(super) severity: crate::domain::Severity,
}

#[derive(Serialize)]
pub(super) struct RoleAt<'a> {
    pub(super) at: String,
    pub(super) role: &'a str,
    pub(super) person: &'a str,
}

/// The timeline, serialized an entry at a time (a long journal's worth of strings never
/// sits in memory at once).
pub(super) struct Timeline<'a> {
    pub(super) items: &'a [Item<'a>],
    pub(super) inc: &'a crate::domain::incident::Incident,
}

impl Serialize for Timeline<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for item in self.items {
            if let Item::Entry(e) = item {
                seq.serialize_element(&Entry {
                    seq: e.rec.seq,
                    at: stamp(e.rec.at),
                    ts: stamp(e.rec.ts),
                    kind: e.rec.event.kind(),
                    author: &e.rec.author,
                    text: describe(e.rec, Some(self.inc)),
                })?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
pub(super) struct Entry<'a> {
    pub(super) seq: u64,
    pub(super) at: String,
    pub(super) ts: String,
    pub(super) kind: &'a str,
    pub(super) author: &'a str,
    pub(super) text: String,
}

#[derive(Serialize)]
pub(super) struct Step<'a> {
    pub(super) id: &'a str,
    /// With the incident's variable values filled in.
    pub(super) title: String,
    pub(super) kind: &'a str,
    pub(super) status: &'static str,
    pub(super) started: Option<String>,
    pub(super) ended: Option<String>,
    pub(super) duration_s: Option<i64>,
    pub(super) target_s: Option<i64>,
    pub(super) over_target_s: Option<i64>,
    pub(super) runs: u32,
    pub(super) skip_reason: Option<&'a str>,
    pub(super) signed_off_by: Option<&'a str>,
    pub(super) retired: bool,
}

#[derive(Serialize)]
pub(super) struct Decision<'a> {
    pub(super) at: String,
    pub(super) step: &'a str,
    pub(super) choice: usize,
    pub(super) label: &'a str,
    pub(super) next: &'a str,
}

#[derive(Serialize)]
pub(super) struct Deviations<'a> {
    pub(super) skipped: Vec<&'a str>,
    pub(super) out_of_order: Vec<Detour<'a>>,
    pub(super) over_target: Vec<&'a str>,
    pub(super) outside_runbook: Vec<ActionItem<'a>>,
}

#[derive(Serialize)]
pub(super) struct Detour<'a> {
    pub(super) seq: u64,
    pub(super) at: String,
    pub(super) step: &'a str,
    pub(super) what: &'a str,
    pub(super) expected_after: &'a [String],
}

#[derive(Serialize)]
pub(super) struct ActionItem<'a> {
    pub(super) seq: u64,
    pub(super) at: String,
    pub(super) author: &'a str,
    pub(super) text: &'a str,
}

#[derive(Serialize)]
pub(super) struct Command<'a> {
    pub(super) seq: u64,
    pub(super) at: String,
    pub(super) step: &'a str,
    pub(super) command: &'a str,
    pub(super) exit_code: Option<i32>,
    pub(super) timed_out: bool,
    pub(super) duration_ms: u64,
    pub(super) output_excerpt: &'a str,
    pub(super) output_sha256: &'a str,
    /// The seq of its `command_started` (null in journals of older versions).
    pub(super) run: Option<u64>,
    pub(super) interrupted: bool,
    /// Everything it printed (null in journals of older versions).
    pub(super) output_bytes: Option<u64>,
    /// The saved output (and `output_sha256`) stops at the cap.
    pub(super) output_cut: bool,
}

#[derive(Serialize)]
pub(super) struct Unfinished<'a> {
    pub(super) run: u64,
    pub(super) at: String,
    pub(super) step: &'a str,
    pub(super) command: &'a str,
    pub(super) timeout_s: Option<u64>,
    pub(super) result: &'static str,
}
