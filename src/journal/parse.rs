//! Parsing complete lines into records: one line at a time, on several threads for big inputs
//! (opening a long journal), always returned in file order.
//!
//! Owns: what makes one line a record (a JSON object that deserializes as `R`), and splitting
//! the work. Pure: must never do IO, judge seqs (that is `scan.rs`), or reorder lines.

use std::num::NonZeroUsize;
use std::thread;

use serde::de::DeserializeOwned;

use super::Sequenced;

/// Below this many bytes, parsing stays on the calling thread; an append's catch-up is always
/// far below it, so appends never start threads.
const PARALLEL_MIN_BYTES: usize = 1 << 20;
const MAX_THREADS: usize = 8;

/// The lines of a buffer, parsed in order up to the first one that is not a record.
#[derive(Debug)]
pub(super) struct Parsed<R> {
    /// The records, one per line.
    pub records: Vec<R>,
    /// The length of each record's line, newline included; `lens[i]` goes with `records[i]`.
    pub lens: Vec<usize>,
    /// The first line that is not a record: its length (newline included) and what is wrong.
    /// Nothing after it was parsed.
    pub failure: Option<(usize, String)>,
}

/// Parses the lines of `buf`, which holds only complete lines (it is empty or ends with a
/// newline), in order, stopping at the first line that is not a record.
pub(super) fn parse_lines<R>(buf: &[u8]) -> Parsed<R>
where
    R: DeserializeOwned + Sequenced + Send,
{
    let threads = if buf.len() < PARALLEL_MIN_BYTES {
        1
    } else {
        thread::available_parallelism()
            .map_or(1, NonZeroUsize::get)
            .min(MAX_THREADS)
    };
    let chunks = split_at_newlines(buf, threads);
    let Some((&first, others)) = chunks.split_first() else {
        return parse_chunk(buf, 0);
    };
    // The first chunk's vectors are made big enough for every line, so that the others are
    // appended without growing them (growing would briefly hold the records twice).
    let lines = lines_in(buf);
    if others.is_empty() {
        return parse_chunk(first, lines);
    }
    thread::scope(|scope| {
        let spawned: Vec<_> = others
            .iter()
            .map(|&chunk| {
                let handle = thread::Builder::new()
                    .name("journal-parse".to_string())
                    .spawn_scoped(scope, move || parse_chunk::<R>(chunk, lines_in(chunk)));
                (chunk, handle)
            })
            .collect();
        let mut parsed = parse_chunk(first, lines);
        for (chunk, handle) in spawned {
            if parsed.failure.is_some() {
                break; // Nothing after a failure is used; the scope still joins the threads.
            }
            let mut part = match handle {
                Ok(handle) => match handle.join() {
                    Ok(part) => part,
                    // `R`'s Deserialize panicked: behave as if it had on this thread.
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                // No thread to be had: do that chunk here.
                Err(_) => parse_chunk(chunk, 0),
            };
            parsed.records.append(&mut part.records);
            parsed.lens.append(&mut part.lens);
            parsed.failure = part.failure;
        }
        parsed
    })
}

fn lines_in(buf: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', buf).count()
}

/// Parses the lines of `chunk` (complete lines only) up to the first failure, with room for
/// `capacity` records from the start.
fn parse_chunk<R: DeserializeOwned + Sequenced>(chunk: &[u8], capacity: usize) -> Parsed<R> {
    let mut parsed = Parsed {
        records: Vec::with_capacity(capacity),
        lens: Vec::with_capacity(capacity),
        failure: None,
    };
    let mut start = 0;
    while start < chunk.len() {
        // Found with memchr: a journal is mostly long lines (a pinned runbook is ~10 KB), and
        // a byte-at-a-time split was a tenth of a cold `runbook stats`.
        let end = memchr::memchr(b'\n', &chunk[start..]).map_or(chunk.len(), |i| start + i + 1);
        let line = &chunk[start..end];
        start = end;
        match parse_line(line.strip_suffix(b"\n").unwrap_or(line)) {
            Ok(record) => {
                parsed.records.push(record);
                parsed.lens.push(line.len());
            }
            Err(problem) => {
                parsed.failure = Some((line.len(), problem));
                break;
            }
        }
    }
    parsed
}

/// Splits `buf` into at most `n` pieces of about equal size, each ending just after a newline.
fn split_at_newlines(buf: &[u8], n: usize) -> Vec<&[u8]> {
    let mut chunks = Vec::with_capacity(n);
    let mut rest = buf;
    for remaining in (1..n).rev() {
        let target = rest.len() / (remaining + 1);
        let Some(newline) = rest
            .get(target..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
        else {
            break;
        };
        let (head, tail) = rest.split_at(target + newline + 1);
        chunks.push(head);
        rest = tail;
    }
    if !rest.is_empty() {
        chunks.push(rest);
    }
    chunks
}

/// Parses one line (without its newline) as a record.
pub(super) fn parse_line<R: DeserializeOwned + Sequenced>(line: &[u8]) -> Result<R, String> {
    if line.first() != Some(&b'{') {
        return Err(if line.is_empty() {
            "the line is empty".to_string()
        } else {
            "the line is not a JSON object".to_string()
        });
    }
    R::from_line(line).map_err(|err| {
        // serde_json counts lines within the one line we gave it; only the column helps.
        let detail = err.to_string().replace(" at line 1 column ", " at column ");
        if err.is_data() {
            format!("the line is JSON but not a record of this journal ({detail})")
        } else {
            format!("the line is not valid JSON ({detail})")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_on_newlines_and_cover_everything() {
        let buf: Vec<u8> = (0..1000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        for n in 1..=9 {
            let chunks = split_at_newlines(&buf, n);
            assert!(chunks.len() <= n && !chunks.is_empty(), "n={n}");
            assert!(chunks.iter().all(|c| c.ends_with(b"\n")), "n={n}");
            assert_eq!(chunks.concat(), buf, "n={n}");
        }
        assert!(split_at_newlines(b"", 4).is_empty());
        assert_eq!(
            split_at_newlines(b"one long line\n", 4),
            [b"one long line\n"]
        );
    }

    /// A line `{"n": N}`, read the default way.
    #[derive(serde::Deserialize)]
    struct N {
        n: u64,
    }

    impl Sequenced for N {
        fn seq(&self) -> u64 {
            self.n
        }
    }

    #[test]
    fn parallel_parsing_keeps_order_and_stops_at_the_first_failure() {
        let mut buf = Vec::new();
        let mut n = 0u64;
        while buf.len() < 3 * PARALLEL_MIN_BYTES {
            n += 1;
            buf.extend(format!("{{\"n\":{n}}}\n").into_bytes());
        }
        let parsed: Parsed<N> = parse_lines(&buf);
        assert_eq!(parsed.records.len() as u64, n);
        assert!(parsed.failure.is_none());
        for (i, (record, len)) in parsed.records.iter().zip(&parsed.lens).enumerate() {
            assert_eq!(record.seq(), i as u64 + 1);
            assert_eq!(*len, format!("{{\"n\":{}}}\n", i + 1).len());
        }

        // Break one line two thirds in: everything before it, then it, then nothing.
        let at = buf.len() * 2 / 3;
        let start = buf[..at].iter().rposition(|&b| b == b'\n').unwrap() + 1;
        buf[start] = b'x';
        let good = buf[..start].iter().filter(|&&b| b == b'\n').count();
        let parsed: Parsed<N> = parse_lines(&buf);
        assert_eq!(parsed.records.len(), good);
        assert_eq!(parsed.lens.len(), good);
        let (len, problem) = parsed.failure.unwrap();
        assert_eq!(
            len,
            buf[start..].iter().position(|&b| b == b'\n').unwrap() + 1
        );
        assert!(problem.contains("not a JSON object"), "{problem}");
    }
}
