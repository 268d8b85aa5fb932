//! Runbooks from text to validated `domain::Runbook`: refuse hostile input, parse TOML with
//! positions, check every field and every whole-runbook rule, and report all problems at once.
//! Also where runbooks come from (the search path and the bundled library), the JSON Schema,
//! the starter template and the readable rendering.
//!
//! Nothing here panics on bad input: every problem becomes a `Diagnostic`.

pub mod alert;
pub mod check;
pub mod command_vars;
pub mod diag;
pub mod fields;
pub mod files;
pub mod header;
pub mod import;
pub mod library;
pub mod markdown;
pub mod parse;
pub mod patterns;
pub mod precheck;
pub mod render;
pub mod sanitize;
pub mod schema;
pub mod slips;
pub mod starter;
pub mod tables;
pub use crate::domain::suggest;
pub mod vars;
pub mod walk;
pub mod watch;

use crate::domain::Runbook;
use diag::Diagnostic;
use sha2::{Digest, Sha256};

/// The outcome of checking one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as the user should see it (or `bundled:NAME`).
    pub path: String,
    /// The text, when it could be read as text (for rendering source lines).
    pub text: String,
    pub diags: Vec<Diagnostic>,
    pub runbook: Option<Runbook>,
    /// The runbook's id when it loaded (kept when the runbook itself is not), for cross-file
    /// checks.
    pub id: Option<String>,
    /// Where the runbook's `id` value is, for cross-file messages.
    pub id_span: Option<std::ops::Range<usize>>,
}

impl FileReport {
    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diags.len() - self.errors()
    }

    /// Every diagnostic, rendered with its location and source line. When there are more than
    /// `diag::MAX_SHOWN`, errors come before warnings and the rest are counted.
    pub fn render(&self) -> String {
        if self.diags.is_empty() {
            return String::new();
        }
        let index = diag::LineIndex::new(&self.text);
        let mut shown: Vec<&Diagnostic> = self.diags.iter().collect();
        if shown.len() > diag::MAX_SHOWN {
            shown.sort_by_key(|d| !d.is_error());
            shown.truncate(diag::MAX_SHOWN);
        }
        // The path comes from the file system: shown, never obeyed.
        let path = sanitize::visible(&self.path);
        let mut out: String = shown
            .iter()
            .map(|d| index.render(&path, &self.text, d))
            .collect();
        if self.diags.len() > diag::MAX_SHOWN {
            out.push_str(&format!(
                "{path}: ... and {} more problems not shown (fix the ones above first)\n",
                self.diags.len() - diag::MAX_SHOWN
            ));
        }
        out
    }
}

/// Checks one runbook's bytes. Pure: no file system access.
pub fn check_bytes(path: &str, bytes: &[u8]) -> FileReport {
    let text = match precheck::check(bytes) {
        Ok(t) => t,
        Err(d) => {
            // Keep the text, when it is small enough, to show the source line: lossily decoded,
            // which leaves every offset before the first bad byte unchanged.
            let text = if bytes.len() <= precheck::MAX_BYTES {
                String::from_utf8_lossy(bytes).into_owned()
            } else {
                String::new()
            };
            return FileReport {
                path: path.to_string(),
                text,
                diags: vec![d],
                runbook: None,
                id: None,
                id_span: None,
            };
        }
    };
    let (parsed, mut diags, id_span) = parse::parse(text);
    diags.sort_by_key(|d| (d.span.start, d.level));
    FileReport {
        path: path.to_string(),
        text: text.to_string(),
        diags,
        id: parsed.as_ref().map(|r| r.id.clone()),
        runbook: parsed,
        id_span,
    }
}

/// Parses runbook source that is already known to be good (e.g. pinned in a journal).
pub fn parse_source(text: &str) -> Result<Runbook, String> {
    let report = check_bytes("runbook", text.as_bytes());
    match report.runbook {
        Some(r) => Ok(r),
        None => Err(report.render()),
    }
}

/// Lowercase hex sha256 of runbook source, as recorded in journals.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Lowercase hex of `bytes` (a digest), two digits a byte. A table, not `format!` per byte:
/// the stats cache keys 3,000 journals a run.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod hex_tests {
    #[test]
    fn sha256_hex_is_the_standard_lowercase_digest() {
        // FIPS 180-2 test vectors: "" and "abc".
        assert_eq!(
            super::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            super::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }
}
