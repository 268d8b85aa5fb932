//! Reading the times responders type (`--at`): RFC 3339, `HH:MM` or `HH:MM:SS` (the most
//! recent such time in the given zone, UTC by default), or relative to now (`-15m`, `-1h30m`).
//! Pure: now is passed in. Never panics: every sum is checked, and a time more than
//! `MAX_AHEAD` in the future or `MAX_BACK` in the past is refused with the parsed time shown,
//! so a typo never silently dates an event hours away. Messages quote the text as typed: the
//! command line prints every error through `runbook::sanitize`.

use super::Dur;
use super::clock::stamp;
use super::duration::short;
use chrono::{DateTime, Days, LocalResult, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

pub const AT_FORMS: &str = "RFC 3339 (2026-05-30T22:15:00Z), HH:MM or HH:MM:SS (the most recent such time), or relative like -15m";

/// How far ahead of the clock `--at` may be: clocks on two machines disagree a little.
pub const MAX_AHEAD: TimeDelta = TimeDelta::minutes(5);
/// How far back `--at` may reach: an incident's events are recorded while it runs, or soon
/// after; to record an older one, run with `RUNBOOK_NOW` set to when it happened.
pub const MAX_BACK: TimeDelta = TimeDelta::days(30);

/// Parses an `--at` value against `now`, in `tz`, and checks it is within the bounds.
pub fn parse_at(s: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    let t = parse_unbounded(s, now, tz)?;
    if t - now > MAX_AHEAD {
        return Err(format!(
            "--at {s} is {}, {} in the future; give a time at most 5 minutes from now (the clock says {})",
            stamp(t),
            short(secs(t - now)),
            stamp(now)
        ));
    }
    if now - t > MAX_BACK {
        return Err(format!(
            "--at {s} is {}, {} in the past; --at reaches back at most 30 days (to record an older incident, set RUNBOOK_NOW to when it happened)",
            stamp(t),
            short(secs(now - t))
        ));
    }
    Ok(t)
}

/// Whole seconds of a span that is positive here.
fn secs(d: TimeDelta) -> u64 {
    u64::try_from(d.num_seconds()).unwrap_or(0)
}

fn parse_unbounded(s: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(rel) = s.strip_prefix('-') {
        let d = Dur::parse(rel).map_err(|e| format!("--at {s}: {e}"))?;
        return d
            .before(now)
            .ok_or_else(|| format!("--at {s}: before the beginning of time"));
    }
    for fmt in ["%H:%M:%S", "%H:%M"] {
        if let Ok(t) = NaiveTime::parse_from_str(s, fmt) {
            return most_recent(t, now, tz)
                .ok_or_else(|| format!("--at {s}: that time does not exist in {tz} today or yesterday (a clock change?): give it in RFC 3339"));
        }
    }
    Err(format!("--at \"{s}\" is not a time: use {AT_FORMS}"))
}

/// The most recent `t` in `tz`: today's, unless that is more than `MAX_AHEAD` from now, then
/// yesterday's (22:12 typed at 19:58 is yesterday's 22:12; 20:00 typed at 19:58 is today's,
/// two minutes ahead: another machine's clock). A time a clock change makes happen twice is
/// the later one that is not ahead; one it skips is the day before's.
fn most_recent(t: NaiveTime, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
    let today = now.with_timezone(&tz).date_naive();
    let yesterday = today.checked_sub_days(Days::new(1))?;
    [today, yesterday].into_iter().find_map(|day| {
        let (later, earlier) = match tz.from_local_datetime(&day.and_time(t)) {
            LocalResult::Single(t) => (Some(t), None),
            LocalResult::Ambiguous(a, b) => (Some(a.max(b)), Some(a.min(b))),
            LocalResult::None => (None, None),
        };
        [later, earlier]
            .into_iter()
            .flatten()
            .map(|t| t.with_timezone(&Utc))
            .find(|t| *t - now <= MAX_AHEAD)
    })
}

/// Parses a time-zone name (`UTC`, `Europe/Berlin`, `America/Los_Angeles`).
pub fn parse_tz(s: &str) -> Result<Tz, String> {
    s.parse::<Tz>().map_err(|_| format!("unknown time zone \"{s}\": use an IANA name such as UTC, Europe/Berlin or America/Los_Angeles"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 30, 23, 0, 0).unwrap()
    }

    fn utc(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 30, h, m, s).unwrap()
    }

    #[test]
    fn accepts_the_documented_forms() {
        let utc_tz = chrono_tz::UTC;
        assert_eq!(
            parse_at("2026-05-30T22:15:00Z", now(), utc_tz).unwrap(),
            utc(22, 15, 0)
        );
        assert_eq!(parse_at("22:15", now(), utc_tz).unwrap(), utc(22, 15, 0));
        assert_eq!(
            parse_at("22:15:30", now(), utc_tz).unwrap(),
            utc(22, 15, 30)
        );
        assert_eq!(parse_at("-15m", now(), utc_tz).unwrap(), utc(22, 45, 0));
        let la = parse_tz("America/Los_Angeles").unwrap();
        // 15:00 in Los Angeles on 30 May (PDT, UTC-7) is 22:00 UTC.
        assert_eq!(parse_at("15:00", now(), la).unwrap(), utc(22, 0, 0));
    }

    #[test]
    fn a_time_of_day_is_the_most_recent_one() {
        let at_1958 = utc(19, 58, 0);
        let utc_tz = chrono_tz::UTC;
        // 22:12 at 19:58 is yesterday's 22:12, not one two hours ahead.
        assert_eq!(
            parse_at("22:12", at_1958, utc_tz).unwrap(),
            Utc.with_ymd_and_hms(2026, 5, 29, 22, 12, 0).unwrap()
        );
        // A few minutes ahead is another machine's clock: today's.
        assert_eq!(parse_at("20:02", at_1958, utc_tz).unwrap(), utc(20, 2, 0));
        assert_eq!(
            parse_at("20:04", at_1958, utc_tz).unwrap(),
            Utc.with_ymd_and_hms(2026, 5, 29, 20, 4, 0).unwrap()
        );
        // Just after midnight in the zone, 23:50 is the day before's.
        let berlin = parse_tz("Europe/Berlin").unwrap();
        let at = Utc.with_ymd_and_hms(2026, 5, 30, 22, 5, 0).unwrap(); // 00:05 CEST on the 31st
        assert_eq!(
            parse_at("23:50", at, berlin).unwrap(),
            Utc.with_ymd_and_hms(2026, 5, 30, 21, 50, 0).unwrap()
        );
    }

    #[test]
    fn a_time_a_clock_change_repeats_is_the_most_recent_one() {
        let berlin = parse_tz("Europe/Berlin").unwrap();
        // 25 October 2026: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
        let now = Utc.with_ymd_and_hms(2026, 10, 25, 1, 45, 0).unwrap();
        assert_eq!(
            parse_at("02:30", now, berlin).unwrap(),
            Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap()
        );
        let between = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        assert_eq!(
            parse_at("02:30", between, berlin).unwrap(),
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()
        );
        // 29 March 2026 skips 02:30: the most recent one was the day before.
        let now = Utc.with_ymd_and_hms(2026, 3, 29, 2, 0, 0).unwrap();
        assert_eq!(
            parse_at("02:30", now, berlin).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 28, 1, 30, 0).unwrap()
        );
    }

    #[test]
    fn a_time_in_the_future_is_refused_showing_it_in_utc() {
        let at_1958 = utc(19, 58, 0);
        let e = parse_at("2026-05-30T22:12:00Z", at_1958, chrono_tz::UTC).unwrap_err();
        assert!(
            e.contains("2026-05-30T22:12:00.000Z, 2h14m in the future"),
            "{e}"
        );
        assert!(parse_at("2026-05-30T20:03:00Z", at_1958, chrono_tz::UTC).is_ok());
        assert!(parse_at("2026-05-30T20:03:01Z", at_1958, chrono_tz::UTC).is_err());
    }

    #[test]
    fn how_far_back_is_bounded() {
        let e = parse_at("2026-03-01T00:00:00Z", now(), chrono_tz::UTC).unwrap_err();
        assert!(e.contains("in the past") && e.contains("30 days"), "{e}");
        let e = parse_at("-300000000d", now(), chrono_tz::UTC).unwrap_err();
        assert!(e.contains("at most 30d"), "{e}");
        assert!(parse_at("-30d", now(), chrono_tz::UTC).is_ok());
        let e = parse_at("0001-01-01T00:00:00Z", now(), chrono_tz::UTC).unwrap_err();
        assert!(e.contains("in the past"), "{e}");
        let e = parse_at("9999-12-31T23:59:59Z", now(), chrono_tz::UTC).unwrap_err();
        assert!(e.contains("in the future"), "{e}");
    }

    #[test]
    fn rejects_other_text_with_the_accepted_forms() {
        let e = parse_at("yesterday", now(), chrono_tz::UTC).unwrap_err();
        assert!(e.contains("HH:MM"), "{e}");
        assert!(parse_tz("Mars/Olympus").unwrap_err().contains("IANA"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_stays_in_bounds(
            s in "\\PC{0,30}|-?[0-9dhms]{0,20}|[0-9]{1,6}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z|[0-9]{2}:[0-9]{2}(:[0-9]{2})?",
            secs in -8_000_000_000_000i64..8_000_000_000_000i64,
        ) {
            let now = DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MIN_UTC);
            if let Ok(t) = parse_at(&s, now, chrono_tz::UTC) {
                proptest::prop_assert!(t - now <= MAX_AHEAD && now - t <= MAX_BACK);
            }
        }
    }
}
