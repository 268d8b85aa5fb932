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
//! - `handle.rs`: the `Journal` handle, `open`, `read_new`, and catching up under a lock.
//! - `append.rs`: `append`: lock, catch up, encode, write, `fdatasync`, roll back on failure.
//! - `scan.rs`: validating journal bytes: good lines, torn tail or damage (pure).
//! - `parse.rs`: lines to records, on several threads for a big journal (pure).
//! - `torn.rs`: saving a torn last line aside and truncating it away.
//! - `create.rs`: creating the file and its directories with private modes, durably.
//! - `lock.rs`: the `flock` guard.
//! - `error.rs`: `JournalError`, with messages that say what failed and what to do.
//!
//! Locking protocol (advisory `flock` on the journal file itself, one open file description
//! per handle, so handles in one process exclude each other too):
//! - appends hold the exclusive lock from catch-up to `fdatasync`;
//! - reads (`open`, `read_new`) hold the shared lock, so they never see an append in progress
//!   (a line half written, or written but not yet flushed and possibly about to be rolled
//!   back); a line a crashed writer left whole is a record like any other;
//! - repairing a torn tail needs the exclusive lock, and is done by `open` and `append` only.

mod append;
mod create;
mod error;
mod handle;
mod lock;
mod parse;
mod scan;
#[cfg(test)]
mod test_rec;
mod torn;

use std::fmt;
use std::path::PathBuf;

pub use create::create_private_dir;
pub use error::JournalError;
pub use handle::Journal;

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

/// What [`Journal::open`] found.
#[derive(Debug)]
pub struct Opened<R> {
    /// The handle; read-only when `damage` is `Some`.
    pub journal: Journal<R>,
    /// Every record before the first damaged line (all of them when there is no damage).
    pub records: Vec<R>,
    /// Set when a torn last line was moved aside.
    pub recovery: Option<Recovery>,
    /// Set when a line other than the last is unreadable or out of sequence. The journal is
    /// then read-only: appends fail, and nothing after the damaged line is trusted.
    pub damage: Option<Damage>,
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

/// A torn last line (an unfinished write, or bytes that are not a record) that was copied aside
/// and cut off the journal. It was never acknowledged: appends acknowledge only after the whole
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

/// Damage before the last line: the journal cannot be trusted past it, so it is read-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    /// 1-based line number of the first damaged line.
    pub line: usize,
    /// Byte offset where that line starts.
    pub byte_offset: u64,
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

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} (byte {}): {}",
            self.line, self.byte_offset, self.message
        )
    }
}
