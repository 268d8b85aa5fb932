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
fn depth_check(text: &str) -> Result<(), Diagnostic> {
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
fn skip_string(b: &[u8], i: usize) -> usize {
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
