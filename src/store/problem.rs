//! What is wrong with a journal, as readers must report it: a torn last line (left alone), a
//! damaged line (nothing after it is read), a pinned runbook whose sha256 does not match its
//! source. Each names its line, where it starts, how many bytes the records leave out, and why;
//! and the journal that was never written at all (empty, or line 1 unusable) gets its own
//! message saying how to remove it.
//!
//! Owns: the problem type, the pin check and the texts. Must never: do IO beyond the one
//! read-only look at a damaged file's line offsets, or suggest a fix that could lose a record.

use std::path::Path;

use crate::domain::event::{Event, Known, Record};
use crate::journal::{Damage, TornTail};
use crate::runbook::sanitize::visible;

/// One thing in a journal that readers are told about, and exports list first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line number.
    pub line: usize,
    /// Byte offset where the line starts (None when it could not be found again).
    pub byte_offset: Option<u64>,
    /// Bytes from there to the end of the file that no record holds (0: nothing is left out).
    pub left_out: u64,
    pub kind: ProblemKind,
    /// What is wrong, in a sentence.
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The last line has no newline: a write that never finished (never acknowledged). The
    /// journal stays writable; the next append moves the bytes aside.
    Torn,
    /// A complete line that is not a record, or out of sequence: the journal is read-only.
    Damaged,
    /// A pinned runbook that is not what its sha256 says: the journal is read-only.
    Pin,
}

impl Problem {
    pub(super) fn torn(t: &TornTail) -> Problem {
        Problem {
            line: t.line,
            byte_offset: Some(t.byte_offset),
            left_out: t.bytes,
            kind: ProblemKind::Torn,
            reason: format!(
                "it is torn: {} bytes without a newline (a write that never finished, so it was \
                 never acknowledged)",
                t.bytes
            ),
        }
    }

    pub(super) fn damaged(d: &Damage) -> Problem {
        Problem {
            line: d.line,
            byte_offset: Some(d.byte_offset),
            left_out: d.rest,
            kind: ProblemKind::Damaged,
            reason: visible(&d.message),
        }
    }

    /// Whether the journal is read-only because of it.
    pub fn makes_read_only(&self) -> bool {
        self.kind != ProblemKind::Torn
    }

    /// `line 3 (byte 512): <reason>`.
    pub fn summary(&self) -> String {
        let at = self
            .byte_offset
            .map_or_else(String::new, |b| format!(" (byte {b})"));
        format!("line {}{at}: {}", self.line, self.reason)
    }

    /// One line for stderr or a notice: where, what, and what it means now.
    pub fn notice(&self, path: &Path) -> String {
        let consequence = match self.kind {
            ProblemKind::Torn => {
                "it is left as it is; the next append moves it aside to a .torn file beside the \
                 journal"
                    .to_string()
            }
            ProblemKind::Damaged => format!(
                "the {} bytes from there on are not read, and the journal is read-only: nothing \
                 new can be recorded until it is repaired by hand",
                self.left_out
            ),
            ProblemKind::Pin => {
                "the journal is read-only: nothing new can be recorded in it".to_string()
            }
        };
        let at = self
            .byte_offset
            .map_or_else(String::new, |b| format!(" (byte {b})"));
        format!(
            "{}{at}: {}; {consequence}",
            self.summary_at(path),
            self.reason
        )
    }

    /// What a draft says about it: where, how much is left out, why.
    pub fn left_out_text(&self) -> String {
        let at = self
            .byte_offset
            .map_or_else(|| "an unknown byte".to_string(), |b| format!("byte {b}"));
        let what = if self.left_out == 0 {
            "nothing is left out, but the runbook shown may not be the one that ran".to_string()
        } else {
            format!(
                "the {} bytes from there to the end are left out",
                self.left_out
            )
        };
        format!(
            "line {} (starting at {at}): {what}: {}",
            self.line, self.reason
        )
    }

    fn summary_at(&self, path: &Path) -> String {
        format!("{}:{}", visible(&path.display().to_string()), self.line)
    }
}

/// Checks the pinned runbooks among `records` (the first of which is on line `first_line`):
/// `incident_opened` and every `runbook_adopted` must carry the sha256 of their source.
pub fn pin_problems(records: &[Record], first_line: usize) -> Vec<Problem> {
    records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let Event::Known(
                Known::IncidentOpened {
                    runbook_sha256,
                    runbook_source,
                    ..
                }
                | Known::RunbookAdopted {
                    runbook_sha256,
                    runbook_source,
                    ..
                },
            ) = &r.event
            else {
                return None;
            };
            if pin_holds(runbook_sha256, runbook_source) {
                return None;
            }
            let actual = crate::runbook::sha256_hex(runbook_source);
            (actual != *runbook_sha256).then(|| Problem {
                line: first_line + i,
                byte_offset: None,
                left_out: 0,
                kind: ProblemKind::Pin,
                reason: format!(
                    "record {} ({}) pins runbook_sha256 {} but its runbook_source has sha256 {}: \
                     the pinned runbook was changed after it was recorded",
                    r.seq,
                    r.event.kind(),
                    visible(short(runbook_sha256)),
                    short(&actual)
                ),
            })
        })
        .collect()
}

/// Whether `source` has the sha256 `pinned`. A team's journals pin few distinct sources, each
/// about 10 KB: a pin and source found to match are kept (a few dozen at most), and the same
/// pin with the same text again is answered by comparing the text (bytes equal to a text
/// whose hash was checked have that hash), not by hashing it once per journal.
fn pin_holds(pinned: &str, source: &str) -> bool {
    static CHECKED: crate::memo::Memo<(String, String), ()> = crate::memo::Memo::new();
    if CHECKED.find(|(p, s)| p == pinned && s == source).is_some() {
        return true;
    }
    let holds = crate::runbook::sha256_hex(source) == pinned;
    if holds {
        CHECKED.keep((pinned.to_string(), source.to_string()), ());
    }
    holds
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// Why a journal with no record at all cannot be read, and how to get rid of it.
pub fn never_written(
    path: &Path,
    len: u64,
    torn: Option<&TornTail>,
    damage: Option<&Damage>,
) -> String {
    let shown = visible(&path.display().to_string());
    let rm = format!("rm {}", visible(&shell_quote(&path.display().to_string())));
    let saved = saved_copies(path);
    match (damage, torn) {
        (Some(d), _) => format!(
            "{shown}:{}: line {} is not a record: {}; the file was left as it is. Look at it \
             (it may be another file's content), then repair it by hand or remove it with \
             {rm}{saved}",
            d.line,
            d.line,
            visible(&d.message)
        ),
        (None, Some(t)) => format!(
            "{shown}:1: line 1 is torn: {} bytes without a newline, so the opening record was \
             never completely written (nothing in it was ever acknowledged); remove it with \
             {rm}{saved}",
            t.bytes
        ),
        (None, None) => format!(
            "{shown}: the journal is empty ({len} bytes): it was never written; remove it with \
             {rm}{saved}"
        ),
    }
}

/// `; bytes saved earlier from torn lines are in X, Y`, or nothing.
pub fn saved_copies(path: &Path) -> String {
    let copies = crate::journal::torn_copies(path);
    if copies.is_empty() {
        return String::new();
    }
    let list: Vec<String> = copies
        .iter()
        .map(|p| visible(&p.display().to_string()))
        .collect();
    format!(
        "; bytes saved earlier from torn lines are in {}",
        list.join(", ")
    )
}

/// `s` as one shell word: as it is when it is plainly safe, else in single quotes.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("/a/b-c.jsonl"), "/a/b-c.jsonl");
        assert_eq!(shell_quote("/a b/x; touch y"), "'/a b/x; touch y'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn never_written_says_empty_torn_or_not_a_record() {
        let p = Path::new("/s/incidents/x.jsonl");
        let empty = never_written(p, 0, None, None);
        assert!(empty.contains("the journal is empty (0 bytes): it was never written"));
        assert!(empty.contains("rm /s/incidents/x.jsonl"), "{empty}");
        let torn = TornTail {
            line: 1,
            byte_offset: 0,
            bytes: 9,
            reason: "no newline".into(),
        };
        assert!(never_written(p, 9, Some(&torn), None).contains("line 1 is torn: 9 bytes"));
        let d = Damage {
            line: 1,
            byte_offset: 0,
            rest: 5,
            message: "not a JSON object".into(),
        };
        let text = never_written(p, 5, None, Some(&d));
        assert!(text.starts_with("/s/incidents/x.jsonl:1: line 1 is not a record: not a JSON"));
    }
}
