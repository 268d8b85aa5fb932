//! The appendix: each command run through `runbook` (the command, a bounded excerpt of its
//! output, the sha256 of the whole output), the journal's warnings and the runbook's
//! variables. Pure.

use super::escape::{code, fenced, text};
use super::model::Draft;
use super::sections::line;
use super::timeline::exit_text;
use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::CommandRun;

/// At most this many lines of a command's output excerpt are shown (first and last halves).
const EXCERPT_LINES: usize = 40;

/// Command outputs (bounded, with their sha256), journal warnings, unknown records, variables.
pub fn appendix(d: &Draft, out: &mut String, heading: &str) {
    line(out, format!("{heading}\n"));
    line(out, "### Command outputs\n");
    if d.outputs.is_empty() && d.unfinished.is_empty() {
        line(
            out,
            "No commands were run through `runbook` in this incident.\n",
        );
    }
    for (i, r) in d.outputs.iter().enumerate() {
        output(d, out, i + 1, r);
    }
    for (i, c) in d.unfinished.iter().enumerate() {
        unfinished(d, out, d.outputs.len() + i + 1, c);
    }
    if !d.journal_warnings.is_empty() || !d.inc.unknown.is_empty() {
        line(out, "### Journal warnings\n");
        for w in &d.journal_warnings {
            line(out, format!("- {}", text(w)));
        }
        if !d.inc.unknown.is_empty() {
            let seqs: Vec<String> = d.inc.unknown.iter().map(u64::to_string).collect();
            line(
                out,
                format!(
                    "- Records of kinds this version does not know (shown raw in the timeline): {}",
                    seqs.join(", ")
                ),
            );
        }
        out.push('\n');
    }
    if !d.inc.vars.is_empty() {
        line(out, "### Runbook variables\n");
        line(out, "| Variable | Value |");
        line(out, "|---|---|");
        for (k, v) in &d.inc.vars {
            line(out, format!("| {} | {} |", code(k), text(v)));
        }
        out.push('\n');
    }
}

fn output(d: &Draft, out: &mut String, n: usize, r: &Record) {
    let Event::Known(Known::CommandFinished {
        step,
        command,
        exit_code,
        timed_out,
        duration_ms,
        interrupted,
        output_excerpt,
        output_sha256,
        output_bytes,
        output_cut,
        ..
    }) = &r.event
    else {
        return;
    };
    let how = exit_text(*exit_code, *timed_out, *interrupted);
    let secs = *duration_ms as f64 / 1000.0;
    line(
        out,
        format!(
            "#### A{n}. Step {} · {how} after {secs:.1}s · {}\n",
            code(step),
            d.when(r.at)
        ),
    );
    out.push_str(&fenced("sh", command));
    out.push('\n');
    let about = match (output_cut, output_bytes) {
        (false, _) => format!("sha256 of the full output: {}", code(output_sha256)),
        (true, printed) => format!(
            "the output was cut at the cap{}; sha256 of the part kept: {}",
            printed.map_or(String::new(), |n| format!(
                ", {} printed",
                crate::domain::command::size(n)
            )),
            code(output_sha256)
        ),
    };
    line(out, format!("Output excerpt ({about}):\n"));
    out.push_str(&fenced("text", &bounded(output_excerpt)));
    out.push('\n');
}

/// A command started with no result recorded: what ran it stopped first.
fn unfinished(d: &Draft, out: &mut String, n: usize, c: &CommandRun) {
    line(
        out,
        format!(
            "#### A{n}. Step {} · {} · started {}\n",
            code(&c.step),
            crate::domain::command::RESULT_UNKNOWN,
            d.when(c.started)
        ),
    );
    out.push_str(&fenced("sh", &c.command));
    out.push('\n');
    line(
        out,
        format!(
            "No result was recorded for this run (record {}): whatever ran it stopped before it could say how the command ended.\n",
            c.run
        ),
    );
}

/// At most `EXCERPT_LINES` lines: the first and last halves with a marker between.
fn bounded(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    if lines.len() <= EXCERPT_LINES {
        return s.to_string();
    }
    let half = EXCERPT_LINES / 2;
    let cut = lines.len() - 2 * half;
    let mut kept = lines[..half].join("\n");
    kept.push_str(&format!("\n… {cut} lines not shown …\n"));
    kept.push_str(&lines[lines.len() - half..].join("\n"));
    kept
}
