//! The append-only, crash-safe journal file: one JSON object per line, `seq` 1, 2, 3... with no
//! gaps. An append returns `Ok` only after its line is written whole and `fdatasync`ed, so an
//! acknowledged record survives `kill -9`, a dropped SSH session and a power cut.
//!
//! Owns: the public API (`Journal`, `Opened`, `Appended`, `Recovery`, `Damage`, `Sequenced`) and
//! the module layout. Generic over the record type; it knows nothing about incidents.
//!
//! Must never: drop or rewrite a line that was acknowledged, skip over damage silently, panic,
//! or read the wall clock.
//!
//! Layout, one concern per file:
//! - `handle.rs`: the `Journal` handle, `open`, `open_read_only`, `read_new`, and catching up
//!   under a lock.
//! - `read.rs`: reading the file from a position, a block of whole lines at a time.
//! - `append.rs`: `append` / `append_with`: lock, catch up, let the caller decide (it may
//!   refuse), repair a torn tail, encode, write, `fdatasync`, roll back on failure.
//! - `scan.rs`: validating journal bytes: good lines, torn tail or damage (pure).
//! - `parse.rs`: lines to records, on several threads for a big journal (pure).
//! - `torn.rs`: saving a torn last line aside and truncating it away; finding saved copies.
//! - `create.rs`: creating a journal file (atomically, with its first record), durably.
//! - `private.rs`: private directories and files (0700, 0600) that no planted symlink
//!   redirects, for the journals and everything kept beside them.
//! - `fsopen.rs`: opening existing files without following symlinks, regular files only.
//! - `lock.rs`: the `flock` guard.
//! - `error.rs`: `JournalError`, with messages that say what failed and what to do.
//!
//! Torn and damaged: a torn tail is a last line without its newline (a writer died mid-write;
//! never acknowledged). Any complete line that is not a record, or whose seq does not follow,
//! is damage, and makes the handle read-only; nothing after it is trusted.
//!
//! Readers never write: `open_read_only` opens `O_RDONLY` (read permission is enough) and
//! `open` does not repair either; both report a torn tail in [`Opened::torn`] and leave it.
//! Only an append repairs a torn tail (saving its bytes first), and says so in
//! [`Appended::recovery`].
//!
//! Locking protocol (advisory `flock` on the journal file itself, one open file description
//! per handle, so handles in one process exclude each other too):
//! - appends hold the exclusive lock from catch-up to `fdatasync`, and the caller's decision
//!   (`append_with`) is taken under it, against everything written before;
//! - reads (`open`, `open_read_only`, `read_new`) hold the shared lock, so they never see an
//!   append in progress (a line half written, or written but not yet flushed and possibly
//!   about to be rolled back); a line a crashed writer left whole is a record like any other;
//! - repairing a torn tail needs the exclusive lock, and is done by `append` only.

mod append;
mod create;
mod error;
mod fsopen;
mod handle;
mod lock;
mod parse;
mod private;
mod read;
mod scan;
#[cfg(test)]
mod test_rec;
mod torn;

use std::fmt;
use std::path::PathBuf;

pub use append::AppendError;
pub use create::is_temp_name;
pub use error::JournalError;
pub use fsopen::open_no_follow;
pub use handle::Journal;
pub use private::{create_private_dir, create_private_dir_under, create_private_file};
pub use torn::torn_copies;

/// Records stored in a journal carry their own sequence number, 1 for the first record.
pub trait Sequenced {
    /// The record's position in the journal: 1, 2, 3... with no gaps.
    fn seq(&self) -> u64;

    /// Reads one line (without its newline) as a record. The default is the record's
    /// `Deserialize`; a record type may read its lines a faster way that agrees with it.
    fn from_line(line: &[u8]) -> Result<Self, serde_json::Error>
    where
        Self: serde::de::DeserializeOwned,
    {
        serde_json::from_slice(line)
    }
}

/// What [`Journal::open`] and [`Journal::open_read_only`] found. Opening never changes the
/// file.
#[derive(Debug)]
pub struct Opened<R> {
    /// The handle; read-only when `damage` is `Some` (or when opened read-only).
    pub journal: Journal<R>,
    /// Every record before the first damaged line (all of them when there is no damage).
    pub records: Vec<R>,
    /// Set when the last line has no newline; it was left where it is (the next append moves
    /// it aside).
    pub torn: Option<TornTail>,
    /// Set when a complete line is unreadable or out of sequence. The journal is then
    /// read-only: appends fail, and nothing after the damaged line is trusted.
    pub damage: Option<Damage>,
}

/// A last line without its newline, found and left alone by a reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornTail {
    /// 1-based line number.
    pub line: usize,
    /// Byte offset where the line starts.
    pub byte_offset: u64,
    /// How many bytes it has (all of them after `byte_offset`).
    pub bytes: u64,
    /// Why it counts as torn.
    pub reason: String,
}

/// What [`Journal::append`] did.
#[derive(Debug)]
pub struct Appended<R> {
    /// The record that was written and acknowledged (`record.seq()` is its sequence number).
    pub record: R,
    /// Records other handles appended since this handle last read, in order, all before
    /// `record`. Fold them into your state before `record`.
    pub caught_up: Vec<R>,
    /// Set when a torn last line left by a crashed writer was moved aside first.
    pub recovery: Option<Recovery>,
}

/// A torn last line (an unfinished write: no newline) that an append copied aside and cut off
/// the journal. It was never acknowledged: appends acknowledge only after the whole
/// line is on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// 1-based line number of the torn line.
    pub line: usize,
    /// How many bytes were cut off the journal.
    pub bytes: usize,
    /// Where those bytes were saved, byte for byte (`<journal>.torn`, or `<journal>.torn.N`
    /// when earlier torn data is already there; earlier files are never overwritten).
    pub saved_to: PathBuf,
    /// Why the line counted as torn.
    pub reason: String,
}

/// A complete line that is not a record, or whose seq does not follow: the journal cannot be
/// trusted past it, so it is read-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    /// 1-based line number of the first damaged line.
    pub line: usize,
    /// Byte offset where that line starts.
    pub byte_offset: u64,
    /// Bytes from the start of that line to the end of the file, none of which is read.
    pub rest: u64,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} was torn ({}); its {} bytes were never acknowledged and were moved to {}",
            self.line,
            self.reason,
            self.bytes,
            self.saved_to.display()
        )
    }
}

impl fmt::Display for TornTail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} (byte {}) is torn: {} bytes without a newline ({}); never acknowledged",
            self.line, self.byte_offset, self.bytes, self.reason
        )
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} (byte {}): {}",
            self.line, self.byte_offset, self.message
        )
    }
}
