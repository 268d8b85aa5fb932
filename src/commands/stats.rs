//! `runbook stats`: the figures across the incidents in the state directory (see
//! `crate::stats`). Reads every journal read-only through the store, leaves out (and says on
//! stderr) any it cannot read whole, and prints tables, JSON or CSV.
//!
//! Must never: count a journal with damaged or torn lines (its figures would be partial
//! without anyone knowing), or write in the state directory but its cache
//! (`stats_cache.rs`, which is never the source of truth).

use super::context::Ctx;
use super::stats_cache::Cache;
use crate::domain::Severity;
use crate::runbook::sanitize::visible_lines;
use crate::stats::report::Skipped;
use crate::stats::{Filter, Report, Summary, filter, render, summarize};
use chrono::{DateTime, Utc};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;

/// `runbook stats` arguments.
#[derive(Args, Debug, Clone)]
#[command(group(clap::ArgGroup::new("out").args(["json", "csv"])))]
pub struct StatsArgs {
    /// Only incidents whose impact started on or after this: YYYY-MM-DD (UTC) or RFC 3339.
    #[arg(long, value_name = "DATE", value_parser = filter::parse_since)]
    pub since: Option<DateTime<Utc>>,
    /// Only incidents whose impact started before the end of this day (or before this RFC
    /// 3339 time).
    #[arg(long, value_name = "DATE", value_parser = filter::parse_until)]
    pub until: Option<DateTime<Utc>>,
    /// Only incidents of this type (the runbook's `incident_type`).
    #[arg(long = "type", value_name = "TYPE")]
    pub incident_type: Option<String>,
    /// Only incidents run with this runbook.
    #[arg(long, value_name = "ID")]
    pub runbook: Option<String>,
    /// Only incidents whose worst severity was this (sev1 to sev4).
    #[arg(long, value_name = "S")]
    pub severity: Option<Severity>,
    /// Drills only (drills are left out by default).
    #[arg(long)]
    pub drills: bool,
    /// A versioned JSON document (`schema_version`).
    #[arg(long)]
    pub json: bool,
    /// One row per incident, for spreadsheets.
    #[arg(long)]
    pub csv: bool,
}

pub fn stats(cx: &Ctx, a: &StatsArgs) -> anyhow::Result<ExitCode> {
    let f = Filter {
        since: a.since,
        until: a.until,
        incident_type: a.incident_type.clone(),
        runbook: a.runbook.clone(),
        severity: a.severity,
        drills: a.drills,
    };
    let (summaries, skipped) = read_all(cx);
    for s in &skipped {
        eprintln!(
            "runbook: stats: incident {} is not counted: {}",
            s.id,
            visible_lines(&s.reason)
        );
    }
    let text = if a.csv {
        render::csv(&summaries, &f)
    } else {
        let mut report = Report::compute(&summaries, &f);
        report.skipped = skipped;
        if a.json {
            format!("{}\n", crate::export::json::safe_pretty(&report))
        } else {
            render::table(&report)
        }
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`runbook stats | head`) is not an error worth reporting.
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Every incident's summary, and those left out with why. A journal with any problem
/// (damaged or torn lines, a pinned runbook that does not match) is left out whole. One
/// journal is open at a time; closed ones whose journal is unchanged come from the cache.
fn read_all(cx: &Ctx) -> (Vec<Summary>, Vec<Skipped>) {
    let ids = cx.store.ids();
    let mut cache = Cache::load(&cx.store);
    let mut out = Vec::with_capacity(ids.len());
    let mut skipped = Vec::new();
    for id in &ids {
        let key = Cache::key(&cx.store, id);
        if let Some(hit) = key.as_ref().and_then(|k| cache.get(id, k)) {
            out.push(hit);
            continue;
        }
        match cx.store.read(id) {
            Ok(s) if s.problems.is_empty() => {
                let summary = summarize(&s.records, &s.incident);
                // Keyed as it was before the read: a journal appended to meanwhile is
                // simply read again next time.
                if let Some(k) = key {
                    cache.put(id, k, summary.clone());
                }
                out.push(summary);
            }
            Ok(s) => skipped.push(Skipped {
                id: id.to_string(),
                reason: s.notices.join("; "),
            }),
            Err(e) => skipped.push(Skipped {
                id: id.to_string(),
                reason: format!("{e:#}"),
            }),
        }
    }
    cache.save(&ids, &cx.store);
    skipped.sort_by(|a, b| a.id.cmp(&b.id));
    (out, skipped)
}
