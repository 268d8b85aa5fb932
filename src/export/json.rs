//! The JSON document for other tools: a documented, versioned structure (`docs/export.md`).
//! Times are RFC 3339 UTC with milliseconds, as in the journal; durations are whole seconds.
//! Pure.
//!
//! Compatibility: adding a key is not a breaking change; renaming, removing or retyping one
//! is, and bumps `SCHEMA_VERSION`.

use super::model::Draft;
use super::timeline::Item;
use crate::domain::Milestone;
use crate::domain::clock::stamp;
use crate::domain::describe::describe;
use crate::domain::event::{Event, Known};
use crate::runbook::sanitize::is_hazard;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

/// The version of the JSON document's structure.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    incident: Incident<'a>,
    /// Break-glass overrides of sign-offs: first, since a reader must not miss them.
    overrides: Vec<OverrideAt<'a>>,
    milestones: Milestones,
    metrics: Metrics,
    severity_history: Vec<SeverityAt>,
    roles: Vec<RoleAt<'a>>,
    timeline: Timeline<'a>,
    steps: Vec<Step<'a>>,
    decisions: Vec<Decision<'a>>,
    deviations: Deviations<'a>,
    action_items: Vec<ActionItem<'a>>,
    commands: Vec<Command<'a>>,
    /// Commands started with no result recorded: "interrupted, result unknown".
    unfinished_commands: Vec<Unfinished<'a>>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct Incident<'a> {
    id: &'a str,
    title: &'a str,
    runbook: Runbook<'a>,
    severity: crate::domain::Severity,
    drill: bool,
    opened: String,
    opened_by: &'a str,
    closed: Option<String>,
}

#[derive(Serialize)]
struct OverrideAt<'a> {
    seq: u64,
    at: String,
    by: &'a str,
    step: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct Runbook<'a> {
    id: &'a str,
    sha256: &'a str,
    /// The runbook's `about` (meaning, impact, context) as written, Markdown; null if none.
    about: Option<&'a str>,
}

/// Recorded milestones only, in their natural order (not alphabetical).
struct Milestones(Vec<(Milestone, String)>);

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
struct Metrics {
    time_to_detect_s: Option<i64>,
    time_to_acknowledge_s: Option<i64>,
    time_to_mitigate_s: Option<i64>,
    time_to_resolve_s: Option<i64>,
    time_at_severity_s: SeverityTotals,
}

struct SeverityTotals(Vec<(crate::domain::Severity, i64)>);

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
struct SeverityAt {
    at: String,
    severity: crate::domain::Severity,
}

#[derive(Serialize)]
struct RoleAt<'a> {
    at: String,
    role: &'a str,
    person: &'a str,
}

/// The timeline, serialized an entry at a time (a long journal's worth of strings never
/// sits in memory at once).
struct Timeline<'a> {
    items: &'a [Item<'a>],
    inc: &'a crate::domain::incident::Incident,
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
struct Entry<'a> {
    seq: u64,
    at: String,
    ts: String,
    kind: &'a str,
    author: &'a str,
    text: String,
}

#[derive(Serialize)]
struct Step<'a> {
    id: &'a str,
    /// With the incident's variable values filled in.
    title: String,
    kind: &'a str,
    status: &'static str,
    started: Option<String>,
    ended: Option<String>,
    duration_s: Option<i64>,
    target_s: Option<i64>,
    over_target_s: Option<i64>,
    runs: u32,
    skip_reason: Option<&'a str>,
    signed_off_by: Option<&'a str>,
    retired: bool,
}

#[derive(Serialize)]
struct Decision<'a> {
    at: String,
    step: &'a str,
    choice: usize,
    label: &'a str,
    next: &'a str,
}

#[derive(Serialize)]
struct Deviations<'a> {
    skipped: Vec<&'a str>,
    out_of_order: Vec<Detour<'a>>,
    over_target: Vec<&'a str>,
    outside_runbook: Vec<ActionItem<'a>>,
}

#[derive(Serialize)]
struct Detour<'a> {
    seq: u64,
    at: String,
    step: &'a str,
    what: &'a str,
    expected_after: &'a [String],
}

#[derive(Serialize)]
struct ActionItem<'a> {
    seq: u64,
    at: String,
    author: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct Command<'a> {
    seq: u64,
    at: String,
    step: &'a str,
    command: &'a str,
    exit_code: Option<i32>,
    timed_out: bool,
    duration_ms: u64,
    output_excerpt: &'a str,
    output_sha256: &'a str,
    /// The seq of its `command_started` (null in journals of older versions).
    run: Option<u64>,
    interrupted: bool,
    /// Everything it printed (null in journals of older versions).
    output_bytes: Option<u64>,
    /// The saved output (and `output_sha256`) stops at the cap.
    output_cut: bool,
}

#[derive(Serialize)]
struct Unfinished<'a> {
    run: u64,
    at: String,
    step: &'a str,
    command: &'a str,
    timeout_s: Option<u64>,
    result: &'static str,
}

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

/// `value` pretty-printed as the export prints JSON: hazards in strings as `\u` escapes, so
/// the text is safe on a terminal (for `runbook list --json` and the like).
pub fn safe_pretty<T: Serialize>(value: &T) -> String {
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Safe(PrettyFormatter::new()));
    if value.serialize(&mut ser).is_err() {
        buf = b"null".to_vec();
    }
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// serde_json's pretty printer, also escaping what serde_json leaves raw: it escapes C0
/// controls, but DEL, C1 controls and bidi and invisible characters would reach a terminal
/// (`cat`, `less`) as they are. Inside a JSON string `\uXXXX` is the same character.
struct Safe(PrettyFormatter<'static>);

impl Formatter for Safe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !super::escape::has_hazard(fragment) {
            return w.write_all(fragment.as_bytes());
        }
        let mut from = 0;
        for (i, c) in fragment.char_indices() {
            if is_hazard(c) {
                w.write_all(&fragment.as_bytes()[from..i])?;
                // Outside the BMP (tag characters) JSON writes a surrogate pair.
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(w, "\\u{unit:04x}")?;
                }
                from = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[from..])
    }

    // The rest is the pretty printer's.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}
