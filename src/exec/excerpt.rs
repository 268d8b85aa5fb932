//! The excerpt of a command's output kept for the journal and the screen: its first and last
//! lines, each cut to a bounded length. Memory stays the same whatever the command prints:
//! a chunk of output is scanned for newlines (counted with `memchr`) and only the lines that
//! can still end up in the excerpt are kept. Pure; never touches the output file.

use std::collections::VecDeque;

/// Lines kept from the start and from the end.
pub const HEAD_LINES: usize = 20;
pub const TAIL_LINES: usize = 20;
/// Characters kept of one line (a longer one ends with `…`).
pub const MAX_LINE: usize = 400;
/// Bytes of one line kept while reading it (enough for `MAX_LINE` characters of UTF-8).
const MAX_LINE_BYTES: usize = MAX_LINE * 4;

/// The first and last lines of a stream, bounded in count and length.
#[derive(Default, Debug)]
pub struct Excerpt {
    head: Vec<String>,
    tail: VecDeque<String>,
    /// The line being read (its first `MAX_LINE_BYTES` bytes).
    partial: Vec<u8>,
    partial_cut: bool,
    /// Lines dropped between the head and the tail.
    skipped: u64,
}

impl Excerpt {
    /// Takes the next chunk of output.
    pub fn feed(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        // The head, line by line, until it is full.
        while self.head.len() < HEAD_LINES {
            match memchr::memchr(b'\n', rest) {
                Some(p) => {
                    self.extend_partial(&rest[..p]);
                    self.end_line();
                    rest = &rest[p + 1..];
                }
                None => {
                    self.extend_partial(rest);
                    return;
                }
            }
        }
        // Past the head only the chunk's last `TAIL_LINES` lines can stay: the lines before
        // them are counted, never copied.
        let newlines = memchr::memchr_iter(b'\n', rest).count();
        if newlines > TAIL_LINES {
            let keep_from = memchr::memrchr_iter(b'\n', rest)
                .nth(TAIL_LINES)
                .map_or(0, |p| p + 1);
            let dropped = newlines - TAIL_LINES;
            // The line in progress ends inside the dropped part: it is dropped with it.
            self.partial.clear();
            self.partial_cut = false;
            self.skipped = self
                .skipped
                .saturating_add(u64::try_from(dropped).unwrap_or(u64::MAX))
                .saturating_add(u64::try_from(self.tail.len()).unwrap_or(u64::MAX));
            self.tail.clear();
            rest = &rest[keep_from..];
        }
        for line in rest.split_inclusive(|&b| b == b'\n') {
            match line.strip_suffix(b"\n") {
                Some(l) => {
                    self.extend_partial(l);
                    self.end_line();
                }
                None => self.extend_partial(line),
            }
        }
    }

    fn extend_partial(&mut self, bytes: &[u8]) {
        let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
        if bytes.len() > room {
            self.partial_cut = true;
        }
        self.partial
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn end_line(&mut self) {
        let mut text = String::from_utf8_lossy(&self.partial).into_owned();
        let long = self.partial_cut || text.chars().count() > MAX_LINE;
        if long {
            text = text.chars().take(MAX_LINE).collect::<String>() + "…";
        }
        self.partial.clear();
        self.partial_cut = false;
        if self.head.len() < HEAD_LINES {
            self.head.push(text);
        } else {
            self.tail.push_back(text);
            if self.tail.len() > TAIL_LINES {
                self.tail.pop_front();
                self.skipped = self.skipped.saturating_add(1);
            }
        }
    }

    /// The excerpt: the head, a line saying how many were left out, the tail. `note` (if
    /// any) is added as a last line, in brackets.
    pub fn finish(mut self, note: Option<&str>) -> String {
        if !self.partial.is_empty() || self.partial_cut {
            self.end_line();
        }
        let mut out = self.head;
        if self.skipped > 0 {
            out.push(format!("… {} lines not shown …", self.skipped));
        }
        out.extend(self.tail);
        if let Some(n) = note {
            out.push(format!("[{n}]"));
        }
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> String {
        (1..=n).map(|i| format!("{i}\n")).collect()
    }

    /// The same text fed whole, and in chunks of every size from 1 to 7 bytes: one excerpt.
    fn excerpt(text: &str) -> String {
        let mut whole = Excerpt::default();
        whole.feed(text.as_bytes());
        let whole = whole.finish(None);
        for size in 1..8 {
            let mut e = Excerpt::default();
            for chunk in text.as_bytes().chunks(size) {
                e.feed(chunk);
            }
            assert_eq!(e.finish(None), whole, "chunks of {size}");
        }
        whole
    }

    #[test]
    fn keeps_the_first_and_last_lines_and_counts_the_rest() {
        let e = excerpt(&numbered(1000));
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), HEAD_LINES + 1 + TAIL_LINES);
        assert_eq!(lines[0], "1");
        assert_eq!(lines[HEAD_LINES - 1], "20");
        assert_eq!(lines[HEAD_LINES], "… 960 lines not shown …");
        assert_eq!(lines[HEAD_LINES + 1], "981");
        assert_eq!(*lines.last().unwrap(), "1000");
    }

    #[test]
    fn short_output_is_kept_whole_with_its_unfinished_last_line() {
        assert_eq!(excerpt("a\nb\nc"), "a\nb\nc");
        assert_eq!(excerpt(&numbered(40)), numbered(40).trim_end());
        assert_eq!(excerpt(""), "");
    }

    #[test]
    fn long_lines_are_cut_and_invalid_utf8_is_replaced() {
        let long = "x".repeat(10_000) + "\nend\n";
        let e = excerpt(&long);
        let first = e.lines().next().unwrap();
        assert_eq!(first.chars().count(), MAX_LINE + 1);
        assert!(first.ends_with('…'));
        let mut b = Excerpt::default();
        b.feed(b"ok \xff\xfe\n");
        assert_eq!(b.finish(Some("note")), "ok \u{fffd}\u{fffd}\n[note]");
    }

    #[test]
    fn a_gigabyte_without_newlines_stays_one_bounded_line() {
        let mut e = Excerpt::default();
        let chunk = vec![b'y'; 1 << 16];
        for _ in 0..(1 << 14) {
            e.feed(&chunk);
        }
        assert!(e.partial.len() <= MAX_LINE_BYTES);
        let out = e.finish(None);
        assert_eq!(out.chars().count(), MAX_LINE + 1);
    }
}
