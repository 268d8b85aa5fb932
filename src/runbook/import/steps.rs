//! Diagnosis and Mitigation sections made steps. Prose gathers into the body of the step it
//! leads to; shell code becomes a command step (or, when it needs a person at a terminal, an
//! action showing it); other code stays in a body; a list of items with commands becomes one
//! command step per item, a list without becomes a check step's checklist, and a list of
//! causes becomes a decision whose every branch ends explicitly. Pure.

use super::Section;
use super::blocks::{Block, Item};
use super::cmd::{self, Needed};
use super::emit::{FlowD, Kind, StepDraft};
use super::prep::{Sections, fence};

/// What the steps came to.
#[derive(Default)]
pub struct Built {
    pub steps: Vec<StepDraft>,
    pub vars: Vec<Needed>,
    pub guessed: Vec<String>,
}

/// Where a decision's "none of these" and its branches go: resolved once all steps exist.
pub const AFTER: &str = "@after";

#[derive(Default)]
struct Builder {
    out: Built,
    body: Vec<String>,
    group: Option<String>,
    phase: &'static str,
    todo: usize,
}

pub fn build(s: &Sections, dropped: &mut Vec<String>) -> Built {
    let mut b = Builder::default();
    for p in &s.parts {
        b.phase = match p.section {
            Section::Diagnosis => "Diagnose",
            Section::Mitigation => "Mitigate",
            _ => continue,
        };
        b.group = None;
        let mut prev_para: Option<&str> = None;
        for block in &p.blocks {
            b.block(block, prev_para);
            prev_para = match block {
                Block::Para(t) => Some(t),
                _ => None,
            };
        }
        b.flush(None);
    }
    if b.todo > 0 {
        dropped.push(format!(
            "{} TODO stub(s): code blocks with no command yet",
            b.todo
        ));
    }
    resolve_after(&mut b.out.steps);
    b.out
}

/// The step made when the source has no steps at all.
pub fn review_step() -> StepDraft {
    StepDraft {
        title: "Read what the runbook says (in `about`) and act on it".into(),
        kind: Kind::Action,
        body: "The Markdown this runbook was imported from has no Diagnosis or Mitigation steps."
            .into(),
        ..StepDraft::default()
    }
}

impl Builder {
    fn block(&mut self, block: &Block, prev_para: Option<&str>) {
        match block {
            Block::Heading { text, .. } => {
                self.flush(None);
                self.group = Some(plain_words(text));
            }
            Block::Para(t) => self.body.push(t.clone()),
            Block::Code { body, .. } if todo_only(body) => {
                self.todo += 1;
                self.body
                    .push("(The source has a TODO here: no command yet.)".into());
            }
            Block::Code { lang, body } if cmd::is_shell(lang, body) => self.shell(lang, body, None),
            Block::Code { lang, body } => self.body.push(fence(lang, body)),
            Block::List { items, .. } if is_cause_list(items, prev_para, self.group.as_deref()) => {
                self.decision(items)
            }
            Block::List { items, .. } => self.list(items),
            Block::Other(t) => self.body.push(t.clone()),
        }
    }

    /// Gathered prose becomes an action step (titled `title`, else by its words).
    fn flush(&mut self, title: Option<String>) {
        if self.body.is_empty() {
            return;
        }
        let parts = std::mem::take(&mut self.body);
        let prose = parts
            .iter()
            .find(|p| !p.starts_with("```") && !p.starts_with('|'));
        let title = title
            .or_else(|| self.group.take())
            .or_else(|| prose.map(|p| title_of(p, self.phase)))
            .unwrap_or_else(|| format!("{}: read this", self.phase));
        let body = parts.join("\n\n");
        self.push(StepDraft {
            title,
            kind: Kind::Action,
            body,
            ..StepDraft::default()
        });
    }

    fn push(&mut self, s: StepDraft) {
        self.out.steps.push(s);
    }

    /// A shell block: a command step with the prose before it, or an action showing it.
    fn shell(&mut self, lang: &str, body: &str, title: Option<String>) {
        let Some(sh) = cmd::shell(body) else {
            self.todo += 1;
            self.body
                .push("(The source has a TODO here: no command yet.)".into());
            return;
        };
        let intro = std::mem::take(&mut self.body);
        let title = title
            .or_else(|| intro.last().map(|t| title_of(t, self.phase)))
            .or_else(|| self.group.take())
            .unwrap_or_else(|| format!("Run {}", first_words(&sh.command)));
        let mut text = intro.join("\n\n");
        for n in sh.needs {
            if !self.out.vars.iter().any(|v| v.name == n.name) {
                self.out.vars.push(n);
            }
        }
        if sh.interactive {
            self.out.guessed.push(format!(
                "step \"{}\" is an action showing its code, not a command step: it needs a person at a terminal",
                plain_words(&title)
            ));
            // Shown as written: the prose pass escapes it and fills its variables.
            push_para(&mut text, &fence(lang, &sh.raw));
            self.push(StepDraft {
                title,
                kind: Kind::Action,
                body: text,
                ..StepDraft::default()
            });
            return;
        }
        if !sh.output.is_empty() {
            push_para(
                &mut text,
                &format!("Output looks like:\n\n{}", fence("", &sh.output.join("\n"))),
            );
        }
        self.push(StepDraft {
            title,
            kind: Kind::Command(sh.command),
            body: text,
            ..StepDraft::default()
        });
    }

    /// Items with commands become command steps; runs of items without, one checklist.
    fn list(&mut self, items: &[Item]) {
        let mut checklist: Vec<String> = Vec::new();
        for it in items {
            let shell_code = it.code.iter().find(|(l, b)| cmd::is_shell(l, b));
            let inline = it
                .inline_code
                .iter()
                .find(|c| cmd::is_shell("", c) && c.contains(' '));
            if shell_code.is_none() && inline.is_none() {
                let mut line = plain_words(&it.text).trim_end_matches(':').to_string();
                if !it.sub.is_empty() {
                    let subs: Vec<String> = it.sub.iter().map(|s| plain_words(s)).collect();
                    line.push_str(&format!(": {}", subs.join("; ")));
                }
                for (lang, body) in &it.code {
                    self.body.push(fence(lang, body));
                }
                if !line.trim().is_empty() {
                    checklist.push(line);
                }
                continue;
            }
            self.checklist(&mut checklist);
            self.body.push(it.text.clone());
            for (lang, body) in it.code.iter().filter(|c| Some(*c) != shell_code) {
                self.body.push(fence(lang, body));
            }
            let title = Some(title_of(&it.text, self.phase));
            match (shell_code, inline) {
                (Some((lang, body)), _) => self.shell(lang, body, title),
                (None, Some(code)) => self.shell("sh", code, title),
                (None, None) => {}
            }
        }
        self.checklist(&mut checklist);
    }

    /// A gathered checklist becomes a check step, titled by the prose before it.
    fn checklist(&mut self, items: &mut Vec<String>) {
        if items.is_empty() {
            return;
        }
        let intro = std::mem::take(&mut self.body);
        if intro.is_empty() && items.len() == 1 {
            let only = items.remove(0);
            self.push(StepDraft {
                title: short(&only, 72),
                kind: Kind::Check,
                body: only,
                ..StepDraft::default()
            });
            return;
        }
        let title = intro
            .last()
            .map(|t| title_of(t, self.phase))
            .or_else(|| self.group.take())
            .unwrap_or_else(|| format!("{}: check each of these", self.phase));
        self.push(StepDraft {
            title,
            kind: Kind::Check,
            body: intro.join("\n\n"),
            checklist: std::mem::take(items),
            ..StepDraft::default()
        });
    }

    /// A list of causes: a decision, each cause a branch that then goes on (or ends).
    fn decision(&mut self, items: &[Item]) {
        let intro = std::mem::take(&mut self.body);
        let title = intro
            .last()
            .map(|t| title_of(t, self.phase))
            .or_else(|| self.group.take())
            .unwrap_or_else(|| "Which of these is the cause?".into());
        let mut branches = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        for it in items.iter().take(12) {
            let mut label = short(&plain_words(&it.text), 60);
            let mut n = 2;
            while labels.iter().any(|l| l.eq_ignore_ascii_case(&label)) {
                label = format!("{} ({n})", short(&plain_words(&it.text), 54));
                n += 1;
            }
            labels.push(label);
            let mut body = it.text.clone();
            for sub in &it.sub {
                body.push_str(&format!("\n- {sub}"));
            }
            for (lang, code) in &it.code {
                push_para(&mut body, &fence(lang, code));
            }
            branches.push(StepDraft {
                title: format!("Cause: {}", short(&plain_words(&it.text), 70)),
                kind: Kind::Action,
                body,
                flow: FlowD::Jump(AFTER.into()),
                branch: true,
                ..StepDraft::default()
            });
        }
        let d = self.out.steps.len();
        let mut choices: Vec<(String, String)> = labels
            .into_iter()
            .enumerate()
            .map(|(i, l)| (l, format!("@{}", d + 1 + i)))
            .collect();
        choices.push(("None of these, or not sure".into(), AFTER.into()));
        self.out.guessed.push(format!(
            "a decision \"{}\" from a list of {} causes: each branch goes on to the next steps",
            plain_words(&title),
            branches.len()
        ));
        self.push(StepDraft {
            title,
            kind: Kind::Decision(choices),
            body: intro.join("\n\n"),
            ..StepDraft::default()
        });
        for b in branches {
            self.push(b);
        }
    }
}

/// A code block of comments only, saying TODO: a stub.
fn todo_only(body: &str) -> bool {
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    !lines.is_empty()
        && lines
            .iter()
            .all(|l| l.starts_with('#') || l.starts_with("//"))
        && lines.iter().any(|l| {
            let l = l.to_lowercase();
            l.contains("todo") || l.contains("tbd") || l.contains("fixme")
        })
}

/// A list reads as causes when the words before it (or its heading) say so, it has two or
/// more items, and none holds a command.
fn is_cause_list(items: &[Item], prev: Option<&str>, group: Option<&str>) -> bool {
    let says = |t: &str| {
        let t = t.to_lowercase();
        [
            "cause",
            "reason",
            "why",
            "could be",
            "may be due",
            "possible",
            "common",
        ]
        .iter()
        .any(|w| t.contains(w))
    };
    items.len() >= 2
        && (prev.is_some_and(says) || group.is_some_and(says))
        && items.iter().all(|i| {
            i.code.is_empty()
                && !i
                    .inline_code
                    .iter()
                    .any(|c| cmd::is_shell("", c) && c.contains(' '))
        })
}

/// Gives each `@after` the id of the first step after the branches, or ends them; a
/// decision's last choice needs a step, so one is added when nothing follows.
fn resolve_after(steps: &mut Vec<StepDraft>) {
    if steps
        .iter()
        .any(|s| matches!(&s.flow, FlowD::Jump(t) if t == AFTER))
        && steps.last().is_some_and(|s| s.branch)
    {
        steps.push(StepDraft {
            title: "Record what was found, and escalate if no cause fits".into(),
            kind: Kind::Action,
            ..StepDraft::default()
        });
    }
    let n = steps.len();
    for i in 0..n {
        let after = (i + 1..n).find(|&j| !steps[j].branch);
        if let Kind::Decision(choices) = &mut steps[i].kind {
            for (_, t) in choices.iter_mut().filter(|(_, t)| t == AFTER) {
                // There is always a step after a decision's branches (added above).
                *t = after.map_or(format!("@{}", n - 1), |j| format!("@{j}"));
            }
        }
        if matches!(&steps[i].flow, FlowD::Jump(t) if t == AFTER) {
            steps[i].flow = match after {
                Some(j) => FlowD::Jump(format!("@{j}")),
                None => FlowD::End,
            };
        }
    }
}

fn push_para(text: &mut String, p: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(p);
}

/// Markdown made plain words on one line: code ticks, emphasis, link targets gone.
pub fn plain_words(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '*' => {}
            ']' if chars.peek() == Some(&'(') => {
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                }
            }
            '[' => {}
            '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A step title from prose: its first sentence, at most 72 characters.
pub fn title_of(md: &str, phase: &str) -> String {
    let words = plain_words(md);
    let first = words
        .split_inclusive(['.', ':', '?', '!'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches([':', '.'])
        .trim();
    if first.is_empty() {
        return phase.to_string();
    }
    short(first, 72)
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max - 3).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}...")
}

fn first_words(command: &str) -> String {
    short(command.lines().next().unwrap_or("the command").trim(), 50)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_first_sentences_in_plain_words() {
        assert_eq!(
            title_of(
                "Check the `kubelet` logs on [the node](https://x). Then more.",
                "D"
            ),
            "Check the kubelet logs on the node"
        );
        assert_eq!(title_of("", "Mitigate"), "Mitigate");
        assert_eq!(plain_words("a_b *c* `d`"), "a_b c d");
        assert!(title_of(&"word ".repeat(40), "D").chars().count() <= 72);
    }
}
