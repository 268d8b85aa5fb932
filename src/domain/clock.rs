//! The only place in the program that reads the wall clock. Everything else is handed a time
//! (messages carry their timestamps), so drills can run on a simulated clock and tests on a
//! fixed one.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

/// A source of "now", always UTC.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// The real wall-clock time, when `now` is not it (a drill's simulated clock); None for
    /// clocks whose `now` is the real time (or stands in for it, as a fixed clock does).
    fn wall(&self) -> Option<DateTime<Utc>> {
        None
    }

    /// `now` and `wall` from one reading, so the two agree to the millisecond.
    fn now_and_wall(&self) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
        (self.now(), self.wall())
    }
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one sanctioned wall-clock read
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to: for tests and for replaying at given times.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> FixedClock {
        FixedClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }

    /// Moves the clock on by `by` (saturating at the ends of time).
    pub fn advance(&self, by: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t = shifted(*t, by);
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// A drill's clock: runs `speed` times as fast as `inner` (the real clock, or a fixed one in
/// tests) from `drill_start`, which it shows when `inner` reads `real_start`.
/// `now() = drill_start + (inner.now() - real_start) * speed`, to the millisecond.
pub struct SimClock {
    pub real_start: DateTime<Utc>,
    pub drill_start: DateTime<Utc>,
    pub speed: f64,
    inner: Arc<dyn Clock>,
}

impl SimClock {
    /// A drill clock that shows `drill_start` now and runs at `speed` from here on.
    pub fn new(inner: Arc<dyn Clock>, drill_start: DateTime<Utc>, speed: f64) -> SimClock {
        SimClock {
            real_start: inner.now(),
            drill_start,
            speed,
            inner,
        }
    }

    /// A drill clock that showed `drill_at` when the real time was `real_at` (a journal record's
    /// `ts` and `wall`): it continues from there as if it had run all along.
    pub fn anchored(
        inner: Arc<dyn Clock>,
        drill_at: DateTime<Utc>,
        real_at: DateTime<Utc>,
        speed: f64,
    ) -> SimClock {
        SimClock {
            real_start: real_at,
            drill_start: drill_at,
            speed,
            inner,
        }
    }
}

impl std::fmt::Debug for SimClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimClock")
            .field("real_start", &self.real_start)
            .field("drill_start", &self.drill_start)
            .field("speed", &self.speed)
            .finish_non_exhaustive()
    }
}

impl Clock for SimClock {
    fn now(&self) -> DateTime<Utc> {
        self.now_and_wall().0
    }

    fn wall(&self) -> Option<DateTime<Utc>> {
        Some(self.inner.now())
    }

    fn now_and_wall(&self) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
        let wall = self.inner.now();
        (
            scaled(self.drill_start, self.real_start, self.speed, wall),
            Some(wall),
        )
    }
}

/// Where a drill clock that showed `drill_at` at real time `real_at` stands at real time `wall`,
/// running `speed` times as fast: `drill_at + (wall - real_at) * speed`, rounded to the
/// millisecond (the journal's precision), saturating at the ends of time.
pub fn scaled(
    drill_at: DateTime<Utc>,
    real_at: DateTime<Utc>,
    speed: f64,
    wall: DateTime<Utc>,
) -> DateTime<Utc> {
    let real_ms = (wall - real_at).num_milliseconds();
    // `as` saturates (and maps NaN to 0), so absurd speeds cannot panic.
    let drill_ms = (real_ms as f64 * speed).round() as i64;
    Duration::try_milliseconds(drill_ms)
        .and_then(|d| drill_at.checked_add_signed(d))
        .unwrap_or(if drill_ms < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

/// `t` moved by `by`, saturating at the ends of time: for windows around a time read from a
/// journal (which may hold any time chrono can read), where the edge is as good as past it.
pub fn shifted(t: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    t.checked_add_signed(by)
        .unwrap_or(if by < Duration::zero() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

/// Whole seconds from `from` to `to` (negative when `to` is earlier). Subtracting two times
/// is always in range; this names the one way spans are measured.
pub fn secs_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds()
}

/// Formats a time the way the journal stores it: RFC 3339, UTC, milliseconds, `Z`.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A clock that can be switched to another: the app runs on real time on the home screen and
/// on the drill's simulated clock while a drill is open. Threads hold one `Switchable` and
/// read whichever clock is current.
pub struct Switchable(Mutex<std::sync::Arc<dyn Clock>>);

impl Switchable {
    pub fn new(inner: std::sync::Arc<dyn Clock>) -> Switchable {
        Switchable(Mutex::new(inner))
    }

    pub fn set(&self, inner: std::sync::Arc<dyn Clock>) {
        if let Ok(mut c) = self.0.lock() {
            *c = inner;
        }
    }

    fn current(&self) -> std::sync::Arc<dyn Clock> {
        match self.0.lock() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl Clock for Switchable {
    fn now(&self) -> DateTime<Utc> {
        self.current().now()
    }

    fn wall(&self) -> Option<DateTime<Utc>> {
        self.current().wall()
    }

    fn now_and_wall(&self) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
        self.current().now_and_wall()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let t0 = Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap();
        let c = FixedClock::new(t0);
        assert_eq!(c.now(), t0);
        c.advance(Duration::minutes(3));
        assert_eq!(stamp(c.now()), "2026-05-30T22:15:00.000Z");
    }

    #[test]
    fn sim_clock_runs_speed_times_faster_and_reports_the_real_time() {
        let t0 = Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap();
        let real = Arc::new(FixedClock::new(t0));
        let sim = SimClock::new(real.clone(), t0, 10.0);
        assert_eq!(sim.now(), t0);
        real.advance(Duration::seconds(30));
        assert_eq!(sim.now(), t0 + Duration::minutes(5));
        assert_eq!(sim.wall(), Some(t0 + Duration::seconds(30)));
        assert_eq!(
            sim.now_and_wall(),
            (t0 + Duration::minutes(5), Some(t0 + Duration::seconds(30)))
        );
        // Plain clocks have no separate wall time.
        assert_eq!(real.wall(), None);
    }

    #[test]
    fn an_anchored_sim_clock_continues_as_if_it_had_run_all_along() {
        let t0 = Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap();
        let real = Arc::new(FixedClock::new(t0 + Duration::seconds(90)));
        // It showed t0 + 5m at real t0 + 30s; a minute of real time later, 10 more minutes.
        let sim = SimClock::anchored(
            real,
            t0 + Duration::minutes(5),
            t0 + Duration::seconds(30),
            10.0,
        );
        assert_eq!(sim.now(), t0 + Duration::minutes(15));
    }

    #[test]
    fn scaling_rounds_to_milliseconds_and_never_panics() {
        let t0 = Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap();
        let t1 = t0 + Duration::milliseconds(1);
        assert_eq!(scaled(t0, t0, 2.5, t1), t0 + Duration::milliseconds(3));
        assert_eq!(scaled(t0, t0, 0.5, t1), t0 + Duration::milliseconds(1));
        assert_eq!(scaled(t0, t0, 1e300, t1), DateTime::<Utc>::MAX_UTC);
        assert_eq!(scaled(t0, t1, 1e300, t0), DateTime::<Utc>::MIN_UTC);
        assert_eq!(scaled(t0, t0, f64::NAN, t1), t0);
    }

    #[test]
    fn shifting_saturates_and_spans_never_overflow() {
        let t0 = Utc.with_ymd_and_hms(2026, 5, 30, 22, 12, 0).unwrap();
        assert_eq!(shifted(t0, Duration::minutes(5)), t0 + Duration::minutes(5));
        assert_eq!(
            shifted(DateTime::<Utc>::MAX_UTC, Duration::minutes(5)),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            shifted(DateTime::<Utc>::MIN_UTC, Duration::minutes(-5)),
            DateTime::<Utc>::MIN_UTC
        );
        let c = FixedClock::new(DateTime::<Utc>::MAX_UTC);
        c.advance(Duration::days(1));
        assert_eq!(c.now(), DateTime::<Utc>::MAX_UTC);
        assert!(secs_between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC) > 0);
    }
}
