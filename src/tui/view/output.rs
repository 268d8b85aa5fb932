//! Incident screen, detail pane: a command step's last output. What the app just ran, else the
//! excerpt recorded in the journal, under a header saying how the run ended; wrapped by
//! default so no column of a wide table is lost (`IncidentView::output_wrap`), else one line
//! each moved sideways (`output_shift`); the saved file's path and size, and the keys.

use super::text::{Lines, fit, hanging, hms, one, plural};
use super::theme::Theme;
use crate::domain::Step;
use crate::domain::incident::CommandRun;
use crate::tui::state::{AppState, IncidentView};
use ratatui::text::Line;

/// The last output for this step: what the app just ran (`IncidentView::output`), else the
/// excerpt recorded in the journal. Bounded to a third of a `pane` that tall, if given.
pub fn lines(
    s: &AppState,
    v: &IncidentView,
    def: &Step,
    max: usize,
    pane: Option<usize>,
    out: &mut Lines,
) {
    let t = Theme::of(s);
    let here = |r: &&CommandRun| r.step == def.id;
    let run = v.incident.commands.iter().rev().find(here);
    let running = s
        .running
        .as_ref()
        .is_some_and(|r| r.incident == v.incident.id && Some(r.run) == run.map(|c| c.run));
    let Some(run) = run.filter(|_| !running) else {
        return;
    };
    out.push(Line::raw(""));
    let how = run.ending();
    let head = format!("Output of the run at {} ({how})", hms(run.started));
    let good = run.exit_code == Some(0) && !run.timed_out && !run.interrupted;
    out.push(Line::styled(
        fit(&head, max),
        if good { t.title() } else { t.bad() },
    ));
    let text = match &v.output {
        Some((step, text)) if *step == def.id => text.as_str(),
        _ => run.output_excerpt.as_str(),
    };
    let lines: Vec<String> = text.trim_end().split('\n').map(one).collect();
    // Wrapped by default, so no column is lost (w: one line each, sideways with < >).
    let mut shown: Lines = Vec::new();
    for l in &lines {
        if v.output_wrap {
            shown.extend(
                super::text::wrap(l, max)
                    .into_iter()
                    .map(|w| Line::styled(w, t.dim())),
            );
        } else {
            let cut: String = l.chars().skip(v.output_shift).collect();
            shown.push(Line::styled(fit(&cut, max), t.dim()));
        }
    }
    let room = pane.map_or(usize::MAX, |h| (h / 3).max(3));
    if shown.len() > room {
        let more = shown.len() - room + 1;
        shown.truncate(room - 1);
        shown.push(Line::styled(
            fit(
                &format!("… {} (J reads on)", plural(more, "more output line")),
                max,
            ),
            t.dim(),
        ));
    }
    out.extend(shown);
    out.extend(saved(run, max, t.dim()));
    let mode = if v.output_wrap {
        "w: one line each, sideways with < >"
    } else {
        "w: wrap the output · < > move sideways"
    };
    out.push(Line::styled(fit(mode, max), t.dim()));
}

/// Where the whole output is saved, its size and whether it was cut at the cap.
fn saved(run: &CommandRun, max: usize, style: ratatui::style::Style) -> Lines {
    let Some(path) = &run.output_path else {
        return Vec::new();
    };
    let cut = if run.output_cut {
        ", cut at the cap"
    } else {
        ""
    };
    let size = run
        .output_bytes
        .map(|b| format!(" ({}{cut})", crate::domain::command::size(b)))
        .unwrap_or_default();
    let text = format!("{}{size} · p opens it in $PAGER", one(path));
    hanging("full output: ", &text, max, style)
}
