//! Finding a decision's choice from what a responder typed: the label exactly, or an
//! unambiguous prefix of whole words of it ("quorum" for "Quorum healthy: resume writes").
//! Never a prefix of letters: "s" must not silently pick "scale up". Pure.

/// The 1-based choice whose label `typed` names, or why none does.
pub fn find(labels: &[&str], typed: &str) -> Result<usize, String> {
    let want = words(typed);
    let listed = || {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{}. {l}", i + 1))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if want.is_empty() {
        return Err(format!("no choice given; the choices: {}", listed()));
    }
    if let Some(i) = labels.iter().position(|l| words(l) == want) {
        return Ok(i + 1);
    }
    let prefixed: Vec<usize> = (0..labels.len())
        .filter(|&i| words(labels[i]).starts_with(&want))
        .collect();
    match prefixed.as_slice() {
        [i] => Ok(i + 1),
        [] => Err(format!(
            "no choice is \"{}\" (give its number, its label, or the first whole words of it); the choices: {}",
            typed.trim(),
            listed()
        )),
        many => Err(format!(
            "\"{}\" could be {}; give the number or more of the label",
            typed.trim(),
            many.iter()
                .map(|i| format!("{}. {}", i + 1, labels[*i]))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// The words of a label, lowercased, without the punctuation around them ("Yes:" is "yes").
fn words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: &[&str] = &[
        "Quorum healthy: resume writes",
        "Quorum lost",
        "Scale up the members",
        "No",
    ];

    #[test]
    fn exact_labels_and_whole_word_prefixes_are_found() {
        assert_eq!(find(LABELS, "No"), Ok(4));
        assert_eq!(find(LABELS, "  quorum LOST "), Ok(2));
        assert_eq!(find(LABELS, "quorum healthy"), Ok(1));
        assert_eq!(find(LABELS, "Scale"), Ok(3));
    }

    #[test]
    fn a_letter_prefix_or_an_ambiguous_word_is_refused_with_the_choices() {
        let e = find(LABELS, "s").unwrap_err();
        assert!(
            e.contains("no choice is \"s\"") && e.contains("3. Scale up"),
            "{e}"
        );
        let e = find(LABELS, "quorum").unwrap_err();
        assert!(
            e.contains("1. Quorum healthy") && e.contains("2. Quorum lost"),
            "{e}"
        );
        assert!(find(LABELS, "").is_err());
        assert!(find(LABELS, "quor").is_err());
    }
}
