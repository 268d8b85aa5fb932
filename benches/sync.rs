//! Benchmark: sharing incidents through git, with the real binary and the real `git`, against
//! a local bare repository. Run with `cargo bench --bench sync`.
//!
//! - one sync with 1,000 incidents in the repository, sharing one new record (a note appended
//!   just before, not timed): median and worst of the first and the last 20 of 100 syncs, to
//!   show it does not grow with history (target: at most 200 ms);
//! - append on A to visible in B's `runbook log --follow`, with the app open on both devices
//!   (in pseudo-terminals) sharing in the background at its default interval (target: median
//!   at most 2 s); and the same with `runbook sync` run by hand on A then B, for the cost of
//!   the two exchanges alone;
//! - 10 replicas x 100 records each, every replica cut off from the remote at random times
//!   (its remote pointed at a missing path), syncing at random; then the heal and two rounds
//!   of syncs: every acknowledged record is in every replica's log (target: 0 lost).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_runbook");

struct Replica {
    state: PathBuf,
    device: String,
}

impl Replica {
    fn new(root: &Path, device: &str) -> Replica {
        let state = root.join(device);
        std::fs::create_dir_all(&state).expect("state dir");
        Replica {
            state,
            device: device.to_string(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("RUNBOOK_STATE_DIR", &self.state)
            .env("HOME", &self.state)
            .env("RUNBOOK_USER", format!("user-{}", self.device))
            .env("RUNBOOK_DEVICE", &self.device)
            .env_remove("RUNBOOK_NOW")
            .env_remove("XDG_CONFIG_HOME")
            .current_dir(&self.state)
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run runbook")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.device,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn bare(root: &Path) -> String {
    let path = root.join("team.git");
    let ok = Command::new("git")
        .args(["init", "--quiet", "--bare"])
        .arg(&path)
        .status()
        .expect("git")
        .success();
    assert!(ok);
    path.display().to_string()
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "median {:.1} ms, worst {:.1} ms",
        v[v.len() / 2].as_secs_f64() * 1e3,
        v[v.len() - 1].as_secs_f64() * 1e3
    )
}

/// 1,000 incidents: one started, its journal copied under 999 more ids (the bytes a sync
/// shares; the opening record of each copy names the first id, which sync does not read).
fn thousand_incidents(a: &Replica) -> String {
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    let dir = a.state.join("incidents");
    let bytes = std::fs::read(dir.join(format!("{inc}.jsonl"))).expect("journal");
    for n in 2..=1000 {
        std::fs::write(dir.join(format!("20200101-0000-copy-{n}.jsonl")), &bytes).expect("copy");
    }
    inc
}

fn one_sync_with_a_thousand_incidents(root: &Path) {
    let remote = bare(root);
    let a = Replica::new(root, "a");
    a.ok(&["team", "init", &remote]);
    let inc = thousand_incidents(&a);
    let t = Instant::now();
    a.ok(&["sync"]);
    println!(
        "first sync, publishing 1,000 incidents: {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut times = Vec::new();
    for i in 0..100 {
        a.ok(&["note", "--incident", &inc, &format!("note {i}")]);
        let t = Instant::now();
        let out = a.ok(&["sync"]);
        times.push(t.elapsed());
        assert!(
            out.contains("1 incident(s) with new records shared"),
            "{out}"
        );
    }
    println!(
        "one sync sharing one new record, 1,000 incidents: first 20 {}; last 20 {}",
        stats(times[..20].to_vec()),
        stats(times[80..].to_vec())
    );
}

fn append_to_follow(root: &Path) {
    let remote = bare(root);
    let a = Replica::new(root, "a");
    let b = Replica::new(root, "b");
    a.ok(&["team", "init", &remote]);
    b.ok(&["team", "init", &remote]);
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    a.ok(&["sync"]);
    b.ok(&["sync"]);
    let mut follow = b
        .cmd(&["log", &inc, "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("follow");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = follow.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The opening line first.
    rx.recv_timeout(Duration::from_secs(10))
        .expect("first line");
    let mut times = Vec::new();
    for i in 0..15 {
        let text = format!("seen-by-b-{i}");
        let t = Instant::now();
        a.ok(&["note", "--incident", &inc, &text]);
        a.ok(&["sync"]);
        b.ok(&["sync"]);
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(10))
                .expect("the follower printed it within 10 s");
            if line.contains(&text) {
                break;
            }
        }
        times.push(t.elapsed());
    }
    let _ = follow.kill();
    let _ = follow.wait();
    println!(
        "append on A to printed by B's log --follow (A syncs, B syncs): {}",
        stats(times)
    );
}

/// xorshift64*: a fixed seed, so a run can be repeated.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn ten_replicas_random_partitions(root: &Path) {
    let remote = bare(root);
    let missing = root.join("unreachable.git").display().to_string();
    let r: Vec<Replica> = (0..10)
        .map(|i| Replica::new(root, &format!("d{i}")))
        .collect();
    for x in &r {
        x.ok(&["team", "init", &remote]);
    }
    let inc = r[0]
        .ok(&["start", "disk-full", "--no-tui"])
        .trim()
        .to_string();
    for x in &r {
        x.ok(&["sync"]);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut cut = vec![false; r.len()];
    let mut acked = Vec::new();
    let (mut failed, mut synced) = (0, 0);
    let t = Instant::now();
    for k in 0..100 {
        for (i, x) in r.iter().enumerate() {
            if rng.below(10) == 0 {
                cut[i] = !cut[i];
                x.ok(&["team", "init", if cut[i] { &missing } else { &remote }]);
            }
            let text = format!("r{i}-{k}");
            let out = x.ok(&["note", "--incident", &inc, &text]);
            assert!(out.starts_with("recorded #"));
            acked.push(text);
            if rng.below(4) == 0 {
                if x.run(&["sync"]).status.success() {
                    synced += 1;
                } else {
                    failed += 1;
                }
            }
        }
    }
    for x in &r {
        x.ok(&["team", "init", &remote]);
    }
    for _ in 0..2 {
        for x in &r {
            x.ok(&["sync"]);
        }
    }
    let first = r[0].ok(&["log", &inc]);
    let differing = r.iter().filter(|x| x.ok(&["log", &inc]) != first).count();
    let lost = acked
        .iter()
        .filter(|t| !first.lines().any(|l| l.ends_with(&format!("Note: {t}"))))
        .count();
    println!(
        "10 replicas x 100 records, random partitions ({synced} syncs ok, {failed} cut off): \
         {} acknowledged, {lost} lost, {differing} replicas with a different log ({:.0} s)",
        acked.len(),
        t.elapsed().as_secs_f64()
    );
    assert_eq!(lost, 0);
    assert_eq!(differing, 0);
}

/// The app open on `inc` for `r`, in a pseudo-terminal whose output is read and dropped.
fn app(r: &Replica, inc: &str) -> Box<dyn portable_pty::Child + Send + Sync> {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args(["resume", inc]);
    cmd.env("RUNBOOK_STATE_DIR", &r.state);
    cmd.env("HOME", &r.state);
    cmd.env("RUNBOOK_USER", format!("user-{}", r.device));
    cmd.env("RUNBOOK_DEVICE", &r.device);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("RUNBOOK_NOW");
    cmd.cwd(&r.state);
    let child = pty.slave.spawn_command(cmd).expect("spawn the app");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("a reader");
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while matches!(std::io::Read::read(&mut reader, &mut buf), Ok(n) if n > 0) {}
    });
    std::mem::forget(pty.master);
    child
}

/// Follows `inc` on `r`; the lines it prints.
fn follower(r: &Replica, inc: &str) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut follow = r
        .cmd(&["log", inc, "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("follow");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = follow.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (follow, rx)
}

fn until_printed(rx: &std::sync::mpsc::Receiver<String>, text: &str) {
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the follower printed it within 30 s");
        if line.contains(text) {
            return;
        }
    }
}

fn append_to_follow_with_the_apps_open(root: &Path) {
    let remote = bare(root);
    let a = Replica::new(root, "a");
    let b = Replica::new(root, "b");
    a.ok(&["team", "init", &remote]);
    b.ok(&["team", "init", &remote]);
    let inc = a.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    a.ok(&["sync"]);
    b.ok(&["sync"]);
    let mut apps = [app(&a, &inc), app(&b, &inc)];
    let (mut follow, rx) = follower(&b, &inc);
    rx.recv_timeout(Duration::from_secs(10))
        .expect("first line");
    let mut times = Vec::new();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for i in 0..20 {
        // A pause of random length first: appends come at any point of B's cycle, not right
        // after B's last exchange (which is when the previous one was printed).
        std::thread::sleep(Duration::from_millis(rng.below(1500)));
        let text = format!("via-the-apps-{i}");
        let t = Instant::now();
        a.ok(&["note", "--incident", &inc, &text]);
        until_printed(&rx, &text);
        times.push(t.elapsed());
    }
    for c in &mut apps {
        let _ = c.kill();
        let _ = c.wait();
    }
    let _ = follow.kill();
    let _ = follow.wait();
    println!(
        "append on A to printed by B's log --follow, both apps open, background sharing: {}",
        stats(times)
    );
}

fn main() {
    let root = tempfile::tempdir().expect("tempdir");
    let base = root.path();
    one_sync_with_a_thousand_incidents(&base.join("thousand"));
    append_to_follow_with_the_apps_open(&base.join("apps"));
    append_to_follow(&base.join("follow"));
    ten_replicas_random_partitions(&base.join("ten"));
}
