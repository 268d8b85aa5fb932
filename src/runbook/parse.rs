//! From TOML text to a `Runbook`: syntax, then every field of every table, collecting all
//! problems. Flow, variables and other whole-runbook rules are checked afterwards by
//! `check.rs`, using the spans recorded here.

use super::diag::Diagnostic;
use super::fields::{self, Ty};
use super::walk::{Entries, Sp, Walk};
use crate::domain::runbook::DEFAULT_COMMAND_TIMEOUT;
use crate::domain::{Choice, Flow, Link, Milestone, Runbook, Severity, Step, StepKind, Var};
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// What the whole-runbook checks need, with positions: recorded during the walk even when some
/// fields were wrong, so a file with a bad field and a bad jump reports both.
#[derive(Default, Debug)]
pub struct Spans {
    pub id: Option<Sp<String>>,
    pub steps: Vec<StepOutline>,
    pub vars: Vec<Sp<String>>,
    /// Each variable's `pattern`, aligned with `vars`.
    pub var_patterns: Vec<Option<Sp<String>>>,
    /// Every string in which `{{var}}` is replaced: its span and its decoded value.
    pub templated: Vec<(Range<usize>, String)>,
    pub summary_missing: bool,
    /// The `[env]` names, where valid.
    pub env: Vec<Sp<String>>,
    /// The `[env]` values, aligned with `env`.
    pub env_values: Vec<Sp<String>>,
    /// The `alerts` entries, as written.
    pub alerts: Vec<Sp<String>>,
}

/// One step's place in the flow.
#[derive(Default, Debug, Clone)]
pub struct StepOutline {
    /// The step's table (its `[[steps]]` header).
    pub span: Range<usize>,
    pub id: Option<Sp<String>>,
    pub next: Option<Sp<String>>,
    pub end: bool,
    /// `Some` for decisions: each choice's target, when it had a valid one.
    pub choices: Option<Vec<Option<Sp<String>>>>,
    /// A decision's choice labels, where valid.
    pub labels: Vec<Sp<String>>,
    pub target: Option<Sp<crate::domain::Dur>>,
    /// A command step's `command`, as written (its placeholders are quoted for the shell).
    pub command: Option<Sp<String>>,
}

/// Parses and checks one runbook. Returns the runbook only when there were no errors, every
/// diagnostic, and where the runbook's id is (when it has a valid one).
pub fn parse(text: &str) -> (Option<Runbook>, Vec<Diagnostic>, Option<Range<usize>>) {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let diags = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                Diagnostic::error(span, format!("TOML syntax: {}", first_line(e.message())))
            })
            .collect();
        return (None, diags, None);
    }
    let mut w = Walk::default();
    let mut spans = Spans::default();
    let top = w.root(doc.get_ref());
    let runbook = top_level(&mut w, &top, &mut spans);
    super::check::check(text, &spans, &mut w);
    let runbook = if w.has_errors() { None } else { runbook };
    (runbook, w.diags, spans.id.map(|i| i.1))
}

fn first_line(s: &str) -> &str {
    s.trim().lines().next().unwrap_or("invalid TOML")
}

fn top_level(w: &mut Walk, top: &Entries<'_, '_>, spans: &mut Spans) -> Option<Runbook> {
    match w.int(top, "schema_version") {
        None if !top.has("schema_version") => w.missing(top, "schema_version", "1"),
        Some((1, _)) | None => {}
        Some((n, span)) => {
            w.error(span, format!("schema_version {n} is not supported: this version of runbook reads schema_version 1"))
                .help = Some("set `schema_version = 1`, or upgrade runbook to read newer runbooks".into());
        }
    }
    let id = w.id(top, "id", true);
    spans.id = id.clone();
    let title = w.req_str(top, "title");
    let incident_type = w.id(top, "incident_type", true);
    if !top.has("severity") {
        w.missing(top, "severity", "\"sev2\"");
    }
    let severity = w.parsed::<Severity>(top, "severity");
    let summary = w.str(top, "summary");
    spans.summary_missing = !top.has("summary");
    let about = templated(w.str(top, "about"), &mut spans.templated);
    let tags = w.str_list(top, "tags");
    let alerts = w.str_list(top, "alerts");
    spans.alerts = alerts.clone();
    let owners = w.str_list(top, "owners");
    let links = links(w, top, &mut spans.templated);
    let vars = vars(w, top, spans);
    if !top.has("steps") {
        w.error(top.span.clone(), "missing required field `steps`")
            .help = Some("add the steps as [[steps]] tables, each with id, title and kind".into());
    }
    let steps = steps(w, top, spans);
    let env = super::tables::env(w, top, spans);
    let alert_severity = super::tables::alert_severity(w, top);
    Some(Runbook {
        schema_version: 1,
        id: id?.0,
        title: templated(title, &mut spans.templated)?,
        incident_type: incident_type?.0,
        severity: severity?.0,
        summary: summary.map(|s| s.0),
        about,
        tags: tags.into_iter().map(|t| t.0).collect(),
        alerts: alerts.into_iter().map(|t| t.0).collect(),
        owners: owners.into_iter().map(|t| t.0).collect(),
        links,
        vars,
        steps: steps?,
        env,
        alert_severity,
    })
}

/// Records a string as one in which `{{var}}` is replaced, and unwraps it.
fn templated(v: Option<Sp<String>>, into: &mut Vec<(Range<usize>, String)>) -> Option<String> {
    let (s, span) = v?;
    into.push((span, s.clone()));
    Some(s)
}

fn links(
    w: &mut Walk,
    e: &Entries<'_, '_>,
    templated_spans: &mut Vec<(Range<usize>, String)>,
) -> Vec<Link> {
    let mut out = Vec::new();
    for (n, table, span) in w.table_list(e, "links", Ty::LinkList) {
        let ctx = format!("{}link {n}: ", e.ctx);
        let l = w.entries(table, span, fields::LINK, ctx, "a link");
        let title = w.req_str(&l, "title");
        let url = templated(w.req_str(&l, "url"), templated_spans);
        if let (Some((title, _)), Some(url)) = (title, url) {
            out.push(Link { title, url });
        }
    }
    out
}

fn vars(w: &mut Walk, top: &Entries<'_, '_>, spans: &mut Spans) -> Vec<Var> {
    let Some(v) = top.get("vars") else {
        return Vec::new();
    };
    let DeValue::Table(table) = v.get_ref() else {
        w.error(
            v.span(),
            format!("`vars` must be {}", super::walk::describe(Ty::VarTable)),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, value) in table.iter() {
        let n = name.get_ref().to_string();
        let ctx = format!("variable \"{n}\": ");
        if !valid_var_name(&n) {
            w.error(
                name.span(),
                format!(
                    "{ctx}names may use letters, digits and '_', starting with a letter or '_'"
                ),
            );
            continue;
        }
        if crate::domain::template::RESERVED.contains(&n.as_str()) {
            w.error(
                name.span(),
                format!("{ctx}\"{n}\" is a template keyword ({{{{{n}}}}} is always text, as in Go templates), so it cannot name a variable"),
            )
            .help = Some(format!("rename it, e.g. [vars.{n}_at]"));
            continue;
        }
        let DeValue::Table(t) = value.get_ref() else {
            w.error(
                value.span(),
                format!("{ctx}must be a table like [vars.{n}] with prompt = \"...\""),
            );
            continue;
        };
        let e = w.entries(t, name.span(), fields::VAR, ctx.clone(), "a variable");
        let prompt = w.req_str(&e, "prompt");
        let default = w.str(&e, "default");
        let pattern = w.str(&e, "pattern");
        let from_label = w.str(&e, "from_label").map(|s| s.0);
        let from_annotation = w.str(&e, "from_annotation").map(|s| s.0);
        if let Some((p, pspan)) = &pattern {
            match super::patterns::compile(p) {
                Err(err) => {
                    let why = regex_reason(&err);
                    w.error(
                        pspan.clone(),
                        format!("{ctx}`pattern` is not a valid regular expression: {why}"),
                    )
                    .help = Some("patterns use Rust regex syntax, e.g. \"^[a-z0-9-]+$\"".into());
                }
                Ok(re) => {
                    if let Some((d, dspan)) = &default
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
        spans.vars.push((n.clone(), name.span()));
        spans.var_patterns.push(pattern.clone());
        if let Some((prompt, _)) = prompt {
            out.push(Var {
                name: n,
                prompt,
                default: default.map(|d| d.0),
                pattern: pattern.map(|p| p.0),
                from_label,
                from_annotation,
            });
        }
    }
    out
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

fn steps(w: &mut Walk, top: &Entries<'_, '_>, spans: &mut Spans) -> Option<Vec<Step>> {
    let tables = w.table_list(top, "steps", Ty::StepList);
    if let Some(v) = top.get("steps")
        && matches!(v.get_ref(), DeValue::Array(a) if a.is_empty())
    {
        w.error(
            v.span(),
            "`steps` is empty: a runbook needs at least one step",
        )
        .help = Some("add a step: [[steps]] with id, title and kind".into());
    }
    let mut out = Vec::new();
    let mut complete = true;
    for (n, table, span) in tables {
        let mut ss = StepOutline {
            span: span.clone(),
            ..StepOutline::default()
        };
        match step(w, n, table, span, &mut ss, &mut spans.templated) {
            Some(s) => out.push(s),
            None => complete = false,
        }
        spans.steps.push(ss);
    }
    (complete && !out.is_empty()).then_some(out)
}

fn step(
    w: &mut Walk,
    n: usize,
    table: &DeTable<'_>,
    span: Range<usize>,
    ss: &mut StepOutline,
    tpl: &mut Vec<(Range<usize>, String)>,
) -> Option<Step> {
    // Name the step by its id in every message when it has a usable one.
    let ctx = match table.get("id").map(|v| v.get_ref()) {
        Some(DeValue::String(id)) if super::walk::check_id(id).is_ok() => {
            format!("step \"{id}\": ")
        }
        _ => format!("step {n}: "),
    };
    let e = w.entries(table, span, fields::STEP, ctx.clone(), "a step");
    let id = w.id(&e, "id", true);
    ss.id = id.clone();
    let title = templated(w.req_str(&e, "title"), tpl);
    let kind_name = known_kind(w, &e, &ctx);
    if let Some(kind) = &kind_name {
        kind_fields(w, &e, &ctx, kind);
    }
    let role = w.str(&e, "role");
    let target = w.duration(&e, "target");
    ss.target = target.clone();
    let milestone = w.parsed::<Milestone>(&e, "milestone");
    let body = templated(w.str(&e, "body"), tpl);
    let checklist: Vec<String> = w
        .str_list(&e, "checklist")
        .into_iter()
        .map(|c| templated(Some(c), tpl))
        .collect::<Option<_>>()?;
    let links = links(w, &e, tpl);
    let signoff = w.bool(&e, "requires_signoff").is_some_and(|b| b.0);
    let flow = flow(w, &e, &ctx, ss);
    let kind = kind_name.and_then(|k| step_kind(w, &e, &k, ss, tpl));
    Some(Step {
        id: id?.0.into(),
        title: title?,
        kind: kind?,
        role: role.map(|r| r.0),
        target: target.map(|t| t.0),
        milestone: milestone.map(|m| m.0),
        body,
        checklist,
        links,
        requires_signoff: signoff,
        flow,
    })
}

/// The step's `kind`, when it is given and one of the known kinds (else an error, with the
/// nearest known kind as a hint).
fn known_kind(w: &mut Walk, e: &Entries<'_, '_>, ctx: &str) -> Option<String> {
    if !e.has("kind") {
        w.missing(
            e,
            "kind",
            &format!("\"action\" (one of {})", fields::KINDS.join(", ")),
        );
    }
    let kind_name = w.str(e, "kind");
    kind_name.and_then(|(k, span)| {
        if fields::KINDS.contains(&k.as_str()) {
            Some(k)
        } else {
            let hint = super::suggest::hint(&k, fields::KINDS.iter().copied());
            w.error(
                span,
                format!(
                    "{ctx}unknown kind \"{k}\"{hint}: expected one of {}",
                    fields::KINDS.join(", ")
                ),
            );
            None
        }
    })
}

/// Fields that do not apply to the step's kind, and the ones its kind needs but lacks.
fn kind_fields(w: &mut Walk, e: &Entries<'_, '_>, ctx: &str, kind: &str) {
    for (key, kspan) in e.keys() {
        let Some(f) = fields::find(fields::STEP, key) else {
            continue;
        };
        if !f.kinds.is_empty() && !f.kinds.contains(&kind) {
            w.error(
                kspan,
                format!("{ctx}`{key}` does not apply to a {kind} step"),
            )
            .help = Some(format!(
                "`{key}` is for {} steps: remove it or change `kind`",
                f.kinds.join(" and ")
            ));
        }
    }
    for req in fields::required_for_kind(kind) {
        if !e.has(req) {
            let msg = format!("{ctx}a {kind} step needs `{req}`");
            w.error(e.span.clone(), msg).help = Some(format!("add `{req} = ...`: {}", doc_of(req)));
        }
    }
}

/// Where the step goes after it: `next`, `end = true` (never both) or the following step.
fn flow(w: &mut Walk, e: &Entries<'_, '_>, ctx: &str, ss: &mut StepOutline) -> Flow {
    let next = w.id(e, "next", false);
    let end = w.bool(e, "end");
    if let (Some(_), Some((true, end_span))) = (&next, &end) {
        w.error(
            end_span.clone(),
            format!("{ctx}has both `next` and `end = true`"),
        )
        .help = Some(
            "a step either jumps somewhere (`next`) or ends the runbook (`end`): keep one".into(),
        );
    }
    ss.next = next.clone();
    ss.end = matches!(end, Some((true, _)));
    match (next, end) {
        (Some((id, _)), _) => Flow::Jump(id),
        (None, Some((true, _))) => Flow::End,
        _ => Flow::Next,
    }
}

fn doc_of(field: &str) -> &'static str {
    fields::find(fields::STEP, field).map_or("", |f| f.doc)
}

fn step_kind(
    w: &mut Walk,
    e: &Entries<'_, '_>,
    kind: &str,
    ss: &mut StepOutline,
    tpl: &mut Vec<(Range<usize>, String)>,
) -> Option<StepKind> {
    let expect = templated(w.str(e, "expect"), tpl);
    Some(match kind {
        "action" => StepKind::Action,
        "check" => StepKind::Check { expect },
        "command" => {
            let command = w.str(e, "command");
            ss.command = command.clone();
            let command = templated(command, tpl)?;
            let timeout = w
                .duration(e, "timeout")
                .map_or(DEFAULT_COMMAND_TIMEOUT, |t| t.0);
            StepKind::Command {
                command,
                expect,
                timeout,
            }
        }
        "decision" => {
            let mut choices = Vec::new();
            let mut outline = Vec::new();
            let tables = w.table_list(e, "choices", Ty::ChoiceList);
            let count = tables.len();
            for (n, table, span) in tables {
                let ctx = format!("{}choice {n}: ", e.ctx);
                let c = w.entries(table, span.clone(), fields::CHOICE, ctx, "a choice");
                let label = w.req_str(&c, "label");
                ss.labels.extend(label.clone());
                let label = templated(label, tpl);
                let next = w.id(&c, "next", true);
                outline.push(next.clone());
                if let (Some(label), Some((next, _))) = (label, next) {
                    choices.push(Choice { label, next });
                }
            }
            ss.choices = Some(outline);
            if e.has("choices") && count < 2 {
                let span = e.get("choices").map_or(e.span.clone(), |v| v.span());
                w.error(span, format!("{}a decision needs at least two choices, found {count}", e.ctx))
                    .help = Some("add choices = [{ label = \"...\", next = \"step-id\" }, ...]; for a single path use a check with `next`".into());
                return None;
            }
            StepKind::Decision { choices }
        }
        "wait" => StepKind::Wait {
            duration: w.duration(e, "duration")?.0,
        },
        "comms" => StepKind::Comms {
            template: templated(w.str(e, "template"), tpl)?,
            every: w.duration(e, "every").map(|d| d.0),
        },
        _ => return None,
    })
}
