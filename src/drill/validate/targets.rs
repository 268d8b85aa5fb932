//! A scenario's `[targets]` table: each key a milestone that can have a target (all but
//! `started`), each value a duration within the drill's bounds. Pure.

use super::found;
use crate::domain::{Dur, Milestone};
use crate::drill::scenario::MAX_OFFSET_SECS;
use crate::runbook::suggest;
use crate::runbook::walk::{Entries, Walk};
use std::collections::BTreeMap;
use toml::de::DeValue;

/// Milestones that can have a target: all but `started`, which is the drill's start itself.
pub(super) fn targetable() -> impl Iterator<Item = &'static str> {
    Milestone::ALL
        .iter()
        .filter(|m| **m != Milestone::Started)
        .map(|m| m.name())
}

/// The milestone a `[targets]` key names; `started` and unknown names are errors.
pub(super) fn target_milestone(
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
pub(super) fn target_duration(
    w: &mut Walk,
    name: &str,
    val: &toml::Spanned<DeValue<'_>>,
) -> Option<Dur> {
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

pub(super) fn targets(w: &mut Walk, top: &Entries<'_, '_>) -> BTreeMap<Milestone, Dur> {
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
