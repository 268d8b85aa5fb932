//! `runbook export [INC] [--format md|json] [--template google|pagerduty|atlassian] [-o FILE]`:
//! the postmortem draft of an incident, to stdout or (privately, atomically) to a file. The
//! text comes from `crate::export`; this is only the shell around it.

use super::context::Ctx;
use crate::cli::{ExportFormat, ExportTemplate};
use crate::export::{self, Options, Template};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn export(
    cx: &Ctx,
    id: Option<&str>,
    format: ExportFormat,
    template: ExportTemplate,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let s = cx.session(id)?;
    let opts = Options {
        template: template_of(template),
        tz: cx.tz,
    };
    let text = match format {
        ExportFormat::Md => export::markdown(&s.records, &s.incident, &opts),
        ExportFormat::Json => export::json(&s.records, &s.incident),
    };
    match output {
        Some(path) => {
            export::write_file(path, &text)?;
            eprintln!("runbook: wrote {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`runbook export | head`) is not an error worth reporting.
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn template_of(t: ExportTemplate) -> Template {
    match t {
        ExportTemplate::Google => Template::Google,
        ExportTemplate::Pagerduty => Template::PagerDuty,
        ExportTemplate::Atlassian => Template::Atlassian,
    }
}
