//! Running a runbook command for the responder: `sh -c` with no stdin, stdout and stderr
//! captured (never to the terminal), a timeout, the full output saved to a private file with
//! its sha256, and a bounded excerpt (first and last lines) for the journal and the screen.
//! Memory stays bounded whatever the command prints.

use super::msg::CommandDone;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const HEAD_LINES: usize = 20;
const TAIL_LINES: usize = 20;
const MAX_LINE: usize = 400;

/// Runs `command`, saving its output to `save_to`. Blocks until it ends, times out, or
/// `cancel` is set (then the process group is killed, as at a timeout).
pub fn run(
    step: &str,
    command: &str,
    timeout: Duration,
    save_to: &Path,
    cancel: &std::sync::atomic::AtomicBool,
) -> CommandDone {
    let started = Instant::now();
    let mut done = CommandDone {
        // The caller says which incident and run this answers.
        incident: String::new(),
        run: 0,
        step: step.to_string(),
        command: command.to_string(),
        exit_code: None,
        timed_out: false,
        interrupted: false,
        duration_ms: 0,
        excerpt: String::new(),
        sha256: String::new(),
        output_path: None,
    };
    // One pipe for stdout and stderr, as on a terminal: the output reads in the order the
    // command wrote it.
    let spawned = std::io::pipe().and_then(|(reader, writer)| {
        let child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::null())
            .stdout(writer.try_clone()?)
            .stderr(writer)
            .process_group(0)
            .spawn()?;
        Ok((child, reader))
    });
    let (mut child, reader) = match spawned {
        Ok(c) => c,
        Err(e) => {
            done.excerpt = format!("could not start the command: {e}");
            return done;
        }
    };
    // Read on a thread (the pipe may fill up and block the command otherwise); the reader
    // ends when every writer (the command and its children) has closed the pipe.
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let reader_thread = std::thread::spawn(move || {
        let mut pipe = reader;
        let mut buf = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    // Command output can hold secrets: its directories are as private as the journals, and the
    // file is a new one (never one that exists, nor a symlink planted at its name or dir).
    let mut file = crate::journal::create_private_file(
        save_to.parent().unwrap_or(Path::new(".")),
        &save_to
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
    .ok();
    let mut hasher = Sha256::new();
    let mut lines = Lines::default();
    let deadline = started + timeout;
    let mut killed = false;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(chunk) => {
                hasher.update(&chunk);
                lines.feed(&chunk);
                if let Some(f) = &mut file
                    && f.write_all(&chunk).is_err()
                {
                    file = None;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let cancelled = cancel.load(std::sync::atomic::Ordering::Relaxed);
        if (Instant::now() >= deadline || cancelled) && !killed {
            killed = true;
            done.timed_out = !cancelled;
            done.interrupted = cancelled;
            // Kill the whole process group: a pipeline's children would keep the pipes open.
            // `--`: a negative pid is a process group, not an option.
            let _ = Command::new("kill")
                .args(["-KILL", "--"])
                .arg(format!("-{}", child.id()))
                .status();
            let _ = child.kill();
        }
    }
    let _ = reader_thread.join();
    done.exit_code = child.wait().ok().and_then(|s| s.code());
    done.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    done.sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(f) = &mut file
        && f.sync_all().is_ok()
    {
        done.output_path = Some(save_to.display().to_string());
    }
    done.excerpt = lines.excerpt();
    done
}

/// The first and last lines of a stream, bounded in count and length.
#[derive(Default)]
struct Lines {
    partial: Vec<u8>,
    head: Vec<String>,
    tail: VecDeque<String>,
    skipped: usize,
}

impl Lines {
    fn feed(&mut self, chunk: &[u8]) {
        for &b in chunk {
            if b == b'\n' {
                let line = std::mem::take(&mut self.partial);
                self.push(line);
            } else if self.partial.len() < MAX_LINE * 4 {
                self.partial.push(b);
            }
        }
    }

    fn push(&mut self, line: Vec<u8>) {
        let mut text = String::from_utf8_lossy(&line).into_owned();
        if text.chars().count() > MAX_LINE {
            text = text.chars().take(MAX_LINE).collect::<String>() + "…";
        }
        if self.head.len() < HEAD_LINES {
            self.head.push(text);
        } else {
            self.tail.push_back(text);
            if self.tail.len() > TAIL_LINES {
                self.tail.pop_front();
                self.skipped += 1;
            }
        }
    }

    fn excerpt(mut self) -> String {
        if !self.partial.is_empty() {
            let last = std::mem::take(&mut self.partial);
            self.push(last);
        }
        let mut out = self.head;
        if self.skipped > 0 {
            out.push(format!(
                "… {} lines not shown (the full output is saved) …",
                self.skipped
            ));
        }
        out.extend(self.tail);
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_output_exit_code_and_bounds_the_excerpt() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("outputs/inc-1/o.log");
        let r = run(
            "s",
            "seq 1 100; echo oops >&2; exit 3",
            Duration::from_secs(20),
            &out,
            &std::sync::atomic::AtomicBool::new(false),
        );
        assert_eq!(r.exit_code, Some(3));
        assert!(!r.timed_out);
        assert!(r.excerpt.starts_with("1\n2\n"), "{}", r.excerpt);
        assert!(r.excerpt.contains("lines not shown"));
        assert!(r.excerpt.contains("oops"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path().join("outputs/inc-1"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o700,
            "command output directories are private"
        );
        let saved = std::fs::read(&out).unwrap();
        assert!(saved.starts_with(b"1\n2\n"));
        let sha: String = Sha256::digest(&saved)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(r.sha256, sha);
    }

    #[test]
    fn a_command_that_outlives_its_timeout_is_killed() {
        let d = tempfile::tempdir().unwrap();
        let r = run(
            "s",
            "echo started; sleep 30 | cat",
            Duration::from_millis(300),
            &d.path().join("o.log"),
            &std::sync::atomic::AtomicBool::new(false),
        );
        assert!(r.timed_out);
        assert_eq!(r.exit_code, None);
        assert!(r.excerpt.contains("started"));
    }
}
