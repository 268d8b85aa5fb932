//! `validate`, `list`, `show`, `schema`, `new`: the runbook library from the command line.

use super::usage;
use crate::cli::Global;
use crate::runbook::library::{self, Library, Origin, SearchEnv};
use crate::runbook::sanitize::visible;
use crate::runbook::{FileReport, render, schema as json_schema, starter, walk};
use anyhow::Context;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The search path the arguments, the environment and the settings file describe.
pub fn search_env(g: &Global) -> SearchEnv {
    let mut env = SearchEnv::from_process(g.runbooks.clone());
    let bundled = match crate::config::load(env.config_home.as_deref()) {
        Ok(c) => c.bundled,
        Err(e) => {
            // A broken settings file is said, and the defaults are used.
            eprintln!("runbook: warning: {e:#}; using the default settings");
            None
        }
    };
    env.bundled = !g.no_bundled && bundled.unwrap_or(true);
    env
}

/// Loads the library from the search path the arguments and environment describe.
pub fn load_library(g: &Global) -> Library {
    let env = search_env(g);
    let explicit = !g.runbooks.is_empty() || env.runbook_path.is_some();
    library::load(&env.roots(), explicit)
}

pub fn validate(g: &Global, paths: &[PathBuf], deny_warnings: bool) -> anyhow::Result<ExitCode> {
    let reports: Vec<FileReport> = if paths.is_empty() {
        load_library(g).reports
    } else {
        library::validate_paths(paths)
    };
    if reports.is_empty() {
        return Err(usage("no *.toml files found in the given paths"));
    }
    let checked = reports.iter().map(|r| Checked {
        errors: r.errors(),
        warnings: r.warnings(),
        rendered: r.render(),
    });
    summarise(checked, "file", deny_warnings)
}

/// One checked file, for `summarise`.
pub struct Checked {
    pub errors: usize,
    pub warnings: usize,
    /// Its diagnostics, rendered (empty when clean).
    pub rendered: String,
}

/// Prints every file's problems, then `checked N files: E errors, W warnings in B files`; the
/// exit status is 1 when there are errors (or warnings with `deny_warnings`). Shared by
/// `validate` and `drill validate`.
pub fn summarise(
    checked: impl Iterator<Item = Checked>,
    noun: &str,
    deny_warnings: bool,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let (mut files, mut bad, mut errors, mut warnings) = (0, 0, 0, 0);
    for c in checked {
        files += 1;
        bad += usize::from(c.errors > 0);
        errors += c.errors;
        warnings += c.warnings;
        if !c.rendered.is_empty() {
            writeln!(out, "{}", c.rendered)?;
        }
    }
    let in_bad = if bad > 0 {
        format!(" in {bad} {noun}{}", plural(bad))
    } else {
        String::new()
    };
    writeln!(
        out,
        "checked {files} {noun}{}: {errors} error{}, {warnings} warning{}{in_bad}",
        plural(files),
        plural(errors),
        plural(warnings)
    )?;
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn list(g: &Global, incident_type: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let lib = load_library(g);
    let keep = |t: &str| incident_type.is_none_or(|want| want == t);
    let mut out = std::io::stdout().lock();
    if json {
        let mut rows = Vec::new();
        for e in lib
            .entries
            .iter()
            .filter(|e| keep(&e.runbook.incident_type))
        {
            rows.push(row(e, None));
        }
        for (e, winner) in lib
            .shadowed
            .iter()
            .filter(|(e, _)| keep(&e.runbook.incident_type))
        {
            rows.push(row(e, Some(winner)));
        }
        writeln!(out, "{}", crate::export::json::safe_pretty(&rows))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for e in lib
        .entries
        .iter()
        .filter(|e| keep(&e.runbook.incident_type))
    {
        let r = &e.runbook;
        let line = format!(
            "  {:<34} {:<5} {:>3} steps  {}  ({})",
            r.id,
            r.severity,
            r.steps.len(),
            visible(&r.title),
            e.origin
        );
        groups.entry(&r.incident_type).or_default().push(line);
    }
    for (e, winner) in lib
        .shadowed
        .iter()
        .filter(|(e, _)| keep(&e.runbook.incident_type))
    {
        let line = format!(
            "  {:<34} shadowed by {winner}  ({})",
            e.runbook.id, e.origin
        );
        groups
            .entry(&e.runbook.incident_type)
            .or_default()
            .push(line);
    }
    if groups.is_empty() {
        let msg = match incident_type {
            Some(t) => format!("no runbooks of incident type \"{t}\""),
            None => "no runbooks found".to_string(),
        };
        writeln!(std::io::stderr(), "{msg}")?;
        return Ok(ExitCode::from(1));
    }
    for (t, lines) in groups {
        writeln!(out, "{t}")?;
        for l in lines {
            writeln!(out, "{l}")?;
        }
    }
    let broken = lib.reports.iter().filter(|r| r.errors() > 0).count();
    if broken > 0 {
        writeln!(
            std::io::stderr(),
            "{broken} runbook file(s) have errors and are not listed: run `runbook validate`"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn row(e: &library::Entry, shadowed_by: Option<&Origin>) -> serde_json::Value {
    let r = &e.runbook;
    serde_json::json!({
        "id": r.id,
        "title": r.title,
        "incident_type": r.incident_type,
        "severity": r.severity,
        "steps": r.steps.len(),
        "alerts": r.alerts,
        "tags": r.tags,
        "source": e.origin.raw(),
        "shadowed_by": shadowed_by.map(Origin::raw),
    })
}

pub fn show(g: &Global, id: &str) -> anyhow::Result<ExitCode> {
    let lib = load_library(g);
    // A path typed (or tab-completed) instead of an id: that file, checked as `validate` would
    // (a FIFO or a device there is reported, never opened for reading).
    let path = std::path::Path::new(id);
    if lib.get(id).is_none() && path.exists() && !path.is_dir() {
        return show_file(path);
    }
    let Some(e) = lib.get(id) else {
        let hint =
            crate::runbook::suggest::hint(id, lib.entries.iter().map(|e| e.runbook.id.as_str()));
        anyhow::bail!(
            "no runbook with id \"{}\"{hint}; `runbook list` shows them all",
            visible(id)
        );
    };
    print!("{}", render::show(&e.runbook, &e.origin.to_string()));
    Ok(ExitCode::SUCCESS)
}

/// `runbook show FILE`: the file's runbook, or its errors (exit 1) when it does not load.
fn show_file(path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let checked = crate::runbook::library::check_paths(&[path.to_path_buf()]);
    let Some((report, origin, _)) = checked.into_iter().next() else {
        anyhow::bail!("cannot read {}", visible(&path.display().to_string()));
    };
    match &report.runbook {
        Some(rb) if report.errors() == 0 => {
            print!("{}", render::show(rb, &origin.to_string()));
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprint!("{}", report.render());
            Ok(ExitCode::from(1))
        }
    }
}

pub fn schema() -> anyhow::Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(&json_schema::schema())?);
    Ok(ExitCode::SUCCESS)
}

pub fn new(id: &str, incident_type: &str, dir: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    for (what, v) in [("id", id), ("--type", incident_type)] {
        if let Err(why) = walk::check_id(v) {
            return Err(usage(format!("{what} {why}")));
        }
    }
    let dir = dir.unwrap_or_else(|| {
        let local = PathBuf::from("runbooks");
        if local.is_dir() {
            local
        } else {
            PathBuf::from(".")
        }
    });
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{id}.toml"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("cannot create {} (it is never overwritten)", path.display()))?;
    f.write_all(starter::starter(id, incident_type).as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    eprintln!(
        "wrote a starter runbook; edit it, then check it with: runbook validate {}",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
