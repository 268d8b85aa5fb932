//! Durations as runbooks write them: `90s`, `5m`, `1h30m`, `2h`, `1d`. Whole seconds only,
//! more than zero and at most `Dur::MAX` (30 days), so that every sum of a time and a `Dur`
//! that the program makes is in range. Pure; never panics on any input.

use chrono::{DateTime, TimeDelta, Utc};
use std::fmt;

/// A span of whole seconds, more than zero and at most `Dur::MAX`, written in runbooks as
/// `1h30m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(u64);

/// What the parser accepts, quoted in error messages.
pub const DURATION_FORMS: &str = "a number followed by d, h, m or s, largest unit first, such as \"90s\", \"5m\", \"1h30m\", \"2h\"";

/// `Dur::MAX` in seconds: 30 days.
const MAX_SECS: u64 = 30 * 86_400;

/// Any number of seconds in the short form durations are written in (`1h13m`, `45s`, `0s`),
/// with no bound: for showing spans measured between two times, which may be long.
pub fn short(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = secs;
    for (unit, name) in [(86_400, 'd'), (3_600, 'h'), (60, 'm'), (1, 's')] {
        if rest >= unit {
            out.push_str(&format!("{}{}", rest / unit, name));
            rest %= unit;
        }
    }
    out
}

impl Dur {
    /// The longest duration anything takes: 30 days. No runbook step, command, cadence or
    /// drill offset needs more; anything longer is a typo (`99999999d`) or an attack.
    pub const MAX: Dur = Dur(MAX_SECS);

    /// `secs` seconds, clamped to 1 second ..= `Dur::MAX` (for constants and tests; text is
    /// read with `parse`, which refuses what this clamps).
    pub const fn from_secs(secs: u64) -> Dur {
        if secs == 0 {
            Dur(1)
        } else if secs > MAX_SECS {
            Dur(MAX_SECS)
        } else {
            Dur(secs)
        }
    }

    pub const fn secs(self) -> u64 {
        self.0
    }

    /// As a chrono span (always in range: at most 30 days).
    pub fn delta(self) -> TimeDelta {
        i64::try_from(self.0)
            .ok()
            .and_then(TimeDelta::try_seconds)
            .unwrap_or(TimeDelta::MAX)
    }

    /// `t` plus this duration; None past the end of time (a journal written by hand can hold
    /// any time chrono reads, so even this is checked).
    pub fn after(self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        t.checked_add_signed(self.delta())
    }

    /// `t` minus this duration; None before the beginning of time.
    pub fn before(self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        t.checked_sub_signed(self.delta())
    }

    /// Parses `1h30m`-style text. Units d, h, m, s, each at most once and in that order;
    /// whitespace is not allowed; the result must be more than zero and at most 30 days.
    pub fn parse(text: &str) -> Result<Dur, String> {
        if text.is_empty() {
            return Err(format!("empty duration: write {DURATION_FORMS}"));
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        let mut last_unit = 0usize;
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let rank = match c {
                'd' => 1,
                'h' => 2,
                'm' => 3,
                's' => 4,
                _ => {
                    return Err(format!(
                        "\"{text}\" is not a duration: write {DURATION_FORMS}"
                    ));
                }
            };
            if digits.is_empty() || rank <= last_unit {
                return Err(format!(
                    "\"{text}\" is not a duration: write {DURATION_FORMS}"
                ));
            }
            let n: u64 = digits.parse().map_err(|_| too_long(text))?;
            let unit = [0, 86_400, 3_600, 60, 1][rank];
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| too_long(text))?;
            digits.clear();
            last_unit = rank;
        }
        if !digits.is_empty() {
            return Err(format!("\"{text}\" has no unit: write {DURATION_FORMS}"));
        }
        if total == 0 {
            return Err(format!(
                "\"{text}\" is zero: a duration must be more than zero"
            ));
        }
        if total > MAX_SECS {
            return Err(too_long(text));
        }
        Ok(Dur(total))
    }
}

/// The message for a duration over the bound, naming it. The text is quoted as typed: it is
/// made of digits and units, or it would not have got this far.
fn too_long(text: &str) -> String {
    format!("\"{text}\" is more than 30 days: durations are at most 30d")
}

impl fmt::Display for Dur {
    /// The canonical short form: `1h30m`, `45s`, `2d3h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&short(self.0))
    }
}

impl serde::Serialize for Dur {
    /// Serialized as the runbook writes it (`"1h30m"`).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_accepted_forms() {
        assert_eq!(Dur::parse("90s"), Ok(Dur(90)));
        assert_eq!(Dur::parse("5m"), Ok(Dur(300)));
        assert_eq!(Dur::parse("1h30m"), Ok(Dur(5400)));
        assert_eq!(Dur::parse("1d2h3m4s"), Ok(Dur(93_784)));
    }

    #[test]
    fn rejects_other_forms_and_names_the_accepted_ones() {
        for bad in [
            "5 minutes",
            "5",
            "m5",
            "1m1h",
            "1h1h",
            "",
            "0s",
            "1.5h",
            "-5m",
        ] {
            let err = Dur::parse(bad).unwrap_err();
            assert!(err.contains('"') || err.contains("empty"), "{bad}: {err}");
        }
        assert!(Dur::parse("5 minutes").unwrap_err().contains("1h30m"));
        assert!(Dur::parse("99999999999999999999d").is_err());
    }

    #[test]
    fn durations_are_at_most_thirty_days_and_say_so() {
        assert_eq!(Dur::parse("30d"), Ok(Dur::MAX));
        assert_eq!(Dur::parse("29d23h59m60s"), Ok(Dur::MAX));
        for big in ["30d1s", "31d", "721h", "99999999d", "18446744073709551615s"] {
            let err = Dur::parse(big).unwrap_err();
            assert!(err.contains("at most 30d"), "{big}: {err}");
        }
        assert_eq!(Dur::from_secs(0), Dur(1));
        assert_eq!(Dur::from_secs(u64::MAX), Dur::MAX);
    }

    #[test]
    fn sums_with_times_are_checked() {
        use chrono::TimeZone;
        let t = Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap();
        let d = Dur::parse("1h").unwrap();
        assert_eq!(d.after(t), Some(t + TimeDelta::hours(1)));
        assert_eq!(d.before(t), Some(t - TimeDelta::hours(1)));
        assert_eq!(Dur::MAX.after(DateTime::<Utc>::MAX_UTC), None);
        assert_eq!(Dur::MAX.before(DateTime::<Utc>::MIN_UTC), None);
    }

    #[test]
    fn short_shows_any_span() {
        assert_eq!(short(0), "0s");
        assert_eq!(short(90), "1m30s");
        assert_eq!(short(45 * 86_400), "45d");
        assert_eq!(short(u64::MAX), "213503982334601d7h15s");
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics_and_stays_in_bounds(s in "\\PC{0,24}|[0-9dhms]{0,24}") {
            if let Ok(d) = Dur::parse(&s) {
                proptest::prop_assert!(d.secs() >= 1 && d <= Dur::MAX);
                proptest::prop_assert_eq!(Dur::parse(&d.to_string()), Ok(d));
            }
        }
    }

    #[test]
    fn displays_canonically_and_round_trips() {
        for s in ["90s", "5m", "1h30m", "2d", "1d1s"] {
            let d = Dur::parse(s).unwrap();
            assert_eq!(Dur::parse(&d.to_string()), Ok(d));
        }
        assert_eq!(Dur(90).to_string(), "1m30s");
    }
}
