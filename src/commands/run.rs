//! `runbook run [--incident INC] STEP [--yes]`: a step's command, headless. Shows the step and
//! the exact command that will run, asks on the terminal (unless `--yes`), appends the planned
//! records durably, runs it under the shared runner (`crate::exec`), streams its output
//! (sanitised), and records the result. SIGINT, SIGTERM and SIGHUP stop the command's whole
//! process group and are recorded as an interruption before exiting.
//!
//! It never decides what may run (`domain::command::plan` does) and never prints untrusted
//! text unsanitised. Output to a closed terminal or pipe is dropped, never a panic.

use super::context::Ctx;
use super::usage;
use crate::cli::Which;
use crate::domain::clock::stamp;
use crate::domain::command::{Outcome, Planned};
use crate::domain::describe::describe;
use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::Incident;
use crate::exec::{self, Cancel, Exec};
use crate::runbook::sanitize::{visible, visible_lines};
use crate::store::Recorded;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// The signals that interrupt a run: Ctrl-C, `kill`, a closed terminal.
const SIGNALS: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];

pub fn run(cx: &Ctx, which: &Which, step: &str, yes: bool) -> anyhow::Result<ExitCode> {
    let cap = exec::output_cap().map_err(usage)?;
    let mut s = cx.session(which.incident.as_deref())?;
    let planned = exec::plan(
        &s.incident,
        step,
        cx.need_author()?,
        s.now(cx.clock.as_ref()),
    )?;
    show(&s.incident, &planned);
    if !yes && !confirmed(step)? {
        say("not run; nothing was recorded");
        return Ok(ExitCode::from(1));
    }
    // From here a signal interrupts the run instead of killing this process, so that the
    // result is always recorded. (Not before: Ctrl-C at the question just quits.)
    let cancel = Cancel::new();
    let ids = SIGNALS
        .iter()
        .map(|&sig| signal_hook::flag::register(sig, cancel.flag()))
        .collect::<Result<Vec<_>, _>>()?;
    let result = run_it(cx, &mut s, &planned, cap, &cancel);
    for id in ids {
        signal_hook::low_level::unregister(id);
    }
    let outcome = result?;
    Ok(if outcome.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_it(
    cx: &Ctx,
    s: &mut crate::store::Session,
    planned: &Planned,
    cap: u64,
    cancel: &Cancel,
) -> anyhow::Result<Outcome> {
    let (run, appended) = exec::start(s, cx.clock.as_ref(), cx.need_author()?, planned)?;
    for r in &appended {
        confirm(r, &s.incident);
    }
    say("--- output ---");
    let mut printer = Printer::default();
    let outcome = exec::execute(
        &s.incident,
        &run,
        Exec {
            state_dir: &cx.store.dir,
            cap,
            cancel,
            live: &mut |chunk| printer.feed(chunk),
        },
    );
    printer.flush();
    let secs = outcome.duration_ms as f64 / 1000.0;
    say(&format!("--- {} after {secs:.1}s ---", outcome.ending()));
    if outcome.output_cut {
        say(&format!(
            "the output was cut at the cap ({} printed); set RUNBOOK_OUTPUT_CAP to keep more",
            crate::domain::command::size(outcome.output_bytes)
        ));
    }
    if let Some(p) = &outcome.output_path {
        say(&format!("output saved to {}", visible(p)));
    }
    let rec = exec::finish(s, cx.clock.as_ref(), cx.need_author()?, &outcome)?;
    confirm(&rec, &s.incident);
    Ok(outcome)
}

/// The step, the exact command (every line), its timeout and, when it needs one, its sign-off.
fn show(inc: &Incident, p: &Planned) {
    let n = inc.runbook.step_index(&p.step).map_or(0, |i| i + 1);
    say(&format!(
        "step {n}. {} — {}",
        visible(&p.step),
        visible(&p.title)
    ));
    say("command (exactly what runs, with sh -c):");
    for line in visible_lines(&p.command).lines() {
        say(&format!("  {line}"));
    }
    say(&format!("timeout: {}", p.timeout));
    if let Some(signoff) = &p.signoff {
        say(&format!("sign-off: {}", visible(signoff)));
    }
    if p.drill {
        say("DRILL: nothing real runs; the scenario's canned output stands in");
    }
}

/// Asks `Run it? [y/N]` on the terminal, counting only what is typed after the question is
/// shown. Without a terminal, refuses (misuse: exit 2).
fn confirmed(step: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(usage(format!(
            "no terminal to ask on, and nothing was recorded: pass --yes to run the command shown above (runbook run {} --yes)",
            visible(step)
        )));
    }
    // Whatever was typed before the question was on screen is not an answer to it (a `y`
    // typed ahead, a paste): it is thrown away, as the app ignores keys queued before its
    // confirmation is drawn.
    let _ = rustix::termios::tcflush(std::io::stdin(), rustix::termios::QueueSelector::IFlush);
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "Run it? [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Tells what recording said (a torn tail repaired first, the rules' warnings) on stderr, then
/// confirms the record on stdout.
fn confirm(r: &Recorded, inc: &Incident) {
    let mut err = std::io::stderr().lock();
    if let Some(recovery) = &r.recovery {
        let _ = writeln!(
            err,
            "runbook: warning: before recording, {}",
            visible(&recovery.to_string())
        );
    }
    for w in &r.warnings {
        let _ = writeln!(err, "runbook: warning: {}", visible(w));
    }
    say(&recorded(&r.record, inc));
}

/// "recorded #N kind at TIME: what", as every headless action confirms a record. A start
/// is described on its own: this process is running it, so its result is not unknown.
fn recorded(r: &Record, inc: &Incident) -> String {
    let started = matches!(r.event, Event::Known(Known::CommandStarted { .. }));
    format!(
        "recorded #{} {} at {}: {}",
        r.seq,
        r.event.kind(),
        stamp(r.at),
        visible(&describe(r, (!started).then_some(inc)))
    )
}

/// One line to stdout; a closed stdout (the terminal went away) is not an error.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// Prints output as it comes, a line at a time, sanitised (`visible`), so that an escape
/// sequence split across two reads is still caught. A line longer than `MAX` is printed in
/// pieces. Each chunk's lines go out in one write.
#[derive(Default)]
struct Printer {
    partial: Vec<u8>,
    out: Vec<u8>,
}

impl Printer {
    const MAX: usize = 4096;

    fn feed(&mut self, chunk: &[u8]) {
        for piece in chunk.split_inclusive(|&b| b == b'\n') {
            self.partial.extend_from_slice(piece);
            if piece.ends_with(b"\n") || self.partial.len() >= Self::MAX {
                let line = std::mem::take(&mut self.partial);
                self.line(&line);
            }
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(&self.out).and_then(|()| stdout.flush());
        self.out.clear();
    }

    fn line(&mut self, line: &[u8]) {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        match std::str::from_utf8(line) {
            // The common case, copied as it is: nothing to make visible.
            Ok(text) if !text.contains('\t') && !crate::runbook::sanitize::has_hazard(text) => {
                self.out.extend_from_slice(line);
            }
            _ => self
                .out
                .extend_from_slice(visible(&String::from_utf8_lossy(line)).as_bytes()),
        }
        self.out.push(b'\n');
    }

    fn flush(&mut self) {
        if !self.partial.is_empty() {
            self.feed(b"\n");
        }
    }
}
