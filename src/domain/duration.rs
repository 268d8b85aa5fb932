//! Durations as runbooks write them: `90s`, `5m`, `1h30m`, `2h`, `1d`. Whole seconds only.

use std::fmt;

/// A non-zero span of whole seconds, written in runbooks as `1h30m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(u64);

/// What the parser accepts, quoted in error messages.
pub const DURATION_FORMS: &str = "a number followed by d, h, m or s, largest unit first, such as \"90s\", \"5m\", \"1h30m\", \"2h\"";

impl Dur {
    pub const fn from_secs(secs: u64) -> Dur {
        Dur(secs)
    }

    pub const fn secs(self) -> u64 {
        self.0
    }

    /// Parses `1h30m`-style text. Units d, h, m, s, each at most once and in that order;
    /// whitespace is not allowed; the result must be more than zero.
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
            let n: u64 = digits
                .parse()
                .map_err(|_| format!("\"{text}\" is too large a duration"))?;
            let unit = [0, 86_400, 3_600, 60, 1][rank];
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| format!("\"{text}\" is too large a duration"))?;
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
        Ok(Dur(total))
    }
}

impl fmt::Display for Dur {
    /// The canonical short form: `1h30m`, `45s`, `2d3h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return f.write_str("0s");
        }
        for (unit, name) in [(86_400, 'd'), (3_600, 'h'), (60, 'm'), (1, 's')] {
            if rest >= unit {
                write!(f, "{}{}", rest / unit, name)?;
                rest %= unit;
            }
        }
        Ok(())
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
    fn displays_canonically_and_round_trips() {
        for s in ["90s", "5m", "1h30m", "2d", "1d1s"] {
            let d = Dur::parse(s).unwrap();
            assert_eq!(Dur::parse(&d.to_string()), Ok(d));
        }
        assert_eq!(Dur(90).to_string(), "1m30s");
    }
}
