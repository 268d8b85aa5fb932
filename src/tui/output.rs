//! Keys on the selected step's wide text, its command output and the code in its body: `w`
//! wraps it or shows one line each, `<` `>` move the unwrapped lines sideways, `p` hands the
//! whole saved output to `$PAGER`. Pure: the pager is asked for by naming the run, never by a
//! path (the shell makes the path).

use super::effect::Effect;
use super::keymap::Action;
use super::state::{AppState, Tone};

/// How far `<` and `>` move the unwrapped output.
const SHIFT: usize = 8;

pub fn key(s: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(v) = &mut s.incident else {
        return Vec::new();
    };
    let Some(def) = v.incident.runbook.steps.get(v.selected) else {
        return Vec::new();
    };
    let last = v
        .incident
        .commands
        .iter()
        .rev()
        .find(|c| c.step == def.id && c.finished.is_some());
    // Code in the step's body is wide text too: `w` and `< >` move it with the output.
    let code: Vec<String> = def
        .body
        .as_deref()
        .map(crate::runbook::markdown::render)
        .unwrap_or_default()
        .into_iter()
        .filter(|l| l.code)
        .map(|l| l.plain())
        .collect();
    if last.is_none() && code.is_empty() {
        s.flash(Tone::Info, "this step has no command output or code yet");
        return Vec::new();
    }
    match action {
        Action::OutputWrap => {
            v.output_wrap = !v.output_wrap;
            v.output_shift = 0;
            let how = if v.output_wrap {
                "output wrapped: every column shown"
            } else {
                "output one line each: < > move sideways"
            };
            s.flash(Tone::Info, how);
        }
        Action::OutputLeft | Action::OutputRight if v.output_wrap => {
            s.flash(
                Tone::Info,
                "the output wraps, nothing is out of sight (w: one line each)",
            );
        }
        Action::OutputLeft => v.output_shift = v.output_shift.saturating_sub(SHIFT),
        Action::OutputRight => {
            let excerpt = last.map_or("", |r| r.output_excerpt.as_str());
            let widest = widest_line(&v.output, &def.id, excerpt)
                .max(code.iter().map(|c| c.chars().count()).max().unwrap_or(0));
            v.output_shift = (v.output_shift + SHIFT).min(widest.saturating_sub(1));
        }
        Action::Pager => match last {
            Some(run) if run.output_path.is_some() => {
                return vec![Effect::Pager {
                    incident: v.incident.id.clone(),
                    run: run.run,
                    step: run.step.clone(),
                }];
            }
            Some(_) => s.flash(Tone::Info, "this run's output was not saved to a file"),
            None => s.flash(Tone::Info, "this step has no command output yet"),
        },
        _ => {}
    }
    Vec::new()
}

/// The widest line, in characters, of the output the pane shows for `step`.
fn widest_line(live: &Option<(crate::domain::StepId, String)>, step: &str, excerpt: &str) -> usize {
    let text = match live {
        Some((s, text)) if s.as_str() == step => text.as_str(),
        _ => excerpt,
    };
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}
