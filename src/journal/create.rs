//! Creating a journal file durably and privately: missing directories 0700, the file 0600 with
//! `O_EXCL`, modes set explicitly (so any umask, even 000, gives the same result), and each new
//! directory entry `fsync`ed so the file is still there after a power cut.
//!
//! Owns: file-system creation and directory `fsync`. Must never: open an existing journal
//! (creation fails instead), loosen the mode of a directory it did not create, or follow a
//! different path than the one it was given.

use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::JournalError;

const DIR_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

/// Creates a new, empty journal file opened for reading and appending.
pub(super) fn create_file(path: &Path) -> Result<File, JournalError> {
    const NOTHING: &str = "no journal was created";
    let dir = parent_dir(path);
    create_dirs(&dir)?;
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
        .map_err(|err| {
            if err.kind() == io::ErrorKind::AlreadyExists {
                JournalError::AlreadyExists {
                    path: path.to_path_buf(),
                }
            } else {
                JournalError::io("create the journal", path, err, NOTHING)
            }
        })?;
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

/// Creates `dir` and any missing ancestors, each 0700 whatever the umask and each made durable
/// in its parent; an existing directory is used as it is. For the rest of the private state
/// beside the journals (command output, exported drafts).
pub fn create_private_dir(dir: &Path) -> Result<(), JournalError> {
    create_dirs(dir)
}

/// `fsync`s a directory, making the entries created in it durable.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The directory holding `path` (`.` for a bare file name).
pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates `dir` and any missing ancestors, each 0700, each made durable in its parent.
fn create_dirs(dir: &Path) -> Result<(), JournalError> {
    const NOTHING: &str = "no journal was created";
    // Walk up to the nearest existing ancestor, then create downwards one level at a time, so
    // each created level gets its mode set before anything is created inside it.
    let mut missing = Vec::new();
    let mut current = dir;
    loop {
        match fs::metadata(current) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) => {
                return Err(JournalError::io(
                    "create the journal directory",
                    current,
                    io::Error::from(io::ErrorKind::NotADirectory),
                    NOTHING,
                ));
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                missing.push(current);
                match current.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => current = parent,
                    _ => break,
                }
            }
            Err(err) => return Err(JournalError::io("inspect", current, err, NOTHING)),
        }
    }
    for level in missing.into_iter().rev() {
        match DirBuilder::new().mode(DIR_MODE).create(level) {
            Ok(()) => {
                fs::set_permissions(level, Permissions::from_mode(DIR_MODE))
                    .and_then(|()| sync_dir(&parent_dir(level)))
                    .map_err(|err| {
                        JournalError::io("set up the new directory", level, err, NOTHING)
                    })?;
            }
            // Another process created it meanwhile: use it, and leave its mode alone.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && level.is_dir() => {}
            Err(err) => {
                return Err(JournalError::io(
                    "create the journal directory",
                    level,
                    err,
                    NOTHING,
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_of_a_bare_name_is_the_current_directory() {
        assert_eq!(parent_dir(Path::new("j.jsonl")), PathBuf::from("."));
        assert_eq!(parent_dir(Path::new("a/j.jsonl")), PathBuf::from("a"));
    }

    #[test]
    fn creates_nested_directories_private_and_refuses_an_existing_file() {
        let base = tempfile::tempdir().unwrap();
        let path = base.path().join("x/y/j.jsonl");
        create_file(&path).unwrap();
        for dir in [base.path().join("x"), base.path().join("x/y")] {
            let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o7777;
            assert_eq!(mode, DIR_MODE, "{}", dir.display());
        }
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, FILE_MODE);
        let err = create_file(&path).unwrap_err();
        assert!(matches!(err, JournalError::AlreadyExists { .. }), "{err}");
    }

    #[test]
    fn a_file_in_the_way_of_a_directory_is_an_error() {
        let base = tempfile::tempdir().unwrap();
        fs::write(base.path().join("x"), b"").unwrap();
        let err = create_file(&base.path().join("x/j.jsonl")).unwrap_err();
        assert!(err.to_string().contains("no journal was created"), "{err}");
    }
}
