//! Context once: a runbook's `[env]` is exported to every command step, its `{{var}}` values
//! quoted as one word, and shown in the confirmation (`domain::command::plan`, which both the
//! app and `runbook run` show), because each command runs in a fresh shell.

use crate::support::cli_env::Env;
use runbook::domain::command::env_lines;
use runbook::runbook::check_bytes;

const RB: &str = r#"schema_version = 1
id = "ctx"
title = "Context"
incident_type = "kubernetes"
severity = "sev3"
summary = "s"

[env]
NS = "{{ns}}"
KUBE_CONTEXT = "prod-eu"
GREETING = "it's {{ns}} here"

[vars.ns]
prompt = "Namespace"

[[steps]]
id = "show"
title = "Show the context"
kind = "command"
command = 'echo "$NS/$KUBE_CONTEXT/$GREETING"'

[[steps]]
id = "again"
title = "A fresh shell gets it too"
kind = "command"
command = 'echo "again $NS"'
"#;

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn env_lines_are_one_word_each_whatever_the_value() {
    let env = pairs(&[("NS", "{{ns}}"), ("A", "it's $HOME {{ns}}-x"), ("E", "")]);
    let lines = env_lines(&env, &pairs(&[("ns", "x; touch /tmp/pwned")]));
    assert_eq!(
        lines,
        vec![
            "export NS='x; touch /tmp/pwned'",
            r"export A='it'\''s $HOME ''x; touch /tmp/pwned''-x'",
            "export E=''",
        ]
    );
}

#[test]
fn every_command_step_gets_the_env_and_the_confirmation_shows_it() {
    let e = Env::new();
    let dir = e.state.path().join("rb");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("ctx.toml"), RB).unwrap();
    let d = dir.to_str().unwrap();
    let pwned = e.state.path().join("pwned");
    let hostile = format!("x'; touch {}; '", pwned.display());
    let inc = e
        .ok(&[
            "--runbooks",
            d,
            "start",
            "ctx",
            "--var",
            &format!("ns={hostile}"),
            "--no-tui",
        ])
        .trim()
        .to_string();
    let out = e
        .cmd(&["--runbooks", d, "run", "--incident", &inc, "show", "--yes"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let all = format!("{stdout}{stderr}");
    assert!(out.status.success(), "{all}");
    // The confirmation shows the exports, then the command.
    assert!(all.contains("export KUBE_CONTEXT='prod-eu'"), "{all}");
    assert!(
        all.contains("echo \"$NS/$KUBE_CONTEXT/$GREETING\""),
        "{all}"
    );
    assert!(
        stdout.contains(&format!("{hostile}/prod-eu/it's {hostile} here")),
        "{all}"
    );
    assert!(!pwned.exists());
    let again = e.ok(&["--runbooks", d, "run", "--incident", &inc, "again", "--yes"]);
    assert!(again.contains(&format!("again {hostile}")), "{again}");
    // What was recorded is what ran, exports included.
    let j = e.journal(&inc);
    let started = j.iter().find(|r| r["kind"] == "command_started").unwrap();
    assert!(
        started["command"]
            .as_str()
            .unwrap()
            .starts_with("export NS='x'\\''; touch")
    );
}

#[test]
fn env_names_and_values_are_checked() {
    let bad = RB
        .replace("KUBE_CONTEXT = ", "1BAD = ")
        .replace("NS = \"{{ns}}\"", "NS = \"{{nss}}\"\nPATH = \"/tmp\"");
    let r = check_bytes("t.toml", bad.as_bytes());
    let msgs: Vec<&str> = r.diags.iter().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("[env] \"1BAD\"")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("{{nss}} is used but")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("[env] PATH changes")),
        "{msgs:?}"
    );
    // `$NS` in a command is the env's, not a slip.
    let good = check_bytes("t.toml", RB.as_bytes());
    assert!(good.runbook.is_some());
    assert!(
        !good
            .diags
            .iter()
            .any(|d| d.message.contains("shell variable")),
        "{:?}",
        good.diags
    );
}
