//! Lists in a runbook's sections made steps: a list of items with commands becomes one command
//! step per item, a list without becomes a check step's checklist, and a list of causes
//! becomes a decision whose every branch ends explicitly (resolved later by `@after`).

use super::words::{plain_words, short, title_of};
use super::{AFTER, Builder, push_para};
use crate::runbook::import::blocks::Item;
use crate::runbook::import::cmd;
use crate::runbook::import::emit::{FlowD, Kind, StepDraft};
use crate::runbook::import::prep::fence;

impl Builder {
    /// Items with commands become command steps; runs of items without, one checklist.
    pub(super) fn list(&mut self, items: &[Item]) {
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
    pub(super) fn checklist(&mut self, items: &mut Vec<String>) {
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
    pub(super) fn decision(&mut self, items: &[Item]) {
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

/// A list reads as causes when the words before it (or its heading) say so, it has two or
/// more items, and none holds a command.
pub(super) fn is_cause_list(items: &[Item], prev: Option<&str>, group: Option<&str>) -> bool {
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
