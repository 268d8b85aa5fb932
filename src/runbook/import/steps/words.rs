//! Words for step titles and labels from Markdown: plain words on one line, a title from the
//! first sentence, and shortening at a word.

/// Markdown made plain words on one line: code ticks, emphasis, link targets gone.
pub fn plain_words(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '*' => {}
            ']' if chars.peek() == Some(&'(') => {
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                }
            }
            '[' => {}
            '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A step title from prose: its first sentence, at most 72 characters.
pub fn title_of(md: &str, phase: &str) -> String {
    let words = plain_words(md);
    let first = words
        .split_inclusive(['.', ':', '?', '!'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches([':', '.'])
        .trim();
    if first.is_empty() {
        return phase.to_string();
    }
    short(first, 72)
}

pub(super) fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max - 3).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}...")
}

pub(super) fn first_words(command: &str) -> String {
    short(command.lines().next().unwrap_or("the command").trim(), 50)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_first_sentences_in_plain_words() {
        assert_eq!(
            title_of(
                "Check the `kubelet` logs on [the node](https://x). Then more.",
                "D"
            ),
            "Check the kubelet logs on the node"
        );
        assert_eq!(title_of("", "Mitigate"), "Mitigate");
        assert_eq!(plain_words("a_b *c* `d`"), "a_b c d");
        assert!(title_of(&"word ".repeat(40), "D").chars().count() <= 72);
    }
}
