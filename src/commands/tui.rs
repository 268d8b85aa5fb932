//! Opening the interactive app: `runbook`, `runbook resume [INC]`, and `runbook start` on a
//! terminal.

use super::context::Ctx;
use super::usage;
use crate::tui::shell::{self, Options};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Colour for this process's environment: see `color_allowed_for`.
pub fn color_allowed() -> bool {
    color_allowed_for(
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    )
}

/// Colour unless `NO_COLOR` is set (to anything non-empty, per no-color.org) or the terminal
/// cannot show it: `TERM` unset or empty, `dumb`, or a name terminfo marks monochrome, with a
/// `-m` or `-mono` part (`xterm-mono`, `wy370-m`, `xterm-m-w`). Terminals without colour
/// whose names say nothing of it (`vt100`) still get colour: every state reads without it.
pub fn color_allowed_for(
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    if no_color.is_some_and(|v| !v.is_empty()) {
        return false;
    }
    let Some(term) = term
        .and_then(std::ffi::OsStr::to_str)
        .filter(|t| !t.is_empty())
    else {
        return false;
    };
    let mono = term
        .split('-')
        .skip(1)
        .any(|part| part == "m" || part == "mono");
    term != "dumb" && !mono
}

pub fn app(cx: &Ctx, open: Option<String>) -> anyhow::Result<ExitCode> {
    // Checked before the terminal is taken, as `runbook run` checks it: inside the app a bad
    // value could only be ignored unseen, and a run would then save more than was asked.
    crate::exec::output_cap().map_err(usage)?;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(usage(
            "the interactive app needs a terminal; without one, use the headless commands (`runbook --help`)",
        ));
    }
    cx.need_author()?;
    shell::run(Options {
        store: cx.store.clone(),
        reloader: reloader(cx),
        clock: cx.clock.clone(),
        author: cx.need_author()?.clone(),
        open,
        color: color_allowed(),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The library as the search path describes it, reloadable when files change.
fn reloader(cx: &Ctx) -> crate::runbook::watch::Reloader {
    let env = super::library::search_env(&cx.global);
    let explicit = !cx.global.runbooks.is_empty() || env.runbook_path.is_some();
    crate::runbook::watch::Reloader::new(env.roots(), explicit)
}

/// Opens the named incident (an id or a unique start of one), or the newest open one.
pub fn resume(cx: &Ctx, id: Option<std::ffi::OsString>) -> anyhow::Result<ExitCode> {
    let id = match id {
        Some(arg) => cx
            .store
            .resolve(&super::context::incident_ref(&arg)?)?
            .to_string(),
        None => {
            let (open, _) = cx.store.open_sessions();
            match open.into_iter().next() {
                Some(s) => s.id.to_string(),
                None => anyhow::bail!("no open incident to resume; `runbook` opens the library"),
            }
        }
    };
    app(cx, Some(id))
}

#[cfg(test)]
mod tests {
    use super::color_allowed_for;
    use std::ffi::OsStr;

    fn allowed(no_color: Option<&str>, term: Option<&str>) -> bool {
        color_allowed_for(no_color.map(OsStr::new), term.map(OsStr::new))
    }

    #[test]
    fn colour_follows_no_color_and_what_terminfo_calls_monochrome() {
        for term in [
            "xterm-256color",
            "xterm",
            "screen",
            "tmux-256color",
            "vt100",
            "linux",
        ] {
            assert!(allowed(None, Some(term)), "{term}");
            assert!(
                allowed(Some(""), Some(term)),
                "an empty NO_COLOR is unset: {term}"
            );
            assert!(!allowed(Some("1"), Some(term)), "NO_COLOR wins: {term}");
        }
        for term in ["xterm-mono", "wy370-m", "xterm-m-w", "dumb", ""] {
            assert!(!allowed(None, Some(term)), "{term}");
        }
        assert!(!allowed(None, None), "TERM unset");
        // A name that only contains the letters is not monochrome.
        assert!(allowed(None, Some("mono")));
        assert!(allowed(None, Some("xterm-monochrome-ish")));
    }
}
