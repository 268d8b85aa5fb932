//! What the journal already knows for the sections people write (summary, impact, detection,
//! root causes, ...): short Markdown lines, already escaped, for `sections::prompt`. Pure.
//!
//! Must never: state a conclusion the journal does not hold. Lines quote milestones,
//! decisions and notes with their times and authors; interpretation is left to the authors.
//!
//! Here: the narrative sections (summary, impact, trigger, detection, root causes,
//! resolution) and the helpers they share; the review sections (what went wrong, messaging,
//! response) are `review`.

mod review;

pub use review::{messaging, response, went_wrong};

use super::escape::{code, text};
use super::metrics::span;
use super::model::Draft;
use super::sections::{NEARBY_NOTES, capital, nearby, note_line};
use crate::domain::Milestone;
use crate::domain::clock::shifted;
use crate::domain::incident::Mark;
use chrono::{DateTime, Duration, Utc};

/// At most this many decisions, and notes, are quoted in one section.
const DECISIONS: usize = 6;

// The phases notes are quoted by: before detection (trigger), detection until acknowledgement
// (detection), until a few minutes after the cause was identified (root causes), and after
// that (resolution).

/// When someone responded: acknowledged, else detected.
fn responded(d: &Draft) -> Option<DateTime<Utc>> {
    let det = d.milestone(Milestone::Detected).map(|m| m.at);
    let ack = d.milestone(Milestone::Acknowledged).map(|m| m.at);
    match (det, ack) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Where diagnosis ends: shortly after the cause was identified (notes made then usually
/// explain it), else at mitigation.
fn diagnosed(d: &Draft) -> Option<DateTime<Utc>> {
    match d.milestone(Milestone::Identified) {
        Some(m) => Some(shifted(m.at, Duration::minutes(5))),
        None => d.milestone(Milestone::Mitigated).map(|m| m.at),
    }
}

/// The first second after `t` (windows exclude their start).
fn after(t: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    t.map(|t| shifted(t, Duration::seconds(1)))
}

/// "22:28 (step `stop-churn`)" or "22:15 (by hand, ana)".
fn mark(d: &Draft, m: &Mark) -> String {
    match &m.step {
        Some(step) => format!("{} (step {})", d.when(m.at), code(step)),
        None => format!("{} (recorded by hand by {})", d.when(m.at), text(&m.by)),
    }
}

fn since_start(d: &Draft, m: Milestone) -> Option<String> {
    let start = d.milestone(Milestone::Started)?;
    let at = d.milestone(m)?;
    Some(span((at.at - start.at).num_seconds()))
}

pub fn summary(d: &Draft) -> Vec<String> {
    let inc = d.inc;
    let mut out = Vec::new();
    let drill = if inc.drill { "drill" } else { "incident" };
    let start = d.milestone(Milestone::Started).map_or_else(
        || "start not recorded".to_string(),
        |m| format!("started {}", d.when(m.at)),
    );
    let end = match (
        d.milestone(Milestone::Resolved),
        since_start(d, Milestone::Resolved),
    ) {
        (Some(r), Some(total)) => format!("resolved {} ({total} after the start)", d.when(r.at)),
        (Some(r), None) => format!("resolved {}", d.when(r.at)),
        (None, _) => "no resolution recorded".to_string(),
    };
    out.push(format!(
        "{} {drill} on {}: {start}, {end}.",
        inc.severity,
        d.date()
    ));
    out.push(format!(
        "Handled with runbook {}: {}.",
        code(&inc.runbook.id),
        text(&inc.runbook.title)
    ));
    out
}

pub fn impact(d: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    match (
        d.milestone(Milestone::Started),
        d.milestone(Milestone::Mitigated),
    ) {
        (Some(s), Some(m)) => out.push(format!(
            "Impact from {} (started) until {} (mitigated): {}.",
            d.when(s.at),
            d.when(m.at),
            span((m.at - s.at).num_seconds())
        )),
        (s, m) => {
            let missing: Vec<&str> = [("started", s.is_none()), ("mitigated", m.is_none())]
                .into_iter()
                .filter_map(|(n, gone)| gone.then_some(n))
                .collect();
            out.push(format!(
                "The impact window is unknown: no `{}` milestone.",
                missing.join("` or `")
            ));
        }
    }
    if let (Some(r), Some(total)) = (
        d.milestone(Milestone::Resolved),
        since_start(d, Milestone::Resolved),
    ) {
        out.push(format!(
            "Resolved {}, {total} after the start.",
            d.when(r.at)
        ));
    }
    let sev: Vec<String> = d
        .severity
        .totals
        .iter()
        .map(|(s, secs)| format!("{s} for {}", span(*secs)))
        .collect();
    out.push(format!("Time at each severity: {}.", sev.join(", ")));
    out
}

pub fn trigger(d: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = d.milestone(Milestone::Started) {
        out.push(format!("Started {}.", mark(d, s)));
    }
    // What was noted as happening before anyone knew: the likeliest place for the trigger.
    let until = d
        .milestone(Milestone::Detected)
        .map_or(d.inc.opened, |m| m.at);
    out.extend(nearby(
        d,
        chrono::DateTime::<chrono::Utc>::MIN_UTC,
        shifted(until, Duration::seconds(-1)),
    ));
    out
}

pub fn detection(d: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    let Some(det) = d.milestone(Milestone::Detected) else {
        out.push("No `detected` milestone was recorded.".to_string());
        return out;
    };
    let after = match d.milestone(Milestone::Started) {
        Some(s) if s.at == det.at => ", at the start".to_string(),
        Some(s) => format!(", {} after the start", span((det.at - s.at).num_seconds())),
        None => String::new(),
    };
    out.push(format!("Detected {}{after}.", mark(d, det)));
    let ack = d.milestone(Milestone::Acknowledged);
    if let Some(a) = ack {
        out.push(format!(
            "Acknowledged {}, {} after detection.",
            mark(d, a),
            span((a.at - det.at).num_seconds())
        ));
    }
    // How it was noticed: notes from the detection until someone acknowledged it.
    let to = ack.map_or(shifted(det.at, Duration::minutes(5)), |a| a.at.max(det.at));
    out.extend(nearby(d, det.at, to));
    out
}

pub fn root_causes(d: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    let identified = d.milestone(Milestone::Identified);
    match identified {
        Some(i) => out.push(format!("Cause identified {}.", mark(d, i))),
        None => out.push("No `identified` milestone was recorded.".to_string()),
    }
    // The diagnosis: decisions taken until the cause was identified (else until mitigation),
    // and what was noted from acknowledgement until just after identification.
    let until = identified
        .or(d.milestone(Milestone::Mitigated))
        .map(|m| m.at);
    out.extend(decisions(d, None, until, Keep::First));
    if let (Some(from), Some(to)) = (after(responded(d)), diagnosed(d)) {
        out.extend(nearby(d, from, to));
    }
    out
}

pub fn resolution(d: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    for m in [Milestone::Mitigated, Milestone::Resolved] {
        match d.milestone(m) {
            Some(mk) => out.push(format!("{} {}.", capital(m.name()), mark(d, mk))),
            None => out.push(format!("No `{m}` milestone was recorded.")),
        }
    }
    // The way out: decisions after the cause was identified, decisions taken outside the
    // runbook, and what was noted from shortly before mitigation until resolution.
    // (Decisions until identification, or else until mitigation, are under root causes.)
    let diagnosis = d
        .milestone(Milestone::Identified)
        .or(d.milestone(Milestone::Mitigated))
        .map(|m| m.at);
    if diagnosis.is_some() {
        out.extend(decisions(
            d,
            diagnosis,
            d.milestone(Milestone::Resolved).map(|m| m.at),
            Keep::Last,
        ));
    }
    // Decisions taken outside the runbook: the last few (all are under Deviations).
    let outside = &d.execution.outside;
    let left = outside.len().saturating_sub(NEARBY_NOTES);
    if left > 0 {
        out.push(format!(
            "({left} earlier decisions outside the runbook: see Deviations.)"
        ));
    }
    for n in &outside[left..] {
        out.push(format!("Decision outside the runbook: {}", note_line(d, n)));
    }
    // Notes after the diagnosis until resolution: those nearest to mitigation.
    if let Some(m) = d.milestone(Milestone::Mitigated) {
        let from =
            after(diagnosed(d).or(responded(d))).unwrap_or(shifted(m.at, Duration::minutes(-30)));
        let to = d
            .milestone(Milestone::Resolved)
            .map_or(shifted(m.at, Duration::minutes(30)), |r| r.at.max(m.at));
        let mut notes: Vec<_> = d
            .notes_between(from, to, usize::MAX)
            .into_iter()
            .filter(|n| !n.decision)
            .collect();
        notes.sort_by_key(|n| ((n.at - m.at).num_seconds().unsigned_abs(), n.seq));
        notes.truncate(NEARBY_NOTES);
        notes.sort_by_key(|n| (n.at, n.seq));
        out.extend(notes.into_iter().map(|n| note_line(d, n)));
    }
    out
}

/// "22:26 decision `decide-cause` (What is etcd doing?): Majority ..." for decisions taken
/// after `from` (exclusive) and until `to` (inclusive). At most `DECISIONS`: the first ones
/// (`Keep::First`, how the diagnosis began) or the last ones (`Keep::Last`, what worked).
fn decisions(
    d: &Draft,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    keep: Keep,
) -> Vec<String> {
    let taken: Vec<_> = d
        .inc
        .path
        .iter()
        .filter(|t| from.is_none_or(|f| t.at > f) && to.is_none_or(|u| t.at <= u))
        .collect();
    let skip = match keep {
        Keep::First => 0,
        Keep::Last => taken.len().saturating_sub(DECISIONS),
    };
    let mut out: Vec<String> = taken
        .iter()
        .skip(skip)
        .take(DECISIONS)
        .map(|t| {
            let q = d
                .inc
                .runbook
                .step(&t.step)
                .map(|s| text(&crate::domain::template::fill(&s.title, &d.inc.vars)))
                .unwrap_or_default();
            format!(
                "{} decision {} ({q}): {}",
                d.when(t.at),
                code(&t.step),
                text(&t.label)
            )
        })
        .collect();
    let left = taken.len().saturating_sub(DECISIONS);
    if left > 0 {
        match keep {
            Keep::First => out.push(format!("({left} later decisions: see the decision path.)")),
            Keep::Last => out.insert(
                0,
                format!("({left} earlier decisions: see the decision path.)"),
            ),
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Keep {
    First,
    Last,
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
