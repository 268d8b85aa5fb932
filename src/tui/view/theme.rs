//! The palette and the glyphs every pane draws with.
//!
//! Colour only reinforces: every state also has a glyph or a word (`[x]`, `OVER`, `DRILL`), so
//! the screen reads the same on a monochrome terminal. With `AppState::color == false`
//! (NO_COLOR) no style here sets a foreground or background colour: only modifiers (bold,
//! reversed). With colour, a high-contrast palette of the 8 basic ANSI colours, which every
//! terminal (and every SSH hop) renders.

use crate::domain::incident::Status;
use crate::tui::state::{AppState, Tone};
use ratatui::style::{Color, Modifier, Style};

/// The styles of one frame, chosen once from `AppState::color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn of(s: &AppState) -> Theme {
        Theme { color: s.color }
    }

    /// A style that is `colored` with colour and `mono` without.
    fn pick(&self, colored: Style, mono: Style) -> Style {
        if self.color { colored } else { mono }
    }

    /// Plain text: nothing set, so it inherits whatever is underneath.
    pub fn plain(&self) -> Style {
        Style::new()
    }

    /// The selected row: reversed in both modes (reversal works without colour).
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn good(&self) -> Style {
        self.pick(Style::new().fg(Color::Green), Style::new())
    }

    pub fn warn(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn bad(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Secondary text. Light grey rather than the DIM modifier, which some terminals render
    /// nearly invisible; without colour it is plain.
    pub fn dim(&self) -> Style {
        self.pick(Style::new().fg(Color::Gray), Style::new())
    }

    /// Pane titles and headings.
    pub fn title(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Emphasis inside text (step titles, key names): bold in both modes.
    pub fn strong(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The DRILL marker: a reversed, bold block that cannot be missed, with or without colour.
    pub fn drill(&self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    /// The bars of a chart: coloured with colour; without, the bars are their own glyphs
    /// (`█`) and every bar has its number printed beside it.
    pub fn chart(&self) -> Style {
        self.pick(Style::new().fg(Color::Cyan), Style::new())
    }

    /// Borders of popups: bold so they stand out from the panes underneath.
    pub fn popup_border(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Info => self.plain(),
            Tone::Good => self.good(),
            Tone::Warn => self.warn(),
            Tone::Bad => self.bad(),
        }
    }

    pub fn status(&self, status: Status) -> Style {
        match status {
            Status::Pending => self.plain(),
            Status::Active => self.strong(),
            Status::Done => self.good(),
            Status::Failed => self.bad(),
            Status::Skipped => self.dim(),
        }
    }
}

/// The glyph a footer message starts with, so its tone reads without colour.
pub fn tone_glyph(tone: Tone) -> &'static str {
    match tone {
        Tone::Info => "·",
        Tone::Good => "✓",
        Tone::Warn => "!",
        Tone::Bad => "✗",
    }
}

/// A step's status as three ASCII characters: readable on any terminal and font.
pub fn status_glyph(status: Status) -> &'static str {
    match status {
        Status::Pending => "[ ]",
        Status::Active => "[>]",
        Status::Done => "[x]",
        Status::Failed => "[!]",
        Status::Skipped => "[-]",
    }
}

/// A step's status as a word, for the detail pane.
/// The status's name (`Status::name`), a failure in capitals so it stands out without colour.
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Failed => "FAILED",
        other => other.name(),
    }
}

/// Marks the step the runbook is at.
pub const CURRENT: &str = "▶";
/// Marks an overrun (a step that took longer than its target).
pub const OVER: &str = "OVER";
/// The text cursor in inputs and the filter line.
pub const CURSOR: &str = "▏";
/// The checkbox of a checklist item or the drill field.
pub fn checkbox(on: bool) -> &'static str {
    if on { "[x]" } else { "[ ]" }
}
