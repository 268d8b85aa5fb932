//! `runbook export`: the postmortem draft of an incident (the exporter lands separately).

use super::context::Ctx;
use crate::cli::{ExportFormat, ExportTemplate};
use std::path::Path;
use std::process::ExitCode;

pub fn export(
    _cx: &Ctx,
    _id: Option<&str>,
    _format: ExportFormat,
    _template: ExportTemplate,
    _output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    Err(super::usage("export is not available in this build"))
}
