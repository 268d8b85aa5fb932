//! The first passes over a Markdown runbook: front matter read and removed, Hugo shortcodes,
//! HTML comments and `<details>` wrappers removed (their text kept), then the document cut
//! into its title and sections. Pure.

use super::blocks::{Block, blocks};
use super::{Section, classify};
use std::collections::BTreeMap;

/// A file after the first passes.
pub struct Prep {
    /// Front matter keys (YAML `key: value` or TOML `key = value`), lower case.
    pub front: BTreeMap<String, String>,
    pub body: String,
    /// What was left out, for the header comment.
    pub dropped: Vec<String>,
}

pub fn prepare(text: &str) -> Prep {
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let mut dropped = Vec::new();
    let (front, body) = front_matter(&text);
    let unused: Vec<&str> = front
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "title" | "severity"))
        .collect();
    if !unused.is_empty() {
        dropped.push(format!("front matter: {}", unused.join(", ")));
    }
    let (body, shortcodes) = strip_shortcodes(body);
    if !shortcodes.is_empty() {
        dropped.push(format!(
            "Hugo shortcodes (their text kept): {}",
            shortcodes.join(", ")
        ));
    }
    let (body, comments) = strip_comments(&body);
    if comments > 0 {
        dropped.push(format!("{comments} HTML comment(s)"));
    }
    let body = details(&body);
    let body = reference_links(&body);
    Prep {
        front,
        body,
        dropped,
    }
}

fn front_matter(text: &str) -> (BTreeMap<String, String>, &str) {
    let mut front = BTreeMap::new();
    for fence in ["---", "+++"] {
        let Some(rest) = text.strip_prefix(fence).and_then(|r| r.strip_prefix('\n')) else {
            continue;
        };
        let Some(end) = rest.find(&format!("\n{fence}")) else {
            continue;
        };
        for line in rest[..end].lines() {
            let sep = if fence == "---" { ':' } else { '=' };
            if let Some((k, v)) = line.split_once(sep)
                && !line.starts_with([' ', '\t', '-'])
            {
                let v = v.trim().trim_matches(['"', '\'']).to_string();
                front.insert(k.trim().to_lowercase(), v);
            }
        }
        let after = &rest[end + 1 + fence.len()..];
        return (front, after.strip_prefix('\n').unwrap_or(after));
    }
    (front, text)
}

/// Removes `{{< name ... >}}`, `{{< /name >}}`, `{{% ... %}}`: the names it removed.
fn strip_shortcodes(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let after = &rest[at + 2..];
        let kind = after.trim_start().chars().next();
        let close = match kind {
            Some('<') => after.find(">}}"),
            Some('%') => after.find("%}}"),
            _ => None,
        };
        let Some(close) = close else {
            out.push_str(&rest[..at + 2]);
            rest = after;
            continue;
        };
        let inner = after[..close]
            .trim_start()
            .trim_start_matches(['<', '%'])
            .trim();
        let name: String = inner
            .trim_start_matches('/')
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        out.push_str(&rest[..at]);
        rest = &after[close + 3..];
    }
    out.push_str(rest);
    (out, names)
}

fn strip_comments(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    let mut rest = text;
    while let Some(at) = rest.find("<!--") {
        out.push_str(&rest[..at]);
        match rest[at..].find("-->") {
            Some(end) => rest = &rest[at + end + 3..],
            None => rest = "",
        }
        n += 1;
    }
    out.push_str(rest);
    (out, n)
}

/// Reference links (`[text][label]`, `[label]` with a `[label]: url` line) made inline, so
/// every piece of text that becomes a body keeps its targets.
fn reference_links(text: &str) -> String {
    let mut defs: Vec<(String, String)> = Vec::new();
    let mut kept = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let def = t
            .strip_prefix('[')
            .and_then(|r| r.split_once("]:"))
            .filter(|(l, u)| {
                !l.is_empty() && !l.contains(']') && !u.trim().is_empty() && !u.trim().contains(' ')
            });
        match def {
            Some((label, url)) if line.len() - t.len() < 4 => {
                defs.push((
                    label.to_lowercase(),
                    url.trim().trim_matches(['<', '>']).to_string(),
                ));
            }
            _ => kept.push(line),
        }
    }
    let mut out = kept.join("\n");
    out.push('\n');
    for (label, url) in &defs {
        for form in [
            format!("][{label}]"),
            format!("][{}]", label.to_uppercase()),
        ] {
            out = out.replace(&form, &format!("]({url})"));
        }
    }
    out
}

/// `<details>` and `</details>` lines go; `<summary>X</summary>` becomes a bold line.
fn details(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim();
        let lower = t.to_lowercase();
        if lower.starts_with("<details") || lower == "</details>" {
            out.push('\n');
            continue;
        }
        if let Some(inner) = lower
            .strip_prefix("<summary>")
            .and_then(|_| t.get("<summary>".len()..))
        {
            let inner = inner.trim_end_matches("</summary>").trim();
            let inner = super::super::markdown::strip_tags(inner);
            out.push_str(&format!("\n**{}**\n\n", inner.trim()));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The document: its title and its sections in order.
pub struct Sections {
    pub title: Option<String>,
    /// Blocks before the first section.
    pub intro: Vec<Block>,
    pub parts: Vec<Part>,
}

/// One section: what it is, its heading as written, its blocks.
pub struct Part {
    pub section: Section,
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// Cuts the body at the headings of the section level: the level of the first heading that
/// names a known section (`## Meaning` in most repositories, `# Meaning` in some).
pub fn sections(body: &str) -> Sections {
    let all = blocks(body);
    // A first `# Title` is the title even when its words look like a section's.
    let title_first = matches!(all.first(), Some(Block::Heading { level: 1, .. }));
    let known = |skip: usize| {
        all.iter().skip(skip).find_map(|b| match b {
            Block::Heading { level, text } if classify(text) != Section::Other => Some(*level),
            _ => None,
        })
    };
    let level = known(usize::from(title_first))
        .or_else(|| known(0))
        .unwrap_or(2);
    let mut s = Sections {
        title: None,
        intro: Vec::new(),
        parts: Vec::new(),
    };
    for b in all {
        match &b {
            Block::Heading { level: l, text }
                if *l < level
                    || (*l == 1
                        && s.title.is_none()
                        && s.parts.is_empty()
                        && classify(text) == Section::Other) =>
            {
                if s.title.is_none() {
                    s.title = Some(text.clone());
                } else {
                    s.intro.push(b.clone());
                }
            }
            Block::Heading { level: l, text } if *l == level => s.parts.push(Part {
                section: classify(text),
                heading: text.clone(),
                blocks: Vec::new(),
            }),
            _ => match s.parts.last_mut() {
                Some(p) => p.blocks.push(b),
                None => s.intro.push(b),
            },
        }
    }
    s
}

impl Sections {
    /// True when nothing is there but headings and TODO-like words.
    pub fn is_empty_stub(&self) -> bool {
        let words: String = self
            .intro
            .iter()
            .chain(self.parts.iter().flat_map(|p| p.blocks.iter()))
            .map(source)
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let stripped: String = [
            "todo",
            "tbd",
            "coming soon",
            "to be written",
            "wip",
            "fixme",
            "placeholder",
            "...",
            ":",
        ]
        .iter()
        .fold(words, |w, t| w.replace(t, " "));
        stripped.split_whitespace().count() < 3
    }

    /// The first sentence of the Meaning section (or of the intro), at most 200 characters.
    pub fn summary(&self) -> String {
        let text = self
            .parts
            .iter()
            .find(|p| p.section == Section::Meaning)
            .map(|p| &p.blocks)
            .unwrap_or(&self.intro)
            .iter()
            .find_map(|b| match b {
                Block::Para(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let one = super::steps::plain_words(&text);
        let first = one
            .split(". ")
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches('.');
        let mut s: String = first.chars().take(200).collect();
        if s.is_empty() {
            s = "Imported from Markdown: review before use.".into();
        } else {
            s.push('.');
        }
        s
    }

    /// Every section that is not steps, as Markdown under its heading: `about`.
    pub fn about(&self) -> String {
        let mut out = Vec::new();
        let intro: Vec<String> = self.intro.iter().map(source).collect();
        if !intro.is_empty() {
            out.push(intro.join("\n\n"));
        }
        for p in &self.parts {
            if matches!(p.section, Section::Diagnosis | Section::Mitigation) {
                continue;
            }
            let body: Vec<String> = p.blocks.iter().map(source).collect();
            out.push(format!("## {}\n\n{}", p.heading, body.join("\n\n")));
        }
        out.join("\n\n").trim().to_string()
    }
}

/// A block as Markdown again.
pub fn source(b: &Block) -> String {
    match b {
        Block::Heading { level, text } => {
            format!("{} {text}", "#".repeat((*level as usize).clamp(3, 6)))
        }
        Block::Para(t) | Block::Other(t) => t.clone(),
        Block::Code { lang, body } => fence(lang, body),
        Block::List { ordered, items } => items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let marker = if *ordered {
                    format!("{}.", i + 1)
                } else {
                    "-".into()
                };
                let mut s = format!("{marker} {}", it.text);
                for sub in &it.sub {
                    s.push_str(&format!("\n   - {sub}"));
                }
                for (lang, body) in &it.code {
                    for l in fence(lang, body).lines() {
                        s.push_str(&format!("\n   {l}"));
                    }
                }
                s
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// A fenced code block longer than any backtick run inside.
pub fn fence(lang: &str, body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let f = "`".repeat((longest + 1).max(3));
    format!("{f}{lang}\n{}\n{f}", body.trim_end_matches('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_shortcodes_comments_and_details() {
        let p = prepare(
            "---\ntitle: \"Disk full\"\nweight: 20\n---\n# X\n{{< hint warning >}}\nCareful.\n{{< /hint >}}\n<!-- hidden -->\n<details>\n<summary>More</summary>\n\nText\n</details>\n",
        );
        assert_eq!(p.front.get("title").map(String::as_str), Some("Disk full"));
        assert!(p.body.contains("Careful."));
        assert!(
            !p.body.contains("{{<") && !p.body.contains("hidden") && !p.body.contains("<details")
        );
        assert!(p.body.contains("**More**"));
        assert_eq!(
            p.dropped,
            vec![
                "front matter: weight".to_string(),
                "Hugo shortcodes (their text kept): hint".to_string(),
                "1 HTML comment(s)".to_string()
            ]
        );
    }

    #[test]
    fn sections_at_either_level_and_stubs() {
        let s = sections("# Alert\n\n## Meaning\n\nIt means X. More.\n\n## Mitigation\n\nDo Y.\n");
        assert_eq!(s.title.as_deref(), Some("Alert"));
        assert_eq!(s.parts.len(), 2);
        assert_eq!(s.summary(), "It means X.");
        let s = sections("# Meaning\n\nIt means X.\n\n# Diagnosis\n\nLook.\n");
        assert_eq!(s.title, None);
        assert_eq!(s.parts[1].section, Section::Diagnosis);
        assert!(sections("# X\n\n## Meaning\n\nTODO\n\n## Mitigation\n\nTBD\n").is_empty_stub());
    }
}
