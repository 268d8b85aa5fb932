//! The loop thread's side of the shell: it carries out effects and decides nothing. Journal
//! and library work goes to the journaler (`worker.rs`, on its own thread in the app, inline in
//! tests); what needs the loop thread stays here: running a command (its runner on a thread
//! of its own, with a cancel flag), reading every journal for the stats (a thread of its own
//! too), the clipboard (OSC 52), the bell, and requests for the terminal, which the event loop
//! owns. Every result comes back as a `Msg`.

use super::effect::Effect;
use super::msg::Msg;
use super::worker::Journaler;
use crate::store::{IncidentId, Store};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

pub struct Shell {
    pub worker: Worker,
    /// Where command output is saved (`outputs/<incident>/`).
    pub store: Store,
    /// The app's clock (a drill's while one is on screen): frames are stamped with it.
    pub clock: Arc<dyn crate::domain::clock::Clock>,
    /// Where command results and other late answers are sent.
    pub tx: Sender<Msg>,
    /// Set to stop the running command (its runner kills the process group).
    pub cancel: Arc<AtomicBool>,
    /// What the event loop must do with the terminal after this batch (suspend, redraw).
    pub terminal: Option<TerminalRequest>,
}

/// Where journal and library work is done.
pub enum Worker {
    /// On the calling thread: answers come back from `Shell::run` at once (tests).
    Inline(Box<Journaler>),
    /// On the journaler's thread: answers come on the app's channel, in order.
    Thread(Sender<Effect>),
}

/// A request only the event loop, which owns the terminal, can carry out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TerminalRequest {
    Suspend,
    Redraw,
    /// Run `$PAGER` on this file with the terminal restored, then redraw.
    Pager(std::path::PathBuf),
}

impl Shell {
    /// Carries out one effect; immediate answers are returned, late ones arrive on `tx`.
    pub fn run(&mut self, effect: Effect) -> Vec<Msg> {
        match effect {
            Effect::RunCommand {
                incident,
                run,
                step,
                command,
                timeout_s,
            } => self.run_command(incident, run, step, command, timeout_s),
            Effect::Copy(text) => {
                let _ = write_raw(&osc52(&text));
                Vec::new()
            }
            Effect::CancelCommand => {
                self.cancel.store(true, Ordering::Relaxed);
                Vec::new()
            }
            Effect::Suspend => {
                self.terminal = Some(TerminalRequest::Suspend);
                Vec::new()
            }
            Effect::Pager {
                incident,
                run,
                step,
            } => match crate::exec::output_path_of(&self.store.dir, &incident, run, &step) {
                Ok(path) if path.is_file() => {
                    self.terminal = Some(TerminalRequest::Pager(path));
                    Vec::new()
                }
                Ok(path) => vec![Msg::Flash(format!(
                    "the saved output {} is not there (moved or removed)",
                    crate::runbook::sanitize::visible(&path.display().to_string())
                ))],
                Err(e) => vec![Msg::Flash(format!("no saved output to open: {e}"))],
            },
            Effect::Redraw => {
                self.terminal = Some(TerminalRequest::Redraw);
                Vec::new()
            }
            Effect::Bell => {
                let _ = write_raw("\x07");
                Vec::new()
            }
            Effect::ReadSummaries { request } => self.read_summaries(request),
            journal_work => match &mut self.worker {
                Worker::Inline(j) => j.handle(journal_work),
                Worker::Thread(jobs) => {
                    // The journaler lives as long as the app; if it is gone, so is the app.
                    let _ = jobs.send(journal_work);
                    Vec::new()
                }
            },
        }
    }

    /// The journaler, when it runs inline (tests look at its sessions).
    pub fn journaler(&self) -> Option<&Journaler> {
        match &self.worker {
            Worker::Inline(j) => Some(j),
            Worker::Thread(_) => None,
        }
    }

    /// The journaler, when it runs inline, to change (tests reload its library).
    pub fn journaler_mut(&mut self) -> Option<&mut Journaler> {
        match &mut self.worker {
            Worker::Inline(j) => Some(j),
            Worker::Thread(_) => None,
        }
    }

    /// Starts the command whose `command_started` (record `run`) is durable; its result comes
    /// back as `Msg::CommandDone`, naming its incident and run.
    fn run_command(
        &mut self,
        incident: String,
        run: u64,
        step: crate::domain::StepId,
        command: String,
        timeout_s: u64,
    ) -> Vec<Msg> {
        if IncidentId::parse(&incident).is_err() {
            return Vec::new();
        }
        let tx = self.tx.clone();
        let cancel = self.cancel.clone();
        cancel.store(false, Ordering::Relaxed);
        let running = Msg::Running {
            incident: incident.clone(),
            run,
            step: step.clone(),
        };
        let state_dir = self.store.dir.clone();
        let run = crate::domain::command::Run {
            incident,
            run,
            step,
            command,
            timeout: crate::domain::Dur::from_secs(timeout_s),
        };
        std::thread::spawn(move || {
            // A bad RUNBOOK_OUTPUT_CAP stopped the app before it started (`commands::tui`).
            let cap = crate::exec::output_cap().unwrap_or(crate::exec::DEFAULT_CAP);
            let out = crate::exec::run(
                &run,
                crate::exec::Exec {
                    state_dir: &state_dir,
                    cap,
                    cancel: &crate::exec::Cancel::from(cancel),
                    live: &mut |_| {},
                },
            );
            let _ = tx.send(Msg::CommandDone(out));
        });
        vec![running]
    }

    /// Reads every journal's summary and computes the figures: on a thread of its own in the
    /// app (a cold read of a big state directory takes seconds, and must hold up neither keys
    /// nor the journaler's appends), inline when the journaler is (tests).
    fn read_summaries(&mut self, request: u64) -> Vec<Msg> {
        let store = self.store.clone();
        if let Worker::Inline(_) = self.worker {
            let mut answers = Vec::new();
            read_summaries(&store, request, &mut |m| answers.push(m));
            return answers;
        }
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            read_summaries(&store, request, &mut |m| {
                let _ = tx.send(m);
            })
        });
        Vec::new()
    }
}

/// Read `request`: how many journals there are, then the figures over them (the journals
/// that could not be read whole named, never counted).
fn read_summaries(store: &Store, request: u64, send: &mut dyn FnMut(Msg)) {
    send(Msg::SummariesCounted {
        request,
        incidents: store.ids().len(),
    });
    let read = crate::store::summaries::read_all(store);
    let mut figures = crate::tui::stats::state::Figures::compute(&read.summaries, read.skipped);
    figures.cache_warning = read.cache_warning;
    send(Msg::Summaries {
        request,
        figures: Arc::new(figures),
    });
}

/// OSC 52: "set the clipboard", understood by most terminals and passed through SSH.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(T[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn write_raw(s: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"kubectl get pods"), "a3ViZWN0bCBnZXQgcG9kcw==");
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
