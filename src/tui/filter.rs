//! The home screen's filter: incidents by id, title and runbook (fuzzy), runbooks ranked by
//! `domain::find` with the team's own above bundled ones at equal rank. Pure.

use super::state::{IncidentRow, LibraryRow};
use crate::domain::find::{Rank, fuzzy, rank};

pub fn score_incident(row: &IncidentRow, query: &str) -> Option<i64> {
    [row.id.as_str(), row.title.as_str(), row.runbook.as_str()]
        .into_iter()
        .filter_map(|f| fuzzy(f, query))
        .max()
}

/// The library rows matching `query`, best first: by rank, then the team's own before the
/// bundled ones, then library order.
pub fn runbooks(library: &[LibraryRow], query: &str) -> Vec<usize> {
    let mut scored: Vec<(Rank, bool, usize)> = library
        .iter()
        .enumerate()
        .filter_map(|(i, row)| rank(&row.runbook, query).map(|r| (r, row.origin == "bundled", i)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, i)| i).collect()
}
