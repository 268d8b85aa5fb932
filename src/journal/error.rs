//! `JournalError`: every way a journal operation can fail, each message saying which file, what
//! failed, what it means for the record, and what to do.
//!
//! Owns: error values and their text. Must never: perform IO, decide policy (callers choose the
//! consequence text), or lose the underlying `io::Error` (it stays reachable through `source`).

use std::error::Error;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::Damage;

/// Raw `errno` for EIO, which std has no stable `ErrorKind` for.
const EIO: i32 = 5;

/// A journal operation failed. Unless the message says otherwise, nothing was recorded.
#[derive(Debug)]
pub enum JournalError {
    /// [`super::Journal::create`] found a file already at the path.
    AlreadyExists { path: PathBuf },
    /// A system call failed.
    Io {
        /// What was being done, e.g. "write the record to".
        action: &'static str,
        path: PathBuf,
        source: io::Error,
        /// What this means for the journal and the record, e.g. "nothing was recorded".
        consequence: String,
    },
    /// An append was refused because the journal is damaged (see [`Damage`]).
    ReadOnly { path: PathBuf, damage: Damage },
    /// Reading stopped at damage (see [`Damage`]); the records before it were delivered.
    Damaged { path: PathBuf, damage: Damage },
    /// The closure given to `append` returned a record whose `seq()` is not the one it was given.
    SeqMismatch {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    /// The record cannot be stored as one JSON object on one line that reads back as itself.
    Encode { path: PathBuf, reason: String },
    /// The file is shorter than what this handle has already read: something other than a
    /// journal handle cut it.
    Shrunk { path: PathBuf, read: u64, len: u64 },
    /// The journal holds `u64::MAX` records; no further seq exists.
    SeqExhausted { path: PathBuf },
    /// Something other than a regular file is where a journal (or a file beside it) should
    /// be: a symbolic link (never followed), a FIFO, a directory...
    NotAFile { path: PathBuf, what: &'static str },
    /// An append on a handle opened with `open_read_only`.
    OpenedReadOnly { path: PathBuf },
}

impl JournalError {
    /// Builds an [`JournalError::Io`]; `consequence` says what it means for the record.
    pub(super) fn io(
        action: &'static str,
        path: &Path,
        source: io::Error,
        consequence: impl Into<String>,
    ) -> Self {
        JournalError::Io {
            action,
            path: path.to_path_buf(),
            source,
            consequence: consequence.into(),
        }
    }

    /// The `io::ErrorKind` behind an [`JournalError::Io`], e.g. to treat `NotFound` on open as
    /// "no journal yet".
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            JournalError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }

    /// The path of the journal (or of the file next to it) the error is about.
    pub fn path(&self) -> &Path {
        match self {
            JournalError::AlreadyExists { path }
            | JournalError::Io { path, .. }
            | JournalError::ReadOnly { path, .. }
            | JournalError::Damaged { path, .. }
            | JournalError::SeqMismatch { path, .. }
            | JournalError::Encode { path, .. }
            | JournalError::Shrunk { path, .. }
            | JournalError::SeqExhausted { path }
            | JournalError::NotAFile { path, .. }
            | JournalError::OpenedReadOnly { path } => path,
        }
    }
}

/// What to do about a failed system call, by its cause. Empty when there is nothing better to
/// say than the OS message.
fn advice(source: &io::Error, path: &Path) -> String {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.display().to_string(),
        _ => ".".to_string(),
    };
    if source.raw_os_error() == Some(EIO) {
        return "the disk reported an I/O error: check the device (dmesg) and copy the journal \
                to another disk before going on"
            .to_string();
    }
    match source.kind() {
        io::ErrorKind::StorageFull => {
            format!("disk full: free space on the filesystem holding {dir} and retry")
        }
        io::ErrorKind::QuotaExceeded => {
            format!("disk quota exceeded: free space or raise the quota for {dir} and retry")
        }
        io::ErrorKind::FileTooLarge => "the file size limit was reached (ulimit -f or the \
                                        filesystem's limit): raise it, or start a new journal"
            .to_string(),
        io::ErrorKind::ReadOnlyFilesystem => {
            format!(
                "the filesystem holding {dir} is read-only: remount it read-write or move the journal"
            )
        }
        io::ErrorKind::PermissionDenied => {
            format!("permission denied: check the owner and mode of the file and of {dir}")
        }
        io::ErrorKind::NotFound => "no such file or directory: check the path".to_string(),
        _ => String::new(),
    }
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalError::AlreadyExists { path } => write!(
                f,
                "cannot create journal {}: a file is already there; open it instead, or choose \
                 another path",
                path.display()
            ),
            JournalError::Io {
                action,
                path,
                source,
                consequence,
            } => {
                write!(f, "could not {action} {}: {source}", path.display())?;
                let advice = advice(source, path);
                if !advice.is_empty() {
                    write!(f, "; {advice}")?;
                }
                write!(f, "; {consequence}")
            }
            JournalError::ReadOnly { path, damage } => write!(
                f,
                "journal {} is read-only because it is damaged at {damage}; nothing was \
                 recorded. The records before line {} are intact: copy the file aside, repair or \
                 cut the damaged lines by hand, or start a new journal",
                path.display(),
                damage.line
            ),
            JournalError::Damaged { path, damage } => write!(
                f,
                "journal {} is damaged at {damage}; nothing after it can be trusted and the \
                 journal is read-only",
                path.display()
            ),
            JournalError::SeqMismatch {
                path,
                expected,
                found,
            } => write!(
                f,
                "refused to append to {}: the record was given seq {expected} but reports seq \
                 {found} (a bug in the caller); nothing was recorded",
                path.display()
            ),
            JournalError::Encode { path, reason } => write!(
                f,
                "refused to append to {}: the record {reason}; nothing was recorded",
                path.display()
            ),
            JournalError::Shrunk { path, read, len } => write!(
                f,
                "journal {} is now {len} bytes but {read} bytes were already read from it: \
                 something other than runbook cut it. Reopen it, and check what changed it",
                path.display()
            ),
            JournalError::SeqExhausted { path } => write!(
                f,
                "journal {} has used every sequence number; start a new journal",
                path.display()
            ),
            JournalError::NotAFile { path, what } => write!(
                f,
                "{} is {what}: it is not used (nothing is ever read or written through a \
                 symbolic link, nor in something other than a regular file there); nothing was \
                 read or recorded. Look at what put it there, and remove it",
                path.display()
            ),
            JournalError::OpenedReadOnly { path } => write!(
                f,
                "journal {} was opened for reading only; nothing was recorded",
                path.display()
            ),
        }
    }
}

impl Error for JournalError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            JournalError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_full_says_where_and_what_happened() {
        let err = JournalError::io(
            "write the record to",
            Path::new("/srv/incidents/a.jsonl"),
            io::Error::from(io::ErrorKind::StorageFull),
            "nothing was recorded",
        );
        let text = err.to_string();
        assert!(text.contains("/srv/incidents/a.jsonl"), "{text}");
        assert!(
            text.contains("disk full: free space on the filesystem holding /srv/incidents"),
            "{text}"
        );
        assert!(text.ends_with("nothing was recorded"), "{text}");
        assert_eq!(err.io_kind(), Some(io::ErrorKind::StorageFull));
        assert!(err.source().is_some());
    }

    #[test]
    fn eio_is_named_even_without_an_error_kind() {
        let err = JournalError::io(
            "flush the record to disk:",
            Path::new("j.jsonl"),
            io::Error::from_raw_os_error(EIO),
            "the record was not acknowledged",
        );
        let text = err.to_string();
        assert!(text.contains("the disk reported an I/O error"), "{text}");
    }
}
