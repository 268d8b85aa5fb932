//! `runbook import`: the project's own Markdown fixtures (tests/fixtures/import/, written for
//! these tests in the shape public runbook repositories use) become runbooks that validate,
//! each construct where it belongs; stubs and unreadable inputs are per-file errors; a
//! re-import never overwrites a hand-edited file; nothing is written through a symlink.

use crate::support::cli_env::Env;
use runbook::runbook::check_bytes;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

/// Imports `args` into `out` (under the env's state dir); returns (status, stdout, stderr).
fn import(e: &Env, args: &[&str], out: &Path) -> (Option<i32>, String, String) {
    let mut all: Vec<&str> = vec!["import"];
    all.extend_from_slice(args);
    let o = out.to_str().unwrap();
    all.extend_from_slice(&["--out", o]);
    let r = e.run(&all);
    (
        r.status.code(),
        String::from_utf8_lossy(&r.stdout).into_owned(),
        String::from_utf8_lossy(&r.stderr).into_owned(),
    )
}

fn read(out: &Path, id: &str) -> String {
    std::fs::read_to_string(out.join(format!("{id}.toml"))).unwrap()
}

#[test]
fn every_fixture_but_the_stub_becomes_a_valid_runbook() {
    let e = Env::new();
    let out = e.state.path().join("out");
    let dir = fixtures();
    let (code, stdout, stderr) = import(&e, &[dir.to_str().unwrap()], &out);
    assert_eq!(code, Some(1), "the stub is not imported\n{stdout}{stderr}");
    assert!(
        stderr.contains("EmptyStub.md: not imported: a stub"),
        "{stderr}"
    );
    assert!(stderr.contains("imported 4 of 5 files"), "{stderr}");
    for id in [
        "kube-pod-restarting-often",
        "node-disk-almost-full",
        "etcd-leader-lost",
        "service-prose-only",
    ] {
        let text = read(&out, id);
        let r = check_bytes(id, text.as_bytes());
        assert_eq!(r.errors(), 0, "{id}:\n{}", r.render());
        assert_eq!(r.warnings(), 0, "{id}:\n{}", r.render());
    }
    // The whole directory validates with the real binary too.
    e.ok(&["validate", out.to_str().unwrap()]);
}

/// Long by design: one imported file, each Markdown construct followed to the step it becomes.
#[test]
fn each_construct_lands_where_it_belongs() {
    let e = Env::new();
    let out = e.state.path().join("out");
    let dir = fixtures();
    import(&e, &[dir.to_str().unwrap()], &out);
    let k = read(&out, "kube-pod-restarting-often");
    let rb = check_bytes("k", k.as_bytes()).runbook.unwrap();
    // Front matter title, alert from the file name, type from the directory.
    assert_eq!(rb.title, "Kube Pod Restarting Often");
    assert_eq!(rb.alerts, vec!["KubePodRestartingOften"]);
    assert_eq!(rb.incident_type, "kubernetes");
    // Meaning and Impact in `about`, the shortcode's text kept.
    let about = rb.about.as_deref().unwrap();
    assert!(about.contains("## Impact") && about.contains("Restarts hide the first error"));
    // `$VAR` and `<placeholder>` became declared variables, with labels guessed.
    let vars: Vec<(&str, Option<&str>)> = rb
        .vars
        .iter()
        .map(|v| (v.name.as_str(), v.from_label.as_deref()))
        .collect();
    assert_eq!(
        vars,
        vec![
            ("namespace", Some("namespace")),
            ("pod", Some("pod")),
            ("deployment_name", Some("deployment"))
        ]
    );
    let commands: Vec<&str> = rb
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            runbook::domain::StepKind::Command { command, .. } => Some(command.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        commands.contains(&"kubectl -n {{namespace}} describe pod {{pod}}"),
        "inline code in an item: {commands:?}"
    );
    assert!(
        commands.contains(&"kubectl -n {{namespace}} logs {{pod}} --previous"),
        "fenced code in an item, prompt stripped"
    );
    assert!(
        !commands.iter().any(|c| c.contains("exec -it")),
        "an interactive shell is not a command step"
    );
    // The cause list is a decision whose branches all end explicitly.
    let d = rb
        .steps
        .iter()
        .find(|s| matches!(s.kind, runbook::domain::StepKind::Decision { .. }))
        .unwrap();
    let runbook::domain::StepKind::Decision { choices } = &d.kind else {
        unreachable!()
    };
    assert_eq!(choices.len(), 4);
    for c in &choices[..3] {
        let branch = rb.step(&c.next).unwrap();
        assert!(
            matches!(
                branch.flow,
                runbook::domain::Flow::Jump(_) | runbook::domain::Flow::End
            ),
            "{}",
            c.next
        );
    }
    // PromQL stays in a body; the reference link is inline there.
    let promql = rb
        .steps
        .iter()
        .find(|s| s.body.as_deref().is_some_and(|b| b.contains("```promql")))
        .unwrap();
    assert!(
        promql
            .body
            .as_deref()
            .unwrap()
            .contains("[the debugging guide](https://k8s.example/debug)")
    );
    // The header says what was guessed and dropped.
    assert!(k.starts_with("# Imported by `runbook import` from "));
    for want in [
        "incident_type \"kubernetes\", from the directory",
        "severity sev3",
        "variable \"pod\" for $POD",
        "front matter: weight",
        "Hugo shortcodes (their text kept): hint",
    ] {
        assert!(k.contains(want), "missing {want:?}:\n{k}");
    }
    // Go templates and Helm text stay literal; a TODO code block is reported as dropped.
    let etcd = read(&out, "etcd-leader-lost");
    assert!(etcd.contains("go-template='{{range .items}}{{.metadata.name}}"));
    assert!(etcd.contains("{{ .Values.etcd.replicas }}"));
    assert!(etcd.contains("1 HTML comment(s)"));
    let node = read(&out, "node-disk-almost-full");
    assert!(node.contains("1 TODO stub(s)"), "{node}");
    assert!(node.contains("**Why 5%**"), "<details> keeps its text");
    // Prose only: one step, the severity from the front matter.
    let prose = check_bytes("p", read(&out, "service-prose-only").as_bytes())
        .runbook
        .unwrap();
    assert_eq!((prose.steps.len(), prose.severity.name()), (1, "sev3"));
    let about = prose.about.unwrap();
    assert!(about.contains("## Escalation"));
    // `{{name}}`-shaped text in prose stays literal (escaped), so the runbook still loads.
    assert!(about.contains("`{{{{ latency }}}}`"), "{about}");
    // A variable a command needs is filled where prose mentions it too.
    assert!(
        rb.steps.iter().any(
            |s| s.title == "Look at the pod with kubectl -n {{namespace}} describe pod {{pod}}"
        )
    );
}

#[test]
fn a_hand_edited_file_is_never_overwritten_without_force() {
    let e = Env::new();
    let out = e.state.path().join("out");
    let file = fixtures().join("etcd/etcdLeaderLost.md");
    let f = file.to_str().unwrap();
    let (code, stdout, _) = import(&e, &[f], &out);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("wrote "));
    let (_, stdout, _) = import(&e, &[f], &out);
    assert!(stdout.contains("unchanged "), "{stdout}");
    let path = out.join("etcd-leader-lost.toml");
    let edited = std::fs::read_to_string(&path)
        .unwrap()
        .replace("severity = \"sev3\"", "severity = \"sev1\"");
    std::fs::write(&path, &edited).unwrap();
    let (code, stdout, _) = import(&e, &[f], &out);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("hand-edited since its import"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        edited,
        "the edit is kept"
    );
    assert!(out.join("etcd-leader-lost.toml.new").exists());
    let (_, stdout, _) = import(&e, &[f, "--force"], &out);
    assert!(stdout.contains("wrote "), "{stdout}");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("severity = \"sev3\"")
    );
}

#[test]
fn bad_inputs_are_per_file_errors_and_symlinks_are_not_followed() {
    let e = Env::new();
    let src = e.state.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("Latin1.md"),
        b"# Caf\xe9\n\n## Meaning\n\nIt breaks.\n",
    )
    .unwrap();
    std::fs::write(
        src.join("Good.md"),
        "# Good\n\n## Mitigation\n\n```sh\necho fine\n```\n",
    )
    .unwrap();
    std::fs::write(src.join("Huge.md"), "x".repeat(2 << 20)).unwrap();
    let secret = e.state.path().join("secret.md");
    std::fs::write(
        &secret,
        "# Secret\n\n## Meaning\n\nNot to be read through a link.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, src.join("Linked.md")).unwrap();
    let fifo = e.state.path().join("fifo.md");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = e.state.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // A planted symlink where a runbook would go is refused, and its target untouched.
    let victim = e.state.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("good.toml")).unwrap();
    let (code, stdout, stderr) = import(&e, &[src.to_str().unwrap(), fifo.to_str().unwrap()], &out);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("Latin1.md: not imported: not UTF-8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Huge.md: not imported: larger than"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fifo.md: not imported: not a regular file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("good.toml exists and is not a regular file"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("Linked.md") && !stderr.contains("Linked.md"),
        "links in a directory are not followed"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
}

use std::process::Command;
