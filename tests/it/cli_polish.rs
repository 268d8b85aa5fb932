//! The command line as a tired responder meets it: flags that say what they do once, an
//! empty title refused, records never by "unknown", and the bundled library switchable off.

use crate::support::cli_env::Env;

#[test]
fn help_says_the_default_time_zone_once() {
    let e = Env::new();
    for cmd in [
        vec!["--help"],
        vec!["note", "--help"],
        vec!["start", "--help"],
    ] {
        let out = e.ok(&cmd);
        let tz = out
            .lines()
            .skip_while(|l| !l.contains("--tz"))
            .take(3)
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(tz.matches("[default: UTC]").count(), 1, "{cmd:?}: {tz}");
    }
}

#[test]
fn an_empty_title_is_refused() {
    let e = Env::new();
    let err = e.fails(2, &["start", "disk-full", "--title", "  ", "--no-tui"]);
    assert!(err.contains("--title is empty"), "{err}");
    assert!(
        !e.state.path().join("incidents").exists()
            || std::fs::read_dir(e.state.path().join("incidents"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn without_user_variables_the_login_name_is_the_author() {
    let e = Env::new();
    let out = e
        .cmd(&["start", "disk-full", "--no-tui"])
        .env_remove("RUNBOOK_USER")
        .env_remove("USER")
        .env_remove("LOGNAME")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let inc = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let author = e.journal(&inc)[0]["author"].as_str().unwrap().to_string();
    assert_ne!(author, "unknown");
    assert!(!author.is_empty());
}

#[test]
fn the_bundled_library_can_be_left_out_by_flag_or_setting() {
    let e = Env::new();
    let ids = |out: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(out).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(ids(&e.ok(&["list", "--json"])).contains(&"etcd-quorum-loss".to_string()));
    assert!(ids(&e.ok(&["--no-bundled", "list", "--json"])).is_empty());
    let cfg = e.state.path().join("cfg");
    std::fs::create_dir_all(cfg.join("runbook")).unwrap();
    std::fs::write(cfg.join("runbook/config.toml"), "bundled = false\n").unwrap();
    let out = e
        .cmd(&["list", "--json"])
        .env("XDG_CONFIG_HOME", &cfg)
        .output()
        .unwrap();
    assert!(ids(&String::from_utf8(out.stdout).unwrap()).is_empty());
    // A typo in the settings is said, with its place, and the defaults are used.
    std::fs::write(cfg.join("runbook/config.toml"), "\nbundeld = false\n").unwrap();
    let out = e
        .cmd(&["list", "--json"])
        .env("XDG_CONFIG_HOME", &cfg)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("config.toml: 2:1:") && err.contains("bundeld"),
        "{err}"
    );
    assert!(ids(&String::from_utf8(out.stdout).unwrap()).contains(&"disk-full".to_string()));
}

#[test]
fn completions_and_the_man_page_describe_every_subcommand() {
    let e = Env::new();
    let bash = e.ok(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("runbook.bash");
    std::fs::write(&script, &bash).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(syntax.success(), "the bash completion script parses");
    for shell in ["zsh", "fish"] {
        let out = e.ok(&["completions", shell]);
        for sub in ["signoff", "export", "drill", "completions"] {
            assert!(out.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let man = e.ok(&["man"]);
    assert!(man.contains(".TH runbook 1"), "{man}");
    for sub in ["validate", "start", "signoff", "export", "drill", "log"] {
        assert!(man.contains(sub), "the man page lacks {sub}");
    }
    e.fails(2, &["completions", "tcsh"]);
}
