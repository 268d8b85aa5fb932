//! Warnings about variables in commands: a value is filled into a `command` as one quoted
//! shell word (`domain::template::fill_command`), but only a pattern anchored at both ends
//! keeps out values the command itself would misread (an option, another host, a path), and a
//! placeholder inside `$( )`, backticks, `${ }` or a heredoc is quoted without the lexer being
//! able to vouch for it. Checked on the outline the walk recorded; never an error.

use super::parse::Spans;
use super::walk::Walk;
use crate::domain::template::sites;
use std::ops::Range;

/// Warns about every variable used in a command whose pattern is missing or not anchored
/// (once per variable), and about every placeholder in a construct the quoting cannot check.
pub fn check(text: &str, spans: &Spans, w: &mut Walk) {
    let declared: Vec<&str> = spans.vars.iter().map(|v| v.0.as_str()).collect();
    let mut warned = vec![false; declared.len()];
    // `[env]` values reach every command: their variables need a pattern as much.
    for (value, _) in &spans.env_values {
        for t in crate::domain::template::scan(value) {
            if let crate::domain::template::Token::Placeholder { name, .. } = t
                && let Some(i) = declared.iter().position(|d| *d == name)
                && !warned[i]
            {
                warned[i] = pattern_warning(spans, i, "[env], which every command step gets", w);
            }
        }
    }
    for s in &spans.steps {
        let (Some((command, span)), Some((id, _))) = (&s.command, &s.id) else {
            continue;
        };
        let raw = text.get(span.clone()).unwrap_or("");
        for site in sites(command, &|n| declared.contains(&n)) {
            let Some(i) = declared.iter().position(|d| *d == site.name) else {
                continue;
            };
            let at = locate(raw, command, site.offset, site.len)
                .map_or(span.clone(), |r| span.start + r.start..span.start + r.end);
            if let Some(u) = site.unsure {
                let name = site.name;
                w.warning(
                    at.clone(),
                    format!(
                        "step \"{id}\": {{{{{name}}}}} is inside {} in the command: it is filled in as one quoted word, but its quoting there cannot be checked",
                        u.name()
                    ),
                )
                .help = Some(format!(
                    "assign it first and use the shell variable: `{name}={{{{{name}}}}}; ...` then \"${name}\" where it is needed"
                ));
            }
            if !warned[i] {
                warned[i] = pattern_warning(spans, i, &format!("the command of step \"{id}\""), w);
            }
        }
    }
}

/// Where the placeholder at `offset` of the decoded `value` is written in its source `raw`:
/// the same occurrence (the n-th of that text) there, when it is written literally.
pub(super) fn locate(raw: &str, value: &str, offset: usize, len: usize) -> Option<Range<usize>> {
    let written = value.get(offset..offset + len)?;
    let nth = value[..offset].matches(written).count();
    let (at, _) = raw.match_indices(written).nth(nth)?;
    Some(at..at + len)
}

/// The warning for variable `i` used in step `id`'s command, if its pattern does not hold
/// values to a whole, known shape. True when one was given.
fn pattern_warning(spans: &Spans, i: usize, used_in: &str, w: &mut Walk) -> bool {
    let (name, name_span) = &spans.vars[i];
    let (what, at): (String, Range<usize>) =
        match spans.var_patterns.get(i).and_then(|p| p.as_ref()) {
            None => ("has no pattern".into(), name_span.clone()),
            Some((p, _)) if anchored(p) => return false,
            Some((p, span)) => (
                format!("has a pattern that is not anchored at both ends ({p})"),
                span.clone(),
            ),
        };
    w.warning(
        at,
        format!("variable \"{name}\" is used in {used_in} but {what}"),
    )
    .help = Some(format!(
        "add pattern = \"^[a-z0-9-]+$\" to [vars.{name}] (whatever its values look like, anchored with ^...$ or \\A...\\z): the value is quoted as one word, and the pattern keeps out values the command would misread"
    ));
    true
}

/// True when `p` matches whole values only: it starts with `^` or `\A` and ends with `$` or
/// `\z`, with no alternation outside a group, and `^`/`$` are not line anchors (flag `m`).
pub fn anchored(p: &str) -> bool {
    let mut rest = p;
    let mut multiline = false;
    // Leading flag groups: `(?i)`, `(?mx)`, `(?-m)`.
    while let Some(after) = rest.strip_prefix("(?") {
        let Some(end) = after.find(')') else { break };
        let flags = &after[..end];
        if !flags.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
            break;
        }
        let on = flags.split('-').next().unwrap_or("");
        multiline = on.contains('m') || (multiline && !flags.contains('m'));
        rest = &after[end + 1..];
    }
    let starts = rest.starts_with(r"\A") || (!multiline && rest.starts_with('^'));
    let ends = ends_with_unescaped(rest, r"\z") || (!multiline && ends_with_unescaped(rest, "$"));
    starts && ends && !top_level_alternation(rest)
}

/// `s` ends with `tail` and the backslashes before `tail` (if any) do not escape it.
fn ends_with_unescaped(s: &str, tail: &str) -> bool {
    let Some(before) = s.strip_suffix(tail) else {
        return false;
    };
    let slashes = before.chars().rev().take_while(|&c| c == '\\').count();
    // `tail` may start with its own backslash (`\z`): then the ones before must pair up.
    slashes % 2 == 0
}

/// A `|` outside every group and class: `^a|b$` anchors only each side.
fn top_level_alternation(p: &str) -> bool {
    let mut depth = 0usize;
    let mut class = false;
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class => depth += 1,
            ')' if !class => depth = depth.saturating_sub(1),
            '|' if !class && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::anchored;

    #[test]
    fn anchored_means_the_whole_value() {
        for p in [
            "^[a-z0-9-]+$",
            r"\A[a-z]+\z",
            "(?i)^[a-z]+$",
            "^(prod|staging)$",
            r"^https://[a-z.]+(/[a-z|]*)?$",
            r"^[a\]|]+$",
        ] {
            assert!(anchored(p), "{p}");
        }
        for p in [
            "[a-z]+",
            "^[a-z]+",
            "[a-z]+$",
            r"^[a-z]+\$",
            "^prod|staging$",
            "(?m)^[a-z]+$",
            "(?im)^[a-z]+$",
            "",
        ] {
            assert!(!anchored(p), "{p}");
        }
        assert!(anchored(r"(?m)\A[a-z]+\z"));
        assert!(anchored(r"^a\\$"), "an escaped backslash before the anchor");
    }
}
