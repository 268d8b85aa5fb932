//! Making untrusted text (runbooks, notes, command output, file names) safe to print on a
//! terminal: control characters, escape sequences, bidirectional overrides, line and paragraph
//! separators and invisible format characters are shown, never obeyed. The one sanitiser:
//! every command prints what it did not write itself through `visible` / `visible_lines`.
//! Must never drop or reorder text silently: a hazard is either shown as `\u{..}` or refused.

/// True for characters that must never reach the terminal raw: C0/C1 controls (except tab and
/// newline, which the caller decides about), DEL, the line and paragraph separators, and every
/// invisible format character (Unicode general category Cf: bidi controls, zero-width
/// characters, the soft hyphen, invisible operators, interlinear annotation, tag characters),
/// which can make text display differently from what it is.
///
/// Variation selectors are a judgement call: VS15 and VS16 (U+FE0E, U+FE0F) choose text or
/// emoji presentation and are in ordinary text (`⚠️`), so they pass; the other selectors
/// (U+FE00..U+FE0D, U+E0100..U+E01EF) select rare ideograph variants, never appear in a
/// runbook, and a run of them is a known way to hide bytes inside text that looks plain, so
/// they are hazards.
pub fn is_hazard(c: char) -> bool {
    matches!(c,
        // C0 but tab and newline, DEL, C1.
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Line and paragraph separators: a new line where none is seen.
        | '\u{2028}' | '\u{2029}'
        // Cf: soft hyphen, Arabic number signs and marks, Syriac abbreviation mark.
        | '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}'
        | '\u{890}'..='\u{891}' | '\u{8e2}' | '\u{180e}'
        // Cf: zero-width characters and direction marks, bidi embeddings and overrides,
        // word joiner and invisible operators, bidi isolates, deprecated format characters.
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        // Cf: byte order mark / zero-width no-break space, interlinear annotation.
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        // Cf outside the BMP: Kaithi, Egyptian hieroglyph and shorthand format controls,
        // musical symbol formatting, and the tag characters.
        | '\u{110bd}' | '\u{110cd}' | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e007f}'
        // Variation selectors but VS15 and VS16 (see above).
        | '\u{fe00}'..='\u{fe0d}' | '\u{e0100}'..='\u{e01ef}')
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

/// Text for the clipboard (the app's OSC 52 copy): the text itself when it holds no hazard
/// but newlines and tabs, else a refusal naming the first hazard and where it is. Refused
/// rather than cleaned: a cleaned copy would be a different command from the one in the
/// runbook, and pasting it is running it.
pub fn for_clipboard(text: &str) -> Result<String, String> {
    match text.chars().enumerate().find(|(_, c)| is_hazard(*c)) {
        None => Ok(text.to_string()),
        Some((at, c)) => Err(format!(
            "not copied: the text holds \\u{{{:x}}} (an invisible or control character) at character {}; copy it by hand from the text shown, where it is made visible",
            c as u32,
            at + 1
        )),
    }
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

    #[test]
    fn separators_tags_and_invisible_format_characters_are_hazards() {
        for c in [
            '\u{2028}',
            '\u{2029}',
            '\u{e0001}',
            '\u{e0041}',
            '\u{e007f}',
            '\u{ad}',
            '\u{2061}',
            '\u{2064}',
            '\u{206a}',
            '\u{206f}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{600}',
            '\u{1d173}',
            '\u{fe00}',
            '\u{e0100}',
            '\u{85}',
            '\r',
        ] {
            assert!(is_hazard(c), "U+{:04X}", c as u32);
            let shown = visible(&format!("a{c}b"));
            assert_eq!(shown, format!("a\\u{{{:x}}}b", c as u32));
        }
        // Ordinary text, emoji presentation selectors and joiners-free emoji pass.
        for ok in ["⚠️ disk full", "naïve café", "日本語", "✅", "\u{fe0e}"] {
            assert!(!has_hazard(ok), "{ok}");
        }
        assert_eq!(visible_lines("a\u{2028}b\nc"), "a\\u{2028}b\nc");
    }

    #[test]
    fn every_format_character_is_a_hazard() {
        // Unicode 15's general category Cf, in full.
        let cf: &[(u32, u32)] = &[
            (0xad, 0xad),
            (0x600, 0x605),
            (0x61c, 0x61c),
            (0x6dd, 0x6dd),
            (0x70f, 0x70f),
            (0x890, 0x891),
            (0x8e2, 0x8e2),
            (0x180e, 0x180e),
            (0x200b, 0x200f),
            (0x202a, 0x202e),
            (0x2060, 0x2064),
            (0x2066, 0x206f),
            (0xfeff, 0xfeff),
            (0xfff9, 0xfffb),
            (0x110bd, 0x110bd),
            (0x110cd, 0x110cd),
            (0x13430, 0x1343f),
            (0x1bca0, 0x1bca3),
            (0x1d173, 0x1d17a),
            (0xe0001, 0xe0001),
            (0xe0020, 0xe007f),
        ];
        for &(lo, hi) in cf {
            for c in (lo..=hi).filter_map(char::from_u32) {
                assert!(is_hazard(c), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn the_clipboard_takes_plain_text_and_refuses_hazards() {
        assert_eq!(
            for_clipboard("kubectl get pods\n\tls"),
            Ok("kubectl get pods\n\tls".to_string())
        );
        let e = for_clipboard("rm -rf /tmp/x\u{202e}fdp").unwrap_err();
        assert!(e.contains("\\u{202e}") && e.contains("character 14"), "{e}");
        assert!(for_clipboard("echo\u{1b}]52;c;aGk=\u{7}").is_err());
        assert!(for_clipboard("a\rb").is_err());
        assert!(for_clipboard("tag\u{e0041}").is_err());
    }
}
