//! `append` and `append_with`: under the exclusive lock, catch up on what other handles wrote,
//! let the caller decide on the record against everything before it (it may refuse), move a
//! torn tail aside, give the record the next seq, encode it as one line, write the whole line
//! with one `write_all` on the `O_APPEND` file, `fdatasync`, and only then acknowledge.
//!
//! Owns: the write path and its rollback. Must never: acknowledge before `fdatasync` returns,
//! write without the exclusive lock, write a line that would not read back as the same record,
//! change the file when the caller refuses, leave a partial line behind when it can cut it
//! off, or touch bytes before the catch-up point.

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::handle::Journal;
use super::lock::LockGuard;
use super::read::read_scan;
use super::scan::{Position, Scan, Tail};
use super::{Appended, JournalError, Sequenced, torn};

/// Why `append_with` wrote nothing.
#[derive(Debug)]
pub enum AppendError<E> {
    /// The caller's decision refused the record, having seen everything written before it.
    Refused(E),
    /// The journal could not take it (IO, damage, a read-only handle...).
    Journal(JournalError),
}

impl<E: fmt::Display> fmt::Display for AppendError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppendError::Refused(e) => e.fmt(f),
            AppendError::Journal(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for AppendError<E> {}

impl<E> From<JournalError> for AppendError<E> {
    fn from(e: JournalError) -> Self {
        AppendError::Journal(e)
    }
}

impl<R> Journal<R>
where
    R: Serialize + DeserializeOwned + Sequenced + Send,
{
    /// Appends one record and returns once it is durable (acknowledged).
    ///
    /// `make` receives the record's seq and must return a record with that `seq()`. It runs
    /// while the journal is locked, so it must be quick and must not use the journal.
    ///
    /// On `Err` nothing was acknowledged and this handle's read position is unchanged, so
    /// records caught up on during the failed call come back from the next `read_new` or
    /// `append`.
    pub fn append(&mut self, make: impl FnOnce(u64) -> R) -> Result<Appended<R>, JournalError> {
        self.append_with(|_, seq| Ok::<R, std::convert::Infallible>(make(seq)))
            .map_err(|err| match err {
                AppendError::Journal(e) => e,
                AppendError::Refused(never) => match never {},
            })
    }

    /// A conditional append: under the exclusive lock, after catching up on what other handles
    /// appended since this one last read, `decide(caught_up, seq)` is given those records and
    /// the seq the new record gets, and returns the record, or refuses. So a decision is taken
    /// against everything written before it, and two writers who decided on the same state
    /// cannot both be recorded when the second would not have been allowed.
    ///
    /// `decide` runs while the journal is locked: it must be quick and must not use the
    /// journal. On `Err` (a refusal included) nothing was written or acknowledged and the read
    /// position is unchanged, so the caught-up records come back from the next `read_new`.
    pub fn append_with<E>(
        &mut self,
        decide: impl FnOnce(&[R], u64) -> Result<R, E>,
    ) -> Result<Appended<R>, AppendError<E>> {
        const NOTHING: &str = "nothing was recorded";
        let Journal {
            path,
            file,
            pos,
            damage,
            writable,
            ..
        } = self;
        if let Some(damage) = damage {
            return Err(AppendError::Journal(JournalError::ReadOnly {
                path: path.clone(),
                damage: damage.clone(),
            }));
        }
        if !*writable {
            return Err(AppendError::Journal(JournalError::OpenedReadOnly {
                path: path.clone(),
            }));
        }
        let _lock = LockGuard::exclusive(file, path, NOTHING)?;

        let Scan {
            records: caught_up,
            end,
            tail,
        } = read_scan::<R>(file, path, *pos)?;
        let torn = match tail {
            Tail::Clean => None,
            Tail::Torn(t) => Some(t),
            Tail::Damaged(found) => {
                *damage = Some(found.clone());
                return Err(AppendError::Journal(JournalError::ReadOnly {
                    path: path.clone(),
                    damage: found,
                }));
            }
        };

        let seq = end
            .last_seq
            .checked_add(1)
            .ok_or_else(|| JournalError::SeqExhausted { path: path.clone() })?;
        let record = decide(&caught_up, seq).map_err(AppendError::Refused)?;
        if record.seq() != seq {
            return Err(AppendError::Journal(JournalError::SeqMismatch {
                path: path.clone(),
                expected: seq,
                found: record.seq(),
            }));
        }
        let line = encode(&record, seq).map_err(|reason| JournalError::Encode {
            path: path.clone(),
            reason,
        })?;
        // Only now, with a record to write, is a torn tail moved aside (and reported).
        let recovery = match torn {
            Some(t) => Some(torn::repair(file, path, end.offset, t)?),
            None => None,
        };
        write_durably(file, path, end.offset, &line)?;

        *pos = Position {
            offset: end.offset + line.len() as u64,
            last_seq: seq,
            lines: end.lines + 1,
        };
        Ok(Appended {
            record,
            caught_up,
            recovery,
        })
    }
}

/// The record as one JSON object on one line, newline included, checked to read back as a
/// record with the same seq (so a reader never finds a line this journal wrote unreadable).
pub(super) fn encode<R>(record: &R, seq: u64) -> Result<Vec<u8>, String>
where
    R: Serialize + DeserializeOwned + Sequenced,
{
    let mut line =
        serde_json::to_vec(record).map_err(|err| format!("cannot be serialized: {err}"))?;
    if line.first() != Some(&b'{') {
        return Err("does not serialize to a JSON object".to_string());
    }
    // serde_json escapes newlines inside strings and writes compact JSON; check anyway, since
    // a raw newline would split the record in two.
    if line.contains(&b'\n') {
        return Err("serializes with a raw newline in it".to_string());
    }
    let back =
        R::from_line(&line).map_err(|err| format!("would not read back after writing: {err}"))?;
    if back.seq() != seq {
        return Err(format!(
            "would read back with seq {} instead of {seq}",
            back.seq()
        ));
    }
    line.push(b'\n');
    Ok(line)
}

/// Writes `line` at the end of the journal (whose length is `len_before`) and `fdatasync`s it.
/// On failure, cuts the file back to `len_before` so no partial or unacknowledged line stays.
fn write_durably(
    mut file: &File,
    path: &Path,
    len_before: u64,
    line: &[u8],
) -> Result<(), JournalError> {
    // One write of the complete buffer; `write_all` only loops if the kernel takes part of it
    // (e.g. the disk filled up midway), and then the rollback below removes the part.
    if let Err(err) = file.write_all(line) {
        let consequence = if roll_back(file, len_before) {
            "nothing was recorded"
        } else {
            "nothing was recorded, but part of the line (without its newline) may be left at \
             the end of the file; the next append moves it aside as a torn line"
        };
        return Err(JournalError::io(
            "write the record to",
            path,
            err,
            consequence,
        ));
    }
    if let Err(err) = file.sync_data() {
        let consequence = if roll_back(file, len_before) {
            "the record was NOT acknowledged and was removed from the journal again"
        } else {
            "the record was NOT acknowledged, but it may still be in the file (readers will \
             then see it)"
        };
        return Err(JournalError::io(
            "flush the record to disk in",
            path,
            err,
            consequence,
        ));
    }
    Ok(())
}

/// Cuts the file back to `len` and makes that durable; false if that failed.
fn roll_back(file: &File, len: u64) -> bool {
    file.set_len(len).and_then(|()| file.sync_data()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::super::test_rec::Rec;
    use super::*;
    use serde::Deserialize;

    #[test]
    fn encoding_escapes_newlines_and_ends_with_one() {
        let rec = Rec {
            seq: 3,
            body: "two\nlines\r\n\u{2028}".to_string(),
        };
        let line = encode(&rec, 3).unwrap();
        assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(line.last(), Some(&b'\n'));
    }

    #[test]
    fn encoding_checks_the_seq_reads_back() {
        #[derive(Serialize, Deserialize)]
        struct Shifty {
            seq: u64,
        }
        impl Sequenced for Shifty {
            fn seq(&self) -> u64 {
                self.seq
            }
        }
        let err = encode(&Shifty { seq: 4 }, 5).unwrap_err();
        assert!(err.contains("seq 4 instead of 5"), "{err}");
    }
}
