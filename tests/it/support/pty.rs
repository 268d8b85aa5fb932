//! The real binary in a pseudo-terminal: keys in, the screen (parsed with vt100) and the raw
//! bytes out. Waits are bounded polls of the screen, never fixed sleeps.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

pub struct Term {
    pub parser: vt100::Parser,
    rx: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Everything the program wrote after its screen closed (the shell's epilogue).
    pub raw: Vec<u8>,
}

impl Term {
    /// Runs `sh -c script` in a 100x30 pseudo-terminal.
    pub fn spawn(script: &str, state: &Path, books: &Path) -> Term {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", script]);
        cmd.env("RUNBOOK_STATE_DIR", state);
        cmd.env("RUNBOOK_USER", "ana");
        cmd.env("TERM", "xterm-256color");
        cmd.env("BIN", env!("CARGO_BIN_EXE_runbook"));
        cmd.env("BOOKS", books);
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("RUNBOOK_NOW");
        cmd.cwd(std::env::temp_dir());
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        // Keep the master alive as long as the reader and writer (they hold clones).
        std::mem::forget(pty.master);
        let size = |n| std::num::NonZeroU16::new(n).unwrap();
        Term {
            parser: vt100::Parser::new(size(30), size(100), 0),
            rx,
            writer,
            child,
            raw: Vec::new(),
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Feeds output to the parser until `pred` holds on the screen, or fails after 30 s.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if pred(&self.screen()) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(bytes) => {
                    self.raw.extend_from_slice(&bytes);
                    self.parser.process(&bytes);
                }
                Err(_) => panic!(
                    "timed out waiting for {what}; the screen:\n{}",
                    self.screen()
                ),
            }
        }
    }

    /// Feeds whatever the program writes during the next `d`, without waiting for anything in
    /// particular; true when something came. For pacing repeated presses, not for syncing.
    pub fn wait_for_quietly(&mut self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut any = false;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok(bytes) => {
                    any = true;
                    self.raw.extend_from_slice(&bytes);
                    self.parser.process(&bytes);
                }
                Err(_) => break,
            }
        }
        any
    }

    pub fn wait_text(&mut self, text: &str) {
        let t = text.to_string();
        self.wait_for(text, move |s| s.contains(&t));
    }

    pub fn keys(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Reads until the program closes the terminal.
    pub fn drain(&mut self) {
        while let Ok(bytes) = self.rx.recv_timeout(Duration::from_secs(30)) {
            self.raw.extend_from_slice(&bytes);
            self.parser.process(&bytes);
        }
    }
}

pub fn journal_kinds(state: &Path) -> Vec<String> {
    let dir = state.join("incidents");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            out.push(v["kind"].as_str().unwrap().to_string());
        }
    }
    out
}
