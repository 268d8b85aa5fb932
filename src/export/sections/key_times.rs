//! The key-times section: milestones with when, by whom and how, a note when one was recorded
//! twice or they are out of order, the four metrics (or which milestone each lacks), and the
//! time spent at each severity (with its chart, `gantt`). Pure; user text escaped on its way
//! in.

use super::{line, row};
use crate::domain::Milestone;
use crate::domain::event::{Event, Known};
use crate::export::escape::{code, text};
use crate::export::metrics::span;
use crate::export::model::Draft;

/// Milestones with their times, the four metrics, time at each severity, and a warning when
/// milestones are out of order.
pub fn key_times(d: &Draft, out: &mut String, heading: &str) {
    line(out, format!("{heading}\n"));
    milestone_notes(d, out);
    milestone_table(d, out);
    metric_table(d, out);
    severity_table(d, out);
}

/// Notes above the table: a milestone recorded more than once, milestones out of order.
fn milestone_notes(d: &Draft, out: &mut String) {
    for (r, m) in &d.repeated {
        let Some(first) = d.milestone(*m) else {
            continue;
        };
        let how = first.step.as_deref().map_or_else(
            || format!("by {}", text(&first.by)),
            |s| format!("by step {}", code(s)),
        );
        let source = match &r.event {
            Event::Known(Known::StepCompleted { step, .. } | Known::DecisionMade { step, .. }) => {
                format!("when {} completed step {}", text(&r.author), code(step))
            }
            _ => format!("by {}", text(&r.author)),
        };
        let recorded = if r.backdated() {
            format!(", recorded at {}", d.when(r.ts))
        } else {
            String::new()
        };
        line(
            out,
            format!(
                "> **Note:** `{m}` was also recorded for {} ({source}{recorded}); the key times use {} {how}, the record that stands.\n",
                d.when(r.at),
                d.when(first.at)
            ),
        );
    }
    for o in &d.out_of_order {
        line(
            out,
            format!(
                "> **Warning: milestones out of order.** `{}` ({}) is earlier than `{}` ({}). Check both times in the journal; the metrics below use them as recorded.\n",
                o.milestone,
                d.when(o.at),
                o.after,
                d.when(o.after_at)
            ),
        );
    }
}

/// Each milestone: when, by whom, how (a step or by hand), and when a backdated one was
/// recorded.
fn milestone_table(d: &Draft, out: &mut String) {
    line(
        out,
        format!("| Milestone | Time ({}) | Recorded by | How |", d.zone()),
    );
    line(out, "|---|---|---|---|");
    for m in Milestone::ALL {
        match d.milestone(m) {
            Some(mark) => {
                let how = match &mark.step {
                    Some(step) => format!("step {}", code(step)),
                    None => "by hand".to_string(),
                };
                let later = d
                    .record(mark.seq)
                    .filter(|r| r.backdated())
                    .map(|r| format!(", recorded {}", d.when(r.ts)));
                line(
                    out,
                    format!(
                        "| {m} | {} | {} | {how}{} |",
                        d.when(mark.at),
                        text(&mark.by),
                        later.unwrap_or_default()
                    ),
                );
            }
            None => line(out, row(&[m.name(), "not recorded", "", ""])),
        }
    }
    out.push('\n');
}

/// Time to detect, acknowledge, mitigate, resolve: the value, or which milestone is missing.
fn metric_table(d: &Draft, out: &mut String) {
    line(out, "| Metric | Duration | Between |");
    line(out, "|---|---|---|");
    for mt in &d.metrics {
        let missing: Vec<String> = [mt.from, mt.to]
            .iter()
            .filter(|m| d.milestone(**m).is_none())
            .map(|m| format!("`{m}`"))
            .collect();
        let value = match mt.secs {
            Some(s) if s < 0 => format!("{} (out of order)", span(s)),
            Some(s) => span(s),
            None => format!("unknown: no {} milestone", missing.join(" or ")),
        };
        let between = match (d.milestone(mt.from), d.milestone(mt.to)) {
            (Some(a), Some(b)) => {
                format!("{} {} → {} {}", mt.from, d.when(a.at), mt.to, d.when(b.at))
            }
            _ => format!("{} → {}", mt.from, mt.to),
        };
        line(out, format!("| {} | {value} | {between} |", mt.label));
    }
    out.push('\n');
}

/// Time at each severity, and when.
fn severity_table(d: &Draft, out: &mut String) {
    let st = &d.severity;
    line(
        out,
        format!(
            "Time at each severity, from the start until {} ({}):\n",
            st.until.1,
            d.when(st.until.0)
        ),
    );
    line(out, "| Severity | Time | When |");
    line(out, "|---|---|---|");
    for (sev, secs) in &st.totals {
        let when: Vec<String> = st
            .spans
            .iter()
            .filter(|(s, _, _)| s == sev)
            .map(|(_, a, b)| format!("{}–{}", d.when(*a), d.when(*b)))
            .collect();
        line(
            out,
            format!("| {sev} | {} | {} |", span(*secs), when.join(", ")),
        );
    }
    out.push('\n');
    crate::export::gantt::render(d, out);
}
