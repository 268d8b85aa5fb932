//! The TUI's state: everything the screen shows, as plain data. Views borrow it; only
//! `update` changes it. No IO, no clock: the time arrives in messages.
//!
//! Here: the app as a whole, the home screen's lists and the open incident's view; the
//! dialogs drawn over them are in `overlay.rs` (re-exported, so `state::Overlay` stays).

use crate::domain::event::Record;
use crate::domain::incident::Incident;
use crate::domain::{Runbook, Severity};
use chrono::{DateTime, Utc};

mod overlay;
pub use overlay::{
    ARM_MS, Ask, Confirm, FormVar, Input, InputPurpose, Menu, Overlay, Pick, StartForm,
};

pub struct AppState {
    /// The latest time a message brought (ticks, keys).
    pub now: DateTime<Utc>,
    /// Where sharing stands, once a background exchange has run (None: not set up here).
    pub sharing: Option<crate::sync::status::Sharing>,
    pub screen: Screen,
    pub home: Home,
    /// The open incident, when one is open (kept when going back home, so it can be resumed).
    pub incident: Option<IncidentView>,
    /// What the last read of every journal found, and the read in flight (the stats screen's
    /// figures and the home preview's step figures).
    pub learning: super::stats::state::Learning,
    /// The stats screen's choices (shown when `screen` is `Stats`).
    pub stats: super::stats::state::StatsView,
    pub overlay: Option<Overlay>,
    /// A one-line message in the footer: the outcome of the last action.
    pub flash: Option<Flash>,
    /// Set when the app should exit.
    pub quit: bool,
    /// The command running now, in whichever incident (one at a time).
    pub running: Option<Running>,
    /// A command confirmed, waiting for its `command_started` to be durable.
    pub launch: Option<Launch>,
    /// An incident is being opened or started: keys typed meanwhile wait for it.
    pub opening: bool,
    /// The library is being checked again: keys typed meanwhile wait for the result.
    pub reloading: bool,
    /// Quitting was asked for while a command ran: the app leaves once its result is
    /// recorded.
    pub leaving: Option<Leaving>,
    /// Whether colour may be used (false under NO_COLOR or on monochrome terminals).
    pub color: bool,
    /// Who is acting: recorded as the author of every event.
    pub author: crate::domain::Author,
    /// The terminal's size (columns, rows) from the last `Msg::Resize`, (0, 0) before the
    /// first.
    pub size: (u16, u16),
    /// What the last frame showed of the scrollable panes (`app::drawn`): how far `J`/`K`
    /// and the help can scroll.
    pub drawn: crate::tui::view::Drawn,
}

/// How much of a scrollable thing a frame showed: its length in lines, the lines in view,
/// and the first one shown. Views report it (`view::Drawn`); `update` pages with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extent {
    pub lines: usize,
    pub room: usize,
    pub from: usize,
}

impl Extent {
    /// `offset` moved half a view down or up, kept within what can be scrolled, and whether
    /// there is anything to scroll at all.
    pub fn page(self, offset: usize, down: bool) -> (usize, bool) {
        let room = self.lines.saturating_sub(self.room);
        let (at, step) = (offset.min(room), (self.room / 2).max(1));
        let moved = if down {
            (at + step).min(room)
        } else {
            at.saturating_sub(step)
        };
        (moved, room > 0)
    }
}

/// A command in progress: its `command_started` (record `run`) is durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Running {
    pub incident: String,
    pub run: u64,
    pub step: crate::domain::StepId,
    pub since: DateTime<Utc>,
}

/// A command confirmed and asked to be recorded as started: once its `command_started` is
/// back from disk, it is run (or, in a drill, its canned output recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    pub incident: String,
    pub step: crate::domain::StepId,
    pub command: String,
    pub timeout_s: u64,
}

/// How the app leaves while a command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaving {
    /// Wait for the command to end, record its result, then quit.
    AfterIt,
    /// It was told to stop (Ctrl-C twice, SIGTERM, SIGHUP): record it as interrupted, quit.
    Killing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Home,
    Incident,
    /// Figures across incidents (`S` on the home screen).
    Stats,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub tone: Tone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Good,
    Warn,
    Bad,
}

/// The home screen: open incidents, then the library grouped by incident type.
#[derive(Default)]
pub struct Home {
    pub incidents: Vec<IncidentRow>,
    /// Sorted by incident type, then id.
    pub library: Vec<LibraryRow>,
    pub filter: String,
    /// Typing goes to the filter.
    pub filtering: bool,
    /// Index into `rows()`.
    pub selected: usize,
    /// Lines the preview is scrolled down (`J`). `update` sets it back to 0 whenever the
    /// selection or the filter changes, so every row's preview shows from its top.
    pub preview_scroll: usize,
    /// The responder has moved the selection or filtered: when the lists change, the selection
    /// then follows the same incident or runbook. Until then it stays on the first row (the
    /// newest open incident).
    pub moved: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IncidentRow {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub drill: bool,
    pub opened: DateTime<Utc>,
    pub runbook: String,
    /// Title of the step it is at.
    pub at_step: Option<String>,
    /// Why its journal cannot be read (then only the id is known): listed, never hidden.
    pub unreadable: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LibraryRow {
    pub runbook: std::sync::Arc<Runbook>,
    /// Where it came from: a path, or "bundled".
    pub origin: String,
    /// Problems with the file on disk (a bad edit); the runbook shown is the last good one.
    pub problems: Option<String>,
    /// The exact source: an open incident compares its sha256 with its pinned version.
    pub source: std::sync::Arc<str>,
    /// False on the first frame for a runbook listed by its top-level fields only: no steps,
    /// variables or links yet, and it cannot be started. The full check follows at once.
    pub checked: bool,
}

/// One selectable line of the home screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Incident(usize),
    Runbook(usize),
}

/// The incident screen's state.
pub struct IncidentView {
    /// The session's fold (`worker.rs` folds; the app only ever replaces this with the new
    /// one a message brings).
    pub incident: std::sync::Arc<Incident>,
    pub records: Vec<Record>,
    /// The selected step (index into the runbook's steps).
    pub selected: usize,
    /// Appends sent and not yet answered: nothing is shown as recorded until they return,
    /// the header says "recording…", and keys typed meanwhile wait their turn.
    pub in_flight: usize,
    /// Why the journal cannot be written (damage): shown, and actions are refused.
    pub read_only: Option<String>,
    /// The last command output shown in the detail pane: (step id, text).
    pub output: Option<(crate::domain::StepId, String)>,
    /// Command output wraps (so no column is lost); off, each line is one line, moved
    /// sideways by `output_shift` characters.
    pub output_wrap: bool,
    pub output_shift: usize,
    /// Wait steps whose countdown already rang the bell (step id, run number).
    pub rung: Vec<(String, u32)>,
    /// `x` was pressed: the next digit toggles that checklist item.
    pub awaiting_item: bool,
    /// Records scrolled back in the timeline (0 = newest at the bottom).
    pub timeline_scroll: usize,
    /// Lines the detail pane is scrolled down (`J`). `update` sets it back to 0 whenever the
    /// selection moves, so every step shows from its top.
    pub detail_scroll: usize,
    /// The library holds a different version of the pinned runbook: offered, never imposed.
    pub newer: Option<Newer>,
    /// A question to ask once the append in flight is recorded (complete the comms step just
    /// sent). Dropped when the append fails.
    pub then_ask: Option<Ask>,
    /// A drill's scenario (parsed from the journal's pin): its injects fire on ticks.
    pub scenario: Option<crate::drill::scenario::Scenario>,
    /// The latest inject, shown as a banner until the next one.
    pub banner: Option<String>,
    /// The drill's scorecard was shown when its runbook ended.
    pub scored: bool,
}

/// A newer version of the incident's runbook, found in the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Newer {
    pub sha256: String,
    pub source: String,
    /// `+1 added (x), ~2 changed (a, b)`.
    pub summary: String,
}

impl Home {
    /// The visible rows: open incidents first (newest first), then runbooks, both filtered.
    pub fn rows(&self) -> Vec<Row> {
        let f = self.filter.trim();
        let mut rows: Vec<Row> = (0..self.incidents.len())
            .filter(|&i| {
                f.is_empty() || super::filter::score_incident(&self.incidents[i], f).is_some()
            })
            .map(Row::Incident)
            .collect();
        if f.is_empty() {
            rows.extend((0..self.library.len()).map(Row::Runbook));
        } else {
            rows.extend(
                super::filter::runbooks(&self.library, f)
                    .into_iter()
                    .map(Row::Runbook),
            );
        }
        rows
    }

    pub fn selected_row(&self) -> Option<Row> {
        self.rows().get(self.selected).copied()
    }
}

impl IncidentView {
    pub fn new(incident: std::sync::Arc<Incident>, records: Vec<Record>) -> IncidentView {
        let selected = incident.current.unwrap_or(0);
        let scenario = crate::drill::pinned(&incident).and_then(Result::ok);
        IncidentView {
            incident,
            records,
            selected,
            in_flight: 0,
            read_only: None,
            output: None,
            output_wrap: true,
            output_shift: 0,
            rung: Vec::new(),
            awaiting_item: false,
            timeline_scroll: 0,
            detail_scroll: 0,
            newer: None,
            then_ask: None,
            scenario,
            banner: None,
            scored: false,
        }
    }
}
