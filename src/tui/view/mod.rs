//! Drawing the state: `render(frame, &AppState)` lays out the screen and hands each pane its
//! rectangle. One file per pane, each `fn render(frame, area, &AppState)`; views only borrow the
//! state, never change it, and never read the clock (time is `AppState::now`), so the same state
//! always draws the same screen and snapshot tests are exact.
//!
//! Invariants every pane keeps: any terminal size draws without a panic (below 60x15 only a
//! "too small" message is drawn); untrusted text goes through `text::clean`/`text::one`
//! (`sanitize::visible`) before it is drawn; colour only reinforces glyphs and words (`theme`).

pub mod confirm;
mod detail;
mod figures;
mod footer;
mod form;
mod header;
mod home;
mod kinds;
mod output;
mod overlay;
mod preview;
mod stats;
mod stats_runbook;
mod steps;
mod text;
pub mod theme;
mod timeline;

use super::keymap::Mode;
use super::state::{AppState, Extent, Screen};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The smallest terminal the screens are laid out for.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;
/// From this width the incident screen shows steps, detail and timeline side by side.
pub const WIDE: u16 = 140;

/// Draws the whole screen: the current screen, the footer, then any overlay on top.
pub fn render(frame: &mut Frame, s: &AppState) {
    draw(frame, s);
}

/// What a drawn frame showed that `update` needs to know (`app::drawn`): views never write
/// to the state, so layout facts go back as data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drawn {
    /// The command confirmation's lines, as shown.
    pub confirm: Option<confirm::Shown>,
    /// The incident screen's detail pane (the selected step's document).
    pub detail: Option<Extent>,
    /// The home screen's preview.
    pub preview: Option<Extent>,
    /// The help overlay.
    pub help: Option<Extent>,
    /// The stats screen's runbook pane.
    pub stats: Option<Extent>,
}

/// `render`, returning the layout facts `update` needs.
pub fn draw(frame: &mut Frame, s: &AppState) -> Drawn {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return Drawn::default();
    }
    let [body, foot] = screen_and_footer(area);
    let mut drawn = Drawn::default();
    match (s.screen, &s.incident) {
        (Screen::Incident, Some(_)) => drawn.detail = incident_screen(frame, body, s),
        (Screen::Stats, _) => drawn.stats = stats::render(frame, body, s),
        _ => drawn.preview = Some(home_screen(frame, body, s)),
    }
    footer::render(frame, foot, s);
    if let Some(o) = &s.overlay {
        match overlay::render(frame, area, s, o) {
            overlay::Shown::Confirm(c) => drawn.confirm = Some(c),
            overlay::Shown::Help(h) => drawn.help = Some(h),
            overlay::Shown::Other => {}
        }
    }
    drawn
}

/// The mode of the screen under any overlay: what the footer hints and the help describe.
pub fn screen_mode(s: &AppState) -> Mode {
    match (s.screen, &s.incident) {
        (Screen::Incident, Some(_)) => Mode::Incident,
        (Screen::Stats, _) => Mode::Stats,
        _ if s.home.filtering => Mode::Filter,
        _ => Mode::Home,
    }
}

/// Home: the list of incidents and runbooks on the left, a preview of the selection on the right.
fn home_screen(frame: &mut Frame, area: Rect, s: &AppState) -> Extent {
    let [list, pre] = home_panes(area);
    home::render(frame, list, s);
    preview::render(frame, pre, s)
}

fn home_panes(area: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area)
}

/// Where the incident screen's panes go in `area` (the screen above the footer): a header,
/// then steps | detail | timeline side by side on wide terminals, or steps | detail above the
/// timeline otherwise.
struct Panes {
    head: Rect,
    steps: Rect,
    detail: Rect,
    timeline: Rect,
}

fn incident_panes(area: Rect) -> Panes {
    let [head, rest] =
        Layout::vertical([Constraint::Length(header::HEIGHT), Constraint::Min(0)]).areas(area);
    if area.width >= WIDE {
        let [steps, detail, timeline] = Layout::horizontal([
            Constraint::Percentage(40),
            Constraint::Percentage(30),
            Constraint::Percentage(30),
        ])
        .areas(rest);
        Panes {
            head,
            steps,
            detail,
            timeline,
        }
    } else {
        let [top, timeline] =
            Layout::vertical([Constraint::Percentage(66), Constraint::Percentage(34)]).areas(rest);
        let [steps, detail] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
        Panes {
            head,
            steps,
            detail,
            timeline,
        }
    }
}

fn incident_screen(frame: &mut Frame, area: Rect, s: &AppState) -> Option<Extent> {
    let p = incident_panes(area);
    header::render(frame, p.head, s);
    steps::render(frame, p.steps, s);
    let detail = detail::render(frame, p.detail, s);
    timeline::render(frame, p.timeline, s);
    detail
}

/// The screen above, the one-line footer below.
fn screen_and_footer(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area)
}

/// Below the minimum size: only a centred message with the current size.
fn too_small(frame: &mut Frame, area: Rect) {
    let max = usize::from(area.width);
    let message = format!("terminal too small (need at least {MIN_WIDTH}x{MIN_HEIGHT})");
    let size = format!("now {}x{}", area.width, area.height);
    let lines: Vec<Line> = text::wrap(&message, max)
        .into_iter()
        .chain(text::wrap(&size, max))
        .map(|l| Line::from(text::fit(l.trim(), max)))
        .collect();
    let h = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    let y = area.y + (area.height - h) / 2;
    frame.render_widget(
        Paragraph::new(lines).centered(),
        Rect::new(area.x, y, area.width, h),
    );
}
