//! Opening an existing file the way every journal file is opened: never through a symbolic link
//! (`O_NOFOLLOW`), never blocking on a FIFO someone planted (`O_NONBLOCK`, which regular files
//! ignore), and only when it turns out to be a regular file (or a character device: only root
//! can make those, and `/dev/full` is how the tests fill a disk).
//!
//! Owns: the open flags and the file-type check. Must never: follow a symlink at the final
//! component, return a handle to a FIFO, socket or directory, or create anything.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use super::JournalError;

/// Opens `path` for reading, and for appending too when `append` is set.
pub(super) fn open_existing(path: &Path, append: bool) -> Result<File, JournalError> {
    let mut options = OpenOptions::new();
    options.read(true).append(append);
    options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let file = options.open(path).map_err(|err| {
        if err.raw_os_error() == Some(libc::ELOOP) {
            JournalError::NotAFile {
                path: path.to_path_buf(),
                what: "a symbolic link",
            }
        } else {
            JournalError::io("open the journal", path, err, "nothing was read")
        }
    })?;
    check_kind(&file, path)?;
    Ok(file)
}

/// Opens an existing journal file (or a file beside one) to read it: no symlink followed, no
/// FIFO blocked on, regular files only.
pub fn open_no_follow(path: &Path) -> Result<File, JournalError> {
    open_existing(path, false)
}

/// Refuses a handle that is not a regular file (or a character device).
pub(super) fn check_kind(file: &File, path: &Path) -> Result<(), JournalError> {
    let kind = file
        .metadata()
        .map_err(|err| JournalError::io("inspect", path, err, "nothing was read"))?
        .file_type();
    if kind.is_file() || kind.is_char_device() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(JournalError::NotAFile {
        path: path.to_path_buf(),
        what,
    })
}

/// What is at `path` without following a symlink there: `None` when nothing is.
pub(super) fn kind_at(path: &Path) -> io::Result<Option<std::fs::FileType>> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => Ok(Some(meta.file_type())),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_fifo_or_directory_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, b"x\n").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for (path, what) in [(&link, "symbolic link"), (&fifo, "FIFO")] {
            for append in [false, true] {
                let err = open_existing(path, append).unwrap_err();
                assert!(err.to_string().contains(what), "{err}");
            }
        }
        let err = open_existing(dir.path(), false).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
        assert!(open_existing(&target, true).is_ok());
        assert_eq!(std::fs::read(&target).unwrap(), b"x\n");
    }
}
