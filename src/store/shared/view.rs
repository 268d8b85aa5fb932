//! The merged view of a shared incident: this device's records and the peers' in
//! `domain::merge`'s total order, renumbered 1, 2, 3..., and folded from the records the fold
//! may trust (each device log speaks for its owner only).

use super::Shared;
use std::collections::HashMap;

use crate::domain::event::{Event, Known, Record};
use crate::domain::incident::{self, Incident};
use crate::domain::merge;
use crate::store::IncidentId;
use anyhow::Context;

/// The view and the fold, from this device's records and the peers', in the total order;
/// and what must be told about them (conflicts, records claiming another author).
pub(super) fn rebuild(
    sh: &mut Shared,
    id: &IncidentId,
    notices: &mut Vec<String>,
) -> anyhow::Result<(Vec<Record>, Incident)> {
    let mut logs = vec![merge::Log {
        name: &sh.me,
        records: &sh.own,
    }];
    logs.extend(sh.peers.iter().map(|p| merge::Log {
        name: p.device.as_str(),
        records: &p.records,
    }));
    let index: HashMap<&str, usize> = logs.iter().enumerate().map(|(i, l)| (l.name, i)).collect();
    let ordered = merge::order(&logs);
    let mut origin = Vec::with_capacity(ordered.len());
    let mut place: HashMap<(usize, u64), u64> = HashMap::with_capacity(ordered.len());
    for (pos, (name, r)) in ordered.iter().enumerate() {
        let log = index.get(name).copied().unwrap_or(0);
        origin.push((log, r.seq));
        place.insert((log, r.seq), pos as u64 + 1);
    }
    let records: Vec<Record> = ordered
        .iter()
        .zip(&origin)
        .enumerate()
        .map(|(pos, ((_, r), &(log, _)))| renumbered(r, pos as u64 + 1, log, &place))
        .collect();
    let trusted = trusted_for_fold(&records, &origin, &logs);
    let mut inc = incident::fold(&trusted, &crate::store::parse_runbook).with_context(|| {
        format!(
            "cannot read incident {} from its device logs ({})",
            id,
            logs.iter().map(|l| l.name).collect::<Vec<_>>().join(", ")
        )
    })?;
    if inc.id != id.as_str() {
        inc.id = id.to_string();
    }
    let mut notes = crate::store::shared_notes::conflict_notes(&ordered, &records, &inc);
    notes.extend(crate::store::shared_notes::author_notes(sh));
    for n in notes {
        if sh.told.insert(n.clone()) {
            notices.push(n);
        }
    }
    sh.origin = origin;
    Ok((records, inc))
}

/// The records the fold may trust. Each person records from their own device (a sign-off is
/// the second person's own, from their own machine): a record in a device log whose owner
/// (the author of its first record) is someone else is shown in the timeline, flagged
/// (`shared_notes::author_notes`), and not counted, on every replica alike (the rule reads
/// only the logs, so every replica folds the same).
pub(super) fn trusted_for_fold(
    records: &[Record],
    origin: &[(usize, u64)],
    logs: &[merge::Log<'_>],
) -> Vec<Record> {
    let owners: Vec<Option<&str>> = logs
        .iter()
        .map(|l| l.records.first().map(|r| r.author.as_str()))
        .collect();
    records
        .iter()
        .zip(origin)
        .map(|(r, &(log, _))| {
            let owner = owners.get(log).copied().flatten();
            // A drill's injects are the scenario's, whichever device fired them.
            let claimed =
                owner.is_some_and(|o| o != r.author) && r.author != crate::drill::INJECT_AUTHOR;
            if claimed {
                let mut untrusted = r.clone();
                untrusted.event = Event::Unknown {
                    kind: format!(
                        "{} (not counted: not from its author's own device)",
                        r.event.kind()
                    ),
                    raw: serde_json::Value::Null,
                };
                untrusted
            } else {
                r.clone()
            }
        })
        .collect()
}

/// `r` as the view numbers it: its place, and the run it answers by the view's number.
pub(super) fn renumbered(
    r: &Record,
    seq: u64,
    log: usize,
    place: &HashMap<(usize, u64), u64>,
) -> Record {
    let mut r = r.clone();
    r.seq = seq;
    if let Event::Known(Known::CommandFinished { run, .. }) = &mut r.event {
        *run = run.and_then(|own| place.get(&(log, own)).copied());
    }
    r
}
