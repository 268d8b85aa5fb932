//! Benchmark: start-up of the real binary with 1,000 runbooks in the library, in a 200x60
//! pseudo-terminal, as a responder would start it. Run with `cargo bench --bench startup`.
//!
//! - first frame: from spawning `runbook --runbooks DIR` until the screen shows the home list
//!   with the directory's runbooks (target: under 100 ms).
//! - checked: keys typed as soon as the first frame is there (a filter for one runbook of the
//!   directory) are answered only after every file is fully checked; measured until the
//!   screen shows that runbook's steps in the preview.
//!
//! Includes the process start, the terminal set-up and the pty; the screen is read with vt100.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[path = "support/library.rs"]
mod support;

const RUNS: usize = 15;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One start: (first frame, checked).
fn start_once(books: &std::path::Path, state: &std::path::Path) -> (Duration, Duration) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 60,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.arg("--runbooks");
    cmd.arg(books);
    cmd.env("RUNBOOK_STATE_DIR", state);
    cmd.env("RUNBOOK_USER", "bench");
    cmd.env("TERM", "xterm-256color");
    cmd.cwd(state);
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let mut reader = pty.master.try_clone_reader().expect("a reader");
    let mut writer = pty.master.take_writer().expect("a writer");
    let t0 = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).expect("spawn");
    drop(pty.slave);
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = vt100::Parser::new(
        std::num::NonZeroU16::new(60).expect("rows"),
        std::num::NonZeroU16::new(200).expect("cols"),
        0,
    );
    let deadline = t0 + Duration::from_secs(30);
    let mut wait = |done: &dyn Fn(&str) -> bool| -> Duration {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(bytes) = rx.recv_timeout(left) else {
                panic!(
                    "no answer in 30 s; the screen:\n{}",
                    screen.screen().contents()
                );
            };
            screen.process(&bytes);
            if done(&screen.screen().contents()) {
                return t0.elapsed();
            }
        }
    };
    // Any of the directory's runbooks (ids `NAME-N`) on screen: the listing is there.
    let first =
        wait(&|s| s.contains("Incidents and runbooks") && s.split_whitespace().any(copy_id));
    writer
        .write_all(b"/etcd-quorum-loss-5\r")
        .and_then(|()| writer.flush())
        .expect("type");
    let checked = wait(&|s| s.contains("etcd-quorum-loss-5") && s.contains("Steps ("));
    writer.write_all(b"\x03").expect("quit");
    let _ = writer.flush();
    let _ = child.wait();
    drop(pty.master);
    (first, checked)
}

/// An id of one of the copies: a bundled id, a dash, a number.
fn copy_id(word: &str) -> bool {
    word.rsplit_once('-').is_some_and(|(name, n)| {
        !name.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    })
}

fn main() {
    let books = tempfile::tempdir().expect("temp dir");
    support::write_library(books.path());
    let state = tempfile::tempdir().expect("temp dir");
    // One start to warm the page cache, not counted.
    start_once(books.path(), state.path());
    let (firsts, checkeds): (Vec<_>, Vec<_>) = (0..RUNS)
        .map(|_| start_once(books.path(), state.path()))
        .unzip();
    println!(
        "bench process_startup_first_frame_1000_median_ms {:.1}",
        median(firsts.clone()).as_secs_f64() * 1e3
    );
    println!(
        "bench process_startup_first_frame_1000_max_ms {:.1}",
        firsts
            .iter()
            .max()
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3
    );
    println!(
        "bench process_startup_checked_1000_median_ms {:.1}",
        median(checkeds).as_secs_f64() * 1e3
    );
}
