//! Keybindings as data: one table of (mode, key, action, help). `lookup` finds the action for a
//! key in a mode; the help overlay renders the same table, so it can never disagree with what
//! the keys do. A test rejects duplicate bindings.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where keys are being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Home,
    /// Typing into the home screen's filter.
    Filter,
    Incident,
    /// A text input dialog (note, skip reason, sign-off name, role, comms).
    Input,
    Menu,
    /// The command confirmation.
    Confirm,
    /// A yes/no question (a deliberate repeat).
    Ask,
    /// Quitting while a command runs.
    Quit,
    /// The start form.
    Form,
    Help,
    Error,
    /// The stats screen (figures across incidents).
    Stats,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    /// Home: resume the incident or start one from the runbook.
    Open,
    Filter,
    ClearFilter,
    Back,
    Quit,
    Help,
    /// Start the selected step; on an active one, complete it (checks: ok).
    Advance,
    Fail,
    Skip,
    Choice(u8),
    ToggleNext,
    ToggleItem,
    Note,
    ActionItem,
    Milestone,
    Severity,
    Role,
    /// Sign off the selected step, as the person at this keyboard.
    Signoff,
    /// Break glass: complete or run a step without a second person's sign-off.
    Override,
    Copy,
    Run,
    Comms,
    Export,
    /// Close the incident (says what is still open first).
    Close,
    /// The runbook's `about`: meaning, impact, context.
    About,
    Adopt,
    TimelineOlder,
    TimelineNewer,
    /// Scroll the pane on the right (the preview, the step's details) down or up.
    ScrollDown,
    ScrollUp,
    /// Command output: wrap it, or one line each (moved sideways with `<` `>`).
    OutputWrap,
    OutputLeft,
    OutputRight,
    /// Open the step's full saved output in `$PAGER`.
    Pager,
    /// Home: the stats screen (figures across incidents).
    Stats,
    /// Stats: drills only, or real incidents (drills left out).
    Drills,
    Submit,
    Cancel,
    NextField,
    PrevField,
    Toggle,
    Yes,
    No,
    /// Quitting while a command runs: wait for it, then quit.
    Wait,
    /// Quitting while a command runs: kill it, record it as interrupted, quit.
    Kill,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

pub struct Binding {
    pub mode: Mode,
    pub key: Key,
    pub action: Action,
    pub help: &'static str,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn b(mode: Mode, key: Key, action: Action, help: &'static str) -> Binding {
    Binding {
        mode,
        key,
        action,
        help,
    }
}

/// Ctrl-C quits from anywhere; it is not in the table because it works in every mode.
pub const CTRL_C: Key = Key {
    code: KeyCode::Char('c'),
    mods: KeyModifiers::CONTROL,
};

/// Ctrl-Z suspends from anywhere (the terminal is restored first; `fg` redraws).
pub const CTRL_Z: Key = Key {
    code: KeyCode::Char('z'),
    mods: KeyModifiers::CONTROL,
};

use Action as A;
use Mode as M;

/// The default bindings, one per line (kept unformatted so the table reads as a table).
#[rustfmt::skip]
pub const DEFAULT: &[Binding] = &[
    b(M::Home, k('j'), A::Down, "move down"),
    b(M::Home, code(KeyCode::Down), A::Down, "move down"),
    b(M::Home, k('k'), A::Up, "move up"),
    b(M::Home, code(KeyCode::Up), A::Up, "move up"),
    b(M::Home, code(KeyCode::Enter), A::Open, "resume the incident / start one from the runbook"),
    b(M::Home, k('/'), A::Filter, "filter by id, title, tag or alert name"),
    b(M::Home, code(KeyCode::Esc), A::ClearFilter, "clear the filter"),
    b(M::Home, k('J'), A::ScrollDown, "scroll the preview"),
    b(M::Home, k('K'), A::ScrollUp, "scroll the preview"),
    b(M::Home, k('S'), A::Stats, "stats: figures across incidents"),
    b(M::Home, k('?'), A::Help, "this help"),
    b(M::Home, k('q'), A::Quit, "quit (nothing is lost)"),
    b(M::Stats, code(KeyCode::Tab), A::Down, "the next runbook"),
    b(M::Stats, code(KeyCode::Down), A::Down, "the next runbook"),
    b(M::Stats, k('j'), A::Down, "the next runbook"),
    b(M::Stats, code(KeyCode::BackTab), A::Up, "the previous runbook"),
    b(M::Stats, code(KeyCode::Up), A::Up, "the previous runbook"),
    b(M::Stats, k('k'), A::Up, "the previous runbook"),
    b(M::Stats, k('d'), A::Drills, "drills only / real incidents (drills left out)"),
    b(M::Stats, k('J'), A::ScrollDown, "scroll the runbook's figures"),
    b(M::Stats, k('K'), A::ScrollUp, "scroll the runbook's figures"),
    b(M::Stats, k('?'), A::Help, "this help"),
    b(M::Stats, code(KeyCode::Esc), A::Back, "back to the home screen"),
    b(M::Stats, k('q'), A::Back, "back to the home screen"),
    b(M::Filter, code(KeyCode::Enter), A::Submit, "keep the filter, back to the list"),
    b(M::Filter, code(KeyCode::Esc), A::ClearFilter, "clear the filter"),
    b(M::Filter, code(KeyCode::Down), A::Down, "move down"),
    b(M::Filter, code(KeyCode::Up), A::Up, "move up"),
    b(M::Incident, k('j'), A::Down, "select the next step"),
    b(M::Incident, code(KeyCode::Down), A::Down, "select the next step"),
    b(M::Incident, k('k'), A::Up, "select the previous step"),
    b(M::Incident, code(KeyCode::Up), A::Up, "select the previous step"),
    b(M::Incident, code(KeyCode::Enter), A::Advance, "start the step; if active, complete it (checks: ok)"),
    b(M::Incident, k('d'), A::Advance, "start the step; if active, complete it (checks: ok)"),
    b(M::Incident, k('f'), A::Fail, "the check failed"),
    b(M::Incident, k('s'), A::Skip, "skip the step, with a reason"),
    b(M::Incident, k('1'), A::Choice(1), "take a decision's choice"),
    b(M::Incident, k('2'), A::Choice(2), "take a decision's choice"),
    b(M::Incident, k('3'), A::Choice(3), "take a decision's choice"),
    b(M::Incident, k('4'), A::Choice(4), "take a decision's choice"),
    b(M::Incident, k('5'), A::Choice(5), "take a decision's choice"),
    b(M::Incident, k('6'), A::Choice(6), "take a decision's choice"),
    b(M::Incident, k('7'), A::Choice(7), "take a decision's choice"),
    b(M::Incident, k('8'), A::Choice(8), "take a decision's choice"),
    b(M::Incident, k('9'), A::Choice(9), "take a decision's choice"),
    b(M::Incident, k(' '), A::ToggleNext, "tick the next checklist item"),
    b(M::Incident, k('x'), A::ToggleItem, "then a number: toggle that checklist item"),
    b(M::Incident, k('n'), A::Note, "add a note"),
    b(M::Incident, k('t'), A::ActionItem, "add an action item (TODO)"),
    b(M::Incident, k('m'), A::Milestone, "record a milestone"),
    b(M::Incident, k('S'), A::Severity, "change severity"),
    b(M::Incident, k('R'), A::Role, "assign a role"),
    b(M::Incident, k('o'), A::Signoff, "sign off the step (as you, a second person)"),
    b(M::Incident, k('O'), A::Override, "break glass: no second person (with a reason)"),
    b(M::Incident, k('y'), A::Copy, "copy the step's command (OSC 52, works over SSH)"),
    b(M::Incident, k('r'), A::Run, "run the step's command (asks first)"),
    b(M::Incident, k('u'), A::Comms, "write and send the status update"),
    b(M::Incident, k('e'), A::Export, "export the postmortem draft"),
    b(M::Incident, k('i'), A::About, "about this runbook: meaning, impact, context"),
    b(M::Incident, k('C'), A::Close, "close the incident (says what is still open)"),
    b(M::Incident, k('A'), A::Adopt, "adopt the runbook's new version (when it changed on disk)"),
    b(M::Incident, code(KeyCode::PageUp), A::TimelineOlder, "scroll the timeline back"),
    b(M::Incident, code(KeyCode::PageDown), A::TimelineNewer, "scroll the timeline forward"),
    b(M::Incident, k('J'), A::ScrollDown, "scroll the step's details"),
    b(M::Incident, k('K'), A::ScrollUp, "scroll the step's details"),
    b(M::Incident, k('w'), A::OutputWrap, "command output and code: wrap it / one line each"),
    b(M::Incident, k('<'), A::OutputLeft, "command output, one line each: move it left / right"),
    b(M::Incident, k('>'), A::OutputRight, "command output, one line each: move it left / right"),
    b(M::Incident, k('p'), A::Pager, "read the step's full saved output in $PAGER (less)"),
    b(M::Incident, k('?'), A::Help, "this help"),
    b(M::Incident, k('q'), A::Back, "back to the home screen (nothing is lost)"),
    b(M::Input, code(KeyCode::Enter), A::Submit, "record it"),
    b(M::Input, code(KeyCode::Esc), A::Cancel, "cancel"),
    b(M::Menu, code(KeyCode::Down), A::Down, "next"),
    b(M::Menu, k('j'), A::Down, "next"),
    b(M::Menu, code(KeyCode::Up), A::Up, "previous"),
    b(M::Menu, k('k'), A::Up, "previous"),
    b(M::Menu, code(KeyCode::Enter), A::Submit, "choose"),
    b(M::Menu, code(KeyCode::Esc), A::Cancel, "cancel"),
    b(M::Confirm, k('y'), A::Yes, "yes, run exactly this command"),
    b(M::Confirm, k('n'), A::No, "no"),
    b(M::Confirm, code(KeyCode::Esc), A::No, "no"),
    b(M::Confirm, k('j'), A::Down, "scroll the command down"),
    b(M::Confirm, code(KeyCode::Down), A::Down, "scroll the command down"),
    b(M::Confirm, k('k'), A::Up, "scroll the command up"),
    b(M::Confirm, code(KeyCode::Up), A::Up, "scroll the command up"),
    b(M::Ask, k('y'), A::Yes, "yes, record it"),
    b(M::Ask, k('n'), A::No, "no"),
    b(M::Ask, code(KeyCode::Esc), A::No, "no"),
    b(M::Quit, k('w'), A::Wait, "wait for the command, then quit"),
    b(M::Quit, k('k'), A::Kill, "kill it (recorded as interrupted) and quit"),
    b(M::Quit, code(KeyCode::Esc), A::Cancel, "keep working"),
    b(M::Form, code(KeyCode::Tab), A::NextField, "next field"),
    b(M::Form, code(KeyCode::Down), A::NextField, "next field"),
    b(M::Form, code(KeyCode::BackTab), A::PrevField, "previous field"),
    b(M::Form, code(KeyCode::Up), A::PrevField, "previous field"),
    b(M::Form, code(KeyCode::Left), A::Toggle, "change severity / drill"),
    b(M::Form, code(KeyCode::Right), A::Toggle, "change severity / drill"),
    b(M::Form, code(KeyCode::Enter), A::Submit, "start the incident"),
    b(M::Form, code(KeyCode::Esc), A::Cancel, "cancel"),
    b(M::Help, code(KeyCode::Esc), A::Cancel, "close the help"),
    b(M::Help, k('j'), A::Down, "scroll down"),
    b(M::Help, code(KeyCode::Down), A::Down, "scroll down"),
    b(M::Help, k('k'), A::Up, "scroll up"),
    b(M::Help, code(KeyCode::Up), A::Up, "scroll up"),
    b(M::Help, k('?'), A::Cancel, "close the help"),
    b(M::Help, k('q'), A::Cancel, "close the help"),
    b(M::Error, code(KeyCode::Enter), A::Cancel, "dismiss (what you typed is kept)"),
    b(M::Error, code(KeyCode::Esc), A::Cancel, "dismiss (what you typed is kept)"),
    b(M::Error, k('j'), A::Down, "scroll down"),
    b(M::Error, code(KeyCode::Down), A::Down, "scroll down"),
    b(M::Error, k('k'), A::Up, "scroll up"),
    b(M::Error, code(KeyCode::Up), A::Up, "scroll up"),
];

/// Normalises a key event: Shift is part of the character for character keys.
pub fn key_of(ev: &KeyEvent) -> Key {
    let mut mods = ev.modifiers;
    if matches!(ev.code, KeyCode::Char(_)) {
        mods.remove(KeyModifiers::SHIFT);
    }
    Key {
        code: ev.code,
        mods,
    }
}

pub fn lookup(mode: Mode, ev: &KeyEvent) -> Option<Action> {
    let key = key_of(ev);
    DEFAULT
        .iter()
        .find(|bd| bd.mode == mode && bd.key == key)
        .map(|bd| bd.action)
}

pub fn key_name(key: Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    };
    if key.mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// The help for one mode: (keys, description), bindings with the same description merged.
pub fn help(mode: Mode) -> Vec<(String, &'static str)> {
    let mut rows: Vec<(Vec<String>, &'static str)> = Vec::new();
    for bd in DEFAULT.iter().filter(|bd| bd.mode == mode) {
        let name = key_name(bd.key);
        match rows.iter_mut().find(|(_, h)| *h == bd.help) {
            Some((keys, _)) => keys.push(name),
            None => rows.push((vec![name], bd.help)),
        }
    }
    let mut out: Vec<(String, &'static str)> = rows
        .into_iter()
        .map(|(keys, h)| {
            let digits = keys.len() > 2
                && keys
                    .iter()
                    .all(|k| k.len() == 1 && k.chars().all(|c| c.is_ascii_digit()));
            let label = if digits {
                format!("{}-{}", keys[0], keys[keys.len() - 1])
            } else {
                keys.join(" ")
            };
            (label, h)
        })
        .collect();
    out.push((key_name(CTRL_C), "quit from anywhere"));
    out.push((key_name(CTRL_Z), "suspend (fg to come back)"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for (i, a) in DEFAULT.iter().enumerate() {
            for bnd in &DEFAULT[i + 1..] {
                assert!(
                    !(a.mode == bnd.mode && a.key == bnd.key),
                    "{:?} {} bound twice",
                    a.mode,
                    key_name(a.key)
                );
            }
            assert_ne!(a.key, CTRL_C, "Ctrl-C is reserved");
            assert_ne!(a.key, CTRL_Z, "Ctrl-Z is reserved");
        }
    }

    #[test]
    fn shifted_letters_are_their_own_keys() {
        let ev = KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT);
        assert_eq!(lookup(Mode::Incident, &ev), Some(Action::Severity));
        let ev = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(lookup(Mode::Incident, &ev), Some(Action::Skip));
    }

    #[test]
    fn help_merges_aliases_and_ranges() {
        let h = help(Mode::Incident);
        assert!(h.iter().any(|(k, d)| k == "1-9" && d.contains("decision")));
        assert!(h.iter().any(|(k, _)| k == "Enter d"));
        assert!(h.iter().any(|(k, _)| k == "Ctrl-c"));
    }
}
