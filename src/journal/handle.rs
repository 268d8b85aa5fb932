//! The `Journal` handle: creating and opening a journal, reading what others appended, and the
//! per-handle read position (byte offset, last seq, line count) that makes catching up read only
//! new bytes.
//!
//! Owns: `create`, `open`, `read_new`, the handle's state, and reading the file under a lock.
//! Must never: consume a line that is not whole and valid, move the position past damage,
//! change the file while holding only the shared lock, or write anything but a torn-tail
//! repair outside `append`.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::marker::PhantomData;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::create::create_file;
use super::lock::LockGuard;
use super::scan::{self, Position, Scan, Tail};
use super::{Damage, JournalError, Opened, Sequenced, torn};

/// An open journal file. Each handle has its own file description, so handles in one process
/// lock each other out like separate processes do. Holds no lock between calls.
///
/// Records are `R: Serialize + DeserializeOwned + Sequenced + Send` (`Send` so that opening a
/// long journal can parse it on several threads).
pub struct Journal<R> {
    pub(super) path: PathBuf,
    pub(super) file: File,
    /// How far this handle has read.
    pub(super) pos: Position,
    /// Set once damage is found; the handle is then read-only.
    pub(super) damage: Option<Damage>,
    // `fn() -> R`: the handle stores no `R`, so it is `Send`/`Sync` whatever `R` is.
    pub(super) records: PhantomData<fn() -> R>,
}

impl<R> Journal<R>
where
    R: Serialize + DeserializeOwned + Sequenced + Send,
{
    /// Creates a new, empty journal at `path`: missing parent directories with mode 0700, the
    /// file with mode 0600, failing if anything is already there; the new entries are
    /// `fsync`ed before this returns.
    pub fn create(path: impl AsRef<Path>) -> Result<Self, JournalError> {
        let path = path.as_ref();
        let file = create_file(path)?;
        Ok(Self::with_file(path, file))
    }

    /// Opens an existing journal and reads every record.
    ///
    /// A torn last line (no newline, or not a record) is copied aside and cut off, and
    /// reported in [`Opened::recovery`]. Damage before the last line (an unreadable line, a
    /// seq that does not follow the previous one) makes the handle read-only: the records
    /// before it are returned and [`Opened::damage`] names the line. Needs write access, to be
    /// able to repair.
    pub fn open(path: impl AsRef<Path>) -> Result<Opened<R>, JournalError> {
        let path = path.as_ref();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|err| JournalError::io("open the journal", path, err, "nothing was read"))?;
        let mut journal = Self::with_file(path, file);
        let first = {
            let _shared = LockGuard::shared(&journal.file, &journal.path)?;
            read_scan(&journal.file, &journal.path, journal.pos)?
        };
        journal.pos = first.end;
        let mut records = first.records;
        let mut recovery = None;
        match first.tail {
            Tail::Clean => {}
            Tail::Damaged(damage) => journal.damage = Some(damage),
            Tail::Torn(_) => {
                // Repairing needs the exclusive lock. Between the two locks another handle may
                // have repaired it and appended, so scan again from the last good line.
                let _exclusive = LockGuard::exclusive(
                    &journal.file,
                    &journal.path,
                    "the torn last line was not repaired",
                )?;
                let again: Scan<R> = read_scan(&journal.file, &journal.path, journal.pos)?;
                journal.pos = again.end;
                records.extend(again.records);
                match again.tail {
                    Tail::Clean => {}
                    Tail::Damaged(damage) => journal.damage = Some(damage),
                    Tail::Torn(t) => {
                        recovery = Some(torn::repair(
                            &journal.file,
                            &journal.path,
                            journal.pos.offset,
                            t,
                        )?);
                    }
                }
            }
        }
        let damage = journal.damage.clone();
        Ok(Opened {
            journal,
            records,
            recovery,
            damage,
        })
    }

    /// Returns the records appended by others since this handle last read, in order.
    ///
    /// Reads under the shared lock, so it waits for an append in progress to finish; a line
    /// without its newline is left for later (it is either still being written by a writer
    /// that does not lock, or torn, and then the next `open` or `append` repairs it).
    /// On damage: the good records before it are returned, the handle becomes read-only, and
    /// the next call returns [`JournalError::Damaged`].
    pub fn read_new(&mut self) -> Result<Vec<R>, JournalError> {
        let scan = {
            let _shared = LockGuard::shared(&self.file, &self.path)?;
            read_scan::<R>(&self.file, &self.path, self.pos)?
        };
        self.pos = scan.end;
        match scan.tail {
            Tail::Clean | Tail::Torn(_) => Ok(scan.records),
            Tail::Damaged(damage) => {
                self.damage = Some(damage.clone());
                if scan.records.is_empty() {
                    Err(JournalError::Damaged {
                        path: self.path.clone(),
                        damage,
                    })
                } else {
                    Ok(scan.records)
                }
            }
        }
    }
}

impl<R> Journal<R> {
    fn with_file(path: &Path, file: File) -> Self {
        Journal {
            path: path.to_path_buf(),
            file,
            pos: Position::default(),
            damage: None,
            records: PhantomData,
        }
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The seq of the last record this handle has seen (0 when none).
    pub fn last_seq(&self) -> u64 {
        self.pos.last_seq
    }

    /// How many bytes of good lines this handle has read.
    pub fn bytes_read(&self) -> u64 {
        self.pos.offset
    }

    /// The damage that made this handle read-only, if any.
    pub fn damage(&self) -> Option<&Damage> {
        self.damage.as_ref()
    }

    /// Whether appends are refused because of damage.
    pub fn is_read_only(&self) -> bool {
        self.damage.is_some()
    }
}

impl<R> fmt::Debug for Journal<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .field("offset", &self.pos.offset)
            .field("last_seq", &self.pos.last_seq)
            .field("lines", &self.pos.lines)
            .field("damage", &self.damage)
            .finish()
    }
}

/// Reads the file from `from.offset` to its end and scans it. The caller holds a lock, so
/// cooperating writers are not mid-write.
pub(super) fn read_scan<R>(
    file: &File,
    path: &Path,
    from: Position,
) -> Result<Scan<R>, JournalError>
where
    R: DeserializeOwned + Sequenced + Send,
{
    let bytes = read_from(file, path, from.offset)?;
    Ok(scan::scan(&bytes, from))
}

/// The bytes from `offset` to the end of the file.
fn read_from(file: &File, path: &Path, offset: u64) -> Result<Vec<u8>, JournalError> {
    const NOTHING: &str = "nothing was read or recorded; retry, and check the disk if it persists";
    let len = file
        .metadata()
        .map_err(|err| JournalError::io("inspect the journal", path, err, NOTHING))?
        .len();
    let shrunk = || JournalError::Shrunk {
        path: path.to_path_buf(),
        read: offset,
        len,
    };
    let Some(new) = len.checked_sub(offset) else {
        return Err(shrunk());
    };
    let new = usize::try_from(new).map_err(|_| {
        JournalError::io(
            "read the journal",
            path,
            std::io::Error::other(format!("{new} new bytes do not fit in memory")),
            NOTHING,
        )
    })?;
    let mut buf = vec![0; new];
    file.read_exact_at(&mut buf, offset).map_err(|err| {
        if err.kind() == std::io::ErrorKind::UnexpectedEof {
            shrunk()
        } else {
            JournalError::io("read the journal", path, err, NOTHING)
        }
    })?;
    Ok(buf)
}
