//! Replaying an incident through the real binary, as the responders would have driven it:
//! every command with `RUNBOOK_NOW` fixed (so `ts` is deterministic) and `--at` given as a
//! full RFC 3339 time on the incident's date. Shared by the `export_*` tests via `#[path]`.

#![allow(dead_code)] // each test uses a different part of the harness

use serde_json::Value;
use std::process::{Command, Stdio};

pub struct Replay {
    state: tempfile::TempDir,
    /// The day `HH:MM` times fall on (`2022-05-30`), and the UTC offset they are in (`Z`,
    /// `-07:00`).
    day: String,
    offset: String,
    /// The incident id printed by `start`.
    pub id: String,
}

impl Replay {
    pub fn new(day: &str, offset: &str) -> Replay {
        Replay {
            state: tempfile::tempdir().unwrap(),
            day: day.into(),
            offset: offset.into(),
            id: String::new(),
        }
    }

    /// Later times fall on this day.
    pub fn day(&mut self, day: &str) {
        self.day = day.into();
    }

    /// `22:16` (or `22:16:30`) on the current day, as full RFC 3339.
    pub fn t(&self, hm: &str) -> String {
        let secs = if hm.len() == 5 { ":00" } else { "" };
        format!("{}T{hm}{secs}{}", self.day, self.offset)
    }

    fn cmd(&self, who: &str, now: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_runbook"));
        c.args(args)
            .env("RUNBOOK_STATE_DIR", self.state.path())
            .env("RUNBOOK_USER", who)
            .env("RUNBOOK_NOW", now)
            .env_remove("RUNBOOK_PATH")
            .env_remove("NO_COLOR")
            .current_dir(std::env::temp_dir())
            .stdin(Stdio::null());
        c
    }

    fn ok(&self, who: &str, now: &str, args: &[&str]) -> String {
        let out = self.cmd(who, now, args).output().unwrap();
        assert!(
            out.status.success(),
            "{who} at {now}: runbook {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `who` does `args` at `hm`, recorded at the same moment.
    pub fn run(&self, who: &str, hm: &str, args: &[&str]) {
        let now = self.t(hm);
        let mut all = args.to_vec();
        all.extend(["--at", now.as_str()]);
        self.ok(who, &now, &all);
    }

    /// `who` records at `recorded` that `args` happened earlier, at `at` (a backdated entry).
    pub fn late(&self, who: &str, recorded: &str, at: &str, args: &[&str]) {
        let (now, at) = (self.t(recorded), self.t(at));
        let mut all = args.to_vec();
        all.extend(["--at", at.as_str()]);
        self.ok(who, &now, &all);
    }

    /// `runbook start RUNBOOK ... --no-tui` at `hm`; keeps the incident id.
    pub fn start(&mut self, who: &str, hm: &str, runbook: &str, extra: &[&str]) {
        let now = self.t(hm);
        let mut all = vec!["start", runbook, "--no-tui", "--at", now.as_str()];
        all.extend(extra);
        self.id = self.ok(who, &now, &all).trim().to_string();
    }

    /// `runbook export ID ARGS...` (the clock is irrelevant to it, but set anyway).
    pub fn export(&self, args: &[&str]) -> String {
        let mut all = vec!["export", self.id.as_str()];
        all.extend(args);
        self.ok("reader", "2030-01-01T00:00:00Z", &all)
    }

    /// The JSON export, checked against the documented schema.
    pub fn json(&self) -> Value {
        let doc: Value = serde_json::from_str(&self.export(&["--format", "json"])).unwrap();
        assert_matches_schema(&doc);
        doc
    }

    /// The metrics of the JSON export, in seconds: detect, acknowledge, mitigate, resolve.
    pub fn metrics(&self) -> [Option<i64>; 4] {
        let j = self.json();
        let m = &j["metrics"];
        [
            "time_to_detect_s",
            "time_to_acknowledge_s",
            "time_to_mitigate_s",
            "time_to_resolve_s",
        ]
        .map(|k| m[k].as_i64())
    }

    pub fn state_dir(&self) -> &std::path::Path {
        self.state.path()
    }

    /// Runs `args` expecting failure; returns stderr.
    pub fn fails(&self, who: &str, hm: &str, args: &[&str]) -> String {
        let now = self.t(hm);
        let out = self.cmd(who, &now, args).output().unwrap();
        assert!(!out.status.success(), "runbook {args:?} should have failed");
        String::from_utf8(out.stderr).unwrap()
    }
}

/// Minutes as seconds, for comparing metrics.
pub fn min(m: i64) -> Option<i64> {
    Some(m * 60)
}

/// Fails with every violation when `doc` does not match `runbook::export::JSON_SCHEMA`.
pub fn assert_matches_schema(doc: &Value) {
    let schema: Value = serde_json::from_str(runbook::export::JSON_SCHEMA).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the export does not match its schema: {errors:#?}"
    );
}
