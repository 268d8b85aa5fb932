//! Putting a finished export on disk, privately and atomically: the text goes to a new 0600
//! temporary file in the target's directory (`O_EXCL | O_NOFOLLOW`), is `fsync`ed, renamed over
//! the target, and the directory is `fsync`ed. A reader sees the old file or the new one, never
//! half of one. A target that exists must be a regular file: a symlink (`/dev/stdout`, or one
//! planted in `exports/`), a device or a FIFO is never replaced.
//!
//! Also what a damaged journal's export says first: the problems it leaves out, as a Markdown
//! section and as JSON `warnings`; and the app's `e` key, which refuses a damaged journal.
//!
//! The only module of `export` that does IO. Must never: leave a partial file at the target,
//! replace anything but a regular file, or create a directory readable by others.

use super::{Options, escape, markdown};
use crate::store::{Problem, Session, Store};
use anyhow::{Context, bail};
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const FILE_MODE: u32 = 0o600;

/// Writes the Markdown draft of the session's incident to `<state>/exports/<incident-id>.md`
/// (replacing an earlier draft) and returns the path. For the TUI's `e` key: like
/// `runbook export`, it refuses a journal with problems, saying which line and why.
pub fn write_draft(store: &Store, s: &Session, opts: &Options) -> anyhow::Result<PathBuf> {
    refuse_damaged(s)?;
    let dir = store
        .ensure_exports_dir()
        .context("cannot create the exports directory")?;
    let path = dir.join(format!("{}.md", s.id));
    write_file(&path, &markdown(&s.records, &s.incident, opts))?;
    Ok(path)
}

/// The error an export of a journal with problems stops with (none when it is whole).
pub fn refuse_damaged(s: &Session) -> anyhow::Result<()> {
    let Some(first) = s.problems.first() else {
        return Ok(());
    };
    let more = match s.problems.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    bail!(
        "not exported: the journal of {} is not whole: {}{more}; nothing was written. `runbook \
         export {} --allow-damaged` writes the draft anyway, starting with what it leaves out",
        s.id,
        first.summary(),
        s.id
    )
}

/// The Markdown section a draft of a damaged journal starts with.
pub fn left_out_section(problems: &[Problem]) -> String {
    let mut out = String::from(
        "## Journal damage: what this draft leaves out\n\nThis draft was exported with \
         `--allow-damaged` from a journal that is not whole. It holds the records before the \
         first damaged line only; check the journal itself before relying on it.\n\n",
    );
    for p in problems {
        out.push_str("- ");
        escape::push_text(&mut out, &p.left_out_text());
        out.push('\n');
    }
    out
}

/// `md` with the left-out section placed first: right after the title's header block, before
/// its first heading (a drill's scorecard included).
pub fn with_left_out(md: &str, problems: &[Problem]) -> String {
    if problems.is_empty() {
        return md.to_string();
    }
    let section = left_out_section(problems);
    let body = md.find('\n').map_or(md.len(), |i| i + 1);
    match md[body..].find("\n#").map(|i| body + i) {
        Some(at) => format!(
            "{}\n\n{}\n{}",
            md[..at].trim_end(),
            section.trim_end(),
            &md[at..]
        ),
        None => format!("{section}\n{md}"),
    }
}

/// The JSON document with one `warnings` entry per problem, first. The document's last key is
/// `warnings` (see `json/`); the entries are put at the start of that array.
pub fn json_with_left_out(json: &str, problems: &[Problem]) -> anyhow::Result<String> {
    if problems.is_empty() {
        return Ok(json.to_string());
    }
    const KEY: &str = "\n  \"warnings\": [";
    let at = json
        .rfind(KEY)
        .context("the JSON document has no top-level warnings to add the damage to")?
        + KEY.len();
    let ours: Vec<String> = problems
        .iter()
        .map(|p| serde_json::to_string(&format!("journal damage: {}", p.left_out_text())))
        .collect::<Result<_, _>>()?;
    let rest = &json[at..];
    let entries = ours
        .iter()
        .map(|s| format!("\n    {s}"))
        .collect::<Vec<_>>()
        .join(",");
    Ok(match rest.strip_prefix(']') {
        Some(after) => format!("{}{entries}\n  ]{after}", &json[..at]),
        None => format!("{}{entries},{rest}", &json[..at]),
    })
}

/// Replaces `path` with `text` atomically and durably (on disk before it returns); the file
/// is 0600. Refuses (writing nothing) when something other than a regular file is at `path`.
pub fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    replace(
        path,
        text,
        true,
        "name another file, or use `-o -` (stdout) and redirect it",
    )
}

/// As `write_file`, atomically but not flushed to disk: for what is only ever a cache (a
/// crash may leave the old file, or after a power cut an empty or partial one, which its
/// reader must then ignore). Flushing the 9 MB stats cache was most of a cold run's wait.
pub fn write_cache_file(path: &Path, text: &str) -> anyhow::Result<()> {
    replace(
        path,
        text,
        false,
        "remove it: the cache is made again on the next run",
    )
}

/// `advice`: what the person can do when something else is at `path`.
fn replace(path: &Path, text: &str, durable: bool, advice: &str) -> anyhow::Result<()> {
    check_target(path, advice)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, mut file) =
        temp_file(&dir, &name).with_context(|| format!("cannot write in {}", dir.display()))?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.set_permissions(Permissions::from_mode(FILE_MODE)))
        .and_then(|()| if durable { file.sync_all() } else { Ok(()) })
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        // Best effort: the temporary file is ours and useless now.
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    if !durable {
        return Ok(());
    }
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .with_context(|| {
            format!(
                "wrote {}, but could not flush its directory entry",
                path.display()
            )
        })?;
    Ok(())
}

/// Refuses to replace anything but a regular file (or nothing) at `path`.
fn check_target(path: &Path, advice: &str) -> anyhow::Result<()> {
    let kind = match fs::symlink_metadata(path) {
        Ok(meta) => meta.file_type(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot inspect {}", path.display())),
    };
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_fifo() {
        "a FIFO"
    } else {
        "not a regular file"
    };
    bail!(
        "not written: {} is {what}, and only ever a regular file is replaced; {advice}",
        crate::runbook::sanitize::visible(&path.display().to_string())
    )
}

/// A new, exclusive temporary file beside the target: `.<name>.<pid>.<n>.tmp`.
fn temp_file(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    for n in 0..100 {
        let tmp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary file name",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ProblemKind;

    #[test]
    fn replaces_the_target_whole_and_private() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("a/exports");
        crate::journal::create_private_dir(&dir).unwrap();
        let path = dir.join("x.md");
        write_file(&path, "one").unwrap();
        write_file(&path, "two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), FILE_MODE);
        assert_eq!(mode(&dir), 0o700);
        let left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary files left: {left:?}");
    }

    #[test]
    fn a_symlink_or_device_at_the_target_is_never_replaced() {
        let base = tempfile::tempdir().unwrap();
        let victim = base.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        let link = base.path().join("link.md");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        // A FIFO stands in for devices: a regression must not be able to replace /dev/null.
        let fifo = base.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for target in [link.as_path(), fifo.as_path()] {
            let err = write_file(target, "draft").unwrap_err().to_string();
            assert!(
                err.contains("only ever a regular file is replaced"),
                "{err}"
            );
        }
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(
            fs::read_dir(base.path()).unwrap().count(),
            3,
            "no temp file left"
        );
    }

    fn problem(line: usize) -> Problem {
        Problem {
            line,
            byte_offset: Some(100),
            left_out: 42,
            kind: ProblemKind::Damaged,
            reason: "not valid JSON <b>".into(),
        }
    }

    #[test]
    fn the_left_out_section_comes_before_the_first_section() {
        let md = "# Postmortem: x\n\nStatus: Draft\n\n### Roles\n\nnone\n\n## Summary\n\ntext\n";
        let out = with_left_out(md, &[problem(3)]);
        let damage = out.find("## Journal damage").unwrap();
        assert!(damage < out.find("### Roles").unwrap(), "{out}");
        assert!(out.starts_with("# Postmortem: x\n\nStatus: Draft\n\n## Journal damage"));
        assert!(
            out.contains("line 3 (starting at byte 100): the 42 bytes"),
            "{out}"
        );
        assert!(out.contains("JSON \\<b>"), "user text is escaped: {out}");
    }

    #[test]
    fn json_warnings_carry_the_problems_first() {
        for (doc, before) in [
            ("{\n  \"a\": 1,\n  \"warnings\": []\n}\n", 0),
            (
                "{\n  \"a\": 1,\n  \"warnings\": [\n    \"old\"\n  ]\n}\n",
                1,
            ),
        ] {
            let out = json_with_left_out(doc, &[problem(3), problem(4)]).unwrap();
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let w = v["warnings"].as_array().unwrap();
            assert_eq!(w.len(), 2 + before, "{out}");
            assert!(w[0].as_str().unwrap().starts_with("journal damage: line 3"));
            assert_eq!(v["a"], 1);
        }
    }
}
