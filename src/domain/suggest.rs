//! "Did you mean ...?": the closest known name to a misspelt one.

/// Edit distance over characters where swapping two neighbours counts as one edit (optimal
/// string alignment), so `hots` is one edit from `host`.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j - 1] + cost)
                .min(d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `wrong`, if it is close enough to be a plausible typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(wrong, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// ` (did you mean "x"?)` or nothing.
pub fn hint<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(wrong, candidates).map_or(String::new(), |c| format!(" (did you mean \"{c}\"?)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plausible_typos_only() {
        assert_eq!(distance("netwrk", "network"), 1);
        assert_eq!(closest("netwrk", ["watch", "network"]), Some("network"));
        assert_eq!(closest("comand", ["command", "choices"]), Some("command"));
        assert_eq!(closest("zzz", ["command", "choices"]), None);
        assert_eq!(distance("hots", "host"), 1);
        assert_eq!(closest("hots", ["host", "region"]), Some("host"));
        assert_eq!(
            hint("severty", ["severity"]),
            " (did you mean \"severity\"?)"
        );
    }
}
