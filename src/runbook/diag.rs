//! Diagnostics: what is wrong with a runbook file, where, and how to fix it. Rendered like rustc:
//! `path:line:col: error: message`, the source line, a caret under the offending text.

use std::fmt::Write as _;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

/// One problem found in one file. `span` is a byte range into the file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub span: Range<usize>,
    pub message: String,
    /// How to fix it, when the message alone does not say.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Warning,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// 1-based line and column (in characters) of byte offset `at` in `text`. Offsets past the end
/// or inside a character are clamped to the nearest earlier boundary.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(text, at)
}

/// At most this many diagnostics are printed per file.
pub const MAX_SHOWN: usize = 200;

/// Where each line starts, computed once per file so rendering many diagnostics is linear.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte offset `at`.
    pub fn line_col(&self, text: &str, at: usize) -> (usize, usize) {
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= at);
        let start = self.starts[line - 1];
        (line, text[start..at].chars().count() + 1)
    }

    fn line<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line - 1)?;
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        text.get(start..end.max(start))
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }

    pub fn render(&self, path: &str, text: &str, d: &Diagnostic) -> String {
        let (line, col) = self.line_col(text, d.span.start);
        render_at(path, text, d, line, col, self.line(text, line))
    }
}

/// Renders one diagnostic with its location, the source line and a caret.
pub fn render(path: &str, text: &str, d: &Diagnostic) -> String {
    LineIndex::new(text).render(path, text, d)
}

fn render_at(
    path: &str,
    text: &str,
    d: &Diagnostic,
    line: usize,
    col: usize,
    src: Option<&str>,
) -> String {
    let level = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    // The path comes from the file system and the message may quote the file: both shown,
    // never obeyed (`visible` leaves text it already made visible as it is).
    let path = super::sanitize::visible(path);
    let message = super::sanitize::visible_lines(&d.message);
    let mut out = format!("{path}:{line}:{col}: {level}: {message}\n");
    if let Some(src) = src.filter(|l| !l.is_empty() || d.span.start < text.len()) {
        let src = super::sanitize::visible(src);
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        let src_chars = src.chars().count();
        let start = col.saturating_sub(1).min(src_chars);
        // Caret width: the span's length on this line, in characters, at least one.
        let span_text = text.get(d.span.clone()).unwrap_or("");
        let width = span_text
            .lines()
            .next()
            .map_or(1, |l| l.chars().count())
            .max(1);
        let width = width.min(src_chars.saturating_sub(start).max(1));
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{gutter} | {src}");
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(start), "^".repeat(width));
        if let Some(help) = &d.help {
            let _ = writeln!(
                out,
                "{pad} = help: {}",
                super::sanitize::visible_lines(help)
            );
        }
    } else if let Some(help) = &d.help {
        let _ = writeln!(out, "  = help: {}", super::sanitize::visible_lines(help));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let t = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        // byte 10 is after "bé " (é is two bytes): column 4
        assert_eq!(line_col(t, 10), (2, 4));
        assert_eq!(line_col(t, 8), (2, 2)); // inside é: clamped to its start
        assert_eq!(line_col(t, 10_000), (3, 1));
    }

    #[test]
    fn render_points_a_caret_at_the_span() {
        let t = "id = \"x\"\nseverity = \"critical\"\n";
        let d = Diagnostic::error(20..30, "unknown severity").with_help("use sev1");
        let out = render("f.toml", t, &d);
        assert_eq!(
            out,
            "f.toml:2:12: error: unknown severity\n  |\n2 | severity = \"critical\"\n  |            ^^^^^^^^^^\n  = help: use sev1\n"
        );
    }
}
