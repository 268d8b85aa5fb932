//! `Command`, the list of subcommands with their arguments and examples. The second-level
//! subcommands are in `cli::sub`; what each one does lives in `commands/`.

use super::help::RUN_HELP;
use super::{At, DrillArgs, ExportFormat, ExportTemplate, StepAction, TeamAction, Which};
use clap::Subcommand;
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check runbooks and report every problem, with file, line and column.
    #[command(
        after_help = "Examples:\n  runbook validate                          the whole library\n  runbook validate runbooks/disk-full.toml   one file\n  runbook validate --deny-warnings runbooks/\n\nExit status: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 misuse."
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
    /// Make runbooks from Markdown runbooks (files, or directories of *.md), one per file.
    #[command(
        after_help = "For instance `runbook import docs/runbooks/ --out imported/`, then `runbook validate imported/`.\n\nEach file written starts with a comment listing what was guessed and dropped. A file edited since it was imported is never overwritten: the new version goes beside it as ID.toml.new (--force overwrites).\nExit status: 0 when every file was imported, 1 when one was not (each says why), 2 misuse."
    )]
    Import {
        /// Markdown files or directories (searched for *.md, index pages skipped).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where the runbooks are written (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Overwrite files edited since their import.
        #[arg(long)]
        force: bool,
    },
    /// The runbooks that match an alert, best first: exact alert name, glob, then tags.
    #[command(
        after_help = "Examples:\n  runbook match KubePodCrashLooping namespace=payments\n  runbook match EtcdNoLeader --json\n\nExit status: 0 when one matches, 1 when none does."
    )]
    Match {
        /// The alert's name (its `alertname` label).
        alert: String,
        /// The alert's labels, LABEL=VALUE: values among a runbook's tags and labels its
        /// variables take rank it higher.
        #[arg(value_name = "LABEL=VALUE")]
        labels: Vec<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Show a runbook as readable text, with decisions drawn as a tree.
    #[command(
        after_help = "Examples:\n  runbook show etcd-quorum-loss\n  runbook show runbooks/etcd-quorum-loss.toml"
    )]
    Show {
        /// The runbook id, or the path of a runbook file (checked as `validate` checks it).
        id: String,
    },
    /// Print the JSON Schema of the runbook format, for editors.
    #[command(
        after_help = "Example (taplo / Even Better TOML):\n  runbook schema > runbook.schema.json\n  then add to the top of a runbook:  #:schema ./runbook.schema.json"
    )]
    Schema,
    /// Write a commented starter runbook that validates.
    #[command(after_help = "Example:\n  runbook new cache-stampede --type caching --dir runbooks/")]
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
    /// Start an incident from a runbook; prints the new incident id.
    #[command(
        after_help = "Examples:\n  runbook start etcd-quorum-loss --var region=eu-west-1 --no-tui\n  runbook start disk-full --title \"db-3 full\" --at 22:12 --no-tui\n  runbook start incident-command-basics --drill --no-tui"
    )]
    Start {
        /// The runbook id (see `runbook list`).
        #[arg(required_unless_present = "alert", conflicts_with = "alert")]
        runbook: Option<String>,
        /// Start from an alert: an Alertmanager webhook payload or a Prometheus alert, as
        /// JSON, from FILE or `-` (stdin). Picks the best runbook, fills variables from
        /// labels, maps the severity, records the alert, backdates `detected`.
        #[arg(long, value_name = "FILE|-")]
        alert: Option<String>,
        /// With --alert: this runbook rather than the best match.
        #[arg(long = "runbook", value_name = "ID", requires = "alert")]
        runbook_id: Option<String>,
        /// Incident title [default: the runbook's title].
        #[arg(long)]
        title: Option<String>,
        /// Severity, sev1 (worst) to sev4 [default: the runbook's].
        #[arg(long, value_name = "SEV")]
        severity: Option<String>,
        /// A variable's value, NAME=VALUE (repeatable); checked against its pattern.
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Mark the incident as a drill.
        #[arg(long)]
        drill: bool,
        #[command(flatten)]
        at: At,
        /// Do not open the interactive app, even on a terminal.
        #[arg(long)]
        no_tui: bool,
    },
    /// List incidents, newest first: open ones, and with --all closed ones too.
    #[command(after_help = "Examples:\n  runbook incidents\n  runbook incidents --all --json")]
    Incidents {
        /// Include closed incidents.
        #[arg(long)]
        all: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Where an incident stands: current step, counts, milestones, roles, open action items.
    #[command(
        after_help = "Examples:\n  runbook status\n  runbook status 20260530-2212-etcd-quorum-loss --json"
    )]
    Status {
        /// The incident id, or a unique start of it; optional when exactly one is open.
        incident: Option<OsString>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Start, complete, fail or skip a step.
    #[command(
        after_help = "Examples:\n  runbook step acknowledge start\n  runbook step first-update done\n  runbook step etcd-health fail --at 22:31\n  runbook step check-oom skip --reason \"the console shows the OOM kills\"\n  runbook step restore-new-cluster done --override \"IC ok by phone\"\n\nDoing again what is already done (completing a done step, restarting one the runbook is not\nat) is refused with who did it and when; --again records it anyway."
    )]
    Step {
        #[command(flatten)]
        which: Which,
        /// The step id.
        step: String,
        /// What happened to it.
        #[arg(value_enum)]
        action: StepAction,
        /// Why it was skipped (required with skip).
        #[arg(long)]
        reason: Option<String>,
        /// Break glass: complete a step that needs a second person's sign-off without one,
        /// saying why (recorded as an override and flagged in every export). Only with done.
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        /// Record it even though it repeats something already done (another run).
        #[arg(long)]
        again: bool,
        #[command(flatten)]
        at: At,
    },
    /// Take a decision's choice (by number, or by its label or a prefix of whole words of it).
    #[command(
        after_help = "Examples:\n  runbook decide decide-cause 1\n  runbook decide decide-cause \"etcd healthy\"\n\nA decision already taken is not taken again unless the runbook is back at it or --again\nis given."
    )]
    Decide {
        #[command(flatten)]
        which: Which,
        /// The decision step's id.
        step: String,
        /// The choice: its number (1, 2, ...), its label, or an unambiguous prefix of whole
        /// words of the label.
        choice: String,
        /// Take a choice even though the decision was already taken.
        #[arg(long)]
        again: bool,
        #[command(flatten)]
        at: At,
    },
    /// Add a note to the timeline (TODO: notes become action items).
    #[command(
        after_help = "Examples:\n  runbook note \"etcd-2 dmesg shows oom-kill\"\n  runbook note --action \"Alert on etcd memory near the limit\"\n  runbook note --decision --at 22:40 \"Recreate the cluster, not repair it\""
    )]
    Note {
        #[command(flatten)]
        which: Which,
        /// The note.
        text: String,
        /// This is a follow-up (action item).
        #[arg(long)]
        action: bool,
        /// This records a decision taken outside the runbook.
        #[arg(long)]
        decision: bool,
        #[command(flatten)]
        at: At,
    },
    /// Record a milestone: started, detected, acknowledged, identified, mitigated, resolved.
    #[command(
        after_help = "Examples:\n  runbook milestone detected --at 22:15\n  runbook milestone mitigated"
    )]
    Milestone {
        #[command(flatten)]
        which: Which,
        /// The milestone.
        name: String,
        #[command(flatten)]
        at: At,
    },
    /// Change the incident's severity.
    #[command(after_help = "Example:\n  runbook severity sev1")]
    Severity {
        #[command(flatten)]
        which: Which,
        /// sev1 (worst) to sev4.
        severity: String,
        #[command(flatten)]
        at: At,
    },
    /// Assign a role (ic, ops, comms, scribe, ...) to a person; a handoff is a new assignment.
    #[command(after_help = "Examples:\n  runbook role ic ana\n  runbook role comms bo")]
    Role {
        #[command(flatten)]
        which: Which,
        /// The role.
        role: String,
        /// Who holds it now.
        person: String,
        #[command(flatten)]
        at: At,
    },
    /// Sign off a step that needs a second person, as yourself (--as, $RUNBOOK_USER, $USER).
    #[command(
        after_help = "Examples:\n  runbook signoff restore-new-cluster\n  runbook signoff restore-new-cluster --override \"IC ok by phone\"\n\nThe signer is whoever runs this: there is no way to sign in someone else's name. The\nsigner must be someone other than whoever started the step and whoever completes it.\n--override records a break-glass override instead (flagged in every export), which lets\nthe step be run and completed without a second person."
    )]
    Signoff {
        #[command(flatten)]
        which: Which,
        /// The step id.
        step: String,
        /// Break glass: no second person can be reached; say why.
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        /// Not accepted: a sign-off is given by the signer, as themself.
        #[arg(long, value_name = "PERSON", hide = true)]
        by: Option<String>,
        #[command(flatten)]
        at: At,
    },
    /// Run a step's command: shows the exact command, asks, runs it with the step's timeout,
    /// prints its output and records the result.
    #[command(after_help = RUN_HELP)]
    Run {
        #[command(flatten)]
        which: Which,
        /// The command step's id.
        step: String,
        /// Run without asking (needed when stdin is not a terminal, as in scripts).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Close an incident; says what is still open (steps in progress, action items, missing
    /// milestones), which is recorded as it stands.
    #[command(
        after_help = "Examples:\n  runbook close 20260530-2212-etcd-quorum-loss\n  runbook close --summary \"etcd restored on larger members; follow-ups filed\""
    )]
    Close {
        /// The incident id, or a unique start of it; optional when exactly one is open.
        incident: Option<OsString>,
        /// A line for the record: how it ended.
        #[arg(long)]
        summary: Option<String>,
        #[command(flatten)]
        at: At,
    },
    /// Open an incident in the interactive app (the newest open one by default).
    #[command(
        after_help = "Examples:\n  runbook resume\n  runbook resume 20260530-2212-etcd-quorum-loss"
    )]
    Resume {
        /// The incident id, or a unique start of it; optional when exactly one is open.
        incident: Option<OsString>,
    },
    /// Write the postmortem draft of an incident (Markdown or JSON), to stdout or a file.
    #[command(
        after_help = "Examples:\n  runbook export > postmortem.md\n  runbook export 20260530-2212-etcd-quorum-loss --template atlassian\n  runbook export --format json -o incident.json\n  runbook export 20260530-2212 --allow-damaged -o -\n\nA journal with a damaged or torn line is not exported: the command says which line and\nwhy, and exits 1. --allow-damaged writes the draft anyway, with a first section listing\nwhat it leaves out (the JSON lists it in \"warnings\")."
    )]
    Export {
        /// The incident id, or a unique start of it; optional when exactly one is open.
        incident: Option<OsString>,
        /// Output format.
        #[arg(long, value_enum, default_value = "md")]
        format: ExportFormat,
        /// Markdown layout, after the published postmortem templates of these organisations.
        #[arg(long, value_enum, default_value = "google")]
        template: ExportTemplate,
        /// Write to this file instead of stdout (`-` is stdout). An existing FILE is replaced
        /// only when it is a regular file: never a symlink, a device or a FIFO.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Export a journal with damaged or torn lines anyway: the draft starts with what it
        /// leaves out (line, byte offset, bytes, why).
        #[arg(long)]
        allow_damaged: bool,
    },
    /// Start a drill: a practice incident with a scenario's timed injects, on a clock that may
    /// run faster than real time; prints the new incident id.
    #[command(
        after_help = "Examples:\n  runbook drill --list\n  runbook drill etcd-quorum-loss --scenario etcd-oom-quorum-loss --speed 10\n  runbook drill --scenario runbooks/scenarios/etcd-oom-quorum-loss.toml\n  runbook drill tick                  fire the injects that are due (scripts)\n  runbook drill scorecard --markdown\n  runbook drill validate runbooks/scenarios/\n\nScenarios are searched in scenarios/ of each runbook directory, then the bundled ones.\nDrills never run real commands: command steps show the scenario's canned output."
    )]
    Drill(DrillArgs),
    /// Figures across incidents: counts, response times, the weekly trend, and how each
    /// runbook's steps went (drills left out unless --drills).
    #[command(
        after_help = "Examples:\n  runbook stats\n  runbook stats --since 2026-04-01 --type database\n  runbook stats --runbook disk-full --json\n  runbook stats --csv > incidents.csv\n\nA journal with damaged or torn lines is not counted: stderr says which and why."
    )]
    Stats(crate::commands::stats::StatsArgs),
    /// Action items across incidents (notes marked as such, or starting with TODO:), for
    /// people and for trackers.
    #[command(
        after_help = "Examples:\n  runbook actions --open\n  runbook actions --json\n  runbook actions --csv > jira.csv\n  runbook actions --open --format github\n\nEach item is named INC#N (see `runbook action`)."
    )]
    Actions(crate::commands::actions::ActionsArgs),
    /// Follow an action item up: mark it done (or reopen it), give it an owner, or record
    /// where it is tracked; recorded in its incident's journal, also after the close.
    #[command(
        after_help = "Examples:\n  runbook action done 20260530-2212-etcd-quorum-loss#4\n  runbook action owner 20260530-2212#4 bo\n  runbook action link 20260530-2212#4 https://github.com/acme/infra/issues/7"
    )]
    Action {
        #[command(subcommand)]
        what: crate::commands::actions::ActionWhat,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  runbook completions bash > ~/.local/share/bash-completion/completions/runbook\n  runbook completions zsh > ~/.zfunc/_runbook\n  runbook completions fish > ~/.config/fish/completions/runbook.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man`.
    #[command(
        after_help = "Examples:\n  runbook man > ~/.local/share/man/man1/runbook.1\n  runbook man | man -l -"
    )]
    Man,
    /// The incident's timeline as text; --follow prints new events as anyone appends them.
    #[command(
        after_help = "Examples:\n  runbook log\n  runbook log 20260530-2212-etcd-quorum-loss --follow"
    )]
    Log {
        /// The incident id, or a unique start of it; optional when exactly one is open.
        incident: Option<OsString>,
        /// Keep printing events as they are appended (by any process), until interrupted.
        #[arg(long)]
        follow: bool,
    },
    /// Share incidents with the team: publish this device's records, fetch everyone else's.
    #[command(
        after_help = "Example:\n  runbook sync\n\nExit status: 0 synced, 1 the remote could not be reached (what was recorded here stays, and is shared next time), 2 sharing is not set up.\nSee docs/sharing.md."
    )]
    Sync,
    /// Set up sharing: `runbook team init URL` with the team's git repository.
    #[command(
        after_help = "Examples:\n  runbook team init git@git.example.com:sre/incidents.git\n  runbook team init /srv/git/incidents.git"
    )]
    Team {
        #[command(subcommand)]
        action: TeamAction,
    },
    /// Sync, then catch up on a shared incident (what happened, who holds which role, what is open).
    #[command(after_help = "Example:\n  runbook join 20260530-2212-etcd-quorum-loss")]
    Join {
        /// The incident id, or a unique start of it.
        incident: OsString,
    },
    /// What happened so far in an incident, its current step, roles, open action items and the
    /// last status update.
    #[command(after_help = "Example:\n  runbook catchup 20260530-2212")]
    Catchup {
        /// The incident id, or a unique start of it.
        incident: OsString,
    },
}
