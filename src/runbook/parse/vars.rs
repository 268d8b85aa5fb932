//! A runbook's `[vars]` table: each variable's name (a valid identifier, not a template
//! keyword), its fields, and its `pattern` (a valid regular expression its default matches).
//! Spans for the later checks are recorded in `Spans::vars` and `Spans::var_patterns`.

use super::{Spans, first_line};
use crate::domain::Var;
use crate::runbook::fields::{self, Ty};
use crate::runbook::walk::{Entries, Sp, Walk};
use std::ops::Range;
use toml::de::{DeTable, DeValue};

pub(super) fn vars(w: &mut Walk, top: &Entries<'_, '_>, spans: &mut Spans) -> Vec<Var> {
    let Some(v) = top.get("vars") else {
        return Vec::new();
    };
    let DeValue::Table(table) = v.get_ref() else {
        w.error(
            v.span(),
            format!(
                "`vars` must be {}",
                crate::runbook::walk::describe(Ty::VarTable)
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, value) in table.iter() {
        let n = name.get_ref().to_string();
        let ctx = format!("variable \"{n}\": ");
        if !name_allowed(w, &n, name.span(), &ctx) {
            continue;
        }
        let DeValue::Table(t) = value.get_ref() else {
            w.error(
                value.span(),
                format!("{ctx}must be a table like [vars.{n}] with prompt = \"...\""),
            );
            continue;
        };
        if let Some(var) = var(w, t, (n, name.span()), ctx, spans) {
            out.push(var);
        }
    }
    out
}

/// A variable's name is an identifier and not a template keyword; else an error, and false.
fn name_allowed(w: &mut Walk, n: &str, span: Range<usize>, ctx: &str) -> bool {
    if !valid_var_name(n) {
        w.error(
            span,
            format!("{ctx}names may use letters, digits and '_', starting with a letter or '_'"),
        );
        return false;
    }
    if crate::domain::template::RESERVED.contains(&n) {
        w.error(
            span,
            format!("{ctx}\"{n}\" is a template keyword ({{{{{n}}}}} is always text, as in Go templates), so it cannot name a variable"),
        )
        .help = Some(format!("rename it, e.g. [vars.{n}_at]"));
        return false;
    }
    true
}

/// One variable's table: its fields read and checked, its spans recorded; the variable when it
/// has its prompt.
fn var(
    w: &mut Walk,
    t: &DeTable<'_>,
    (n, span): Sp<String>,
    ctx: String,
    spans: &mut Spans,
) -> Option<Var> {
    let e = w.entries(t, span.clone(), fields::VAR, ctx.clone(), "a variable");
    let prompt = w.req_str(&e, "prompt");
    let default = w.str(&e, "default");
    let pattern = w.str(&e, "pattern");
    let from_label = w.str(&e, "from_label").map(|s| s.0);
    let from_annotation = w.str(&e, "from_annotation").map(|s| s.0);
    if let Some(p) = &pattern {
        check_pattern(w, &ctx, p, default.as_ref());
    }
    spans.vars.push((n.clone(), span));
    spans.var_patterns.push(pattern.clone());
    let (prompt, _) = prompt?;
    Some(Var {
        name: n,
        prompt,
        default: default.map(|d| d.0),
        pattern: pattern.map(|p| p.0),
        from_label,
        from_annotation,
    })
}

/// A `pattern` is a valid regular expression, and the default (when there is one) matches it.
fn check_pattern(w: &mut Walk, ctx: &str, (p, pspan): &Sp<String>, default: Option<&Sp<String>>) {
    match crate::runbook::patterns::compile(p) {
        Err(err) => {
            let why = regex_reason(&err);
            w.error(
                pspan.clone(),
                format!("{ctx}`pattern` is not a valid regular expression: {why}"),
            )
            .help = Some("patterns use Rust regex syntax, e.g. \"^[a-z0-9-]+$\"".into());
        }
        Ok(re) => {
            if let Some((d, dspan)) = default
                && !re.is_match(d)
            {
                w.error(
                    dspan.clone(),
                    format!("{ctx}default \"{d}\" does not match its pattern {p}"),
                )
                .help = Some("change the default or widen the pattern".into());
            }
        }
    }
}

/// The regex crate's errors span several lines (the pattern, a caret, then `error: ...`):
/// keep the reason.
fn regex_reason(msg: &str) -> String {
    msg.lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or_else(|| first_line(msg))
        .to_string()
}

pub fn valid_var_name(n: &str) -> bool {
    let mut chars = n.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
