//! `runbook actions` (action items across incidents, for people and for trackers) and its
//! headless twin `runbook action done|reopen|owner|link ITEM` (an `action_item_updated`
//! record in the item's incident).
//!
//! An item is named `INC#N`: its incident (an id or a unique start of one) and the `seq` of
//! its note. Must never: list an item of a journal it could not read whole without saying so
//! on stderr, or let journal text reach a terminal raw (tables go through `visible`, JSON
//! through `safe_pretty`'s escapes, CSV through `stats::render::cell`).

use super::context::Ctx;
use crate::cli::At;
use crate::domain::event::Known;
use crate::runbook::sanitize::{visible, visible_lines};
use crate::stats::render::cell;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

/// `runbook actions` arguments.
#[derive(Args, Debug, Clone)]
#[command(group(clap::ArgGroup::new("out").args(["json", "csv", "format"])))]
pub struct ActionsArgs {
    /// Only items not marked done.
    #[arg(long)]
    pub open: bool,
    /// A JSON array of the items.
    #[arg(long)]
    pub json: bool,
    /// The columns Jira's CSV import reads (Summary, Description, Assignee, Reporter,
    /// Labels, Status, Created).
    #[arg(long)]
    pub csv: bool,
    /// `github`: one JSON document per line, the body of GitHub's "create an issue" call.
    #[arg(long, value_enum)]
    pub format: Option<ActionsFormat>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionsFormat {
    /// `{"title", "body", "labels"}` per line, for `gh api repos/OWNER/REPO/issues --input -`.
    Github,
}

/// `runbook action`: follow an action item up.
#[derive(Subcommand, Debug, Clone)]
pub enum ActionWhat {
    /// Mark it done.
    Done {
        item: OsString,
        #[command(flatten)]
        at: At,
    },
    /// Mark it not done again.
    Reopen {
        item: OsString,
        #[command(flatten)]
        at: At,
    },
    /// Give it an owner.
    Owner {
        item: OsString,
        person: String,
        #[command(flatten)]
        at: At,
    },
    /// Record where it is tracked (an http or https URL).
    Link {
        item: OsString,
        url: String,
        #[command(flatten)]
        at: At,
    },
}

/// One action item, with its incident.
struct Item {
    incident: String,
    title: String,
    runbook: String,
    drill: bool,
    note: crate::domain::incident::Note,
}

impl Item {
    fn id(&self) -> String {
        format!("{}#{}", self.incident, self.note.seq)
    }

    fn stamp(&self) -> String {
        self.note
            .at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    fn json(&self) -> Value {
        json!({
            "id": self.id(), "incident": self.incident, "incident_title": self.title,
            "runbook": self.runbook, "drill": self.drill, "note": self.note.seq,
            "text": self.note.text, "author": self.note.by, "at": self.stamp(),
            "done": self.note.done, "owner": self.note.owner, "link": self.note.link,
        })
    }

    fn labels(&self) -> Vec<String> {
        let mut l = vec![
            "postmortem-action".to_string(),
            format!("runbook:{}", self.runbook),
        ];
        if self.drill {
            l.push("drill".to_string());
        }
        l
    }

    fn body(&self) -> String {
        let mut b = format!(
            "From incident {} ({}), noted by {} at {}.\n\nrunbook export {} writes its postmortem draft.",
            self.incident,
            self.title,
            self.note.by,
            self.stamp(),
            self.incident
        );
        if let Some(link) = &self.note.link {
            b.push_str(&format!("\n\nTracked at: {link}"));
        }
        b
    }

    fn github(&self) -> Value {
        json!({ "title": summary(&self.note.text), "body": self.body(), "labels": self.labels() })
    }
}

/// An issue title: the note without its `TODO:`, on one line, at most 200 characters.
fn summary(text: &str) -> String {
    let t = text.trim();
    let t = if crate::domain::incident::is_todo(t) {
        t[5..].trim_start()
    } else {
        t
    };
    let one: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    one.chars().take(200).collect()
}

pub fn actions(cx: &Ctx, a: &ActionsArgs) -> anyhow::Result<ExitCode> {
    let (sessions, broken) = cx.store.all();
    for (id, why) in &broken {
        eprintln!(
            "runbook: actions: cannot read incident {id}: {}",
            visible_lines(why)
        );
    }
    let mut items = Vec::new();
    for s in &sessions {
        if !s.problems.is_empty() {
            eprintln!(
                "runbook: actions: incident {} is left out, its journal is not whole: {}",
                s.id,
                visible_lines(&s.notices.join("; "))
            );
            continue;
        }
        let i = &s.incident;
        items.extend(
            i.action_items()
                .filter(|n| !a.open || !n.done)
                .map(|n| Item {
                    incident: s.id.to_string(),
                    title: i.title.clone(),
                    runbook: i.runbook.id.clone(),
                    drill: i.drill,
                    note: n.clone(),
                }),
        );
    }
    items.sort_by(|x, y| x.note.at.cmp(&y.note.at).then(x.id().cmp(&y.id())));
    let text = if a.json {
        let all: Vec<Value> = items.iter().map(Item::json).collect();
        format!("{}\n", crate::export::json::safe_pretty(&all))
    } else if a.format == Some(ActionsFormat::Github) {
        let lines: Vec<String> = items
            .iter()
            .map(|i| crate::export::json::safe_pretty(&i.github()).replace('\n', ""))
            .collect();
        lines.iter().map(|l| format!("{l}\n")).collect()
    } else if a.csv {
        jira_csv(&items)
    } else {
        table(&items)
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}

fn table(items: &[Item]) -> String {
    if items.is_empty() {
        return "no action items\n".to_string();
    }
    let mut out = String::new();
    for i in items {
        let mark = if i.note.done { "[x]" } else { "[ ]" };
        let owner = i
            .note
            .owner
            .as_deref()
            .map_or(String::new(), |o| format!("  owner {}", visible(o)));
        let link = i
            .note
            .link
            .as_deref()
            .map_or(String::new(), |l| format!("  {}", visible(l)));
        out.push_str(&format!(
            "{mark} {}  {}  {}  {}{owner}{link}\n",
            i.id(),
            visible(&i.note.by),
            i.stamp(),
            visible(&i.note.text)
        ));
    }
    out
}

/// Jira's CSV import: Summary (required), Description, Assignee, Reporter, Labels (one
/// column per label), Status, Created (`yyyy-MM-dd HH:mm`, UTC).
fn jira_csv(items: &[Item]) -> String {
    let mut out =
        "Summary,Description,Assignee,Reporter,Labels,Labels,Labels,Status,Created\r\n".to_string();
    for i in items {
        let labels = i.labels();
        let label = |n: usize| labels.get(n).map_or(String::new(), |l| cell(l));
        let row = [
            cell(&summary(&i.note.text)),
            cell(&i.body()),
            i.note.owner.as_deref().map_or(String::new(), cell),
            cell(&i.note.by),
            label(0),
            label(1),
            label(2),
            if i.note.done { "Done" } else { "To Do" }.to_string(),
            i.note.at.format("%Y-%m-%d %H:%M").to_string(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// `runbook action ...`: one `action_item_updated` record in the item's incident.
pub fn action(cx: &Ctx, what: &ActionWhat) -> anyhow::Result<ExitCode> {
    let (item, at, event) = match what {
        ActionWhat::Done { item, at } => (item, at, update(None, None, Some(true))),
        ActionWhat::Reopen { item, at } => (item, at, update(None, None, Some(false))),
        ActionWhat::Owner { item, person, at } => (item, at, update(Some(person), None, None)),
        ActionWhat::Link { item, url, at } => (item, at, update(None, Some(url), None)),
    };
    let text = item.to_str().ok_or_else(|| {
        super::usage(format!(
            "\"{}\" is not an action item (INC#N)",
            visible(&item.to_string_lossy())
        ))
    })?;
    let (inc, n) = text
        .rsplit_once('#')
        .and_then(|(inc, n)| Some((inc, n.parse::<u64>().ok()?)))
        .ok_or_else(|| {
            super::usage(format!(
                "\"{}\" is not an action item: name it INC#N, as `runbook actions` lists it",
                visible(text)
            ))
        })?;
    let mut s = cx.session(Some(std::ffi::OsStr::new(inc)))?;
    cx.record(&mut s, at, event(n))?;
    Ok(ExitCode::SUCCESS)
}

fn update(
    owner: Option<&String>,
    link: Option<&String>,
    done: Option<bool>,
) -> impl Fn(u64) -> Known {
    let (owner, link) = (owner.cloned(), link.cloned());
    move |note| Known::ActionItemUpdated {
        note,
        done,
        owner: owner.clone(),
        link: link.clone(),
    }
}
