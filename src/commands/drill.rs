//! `runbook drill`: start a drill from a runbook and a scenario, list and check scenarios, fire
//! due injects headlessly (`tick`) and print the scorecard.

use super::context::Ctx;
use super::incident::{StartArgs, start};
use super::library::load_library;
use super::usage;
use crate::cli::{At, DrillAction, DrillArgs, Global, Which};
use crate::domain::clock::stamp;
use crate::domain::event::{Event, Known, ScenarioPin};
use crate::drill::scenario::{MAX_SPEED, ScenarioReport, show};
use crate::drill::scorecard::hms;
use crate::drill::{self, INJECT_AUTHOR, Scorecard, catalog, schedule};
use crate::runbook::library::Root;
use crate::runbook::sanitize::{visible, visible_lines};
use crate::runbook::sha256_hex;
use anyhow::bail;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// The search path's roots, as the library uses them.
fn roots(g: &Global) -> Vec<Root> {
    super::library::search_env(g).roots()
}

pub fn drill(g: &Global, a: DrillArgs) -> anyhow::Result<ExitCode> {
    match a.action {
        Some(DrillAction::Tick { which }) => return tick(&Ctx::new(g.clone())?, &which),
        Some(DrillAction::Scorecard { incident, markdown }) => {
            return scorecard(&Ctx::new(g.clone())?, incident.as_deref(), markdown);
        }
        Some(DrillAction::Validate {
            paths,
            deny_warnings,
        }) => return validate(g, &paths, deny_warnings),
        None => {}
    }
    if a.list {
        return list(g);
    }
    begin(&Ctx::new(g.clone())?, a)
}

/// Starts the drill: checks the scenario against the library, then opens the incident as
/// `start --drill` does, pinning the scenario and the speed.
fn begin(cx: &Ctx, a: DrillArgs) -> anyhow::Result<ExitCode> {
    if let Some(s) = a.speed
        && !(s.is_finite() && s > 0.0 && s <= MAX_SPEED)
    {
        return Err(usage(format!(
            "--speed {s}: give a number more than 0 and at most {MAX_SPEED} (10 runs the drill ten times faster)"
        )));
    }
    let entry = match &a.scenario {
        Some(arg) => {
            let lib = load_library(&cx.global);
            let e = catalog::resolve(arg, &roots(&cx.global), &lib)
                .map_err(|why| anyhow::anyhow!("{}", why.trim_end()))?;
            if !e.warnings.is_empty() {
                eprint!("{}", e.warnings);
            }
            Some(e)
        }
        None => None,
    };
    let runbook = match (&a.runbook, &entry) {
        (Some(r), Some(e)) if *r != e.scenario.runbook => {
            return Err(usage(format!(
                "scenario \"{}\" drills runbook \"{}\", not \"{}\": leave out the runbook or pick another scenario",
                e.scenario.id,
                e.scenario.runbook,
                visible(r)
            )));
        }
        (Some(r), _) => r.clone(),
        (None, Some(e)) => e.scenario.runbook.clone(),
        (None, None) => {
            return Err(usage(
                "name the runbook to drill, or a --scenario (see `runbook drill --list`)",
            ));
        }
    };
    let speed = a
        .speed
        .or_else(|| entry.as_ref().and_then(|e| e.scenario.speed))
        .unwrap_or(1.0);
    start(
        cx,
        StartArgs {
            runbook,
            title: a.title,
            severity: None,
            vars: a.vars,
            drill: true,
            at: At::default(),
            no_tui: a.no_tui,
            scenario: entry.map(|e| ScenarioPin {
                id: e.scenario.id.clone(),
                sha256: sha256_hex(&e.source),
                source: e.source,
            }),
            speed: Some(speed),
        },
    )
}

/// `--list`: every scenario found, with its runbook and length.
fn list(g: &Global) -> anyhow::Result<ExitCode> {
    let lib = load_library(g);
    let cat = catalog::load(&roots(g), &lib);
    let mut out = std::io::stdout().lock();
    if cat.entries.is_empty() {
        writeln!(std::io::stderr(), "no scenarios found")?;
    }
    for e in &cat.entries {
        let s = &e.scenario;
        let speed = s.speed.map_or_else(String::new, |v| format!(" at {v}x"));
        writeln!(
            out,
            "{:<34} {:<34} {:>6}  {:>2} injects{speed}  {}  ({})",
            s.id,
            s.runbook,
            show(s.length()),
            s.injects.len(),
            visible(&s.title),
            e.origin
        )?;
    }
    let broken = cat.reports.iter().filter(|r| r.errors() > 0).count();
    if broken > 0 {
        writeln!(
            std::io::stderr(),
            "{broken} scenario file(s) have errors and are not listed: run `runbook drill validate`"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `tick`: fires every inject due at the drill's time now.
fn tick(cx: &Ctx, which: &Which) -> anyhow::Result<ExitCode> {
    let mut s = cx.session(which.incident.as_deref())?;
    let id = s.incident.id.clone();
    if !s.incident.drill {
        bail!("incident {id} is not a drill");
    }
    if s.incident.is_closed() {
        bail!("drill {id} is closed: no more injects fire");
    }
    let scenario = match drill::pinned(&s.incident) {
        None => bail!("drill {id} has no scenario, so it has no injects"),
        Some(Err(why)) => bail!("drill {id}: its pinned scenario cannot be read: {why}"),
        Some(Ok(sc)) => sc,
    };
    let now = s.now(cx.clock.as_ref());
    // One at a time, catching up in between: an inject another process (the app, a second
    // script) announced meanwhile is not announced again.
    loop {
        s.catch_up()?;
        let Some(ev) = drill::due_events(&s.incident, &scenario, now)
            .into_iter()
            .next()
        else {
            break;
        };
        let crate::store::Recorded {
            record: rec,
            warnings,
            recovery,
        } = s.record(cx.clock.as_ref(), None, INJECT_AUTHOR, ev)?;
        if let Some(r) = recovery {
            eprintln!("runbook: warning: before recording, {r}");
        }
        for w in warnings {
            eprintln!("runbook: warning: {}", visible_lines(&w.to_string()));
        }
        say_fired(&rec, &scenario);
    }
    println!("{}", next_inject(&s.incident, &scenario, now));
    Ok(ExitCode::SUCCESS)
}

/// What `tick` says about an inject it recorded.
fn say_fired(rec: &crate::domain::event::Record, scenario: &crate::drill::scenario::Scenario) {
    if let Event::Known(Known::InjectFired {
        inject,
        text,
        for_step,
    }) = &rec.event
    {
        let due = scenario
            .inject(*inject)
            .map_or_else(String::new, |i| format!(" (+{})", show(i.at)));
        println!(
            "recorded #{} inject {inject}{due} at {}: {}",
            rec.seq,
            stamp(rec.at),
            visible(text)
        );
        if let Some(step) = for_step {
            println!("  step \"{step}\" now shows the scenario's output");
        }
    }
}

/// The next inject due, in drill time and (on a sped-up drill) real time, or that all fired.
fn next_inject(
    inc: &crate::domain::incident::Incident,
    scenario: &crate::drill::scenario::Scenario,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let fired = drill::fired(inc);
    match schedule::next(&scenario.injects, inc.opened, now, &fired) {
        Some(n) => {
            let wait = schedule::fires_at(inc.opened, n) - now;
            let real = inc
                .speed
                .filter(|v| *v > 0.0)
                .map_or_else(String::new, |v| {
                    // `as` saturates; an absurd wait shows as the longest span there is.
                    let ms = (wait.num_milliseconds() as f64 / v).ceil() as i64;
                    let real =
                        chrono::Duration::try_milliseconds(ms).unwrap_or(chrono::Duration::MAX);
                    format!(", {} real time", hms(real))
                });
            format!(
                "next: inject {} (+{}) in {} drill time{real}",
                n.number,
                show(n.at),
                hms(wait)
            )
        }
        None => format!("all {} injects have fired", scenario.injects.len()),
    }
}

fn scorecard(cx: &Ctx, id: Option<&str>, markdown: bool) -> anyhow::Result<ExitCode> {
    let s = match id {
        Some(id) => cx.read(Some(std::ffi::OsStr::new(id)))?,
        // Scorecards are mostly read after the drill is closed: the newest drill, either way.
        None => {
            let (all, _) = cx.store.all();
            match all.into_iter().find(|s| s.incident.drill) {
                Some(s) => s,
                None => bail!(
                    "no drills in {}: start one with `runbook drill RUNBOOK`",
                    cx.store.incidents_dir().display()
                ),
            }
        }
    };
    if !s.incident.drill {
        bail!(
            "incident {} is not a drill: scorecards are for drills",
            s.incident.id
        );
    }
    let scenario = match drill::pinned(&s.incident) {
        Some(Err(why)) => {
            eprintln!(
                "runbook: warning: the pinned scenario cannot be read: {}",
                visible_lines(&why)
            );
            None
        }
        Some(Ok(sc)) => Some(sc),
        None => None,
    };
    let sc = Scorecard::compute(&s.incident, &s.records, scenario.as_ref());
    if markdown {
        print!("{}", drill::render_markdown(&sc));
    } else {
        print!("{}", drill::render_text(&sc));
    }
    Ok(ExitCode::SUCCESS)
}

/// `validate`: scenario files (or every one found), each problem with its line and column.
fn validate(g: &Global, paths: &[PathBuf], deny_warnings: bool) -> anyhow::Result<ExitCode> {
    let lib = load_library(g);
    let reports: Vec<ScenarioReport> = if paths.is_empty() {
        catalog::load(&roots(g), &lib).reports
    } else {
        let mut files = Vec::new();
        for p in paths {
            if p.is_dir() {
                let mut found: Vec<PathBuf> = std::fs::read_dir(p)?
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml"))
                    .collect();
                found.sort();
                files.extend(found);
            } else {
                files.push(p.clone());
            }
        }
        files
            .iter()
            .map(|f| catalog::read(f, Some(&lib)).0)
            .collect()
    };
    if reports.is_empty() {
        return Err(usage("no scenario files found"));
    }
    let checked = reports.iter().map(|r| super::library::Checked {
        errors: r.errors(),
        warnings: r.warnings(),
        rendered: if r.diags.is_empty() {
            String::new()
        } else {
            r.render()
        },
    });
    super::library::summarise(checked, "scenario", deny_warnings)
}
