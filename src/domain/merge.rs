//! One incident from several append-only logs: each writer (a device) appends only to its
//! own log, and an incident is the union of its logs, folded in one total order, so every
//! replica holding the same records reaches the same state, byte for byte, whatever order
//! it read the logs in. With one log the order is the log's own and nothing changes.
//!
//! The order: each log keeps its own order (seq 1, 2, 3...); across logs, the next record is
//! the one recorded earliest (`ts`), and at equal times the one from the log whose name sorts
//! first. It depends only on the records and the logs' names. Pure.

use super::event::Record;
use super::incident::{FoldError, Incident, Parse};

/// One writer's log of an incident: its name (the device) and its records in seq order.
#[derive(Clone, Copy, Debug)]
pub struct Log<'a> {
    pub name: &'a str,
    pub records: &'a [Record],
}

/// Every record of every log, in the documented total order.
pub fn order<'a>(logs: &[Log<'a>]) -> Vec<(&'a str, &'a Record)> {
    let mut logs: Vec<Log<'a>> = logs.to_vec();
    logs.sort_by(|a, b| a.name.cmp(b.name));
    let total = logs.iter().map(|l| l.records.len()).sum();
    let mut next = vec![0usize; logs.len()];
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        // The log whose next record was recorded first; on a tie the first by name.
        let pick = (0..logs.len())
            .filter(|&i| next[i] < logs[i].records.len())
            .min_by_key(|&i| (logs[i].records[next[i]].ts, i));
        let Some(i) = pick else { break };
        out.push((logs[i].name, &logs[i].records[next[i]]));
        next[i] += 1;
    }
    out
}

/// Folds an incident from its logs. Each log must run seq 1, 2, 3... with no gap; the first
/// record in the order must open the incident.
pub fn fold(logs: &[Log<'_>], parse: Parse<'_>) -> Result<Incident, FoldError> {
    for log in logs {
        for (i, r) in log.records.iter().enumerate() {
            let expected = i as u64 + 1;
            if r.seq != expected {
                return Err(FoldError::Gap {
                    expected,
                    found: r.seq,
                });
            }
        }
    }
    let ordered = order(logs);
    let ((_, first), rest) = ordered.split_first().ok_or(FoldError::Empty)?;
    let mut inc = Incident::open(first, parse)?;
    for (_, r) in rest {
        inc.apply_next(r, parse)?;
    }
    Ok(inc)
}
