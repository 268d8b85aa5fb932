//! The walk over pulldown-cmark's events that builds a Markdown text's lines: blocks, lists
//! and their markers, quotes, code blocks kept exactly, headings, inline styles, links and
//! HTML reduced to its text. `markdown::render` drives it.

use super::{Line, Span, Style, strip_tags};
use crate::runbook::sanitize::visible;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

/// A list being rendered: its next number (None: bullets) and its current marker's width.
struct List {
    next: Option<u64>,
    width: usize,
}

#[derive(Default)]
pub(super) struct Renderer {
    pub(super) lines: Vec<Line>,
    pub(super) cur: Vec<Span>,
    style: Style,
    heading: Option<u8>,
    lists: Vec<List>,
    /// The current item's marker, until its first line is out.
    marker: Option<String>,
    quote: usize,
    pub(super) code: Option<String>,
    links: Vec<String>,
    /// A block ended: the next one starts after a blank line.
    blank: bool,
    /// The current line is an indented paragraph line, kept as written.
    pub(super) kept: bool,
}
impl Renderer {
    pub(super) fn event(&mut self, ev: Event<'_>) {
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

    pub(super) fn start(&mut self, tag: Tag<'_>) {
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

    pub(super) fn end(&mut self, tag: TagEnd) {
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
    pub(super) fn block(&mut self) {
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

    pub(super) fn text(&mut self, t: &str) {
        let style = self.style;
        self.push(t, style);
    }

    pub(super) fn push(&mut self, t: &str, style: Style) {
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
    pub(super) fn prefix(&mut self, take: bool) -> String {
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

    pub(super) fn flush(&mut self) {
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

    pub(super) fn code_block(&mut self) {
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
    pub(super) fn html_block(&mut self, t: &str) {
        for line in t.split('\n') {
            let text = strip_tags(line);
            if !text.trim().is_empty() {
                self.text(text.trim());
                self.flush();
            }
        }
    }
}

pub(super) fn plain_span(t: &str) -> Span {
    Span {
        text: t.to_string(),
        style: Style::default(),
    }
}

pub(super) fn level_number(l: HeadingLevel) -> u8 {
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
pub(super) fn html_tag(t: &str) -> Option<&'static str> {
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
