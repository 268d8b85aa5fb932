//! The threads that feed the shell's one channel of messages: the key reader (which the
//! pager can pause), the once-a-second tick, signals, the incidents directory's watcher, and
//! background sharing. Each only sends messages; none touches the state.

use crate::domain::clock::Clock;
use crate::store::Store;
use crate::tui::app::Msg;
use notify::{RecursiveMode, Watcher};
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// Lets the event loop take the keyboard away from the key reader (for `$PAGER`) and give
/// it back: paused, the reader stops reading the terminal, so no key meant for the pager is
/// taken.
#[derive(Clone, Default)]
pub(super) struct InputGate(Arc<(AtomicBool, AtomicBool)>);

impl InputGate {
    /// Stops the reader and waits (bounded) until it has stopped.
    pub(super) fn pause(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while !self.0.1.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub(super) fn resume(&self) {
        self.0.1.store(false, Ordering::SeqCst);
        self.0.0.store(false, Ordering::SeqCst);
    }

    /// The reader's side: true while paused (and says it has stopped).
    pub(super) fn paused(&self) -> bool {
        let paused = self.0.0.load(Ordering::SeqCst);
        if paused {
            self.0.1.store(true, Ordering::SeqCst);
        }
        paused
    }
}

pub(super) fn spawn_input(tx: Sender<Msg>, clock: Arc<dyn Clock>, gate: InputGate) {
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
pub(super) fn split_alt(k: event::KeyEvent) -> (Option<event::KeyEvent>, event::KeyEvent) {
    use event::{KeyCode, KeyModifiers};
    if !(k.modifiers.contains(KeyModifiers::ALT) && matches!(k.code, KeyCode::Char(_))) {
        return (None, k);
    }
    let esc = event::KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    let mut then = k;
    then.modifiers.remove(KeyModifiers::ALT);
    (Some(esc), then)
}

pub(super) fn spawn_ticks(tx: Sender<Msg>, clock: Arc<dyn Clock>) {
    std::thread::spawn(move || {
        while tx.send(Msg::Tick(clock.now())).is_ok() {
            std::thread::sleep(Duration::from_secs(1));
        }
    });
}

/// Signals become messages: the terminal is always restored by the loop, never left raw.
/// SIGINT and SIGQUIT (sent from outside: in raw mode Ctrl-C and Ctrl-\\ are keys) leave like
/// SIGTERM and SIGHUP; SIGTSTP suspends the way Ctrl-Z does; SIGCONT redraws.
pub(super) fn spawn_signals(tx: Sender<Msg>) -> anyhow::Result<()> {
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

/// How often the app exchanges with the team's repository, when sharing is set up, besides
/// right after this device's logs change.
pub(super) const SHARE_EVERY: Duration = Duration::from_secs(1);

/// Shares in the background, when sharing is set up (docs/sharing.md): an exchange on its own
/// thread right after one of this device's logs changes (a nudge from the watcher) and every
/// few seconds, so no key ever waits on the network; what it brings reaches the screen
/// through the directory watcher, and where sharing stands through `Msg::Sharing`.
pub(super) fn spawn_sharing(
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
pub(super) fn watch(
    store: &Store,
    tx: Sender<Msg>,
    nudge: Sender<()>,
) -> Option<notify::RecommendedWatcher> {
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
