//! The imperative shell: owns the terminal and the threads that feed one channel of messages
//! (keys, a once-a-second tick, journal changes from a `notify` watcher, signals, command
//! results). Each message goes through `update`; effects go to `Shell::run`; the screen is
//! redrawn after each batch. Idle, the only wake-up is the tick.
//!
//! The terminal is restored on quit, on panic (ratatui's hook), and on SIGTERM/SIGHUP (the
//! signal thread sends `Terminate`; the loop exits normally). Everything recorded is already
//! durable, so leaving at any moment loses nothing.
//!
//! Here: `run`, the event loop, drawing and `settle`; taking, lending and giving back the
//! terminal is `terminal`, and the threads that feed the channel (keys, ticks, signals, the
//! directory watcher, sharing) are `threads`.

mod terminal;
mod threads;

use terminal::{enter_terminal, leave_terminal, page, repaint, suspend};
use threads::{InputGate, spawn_input, spawn_sharing, spawn_signals, spawn_ticks, watch};

use super::app::{Msg, update};
use super::effect::Effect;
use super::effects::{Shell, TerminalRequest, Worker};
use super::state::{AppState, Tone};
use super::worker::{Journaler, current_rows, incident_rows};
use crate::domain::clock::Clock;
use crate::runbook::watch::Reloader;
use crate::store::Store;
use std::collections::HashMap;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

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
