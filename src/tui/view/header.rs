//! Incident screen, header (three lines): what this incident is and how it stands.
//!
//! 1. `DRILL` (reversed, bold: unmistakable without colour), severity, title; on the right the
//!    time since `Incident::started_at()` (to `AppState::now`, or to `closed`).
//! 2. The roles held now (`ic=ana ops=bo`), the runbook and the incident id.
//! 3. The state of things: READ-ONLY and why, `recording…` while an append is in flight, a
//!    running command, the status-update cadence (`next update in 12:30`, `update OVERDUE 3:10`,
//!    `status update due`), where sharing stands (`shared 3s ago`, `offline since 03:12, 14
//!    events not yet shared`) and progress through the steps.
//!
//! Each line is cut at the pane's edge; the most important items come first.

use super::text::{clock, fit, hms, one, width};
use super::theme::Theme;
use crate::domain::incident::{Incident, Status};
use crate::tui::state::{AppState, IncidentView};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Lines the header takes.
pub const HEIGHT: u16 = 3;

pub fn render(frame: &mut Frame, area: Rect, s: &AppState) {
    let Some(v) = &s.incident else {
        return;
    };
    let t = Theme::of(s);
    let max = usize::from(area.width);
    let lines = vec![
        first_line(s, &t, max),
        second_line(v, &t),
        third_line(s, v, &t),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

/// Drill, severity, title ... elapsed (with the start time when there is room).
fn first_line(s: &AppState, t: &Theme, max: usize) -> Line<'static> {
    let Some(v) = &s.incident else {
        return Line::raw("");
    };
    let inc = &v.incident;
    let long = match inc.closed {
        Some(end) => format!(
            "closed {} after {}",
            hms(end),
            clock(end - inc.started_at())
        ),
        None => format!(
            "elapsed {} since {}",
            clock(s.now - inc.started_at()),
            hms(inc.started_at())
        ),
    };
    let short = match inc.closed {
        Some(end) => format!("closed after {}", clock(end - inc.started_at())),
        None => format!("elapsed {}", clock(s.now - inc.started_at())),
    };
    let fixed = if inc.drill { 8 } else { 0 } + inc.severity.name().len() + 1;
    let fits = fixed + width(&one(&inc.title)) + 2 + width(&long) <= max;
    let elapsed = if fits { long } else { short };
    let mut first: Vec<Span<'static>> = Vec::new();
    if inc.drill {
        first.push(Span::styled(" DRILL ", t.drill()));
        first.push(Span::raw(" "));
    }
    first.push(Span::styled(
        format!("{} ", inc.severity),
        sev_style(s, inc),
    ));
    let used: usize = first.iter().map(Span::width).sum();
    let room = max.saturating_sub(used + width(&elapsed) + 2);
    let title = fit(&one(&inc.title), room);
    let gap = max.saturating_sub(used + width(&title) + width(&elapsed));
    first.push(Span::styled(title, t.title()));
    first.push(Span::raw(" ".repeat(gap.max(1))));
    first.push(Span::styled(elapsed, t.strong()));
    Line::from(first)
}

/// Roles (who does what matters most), runbook, id.
fn second_line(v: &IncidentView, t: &Theme) -> Line<'static> {
    let inc = &v.incident;
    let roles = inc.current_roles();
    let roles = if roles.is_empty() {
        "no roles assigned".to_string()
    } else {
        roles
            .iter()
            .map(|(r, p)| format!("{}={}", one(r), one(p)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Line::from(vec![
        Span::raw(roles),
        Span::styled(
            format!(" · runbook {} · {}", one(&inc.runbook.id), one(&inc.id)),
            t.dim(),
        ),
    ])
}

/// The state of things: read-only, recording, the drill's banner, a newer runbook, a running
/// command, the update cadence, progress.
fn third_line(s: &AppState, v: &IncidentView, t: &Theme) -> Line<'static> {
    let inc = &v.incident;
    let mut bits: Vec<(String, Style)> = Vec::new();
    if let Some(why) = &v.read_only {
        bits.push((format!("READ-ONLY: {}", one(why)), t.bad()));
    }
    if v.in_flight > 0 {
        bits.push(("recording…".to_string(), t.warn()));
    }
    if let Some(b) = &v.banner {
        bits.insert(0, (one(b), t.drill()));
    }
    if let Some(n) = &v.newer {
        bits.push((
            format!("runbook changed on disk ({}): A to adopt", one(&n.summary)),
            t.warn(),
        ));
    }
    if let Some(r) = s.running.as_ref().filter(|r| r.incident == inc.id) {
        bits.push((
            format!("running a command (step {})…", one(&r.step)),
            t.warn(),
        ));
    }
    if let Some((text, late)) = cadence(inc, s.now) {
        bits.push((text, if late { t.warn() } else { t.plain() }));
    }
    if let Some(sh) = &s.sharing {
        let style = if sh.offline_since.is_some() {
            t.warn()
        } else {
            t.dim()
        };
        bits.push((sh.text(s.now), style));
    }
    bits.push((progress(inc), t.dim()));
    let mut third: Vec<Span<'static>> = Vec::new();
    for (i, (text, style)) in bits.into_iter().enumerate() {
        if i > 0 {
            third.push(Span::styled(" · ", t.dim()));
        }
        third.push(Span::styled(text, style));
    }
    Line::from(third)
}

/// Severity 1 in the bad style, 2 in warn, others plain.
fn sev_style(s: &AppState, inc: &Incident) -> Style {
    let t = Theme::of(s);
    match inc.severity {
        crate::domain::Severity::Sev1 => t.bad(),
        crate::domain::Severity::Sev2 => t.warn(),
        _ => t.strong(),
    }
}

/// The status-update cadence, from comms steps with `every`: a countdown to the earliest next
/// update (true when it is late), or "status update due" when such a step was never sent.
/// Nothing once the incident is closed or when no comms step has a cadence.
pub fn cadence(inc: &Incident, now: DateTime<Utc>) -> Option<(String, bool)> {
    use crate::domain::cadence::{self, Cadence};
    match cadence::at(inc, now)? {
        Cadence::Next(d) => Some((format!("next update in {}", clock(d - now)), false)),
        Cadence::Overdue(d) => Some((format!("update OVERDUE {}", clock(now - d)), true)),
        Cadence::NeverSent => Some(("status update due".to_string(), true)),
    }
}

/// "7/20 done · 1 skipped · 1 failed".
fn progress(inc: &Incident) -> String {
    let mut out = format!(
        "{}/{} done",
        inc.count(Status::Done),
        inc.runbook.steps.len()
    );
    for (status, word) in [(Status::Skipped, "skipped"), (Status::Failed, "failed")] {
        let n = inc.count(status);
        if n > 0 {
            out.push_str(&format!(" · {n} {word}"));
        }
    }
    if inc.current.is_none() && !inc.is_closed() {
        out.push_str(" · runbook ended");
    }
    out
}
