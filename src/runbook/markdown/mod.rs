//! Runbook Markdown (step bodies, `about`) as lines for a terminal: CommonMark through
//! pulldown-cmark, rendered to styled spans that a view colours and `show` or an export prints
//! plainly. Prose paragraphs are one line each (a view wraps them to its width); code blocks
//! keep their lines exactly, never reflowed; lists are indented with their markers, nested ones deeper; headings, emphasis
//! and inline code are styles; links read "text (url)"; HTML such as `<details>` keeps only
//! its text. Pure, and everything that comes out has been through `sanitize::visible`.
//!
//! This module never wraps prose (the width is the view's business) and never panics on any
//! input.
//!
//! Here: the lines and spans that come out, and the entries (`render`, `plain`,
//! `plain_wrapped`, `strip_tags`); the walk over pulldown-cmark's events that builds them is
//! `renderer`.

mod renderer;

use renderer::{Renderer, plain_span};

use pulldown_cmark::{Event, Options, Parser};

/// How a span is meant to look. Reads without colour: only a view adds any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub strong: bool,
    pub emphasis: bool,
    /// Inline code.
    pub code: bool,
    /// A link's text.
    pub link: bool,
}

/// A run of text in one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// One line as it is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    /// Indentation, list markers and quote bars.
    pub prefix: String,
    pub spans: Vec<Span>,
    /// A code block's line: shown exactly, never reflowed.
    pub code: bool,
    /// A heading's level (1-6).
    pub heading: Option<u8>,
}

impl Line {
    /// The line as plain text: inline code in backticks, a code line indented four more.
    pub fn plain(&self) -> String {
        let mut s = self.prefix.clone();
        if self.code {
            s.push_str("    ");
        }
        for sp in &self.spans {
            if sp.style.code {
                s.push('`');
                s.push_str(&sp.text);
                s.push('`');
            } else {
                s.push_str(&sp.text);
            }
        }
        s
    }
}

/// Renders `md` to lines. Trailing blank lines are dropped.
pub fn render(md: &str) -> Vec<Line> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut r = Renderer::default();
    for (ev, range) in Parser::new_ext(md, opts).into_offset_iter() {
        // A paragraph line that is indented keeps its own line and its indent: runbooks
        // wrote commands in prose that way before bodies were Markdown.
        if matches!(ev, Event::HardBreak)
            && md.get(range.clone()).is_some_and(|t| t.starts_with('\\'))
        {
            // A backslash line end is a command's continuation as often as a break: kept.
            r.text("\\");
        }
        if matches!(ev, Event::SoftBreak | Event::HardBreak) && r.code.is_none() {
            let next = md.get(range.end..).unwrap_or("");
            let next = next.strip_prefix('\n').unwrap_or(next);
            let indent = next.len() - next.trim_start_matches(' ').len();
            if indent > 0 && !next.trim().is_empty() {
                r.flush();
                r.cur.push(plain_span(&" ".repeat(indent)));
                r.kept = true;
                continue;
            }
            // And the line after an indented one (or a hard break) starts anew.
            if r.kept || matches!(ev, Event::HardBreak) {
                r.flush();
                r.kept = false;
                continue;
            }
        }
        if matches!(ev, Event::End(_)) {
            r.kept = false;
        }
        r.event(ev);
    }
    r.flush();
    while r
        .lines
        .last()
        .is_some_and(|l| l.spans.is_empty() && !l.code)
    {
        r.lines.pop();
    }
    r.lines
}

/// Renders `md` to plain text lines (headings underlined), for `show` and exports.
pub fn plain(md: &str) -> Vec<String> {
    render(md)
        .iter()
        .flat_map(|l| plain_one(l, l.plain()))
        .collect()
}

/// `plain`, with prose lines wrapped at spaces to `width` characters (continuations indented
/// under the text, after any list marker); code lines are never wrapped.
pub fn plain_wrapped(md: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for l in render(md) {
        let text = l.plain();
        // An indented line kept from prose is a command as often as not: never wrapped.
        let kept = text[l.prefix.len()..].starts_with(' ');
        if l.code || kept || l.heading.is_some() || text.chars().count() <= width {
            out.extend(plain_one(&l, text));
            continue;
        }
        let indent = " ".repeat(l.prefix.chars().count());
        let mut cur = String::new();
        for word in text.split(' ') {
            let cur_w = cur.chars().count();
            if cur_w > indent.len() && cur_w + 1 + word.chars().count() > width {
                out.push(std::mem::replace(&mut cur, indent.clone()));
            } else if !cur.is_empty() && !cur.ends_with(' ') {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        out.push(cur.trim_end().to_string());
    }
    out
}

/// One rendered line as plain text, a heading with its underline.
fn plain_one(l: &Line, text: String) -> Vec<String> {
    let mut out = vec![text.trim_end().to_string()];
    if let Some(level) = l.heading {
        let width = text
            .chars()
            .count()
            .saturating_sub(l.prefix.chars().count());
        let rule = if level == 1 { "=" } else { "-" };
        out.push(format!("{}{}", l.prefix, rule.repeat(width.max(1))));
    }
    out
}

/// `text` without `<...>` tags and `<!-- -->` comments.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_keep_their_lines_and_lists_nest() {
        let md = "Check the pods:\n\n```sh\nkubectl get pods -n x \\\n  -o wide   # aligned\n```\n\n1. First\n   - nested `kubectl` item\n   - second\n2. Then\n\n   ```\n   in an item\n   ```\n";
        assert_eq!(
            plain(md),
            vec![
                "Check the pods:",
                "",
                "    kubectl get pods -n x \\",
                "      -o wide   # aligned",
                "",
                "1. First",
                "   - nested `kubectl` item",
                "   - second",
                "2. Then",
                "",
                "       in an item",
            ]
        );
    }

    #[test]
    fn headings_emphasis_links_and_html_read_plainly() {
        let md = "## Impact\n\nUsers *cannot* log in, **see** [the dashboard](https://g.example/d).\n<https://x.example>\n\n<details>\n<summary>More</summary>\n\nHidden text.\n</details>\n";
        assert_eq!(
            plain(md),
            vec![
                "Impact",
                "------",
                "",
                "Users cannot log in, see the dashboard (https://g.example/d). https://x.example",
                "",
                "More",
                "",
                "Hidden text.",
            ]
        );
        let lines = render("*a* **b** [c](u)");
        let styles: Vec<Style> = lines[0].spans.iter().map(|s| s.style).collect();
        assert!(styles[0].emphasis && styles[2].strong && styles[4].link);
    }

    #[test]
    fn indented_lines_in_prose_keep_their_lines() {
        let md = "Per member, majority first:\n  aws ec2 stop-instances --ids <id> \\\n    --dry-run\n  aws ec2 start-instances\nThen on the host:\nsystemctl start etcd.\n";
        assert_eq!(
            plain(md),
            vec![
                "Per member, majority first:",
                "  aws ec2 stop-instances --ids <id> \\",
                "    --dry-run",
                "  aws ec2 start-instances",
                "Then on the host: systemctl start etcd.",
            ]
        );
    }

    #[test]
    fn show_wraps_prose_but_never_code() {
        let md = "- one two three four five six\n\n```\nA B C D E F G H I J K\n```\n";
        assert_eq!(
            plain_wrapped(md, 12),
            vec![
                "- one two",
                "  three four",
                "  five six",
                "",
                "    A B C D E F G H I J K"
            ]
        );
    }

    #[test]
    fn everything_is_sanitised_and_nothing_panics() {
        let hostile = "a\u{1b}[31mred\u{202e}\n\n```\n\u{1b}]52;c;x\u{7}\n```\n";
        for l in plain(hostile) {
            assert!(!l.chars().any(super::super::sanitize::is_hazard), "{l:?}");
        }
        for md in [
            "",
            "```",
            "- ",
            "> > >",
            "[x](",
            "<details>",
            "|a|\n|-|\n|b|",
            "1.\n\t\t-",
        ] {
            let _ = plain(md);
        }
    }
}
