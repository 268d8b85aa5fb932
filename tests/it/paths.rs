//! Ids before paths, and no planted symlink followed. An incident argument that is not an id
//! (a path, `.`, `..`, empty, 10,000 characters, not UTF-8, a shell command) is refused before
//! any file is touched; a unique start of an id names it, an ambiguous one lists the
//! candidates. A symlink planted at a journal, at `outputs/<id>`, at `exports/<id>.md` or at an
//! export's `-o` target is never followed or replaced.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::support::cli_env::Env;

/// Every file under `dir` with its bytes (symlinks as their target), sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for entry in rd {
            let p = entry.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&p).unwrap();
                out.push((p, target.into_os_string().into_vec()));
            } else if meta.is_dir() {
                out.push((p.clone(), Vec::new()));
                todo.push(p);
            } else {
                let bytes = fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn incident_values_that_are_not_ids_are_refused_before_any_file_is_touched() {
    let e = Env::new();
    // The state directory one level down: incidents/../../x is then a/x, inside the test's
    // directory, where the victims are.
    let state = e.state.path().join("a/state");
    let state_flag = state.to_str().unwrap();
    let inc = e
        .ok(&["--state-dir", state_flag, "start", "disk-full", "--no-tui"])
        .trim()
        .to_string();
    let x = e.state.path().join("a/x");
    fs::create_dir(&x).unwrap();
    fs::write(x.join("victim.jsonl"), "precious\n").unwrap();
    fs::write(x.join("config.jsonl"), "{\"seq\":1}\n").unwrap();
    assert_eq!(
        state
            .join("incidents/../../x/victim.jsonl")
            .canonicalize()
            .unwrap(),
        x.join("victim.jsonl").canonicalize().unwrap(),
        "the victim is where ../../x/victim would lead"
    );
    let absolute = x.join("victim").display().to_string();
    let long = "a".repeat(10_000);
    let before = snapshot(e.state.path());

    let values: Vec<&OsStr> = vec![
        OsStr::new("../../x/victim"),
        OsStr::new("../../x/config"),
        OsStr::new(&absolute),
        OsStr::new("."),
        OsStr::new(".."),
        OsStr::new(""),
        OsStr::new(&long),
        OsStr::from_bytes(b"2026\xff\xfe"),
        OsStr::new("x; touch pwned"),
        OsStr::new("\u{1b}[2J"),
    ];
    for value in values {
        let shown = value.to_string_lossy();
        let shown = shown.chars().take(40).collect::<String>();
        let mut runs = Vec::new();
        let mut note = e.cmd(&["--state-dir", state_flag, "note", "hello", "--incident"]);
        note.arg(value);
        runs.push(note);
        for cmd in ["status", "log", "export", "close", "resume"] {
            let mut c = e.cmd(&["--state-dir", state_flag, cmd]);
            c.arg(value);
            runs.push(c);
        }
        for mut c in runs {
            let out = c.output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{shown:?} {c:?}: {stderr}");
            assert!(
                stderr.contains("is not an incident id"),
                "{shown:?}: {stderr}"
            );
            assert!(
                !stderr.contains('\u{1b}'),
                "an escape reached the terminal: {stderr:?}"
            );
            assert!(
                stderr.len() < 600,
                "{shown:?}: the value is shortened: {stderr}"
            );
        }
    }
    assert_eq!(snapshot(e.state.path()), before, "a file was touched");
    // And the real incident is still there, untouched and readable.
    assert!(
        e.ok(&["--state-dir", state_flag, "status", &inc])
            .contains(&inc)
    );
}

#[test]
fn a_unique_start_of_an_id_names_it_and_an_ambiguous_one_lists_the_candidates() {
    let e = Env::new();
    let now = "2026-05-30T22:12:00Z";
    let first = e
        .ok_at(now, &["start", "disk-full", "--no-tui"])
        .trim()
        .to_string();
    let second = e
        .ok_at(now, &["start", "disk-full", "--no-tui"])
        .trim()
        .to_string();
    let other = e
        .ok_at("2026-05-30T23:40:00Z", &["start", "disk-full", "--no-tui"])
        .trim()
        .to_string();
    assert_eq!(first, "20260530-2212-disk-full");
    assert_eq!(second, "20260530-2212-disk-full-2");

    // An exact id wins even when it starts another one.
    assert!(e.ok(&["status", &first]).starts_with(&format!("{first}  ")));
    assert!(
        e.ok(&["status", "20260530-2340"])
            .starts_with(&format!("{other}  "))
    );
    let out = e.ok(&[
        "note",
        "--incident",
        "20260530-2212-disk-full-",
        "by prefix",
    ]);
    assert!(out.contains("recorded #2"), "{out}");
    assert_eq!(e.journal(&second).len(), 2);

    let err = e.fails(2, &["status", "20260530-2"]);
    for id in [&first, &second, &other] {
        assert!(err.contains(&format!("  {id}")), "{err}");
    }
    assert!(err.contains("is the start of 3 incident ids"), "{err}");
    let err = e.fails(1, &["status", "2027"]);
    assert!(err.contains("no incident \"2027\""), "{err}");
}

#[test]
fn a_symlink_planted_at_a_journal_is_never_followed() {
    let e = Env::new();
    let inc = e.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let path = e.journal_path(&inc);
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.jsonl");
    // The victim holds a valid journal, so following the link would read and append to it.
    fs::rename(&path, &victim).unwrap();
    std::os::unix::fs::symlink(&victim, &path).unwrap();
    let before = fs::read(&victim).unwrap();

    for args in [
        &["note", "--incident", &inc, "through the link"][..],
        &["status", &inc],
        &["log", &inc],
        &["export", &inc],
        &["close", &inc],
    ] {
        let err = e.fails(1, args);
        assert!(err.contains("is a symbolic link"), "{args:?}: {err}");
    }
    let err = e.fails(0, &["incidents", "--all"]);
    assert!(
        err.contains(&format!("cannot read incident {inc}")),
        "{err}"
    );
    assert!(err.contains("is a symbolic link"), "{err}");
    assert_eq!(fs::read(&victim).unwrap(), before, "the link was followed");
    assert!(
        fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_symlinked_incidents_directory_is_refused_when_starting() {
    let e = Env::new();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), e.state.path().join("incidents")).unwrap();
    let err = e.fails(1, &["start", "disk-full", "--no-tui"]);
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn command_output_never_goes_through_a_symlink_planted_at_outputs_id() {
    let e = Env::new();
    let outside = tempfile::tempdir().unwrap();
    let inc = e.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let store = runbook::store::Store {
        dir: e.state.path().to_path_buf(),
    };
    let id: runbook::store::IncidentId = inc.parse().unwrap();
    let dir = store.outputs_dir(&id);
    fs::create_dir_all(dir.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(outside.path(), &dir).unwrap();
    let session = store.open(&id).unwrap();
    let run = runbook::domain::command::Run {
        incident: inc.clone(),
        run: 2,
        step: "s".into(),
        command: "echo secret".into(),
        timeout: runbook::domain::Dur::from_secs(20),
    };
    let done = runbook::exec::execute(
        &session.incident,
        &run,
        runbook::exec::Exec {
            state_dir: &store.dir,
            cap: runbook::exec::DEFAULT_CAP,
            cancel: &runbook::exec::Cancel::new(),
            live: &mut |_| {},
        },
    );
    assert_eq!(done.exit_code, Some(0));
    assert_eq!(done.output_path, None, "no file was saved");
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn export_o_never_replaces_a_symlink_and_dash_is_stdout() {
    let e = Env::new();
    let inc = e.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    fs::write(&victim, "precious").unwrap();
    let link = e.state.path().join("pm.md");
    std::os::unix::fs::symlink(&victim, &link).unwrap();

    // Stand-ins for /dev/stdout (a symlink to /proc/self/fd/1) and for a device or FIFO, inside
    // the test's directory: a regression must not be able to replace the real ones.
    let stdout = e.state.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &stdout).unwrap();
    let fifo = e.state.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for target in [&link, &stdout, &fifo] {
        let err = e.fails(1, &["export", &inc, "-o", target.to_str().unwrap()]);
        assert!(
            err.contains("only ever a regular file is replaced"),
            "{}: {err}",
            target.display()
        );
    }
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    for kept in [&link, &stdout] {
        assert!(fs::symlink_metadata(kept).unwrap().file_type().is_symlink());
    }
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &fs::symlink_metadata(&fifo).unwrap().file_type()
    ));

    let md = e.ok(&["export", &inc, "-o", "-"]);
    assert!(md.starts_with("# "), "{md}");
    assert_eq!(md, e.ok(&["export", &inc]));
    // A regular file is replaced, as before.
    let file = e.state.path().join("pm-real.md");
    fs::write(&file, "old").unwrap();
    e.ok(&["export", &inc, "-o", file.to_str().unwrap()]);
    assert_eq!(fs::read_to_string(&file).unwrap(), md);
}

#[test]
fn the_apps_export_never_replaces_a_symlink_planted_in_exports() {
    let e = Env::new();
    let inc = e.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let store = runbook::store::Store {
        dir: e.state.path().to_path_buf(),
    };
    let session = store.read(&inc.parse().unwrap()).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    fs::write(&victim, "precious").unwrap();
    let exports = store.ensure_exports_dir().unwrap();
    let planted = exports.join(format!("{inc}.md"));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();

    let err = runbook::export::write_draft(&store, &session, &Default::default()).unwrap_err();
    assert!(format!("{err:#}").contains("symbolic link"), "{err:#}");
    assert_eq!(fs::read(&victim).unwrap(), b"precious");

    // A symlink at exports/ itself is refused too.
    fs::remove_file(&planted).unwrap();
    fs::remove_dir(&exports).unwrap();
    std::os::unix::fs::symlink(outside.path(), &exports).unwrap();
    assert!(runbook::export::write_draft(&store, &session, &Default::default()).is_err());
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1);
}
