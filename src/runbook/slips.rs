//! Checks for the slips real translations make, which the structural rules let through: a
//! decision branch that falls through by file order into another branch, a `$NAME` shell
//! variable where a declared `{{name}}` was meant, two choices with the same label, and alert
//! names that can never match. Checked on the outline the walk recorded. The fall-through
//! analysis itself is on an abstract graph, so that `show` draws the same finding.

use super::command_vars::locate;
use super::parse::Spans;
use super::walk::Walk;
use std::collections::{HashMap, HashSet};

/// A branch that runs into another by file order: the step `from`, reached by choice
/// `choice` of decision `decision`, has no `next` or `end` and is followed in the file by
/// `into`, where choice `other` of the same decision leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FallThrough {
    pub decision: usize,
    pub choice: usize,
    pub from: usize,
    pub into: usize,
    pub other: usize,
}

/// Every fall-through between branches. `decisions` are each decision's step and its
/// choices' target steps (in choice order); `succ(i)` is where step `i` leads, each edge
/// flagged when it is the implicit "next in file order".
pub fn fall_throughs(
    decisions: &[(usize, Vec<usize>)],
    succ: &dyn Fn(usize) -> Vec<(usize, bool)>,
) -> Vec<FallThrough> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (d, targets) in decisions {
        for (c, &t) in targets.iter().enumerate() {
            let other_start = |v: usize| targets.iter().position(|&x| x == v && v != t);
            let mut visited = HashSet::from([t]);
            let mut queue = vec![t];
            while let Some(u) = queue.pop() {
                for (v, implicit) in succ(u) {
                    if v == *d {
                        continue;
                    }
                    if let Some(other) = other_start(v) {
                        if implicit && seen.insert((u, v)) {
                            out.push(FallThrough {
                                decision: *d,
                                choice: c,
                                from: u,
                                into: v,
                                other,
                            });
                        }
                        continue;
                    }
                    if visited.insert(v) {
                        queue.push(v);
                    }
                }
            }
        }
    }
    out.sort_by_key(|f| (f.from, f.into));
    out
}

/// The fall-throughs of a loaded runbook (for `show`).
pub fn runbook_fall_throughs(rb: &crate::domain::Runbook) -> Vec<FallThrough> {
    use crate::domain::{Flow, StepKind};
    let decisions: Vec<(usize, Vec<usize>)> = rb
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.kind {
            StepKind::Decision { choices } => Some((
                i,
                choices
                    .iter()
                    .filter_map(|c| rb.step_index(&c.next))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let succ = |i: usize| -> Vec<(usize, bool)> {
        let implicit = matches!(rb.steps[i].flow, Flow::Next)
            && !matches!(rb.steps[i].kind, StepKind::Decision { .. });
        rb.successors(i)
            .into_iter()
            .map(|j| (j, implicit))
            .collect()
    };
    fall_throughs(&decisions, &succ)
}

/// Runs every slip check.
pub fn check(text: &str, spans: &Spans, w: &mut Walk) {
    branches(spans, w);
    labels(spans, w);
    shell_vars(text, spans, w);
    alerts(spans, w);
}

fn branches(spans: &Spans, w: &mut Walk) {
    let steps = &spans.steps;
    let index: HashMap<&str, usize> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.id.as_ref().map(|id| (id.0.as_str(), i)))
        .collect();
    let resolve = |t: &Option<(String, std::ops::Range<usize>)>| {
        t.as_ref().and_then(|t| index.get(t.0.as_str()).copied())
    };
    let decisions: Vec<(usize, Vec<usize>)> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let c = s.choices.as_ref()?;
            Some((i, c.iter().filter_map(resolve).collect()))
        })
        .collect();
    let succ = |i: usize| -> Vec<(usize, bool)> {
        let s = &steps[i];
        match (&s.choices, &s.next) {
            (Some(c), _) => c.iter().filter_map(resolve).map(|j| (j, false)).collect(),
            (None, Some(_)) => resolve(&s.next).map(|j| (j, false)).into_iter().collect(),
            (None, None) if s.end || i + 1 >= steps.len() => Vec::new(),
            (None, None) => vec![(i + 1, true)],
        }
    };
    let name = |i: usize| {
        steps[i]
            .id
            .as_ref()
            .map_or(format!("step {}", i + 1), |id| format!("step \"{}\"", id.0))
    };
    let label = |d: usize, c: usize| {
        steps[d]
            .labels
            .get(c)
            .map_or(format!("choice {}", c + 1), |l| {
                format!("choice {} \"{}\"", c + 1, super::sanitize::visible(&l.0))
            })
    };
    for f in fall_throughs(&decisions, &succ) {
        let s = &steps[f.from];
        let span = s.id.as_ref().map_or(s.span.clone(), |i| i.1.clone());
        let into = name(f.into);
        w.warning(
            span,
            format!(
                "{} ({} of decision {}) falls through by file order into {into}, where {} leads",
                name(f.from),
                label(f.decision, f.choice),
                name(f.decision).trim_start_matches("step "),
                label(f.decision, f.other),
            ),
        )
        .help = Some(format!(
            "end the branch where it should end: `next = \"...\"` or `end = true`; if it is meant to continue into {into}, say so with `next`"
        ));
    }
}

/// Two choices of one decision with the same label cannot be told apart.
fn labels(spans: &Spans, w: &mut Walk) {
    for s in &spans.steps {
        let mut seen: Vec<String> = Vec::new();
        for (label, span) in &s.labels {
            let key = label.trim().to_lowercase();
            if seen.contains(&key) {
                let id = s.id.as_ref().map_or("?", |i| i.0.as_str());
                w.error(
                    span.clone(),
                    format!(
                        "step \"{id}\": two choices are labelled \"{}\"",
                        super::sanitize::visible(label.trim())
                    ),
                )
                .help = Some(
                    "labels pick the choice (in the app and in `runbook decide`): make each one say where it leads".into(),
                );
            } else {
                seen.push(key);
            }
        }
    }
}

/// `$NAME` or `${NAME}` in a command where a variable `name` is declared: the shell sees an
/// unset variable, not the value asked for at start.
fn shell_vars(text: &str, spans: &Spans, w: &mut Walk) {
    let declared: Vec<&str> = spans.vars.iter().map(|v| v.0.as_str()).collect();
    for s in &spans.steps {
        let (Some((command, span)), Some((id, _))) = (&s.command, &s.id) else {
            continue;
        };
        let raw = text.get(span.clone()).unwrap_or("");
        for (at, len, word) in shell_refs(command) {
            let Some(var) = declared.iter().find(|d| d.eq_ignore_ascii_case(word)) else {
                continue;
            };
            if sets(command, word) || spans.env.iter().any(|e| e.0 == word) {
                continue;
            }
            let pos = locate(raw, command, at, len)
                .map_or(span.clone(), |r| span.start + r.start..span.start + r.end);
            w.warning(
                pos,
                format!(
                    "step \"{id}\": the command uses the shell variable ${word}, which is not set when it runs; the variable \"{var}\" is filled in only as {{{{{var}}}}}"
                ),
            )
            .help = Some(format!(
                "write {{{{{var}}}}} instead, or export it to every command with [env] {word} = \"{{{{{var}}}}}\""
            ));
        }
    }
}

/// Every `$NAME` and `${NAME...}` in `s`: offset, length of the reference, the name.
fn shell_refs(s: &str) -> Vec<(usize, usize, &str)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let braced = b.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        let mut j = start;
        while b
            .get(j)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            j += 1;
        }
        let word = &s[start..j];
        if word.bytes().next().is_some_and(|c| !c.is_ascii_digit()) {
            out.push((
                i,
                j - i + usize::from(braced && b.get(j) == Some(&b'}')),
                word,
            ));
        }
        i = j.max(i + 1);
    }
    out
}

/// True when the command itself sets `name` (`name=`, `for name in`, `read name`).
fn sets(command: &str, name: &str) -> bool {
    command.contains(&format!("{name}="))
        || command.contains(&format!("for {name} "))
        || command
            .split(['\n', ';', '|', '&'])
            .any(|part| part.trim_start().starts_with("read ") && part.contains(name))
}

/// Alert names are single words (globs allowed): a space or a label matcher never matches.
fn alerts(spans: &Spans, w: &mut Walk) {
    for (name, span) in &spans.alerts {
        let problem = if name.contains(['{', '=', '"']) {
            "holds a label matcher: alerts are matched by name only"
        } else if name.chars().any(char::is_whitespace) {
            "has a space: alert names are single words"
        } else if name.is_empty() {
            "is empty"
        } else if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_:*?-.".contains(c))
        {
            "has characters no alert name has"
        } else {
            continue;
        };
        let shown = super::sanitize::visible(name);
        let bare: String = name
            .split(['{', ' '])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        w.warning(span.clone(), format!("alert \"{shown}\" {problem}"))
            .help = Some(if bare.is_empty() {
            "list the alert's name, e.g. \"KubePodCrashLooping\" (`*` and `?` are wildcards)".into()
        } else {
            format!(
                "list the name alone, \"{}\"; labels are matched by `runbook match NAME LABEL=VALUE` and filled in with from_label",
                super::sanitize::visible(&bare)
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_references_are_found() {
        let r: Vec<&str> = shell_refs(r"echo $NODE ${ns:-x} $1 \$HOME $")
            .into_iter()
            .map(|r| r.2)
            .collect();
        assert_eq!(r, vec!["NODE", "ns"]);
        assert_eq!(shell_refs("${ns}")[0], (0, 5, "ns"));
    }

    #[test]
    fn a_branch_falling_into_the_next_branch_is_found_once() {
        // 0 decides: 1 or 3; 1 -> 2 (implicit), 2 -> 3 (implicit: falls into the other
        // branch), 3 -> 4 end.
        let succ = |i: usize| match i {
            0 => vec![(1, false), (3, false)],
            1 => vec![(2, true)],
            2 => vec![(3, true)],
            3 => vec![(4, true)],
            _ => vec![],
        };
        let f = fall_throughs(&[(0, vec![1, 3])], &succ);
        assert_eq!(
            f,
            vec![FallThrough {
                decision: 0,
                choice: 0,
                from: 2,
                into: 3,
                other: 1
            }]
        );
        // An explicit jump into the other branch is what the author said.
        let succ2 = |i: usize| if i == 2 { vec![(3, false)] } else { succ(i) };
        assert!(fall_throughs(&[(0, vec![1, 3])], &succ2).is_empty());
    }
}
