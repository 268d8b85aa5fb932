//! A runbook's top-level fields (id, title, incident type, severity, summary, tags, alerts,
//! owners) read from the text before its first table header, without parsing its steps.
//!
//! The header is about a tenth of a runbook's text, so a library of a thousand can be listed
//! on the first frame; each file is fully checked right after, and only a fully checked
//! runbook can be started. The fields are checked exactly as `parse` checks them, so when the
//! whole file is good, its header is the same as the full parse's top-level fields.

use super::precheck;
use super::walk::Walk;
use crate::domain::{Runbook, Severity};
use toml::de::DeTable;

/// The top-level fields, as a `Runbook` with no links, variables or steps; `None` when they
/// cannot be read this way (a header that does not check, or one cut inside a multi-line
/// value): the full check then decides.
pub fn header(text: &str) -> Option<Runbook> {
    header_of_bytes(text.as_bytes())
}

/// `header` of a file's raw bytes: only the header is prechecked and parsed (the rest need
/// not even be text; the full check says what is wrong with it).
pub fn header_of_bytes(bytes: &[u8]) -> Option<Runbook> {
    if bytes.len() > precheck::MAX_BYTES {
        return None;
    }
    let head = precheck::check(&bytes[..root_end(bytes)]).ok()?;
    fields_of(head)
}

fn fields_of(head: &str) -> Option<Runbook> {
    let doc = DeTable::parse(head).ok()?;
    let mut w = Walk::default();
    let top = w.root(doc.get_ref());
    if top.has("schema_version") && !matches!(w.int(&top, "schema_version"), Some((1, _))) {
        return None;
    }
    let id = w.id(&top, "id", true)?.0;
    let title = w.req_str(&top, "title")?.0;
    let incident_type = w.id(&top, "incident_type", true)?.0;
    let severity = w.parsed::<Severity>(&top, "severity")?.0;
    let summary = w.str(&top, "summary").map(|s| s.0);
    let about = w.str(&top, "about").map(|s| s.0);
    let list = |w: &mut Walk, name| -> Vec<String> {
        w.str_list(&top, name).into_iter().map(|s| s.0).collect()
    };
    let tags = list(&mut w, "tags");
    let alerts = list(&mut w, "alerts");
    let owners = list(&mut w, "owners");
    if w.has_errors() {
        return None;
    }
    Some(Runbook {
        schema_version: 1,
        id,
        title,
        incident_type,
        severity,
        summary,
        about,
        tags,
        alerts,
        owners,
        links: Vec::new(),
        vars: Vec::new(),
        steps: Vec::new(),
        env: Vec::new(),
        alert_severity: Vec::new(),
    })
}

/// Where the root table ends: the start of the first line that opens a table (a `[` after
/// optional blanks). A line like that inside a multi-line string or array cuts the value
/// short, and the cut text then fails to parse: it is never read as something else.
fn root_end(bytes: &[u8]) -> usize {
    let opens_table = |start: usize| {
        let rest = &bytes[start..];
        rest.iter().find(|b| !matches!(b, b' ' | b'\t')) == Some(&b'[')
    };
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', bytes).map(|n| n + 1))
        .find(|&s| opens_table(s))
        .unwrap_or(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_table_ends_at_the_first_table_header() {
        let end = |s: &str| root_end(s.as_bytes());
        assert_eq!(end("a = 1\n\n  [[steps]]\nid = 2\n"), 7);
        assert_eq!(end("[x]\n"), 0);
        assert_eq!(end("a = 1\nb = 2"), 11);
        assert_eq!(end("a = 1\nb = 2\n"), 12);
        assert_eq!(end("a = [\n  1,\n]\n# [not a table]\n[t]\n"), 29);
        assert_eq!(end("a = 1\n\t[t]"), 6);
    }
}
