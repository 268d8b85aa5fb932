//! `p`: a run's saved output in `$PAGER` (else `less`). The pager reads the output through a
//! pipe, a line at a time made visible by the sanitiser, so no escape sequence a command printed
//! reaches the terminal whatever the pager's own settings (`LESS=-R`, `PAGER=cat`). The file is
//! opened without following a symlink and only when it is a regular file.
//!
//! Owns: starting the pager and feeding it. Must never: hand the pager the file's raw bytes or
//! its path, or wait for the writer once the pager has ended.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs the pager on the sanitised text of `path` and waits for it.
pub fn run(path: &Path) -> Result<(), String> {
    let file = crate::journal::open_no_follow(path).map_err(|e| e.to_string())?;
    let pager = std::env::var("PAGER").unwrap_or_default();
    let mut words = pager.split_whitespace();
    let program = words.next().unwrap_or("less").to_string();
    let mut child = Command::new(&program)
        .args(words)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", crate::runbook::sanitize::visible(&program)))?;
    let Some(mut into) = child.stdin.take() else {
        return Err("the pager has no input".into());
    };
    // Fed from its own thread: the pager reads as it pages, and quitting it early ends the
    // writer with a broken pipe (Rust ignores SIGPIPE), which then goes away on its own.
    std::thread::spawn(move || {
        let mut lines = BufReader::new(file);
        let mut line = Vec::new();
        loop {
            line.clear();
            match lines.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let shown = crate::runbook::sanitize::visible(text.trim_end_matches(['\n', '\r']));
            if writeln!(into, "{shown}").is_err() {
                break;
            }
        }
    });
    child.wait().map(|_| ()).map_err(|e| e.to_string())
}
