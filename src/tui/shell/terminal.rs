//! The terminal's lifecycle in the shell: taking it (raw mode, alternate screen, bracketed
//! paste), giving it back on quit, lending it to Ctrl-Z and to the pager, and repainting it.

use super::threads::InputGate;
use crate::tui::effects::Shell;
use std::time::Duration;

/// Takes the terminal: raw mode, the alternate screen, bracketed paste (pasted text arrives
/// as one event, never as keys, so it cannot confirm a command). A panic turns paste off
/// again before ratatui's hook restores the rest of the terminal.
pub(super) fn enter_terminal() -> anyhow::Result<ratatui::DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::event::EnableBracketedPaste
    );
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::DisableBracketedPaste
        );
        restore(info);
    }));
    Ok(terminal)
}

/// Gives the terminal back, once the appends already sent are finished (bounded: a disk that
/// never answers must not keep the terminal hostage).
pub(super) fn leave_terminal(shell: Shell, worker: &std::thread::JoinHandle<()>) {
    drop(shell);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !worker.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Restoring can fail when the terminal is gone (SSH dropped): nothing is left to restore.
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::event::DisableBracketedPaste
    );
    let _ = ratatui::try_restore();
}

/// Ctrl-Z: the terminal goes back to how the shell left it, the process stops (SIGSTOP, which
/// cannot be caught), and when `fg` continues it the app takes the terminal again and draws
/// everything anew.
pub(super) fn suspend(terminal: &mut ratatui::DefaultTerminal) -> anyhow::Result<()> {
    use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
    use ratatui::crossterm::terminal::{
        EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
    };
    let mut out = std::io::stdout();
    let _ = ratatui::crossterm::execute!(out, DisableBracketedPaste, LeaveAlternateScreen);
    let _ = terminal.show_cursor();
    let _ = disable_raw_mode();
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    // Continued.
    enable_raw_mode()?;
    ratatui::crossterm::execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    terminal.hide_cursor()?;
    repaint(terminal)
}

/// `p`: the terminal goes to the pager (`tui::pager`) on `path`, with the key reader paused so
/// every key reaches the pager; back, the screen is drawn again.
pub(super) fn page(
    terminal: &mut ratatui::DefaultTerminal,
    path: &std::path::Path,
    input: &InputGate,
) -> anyhow::Result<()> {
    use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
    use ratatui::crossterm::terminal::{
        EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
    };
    input.pause();
    let mut out = std::io::stdout();
    let _ = ratatui::crossterm::execute!(out, DisableBracketedPaste, LeaveAlternateScreen);
    let _ = terminal.show_cursor();
    let _ = disable_raw_mode();
    let ran = crate::tui::pager::run(path);
    enable_raw_mode()?;
    ratatui::crossterm::execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    terminal.hide_cursor()?;
    input.resume();
    repaint(terminal)?;
    ran.map_err(anyhow::Error::msg)
}

/// Blanks the screen and makes the next frame draw every cell. (`Terminal::clear` would ask
/// the terminal where its cursor is, and wait for an answer some terminals never send.)
pub(super) fn repaint(terminal: &mut ratatui::DefaultTerminal) -> anyhow::Result<()> {
    use ratatui::crossterm::terminal::{Clear, ClearType};
    ratatui::crossterm::execute!(std::io::stdout(), Clear(ClearType::All))?;
    // Both buffers empty: the next draw differs from "nothing" in every cell it shows.
    terminal.swap_buffers();
    Ok(())
}
