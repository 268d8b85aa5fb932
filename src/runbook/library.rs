//! Where runbooks come from: the search path, the bundled library compiled into the binary,
//! and which runbook wins when an id is found twice.
//!
//! Order: `--runbooks DIR` (repeatable) or `RUNBOOK_PATH` if given; otherwise `./runbooks` when
//! it exists and `$XDG_CONFIG_HOME/runbook/runbooks`; and always, last, the bundled library.
//! The first runbook with an id wins; later ones are shadowed. Two files with the same id in
//! one directory tree is an error naming both.

use super::{FileReport, check_bytes, diag::Diagnostic, files, precheck};
use crate::domain::Runbook;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

/// The runbooks shipped inside the binary: (file name, source).
pub const BUNDLED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// Directories named this are skipped when searching for runbooks: they hold drill scenarios.
pub const SCENARIO_DIR: &str = "scenarios";

/// One place runbooks are looked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    Dir(PathBuf),
    Bundled,
}

/// Where one runbook came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Bundled(&'static str),
}

impl Origin {
    /// The path as it is (for JSON, whose writer escapes it, and as a key), or `bundled`.
    pub fn raw(&self) -> String {
        match self {
            Origin::File(p) => p.display().to_string(),
            Origin::Bundled(_) => "bundled".to_string(),
        }
    }
}

impl fmt::Display for Origin {
    /// For a terminal: the path with control and invisible characters made visible.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::sanitize::visible(&self.raw()))
    }
}

/// A runbook that loaded, with its exact source (incidents pin it by sha256).
#[derive(Clone, Debug)]
pub struct Entry {
    pub runbook: Runbook,
    pub source: String,
    pub origin: Origin,
}

/// The loaded library.
#[derive(Debug, Default)]
pub struct Library {
    /// The winning runbook for each id, in search order.
    pub entries: Vec<Entry>,
    /// Runbooks hidden by an earlier one with the same id: (hidden, the winner's origin).
    pub shadowed: Vec<(Entry, Origin)>,
    /// Every file looked at, with its diagnostics (empty when clean).
    pub reports: Vec<FileReport>,
}

impl Library {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.runbook.id == id)
    }

    pub fn errors(&self) -> usize {
        self.reports.iter().map(FileReport::errors).sum()
    }

    pub fn warnings(&self) -> usize {
        self.reports.iter().map(FileReport::warnings).sum()
    }
}

/// The environment the search path depends on, passed in so the order is testable.
#[derive(Clone, Debug)]
pub struct SearchEnv {
    pub cli_dirs: Vec<PathBuf>,
    /// `RUNBOOK_PATH`, colon-separated.
    pub runbook_path: Option<String>,
    /// The working directory.
    pub cwd: PathBuf,
    /// `XDG_CONFIG_HOME`, else `$HOME/.config`.
    pub config_home: Option<PathBuf>,
    /// Search the bundled library last (true unless turned off by `--no-bundled` or the
    /// settings file's `bundled = false`).
    pub bundled: bool,
}

impl SearchEnv {
    /// Reads the process environment.
    pub fn from_process(cli_dirs: Vec<PathBuf>) -> SearchEnv {
        let config_home = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
        SearchEnv {
            cli_dirs,
            runbook_path: std::env::var("RUNBOOK_PATH").ok().filter(|v| !v.is_empty()),
            cwd: std::env::current_dir().unwrap_or_default(),
            config_home,
            bundled: true,
        }
    }

    /// The roots, in search order.
    pub fn roots(&self) -> Vec<Root> {
        let mut roots: Vec<Root> = if !self.cli_dirs.is_empty() {
            self.cli_dirs.iter().cloned().map(Root::Dir).collect()
        } else if let Some(p) = &self.runbook_path {
            p.split(':')
                .filter(|s| !s.is_empty())
                .map(|s| Root::Dir(PathBuf::from(s)))
                .collect()
        } else {
            let mut v = Vec::new();
            let local = self.cwd.join("runbooks");
            if local.is_dir() {
                v.push(Root::Dir(PathBuf::from("runbooks")));
            }
            if let Some(c) = &self.config_home {
                v.push(Root::Dir(c.join("runbook").join("runbooks")));
            }
            v
        };
        if self.bundled {
            roots.push(Root::Bundled);
        }
        roots
    }
}

/// Loads every root in order. Missing default directories are skipped quietly; a directory
/// named on the command line or in RUNBOOK_PATH that is missing is reported.
pub fn load(roots: &[Root], explicit: bool) -> Library {
    let mut lib = Library::default();
    let mut winners: HashMap<String, usize> = HashMap::new();
    for root in roots {
        let found = match root {
            Root::Bundled => bundled_reports(),
            Root::Dir(d) if !d.exists() && !explicit => continue,
            Root::Dir(d) => check_paths(std::slice::from_ref(d)),
        };
        for (mut report, origin, source) in found {
            // The runbook moves to its entry; the report keeps the diagnostics.
            if let Some(runbook) = report.runbook.take() {
                let entry = Entry {
                    runbook,
                    source,
                    origin,
                };
                match winners.get(&entry.runbook.id) {
                    Some(&w) => {
                        let winner = lib.entries[w].origin.clone();
                        lib.shadowed.push((entry, winner));
                    }
                    None => {
                        winners.insert(entry.runbook.id.clone(), lib.entries.len());
                        lib.entries.push(entry);
                    }
                }
            }
            lib.reports.push(report);
        }
    }
    lib
}

/// The search path's runbooks for the first frame, quickly: every runbook by its top-level
/// fields only (`header`), bundled ones too; nothing here is fully checked. The first of each
/// id wins, as in `load`. Files that cannot be listed this way (unreadable, hostile, or with
/// a header that does not check) are left out; the full load that follows reports them.
pub fn list(roots: &[Root]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for root in roots {
        let found: Vec<Entry> = match root {
            Root::Bundled => BUNDLED
                .iter()
                .filter_map(|(name, text)| {
                    Some(Entry {
                        runbook: super::header::header(text)?,
                        source: (*text).to_string(),
                        origin: Origin::Bundled(name),
                    })
                })
                .collect(),
            Root::Dir(d) => {
                let files = if d.is_dir() {
                    files::find_toml(d, Some(OsStr::new(SCENARIO_DIR))).files
                } else {
                    Vec::new()
                };
                crate::par::map(&files, usize::MAX, |p| listed(p))
                    .into_iter()
                    .flatten()
                    .collect()
            }
        };
        for entry in found {
            if seen.insert(entry.runbook.id.clone()) {
                out.push(entry);
            }
        }
    }
    out
}

/// One file by its header, when it passes the precheck and its header checks.
fn listed(p: &Path) -> Option<Entry> {
    let bytes = read_limited(p).ok()?;
    let runbook = super::header::header_of_bytes(&bytes)?;
    Some(Entry {
        runbook,
        source: String::from_utf8(bytes).ok()?,
        origin: Origin::File(p.to_path_buf()),
    })
}

fn bundled_reports() -> Vec<(FileReport, Origin, String)> {
    BUNDLED
        .iter()
        .map(|(name, text)| {
            let report = check_bytes(&format!("bundled:{name}"), text.as_bytes());
            (report, Origin::Bundled(name), (*text).to_string())
        })
        .collect()
}

/// Checks files and directories (recursively, `*.toml`, skipping `scenarios/`) as one set:
/// two files with the same id are an error naming both. Keeps each runbook and its source.
pub fn check_paths(paths: &[PathBuf]) -> Vec<(FileReport, Origin, String)> {
    checked_paths(paths, |report, p, text| {
        (report, Origin::File(p.clone()), text)
    })
}

/// `check_paths` for `runbook validate`: only the reports. Each runbook is dropped as soon as
/// it is checked, on the thread that checked it, so a big library is never held whole.
pub fn validate_paths(paths: &[PathBuf]) -> Vec<FileReport> {
    checked_paths(paths, |mut report, _, _| {
        report.runbook = None;
        report
    })
}

/// What a caller keeps of each checked file, made from its report, path and source.
trait Keep<T>: Fn(FileReport, &PathBuf, String) -> T + Sync {}
impl<T, F: Fn(FileReport, &PathBuf, String) -> T + Sync> Keep<T> for F {}

/// A kept file's report, for the cross-file checks.
trait HasReport {
    fn report(&mut self) -> &mut FileReport;
}

impl HasReport for FileReport {
    fn report(&mut self) -> &mut FileReport {
        self
    }
}

impl HasReport for (FileReport, Origin, String) {
    fn report(&mut self) -> &mut FileReport {
        &mut self.0
    }
}

fn checked_paths<T: Send + HasReport>(paths: &[PathBuf], keep: impl Keep<T>) -> Vec<T> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            let found = files::find_toml(p, Some(OsStr::new(SCENARIO_DIR)));
            files.extend(found.files);
            problems.extend(found.problems);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            let d = Diagnostic::error(0..0, "no such file or directory")
                .with_help("check the path; directories are searched for *.toml files");
            problems.push((p.clone(), d));
        }
    }
    let mut out: Vec<T> = Vec::new();
    for (p, d) in problems {
        out.push(keep(report_only(&p, d), &p, String::new()));
    }
    out.extend(check_files(&files, &keep));
    mark_duplicates(&mut out);
    out
}

/// Reads and checks `files`, in order, on every core.
fn check_files<T: Send>(files: &[PathBuf], keep: &impl Keep<T>) -> Vec<T> {
    crate::par::map(files, usize::MAX, |p| {
        let (report, text) = read_and_check(p);
        keep(report, p, text)
    })
}

fn report_only(p: &Path, d: Diagnostic) -> FileReport {
    FileReport {
        path: p.display().to_string(),
        text: String::new(),
        diags: vec![d],
        runbook: None,
        id: None,
        id_span: None,
    }
}

/// Reads one regular file without blocking and without ever holding more than the size
/// limit's worth of it (one byte more, to tell that it is too big).
fn read_limited(p: &Path) -> Result<Vec<u8>, String> {
    files::read_regular(p, precheck::MAX_BYTES)
}

/// Reads and checks one file.
fn read_and_check(p: &Path) -> (FileReport, String) {
    match read_limited(p) {
        Err(e) => (report_only(p, Diagnostic::error(0..0, e)), String::new()),
        Ok(bytes) if bytes.len() > precheck::MAX_BYTES => {
            let size = std::fs::metadata(p).map_or(bytes.len() as u64, |m| m.len());
            let d = Diagnostic::error(
                0..0,
                format!(
                    "file is {size} bytes; runbooks are limited to {} bytes (1 MiB)",
                    precheck::MAX_BYTES
                ),
            )
            .with_help("split it into several runbooks, or check that this is the file you meant");
            (report_only(p, d), String::new())
        }
        Ok(bytes) => {
            let report = check_bytes(&p.display().to_string(), &bytes);
            let text = report.text.clone();
            (report, text)
        }
    }
}

/// Adds an error to every file whose runbook id was already used by an earlier file.
fn mark_duplicates<T: HasReport>(found: &mut [T]) {
    // The first file with each id, and where its id is (worked out only for a duplicate).
    let mut first: HashMap<String, (usize, Option<String>)> = HashMap::new();
    for i in 0..found.len() {
        let Some(id) = found[i].report().id.clone() else {
            continue;
        };
        let Some((earlier, place)) = first.get_mut(&id) else {
            first.insert(id, (i, None));
            continue;
        };
        let place = place.get_or_insert_with(|| {
            let r = found[*earlier].report();
            let at = r.id_span.as_ref().map_or(0, |s| s.start);
            let (line, col) = super::diag::line_col(&r.text, at);
            format!("{}:{line}:{col}", r.path)
        });
        let report = found[i].report();
        report.runbook = None;
        let d = Diagnostic::error(
            report.id_span.clone().unwrap_or(0..0),
            format!("duplicate runbook id \"{id}\": also defined in {place}"),
        )
        .with_help("runbook ids must be unique across the library: rename one");
        report.diags.push(d);
    }
}
