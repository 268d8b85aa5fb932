//! Drills end to end through the real binary, with `RUNBOOK_NOW` standing in for the real
//! clock: starting one from a bundled scenario, `drill tick` firing and journaling injects at
//! drill times (with the real time in `wall`), `--speed`, resuming on the pinned scenario,
//! `--list`, the scorecard, and the errors a facilitator may run into.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use serde_json::Value;
use std::path::Path;

use crate::support::cli_env;
use cli_env::Env;

const T0: &str = "2026-05-30T22:12:00Z";

/// `2026-05-30T22:12:SSZ` plus `secs` real seconds.
fn real(secs: u32) -> String {
    format!("2026-05-30T22:{:02}:{:02}Z", 12 + secs / 60, secs % 60)
}

fn injects(journal: &[Value]) -> Vec<(u64, String, String)> {
    journal
        .iter()
        .filter(|r| r["kind"] == "inject_fired")
        .map(|r| {
            (
                r["inject"].as_u64().unwrap(),
                r["at"].as_str().unwrap().to_string(),
                r["wall"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Long by design: one drill from start to close through the real binary, each inject checked at
/// the drill time it fires.
#[test]
fn a_drill_fires_its_injects_at_drill_time_and_journals_them() {
    let env = Env::new();
    let id = env.ok_at(
        T0,
        &[
            "drill",
            "etcd-quorum-loss",
            "--scenario",
            "etcd-oom-quorum-loss",
            "--no-tui",
        ],
    );
    let id = id.trim();
    assert_eq!(id, "20260530-2212-etcd-quorum-loss");

    let j = env.journal(id);
    assert_eq!(j[0]["kind"], "incident_opened");
    assert_eq!(j[0]["drill"], true);
    assert_eq!(j[0]["wall"], "2026-05-30T22:12:00.000Z");
    assert_eq!(j[1]["kind"], "drill_configured");
    assert_eq!(j[1]["speed"], 10.0, "the scenario's default speed");
    assert_eq!(j[1]["scenario"]["id"], "etcd-oom-quorum-loss");
    let (_, bundled) = runbook::drill::catalog::BUNDLED
        .iter()
        .find(|(n, _)| *n == "etcd-oom-quorum-loss.toml")
        .unwrap();
    assert_eq!(j[1]["scenario"]["source"], *bundled);
    assert_eq!(
        j[1]["scenario"]["sha256"],
        runbook::runbook::sha256_hex(bundled)
    );

    // +0s: the opening inject fires on the first tick.
    let out = env.ok_at(T0, &["drill", "tick"]);
    assert!(
        out.contains("recorded #3 inject 1 (+0s) at 2026-05-30T22:12:00.000Z: 22:12: a load test"),
        "{out}"
    );
    assert!(
        out.contains("next: inject 2 (+1m) in 1m00s drill time, 6s real time"),
        "{out}"
    );
    // Real +5s is drill +50s: nothing yet.
    let out = env.ok_at(&real(5), &["drill", "tick"]);
    assert_eq!(
        out,
        "next: inject 2 (+1m) in 10s drill time, 1s real time\n"
    );
    // Real +6s is drill +1m.
    env.ok_at(&real(6), &["drill", "tick"]);
    // Real +78s is drill +13m: the +3m inject fires late (when announced), then both +13m ones.
    let out = env.ok_at(&real(78), &["drill", "tick"]);
    assert!(
        out.contains("inject 3 (+3m)") && out.contains("inject 5 (+13m)"),
        "{out}"
    );
    assert!(
        out.contains("step \"check-oom\" now shows the scenario's output"),
        "{out}"
    );
    // Nothing fires twice.
    let out = env.ok_at(&real(78), &["drill", "tick"]);
    assert!(
        out.starts_with("next: inject 6 (+49m) in 36m00s drill time"),
        "{out}"
    );

    let j = env.journal(id);
    assert_eq!(
        injects(&j),
        [
            (
                1,
                "2026-05-30T22:12:00.000Z".into(),
                "2026-05-30T22:12:00.000Z".into()
            ),
            (
                2,
                "2026-05-30T22:13:00.000Z".into(),
                "2026-05-30T22:12:06.000Z".into()
            ),
            (
                3,
                "2026-05-30T22:25:00.000Z".into(),
                "2026-05-30T22:13:18.000Z".into()
            ),
            (
                4,
                "2026-05-30T22:25:00.000Z".into(),
                "2026-05-30T22:13:18.000Z".into()
            ),
            (
                5,
                "2026-05-30T22:25:00.000Z".into(),
                "2026-05-30T22:13:18.000Z".into()
            ),
        ]
    );
    let dmesg = j.iter().find(|r| r["inject"] == 5).unwrap();
    assert_eq!(dmesg["author"], "drill");
    assert_eq!(dmesg["for_step"], "check-oom");
    assert!(
        dmesg["text"]
            .as_str()
            .unwrap()
            .starts_with("dmesg on etcd-2 shows oom-kill")
    );
    assert_eq!(dmesg["ts"], dmesg["at"]);

    // A responder's headless action lands in drill time too, with the real time beside it.
    let out = env.ok_at(&real(90), &["milestone", "detected"]);
    assert!(
        out.contains("at 2026-05-30T22:27:00.000Z: Milestone: detected"),
        "{out}"
    );
    let last = env.journal(id).pop().unwrap();
    assert_eq!(last["wall"], "2026-05-30T22:13:30.000Z");

    let status: Value =
        serde_json::from_str(&env.ok_at(&real(90), &["status", id, "--json"])).unwrap();
    assert_eq!(status["drill"], true);
}

#[test]
fn speed_scales_the_drill_clock_and_is_checked() {
    let env = Env::new();
    let id = env.ok_at(
        T0,
        &[
            "drill",
            "--scenario",
            "etcd-oom-quorum-loss",
            "--speed",
            "60",
            "--no-tui",
        ],
    );
    let id = id.trim();
    assert_eq!(env.journal(id)[1]["speed"], 60.0);
    // One real minute is an hour of drill.
    let out = env.ok_at(&real(60), &["note", "an hour in"]);
    assert!(out.contains("at 2026-05-30T23:12:00.000Z"), "{out}");
    // Every command tells drill time: status's elapsed time, and --at read relative to it.
    let status: serde_json::Value =
        serde_json::from_str(&env.ok_at(&real(60), &["status", id, "--json"])).unwrap();
    assert_eq!(status["elapsed_s"], 3600, "{status}");
    let out = env.ok_at(&real(60), &["note", "--at=-10m", "ten drill minutes ago"]);
    assert!(out.contains("at 2026-05-30T23:02:00.000Z"), "{out}");
    let out = env.ok_at(&real(60), &["drill", "tick"]);
    // Drill +60m: everything up to the +55m inject has fired, in one tick.
    assert!(
        out.contains("inject 6 (+49m)") && out.contains("inject 7 (+55m)"),
        "{out}"
    );
    assert!(
        out.contains("next: inject 8 (+1h13m) in 13m00s drill time, 13s real time"),
        "{out}"
    );

    for bad in ["0", "-2", "1001", "NaN"] {
        let err = env.fails_at(
            T0,
            2,
            &["drill", "etcd-quorum-loss", "--speed", bad, "--no-tui"],
        );
        assert!(err.contains("--speed"), "{err}");
    }
}

#[test]
fn resuming_a_drill_uses_the_pinned_scenario() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    let scenario = |text: &str| {
        format!(
            "schema_version = 1\nid = \"mine\"\ntitle = \"Mine\"\nrunbook = \"etcd-quorum-loss\"\nsummary = \"x\"\nspeed = 10\n\n[targets]\ndetected = \"2m\"\n\n[[injects]]\nat = \"+1m\"\ntext = \"{text}\"\n"
        )
    };
    std::fs::write(&file, scenario("as it was")).unwrap();
    let id = env.ok_at(
        T0,
        &["drill", "--scenario", file.to_str().unwrap(), "--no-tui"],
    );
    let id = id.trim();
    // The file changes (or goes away) after the drill started: the drill does not.
    std::fs::write(&file, scenario("edited later")).unwrap();
    std::fs::remove_file(&file).unwrap();
    let out = env.ok_at(&real(6), &["drill", "tick", "--incident", id]);
    assert!(
        out.contains("inject 1 (+1m)") && out.contains("as it was"),
        "{out}"
    );
    assert!(out.contains("all 1 injects have fired"), "{out}");
    let card = env.ok_at(&real(12), &["drill", "scorecard", id]);
    assert!(card.contains("scenario mine · 10x speed"), "{card}");
    assert!(
        card.contains("detected      —          target 2m      NOT REACHED"),
        "{card}"
    );
}

#[test]
fn drill_list_shows_the_bundled_scenarios_and_local_ones_first() {
    let env = Env::new();
    let out = env.ok_at(T0, &["drill", "--list"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    for (id, runbook) in [
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
    ] {
        let line = lines.iter().find(|l| l.starts_with(id)).unwrap();
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[1], runbook, "{line}");
        assert!(line.ends_with("(bundled)"), "{line}");
    }
    let etcd = lines.iter().find(|l| l.starts_with("etcd-oom")).unwrap();
    assert!(etcd.contains(" 1h13m   8 injects at 10x  "), "{etcd}");

    // A runbook directory's scenarios/ is searched before the bundled ones.
    let dir = tempfile::tempdir().unwrap();
    let scen = dir.path().join("scenarios");
    std::fs::create_dir(&scen).unwrap();
    std::fs::write(
        scen.join("tabletop.toml"),
        "schema_version = 1\nid = \"tabletop\"\ntitle = \"Our tabletop\"\nrunbook = \"disk-full\"\nsummary = \"x\"\n[[injects]]\nat = \"+20m\"\ntext = \"disk full\"\n",
    )
    .unwrap();
    let out = env.ok_at(
        T0,
        &[
            "--runbooks",
            dir.path().to_str().unwrap(),
            "drill",
            "--list",
        ],
    );
    assert!(out.starts_with("tabletop "), "{out}");
    assert!(out.lines().next().unwrap().contains("disk-full"), "{out}");
    assert_eq!(out.lines().count(), 6);
}

#[test]
fn scenario_problems_are_reported_with_line_and_column() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "schema_version = 1\nid = \"bad\"\ntitle = \"Bad\"\nrunbook = \"etcd-quorum-loss\"\nsped = 10\n[[injects]]\nat = \"+5m\"\ntext = \"x\"\nfor_step = \"chek-oom\"\n",
    )
    .unwrap();
    let path = bad.to_str().unwrap();
    let err = env.fails_at(T0, 1, &["drill", "--scenario", path, "--no-tui"]);
    assert!(
        err.contains(&format!(
            "{path}:5:1: error: unknown field `sped` (did you mean \"speed\"?)"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{path}:9:12: error: inject 1: `for_step` \"chek-oom\" is not a step"
        )),
        "{err}"
    );
    assert!(
        !env.state.path().join("incidents").exists(),
        "no drill was started"
    );
    let out = env.run_at(T0, &["drill", "validate", path]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("checked 1 scenario: 2 errors, 1 warning"),
        "{stdout}"
    );

    // The scenario drills another runbook than the one named: misuse.
    let err = env.fails_at(
        T0,
        2,
        &[
            "drill",
            "disk-full",
            "--scenario",
            "etcd-oom-quorum-loss",
            "--no-tui",
        ],
    );
    assert!(
        err.contains("drills runbook \"etcd-quorum-loss\", not \"disk-full\""),
        "{err}"
    );
    let err = env.fails_at(T0, 1, &["drill", "--scenario", "etcd-oom-quorom-loss"]);
    assert!(
        err.contains("(did you mean \"etcd-oom-quorum-loss\"?)"),
        "{err}"
    );
    let err = env.fails_at(T0, 2, &["drill", "--no-tui"]);
    assert!(err.contains("name the runbook to drill"), "{err}");
}

#[test]
fn the_bundled_scenario_files_validate() {
    let env = Env::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/scenarios");
    let out = env.ok_at(
        T0,
        &[
            "drill",
            "validate",
            "--deny-warnings",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out, "checked 5 scenarios: 0 errors, 0 warnings\n");
}

#[test]
fn a_drill_without_a_scenario_runs_in_real_time_and_has_no_injects() {
    let env = Env::new();
    let id = env.ok_at(T0, &["start", "etcd-quorum-loss", "--drill", "--no-tui"]);
    let id = id.trim();
    let j = env.journal(id);
    assert_eq!(j.len(), 1, "start --drill pins nothing more");
    assert!(j[0].get("wall").is_none());
    let out = env.ok_at(&real(60), &["note", "one minute in"]);
    assert!(out.contains("at 2026-05-30T22:13:00.000Z"), "{out}");
    let err = env.fails_at(&real(60), 1, &["drill", "tick"]);
    assert!(err.contains("has no scenario"), "{err}");
    let card = env.ok_at(&real(60), &["drill", "scorecard"]);
    assert!(card.contains("no scenario · real time"), "{card}");
    assert!(card.contains("+1m00s  ana  one minute in"), "{card}");

    // `runbook drill RUNBOOK` without a scenario: a drill clock at 1x, no injects.
    let env = Env::new();
    let id = env.ok_at(T0, &["drill", "disk-full", "--no-tui"]);
    let j = env.journal(id.trim());
    assert_eq!(j[1]["kind"], "drill_configured");
    assert!(j[1].get("scenario").is_none());
    assert_eq!(j[1]["speed"], 1.0);
}

#[test]
fn the_scorecard_is_printed_as_text_or_markdown() {
    let env = Env::new();
    let id = env.ok_at(
        T0,
        &["drill", "--scenario", "etcd-oom-quorum-loss", "--no-tui"],
    );
    let id = id.trim();
    env.ok_at(&real(18), &["drill", "tick"]); // drill +3m: the alarm
    env.ok_at(&real(24), &["milestone", "detected"]); // drill +4m
    env.ok_at(&real(30), &["close"]);
    let card = env.ok_at(&real(30), &["drill", "scorecard"]);
    assert!(card.contains("drill time 5m00s (closed)"), "{card}");
    assert!(
        card.contains("  detected      +4m00s     target 3m      MISSED by 1m00s"),
        "{card}"
    );
    assert!(card.contains("Injects (3 of 8 fired)"), "{card}");
    assert!(
        card.contains("fired +3m00s; next action 1m00s later by ana: Milestone: detected"),
        "{card}"
    );
    let md = env.ok_at(&real(30), &["drill", "scorecard", "--markdown"]);
    assert!(md.starts_with("## Drill scorecard\n"), "{md}");
    assert!(
        md.contains("| detected | +4m00s | 3m | MISSED by 1m00s |"),
        "{md}"
    );
    // A closed drill fires nothing more.
    let err = env.fails_at(&real(600), 1, &["drill", "tick", "--incident", id]);
    assert!(err.contains(&format!("drill {id} is closed")), "{err}");
}
