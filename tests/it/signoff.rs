//! Sign-off from the command line, as a second person at their own shell would give it: the
//! doer cannot sign, no one signs in another's name, the signer cannot complete, and the
//! break-glass override is recorded and flagged in `status` and every export.

use crate::support::cli_env::Env;

fn started(e: &Env) -> String {
    let inc = e
        .ok(&["start", "data-migration-overwrite", "--no-tui"])
        .trim()
        .to_string();
    e.ok(&["step", "restore-apply", "start"]);
    inc
}

#[test]
fn the_doer_cannot_sign_and_no_one_signs_in_another_name() {
    let e = Env::new();
    let inc = started(&e);
    // ana started it: her own sign-off is refused, and so is one "by" someone else.
    let err = e.fails(1, &["signoff", "restore-apply"]);
    assert!(err.contains("ana started this run"), "{err}");
    let err = e.fails(2, &["signoff", "restore-apply", "--by", "bo"]);
    assert!(err.contains("there is no --by"), "{err}");
    // The tester's report: as bo, `--by bo` was refused and `--by ana` accepted. Now --by is
    // not a way in at all, whoever names whom.
    let err = e.fails(
        2,
        &["--as", "bo", "signoff", "restore-apply", "--by", "ana"],
    );
    assert!(err.contains("there is no --by"), "{err}");
    let kinds = |e: &Env| -> Vec<String> {
        e.journal(&inc)
            .iter()
            .map(|r| r["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kinds(&e), ["incident_opened", "step_started"]);
    // bo signs as himself; he cannot then complete the step; ana can.
    e.ok(&["--as", "bo", "signoff", "restore-apply"]);
    let err = e.fails(1, &["--as", "bo", "step", "restore-apply", "done"]);
    assert!(err.contains("bo cannot also complete it"), "{err}");
    e.ok(&["step", "restore-apply", "done"]);
    let j = e.journal(&inc);
    let signed = j.iter().find(|r| r["kind"] == "signoff_given").unwrap();
    assert_eq!(signed["author"], "bo");
    assert_eq!(signed["by"], "bo");
    let s = e.status(&inc);
    let step = s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["id"] == "restore-apply")
        .unwrap();
    assert_eq!(step["status"], "done");
    assert_eq!(step["signed_off_by"], "bo");
    assert!(s["overrides"].as_array().unwrap().is_empty());
}

#[test]
fn a_break_glass_override_completes_the_step_and_is_flagged_everywhere() {
    let e = Env::new();
    let inc = started(&e);
    let err = e.fails(1, &["step", "restore-apply", "done"]);
    assert!(
        err.contains("--override"),
        "the refusal says how to break glass: {err}"
    );
    let err = e.fails(1, &["step", "restore-apply", "done", "--override", " "]);
    assert!(err.contains("needs a reason"), "{err}");
    e.ok(&[
        "step",
        "restore-apply",
        "done",
        "--override",
        "no second person reachable at 03:10; IC approved by phone",
    ]);
    let kinds: Vec<String> = e
        .journal(&inc)
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds[2..],
        ["signoff_overridden", "step_completed"],
        "{kinds:?}"
    );
    let status = e.ok(&["status", &inc]);
    assert!(
        status.contains("BREAK GLASS: step restore-apply went ahead without a sign-off"),
        "{status}"
    );
    for template in ["google", "pagerduty", "atlassian"] {
        let md = e.ok(&["export", &inc, "--template", template]);
        let first_section = md.find("\n## ").unwrap();
        let flag = md.find("BREAK GLASS").unwrap_or(usize::MAX);
        assert!(
            flag < first_section,
            "{template}: flagged at the top:\n{md}"
        );
        assert!(md.contains("IC approved by phone"), "{md}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&e.ok(&["export", &inc, "--format", "json"])).unwrap();
    assert_eq!(json["overrides"][0]["step"], "restore-apply");
    assert_eq!(json["overrides"][0]["by"], "ana");
    assert!(
        json["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("BREAK GLASS")
    );
    let log = e.ok(&["log", &inc]);
    assert!(log.contains("BREAK GLASS"), "{log}");
}

#[test]
fn an_override_allows_the_command_but_not_a_repeat() {
    let e = Env::new();
    let _inc = started(&e);
    e.ok(&[
        "signoff",
        "restore-apply",
        "--override",
        "the only other DBA is on a plane",
    ]);
    let err = e.fails(1, &["--as", "bo", "signoff", "restore-apply"]);
    assert!(err.contains("already overridden by ana"), "{err}");
    e.ok(&["step", "restore-apply", "done"]);
    let err = e.fails(1, &["step", "restore-apply", "done"]);
    assert!(err.contains("already done by ana"), "{err}");
}

/// A name is how a second person is told apart and is shown in every timeline: one with
/// control or invisible characters, or absurdly long, is refused wherever it comes from, and
/// nothing is recorded under it.
#[test]
fn an_author_with_control_characters_or_too_long_is_refused_before_anything_is_recorded() {
    let e = Env::new();
    let inc = e.ok(&["start", "disk-full", "--no-tui"]);
    let before = e.ok(&["log", inc.trim()]);
    for bad in ["bo\u{1b}[31m", "bo\u{202e}", "b\no"] {
        let err = e.fails(2, &["--as", bad, "note", "hello"]);
        assert!(err.contains("--as is not a usable name"), "{err}");
        assert!(
            !err.contains('\u{1b}'),
            "the error shows the name escaped: {err:?}"
        );
    }
    let long = "x".repeat(65);
    e.fails(2, &["--as", &long, "note", "hello"]);
    let out = e
        .cmd(&["note", "hello"])
        .env("RUNBOOK_USER", "bo\u{7}")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("$RUNBOOK_USER"),
        "{out:?}"
    );
    assert_eq!(e.ok(&["log", inc.trim()]), before, "nothing was recorded");
}

/// A role is one short word and its person a usable name, the same in the CLI and the app
/// (one rule in `domain::rules`): "incident commander" or a name with ESC is refused.
#[test]
fn a_role_is_one_word_and_its_person_a_usable_name() {
    let e = Env::new();
    let inc = e.ok(&["start", "disk-full", "--no-tui"]);
    let before = e.ok(&["log", inc.trim()]);
    let err = e.fails(1, &["role", "incident commander", "ana"]);
    assert!(err.contains("one short word"), "{err}");
    let err = e.fails(1, &["role", "ic", "bo\u{1b}[2J"]);
    assert!(err.contains("person for role ic"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert_eq!(e.ok(&["log", inc.trim()]), before, "nothing was recorded");
    e.ok(&["role", "db-owner", "Ana María"]);
}

/// The same rules in a drill: practice is where a team learns them, so a drill never lets
/// the doer sign their own step or skip the second person silently.
#[test]
fn a_drill_holds_the_same_signoff_rules() {
    let e = Env::new();
    let inc = e
        .ok(&["drill", "data-migration-overwrite", "--no-tui"])
        .trim()
        .to_string();
    assert_eq!(e.status(&inc)["drill"], true);
    e.ok(&["step", "restore-apply", "start"]);
    let err = e.fails(1, &["signoff", "restore-apply"]);
    assert!(err.contains("ana started this run"), "{err}");
    let err = e.fails(1, &["step", "restore-apply", "done"]);
    assert!(err.contains("sign"), "{err}");
    e.ok(&["--as", "bo", "signoff", "restore-apply"]);
    let err = e.fails(1, &["--as", "bo", "step", "restore-apply", "done"]);
    assert!(err.contains("bo cannot also complete it"), "{err}");
    e.ok(&["step", "restore-apply", "done"]);
}
