//! The command line: clap definitions. Each subcommand's behaviour lives in `commands/`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  runbook                              open the app on the library
  runbook validate runbooks/           check every runbook in a directory
  runbook list --type database         runbooks for one incident type
  runbook show etcd-quorum-loss        a runbook as readable text
  runbook new disk-full --type storage write a starter runbook

Runbooks are searched in: --runbooks DIR (repeatable) or RUNBOOK_PATH (colon-separated);
otherwise ./runbooks and $XDG_CONFIG_HOME/runbook/runbooks; and always, last, the bundled
library. Exit status: 0 success, 1 failure (e.g. invalid runbooks), 2 misuse.";

#[derive(Parser, Debug)]
#[command(name = "runbook", version, about = "Incident response in the terminal: guided runbooks, a crash-safe journal, postmortem drafts and drills.", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// A directory of runbooks to search (repeatable; replaces the default search path).
    #[arg(long = "runbooks", value_name = "DIR", global = true)]
    pub runbooks: Vec<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check runbooks and report every problem, with file, line and column.
    #[command(
        after_help = "Examples:\n  runbook validate                     the whole library\n  runbook validate runbooks/etcd.toml  one file\n  runbook validate --deny-warnings dir/\n\nExit status: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 misuse."
    )]
    Validate {
        /// Files or directories (searched recursively for *.toml, skipping scenarios/).
        /// Without any, the whole library is checked.
        paths: Vec<PathBuf>,
        /// Treat warnings as errors (exit 1 when there are any).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// List the runbooks in the library, grouped by incident type.
    #[command(
        after_help = "Examples:\n  runbook list\n  runbook list --type database\n  runbook list --json | jq '.[].id'"
    )]
    List {
        /// Only this incident type.
        #[arg(long = "type", value_name = "TYPE")]
        incident_type: Option<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Show a runbook as readable text, with decisions drawn as a tree.
    #[command(after_help = "Example:\n  runbook show etcd-quorum-loss")]
    Show {
        /// The runbook id.
        id: String,
    },
    /// Print the JSON Schema of the runbook format, for editors.
    #[command(
        after_help = "Example (taplo / Even Better TOML):\n  runbook schema > runbook.schema.json\n  then add to the top of a runbook:  #:schema ./runbook.schema.json"
    )]
    Schema,
    /// Write a commented starter runbook that validates.
    #[command(after_help = "Example:\n  runbook new disk-full --type storage --dir runbooks/")]
    New {
        /// The new runbook's id (lowercase letters, digits and '-').
        id: String,
        /// Its incident type.
        #[arg(long = "type", value_name = "TYPE")]
        incident_type: String,
        /// Where to write ID.toml (default: ./runbooks if it exists, else the current directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}
