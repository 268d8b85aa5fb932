//! `runbook stats` as text: readable tables for a terminal, and CSV (one row per incident)
//! for spreadsheets. Pure. JSON is `Report`'s serde, printed by `export::json::safe_pretty`.
//!
//! Must never: let text from a journal (titles, ids, skip reasons, labels) reach a terminal
//! raw (all of it goes through `sanitize::visible`), or let a CSV cell start a formula.

use super::report::{Figure, Report, RunbookStats};
use super::{Filter, Summary};
use crate::export::metrics::span;
use crate::runbook::sanitize::visible;
use std::fmt::Write;

/// The four response times' names, in `Metrics::iter` order.
pub const LABELS: [&str; 4] = [
    "Time to detect",
    "Time to acknowledge",
    "Time to mitigate",
    "Time to resolve",
];

/// A time in seconds as a span (`45m`, `1h13m`; `-`: none).
pub fn secs(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_string(), span)
}

/// The report as tables.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let what = if r.drills {
        "drills only"
    } else {
        "drills left out"
    };
    let _ = write!(out, "{} incidents ({} open), {what}", r.incidents, r.open);
    if !r.skipped.is_empty() {
        let _ = write!(
            out,
            "; {} journal(s) not counted (see stderr)",
            r.skipped.len()
        );
    }
    out.push_str("\n\n");
    counts(&mut out, "By type", &r.by_type);
    counts(&mut out, "By severity (worst reached)", &r.by_severity);
    let _ = writeln!(out, "{}", figure_line("Response times", None));
    for (label, (_, f)) in LABELS.iter().zip(r.metrics.iter()) {
        let _ = writeln!(out, "{}", figure_line(label, Some(f)));
    }
    out.push('\n');
    if !r.weeks.is_empty() {
        let _ = writeln!(
            out,
            "{:<10} {:>9}  median time to resolve",
            "Week", "incidents"
        );
        for w in &r.weeks {
            let _ = writeln!(
                out,
                "{:<10} {:>9}  {}",
                w.week,
                w.incidents,
                secs(w.median_time_to_resolve_s)
            );
        }
        out.push('\n');
    }
    for rb in &r.runbooks {
        runbook(&mut out, rb);
    }
    out
}

fn counts(out: &mut String, title: &str, map: &std::collections::BTreeMap<String, usize>) {
    if map.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}");
    for (k, n) in map {
        let _ = writeln!(out, "  {:<24} {n:>5}", visible(k));
    }
    out.push('\n');
}

/// One row of the response times table, or its header (`None`: the column names after
/// `label`). Shared with the app's stats screen, so both read the same.
pub fn figure_line(label: &str, f: Option<&Figure>) -> String {
    let Some(f) = f else {
        return format!(
            "{label:<20} {:>5} {:>7} {:>7} {:>7} {:>8}",
            "count", "median", "p90", "max", "missing"
        );
    };
    format!(
        "{label:<20} {:>5} {:>7} {:>7} {:>7} {:>8}",
        f.count,
        secs(f.median),
        secs(f.p90),
        secs(f.max),
        f.missing
    )
}

fn runbook(out: &mut String, rb: &RunbookStats) {
    let _ = writeln!(
        out,
        "Runbook {} ({}): {} incidents, {} followed out of order",
        visible(&rb.id),
        visible(&rb.title),
        rb.incidents,
        rb.out_of_order
    );
    for line in step_table(rb) {
        let _ = writeln!(out, "  {line}");
    }
    for line in step_notes(rb) {
        let _ = writeln!(out, "  {line}");
    }
    out.push('\n');
}

/// Every step of a runbook as a table: the header, then a row per step (a removed one
/// marked so). Shared with the app's stats screen.
///
/// The id column is as wide as the longest id, up to 32; a longer id (imported Markdown
/// runbooks make ids of up to 48 characters from their headings) is cut there with `…`, so
/// every row's figures stay in their columns. `--json` and `--csv` carry the whole ids.
pub fn step_table(rb: &RunbookStats) -> Vec<String> {
    const MOST: usize = 32;
    let cut = |id: String| match id.char_indices().nth(MOST - 1) {
        Some((at, _)) if id.chars().count() > MOST => format!("{}…", &id[..at]),
        _ => id,
    };
    let ids: Vec<String> = rb.steps.iter().map(|s| cut(visible(&s.id))).collect();
    let w = ids
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, MOST);
    let mut out = vec![format!(
        "{:<w$} {:>7} {:>5} {:>6} {:>7} {:>7} {:>7} {:>7}",
        "step", "reached", "done", "failed", "skipped", "median", "target", "overrun"
    )];
    for (s, id) in rb.steps.iter().zip(&ids) {
        let removed = if s.removed { "  (removed)" } else { "" };
        out.push(format!(
            "{id:<w$} {:>7} {:>5} {:>6} {:>7} {:>7} {:>7} {:>7}{removed}",
            s.reached,
            s.completed,
            s.failed,
            s.skipped,
            secs(s.median_s),
            secs(s.target_s),
            rate(s.overrun_rate)
        ));
    }
    out
}

/// An overrun rate as a whole percentage (`-`: no timed run against a target).
pub fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_string(), |r| format!("{:.0}%", r * 100.0))
}

/// What the step table does not show: each step's skip reasons and each decision's choices
/// taken, then the steps never reached and those removed since. Shared with the app.
pub fn step_notes(rb: &RunbookStats) -> Vec<String> {
    let mut out = Vec::new();
    let quoted = |items: Vec<(&str, usize)>| -> String {
        let list: Vec<String> = items
            .into_iter()
            .map(|(text, n)| format!("\"{}\" x{n}", visible(text)))
            .collect();
        list.join(", ")
    };
    for s in &rb.steps {
        let reasons = s.skip_reasons.iter().map(|r| (r.reason.as_str(), r.count));
        let choices = s.choices.iter().map(|c| (c.label.as_str(), c.taken));
        let lists: [(&str, Vec<(&str, usize)>); 2] =
            [("skipped", reasons.collect()), ("chose", choices.collect())];
        for (what, list) in lists {
            if !list.is_empty() {
                out.push(format!("{} {what}: {}", visible(&s.id), quoted(list)));
            }
        }
    }
    let ids = |list: &[String]| {
        list.iter()
            .map(|s| visible(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !rb.never_reached.is_empty() {
        out.push(format!("never reached: {}", ids(&rb.never_reached)));
    }
    if !rb.removed.is_empty() {
        out.push(format!(
            "removed since (only earlier versions had them): {}",
            ids(&rb.removed)
        ));
    }
    out
}

/// The CSV header, one column per field of `csv_row`.
pub const CSV_HEADER: &str = "id,title,drill,state,runbook,incident_type,severity,started,\
opened,closed,time_to_detect_s,time_to_acknowledge_s,time_to_mitigate_s,time_to_resolve_s,\
steps_done,steps_failed,steps_skipped,steps_overrun,out_of_order";

/// One row per incident the filter admits, newest first, with the header.
pub fn csv(all: &[Summary], filter: &Filter) -> String {
    let mut rows: Vec<&Summary> = all.iter().filter(|s| filter.admits(s)).collect();
    rows.sort_by(|a, b| b.opened.cmp(&a.opened).then(b.id.cmp(&a.id)));
    let mut out = format!("{CSV_HEADER}\r\n");
    for s in rows {
        out.push_str(&csv_row(s));
        out.push_str("\r\n");
    }
    out
}

fn csv_row(s: &Summary) -> String {
    let stamp =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let n = |v: Option<i64>| v.map_or_else(String::new, |x| x.to_string());
    let count = |st: &str| {
        s.steps
            .iter()
            .filter(|x| x.status == st)
            .count()
            .to_string()
    };
    let cells = [
        cell(&s.id),
        cell(&s.title),
        s.drill.to_string(),
        if s.closed.is_some() { "closed" } else { "open" }.to_string(),
        cell(&s.runbook),
        cell(&s.incident_type),
        s.severity.name().to_string(),
        stamp(s.started),
        stamp(s.opened),
        s.closed.map_or_else(String::new, stamp),
        n(s.metrics[0]),
        n(s.metrics[1]),
        n(s.metrics[2]),
        n(s.metrics[3]),
        count("done"),
        count("failed"),
        count("skipped"),
        s.steps.iter().filter(|x| x.overrun).count().to_string(),
        (s.detours > 0).to_string(),
    ];
    cells.join(",")
}

/// A text cell (RFC 4180): hazards made visible (line breaks kept), quoted when it holds a comma, a quote or a
/// line break, and a leading `=`, `+`, `-`, `@` defused with a `'` so no spreadsheet takes it
/// for a formula.
pub fn cell(text: &str) -> String {
    let mut t = crate::runbook::sanitize::visible_lines(text);
    if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        t.insert(0, '\'');
    }
    if t.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::report::StepStats;

    #[test]
    fn a_cell_cannot_start_a_formula_or_break_its_row() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("a\nb"), "\"a\nb\"");
        assert_eq!(cell("-1+1"), "'-1+1");
        assert!(!cell("esc \u{1b}[2J").contains('\u{1b}'));
    }

    #[test]
    fn long_step_ids_are_cut_so_the_figures_stay_in_their_columns() {
        let step = |id: &str| StepStats {
            id: id.into(),
            title: String::new(),
            removed: false,
            in_runbook: 1,
            reached: 1,
            completed: 1,
            failed: 0,
            skipped: 0,
            skip_reasons: Vec::new(),
            median_s: Some(60),
            target_s: None,
            overrun_rate: None,
            choices: Vec::new(),
        };
        // As `runbook import` names steps from a public runbook's headings.
        let long = "look-at-the-pod-with-kubectl-n-namespace-describ";
        let rb = RunbookStats {
            id: "kube".into(),
            title: "Kube".into(),
            incidents: 1,
            out_of_order: 0,
            steps: vec![step(long), step("ack")],
            never_reached: Vec::new(),
            removed: Vec::new(),
        };
        let rows = step_table(&rb);
        let widths: Vec<usize> = rows.iter().map(|r| r.chars().count()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{rows:#?}");
        assert!(
            rows[1].starts_with("look-at-the-pod-with-kubectl-n-…"),
            "{}",
            rows[1]
        );
        assert!(rows[2].starts_with("ack "), "{}", rows[2]);
    }
}
