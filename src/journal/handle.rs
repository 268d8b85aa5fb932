//! The `Journal` handle: creating and opening a journal, reading what others appended, and the
//! per-handle read position (byte offset, last seq, line count) that makes catching up read only
//! new bytes.
//!
//! Owns: `create`, `create_with`, `open`, `open_read_only`, `read_new`, the handle's state, and
//! reading the file under a lock. Must never: consume a line that is not whole and valid, move
//! the position past damage, change the file while holding only the shared lock, or write
//! anything outside `append` (opening never repairs, truncates or moves anything).

use std::fmt;
use std::fs::File;
use std::marker::PhantomData;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::append::encode;
use super::create::{create_file, create_with_line};
use super::fsopen::open_existing;
use super::lock::LockGuard;
use super::scan::{self, Position, Scan, Tail};
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

    /// The byte offset where line `line` (1-based) starts, found by reading the file again
    /// through this handle; `None` when the file has fewer lines. For reports, not hot paths.
    pub fn line_start(&self, line: usize) -> Result<Option<u64>, JournalError> {
        if line <= 1 {
            return Ok(Some(0));
        }
        let len = self.len_on_disk()?;
        let (mut offset, mut seen) = (0u64, 1usize);
        while offset < len {
            let n = usize::try_from((len - offset).min(READ_BLOCK as u64)).unwrap_or(READ_BLOCK);
            let block = read_at(&self.file, &self.path, offset, n, len)?;
            for (i, _) in block.iter().enumerate().filter(|&(_, &b)| b == b'\n') {
                seen += 1;
                if seen == line {
                    return Ok(Some(offset + i as u64 + 1));
                }
            }
            offset += n as u64;
        }
        Ok(None)
    }

    /// The journal's length on disk now, in bytes.
    pub fn len_on_disk(&self) -> Result<u64, JournalError> {
        self.file
            .metadata()
            .map(|m| m.len())
            .map_err(|err| JournalError::io("inspect the journal", &self.path, err, NOTHING_READ))
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

/// Journals are read in pieces of about this many bytes (whole lines), so that opening a long
/// journal holds a piece of its text beside its records, not all of it.
const READ_BLOCK: usize = 4 << 20;

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
    read_scan_in_blocks(file, path, from, READ_BLOCK)
}

/// `read_scan`, a block of whole lines at a time. A block that scans clean moves the position
/// on; anything else (no whole line in a block, a bad line, the end) is judged by scanning all
/// the rest of the file at once, exactly as if it had been read whole from the start.
fn read_scan_in_blocks<R>(
    file: &File,
    path: &Path,
    from: Position,
    block: usize,
) -> Result<Scan<R>, JournalError>
where
    R: DeserializeOwned + Sequenced + Send,
{
    let len = file
        .metadata()
        .map_err(|err| JournalError::io("inspect the journal", path, err, NOTHING_READ))?
        .len();
    let mut pos = from;
    let mut records: Vec<R> = Vec::new();
    loop {
        let remaining = remaining(path, pos.offset, len)?;
        if remaining > block {
            let bytes = read_at(file, path, pos.offset, block, len)?;
            if let Some(newline) = bytes.iter().rposition(|&b| b == b'\n') {
                let part = scan::scan::<R>(&bytes[..=newline], pos);
                if part.tail == Tail::Clean {
                    if records.is_empty() {
                        // Room for the whole journal at this block's density, and a margin,
                        // so the records are not moved as they grow.
                        let per_block = part.records.len().max(1);
                        records.reserve(per_block * (remaining / (newline + 1) + 1) * 5 / 4);
                    }
                    records.extend(part.records);
                    pos = part.end;
                    continue;
                }
            }
        }
        let bytes = read_at(file, path, pos.offset, remaining, len)?;
        let mut rest = scan::scan::<R>(&bytes, pos);
        if records.is_empty() {
            return Ok(rest);
        }
        records.append(&mut rest.records);
        return Ok(Scan {
            records,
            end: rest.end,
            tail: rest.tail,
        });
    }
}

const NOTHING_READ: &str = "nothing was read or recorded; retry, and check the disk if it persists";

/// The bytes from `offset` to `len` (the file's length), as a size in memory.
fn remaining(path: &Path, offset: u64, len: u64) -> Result<usize, JournalError> {
    let Some(new) = len.checked_sub(offset) else {
        return Err(JournalError::Shrunk {
            path: path.to_path_buf(),
            read: offset,
            len,
        });
    };
    usize::try_from(new).map_err(|_| {
        JournalError::io(
            "read the journal",
            path,
            std::io::Error::other(format!("{new} new bytes do not fit in memory")),
            NOTHING_READ,
        )
    })
}

/// `n` bytes from `offset` of a file that was `len` bytes long.
fn read_at(
    file: &File,
    path: &Path,
    offset: u64,
    n: usize,
    len: u64,
) -> Result<Vec<u8>, JournalError> {
    let mut buf = vec![0; n];
    file.read_exact_at(&mut buf, offset).map_err(|err| {
        if err.kind() == std::io::ErrorKind::UnexpectedEof {
            JournalError::Shrunk {
                path: path.to_path_buf(),
                read: offset,
                len,
            }
        } else {
            JournalError::io("read the journal", path, err, NOTHING_READ)
        }
    })?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::super::test_rec::Rec;
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    /// What can be wrong with a journal, and where.
    #[derive(Clone, Debug)]
    enum Flaw {
        None,
        TornLast,
        NoNewlineLast,
        BadLine(usize),
        SeqGap(usize),
    }

    fn journal(n: usize, body: usize, flaw: &Flaw) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..n {
            let seq = match flaw {
                Flaw::SeqGap(at) if i >= *at % n.max(1) => i as u64 + 2,
                _ => i as u64 + 1,
            };
            let line = match flaw {
                Flaw::BadLine(at) if i == *at % n.max(1) => "{\"seq\": oops".to_string(),
                _ => format!(
                    "{{\"seq\":{seq},\"body\":\"{}\"}}",
                    "x".repeat(body + i % 7)
                ),
            };
            out.extend(line.into_bytes());
            out.push(b'\n');
        }
        match flaw {
            Flaw::TornLast => out.extend(format!("{{\"seq\":{},\"bo", n + 1).into_bytes()),
            Flaw::NoNewlineLast => {
                out.extend(format!("{{\"seq\":{},\"body\":\"\"}}", n + 1).into_bytes())
            }
            _ => {}
        }
        out
    }

    fn flaw() -> impl Strategy<Value = Flaw> {
        prop_oneof![
            Just(Flaw::None),
            Just(Flaw::TornLast),
            Just(Flaw::NoNewlineLast),
            (0usize..200).prop_map(Flaw::BadLine),
            (0usize..200).prop_map(Flaw::SeqGap),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Reading a journal a block at a time finds exactly what reading it whole finds: the
        /// same records, the same end, the same verdict on its tail, from any start.
        #[test]
        fn blocks_read_the_same_as_the_whole(
            n in 0usize..120,
            body in 0usize..40,
            flaw in flaw(),
            block in prop_oneof![Just(1usize), 2usize..300, Just(1 << 20)],
            skip in 0usize..5,
        ) {
            let bytes = journal(n, body, &flaw);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("j.jsonl");
            std::fs::File::create(&path).unwrap().write_all(&bytes).unwrap();
            let file = File::open(&path).unwrap();
            // Start after the first `skip` lines, when they are good, as a reading handle does.
            let whole_from_zero = scan::scan::<Rec>(&bytes, Position::default());
            let skip = skip.min(whole_from_zero.records.len());
            let mut from = Position::default();
            for (i, line) in bytes.split_inclusive(|&b| b == b'\n').take(skip).enumerate() {
                from = Position {
                    offset: from.offset + line.len() as u64,
                    last_seq: whole_from_zero.records[i].seq,
                    lines: i + 1,
                };
            }
            let whole = scan::scan::<Rec>(&bytes[from.offset as usize..], from);
            let blocks = read_scan_in_blocks::<Rec>(&file, &path, from, block).unwrap();
            prop_assert_eq!(&blocks.records, &whole.records);
            prop_assert_eq!(blocks.end, whole.end);
            prop_assert_eq!(&blocks.tail, &whole.tail);
        }
    }
}
