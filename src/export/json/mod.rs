//! The JSON document for other tools: a documented, versioned structure (`docs/export.md`).
//! Times are RFC 3339 UTC with milliseconds, as in the journal; durations are whole seconds.
//! Pure.
//!
//! Compatibility: adding a key is not a breaking change; renaming, removing or retyping one
//! is, and bumps `SCHEMA_VERSION`.
//!
//! Here: `render`, which fills the document; its types, field by field as documented, are in
//! `doc`, and the pretty printer that escapes terminal hazards is `safe`.

mod doc;
mod safe;

use safe::Safe;
pub use safe::safe_pretty;

use super::model::Draft;
use crate::domain::clock::stamp;
use crate::domain::event::{Event, Known};
use doc::*;
use serde::Serialize;
use serde_json::ser::PrettyFormatter;

/// The version of the JSON document's structure.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON document, its whole shape in one place (long by design: it mirrors the versioned
/// schema documented in the README, field by field).
pub fn render(d: &Draft) -> String {
    let inc = d.inc;
    let metric = |key: &str| d.metrics.iter().find(|m| m.key == key).and_then(|m| m.secs);
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        incident: Incident {
            id: &inc.id,
            title: &inc.title,
            runbook: Runbook {
                id: &inc.runbook.id,
                sha256: &inc.runbook_sha256,
                about: inc.runbook.about.as_deref(),
            },
            severity: inc.severity,
            drill: inc.drill,
            opened: stamp(inc.opened),
            opened_by: &inc.opened_by,
            closed: inc.closed.map(stamp),
        },
        overrides: inc
            .overrides
            .iter()
            .map(|o| OverrideAt {
                seq: o.seq,
                at: stamp(o.at),
                by: &o.by,
                step: &o.step,
                reason: &o.reason,
            })
            .collect(),
        milestones: Milestones(
            inc.milestones
                .iter()
                .map(|(m, mark)| (*m, stamp(mark.at)))
                .collect(),
        ),
        metrics: Metrics {
            time_to_detect_s: metric("time_to_detect_s"),
            time_to_acknowledge_s: metric("time_to_acknowledge_s"),
            time_to_mitigate_s: metric("time_to_mitigate_s"),
            time_to_resolve_s: metric("time_to_resolve_s"),
            time_at_severity_s: SeverityTotals(d.severity.totals.clone()),
        },
        severity_history: inc
            .severity_history
            .iter()
            .map(|(at, s)| SeverityAt {
                at: stamp(*at),
                severity: *s,
            })
            .collect(),
        roles: inc
            .roles
            .iter()
            .map(|r| RoleAt {
                at: stamp(r.at),
                role: &r.role,
                person: &r.person,
            })
            .collect(),
        timeline: Timeline {
            items: &d.timeline,
            inc,
        },
        steps: d
            .execution
            .steps
            .iter()
            .map(|s| Step {
                id: &s.def.id,
                title: crate::domain::template::fill(&s.def.title, &d.inc.vars),
                kind: s.def.kind.name(),
                status: s.status_key(),
                started: if s.timed {
                    s.state.started.map(stamp)
                } else {
                    None
                },
                ended: s.state.ended.map(stamp),
                duration_s: s.duration_secs(),
                target_s: s.target_secs(),
                over_target_s: s.overrun_secs(),
                runs: s.state.runs,
                skip_reason: s.state.skip_reason.as_deref(),
                signed_off_by: s.state.signed_off_by.as_deref(),
                retired: s.retired,
            })
            .collect(),
        decisions: inc
            .path
            .iter()
            .map(|t| Decision {
                at: stamp(t.at),
                step: &t.step,
                choice: t.choice,
                label: &t.label,
                next: &t.next,
            })
            .collect(),
        deviations: Deviations {
            skipped: d.execution.skipped().map(|s| s.def.id.as_str()).collect(),
            out_of_order: d
                .execution
                .detours
                .iter()
                .map(|t| Detour {
                    seq: t.seq,
                    at: stamp(t.at),
                    step: &t.step,
                    what: t.what,
                    expected_after: &t.expected_after,
                })
                .collect(),
            over_target: d.execution.overruns().map(|s| s.def.id.as_str()).collect(),
            outside_runbook: d.execution.outside.iter().map(|n| note(n)).collect(),
        },
        action_items: inc.action_items().map(note).collect(),
        commands: d.outputs.iter().filter_map(|r| command(r)).collect(),
        unfinished_commands: d
            .unfinished
            .iter()
            .map(|c| Unfinished {
                run: c.run,
                at: stamp(c.started),
                step: &c.step,
                command: &c.command,
                timeout_s: c.timeout_s,
                result: crate::domain::command::RESULT_UNKNOWN,
            })
            .collect(),
        warnings: d.warnings(),
    };
    let mut buf = Vec::with_capacity(4096 + d.records.len() * 512);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Safe(PrettyFormatter::new()));
    // Serializing plain data into memory cannot fail; an empty object would show if it did.
    if doc.serialize(&mut ser).is_err() {
        buf = b"{}".to_vec();
    }
    buf.push(b'\n');
    // serde_json writes UTF-8; the conversion cannot fail either.
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn note(n: &crate::domain::incident::Note) -> ActionItem<'_> {
    ActionItem {
        seq: n.seq,
        at: stamp(n.at),
        author: &n.by,
        text: &n.text,
    }
}

fn command(r: &crate::domain::event::Record) -> Option<Command<'_>> {
    let Event::Known(Known::CommandFinished {
        step,
        command,
        exit_code,
        timed_out,
        duration_ms,
        output_excerpt,
        output_sha256,
        run,
        interrupted,
        output_bytes,
        output_cut,
        ..
    }) = &r.event
    else {
        return None;
    };
    Some(Command {
        seq: r.seq,
        at: stamp(r.at),
        step,
        command,
        exit_code: *exit_code,
        timed_out: *timed_out,
        duration_ms: *duration_ms,
        output_excerpt,
        output_sha256,
        run: *run,
        interrupted: *interrupted,
        output_bytes: *output_bytes,
        output_cut: *output_cut,
    })
}
