//! `runbook export [INC] [--format md|json] [--template ...] [-o FILE] [--allow-damaged]`: the
//! postmortem draft of an incident, to stdout (also `-o -`) or (privately, atomically) to a
//! file. The journal is opened read-only and never changed. A journal with problems (a damaged
//! or torn line, a pin that does not match) is not exported unless `--allow-damaged` is given;
//! then the draft starts with what it leaves out. The text comes from `crate::export`; this is
//! only the shell around it.

use super::context::Ctx;
use crate::cli::{ExportFormat, ExportTemplate};
use crate::export::{self, Options, Template};
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `runbook export` was asked for.
pub struct Args {
    pub format: ExportFormat,
    pub template: ExportTemplate,
    /// `None` or `-`: stdout.
    pub output: Option<PathBuf>,
    pub allow_damaged: bool,
}

pub fn export(cx: &Ctx, id: Option<&OsStr>, a: Args) -> anyhow::Result<ExitCode> {
    let s = cx.read(id)?;
    if !a.allow_damaged {
        export::write::refuse_damaged(&s)?;
    }
    let opts = Options {
        template: template_of(a.template),
        tz: cx.tz,
    };
    let text = match a.format {
        ExportFormat::Md => export::write::with_left_out(
            &export::markdown(&s.records, &s.incident, &opts),
            &s.problems,
        ),
        ExportFormat::Json => {
            export::write::json_with_left_out(&export::json(&s.records, &s.incident), &s.problems)?
        }
    };
    match a.output.as_deref().filter(|p| *p != Path::new("-")) {
        Some(path) => {
            export::write_file(path, &text)?;
            eprintln!(
                "runbook: wrote {}",
                crate::runbook::sanitize::visible(&path.display().to_string())
            );
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
