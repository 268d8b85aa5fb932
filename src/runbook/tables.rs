//! The runbook-level tables of strings: `[env]` (shell variables exported to every command
//! step) and `[alert_severity]` (an alert's severity label to the incident's severity). Part
//! of the walk in `parse/`: every problem is a diagnostic, nothing stops the walk.

use super::fields::Ty;
use super::parse::{Spans, valid_var_name};
use super::walk::{Entries, Sp, Walk};
use crate::domain::Severity;
use toml::de::DeValue;

/// The entries of a top-level table of strings (`[env]`, `[alert_severity]`): key and value,
/// each with its span; anything that is not a string is reported.
fn string_table(
    w: &mut Walk,
    top: &Entries<'_, '_>,
    name: &str,
    ty: Ty,
) -> Vec<(Sp<String>, Sp<String>)> {
    let Some(v) = top.get(name) else {
        return Vec::new();
    };
    let DeValue::Table(table) = v.get_ref() else {
        w.error(
            v.span(),
            format!("`{name}` must be {}", super::walk::describe(ty)),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in table.iter() {
        let k = (key.get_ref().to_string(), key.span());
        match value.get_ref() {
            DeValue::String(s) => out.push((k, (s.to_string(), value.span()))),
            _ => {
                w.error(
                    value.span(),
                    format!("[{name}] {}: the value must be a string", k.0),
                );
            }
        }
    }
    out
}

/// Variables that change the shell or the loader for everything: setting them in `[env]`
/// is a warning.
const SHELL_OWNED: &[&str] = &[
    "PATH",
    "IFS",
    "ENV",
    "BASH_ENV",
    "SHELL",
    "HOME",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "PS4",
];

/// `[env]`: shell variable names, values templated like a command's.
pub fn env(w: &mut Walk, top: &Entries<'_, '_>, spans: &mut Spans) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for ((name, nspan), (value, vspan)) in string_table(w, top, "env", Ty::EnvTable) {
        if !valid_var_name(&name) {
            w.error(nspan, format!("[env] \"{}\": a shell variable name has letters, digits and '_', not starting with a digit", super::sanitize::visible(&name)));
            continue;
        }
        if SHELL_OWNED.contains(&name.as_str()) {
            w.warning(nspan.clone(), format!("[env] {name} changes how the shell itself finds and runs programs, for every command step"))
                .help = Some("set it in the one command that needs it, or choose another name".into());
        }
        spans.templated.push((vspan.clone(), value.clone()));
        spans.env.push((name.clone(), nspan));
        spans.env_values.push((value.clone(), vspan));
        out.push((name, value));
    }
    out
}

/// `[alert_severity]`: label values to severities.
pub fn alert_severity(w: &mut Walk, top: &Entries<'_, '_>) -> Vec<(String, Severity)> {
    let mut out = Vec::new();
    for ((label, _), (sev, span)) in string_table(w, top, "alert_severity", Ty::SevTable) {
        match sev.parse::<Severity>() {
            Ok(s) => out.push((label, s)),
            Err(e) => {
                w.error(span, format!("[alert_severity] {label}: {e}")).help = Some(
                    "map each alert severity to sev1 (worst) .. sev4, e.g. critical = \"sev1\""
                        .into(),
                );
            }
        }
    }
    out
}
