//! What the app's stats screen picks out of a `Report`: the recent weeks with the weeks
//! without incidents put back (a chart that skipped them would draw a quiet month as a busy
//! one), and a runbook's most skipped and most overrun steps. Pure.
//!
//! Must never: invent a figure (a week without incidents has no time to resolve, not zero),
//! or rank a step on runs that could not be judged (a step with no timed run against a target
//! has no overrun rate and is not ranked).

use super::report::{RunbookStats, StepStats, Week};
use chrono::{Datelike, NaiveDate, Weekday};

/// The `n` weeks up to the last one with incidents, oldest first, back to the first week
/// with incidents at the most: the weeks of `weeks` (as `Report::weeks` lists them), and a
/// zero week for each week between them without incidents. A week whose name is not an ISO
/// week is dropped (`Report` never makes one).
pub fn recent_weeks(weeks: &[Week], n: usize) -> Vec<Week> {
    let dated: Vec<(NaiveDate, &Week)> = weeks
        .iter()
        .filter_map(|w| Some((monday(&w.week)?, w)))
        .collect();
    let (Some(first), Some(last)) = (dated.first(), dated.last()) else {
        return Vec::new();
    };
    let mut out: Vec<Week> = Vec::new();
    let mut day = last.0;
    while out.len() < n && day >= first.0 {
        let week = match dated.iter().find(|(d, _)| *d == day) {
            Some((_, w)) => (*w).clone(),
            None => Week {
                week: name(day),
                incidents: 0,
                median_time_to_resolve_s: None,
            },
        };
        out.push(week);
        match day.checked_sub_days(chrono::Days::new(7)) {
            Some(d) => day = d,
            None => break,
        }
    }
    out.reverse();
    out
}

/// How many weeks there are from the first week with incidents to the last, the quiet ones
/// included: what `recent_weeks` would give with room for all.
pub fn week_span(weeks: &[Week]) -> usize {
    let days: Vec<NaiveDate> = weeks.iter().filter_map(|w| monday(&w.week)).collect();
    match (days.first(), days.last()) {
        (Some(a), Some(b)) => usize::try_from((*b - *a).num_weeks()).map_or(0, |w| w + 1),
        _ => 0,
    }
}

/// The Monday of ISO week `2026-W18`.
fn monday(week: &str) -> Option<NaiveDate> {
    let (y, w) = week.split_once("-W")?;
    NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, Weekday::Mon)
}

fn name(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The steps that were skipped, most often first (then by how often they were reached, then
/// in runbook order).
pub fn most_skipped(rb: &RunbookStats) -> Vec<&StepStats> {
    let mut out: Vec<&StepStats> = rb.steps.iter().filter(|s| s.skipped > 0).collect();
    out.sort_by(|a, b| b.skipped.cmp(&a.skipped).then(b.reached.cmp(&a.reached)));
    out
}

/// The steps whose timed runs went over their target, the highest rate first (then by how
/// often they were reached, then in runbook order).
pub fn most_overrun(rb: &RunbookStats) -> Vec<&StepStats> {
    let rate = |s: &StepStats| s.overrun_rate.unwrap_or(0.0);
    let mut out: Vec<&StepStats> = rb.steps.iter().filter(|s| rate(s) > 0.0).collect();
    out.sort_by(|a, b| rate(b).total_cmp(&rate(a)).then(b.reached.cmp(&a.reached)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(name: &str, n: usize, ttr: Option<i64>) -> Week {
        Week {
            week: name.into(),
            incidents: n,
            median_time_to_resolve_s: ttr,
        }
    }

    #[test]
    fn quiet_weeks_are_put_back_as_zero_and_only_the_recent_ones_kept() {
        let weeks = [
            week("2026-W18", 2, Some(2400)),
            week("2026-W20", 1, Some(3000)),
            week("2026-W21", 1, Some(2700)),
        ];
        let all = recent_weeks(&weeks, 10);
        let names: Vec<&str> = all.iter().map(|w| w.week.as_str()).collect();
        assert_eq!(names, ["2026-W18", "2026-W19", "2026-W20", "2026-W21"]);
        assert_eq!(all[1], week("2026-W19", 0, None));
        assert_eq!(week_span(&weeks), 4);
        let two = recent_weeks(&weeks, 2);
        assert_eq!(two, [weeks[1].clone(), weeks[2].clone()]);
        assert!(recent_weeks(&[], 5).is_empty());
        assert_eq!(week_span(&[]), 0);
    }

    #[test]
    fn weeks_run_on_across_the_new_year() {
        // 2026 has 53 ISO weeks.
        let weeks = [week("2026-W52", 1, None), week("2027-W02", 3, Some(60))];
        let names: Vec<String> = recent_weeks(&weeks, 9)
            .into_iter()
            .map(|w| w.week)
            .collect();
        assert_eq!(names, ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]);
        assert_eq!(week_span(&weeks), 4);
    }

    fn step(id: &str, reached: usize, skipped: usize, rate: Option<f64>) -> StepStats {
        StepStats {
            id: id.into(),
            title: id.into(),
            removed: false,
            in_runbook: reached,
            reached,
            completed: reached - skipped,
            failed: 0,
            skipped,
            skip_reasons: Vec::new(),
            median_s: None,
            target_s: None,
            overrun_rate: rate,
            choices: Vec::new(),
        }
    }

    #[test]
    fn steps_are_ranked_by_skips_and_by_overrun_rate_and_unjudged_ones_left_out() {
        let rb = RunbookStats {
            id: "svc".into(),
            title: "Service down".into(),
            incidents: 4,
            out_of_order: 0,
            steps: vec![
                step("ack", 4, 0, Some(0.25)),
                step("check", 3, 1, Some(0.5)),
                step("decide", 4, 0, None),
                step("notify", 4, 2, Some(0.0)),
                step("rollback", 2, 1, Some(0.5)),
            ],
            never_reached: Vec::new(),
            removed: Vec::new(),
        };
        let ids = |v: Vec<&StepStats>| v.into_iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(most_skipped(&rb)), ["notify", "check", "rollback"]);
        assert_eq!(ids(most_overrun(&rb)), ["check", "rollback", "ack"]);
    }
}
