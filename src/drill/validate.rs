//! Validating a scenario file: walk the spanned TOML collecting every problem (unknown
//! fields, wrong types, bad durations and milestones, injects out of time order), then check it
//! against the runbook it names when a library is at hand. Builds a `Scenario` only when there
//! were no errors. Pure; never panics on any input.

use super::scenario::{
    INJECT, Inject, MAX_OFFSET_SECS, MAX_SPEED, Scenario, TOP, offset, parse_offset, show,
};
use crate::domain::runbook::with_article;
use crate::domain::{Dur, Milestone, StepKind};
use crate::runbook::diag::Diagnostic;
use crate::runbook::library::Library;
use crate::runbook::suggest;
use crate::runbook::walk::{Entries, Sp, Walk};
use chrono::Duration;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// What the cross-checks need, with positions.
#[derive(Default)]
struct Outline {
    runbook: Option<Sp<String>>,
    injects: Vec<InjectOutline>,
}

struct InjectOutline {
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
fn found(v: &DeValue<'_>) -> String {
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

/// Milestones that can have a target: all but `started`, which is the drill's start itself.
fn targetable() -> impl Iterator<Item = &'static str> {
    Milestone::ALL
        .iter()
        .filter(|m| **m != Milestone::Started)
        .map(|m| m.name())
}

/// The milestone a `[targets]` key names; `started` and unknown names are errors.
fn target_milestone(
    w: &mut Walk,
    k: &toml::Spanned<std::borrow::Cow<'_, str>>,
    names: &[&str],
) -> Option<Milestone> {
    let name: &str = k.get_ref().as_ref();
    match name.parse::<Milestone>() {
        Ok(Milestone::Started) => {
            w.error(
                k.span(),
                "targets: `started` is the drill's start; it takes no target",
            )
            .help = Some(format!("targets are set for: {}", names.join(", ")));
            None
        }
        Ok(m) => Some(m),
        Err(_) => {
            let hint = suggest::hint(name, names.iter().copied());
            w.error(
                k.span(),
                format!("targets: unknown milestone `{name}`{hint}"),
            )
            .help = Some(format!("targets are set for: {}", names.join(", ")));
            None
        }
    }
}

/// A target's duration: a duration string within the drill's bounds.
fn target_duration(w: &mut Walk, name: &str, val: &toml::Spanned<DeValue<'_>>) -> Option<Dur> {
    match val.get_ref() {
        DeValue::String(s) => match Dur::parse(s) {
            Ok(d) if d.secs() > MAX_OFFSET_SECS => {
                w.error(
                    val.span(),
                    format!("targets: `{name}` {d} is more than 7 days into the drill"),
                );
                None
            }
            Ok(d) => Some(d),
            Err(why) => {
                w.error(val.span(), format!("targets: `{name}`: {why}"));
                None
            }
        },
        other => {
            w.error(
                val.span(),
                format!(
                    "targets: `{name}` must be a duration string such as \"45m\", found {}",
                    found(other)
                ),
            );
            None
        }
    }
}

fn targets(w: &mut Walk, top: &Entries<'_, '_>) -> BTreeMap<Milestone, Dur> {
    let mut out = BTreeMap::new();
    let Some(v) = top.get("targets") else {
        return out;
    };
    let DeValue::Table(t) = v.get_ref() else {
        w.error(
            v.span(),
            format!(
                "`targets` must be a table of milestone = duration, found {}",
                found(v.get_ref())
            ),
        )
        .help = Some("write [targets] with lines like mitigated = \"45m\"".into());
        return out;
    };
    let names: Vec<&str> = targetable().collect();
    for (k, val) in t.iter() {
        let name: &str = k.get_ref().as_ref();
        let milestone = target_milestone(w, k, &names);
        let dur = target_duration(w, name, val);
        if let (Some(m), Some(d)) = (milestone, dur) {
            out.insert(m, d);
        }
    }
    // Milestones come in order: a later one with an earlier target is probably a typo.
    let mut latest: Option<(Milestone, Dur)> = None;
    for (m, d) in &out {
        if let Some((pm, pd)) = latest
            && *d < pd
        {
            let span = t
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == m.name())
                .map_or(v.span(), |(_, val)| val.span());
            w.warning(
                span,
                format!("targets: {m} ({d}) is due before {pm} ({pd}), which comes first"),
            )
            .help = Some("milestones are reached in order: detected, acknowledged, identified, mitigated, resolved".into());
        }
        if latest.is_none_or(|(_, pd)| *d >= pd) {
            latest = Some((*m, *d));
        }
    }
    out
}

fn injects(w: &mut Walk, top: &Entries<'_, '_>, outline: &mut Outline) -> Vec<Inject> {
    let mut out = Vec::new();
    let Some(v) = top.get("injects") else {
        return out;
    };
    let DeValue::Array(items) = v.get_ref() else {
        w.error(
            v.span(),
            format!(
                "`injects` must be an array of [[injects]] tables, found {}",
                found(v.get_ref())
            ),
        )
        .help =
            Some("write each inject as [[injects]] with at = \"+5m\" and text = \"...\"".into());
        return out;
    };
    // The latest inject so far, to warn about ones out of time order.
    let mut latest: Option<(usize, Duration)> = None;
    for (i, item) in items.iter().enumerate() {
        out.extend(inject(w, i + 1, item, &mut latest, outline));
    }
    out
}

/// Inject `n` of the file: its fields checked, its outline noted, and the inject when it
/// has what it needs. `latest` is the latest inject so far, to warn about time order.
fn inject(
    w: &mut Walk,
    n: usize,
    item: &toml::Spanned<DeValue<'_>>,
    latest: &mut Option<(usize, Duration)>,
    outline: &mut Outline,
) -> Option<Inject> {
    let DeValue::Table(t) = item.get_ref() else {
        w.error(
            item.span(),
            format!(
                "`injects` item {n} must be a table, found {}",
                found(item.get_ref())
            ),
        )
        .help = Some("each inject is [[injects]] with at and text".into());
        return None;
    };
    let ctx = format!("inject {n}: ");
    let e = w.entries(t, item.span(), INJECT, ctx.clone(), "an inject");
    let at = at(w, &e);
    let text = w.req_str(&e, "text");
    if let Some((s, span)) = &text
        && s.trim().is_empty()
    {
        w.error(span.clone(), format!("{ctx}`text` is empty")).help =
            Some("say what the facilitator announces".into());
    }
    let for_step = w.id(&e, "for_step", false);
    let output = w.str(&e, "output");
    let exit_code = w.int(&e, "exit_code");
    if let Some((c, span)) = &exit_code
        && !(0..=255).contains(c)
    {
        w.error(
            span.clone(),
            format!("{ctx}`exit_code` must be 0 to 255, found {c}"),
        );
    }
    if !e.has("for_step") {
        for key in ["output", "exit_code"] {
            if let Some(span) = e.key_span(key) {
                w.error(span, format!("{ctx}`{key}` needs `for_step`")).help = Some(
                    "canned output belongs to a command step: add for_step = \"step-id\"".into(),
                );
            }
        }
    }
    if let Some((d, span)) = &at {
        in_order(w, &ctx, n, (*d, span), latest);
    }
    outline.injects.push(InjectOutline {
        number: n,
        span: item.span(),
        for_step: for_step.clone(),
        output: e.key_span("output"),
        exit_code: e.key_span("exit_code"),
    });
    if let (Some((at, _)), Some((text, _))) = (at, text) {
        return Some(Inject {
            number: n,
            at,
            text,
            for_step: for_step.map(|s| s.0),
            output: output.map(|o| o.0),
            exit_code: exit_code.and_then(|c| i32::try_from(c.0).ok()).unwrap_or(0),
        });
    }
    None
}

/// Warns when inject `n` at `d` comes before an earlier one in the file; keeps `latest`.
fn in_order(
    w: &mut Walk,
    ctx: &str,
    n: usize,
    (d, span): (Duration, &Range<usize>),
    latest: &mut Option<(usize, Duration)>,
) {
    if let Some((pn, pd)) = *latest
        && d < pd
    {
        w.warning(
            span.clone(),
            format!(
                "{ctx}+{} comes before inject {pn} (+{}): injects fire in time order, not file order",
                show(d),
                show(pd)
            ),
        )
        .help = Some("move it up, so the file reads in the order things happen".into());
    }
    if latest.is_none_or(|(_, pd)| d >= pd) {
        *latest = Some((n, d));
    }
}

/// `+5m` (or `+0s`: at the start).
fn at(w: &mut Walk, e: &Entries<'_, '_>) -> Option<Sp<Duration>> {
    if !e.has("at") {
        w.missing(e, "at", "\"+5m\"");
        return None;
    }
    let v = e.get("at")?;
    let DeValue::String(s) = v.get_ref() else {
        w.error(
            v.span(),
            format!(
                "{}`at` must be a time from the drill's start such as \"+5m\", found {}",
                e.ctx,
                found(v.get_ref())
            ),
        );
        return None;
    };
    let Some(rest) = s.strip_prefix('+') else {
        w.error(
            v.span(),
            format!(
                "{}`at` \"{}\" must start with '+': it is a time from the drill's start",
                e.ctx,
                crate::runbook::sanitize::visible(s)
            ),
        )
        .help = Some(format!(
            "write at = \"+{}\"",
            crate::runbook::sanitize::visible(s)
        ));
        return None;
    };
    match parse_offset(rest) {
        Ok(secs) if secs > MAX_OFFSET_SECS => {
            w.error(
                v.span(),
                format!(
                    "{}`at` +{} is more than 7 days into the drill",
                    e.ctx,
                    crate::domain::duration::short(secs)
                ),
            );
            None
        }
        Ok(secs) => Some((offset(secs), v.span())),
        Err(why) => {
            w.error(v.span(), format!("{}`at`: {why}", e.ctx));
            None
        }
    }
}

/// Checks what needs the library: the runbook exists, `for_step`s are its steps, and command
/// steps get canned output while other steps do not.
fn against(w: &mut Walk, outline: &Outline, lib: &Library) {
    let Some((rid, rspan)) = &outline.runbook else {
        return;
    };
    let Some(entry) = lib.get(rid) else {
        let hint = suggest::hint(rid, lib.entries.iter().map(|e| e.runbook.id.as_str()));
        w.error(
            rspan.clone(),
            format!("no runbook \"{rid}\" in the library{hint}"),
        )
        .help = Some("`runbook list` shows the runbooks; a scenario drills one of them".into());
        return;
    };
    let rb = &entry.runbook;
    for inj in &outline.injects {
        let Some((step, sspan)) = &inj.for_step else {
            continue;
        };
        let n = inj.number;
        let Some(s) = rb.step(step) else {
            let hint = suggest::hint(step, rb.steps.iter().map(|s| s.id.as_str()));
            w.error(
                sspan.clone(),
                format!(
                    "inject {n}: `for_step` \"{step}\" is not a step of runbook \"{rid}\"{hint}"
                ),
            )
            .help = Some(format!("`runbook show {rid}` lists its steps"));
            continue;
        };
        let is_command = matches!(s.kind, StepKind::Command { .. });
        if is_command && inj.output.is_none() {
            w.error(
                inj.span.clone(),
                format!("inject {n}: step \"{step}\" is a command step: add `output`, what its command shows in the drill"),
            )
            .help = Some("drills never run real commands: without `output` the responders would see nothing".into());
        }
        if !is_command {
            for (key, span) in [("output", &inj.output), ("exit_code", &inj.exit_code)] {
                if let Some(span) = span {
                    w.error(
                        span.clone(),
                        format!(
                            "inject {n}: `{key}` is for command steps, and \"{step}\" is {} step",
                            with_article(s.kind.name())
                        ),
                    )
                    .help = Some("remove it, or point for_step at a command step".into());
                }
            }
        }
    }
}
