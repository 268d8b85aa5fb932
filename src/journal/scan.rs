//! Parsing and validating journal bytes: split into lines, parse each as a record, check the
//! seqs run on with no gap, and classify what ends the good part (clean end, torn last line,
//! or damage).
//!
//! Owns: the rules for what a good line, a torn tail and damage are (`parse.rs` turns single
//! lines into records). Torn means incomplete: only a last line WITHOUT its newline (a write
//! that never finished). A complete line that is not a record, or a seq out of order, is
//! damage wherever it is, the last line included. Pure: must never do IO, and must never
//! accept a line it cannot vouch for (a line without its newline is not consumed, even if it
//! parses).

use serde::de::DeserializeOwned;

use super::parse::{Parsed, parse_lines};
use super::{Damage, Sequenced};

/// How far a handle has read: everything before `offset` is good, whole lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Position {
    /// Byte offset just after the last good line's newline.
    pub offset: u64,
    /// Seq of the last good record, 0 before the first.
    pub last_seq: u64,
    /// Number of good lines before `offset`.
    pub lines: usize,
}

/// The last line has no newline: the mark a writer leaves when it dies mid-write. It was never
/// acknowledged (an append acknowledges only after its whole line, newline last, is on disk).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Torn {
    /// 1-based line number.
    pub line: usize,
    /// Every byte from the start of the line to the end of the file.
    pub bytes: Vec<u8>,
    pub reason: String,
}

/// What stopped the scan.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Tail {
    /// The bytes ended exactly after a good line (or there were none).
    Clean,
    Torn(Torn),
    Damaged(Damage),
}

/// The result of scanning bytes that start at a [`Position`].
#[derive(Debug)]
pub(super) struct Scan<R> {
    /// The good records, in order.
    pub records: Vec<R>,
    /// Where the good part ends.
    pub end: Position,
    pub tail: Tail,
}

/// Scans `buf`, the bytes of the journal from `start.offset` to its end.
pub(super) fn scan<R>(buf: &[u8], start: Position) -> Scan<R>
where
    R: DeserializeOwned + Sequenced + Send,
{
    let complete = buf.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let Parsed {
        mut records,
        lens,
        failure,
    } = parse_lines::<R>(&buf[..complete]);

    let mut pos = start;
    // Bytes of `buf` taken by good lines so far.
    let mut good = 0;
    for (i, (record, len)) in records.iter().zip(&lens).enumerate() {
        let line = pos.lines + 1;
        if let Err(message) = check_seq(pos.last_seq, record.seq()) {
            // A well-formed record with the wrong seq is never a torn write: damage, even on
            // the last line.
            records.truncate(i);
            let tail = Tail::Damaged(Damage {
                line,
                byte_offset: pos.offset,
                rest: (buf.len() - good) as u64,
                message,
            });
            return Scan {
                records,
                end: pos,
                tail,
            };
        }
        good += len;
        pos = Position {
            offset: pos.offset + *len as u64,
            last_seq: record.seq(),
            lines: line,
        };
    }

    let line = pos.lines + 1;
    let tail = match failure {
        None if good == buf.len() => Tail::Clean,
        None => Tail::Torn(Torn {
            line,
            bytes: buf[good..].to_vec(),
            reason: "the line has no newline: the write that made it never finished".to_string(),
        }),
        Some((_, problem)) => Tail::Damaged(Damage {
            line,
            byte_offset: pos.offset,
            rest: (buf.len() - good) as u64,
            message: format!(
                "{problem} (a complete line, newline and all, so not an unfinished write)"
            ),
        }),
    };
    Scan {
        records,
        end: pos,
        tail,
    }
}

/// Checks that `found` directly follows `previous`.
fn check_seq(previous: u64, found: u64) -> Result<(), String> {
    let Some(expected) = previous.checked_add(1) else {
        return Err(format!(
            "seq {found} follows seq {previous}, the largest possible"
        ));
    };
    if found == expected {
        Ok(())
    } else if previous == 0 {
        Err(format!(
            "the first record has seq {found}; a journal starts at seq 1"
        ))
    } else if found > expected {
        Err(format!(
            "seq {found} follows seq {previous}: records {expected}..{} are missing",
            found - 1
        ))
    } else {
        Err(format!(
            "seq {found} follows seq {previous}: seqs must go up by exactly 1 (a repeat or a \
             step back)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_rec::Rec;
    use super::*;

    fn run(text: &str) -> Scan<Rec> {
        scan(text.as_bytes(), Position::default())
    }

    #[test]
    fn empty_input_is_a_clean_empty_journal() {
        let s = run("");
        assert!(s.records.is_empty());
        assert_eq!(s.end, Position::default());
        assert_eq!(s.tail, Tail::Clean);
    }

    #[test]
    fn good_lines_advance_the_position() {
        let text = "{\"seq\":1,\"body\":\"a\"}\n{\"seq\":2,\"body\":\"b\"}\n";
        let s = run(text);
        assert_eq!(s.records.len(), 2);
        assert_eq!(
            s.end,
            Position {
                offset: text.len() as u64,
                last_seq: 2,
                lines: 2
            }
        );
        assert_eq!(s.tail, Tail::Clean);
    }

    #[test]
    fn a_parsable_line_without_newline_is_torn_not_consumed() {
        let s = run("{\"seq\":1,\"body\":\"a\"}\n{\"seq\":2,\"body\":\"b\"}");
        assert_eq!(s.records.len(), 1);
        assert_eq!(s.end.lines, 1);
        let Tail::Torn(torn) = s.tail else {
            panic!("expected torn, got {:?}", s.tail)
        };
        assert_eq!(torn.line, 2);
        assert_eq!(torn.bytes, b"{\"seq\":2,\"body\":\"b\"}");
        assert!(torn.reason.contains("no newline"), "{}", torn.reason);
    }

    #[test]
    fn an_invalid_complete_last_line_is_damage_not_torn() {
        let s = run("{\"seq\":1,\"body\":\"a\"}\n\0\0\0\n");
        let Tail::Damaged(d) = s.tail else {
            panic!("expected damage, got {:?}", s.tail)
        };
        assert_eq!((d.line, d.byte_offset, d.rest), (2, 21, 4));
        assert!(
            d.message.contains("not an unfinished write"),
            "{}",
            d.message
        );
        assert_eq!(s.end.last_seq, 1);
    }

    #[test]
    fn an_invalid_line_followed_by_more_is_damage() {
        let s = run("{\"seq\":1,\"body\":\"a\"}\n{\"seq\":2,\"bo\n{\"seq\":3,\"body\":\"c\"}\n");
        assert_eq!(s.records.len(), 1);
        let Tail::Damaged(d) = s.tail else {
            panic!("expected damage, got {:?}", s.tail)
        };
        assert_eq!(d.line, 2);
        assert_eq!(d.byte_offset, 21);
        assert_eq!(d.rest, 34);
        assert!(d.message.contains("not valid JSON"), "{}", d.message);
        assert!(d.message.contains("at column"), "{}", d.message);
        assert!(!d.message.contains("line 1"), "{}", d.message);
    }

    #[test]
    fn a_record_of_another_shape_is_named_as_such() {
        let s = run("{\"seq\":1}\n{\"seq\":2,\"body\":\"b\"}\n");
        let Tail::Damaged(d) = s.tail else {
            panic!("expected damage, got {:?}", s.tail)
        };
        assert_eq!(d.line, 1);
        assert!(d.message.contains("not a record"), "{}", d.message);
    }

    #[test]
    fn seq_errors_are_damage_even_on_the_last_line() {
        let cases = [
            ("{\"seq\":2,\"body\":\"a\"}\n", 1, "starts at seq 1"),
            (
                "{\"seq\":1,\"body\":\"a\"}\n{\"seq\":3,\"body\":\"c\"}\n",
                2,
                "records 2..2 are missing",
            ),
            (
                "{\"seq\":1,\"body\":\"a\"}\n{\"seq\":1,\"body\":\"a\"}\n",
                2,
                "a repeat",
            ),
        ];
        for (text, line, needle) in cases {
            let s = run(text);
            let Tail::Damaged(d) = s.tail else {
                panic!("expected damage for {text:?}, got {:?}", s.tail)
            };
            assert_eq!(d.line, line, "{text:?}");
            assert!(d.message.contains(needle), "{text:?}: {}", d.message);
        }
    }

    #[test]
    fn scanning_continues_from_a_position() {
        let start = Position {
            offset: 100,
            last_seq: 7,
            lines: 7,
        };
        let s: Scan<Rec> = scan(b"{\"seq\":8,\"body\":\"h\"}\n{\"seq\":9", start);
        assert_eq!(s.records.len(), 1);
        assert_eq!(
            s.end,
            Position {
                offset: 121,
                last_seq: 8,
                lines: 8
            }
        );
        assert!(matches!(s.tail, Tail::Torn(Torn { line: 9, .. })));
    }

    #[test]
    fn non_objects_and_empty_lines_are_not_records() {
        for text in ["[1,\"a\"]\n{\"seq\":1,\"body\":\"a\"}\n", "\n\n"] {
            let s = run(text);
            assert!(
                matches!(s.tail, Tail::Damaged(Damage { line: 1, .. })),
                "{text:?}"
            );
        }
    }
}
