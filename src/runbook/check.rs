//! Whole-runbook rules, checked on the outline the walk recorded: unique step ids, jump
//! targets that exist, every loop has a way out, every step reachable, every `{{var}}`
//! declared. Graph walks are iterative, so a 10,000-step runbook cannot overflow the stack.

use super::command_vars::locate;
use super::parse::{Spans, StepOutline};
use super::suggest;
use super::walk::Walk;
use crate::domain::Dur;
use crate::domain::template::{Token, near_misses, scan};
use std::collections::{HashMap, VecDeque};

/// A step target longer than this is probably a typo (`5h` for `5m`).
const LONG_TARGET: Dur = Dur::from_secs(4 * 3600);

pub fn check(text: &str, spans: &Spans, w: &mut Walk) {
    let index = step_ids(spans, w);
    let succ = successors(spans, &index, w);
    flow(spans, &succ, w);
    vars(text, spans, w);
    super::command_vars::check(text, spans, w);
    super::slips::check(text, spans, w);
    for s in &spans.steps {
        if let (Some((d, span)), Some((id, _))) = (&s.target, &s.id)
            && *d > LONG_TARGET
        {
            w.warning(
                span.clone(),
                format!("step \"{id}\": target {d} is much longer than usual (over {LONG_TARGET})"),
            )
            .help = Some("targets are per step; check the unit (\"5m\", not \"5h\")".into());
        }
    }
    if spans.summary_missing {
        w.warning(
            spans.id.as_ref().map_or(0..0, |i| i.1.clone()),
            "runbook has no `summary`",
        )
        .help = Some(
            "add `summary = \"When to use this runbook...\"`: it is shown in the picker".into(),
        );
    }
}

/// Maps each id to its step index, reporting duplicates.
fn step_ids<'a>(spans: &'a Spans, w: &mut Walk) -> HashMap<&'a str, usize> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, s) in spans.steps.iter().enumerate() {
        let Some((id, span)) = &s.id else { continue };
        if let Some(&first) = index.get(id.as_str()) {
            w.error(
                span.clone(),
                format!(
                    "duplicate step id \"{id}\" (steps {} and {})",
                    first + 1,
                    i + 1
                ),
            )
            .help = Some("step ids must be unique within a runbook: rename one".into());
        } else {
            index.insert(id, i);
        }
    }
    index
}

/// Where each step can lead, after resolving its jumps.
struct Edges {
    to: Vec<usize>,
    /// A jump did not resolve: the step counts as an exit, so that one typo does not also
    /// raise a loop error.
    broken: bool,
}

/// Resolves every jump, reporting targets that do not exist.
fn successors(spans: &Spans, index: &HashMap<&str, usize>, w: &mut Walk) -> Vec<Edges> {
    let ids: Vec<&str> = index.keys().copied().collect();
    let resolve =
        |w: &mut Walk, who: &str, what: &str, target: &(String, std::ops::Range<usize>)| {
            let found = index.get(target.0.as_str()).copied();
            if found.is_none() {
                let hint = suggest::hint(&target.0, ids.iter().copied());
                w.error(
                    target.1.clone(),
                    format!(
                        "{who}: {what} jumps to \"{}\", which is not a step id{hint}",
                        target.0
                    ),
                );
            }
            found
        };
    let n = spans.steps.len();
    let mut out = Vec::with_capacity(n);
    for (i, s) in spans.steps.iter().enumerate() {
        let who = name(s, i);
        let mut e = Edges {
            to: Vec::new(),
            broken: false,
        };
        match (&s.choices, &s.next) {
            (Some(choices), _) => {
                for (c, t) in choices.iter().enumerate() {
                    match t
                        .as_ref()
                        .map(|t| resolve(w, &who, &format!("choice {}", c + 1), t))
                    {
                        Some(Some(j)) => e.to.push(j),
                        _ => e.broken = true,
                    }
                }
                e.broken |= choices.is_empty();
            }
            (None, Some(t)) => match resolve(w, &who, "`next`", t) {
                Some(j) => e.to.push(j),
                None => e.broken = true,
            },
            (None, None) if s.end || i + 1 == n => {}
            (None, None) => e.to.push(i + 1),
        }
        out.push(e);
    }
    out
}

fn name(s: &StepOutline, i: usize) -> String {
    s.id.as_ref().map_or(format!("step {}", i + 1), |(id, _)| {
        format!("step \"{id}\"")
    })
}

/// Loops without a way out are errors; steps that cannot be reached are warnings.
fn flow(spans: &Spans, succ: &[Edges], w: &mut Walk) {
    let n = succ.len();
    if n == 0 {
        return;
    }
    let edges = |i: usize| succ[i].to.as_slice();
    // Forward reachability from the first step.
    let reached = bfs(n, [0], |i| edges(i).to_vec());
    // Backward from every exit: steps that end the runbook, or whose jump is broken.
    let mut preds = vec![Vec::new(); n];
    for i in 0..n {
        for &j in edges(i) {
            preds[j].push(i);
        }
    }
    let exits: Vec<usize> = (0..n)
        .filter(|&i| succ[i].broken || succ[i].to.is_empty())
        .collect();
    let can_end = bfs(n, exits, |i| preds[i].clone());
    // Group trapped steps into loops and report each loop once, at its first step. One shared
    // `seen` array: every step is visited once, whatever the number of loops.
    let mut seen = vec![false; n];
    for start in 0..n {
        if can_end[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        let mut members = vec![start];
        let mut k = 0;
        while k < members.len() {
            let i = members[k];
            k += 1;
            for &j in edges(i).iter().chain(&preds[i]) {
                if !can_end[j] && !seen[j] {
                    seen[j] = true;
                    members.push(j);
                }
            }
        }
        members.sort_unstable();
        let ids: Vec<String> = members
            .iter()
            .take(7)
            .map(|&i| name(&spans.steps[i], i))
            .collect();
        let s = &spans.steps[start];
        let span = s.id.as_ref().map_or(s.span.clone(), |i| i.1.clone());
        let shown = if members.len() > 6 {
            format!(
                "{}, ... {} steps in all",
                ids[..6].join(", "),
                members.len()
            )
        } else {
            ids.join(", ")
        };
        w.error(
            span,
            format!("{} is in a loop with no way out ({shown})", name(s, start)),
        )
        .help = Some(
            "give the loop an exit: a decision choice or a `next` that leaves it, or `end = true`"
                .into(),
        );
    }
    // A broken jump hides where the flow was meant to go: unreachable steps would be guesses.
    if succ.iter().any(|e| e.broken) {
        return;
    }
    for (i, s) in spans.steps.iter().enumerate() {
        if !reached[i] {
            let span = s.id.as_ref().map_or(s.span.clone(), |i| i.1.clone());
            w.warning(span, format!("{} can never be reached", name(s, i)))
                .help = Some("no step leads here: add a `next` or a decision choice that jumps to it, or remove it".into());
        }
    }
}

fn bfs(
    n: usize,
    starts: impl IntoIterator<Item = usize>,
    next: impl Fn(usize) -> Vec<usize>,
) -> Vec<bool> {
    let mut seen = vec![false; n];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for s in starts {
        if !seen[s] {
            seen[s] = true;
            queue.push_back(s);
        }
    }
    while let Some(i) = queue.pop_front() {
        for j in next(i) {
            if !seen[j] {
                seen[j] = true;
                queue.push_back(j);
            }
        }
    }
    seen
}

/// `{{name}}` uses must be declared (each reported where it is written, a repeated one at
/// each place); declared variables should be used; `{{...}}` text that looks meant as a
/// placeholder but is not one is a warning.
fn vars(text: &str, spans: &Spans, w: &mut Walk) {
    let declared: Vec<&str> = spans.vars.iter().map(|v| v.0.as_str()).collect();
    let mut used = vec![false; declared.len()];
    for (span, value) in &spans.templated {
        let raw = text.get(span.clone()).unwrap_or("");
        // Placeholders are found in the decoded string (what is filled in at run time) and
        // pointed at in the source where they are written literally.
        let at = |offset: usize, len: usize| {
            locate(raw, value, offset, len)
                .map_or(span.clone(), |r| span.start + r.start..span.start + r.end)
        };
        for t in scan(value) {
            let Token::Placeholder { offset, len, name } = t else {
                continue;
            };
            match declared.iter().position(|d| *d == name) {
                Some(i) => used[i] = true,
                None => {
                    let hint = suggest::hint(name, declared.iter().copied());
                    w.error(
                        at(offset, len),
                        format!(
                            "{{{{{name}}}}} is used but no variable \"{name}\" is declared{hint}"
                        ),
                    )
                    .help = Some(format!(
                        "declare it: [vars.{name}] with prompt = \"...\"; or, for the literal text, write {{{{{{{{{name}}}}}}}}}"
                    ));
                }
            }
        }
        for (offset, len, word) in near_misses(value) {
            w.warning(
                at(offset, len),
                format!("{{{{{word}}}}} is not a placeholder (a variable name has only letters, digits and '_', not starting with a digit) and is shown as written"),
            )
            .help = Some(format!(
                "rename the variable, e.g. {{{{{}}}}}, or leave it if the text is meant literally",
                word.replace('-', "_")
            ));
        }
    }
    for (i, (name, span)) in spans.vars.iter().enumerate() {
        if !used[i] {
            w.warning(
                span.clone(),
                format!("variable \"{name}\" is declared but never used"),
            )
            .help = Some(format!(
                "use it as {{{{{name}}}}} in a step's text or command, or remove it"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::template::scan;
    use proptest::prelude::*;

    proptest! {
        /// Any text scans without panicking into ordered, non-overlapping tokens, each of
        /// which is a placeholder or escape by itself.
        #[test]
        fn scanning_is_total_and_ordered(s in "[{}a_1 .é\n-]{0,40}") {
            let mut last = 0;
            for t in scan(&s) {
                let r = t.range();
                prop_assert!(r.start >= last && r.end <= s.len());
                prop_assert_eq!(scan(&s[r.clone()]).len(), 1);
                last = r.end;
            }
        }
    }
}
