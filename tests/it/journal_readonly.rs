//! Readers never write. Every kind of damage a journal can have, read by every reader (`status`,
//! `log`, `export`, `incidents --all`): the file is byte for byte as it was, no `.torn` file
//! appears, and what is said names the line. `export` refuses a journal that is not whole;
//! `--allow-damaged` writes the draft with what it leaves out first (Markdown) or in
//! `warnings` (JSON). And a journal that may be read but not written can be read by all of them.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use serde_json::Value;

use crate::support::cli_env::Env;

/// A damaged variant of a good four-line journal.
struct Case {
    name: &'static str,
    /// The journal's new bytes, from its four good lines.
    bytes: fn(&[String]) -> String,
    /// The line readers must name; None for the empty file.
    line: Option<usize>,
    /// Whether records are left to show (the incident can be opened at all).
    readable: bool,
    /// Text the message must contain.
    needle: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "torn last line, no newline",
            bytes: |l| l.concat() + "{\"seq\":5,\"ts\":\"2026-05",
            line: Some(5),
            readable: true,
            needle: "torn: 22 bytes without a newline",
        },
        Case {
            name: "complete unparsable last line",
            bytes: |l| l.concat() + "{\"seq\":5,\"oops\n",
            line: Some(5),
            readable: true,
            needle: "not an unfinished write",
        },
        Case {
            name: "bad line in the middle",
            bytes: |l| format!("{}garbage\n{}{}", l[0], l[2], l[3]),
            line: Some(2),
            readable: true,
            needle: "not a JSON object",
        },
        Case {
            name: "bad line 1",
            bytes: |l| {
                format!(
                    "{{\"seq\":1,\"kind\":\"incident_opened\"}}\n{}",
                    l[1..].concat()
                )
            },
            line: Some(1),
            readable: false,
            needle: "line 1 is not a record",
        },
        Case {
            name: "0-byte file",
            bytes: |_| String::new(),
            line: None,
            readable: false,
            needle: "the journal is empty (0 bytes): it was never written; remove it with rm",
        },
        Case {
            name: "seq gap",
            bytes: |l| format!("{}{}{}", l[0], l[1], l[3]),
            line: Some(3),
            readable: true,
            needle: "records 3..3 are missing",
        },
        Case {
            name: "seq repeat",
            bytes: |l| format!("{}{}{}{}{}", l[0], l[1], l[2], l[2], l[3]),
            line: Some(4),
            readable: true,
            needle: "seq 3 follows seq 3",
        },
        Case {
            name: "pinned sha256 mismatch",
            bytes: |l| {
                let v: Value = serde_json::from_str(&l[0]).unwrap();
                let sha = v["runbook_sha256"].as_str().unwrap().to_string();
                let wrong = format!("0000{}", &sha[4..]);
                l[0].replacen(&sha, &wrong, 1) + &l[1..].concat()
            },
            line: Some(1),
            readable: true,
            needle: "record 1 (incident_opened) pins runbook_sha256 0000",
        },
    ]
}

/// An incident with four records; returns its id and its lines (newlines kept).
fn good_incident(e: &Env) -> (String, Vec<String>) {
    let inc = e.ok(&["start", "disk-full", "--no-tui"]).trim().to_string();
    for text in ["note-alpha", "note-beta", "note-gamma"] {
        e.ok(&["note", "--incident", &inc, text]);
    }
    let text = fs::read_to_string(e.journal_path(&inc)).unwrap();
    let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    assert_eq!(lines.len(), 4);
    (inc, lines)
}

/// The names in `incidents/`: the journal alone, so no `.torn` copy and no temporary file.
fn names(e: &Env) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(e.state.path().join("incidents"))
        .unwrap()
        .map(|d| d.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_damage_read_by_every_reader_leaves_the_file_alone_and_names_the_line() {
    for case in cases() {
        let e = Env::new();
        let (inc, lines) = good_incident(&e);
        let path = e.journal_path(&inc);
        let bytes = (case.bytes)(&lines);
        fs::write(&path, &bytes).unwrap();
        let before = names(&e);
        let at = case
            .line
            .map_or_else(|| ".jsonl: ".to_string(), |l| format!(".jsonl:{l}"));
        let check = |what: &str, out: &std::process::Output, code: i32| {
            let context = format!("{}: {what}", case.name);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(code), "{context}: {stderr}");
            assert!(stderr.contains(case.needle), "{context}: {stderr}");
            assert_eq!(
                fs::read(&path).unwrap(),
                bytes.as_bytes(),
                "{context}: changed"
            );
            assert_eq!(names(&e), before, "{context}: a file appeared");
            stderr.into_owned()
        };

        let code = if case.readable { 0 } else { 1 };
        for reader in [&["status"][..], &["status", "--json"], &["log"]] {
            let mut args = reader.to_vec();
            args.insert(1, &inc);
            let stderr = check(&args.join(" "), &e.run(&args), code);
            assert!(stderr.contains(&at), "{}: {args:?}: {stderr}", case.name);
        }

        let listed = check("incidents --all", &e.run(&["incidents", "--all"]), 0);
        assert!(listed.contains(&at), "{}: {listed}", case.name);

        let refused = check("export", &e.run(&["export", &inc]), 1);
        if let Some(line) = case.line {
            assert!(
                refused.contains(&format!("line {line}")),
                "{}: {refused}",
                case.name
            );
        }
        let md = e.run(&["export", &inc, "--allow-damaged"]);
        check("export --allow-damaged", &md, code);
        let json = e.run(&["export", &inc, "--allow-damaged", "--format", "json"]);
        check("export --allow-damaged --format json", &json, code);
        if case.readable {
            let line = case.line.unwrap();
            let md = String::from_utf8(md.stdout).unwrap();
            let section = md
                .find("## Journal damage: what this draft leaves out")
                .unwrap();
            let before = &md[..section];
            assert!(!before.contains("\n#"), "{}: not first: {md}", case.name);
            assert!(
                md.contains(&format!("- line {line} (starting at byte ")),
                "{md}"
            );
            let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
            let first = doc["warnings"][0].as_str().unwrap();
            assert!(
                first.starts_with(&format!("journal damage: line {line} (starting at byte ")),
                "{}: {first}",
                case.name
            );
        }
    }
}

#[test]
fn a_whole_journal_exports_without_a_damage_section() {
    let e = Env::new();
    let (inc, _) = good_incident(&e);
    let md = e.ok(&["export", &inc]);
    assert!(!md.contains("Journal damage"), "{md}");
    let doc: Value = serde_json::from_str(&e.ok(&["export", &inc, "--format", "json"])).unwrap();
    assert!(doc["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn the_lines_and_bytes_left_out_are_counted_from_the_damaged_line() {
    let e = Env::new();
    let (inc, lines) = good_incident(&e);
    let bad = "{\"seq\":3,\"kind\": nope}\n";
    let text = format!("{}{}{bad}{}", lines[0], lines[1], lines[3]);
    fs::write(e.journal_path(&inc), &text).unwrap();
    let offset = lines[0].len() + lines[1].len();
    let rest = text.len() - offset;
    let md = e.ok(&["export", &inc, "--allow-damaged"]);
    assert!(
        md.contains(&format!(
            "- line 3 (starting at byte {offset}): the {rest} bytes from there to the end are left out"
        )),
        "{md}"
    );
    // What is left out is not in the draft: the record after the damaged line is gone.
    assert!(
        md.contains("note-alpha") && !md.contains("note-gamma"),
        "{md}"
    );
}

/// Runs `args` as a user who may read the journal but not write it: as root, an unprivileged
/// uid that owns the state (0400 stops it writing); otherwise ourselves, on a 0400 journal.
fn as_reader(e: &Env, root: bool, args: &[&str]) -> std::process::Output {
    if root {
        e.cmd_via(
            &[
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
            ],
            args,
        )
        .output()
        .unwrap()
    } else {
        e.run(args)
    }
}

#[test]
fn a_read_only_journal_can_be_read_by_every_reader_and_a_writer_is_told() {
    let e = Env::new();
    let (inc, _) = good_incident(&e);
    let path = e.journal_path(&inc);
    let root = fs::metadata(e.state.path()).unwrap().uid() == 0;
    if root {
        let chowned = std::process::Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(e.state.path())
            .status()
            .unwrap();
        assert!(chowned.success());
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    let before = fs::read(&path).unwrap();
    for args in [
        &["status", &inc][..],
        &["log", &inc],
        &["export", &inc],
        &["export", &inc, "--format", "json"],
        &["incidents", "--all"],
    ] {
        let out = as_reader(&e, root, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(!stderr.contains("ermission denied"), "{args:?}: {stderr}");
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
    let out = as_reader(&e, root, &["note", "--incident", &inc, "more"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not writable"), "{stderr}");
    assert!(stderr.contains("nothing was recorded"), "{stderr}");
    assert_eq!(fs::read(&path).unwrap(), before);
}
