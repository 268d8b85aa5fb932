//! Status updates before they go out: a template's `<...>` placeholders ("<HH:MM UTC>",
//! "<ticket>") must be filled in by the responder; one left in is caught before the update is
//! recorded as sent. Pure.

/// The `<...>` placeholders still in `text`, in order, each as written (with its brackets).
/// A placeholder holds a letter and no line break; links (`<https://...>`), addresses
/// (`<a@b>`) and HTML-looking tags (`<br>`, `</b>`) are not placeholders.
pub fn unfilled(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut at = 0;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(['>', '<', '\n']) else {
            break;
        };
        if after.as_bytes()[close] == b'>' {
            let inner = &after[..close];
            if looks_like_placeholder(inner) {
                let start = at + open;
                out.push(&text[start..start + close + 2]);
            }
        }
        at += open + 1;
        rest = after;
    }
    out
}

fn looks_like_placeholder(inner: &str) -> bool {
    let t = inner;
    let lower = t.to_ascii_lowercase();
    // A placeholder starts and ends with a word character: "<- b ->" is an arrow.
    t.starts_with(char::is_alphanumeric)
        && t.ends_with(|c: char| c.is_alphanumeric() || c == ')')
        && t.chars().count() <= 60
        && t.chars().any(char::is_alphabetic)
        && !t.starts_with(['/', '!', '?'])
        && !t.contains('@')
        && !["http://", "https://", "mailto:"]
            .iter()
            .any(|p| lower.starts_with(p))
        && !matches!(
            lower.as_str(),
            "br" | "br/" | "b" | "i" | "em" | "strong" | "p" | "hr"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_placeholders_are_found_and_the_rest_is_not() {
        let t = "[Investigating] Since <HH:MM UTC> some requests fail. Next update by <time>.\n\
                 See <https://status.example.com> or mail <ops@example.com>.<br> a <- b -> c";
        assert_eq!(unfilled(t), vec!["<HH:MM UTC>", "<time>"]);
        assert!(unfilled("All clear at 22:40 UTC.").is_empty());
        assert_eq!(unfilled("<<ticket>>"), vec!["<ticket>"]);
        assert!(unfilled("<\nnot one>").is_empty());
    }
}
