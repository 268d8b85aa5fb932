//! `runbook log [--follow]`: the timeline as text, and new events as anyone appends them. The
//! journal is opened read-only and never changed (read permission is enough).
//! Following uses a `notify` watcher on the incidents directory (editors and other processes
//! may replace files; watching the directory sees every change), with a once-a-second re-read
//! as a safety net for file systems where notifications are not delivered. It ends when the
//! incident is closed (or was closed already): nothing more can be added.

use super::context::Ctx;
use crate::domain::clock::stamp;
use crate::domain::describe::describe;
use crate::domain::event::Record;
use crate::domain::incident::Incident;
use crate::runbook::sanitize::visible;
use notify::{RecursiveMode, Watcher};
use std::ffi::OsStr;
use std::io::Write;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

/// One timeline line: when it happened (UTC), who, what; backdated records say so.
pub fn line(r: &Record, inc: Option<&Incident>) -> String {
    let later = if r.backdated() {
        format!(" (recorded {})", stamp(r.ts))
    } else {
        String::new()
    };
    format!(
        "{}  #{:<4} {:<12} {}{later}",
        stamp(r.at),
        r.seq,
        visible(&r.author),
        visible(&describe(r, inc))
    )
}

pub fn log(cx: &Ctx, id: Option<&OsStr>, follow: bool) -> anyhow::Result<ExitCode> {
    let mut s = cx.read(id)?;
    let mut out = std::io::stdout().lock();
    for r in &s.records {
        writeln!(out, "{}", line(r, Some(&s.incident)))?;
    }
    out.flush()?;
    if !follow {
        return Ok(ExitCode::SUCCESS);
    }
    if s.incident.is_closed() {
        eprintln!("the incident is closed: nothing more will be added, so --follow ends here");
        return Ok(ExitCode::SUCCESS);
    }
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        // The receiver only needs a nudge; a closed channel means we are exiting.
        let _ = tx.send(ev.is_ok());
    })?;
    // Recursive: other devices' logs of a shared incident are in `incidents/<id>/`.
    watcher.watch(&cx.store.incidents_dir(), RecursiveMode::Recursive)?;
    // Wake on a change, or after a second at the latest.
    while !matches!(
        rx.recv_timeout(Duration::from_secs(1)),
        Err(mpsc::RecvTimeoutError::Disconnected)
    ) {
        while rx.try_recv().is_ok() {}
        let before = s.records.len();
        s.catch_up()?;
        for r in &s.records[before..] {
            // A closed pipe (the reader went away) ends the follow quietly.
            if writeln!(out, "{}", line(r, Some(&s.incident)))
                .and_then(|()| out.flush())
                .is_err()
            {
                return Ok(ExitCode::SUCCESS);
            }
        }
        // Closing is the last record an incident gets: the follow is over.
        if s.incident.is_closed() {
            eprintln!("the incident was closed: --follow ends");
            return Ok(ExitCode::SUCCESS);
        }
    }
    Ok(ExitCode::SUCCESS)
}
