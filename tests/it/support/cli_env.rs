//! The real binary run in a private state directory, as a user at a shell would run it: the
//! CLI tests' shared harness (included with `#[path]`).
//!
//! Commands run in the state directory, outside the repository, so only the bundled library
//! and scenarios are found (and whatever a test puts there); `HOME` points there too, so no
//! user configuration leaks in.

#![allow(dead_code)] // each test uses a different part of the harness

use serde_json::Value;
use std::process::{Command, Output, Stdio};

pub struct Env {
    pub state: tempfile::TempDir,
}

impl Env {
    /// A private state directory (0700, as the app makes one; a wider one is warned about).
    pub fn new() -> Env {
        use std::os::unix::fs::PermissionsExt;
        let state = tempfile::tempdir().unwrap();
        std::fs::set_permissions(state.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        Env { state }
    }

    /// The command, on real time `now` (RFC 3339, through `RUNBOOK_NOW`) when given, else on
    /// the real clock.
    pub fn cmd_at(&self, now: Option<&str>, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_runbook"));
        c.args(args)
            .env("RUNBOOK_STATE_DIR", self.state.path())
            .env("RUNBOOK_USER", "ana")
            .env_remove("RUNBOOK_PATH")
            .env_remove("XDG_CONFIG_HOME")
            .env("HOME", self.state.path())
            .current_dir(self.state.path())
            .stdin(Stdio::null());
        match now {
            Some(t) => c.env("RUNBOOK_NOW", t),
            None => c.env_remove("RUNBOOK_NOW"),
        };
        c
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_at(None, args)
    }

    /// The command run through `wrapper` (e.g. `["setpriv", "--reuid=65534", ...]`), with the
    /// same environment as `cmd`.
    pub fn cmd_via(&self, wrapper: &[&str], args: &[&str]) -> Command {
        let plain = self.cmd(args);
        let mut c = Command::new(wrapper[0]);
        c.args(&wrapper[1..])
            .arg(plain.get_program())
            .args(plain.get_args());
        for (k, v) in plain.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c.current_dir(self.state.path()).stdin(Stdio::null());
        c
    }

    /// The incident's journal file.
    pub fn journal_path(&self, inc: &str) -> std::path::PathBuf {
        self.state
            .path()
            .join("incidents")
            .join(format!("{inc}.jsonl"))
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn run_at(&self, now: &str, args: &[&str]) -> Output {
        self.cmd_at(Some(now), args).output().unwrap()
    }

    /// Runs and insists on success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        succeeded(args, self.run(args))
    }

    pub fn ok_at(&self, now: &str, args: &[&str]) -> String {
        succeeded(args, self.run_at(now, args))
    }

    /// Runs and insists on exit status `code`; returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        failed(args, code, self.run(args))
    }

    pub fn fails_at(&self, now: &str, code: i32, args: &[&str]) -> String {
        failed(args, code, self.run_at(now, args))
    }

    pub fn status(&self, inc: &str) -> Value {
        serde_json::from_str(&self.ok(&["status", inc, "--json"])).unwrap()
    }

    /// The incident's journal, read from its file: one JSON value per line.
    pub fn journal(&self, inc: &str) -> Vec<Value> {
        let path = self
            .state
            .path()
            .join("incidents")
            .join(format!("{inc}.jsonl"));
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn succeeded(args: &[&str], out: Output) -> String {
    assert!(
        out.status.success(),
        "{args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn failed(args: &[&str], code: i32, out: Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}
