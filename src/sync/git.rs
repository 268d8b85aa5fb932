//! Running the `git` program on the state directory's repository (`sync.git`, bare): with
//! the user's own configuration and credentials (ssh agent, credential helpers), but never a
//! prompt on the terminal (`GIT_TERMINAL_PROMPT=0`, and ssh in batch mode: see
//! `Git::no_ssh_prompts`), never a dangerous transport (`protocol.ext.allow=never`), never a
//! repository git would find by itself (the directory is always given), and never for longer
//! than a deadline: a remote that hangs is a remote that cannot be reached.
//!
//! Owns: `Git` and `Ran`. Must never: pass a value where git would read it as an option, or
//! put git's output on a terminal unsanitised (callers get it as text, and sanitise it).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a local git command may take.
pub const LOCAL: Duration = Duration::from_secs(30);
/// How long talking to the remote may take before it counts as unreachable.
pub const REMOTE: Duration = Duration::from_secs(20);

/// The repository.
#[derive(Clone, Debug)]
pub struct Git {
    pub dir: PathBuf,
    /// `GIT_SSH_COMMAND` to run with, when this tool chose one (see `no_ssh_prompts`).
    ssh: Option<String>,
}

/// What a finished git command said.
#[derive(Debug)]
pub struct Ran {
    pub ok: bool,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Ran {
    /// Stdout as text (git's plumbing output is ASCII).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// The last lines of what git said on stderr, sanitised, for a message.
    pub fn why(&self) -> String {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let tail = lines[lines.len().saturating_sub(3)..].join(" / ");
        crate::runbook::sanitize::visible(tail.trim())
    }
}

impl Git {
    pub fn at(dir: &Path) -> Git {
        Git {
            dir: dir.to_path_buf(),
            ssh: None,
        }
    }

    /// Makes ssh fail rather than ask (a passphrase, a password, an unknown host key) on the
    /// terminal, where the app's screen is: `ssh -o BatchMode=yes`, so keys come from the
    /// ssh agent. Left alone when the user chose how git runs ssh (`GIT_SSH_COMMAND`,
    /// `GIT_SSH`, `core.sshCommand`): then that is theirs to make quiet.
    pub fn no_ssh_prompts(mut self) -> Git {
        let chosen = ["GIT_SSH_COMMAND", "GIT_SSH"]
            .iter()
            .any(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()))
            || self
                .run(&["config", "--get", "core.sshCommand"], None, LOCAL)
                .is_ok_and(|r| r.ok);
        if !chosen {
            self.ssh = Some("ssh -o BatchMode=yes".to_string());
        }
        self
    }

    /// Runs `git --git-dir=DIR args...`, feeding `input` on stdin, for at most `limit`. An
    /// error is git missing, or the deadline passing (the command is then killed).
    ///
    /// A run refused only because a ref's lock is held (here or on the remote) is run again
    /// a few times, waiting longer each time (`LOCK_WAITS`): a sync killed with `kill -9`
    /// leaves its git child finishing the push or fetch it started, holding that ref's lock
    /// for a moment, and the next sync should then wait for it, not fail. A lock still held
    /// after the waits is reported as git said it.
    pub fn run(&self, args: &[&str], input: Option<&[u8]>, limit: Duration) -> Result<Ran, String> {
        let mut waits = LOCK_WAITS.iter();
        loop {
            let ran = self.run_once(args, input, limit)?;
            match waits.next() {
                Some(wait) if !ran.ok && lock_held(&ran.stderr) => std::thread::sleep(*wait),
                _ => return Ok(ran),
            }
        }
    }

    fn run_once(
        &self,
        args: &[&str],
        input: Option<&[u8]>,
        limit: Duration,
    ) -> Result<Ran, String> {
        let mut cmd = Command::new("git");
        cmd.arg("--git-dir")
            .arg(&self.dir)
            .args([
                "-c",
                "protocol.ext.allow=never",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .envs(self.ssh.iter().map(|c| ("GIT_SSH_COMMAND", c)))
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| {
            format!("cannot run git ({e}): sharing needs the git program; install git")
        })?;
        let feeder = match (child.stdin.take(), input) {
            (Some(mut stdin), Some(bytes)) => {
                let bytes = bytes.to_vec();
                Some(std::thread::spawn(move || {
                    let _ = stdin.write_all(&bytes);
                }))
            }
            _ => None,
        };
        let out = child.stdout.take().map(drain);
        let err = child.stderr.take().map(drain);
        let deadline = Instant::now() + limit;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "git {} did not finish within {}s and was stopped",
                        command(args),
                        limit.as_secs()
                    ));
                }
                // Waiting on a child process: there is nothing to be woken by but its end.
                Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                Err(e) => return Err(format!("cannot wait for git: {e}")),
            }
        };
        if let Some(f) = feeder {
            let _ = f.join();
        }
        let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
        let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
        Ok(Ran {
            ok: status.success(),
            stdout,
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        })
    }

    /// `run` on the local repository, where failing is an error that says what git said.
    pub fn local(&self, args: &[&str], input: Option<&[u8]>) -> Result<Ran, String> {
        let ran = self.run(args, input, LOCAL)?;
        if !ran.ok {
            return Err(format!(
                "git {} failed in {}: {}",
                command(args),
                crate::runbook::sanitize::visible(&self.dir.display().to_string()),
                ran.why()
            ));
        }
        Ok(ran)
    }
}

/// The git command `args` run (`fast-import` in `-c k=v fast-import ...`), for messages.
fn command<'a>(args: &[&'a str]) -> &'a str {
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        match *a {
            "-c" => {
                rest.next();
            }
            a if !a.starts_with('-') => return a,
            _ => {}
        }
    }
    ""
}

/// The waits before each new try of a run refused for a held lock: about 1.5 s in all, far
/// more than a push or fetch left running needs to finish.
pub const LOCK_WAITS: [Duration; 5] = [
    Duration::from_millis(50),
    Duration::from_millis(100),
    Duration::from_millis(200),
    Duration::from_millis(400),
    Duration::from_millis(800),
];

/// Whether git refused because a lock file was taken: "cannot lock ref", a remote's "failed
/// to update ref" (its receive-pack could not take the ref's lock), or "Unable to create
/// '….lock': File exists".
fn lock_held(stderr: &str) -> bool {
    stderr.contains("cannot lock ref")
        || stderr.contains("failed to update ref")
        || (stderr.contains(".lock") && stderr.contains("File exists"))
}

/// The lock file git named as taken, when it named one (`Unable to create '….lock'`).
pub fn held_lock(stderr: &str) -> Option<&str> {
    let (_, rest) = stderr.split_once("Unable to create '")?;
    let (path, _) = rest.split_once('\'')?;
    path.ends_with(".lock").then_some(path)
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What git 2.x says, word for word, for a ref lock taken on the remote and here.
    const REMOTE_HELD: &str = "remote: error: cannot lock ref 'refs/runbook/devices/a': Unable to create '/tmp/gl/r.git/./refs/runbook/devices/a.lock': File exists.        \nremote: \nTo ../r.git\n ! [remote rejected] HEAD -> refs/runbook/devices/a (failed to update ref)\nerror: failed to push some refs to '../r.git'\n";
    const LOCAL_HELD: &str = "fatal: update_ref failed for ref 'refs/heads/zz': cannot lock ref 'refs/heads/zz': Unable to create '/tmp/gl/w/.git/refs/heads/zz.lock': File exists.\n";

    #[test]
    fn messages_name_the_git_command_not_its_options() {
        assert_eq!(
            command(&["-c", "fastimport.unpackLimit=100", "fast-import"]),
            "fast-import"
        );
        assert_eq!(command(&["push", "--quiet", "url"]), "push");
        assert_eq!(command(&["--version"]), "");
    }

    #[test]
    fn a_held_lock_is_told_apart_from_other_refusals_and_named() {
        assert!(lock_held(REMOTE_HELD));
        assert!(lock_held(LOCAL_HELD));
        assert_eq!(
            held_lock(REMOTE_HELD),
            Some("/tmp/gl/r.git/./refs/runbook/devices/a.lock")
        );
        assert_eq!(
            held_lock(LOCAL_HELD),
            Some("/tmp/gl/w/.git/refs/heads/zz.lock")
        );
        for other in [
            " ! [rejected] HEAD -> refs/runbook/devices/a (non-fast-forward)\n",
            "fatal: '../nowhere.git' does not appear to be a git repository\n",
            "fatal: Unable to create temporary file '/x/tmp_obj': Permission denied\n",
        ] {
            assert!(!lock_held(other), "{other}");
            assert_eq!(held_lock(other), None, "{other}");
        }
    }
}
