//! Incident ids as types that can only hold valid ones, built once at the boundary (command-line
//! arguments, the app's messages, file names in the incidents directory), so that every path is
//! formed from a checked id and `../../x/victim` never reaches the file system.
//!
//! The grammar is that of the ids this tool makes (`YYYYMMDD-HHMM-<runbook-id>[-N]`): lowercase
//! ASCII letters, digits and `-`, starting with a letter or digit, at most [`MAX_LEN`] bytes.
//! No `/`, no `.`, no NUL, nothing a shell or a terminal treats specially.
//!
//! Owns: `IncidentId`, `IncidentRef` (an id or a unique prefix of one, as a user types it) and
//! the error naming a bad value. Pure: must never do IO. Must never: echo a bad value unsanitised.

use std::ffi::OsStr;
use std::fmt;

/// The longest id accepted, in bytes (the longest this tool makes is about 85).
pub const MAX_LEN: usize = 100;

/// A valid incident id: safe to join to the state directory as a file name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IncidentId(String);

/// What the user typed to name an incident: a whole id or a prefix of one, checked against the
/// same grammar as ids (see `Store::resolve`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentRef(String);

/// A value that is not an incident id (or prefix), with what is wrong and how to find one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadId {
    /// The value as given, shown sanitised and shortened.
    value: String,
    problem: String,
}

impl IncidentId {
    /// Checks `s` against the grammar.
    pub fn parse(s: &str) -> Result<IncidentId, BadId> {
        check(s).map(|()| IncidentId(s.to_string()))
    }

    /// `parse` for an argument that may not even be UTF-8.
    pub fn parse_os(s: &OsStr) -> Result<IncidentId, BadId> {
        IncidentId::parse(utf8(s)?)
    }

    /// The id of the journal named `name` (`<id>.jsonl`); `None` for any other name (temporary
    /// files, `.torn` copies, strays).
    pub fn from_file_name(name: &OsStr) -> Option<IncidentId> {
        let stem = name.to_str()?.strip_suffix(".jsonl")?;
        IncidentId::parse(stem).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The journal's file name: `<id>.jsonl`.
    pub fn file_name(&self) -> String {
        format!("{}.jsonl", self.0)
    }
}

impl IncidentRef {
    /// Checks `s` against the grammar (a prefix of a valid id is itself valid).
    pub fn parse(s: &str) -> Result<IncidentRef, BadId> {
        check(s).map(|()| IncidentRef(s.to_string()))
    }

    /// `parse` for an argument that may not even be UTF-8.
    pub fn parse_os(s: &OsStr) -> Result<IncidentRef, BadId> {
        IncidentRef::parse(utf8(s)?)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `id` is the id named or starts with it.
    pub fn matches(&self, id: &IncidentId) -> bool {
        id.0.starts_with(&self.0)
    }
}

impl From<IncidentId> for IncidentRef {
    fn from(id: IncidentId) -> IncidentRef {
        IncidentRef(id.0)
    }
}

impl std::str::FromStr for IncidentId {
    type Err = BadId;
    fn from_str(s: &str) -> Result<Self, BadId> {
        IncidentId::parse(s)
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for IncidentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for BadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\" is not an incident id: {}. Ids are lowercase letters, digits and '-' (like \
             20260530-2212-etcd-quorum-loss, or a unique start of one); `runbook incidents \
             --all` lists them",
            self.value, self.problem
        )
    }
}

impl std::error::Error for BadId {}

fn utf8(s: &OsStr) -> Result<&str, BadId> {
    s.to_str()
        .ok_or_else(|| bad(&s.to_string_lossy(), "it is not valid UTF-8".to_string()))
}

fn check(s: &str) -> Result<(), BadId> {
    if s.is_empty() {
        return Err(bad(s, "it is empty".to_string()));
    }
    if s.len() > MAX_LEN {
        return Err(bad(
            s,
            format!("it is {} bytes long, more than {MAX_LEN}", s.len()),
        ));
    }
    if let Some((at, c)) = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        let what = match c {
            '/' => "a '/' (ids are never paths)".to_string(),
            '.' => "a '.' (ids are never paths)".to_string(),
            c if c.is_ascii_uppercase() => format!("an uppercase '{c}' (ids are lowercase)"),
            c => format!(
                "the character {}",
                crate::runbook::sanitize::visible(&format!("'{c}'"))
            ),
        };
        return Err(bad(s, format!("it has {what} at byte {}", at + 1)));
    }
    if s.starts_with('-') {
        return Err(bad(s, "it starts with '-'".to_string()));
    }
    Ok(())
}

fn bad(value: &str, problem: String) -> BadId {
    const SHOWN: usize = 60;
    let mut shown: String = value.chars().take(SHOWN).collect();
    if value.chars().count() > SHOWN {
        shown.push('…');
    }
    BadId {
        value: crate::runbook::sanitize::visible(&shown),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn ids_this_tool_makes_are_valid() {
        for ok in [
            "20260530-2212-etcd-quorum-loss",
            "20260530-2212-etcd-2",
            "2026",
            "a",
        ] {
            assert_eq!(IncidentId::parse(ok).unwrap().as_str(), ok);
        }
        let longest = format!("20260530-2212-{}-999", "a".repeat(64));
        assert!(IncidentId::parse(&longest).is_ok());
    }

    #[test]
    fn paths_and_strange_values_are_refused_with_their_reason() {
        let long = "a".repeat(10_000);
        let cases: &[(&str, &str)] = &[
            ("../../x/victim", "'.'"),
            ("/etc/passwd", "'/'"),
            (".", "'.'"),
            ("..", "'.'"),
            ("", "empty"),
            ("a\0b", "\\u{0}"),
            ("a\u{1b}[31mb", "\\u{1b}"),
            ("Inc", "uppercase 'I'"),
            ("-rf", "starts with '-'"),
            ("a b", "' '"),
            (&long, "10000 bytes long"),
            ("x; touch y", "';'"),
        ];
        for (value, needle) in cases {
            let err = IncidentId::parse(value).unwrap_err().to_string();
            assert!(err.contains(needle), "{value:?}: {err}");
            assert!(!err.contains('\u{1b}') && !err.contains('\0'), "{err:?}");
            assert!(err.chars().count() < 400, "{err}");
            assert!(IncidentRef::parse(value).is_err(), "{value:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_refused() {
        let err = IncidentRef::parse_os(OsStr::from_bytes(b"20260530-\xff")).unwrap_err();
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    }

    #[test]
    fn file_names_give_ids_only_for_journals() {
        let id = |n: &str| IncidentId::from_file_name(OsStr::new(n));
        assert_eq!(id("2026-a.jsonl").unwrap().as_str(), "2026-a");
        for not in [
            "2026-a.jsonl.torn",
            ".2026-a.jsonl.1.0.tmp",
            "2026-a.json",
            "A.jsonl",
            ".jsonl",
        ] {
            assert_eq!(id(not), None, "{not}");
        }
    }

    #[test]
    fn a_ref_matches_ids_it_starts() {
        let r = IncidentRef::parse("20260530-2212").unwrap();
        assert!(r.matches(&IncidentId::parse("20260530-2212-etcd").unwrap()));
        assert!(!r.matches(&IncidentId::parse("20260530-2213-etcd").unwrap()));
    }
}
