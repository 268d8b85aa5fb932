//! Drill scenario files: parsing into typed values, every problem reported with its line and
//! column (one defect per inline fixture where it matters), the checks against the runbook a
//! scenario names, and the five bundled scenarios.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::Duration;
use runbook::domain::{Dur, Milestone, StepKind};
use runbook::drill::catalog::BUNDLED;
use runbook::drill::scenario::{Scenario, ScenarioReport, check_bytes, parse_source};
use runbook::runbook::diag::{Level, line_col};
use runbook::runbook::library::{self, Library, Root};

fn bundled_library() -> Library {
    library::load(&[Root::Bundled], false)
}

fn check(text: &str) -> ScenarioReport {
    check_bytes("s.toml", text.as_bytes(), Some(&bundled_library()))
}

/// Every diagnostic as `line:col: level: message`.
fn found(r: &ScenarioReport) -> Vec<String> {
    r.diags
        .iter()
        .map(|d| {
            let (l, c) = line_col(&r.text, d.span.start);
            let level = match d.level {
                Level::Error => "error",
                Level::Warning => "warning",
            };
            format!("{l}:{c}: {level}: {}", d.message)
        })
        .collect()
}

/// Asserts each expected `line:col: level: substring` is found at exactly that place, and that
/// there are no other diagnostics.
fn assert_diags(r: &ScenarioReport, expected: &[&str]) {
    let got = found(r);
    for e in expected {
        let (place, msg) = e.split_at(e.find(": ").unwrap() + 2);
        let (level, msg) = msg.split_at(msg.find(": ").unwrap() + 2);
        assert!(
            got.iter()
                .any(|g| g.starts_with(&format!("{place}{level}")) && g.contains(msg)),
            "expected `{e}`, got:\n{}",
            got.join("\n")
        );
    }
    assert_eq!(
        got.len(),
        expected.len(),
        "unexpected diagnostics:\n{}",
        got.join("\n")
    );
}

const GOOD: &str = r#"schema_version = 1
id = "etcd-short"
title = "A short etcd drill"
runbook = "etcd-quorum-loss"
summary = "The cluster is down."
speed = 2.5

[targets]
detected = "3m"
mitigated = "45m"

[[injects]]
at = "+0s"
text = "the load test starts"

[[injects]]
at = "+5m"
text = "dmesg on etcd-2 shows oom-kill"
for_step = "check-oom"
output = "Out of memory: Killed process 1187 (etcd)"
exit_code = 1
"#;

#[test]
fn a_good_scenario_parses_into_typed_values() {
    let r = check(GOOD);
    assert_diags(&r, &[]);
    let s: Scenario = r.scenario.unwrap();
    assert_eq!(s.id, "etcd-short");
    assert_eq!(s.runbook, "etcd-quorum-loss");
    assert_eq!(s.speed, Some(2.5));
    assert_eq!(s.targets.len(), 2);
    assert_eq!(s.targets[&Milestone::Detected], Dur::from_secs(180));
    assert_eq!(s.targets[&Milestone::Mitigated], Dur::from_secs(2700));
    assert_eq!(s.injects.len(), 2);
    assert_eq!(s.injects[0].at, Duration::zero());
    assert_eq!(s.injects[0].for_step, None);
    assert_eq!(s.injects[0].exit_code, 0);
    let oom = &s.injects[1];
    assert_eq!(
        (oom.number, oom.at, oom.exit_code),
        (2, Duration::minutes(5), 1)
    );
    assert_eq!(oom.for_step.as_deref(), Some("check-oom"));
    assert_eq!(
        oom.output.as_deref(),
        Some("Out of memory: Killed process 1187 (etcd)")
    );
    assert_eq!(s.length(), Duration::minutes(45));
    // A pinned copy parses the same without any library at hand.
    assert_eq!(parse_source(GOOD).unwrap(), s);
}

#[test]
fn every_problem_is_reported_with_its_line_and_column() {
    let text = r#"schema_version = 2
id = "Bad Id"
title = "x"
runbook = "etcd-quorum-loss"
sped = 10
speed = 0

[targets]
mitigate = "45m"
started = "1m"
resolved = "5x"

[[injects]]
at = "5m"
text = "no plus"

[[injects]]
at = "+10m"
text = ""

[[injects]]
at = "+3m"
txt = "typo"
output = "y"
"#;
    let r = check(text);
    assert_diags(
        &r,
        &[
            "1:18: error: schema_version 2 is not supported",
            "1:1: warning: scenario has no `summary`",
            "2:6: error: `id` \"Bad Id\" must use only lowercase letters",
            "5:1: error: unknown field `sped` (did you mean \"speed\"?)",
            "6:9: error: `speed` must be more than 0 and at most 1000, found 0",
            "9:1: error: targets: unknown milestone `mitigate` (did you mean \"mitigated\"?)",
            "10:1: error: targets: `started` is the drill's start; it takes no target",
            "11:12: error: targets: `resolved`: \"5x\" is not a duration",
            "14:6: error: inject 1: `at` \"5m\" must start with '+'",
            "19:8: error: inject 2: `text` is empty",
            "21:1: error: inject 3: missing required field `text`",
            "22:6: warning: inject 3: +3m comes before inject 2 (+10m)",
            "23:1: error: inject 3: unknown field `txt` (did you mean \"text\"?)",
            "24:1: error: inject 3: `output` needs `for_step`",
        ],
    );
    assert!(r.scenario.is_none());
    // Rendered like the runbook validator: path:line:col, the source line, a caret, the help.
    let shown = r.render();
    assert!(
        shown.contains(
            "s.toml:14:6: error: inject 1: `at` \"5m\" must start with '+': it is a time from the drill's start\n   |\n14 | at = \"5m\"\n   |      ^^^^\n   = help: write at = \"+5m\"\n"
        ),
        "{shown}"
    );
}

#[test]
fn toml_syntax_errors_have_a_position() {
    let r = check("schema_version = 1\nid = \"x\nruns = 3\n");
    assert_eq!(r.errors(), r.diags.len());
    let got = found(&r);
    assert!(
        got[0].starts_with("2:") && got[0].contains("TOML syntax"),
        "{got:?}"
    );
}

#[test]
fn wrong_types_say_what_was_expected() {
    let text = r#"schema_version = 1
id = "x"
title = "x"
runbook = "etcd-quorum-loss"
summary = "x"
speed = "fast"
targets = "45m"
injects = 3
"#;
    assert_diags(
        &check(text),
        &[
            "6:9: error: `speed` must be a number such as 10 or 2.5, found string \"fast\"",
            "7:11: error: `targets` must be a table of milestone = duration, found string \"45m\"",
            "8:11: error: `injects` must be an array of [[injects]] tables, found integer 3",
        ],
    );
}

#[test]
fn the_named_runbook_and_its_steps_are_checked_when_the_library_is_at_hand() {
    let text = r#"schema_version = 1
id = "x"
title = "x"
runbook = "etcd-quorum-loss"
summary = "x"

[[injects]]
at = "+1m"
text = "typo in the step"
for_step = "chek-oom"

[[injects]]
at = "+2m"
text = "command step without output"
for_step = "check-oom"

[[injects]]
at = "+3m"
text = "output on a decision"
for_step = "decide-cause"
output = "x"
exit_code = 2
"#;
    assert_diags(
        &check(text),
        &[
            "10:12: error: inject 1: `for_step` \"chek-oom\" is not a step of runbook \"etcd-quorum-loss\" (did you mean \"check-oom\"?)",
            "12:1: error: inject 2: step \"check-oom\" is a command step: add `output`",
            "21:1: error: inject 3: `output` is for command steps, and \"decide-cause\" is a decision step",
            "22:1: error: inject 3: `exit_code` is for command steps",
        ],
    );
    // Without a library (a pinned copy) only the file itself is checked.
    let alone = check_bytes("s.toml", text.as_bytes(), None);
    assert_eq!(alone.diags, vec![]);
    assert!(alone.scenario.is_some());

    let other = text.replace(
        "runbook = \"etcd-quorum-loss\"",
        "runbook = \"etcd-quorum-los\"",
    );
    let r = check(&other);
    assert_diags(
        &r,
        &[
            "4:11: error: no runbook \"etcd-quorum-los\" in the library (did you mean \"etcd-quorum-loss\"?)",
        ],
    );
}

#[test]
fn targets_and_injects_out_of_order_are_warnings() {
    let text = r#"schema_version = 1
id = "x"
title = "x"
runbook = "etcd-quorum-loss"
summary = "x"

[targets]
identified = "50m"
mitigated = "40m"

[[injects]]
at = "+10m"
text = "later"

[[injects]]
at = "+2m"
text = "earlier"
"#;
    let r = check(text);
    assert_diags(
        &r,
        &[
            "9:13: warning: targets: mitigated (40m) is due before identified (50m)",
            "16:6: warning: inject 2: +2m comes before inject 1 (+10m)",
        ],
    );
    // Warnings do not stop it: injects fire in time order.
    assert_eq!(r.scenario.unwrap().injects.len(), 2);
}

const FIVE: [(&str, &str); 5] = [
    ("etcd-oom-quorum-loss", "etcd-quorum-loss"),
    (
        "schema-migration-dropped-column",
        "schema-migration-mismatch",
    ),
    ("proxy-connection-storm", "connection-storm"),
    (
        "oom-without-memory-growth",
        "oom-kills-without-memory-growth",
    ),
    ("deploy-metadata-overwrite", "data-migration-overwrite"),
];

#[test]
fn the_bundled_scenarios_are_clean_and_follow_their_runbooks() {
    let lib = bundled_library();
    let mut ids = Vec::new();
    for (name, text) in BUNDLED {
        let r = check_bytes(name, text.as_bytes(), Some(&lib));
        assert!(r.diags.is_empty(), "{}", r.render());
        let s = r.scenario.unwrap();
        assert_eq!(format!("{}.toml", s.id), *name, "file named after its id");
        let rb = &lib.get(&s.runbook).unwrap().runbook;
        // Injects are in time order in the file, and every for_step is a step of the runbook;
        // every command step an inject names gets canned output.
        for w in s.injects.windows(2) {
            assert!(
                w[0].at <= w[1].at,
                "{}: inject {} out of order",
                s.id,
                w[1].number
            );
        }
        for i in &s.injects {
            if let Some(step) = &i.for_step {
                let def = rb.step(step).unwrap();
                assert!(matches!(def.kind, StepKind::Command { .. }), "{step}");
                assert!(i.output.is_some());
            }
        }
        assert!(s.summary.is_some() && !s.targets.is_empty());
        ids.push((s.id.clone(), s.runbook.clone()));
    }
    for (id, runbook) in FIVE {
        assert!(
            ids.contains(&(id.to_string(), runbook.to_string())),
            "{id} for {runbook} missing from {ids:?}"
        );
    }
}

#[test]
fn the_etcd_scenario_keeps_the_write_ups_timeline() {
    let (_, text) = BUNDLED
        .iter()
        .find(|(n, _)| *n == "etcd-oom-quorum-loss.toml")
        .unwrap();
    let s = parse_source(text).unwrap();
    let mins = |m: Milestone| s.targets[&m].secs() / 60;
    assert_eq!(mins(Milestone::Detected), 3);
    assert_eq!(mins(Milestone::Identified), 13);
    assert_eq!(mins(Milestone::Mitigated), 49);
    assert_eq!(mins(Milestone::Resolved), 73);
    let at = |step: &str| {
        s.injects
            .iter()
            .filter(|i| i.for_step.as_deref() == Some(step))
            .map(|i| i.at.num_minutes())
            .collect::<Vec<_>>()
    };
    assert_eq!(at("etcd-health"), [13]);
    assert_eq!(at("check-oom"), [13]);
    assert_eq!(at("verify-quorum"), [49]);
    assert_eq!(s.speed, Some(10.0));
    assert_eq!(s.length(), Duration::minutes(73));
}

#[test]
fn canned_output_is_the_latest_fired_one_or_else_the_first() {
    let (_, text) = BUNDLED
        .iter()
        .find(|(n, _)| *n == "etcd-oom-quorum-loss.toml")
        .unwrap();
    let s = parse_source(text).unwrap();
    let out = |fired: &[usize]| {
        s.canned("reregister", fired)
            .and_then(|i| i.output.clone())
            .unwrap()
    };
    let early = s
        .injects
        .iter()
        .find(|i| i.output.as_deref() == Some("311\n"));
    let late = s
        .injects
        .iter()
        .find(|i| i.output.as_deref() == Some("842\n"));
    let (early, late) = (early.unwrap().number, late.unwrap().number);
    assert_eq!(out(&[]), "311\n");
    assert_eq!(out(&[early]), "311\n");
    assert_eq!(out(&[early, late]), "842\n");
    assert_eq!(out(&[late]), "842\n");
    assert!(s.canned("acknowledge", &[]).is_none());
}
