//! From TOML text to a `Runbook`: syntax, then every field of every table, collecting all
//! problems. Flow, variables and other whole-runbook rules are checked afterwards by
//! `check.rs`, using the spans recorded here.
//!
//! Here: the entry, the spans the later checks use, and the top-level fields; the `[vars]`
//! table is `vars`, and the `[[step]]` entries (kinds, their fields, the flow) are `steps`.

mod steps;
mod vars;

pub use vars::valid_var_name;

use steps::steps;
use vars::vars;

use super::diag::Diagnostic;
use super::fields::{self, Ty};
use super::walk::{Entries, Sp, Walk};
use crate::domain::{Link, Runbook, Severity};
use std::ops::Range;
use toml::de::DeTable;

/// What the whole-runbook checks need, with positions: recorded during the walk even when some
/// fields were wrong, so a file with a bad field and a bad jump reports both.
#[derive(Default, Debug)]
pub struct Spans {
    pub id: Option<Sp<String>>,
    pub steps: Vec<StepOutline>,
    pub vars: Vec<Sp<String>>,
    /// Each variable's `pattern`, aligned with `vars`.
    pub var_patterns: Vec<Option<Sp<String>>>,
    /// Every string in which `{{var}}` is replaced: its span and its decoded value.
    pub templated: Vec<(Range<usize>, String)>,
    pub summary_missing: bool,
    /// The `[env]` names, where valid.
    pub env: Vec<Sp<String>>,
    /// The `[env]` values, aligned with `env`.
    pub env_values: Vec<Sp<String>>,
    /// The `alerts` entries, as written.
    pub alerts: Vec<Sp<String>>,
}

/// One step's place in the flow.
#[derive(Default, Debug, Clone)]
pub struct StepOutline {
    /// The step's table (its `[[steps]]` header).
    pub span: Range<usize>,
    pub id: Option<Sp<String>>,
    pub next: Option<Sp<String>>,
    pub end: bool,
    /// `Some` for decisions: each choice's target, when it had a valid one.
    pub choices: Option<Vec<Option<Sp<String>>>>,
    /// A decision's choice labels, where valid.
    pub labels: Vec<Sp<String>>,
    pub target: Option<Sp<crate::domain::Dur>>,
    /// A command step's `command`, as written (its placeholders are quoted for the shell).
    pub command: Option<Sp<String>>,
}

/// Parses and checks one runbook. Returns the runbook only when there were no errors, every
/// diagnostic, and where the runbook's id is (when it has a valid one).
pub fn parse(text: &str) -> (Option<Runbook>, Vec<Diagnostic>, Option<Range<usize>>) {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let diags = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                Diagnostic::error(span, format!("TOML syntax: {}", first_line(e.message())))
            })
            .collect();
        return (None, diags, None);
    }
    let mut w = Walk::default();
    let mut spans = Spans::default();
    let top = w.root(doc.get_ref());
    let runbook = top_level(&mut w, &top, &mut spans);
    super::check::check(text, &spans, &mut w);
    let runbook = if w.has_errors() { None } else { runbook };
    (runbook, w.diags, spans.id.map(|i| i.1))
}

pub(super) fn first_line(s: &str) -> &str {
    s.trim().lines().next().unwrap_or("invalid TOML")
}

fn top_level(w: &mut Walk, top: &Entries<'_, '_>, spans: &mut Spans) -> Option<Runbook> {
    match w.int(top, "schema_version") {
        None if !top.has("schema_version") => w.missing(top, "schema_version", "1"),
        Some((1, _)) | None => {}
        Some((n, span)) => {
            w.error(span, format!("schema_version {n} is not supported: this version of runbook reads schema_version 1"))
                .help = Some("set `schema_version = 1`, or upgrade runbook to read newer runbooks".into());
        }
    }
    let id = w.id(top, "id", true);
    spans.id = id.clone();
    let title = w.req_str(top, "title");
    let incident_type = w.id(top, "incident_type", true);
    if !top.has("severity") {
        w.missing(top, "severity", "\"sev2\"");
    }
    let severity = w.parsed::<Severity>(top, "severity");
    let summary = w.str(top, "summary");
    spans.summary_missing = !top.has("summary");
    let about = templated(w.str(top, "about"), &mut spans.templated);
    let tags = w.str_list(top, "tags");
    let alerts = w.str_list(top, "alerts");
    spans.alerts = alerts.clone();
    let owners = w.str_list(top, "owners");
    let links = links(w, top, &mut spans.templated);
    let vars = vars(w, top, spans);
    if !top.has("steps") {
        w.error(top.span.clone(), "missing required field `steps`")
            .help = Some("add the steps as [[steps]] tables, each with id, title and kind".into());
    }
    let steps = steps(w, top, spans);
    let env = super::tables::env(w, top, spans);
    let alert_severity = super::tables::alert_severity(w, top);
    Some(Runbook {
        schema_version: 1,
        id: id?.0,
        title: templated(title, &mut spans.templated)?,
        incident_type: incident_type?.0,
        severity: severity?.0,
        summary: summary.map(|s| s.0),
        about,
        tags: tags.into_iter().map(|t| t.0).collect(),
        alerts: alerts.into_iter().map(|t| t.0).collect(),
        owners: owners.into_iter().map(|t| t.0).collect(),
        links,
        vars,
        steps: steps?,
        env,
        alert_severity,
    })
}

/// Records a string as one in which `{{var}}` is replaced, and unwraps it.
pub(super) fn templated(
    v: Option<Sp<String>>,
    into: &mut Vec<(Range<usize>, String)>,
) -> Option<String> {
    let (s, span) = v?;
    into.push((span, s.clone()));
    Some(s)
}

pub(super) fn links(
    w: &mut Walk,
    e: &Entries<'_, '_>,
    templated_spans: &mut Vec<(Range<usize>, String)>,
) -> Vec<Link> {
    let mut out = Vec::new();
    for (n, table, span) in w.table_list(e, "links", Ty::LinkList) {
        let ctx = format!("{}link {n}: ", e.ctx);
        let l = w.entries(table, span, fields::LINK, ctx, "a link");
        let title = w.req_str(&l, "title");
        let url = templated(w.req_str(&l, "url"), templated_spans);
        if let (Some((title, _)), Some(url)) = (title, url) {
            out.push(Link { title, url });
        }
    }
    out
}
