//! Reading runbook and scenario files from disk, and finding them in directories: only
//! regular files are read, and nothing here can block. A file is opened with `O_NONBLOCK`
//! (so a FIFO named `x.toml` does not wait for a writer) and then checked with `fstat` on the
//! opened file (so a name swapped between a check and the open changes nothing); anything but
//! a regular file is an error naming what it is. Directories are searched with symlinked
//! subdirectories followed and loops detected; a directory that cannot be read, a loop, or a
//! tree too deep is reported, never skipped silently.
//!
//! Must never follow a loop, read more than the caller's limit, or leave a problem unsaid.

use super::diag::Diagnostic;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::{File, Metadata};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Trees deeper than this are not searched (and said so).
pub const MAX_DIR_DEPTH: usize = 16;

/// Reads a regular file, at most `limit + 1` bytes (one more than the limit, to tell the
/// caller it is too big). The error says what is wrong, without the path (the caller's
/// report names it).
pub fn read_regular(p: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(p)
        .map_err(|e| open_error(&e))?;
    let meta = f
        .metadata()
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "{}, not a regular file: runbooks and scenarios are regular files",
            what(&meta)
        ));
    }
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    // Sized from the metadata (a hint: the file may change), so one read fills it.
    let hint = usize::try_from(meta.len().min(cap)).unwrap_or(0);
    let mut buf = Vec::with_capacity(hint.saturating_add(1));
    read_all(f, cap, &mut buf).map_err(|e| format!("cannot read the file: {e}"))?;
    Ok(buf)
}

fn read_all(f: File, cap: u64, buf: &mut Vec<u8>) -> std::io::Result<()> {
    f.take(cap).read_to_end(buf).map(|_| ())
}

/// The message for a file that would not open: a symlink loop and a missing file said
/// plainly, anything else as the system says it.
fn open_error(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ELOOP) => "a symlink loop (too many levels of symbolic links)".to_string(),
        Some(libc::ENXIO) => "a socket or device with nothing behind it, not a regular file".into(),
        _ => format!("cannot read the file: {e}"),
    }
}

/// What a file that is not a regular file is, for messages.
fn what(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// What a directory search found: the files to read, in order, and the problems met.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    /// A path (a directory, or an entry that could not be looked at) and what is wrong.
    pub problems: Vec<(PathBuf, Diagnostic)>,
}

/// Every `*.toml` under `dir`, in name order, skipping subdirectories named `skip` (when
/// given). Symlinked subdirectories are followed; one that leads back to a directory being
/// searched is a loop (an error), one that leads to a directory already searched another way
/// is a warning (it is searched once).
pub fn find_toml(dir: &Path, skip: Option<&OsStr>) -> Found {
    let mut found = Found::default();
    let mut search = Search {
        skip,
        on_path: Vec::new(),
        searched: HashSet::new(),
        found: &mut found,
    };
    match std::fs::metadata(dir) {
        Ok(m) => search.dir(dir, &m, 0),
        Err(e) => search.problem(dir, format!("cannot read the directory: {e}")),
    }
    found
}

struct Search<'a> {
    skip: Option<&'a OsStr>,
    /// (device, inode) of each directory from the root down to the one being searched.
    on_path: Vec<(u64, u64)>,
    /// Every directory searched so far, and the path it was searched by.
    searched: HashSet<(u64, u64)>,
    found: &'a mut Found,
}

impl Search<'_> {
    fn problem(&mut self, p: &Path, msg: String) {
        self.found
            .problems
            .push((p.to_path_buf(), Diagnostic::error(0..0, msg)));
    }

    fn dir(&mut self, dir: &Path, meta: &Metadata, depth: usize) {
        let id = (meta.dev(), meta.ino());
        if self.on_path.contains(&id) {
            let d = Diagnostic::error(
                0..0,
                "a symlink loop: this leads back to a directory it is inside",
            )
            .with_help("remove the link, or point it somewhere outside this tree");
            self.found.problems.push((dir.to_path_buf(), d));
            return;
        }
        if !self.searched.insert(id) {
            let d = Diagnostic::warning(
                0..0,
                "the same directory as one already searched (a symlink leads to it): read once",
            );
            self.found.problems.push((dir.to_path_buf(), d));
            return;
        }
        if depth > MAX_DIR_DEPTH {
            let msg = format!("nested more than {MAX_DIR_DEPTH} directories deep: not searched");
            self.problem(dir, msg);
            return;
        }
        let rd = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => return self.problem(dir, format!("cannot read the directory: {e}")),
        };
        let mut entries = Vec::new();
        for e in rd {
            match e {
                Ok(e) => entries.push(e),
                Err(e) => self.problem(dir, format!("cannot read the directory: {e}")),
            }
        }
        entries.sort_by_key(std::fs::DirEntry::file_name);
        self.on_path.push(id);
        for e in entries {
            self.entry(&e.path(), &e.file_name(), depth);
        }
        self.on_path.pop();
    }

    fn entry(&mut self, path: &Path, name: &OsStr, depth: usize) {
        let is_toml = path.extension().is_some_and(|x| x == "toml");
        // Follows symlinks; `stat` never blocks, whatever the file is.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                let msg = match e.raw_os_error() {
                    Some(libc::ELOOP) => {
                        "a symlink loop (too many levels of symbolic links)".into()
                    }
                    Some(libc::ENOENT) => "a symlink to nothing (its target does not exist)".into(),
                    _ => format!("cannot look at it: {e}"),
                };
                // A `*.toml` is a runbook that cannot be read; any other broken link might
                // have been a directory of them.
                let d = if is_toml {
                    Diagnostic::error(0..0, msg)
                } else if is_link(path) {
                    Diagnostic::warning(0..0, format!("{msg}: not searched"))
                } else {
                    return;
                };
                self.found.problems.push((path.to_path_buf(), d));
                return;
            }
        };
        if meta.is_dir() {
            if self.skip != Some(name) {
                self.dir(path, &meta, depth + 1);
            }
        } else if is_toml {
            // Read (and refused there, when it is not a regular file) with the others.
            self.found.files.push(path.to_path_buf());
        }
    }
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_up_to_one_past_the_limit() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.toml");
        std::fs::write(&p, "0123456789").unwrap();
        assert_eq!(read_regular(&p, 100).unwrap(), b"0123456789");
        assert_eq!(read_regular(&p, 4).unwrap(), b"01234");
        let e = read_regular(d.path(), 100).unwrap_err();
        assert!(e.contains("a directory"), "{e}");
        let e = read_regular(&d.path().join("none.toml"), 100).unwrap_err();
        assert!(e.contains("No such file"), "{e}");
    }

    #[test]
    fn a_fifo_is_refused_at_once() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.toml");
        let made = std::process::Command::new("mkfifo").arg(&p).status();
        if !made.is_ok_and(|s| s.success()) {
            panic!("mkfifo is needed for this test");
        }
        let e = read_regular(&p, 100).unwrap_err();
        assert!(e.contains("named pipe"), "{e}");
    }

    #[test]
    fn symlinked_directories_are_followed_and_loops_reported() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("real/scenarios")).unwrap();
        std::fs::write(root.join("real/a.toml"), "").unwrap();
        std::fs::write(root.join("real/scenarios/s.toml"), "").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(root, root.join("real/up")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("gone.toml")).unwrap();
        std::os::unix::fs::symlink("self.toml", root.join("self.toml")).unwrap();
        let f = find_toml(root, Some(OsStr::new("scenarios")));
        let names: Vec<String> = f
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["linked/a.toml"]);
        let problems: Vec<String> = f
            .problems
            .iter()
            .map(|(p, d)| format!("{}: {}", p.strip_prefix(root).unwrap().display(), d.message))
            .collect();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(
            problems[0].starts_with("gone.toml: a symlink to nothing"),
            "{problems:#?}"
        );
        assert!(
            problems[1].starts_with("linked/up: a symlink loop"),
            "{problems:#?}"
        );
        assert!(
            problems[2].starts_with("real: the same directory as one already"),
            "{problems:#?}"
        );
        assert!(
            problems[3].starts_with("self.toml: a symlink loop"),
            "{problems:#?}"
        );
    }
}
