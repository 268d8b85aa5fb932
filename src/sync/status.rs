//! Where sharing stands, as the app's header says it: "shared 3s ago", or "offline since
//! 03:12, 14 events not yet shared". Pure: the times are given.
//!
//! Owns: `Sharing` and its text. Must never: read a clock or do IO.

use chrono::{DateTime, Utc};

/// The outcome of the background exchanges so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sharing {
    /// When the last exchange completed.
    pub shared_at: Option<DateTime<Utc>>,
    /// When exchanges started failing (None while they succeed).
    pub offline_since: Option<DateTime<Utc>>,
    /// Records this device wrote that the remote does not have yet.
    pub pending: usize,
}

impl Sharing {
    /// After an exchange that completed at `now`.
    pub fn shared(now: DateTime<Utc>) -> Sharing {
        Sharing {
            shared_at: Some(now),
            offline_since: None,
            pending: 0,
        }
    }

    /// After an exchange that failed at `now`, with `pending` records not shared.
    pub fn failed(&self, now: DateTime<Utc>, pending: usize) -> Sharing {
        Sharing {
            shared_at: self.shared_at,
            offline_since: Some(self.offline_since.unwrap_or(now)),
            pending,
        }
    }

    /// The header's words at `now`.
    pub fn text(&self, now: DateTime<Utc>) -> String {
        if let Some(since) = self.offline_since {
            let events = match self.pending {
                0 => "everything here is shared".to_string(),
                1 => "1 event not yet shared".to_string(),
                n => format!("{n} events not yet shared"),
            };
            return format!("offline since {}, {events}", since.format("%H:%M"));
        }
        match self.shared_at {
            Some(at) => format!("shared {} ago", ago((now - at).num_seconds().max(0))),
            None => "not shared yet".to_string(),
        }
    }
}

fn ago(s: i64) -> String {
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h", s / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_header_says_when_it_shared_or_since_when_it_cannot() {
        let t = |h, m, s| Utc.with_ymd_and_hms(2026, 5, 30, h, m, s).unwrap();
        let ok = Sharing::shared(t(3, 0, 0));
        assert_eq!(ok.text(t(3, 0, 3)), "shared 3s ago");
        assert_eq!(ok.text(t(3, 5, 0)), "shared 5m ago");
        let off = ok.failed(t(3, 12, 0), 14);
        assert_eq!(
            off.text(t(3, 20, 0)),
            "offline since 03:12, 14 events not yet shared"
        );
        // Still failing later: offline since the first failure.
        let later = off.failed(t(3, 30, 0), 15);
        assert_eq!(
            later.text(t(3, 31, 0)),
            "offline since 03:12, 15 events not yet shared"
        );
        assert_eq!(
            Sharing::shared(t(3, 40, 0)).failed(t(3, 41, 0), 1).pending,
            1
        );
        assert_eq!(Sharing::default().text(t(3, 0, 0)), "not shared yet");
    }
}
