//! Fuzzy filtering for the home screen: over runbook id, title, tags and alert names (alert
//! globs match whole alert names, so typing `EtcdNoLeader` finds the runbook that lists
//! `Etcd*`). Higher scores are better matches. Pure.

use super::state::IncidentRow;
use crate::domain::Runbook;

/// Scores `query` as a subsequence of `text` (case-insensitive): consecutive and early
/// matches score higher; `None` when not every query character appears in order.
pub fn fuzzy(text: &str, query: &str) -> Option<i64> {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let mut score = 0i64;
    let mut ti = 0;
    let mut last: Option<usize> = None;
    for q in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = (ti..text.len()).find(|&i| text[i] == q)?;
        score += 10;
        if last.is_some_and(|l| l + 1 == found) {
            score += 15;
        }
        if found == 0 || !text[found - 1].is_alphanumeric() {
            score += 8;
        }
        score -= (found - ti) as i64;
        last = Some(found);
        ti = found + 1;
    }
    Some(score)
}

/// Glob match with `*` (any run) and `?` (one character), case-insensitive. Iterative.
pub fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

pub fn score_runbook(rb: &Runbook, query: &str) -> Option<i64> {
    let q = query.trim();
    // An alert name matching one of the runbook's alert globs is the strongest signal.
    if !q.contains(' ') && rb.alerts.iter().any(|a| glob(a, q)) {
        return Some(1_000);
    }
    let fields = [rb.id.as_str(), rb.title.as_str(), rb.incident_type.as_str()];
    let tags = rb.tags.iter().chain(&rb.alerts).map(String::as_str);
    fields
        .into_iter()
        .chain(tags)
        .filter_map(|f| fuzzy(f, q))
        .max()
}

pub fn score_incident(row: &IncidentRow, query: &str) -> Option<i64> {
    [row.id.as_str(), row.title.as_str(), row.runbook.as_str()]
        .into_iter()
        .filter_map(|f| fuzzy(f, query))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_names() {
        assert!(glob("Etcd*", "EtcdNoLeader"));
        assert!(glob("etcd?oleader", "EtcdNoLeader"));
        assert!(!glob("Etcd*", "NoEtcd"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXXbYYc"));
        assert!(!glob("a*b*c", "aXXbYY"));
    }

    #[test]
    fn fuzzy_prefers_consecutive_and_word_start_matches() {
        assert!(
            fuzzy("etcd-quorum-loss", "quorum").unwrap()
                > fuzzy("etcd-quorum-loss", "qrm").unwrap()
        );
        assert!(fuzzy("disk-full", "dfl").is_some());
        assert!(fuzzy("disk-full", "xyz").is_none());
    }
}
