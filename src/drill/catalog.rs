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
                for p in toml_files(&dir) {
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

/// `*.toml` directly in `dir`, sorted (none when it does not exist).
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Reads and checks one file, never holding more than the size limit's worth of it.
pub fn read(p: &Path, lib: Option<&Library>) -> (ScenarioReport, String) {
    use std::io::Read;
    let shown = p.display().to_string();
    let only = |d: Diagnostic| ScenarioReport {
        path: shown.clone(),
        text: String::new(),
        diags: vec![d],
        scenario: None,
    };
    let bytes = std::fs::File::open(p).and_then(|f| {
        let mut buf = Vec::new();
        f.take(precheck::MAX_BYTES as u64 + 1)
            .read_to_end(&mut buf)?;
        Ok(buf)
    });
    match bytes {
        Err(e) => (
            only(Diagnostic::error(
                0..0,
                format!("cannot read the file: {e}"),
            )),
            String::new(),
        ),
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
