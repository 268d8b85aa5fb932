//! The runbook library end to end: the bundled runbooks load cleanly and match the published
//! JSON Schema; the schema and the loader agree on what is invalid; the search path's order
//! and shadowing; `new`, `show`, `list`, `schema` and the help texts from the real binary.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use runbook::runbook::library::{self, BUNDLED, Origin, Root, SearchEnv};
use runbook::runbook::{check_bytes, schema::schema, starter::starter};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_runbook"));
    // Away from the repository, whose ./runbooks would shadow the bundled library.
    c.env_remove("RUNBOOK_PATH")
        .env("XDG_CONFIG_HOME", "/nonexistent-config")
        .current_dir(std::env::temp_dir());
    c
}

fn toml_to_json(text: &str) -> serde_json::Value {
    toml::from_str(text).expect("valid TOML")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn bundled_library_has_the_required_runbooks_and_all_load_without_warnings() {
    assert!(
        BUNDLED.len() >= 12,
        "only {} bundled runbooks",
        BUNDLED.len()
    );
    let mut types = std::collections::BTreeSet::new();
    for (name, text) in BUNDLED {
        let r = check_bytes(name, text.as_bytes());
        assert!(r.diags.is_empty(), "{name}:\n{}", r.render());
        let rb = r.runbook.expect("loads");
        assert_eq!(format!("{}.toml", rb.id), *name, "file name matches id");
        types.insert(rb.incident_type.clone());
        let has = |m: &str| {
            rb.steps
                .iter()
                .any(|s| s.milestone.is_some_and(|x| x.name() == m))
        };
        for m in ["acknowledged", "mitigated", "resolved"] {
            assert!(has(m), "{name} records no {m} milestone");
        }
    }
    assert!(
        types.len() >= 12,
        "runbooks should cover distinct incident types: {types:?}"
    );
    for id in [
        "etcd-quorum-loss",
        "schema-migration-mismatch",
        "connection-storm",
        "oom-kills-without-memory-growth",
        "data-migration-overwrite",
        "incident-command-basics",
        "bad-deploy-rollback",
        "tls-certificate-expiry",
        "disk-full",
        "dns-resolution-failure",
        "third-party-outage",
        "leaked-credential",
    ] {
        assert!(
            BUNDLED.iter().any(|(n, _)| *n == format!("{id}.toml")),
            "missing {id}"
        );
    }
}

#[test]
fn every_bundled_runbook_and_the_starter_match_the_schema() {
    let schema = schema();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "the schema itself is valid JSON Schema"
    );
    let v = jsonschema::validator_for(&schema).unwrap();
    let starter = starter("my-runbook", "my-type");
    let mut all: Vec<(&str, &str)> = BUNDLED.to_vec();
    all.push(("starter", &starter));
    for (name, text) in all {
        let errors: Vec<String> = v
            .iter_errors(&toml_to_json(text))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

/// Structural defects the schema can express are rejected by both the loader and the schema.
#[test]
fn schema_and_loader_agree_on_structural_defects() {
    let v = jsonschema::validator_for(&schema()).unwrap();
    let base = starter("agree", "demo");
    let cases = [
        ("unknown top field", base.replace("tags = []", "tagz = []")),
        (
            "unknown step field",
            base.replace("expect = \"HTTP 200", "expct = \"HTTP 200"),
        ),
        (
            "wrong type",
            base.replace("title = \"Describe the incident in one line\"", "title = 5"),
        ),
        (
            "bad severity",
            base.replace("severity = \"sev2\"", "severity = \"critical\""),
        ),
        (
            "bad kind",
            base.replace("kind = \"action\"   ", "kind = \"acton\"    "),
        ),
        (
            "bad duration",
            base.replace("target = \"5m\"", "target = \"5 minutes\""),
        ),
        (
            "bad id",
            base.replace("id = \"declare\"", "id = \"Declare_It\""),
        ),
        (
            "field of another kind",
            base.replace(
                "kind = \"action\"   ",
                "kind = \"action\"\ncommand = \"ls\"",
            ),
        ),
        (
            "command without command",
            base.replace("command = \"curl", "body = \"curl"),
        ),
        (
            "next and end",
            base.replace("end = true", "end = true\nnext = \"declare\""),
        ),
        (
            "one choice",
            base.replace("  { label = \"No: mitigate\", next = \"mitigate\" },\n", ""),
        ),
        (
            "schema_version 2",
            base.replace("schema_version = 1", "schema_version = 2"),
        ),
        (
            "missing title",
            base.replace("title = \"Describe the incident in one line\"\n", ""),
        ),
    ];
    for (what, text) in cases {
        assert_ne!(text, base, "{what}: the case must change the starter");
        let loader = check_bytes("case.toml", text.as_bytes());
        assert!(loader.errors() > 0, "{what}: loader accepted it");
        assert!(
            !v.is_valid(&toml_to_json(&text)),
            "{what}: schema accepted it"
        );
    }
}

#[test]
fn search_order_is_flags_else_env_else_local_and_config_then_bundled() {
    let d = tempfile::tempdir().unwrap();
    let env = SearchEnv {
        cli_dirs: vec![],
        runbook_path: None,
        cwd: d.path().to_path_buf(),
        config_home: Some(d.path().join("cfg")),
        bundled: true,
    };
    // No ./runbooks in cwd: only the config dir and the bundled library.
    assert_eq!(
        env.roots(),
        vec![
            Root::Dir(d.path().join("cfg/runbook/runbooks")),
            Root::Bundled
        ]
    );
    std::fs::create_dir(d.path().join("runbooks")).unwrap();
    assert_eq!(
        env.roots(),
        vec![
            Root::Dir("runbooks".into()),
            Root::Dir(d.path().join("cfg/runbook/runbooks")),
            Root::Bundled
        ]
    );
    let with_env = SearchEnv {
        runbook_path: Some("/a:/b".into()),
        ..env.clone()
    };
    assert_eq!(
        with_env.roots(),
        vec![
            Root::Dir("/a".into()),
            Root::Dir("/b".into()),
            Root::Bundled
        ]
    );
    let with_flags = SearchEnv {
        cli_dirs: vec!["/x".into()],
        ..with_env
    };
    assert_eq!(
        with_flags.roots(),
        vec![Root::Dir("/x".into()), Root::Bundled]
    );
    // Turned off (--no-bundled, or bundled = false in the settings): the team's only.
    let own = SearchEnv {
        bundled: false,
        ..with_flags
    };
    assert_eq!(own.roots(), vec![Root::Dir("/x".into())]);
}

#[test]
fn first_runbook_with_an_id_wins_and_the_others_are_shadowed() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mine = starter("disk-full", "storage")
        .replace("Describe the incident in one line", "Our own disk-full");
    write(a.path(), "disk-full.toml", &mine);
    write(b.path(), "disk-full.toml", &starter("disk-full", "storage"));
    let roots = [
        Root::Dir(a.path().into()),
        Root::Dir(b.path().into()),
        Root::Bundled,
    ];
    let lib = library::load(&roots, true);
    let winner = lib.get("disk-full").unwrap();
    assert_eq!(winner.runbook.title, "Our own disk-full");
    assert_eq!(winner.origin, Origin::File(a.path().join("disk-full.toml")));
    let shadowed: Vec<String> = lib
        .shadowed
        .iter()
        .filter(|(e, _)| e.runbook.id == "disk-full")
        .map(|(e, _)| e.origin.to_string())
        .collect();
    assert_eq!(
        shadowed,
        vec![
            b.path().join("disk-full.toml").display().to_string(),
            "bundled".to_string()
        ]
    );
    // The CLI shows it too.
    let out = bin()
        .args(["list", "--runbooks"])
        .arg(a.path())
        .args(["--type", "storage"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Our own disk-full"), "{text}");
    assert!(text.contains("shadowed by"), "{text}");
}

#[test]
fn duplicate_ids_in_one_directory_are_an_error_naming_both_files() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.toml", &starter("same", "demo"));
    write(d.path(), "b.toml", &starter("same", "demo"));
    let out = bin().arg("validate").arg(d.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("b.toml:4:6: error: duplicate runbook id \"same\": also defined in"),
        "{text}"
    );
    assert!(text.contains("a.toml:4:6"), "{text}");
}

#[test]
fn scenario_directories_are_not_runbooks() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("scenarios")).unwrap();
    write(
        &d.path().join("scenarios"),
        "drill.toml",
        "schema_version = 1\nrunbook = \"x\"\n",
    );
    write(d.path(), "ok.toml", &starter("ok", "demo"));
    let found = library::check_paths(&[d.path().to_path_buf()]);
    assert_eq!(found.len(), 1);
    assert!(found[0].0.diags.is_empty());
}

#[test]
fn new_writes_a_valid_runbook_and_never_overwrites() {
    let d = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["new", "payments-down", "--type", "payments", "--dir"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = d.path().join("payments-down.toml");
    let r = check_bytes("new", &std::fs::read(&path).unwrap());
    assert!(r.diags.is_empty(), "{}", r.render());
    assert_eq!(r.runbook.unwrap().incident_type, "payments");
    let again = bin()
        .args(["new", "payments-down", "--type", "payments", "--dir"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    let bad = bin()
        .args(["new", "Bad_Id", "--type", "x", "--dir"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn show_draws_decisions_as_a_tree_with_their_targets() {
    let out = bin().args(["show", "etcd-quorum-loss"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("├─ 1.") && text.contains("└─ 2."), "{text}");
    assert!(text.contains(" → "), "{text}");
    let missing = bin().args(["show", "etcd-quorum-los"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("did you mean \"etcd-quorum-loss\""));
}

#[test]
fn list_json_and_schema_are_machine_readable() {
    let out = bin().args(["list", "--json"]).output().unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() >= 12);
    assert!(
        rows.iter()
            .all(|r| r["source"] == "bundled" && r["steps"].as_u64().unwrap() > 0)
    );
    let out = bin().arg("schema").output().unwrap();
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s, schema());
}

#[test]
fn every_subcommand_has_help_with_examples() {
    let out = bin().arg("--help").output().unwrap();
    let top = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(top.contains("Examples:"));
    for sub in ["validate", "list", "show", "schema", "new"] {
        assert!(top.contains(sub), "top help lists {sub}");
        let out = bin().args([sub, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("Example"),
            "{sub} --help: {text}"
        );
    }
}

/// `assets/runbook.schema.json` is the schema editors point at (`#:schema` in a runbook); it
/// must be exactly what `runbook schema` prints. Regenerate with
/// `runbook schema > assets/runbook.schema.json`.
#[test]
fn the_schema_asset_is_current() {
    let asset = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/runbook.schema.json"
    ))
    .unwrap();
    let out = bin().arg("schema").output().unwrap();
    assert_eq!(
        asset,
        String::from_utf8(out.stdout).unwrap(),
        "regenerate: runbook schema > assets/runbook.schema.json"
    );
}
