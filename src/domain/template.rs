//! The placeholder syntax, and filling `{{name}}` placeholders with an incident's variable
//! values. Pure.
//!
//! Only `{{name}}` whose inside is a variable name (letters, digits, `_`, not starting with a
//! digit; spaces or tabs around it allowed) is a placeholder. Every other `{{` is text, so a
//! Go template (`'{{range .items}}{{.metadata.name}}{{end}}'`), Jinja or JSON passes through
//! as written. The template keywords `end`, `else`, `break` and `continue` are never
//! placeholders (no variable may take those names), and a `{{` right after another `{` starts
//! none. `{{{{name}}}}` is the escape: it is written out as the literal `{{name}}`.
//!
//! Two ways of filling: `fill` for text people read (titles, bodies, `expect`, comms
//! templates), as written; `fill_command` for a step's `command`, where every value becomes
//! part of exactly one shell word and can never add a command or a word (see `shell`).

pub mod shell;

pub use shell::{Quoting, Site, Unsure, sites};

/// Names that template languages use as keywords inside `{{ }}`: never placeholders.
pub const RESERVED: &[&str] = &["end", "else", "break", "continue"];

/// Longest variable name a placeholder can hold.
pub const MAX_NAME: usize = 64;

/// One piece of template syntax in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// `{{name}}` at byte `offset`, `len` bytes long in all.
    Placeholder {
        offset: usize,
        len: usize,
        name: &'a str,
    },
    /// `{{{{name}}}}` at byte `offset`: stands for the literal text `{{name}}`.
    Escaped { offset: usize, len: usize },
}

impl Token<'_> {
    /// Where it starts and how long it is, in bytes.
    pub fn range(&self) -> std::ops::Range<usize> {
        match *self {
            Token::Placeholder { offset, len, .. } | Token::Escaped { offset, len } => {
                offset..offset + len
            }
        }
    }
}

/// Every placeholder and escape in `text`, in order. Everything between them is literal.
pub fn scan(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(n) = text.get(i..).and_then(|t| t.find("{{")) {
        let at = i + n;
        if let Some(len) = escape_at(text, at) {
            out.push(Token::Escaped { offset: at, len });
            i = at + len;
        } else if let Some((name, len)) = placeholder_at(text, at) {
            out.push(Token::Placeholder {
                offset: at,
                len,
                name,
            });
            i = at + len;
        } else {
            i = at + 1;
        }
    }
    out
}

/// The placeholder starting at byte `at`, if one does: its name and whole length.
pub fn placeholder_at(text: &str, at: usize) -> Option<(&str, usize)> {
    if at > 0 && text.as_bytes().get(at - 1) == Some(&b'{') {
        return None;
    }
    let (name, len) = shape(text, at)?;
    (!RESERVED.contains(&name)).then_some((name, len))
}

/// The escape `{{{{name}}}}` starting at byte `at`, if one does: its whole length.
pub fn escape_at(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    if !b.get(at..)?.starts_with(b"{{{{") {
        return None;
    }
    let (_, len) = shape(text, at + 2)?;
    b.get(at + 2 + len..)?.starts_with(b"}}").then_some(len + 4)
}

/// The text an escape at `range` stands for: itself without its outer braces.
pub fn unescaped(text: &str, range: std::ops::Range<usize>) -> &str {
    text.get(range.start + 2..range.end - 2).unwrap_or("")
}

/// `{{ name }}` at `at`, by shape alone: the name and the whole length.
fn shape(text: &str, at: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    if !b.get(at..)?.starts_with(b"{{") {
        return None;
    }
    let blank = |c: &u8| *c == b' ' || *c == b'\t';
    let mut i = at + 2;
    while b.get(i).is_some_and(blank) {
        i += 1;
    }
    let start = i;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        i += 1;
    }
    let name = &text[start..i];
    let first_ok = name
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_');
    if !first_ok || name.len() > MAX_NAME {
        return None;
    }
    while b.get(i).is_some_and(blank) {
        i += 1;
    }
    b.get(i..)?.starts_with(b"}}").then_some((name, i + 2 - at))
}

/// `{{...}}` text that is not a placeholder but looks meant as one: a single word of
/// letters, digits, `_` and `-` that is not a variable name (`{{pod-name}}`, `{{1st}}`).
/// Byte offset, length and the word, for a warning.
pub fn near_misses(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(n) = text.get(i..).and_then(|t| t.find("{{")) {
        let at = i + n;
        i = at + 2;
        if (at > 0 && text.as_bytes()[at - 1] == b'{') || escape_at(text, at).is_some() {
            continue;
        }
        let Some(close) = text[at + 2..].find("}}") else {
            break;
        };
        let inner = &text[at + 2..at + 2 + close];
        let word = inner.trim_matches([' ', '\t']);
        let wordish = !word.is_empty()
            && word.len() <= MAX_NAME
            && word
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
        if wordish && shape(text, at).is_none() {
            out.push((at, close + 4, word));
        }
    }
    out
}

/// Replaces each `{{name}}` with its value and each escape with the literal it stands for;
/// unknown names are left as written so nothing is silently lost.
pub fn fill(text: &str, values: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for t in scan(text) {
        let r = t.range();
        out.push_str(&text[last..r.start]);
        match t {
            Token::Placeholder { name, .. } => match values.iter().find(|(k, _)| k == name) {
                Some((_, v)) => out.push_str(v),
                None => out.push_str(&text[r.clone()]),
            },
            Token::Escaped { .. } => out.push_str(unescaped(text, r.clone())),
        }
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// A `command` with each known `{{name}}` replaced by its value quoted for where the
/// placeholder sits in the template's shell text (`shell::quote`): outside quotes the value
/// becomes one single-quoted word, inside the template's `'...'` or `"..."` it is escaped for
/// them. What this returns is exactly what runs. Unknown names are left as written; an escape
/// becomes the literal it stands for.
pub fn fill_command(text: &str, values: &[(String, String)]) -> String {
    let value = |name: &str| values.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for site in sites(text, &|name| value(name).is_some()) {
        let range = site.offset..site.offset + site.len;
        if site.escaped {
            out.push_str(&text[last..site.offset]);
            out.push_str(unescaped(text, range));
        } else {
            let Some(v) = value(site.name) else { continue };
            out.push_str(&text[last..site.offset]);
            out.push_str(&shell::quote(v, &site));
        }
        last = site.offset + site.len;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_known_and_keeps_unknown() {
        let v = vars(&[("cluster", "sd-prod")]);
        assert_eq!(
            fill("etcd {{cluster}} / {{ cluster }} {{other}} {{cluster", &v),
            "etcd sd-prod / sd-prod {{other}} {{cluster"
        );
    }

    #[test]
    fn only_variable_names_are_placeholders() {
        let names = |t| -> Vec<&str> {
            scan(t)
                .into_iter()
                .filter_map(|t| match t {
                    Token::Placeholder { name, .. } => Some(name),
                    Token::Escaped { .. } => None,
                })
                .collect()
        };
        assert_eq!(names("{{ a }} {{\tb_2\t}} {{_c}}"), vec!["a", "b_2", "_c"]);
        for literal in [
            "{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}",
            "{{ .Values.x }} {{- if x }} {{else}} {{1x}} {{a-b}} {{}} {{ }}",
            "{{{a}}} {{a b}} {{a}",
            "{{",
            "}}{{",
        ] {
            assert!(names(literal).is_empty(), "{literal}");
        }
        let long = format!("{{{{{}}}}}", "a".repeat(MAX_NAME + 1));
        assert!(names(&long).is_empty());
        // Byte offsets, after multi-byte text.
        assert_eq!(
            scan("é {{x}}"),
            vec![Token::Placeholder {
                offset: 3,
                len: 5,
                name: "x"
            }]
        );
    }

    #[test]
    fn go_templates_and_escapes_pass_through() {
        let v = vars(&[("ns", "prod"), ("end", "NO")]);
        let go = "kubectl get pods -n {{ns}} -o go-template='{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'";
        assert_eq!(
            fill_command(go, &v),
            "kubectl get pods -n 'prod' -o go-template='{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'"
        );
        assert_eq!(fill("use {{{{ns}}}} for {{ns}}", &v), "use {{ns}} for prod");
        assert_eq!(
            fill_command("echo {{{{ns}}}} '{{{{ ns }}}}' {{ns}}", &v),
            "echo {{ns}} '{{ ns }}' 'prod'"
        );
        // Three braces are neither a placeholder nor an escape.
        assert_eq!(fill("{{{ns}}}", &v), "{{{ns}}}");
    }

    #[test]
    fn near_misses_are_words_that_are_not_names() {
        let found: Vec<&str> = near_misses("{{pod-name}} {{ 1st }} {{ok}} {{.x}} {{range .y}}")
            .into_iter()
            .map(|m| m.2)
            .collect();
        assert_eq!(found, vec!["pod-name", "1st"]);
    }

    #[test]
    fn command_values_are_quoted_for_their_place() {
        let v = vars(&[("t", "x; touch /tmp/pwned"), ("q", "it's")]);
        assert_eq!(
            fill_command("ping -c1 {{t}}", &v),
            "ping -c1 'x; touch /tmp/pwned'"
        );
        assert_eq!(fill_command("echo '{{q}} ok'", &v), r"echo 'it'\''s ok'");
        assert_eq!(
            fill_command(r#"echo "{{q}} $HOME""#, &v),
            r#"echo "it's $HOME""#
        );
        assert_eq!(
            fill_command("--to={{q}} {{unknown}}", &v),
            r"--to='it'\''s' {{unknown}}"
        );
    }
}
