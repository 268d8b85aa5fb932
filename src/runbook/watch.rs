//! Live reload of the library: a debounced `notify` watcher on every runbook directory (the
//! directories, not the files: editors save by writing a new file and renaming it over the
//! old one), and a `Reloader` that keeps the last good version of each file, so a bad edit
//! shows its errors without taking the runbook away.

use super::FileReport;
use super::library::{self, Origin, Root};
use crate::domain::Runbook;
use notify::{RecursiveMode, Watcher};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// Quiet time after the last change before the library is reloaded: one save is often
/// several events (write, rename, chmod).
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Watches `roots`' directories and calls `changed` once per burst of changes. The watcher
/// stops when the returned value is dropped. Directories that do not exist are skipped.
pub fn watch(
    roots: &[Root],
    changed: impl Fn() + Send + 'static,
) -> Option<notify::RecommendedWatcher> {
    let (tx, rx) = mpsc::channel::<()>();
    let mut w = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if ev.is_ok_and(|e| !e.kind.is_access()) {
            let _ = tx.send(());
        }
    })
    .ok()?;
    let mut watching = 0;
    for r in roots {
        if let Root::Dir(d) = r
            && d.is_dir()
            && w.watch(d, RecursiveMode::Recursive).is_ok()
        {
            watching += 1;
        }
    }
    if watching == 0 {
        return None;
    }
    std::thread::spawn(move || {
        // Each burst: the first event, then wait for DEBOUNCE of quiet, then one call.
        while rx.recv().is_ok() {
            while rx.recv_timeout(DEBOUNCE).is_ok() {}
            changed();
        }
    });
    Some(w)
}

/// One runbook as the picker shows it after a reload.
#[derive(Clone, Debug)]
pub struct Current {
    /// Shared with the home screen's rows: a big library is not copied for them.
    pub runbook: Arc<Runbook>,
    pub source: Arc<str>,
    pub origin: String,
    /// The file's problems when its latest version does not validate (the runbook shown is
    /// then the last good one).
    pub problems: Option<String>,
    /// False for a runbook listed by its top-level fields only (`Reloader::list`): it has no
    /// steps, variables or links until the full check.
    pub checked: bool,
}

/// A runbook that loaded cleanly.
impl From<library::Entry> for Current {
    fn from(e: library::Entry) -> Current {
        Current {
            origin: e.origin.to_string(),
            runbook: Arc::new(e.runbook),
            source: e.source.into(),
            problems: None,
            checked: true,
        }
    }
}

/// Reloads the library, remembering the last good version of every file.
pub struct Reloader {
    roots: Vec<Root>,
    explicit: bool,
    last_good: HashMap<PathBuf, (Arc<Runbook>, Arc<str>)>,
}

impl Reloader {
    pub fn new(roots: Vec<Root>, explicit: bool) -> Reloader {
        Reloader {
            roots,
            explicit,
            last_good: HashMap::new(),
        }
    }

    pub fn roots(&self) -> &[Root] {
        &self.roots
    }

    /// The library for the first frame, fast: runbooks listed by their top-level fields
    /// (`checked: false`), sorted out later by `reload`, which checks every file. Remembers
    /// nothing.
    pub fn list(&self) -> Vec<Current> {
        library::list(&self.roots)
            .into_iter()
            .map(|entry| Current {
                checked: false,
                ..Current::from(entry)
            })
            .collect()
    }

    /// Loads the library again. Files that stopped validating keep their last good version,
    /// with the errors attached; deleted files are gone.
    pub fn reload(&mut self) -> Vec<Current> {
        let lib = library::load(&self.roots, self.explicit);
        let key = |p: &std::path::Path| PathBuf::from(p.display().to_string());
        // Every file that loaded, shadowed or not, is its own last good version now.
        let mut remember = |c: &Current, origin: &Origin| {
            if let Origin::File(p) = origin {
                self.last_good
                    .insert(key(p), (c.runbook.clone(), c.source.clone()));
            }
        };
        for (e, _) in lib.shadowed {
            let origin = e.origin.clone();
            remember(&Current::from(e), &origin);
        }
        let mut out = Vec::with_capacity(lib.entries.len());
        for e in lib.entries {
            let origin = e.origin.clone();
            let c = Current::from(e);
            remember(&c, &origin);
            out.push(c);
        }
        let mut seen = HashSet::new();
        for report in &lib.reports {
            let path = PathBuf::from(&report.path);
            if report.errors() > 0 {
                self.keep_last_good(&path, report, &mut out);
            }
            seen.insert(path);
        }
        self.last_good.retain(|p, _| seen.contains(p));
        out
    }

    fn keep_last_good(&self, path: &PathBuf, report: &FileReport, out: &mut Vec<Current>) {
        let Some((rb, source)) = self.last_good.get(path) else {
            return;
        };
        let problems = Some(report.render());
        let current = Current {
            runbook: rb.clone(),
            source: source.clone(),
            origin: super::sanitize::visible(&report.path),
            problems,
            checked: true,
        };
        match out.iter_mut().find(|c| c.runbook.id == rb.id) {
            // A copy it shadowed (e.g. the bundled one) would take over: the file being edited
            // keeps its last good version instead.
            Some(c) => *c = current,
            None => out.push(current),
        }
    }
}
