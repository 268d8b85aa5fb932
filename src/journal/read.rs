//! Reading journal bytes through a handle's file: from a position to the end, a block of whole
//! lines at a time, scanned as they come (so a long journal is never held as text and records at
//! once), and finding where a line starts for reports.
//!
//! Owns: `read_scan` and the block size. Must never: write, read past the length it measured,
//! or judge lines itself (that is `scan.rs`).

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use serde::de::DeserializeOwned;

use super::handle::Journal;
use super::scan::{self, Position, Scan, Tail};
use super::{JournalError, Sequenced};

impl<R> Journal<R> {
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
