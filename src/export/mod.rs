//! The postmortem export: an incident's journal and its folded state turned into a Markdown
//! draft (after the Google SRE, PagerDuty or Atlassian postmortem layouts) or a versioned JSON
//! document for other tools.
//!
//! Owns: everything from `(records, incident)` to text. Pure: the builders read no clock, no
//! file and no environment, so the same journal always gives byte-identical output; the one
//! exception is `write.rs`, which puts a finished draft on disk for the CLI and the TUI.
//!
//! Must never: let user text (notes, titles, reasons, command output) reach the output raw.
//! Markdown escapes it (`escape.rs`); JSON escapes control and bidi characters too.
//!
//! Layout, one concern per file:
//! - `model.rs`: `Draft`, everything computed once from the journal that the layouts share.
//! - `metrics.rs`: key times, durations, time at each severity, milestone-order checks.
//! - `timeline.rs`: the ordered timeline with backdated entries and quiet gaps.
//! - `execution.rs`: how the runbook was followed: outcomes, decision path, deviations.
//! - `gantt.rs`: the Mermaid `gantt` block of the phases and the steps as run.
//! - `sections.rs`, `execution_md.rs`, `appendix.rs`: the Markdown pieces every layout uses.
//! - `prefill.rs`: what the journal knows for the sections people write.
//! - `google.rs`, `pagerduty.rs`, `atlassian.rs`: the three layouts.
//! - `json/`: the JSON document (`SCHEMA_VERSION`; its types in `doc.rs`, the printer that
//!   escapes terminal hazards in `safe.rs`); `schema.rs`: its JSON Schema.
//! - `escape.rs`: CommonMark escaping of user text.
//! - `write.rs`: writing a draft privately and atomically.

mod appendix;
mod atlassian;
mod context;
pub mod escape;
pub mod execution;
mod execution_md;
pub mod gantt;
mod google;
pub mod json;
pub mod metrics;
pub mod model;
mod pagerduty;
mod prefill;
pub mod schema;
mod sections;
pub mod timeline;
pub mod write;

use crate::domain::event::Record;
use crate::domain::incident::Incident;
use chrono_tz::Tz;

pub use json::SCHEMA_VERSION;
pub use schema::JSON_SCHEMA;
pub use write::{write_cache_file, write_draft, write_file};

/// Which published postmortem layout the Markdown follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Template {
    /// After the Google SRE book's postmortem (the default).
    #[default]
    Google,
    /// After PagerDuty's postmortem template.
    PagerDuty,
    /// After Atlassian's incident postmortem template.
    Atlassian,
}

/// How to render: the layout and the time zone times are shown in. JSON ignores both (its
/// times are always UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub template: Template,
    /// Times in the Markdown are shown in this zone, and headers name it.
    pub tz: Tz,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            template: Template::Google,
            tz: chrono_tz::UTC,
        }
    }
}

/// The Markdown postmortem draft of an incident. `records` is its whole journal and `inc` the
/// fold of those records.
pub fn markdown(records: &[Record], inc: &Incident, opts: &Options) -> String {
    let draft = model::Draft::new(records, inc, opts);
    let text = match opts.template {
        Template::Google => google::render(&draft),
        Template::PagerDuty => pagerduty::render(&draft),
        Template::Atlassian => atlassian::render(&draft),
    };
    if inc.drill {
        with_scorecard(text, records, inc)
    } else {
        text
    }
}

/// A drill's report leads with its scorecard: inserted before the first section.
fn with_scorecard(text: String, records: &[Record], inc: &Incident) -> String {
    let scenario = crate::drill::pinned(inc).and_then(Result::ok);
    let card = crate::drill::scorecard::Scorecard::compute(inc, records, scenario.as_ref());
    let section = crate::drill::render::render_markdown(&card);
    match text.find("\n## ") {
        Some(at) => format!(
            "{}\n\n{}\n\n{}",
            text[..at].trim_end(),
            section.trim(),
            &text[at + 1..]
        ),
        None => format!("{text}\n{section}"),
    }
}

/// The JSON document (see `docs/export.md`), pretty-printed, ending in a newline.
pub fn json(records: &[Record], inc: &Incident) -> String {
    let draft = model::Draft::new(records, inc, &Options::default());
    json::render(&draft)
}
