//! Diagnosis and Mitigation sections made steps. Prose gathers into the body of the step it
//! leads to; shell code becomes a command step (or, when it needs a person at a terminal, an
//! action showing it); other code stays in a body; a list of items with commands becomes one
//! command step per item, a list without becomes a check step's checklist, and a list of
//! causes becomes a decision whose every branch ends explicitly. Pure.
//!
//! Here: `build`, the walk over blocks, prose and shell code; lists (commands per item,
//! checklists, causes made a decision) are `lists`, and making titles and plain words from
//! Markdown is `words`.

mod lists;
mod words;

pub use words::{plain_words, title_of};

use lists::is_cause_list;
use words::first_words;

use super::Section;
use super::blocks::Block;
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
