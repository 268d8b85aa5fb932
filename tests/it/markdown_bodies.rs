//! Markdown bodies and the runbook's `about`: `show` renders them (code blocks keep their
//! lines, lists nest, links read "text (url)", hostile bytes are made visible), and the
//! export's context section carries `about` inside a fence.

use crate::support::cli_env::Env;

const RB: &str = r#"schema_version = 1
id = "md"
title = "Markdown"
incident_type = "kubernetes"
severity = "sev3"
summary = "s"
about = """
## Meaning

The pods of **payments** restart over and over. See [the dashboard](https://grafana.example/d/p).

## Impact

- Checkout fails
  - for *every* user
"""

[[steps]]
id = "look"
title = "Look"
kind = "action"
body = """
Run this, as written:

```sh
kubectl get pods -n payments \\
  -o wide        # two spaces kept
```

1. Find the pod
2. Read its `logs` \u001b[31m
"""
"#;

fn setup() -> (Env, String) {
    let e = Env::new();
    let dir = e.state.path().join("rb");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("md.toml"), RB).unwrap();
    let d = dir.to_str().unwrap().to_string();
    (e, d)
}

#[test]
fn show_renders_bodies_and_about_as_markdown() {
    let (e, d) = setup();
    let out = e.ok(&["--runbooks", &d, "show", "md"]);
    for want in [
        "About\n  Meaning\n  -------\n",
        "  The pods of payments restart over and over. See the dashboard (https://grafana.example/d/p).\n",
        "  - Checkout fails\n    - for every user\n",
        "           kubectl get pods -n payments \\\n             -o wide        # two spaces kept\n",
        "       1. Find the pod\n       2. Read its `logs` \\u{1b}[31m\n",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert!(!out.contains('\u{1b}'));
    assert!(!out.contains("```"), "fences are not shown raw:\n{out}");
}

#[test]
fn the_export_has_the_about_text_in_its_context_section() {
    let (e, d) = setup();
    let inc = e
        .ok(&["--runbooks", &d, "start", "md", "--no-tui"])
        .trim()
        .to_string();
    let md = e.ok(&["--runbooks", &d, "export", &inc, "-o", "-"]);
    let at = md.find("### Context (from the runbook)").expect(&md);
    let section = &md[at..];
    assert!(section.contains("```text\nMeaning\n-------\n"), "{section}");
    assert!(
        section.contains("- Checkout fails\n  - for every user\n```"),
        "{section}"
    );
    // And the JSON document carries it as written.
    let json = e.ok(&["--runbooks", &d, "export", &inc, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let about = doc["incident"]["runbook"]["about"]
        .as_str()
        .unwrap_or_default();
    assert!(about.contains("- for *every* user"), "{about:?}");
}
