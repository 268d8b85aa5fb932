//! Checking the variable values given when an incident starts against the runbook's
//! declarations: every value matches its pattern, every variable without a default is given,
//! and no unknown name is given.

use super::suggest;
use crate::domain::Runbook;

/// Resolves values in declaration order: given values, else defaults. Returns every problem.
pub fn resolve(
    rb: &Runbook,
    given: &[(String, String)],
) -> Result<Vec<(String, String)>, Vec<String>> {
    let mut problems = Vec::new();
    for (k, _) in given {
        if rb.var(k).is_none() {
            let hint = suggest::hint(k, rb.vars.iter().map(|v| v.name.as_str()));
            let known: Vec<&str> = rb.vars.iter().map(|v| v.name.as_str()).collect();
            let known = if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            };
            problems.push(format!(
                "runbook \"{}\" has no variable \"{k}\"{hint}; its variables: {known}",
                rb.id
            ));
        }
    }
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for v in &rb.vars {
        let value = given
            .iter()
            .rev()
            .find(|(k, _)| *k == v.name)
            .map(|(_, val)| val.clone());
        let Some(value) = value.or_else(|| v.default.clone()) else {
            missing.push(format!("{} ({})", v.name, v.prompt));
            continue;
        };
        if let Some(why) = value_problem(&v.name, &value, v.pattern.as_deref()) {
            problems.push(why);
        }
        out.push((v.name.clone(), value));
    }
    if !missing.is_empty() {
        problems.push(format!(
            "missing values for: {}; give each with --var NAME=VALUE",
            missing.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// What is wrong with `value` for variable `name` (empty, or not matching its `pattern`):
/// the one check the start form and `runbook start --var` share, in the same words.
pub fn value_problem(name: &str, value: &str, pattern: Option<&str>) -> Option<String> {
    if value.is_empty() {
        return Some(format!("variable \"{name}\": a value is needed"));
    }
    let p = pattern?;
    let re = super::patterns::compile(p).ok()?;
    (!re.is_match(value)).then(|| {
        format!(
            "variable \"{name}\": \"{}\" does not match {p}",
            crate::runbook::sanitize::visible(value)
        )
    })
}

/// Splits `k=v` as given on the command line.
pub fn parse_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("\"{s}\" is not NAME=VALUE")),
    }
}
