//! A runbook's `[[step]]` entries: each step's common fields, its kind (one of the known
//! kinds, with a hint for a near miss), the fields that kind needs or must not have, and where
//! the flow goes after it. Spans for the flow checks are recorded in `Spans::steps`.

use super::{Spans, StepOutline, links, templated};
use crate::domain::runbook::DEFAULT_COMMAND_TIMEOUT;
use crate::domain::{Choice, Flow, Milestone, Step, StepKind};
use crate::runbook::fields::{self, Ty};
use crate::runbook::walk::{Entries, Walk};
use std::ops::Range;
use toml::de::{DeTable, DeValue};

pub(super) fn steps(w: &mut Walk, top: &Entries<'_, '_>, spans: &mut Spans) -> Option<Vec<Step>> {
    let tables = w.table_list(top, "steps", Ty::StepList);
    if let Some(v) = top.get("steps")
        && matches!(v.get_ref(), DeValue::Array(a) if a.is_empty())
    {
        w.error(
            v.span(),
            "`steps` is empty: a runbook needs at least one step",
        )
        .help = Some("add a step: [[steps]] with id, title and kind".into());
    }
    let mut out = Vec::new();
    let mut complete = true;
    for (n, table, span) in tables {
        let mut ss = StepOutline {
            span: span.clone(),
            ..StepOutline::default()
        };
        match step(w, n, table, span, &mut ss, &mut spans.templated) {
            Some(s) => out.push(s),
            None => complete = false,
        }
        spans.steps.push(ss);
    }
    (complete && !out.is_empty()).then_some(out)
}

fn step(
    w: &mut Walk,
    n: usize,
    table: &DeTable<'_>,
    span: Range<usize>,
    ss: &mut StepOutline,
    tpl: &mut Vec<(Range<usize>, String)>,
) -> Option<Step> {
    // Name the step by its id in every message when it has a usable one.
    let ctx = match table.get("id").map(|v| v.get_ref()) {
        Some(DeValue::String(id)) if crate::runbook::walk::check_id(id).is_ok() => {
            format!("step \"{id}\": ")
        }
        _ => format!("step {n}: "),
    };
    let e = w.entries(table, span, fields::STEP, ctx.clone(), "a step");
    let id = w.id(&e, "id", true);
    ss.id = id.clone();
    let title = templated(w.req_str(&e, "title"), tpl);
    let kind_name = known_kind(w, &e, &ctx);
    if let Some(kind) = &kind_name {
        kind_fields(w, &e, &ctx, kind);
    }
    let role = w.str(&e, "role");
    let target = w.duration(&e, "target");
    ss.target = target.clone();
    let milestone = w.parsed::<Milestone>(&e, "milestone");
    let body = templated(w.str(&e, "body"), tpl);
    let checklist: Vec<String> = w
        .str_list(&e, "checklist")
        .into_iter()
        .map(|c| templated(Some(c), tpl))
        .collect::<Option<_>>()?;
    let links = links(w, &e, tpl);
    let signoff = w.bool(&e, "requires_signoff").is_some_and(|b| b.0);
    let flow = flow(w, &e, &ctx, ss);
    let kind = kind_name.and_then(|k| step_kind(w, &e, &k, ss, tpl));
    Some(Step {
        id: id?.0.into(),
        title: title?,
        kind: kind?,
        role: role.map(|r| r.0),
        target: target.map(|t| t.0),
        milestone: milestone.map(|m| m.0),
        body,
        checklist,
        links,
        requires_signoff: signoff,
        flow,
    })
}

/// The step's `kind`, when it is given and one of the known kinds (else an error, with the
/// nearest known kind as a hint).
fn known_kind(w: &mut Walk, e: &Entries<'_, '_>, ctx: &str) -> Option<String> {
    if !e.has("kind") {
        w.missing(
            e,
            "kind",
            &format!("\"action\" (one of {})", fields::KINDS.join(", ")),
        );
    }
    let kind_name = w.str(e, "kind");
    kind_name.and_then(|(k, span)| {
        if fields::KINDS.contains(&k.as_str()) {
            Some(k)
        } else {
            let hint = crate::runbook::suggest::hint(&k, fields::KINDS.iter().copied());
            w.error(
                span,
                format!(
                    "{ctx}unknown kind \"{k}\"{hint}: expected one of {}",
                    fields::KINDS.join(", ")
                ),
            );
            None
        }
    })
}

/// Fields that do not apply to the step's kind, and the ones its kind needs but lacks.
fn kind_fields(w: &mut Walk, e: &Entries<'_, '_>, ctx: &str, kind: &str) {
    for (key, kspan) in e.keys() {
        let Some(f) = fields::find(fields::STEP, key) else {
            continue;
        };
        if !f.kinds.is_empty() && !f.kinds.contains(&kind) {
            w.error(
                kspan,
                format!("{ctx}`{key}` does not apply to a {kind} step"),
            )
            .help = Some(format!(
                "`{key}` is for {} steps: remove it or change `kind`",
                f.kinds.join(" and ")
            ));
        }
    }
    for req in fields::required_for_kind(kind) {
        if !e.has(req) {
            let msg = format!("{ctx}a {kind} step needs `{req}`");
            w.error(e.span.clone(), msg).help = Some(format!("add `{req} = ...`: {}", doc_of(req)));
        }
    }
}

/// Where the step goes after it: `next`, `end = true` (never both) or the following step.
fn flow(w: &mut Walk, e: &Entries<'_, '_>, ctx: &str, ss: &mut StepOutline) -> Flow {
    let next = w.id(e, "next", false);
    let end = w.bool(e, "end");
    if let (Some(_), Some((true, end_span))) = (&next, &end) {
        w.error(
            end_span.clone(),
            format!("{ctx}has both `next` and `end = true`"),
        )
        .help = Some(
            "a step either jumps somewhere (`next`) or ends the runbook (`end`): keep one".into(),
        );
    }
    ss.next = next.clone();
    ss.end = matches!(end, Some((true, _)));
    match (next, end) {
        (Some((id, _)), _) => Flow::Jump(id),
        (None, Some((true, _))) => Flow::End,
        _ => Flow::Next,
    }
}

fn doc_of(field: &str) -> &'static str {
    fields::find(fields::STEP, field).map_or("", |f| f.doc)
}

fn step_kind(
    w: &mut Walk,
    e: &Entries<'_, '_>,
    kind: &str,
    ss: &mut StepOutline,
    tpl: &mut Vec<(Range<usize>, String)>,
) -> Option<StepKind> {
    let expect = templated(w.str(e, "expect"), tpl);
    Some(match kind {
        "action" => StepKind::Action,
        "check" => StepKind::Check { expect },
        "command" => {
            let command = w.str(e, "command");
            ss.command = command.clone();
            let command = templated(command, tpl)?;
            let timeout = w
                .duration(e, "timeout")
                .map_or(DEFAULT_COMMAND_TIMEOUT, |t| t.0);
            StepKind::Command {
                command,
                expect,
                timeout,
            }
        }
        "decision" => {
            let mut choices = Vec::new();
            let mut outline = Vec::new();
            let tables = w.table_list(e, "choices", Ty::ChoiceList);
            let count = tables.len();
            for (n, table, span) in tables {
                let ctx = format!("{}choice {n}: ", e.ctx);
                let c = w.entries(table, span.clone(), fields::CHOICE, ctx, "a choice");
                let label = w.req_str(&c, "label");
                ss.labels.extend(label.clone());
                let label = templated(label, tpl);
                let next = w.id(&c, "next", true);
                outline.push(next.clone());
                if let (Some(label), Some((next, _))) = (label, next) {
                    choices.push(Choice { label, next });
                }
            }
            ss.choices = Some(outline);
            if e.has("choices") && count < 2 {
                let span = e.get("choices").map_or(e.span.clone(), |v| v.span());
                w.error(span, format!("{}a decision needs at least two choices, found {count}", e.ctx))
                    .help = Some("add choices = [{ label = \"...\", next = \"step-id\" }, ...]; for a single path use a check with `next`".into());
                return None;
            }
            StepKind::Decision { choices }
        }
        "wait" => StepKind::Wait {
            duration: w.duration(e, "duration")?.0,
        },
        "comms" => StepKind::Comms {
            template: templated(w.str(e, "template"), tpl)?,
            every: w.duration(e, "every").map(|d| d.0),
        },
        _ => return None,
    })
}
