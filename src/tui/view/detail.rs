//! Incident screen, detail pane: everything about the selected step.
//!
//! In order: status glyph, number and title; kind, role, target and how it stands (started,
//! time taken, `OVER`); the flags that need attention (a wait's countdown from its start to
//! `AppState::now` or "wait over", sign-off state, skip reason); the body (Markdown through
//! `runbook::markdown`: prose reflowed, code lines kept); what the kind brings (the command as `$ ...` with its timeout, then
//! its last output and the expectation; a check's expectation; decision choices numbered
//! `1. label → target`; the comms cadence and template); the checklist numbered for `x 2`;
//! links.
//!
//! Runbook text has its variables filled and is made visible; output is made visible and
//! bounded. When everything does not fit, the pane first shows what there is to act on: the
//! body is shortened, and what still does not fit is cut at the bottom; `J`/`K` then scroll
//! the whole document, output and all (`IncidentView::detail_scroll`; the border says how much
//! is above and below, and `render` tells `update` the extent it drew).

use super::steps::{taken_so_far, target_secs};
use super::text::{Lines, after, clean, clock, fit, hanging, hms, one, plural, scroll_hint};
use super::theme::{OVER, Theme, status_glyph, status_word};
use super::{kinds, output};
use crate::domain::incident::{Incident, Status, StepState};
use crate::domain::{Step, StepKind};
use crate::tui::state::{AppState, Extent, IncidentView};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

/// Draws the pane; says how much of the step's document there is and how much is shown.
pub fn render(frame: &mut Frame, area: Rect, s: &AppState) -> Option<Extent> {
    let v = s.incident.as_ref()?;
    let t = Theme::of(s);
    let n = v.incident.runbook.steps.len();
    let i = v.selected.min(n.saturating_sub(1));
    let def = v.incident.runbook.steps.get(i)?;
    let title = format!(" Step {} of {n} · {} ", i + 1, def.kind.name());
    let mut block = Block::bordered().title(Line::styled(title, t.title()));
    let inner = block.inner(area);
    let Some(shown) = shown(s, v, inner) else {
        frame.render_widget(block, area);
        return None;
    };
    if let Some(hint) = scroll_hint(shown.above, shown.below) {
        block = block.title_bottom(Line::styled(hint, t.dim()));
    }
    frame.render_widget(block, area);
    let room = usize::from(inner.height);
    let extent = Extent {
        lines: shown.above + room.min(shown.lines.len()) + shown.below,
        room,
        from: shown.above,
    };
    frame.render_widget(Paragraph::new(shown.lines), inner);
    Some(extent)
}

/// What the pane shows, and how many lines of the whole document are out of view.
struct Shown {
    lines: Lines,
    above: usize,
    below: usize,
}

/// The lines for a pane of `inner` size. When everything fits, everything. Scrolled (`J`), a
/// window on the whole document. At the top of a document that does not fit, the view that
/// leaves nothing to act on out of sight: the body is shortened first (the command, choices
/// and checklist come after it), and what still does not fit is cut at the bottom.
fn shown(s: &AppState, v: &IncidentView, inner: Rect) -> Option<Shown> {
    if inner.is_empty() {
        return None;
    }
    let (max, h) = (usize::from(inner.width), usize::from(inner.height));
    let whole = document(s, v, max)?;
    if whole.len() <= h {
        return Some(Shown {
            lines: whole,
            above: 0,
            below: 0,
        });
    }
    let room = whole.len() - h;
    let offset = v.detail_scroll.min(room);
    if offset > 0 {
        return Some(Shown {
            lines: whole.into_iter().skip(offset).take(h).collect(),
            above: offset,
            below: room - offset,
        });
    }
    let t = Theme::of(s);
    let (head, mut body, tail) = parts(s, v, max, Some(h))?;
    let fixed = head.len() + tail.len() + 1;
    if !body.is_empty() && fixed + body.len() > h {
        let keep = h.saturating_sub(fixed).max(2).min(body.len());
        if keep < body.len() {
            let cut = body.len() - keep + 1;
            body.truncate(keep - 1);
            body.push(Line::styled(
                fit(&format!("… {} (J reads on)", plural(cut, "more line")), max),
                t.dim(),
            ));
        }
    }
    Some(Shown {
        lines: joined(head, body, tail),
        above: 0,
        below: room,
    })
}

/// The whole document for the selected step at width `max`: what `J` scrolls through.
fn document(s: &AppState, v: &IncidentView, max: usize) -> Option<Lines> {
    let (head, body, tail) = parts(s, v, max, None)?;
    Some(joined(head, body, tail))
}

/// Head, body and tail of the selected step. `pane` bounds the command output to a third of
/// a pane that tall; `None` gives all of it (the whole document).
fn parts(
    s: &AppState,
    v: &IncidentView,
    max: usize,
    pane: Option<usize>,
) -> Option<(Lines, Lines, Lines)> {
    let t = Theme::of(s);
    let inc = &v.incident;
    let i = v.selected.min(inc.runbook.steps.len().saturating_sub(1));
    let (def, st) = (inc.runbook.steps.get(i)?, inc.steps.get(i)?);
    let head = head(s, inc, i, def, st, max);
    let body = match &def.body {
        Some(b) => body_lines(v, b, max, &t),
        None => Vec::new(),
    };
    let tail = tail(s, v, def, st, max, pane);
    Some((head, body, tail))
}

fn joined(head: Lines, body: Lines, tail: Lines) -> Lines {
    let mut lines = head;
    if !body.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(body);
    }
    lines.extend(tail);
    lines
}

/// Title, kind and timing, then the flags that need attention.
fn head(s: &AppState, inc: &Incident, i: usize, def: &Step, st: &StepState, max: usize) -> Lines {
    let t = Theme::of(s);
    let title = clean(&def.title, &inc.vars).join(" ");
    let mut out = hanging(
        &format!("{} {}. ", status_glyph(st.status), i + 1),
        &title,
        max,
        t.strong(),
    );
    let mut meta = vec![def.kind.name().to_string()];
    if let Some(role) = &def.role {
        meta.push(format!("role {}", one(role)));
    }
    if let Some(target) = &def.target {
        meta.push(format!("target {target}"));
    }
    if def.requires_signoff {
        meta.push("sign-off".to_string());
    }
    out.extend(hanging("", &meta.join(" · "), max, t.dim()));

    // How it stands.
    let spent = taken_so_far(st, s.now);
    let over = match (spent, target_secs(def)) {
        (Some(d), Some(tg)) if st.status != Status::Skipped => {
            d.num_seconds() > i64::try_from(tg).unwrap_or(i64::MAX)
        }
        _ => false,
    };
    let mut state = status_word(st.status).to_string();
    match (st.status, st.started, st.ended, spent) {
        (Status::Active, Some(start), _, Some(d)) => {
            state.push_str(&format!(" since {} ({} so far)", hms(start), clock(d)));
        }
        (Status::Skipped, _, Some(end), _) => state.push_str(&format!(" at {}", hms(end))),
        (_, Some(start), Some(end), Some(d)) => {
            state.push_str(&format!(" {} → {} ({})", hms(start), hms(end), clock(d)));
        }
        _ => {}
    }
    if st.runs > 1 {
        state.push_str(&format!(" · run {}", st.runs));
    }
    if over {
        state.push_str(&format!(" · {OVER} target"));
    }
    let style = if over { t.warn() } else { t.status(st.status) };
    out.extend(hanging("", &state, max, style));

    if let StepKind::Wait { duration } = &def.kind {
        let line = match (
            st.status,
            st.started.and_then(|b| after(b, duration.secs())),
        ) {
            (Status::Active, Some(due)) if s.now < due => Some((
                format!("WAIT {} left (until {})", clock(due - s.now), hms(due)),
                t.strong(),
            )),
            (Status::Active, Some(due)) => {
                Some((format!("wait over (since {})", hms(due)), t.warn()))
            }
            (Status::Pending, _) => Some((format!("wait {duration} once started"), t.plain())),
            _ => None,
        };
        if let Some((text, style)) = line {
            out.extend(hanging("", &text, max, style));
        }
    }
    if def.requires_signoff {
        let (text, style) = signoff_line(s, inc, def, st);
        out.extend(hanging("", &text, max, style));
    }
    if let Some(reason) = &st.skip_reason {
        out.extend(hanging("skipped: ", &one(reason), max, t.plain()));
    }
    out
}

/// Where a step that needs a second person stands: signed off (by whom), overridden, or
/// waiting, with how the second person gives it.
fn signoff_line(
    s: &AppState,
    inc: &Incident,
    def: &Step,
    st: &StepState,
) -> (String, ratatui::style::Style) {
    let t = Theme::of(s);
    match (st.signoff(), &st.signed_off_by) {
        (Some(so), _) if so.overridden.is_some() => (
            format!(
                "BREAK GLASS: sign-off overridden by {} at {}: {}",
                one(&so.by),
                hms(so.at),
                one(so.overridden.as_deref().unwrap_or_default())
            ),
            t.warn(),
        ),
        (Some(so), _) => (
            format!("signed off by {} at {}", one(&so.by), hms(so.at)),
            t.good(),
        ),
        (None, Some(by)) if st.status == Status::Done => {
            (format!("signed off by {}", one(by)), t.good())
        }
        (None, _) => {
            let doer = st.started_by.as_deref().unwrap_or(&s.author);
            (
                format!(
                    "WAITING for a sign-off from someone other than {}: in their shell `runbook signoff --incident {} {}`, or o on this step in their app · O: break glass",
                    one(doer),
                    one(&inc.id),
                    one(&def.id)
                ),
                t.warn(),
            )
        }
    }
}

/// What the kind brings, then the checklist, the last output and the links.
fn tail(
    s: &AppState,
    v: &IncidentView,
    def: &Step,
    st: &StepState,
    max: usize,
    pane: Option<usize>,
) -> Lines {
    let mut out: Lines = Vec::new();
    let w = kinds::Writer { s, v, def, max };
    match &def.kind {
        StepKind::Action | StepKind::Wait { .. } => {}
        StepKind::Check { expect } => w.expect(expect.as_deref(), &mut out),
        StepKind::Command {
            command,
            expect,
            timeout,
        } => {
            w.command(command, &timeout.to_string(), &mut out);
            output::lines(s, v, def, max, pane, &mut out);
            w.expect(expect.as_deref(), &mut out);
        }
        StepKind::Decision { choices } => w.choices(choices, &mut out),
        StepKind::Comms { template, every } => {
            w.comms(template, every.map(|e| e.to_string()), &mut out)
        }
    }
    w.checklist(st, &mut out);
    if !matches!(def.kind, StepKind::Command { .. }) {
        output::lines(s, v, def, max, pane, &mut out);
    }
    w.links(&mut out);
    out
}

/// A step's body, Markdown (`runbook::markdown`) with the incident's values filled: prose
/// wrapped; code keeps its lines, wrapped at the edge like command output, or (after `w`) one
/// line each, moved sideways with `<` `>` (`IncidentView::output_shift`).
fn body_lines(v: &IncidentView, body: &str, max: usize, t: &Theme) -> Lines {
    let mut out = Vec::new();
    for l in crate::runbook::markdown::render(body) {
        // Headings stand out, code reads as code; both read the same without colour.
        let style = if l.heading.is_some() {
            t.title()
        } else if l.code {
            t.strong()
        } else {
            t.plain()
        };
        let text = one(&crate::domain::template::fill(
            l.plain().trim_end(),
            &v.incident.vars,
        ));
        if l.code && !v.output_wrap {
            let moved: String = text.chars().skip(v.output_shift).collect();
            out.push(Line::styled(fit(&moved, max), style));
        } else {
            out.extend(
                super::text::wrap(&text, max)
                    .into_iter()
                    .map(|w| Line::styled(w, style)),
            );
        }
        if let Some(level) = l.heading {
            let rule = if level == 1 { "=" } else { "-" };
            let width = super::text::width(&text).saturating_sub(l.prefix.chars().count());
            let underline = format!("{}{}", l.prefix, rule.repeat(width.max(1)));
            out.push(Line::styled(fit(&underline, max), style));
        }
    }
    out
}
