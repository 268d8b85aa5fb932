//! What readers of a shared incident are told about it: the conflicts between devices
//! (`domain::merge::conflicts`) and records in another device's log that claim someone else.
//!
//! Owns: the texts. Must never: do IO, or put a value on a terminal unsanitised.

use std::path::Path;

use super::shared::Shared;
use crate::domain::clock::stamp;
use crate::domain::describe::describe;
use crate::domain::event::Record;
use crate::domain::incident::Incident;
use crate::domain::merge::{self, ConflictKind};
use crate::runbook::sanitize::visible;

/// One line per conflict: "step \"x\": ana chose 1 (restore) at 10:02 on device a; bo ...".
pub(super) fn conflict_notes(
    ordered: &[(&str, &Record)],
    view: &[Record],
    inc: &Incident,
) -> Vec<String> {
    merge::conflicts(ordered)
        .into_iter()
        .map(|c| {
            let what = match c.kind {
                ConflictKind::Finished => "was finished on more than one device",
                ConflictKind::Decided => "was decided differently on more than one device",
            };
            let claims: Vec<String> = c
                .records
                .iter()
                .filter_map(|(device, i)| {
                    let r = view.get(*i)?;
                    Some(format!(
                        "{} at {} on {device}: {}",
                        visible(&r.author),
                        stamp(r.at),
                        visible(&describe(r, Some(inc)))
                    ))
                })
                .collect();
            format!(
                "conflict: step \"{}\" {what}, while they could not see each other: {}; both are \
                 kept, and the later one stands",
                visible(&c.step),
                claims.join("; ")
            )
        })
        .collect()
}

/// A line for each record in another device's log whose author is not that log's owner.
pub(super) fn author_notes(sh: &Shared) -> Vec<String> {
    let mut out = Vec::new();
    for p in &sh.peers {
        let Some(owner) = p.records.first().map(|r| r.author.as_str()) else {
            continue;
        };
        for (i, r) in p.records.iter().enumerate() {
            if r.author != owner && r.author != crate::drill::INJECT_AUTHOR {
                out.push(format!(
                    "{}:{}: this record claims author \"{}\", but device {}'s log is {}'s: it \
                     is shown, flagged, and not to be trusted as {}'s",
                    shown(&p.path),
                    i + 1,
                    visible(&r.author),
                    p.device,
                    visible(owner),
                    visible(&r.author)
                ));
            }
        }
    }
    out
}

fn shown(p: &Path) -> String {
    visible(&p.display().to_string())
}
