//! The first frame's quick listing: a runbook read by its top-level fields only must say what
//! the full parse says, or nothing; and the library listed that way follows the search order.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use proptest::prelude::*;
use runbook::domain::Runbook;
use runbook::runbook::header::header;
use runbook::runbook::library::{self, BUNDLED, Origin, Root};
use runbook::runbook::starter::starter;
use runbook::runbook::watch::Reloader;
use runbook::runbook::{check_bytes, parse_source};
use std::path::Path;

/// The full parse's top-level fields: what a header must equal.
fn top_level(full: &Runbook) -> Runbook {
    Runbook {
        links: Vec::new(),
        vars: Vec::new(),
        steps: Vec::new(),
        env: Vec::new(),
        alert_severity: Vec::new(),
        ..full.clone()
    }
}

#[test]
fn every_bundled_runbook_has_the_header_of_its_full_parse() {
    for (name, src) in BUNDLED {
        let full = parse_source(src).unwrap();
        let head = header(src).unwrap_or_else(|| panic!("{name}: no header"));
        assert_eq!(head, top_level(&full), "{name}");
    }
}

#[test]
fn a_header_that_does_not_check_is_not_listed() {
    let good = starter("ok", "demo");
    for (what, text) in [
        ("bad id", good.replace("id = \"ok\"", "id = \"Not An Id\"")),
        (
            "no title",
            good.replace("title = \"Describe", "tilte = \"Describe"),
        ),
        ("bad severity", good.replace("\"sev2\"", "\"sev9\"")),
        ("tags not strings", good.replace("tags = []", "tags = [1]")),
        (
            "newer schema",
            good.replace("schema_version = 1", "schema_version = 2"),
        ),
        ("TOML error", good.replace("summary = \"", "summary = ")),
    ] {
        assert_eq!(header(&text), None, "{what}");
        assert!(
            check_bytes("x.toml", text.as_bytes()).runbook.is_none(),
            "{what}"
        );
    }
}

/// How the summary is written: the four TOML string forms.
#[derive(Clone, Copy, Debug)]
enum Form {
    Basic,
    Literal,
    MultiBasic,
    MultiLiteral,
}

fn summary_line(form: Form, lines: &[String]) -> String {
    match form {
        Form::Basic => format!("summary = \"{}\"", lines.join(" ")),
        Form::Literal => format!("summary = '{}'", lines.join(" ")),
        Form::MultiBasic => format!("summary = \"\"\"\n{}\n\"\"\"", lines.join("\n")),
        Form::MultiLiteral => format!("summary = '''\n{}\n'''", lines.join("\n")),
    }
}

fn text_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ]{0,20}",
        Just("[[steps]]".to_string()),
        Just("  [vars.region]".to_string()),
        Just("\t[links] see below".to_string()),
        Just("# [not a comment in a string]".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the order of the top-level keys and however the summary is written (with
    /// lines inside it that look like table headers), the header either equals the full
    /// parse's top-level fields or is not given; and it is not given only when a line inside
    /// a multi-line summary opens with `[`.
    #[test]
    fn the_header_is_the_full_parse_or_nothing(
        form in prop_oneof![
            Just(Form::Basic), Just(Form::Literal), Just(Form::MultiBasic), Just(Form::MultiLiteral)
        ],
        lines in proptest::collection::vec(text_line(), 1..5),
        tags in proptest::collection::vec("[a-z]{1,8}", 0..4),
        multiline_tags in any::<bool>(),
        order in Just((0..7).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let quoted: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
        let tag_line = if multiline_tags {
            let items: String = quoted.iter().map(|q| format!("  {q},\n")).collect();
            format!("tags = [\n{items}]")
        } else {
            format!("tags = [{}]", quoted.join(", "))
        };
        let keys = [
            "schema_version = 1".to_string(),
            "id = \"gen\"".to_string(),
            "title = \"Generated\"".to_string(),
            "incident_type = \"demo\"".to_string(),
            "severity = \"sev3\"".to_string(),
            summary_line(form, &lines),
            tag_line,
        ];
        let mut text: String = order.iter().map(|&i| format!("{}\n", keys[i])).collect();
        text.push_str(
            "alerts = [\"GenAlert\"]\n\n[[steps]]\nid = \"only\"\ntitle = \"Only\"\nkind = \"action\"\nend = true\n",
        );
        let full = parse_source(&text);
        prop_assert!(full.is_ok(), "the generated runbook should be good:\n{text}\n{:?}", full.err());
        let full = full.unwrap();
        let cut_inside = matches!(form, Form::MultiBasic | Form::MultiLiteral)
            && lines.iter().any(|l| l.trim_start_matches([' ', '\t']).starts_with('['));
        match header(&text) {
            Some(head) => prop_assert_eq!(head, top_level(&full)),
            None => prop_assert!(cut_inside, "no header for:\n{}", text),
        }
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn the_quick_listing_follows_the_search_order_and_leaves_out_what_it_cannot_read() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Good, and shadowing the bundled disk-full.
    write(
        a.path(),
        "disk-full.toml",
        &starter("disk-full", "storage").replace("Describe the incident in one line", "Ours"),
    );
    // A good header over broken steps: listed now, sorted out by the full check.
    write(
        a.path(),
        "broken-steps.toml",
        &starter("broken-steps", "demo").replace("kind = \"decision\"", "kind = \"decisoin\""),
    );
    // Not listed: a header that does not check, and bytes that are not text.
    write(
        a.path(),
        "bad-header.toml",
        &starter("bad-header", "demo").replace("\"sev2\"", "\"urgent\""),
    );
    std::fs::write(a.path().join("binary.toml"), b"id = \"x\0\"\n").unwrap();
    // Drill scenarios are not runbooks.
    std::fs::create_dir(a.path().join("scenarios")).unwrap();
    write(
        &a.path().join("scenarios"),
        "s.toml",
        &starter("scenario", "demo"),
    );
    // The second directory's copy of disk-full is shadowed by the first's.
    write(b.path(), "disk-full.toml", &starter("disk-full", "storage"));
    write(b.path(), "other.toml", &starter("other", "demo"));
    let roots = vec![
        Root::Dir(a.path().into()),
        Root::Dir(b.path().into()),
        Root::Dir(a.path().join("missing")),
        Root::Bundled,
    ];
    let listed = library::list(&roots);
    let ids: Vec<&str> = listed.iter().map(|e| e.runbook.id.as_str()).collect();
    let mut expected = vec!["broken-steps", "disk-full", "other"];
    let bundled: Vec<Runbook> = BUNDLED
        .iter()
        .map(|(_, src)| parse_source(src).unwrap())
        .filter(|r| r.id != "disk-full")
        .collect();
    expected.extend(bundled.iter().map(|r| r.id.as_str()));
    assert_eq!(ids, expected);
    // Bundled runbooks are listed by their headers too: the full check gives their steps.
    let bundled_etcd = listed
        .iter()
        .find(|e| e.runbook.id == "etcd-quorum-loss")
        .unwrap();
    assert!(bundled_etcd.runbook.steps.is_empty());
    let ours = &listed[1];
    assert_eq!(ours.runbook.title, "Ours");
    assert_eq!(ours.origin, Origin::File(a.path().join("disk-full.toml")));
    assert!(
        ours.runbook.steps.is_empty(),
        "steps wait for the full check"
    );
    assert_eq!(
        ours.source,
        std::fs::read_to_string(a.path().join("disk-full.toml")).unwrap()
    );

    // The reload that follows checks every file: the broken one is gone, the bad header's
    // file is reported, and everything listed is checked.
    let mut reloader = Reloader::new(roots, true);
    let quick = reloader.list();
    assert!(quick.iter().any(|c| c.runbook.id == "broken-steps"));
    assert!(
        quick.iter().all(|c| !c.checked),
        "nothing listed is checked yet"
    );
    let full = reloader.reload();
    assert!(full.iter().all(|c| c.checked));
    assert!(!full.iter().any(|c| c.runbook.id == "broken-steps"));
    let disk = full.iter().find(|c| c.runbook.id == "disk-full").unwrap();
    assert_eq!(disk.runbook.steps.len(), 5);
}
