//! Creating a journal file durably and privately: missing directories 0700, the file 0600 with
//! `O_EXCL` (modes set explicitly, so any umask, even 000, gives the same result), and each new
//! directory entry `fsync`ed so the file is still there after a power cut.
//!
//! A journal created with its first record appears complete or not at all: the record goes to a
//! temporary file beside it (`.<name>.<pid>.<n>.tmp`, 0600, `O_EXCL`), is `fsync`ed, and is
//! then hard-linked to the journal's name, which fails if that name is taken (so an existing
//! journal is never replaced), and the temporary name is removed. A crash at any moment leaves
//! either no journal or a complete one, never an empty file.
//!
//! Owns: journal file creation. Must never: open an existing journal (creation fails instead),
//! replace anything at the journal's name, or follow a symlink planted there.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::JournalError;
use super::private::{FILE_MODE, create_dirs, parent_dir, sync_dir};

const NOTHING: &str = "no journal was created";

/// Creates a new, empty journal file opened for reading and appending.
pub(super) fn create_file(path: &Path) -> Result<File, JournalError> {
    let dir = parent_dir(path);
    create_dirs(&dir)?;
    let file = new_file(path).map_err(|err| creating(path, err))?;
    // The umask may have taken bits away; set exactly 0600.
    let durable = file
        .set_permissions(Permissions::from_mode(FILE_MODE))
        .and_then(|()| file.sync_all());
    if let Err(err) = durable {
        return Err(JournalError::io(
            "set up the new journal",
            path,
            err,
            "an empty file may have been left there: remove it and retry",
        ));
    }
    sync_dir(&dir).map_err(|err| {
        JournalError::io(
            "flush the directory entry of",
            path,
            err,
            "the new, empty journal may not survive a power cut: retry, or remove it",
        )
    })?;
    Ok(file)
}

/// Creates a journal at `path` whose whole content is `first` (one complete line), atomically:
/// see the module header. Returns it open for reading and appending.
pub(super) fn create_with_line(path: &Path, first: &[u8]) -> Result<File, JournalError> {
    let dir = parent_dir(path);
    create_dirs(&dir)?;
    let (tmp, file) = temp_beside(path)?;
    let written = (&file)
        .write_all(first)
        .and_then(|()| file.set_permissions(Permissions::from_mode(FILE_MODE)))
        .and_then(|()| file.sync_all());
    if let Err(err) = written {
        discard(&tmp);
        return Err(JournalError::io(
            "write the new journal",
            &tmp,
            err,
            NOTHING,
        ));
    }
    if let Err(err) = fs::hard_link(&tmp, path) {
        discard(&tmp);
        return Err(creating(path, err));
    }
    // The journal is in place under its name (the same file as `tmp`, which `file` still
    // holds open); the temporary name goes.
    discard(&tmp);
    sync_dir(&dir).map_err(|err| {
        JournalError::io(
            "flush the directory entry of",
            path,
            err,
            "the new journal may not survive a power cut; nothing was acknowledged",
        )
    })?;
    Ok(file)
}

/// True for the names `create_with_line` gives its temporary files, which are never journals.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// A new, exclusive temporary file beside `path`, open for reading and appending.
fn temp_beside(path: &Path) -> Result<(PathBuf, File), JournalError> {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    for n in 0..1000 {
        let tmp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        match new_file(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(JournalError::io("create", &tmp, err, NOTHING)),
        }
    }
    Err(JournalError::io(
        "find a free temporary name beside",
        path,
        io::Error::from(io::ErrorKind::AlreadyExists),
        NOTHING,
    ))
}

/// `O_CREAT | O_EXCL | O_NOFOLLOW`, read and append, 0600 before the umask.
fn new_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .append(true)
        .create_new(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

fn creating(path: &Path, err: io::Error) -> JournalError {
    if err.kind() == io::ErrorKind::AlreadyExists {
        JournalError::AlreadyExists {
            path: path.to_path_buf(),
        }
    } else {
        JournalError::io("create the journal", path, err, NOTHING)
    }
}

/// Removes a temporary file of ours; a failure leaves a hidden file no listing shows.
fn discard(tmp: &Path) {
    let _ = fs::remove_file(tmp);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn creates_nested_directories_private_and_refuses_an_existing_file() {
        let base = tempfile::tempdir().unwrap();
        let path = base.path().join("x/y/j.jsonl");
        create_file(&path).unwrap();
        for dir in [base.path().join("x"), base.path().join("x/y")] {
            assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        }
        assert_eq!(mode(&path), FILE_MODE);
        let err = create_file(&path).unwrap_err();
        assert!(matches!(err, JournalError::AlreadyExists { .. }), "{err}");
    }

    #[test]
    fn a_file_in_the_way_of_a_directory_is_an_error() {
        let base = tempfile::tempdir().unwrap();
        fs::write(base.path().join("x"), b"").unwrap();
        let err = create_file(&base.path().join("x/j.jsonl")).unwrap_err();
        assert!(err.to_string().contains("nothing was created"), "{err}");
    }

    #[test]
    fn created_with_a_line_it_is_complete_and_leaves_no_temporary_file() {
        let base = tempfile::tempdir().unwrap();
        let path = base.path().join("j.jsonl");
        create_with_line(&path, b"{\"seq\":1}\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{\"seq\":1}\n");
        assert_eq!(mode(&path), FILE_MODE);
        let names: Vec<_> = fs::read_dir(base.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["j.jsonl"]);
    }

    #[test]
    fn created_with_a_line_it_never_replaces_what_is_there() {
        let base = tempfile::tempdir().unwrap();
        let path = base.path().join("j.jsonl");
        let victim = base.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        for existing in ["file", "symlink"] {
            let _ = fs::remove_file(&path);
            if existing == "file" {
                fs::write(&path, b"").unwrap();
            } else {
                std::os::unix::fs::symlink(&victim, &path).unwrap();
            }
            let err = create_with_line(&path, b"{}\n").unwrap_err();
            assert!(matches!(err, JournalError::AlreadyExists { .. }), "{err}");
        }
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert_eq!(fs::read_dir(base.path()).unwrap().count(), 2);
    }
}
