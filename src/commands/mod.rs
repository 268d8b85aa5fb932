//! The headless subcommands: each takes parsed arguments, does its IO, prints, and returns an
//! exit status. Misuse (a bad argument the parser could not catch) is a `Usage` error: exit 2.

pub mod library;

use crate::cli::{Cli, Command};
use std::fmt;
use std::process::ExitCode;

/// The command was misused (exit status 2), as opposed to failing at its job (1).
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(msg.into()))
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let g = cli.global;
    match cli.command {
        None => Err(usage(
            "the interactive app is not built yet: see `runbook --help` for the commands",
        )),
        Some(Command::Validate {
            paths,
            deny_warnings,
        }) => library::validate(&g, &paths, deny_warnings),
        Some(Command::List {
            incident_type,
            json,
        }) => library::list(&g, incident_type.as_deref(), json),
        Some(Command::Show { id }) => library::show(&g, &id),
        Some(Command::Schema) => library::schema(),
        Some(Command::New {
            id,
            incident_type,
            dir,
        }) => library::new(&id, &incident_type, dir),
    }
}
