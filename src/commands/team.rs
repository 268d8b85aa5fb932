//! `runbook team init URL`, `runbook sync`, `runbook join INC` and `runbook catchup INC`:
//! sharing incidents with a team through git (docs/sharing.md), and catching up on one.
//!
//! Exit status of an exchange: 0 synced, 1 the remote could not be reached (what was recorded
//! here stays, and is shared by the next `runbook sync`) or something here failed, 2 misuse
//! (sharing not set up, a bad device id or URL).

use std::ffi::OsStr;
use std::process::ExitCode;

use super::context::Ctx;
use crate::domain::cadence::{self, Cadence};
use crate::domain::clock::stamp;
use crate::runbook::sanitize::visible;
use crate::store::Session;
use crate::sync::exchange::{self, Failed};

/// How many of the latest events a catch-up shows.
const LATEST: usize = 5;

/// `runbook team init URL`.
pub fn init(cx: &Ctx, url: &str) -> anyhow::Result<ExitCode> {
    let device = exchange::init(&cx.store, url, cx.need_author()?).map_err(failed)?;
    println!(
        "sharing through {} as device {device}; `runbook sync` shares now",
        visible(url)
    );
    if let Some(c) = configured()
        && c != url
    {
        eprintln!(
            "runbook: warning: the config's `remote = \"{}\"` is used rather than this one; \
             remove it from the config to use {}",
            visible(&c),
            visible(url)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `runbook sync`: one exchange.
pub fn sync(cx: &Ctx) -> anyhow::Result<ExitCode> {
    match exchange_once(cx) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(Failed::Usage(m)) => Err(super::usage(m)),
        Err(e) => {
            eprintln!("runbook: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn exchange_once(cx: &Ctx) -> Result<(), Failed> {
    let remote = configured();
    let Some(author) = cx.author.as_ref() else {
        return Err(Failed::Usage(
            "who you are cannot be told (no --as, $RUNBOOK_USER, $USER or login name): pass --as NAME or set RUNBOOK_USER".into(),
        ));
    };
    let r = exchange::sync(&cx.store, remote.as_deref(), author, cx.now())?;
    let received = if r.received.is_empty() {
        "nothing new from other devices".to_string()
    } else {
        format!("{} device log(s) updated from others", r.received.len())
    };
    println!(
        "synced: {} incident(s) with new records shared; {received}",
        r.published
    );
    Ok(())
}

/// `runbook join INC`: an exchange, then the catch-up. An unreachable remote is said, and the
/// catch-up shows what is here (exit 1).
pub fn join(cx: &Ctx, id: &OsStr) -> anyhow::Result<ExitCode> {
    let code = match exchange_once(cx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failed::Usage(m)) => return Err(super::usage(m)),
        Err(e) => {
            eprintln!("runbook: {e}; what is here already is shown");
            ExitCode::FAILURE
        }
    };
    catchup(cx, id)?;
    Ok(code)
}

/// `runbook catchup INC`.
pub fn catchup(cx: &Ctx, id: &OsStr) -> anyhow::Result<ExitCode> {
    let s = cx.read(Some(id))?;
    for line in catchup_lines(&s, s.now(cx.clock.as_ref())) {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The catch-up: what happened in a few lines, the current step, who holds which role, open
/// action items, the last status update and when the next is due, and any conflicts.
pub fn catchup_lines(s: &Session, now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    let i = &s.incident;
    let mut out = Vec::new();
    let state = if i.is_closed() { "closed" } else { "open" };
    out.push(format!(
        "{}  {}  [{}] {state}, opened {} by {}",
        i.id,
        visible(&i.title),
        i.severity,
        stamp(i.opened),
        visible(&i.opened_by)
    ));
    let devices = s.devices();
    if !devices.is_empty() {
        out.push(format!("shared by devices: {}", devices.join(", ")));
    }
    let done = i.count(crate::domain::incident::Status::Done);
    out.push(format!(
        "so far: {} events; {done} of {} steps done{}",
        s.records.len(),
        i.steps.len(),
        milestones(i)
    ));
    out.push("latest:".to_string());
    for r in s.records.iter().rev().take(LATEST).rev() {
        out.push(format!("  {}", super::log::line(r, Some(i))));
    }
    out.push(match i.current {
        Some(c) => {
            let d = &i.runbook.steps[c];
            format!(
                "current step: {}. {} ({}): {}",
                c + 1,
                visible(&d.id),
                i.steps[c].status.name(),
                visible(&crate::domain::template::fill(&d.title, &i.vars))
            )
        }
        None => "current step: none (the runbook is done)".to_string(),
    });
    let roles = i.current_roles();
    out.push(if roles.is_empty() {
        "roles: none assigned".to_string()
    } else {
        let r: Vec<String> = roles
            .iter()
            .map(|(r, p)| format!("{} {}", visible(r), visible(p)))
            .collect();
        format!("roles: {}", r.join(", "))
    });
    let items: Vec<_> = i.action_items().collect();
    out.push(format!("open action items: {}", items.len()));
    for n in items {
        out.push(format!(
            "  - {} ({} at {})",
            visible(&n.text),
            visible(&n.by),
            stamp(n.at)
        ));
    }
    out.push(match i.comms.last() {
        Some(c) => format!(
            "last status update: {} by {}: {}",
            stamp(c.at),
            visible(&c.by),
            visible(&c.text)
        ),
        None => "last status update: none sent".to_string(),
    });
    if let Some(c) = cadence::at(i, now) {
        out.push(match c {
            Cadence::NeverSent => "next update: due now (none sent yet)".to_string(),
            Cadence::Next(t) => format!("next update: due {}", stamp(t)),
            Cadence::Overdue(t) => format!("next update: OVERDUE since {}", stamp(t)),
        });
    }
    out.extend(s.conflicts());
    out
}

fn milestones(i: &crate::domain::incident::Incident) -> String {
    if i.milestones.is_empty() {
        return String::new();
    }
    let m: Vec<String> = i
        .milestones
        .iter()
        .map(|(m, mark)| format!("{} {}", m.name(), stamp(mark.at)))
        .collect();
    format!("; milestones: {}", m.join(", "))
}

/// The config's `remote`, if it sets one (a broken config is said, and ignored here).
fn configured() -> Option<String> {
    let home = crate::runbook::library::SearchEnv::from_process(Vec::new()).config_home;
    match crate::config::load(home.as_deref()) {
        Ok(c) => c.remote,
        Err(e) => {
            eprintln!("runbook: warning: {e:#}; its remote is not used");
            None
        }
    }
}

fn failed(e: Failed) -> anyhow::Error {
    match e {
        Failed::Usage(m) => super::usage(m),
        other => anyhow::anyhow!("{other}"),
    }
}
