//! Runbook Markdown (step bodies, `about`) as lines for a terminal: CommonMark through
//! pulldown-cmark, rendered to styled spans that a view colours and `show` or an export prints
//! plainly. Prose paragraphs are one line each (a view wraps them to its width); code blocks
//! keep their lines exactly, never reflowed; lists are indented with their markers, nested ones deeper; headings, emphasis
//! and inline code are styles; links read "text (url)"; HTML such as `<details>` keeps only
//! its text. Pure, and everything that comes out has been through `sanitize::visible`.
//!
//! This module never wraps prose (the width is the view's business) and never panics on any
//! input.

use super::sanitize::visible;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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

/// A list being rendered: its next number (None: bullets) and its current marker's width.
struct List {
    next: Option<u64>,
    width: usize,
}

#[derive(Default)]
struct Renderer {
    lines: Vec<Line>,
    cur: Vec<Span>,
    style: Style,
    heading: Option<u8>,
    lists: Vec<List>,
    /// The current item's marker, until its first line is out.
    marker: Option<String>,
    quote: usize,
    code: Option<String>,
    links: Vec<String>,
    /// A block ended: the next one starts after a blank line.
    blank: bool,
    /// The current line is an indented paragraph line, kept as written.
    kept: bool,
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

impl Renderer {
    fn event(&mut self, ev: Event<'_>) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => match &mut self.code {
                Some(buf) => buf.push_str(&t),
                None => self.text(&t),
            },
            Event::Code(t) => {
                let style = Style {
                    code: true,
                    ..self.style
                };
                self.push(&t, style);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::Html(t) => self.html_block(&t),
            Event::InlineHtml(t) => match html_tag(&t) {
                Some("br") => self.flush(),
                // Formatting tags go; anything else (`<id>`, `<pod-name>`) is a placeholder
                // people wrote, kept as text.
                Some(
                    "kbd" | "code" | "b" | "i" | "em" | "strong" | "sup" | "sub" | "span" | "a"
                    | "img" | "p" | "div" | "details" | "summary" | "u" | "small" | "mark",
                ) => {}
                _ => self.text(&t),
            },
            Event::FootnoteReference(t) => self.text(&format!("[^{t}]")),
            // Prose is reflowed (a soft break is a space); a hard break keeps its line.
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.block();
                self.cur.push(plain_span("────────"));
                self.flush();
                self.blank = true;
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::TableHead | Tag::TableRow | Tag::HtmlBlock => self.block(),
            Tag::Heading { level, .. } => {
                self.block();
                self.heading = Some(level_number(level));
            }
            Tag::BlockQuote(_) => {
                self.block();
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                // A fence's info string (`sh`, `promql`) is not shown; the lines are.
                self.block();
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.block();
                }
                self.lists.push(List {
                    next: start,
                    width: 2,
                });
            }
            Tag::Item => {
                self.flush();
                if let Some(l) = self.lists.last_mut() {
                    let m = match &mut l.next {
                        Some(n) => {
                            let m = format!("{n}. ");
                            *n += 1;
                            m
                        }
                        None => "- ".to_string(),
                    };
                    l.width = m.chars().count();
                    self.marker = Some(m);
                }
                self.blank = false;
            }
            Tag::Emphasis | Tag::Strikethrough => self.style.emphasis = true,
            Tag::Strong => self.style.strong = true,
            Tag::Link { dest_url, .. } => {
                self.style.link = true;
                self.links.push(dest_url.to_string());
            }
            Tag::Image { dest_url, .. } => {
                self.text("[image: ");
                self.links.push(dest_url.to_string());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableHead | TagEnd::TableRow => {
                self.flush();
                self.heading = None;
                self.blank = !matches!(tag, TagEnd::TableHead | TagEnd::TableRow);
            }
            TagEnd::TableCell => self.text(" | "),
            TagEnd::HtmlBlock => {
                self.flush();
                self.blank = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
                self.blank = true;
            }
            TagEnd::CodeBlock => self.code_block(),
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                self.blank = self.lists.is_empty();
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis | TagEnd::Strikethrough => self.style.emphasis = false,
            TagEnd::Strong => self.style.strong = false,
            TagEnd::Link => {
                self.style.link = false;
                let url = self.links.pop().unwrap_or_default();
                let text: String = self.cur.iter().map(|s| s.text.as_str()).collect();
                if !url.is_empty() && !text.ends_with(&visible(&url)) {
                    self.text(&format!(" ({url})"));
                }
            }
            TagEnd::Image => {
                let url = self.links.pop().unwrap_or_default();
                self.text(&format!("] ({url})"));
            }
            _ => {}
        }
    }

    /// A block starts: after a blank line when one ended just before.
    fn block(&mut self) {
        self.flush();
        if self.blank && !self.lines.is_empty() {
            let prefix = self.prefix(false).trim_end().to_string();
            self.lines.push(Line {
                prefix,
                ..Line::default()
            });
        }
        self.blank = false;
    }

    fn text(&mut self, t: &str) {
        let style = self.style;
        self.push(t, style);
    }

    fn push(&mut self, t: &str, style: Style) {
        // Text never holds a newline here except in HTML and code, handled apart.
        for (i, part) in t.split('\n').enumerate() {
            if i > 0 {
                self.flush();
            }
            if !part.is_empty() {
                self.cur.push(Span {
                    text: visible(part),
                    style,
                });
            }
        }
    }

    /// The prefix of the next line: quote bars, then list indentation, with the item's marker
    /// on its first line (`take`).
    fn prefix(&mut self, take: bool) -> String {
        let mut p = "> ".repeat(self.quote);
        let n = self.lists.len();
        for (i, l) in self.lists.iter().enumerate() {
            if i + 1 == n && take && self.marker.is_some() {
                break;
            }
            p.push_str(&" ".repeat(l.width));
        }
        if take && let Some(m) = self.marker.take() {
            p.push_str(&m);
        }
        p
    }

    fn flush(&mut self) {
        if self.cur.is_empty() {
            return;
        }
        let spans = std::mem::take(&mut self.cur);
        let prefix = self.prefix(true);
        self.lines.push(Line {
            prefix,
            spans,
            code: false,
            heading: self.heading,
        });
    }

    fn code_block(&mut self) {
        let buf = self.code.take().unwrap_or_default();
        let buf = buf.strip_suffix('\n').unwrap_or(&buf);
        for line in buf.split('\n') {
            let prefix = self.prefix(true);
            self.lines.push(Line {
                prefix,
                spans: vec![Span {
                    text: visible(line),
                    style: Style::default(),
                }],
                code: true,
                heading: None,
            });
        }
        self.blank = true;
    }

    /// An HTML block (`<details>`, `<summary>`, comments): its text without the tags.
    fn html_block(&mut self, t: &str) {
        for line in t.split('\n') {
            let text = strip_tags(line);
            if !text.trim().is_empty() {
                self.text(text.trim());
                self.flush();
            }
        }
    }
}

fn plain_span(t: &str) -> Span {
    Span {
        text: t.to_string(),
        style: Style::default(),
    }
}

fn level_number(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The lower-case name of an HTML tag (`<br/>`, `</kbd>`), if `t` is one.
fn html_tag(t: &str) -> Option<&'static str> {
    let inner = t.trim().strip_prefix('<')?.trim_start_matches('/');
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    const KNOWN: &[&str] = &[
        "br", "kbd", "code", "b", "i", "em", "strong", "sup", "sub", "span", "a", "img", "p",
        "div", "details", "summary", "u", "small", "mark",
    ];
    KNOWN.iter().find(|k| **k == name).copied()
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
