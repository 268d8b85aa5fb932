//! Putting user text into CommonMark so that it reads as what was typed and nothing more: no
//! emphasis, links, HTML, headings or table breaks it did not ask for, and no control or bidi
//! characters (those are shown as `\u{..}`, like `crate::runbook::sanitize::visible`).
//!
//! Owns: every escape of text that came from a person or a command. Must never: drop
//! characters silently (everything is either kept, escaped or made visible).

use crate::runbook::sanitize::is_hazard;
use std::fmt::Write as _;

/// Punctuation that can change how inline text reads wherever it stands: code spans,
/// emphasis, HTML and autolinks, links and images (`[` opens both), GFM table cells, and
/// backslash escapes themselves. Backslash-escaping ASCII punctuation is
/// always allowed in CommonMark, so escaping one of these is never wrong.
const SPECIAL: &[char] = &['\\', '`', '*', '<', '[', '|'];

/// One piece of inline text (a list item, heading or table cell; never the start of a line):
/// what could be read as Markdown escaped, line breaks as `<br>`, tabs as spaces, hazards made
/// visible, the ends trimmed. Escapes only where needed, so the raw draft stays easy to edit:
/// `_` inside a word and `&` not starting an entity are left alone.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_text(&mut out, s);
    out
}

/// `text`, appended to `out`. The export's hot path: runs of characters that need nothing
/// are copied as whole slices, and nothing is allocated.
pub fn push_text(out: &mut String, s: &str) {
    let s = s.trim();
    let bytes = s.as_bytes();
    // GFM strikes through text between tildes: with one tilde there is nothing to pair.
    let tildes = bytes.iter().filter(|&&b| b == b'~').count() > 1;
    let (mut i, mut run) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() && !ATTENTION[usize::from(b)] {
            i += 1;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        if !b.is_ascii() && !is_hazard(c) {
            i += len;
            continue;
        }
        out.push_str(&s[run..i]);
        let (before, rest) = (&s[..i], &s[i + len..]);
        let next = rest.chars().next();
        match c {
            // CRLF is one break (the LF makes it); a lone CR is a break too.
            '\r' if next == Some('\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            c if is_hazard(c) => visible(out, c),
            c if SPECIAL.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            // `_` emphasises only at a word boundary; `snake_case` is safe as it is.
            '_' if !(before
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_");
            }
            // `&amp;`, `&#60;`: an entity is `&`, an optional `#`, letters or digits, `;`.
            '&' if starts_entity(rest) => out.push_str("\\&"),
            '~' if tildes => out.push_str("\\~"),
            // Trailing `#`s would be taken as the closing sequence of a heading.
            '#' if rest.bytes().all(|r| r == b'#') => out.push_str("\\#"),
            c => out.push(c),
        }
        i += len;
        run = i;
    }
    out.push_str(&s[run..]);
}

/// ASCII bytes `push_text` must look at: controls, DEL, and punctuation that may need escaping.
const ATTENTION: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 32 {
        t[b] = true;
        b += 1;
    }
    t[127] = true;
    let punct = b"\\`*<[|_&~#";
    let mut i = 0;
    while i < punct.len() {
        t[punct[i] as usize] = true;
        i += 1;
    }
    t
};

/// An inline code span for identifiers (step ids, runbook ids, hashes). A fence longer than
/// any run of backticks inside is used; hazards are made visible and `|` is escaped so the span
/// can sit in a table cell.
pub fn code(s: &str) -> String {
    let mut body = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => body.push(' '),
            c if is_hazard(c) => {
                let _ = write!(body, "\\u{{{:x}}}", c as u32);
            }
            '|' => body.push_str("\\|"),
            c => body.push(c),
        }
    }
    let ticks = "`".repeat(longest_run(&body, '`') + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{body}{pad}{ticks}")
}

/// A fenced code block for multi-line text (commands, command output). Newlines are kept;
/// hazards are made visible; the fence is longer than any run of backticks inside.
pub fn fenced(info: &str, body: &str) -> String {
    let body = body.strip_suffix('\n').unwrap_or(body);
    let shown: std::borrow::Cow<'_, str> = if has_hazard(body) {
        let mut shown = String::with_capacity(body.len() + 8);
        for c in body.chars() {
            match c {
                '\n' | '\t' => shown.push(c),
                // A code block shows backslashes as they are: one is enough.
                c if is_hazard(c) => {
                    let _ = write!(shown, "\\u{{{:x}}}", c as u32);
                }
                c => shown.push(c),
            }
        }
        shown.into()
    } else {
        body.into()
    };
    let fence = "`".repeat((longest_run(&shown, '`') + 1).max(3));
    format!("{fence}{info}\n{shown}\n{fence}\n")
}

/// True when `s` holds a character `is_hazard` refuses (tab and newline are fine). Checks bytes
/// first: most text is ASCII, where only controls and DEL can be hazards.
pub fn has_hazard(s: &str) -> bool {
    let plain = |b: &u8| (b' '..=b'~').contains(b) || *b == b'\n' || *b == b'\t';
    !s.as_bytes().iter().all(plain) && s.chars().any(is_hazard)
}

fn visible(out: &mut String, c: char) {
    // `\\` so the backslash itself is shown, not read as an escape.
    let _ = write!(out, "\\\\u{{{:x}}}", c as u32);
}

fn starts_entity(rest: &str) -> bool {
    let body = rest.strip_prefix('#').unwrap_or(rest);
    let name = body.chars().take_while(char::is_ascii_alphanumeric).count();
    name > 0 && body[name..].starts_with(';')
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_punctuation_pipes_and_newlines_are_escaped() {
        assert_eq!(text("a | b"), "a \\| b");
        assert_eq!(text("line1\nline2\r\nline3"), "line1<br>line2<br>line3");
        assert_eq!(
            text("<script>x</script> & *y* _z_ [l](u) ![i](u)"),
            "\\<script>x\\</script> & \\*y\\* \\_z\\_ \\[l](u) !\\[i](u)"
        );
        assert_eq!(
            text("process_resident_memory &amp; &#60;"),
            "process_resident_memory \\&amp; \\&#60;"
        );
        assert_eq!(text("-> [sev2] R&D"), "-> \\[sev2] R&D");
        assert_eq!(text("issue #12 #"), "issue #12 \\#");
        assert_eq!(
            text("~/src and ~~struck~~"),
            "\\~/src and \\~\\~struck\\~\\~"
        );
        assert_eq!(text("~/src"), "~/src");
        assert_eq!(text("`rm -rf`"), "\\`rm -rf\\`");
        assert_eq!(text("   indented"), "indented");
    }

    #[test]
    fn control_and_bidi_characters_are_made_visible() {
        assert_eq!(text("a\u{1b}[2Jb"), "a\\\\u{1b}\\[2Jb");
        assert_eq!(text("x\u{202e}y"), "x\\\\u{202e}y");
        assert_eq!(text("tab\there"), "tab here");
    }

    #[test]
    fn code_spans_and_fences_outgrow_the_backticks_inside() {
        assert_eq!(code("decide-cause"), "`decide-cause`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(fenced("sh", "echo hi\n"), "```sh\necho hi\n```\n");
        assert_eq!(fenced("", "```\nx"), "````\n```\nx\n````\n");
        assert_eq!(fenced("", "\u{1b}[31mred"), "```\n\\u{1b}[31mred\n```\n");
    }

    proptest::proptest! {
        #[test]
        fn no_input_gets_markup_or_hazards_through(s in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{202e}`*<\\[|\\\\_&~#])*") {
            let out = text(&s);
            proptest::prop_assert!(!out.contains(['\n', '\r']) && !out.chars().any(is_hazard), "{out:?}");
            // Reading it back as CommonMark would: a backslash escapes the next character.
            let mut chars = out.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '<' => proptest::prop_assert!(out[i..].starts_with("<br>"), "raw < in {out:?}"),
                    '`' | '*' | '[' | '|' => proptest::prop_assert!(false, "raw {c} in {out:?}"),
                    _ => {}
                }
            }
        }
    }
}
