//! Benchmark: `runbook import` of 400 generated Markdown runbooks, in the shapes public
//! runbook repositories use (front matter, Meaning/Impact/Diagnosis/Mitigation and variants,
//! fenced and prompted shell, code in list items, `<details>`, Hugo shortcodes, cause lists,
//! `$VAR` and `<placeholder>`, reference links, TODO stubs; one in twenty an empty stub).
//! Run with `cargo bench --bench import`. Timed as a whole process (the release binary),
//! median of runs, each into a fresh output directory; then the share of inputs that became
//! runbooks, and `runbook validate` over them.
//!
//! Targets (issue 17): at most 1 s for 400 files; every input but the empty stubs valid.

use std::process::Command;
use std::time::{Duration, Instant};

const FILES: usize = 400;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The `n`-th generated runbook, and whether it is an empty stub.
fn markdown(n: usize) -> (String, bool) {
    let ns = ["payments", "search", "billing", "auth"][n % 4];
    if n % 20 == 19 {
        return (
            format!("# Stub{n}\n\n## Meaning\n\nTODO\n\n## Mitigation\n\nTBD\n"),
            true,
        );
    }
    let front = if n.is_multiple_of(3) {
        format!("---\ntitle: Generated alert {n}\nweight: {n}\n---\n\n")
    } else {
        String::new()
    };
    let (meaning, impact, diag, mitig) = match n % 4 {
        0 => ("Meaning", "Impact", "Diagnosis", "Mitigation"),
        1 => ("Overview", "User impact", "Troubleshooting", "Remediation"),
        2 => (
            "What does this alert mean?",
            "Impact",
            "Investigation",
            "Resolution",
        ),
        _ => ("Description", "Consequences", "How to check", "How to fix"),
    };
    let shortcode = if n.is_multiple_of(5) {
        "{{< hint info >}}\nLook at the dashboard first.\n{{< /hint >}}\n\n"
    } else {
        ""
    };
    let details = if n.is_multiple_of(2) {
        "<details>\n<summary>More context</summary>\n\nThe service has three replicas behind one queue.\n\n</details>\n\n"
    } else {
        ""
    };
    let text = format!(
        "{front}# GeneratedAlert{n}\n\n## {meaning}\n\nThe {ns} service {n} answers slowly or not at all.\n\n{shortcode}{details}\
## {impact}\n\nRequests to {ns} fail for some users.\n\n\
## {diag}\n\n- Check the pods with `kubectl -n $NAMESPACE get pods -l app={ns}`.\n- Read the logs:\n  ```shell\n  $ kubectl -n $NAMESPACE logs deploy/{ns} --since=15m\n  some output line\n  ```\n- Check the limits:\n  - memory\n  - cpu\n\n\
Possible causes:\n\n- the queue is full\n- a dependency is down\n- a bad deploy {n}\n\n\
```promql\nrate(http_requests_total{{job=\"{ns}\"}}[5m])\n```\n\n\
## {mitig}\n\n### Roll back\n\nUndo the last rollout:\n\n```bash\nkubectl -n $NAMESPACE rollout undo deployment/<deployment name>\n```\n\n\
### Scale\n\n1. Scale up:\n   ```sh\n   kubectl -n ${{NAMESPACE}} scale deploy/{ns} --replicas=6\n   ```\n2. Watch the [error rate][dash].\n\n\
```console\n# TODO: command needed\n```\n\n[dash]: https://grafana.example/d/{ns}\n"
    );
    (text, false)
}

fn main() {
    let input = tempfile::tempdir().expect("temp dir");
    let mut stubs = 0;
    for n in 0..FILES {
        let dir = input
            .path()
            .join(["kubernetes", "node", "etcd", "general"][n % 4]);
        std::fs::create_dir_all(&dir).expect("dir");
        let (text, stub) = markdown(n);
        stubs += usize::from(stub);
        std::fs::write(dir.join(format!("GeneratedAlert{n}.md")), text).expect("write");
    }
    let exe = env!("CARGO_BIN_EXE_runbook");
    let mut runs = Vec::new();
    let mut written = 0;
    for run in 0..7 {
        let out = input.path().join(format!("out-{run}"));
        let t = Instant::now();
        let o = Command::new(exe)
            .arg("import")
            .arg(input.path().join("kubernetes"))
            .arg(input.path().join("node"))
            .arg(input.path().join("etcd"))
            .arg(input.path().join("general"))
            .arg("--out")
            .arg(&out)
            .output()
            .expect("run");
        runs.push(t.elapsed());
        written = std::fs::read_dir(&out).expect("out").count();
        assert_eq!(o.status.code(), Some(1), "the stubs are reported");
    }
    let check = Command::new(exe)
        .arg("validate")
        .arg(input.path().join("out-0"))
        .output()
        .expect("validate");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let m = median(runs.clone());
    let min = runs.iter().min().copied().unwrap_or_default();
    println!(
        "bench import_400_files_median_ms {:.1} (min {:.1})",
        m.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3
    );
    println!(
        "bench import_valid {written}/{FILES} ({stubs} empty stubs not imported; {} of the rest valid)",
        if written == FILES - stubs {
            "all"
        } else {
            "NOT all"
        }
    );
}
