//! A scenario's `[[inject]]` entries: each one's fields checked and its outline noted for the
//! cross-checks, its `at` offset read, and a warning when injects are out of time order. Pure.

use super::{InjectOutline, Outline, found};
use crate::drill::scenario::{INJECT, Inject, MAX_OFFSET_SECS, offset, parse_offset, show};
use crate::runbook::walk::{Entries, Sp, Walk};
use chrono::Duration;
use std::ops::Range;
use toml::de::DeValue;

pub(super) fn injects(w: &mut Walk, top: &Entries<'_, '_>, outline: &mut Outline) -> Vec<Inject> {
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
pub(super) fn inject(
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
pub(super) fn in_order(
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
pub(super) fn at(w: &mut Walk, e: &Entries<'_, '_>) -> Option<Sp<Duration>> {
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
