//! Validating a scenario file: walk the spanned TOML collecting every problem (unknown
//! fields, wrong types, bad durations and milestones, injects out of time order), then check it
//! against the runbook it names when a library is at hand. Builds a `Scenario` only when there
//! were no errors. Pure; never panics on any input.
//!
//! Here: the entry (`parse`), the top-level fields and the outline the cross-checks use; the
//! `[targets]` table is `targets`, the `[[inject]]` entries are `injects`, and the checks
//! against the library's runbook are `against`.

mod against;
mod injects;
mod targets;

use against::against;
use injects::injects;
use targets::targets;

use super::scenario::{MAX_SPEED, Scenario, TOP};
use crate::runbook::diag::Diagnostic;
use crate::runbook::library::Library;
use crate::runbook::walk::{Entries, Sp, Walk};
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// What the cross-checks need, with positions.
#[derive(Default)]
pub(super) struct Outline {
    runbook: Option<Sp<String>>,
    injects: Vec<InjectOutline>,
}

pub(super) struct InjectOutline {
    number: usize,
    span: Range<usize>,
    for_step: Option<Sp<String>>,
    /// Key spans of `output` and `exit_code`, when present.
    output: Option<Range<usize>>,
    exit_code: Option<Range<usize>>,
}

pub(super) fn parse(text: &str, library: Option<&Library>) -> (Option<Scenario>, Vec<Diagnostic>) {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let diags = errors
            .iter()
            .map(|e| {
                let msg = e.message().trim().lines().next().unwrap_or("invalid TOML");
                Diagnostic::error(e.span().unwrap_or(0..0), format!("TOML syntax: {msg}"))
            })
            .collect();
        return (None, diags);
    }
    let mut w = Walk::default();
    let mut outline = Outline::default();
    let first_key = doc.get_ref().iter().next().map_or(0..0, |(k, _)| k.span());
    let top = w.entries(doc.get_ref(), first_key, TOP, String::new(), "a scenario");
    let scenario = top_level(&mut w, &top, &mut outline);
    if let Some(lib) = library {
        against(&mut w, &outline, lib);
    }
    let scenario = if w.has_errors() { None } else { scenario };
    (scenario, w.diags)
}

fn top_level(w: &mut Walk, top: &Entries<'_, '_>, outline: &mut Outline) -> Option<Scenario> {
    match w.int(top, "schema_version") {
        None if !top.has("schema_version") => w.missing(top, "schema_version", "1"),
        Some((1, _)) | None => {}
        Some((n, span)) => {
            w.error(span, format!("schema_version {n} is not supported: this version of runbook reads schema_version 1"))
                .help = Some("set `schema_version = 1`, or upgrade runbook to read newer scenarios".into());
        }
    }
    let id = w.id(top, "id", true);
    let title = w.req_str(top, "title");
    let runbook = w.id(top, "runbook", true);
    outline.runbook = runbook.clone();
    let summary = w.str(top, "summary");
    if !top.has("summary") {
        let at = id.as_ref().map_or(top.span.clone(), |i| i.1.clone());
        w.warning(at, "scenario has no `summary`").help = Some(
            "add `summary = \"...\"`: the situation the facilitator describes at the start".into(),
        );
    }
    let speed = speed(w, top);
    let targets = targets(w, top);
    if !top.has("injects") {
        let at = id.as_ref().map_or(top.span.clone(), |i| i.1.clone());
        w.warning(at, "scenario has no injects").help =
            Some("add [[injects]] tables with at = \"+5m\" and text = \"...\"".into());
    }
    let injects = injects(w, top, outline);
    Some(Scenario {
        id: id?.0,
        title: title?.0,
        runbook: runbook?.0,
        summary: summary.map(|s| s.0),
        speed,
        targets,
        injects,
    })
}

/// A short description of a value of the wrong type.
pub(super) fn found(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("string \"{}\"", crate::runbook::sanitize::visible(s)),
        DeValue::Integer(i) => format!("integer {}", i.as_str()),
        DeValue::Float(x) => format!("float {}", x.as_str()),
        DeValue::Boolean(b) => format!("boolean {b}"),
        other => other.type_str().to_string(),
    }
}

fn speed(w: &mut Walk, top: &Entries<'_, '_>) -> Option<f64> {
    let v = top.get("speed")?;
    let n = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(x) => x.as_str().replace('_', "").parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(s) if s.is_finite() && s > 0.0 && s <= MAX_SPEED => Some(s),
        Some(s) => {
            w.error(
                v.span(),
                format!("`speed` must be more than 0 and at most {MAX_SPEED}, found {s}"),
            )
            .help = Some("speed = 10 runs the drill ten times faster than real time".into());
            None
        }
        None => {
            w.error(
                v.span(),
                format!(
                    "`speed` must be a number such as 10 or 2.5, found {}",
                    found(v.get_ref())
                ),
            );
            None
        }
    }
}
