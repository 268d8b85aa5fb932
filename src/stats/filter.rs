//! Which incidents `runbook stats` counts: a time window on when the impact started, the
//! runbook's incident type, the runbook, the worst severity, and drills or real incidents.
//! Pure.
//!
//! Must never: count a drill unless drills were asked for, or drop a real incident then.

use super::Summary;
use crate::domain::Severity;
use chrono::{DateTime, NaiveDate, Utc};

/// What to count. Bounds are on `Summary::started`: `since` inclusive, `until` exclusive.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub incident_type: Option<String>,
    pub runbook: Option<String>,
    pub severity: Option<Severity>,
    /// Drills only (true) or real incidents only (false, the default).
    pub drills: bool,
}

impl Filter {
    pub fn admits(&self, s: &Summary) -> bool {
        s.drill == self.drills
            && self.since.is_none_or(|t| s.started >= t)
            && self.until.is_none_or(|t| s.started < t)
            && self
                .incident_type
                .as_ref()
                .is_none_or(|t| *t == s.incident_type)
            && self.runbook.as_ref().is_none_or(|r| *r == s.runbook)
            && self.severity.is_none_or(|v| v == s.severity)
    }
}

/// `--since`: a date (`2026-05-01`, from its start, UTC) or an RFC 3339 time.
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    parse_bound(text, false)
}

/// `--until`: a date (`2026-05-31`, through its end, UTC) or an RFC 3339 time (exclusive).
pub fn parse_until(text: &str) -> Result<DateTime<Utc>, String> {
    parse_bound(text, true)
}

fn parse_bound(text: &str, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(at.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
        format!(
            "\"{}\" is not a date: give YYYY-MM-DD (UTC) or an RFC 3339 time such as \
             2026-05-01T09:00:00Z",
            crate::runbook::sanitize::visible(t)
        )
    })?;
    let day = if end_of_day {
        day.succ_opt()
            .ok_or("that date is past the last one chrono knows")?
    } else {
        day
    };
    Ok(day.and_time(chrono::NaiveTime::MIN).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_bound_covers_the_whole_day_and_nonsense_is_refused() {
        let since = parse_since("2026-05-01").unwrap();
        let until = parse_until("2026-05-01").unwrap();
        assert_eq!(since.to_rfc3339(), "2026-05-01T00:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2026-05-02T00:00:00+00:00");
        let exact = parse_since("2026-05-01T09:30:00+02:00").unwrap();
        assert_eq!(exact.to_rfc3339(), "2026-05-01T07:30:00+00:00");
        let err = parse_since("yesterday\u{1b}[2J").unwrap_err();
        assert!(
            err.contains("YYYY-MM-DD") && !err.contains('\u{1b}'),
            "{err}"
        );
    }
}
