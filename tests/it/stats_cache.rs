//! The summary cache of `runbook stats`: used for closed incidents whose journal is
//! unchanged, never the source of truth: a changed or damaged journal is read again, and a
//! deleted, garbled or foreign cache changes nothing but the time taken.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use crate::stats_cli::{generated, stats_json};
use serde_json::Value;

fn cache_file(e: &crate::support::cli_env::Env) -> std::path::PathBuf {
    e.state.path().join("cache").join("stats-v1.json")
}

#[test]
fn the_cache_gives_the_same_figures_and_can_be_deleted_or_garbled() {
    let (e, ids) = generated();
    let (first, _) = stats_json(&e, &[]);
    let cached: Value = serde_json::from_slice(&std::fs::read(cache_file(&e)).unwrap()).unwrap();
    let entries = cached["entries"].as_object().unwrap();
    // The four real incidents and the closed drill; never the damaged one.
    assert_eq!(entries.len(), 5, "{:?}", entries.keys());
    assert!(!entries.contains_key(&ids[5]));
    let (again, _) = stats_json(&e, &[]);
    assert_eq!(again, first, "from the cache");
    std::fs::write(cache_file(&e), b"{ not json").unwrap();
    assert_eq!(stats_json(&e, &[]).0, first, "a garbled cache is rebuilt");
    std::fs::remove_file(cache_file(&e)).unwrap();
    assert_eq!(stats_json(&e, &[]).0, first, "a deleted cache is rebuilt");
}

#[test]
fn a_journal_changed_or_damaged_after_it_was_cached_is_read_again() {
    let (e, ids) = generated();
    let (first, _) = stats_json(&e, &[]);
    assert_eq!(first["incidents"], 4);
    // A cache entry whose figures are wrong but whose key no longer matches is not used:
    // damage incident A's second line in place (same length).
    let path = e.journal_path(&ids[0]);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1] = "#".repeat(lines[1].len());
    std::fs::write(&path, format!("{}\n", lines.join("\n"))).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap().len(), text.len());
    let (after, stderr) = stats_json(&e, &[]);
    assert_eq!(
        after["incidents"], 3,
        "the damaged journal is no longer counted"
    );
    assert!(stderr.contains(&ids[0]), "{stderr}");
    // A cache that says something else for a journal it no longer matches changes nothing.
    let mut poisoned: Value =
        serde_json::from_slice(&std::fs::read(cache_file(&e)).unwrap()).unwrap();
    let b = poisoned["entries"][&ids[1]]["summary"]["metrics"]
        .as_array_mut()
        .unwrap();
    b[3] = Value::from(999_999);
    poisoned["entries"][&ids[1]]["key"]["len"] = Value::from(1);
    std::fs::write(cache_file(&e), poisoned.to_string()).unwrap();
    let (again, _) = stats_json(&e, &[]);
    assert_eq!(again["metrics"], after["metrics"]);
}

#[test]
fn a_cache_that_cannot_be_written_is_said_once_and_changes_no_figure() {
    let (e, _) = generated();
    let (first, _) = stats_json(&e, &[]);
    // `cache` taken by a plain file: the cache directory cannot be made, even by root.
    std::fs::remove_dir_all(e.state.path().join("cache")).unwrap();
    std::fs::write(e.state.path().join("cache"), b"not a directory").unwrap();
    let (again, stderr) = stats_json(&e, &[]);
    assert_eq!(again, first);
    assert_eq!(
        stderr.matches("the cache was not saved").count(),
        1,
        "{stderr}"
    );
    let r = runbook::store::summaries::read_all(&runbook::store::Store::locate(Some(
        e.state.path().to_path_buf(),
    )));
    assert!(r.cache_warning.is_some_and(|w| w.contains("not saved")));
    assert_eq!(r.summaries.len(), 5);
}

#[test]
fn a_link_planted_where_the_cache_file_goes_is_never_written_through() {
    let (e, _) = generated();
    let (first, _) = stats_json(&e, &[]);
    let victim = e.state.path().join("victim");
    std::fs::write(&victim, b"keep me").unwrap();
    std::fs::remove_file(cache_file(&e)).unwrap();
    std::os::unix::fs::symlink(&victim, cache_file(&e)).unwrap();
    let (again, stderr) = stats_json(&e, &[]);
    assert_eq!(again, first, "the figures do not depend on the cache");
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    // What to do about a cache, not about an export's `-o`.
    assert!(stderr.contains("remove it"), "{stderr}");
    assert!(!stderr.contains("-o -"), "{stderr}");
}
