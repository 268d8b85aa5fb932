//! Opening the interactive app: `runbook`, `runbook resume [INC]`, and `runbook start` on a
//! terminal.

use super::context::Ctx;
use super::usage;
use crate::tui::shell::{self, Options};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Colour unless NO_COLOR is set (to anything non-empty, per no-color.org) or TERM is dumb.
pub fn color_allowed() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    !no_color && !dumb
}

pub fn app(cx: &Ctx, open: Option<String>) -> anyhow::Result<ExitCode> {
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
        author: cx.author.clone(),
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
