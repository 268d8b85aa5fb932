//! The app's journal and library IO, off the loop thread: appending (and its `fdatasync`),
//! catching up on what others appended, opening and starting incidents, listing the open
//! ones (which reads every journal), reloading the runbook library, writing a draft. The
//! loop sends it effects and never waits; every answer comes back as a message that names
//! the incident it is about, so an answer for an incident no longer on screen is never
//! applied to the one that is.
//!
//! Owns: the store, the sessions (each incident's journal handle and its one fold), the
//! library reloader. Must never: touch the terminal, decide anything (every record it writes
//! was decided by `update`), or fold an incident a second time for the screen (the screen
//! gets the session's own fold, shared read-only).
//!
//! `Journaler::handle` does the work; `spawn` runs it on its own thread for the app, and the
//! tests call it inline, so both take the same path through it.

use super::effect::{By, Effect};
use super::msg::{Msg, Opened};
use super::state::{IncidentRow, LibraryRow, Overlay};
use crate::domain::clock::{Clock, Switchable};
use crate::domain::event::Known;
use crate::domain::rules::Opts;
use crate::runbook::watch::{Current, Reloader};
use crate::store::{IncidentId, Session, Store};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Sender};

pub struct Journaler {
    pub store: Store,
    /// Reloads the library when runbook files change.
    pub reloader: Reloader,
    /// The runbooks as the picker shows them (last good versions of broken files included).
    pub current: Vec<Current>,
    /// Every incident opened since the app started, by id: the one on screen, and any whose
    /// command is still to be recorded.
    pub sessions: HashMap<String, Session>,
    pub clock: Arc<dyn Clock>,
    /// When set, the app's clock follows the incident on screen: a drill's simulated clock
    /// while one is open (the switch), built over the real clock (the second).
    pub drill_clock: Option<(Arc<Switchable>, Arc<dyn Clock>)>,
    pub author: crate::domain::Author,
}

impl Journaler {
    /// Does one piece of journal or library work; the answers, in order.
    pub fn handle(&mut self, effect: Effect) -> Vec<Msg> {
        match effect {
            Effect::Append {
                incident,
                events,
                origin,
                opts,
                at,
                by,
            } => self.append(
                &incident,
                events,
                Append {
                    origin,
                    opts,
                    at,
                    by,
                },
            ),
            Effect::CatchUp { incident } => self.catch_up(&incident),
            Effect::OpenIncident(id) => vec![self.open(&id)],
            Effect::StartIncident {
                runbook,
                title,
                severity,
                vars,
                drill,
            } => vec![self.start(&runbook, title, severity, vars, drill)],
            Effect::RefreshIncidents => vec![Msg::Incidents(incident_rows(&self.store))],
            Effect::ReloadLibrary => vec![Msg::Library(self.reload())],
            Effect::Export { incident } => vec![self.export(&incident)],
            // The rest is the loop's own work (terminal, clipboard, commands).
            _ => Vec::new(),
        }
    }

    /// Loads the library again; returns the home screen's rows.
    pub fn reload(&mut self) -> Vec<LibraryRow> {
        self.current = self.reloader.reload();
        current_rows(&self.current)
    }

    /// The session of incident `id`, opened for appending if it is not yet.
    fn session(&mut self, id: &str) -> Result<&mut Session, String> {
        if !self.sessions.contains_key(id) {
            let iid = IncidentId::parse(id).map_err(|e| e.to_string())?;
            let s = self.store.open(&iid).map_err(|e| format!("{e:#}"))?;
            self.sessions.insert(id.to_string(), s);
        }
        self.sessions
            .get_mut(id)
            .ok_or_else(|| format!("incident {id} is not open"))
    }

    fn append(&mut self, id: &str, events: Vec<Known>, how: Append) -> Vec<Msg> {
        let clock = self.clock.clone();
        let author = match how.by {
            By::Responder => self.author.to_string(),
            By::Drill => crate::drill::INJECT_AUTHOR.to_string(),
        };
        let s = match self.session(id) {
            Ok(s) => s,
            Err(error) => {
                return vec![Msg::AppendFailed {
                    incident: id.to_string(),
                    error,
                    origin: how.origin,
                }];
            }
        };
        let before = s.records.len();
        let mut failed = None;
        let mut out = Vec::new();
        for e in events {
            match s.record_with(clock.as_ref(), how.at, &author, e, how.opts) {
                // A torn tail a crashed writer left was set aside first: say where.
                Ok(recorded) => out.extend(recorded.recovery.map(|r| Msg::Notice(r.to_string()))),
                Err(err) => {
                    failed = Some(err);
                    break;
                }
            }
        }
        let mut answer = vec![synced(id, s, before, true)];
        answer.append(&mut out);
        match failed {
            // On disk all the same: never said as NOT RECORDED.
            Some(err) if err.is_written() => answer.push(Msg::OpenFailed(err.to_string())),
            Some(err) => answer.push(Msg::AppendFailed {
                incident: id.to_string(),
                error: err.to_string(),
                origin: how.origin,
            }),
            None => {}
        }
        answer
    }

    fn catch_up(&mut self, id: &str) -> Vec<Msg> {
        let Some(s) = self.sessions.get_mut(id) else {
            return Vec::new();
        };
        let before = s.records.len();
        if let Err(e) = s.catch_up() {
            return vec![Msg::Notice(format!(
                "cannot read what others recorded: {e:#}"
            ))];
        }
        if s.records.len() == before {
            return Vec::new();
        }
        vec![synced(id, s, before, false)]
    }

    fn open(&mut self, id: &str) -> Msg {
        let iid = match IncidentId::parse(id) {
            Ok(id) => id,
            Err(e) => return Msg::OpenFailed(e.to_string()),
        };
        // Opened anew: it may have changed on disk since it was last on screen.
        match self.store.open(&iid) {
            Ok(session) => self.on_screen(session),
            Err(e) => Msg::OpenFailed(format!("{e:#}")),
        }
    }

    fn start(
        &mut self,
        runbook: &str,
        title: String,
        severity: crate::domain::Severity,
        vars: Vec<(String, String)>,
        drill: bool,
    ) -> Msg {
        let Some(entry) = self.current.iter().find(|c| c.runbook.id == runbook) else {
            return Msg::OpenFailed(format!("no runbook \"{runbook}\" in the library"));
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
            Ok(session) => self.on_screen(session),
            Err(e) => Msg::OpenFailed(format!("could not start the incident: {e:#}")),
        }
    }

    /// The session goes on screen: its fold is shared with the app, its records copied to it
    /// once, and a drill's clock takes over the app's.
    fn on_screen(&mut self, session: Session) -> Msg {
        if let Some((switch, real)) = &self.drill_clock {
            switch.set(crate::drill::app_clock(
                &session.incident,
                &session.records,
                real.clone(),
            ));
        }
        let msg = Msg::Opened(Box::new(Opened {
            incident: Arc::new(session.incident.clone()),
            records: session.records.clone(),
            notices: session.notices.clone(),
            read_only: session.read_only(),
        }));
        self.sessions
            .insert(session.id.as_str().to_string(), session);
        msg
    }

    fn export(&mut self, id: &str) -> Msg {
        let Some(s) = self.sessions.get(id) else {
            return Msg::Exported(Err(format!("incident {id} is not open")));
        };
        let opts = crate::export::Options::default();
        let written = crate::export::write_draft(&self.store, s, &opts);
        Msg::Exported(written.map_err(|e| format!("{e:#}")))
    }
}

/// How an append was asked for.
struct Append {
    origin: Option<Overlay>,
    opts: Opts,
    at: Option<DateTime<Utc>>,
    by: By,
}

/// What the session holds now: its fold, shared, and the records since `before`, or since
/// the first one a sync moved (a shared incident's sync can place records before ones already
/// shown; the app's timeline then takes the merged order from there).
fn synced(id: &str, s: &Session, before: usize, appended: bool) -> Msg {
    let from = s.unmoved(before);
    Msg::Synced {
        incident: id.to_string(),
        view: Arc::new(s.incident.clone()),
        records: s.records[from.min(s.records.len())..].to_vec(),
        appended,
    }
}

/// Runs the journaler on its own thread: effects in, messages out on `tx`, in order. The
/// thread ends once the sender is dropped and every effect sent has been carried out.
pub fn spawn(mut j: Journaler, tx: Sender<Msg>) -> (Sender<Effect>, std::thread::JoinHandle<()>) {
    let (jobs, rx) = mpsc::channel::<Effect>();
    let handle = std::thread::spawn(move || {
        while let Ok(effect) = rx.recv() {
            for msg in j.handle(effect) {
                if tx.send(msg).is_err() {
                    return;
                }
            }
        }
    });
    (jobs, handle)
}

/// Open incidents, newest first, for the home screen; then those whose journal cannot be read
/// (an empty one, say), with why, so none is hidden.
pub fn incident_rows(store: &Store) -> Vec<IncidentRow> {
    let (sessions, broken) = store.open_sessions();
    let mut rows: Vec<IncidentRow> = sessions
        .into_iter()
        .map(|s| {
            let i = s.incident;
            IncidentRow {
                at_step: i.current.map(|c| i.runbook.steps[c].title.clone()),
                id: i.id,
                title: i.title,
                severity: i.severity,
                drill: i.drill,
                opened: i.opened,
                runbook: i.runbook.id.clone(),
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
