//! The fast way to read one record: every field a known kind can have, typed, in one flat
//! struct, straight from the line's text, with no intermediate JSON tree. Opening a journal
//! reads every line, so this is the path 100,000 records take.
//!
//! It only ever answers for the plain case: a known kind whose fields are all there with
//! their types, and no field given twice. Anything else (`None`) goes the general way (the
//! record's `Deserialize`), which decides what the record is (an error, or a kind kept raw). The two must agree on every line
//! this one accepts; a test holds them to it.

use super::{Event, KNOWN_KINDS, Known, Outcome, Record, ScenarioPin};
use crate::domain::{Milestone, Severity, StepId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The envelope and every field of every known kind. Options are "absent or null": a kind
/// that needs a field it did not get is left to the general path. Times and the kind are
/// borrowed (they never hold escapes; one that does fails here and goes the general way).
#[derive(Deserialize)]
struct Flat<'a> {
    seq: Option<u64>,
    ts: Option<&'a str>,
    at: Option<&'a str>,
    author: Option<String>,
    wall: Option<&'a str>,
    kind: Option<&'a str>,
    incident: Option<String>,
    title: Option<String>,
    severity: Option<Severity>,
    runbook: Option<String>,
    runbook_sha256: Option<String>,
    /// Raw: a pinned source is read once per distinct text (`source`).
    #[serde(borrow)]
    runbook_source: Option<&'a RawValue>,
    vars: Option<BTreeMap<String, String>>,
    drill: Option<bool>,
    step: Option<StepId>,
    outcome: Option<Outcome>,
    reason: Option<String>,
    choice: Option<usize>,
    label: Option<String>,
    next: Option<String>,
    item: Option<usize>,
    checked: Option<bool>,
    text: Option<String>,
    // Fields that default to false when absent are refused when null, as the general way
    // does; hence `present`.
    #[serde(default, deserialize_with = "present")]
    action_item: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    decision: Option<bool>,
    milestone: Option<Milestone>,
    role: Option<String>,
    person: Option<String>,
    by: Option<String>,
    command: Option<String>,
    timeout_s: Option<u64>,
    run: Option<u64>,
    exit_code: Option<i32>,
    duration_ms: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    timed_out: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    interrupted: Option<bool>,
    output_excerpt: Option<String>,
    output_sha256: Option<String>,
    output_bytes: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    output_cut: Option<bool>,
    output_path: Option<String>,
    summary: Option<String>,
    scenario: Option<ScenarioPin>,
    speed: Option<f64>,
    inject: Option<usize>,
    for_step: Option<String>,
    note: Option<u64>,
    done: Option<bool>,
    owner: Option<String>,
    link: Option<String>,
}

/// A value that must be there and not null (absent is `None` through `default`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    bool::deserialize(d).map(Some)
}

/// A pinned runbook source's text, from its raw JSON string (`None` when it is not a
/// string: the general way says what is wrong). Every journal pins its whole runbook, about
/// 10 KB with an escape on every line, and a team's journals pin few distinct ones: a raw
/// text seen before gives its text again by comparison (the same bytes are the same string),
/// rather than by unescaping it once more per journal, which was a tenth of a cold
/// `runbook stats`.
fn source(raw: &RawValue) -> Option<String> {
    static SEEN: crate::memo::Memo<String, String> = crate::memo::Memo::new();
    let raw = raw.get();
    if let Some(text) = SEEN.find(|r| r == raw) {
        return Some(text);
    }
    let text: String = serde_json::from_str(raw).ok()?;
    SEEN.keep(raw.to_string(), text.clone());
    Some(text)
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The record in `line`, when it is the plain case; `None` sends it the general way.
///
/// Long by design: one straight-line reader of every kind's fields, the fast path the
/// journal figures in `BENCHMARKS.md` were measured with; one arm per kind.
pub(super) fn parse(line: &str) -> Option<Record> {
    // A struct would also read from a JSON array; a record is only ever an object.
    if !line.starts_with('{') {
        return None;
    }
    let f: Flat<'_> = serde_json::from_str(line).ok()?;
    let kind = f.kind?;
    if !KNOWN_KINDS.contains(&kind) {
        return None;
    }
    let wall = match f.wall {
        Some(w) => Some(time(w)?),
        None => None,
    };
    let known = match kind {
        "incident_opened" => Known::IncidentOpened {
            incident: f.incident?,
            title: f.title?,
            severity: f.severity?,
            runbook: f.runbook?,
            runbook_sha256: f.runbook_sha256?,
            runbook_source: source(f.runbook_source?)?,
            vars: f.vars?,
            drill: f.drill?,
        },
        "step_started" => Known::StepStarted { step: f.step? },
        "step_completed" => Known::StepCompleted {
            step: f.step?,
            outcome: f.outcome?,
        },
        "step_skipped" => Known::StepSkipped {
            step: f.step?,
            reason: f.reason?,
        },
        "decision_made" => Known::DecisionMade {
            step: f.step?,
            choice: f.choice?,
            label: f.label?,
            next: f.next?,
        },
        "checklist_toggled" => Known::ChecklistToggled {
            step: f.step?,
            item: f.item?,
            checked: f.checked?,
        },
        "note_added" => Known::NoteAdded {
            text: f.text?,
            action_item: f.action_item.unwrap_or(false),
            decision: f.decision.unwrap_or(false),
        },
        "milestone" => Known::Milestone {
            milestone: f.milestone?,
        },
        "severity_changed" => Known::SeverityChanged {
            severity: f.severity?,
        },
        "role_assigned" => Known::RoleAssigned {
            role: f.role?,
            person: f.person?,
        },
        "signoff_given" => Known::SignoffGiven {
            step: f.step?,
            by: f.by?,
        },
        "signoff_overridden" => Known::SignoffOverridden {
            step: f.step?,
            reason: f.reason?,
        },
        "comms_sent" => Known::CommsSent {
            step: f.step,
            text: f.text?,
        },
        "command_started" => Known::CommandStarted {
            step: f.step?,
            command: f.command?,
            timeout_s: f.timeout_s,
        },
        "command_finished" => Known::CommandFinished {
            step: f.step?,
            command: f.command?,
            run: f.run,
            exit_code: f.exit_code,
            duration_ms: f.duration_ms?,
            timed_out: f.timed_out.unwrap_or(false),
            interrupted: f.interrupted.unwrap_or(false),
            output_excerpt: f.output_excerpt?,
            output_sha256: f.output_sha256?,
            output_bytes: f.output_bytes,
            output_cut: f.output_cut.unwrap_or(false),
            output_path: f.output_path,
        },
        "runbook_adopted" => Known::RunbookAdopted {
            runbook_sha256: f.runbook_sha256?,
            runbook_source: source(f.runbook_source?)?,
        },
        "incident_closed" => Known::IncidentClosed { summary: f.summary },
        "drill_configured" => Known::DrillConfigured {
            scenario: f.scenario,
            speed: f.speed,
        },
        "inject_fired" => Known::InjectFired {
            inject: f.inject?,
            text: f.text?,
            for_step: f.for_step,
        },
        "action_item_updated" => Known::ActionItemUpdated {
            note: f.note?,
            done: f.done,
            owner: f.owner,
            link: f.link,
        },
        _ => return None,
    };
    Some(Record {
        seq: f.seq?,
        ts: time(f.ts?)?,
        at: time(f.at?)?,
        author: f.author?,
        wall,
        event: Event::Known(known),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::{Value, json};

    fn t(m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 30, 22, m, 0).unwrap()
    }

    /// One record of every known kind, optional fields both given and left out.
    ///
    /// (Long by design: a literal per kind, so a kind missing here is a test gap in sight.)
    fn samples() -> Vec<Record> {
        let s = |x: &str| x.to_string();
        let kinds = vec![
            Known::IncidentOpened {
                incident: s("inc"),
                title: s("Title \"quoted\"\nand a newline"),
                severity: Severity::Sev1,
                runbook: s("rb"),
                runbook_sha256: s("ab12"),
                runbook_source: s("schema_version = 1\n"),
                vars: [(s("cluster"), s("sd-prod"))].into_iter().collect(),
                drill: true,
            },
            Known::StepStarted {
                step: "declare".into(),
            },
            Known::StepCompleted {
                step: "check".into(),
                outcome: Outcome::Failed,
            },
            Known::StepSkipped {
                step: "s".into(),
                reason: s("not needed"),
            },
            Known::DecisionMade {
                step: "d".into(),
                choice: 2,
                label: s("No"),
                next: s("n"),
            },
            Known::ChecklistToggled {
                step: "s".into(),
                item: 3,
                checked: true,
            },
            Known::NoteAdded {
                text: s("TODO: alert"),
                action_item: true,
                decision: false,
            },
            Known::Milestone {
                milestone: Milestone::Mitigated,
            },
            Known::SeverityChanged {
                severity: Severity::Sev2,
            },
            Known::RoleAssigned {
                role: s("ic"),
                person: s("ana"),
            },
            Known::SignoffGiven {
                step: "s".into(),
                by: s("bo"),
            },
            Known::SignoffOverridden {
                step: "s".into(),
                reason: s("no second person reachable at 03:10"),
            },
            Known::CommsSent {
                step: Some("update".into()),
                text: s("We are investigating."),
            },
            Known::CommsSent {
                step: None,
                text: s("Resolved."),
            },
            Known::CommandStarted {
                step: "s".into(),
                command: s("etcdctl endpoint health"),
                timeout_s: Some(30),
            },
            Known::CommandStarted {
                step: "s".into(),
                command: s("an older version's record"),
                timeout_s: None,
            },
            Known::CommandFinished {
                step: "s".into(),
                command: s("false"),
                run: Some(15),
                exit_code: Some(1),
                duration_ms: 12,
                timed_out: false,
                interrupted: false,
                output_excerpt: s("\u{1b}[31mred"),
                output_sha256: s("cd34"),
                output_bytes: Some(4),
                output_cut: false,
                output_path: Some(s("/tmp/out")),
            },
            Known::CommandFinished {
                step: "s".into(),
                command: s("sleep 99"),
                run: None,
                exit_code: None,
                duration_ms: 30_000,
                timed_out: true,
                interrupted: false,
                output_excerpt: s(""),
                output_sha256: s("ef56"),
                output_bytes: None,
                output_cut: false,
                output_path: None,
            },
            Known::CommandFinished {
                step: "s".into(),
                command: s("yes"),
                run: Some(3),
                exit_code: None,
                duration_ms: 1_200,
                timed_out: false,
                interrupted: true,
                output_excerpt: s("y"),
                output_sha256: s("0a"),
                output_bytes: Some(2_300_000_000),
                output_cut: true,
                output_path: None,
            },
            Known::RunbookAdopted {
                runbook_sha256: s("9f"),
                runbook_source: s("x"),
            },
            Known::IncidentClosed { summary: None },
            Known::IncidentClosed {
                summary: Some(s("done")),
            },
            Known::DrillConfigured {
                scenario: Some(ScenarioPin {
                    id: s("sc"),
                    sha256: s("aa"),
                    source: s("src"),
                }),
                speed: Some(2.5),
            },
            Known::DrillConfigured {
                scenario: None,
                speed: None,
            },
            Known::InjectFired {
                inject: 1,
                text: s("alarm"),
                for_step: Some(s("s")),
            },
            Known::ActionItemUpdated {
                note: 7,
                done: Some(true),
                owner: Some(s("bo")),
                link: Some(s("https://tracker.example/1")),
            },
            Known::ActionItemUpdated {
                note: 7,
                done: None,
                owner: None,
                link: None,
            },
        ];
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, k)| Record {
                seq: i as u64 + 1,
                ts: t(25),
                at: t(15),
                author: s("ana"),
                wall: (i % 2 == 0).then(|| t(5)),
                event: Event::Known(k),
            })
            .collect()
    }

    fn general(line: &str) -> Option<Record> {
        serde_json::from_str::<Record>(line).ok()
    }

    /// Every way to spoil one field: gone, null, and each JSON type.
    fn spoilers() -> Vec<Option<Value>> {
        vec![
            None,
            Some(Value::Null),
            Some(json!(7)),
            Some(json!(-1)),
            Some(json!(1.5)),
            Some(json!("text")),
            Some(json!("2026-05-30T22:25:00.000Z")),
            Some(json!(true)),
            Some(json!([1])),
            Some(json!({"id": "x", "sha256": "y", "source": "z"})),
        ]
    }

    #[test]
    fn every_known_kind_takes_the_fast_way_and_reads_the_same() {
        let samples = samples();
        let mut kinds: Vec<&str> = samples.iter().map(|r| r.event.kind()).collect();
        kinds.dedup();
        assert_eq!(kinds, KNOWN_KINDS, "a sample of every kind, in order");
        for r in &samples {
            let line = serde_json::to_string(r).unwrap();
            assert_eq!(parse(&line).as_ref(), Some(r), "{line}");
            assert_eq!(general(&line).as_ref(), Some(r), "{line}");
        }
    }

    #[test]
    fn the_fast_way_never_disagrees_with_the_general_way() {
        // Each field of each sample, plus fields of other kinds, spoiled every way: the fast way
        // either declines or reads exactly what the general way reads.
        let mut names: Vec<String> = vec!["seq", "ts", "at", "author", "wall", "kind"]
            .into_iter()
            .map(String::from)
            .collect();
        for r in samples() {
            if let Value::Object(m) = serde_json::to_value(&r).unwrap() {
                names.extend(m.keys().cloned());
            }
        }
        names.extend(
            [
                "action_item",
                "decision",
                "timed_out",
                "interrupted",
                "output_cut",
                "output_bytes",
                "timeout_s",
                "run",
                "unheard_of",
            ]
            .map(String::from),
        );
        names.sort();
        names.dedup();
        let (mut fast, mut checked) = (0, 0);
        for r in samples() {
            let Value::Object(base) = serde_json::to_value(&r).unwrap() else {
                panic!("a record is an object");
            };
            let mut lines = Vec::new();
            for name in &names {
                for spoil in spoilers() {
                    let mut m = base.clone();
                    match spoil {
                        None => m.remove(name),
                        Some(v) => m.insert(name.clone(), v),
                    };
                    lines.push(Value::Object(m).to_string());
                }
                // The same field twice (a map keeps only one, so spliced into the text).
                if let Some(v) = base.get(name) {
                    let line = Value::Object(base.clone()).to_string();
                    lines.push(format!("{{\"{name}\":{v},{}", &line[1..]));
                }
            }
            lines.push(format!("[{}]", Value::Object(base.clone())));
            let mut other = base.clone();
            other.insert("kind".into(), json!("hologram_projected"));
            lines.push(Value::Object(other).to_string());
            for line in lines {
                checked += 1;
                if let Some(quick) = parse(&line) {
                    fast += 1;
                    assert_eq!(Some(quick), general(&line), "{line}");
                }
                // And through the entry point, whichever way it goes.
                let via_line = Record::from_line(line.as_bytes()).ok();
                assert_eq!(via_line, general(&line), "{line}");
            }
        }
        // Both ways were exercised.
        assert!(fast > 0 && fast < checked, "{fast} of {checked}");
    }

    #[test]
    fn a_record_with_escapes_in_its_times_or_kind_still_reads() {
        let line = r#"{"seq":1,"ts":"2026-05-30T22:25:00.000\u005a","at":"2026-05-30T22:25:00.000Z","author":"a","kind":"mile\u0073tone","milestone":"detected"}"#;
        assert!(parse(line).is_none(), "borrowed strings decline escapes");
        let r = Record::from_line(line.as_bytes()).unwrap();
        assert_eq!(
            r.event,
            Event::Known(Known::Milestone {
                milestone: Milestone::Detected
            })
        );
    }

    #[test]
    fn a_pinned_source_reads_the_same_the_second_time_and_however_it_is_escaped() {
        let line = |raw: &str| {
            format!(
                r#"{{"seq":1,"ts":"2026-05-30T22:25:00.000Z","at":"2026-05-30T22:25:00.000Z","author":"a","kind":"incident_opened","incident":"i","title":"t","severity":"sev2","runbook":"r","runbook_sha256":"x","runbook_source":{raw},"vars":{{}},"drill":false}}"#
            )
        };
        let text = |raw: &str| match parse(&line(raw)).map(|r| r.event) {
            Some(Event::Known(Known::IncidentOpened { runbook_source, .. })) => runbook_source,
            other => panic!("{raw}: {other:?}"),
        };
        // Read twice (the second from what the first left), and spelled other ways.
        for (raw, want) in [
            (r#""id = 1\nkind = \"x\"\n""#, "id = 1\nkind = \"x\"\n"),
            (r#""id = 1\nkind = \"x\"\n""#, "id = 1\nkind = \"x\"\n"),
            (r#""id = 1\u000akind = \"x\"\n""#, "id = 1\nkind = \"x\"\n"),
            (r#""id = 2\nkind = \"x\"\n""#, "id = 2\nkind = \"x\"\n"),
        ] {
            assert_eq!(text(raw), want, "{raw}");
        }
        // Not a string: the general way decides.
        assert!(parse(&line("12")).is_none());
        assert!(parse(&line("null")).is_none());
    }
}
