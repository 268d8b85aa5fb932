//! Reading the times responders type (`--at`): RFC 3339, `HH:MM` or `HH:MM:SS` (today, in the
//! given zone, UTC by default), or relative to now (`-15m`, `-1h30m`). Pure: now is passed in.

use super::Dur;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

pub const AT_FORMS: &str =
    "RFC 3339 (2026-05-30T22:15:00Z), HH:MM or HH:MM:SS (today), or relative like -15m";

pub fn parse_at(s: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(rel) = s.strip_prefix('-') {
        let d = Dur::parse(rel).map_err(|e| format!("--at {s}: {e}"))?;
        let secs = i64::try_from(d.secs()).map_err(|_| format!("--at {s}: too far back"))?;
        return Ok(now - chrono::Duration::seconds(secs));
    }
    for fmt in ["%H:%M:%S", "%H:%M"] {
        if let Ok(t) = NaiveTime::parse_from_str(s, fmt) {
            let today = now.with_timezone(&tz).date_naive();
            return tz
                .from_local_datetime(&today.and_time(t))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| format!("--at {s}: that time does not exist today in {tz}"));
        }
    }
    Err(format!("--at \"{s}\" is not a time: use {AT_FORMS}"))
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

    #[test]
    fn accepts_the_documented_forms() {
        let utc = chrono_tz::UTC;
        assert_eq!(
            parse_at("2026-05-30T22:15:00Z", now(), utc).unwrap(),
            Utc.with_ymd_and_hms(2026, 5, 30, 22, 15, 0).unwrap()
        );
        assert_eq!(
            parse_at("22:15", now(), utc).unwrap(),
            Utc.with_ymd_and_hms(2026, 5, 30, 22, 15, 0).unwrap()
        );
        assert_eq!(
            parse_at("22:15:30", now(), utc).unwrap(),
            Utc.with_ymd_and_hms(2026, 5, 30, 22, 15, 30).unwrap()
        );
        assert_eq!(
            parse_at("-15m", now(), utc).unwrap(),
            Utc.with_ymd_and_hms(2026, 5, 30, 22, 45, 0).unwrap()
        );
        let la = parse_tz("America/Los_Angeles").unwrap();
        // 15:00 in Los Angeles on 30 May (PDT, UTC-7) is 22:00 UTC.
        assert_eq!(
            parse_at("15:00", now(), la).unwrap(),
            Utc.with_ymd_and_hms(2026, 5, 30, 22, 0, 0).unwrap()
        );
    }

    #[test]
    fn rejects_other_text_with_the_accepted_forms() {
        let e = parse_at("yesterday", now(), chrono_tz::UTC).unwrap_err();
        assert!(e.contains("HH:MM"), "{e}");
        assert!(parse_tz("Mars/Olympus").unwrap_err().contains("IANA"));
    }
}
