//! The only IO the interactive app does, one effect at a time: append to the journal (and only
//! then tell the state), open and start incidents, run commands, copy, ring, export. Every
//! result comes back as a `Msg`.

use super::effect::Effect;
use super::msg::{Msg, Opened};
use super::state::{IncidentRow, LibraryRow};
use crate::domain::clock::Clock;
use crate::domain::event::Known;
use crate::runbook::watch::{Current, Reloader};
use crate::store::{Session, Store};
use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc::Sender;

pub struct Shell {
    pub store: Store,
    /// Reloads the library when runbook files change.
    pub reloader: Reloader,
    /// The runbooks as the picker shows them (last good versions of broken files included).
    pub current: Vec<Current>,
    pub session: Option<Session>,
    pub clock: Arc<dyn Clock>,
    /// When set, the app's clock follows the open incident: a drill's simulated clock while
    /// one is open (the switch), built over the real clock (the second).
    pub drill_clock: Option<(Arc<crate::domain::clock::Switchable>, Arc<dyn Clock>)>,
    pub author: String,
    /// Where command results and other late answers are sent.
    pub tx: Sender<Msg>,
    /// Set to stop the running command (its runner kills the process group).
    pub cancel: Arc<std::sync::atomic::AtomicBool>,
    /// What the event loop must do with the terminal after this batch (suspend, redraw).
    pub terminal: Option<TerminalRequest>,
}

/// A request only the event loop, which owns the terminal, can carry out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TerminalRequest {
    Suspend,
    Redraw,
}

impl Shell {
    /// Carries out one effect; immediate answers are returned, late ones arrive on `tx`.
    pub fn run(&mut self, effect: Effect) -> Vec<Msg> {
        match effect {
            Effect::Append {
                events,
                origin,
                opts,
                at,
            } => self.append(events, origin, opts, at),
            Effect::CatchUp => self.synced(|s| s.catch_up().map(|_| ())),
            Effect::OpenIncident(id) => vec![self.open(&id)],
            Effect::StartIncident {
                runbook,
                title,
                severity,
                vars,
                drill,
            } => {
                let Some(entry) = self.current.iter().find(|c| c.runbook.id == runbook) else {
                    return vec![Msg::OpenFailed(format!(
                        "no runbook \"{runbook}\" in the library"
                    ))];
                };
                let ts = self.clock.now();
                let started = self.store.start(crate::store::NewIncident {
                    runbook: &entry.runbook,
                    source: &entry.source,
                    title,
                    severity,
                    vars,
                    drill,
                    author: &self.author,
                    ts,
                    at: ts,
                    wall: None,
                });
                match started {
                    // The home list is refreshed when the responder goes back to it.
                    Ok(session) => vec![self.adopt(session)],
                    Err(e) => vec![Msg::OpenFailed(format!(
                        "could not start the incident: {e:#}"
                    ))],
                }
            }
            Effect::RefreshIncidents => vec![Msg::Incidents(incident_rows(&self.store))],
            Effect::ReloadLibrary => vec![Msg::Library(self.reload())],
            Effect::RunCommand {
                step,
                command,
                timeout_s,
            } => self.run_command(step, command, timeout_s),
            Effect::FireInjects(events) => {
                let clock = self.clock.clone();
                self.synced(|s| {
                    for e in events {
                        s.record(clock.as_ref(), None, crate::drill::INJECT_AUTHOR, e)?;
                    }
                    Ok(())
                })
            }
            Effect::Copy(text) => {
                let _ = write_raw(&osc52(&text));
                Vec::new()
            }
            Effect::CancelCommand => {
                self.cancel
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                Vec::new()
            }
            Effect::Suspend => {
                self.terminal = Some(TerminalRequest::Suspend);
                Vec::new()
            }
            Effect::Redraw => {
                self.terminal = Some(TerminalRequest::Redraw);
                Vec::new()
            }
            Effect::Bell => {
                let _ = write_raw("\x07");
                Vec::new()
            }
            Effect::Export => {
                let Some(s) = &self.session else {
                    return Vec::new();
                };
                let opts = crate::export::Options::default();
                let written = crate::export::write_draft(&self.store, s, &opts);
                vec![Msg::Exported(written.map_err(|e| format!("{e:#}")))]
            }
        }
    }

    /// Loads the library again; returns the home screen's rows.
    pub fn reload(&mut self) -> Vec<LibraryRow> {
        self.current = self.reloader.reload();
        current_rows(&self.current)
    }

    fn append(
        &mut self,
        events: Vec<Known>,
        origin: Option<super::state::Overlay>,
        opts: crate::domain::rules::Opts,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Vec<Msg> {
        let clock = self.clock.clone();
        let author = self.author.clone();
        let mut failed = None;
        let mut repaired = Vec::new();
        let mut out = self.synced(|s| {
            for e in events {
                match s.record_with(clock.as_ref(), at, &author, e, opts) {
                    // A torn tail a crashed writer left was set aside first: say where.
                    Ok(recorded) => repaired.extend(recorded.recovery),
                    Err(err) => {
                        failed = Some(err);
                        break;
                    }
                }
            }
            Ok(())
        });
        out.extend(repaired.into_iter().map(|r| Msg::Notice(r.to_string())));
        match failed {
            // On disk: never say NOT RECORDED about it.
            Some(err) if err.is_written() => out.push(Msg::OpenFailed(err.to_string())),
            Some(err) => out.push(Msg::AppendFailed {
                error: err.to_string(),
                origin,
            }),
            None => {}
        }
        out
    }

    /// Runs `f` on the session and reports every record it added (ours and others').
    fn synced(&mut self, f: impl FnOnce(&mut Session) -> anyhow::Result<()>) -> Vec<Msg> {
        let Some(s) = &mut self.session else {
            return Vec::new();
        };
        let before = s.records.len();
        let result = f(s);
        let mut out = Vec::new();
        if s.records.len() > before {
            out.push(Msg::Synced(s.records[before..].to_vec()));
        }
        if let Err(e) = result {
            out.push(Msg::AppendFailed {
                error: format!("{e:#}"),
                origin: None,
            });
        }
        out
    }

    fn open(&mut self, id: &str) -> Msg {
        let id = match crate::store::IncidentId::parse(id) {
            Ok(id) => id,
            Err(e) => return Msg::OpenFailed(e.to_string()),
        };
        match self.store.open(&id) {
            Ok(session) => self.adopt(session),
            Err(e) => Msg::OpenFailed(format!("{e:#}")),
        }
    }

    fn adopt(&mut self, session: Session) -> Msg {
        let read_only = session.read_only();
        let msg = Msg::Opened(Box::new(Opened {
            incident: session.incident.clone(),
            records: session.records.clone(),
            notices: session.notices.clone(),
            read_only,
        }));
        if let Some((switch, real)) = &self.drill_clock {
            switch.set(crate::drill::app_clock(
                &session.incident,
                &session.records,
                real.clone(),
            ));
        }
        self.session = Some(session);
        msg
    }

    fn run_command(&mut self, step: String, command: String, timeout_s: u64) -> Vec<Msg> {
        let started = Known::CommandStarted {
            step: step.clone(),
            command: command.clone(),
        };
        let mut out = self.append(vec![started], None, Default::default(), None);
        if out.iter().any(|m| matches!(m, Msg::AppendFailed { .. })) {
            return out;
        }
        let Some(s) = &self.session else { return out };
        // Only now, with `command_started` durable, is the command shown as running.
        out.push(Msg::Running {
            incident: s.incident.id.clone(),
            step: step.clone(),
        });
        let drill = s.incident.drill;
        // Drills never run real commands: the scenario's canned output stands in.
        let canned = crate::drill::pinned(&s.incident)
            .and_then(Result::ok)
            .and_then(|sc| {
                sc.canned(&step, &crate::drill::fired(&s.incident))
                    .map(|i| (i.output.clone(), i.exit_code))
            });
        let save_to = self
            .store
            .outputs_dir(&s.id)
            .join(format!("{}-{step}.log", s.incident.last_seq));
        let tx = self.tx.clone();
        let cancel = self.cancel.clone();
        cancel.store(false, std::sync::atomic::Ordering::Relaxed);
        std::thread::spawn(move || {
            let done = if drill {
                let (output, exit_code) = match canned {
                    Some((Some(out), code)) => (
                        format!("DRILL (canned output, nothing was run):\n{out}"),
                        Some(code),
                    ),
                    _ => (
                        "DRILL: the command was not run (the scenario has no output for it)"
                            .to_string(),
                        Some(0),
                    ),
                };
                super::msg::CommandDone {
                    step,
                    command,
                    exit_code,
                    timed_out: false,
                    interrupted: false,
                    duration_ms: 0,
                    sha256: crate::runbook::sha256_hex(&output),
                    excerpt: output,
                    output_path: None,
                }
            } else {
                super::runner::run(
                    &step,
                    &command,
                    std::time::Duration::from_secs(timeout_s),
                    &save_to,
                    &cancel,
                )
            };
            let _ = tx.send(Msg::CommandDone(done));
        });
        out.retain(|m| !matches!(m, Msg::AppendFailed { .. }));
        out
    }
}

/// Open incidents, newest first, for the home screen; then those whose journal cannot be read
/// (an empty one, say), each titled with why and how to remove it, so none is hidden.
pub fn incident_rows(store: &Store) -> Vec<IncidentRow> {
    let (sessions, broken) = store.open_sessions();
    let mut rows: Vec<IncidentRow> = sessions
        .into_iter()
        .map(|s| {
            let i = s.incident;
            IncidentRow {
                at_step: i.current.map(|c| i.runbook.steps[c].title.clone()),
                id: s.id.to_string(),
                title: i.title,
                severity: i.severity,
                drill: i.drill,
                opened: i.opened,
                runbook: i.runbook.id,
                unreadable: None,
            }
        })
        .collect();
    // A journal that cannot be read is listed with why: its id is all that is known (the
    // severity and time below are never shown for it).
    rows.extend(broken.into_iter().map(|(id, why)| IncidentRow {
        title: String::new(),
        id: id.to_string(),
        severity: crate::domain::Severity::Sev4,
        drill: false,
        opened: chrono::DateTime::UNIX_EPOCH,
        runbook: String::new(),
        at_step: None,
        unreadable: Some(why),
    }));
    rows
}

/// Home screen rows for the runbooks as reloaded, sorted by incident type then id.
pub fn current_rows(current: &[Current]) -> Vec<LibraryRow> {
    let mut rows: Vec<LibraryRow> = current
        .iter()
        .map(|c| LibraryRow {
            runbook: c.runbook.clone(),
            origin: c.origin.clone(),
            problems: c.problems.clone(),
            source: c.source.clone(),
            checked: c.checked,
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.runbook.incident_type, &a.runbook.id).cmp(&(&b.runbook.incident_type, &b.runbook.id))
    });
    rows
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
