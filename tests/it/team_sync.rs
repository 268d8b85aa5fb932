//! Sharing an incident across devices through git, as a team would: three replicas (three
//! state directories, devices a, b and c, people ana, bo and cy) against a local bare
//! repository, with the real binary and the real `git`. Appends everywhere, a partition (the
//! remote pointed at a path that does not exist) with appends on every side, the heal; then
//! every replica prints the same timeline, byte for byte, holding every acknowledged record,
//! and the conflicts are told.

use crate::support::cli_env::Env;
use std::path::Path;
use std::process::{Command, Output};

/// One device: a state directory, its device id and its person.
struct Replica {
    env: Env,
    device: &'static str,
    user: &'static str,
}

impl Replica {
    fn new(device: &'static str, user: &'static str) -> Replica {
        Replica {
            env: Env::new(),
            device,
            user,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.env.cmd(args);
        c.env("RUNBOOK_DEVICE", self.device)
            .env("RUNBOOK_USER", self.user);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.device,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs and insists on exit `code`; stderr.
    fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{} {args:?}: {}",
            self.device,
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    fn sync(&self) -> String {
        self.ok(&["sync"])
    }

    fn log(&self, inc: &str) -> String {
        self.ok(&["log", inc])
    }
}

fn bare_remote(dir: &Path) -> String {
    let path = dir.join("team.git");
    let st = Command::new("git")
        .args(["init", "--quiet", "--bare"])
        .arg(&path)
        .status()
        .unwrap();
    assert!(st.success());
    path.display().to_string()
}

fn team(remote: &str) -> [Replica; 3] {
    let r = [
        Replica::new("a", "ana"),
        Replica::new("b", "bo"),
        Replica::new("c", "cy"),
    ];
    for x in &r {
        x.ok(&["team", "init", remote]);
    }
    r
}

/// Syncs every replica twice over: after that each holds everything any of them published.
fn sync_all(r: &[Replica]) {
    for _ in 0..2 {
        for x in r {
            x.sync();
        }
    }
}

/// A note, returning its text (unique) once it is acknowledged.
fn note(x: &Replica, inc: &str, text: &str) -> String {
    let out = x.ok(&["note", "--incident", inc, text]);
    assert!(out.starts_with("recorded #"), "{out}");
    text.to_string()
}

/// Long by design: one partition and heal among three replicas, step by step, the timeline checked
/// at each stage.
#[test]
fn three_replicas_partitioned_and_healed_show_one_timeline_with_every_record() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let r = team(&remote);
    let inc = r[0]
        .ok(&["start", "data-migration-overwrite", "--no-tui"])
        .trim()
        .to_string();
    let mut acked = Vec::new();
    sync_all(&r);
    // Every replica sees the incident, and writes in it.
    for x in &r {
        acked.push(note(x, &inc, &format!("online note by {}", x.user)));
    }
    sync_all(&r);
    let online = r[0].log(&inc);
    for x in &r {
        assert_eq!(x.log(&inc), online, "{} before the partition", x.device);
    }

    // The partition: nobody reaches the remote. Everyone keeps recording.
    let missing = tmp.path().join("no-such-remote.git").display().to_string();
    for x in &r {
        x.ok(&["team", "init", &missing]);
    }
    for x in &r {
        acked.push(note(x, &inc, &format!("offline note by {}", x.user)));
    }
    // Two people take one decision differently, and two finish one step, unseen by each other.
    r[0].ok(&["decide", "--incident", &inc, "decide-snapshot", "1"]);
    r[1].ok(&["decide", "--incident", &inc, "decide-snapshot", "2"]);
    r[1].ok(&["step", "--incident", &inc, "find-writer", "start"]);
    r[1].ok(&["step", "--incident", &inc, "find-writer", "done"]);
    r[2].ok(&["step", "--incident", &inc, "find-writer", "done"]);
    for x in &r {
        let err = x.fails(1, &["sync"]);
        assert!(err.contains("stays here"), "{err}");
        // What was recorded here is still here.
        assert!(x.log(&inc).contains(&format!("offline note by {}", x.user)));
    }

    // The heal.
    for x in &r {
        x.ok(&["team", "init", &remote]);
    }
    sync_all(&r);
    let healed = r[0].log(&inc);
    for x in &r {
        assert_eq!(x.log(&inc), healed, "{} after the heal", x.device);
    }
    for text in &acked {
        assert!(healed.contains(text.as_str()), "{text} is lost:\n{healed}");
    }
    // The conflicts are told, naming who did what.
    let out = r[2].run(&["status", &inc]);
    let told = String::from_utf8_lossy(&out.stderr);
    assert!(
        told.contains("step \"decide-snapshot\" was decided differently")
            && told.contains("ana at")
            && told.contains("bo at"),
        "{told}"
    );
    assert!(told.contains("step \"find-writer\" was finished on more than one device"));
    let out = r[0].run(&["log", &inc]);
    let told = String::from_utf8_lossy(&out.stderr);
    assert!(
        told.contains("conflict: step \"decide-snapshot\""),
        "log: {told}"
    );
    let status: serde_json::Value =
        serde_json::from_slice(&r[1].run(&["status", &inc, "--json"]).stdout).unwrap();
    assert_eq!(
        status["conflicts"].as_array().map(Vec::len),
        Some(2),
        "{status}"
    );
    assert_eq!(
        status["devices"].as_array().map(Vec::len),
        Some(3),
        "{status}"
    );
}

#[test]
fn an_incident_from_before_sharing_opens_unchanged_and_is_never_rewritten() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let a = Replica::new("a", "ana");
    // Written the old way: before any sharing was set up.
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    note(&a, &inc, "before sharing");
    let path = a.env.journal_path(&inc);
    let before = std::fs::read(&path).unwrap();
    let log_before = a.log(&inc);
    a.ok(&["team", "init", &remote]);
    a.sync();
    // Reading and sharing never changed it; it opens as it did.
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(a.log(&inc), log_before);
    // Another device joins and writes; this device's file only ever grows at its end.
    let b = Replica::new("b", "bo");
    b.ok(&["team", "init", &remote]);
    b.sync();
    note(&b, &inc, "from bo");
    b.sync();
    a.sync();
    note(&a, &inc, "after sharing");
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(&before) && after.len() > before.len());
    let peer = a
        .env
        .state
        .path()
        .join("incidents")
        .join(&inc)
        .join("b.jsonl");
    assert!(peer.is_file(), "b's log is beside ours");
    let log = a.log(&inc);
    assert!(
        log.contains("from bo") && log.contains("after sharing"),
        "{log}"
    );
    // b never got a log under a's name, nor a a log under its own.
    assert!(
        !a.env
            .state
            .path()
            .join("incidents")
            .join(&inc)
            .join("a.jsonl")
            .exists()
    );
}

#[test]
fn a_kill_9_in_the_middle_of_a_sync_loses_nothing_and_the_next_sync_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let [a, b, _] = team(&remote);
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let mut acked = Vec::new();
    for round in 0..8u64 {
        acked.push(note(&a, &inc, &format!("note {round}")));
        let mut child = a.cmd(&["sync"]).spawn().unwrap();
        // A different point of the exchange each round: from before git starts to after the
        // push. The delay picks the point; nothing waits on it.
        std::thread::sleep(std::time::Duration::from_millis(round * 11));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    a.sync();
    b.sync();
    let log = b.log(&inc);
    for text in &acked {
        assert!(log.contains(text.as_str()), "{text} lost:\n{log}");
    }
    assert_eq!(b.log(&inc), a.log(&inc));
    let fsck = Command::new("git")
        .args(["--git-dir", &remote, "fsck", "--no-progress"])
        .output()
        .unwrap();
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
}

#[test]
fn a_lock_a_crashed_git_left_on_the_remote_is_named_and_removing_it_lets_the_sync_through() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let [a, b, _] = team(&remote);
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    a.sync();
    let text = note(&a, &inc, "after the crash");
    // A git that crashed mid-push on the remote left its ref's lock behind: it never clears,
    // so the sync waits for it a while and then says which file it is.
    let lock = Path::new(&remote).join("refs/runbook/devices/a.lock");
    std::fs::write(&lock, b"").unwrap();
    let err = a.fails(1, &["sync"]);
    assert!(err.contains("a.lock"), "{err}");
    assert!(err.contains("removing that file"), "{err}");
    assert!(err.contains("stays here"), "{err}");
    assert!(a.log(&inc).contains(&text), "nothing is lost here");
    std::fs::remove_file(&lock).unwrap();
    a.sync();
    b.sync();
    assert!(b.log(&inc).contains(&text), "shared once the lock is gone");
}

/// Devices a and b on a shared data-migration-overwrite incident whose `restore-apply` (a
/// step that needs a sign-off) ana started; both synced.
fn restore_apply_started(remote: &str) -> (Replica, Replica, String) {
    let [a, b, _] = team(remote);
    let inc = a
        .ok(&["start", "data-migration-overwrite", "--no-tui"])
        .trim()
        .to_string();
    a.ok(&["step", "--incident", &inc, "restore-apply", "start"]);
    a.sync();
    b.sync();
    (a, b, inc)
}

/// `restore-apply` as `status --json` on `x` shows it.
fn restore_apply(x: &Replica, inc: &str) -> serde_json::Value {
    let s: serde_json::Value = serde_json::from_str(&x.ok(&["status", inc, "--json"])).unwrap();
    s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["id"] == "restore-apply")
        .unwrap()
        .clone()
}

#[test]
fn a_sign_off_from_another_device_is_the_second_person() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, inc) = restore_apply_started(&bare_remote(tmp.path()));
    b.ok(&["signoff", "--incident", &inc, "restore-apply"]);
    b.sync();
    a.sync();
    a.ok(&["step", "--incident", &inc, "restore-apply", "done"]);
    let s: serde_json::Value = serde_json::from_str(&a.ok(&["status", &inc, "--json"])).unwrap();
    let step = restore_apply(&a, &inc);
    assert_eq!(step["status"], "done");
    assert_eq!(step["signed_off_by"], "bo");
    assert!(s["overrides"].as_array().unwrap().is_empty());
}

#[test]
fn a_record_claiming_someone_else_in_another_devices_log_is_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let [a, b, _] = team(&remote);
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    a.sync();
    b.sync();
    note(&b, &inc, "bo's own");
    b.ok(&["--as", "ana", "note", "--incident", &inc, "pretending"]);
    b.sync();
    a.sync();
    let out = a.run(&["log", &inc]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("b.jsonl:2: this record claims author \"ana\", but device b's log is bo's"),
        "{err}"
    );
    // Shown, but not trusted: it counts on no replica (bo's own note does).
    assert!(String::from_utf8_lossy(&out.stdout).contains("pretending"));
    for x in [&a, &b] {
        let s: serde_json::Value =
            serde_json::from_str(&x.ok(&["status", &inc, "--json"])).unwrap();
        assert_eq!(s["notes"], 1, "{}: the claimed note was counted", x.device);
    }
}

#[test]
fn bad_device_ids_and_missing_set_up_are_usage_errors() {
    let a = Replica::new("a", "ana");
    let err = a.fails(2, &["sync"]);
    assert!(err.contains("runbook team init URL"), "{err}");
    for bad in ["../x", "A", "a b", "-rf", "a\u{1b}[2J"] {
        let out = a
            .cmd(&["team", "init", "/nowhere.git"])
            .env("RUNBOOK_DEVICE", bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("device id") && !err.contains('\u{1b}'),
            "{err}"
        );
    }
    let err = a.fails(2, &["team", "init", "--", "--upload-pack=touch x"]);
    assert!(err.contains("not a repository URL"), "{err}");
    // A device keeps its name.
    a.ok(&["team", "init", "/nowhere.git"]);
    let out = a
        .cmd(&["sync"])
        .env("RUNBOOK_DEVICE", "other")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a device keeps its name"));
}

#[test]
fn catchup_tells_a_late_responder_where_things_stand() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let [a, _, c] = team(&remote);
    let inc = a
        .ok(&["start", "data-migration-overwrite", "--no-tui"])
        .trim()
        .to_string();
    a.ok(&["role", "--incident", &inc, "commander", "ana"]);
    a.ok(&["note", "--incident", &inc, "--action", "page the data team"]);
    a.sync();
    // c arrives at 03:40 and has never seen the incident.
    let out = c.ok(&["join", &inc]);
    assert!(out.starts_with("synced:"), "{out}");
    assert!(out.contains(&inc), "{out}");
    assert!(out.contains("roles: commander ana"), "{out}");
    assert!(out.contains("open action items: 1") && out.contains("page the data team"));
    assert!(out.contains("current step: 1."), "{out}");
    assert!(out.contains("last status update:"), "{out}");
    assert_eq!(c.ok(&["catchup", &inc]), out[out.find('\n').unwrap() + 1..]);
}

#[test]
fn the_app_header_says_where_sharing_stands() {
    use chrono::TimeZone;
    use ratatui::{Terminal, backend::TestBackend};
    use runbook::sync::status::Sharing;
    use runbook::tui::app::{Msg, update};
    use runbook::tui::state::{AppState, IncidentView, Screen};
    let a = Replica::new("a", "ana");
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let store = runbook::store::Store {
        dir: a.env.state.path().to_path_buf(),
    };
    let s = store.read(&inc.parse().unwrap()).unwrap();
    let t = |h, m, sec| {
        chrono::Utc
            .with_ymd_and_hms(2026, 5, 30, h, m, sec)
            .unwrap()
    };
    let mut app = AppState::new(
        t(3, 0, 0),
        runbook::domain::Author::parse("ana").unwrap(),
        false,
    );
    app.incident = Some(IncidentView::new(
        std::sync::Arc::new(s.incident),
        s.records,
    ));
    app.screen = Screen::Incident;
    let header = |app: &AppState| -> String {
        let mut term = Terminal::new(TestBackend::new(200, 30)).unwrap();
        term.draw(|f| runbook::tui::view::render(f, app)).unwrap();
        let buf = term.backend().buffer().clone();
        buf.content
            .chunks(200)
            .take(3)
            .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(!header(&app).contains("shared"), "not set up: nothing said");
    update(&mut app, Msg::Sharing(Sharing::shared(t(2, 59, 57))));
    assert!(header(&app).contains("shared 3s ago"), "{}", header(&app));
    let off = Sharing::shared(t(2, 59, 57)).failed(t(3, 0, 0), 14);
    update(&mut app, Msg::Sharing(off));
    assert!(
        header(&app).contains("offline since 03:00, 14 events not yet shared"),
        "{}",
        header(&app)
    );
}

#[test]
fn the_app_shares_in_the_background_and_shows_what_others_recorded() {
    use crate::support::pty::Term;
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let [a, b, _] = team(&remote);
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    a.sync();
    b.sync();
    // bo's app, open on the incident; bo never runs `runbook sync` himself.
    let state = b.env.state.path();
    let script = format!(
        r#"HOME="$RUNBOOK_STATE_DIR" RUNBOOK_DEVICE=b RUNBOOK_USER=bo exec "$BIN" resume {inc}"#
    );
    let mut t = Term::spawn(&script, state, tmp.path());
    t.wait_for("the header says it shared", |s| {
        s.split("shared ")
            .skip(1)
            .any(|rest| rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains(" ago"))
    });
    note(&a, &inc, "ana-via-git");
    a.sync();
    t.wait_text("ana-via-git");
    t.keys("\x03");
    t.drain();
    assert!(t.child.wait().unwrap().success());
}

#[test]
fn a_device_whose_clock_is_behind_is_still_ordered_after_what_it_saw() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let [a, b, _] = team(&remote);
    let at = |x: &Replica, now: &str, args: &[&str]| {
        let out = x.cmd(args).env("RUNBOOK_NOW", now).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let inc = at(
        &a,
        "2026-05-30T10:00:00Z",
        &["start", "disk-full", "--no-tui"],
    )
    .trim()
    .to_string();
    a.sync();
    b.sync();
    // bo's laptop is an hour behind: his note is still after the opening he saw.
    at(
        &b,
        "2026-05-30T09:00:00Z",
        &["note", "--incident", &inc, "late clock"],
    );
    b.sync();
    a.sync();
    let log = a.log(&inc);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[0].contains("opened") && lines[1].contains("late clock"),
        "{log}"
    );
    assert_eq!(b.log(&inc), log);
}

#[test]
fn damage_in_one_device_log_is_named_and_the_rest_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let [a, b, _] = team(&remote);
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    a.sync();
    b.sync();
    note(&b, &inc, "bo one");
    note(&b, &inc, "bo two");
    b.sync();
    a.sync();
    let peers = a.env.state.path().join("incidents").join(&inc);
    // Line 2 of b's log, as it arrived here, is damaged; a planted symlink is never read.
    let path = peers.join("b.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{\"seq\":2,\"garbage";
    std::fs::write(&path, format!("{}\n", lines.join("\n"))).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", peers.join("evil.jsonl")).unwrap();
    let out = a.run(&["log", &inc]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b.jsonl:2:"), "{err}");
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("bo one") && !log.contains("bo two"), "{log}");
    assert!(
        !err.contains("evil") && !log.contains("root:"),
        "{err}{log}"
    );
    // This device can still record.
    note(&a, &inc, "ana still writes");
    // The draft is loud about it, as about damage in this device's own journal: refused by
    // default, naming the file; with --allow-damaged, it says what it leaves out.
    let err = a.fails(1, &["export", &inc]);
    assert!(
        err.contains("another device's log") && err.contains("b.jsonl:2"),
        "{err}"
    );
    let md = a.ok(&["export", &inc, "--allow-damaged"]);
    let at = md
        .find("## What the draft leaves out of other devices' logs")
        .expect(&md);
    assert!(md[at..].contains("b.jsonl:2"), "{}", &md[at..]);
    let json: serde_json::Value =
        serde_json::from_str(&a.ok(&["export", &inc, "--allow-damaged", "--format", "json"]))
            .unwrap();
    let warned = json["warnings"].as_array().unwrap().iter().any(|w| {
        w.as_str()
            .is_some_and(|w| w.contains("device log damage") && w.contains("b.jsonl:2"))
    });
    assert!(warned, "{}", json["warnings"]);
}

#[test]
fn ssh_is_never_allowed_to_prompt_on_the_terminal() {
    use std::os::unix::fs::PermissionsExt;
    // A stand-in `ssh` first on PATH: it writes down how it was run, and fails.
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let seen = tmp.path().join("ssh-args");
    let ssh = bin.join("ssh");
    std::fs::write(
        &ssh,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 255\n", seen.display()),
    )
    .unwrap();
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let a = Replica::new("a", "ana");
    a.ok(&["team", "init", "ssh://git.invalid/team/incidents.git"]);
    let out = a
        .cmd(&["sync"])
        .env("PATH", &path)
        .env_remove("GIT_SSH_COMMAND")
        .env_remove("GIT_SSH")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let args = std::fs::read_to_string(&seen).unwrap();
    assert!(args.contains("BatchMode=yes"), "{args}");
}

/// Two devices cut off from each other start the same runbook in the same minute: their
/// incidents get different ids (a device tag), so after the heal both are whole and readable.
#[test]
fn two_devices_starting_the_same_runbook_in_the_same_minute_offline_make_two_incidents() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = bare_remote(tmp.path());
    let r = team(&remote);
    let missing = tmp.path().join("no-such-remote.git").display().to_string();
    for x in &r[..2] {
        x.ok(&["team", "init", &missing]);
    }
    let now = "2026-12-02T03:10:00Z";
    let start = |x: &Replica| {
        let out = x
            .cmd(&["start", "disk-full", "--no-tui"])
            .env("RUNBOOK_NOW", now)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let (ia, ib) = (start(&r[0]), start(&r[1]));
    assert_ne!(ia, ib, "two devices made the same incident id");
    assert!(ia.starts_with("20261202-0310-disk-full-"), "{ia}");
    note(&r[0], &ia, "ana's own incident");
    note(&r[1], &ib, "bo's own incident");
    for x in &r[..2] {
        x.ok(&["team", "init", &remote]);
    }
    sync_all(&r);
    for x in &r {
        assert!(x.log(&ia).contains("ana's own incident"), "{}", x.device);
        assert!(x.log(&ib).contains("bo's own incident"), "{}", x.device);
    }
}

/// A sign-off is the second person's own, from their own device: one that bo's device
/// records in cy's name is shown and flagged, but counts on no replica, so the doer still
/// cannot complete; bo's own sign-off then does count.
#[test]
fn a_sign_off_in_someone_elses_name_from_another_device_is_not_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, inc) = restore_apply_started(&bare_remote(tmp.path()));
    note(&b, &inc, "bo is here");
    b.ok(&["--as", "cy", "signoff", "--incident", &inc, "restore-apply"]);
    b.sync();
    a.sync();
    let signed = |x: &Replica| restore_apply(x, &inc)["signed_off_by"].clone();
    assert_eq!(signed(&a), serde_json::Value::Null, "counted on a");
    assert_eq!(
        signed(&b),
        serde_json::Value::Null,
        "counted on b, its own device"
    );
    let err = a.fails(1, &["step", "--incident", &inc, "restore-apply", "done"]);
    assert!(err.contains("sign"), "{err}");
    assert!(a.log(&inc).contains("cy"), "the record is still shown");
    b.ok(&["signoff", "--incident", &inc, "restore-apply"]);
    b.sync();
    a.sync();
    assert_eq!(signed(&a), "bo");
    a.ok(&["step", "--incident", &inc, "restore-apply", "done"]);
}
