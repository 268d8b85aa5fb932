//! The `Journal` handle: creating and opening a journal, reading what others appended, and the
//! per-handle read position (byte offset, last seq, line count) that makes catching up read only
//! new bytes.
//!
//! Owns: `create`, `create_with`, `open`, `open_read_only`, `read_new`, and the handle's state
//! (reading the bytes is `read.rs`). Must never: consume a line that is not whole and valid, move
//! the position past damage, change the file while holding only the shared lock, or write
//! anything outside `append` (opening never repairs, truncates or moves anything).

use std::fmt;
use std::fs::File;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::append::encode;
use super::create::{create_file, create_with_line};
use super::fsopen::open_existing;
use super::lock::LockGuard;
use super::read::read_scan;
use super::scan::{Position, Tail};
use super::{Damage, JournalError, Opened, Sequenced, TornTail};

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
    /// False for a handle from `open_read_only`: appends are refused.
    pub(super) writable: bool,
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
        Ok(Self::with_file(path, file, true))
    }

    /// Creates a new journal at `path` holding one record, `make(1)`, atomically: the journal
    /// appears complete, with that record durable, or not at all, and never replaces anything
    /// already at `path` ([`JournalError::AlreadyExists`]). Returns the handle and the record.
    pub fn create_with(
        path: impl AsRef<Path>,
        make: impl FnOnce(u64) -> R,
    ) -> Result<(Self, R), JournalError> {
        let path = path.as_ref();
        let record = make(1);
        if record.seq() != 1 {
            return Err(JournalError::SeqMismatch {
                path: path.to_path_buf(),
                expected: 1,
                found: record.seq(),
            });
        }
        let line = encode(&record, 1).map_err(|reason| JournalError::Encode {
            path: path.to_path_buf(),
            reason,
        })?;
        let file = create_with_line(path, &line)?;
        let mut journal = Self::with_file(path, file, true);
        journal.pos = Position {
            offset: line.len() as u64,
            last_seq: 1,
            lines: 1,
        };
        Ok((journal, record))
    }

    /// Opens an existing journal to read and append to it, and reads every record.
    ///
    /// Nothing is changed: a torn last line (no newline) is reported in [`Opened::torn`] and
    /// left for the next `append` to move aside. Damage (a complete line that is not a record,
    /// a seq that does not follow) makes the handle read-only: the records before it are
    /// returned and [`Opened::damage`] names the line. Needs read and write permission; a
    /// symlink, FIFO or directory at `path` is refused ([`JournalError::NotAFile`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Opened<R>, JournalError> {
        Self::open_as(path.as_ref(), true)
    }

    /// Opens an existing journal only to read it (`O_RDONLY`: read permission is enough), as
    /// `open` does otherwise. Appends on the handle are refused.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Opened<R>, JournalError> {
        Self::open_as(path.as_ref(), false)
    }

    fn open_as(path: &Path, writable: bool) -> Result<Opened<R>, JournalError> {
        let file = open_existing(path, writable)?;
        let mut journal = Self::with_file(path, file, writable);
        let first = {
            let _shared = LockGuard::shared(&journal.file, &journal.path)?;
            read_scan(&journal.file, &journal.path, journal.pos)?
        };
        journal.pos = first.end;
        let (torn, damage) = match first.tail {
            Tail::Clean => (None, None),
            Tail::Torn(t) => (
                Some(TornTail {
                    line: t.line,
                    byte_offset: first.end.offset,
                    bytes: t.bytes.len() as u64,
                    reason: t.reason,
                }),
                None,
            ),
            Tail::Damaged(d) => (None, Some(d)),
        };
        journal.damage = damage.clone();
        Ok(Opened {
            journal,
            records: first.records,
            torn,
            damage,
        })
    }

    /// Returns the records appended by others since this handle last read, in order.
    ///
    /// Reads under the shared lock, so it waits for an append in progress to finish; a line
    /// without its newline is left for later (it is either still being written by a writer
    /// that does not lock, or torn, and then the next `append` repairs it).
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
    fn with_file(path: &Path, file: File, writable: bool) -> Self {
        Journal {
            path: path.to_path_buf(),
            file,
            pos: Position::default(),
            damage: None,
            writable,
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

    /// Whether appends are refused: because of damage, or because the handle was opened
    /// read-only.
    pub fn is_read_only(&self) -> bool {
        self.damage.is_some() || !self.writable
    }

    /// Whether the handle was opened to append (`open`, `create`), not with `open_read_only`.
    pub fn is_writable(&self) -> bool {
        self.writable
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
            .field("writable", &self.writable)
            .finish()
    }
}
