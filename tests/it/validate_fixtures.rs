//! `runbook validate` against invalid runbooks: one fixture per defect in
//! `tests/fixtures/invalid/`, each stating what it must produce in its header comments:
//!
//! ```text
//! # expect: 12:9: error: choice 2 jumps to "netwrk", which is not a step id
//! # allow-other-warnings
//! ```
//!
//! `line:col: level: substring-of-message`, 1-based, the column in characters. A fixture must
//! produce every expected diagnostic at exactly that place, and no other error; warnings it does
//! not list are allowed only with `# allow-other-warnings`. All fixtures are checked and every
//! mismatch reported at once.
//!
//! Hostile inputs that are better generated than committed (huge, binary, absurdly nested, very
//! long) are built in a tempdir here; the real binary is run for exit codes and rendering.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use runbook::runbook::diag::{Level, line_col};
use runbook::runbook::library::check_paths;
use runbook::runbook::precheck::MAX_BYTES;
use runbook::runbook::{FileReport, check_bytes};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output};

const FIXTURE_DIR: &str = "tests/fixtures/invalid";

/// One fixture per defect: the directory must hold at least these (more are welcome).
const REQUIRED: &[&str] = &[
    "toml-syntax-error",
    "toml-duplicate-key",
    "unknown-top-level-field",
    "unknown-step-field",
    "missing-title",
    "missing-step-kind",
    "wrong-type-title",
    "wrong-type-tags",
    "bad-schema-version",
    "missing-schema-version",
    "duplicate-step-ids",
    "next-target-unknown",
    "choice-target-unknown",
    "decision-one-choice",
    "loop-without-exit",
    "unreachable-step",
    "undeclared-variable",
    "bad-duration",
    "bad-pattern-regex",
    "default-not-matching-pattern",
    "unknown-kind",
    "unknown-milestone",
    "unknown-severity",
    "field-wrong-kind",
    "command-step-without-command",
    "next-on-decision",
    "next-and-end",
    "bad-id-characters",
    "empty-steps",
    "wait-without-duration",
    "comms-without-template",
    "link-without-url",
    "unused-variable",
    "missing-summary",
    "target-over-4h",
];

/// A small valid runbook: the starting point of most fixtures, before their one defect.
const VALID: &str = r#"schema_version = 1
id = "postgres-disk-full"
title = "Postgres data volume almost full on {{host}}"
incident_type = "storage"
severity = "sev2"
summary = "Use when a Postgres host's data volume is above 90% and still growing."
tags = ["postgres", "disk", "wal"]
owners = ["team-db"]

[vars.host]
prompt = "Which database host is affected?"
default = "db-01"
pattern = "^[a-z0-9.-]+$"

[[steps]]
id = "declare"
title = "Declare the incident and name an incident commander"
kind = "action"
role = "ic"
target = "5m"
milestone = "acknowledged"

[[steps]]
id = "check-usage"
title = "Check disk usage on {{host}}"
kind = "command"
command = "ssh {{host}} df -h /var/lib/postgresql"
expect = "Use% below 90"

[[steps]]
id = "still-full"
title = "Is the volume still above 90%?"
kind = "decision"
choices = [
  { label = "Yes: free some space", next = "free-space" },
  { label = "No: post the all-clear", next = "all-clear" },
]

[[steps]]
id = "free-space"
title = "Remove archived WAL segments older than the last base backup"
kind = "action"
requires_signoff = true
milestone = "mitigated"
next = "check-usage"

[[steps]]
id = "all-clear"
title = "Post the all-clear"
kind = "comms"
template = "Disk usage on {{host}} is back below 90%."
milestone = "resolved"
end = true
"#;

// ---------------------------------------------------------------------------------------------
// Fixture headers and checking one fixture
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Expect {
    line: usize,
    col: usize,
    level: Level,
    text: String,
}

#[derive(Debug, Default)]
struct Header {
    expects: Vec<Expect>,
    allow_other_warnings: bool,
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// Parses `line:col: level: text`.
fn parse_expect(s: &str) -> Result<Expect, String> {
    let mut parts = s.splitn(4, ':');
    let (Some(line), Some(col), Some(level), Some(text)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("`{s}` is not `line:col: level: message`"));
    };
    let num = |v: &str, what: &str| -> Result<usize, String> {
        match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("`{s}`: {what} `{v}` is not a number from 1")),
        }
    };
    let level = match level.trim() {
        "error" => Level::Error,
        "warning" => Level::Warning,
        other => return Err(format!("`{s}`: level `{other}` is not error or warning")),
    };
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(format!("`{s}`: no message text"));
    }
    Ok(Expect {
        line: num(line, "line")?,
        col: num(col, "column")?,
        level,
        text,
    })
}

/// Reads the header: the comment and blank lines before the first TOML line. Expectations
/// anywhere else would be silently ignored, so they are refused.
fn parse_header(text: &str) -> Result<Header, Vec<String>> {
    let mut h = Header::default();
    let mut problems = Vec::new();
    let mut in_header = true;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if in_header && !line.is_empty() && !line.starts_with('#') {
            in_header = false;
        }
        let directive = line.starts_with("# expect") || line == "# allow-other-warnings";
        if !in_header {
            if directive {
                problems.push(format!(
                    "line {}: `{line}` is after the header and would be ignored",
                    i + 1
                ));
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("# expect:") {
            match parse_expect(rest) {
                Ok(e) => h.expects.push(e),
                Err(e) => problems.push(format!("line {}: {e}", i + 1)),
            }
        } else if line == "# allow-other-warnings" {
            h.allow_other_warnings = true;
        } else if line.starts_with("# expect") || line.starts_with("#expect") {
            problems.push(format!("line {}: malformed directive `{line}`", i + 1));
        }
    }
    if h.expects.is_empty() {
        problems.push("no `# expect:` line: an invalid fixture must expect something".into());
    }
    if problems.is_empty() {
        Ok(h)
    } else {
        Err(problems)
    }
}

/// What a diagnostic looks like in an expectation, for mismatch messages.
fn describe(report: &FileReport) -> String {
    if report.diags.is_empty() {
        return "    (no diagnostics)\n".into();
    }
    let mut out = String::new();
    for d in &report.diags {
        let (l, c) = line_col(&report.text, d.span.start);
        let _ = writeln!(out, "    {l}:{c}: {}: {}", level_name(d.level), d.message);
    }
    out
}

/// Every way `text` (a fixture named `name`) fails its own header, as messages.
fn check_fixture(name: &str, text: &str) -> Vec<String> {
    let header = match parse_header(text) {
        Ok(h) => h,
        Err(problems) => return problems,
    };
    let report = check_bytes(name, text.as_bytes());
    // Rendering must work for every diagnostic (it is what users see).
    let rendered = report.render();
    let mut problems = Vec::new();
    let placed: Vec<(usize, usize)> = report
        .diags
        .iter()
        .map(|d| line_col(&report.text, d.span.start))
        .collect();
    for (d, (l, c)) in report.diags.iter().zip(&placed) {
        if d.span.start > d.span.end || d.span.end > report.text.len() {
            problems.push(format!(
                "span {:?} of `{}` is outside the file",
                d.span, d.message
            ));
        }
        let head = format!("{name}:{l}:{c}: {}: {}", level_name(d.level), d.message);
        if !rendered.contains(&head) {
            problems.push(format!("render() lacks `{head}`"));
        }
    }
    let mut used = vec![false; report.diags.len()];
    for e in &header.expects {
        let hit = report.diags.iter().enumerate().position(|(i, d)| {
            !used[i]
                && placed[i] == (e.line, e.col)
                && d.level == e.level
                && d.message.contains(&e.text)
        });
        match hit {
            Some(i) => used[i] = true,
            None => problems.push(format!(
                "expected {}:{}: {}: {}",
                e.line,
                e.col,
                level_name(e.level),
                e.text
            )),
        }
    }
    for (i, d) in report.diags.iter().enumerate() {
        let allowed = d.level == Level::Warning && header.allow_other_warnings;
        if !used[i] && !allowed {
            let (l, c) = placed[i];
            problems.push(format!(
                "unexpected {l}:{c}: {}: {}",
                level_name(d.level),
                d.message
            ));
        }
    }
    // A file with errors yields no runbook; one with only warnings still loads.
    let expects_error = header.expects.iter().any(|e| e.level == Level::Error);
    if expects_error && report.runbook.is_some() {
        problems.push("has errors but a runbook was returned".into());
    }
    if !expects_error && report.runbook.is_none() {
        problems.push("has only warnings but no runbook was returned".into());
    }
    if !problems.is_empty() {
        problems.push(format!("  what it produced:\n{}", describe(&report)));
    }
    problems
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixtures, sorted by name: (file stem, text).
fn fixtures() -> Vec<(String, String)> {
    let dir = manifest_dir().join(FIXTURE_DIR);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            (stem, text)
        })
        .collect();
    out.sort();
    out
}

fn fixture_header(name: &str) -> Header {
    let path = manifest_dir()
        .join(FIXTURE_DIR)
        .join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    parse_header(&text).unwrap_or_else(|p| panic!("{name}: bad header: {p:?}"))
}

#[test]
fn every_invalid_fixture_reports_exactly_its_expected_diagnostics() {
    let all = fixtures();
    let mut failures = String::new();
    if all.len() < REQUIRED.len() {
        let _ = writeln!(
            failures,
            "{FIXTURE_DIR} has {} fixtures, expected at least {}",
            all.len(),
            REQUIRED.len()
        );
    }
    for want in REQUIRED {
        if !all.iter().any(|(name, _)| name == want) {
            let _ = writeln!(failures, "missing fixture {FIXTURE_DIR}/{want}.toml");
        }
    }
    for (name, text) in &all {
        let problems = check_fixture(&format!("{name}.toml"), text);
        if !problems.is_empty() {
            let _ = writeln!(failures, "{FIXTURE_DIR}/{name}.toml:");
            for p in problems {
                let _ = writeln!(failures, "  {p}");
            }
        }
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{failures}");
}

#[test]
fn the_fixture_checker_catches_wrong_expectations() {
    // Two header lines, then the runbook: its line 5 (severity) is the file's line 7.
    let bad = VALID.replace("severity = \"sev2\"", "severity = \"sev5\"");
    let right = format!("# expect: 7:12: error: unknown severity \"sev5\"\n\n{bad}");
    assert_eq!(check_fixture("f.toml", &right), Vec::<String>::new());
    // Each of these headers is wrong in one way and must be caught.
    for header in [
        "# expect: 7:13: error: unknown severity",   // wrong column
        "# expect: 6:12: error: unknown severity",   // wrong line
        "# expect: 7:12: warning: unknown severity", // wrong level
        "# expect: 7:12: error: unknown milestone",  // wrong text
        "# expect 7:12: error: unknown severity",    // malformed
        "# Defect: nothing expected",                // no expectation at all
    ] {
        let text = format!("{header}\n\n{bad}");
        assert!(
            !check_fixture("f.toml", &text).is_empty(),
            "not caught: {header}"
        );
    }
    // An unexpected extra error is caught.
    let two = bad.replace("schema_version = 1", "schema_version = 2");
    let text = format!("# expect: 7:12: error: unknown severity\n\n{two}");
    assert!(!check_fixture("f.toml", &text).is_empty());
    // An unlisted warning (the unused variable) is caught, unless the fixture allows it.
    let warns = VALID.replace("target = \"5m\"", "target = \"5h\"").replace(
        "owners = [\"team-db\"]",
        "owners = [\"team-db\"]\n\n[vars.region]\nprompt = \"Region?\"",
    );
    // Three header lines: the runbook's line 23 (target) is the file's line 26.
    let listed = "# expect: 26:10: warning: much longer than usual";
    let problems = check_fixture("f.toml", &format!("{listed}\n# no allowance\n\n{warns}"));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("unexpected 13:7: warning: variable \"region\""),
        "{problems:?}"
    );
    let allowed = format!("{listed}\n# allow-other-warnings\n\n{warns}");
    assert_eq!(check_fixture("f.toml", &allowed), Vec::<String>::new());
    // An expectation after the header would be ignored: refused.
    let late = format!("{right}# expect: 1:1: error: x\n");
    assert!(!check_fixture("f.toml", &late).is_empty());
}

// ---------------------------------------------------------------------------------------------
// The real binary
// ---------------------------------------------------------------------------------------------

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_runbook"));
    c.current_dir(manifest_dir())
        .env_remove("RUNBOOK_PATH")
        .env("XDG_CONFIG_HOME", "/nonexistent-config");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runbook runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn all_output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Checks that `out` has `path:line:col: level: ...`, then the gutter, the source line and a
/// caret line pointing at the column.
fn assert_rendered(out: &str, path: &str, source: &str, e: &Expect) {
    let head = format!("{path}:{}:{}: {}: ", e.line, e.col, level_name(e.level));
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(&head) && l.contains(&e.text))
        .unwrap_or_else(|| panic!("no `{head}...{}` in:\n{out}", e.text));
    let gutter = e.line.to_string();
    let pad = " ".repeat(gutter.len());
    let src = source.lines().nth(e.line - 1).expect("line exists");
    assert_eq!(
        lines.get(at + 1).copied(),
        Some(format!("{pad} |").as_str()),
        "{out}"
    );
    assert_eq!(
        lines.get(at + 2).copied(),
        Some(format!("{gutter} | {src}").as_str()),
        "{out}"
    );
    let caret = lines.get(at + 3).copied().unwrap_or_default();
    let caret_prefix = format!("{pad} | {}^", " ".repeat(e.col - 1));
    assert!(
        caret.starts_with(&caret_prefix)
            && caret
                .trim_end()
                .chars()
                .skip(caret_prefix.len())
                .all(|c| c == '^'),
        "caret line `{caret}` does not point at column {}:\n{out}",
        e.col
    );
}

#[test]
fn binary_shows_each_fixture_error_with_location_source_line_and_caret() {
    for name in [
        "next-target-unknown",
        "unknown-severity",
        "decision-one-choice",
    ] {
        let path = format!("{FIXTURE_DIR}/{name}.toml");
        let o = run(&["validate", &path]);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(1), "{name}:\n{}", all_output(&o));
        let source = std::fs::read_to_string(manifest_dir().join(&path)).expect("fixture");
        for e in fixture_header(name).expects {
            assert_rendered(&out, &path, &source, &e);
        }
        assert!(out.contains("checked 1 file: 1 error"), "{out}");
    }
}

#[test]
fn binary_exit_status_follows_every_fixture() {
    // Each fixture alone: 1 when it expects an error, 0 when it expects only warnings.
    for (name, _) in fixtures() {
        let h = fixture_header(&name);
        let path = format!("{FIXTURE_DIR}/{name}.toml");
        let o = run(&["validate", &path]);
        let want = if h.expects.iter().any(|e| e.level == Level::Error) {
            1
        } else {
            0
        };
        assert_eq!(o.status.code(), Some(want), "{path}:\n{}", all_output(&o));
        let source = std::fs::read_to_string(manifest_dir().join(&path)).expect("fixture");
        for e in &h.expects {
            assert_rendered(&stdout(&o), &path, &source, e);
        }
    }
}

#[test]
fn binary_validates_the_fixture_directory_as_one_set() {
    let all = fixtures();
    let o = run(&["validate", FIXTURE_DIR]);
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    let bad = all
        .iter()
        .filter(|(n, _)| {
            fixture_header(n)
                .expects
                .iter()
                .any(|e| e.level == Level::Error)
        })
        .count();
    let out = stdout(&o);
    let summary = out.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with(&format!("checked {} files: ", all.len()))
            && summary.ends_with(&format!(" in {bad} files")),
        "{summary}"
    );
    // Distinct runbook ids: no cross-file duplicate among the fixtures that load.
    assert!(!out.contains("duplicate runbook id"), "{out}");
}

#[test]
fn binary_accepts_a_valid_runbook() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("postgres-disk-full.toml");
    std::fs::write(&p, VALID).expect("write");
    let o = run(&["validate", p.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(
        stdout(&o).contains("checked 1 file: 0 errors, 0 warnings"),
        "{}",
        all_output(&o)
    );
}

#[test]
fn binary_rejects_an_unknown_flag_with_exit_2() {
    let o = run(&["validate", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--no-such-flag"),
        "{}",
        all_output(&o)
    );
}

#[test]
fn binary_reports_a_missing_path_clearly_with_exit_1() {
    let o = run(&["validate", "/nonexistent"]);
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    let out = all_output(&o);
    assert!(
        out.contains("/nonexistent") && out.contains("no such file or directory"),
        "{out}"
    );
    assert!(!out.contains("panicked"), "{out}");
}

#[test]
fn binary_passes_warnings_unless_denied() {
    for name in [
        "unreachable-step",
        "unused-variable",
        "missing-summary",
        "target-over-4h",
    ] {
        let path = format!("{FIXTURE_DIR}/{name}.toml");
        let o = run(&["validate", &path]);
        assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
        assert!(stdout(&o).contains(": warning: "), "{}", all_output(&o));
        assert!(
            stdout(&o).contains("0 errors, 1 warning"),
            "{}",
            all_output(&o)
        );
        let o = run(&["validate", "--deny-warnings", &path]);
        assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile input, generated
// ---------------------------------------------------------------------------------------------

/// The one diagnostic of a refused file: an error with a clear message, no runbook, and a
/// rendering that does not panic.
fn refused(report: &FileReport, words: &[&str]) -> (usize, usize) {
    assert_eq!(report.diags.len(), 1, "{}", report.render());
    let d = &report.diags[0];
    assert_eq!(d.level, Level::Error);
    for w in words {
        assert!(d.message.contains(w), "`{}` lacks `{w}`", d.message);
    }
    assert!(report.runbook.is_none());
    let rendered = report.render();
    assert!(rendered.contains(": error: "), "{rendered}");
    line_col(&report.text, d.span.start)
}

#[test]
fn a_50_mb_file_is_refused_with_its_size() {
    let mut big = VALID.as_bytes().to_vec();
    big.resize(50 * 1024 * 1024, b' ');
    let size = big.len().to_string();
    refused(&check_bytes("big.toml", &big), &[&size, "1 MiB"]);
    // From disk (read no further than the limit) and through the binary.
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("big.toml");
    std::fs::write(&p, &big).expect("write");
    let found = check_paths(std::slice::from_ref(&p));
    assert_eq!(found.len(), 1);
    refused(&found[0].0, &[&size, "1 MiB"]);
    let o = run(&["validate", p.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    assert!(stdout(&o).contains("1 MiB"), "{}", all_output(&o));
}

#[test]
fn binary_garbage_is_refused_as_not_text() {
    // Pseudo-random bytes after a PNG signature: not UTF-8.
    let mut x: u32 = 0x1234_5678;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..64 * 1024).map(|_| {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (x >> 24) as u8
    }));
    assert_eq!(
        refused(
            &check_bytes("logo.png.toml", &png),
            &["not valid UTF-8", "0x89"]
        ),
        (1, 1)
    );
    // An ELF header is valid UTF-8 up to its NUL bytes.
    let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    refused(&check_bytes("a.out.toml", elf), &["NUL"]);
    // A valid runbook with one bad byte in the middle.
    let mut bytes = VALID.as_bytes().to_vec();
    let at = VALID.find("Post the all-clear").expect("in VALID");
    bytes.insert(at, 0xff);
    refused(
        &check_bytes("latin1.toml", &bytes),
        &["not valid UTF-8", &at.to_string()],
    );
    // Through the binary: exit 1, a message, no panic.
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("logo.toml");
    std::fs::write(&p, &png).expect("write");
    let o = run(&["validate", p.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    assert!(stdout(&o).contains("not valid UTF-8"), "{}", all_output(&o));
}

#[test]
fn a_hundred_thousand_nested_arrays_are_refused_without_recursing() {
    let n = 100_000;
    let prefix = "schema_version = 1\ntags = ";
    let text = format!("{prefix}{}\"x\"{}\n", "[".repeat(n), "]".repeat(n));
    let (line, col) = refused(
        &check_bytes("deep.toml", text.as_bytes()),
        &["nested more than 32"],
    );
    // At the first bracket too deep: the 33rd on line 2.
    assert_eq!((line, col), (2, "tags = ".len() + 33));
    // Inline tables too.
    let tables = format!("{prefix}{}1{}\n", "{ a = ".repeat(n), " }".repeat(n));
    refused(
        &check_bytes("deep.toml", tables.as_bytes()),
        &["nested more than 32"],
    );
}

#[test]
fn a_dotted_key_with_ten_thousand_parts_is_refused() {
    let key = vec!["a"; 10_000].join(".");
    let text = format!("schema_version = 1\n{key} = 1\n");
    let (line, _) = refused(
        &check_bytes("dotted.toml", text.as_bytes()),
        &["nested more than 32"],
    );
    assert_eq!(line, 2);
    let header = format!("schema_version = 1\n[{key}]\nx = 1\n");
    refused(
        &check_bytes("dotted.toml", header.as_bytes()),
        &["nested more than 32"],
    );
}

#[test]
fn a_ten_thousand_step_runbook_loads() {
    let n = 10_000;
    let mut text = String::from(
        "schema_version = 1\nid = \"long-drill\"\ntitle = \"A very long drill\"\n\
         incident_type = \"drill\"\nseverity = \"sev4\"\nsummary = \"Load test.\"\n",
    );
    for i in 0..n {
        let _ = write!(text, "\n[[steps]]\nid = \"s{i}\"\ntitle = \"Step {i}\"\n");
        if i % 100 == 99 && i + 1 < n {
            // A loop back with a way out, every hundred steps.
            let _ = write!(
                text,
                "kind = \"decision\"\nchoices = [{{ label = \"again\", next = \"s{}\" }}, {{ label = \"on\", next = \"s{}\" }}]\n",
                i - 50,
                i + 1
            );
        } else {
            text.push_str("kind = \"action\"\n");
        }
    }
    assert!(
        text.len() < MAX_BYTES,
        "{} bytes: over the size limit",
        text.len()
    );
    let report = check_bytes("long.toml", text.as_bytes());
    assert!(report.diags.is_empty(), "{}", report.render());
    let rb = report.runbook.expect("the runbook is returned");
    assert_eq!(rb.steps.len(), n);
    assert_eq!(rb.id, "long-drill");
}

#[test]
fn a_runbook_id_in_two_files_is_an_error_naming_both() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, VALID).expect("write");
    // Same id, otherwise a different runbook (an extra line moves its id to line 3).
    let copy = format!("# copied from a.toml\n{}", VALID.replace("sev2", "sev1"));
    std::fs::write(&b, &copy).expect("write");
    let id_at = |text: &str| {
        let at = text.find("\"postgres-disk-full\"").expect("id");
        line_col(text, at)
    };
    let (al, ac) = id_at(VALID);
    let (bl, bc) = id_at(&copy);
    let check = |found: Vec<(FileReport, runbook::runbook::library::Origin, String)>| {
        assert_eq!(found.len(), 2);
        let first = &found[0].0;
        assert!(first.diags.is_empty(), "{}", first.render());
        assert!(first.runbook.is_some());
        let second = &found[1].0;
        assert_eq!(second.errors(), 1, "{}", second.render());
        assert!(second.runbook.is_none());
        let rendered = second.render();
        let want = format!(
            "{}:{bl}:{bc}: error: duplicate runbook id \"postgres-disk-full\": also defined in {}:{al}:{ac}",
            b.display(),
            a.display()
        );
        assert!(rendered.contains(&want), "want `{want}` in:\n{rendered}");
    };
    check(check_paths(&[a.clone(), b.clone()]));
    check(check_paths(&[dir.path().to_path_buf()]));
    let o = run(&[
        "validate",
        a.to_str().expect("utf-8 path"),
        b.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", all_output(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&a.display().to_string()) && out.contains(&b.display().to_string()),
        "{out}"
    );
}

#[test]
fn the_valid_base_runbook_is_valid() {
    // Fixtures start from runbooks like this one; if it stopped validating, every fixture
    // would fail for the wrong reason.
    let r = check_bytes("valid.toml", VALID.as_bytes());
    assert!(r.diags.is_empty(), "{}", r.render());
    assert!(r.runbook.is_some());
    assert!(manifest_dir().join(FIXTURE_DIR).is_dir());
}

/// A file that is all problems (10,000 steps, each a loop onto itself) is reported quickly
/// and readably: the count is exact, the printout is capped.
#[test]
fn a_file_full_of_problems_is_summarised_not_dumped() {
    let mut text = String::from(
        "schema_version = 1\nid = \"loops\"\ntitle = \"t\"\nincident_type = \"t\"\nseverity = \"sev2\"\nsummary = \"s\"\n",
    );
    for i in 0..10_000 {
        text.push_str(&format!(
            "[[steps]]\nid = \"s{i}\"\ntitle = \"t\"\nkind = \"action\"\nnext = \"s{i}\"\n"
        ));
    }
    let report = runbook::runbook::check_bytes("loops.toml", text.as_bytes());
    assert_eq!(report.errors(), 10_000);
    let shown = report.render();
    assert_eq!(
        shown.matches(": error: ").count(),
        runbook::runbook::diag::MAX_SHOWN
    );
    assert!(
        shown.contains("more problems not shown"),
        "{}",
        &shown[shown.len().saturating_sub(300)..]
    );
}
