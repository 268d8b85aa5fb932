//! The cross-checks that need the library: the scenario's runbook exists, each `for_step` is
//! one of its steps, and command steps get canned output while other steps do not. Pure.

use super::Outline;
use crate::domain::StepKind;
use crate::domain::runbook::with_article;
use crate::runbook::library::Library;
use crate::runbook::suggest;
use crate::runbook::walk::Walk;

/// Checks what needs the library: the runbook exists, `for_step`s are its steps, and command
/// steps get canned output while other steps do not.
pub(super) fn against(w: &mut Walk, outline: &Outline, lib: &Library) {
    let Some((rid, rspan)) = &outline.runbook else {
        return;
    };
    let Some(entry) = lib.get(rid) else {
        let hint = suggest::hint(rid, lib.entries.iter().map(|e| e.runbook.id.as_str()));
        w.error(
            rspan.clone(),
            format!("no runbook \"{rid}\" in the library{hint}"),
        )
        .help = Some("`runbook list` shows the runbooks; a scenario drills one of them".into());
        return;
    };
    let rb = &entry.runbook;
    for inj in &outline.injects {
        let Some((step, sspan)) = &inj.for_step else {
            continue;
        };
        let n = inj.number;
        let Some(s) = rb.step(step) else {
            let hint = suggest::hint(step, rb.steps.iter().map(|s| s.id.as_str()));
            w.error(
                sspan.clone(),
                format!(
                    "inject {n}: `for_step` \"{step}\" is not a step of runbook \"{rid}\"{hint}"
                ),
            )
            .help = Some(format!("`runbook show {rid}` lists its steps"));
            continue;
        };
        let is_command = matches!(s.kind, StepKind::Command { .. });
        if is_command && inj.output.is_none() {
            w.error(
                inj.span.clone(),
                format!("inject {n}: step \"{step}\" is a command step: add `output`, what its command shows in the drill"),
            )
            .help = Some("drills never run real commands: without `output` the responders would see nothing".into());
        }
        if !is_command {
            for (key, span) in [("output", &inj.output), ("exit_code", &inj.exit_code)] {
                if let Some(span) = span {
                    w.error(
                        span.clone(),
                        format!(
                            "inject {n}: `{key}` is for command steps, and \"{step}\" is {} step",
                            with_article(s.kind.name())
                        ),
                    )
                    .help = Some("remove it, or point for_step at a command step".into());
                }
            }
        }
    }
}
