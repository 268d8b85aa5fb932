//! The Markdown pieces the three layouts arrange: the header, roles, key times, timeline and
//! action items, and the sections people write (with what the journal knows, from
//! `prefill.rs`). Runbook execution is in `execution_md.rs`, the appendix in `appendix.rs`.
//! Pure.
//!
//! Every piece ends with a blank line, so layouts can put them one after another. User text
//! goes through `escape::text` (or `code`, `fenced`) on its way in, without exception.
//!
//! The key-times section (milestones, metrics, time at each severity) is `key_times`.

mod key_times;

pub use key_times::key_times;

use super::escape::{code, push_text, text};
use super::metrics::span;
use super::model::Draft;
use super::timeline::{self, Item};
use crate::domain::incident::Note;
use std::fmt::Write as _;

/// At most this many notes are quoted in a pre-filled section.
pub const NEARBY_NOTES: usize = 6;

pub fn line(out: &mut String, s: impl AsRef<str>) {
    out.push_str(s.as_ref());
    out.push('\n');
}

/// `# Postmortem: title` (or `# Drill report: title`) and, for drills, the banner.
pub fn title(d: &Draft, out: &mut String, word: &str) {
    let word = if d.inc.drill { "Drill report" } else { word };
    line(out, format!("# {word}: {}\n", text(&d.inc.title)));
    if d.inc.drill {
        line(
            out,
            "> **DRILL — this was an exercise, not a real incident.** Everything below happened",
        );
        line(
            out,
            "> in a drill: no customer was affected and no production system was changed by it.\n",
        );
    }
    break_glass(d, out);
}

/// Every break-glass override, at the top: steps that ran without the second person's
/// sign-off they require.
fn break_glass(d: &Draft, out: &mut String) {
    let overrides = &d.inc.overrides;
    if overrides.is_empty() {
        return;
    }
    let n = overrides.len();
    line(
        out,
        format!(
            "> **BREAK GLASS — {n} sign-off{} overridden.** {} without the second person's sign-off {} requires:",
            if n == 1 { "" } else { "s" },
            if n == 1 {
                "This step went ahead"
            } else {
                "These steps went ahead"
            },
            if n == 1 { "it" } else { "each" },
        ),
    );
    line(out, ">");
    for o in overrides {
        let mut item = format!("> - {} ({}) ", d.when(o.at), d.zone());
        item.push_str(&code(&o.step));
        item.push_str(", by ");
        push_text(&mut item, &o.by);
        item.push_str(": ");
        push_text(&mut item, &o.reason);
        line(out, item);
    }
    out.push('\n');
}

/// A section people write: heading, a one-line prompt in an HTML comment, what the journal
/// knows (when anything), and a visible placeholder.
pub fn prompt(out: &mut String, heading: &str, prompt: &str, known: Vec<String>) {
    line(out, format!("{heading}\n"));
    line(out, format!("<!-- {prompt} -->\n"));
    if !known.is_empty() {
        line(out, "From the journal:\n");
        for k in known {
            line(out, format!("- {k}"));
        }
        out.push('\n');
    }
    line(out, "*To be written.*\n");
}

/// The facts at the top: date, status, id, severity, runbook, times, responders.
pub fn facts(d: &Draft, out: &mut String) {
    let inc = d.inc;
    let sha = &inc.runbook_sha256[..inc.runbook_sha256.len().min(12)];
    line(
        out,
        format!("- **Date:** {} (times in {})", d.date(), d.zone()),
    );
    line(out, "- **Status:** Draft");
    line(out, format!("- **Incident:** {}", code(&inc.id)));
    line(out, format!("- **Severity:** {}", severity_story(d)));
    line(
        out,
        format!(
            "- **Runbook:** {} at sha256 {}",
            code(&inc.runbook.id),
            code(sha)
        ),
    );
    let closed = inc
        .closed
        .map_or_else(|| "still open".to_string(), |t| d.when(t));
    line(
        out,
        format!(
            "- **Opened:** {} by {} · **Closed:** {closed}",
            d.when(inc.opened),
            text(&inc.opened_by)
        ),
    );
    let people: Vec<String> = d.responders.iter().map(|p| text(p)).collect();
    line(
        out,
        format!(
            "- **Responders:** {}",
            if people.is_empty() {
                "none recorded".into()
            } else {
                people.join(", ")
            }
        ),
    );
    line(out, "- **Authors:** <!-- who wrote this postmortem -->\n");
    super::context::context(d, out);
}

/// "sev1 (sev2 at opening; sev1 from 22:25)".
fn severity_story(d: &Draft) -> String {
    let h = &d.inc.severity_history;
    if h.len() < 2 {
        return d.inc.severity.to_string();
    }
    let mut parts = vec![format!("{} at opening", h[0].1)];
    parts.extend(
        h[1..]
            .iter()
            .map(|(at, s)| format!("{s} from {}", d.when(*at))),
    );
    format!("{} ({})", d.inc.severity, parts.join("; "))
}

/// Who held which role and when, handoffs included.
pub fn roles(d: &Draft, out: &mut String, heading: &str) {
    line(out, format!("{heading}\n"));
    if d.inc.roles.is_empty() {
        line(out, "No roles were assigned in the journal.\n");
        return;
    }
    line(
        out,
        format!("| Role | Person | From ({}) | Until |", d.zone()),
    );
    line(out, "|---|---|---|---|");
    let mut order: Vec<&str> = Vec::new();
    for rc in &d.inc.roles {
        if !order.contains(&rc.role.as_str()) {
            order.push(&rc.role);
        }
    }
    for role in order {
        let held: Vec<_> = d.inc.roles.iter().filter(|rc| rc.role == role).collect();
        for (i, rc) in held.iter().enumerate() {
            let until = held.get(i + 1).map_or_else(
                || "—".to_string(),
                |next| format!("{} (handed to {})", d.when(next.at), text(&next.person)),
            );
            line(
                out,
                format!(
                    "| {} | {} | {} | {until} |",
                    text(role),
                    text(&rc.person),
                    d.when(rc.at)
                ),
            );
        }
    }
    out.push('\n');
}

/// The timeline table: every record by when it happened, backdated ones marked, long quiet
/// stretches marked.
pub fn timeline(d: &Draft, out: &mut String, heading: &str) {
    line(out, format!("{heading}\n"));
    line(out, format!("| Time ({}) | Event | By |", d.zone()));
    line(out, "|---|---|---|");
    // One row per record: written straight into `out`, this is the export's hot loop.
    for item in &d.timeline {
        match item {
            Item::Gap { secs } => line(
                out,
                format!("| | *Quiet: no entries for {}.* | |", span(*secs)),
            ),
            Item::Entry(e) => {
                out.push_str("| ");
                d.push_when(out, e.rec.at);
                out.push_str(" | ");
                let stars = if e.strong { "**" } else { "" };
                out.push_str(stars);
                push_text(out, &timeline::text(e.rec, d.inc));
                out.push_str(stars);
                if let Some(n) = e.output {
                    let _ = write!(out, " (output: A{n})");
                }
                if e.rec.backdated() {
                    out.push_str(" *(recorded later, at ");
                    d.push_when(out, e.rec.ts);
                    out.push_str(")*");
                }
                out.push_str(" | ");
                push_text(out, &e.rec.author);
                out.push_str(" |\n");
            }
        }
    }
    out.push('\n');
}

/// "22:25 bo: text" for a note, escaped.
pub fn note_line(d: &Draft, n: &Note) -> String {
    format!("{} {}: {}", d.when(n.at), text(&n.by), text(&n.text))
}

/// Notes near a moment, as pre-fill lines.
pub fn nearby(
    d: &Draft,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    d.notes_between(from, to, NEARBY_NOTES)
        .into_iter()
        .map(|n| note_line(d, n))
        .collect()
}

/// Every action item and `TODO:` note as a checklist.
pub fn action_items(d: &Draft, out: &mut String, heading: &str, prompt: &str) {
    line(out, format!("{heading}\n"));
    line(out, format!("<!-- {prompt} -->\n"));
    let mut any = false;
    for n in d.inc.action_items() {
        any = true;
        let t = n.text.trim_start();
        let t = if crate::domain::incident::is_todo(t) {
            capital(t[5..].trim_start())
        } else {
            t.to_string()
        };
        line(
            out,
            format!(
                "- [ ] {} — noted by {}, {}",
                text(&t),
                text(&n.by),
                d.when(n.at)
            ),
        );
    }
    if !any {
        line(out, "No action items were noted in the journal.");
    }
    out.push('\n');
}

/// The text with its first letter in upper case.
pub fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A table row; empty cells stay empty (`| a | |`).
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = String::from("|");
    for c in cells {
        let c = c.as_ref();
        if c.is_empty() {
            out.push_str(" |");
        } else {
            out.push(' ');
            out.push_str(c);
            out.push_str(" |");
        }
    }
    out
}
