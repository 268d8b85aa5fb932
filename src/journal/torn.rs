//! Repairing a torn last line: copy its bytes, exactly, to a new `<journal>.torn` file (or
//! `.torn.2`, `.torn.3`... when earlier ones exist), make that copy durable, and only then cut
//! the journal back to the end of its last good line and make the cut durable.
//!
//! Only an append repairs (readers leave a torn tail where it is), and it reports the repair so
//! the user is told where the bytes went.
//!
//! Owns: the save-then-truncate order, and the names of the saved copies. Must never: truncate
//! before the copy is on disk, overwrite or append to an earlier `.torn` file (or write through
//! a symlink planted at its name), cut into a good line, or run without the caller holding the
//! exclusive lock.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::private::{parent_dir, sync_dir};
use super::scan::Torn;
use super::{JournalError, Recovery};

/// How many `.torn` files to try before giving up on finding a free name.
const MAX_TORN_FILES: u32 = 10_000;

/// Saves `torn` aside and truncates `file` (the journal at `path`) to `good_len`.
/// The caller holds the exclusive lock and has checked that `good_len + torn.bytes.len()` is
/// the file's length.
pub(super) fn repair(
    file: &File,
    path: &Path,
    good_len: u64,
    torn: Torn,
) -> Result<Recovery, JournalError> {
    let saved_to = save_aside(path, &torn.bytes)?;
    file.set_len(good_len)
        .and_then(|()| file.sync_data())
        .map_err(|err| {
            JournalError::io(
                "cut the torn last line off",
                path,
                err,
                format!(
                    "its bytes are saved in {}; nothing was recorded. Retry, or cut the file \
                     back to {good_len} bytes by hand",
                    saved_to.display()
                ),
            )
        })?;
    Ok(Recovery {
        line: torn.line,
        bytes: torn.bytes.len(),
        saved_to,
        reason: torn.reason,
    })
}

/// Writes `bytes` to a new file next to the journal and makes it durable; returns its path.
fn save_aside(path: &Path, bytes: &[u8]) -> Result<PathBuf, JournalError> {
    const UNCHANGED: &str = "the journal was not changed and nothing was recorded";
    for n in 1..=MAX_TORN_FILES {
        let candidate = torn_path(path, n);
        let mut file = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&candidate)
        {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => {
                return Err(JournalError::io(
                    "create the file for the torn last line",
                    &candidate,
                    err,
                    UNCHANGED,
                ));
            }
        };
        let written = file
            .set_permissions(Permissions::from_mode(0o600))
            .and_then(|()| file.write_all(bytes))
            .and_then(|()| file.sync_all())
            .and_then(|()| sync_dir(&parent_dir(&candidate)));
        return match written {
            Ok(()) => Ok(candidate),
            Err(err) => {
                // A partial copy is worthless; the bytes are still in the journal.
                let _ = fs::remove_file(&candidate);
                Err(JournalError::io(
                    "save the torn last line to",
                    &candidate,
                    err,
                    UNCHANGED,
                ))
            }
        };
    }
    Err(JournalError::io(
        "find a free name for the torn last line next to",
        path,
        io::Error::other(format!("{MAX_TORN_FILES} .torn files already exist")),
        UNCHANGED,
    ))
}

/// The saved copies of torn lines beside the journal at `path` that exist now, oldest first
/// (without following symlinks: a symlink at such a name is listed but never read).
pub fn torn_copies(path: &Path) -> Vec<PathBuf> {
    (1..=MAX_TORN_FILES)
        .map(|n| torn_path(path, n))
        .take_while(|p| fs::symlink_metadata(p).is_ok())
        .collect()
}

/// `<journal>.torn` for the first, `<journal>.torn.N` after.
fn torn_path(path: &Path, n: u32) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    if n == 1 {
        name.push(".torn");
    } else {
        name.push(format!(".torn.{n}"));
    }
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_names_number_from_the_second() {
        let p = Path::new("/x/j.jsonl");
        assert_eq!(torn_path(p, 1), PathBuf::from("/x/j.jsonl.torn"));
        assert_eq!(torn_path(p, 2), PathBuf::from("/x/j.jsonl.torn.2"));
    }

    #[test]
    fn repair_saves_then_cuts_and_never_overwrites_earlier_copies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        fs::write(&path, b"good\nAAA").unwrap();
        let file = OpenOptions::new().write(true).open(&path).unwrap();
        let torn = |bytes: &[u8]| Torn {
            line: 2,
            bytes: bytes.to_vec(),
            reason: "test".to_string(),
        };
        let first = repair(&file, &path, 5, torn(b"AAA")).unwrap();
        assert_eq!(first.saved_to, torn_path(&path, 1));
        assert_eq!(first.bytes, 3);
        assert_eq!(fs::read(&path).unwrap(), b"good\n");

        fs::write(&path, b"good\nBB").unwrap();
        let second = repair(&file, &path, 5, torn(b"BB")).unwrap();
        assert_eq!(second.saved_to, torn_path(&path, 2));
        assert_eq!(fs::read(torn_path(&path, 1)).unwrap(), b"AAA");
        assert_eq!(fs::read(torn_path(&path, 2)).unwrap(), b"BB");
        let mode = fs::metadata(&second.saved_to).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            torn_copies(&path),
            [torn_path(&path, 1), torn_path(&path, 2)]
        );
    }
}
