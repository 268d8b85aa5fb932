//! The imperative shell: owns the terminal and the threads that feed one channel of messages
//! (keys, a once-a-second tick, journal changes from a `notify` watcher, signals, command
//! results). Each message goes through `update`; effects go to `Shell::run`; the screen is
//! redrawn after each batch. Idle, the only wake-up is the tick.
//!
//! The terminal is restored on quit, on panic (ratatui's hook), and on SIGTERM/SIGHUP (the
//! signal thread sends `Terminate`; the loop exits normally). Everything recorded is already
//! durable, so leaving at any moment loses nothing.

use super::app::{Msg, update};
use super::effect::Effect;
use super::effects::{Shell, TerminalRequest, Worker};
use super::state::{AppState, Tone};
use super::worker::{Journaler, current_rows, incident_rows};
use crate::domain::clock::Clock;
use crate::runbook::watch::Reloader;
use crate::store::Store;
use notify::{RecursiveMode, Watcher};
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use std::collections::HashMap;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

pub struct Options {
    pub store: Store,
    /// Loads (and reloads) the library from the search path.
    pub reloader: Reloader,
    pub clock: Arc<dyn Clock>,
    pub author: crate::domain::Author,
    /// Open this incident straight away.
    pub open: Option<String>,
    pub color: bool,
}

pub fn run(o: Options) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    // Every thread reads time through one switchable clock: real time, or a drill's
    // simulated clock while a drill is open.
    let switch = Arc::new(crate::domain::clock::Switchable::new(o.clock.clone()));
    let clock: Arc<dyn Clock> = switch.clone();
    let mut state = AppState::new(clock.now(), o.author.clone(), o.color);
    let mut journaler = Journaler {
        store: o.store.clone(),
        reloader: o.reloader,
        current: Vec::new(),
        sessions: HashMap::new(),
        clock: clock.clone(),
        drill_clock: Some((switch, o.clock.clone())),
        author: o.author,
    };
    let mut queue: VecDeque<Msg> = VecDeque::new();
    // The first frame comes at once, with the library listed by the runbooks' top-level
    // fields; every file is checked right after it is drawn (RunbooksChanged), and keys typed
    // meanwhile wait for that check.
    queue.push_back(Msg::Library(current_rows(&journaler.reloader.list())));
    queue.push_back(Msg::RunbooksChanged);
    queue.push_back(Msg::Incidents(incident_rows(&journaler.store)));
    if let Some(id) = &o.open {
        match journaler.handle(Effect::OpenIncident(id.clone())).pop() {
            Some(Msg::Opened(op)) => queue.push_back(Msg::Opened(op)),
            Some(Msg::OpenFailed(e)) => anyhow::bail!("{e}"),
            _ => anyhow::bail!("could not open incident {id}"),
        }
    }
    let roots = journaler.reloader.roots().to_vec();
    let (jobs, worker) = super::worker::spawn(journaler, tx.clone());
    let mut shell = Shell {
        worker: Worker::Thread(jobs),
        store: o.store,
        clock: clock.clone(),
        tx: tx.clone(),
        cancel: Arc::default(),
        terminal: None,
    };
    // The watchers must live as long as the loop; they are dropped on return.
    let (nudge, nudges) = std::sync::mpsc::channel::<()>();
    let _watcher = watch(&shell.store, tx.clone(), nudge);
    let reload_tx = tx.clone();
    let _runbook_watcher = crate::runbook::watch::watch(&roots, move || {
        let _ = reload_tx.send(Msg::RunbooksChanged);
    });
    let input = InputGate::default();
    spawn_input(tx.clone(), clock.clone(), input.clone());
    spawn_sharing(
        shell.store.clone(),
        state.author.to_string(),
        o.clock.clone(),
        tx.clone(),
        nudges,
    );
    spawn_ticks(tx.clone(), clock);
    spawn_signals(tx)?;
    let mut terminal = enter_terminal()?;
    if let Ok(size) = terminal.size() {
        queue.push_front(Msg::Resize(size.width, size.height));
    }
    let result = event_loop(&mut terminal, &mut state, &mut shell, &rx, queue, &input);
    leave_terminal(shell, &worker);
    result
}

/// Takes the terminal: raw mode, the alternate screen, bracketed paste (pasted text arrives
/// as one event, never as keys, so it cannot confirm a command). A panic turns paste off
/// again before ratatui's hook restores the rest of the terminal.
fn enter_terminal() -> anyhow::Result<ratatui::DefaultTerminal> {
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
fn leave_terminal(shell: Shell, worker: &std::thread::JoinHandle<()>) {
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

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut AppState,
    shell: &mut Shell,
    rx: &Receiver<Msg>,
    mut queue: VecDeque<Msg>,
    input: &InputGate,
) -> anyhow::Result<()> {
    // Keys typed while an answer they must see is still to come wait here, in order
    // (Ctrl-C does not: a disk that hangs must not keep the app from quitting).
    let mut held: VecDeque<Msg> = VecDeque::new();
    loop {
        while let Some(msg) = queue.pop_front() {
            if state.waiting() && is_typing(&msg) {
                held.push_back(msg);
                continue;
            }
            settle(state, shell, msg);
            if state.quit {
                return Ok(());
            }
            if !state.waiting() {
                while let Some(k) = held.pop_back() {
                    queue.push_front(k);
                }
            }
            match shell.terminal.take() {
                Some(TerminalRequest::Suspend) => suspend(terminal)?,
                Some(TerminalRequest::Redraw) => repaint(terminal)?,
                Some(TerminalRequest::Pager(path)) => {
                    if let Err(e) = page(terminal, &path, input) {
                        state.flash(Tone::Bad, format!("the pager did not run: {e}"));
                    }
                }
                None => {}
            }
        }
        draw(terminal, state, shell)?;
        let Ok(first) = rx.recv() else { return Ok(()) };
        queue.push_back(first);
        // Take whatever else is waiting, coalescing bursts of journal changes and ticks.
        while let Ok(m) = rx.try_recv() {
            let dup = matches!(
                (&m, queue.back()),
                (Msg::JournalChanged, Some(Msg::JournalChanged))
                    | (Msg::Tick(_), Some(Msg::Tick(_)))
                    | (Msg::RunbooksChanged, Some(Msg::RunbooksChanged))
            );
            // In a resize storm only the last size matters.
            if matches!((&m, queue.back()), (Msg::Resize(..), Some(Msg::Resize(..)))) {
                queue.pop_back();
            }
            if !dup {
                queue.push_back(m);
            }
        }
    }
}

/// Draws the state and tells it what the frame showed (`app::drawn`); when that changes what
/// is shown, draws once more.
fn draw(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut AppState,
    shell: &Shell,
) -> anyhow::Result<()> {
    for _ in 0..2 {
        let mut shown = super::view::Drawn::default();
        terminal.draw(|f| shown = super::view::draw(f, state))?;
        if !super::app::drawn(state, shell.clock.now(), &shown) {
            break;
        }
    }
    Ok(())
}

/// A key or a paste, other than Ctrl-C.
fn is_typing(msg: &Msg) -> bool {
    match msg {
        Msg::Key(k, _) => super::keymap::key_of(k) != super::keymap::CTRL_C,
        Msg::Paste(_) => true,
        _ => false,
    }
}

/// Handles one message and every answer its effects bring, before anything else: a key typed
/// ahead must see the state its predecessors produced (e.g. the incident they opened).
/// Answers are handled in the order they come (first in, first out). Returns the effects
/// carried out, in order (for tests, which drive the app through this same function).
pub fn settle(state: &mut AppState, shell: &mut Shell, msg: Msg) -> Vec<super::effect::Effect> {
    let mut done = Vec::new();
    let mut pending = VecDeque::from([msg]);
    while let Some(m) = pending.pop_front() {
        for effect in update(state, m) {
            done.push(effect.clone());
            pending.extend(shell.run(effect));
        }
        if state.quit {
            break;
        }
    }
    done
}

/// Lets the event loop take the keyboard away from the key reader (for `$PAGER`) and give
/// it back: paused, the reader stops reading the terminal, so no key meant for the pager is
/// taken.
#[derive(Clone, Default)]
struct InputGate(Arc<(AtomicBool, AtomicBool)>);

impl InputGate {
    /// Stops the reader and waits (bounded) until it has stopped.
    fn pause(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while !self.0.1.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn resume(&self) {
        self.0.1.store(false, Ordering::SeqCst);
        self.0.0.store(false, Ordering::SeqCst);
    }

    /// The reader's side: true while paused (and says it has stopped).
    fn paused(&self) -> bool {
        let paused = self.0.0.load(Ordering::SeqCst);
        if paused {
            self.0.1.store(true, Ordering::SeqCst);
        }
        paused
    }
}

fn spawn_input(tx: Sender<Msg>, clock: Arc<dyn Clock>, gate: InputGate) {
    std::thread::spawn(move || {
        loop {
            if gate.paused() {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            // Polled, not blocked on, so a pause takes effect within one poll.
            match event::poll(Duration::from_millis(100)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => {
                    let _ = tx.send(Msg::Terminate);
                    break;
                }
            }
            let msg = match event::read() {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => {
                    let (first, then) = split_alt(k);
                    if let Some(esc) = first
                        && tx.send(Msg::Key(esc, clock.now())).is_err()
                    {
                        break;
                    }
                    Msg::Key(then, clock.now())
                }
                Ok(Event::Paste(text)) => Msg::Paste(text),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                // The terminal is gone (e.g. SSH dropped): leave.
                Err(_) => Msg::Terminate,
            };
            let end = matches!(msg, Msg::Terminate);
            if tx.send(msg).is_err() || end {
                break;
            }
        }
    });
}

/// Esc then a key, typed quickly (a tired "Esc q"), reaches the terminal as the two bytes an
/// Alt-key is made of, and arrives as Alt+q. No binding uses Alt, so it is taken as what was
/// typed: Esc, then the key.
fn split_alt(k: event::KeyEvent) -> (Option<event::KeyEvent>, event::KeyEvent) {
    use event::{KeyCode, KeyModifiers};
    if !(k.modifiers.contains(KeyModifiers::ALT) && matches!(k.code, KeyCode::Char(_))) {
        return (None, k);
    }
    let esc = event::KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    let mut then = k;
    then.modifiers.remove(KeyModifiers::ALT);
    (Some(esc), then)
}

fn spawn_ticks(tx: Sender<Msg>, clock: Arc<dyn Clock>) {
    std::thread::spawn(move || {
        while tx.send(Msg::Tick(clock.now())).is_ok() {
            std::thread::sleep(Duration::from_secs(1));
        }
    });
}

/// Signals become messages: the terminal is always restored by the loop, never left raw.
/// SIGINT and SIGQUIT (sent from outside: in raw mode Ctrl-C and Ctrl-\\ are keys) leave like
/// SIGTERM and SIGHUP; SIGTSTP suspends the way Ctrl-Z does; SIGCONT redraws.
fn spawn_signals(tx: Sender<Msg>) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT])?;
    std::thread::spawn(move || {
        for sig in signals.forever() {
            let msg = match sig {
                SIGTSTP => Msg::Suspend,
                SIGCONT => Msg::Continued,
                _ => Msg::Terminate,
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Ctrl-Z: the terminal goes back to how the shell left it, the process stops (SIGSTOP, which
/// cannot be caught), and when `fg` continues it the app takes the terminal again and draws
/// everything anew.
fn suspend(terminal: &mut ratatui::DefaultTerminal) -> anyhow::Result<()> {
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
fn page(
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
    let ran = super::pager::run(path);
    enable_raw_mode()?;
    ratatui::crossterm::execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    terminal.hide_cursor()?;
    input.resume();
    repaint(terminal)?;
    ran.map_err(anyhow::Error::msg)
}

/// Blanks the screen and makes the next frame draw every cell. (`Terminal::clear` would ask
/// the terminal where its cursor is, and wait for an answer some terminals never send.)
fn repaint(terminal: &mut ratatui::DefaultTerminal) -> anyhow::Result<()> {
    use ratatui::crossterm::terminal::{Clear, ClearType};
    ratatui::crossterm::execute!(std::io::stdout(), Clear(ClearType::All))?;
    // Both buffers empty: the next draw differs from "nothing" in every cell it shows.
    terminal.swap_buffers();
    Ok(())
}

/// How often the app exchanges with the team's repository, when sharing is set up, besides
/// right after this device's logs change.
const SHARE_EVERY: Duration = Duration::from_secs(1);

/// Shares in the background, when sharing is set up (docs/sharing.md): an exchange on its own
/// thread right after one of this device's logs changes (a nudge from the watcher) and every
/// few seconds, so no key ever waits on the network; what it brings reaches the screen
/// through the directory watcher, and where sharing stands through `Msg::Sharing`.
fn spawn_sharing(
    store: Store,
    author: String,
    clock: Arc<dyn Clock>,
    tx: Sender<Msg>,
    nudges: std::sync::mpsc::Receiver<()>,
) {
    use crate::sync::{exchange, status::Sharing};
    std::thread::spawn(move || {
        let mut state = Sharing::default();
        loop {
            let home = crate::runbook::library::SearchEnv::from_process(Vec::new()).config_home;
            let configured = crate::config::load(home.as_deref())
                .ok()
                .and_then(|c| c.remote);
            if exchange::remote(&store, configured.as_deref()).is_ok() {
                let now = clock.now();
                state = match exchange::sync(&store, configured.as_deref(), &author, now) {
                    Ok(_) => Sharing::shared(clock.now()),
                    Err(_) => state.failed(now, exchange::pending(&store)),
                };
                if tx.send(Msg::Sharing(state.clone())).is_err() {
                    return;
                }
            }
            // Until this device records something, or the interval passes.
            if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) =
                nudges.recv_timeout(SHARE_EVERY)
            {
                std::thread::sleep(SHARE_EVERY); // no watcher: the interval alone
            }
            while nudges.try_recv().is_ok() {}
        }
    });
}

/// Watches the incidents directory (not files: writers may create and rename), so appends by
/// other processes reach the screen within a second. Without a watcher the app still works;
/// it just does not see others' appends until the next action.
fn watch(store: &Store, tx: Sender<Msg>, nudge: Sender<()>) -> Option<notify::RecommendedWatcher> {
    // Created private (0700) like every directory of the state; never through a symlink.
    let dir = store.ensure_incidents_dir().ok()?;
    let own = dir.clone();
    let mut w = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let Ok(e) = ev else { return };
        if e.kind.is_access() {
            return;
        }
        let _ = tx.send(Msg::JournalChanged);
        // This device's own logs are directly in the directory (others' are a level down,
        // written by the exchange itself): a change there is worth sharing now.
        if e.paths.iter().any(|p| p.parent() == Some(own.as_path())) {
            let _ = nudge.send(());
        }
    })
    .ok()?;
    // Recursive: `runbook sync` writes other devices' logs in `incidents/<id>/`.
    w.watch(&dir, RecursiveMode::Recursive).ok()?;
    Some(w)
}
