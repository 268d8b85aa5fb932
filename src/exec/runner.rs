//! Running one command: `sh -c COMMAND` in its own process group, stdin from /dev/null,
//! stdout and stderr into one pipe (the order the command wrote them), read on this thread
//! with `poll`, so there is no queue between reading and processing and memory stays flat
//! whatever the command prints. Each chunk goes to the output file (up to the cap), the
//! sha256 of what is kept, the excerpt, and the caller's sink.
//!
//! It ends at the first of: the command's end (its direct child exited and the pipe reached
//! end of file), its deadline (the whole group is killed, and reading stops even when a
//! detached descendant still holds the pipe), or the cancel handle (the group is killed; the
//! outcome says interrupted). It never decides what is recorded: it answers an `Outcome`
//! for the `Run` it was given.

use super::Cancel;
use super::excerpt::Excerpt;
use crate::domain::command::{Outcome, Run};
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::process::{Pid, Signal, kill_process_group};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{PipeReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How often the loop looks at the clock, the cancel handle and the child while the command
/// is quiet: the bound on how late a deadline or a cancel is noticed.
const SLICE: Duration = Duration::from_millis(50);
/// Bytes read at once.
const CHUNK: usize = 64 * 1024;
/// After a kill: how long to wait for the child to be reaped, and at most how much of what
/// is already in the pipe is still read.
const REAP_WAIT: Duration = Duration::from_millis(500);
const DRAIN_MAX: usize = 1024 * 1024;

/// Where the output goes and how much of it is kept.
pub struct Sinks<'a> {
    /// The output file, created by the caller (privately), and where it is; or why there is
    /// none (said in the excerpt).
    pub save: Result<(&'a File, &'a Path), String>,
    /// The most bytes kept in the file (and hashed).
    pub cap: u64,
    /// Sees every chunk the file keeps, as it comes (the CLI prints it).
    pub live: &'a mut dyn FnMut(&[u8]),
}

/// Runs `run.command` with `run.timeout` (a timeout too large to add to the clock is no
/// deadline at all). Blocks until it ends, times out or is cancelled.
pub fn run(run: &Run, sinks: Sinks<'_>, cancel: &Cancel) -> Outcome {
    let started = Instant::now();
    let mut out = Outcome::of(run);
    let deadline = started.checked_add(Duration::from_secs(run.timeout.secs()));
    let (mut child, reader) = match spawn(&run.command) {
        Ok(c) => c,
        Err(e) => {
            out.excerpt = format!("could not start the command: {e}");
            return out;
        }
    };
    let mut k = Kept::new(sinks);
    let end = read_until_end(&mut child, &reader, &mut k, deadline, cancel);
    let status = match end {
        End::Done(status) => Some(status),
        End::Deadline(status) | End::Cancelled(status) => {
            kill_group(&child);
            drain(&reader, &mut k);
            status.or_else(|| reap(child))
        }
    };
    out.timed_out = matches!(end, End::Deadline(None));
    out.interrupted = matches!(end, End::Cancelled(_));
    out.exit_code = status.and_then(|s| s.code());
    out.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let note = match end {
        End::Deadline(Some(_)) => Some(
            "output reading stopped at the timeout: the command had exited, but a process it started still held its output open",
        ),
        _ => None,
    };
    k.finish(&mut out, note);
    out
}

/// `sh -c command` in a new process group (the group is killed as one), with stdout and
/// stderr on the write end of one pipe.
fn spawn(command: &str) -> std::io::Result<(Child, PipeReader)> {
    let (reader, writer) = std::io::pipe()?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .process_group(0);
    let child = cmd.spawn()?;
    // The Command holds our copies of the write end: drop it, or the pipe never ends.
    drop(cmd);
    Ok((child, reader))
}

/// Why reading stopped, with the direct child's exit status when it had exited.
enum End {
    /// The child exited and the pipe reached end of file.
    Done(ExitStatus),
    /// The deadline came first (the child had exited if there is a status).
    Deadline(Option<ExitStatus>),
    Cancelled(Option<ExitStatus>),
}

fn read_until_end(
    child: &mut Child,
    reader: &PipeReader,
    k: &mut Kept<'_>,
    deadline: Option<Instant>,
    cancel: &Cancel,
) -> End {
    let mut status: Option<ExitStatus> = None;
    let mut eof = false;
    let mut buf = vec![0u8; CHUNK];
    loop {
        if status.is_none() {
            status = child.try_wait().ok().flatten();
        }
        if let (true, Some(s)) = (eof, status) {
            return End::Done(s);
        }
        if cancel.is_cancelled() {
            return End::Cancelled(status);
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            return End::Deadline(status);
        }
        let wait = deadline.map_or(SLICE, |d| d.saturating_duration_since(now).min(SLICE));
        if eof {
            // Only the child is left to wait for (it closed its output but still runs).
            std::thread::sleep(wait.min(Duration::from_millis(10)));
            continue;
        }
        match readable(reader, wait) {
            Ok(true) => match (&*reader).read(&mut buf) {
                Ok(0) => eof = true,
                Ok(n) => k.take(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => eof = true,
            },
            Ok(false) => {}
            Err(_) => eof = true,
        }
    }
}

/// Waits up to `wait` for the pipe to have data (or its end). Interrupted by a signal: false.
fn readable(reader: &PipeReader, wait: Duration) -> std::io::Result<bool> {
    let mut fds = [PollFd::new(reader, PollFlags::IN)];
    // `wait` is at most `SLICE`: it always fits.
    let ts = Timespec::try_from(wait.min(SLICE)).unwrap_or(Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    });
    match poll(&mut fds, Some(&ts)) {
        Ok(n) => Ok(n > 0),
        Err(rustix::io::Errno::INTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// SIGKILL to the command's whole process group: a pipeline's members and background jobs
/// go with it. (A descendant that left the group with `setsid` is out of reach; reading
/// stops without waiting for it.)
fn kill_group(child: &Child) {
    // The group's id is the child's pid (`process_group(0)`); pid 1 would mean every
    // process, and a child is never pid 1.
    if child.id() > 1 {
        let _ = kill_process_group(Pid::from_child(child), Signal::KILL);
    }
}

/// After a kill: what is already in the pipe, without waiting for more than a moment.
fn drain(reader: &PipeReader, k: &mut Kept<'_>) {
    let mut buf = vec![0u8; CHUNK];
    let mut read = 0;
    while read < DRAIN_MAX && matches!(readable(reader, Duration::ZERO), Ok(true)) {
        match (&*reader).read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                k.take(&buf[..n]);
                read += n;
            }
        }
    }
}

/// Reaps the killed child, waiting at most `REAP_WAIT`; a child that is not gone by then
/// (stuck in the kernel) is left to a thread that reaps it whenever it goes.
fn reap(mut child: Child) -> Option<ExitStatus> {
    let until = Instant::now().checked_add(REAP_WAIT);
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(s),
            Ok(None) if until.is_some_and(|u| Instant::now() < u) => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Ok(None) => {
                std::thread::spawn(move || child.wait());
                return None;
            }
            Err(_) => return None,
        }
    }
}

/// What is kept of the output: the file (up to the cap), its sha256, the excerpt, the total.
struct Kept<'a> {
    sinks: Sinks<'a>,
    hasher: Sha256,
    excerpt: Excerpt,
    total: u64,
    kept: u64,
    write_failed: bool,
}

impl<'a> Kept<'a> {
    fn new(sinks: Sinks<'a>) -> Kept<'a> {
        Kept {
            sinks,
            hasher: Sha256::new(),
            excerpt: Excerpt::default(),
            total: 0,
            kept: 0,
            write_failed: false,
        }
    }

    fn take(&mut self, chunk: &[u8]) {
        let n = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        self.total = self.total.saturating_add(n);
        self.excerpt.feed(chunk);
        let room = self.sinks.cap.saturating_sub(self.kept);
        let keep = &chunk[..usize::try_from(room).unwrap_or(usize::MAX).min(chunk.len())];
        if keep.is_empty() {
            return;
        }
        self.kept = self.kept.saturating_add(keep.len() as u64);
        self.hasher.update(keep);
        (self.sinks.live)(keep);
        if let Ok((mut f, _)) = self.sinks.save
            && !self.write_failed
            && let Err(e) = f.write_all(keep)
        {
            self.write_failed = true;
            self.sinks.save = Err(format!("writing it failed: {e}"));
        }
    }

    fn finish(self, out: &mut Outcome, note: Option<&str>) {
        out.output_bytes = self.total;
        out.output_cut = self.total > self.kept;
        out.sha256 = crate::runbook::hex(&self.hasher.finalize());
        let unsaved = match self.sinks.save {
            Ok((f, path)) => match f.sync_all() {
                Ok(()) => {
                    out.output_path = Some(path.display().to_string());
                    None
                }
                Err(e) => Some(format!("making it durable failed: {e}")),
            },
            Err(why) => Some(why),
        };
        let mut notes: Vec<String> = note.map(str::to_string).into_iter().collect();
        if out.output_cut {
            notes.push(format!(
                "output cut: {} printed, the first {} kept",
                crate::domain::command::size(self.total),
                crate::domain::command::size(self.kept)
            ));
        }
        if let Some(why) = unsaved {
            notes.push(format!("the output could not be saved to a file: {why}"));
        }
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        out.excerpt = self.excerpt.finish(note.as_deref());
    }
}
