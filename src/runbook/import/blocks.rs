//! A Markdown runbook cut into the top-level blocks the importer works with: headings,
//! paragraphs, code blocks, lists (each item with its text, its code and its sub-items), and
//! anything else kept as source. Pure; built on pulldown-cmark's source offsets, so what is
//! kept is the author's own Markdown.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One top-level block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
    },
    /// A paragraph, as written.
    Para(String),
    Code {
        lang: String,
        body: String,
    },
    List {
        ordered: bool,
        items: Vec<Item>,
    },
    /// A quote, table, HTML block or rule, as written.
    Other(String),
}

/// One list item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    /// Its first paragraph, as Markdown, on one line.
    pub text: String,
    /// Its inline code spans, in order.
    pub inline_code: Vec<String>,
    /// Its code blocks: language and body.
    pub code: Vec<(String, String)>,
    /// The texts of its nested items, as Markdown.
    pub sub: Vec<String>,
}

/// Every top-level block of `md`, in order.
pub fn blocks(md: &str) -> Vec<Block> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut out = Vec::new();
    let mut it = Parser::new_ext(md, opts).into_offset_iter().peekable();
    while let Some((ev, range)) = it.next() {
        let src = md.get(range.clone()).unwrap_or("").trim_end().to_string();
        let Event::Start(tag) = ev else {
            if let Event::Html(_) | Event::Rule = ev {
                out.push(Block::Other(src));
            }
            continue;
        };
        match tag {
            Tag::Heading { level, .. } => {
                let text = inline_text(&mut it, TagEnd::Heading(level));
                out.push(Block::Heading {
                    level: level as u8,
                    text,
                });
            }
            Tag::Paragraph => {
                skip(&mut it);
                out.push(Block::Para(src));
            }
            Tag::CodeBlock(kind) => {
                let body = code_body(&mut it);
                out.push(Block::Code {
                    lang: lang(&kind),
                    body,
                });
            }
            Tag::List(start) => {
                let items = list(&mut it);
                out.push(Block::List {
                    ordered: start.is_some(),
                    items,
                });
            }
            _ => {
                skip(&mut it);
                out.push(Block::Other(src));
            }
        }
    }
    out
}

type Events<'a, I> = std::iter::Peekable<I>;

fn lang(kind: &CodeBlockKind<'_>) -> String {
    match kind {
        CodeBlockKind::Fenced(info) => info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or("")
            .to_lowercase(),
        CodeBlockKind::Indented => String::new(),
    }
}

/// Skips to the end of the element just started.
fn skip<'a, I>(it: &mut Events<'a, I>)
where
    I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
{
    let mut depth = 1usize;
    for (ev, _) in it.by_ref() {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return;
        }
    }
}

fn code_body<'a, I>(it: &mut Events<'a, I>) -> String
where
    I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
{
    let mut body = String::new();
    for (ev, _) in it.by_ref() {
        match ev {
            Event::Text(t) => body.push_str(&t),
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
    }
    body
}

/// The inline content up to `end`, as Markdown on one line.
fn inline_text<'a, I>(it: &mut Events<'a, I>, end: TagEnd) -> String
where
    I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
{
    let mut s = String::new();
    let mut codes = Vec::new();
    for (ev, _) in it.by_ref() {
        if matches!(&ev, Event::End(e) if *e == end) {
            break;
        }
        inline(&ev, &mut s, &mut codes);
    }
    s.trim().to_string()
}

/// Appends one inline event as Markdown.
fn inline(ev: &Event<'_>, s: &mut String, codes: &mut Vec<String>) {
    match ev {
        Event::Text(t) => s.push_str(t),
        Event::Code(t) => {
            s.push('`');
            s.push_str(t);
            s.push('`');
            codes.push(t.to_string());
        }
        Event::SoftBreak | Event::HardBreak => s.push(' '),
        Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => s.push('*'),
        Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => s.push_str("**"),
        Event::Start(Tag::Link { .. }) => s.push('['),
        Event::End(TagEnd::Link) => s.push(']'),
        _ => {}
    }
}

/// The items of a list just started, up to its end.
fn list<'a, I>(it: &mut Events<'a, I>) -> Vec<Item>
where
    I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
{
    let mut items = Vec::new();
    while let Some((ev, _)) = it.next() {
        match ev {
            Event::Start(Tag::Item) => items.push(item(it)),
            Event::End(TagEnd::List(_)) => break,
            _ => {}
        }
    }
    items
}

/// One item, up to its end: its first paragraph's text, code, nested items' texts.
fn item<'a, I>(it: &mut Events<'a, I>) -> Item
where
    I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
{
    let mut out = Item::default();
    let mut paragraphs = 0;
    let mut link_urls: Vec<String> = Vec::new();
    while let Some((ev, _)) = it.next() {
        match ev {
            Event::End(TagEnd::Item) => break,
            Event::Start(Tag::CodeBlock(kind)) => {
                let body = code_body(it);
                out.code.push((lang(&kind), body));
            }
            Event::Start(Tag::List(_)) => {
                for sub in list(it) {
                    out.sub.push(sub.text.clone());
                    out.code.extend(sub.code);
                }
            }
            Event::Start(Tag::Paragraph) => {
                paragraphs += 1;
                if paragraphs > 1 {
                    out.text.push(' ');
                }
            }
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                link_urls.push(dest_url.to_string());
                out.text.push('[');
            }
            Event::End(TagEnd::Link) => {
                let url = link_urls.pop().unwrap_or_default();
                out.text.push_str(&format!("]({url})"));
            }
            ev => inline(&ev, &mut out.text, &mut out.inline_code),
        }
    }
    out.text = out.text.trim().to_string();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_items_and_code_in_items() {
        let md = "# T\n\nSome *text*.\n\n```sh\nls -l\n```\n\n1. Check `kubectl get po`\n   ```bash\n   kubectl logs x\n   ```\n   - nested one\n2. [Docs](https://d.example)\n\n| a |\n|---|\n";
        let b = blocks(md);
        assert_eq!(
            b[0],
            Block::Heading {
                level: 1,
                text: "T".into()
            }
        );
        assert_eq!(b[1], Block::Para("Some *text*.".into()));
        assert_eq!(
            b[2],
            Block::Code {
                lang: "sh".into(),
                body: "ls -l\n".into()
            }
        );
        let Block::List { ordered, items } = &b[3] else {
            panic!("{:?}", b[3]);
        };
        assert!(*ordered);
        assert_eq!(items[0].text, "Check `kubectl get po`");
        assert_eq!(items[0].inline_code, vec!["kubectl get po"]);
        assert_eq!(
            items[0].code,
            vec![("bash".into(), "kubectl logs x\n".into())]
        );
        assert_eq!(items[0].sub, vec!["nested one"]);
        assert_eq!(items[1].text, "[Docs](https://d.example)");
        assert!(matches!(b[4], Block::Other(_)));
    }
}
