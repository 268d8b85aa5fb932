//! The headless subcommands: each takes parsed arguments, does its IO, prints, and returns an
//! exit status. Misuse (a bad argument the parser could not catch) is a `Usage` error: exit 2.

pub mod act;
pub mod actions;
pub mod alerts;
pub mod context;
pub mod docs;
pub mod drill;
pub mod export;
pub mod import;
pub mod incident;
pub mod library;
pub mod log;
pub mod run;
pub mod stats;
pub mod team;
pub mod tui;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

pub use crate::usage::{Usage, usage};

/// Every subcommand to its handler. Long by design: one arm per command, each a call.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let g = cli.global;
    let cx = || context::Ctx::new(g.clone());
    match cli.command {
        None => tui::app(&cx()?, None),
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
        Some(Command::Import { paths, out, force }) => import::import(&paths, &out, force),
        Some(Command::Match {
            alert,
            labels,
            json,
        }) => alerts::matches(&g, &alert, &labels, json),
        Some(Command::Start {
            runbook,
            alert,
            runbook_id,
            title,
            severity,
            vars,
            drill,
            at,
            no_tui,
        }) => {
            let a = incident::StartArgs {
                runbook: runbook.or(runbook_id).unwrap_or_default(),
                title,
                severity,
                vars,
                drill,
                at,
                no_tui,
                scenario: None,
                speed: None,
            };
            match alert {
                Some(path) => alerts::start(&cx()?, &path, a),
                None => incident::start(&cx()?, a),
            }
        }
        Some(Command::Incidents { all, json }) => incident::incidents(&cx()?, all, json),
        Some(Command::Status { incident: id, json }) => {
            incident::status(&cx()?, id.as_deref(), json)
        }
        Some(Command::Close {
            incident: id,
            summary,
            at,
        }) => incident::close(&cx()?, id.as_deref(), summary, &at),
        Some(Command::Step {
            which,
            step,
            action,
            reason,
            override_reason,
            again,
            at,
        }) => act::step(
            &cx()?,
            &which,
            act::StepArgs {
                step,
                action,
                reason,
                override_reason,
                again,
            },
            &at,
        ),
        Some(Command::Decide {
            which,
            step,
            choice,
            again,
            at,
        }) => act::decide(&cx()?, &which, &step, &choice, again, &at),
        Some(Command::Note {
            which,
            text,
            action,
            decision,
            at,
        }) => act::note(&cx()?, &which, &text, action, decision, &at),
        Some(Command::Milestone { which, name, at }) => act::milestone(&cx()?, &which, &name, &at),
        Some(Command::Severity {
            which,
            severity,
            at,
        }) => act::severity(&cx()?, &which, &severity, &at),
        Some(Command::Role {
            which,
            role,
            person,
            at,
        }) => act::role(&cx()?, &which, &role, &person, &at),
        Some(Command::Signoff {
            which,
            step,
            override_reason,
            by,
            at,
        }) => act::signoff(&cx()?, &which, &step, override_reason, by, &at),
        Some(Command::Run { which, step, yes }) => run::run(&cx()?, &which, &step, yes),
        Some(Command::Resume { incident: id }) => tui::resume(&cx()?, id),
        Some(Command::Export {
            incident: id,
            format,
            template,
            output,
            allow_damaged,
        }) => export::export(
            &cx()?,
            id.as_deref(),
            export::Args {
                format,
                template,
                output,
                allow_damaged,
            },
        ),
        Some(Command::Actions(args)) => actions::actions(&cx()?, &args),
        Some(Command::Action { what }) => actions::action(&cx()?, &what),
        Some(Command::Stats(args)) => stats::stats(&cx()?, &args),
        Some(Command::Drill(args)) => drill::drill(&g, args),
        Some(Command::Completions { shell }) => docs::completions(shell),
        Some(Command::Man) => docs::man(),
        Some(Command::Log {
            incident: id,
            follow,
        }) => log::log(&cx()?, id.as_deref(), follow),
        Some(Command::Sync) => team::sync(&cx()?),
        Some(Command::Team {
            action: crate::cli::TeamAction::Init { url },
        }) => team::init(&cx()?, &url),
        Some(Command::Join { incident }) => team::join(&cx()?, &incident),
        Some(Command::Catchup { incident }) => team::catchup(&cx()?, &incident),
    }
}
