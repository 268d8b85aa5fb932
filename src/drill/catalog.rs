//! Where drill scenarios come from: the `scenarios/` directory of each runbook directory on the
//! search path (`runbooks/scenarios/` beside the runbooks), then the scenarios bundled in the
//! binary. The first scenario with an id wins, as with runbooks. `--scenario` may also name a
//! file directly. This module reads files; parsing and checking is `scenario`.

use super::scenario::{self, Scenario, ScenarioReport};
use crate::runbook::diag::Diagnostic;
use crate::runbook::library::{Library, Origin, Root, SCENARIO_DIR};
use crate::runbook::{precheck, suggest};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The scenarios shipped inside the binary: (file name, source).
pub const BUNDLED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/bundled_scenarios.rs"));

/// A scenario that checked out, with its exact source (a drill pins it by sha256).
#[derive(Clone, Debug)]
pub struct Entry {
    pub scenario: Scenario,
    pub source: String,
    pub origin: Origin,
    /// Its warnings, rendered (empty when clean).
    pub warnings: String,
}

/// Every scenario found.
#[derive(Debug, Default)]
pub struct Catalog {
    /// The winning scenario for each id, in search order.
    pub entries: Vec<Entry>,
    /// Every file looked at, with its diagnostics (empty when clean).
    pub reports: Vec<ScenarioReport>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.scenario.id == id)
    }

    pub fn errors(&self) -> usize {
        self.reports.iter().map(ScenarioReport::errors).sum()
    }
}

/// Loads every scenario on the search path, then the bundled ones, checking each against the
/// library.
pub fn load(roots: &[Root], lib: &Library) -> Catalog {
    let mut cat = Catalog::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut found: Vec<(ScenarioReport, String, Origin)> = Vec::new();
    for root in roots {
        match root {
            Root::Dir(d) => {
                let dir = d.join(SCENARIO_DIR);
                let (files, problems) = toml_files(&dir);
                for (p, d) in problems {
                    let report = ScenarioReport {
                        path: p.display().to_string(),
                        text: String::new(),
                        diags: vec![d],
                        scenario: None,
                    };
                    found.push((report, String::new(), Origin::File(p)));
                }
                for p in files {
                    let (report, text) = read(&p, Some(lib));
                    found.push((report, text, Origin::File(p)));
                }
            }
            Root::Bundled => {
                for (name, text) in BUNDLED {
                    let report = scenario::check_bytes(
                        &format!("bundled:{name}"),
                        text.as_bytes(),
                        Some(lib),
                    );
                    found.push((report, (*text).to_string(), Origin::Bundled(name)));
                }
            }
        }
    }
    for (report, source, origin) in found {
        if let Some(s) = &report.scenario
            && seen.insert(s.id.clone())
        {
            cat.entries.push(Entry {
                scenario: s.clone(),
                source,
                origin,
                warnings: report.render(),
            });
        }
        cat.reports.push(report);
    }
    cat
}

/// The `*.toml` entries of a scenario directory (not its subdirectories), and what stood in
/// the way: a directory that cannot be read, a link to nothing or a loop. A missing
/// directory is no problem (most runbook directories have no scenarios).
fn toml_files(dir: &Path) -> (Vec<PathBuf>, Vec<(PathBuf, Diagnostic)>) {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), Vec::new()),
        Err(e) => {
            let d = Diagnostic::error(0..0, format!("cannot read the directory: {e}"));
            return (Vec::new(), vec![(dir.to_path_buf(), d)]);
        }
    };
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for e in rd {
        let Ok(e) = e else { continue };
        let p = e.path();
        if p.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        // Follows links; a FIFO or device is read (and refused there) with the others.
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => files.push(p),
            Err(e) => {
                let d = Diagnostic::error(0..0, format!("cannot look at it: {e}"));
                problems.push((p, d));
            }
        }
    }
    files.sort();
    problems.sort_by(|a, b| a.0.cmp(&b.0));
    (files, problems)
}

/// Reads and checks one file, never holding more than the size limit's worth of it.
pub fn read(p: &Path, lib: Option<&Library>) -> (ScenarioReport, String) {
    let shown = p.display().to_string();
    let only = |d: Diagnostic| ScenarioReport {
        path: shown.clone(),
        text: String::new(),
        diags: vec![d],
        scenario: None,
    };
    match crate::runbook::files::read_regular(p, precheck::MAX_BYTES) {
        Err(e) => (only(Diagnostic::error(0..0, e)), String::new()),
        Ok(b) if b.len() > precheck::MAX_BYTES => (
            only(Diagnostic::error(
                0..0,
                format!(
                    "file is larger than {} bytes (1 MiB): not a scenario",
                    precheck::MAX_BYTES
                ),
            )),
            String::new(),
        ),
        Ok(b) => {
            let report = scenario::check_bytes(&shown, &b, lib);
            let text = report.text.clone();
            (report, text)
        }
    }
}

/// True when `arg` names a file rather than a scenario id.
fn is_path(arg: &str) -> bool {
    arg.contains('/') || arg.ends_with(".toml") || Path::new(arg).is_file()
}

/// The scenario `--scenario ARG` means: a file when it looks like a path, else an id in the
/// catalog. The error is the whole story: every problem with its line and column, or which
/// scenarios there are.
pub fn resolve(arg: &str, roots: &[Root], lib: &Library) -> Result<Entry, String> {
    if is_path(arg) {
        let p = Path::new(arg);
        let (report, source) = read(p, Some(lib));
        return match report.scenario.clone() {
            Some(scenario) => Ok(Entry {
                scenario,
                source,
                origin: Origin::File(p.to_path_buf()),
                warnings: report.render(),
            }),
            None => Err(format!(
                "scenario {} has errors; fix them and start the drill again:\n{}",
                p.display(),
                report.render()
            )),
        };
    }
    let cat = load(roots, lib);
    if let Some(e) = cat.get(arg) {
        return Ok(e.clone());
    }
    // A file of that name that did not check out: show why.
    let broken = cat.reports.iter().find(|r| {
        r.errors() > 0
            && Path::new(r.path.trim_start_matches("bundled:"))
                .file_stem()
                .is_some_and(|s| s == arg)
    });
    if let Some(r) = broken {
        return Err(format!(
            "scenario \"{arg}\" has errors; fix them and start the drill again:\n{}",
            r.render()
        ));
    }
    let hint = suggest::hint(arg, cat.entries.iter().map(|e| e.scenario.id.as_str()));
    Err(format!(
        "no scenario \"{}\"{hint}; `runbook drill --list` shows them, or give a file path",
        crate::runbook::sanitize::visible(arg)
    ))
}
