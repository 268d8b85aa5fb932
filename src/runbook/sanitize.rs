//! Making untrusted text (runbooks, notes, command output) safe to print on a terminal:
//! control characters, escape sequences and bidirectional overrides are shown, never obeyed.

/// True for characters that must never reach the terminal raw: C0/C1 controls (except tab and
/// newline, which the caller decides about), DEL, and the Unicode bidi and invisible formatting
/// characters that can make text display differently from what it is.
pub fn is_hazard(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{061c}' | '\u{180e}')
}

/// One line of text with every hazard (and tab and newline) made visible as `\u{..}`-style
/// escapes, so what you see is exactly what is there.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\n' => out.push_str("\\n"),
            c if is_hazard(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Multi-line text with hazards made visible but newlines kept.
pub fn visible_lines(s: &str) -> String {
    s.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

/// True when the text holds any hazard other than newline and tab: such a command is shown
/// with the hazards made visible and is refused for running.
pub fn has_hazard(s: &str) -> bool {
    s.chars().any(is_hazard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(visible("rm \u{202e}fdp.exe"), "rm \\u{202e}fdp.exe");
        assert_eq!(visible("plain text é"), "plain text é");
        assert!(has_hazard("echo\u{200b}hi"));
        assert!(!has_hazard("echo hi\n"));
    }
}
