//! `runbook`: parse the command line, dispatch, map errors to exit codes (0 ok, 1 failed,
//! 2 misuse).

use clap::Parser;
use runbook::cli::Cli;
use runbook::commands::{self, Usage};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote what they were given (paths, ids, times): shown, never obeyed.
            let msg = runbook::runbook::sanitize::visible_lines(&format!("{e:#}"));
            eprintln!("runbook: error: {msg}");
            if e.downcast_ref::<Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
