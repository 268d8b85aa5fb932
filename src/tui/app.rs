//! The Elm-style core: `update(&mut AppState, Msg) -> Vec<Effect>`. Messages are facts (a key
//! at a time, a tick, records now durable in the journal); effects are requests the shell
//! (`effects.rs`) carries out, answering with messages. No IO, no clock, no terminal here, so
//! whole sessions can be tested as key sequences.
//!
//! The screen is a projection of the journal: an action becomes `Effect::Append`, and only the
//! `Msg::Synced` that comes back once the records are on disk changes what is shown as done.

pub use super::effect::Effect;
pub use super::msg::{CommandDone, Msg, Opened};
use super::state::{AppState, Flash, Home, IncidentView, Overlay, Screen, Tone};
use super::{home, incident, overlay};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

impl AppState {
    pub fn new(now: DateTime<Utc>, author: crate::domain::Author, color: bool) -> AppState {
        AppState {
            now,
            sharing: None,
            author,
            screen: Screen::Home,
            home: Home::default(),
            incident: None,
            learning: Default::default(),
            stats: Default::default(),
            overlay: None,
            flash: None,
            quit: false,
            running: None,
            launch: None,
            opening: false,
            reloading: false,
            leaving: None,
            color,
            size: (0, 0),
            drawn: Default::default(),
        }
    }

    /// Whether an answer the next key must see is still to come (an append in flight, an
    /// incident being opened): the event loop holds keys until it is not.
    pub fn waiting(&self) -> bool {
        self.opening || self.reloading || self.incident.as_ref().is_some_and(|v| v.in_flight > 0)
    }

    pub fn flash(&mut self, tone: Tone, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            tone,
        });
    }
}

/// A frame was drawn at `at`, showing `d`: the confirmation counts from when it was first on
/// screen, and has been read to the end once its last line was shown. Returns whether the
/// state changed in a way that shows (then the screen is drawn again).
pub fn drawn(s: &mut AppState, at: DateTime<Utc>, d: &super::view::Drawn) -> bool {
    s.drawn = *d;
    // Offsets are kept to what the frame could show (a pane that grew, a smaller terminal).
    if let (Some(v), Some(e)) = (&mut s.incident, d.detail) {
        v.detail_scroll = e.from;
    }
    if let Some(e) = d.preview {
        s.home.preview_scroll = e.from;
    }
    if let Some(e) = d.stats {
        s.stats.scroll = e.from;
    }
    let (Some(Overlay::Confirm(c)), Some(shown)) = (&mut s.overlay, d.confirm) else {
        return false;
    };
    c.shown_at.get_or_insert(at);
    c.lines = shown.lines;
    c.room = shown.room;
    c.scroll = shown.from;
    let all = shown.from + shown.room >= shown.lines;
    let changed = all && !c.seen_all;
    c.seen_all |= all;
    changed
}

pub fn update(s: &mut AppState, msg: Msg) -> Vec<Effect> {
    let step = s.incident.as_ref().map(|v| v.selected);
    let row = (s.home.selected, s.home.filter.clone());
    let effects = handle(s, msg);
    // What becomes selected always shows from its top: a step's details, a row's preview.
    if let Some(v) = &mut s.incident
        && step != Some(v.selected)
    {
        v.detail_scroll = 0;
    }
    if row != (s.home.selected, s.home.filter.clone()) {
        s.home.preview_scroll = 0;
    }
    effects
}

/// Every message to the state that answers it. Long by design: one arm per `Msg` variant,
/// each a call or a few lines, so the whole of what can happen to the app reads in one place
/// and a new variant fails to compile until it is handled here.
fn handle(s: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k, at) => on_key(s, k, at),
        Msg::Paste(text) => {
            super::paste::paste(s, &text);
            Vec::new()
        }
        Msg::Tick(now) => {
            s.now = s.now.max(now);
            super::tick::tick(s)
        }
        Msg::Sharing(sharing) => {
            s.sharing = Some(sharing);
            Vec::new()
        }
        Msg::Resize(w, h) => {
            s.size = (w, h);
            Vec::new()
        }
        Msg::Synced {
            incident,
            view,
            records,
            appended,
        } => super::record::synced(s, &incident, view, records, appended),
        Msg::AppendFailed {
            incident,
            error,
            origin,
        } => append_failed(s, &incident, error, origin),
        Msg::Opened(o) => opened(s, *o),
        Msg::Notice(text) => {
            s.overlay = Some(Overlay::Info {
                title: "The journal was repaired".into(),
                body: text,
                scroll: 0,
            });
            Vec::new()
        }
        Msg::Flash(text) => {
            s.flash(Tone::Bad, &text);
            Vec::new()
        }
        Msg::OpenFailed(e) => {
            s.opening = false;
            s.overlay = Some(Overlay::Error {
                message: e,
                then: None,
            });
            Vec::new()
        }
        Msg::Library(rows) => {
            let checked = std::mem::take(&mut s.reloading);
            home::relist(s, |h| h.library = rows);
            super::record::offer_newer(s);
            if checked {
                super::stats::after_first_check(s)
            } else {
                Vec::new()
            }
        }
        Msg::SummariesCounted { request, incidents } => {
            super::stats::counted(s, request, incidents);
            Vec::new()
        }
        Msg::Summaries { request, figures } => {
            super::stats::answered(s, request, figures);
            Vec::new()
        }
        Msg::RunbooksChanged => {
            s.reloading = true;
            vec![Effect::ReloadLibrary]
        }
        Msg::Incidents(rows) => {
            home::relist(s, |h| h.incidents = rows);
            Vec::new()
        }
        // Every append (ours too) lands here. Catching up reads only the new bytes of the open
        // journal; the home list opens every journal, so it is refreshed only while it is on
        // screen (and when going back to it).
        Msg::JournalChanged => {
            let mut fx = Vec::new();
            if let Some(v) = &s.incident {
                fx.push(Effect::CatchUp {
                    incident: v.incident.id.clone(),
                });
            }
            if s.screen == Screen::Home {
                fx.push(Effect::RefreshIncidents);
            }
            fx
        }
        Msg::Running {
            incident,
            run,
            step,
        } => {
            s.running = Some(super::state::Running {
                incident,
                run,
                step,
                since: s.now,
            });
            Vec::new()
        }
        Msg::CommandDone(done) => super::record::command_done(s, done),
        Msg::Exported(r) => exported(s, r),
        Msg::Terminate => super::quit::terminate(s),
        Msg::Suspend => vec![Effect::Suspend],
        Msg::Continued => vec![Effect::Redraw],
    }
}

/// A key: Ctrl-C and Ctrl-Z anywhere, else the overlay, else the screen underneath.
fn on_key(s: &mut AppState, key: KeyEvent, at: DateTime<Utc>) -> Vec<Effect> {
    s.now = s.now.max(at);
    let k = super::keymap::key_of(&key);
    if k == super::keymap::CTRL_C {
        return super::quit::interrupt(s);
    }
    if k == super::keymap::CTRL_Z {
        return vec![Effect::Suspend];
    }
    if s.overlay.is_some() {
        return overlay::key(s, &key, at);
    }
    match s.screen {
        Screen::Home => home::key(s, &key),
        Screen::Incident => incident::key(s, &key),
        Screen::Stats => super::stats::key(s, &key),
    }
}

/// Nothing of the batch was recorded from the failure on: said where it was asked for.
fn append_failed(
    s: &mut AppState,
    incident: &str,
    error: String,
    origin: Option<Overlay>,
) -> Vec<Effect> {
    if s.launch.as_ref().is_some_and(|l| l.incident == incident) {
        s.launch = None;
    }
    let here = s.incident.as_mut().filter(|v| v.incident.id == incident);
    let Some(v) = here else {
        // For an incident no longer on screen (a command's result): said, with which one.
        s.overlay = Some(Overlay::Error {
            message: format!("NOT RECORDED in incident {incident}: {error}"),
            then: None,
        });
        return Vec::new();
    };
    v.in_flight = v.in_flight.saturating_sub(1);
    v.then_ask = None;
    // Leaving: the result could not be recorded; resuming shows the run as
    // interrupted, result unknown.
    if s.leaving.is_some() && s.running.is_none() {
        s.quit = true;
        return Vec::new();
    }
    s.overlay = Some(match origin {
        // From a dialog: it comes back with what was typed and the reason inside it.
        Some(Overlay::Input(mut input)) => {
            input.error = Some(format!("NOT RECORDED: {error}"));
            Overlay::Input(input)
        }
        origin => Overlay::Error {
            message: format!("NOT RECORDED: {error}"),
            then: origin.map(Box::new),
        },
    });
    Vec::new()
}

/// An incident is open: its screen, with any notice about its journal first.
fn opened(s: &mut AppState, o: super::msg::Opened) -> Vec<Effect> {
    s.opening = false;
    let mut view = IncidentView::new(o.incident, o.records);
    view.read_only = o.read_only;
    s.incident = Some(view);
    super::record::offer_newer(s);
    s.screen = Screen::Incident;
    // The filter found what it was for; coming back, the incident should be in view.
    s.home.filter.clear();
    s.home.filtering = false;
    s.home.selected = 0;
    s.home.moved = false;
    s.overlay = None;
    if let Some(n) = o.notices.into_iter().next() {
        s.overlay = Some(Overlay::Error {
            message: n,
            then: None,
        });
    }
    Vec::new()
}

/// Where the draft went, or why it did not.
fn exported(s: &mut AppState, r: Result<std::path::PathBuf, String>) -> Vec<Effect> {
    match r {
        Ok(p) => s.flash(
            Tone::Good,
            format!("postmortem draft written to {}", p.display()),
        ),
        Err(e) => {
            s.overlay = Some(Overlay::Error {
                message: format!("export failed: {e}"),
                then: None,
            })
        }
    }
    Vec::new()
}
