//! The names records give people and their roles. `Author`: the person acting, as records
//! name them (and the person a role is given to). Only a usable name can be built: not
//! empty, no leading or trailing space, at most 64 characters, nothing invisible or a control
//! character (a name is shown in every timeline and export, and a sign-off's second person is
//! told apart by it). Built once where the acting person is decided (`--as`, `$RUNBOOK_USER`,
//! `$USER`, the login name); everything after holds an `Author`, never a bare string.

use std::fmt;

/// The most characters a name may have.
pub const MAX_CHARS: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Author(String);

impl Author {
    /// `text` trimmed, when it is a usable name; else what is wrong with it.
    pub fn parse(text: &str) -> Result<Author, String> {
        let name = text.trim();
        if name.is_empty() {
            return Err("a name cannot be empty".into());
        }
        if name.chars().count() > MAX_CHARS {
            return Err(format!("a name is at most {MAX_CHARS} characters"));
        }
        if crate::runbook::sanitize::has_hazard(name) || name.contains(['\n', '\t']) {
            return Err(format!(
                "the name {:?} holds control or invisible characters",
                crate::runbook::sanitize::visible(name)
            ));
        }
        Ok(Author(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Author {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Author {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Author {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for Author {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<Author> for String {
    fn eq(&self, other: &Author) -> bool {
        *self == other.0
    }
}

/// A role in the incident (`ic`, `ops`, `comms`, `scribe`, or a team's own): one short
/// word of letters, digits, `-` or `_`, at most 32 characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Role(String);

impl Role {
    pub fn parse(text: &str) -> Result<Role, String> {
        let name = text.trim();
        let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        if name.is_empty() || name.chars().count() > 32 || !name.chars().all(word) {
            return Err(format!(
                "the role {:?} is not one short word: a role is letters, digits, - or _ (at most 32), such as ic, ops, comms, scribe",
                crate::runbook::sanitize::visible(name)
            ));
        }
        Ok(Role(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_is_one_short_word() {
        for good in ["ic", "ops", "db-owner", "comms_lead", "Ärztin"] {
            assert_eq!(Role::parse(good).unwrap().as_str(), good);
        }
        for bad in ["", "incident commander", "ic\u{1b}", "a;b", &"r".repeat(33)] {
            assert!(Role::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_usable_names_are_authors() {
        assert_eq!(Author::parse("  ana ").unwrap().as_str(), "ana");
        assert_eq!(Author::parse("Ana María").unwrap().as_str(), "Ana María");
        for bad in ["", "   ", "a\u{1b}[31mb", "a\nb", "a\u{202e}b", "a\tb"] {
            assert!(Author::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Author::parse(&"x".repeat(MAX_CHARS)).is_ok());
        assert!(Author::parse(&"x".repeat(MAX_CHARS + 1)).is_err());
    }
}
