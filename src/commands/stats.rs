//! `runbook stats`: the figures across the incidents in the state directory (see
//! `crate::stats`). Reads every journal read-only through the store, leaves out (and says on
//! stderr) any it cannot read whole, and prints tables, JSON or CSV.
//!
//! The reading and the cache are `store::summaries`, shared with the app's stats screen.

use super::context::Ctx;
use crate::domain::Severity;
use crate::runbook::sanitize::visible_lines;
use crate::stats::{Filter, Report, filter, render};
use crate::store::summaries::read_all;
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
    let read = read_all(&cx.store);
    if let Some(w) = &read.cache_warning {
        eprintln!("runbook: stats: {w}");
    }
    let (summaries, skipped) = (read.summaries, read.skipped);
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
