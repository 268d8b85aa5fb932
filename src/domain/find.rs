//! Finding a runbook from what a responder types or what an alert is called: the home
//! screen's filter and (for alerts) `runbook match`. Ranked, best first: an alert name the
//! runbook lists exactly, then one its alert globs match (`EtcdNoLeader` against `Etcd*`,
//! more specific globs first), then the id or title, then tags and the incident type. Within
//! a rank, closer fuzzy matches first; callers put a team's own runbooks above bundled ones
//! at equal rank. Pure.

use super::Runbook;

/// How well a runbook matches a query. Orders best last (`max` is the best match).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank {
    /// What matched: tags (1), id or title (2), an alert glob (3), an alert name exactly (4).
    pub tier: u8,
    /// Within the tier: the fuzzy score, or a glob's specificity.
    pub score: i64,
}

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

/// How `rb` matches `query`, or None when it does not.
pub fn rank(rb: &Runbook, query: &str) -> Option<Rank> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    if !q.contains(' ') {
        if rb.alerts.iter().any(|a| a.eq_ignore_ascii_case(q)) {
            return Some(Rank { tier: 4, score: 0 });
        }
        // The glob that says the most (the most literal characters) wins among globs.
        let specific = rb
            .alerts
            .iter()
            .filter(|a| glob(a, q))
            .map(|a| a.chars().filter(|c| !matches!(c, '*' | '?')).count() as i64)
            .max();
        if let Some(score) = specific {
            return Some(Rank { tier: 3, score });
        }
    }
    let named = [rb.id.as_str(), rb.title.as_str()]
        .into_iter()
        .filter_map(|f| fuzzy(f, q))
        .max();
    if let Some(score) = named {
        return Some(Rank { tier: 2, score });
    }
    rb.tags
        .iter()
        .chain(&rb.alerts)
        .map(String::as_str)
        .chain([rb.incident_type.as_str()])
        .filter_map(|f| fuzzy(f, q))
        .max()
        .map(|score| Rank { tier: 1, score })
}

/// How well a runbook matches an alert (`runbook match`, `start --alert`). Orders best last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AlertRank {
    /// What matched: a tag (1), an alert glob (2), the alert name exactly (3).
    pub tier: u8,
    /// How many of the alert's labels the runbook knows: label values among its tags, and
    /// labels its variables take (`from_label`).
    pub labels: usize,
    /// Within the tier: a glob's specificity (literal characters), else 0.
    pub score: i64,
}

impl AlertRank {
    /// What matched, in words.
    pub fn why(&self) -> &'static str {
        match self.tier {
            3 => "alert name",
            2 => "alert glob",
            _ => "tag",
        }
    }
}

/// How `rb` matches alert `name` with `labels`, or None. Exact names first, then globs (more
/// specific first), then tags: a tag that is one of the label values, or that the alert name
/// holds as a word (`etcd` in `EtcdNoLeader`, at least three letters).
pub fn alert_rank(rb: &Runbook, name: &str, labels: &[(String, String)]) -> Option<AlertRank> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let known = labels
        .iter()
        .filter(|(k, v)| {
            rb.tags.iter().any(|t| t.eq_ignore_ascii_case(v))
                || rb
                    .vars
                    .iter()
                    .any(|var| var.from_label.as_deref() == Some(k))
        })
        .count();
    let at = |tier, score| {
        Some(AlertRank {
            tier,
            labels: known,
            score,
        })
    };
    if rb.alerts.iter().any(|a| a.eq_ignore_ascii_case(name)) {
        return at(3, 0);
    }
    let specific = rb
        .alerts
        .iter()
        .filter(|a| glob(a, name))
        .map(|a| a.chars().filter(|c| !matches!(c, '*' | '?')).count() as i64)
        .max();
    if let Some(score) = specific {
        return at(2, score);
    }
    let lower = name.to_lowercase();
    let tagged = rb.tags.iter().any(|t| {
        labels.iter().any(|(_, v)| t.eq_ignore_ascii_case(v))
            || (t.chars().count() >= 3 && lower.contains(&t.to_lowercase()))
    });
    if tagged { at(1, 0) } else { None }
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

    fn runbook(id: &str, title: &str, tags: &[&str], alerts: &[&str]) -> Runbook {
        let mut rb = crate::runbook::parse_source(&format!(
            "schema_version = 1\nid = \"{id}\"\ntitle = \"{title}\"\nincident_type = \"t\"\nseverity = \"sev3\"\nsummary = \"s\"\n\n[[steps]]\nid = \"a\"\ntitle = \"A\"\nkind = \"action\"\n"
        ))
        .unwrap();
        rb.tags = tags.iter().map(|s| s.to_string()).collect();
        rb.alerts = alerts.iter().map(|s| s.to_string()).collect();
        rb
    }

    #[test]
    fn an_exact_alert_beats_a_glob_which_beats_a_title_which_beats_a_tag() {
        let exact = runbook("ours", "Our etcd runbook", &[], &["EtcdNoLeader"]);
        let globbed = runbook("demo", "Bundled demo", &["etcd"], &["Etcd*"]);
        let narrower = runbook("narrow", "Narrower", &[], &["EtcdNo*"]);
        let titled = runbook("etcdnoleader-notes", "Notes", &[], &[]);
        let tagged = runbook("other", "Other", &["etcdnoleader"], &[]);
        let q = "EtcdNoLeader";
        let r = |rb: &Runbook| rank(rb, q).unwrap();
        assert!(r(&exact) > r(&narrower));
        assert!(r(&narrower) > r(&globbed), "a more specific glob first");
        assert!(r(&globbed) > r(&titled));
        assert!(r(&titled) > r(&tagged));
        assert!(rank(&exact, "").is_none());
        assert!(rank(&tagged, "zzz").is_none());
    }

    #[test]
    fn alerts_rank_exact_then_glob_then_tag_then_known_labels() {
        let exact = runbook("ours", "Ours", &[], &["EtcdNoLeader"]);
        let globbed = runbook("demo", "Demo", &[], &["Etcd*"]);
        let tagged = runbook("tagged", "Tagged", &["etcd"], &[]);
        let by_label = runbook("by-label", "By label", &["payments"], &[]);
        let none = runbook("none", "None", &["db"], &["Disk*"]);
        let labels = vec![("namespace".to_string(), "payments".to_string())];
        let r = |rb: &Runbook| alert_rank(rb, "EtcdNoLeader", &labels);
        assert!(r(&exact) > r(&globbed) && r(&globbed) > r(&tagged));
        assert_eq!(r(&by_label).map(|r| (r.tier, r.labels)), Some((1, 1)));
        assert_eq!(r(&none), None);
        assert_eq!(alert_rank(&exact, " ", &[]), None);
    }
}
