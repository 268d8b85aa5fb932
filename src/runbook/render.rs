//! A runbook as readable text (`runbook show`): header, variables, then the steps, with each
//! decision drawn as a tree of its choices and where they lead. All runbook text is sanitised.

use super::sanitize::{visible, visible_lines};
use crate::domain::{Flow, Runbook, StepKind};
use std::fmt::Write as _;

pub fn show(rb: &Runbook, origin: &str) -> String {
    let mut o = String::new();
    head(&mut o, rb, origin);
    let _ = writeln!(o, "\nSteps");
    let width = rb.steps.len().to_string().len();
    let pad = " ".repeat(width + 4);
    let falls = super::slips::runbook_fall_throughs(rb);
    for i in 0..rb.steps.len() {
        step(&mut o, rb, i, &pad, width, &falls);
    }
    o
}

/// The runbook's own fields: ids, owners, summary, about, environment, links, variables.
fn head(o: &mut String, rb: &Runbook, origin: &str) {
    let _ = writeln!(o, "{}  {}", rb.id, visible(&rb.title));
    let _ = writeln!(
        o,
        "type: {}   severity: {}   source: {}",
        rb.incident_type,
        rb.severity,
        visible(origin)
    );
    for (label, items) in [
        ("owners", &rb.owners),
        ("alerts", &rb.alerts),
        ("tags", &rb.tags),
    ] {
        if !items.is_empty() {
            let _ = writeln!(o, "{label}: {}", visible(&items.join(", ")));
        }
    }
    if let Some(s) = &rb.summary {
        let _ = writeln!(o, "\n{}", visible_lines(s.trim_end()));
    }
    if let Some(about) = &rb.about {
        let _ = writeln!(o, "\nAbout");
        for line in super::markdown::plain_wrapped(about, 98) {
            let _ = writeln!(o, "  {line}");
        }
    }
    if !rb.env.is_empty() {
        let _ = writeln!(o, "\nEnvironment (exported to every command step)");
        for (k, v) in &rb.env {
            let _ = writeln!(o, "  {k}={}", visible(v));
        }
    }
    for l in &rb.links {
        let _ = writeln!(o, "link: {} <{}>", visible(&l.title), visible(&l.url));
    }
    if !rb.vars.is_empty() {
        let _ = writeln!(o, "\nVariables");
        for v in &rb.vars {
            let mut extra = Vec::new();
            match &v.default {
                Some(d) => extra.push(format!("default {}", visible(d))),
                None => extra.push("required".into()),
            }
            if let Some(p) = &v.pattern {
                extra.push(format!("pattern {}", visible(p)));
            }
            let _ = writeln!(
                o,
                "  {:<14} {}  ({})",
                v.name,
                visible(&v.prompt),
                extra.join(", ")
            );
        }
    }
}

/// One step: its heading, text, checklist, what its kind does, links and where it goes.
fn step(
    o: &mut String,
    rb: &Runbook,
    i: usize,
    pad: &str,
    width: usize,
    falls: &[super::slips::FallThrough],
) {
    let s = &rb.steps[i];
    let mut tags = vec![s.kind.name().to_string()];
    if let Some(r) = &s.role {
        tags.push(r.clone());
    }
    if let Some(t) = s.target {
        tags.push(format!("target {t}"));
    }
    if let Some(m) = s.milestone {
        tags.push(format!("milestone {m}"));
    }
    if s.requires_signoff {
        tags.push("sign-off".into());
    }
    let _ = writeln!(
        o,
        "  {:>width$}. {}  [{}]",
        i + 1,
        s.id,
        visible(&tags.join(", "))
    );
    let _ = writeln!(o, "{pad}{}", visible(&s.title));
    if let Some(b) = &s.body {
        for line in super::markdown::plain_wrapped(b, 96) {
            let _ = writeln!(o, "{pad}  {line}");
        }
    }
    for c in &s.checklist {
        let _ = writeln!(o, "{pad}[ ] {}", visible(c));
    }
    kind(o, rb, s, pad);
    for l in &s.links {
        let _ = writeln!(o, "{pad}link: {} <{}>", visible(&l.title), visible(&l.url));
    }
    if !matches!(s.kind, StepKind::Decision { .. }) {
        match &s.flow {
            Flow::Jump(id) => {
                let _ = writeln!(o, "{pad}→ {}", target(rb, id));
            }
            Flow::End => {
                let _ = writeln!(o, "{pad}■ end");
            }
            Flow::Next if i + 1 == rb.steps.len() => {
                let _ = writeln!(o, "{pad}■ end");
            }
            Flow::Next => {
                if let Some(f) = falls.iter().find(|f| f.from == i) {
                    let _ = writeln!(
                        o,
                        "{pad}↓ falls through into {}: the other branch of \"{}\" (warning)",
                        target(rb, &rb.steps[f.into].id),
                        rb.steps[f.decision].id
                    );
                }
            }
        }
    }
}

fn target(rb: &Runbook, id: &str) -> String {
    match rb.step_index(id) {
        Some(j) => format!("{} ({}. {})", id, j + 1, visible(&rb.steps[j].title)),
        None => id.to_string(),
    }
}

/// What the step's kind adds: the command, the expectation, the wait, the message or the
/// choices.
fn kind(o: &mut String, rb: &Runbook, s: &crate::domain::Step, pad: &str) {
    match &s.kind {
        StepKind::Command {
            command,
            expect,
            timeout,
        } => {
            let _ = writeln!(o, "{pad}$ {}   (timeout {timeout})", visible(command));
            if let Some(e) = expect {
                let _ = writeln!(o, "{pad}expect: {}", visible(e));
            }
        }
        StepKind::Check { expect: Some(e) } => {
            let _ = writeln!(o, "{pad}expect: {}", visible(e));
        }
        StepKind::Wait { duration } => {
            let _ = writeln!(o, "{pad}wait {duration}");
        }
        StepKind::Comms { template, every } => {
            let every = every.map_or(String::new(), |e| format!(" (every {e})"));
            let _ = writeln!(o, "{pad}message{every}:");
            for line in template.trim_end().lines() {
                let _ = writeln!(o, "{pad}  {}", visible(line));
            }
        }
        StepKind::Decision { choices } => {
            for (n, c) in choices.iter().enumerate() {
                let branch = if n + 1 == choices.len() {
                    "└─"
                } else {
                    "├─"
                };
                let _ = writeln!(
                    o,
                    "{pad}{branch} {}. {} → {}",
                    n + 1,
                    visible(&c.label),
                    target(rb, &c.next)
                );
            }
        }
        _ => {}
    }
}
