//! Refusals before parsing: files too big, not UTF-8, or nested absurdly deep are rejected with
//! a clear message and a position, so the TOML parser never sees input that could exhaust
//! memory or the stack.

use super::diag::Diagnostic;

/// Runbooks are hand-written; anything bigger is a mistake (or an attack).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Brackets, braces and dotted-key segments deeper than this are refused.
pub const MAX_DEPTH: usize = 32;

/// Checks raw bytes; on success returns them as text.
pub fn check(bytes: &[u8]) -> Result<&str, Diagnostic> {
    if bytes.len() > MAX_BYTES {
        return Err(Diagnostic::error(
            0..0,
            format!(
                "file is {} bytes; runbooks are limited to {} bytes (1 MiB)",
                bytes.len(),
                MAX_BYTES
            ),
        )
        .with_help("split it into several runbooks, or check that this is the file you meant"));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            return Err(Diagnostic::error(
                at..at,
                format!(
                    "file is not valid UTF-8 (bad byte 0x{:02x} at offset {at})",
                    bytes[at]
                ),
            )
            .with_help("save the file as UTF-8; binary files are not runbooks"));
        }
    };
    if let Some(at) = text.find('\0') {
        return Err(Diagnostic::error(
            at..at + 1,
            "file contains a NUL byte: this is not a text file",
        ));
    }
    depth_check(text)?;
    Ok(text)
}

/// A small lexer that tracks nesting outside strings and comments: `[`/`{` nesting and the
/// number of dots in a key. Over-approximates (that is safe: a refusal, never a crash).
/// Comments and strings are skipped with `memchr`: they are most of a runbook's bytes.
fn depth_check(text: &str) -> Result<(), Diagnostic> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut dots = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                continue;
            }
            b'"' | b'\'' => {
                i = skip_string(b, i);
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(i));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'.' => {
                dots += 1;
                if dots > MAX_DEPTH {
                    return Err(too_deep(i));
                }
            }
            b'\n' | b'=' | b',' => dots = 0,
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Returns the index just past the string starting at `i` (basic, literal, or multi-line).
/// An unterminated one-line string ends at its newline; anything unterminated at the end.
fn skip_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let triple = b.len() >= i + 3 && b[i + 1] == q && b[i + 2] == q;
    let mut j = if triple { i + 3 } else { i + 1 };
    loop {
        let rest = b.get(j..).unwrap_or_default();
        // The next byte that can end the string or escape: the quote, a backslash in a basic
        // string, a newline in a one-line string.
        let next = match (q == b'"', triple) {
            (true, true) => memchr::memchr2(q, b'\\', rest),
            (true, false) => memchr::memchr3(q, b'\\', b'\n', rest),
            (false, true) => memchr::memchr(q, rest),
            (false, false) => memchr::memchr2(q, b'\n', rest),
        };
        let Some(n) = next else {
            return b.len().max(j);
        };
        j += n;
        match b[j] {
            b'\\' => j += 2,
            b'\n' => return j,
            _ if !triple => return j + 1,
            _ if b.len() >= j + 3 && b[j + 1] == q && b[j + 2] == q => return j + 3,
            _ => j += 1,
        }
    }
}

fn too_deep(at: usize) -> Diagnostic {
    Diagnostic::error(
        at..at + 1,
        format!("nested more than {MAX_DEPTH} levels deep"),
    )
    .with_help("runbooks need at most a few levels of nesting; this file is not a runbook")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The byte-at-a-time version this replaced, kept as the reference.
    /// A small lexer that tracks nesting outside strings and comments: `[`/`{` nesting and the
    /// number of dots in a key. Over-approximates (that is safe: a refusal, never a crash).
    fn depth_check_reference(text: &str) -> Result<(), Diagnostic> {
        let b = text.as_bytes();
        let mut depth = 0usize;
        let mut dots = 0usize;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'#' => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'"' | b'\'' => {
                    i = skip_string_reference(b, i);
                    continue;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(too_deep(i));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'.' => {
                    dots += 1;
                    if dots > MAX_DEPTH {
                        return Err(too_deep(i));
                    }
                }
                b'\n' | b'=' | b',' => dots = 0,
                _ => {}
            }
            i += 1;
        }
        Ok(())
    }

    /// Returns the index just past the string starting at `i` (basic, literal, or multi-line).
    fn skip_string_reference(b: &[u8], i: usize) -> usize {
        let q = b[i];
        let triple = b.len() >= i + 3 && b[i + 1] == q && b[i + 2] == q;
        let mut j = if triple { i + 3 } else { i + 1 };
        while j < b.len() {
            if q == b'"' && b[j] == b'\\' {
                j += 2;
                continue;
            }
            if b[j] == q {
                if !triple {
                    return j + 1;
                }
                if b.len() >= j + 3 && b[j + 1] == q && b[j + 2] == q {
                    return j + 3;
                }
            } else if b[j] == b'\n' && !triple {
                return j;
            }
            j += 1;
        }
        j
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_fast_lexer_agrees_with_the_byte_at_a_time_one(
            s in r#"[\[\]{}.#"'\\\na= ,é]{0,60}"#,
        ) {
            prop_assert_eq!(
                depth_check(&s).err().map(|d| d.span),
                depth_check_reference(&s).err().map(|d| d.span)
            );
            let b = s.as_bytes();
            for i in 0..b.len() {
                if b[i] == b'"' || b[i] == b'\'' {
                    prop_assert_eq!(skip_string(b, i), skip_string_reference(b, i), "at {}", i);
                }
            }
        }
    }

    #[test]
    fn refuses_deep_nesting_without_recursing() {
        let deep = format!("a = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = check(deep.as_bytes()).unwrap_err();
        assert!(err.message.contains("nested more than 32"));
        let dotted = format!("{} = 1", vec!["a"; 10_000].join("."));
        assert!(check(dotted.as_bytes()).is_err());
    }

    #[test]
    fn strings_and_comments_do_not_count() {
        let t = format!(
            "a = \"{}\" # {}\nb = '''{}'''\n",
            "[".repeat(100),
            "{".repeat(100),
            ".".repeat(100)
        );
        assert!(check(t.as_bytes()).is_ok());
    }

    #[test]
    fn refuses_binary_and_huge_input() {
        assert!(
            check(&[0xff, 0xfe, 0x00])
                .unwrap_err()
                .message
                .contains("UTF-8")
        );
        assert!(check(b"a = 1\0").unwrap_err().message.contains("NUL"));
        assert!(
            check(&vec![b' '; MAX_BYTES + 1])
                .unwrap_err()
                .message
                .contains("1 MiB")
        );
    }
}
