//! The bodies of the fuzz targets, as plain functions: the `fuzz/` crate (cargo-afl) calls
//! them on generated input, and `tests/it/fuzz_regressions.rs` calls them on every input the
//! fuzzers ever found crashing or hanging, so a fix stays fixed. Each takes any bytes and must
//! return without panicking, in time bounded by the input's size. Not an API: hidden from the
//! docs, and free to change with the targets.
//!
//! Nothing here touches the file system, the clock or the terminal: times are fixed, and
//! output is built and dropped.

use crate::domain::clock::FixedClock;
use crate::domain::event::Record;
use crate::domain::{Dur, incident, when};
use chrono::{DateTime, TimeZone, Utc};

/// A target: any bytes in, nothing out; it must not panic.
pub type Target = fn(&[u8]);

/// The targets, by the name their corpus and regression directories use.
pub const TARGETS: &[(&str, Target)] = &[
    ("runbook", runbook),
    ("scenario", scenario),
    ("journal", journal),
    ("time", time),
];

/// A fixed "now" for the targets that need one.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 30, 23, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A runbook file: the full check and its rendered diagnostics, the first-frame header read,
/// and for a runbook that loads, its rendering (`runbook show`) and an incident run on it.
pub fn runbook(data: &[u8]) {
    let report = crate::runbook::check_bytes("fuzz.toml", data);
    let _ = report.render();
    let _ = crate::runbook::header::header_of_bytes(data);
    if let Some(rb) = &report.runbook {
        let _ = crate::runbook::render::show(rb, "fuzz.toml");
        if let Ok(text) = std::str::from_utf8(data) {
            run_every_step(text);
        }
    }
}

/// Opens an incident on the runbook at the last time a journal can hold, starts every step, then reads
/// it back as every reader does: a runbook that validates must never make one panic.
fn run_every_step(source: &str) {
    let Ok(rb) = crate::runbook::parse_source(source) else {
        return;
    };
    // The last time RFC 3339 can write, as a journal written by hand might hold.
    let last = Utc
        .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let end = crate::domain::clock::stamp(last);
    let mut lines = vec![opened_line(source, last)];
    for (i, step) in rb.steps.iter().enumerate() {
        let started = serde_json::json!({
            "seq": i + 2, "ts": end, "at": end, "author": "fuzz",
            "kind": "step_started", "step": step.id,
        });
        lines.push(started.to_string());
    }
    journal(lines.join("\n").as_bytes());
}

/// The first line of a journal that pins `source`, opened at `at`.
fn opened_line(source: &str, at: DateTime<Utc>) -> String {
    serde_json::json!({
        "seq": 1, "ts": crate::domain::clock::stamp(at), "at": crate::domain::clock::stamp(at),
        "author": "fuzz", "kind": "incident_opened", "incident": "fuzz",
        "title": "fuzz", "severity": "sev2", "runbook": "fuzz",
        "runbook_sha256": crate::runbook::sha256_hex(source), "runbook_source": source,
        "vars": {}, "drill": false,
    })
    .to_string()
}

/// A drill scenario file, checked against the bundled library, and for one that loads, its
/// length and schedule.
pub fn scenario(data: &[u8]) {
    let lib = bundled_library();
    let report = crate::drill::scenario::check_bytes("fuzz.toml", data, Some(lib));
    let _ = report.render();
    if let Some(s) = &report.scenario {
        let _ = s.length();
        for start in [now(), DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MIN_UTC] {
            let _ = crate::drill::schedule::due(&s.injects, start, now(), &[]);
            let _ = crate::drill::schedule::next(&s.injects, start, now(), &[]);
        }
    }
}

/// The bundled runbooks, loaded once per process.
fn bundled_library() -> &'static crate::runbook::library::Library {
    static LIB: std::sync::OnceLock<crate::runbook::library::Library> = std::sync::OnceLock::new();
    LIB.get_or_init(|| {
        crate::runbook::library::load(&[crate::runbook::library::Root::Bundled], false)
    })
}

/// Journal lines: each line read as a record (as the journal reader does), the records that
/// read folded into an incident, and that incident through every reader of it: status lines,
/// the exports, the scorecard, a drill's schedule.
pub fn journal(data: &[u8]) {
    let records: Vec<Record> = data
        .split(|b| *b == b'\n')
        .filter_map(|line| Record::from_line(line).ok())
        .collect();
    let Ok(inc) = incident::fold(&records, &crate::store::parse_runbook) else {
        return;
    };
    for r in &records {
        let _ = crate::domain::describe::describe(r, Some(&inc));
    }
    let _ = crate::export::markdown(&records, &inc, &crate::export::Options::default());
    let _ = crate::export::json(&records, &inc);
    let scenario = crate::drill::pinned(&inc).and_then(Result::ok);
    let _ = crate::drill::scorecard::Scorecard::compute(&inc, &records, scenario.as_ref());
    if let Some(sc) = &scenario {
        for at in [now(), DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MIN_UTC] {
            let _ = crate::drill::due_events(&inc, sc, at);
        }
    }
    let clock = std::sync::Arc::new(FixedClock::new(now()));
    let _ = crate::drill::app_clock(&inc, &records, clock).now();
}

/// Text typed for `--at` and durations: the first line is the text, the second (if any) a
/// time zone name, the third (if any) the clock's "now" in RFC 3339.
pub fn time(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let s = lines.next().unwrap_or_default();
    let tz = lines
        .next()
        .and_then(|z| when::parse_tz(z).ok())
        .unwrap_or(chrono_tz::UTC);
    let now = lines
        .next()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(now, |t| t.with_timezone(&Utc));
    if let Ok(d) = Dur::parse(s) {
        assert!(d <= Dur::MAX, "{s} parsed as {d}, over the bound");
        assert_eq!(Dur::parse(&d.to_string()), Ok(d), "{s} does not round-trip");
        let _ = d.after(now);
    }
    let _ = crate::drill::scenario::parse_offset(s);
    if let Ok(t) = when::parse_at(s, now, tz) {
        assert!(
            t - now <= when::MAX_AHEAD && now - t <= when::MAX_BACK,
            "--at {s} at {now} gave {t}, out of bounds"
        );
    }
}
