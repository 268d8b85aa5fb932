//! The journal's facts. One `Record` per line: `seq`, `ts` (when it was recorded), `at` (when
//! it happened: equal to `ts` unless backdated), `author`, `kind` and the kind's fields.
//! Field names are a contract: people read journals with `jq` and `grep`.
//!
//! Kinds this version does not know (written by a newer one) are kept as `Event::Unknown` with
//! their raw JSON, never an error.
//!
//! Here: the types and how they are written; reading a line back is `read` (the general way)
//! and `flat` (the fast way for the plain case, which `read` tries first).

mod flat;
mod read;

use read::KNOWN_KINDS;

use super::{Milestone, Severity, StepId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;

/// One line of a journal. Deserialised by hand (below): opening a journal parses every line,
/// and serde's `flatten` and internally tagged enums would buffer each record twice.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Record {
    pub seq: u64,
    #[serde(with = "millis")]
    pub ts: DateTime<Utc>,
    #[serde(with = "millis")]
    pub at: DateTime<Utc>,
    pub author: String,
    /// Real wall-clock time, for records made on a drill's simulated clock.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "millis_opt")]
    pub wall: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub event: Event,
}

impl Record {
    /// True when the responder said it happened earlier than it was recorded.
    pub fn backdated(&self) -> bool {
        self.at < self.ts
    }
}

/// Did a check or command step go well?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Failed,
}

/// What happened. `#[serde(tag = "kind")]`: the kind name is a field of the same object.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Known(Known),
    /// A kind from a newer version (or a known kind this version cannot read), kept raw.
    Unknown {
        kind: String,
        raw: serde_json::Value,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Known {
    IncidentOpened {
        incident: String,
        title: String,
        severity: Severity,
        runbook: String,
        runbook_sha256: String,
        /// The runbook's full source: the incident is pinned to the runbook as it was.
        runbook_source: String,
        vars: BTreeMap<String, String>,
        drill: bool,
    },
    StepStarted {
        step: StepId,
    },
    StepCompleted {
        step: StepId,
        outcome: Outcome,
    },
    StepSkipped {
        step: StepId,
        reason: String,
    },
    DecisionMade {
        step: StepId,
        /// 1-based, as shown to the responder.
        choice: usize,
        label: String,
        next: String,
    },
    ChecklistToggled {
        step: StepId,
        item: usize,
        checked: bool,
    },
    NoteAdded {
        text: String,
        #[serde(default)]
        action_item: bool,
        #[serde(default)]
        decision: bool,
    },
    Milestone {
        milestone: Milestone,
    },
    SeverityChanged {
        severity: Severity,
    },
    RoleAssigned {
        role: String,
        person: String,
    },
    /// The record's author signs off the step, as themself: the signer is always the author.
    /// `by` repeats the author's name (older versions wrote a name typed by whoever recorded
    /// it; the fold counts the author and flags a different name).
    SignoffGiven {
        step: StepId,
        by: String,
    },
    /// Break glass: the author completes (or runs) a step that needs a second person's
    /// sign-off without one, and says why. Flagged in the timeline, `status` and every export.
    SignoffOverridden {
        step: StepId,
        reason: String,
    },
    CommsSent {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<StepId>,
        text: String,
    },
    /// A step's command is about to run, exactly as `command` says (variables filled in and
    /// quoted). Its `seq` is the run's id: the `command_finished` answering it names it.
    CommandStarted {
        step: StepId,
        command: String,
        /// How long it may run, in seconds (absent in journals of older versions).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_s: Option<u64>,
    },
    CommandFinished {
        step: StepId,
        command: String,
        /// The run this answers: the `seq` of its `command_started` (absent in journals of
        /// older versions, where a finish answers the step's last unfinished start).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        run: Option<u64>,
        /// None when the command was killed (timeout or signal).
        exit_code: Option<i32>,
        duration_ms: u64,
        #[serde(default)]
        timed_out: bool,
        /// Stopped by the responder (a signal to `runbook run`, or the app) before it ended.
        #[serde(default)]
        interrupted: bool,
        /// The first and last lines of the output, bounded.
        output_excerpt: String,
        /// The sha256 of the output kept in the saved file (all of it unless `output_cut`).
        output_sha256: String,
        /// How many bytes the command printed in all (absent in older journals).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output_bytes: Option<u64>,
        /// The saved output stops at the cap (`RUNBOOK_OUTPUT_CAP`): it printed more.
        #[serde(default)]
        output_cut: bool,
        /// Where the output was saved.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output_path: Option<String>,
    },
    RunbookAdopted {
        runbook_sha256: String,
        runbook_source: String,
    },
    IncidentClosed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        summary: Option<String>,
    },
    /// A drill's scenario and clock speed, recorded right after the opening of a drill started
    /// with `runbook drill`, so that resuming it continues the same drill.
    DrillConfigured {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scenario: Option<ScenarioPin>,
        /// How many times faster than real time the drill's clock runs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speed: Option<f64>,
    },
    /// One of the scenario's injects was announced to the responders.
    InjectFired {
        /// 1-based position in the scenario's `[[injects]]`.
        inject: usize,
        text: String,
        /// The step whose command shows the inject's canned output.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        for_step: Option<String>,
    },
    /// An action item followed up: marked done (or open again), given an owner, or linked to
    /// where it is tracked. Only what is given changes; it may be recorded after the close.
    ActionItemUpdated {
        /// The `seq` of the note that is the action item.
        note: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        done: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        /// Where it is tracked (an http or https URL).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
}

/// A drill's scenario as it was when the drill started: later edits of the file never change
/// a drill under way (the same way `incident_opened` pins the runbook).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioPin {
    pub id: String,
    pub sha256: String,
    /// The scenario file's full source.
    pub source: String,
}

impl Event {
    pub fn kind(&self) -> &str {
        match self {
            Event::Unknown { kind, .. } => kind,
            Event::Known(k) => k.kind(),
        }
    }
}

impl Known {
    pub fn kind(&self) -> &'static str {
        match self {
            Known::IncidentOpened { .. } => "incident_opened",
            Known::StepStarted { .. } => "step_started",
            Known::StepCompleted { .. } => "step_completed",
            Known::StepSkipped { .. } => "step_skipped",
            Known::DecisionMade { .. } => "decision_made",
            Known::ChecklistToggled { .. } => "checklist_toggled",
            Known::NoteAdded { .. } => "note_added",
            Known::Milestone { .. } => "milestone",
            Known::SeverityChanged { .. } => "severity_changed",
            Known::RoleAssigned { .. } => "role_assigned",
            Known::SignoffGiven { .. } => "signoff_given",
            Known::SignoffOverridden { .. } => "signoff_overridden",
            Known::CommsSent { .. } => "comms_sent",
            Known::CommandStarted { .. } => "command_started",
            Known::CommandFinished { .. } => "command_finished",
            Known::RunbookAdopted { .. } => "runbook_adopted",
            Known::IncidentClosed { .. } => "incident_closed",
            Known::DrillConfigured { .. } => "drill_configured",
            Known::InjectFired { .. } => "inject_fired",
            Known::ActionItemUpdated { .. } => "action_item_updated",
        }
    }
}

impl From<Known> for Event {
    fn from(k: Known) -> Event {
        Event::Known(k)
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Event::Known(k) => k.serialize(s),
            Event::Unknown { raw, .. } => raw.serialize(s),
        }
    }
}

/// `ts`/`at` written as RFC 3339 UTC with milliseconds (read back by `Record`'s deserializer).
mod millis {
    use chrono::{DateTime, Utc};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::domain::clock::stamp(*t))
    }
}

mod millis_opt {
    use chrono::{DateTime, Utc};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::millis::serialize(t, s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 30, h, m, 0).unwrap()
    }

    #[test]
    fn records_are_one_flat_json_object_with_millisecond_utc_times() {
        let r = Record {
            seq: 3,
            ts: t(22, 25),
            at: t(22, 15),
            author: "ana".into(),
            wall: None,
            event: Known::Milestone {
                milestone: Milestone::Detected,
            }
            .into(),
        };
        let line = serde_json::to_string(&r).unwrap();
        assert_eq!(
            line,
            r#"{"seq":3,"ts":"2026-05-30T22:25:00.000Z","at":"2026-05-30T22:15:00.000Z","author":"ana","kind":"milestone","milestone":"detected"}"#
        );
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(back, r);
        assert!(back.backdated());
    }

    /// A step id is typed (`StepId`) but written as the plain string it always was: lines
    /// written before it was typed read back (by both readers) to records that write the same
    /// bytes again, and a step the runbook no longer has is still just a name.
    #[test]
    fn records_naming_a_step_round_trip_to_the_same_bytes() {
        let lines = [
            r#"{"seq":2,"ts":"2026-05-30T22:16:00.000Z","at":"2026-05-30T22:16:00.000Z","author":"ana","kind":"step_started","step":"etcd-health"}"#,
            r#"{"seq":3,"ts":"2026-05-30T22:17:00.000Z","at":"2026-05-30T22:17:00.000Z","author":"ana","kind":"step_completed","step":"etcd-health","outcome":"ok"}"#,
            r#"{"seq":4,"ts":"2026-05-30T22:18:00.000Z","at":"2026-05-30T22:18:00.000Z","author":"bo","kind":"signoff_given","step":"a step since dropped","by":"bo"}"#,
            r#"{"seq":5,"ts":"2026-05-30T22:19:00.000Z","at":"2026-05-30T22:19:00.000Z","author":"ana","kind":"comms_sent","step":"first-update","text":"[Investigating]"}"#,
            r#"{"seq":6,"ts":"2026-05-30T22:20:00.000Z","at":"2026-05-30T22:20:00.000Z","author":"ana","kind":"comms_sent","text":"no step"}"#,
        ];
        for line in lines {
            let fast = flat::parse(line).expect("a plain line reads the fast way");
            let general: Record = serde_json::from_str(line).unwrap();
            assert_eq!(fast, general, "{line}");
            assert_eq!(serde_json::to_string(&fast).unwrap(), line);
            assert_eq!(serde_json::to_string(&general).unwrap(), line);
        }
        let r = Record::from_line(lines[2].as_bytes()).unwrap();
        assert!(
            matches!(&r.event, Event::Known(Known::SignoffGiven { step, .. })
            if step.as_str() == "a step since dropped")
        );
    }

    #[test]
    fn unknown_kinds_are_kept_raw_and_written_back_unchanged() {
        let line = r#"{"seq":1,"ts":"2026-05-30T22:25:00.000Z","at":"2026-05-30T22:25:00.000Z","author":"ana","kind":"hologram_projected","intensity":9}"#;
        let r: Record = serde_json::from_str(line).unwrap();
        assert_eq!(r.event.kind(), "hologram_projected");
        assert!(matches!(&r.event, Event::Unknown { raw, .. } if raw["intensity"] == 9));
        // Nothing is lost: the record serialises to the same JSON (key order aside).
        let back: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(line).unwrap()
        );
    }

    #[test]
    fn drill_records_round_trip_and_leave_out_what_they_do_not_have() {
        let r = Record {
            seq: 5,
            ts: t(22, 17),
            at: t(22, 17),
            author: "drill".into(),
            wall: Some(t(22, 12)),
            event: Known::InjectFired {
                inject: 1,
                text: "uptime alarm".into(),
                for_step: None,
            }
            .into(),
        };
        let line = serde_json::to_string(&r).unwrap();
        assert_eq!(
            line,
            r#"{"seq":5,"ts":"2026-05-30T22:17:00.000Z","at":"2026-05-30T22:17:00.000Z","author":"drill","wall":"2026-05-30T22:12:00.000Z","kind":"inject_fired","inject":1,"text":"uptime alarm"}"#
        );
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), r);
        let bare = r#"{"seq":2,"ts":"2026-05-30T22:17:00.000Z","at":"2026-05-30T22:17:00.000Z","author":"a","kind":"drill_configured"}"#;
        let r: Record = serde_json::from_str(bare).unwrap();
        assert_eq!(
            r.event,
            Event::Known(Known::DrillConfigured {
                scenario: None,
                speed: None
            })
        );
        assert_eq!(serde_json::to_string(&r).unwrap(), bare);
    }

    #[test]
    fn the_known_kinds_list_matches_the_enum() {
        // Every name `Known::kind` returns must be in KNOWN_KINDS, or such records would be
        // read as unknown. The names are taken from kind()'s source so a new variant is seen.
        let src = include_str!("event.rs");
        let body = &src[src.find("pub fn kind(&self) -> &'static str {").unwrap()..];
        let body = &body[..body.find("\n    }\n").unwrap()];
        let names: Vec<&str> = body.split('"').skip(1).step_by(2).collect();
        assert!(names.len() >= 18, "{names:?}");
        for n in &names {
            assert!(KNOWN_KINDS.contains(n), "{n} missing from KNOWN_KINDS");
        }
        assert_eq!(names.len(), KNOWN_KINDS.len());
    }

    #[test]
    fn records_without_a_kind_or_seq_are_errors() {
        assert!(serde_json::from_str::<Record>(r#"{"seq":1,"ts":"2026-05-30T22:25:00.000Z","at":"2026-05-30T22:25:00.000Z","author":"a"}"#).is_err());
        assert!(serde_json::from_str::<Record>(r#"{"ts":"x","kind":"milestone"}"#).is_err());
    }
}
