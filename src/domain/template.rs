//! Filling `{{name}}` placeholders with an incident's variable values. Pure.
//!
//! Two ways: `fill` for text people read (titles, bodies, `expect`, comms templates), as
//! written; `fill_command` for a step's `command`, where every value becomes part of exactly
//! one shell word and can never add a command or a word (see `shell`).

pub mod shell;

pub use shell::{Quoting, Site, Unsure, sites};

/// Replaces each `{{name}}` (whitespace inside the braces allowed) with its value; unknown
/// names are left as written so nothing is silently lost.
pub fn fill(text: &str, values: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        let name = rest[open + 2..open + 2 + close].trim();
        out.push_str(&rest[..open]);
        match values.iter().find(|(k, _)| k == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    out
}

/// A `command` with each known `{{name}}` replaced by its value quoted for where the
/// placeholder sits in the template's shell text (`shell::quote`): outside quotes the value
/// becomes one single-quoted word, inside the template's `'...'` or `"..."` it is escaped for
/// them. What this returns is exactly what runs. Unknown names are left as written.
pub fn fill_command(text: &str, values: &[(String, String)]) -> String {
    let value = |name: &str| values.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for site in sites(text, &|name| value(name).is_some()) {
        let Some(v) = value(site.name) else { continue };
        out.push_str(&text[last..site.offset]);
        out.push_str(&shell::quote(v, &site));
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
            fill("etcd {{cluster}} / {{ cluster }} {{other}} {{", &v),
            "etcd sd-prod / sd-prod {{other}} {{"
        );
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
