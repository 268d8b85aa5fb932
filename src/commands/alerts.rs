//! Alerts in: `runbook match ALERT [LABEL=VALUE...]` (which runbooks fit an alert, ranked) and
//! `runbook start --alert FILE|-` (open an incident from an alert payload: the best runbook,
//! variables from labels and annotations, the mapped severity, the alert recorded, `detected`
//! backdated to when it started firing). Reading and ranking are `runbook::alert` and
//! `domain::find`; this module does the IO.

use super::context::Ctx;
use super::incident::{self, StartArgs};
use super::library::load_library;
use super::usage;
use crate::cli::Global;
use crate::domain::Milestone;
use crate::domain::event::Known;
use crate::domain::find::{AlertRank, alert_rank};
use crate::runbook::alert::{self, Alert};
use crate::runbook::library::{Entry, Library, Origin};
use crate::runbook::sanitize::visible;
use crate::runbook::vars::parse_assignment;
use anyhow::{Context as _, bail};
use std::io::Read as _;
use std::process::ExitCode;

/// The runbooks that match, best first: by rank, then the team's own above bundled ones at
/// the same tier, then labels known, then specificity, then id.
pub fn ranked<'l>(
    lib: &'l Library,
    name: &str,
    labels: &[(String, String)],
) -> Vec<(&'l Entry, AlertRank)> {
    let mut out: Vec<(&Entry, AlertRank)> = lib
        .entries
        .iter()
        .filter_map(|e| alert_rank(&e.runbook, name, labels).map(|r| (e, r)))
        .collect();
    let own = |e: &Entry| !matches!(e.origin, Origin::Bundled(_));
    out.sort_by(|(a, ra), (b, rb)| {
        (rb.tier, own(b), rb.labels, rb.score)
            .cmp(&(ra.tier, own(a), ra.labels, ra.score))
            .then_with(|| a.runbook.id.cmp(&b.runbook.id))
    });
    out
}

/// `runbook match`.
pub fn matches(g: &Global, name: &str, labels: &[String], json: bool) -> anyhow::Result<ExitCode> {
    let labels = labels
        .iter()
        .map(|l| parse_assignment(l))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| usage(format!("{e}: labels are given as LABEL=VALUE")))?;
    let lib = load_library(g);
    let found = ranked(&lib, name, &labels);
    if json {
        let rows: Vec<_> = found
            .iter()
            .map(|(e, r)| {
                serde_json::json!({
                    "id": e.runbook.id,
                    "title": e.runbook.title,
                    "matched": r.why(),
                    "labels_known": r.labels,
                    "source": e.origin.to_string(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for (e, r) in &found {
            println!(
                "{:<34} {:<10} {}  ({})",
                e.runbook.id,
                r.why(),
                visible(&e.runbook.title),
                e.origin
            );
        }
    }
    if found.is_empty() {
        eprintln!(
            "no runbook matches alert \"{}\": list it in a runbook's `alerts`",
            visible(name)
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the payload from `path` (`-`: stdin), at most `alert::MAX_BYTES` and one more to
/// tell that it is too large.
fn read_payload(path: &str) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let limit = alert::MAX_BYTES as u64 + 1;
    if path == "-" {
        std::io::stdin().take(limit).read_to_end(&mut buf)?;
    } else {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot read the alert {}", visible(path)))?;
        if !meta.is_file() {
            bail!("the alert {} is not a regular file", visible(path));
        }
        std::fs::File::open(path)
            .with_context(|| format!("cannot read the alert {}", visible(path)))?
            .take(limit)
            .read_to_end(&mut buf)?;
    }
    Ok(buf)
}

/// `runbook start --alert FILE|-`: `a` holds the other flags; its `runbook` is `--runbook`
/// (empty: the best match).
pub fn start(cx: &Ctx, path: &str, mut a: StartArgs) -> anyhow::Result<ExitCode> {
    cx.need_author()?;
    let bytes = read_payload(path)?;
    let alert = alert::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", shown(path)))?;
    let lib = load_library(&cx.global);
    if a.runbook.is_empty() {
        let labels: Vec<(String, String)> = alert.labels.clone().into_iter().collect();
        let Some((best, _)) = ranked(&lib, &alert.name, &labels).into_iter().next() else {
            bail!(
                "no runbook matches alert \"{}\": give one with --runbook ID, or list the alert in a runbook's `alerts`",
                visible(&alert.name)
            );
        };
        a.runbook = best.runbook.id.clone();
    }
    let Some(entry) = lib.get(&a.runbook) else {
        // `incident::open` says it, with a did-you-mean.
        return incident::start(cx, a);
    };
    let taken = alert::values(&entry.runbook, &alert);
    // From the alert first: a --var given by hand wins (the later one counts).
    let mut vars: Vec<String> = taken
        .iter()
        .map(|t| format!("{}={}", t.var, t.value))
        .collect();
    vars.append(&mut a.vars);
    a.vars = vars;
    if a.severity.is_none() {
        a.severity = alert::severity(&entry.runbook, &alert).map(|s| s.to_string());
    }
    let session = incident::open(cx, &a).map_err(|e| with_sources(e, &taken))?;
    record(cx, session, &alert, a.no_tui)
}

/// The alert and the detection time, then the usual end of `start`.
fn record(
    cx: &Ctx,
    mut session: crate::store::Session,
    alert: &Alert,
    no_tui: bool,
) -> anyhow::Result<ExitCode> {
    let now = cx.now();
    let note = Known::NoteAdded {
        text: alert::record_text(alert),
        action_item: false,
        decision: false,
    };
    session.record(cx.clock.as_ref(), None, cx.need_author()?, note)?;
    let detected = Known::Milestone {
        milestone: Milestone::Detected,
    };
    let at = alert::detected(alert, now);
    session.record(cx.clock.as_ref(), Some(at), cx.need_author()?, detected)?;
    incident::opened(cx, &session, no_tui)
}

/// A refused value names where it came from.
fn with_sources(e: anyhow::Error, taken: &[alert::Taken]) -> anyhow::Error {
    let msg = e.to_string();
    let notes: Vec<String> = taken
        .iter()
        .filter(|t| msg.contains(&format!("variable \"{}\"", t.var)))
        .map(|t| format!("(\"{}\" came from the alert's {})", t.var, t.from))
        .collect();
    if notes.is_empty() {
        e
    } else {
        anyhow::anyhow!("{msg}\n{}", notes.join("\n"))
    }
}

fn shown(path: &str) -> String {
    if path == "-" {
        "the alert on stdin".into()
    } else {
        visible(path)
    }
}
