//! When injects fire. Pure: given a scenario's injects, when the drill started, the drill
//! clock's "now" and the injects already fired, which are due. The TUI's ticks and
//! `runbook drill tick` both ask here, so they fire the same injects at the same drill times.

use super::scenario::Inject;
use chrono::{DateTime, Utc};

/// When `inject` fires in a drill that started at `start` (at the end of time, never, for a
/// drill opened so close to it, as only a journal written by hand can be).
pub fn fires_at(start: DateTime<Utc>, inject: &Inject) -> DateTime<Utc> {
    crate::domain::clock::shifted(start, inject.at)
}

/// The injects due at `now`: not yet fired (by number) and `start + at <= now`, in firing
/// order (by time, then by position in the file). An inject fires once, however late.
pub fn due<'a>(
    injects: &'a [Inject],
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    fired: &[usize],
) -> Vec<&'a Inject> {
    let mut out: Vec<&Inject> = injects
        .iter()
        .filter(|i| !fired.contains(&i.number) && fires_at(start, i) <= now)
        .collect();
    out.sort_by_key(|i| (i.at, i.number));
    out
}

/// The next inject to fire after `now` (not yet fired, not yet due), if any.
pub fn next<'a>(
    injects: &'a [Inject],
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    fired: &[usize],
) -> Option<&'a Inject> {
    injects
        .iter()
        .filter(|i| !fired.contains(&i.number) && fires_at(start, i) > now)
        .min_by_key(|i| (i.at, i.number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn inject(number: usize, mins: i64) -> Inject {
        Inject {
            number,
            at: Duration::minutes(mins),
            text: format!("inject {number}"),
            for_step: None,
            output: None,
            exit_code: 0,
        }
    }

    #[test]
    fn due_is_in_time_order_and_skips_fired_ones() {
        let t0 = Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap();
        // File order is not time order: 3 fires first.
        let injects = [inject(1, 5), inject(2, 10), inject(3, 2), inject(4, 10)];
        let numbers = |v: Vec<&Inject>| v.iter().map(|i| i.number).collect::<Vec<_>>();
        assert!(due(&injects, t0, t0 + Duration::minutes(1), &[]).is_empty());
        assert_eq!(
            numbers(due(&injects, t0, t0 + Duration::minutes(10), &[])),
            [3, 1, 2, 4]
        );
        assert_eq!(
            numbers(due(&injects, t0, t0 + Duration::minutes(10), &[3, 2])),
            [1, 4]
        );
        assert_eq!(
            next(&injects, t0, t0 + Duration::minutes(2), &[3]).map(|i| i.number),
            Some(1)
        );
        assert_eq!(next(&injects, t0, t0 + Duration::minutes(10), &[]), None);
    }
}
