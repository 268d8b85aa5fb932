//! `Author`: the person acting, as records name them. Only a usable name can be built: not
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

#[cfg(test)]
mod tests {
    use super::*;

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
