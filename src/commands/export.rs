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
    let peer_damage = s.peer_damage();
    if !a.allow_damaged {
        export::write::refuse_damaged(&s)?;
        if let Some(first) = peer_damage.first() {
            anyhow::bail!(
                "not exported: another device's log of {} is not whole: {}; nothing was written. `runbook export {} --allow-damaged` writes the draft anyway, saying what it leaves out",
                s.id,
                crate::runbook::sanitize::visible(first),
                s.id
            );
        }
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
    let text = with_conflicts(text, a.format, &s.conflicts())?;
    let left_out: Vec<String> = peer_damage
        .iter()
        .map(|d| format!("device log damage: {d}"))
        .collect();
    let text = with_entries(
        text,
        a.format,
        "What the draft leaves out of other devices' logs",
        &left_out,
    )?;
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

/// A shared incident's conflicts (facts devices recorded while they could not see each
/// other, see docs/sharing.md), in the draft: a last section of the Markdown, and `conflict:`
/// entries at the end of the JSON `warnings`.
fn with_conflicts(
    text: String,
    format: ExportFormat,
    conflicts: &[String],
) -> anyhow::Result<String> {
    with_entries(
        text,
        format,
        "Facts that disagreed between devices",
        conflicts,
    )
}

/// `entries` in the draft: a last `## title` section of the Markdown, and entries at the end
/// of the JSON `warnings` (inserted as text, so the rest is byte for byte).
fn with_entries(
    text: String,
    format: ExportFormat,
    title: &str,
    conflicts: &[String],
) -> anyhow::Result<String> {
    if conflicts.is_empty() {
        return Ok(text);
    }
    match format {
        ExportFormat::Md => {
            let items: String = conflicts
                .iter()
                .map(|c| {
                    format!(
                        "- {}\n",
                        export::escape::text(c.trim_start_matches("conflict: "))
                    )
                })
                .collect();
            Ok(format!("{}\n\n## {title}\n\n{items}", text.trim_end()))
        }
        ExportFormat::Json => {
            // Inserted as text, as the damage is: the document is otherwise left byte for byte.
            const KEY: &str = "\n  \"warnings\": [";
            let at = text
                .rfind(KEY)
                .ok_or_else(|| anyhow::anyhow!("the JSON document has no top-level warnings"))?
                + KEY.len();
            let entries = conflicts
                .iter()
                .map(|c| serde_json::to_string(c).map(|s| format!("\n    {s}")))
                .collect::<Result<Vec<_>, _>>()?
                .join(",");
            let rest = &text[at..];
            Ok(match rest.strip_prefix(']') {
                Some(after) => format!("{}{entries}\n  ]{after}", &text[..at]),
                None => match rest.find("\n  ]") {
                    Some(end) => {
                        format!("{}{},{entries}{}", &text[..at], &rest[..end], &rest[end..])
                    }
                    None => text,
                },
            })
        }
    }
}

fn template_of(t: ExportTemplate) -> Template {
    match t {
        ExportTemplate::Google => Template::Google,
        ExportTemplate::Pagerduty => Template::PagerDuty,
        ExportTemplate::Atlassian => Template::Atlassian,
    }
}
