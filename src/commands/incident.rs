//! `start`, `incidents`, `status`, `close`: opening, finding and closing incidents.
//! `incidents` and `status` only read: journals are opened read-only and never changed, and
//! what is wrong with one (a damaged or torn line, a pin that does not match) is said on stderr
//! with its line; one unreadable journal never breaks the listing.

use super::context::Ctx;
use super::library::load_library;
use super::usage;
use crate::cli::At;
use crate::domain::clock::{SimClock, stamp};
use crate::domain::event::{Known, ScenarioPin};
use crate::domain::incident::Status;
use crate::domain::{Milestone, Severity};
use crate::runbook::sanitize::{visible, visible_lines};
use crate::runbook::vars;
use crate::store::NewIncident;
use crate::store::Session;
use anyhow::bail;
use serde_json::json;
use std::ffi::OsStr;
use std::io::IsTerminal;
use std::process::ExitCode;

pub struct StartArgs {
    pub runbook: String,
    pub title: Option<String>,
    pub severity: Option<String>,
    pub vars: Vec<String>,
    pub drill: bool,
    pub at: At,
    pub no_tui: bool,
    /// A drill's scenario, pinned in a `drill_configured` record after the opening.
    pub scenario: Option<ScenarioPin>,
    /// A drill's clock speed: the drill runs on a simulated clock and every record also
    /// carries the real time (`wall`).
    pub speed: Option<f64>,
}

pub fn start(cx: &Ctx, a: StartArgs) -> anyhow::Result<ExitCode> {
    let session = open(cx, &a)?;
    opened(cx, &session, a.no_tui)
}

/// Opens the incident `a` describes (the records of `start`, up to the drill's pin).
pub fn open(cx: &Ctx, a: &StartArgs) -> anyhow::Result<Session> {
    cx.need_author()?;
    if a.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(usage(
            "--title is empty: give the incident a title people will recognise, or leave --title out to use the runbook's",
        ));
    }
    let lib = load_library(&cx.global);
    let Some(entry) = lib.get(&a.runbook) else {
        let hint = crate::domain::suggest::hint(
            &a.runbook,
            lib.entries.iter().map(|e| e.runbook.id.as_str()),
        );
        bail!(
            "no runbook with id \"{}\"{hint}; `runbook list` shows them all",
            visible(&a.runbook)
        );
    };
    let given = a
        .vars
        .iter()
        .map(|v| vars::parse_assignment(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(usage)?;
    let values = vars::resolve(&entry.runbook, &given)
        .map_err(|problems| anyhow::anyhow!(problems.join("\n")))?;
    let severity = match &a.severity {
        Some(s) => s.parse::<Severity>().map_err(usage)?,
        None => entry.runbook.severity,
    };
    let ts = cx.now();
    let at = cx.at(&a.at)?.unwrap_or(ts);
    let title = a
        .title
        .clone()
        .unwrap_or_else(|| crate::domain::template::fill(&entry.runbook.title, &values));
    let mut session = cx.store.start(NewIncident {
        runbook: &entry.runbook,
        source: &entry.source,
        title,
        severity,
        vars: values,
        drill: a.drill,
        author: cx.need_author()?,
        ts,
        at,
        // On a drill clock, drill time starts at the real time.
        wall: a.speed.map(|_| ts),
    })?;
    if a.scenario.is_some() || a.speed.is_some() {
        let pin = Known::DrillConfigured {
            scenario: a.scenario.clone(),
            speed: a.speed,
        };
        match a.speed {
            Some(speed) => {
                let clock = SimClock::anchored(cx.clock.clone(), ts, ts, speed);
                session.record(&clock, None, cx.need_author()?, pin)?
            }
            None => session.record(cx.clock.as_ref(), None, cx.need_author()?, pin)?,
        };
    }
    Ok(session)
}

/// Says the new incident's id and, on a terminal, opens it in the app.
pub fn opened(cx: &Ctx, session: &Session, no_tui: bool) -> anyhow::Result<ExitCode> {
    println!("{}", session.id);
    if !no_tui && std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return super::tui::app(cx, Some(session.id.to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn incidents(cx: &Ctx, all: bool, json: bool) -> anyhow::Result<ExitCode> {
    // Without --all, closed incidents are skipped without being opened.
    let (sessions, broken) = if all {
        cx.store.all()
    } else {
        cx.store.open_sessions()
    };
    let shown: Vec<&Session> = sessions
        .iter()
        .filter(|s| all || !s.incident.is_closed())
        .collect();
    if json {
        let rows: Vec<_> = shown.iter().map(|s| summary_json(s, cx)).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if shown.is_empty() {
        println!(
            "no {}incidents in {}",
            if all { "" } else { "open " },
            visible(&cx.store.incidents_dir().display().to_string())
        );
    } else {
        for s in &shown {
            let i = &s.incident;
            let state = if i.is_closed() { "closed" } else { "open" };
            let drill = if i.drill { " DRILL" } else { "" };
            let damaged = if s.problems.is_empty() {
                ""
            } else {
                "  [journal not whole: see stderr]"
            };
            println!(
                "{}  {}  {:<6} {}{drill}  {}{damaged}",
                s.id,
                i.severity,
                state,
                stamp(i.opened),
                visible(&i.title)
            );
        }
    }
    for s in &shown {
        for n in &s.notices {
            eprintln!(
                "runbook: incident {}: {}",
                s.id,
                visible_lines(&n.to_string())
            );
        }
    }
    for (id, why) in broken {
        // The id was checked to be of the id form; the reason may quote the journal.
        eprintln!(
            "runbook: cannot read incident {id}: {}",
            visible_lines(&why.to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_json(s: &Session, cx: &Ctx) -> serde_json::Value {
    let i = &s.incident;
    json!({
        "id": s.id.as_str(),
        "title": i.title,
        "severity": i.severity,
        "drill": i.drill,
        "open": !i.is_closed(),
        "opened": stamp(i.opened),
        "closed": i.closed.map(stamp),
        "runbook": i.runbook.id,
        "path": cx.store.journal_path(&s.id).display().to_string(),
        "problems": s.problems.iter().map(|p| p.summary()).collect::<Vec<_>>(),
    })
}

pub fn status(cx: &Ctx, id: Option<&OsStr>, json: bool) -> anyhow::Result<ExitCode> {
    let s = cx.read(id)?;
    let i = &s.incident;
    // A sped-up drill's elapsed time is drill time, as the app shows it.
    let end = i.closed.unwrap_or_else(|| s.now(cx.clock.as_ref()));
    let elapsed = (end - i.started_at()).num_seconds().max(0);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&status_json(&s, elapsed))?
        );
    } else {
        status_text(&s, elapsed);
    }
    Ok(ExitCode::SUCCESS)
}

/// `status --json`: the incident as one document.
fn status_json(s: &crate::store::Session, elapsed: i64) -> serde_json::Value {
    let i = &s.incident;
    let steps: Vec<_> = i
        .runbook
        .steps
        .iter()
        .zip(&i.steps)
        .map(|(d, st)| {
            json!({
                "id": d.id, "title": crate::domain::template::fill(&d.title, &i.vars), "kind": d.kind.name(), "status": st.status.name(),
                "started": st.started.map(stamp), "ended": st.ended.map(stamp),
                "duration_s": st.duration().map(|d| d.num_seconds()), "target_s": d.target.map(|t| t.secs()),
                "skip_reason": st.skip_reason, "signed_off_by": st.signed_off_by,
                "checklist": st.checklist,
            })
        })
        .collect();
    let milestones: serde_json::Map<String, serde_json::Value> = i
        .milestones
        .iter()
        .map(|(m, mark)| (m.name().to_string(), json!(stamp(mark.at))))
        .collect();
    let counts: serde_json::Map<String, serde_json::Value> = Status::ALL
        .into_iter()
        .map(|st| (st.name().to_string(), json!(i.count(st))))
        .collect();
    json!({
        "id": i.id, "title": i.title, "severity": i.severity, "drill": i.drill,
        "open": !i.is_closed(), "opened": stamp(i.opened), "started": stamp(i.started_at()),
        "closed": i.closed.map(stamp), "elapsed_s": elapsed,
        "runbook": { "id": i.runbook.id, "sha256": i.runbook_sha256 },
        "vars": i.vars.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
        "current_step": i.current.map(|c| i.runbook.steps[c].id.clone()),
        "counts": counts, "steps": steps, "milestones": milestones,
        "severity_history": i.severity_history.iter().map(|(t, s)| json!({"at": stamp(*t), "severity": s})).collect::<Vec<_>>(),
        "roles": i.current_roles().into_iter().map(|(r, p)| json!({"role": r, "person": p})).collect::<Vec<_>>(),
        "decisions": i.path.iter().map(|t| json!({"step": t.step, "choice": t.choice, "label": t.label, "next": t.next, "at": stamp(t.at)})).collect::<Vec<_>>(),
        "notes": i.notes.len(),
        "action_items": i.action_items().map(|n| json!({"text": n.text, "by": n.by, "at": stamp(n.at)})).collect::<Vec<_>>(),
        "overrides": i.overrides.iter().map(|o| json!({"seq": o.seq, "at": stamp(o.at), "by": o.by, "step": o.step, "reason": o.reason})).collect::<Vec<_>>(),
        "commands": i.commands.iter().map(|c| json!({"run": c.run, "step": c.step, "started": stamp(c.started), "finished": c.finished.map(stamp), "result": c.ending()})).collect::<Vec<_>>(),
        "last_seq": i.last_seq, "warnings": i.warnings,
        "problems": s.problems.iter().map(|p| p.summary()).collect::<Vec<_>>(),
        "devices": s.devices(), "conflicts": s.conflicts(),
    })
}

/// `status` for a person: where the incident stands, a line per fact.
fn status_text(s: &crate::store::Session, elapsed: i64) {
    let i = &s.incident;
    let drill = if i.drill { "  [DRILL]" } else { "" };
    println!("{}  {}{drill}", i.id, visible(&i.title));
    for o in &i.overrides {
        println!(
            "BREAK GLASS: step {} went ahead without a sign-off, overridden by {} at {}: {}",
            visible(&o.step),
            visible(&o.by),
            stamp(o.at),
            visible(&o.reason)
        );
    }
    let state = match i.closed {
        Some(t) => format!("closed {}", stamp(t)),
        None => "open".to_string(),
    };
    println!(
        "severity {} · {state} · elapsed {} since {}",
        i.severity,
        hms(elapsed),
        stamp(i.started_at())
    );
    println!(
        "runbook {} ({})",
        i.runbook.id,
        &i.runbook_sha256[..i.runbook_sha256.len().min(12)]
    );
    match i.current {
        Some(c) => println!(
            "current step: {}. {} — {}",
            c + 1,
            i.runbook.steps[c].id,
            visible(&crate::domain::template::fill(
                &i.runbook.steps[c].title,
                &i.vars
            ))
        ),
        None => println!("current step: none (the runbook has ended)"),
    }
    println!(
        "steps: {} done, {} failed, {} skipped, {} active, {} pending (of {})",
        i.count(Status::Done),
        i.count(Status::Failed),
        i.count(Status::Skipped),
        i.count(Status::Active),
        i.count(Status::Pending),
        i.steps.len()
    );
    status_lists(i);
}

/// The milestones, roles, action items, commands with no result, and warnings.
fn status_lists(i: &crate::domain::incident::Incident) {
    let ms: Vec<String> = Milestone::ALL
        .iter()
        .filter_map(|m| {
            i.milestones
                .get(m)
                .map(|mk| format!("{m} {}", mk.at.format("%H:%M:%S")))
        })
        .collect();
    println!(
        "milestones: {}",
        if ms.is_empty() {
            "none yet".to_string()
        } else {
            ms.join(", ")
        }
    );
    let roles: Vec<String> = i
        .current_roles()
        .into_iter()
        .map(|(r, p)| format!("{r}={}", visible(&p)))
        .collect();
    println!(
        "roles: {}",
        if roles.is_empty() {
            "none assigned".to_string()
        } else {
            roles.join(", ")
        }
    );
    let items: Vec<_> = i.action_items().collect();
    println!("action items: {}", items.len());
    for n in items {
        println!(
            "  - {} ({}, {})",
            visible(&n.text),
            visible(&n.by),
            n.at.format("%H:%M")
        );
    }
    // A command with no recorded result is never "running": whatever ran it is gone.
    for c in i.commands.iter().filter(|c| c.result_unknown()) {
        println!(
            "command of step {} started {} (record {}): {}",
            visible(&c.step),
            stamp(c.started),
            c.run,
            c.ending()
        );
    }
    for w in &i.warnings {
        println!("warning: {}", visible(w));
    }
}

/// `1h02m03s`-style elapsed time.
pub fn hms(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m:02}m{s:02}s")
    } else {
        format!("{m}m{s:02}s")
    }
}

pub fn close(
    cx: &Ctx,
    id: Option<&OsStr>,
    summary: Option<String>,
    at: &At,
) -> anyhow::Result<ExitCode> {
    let mut s = cx.session(id)?;
    let open = crate::domain::open_work::still_open(&s.incident);
    let summary = summary.filter(|t| !t.trim().is_empty());
    cx.record(&mut s, at, Known::IncidentClosed { summary })?;
    for o in open {
        eprintln!("runbook: still open at the close: {}", visible(&o));
    }
    Ok(ExitCode::SUCCESS)
}
