//! Reading a journal line back into a `Record`: the fast way (`flat`) when the line is the
//! plain case, else the general way, through a map of its fields, so that a kind this version
//! does not know keeps every field (`Event::Unknown`). The list of known kinds is here.

use super::{Event, Known, Record, flat};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

impl Record {
    /// Reads one journal line (without its newline): the fast way (`flat.rs`) when the line is
    /// the plain case, else the general way, `Deserialize`, which agrees with it.
    pub fn from_line(line: &[u8]) -> Result<Record, serde_json::Error> {
        if let Some(r) = std::str::from_utf8(line).ok().and_then(flat::parse) {
            return Ok(r);
        }
        serde_json::from_slice(line)
    }
}

/// The general way to read a record: any JSON object, through a map of its fields, so that a
/// kind this version does not know keeps every field.
impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Record, D::Error> {
        use serde::de::Error;
        use serde_json::Value;
        let mut map = serde_json::Map::deserialize(d)?;
        let time = |v: Option<Value>, name: &str| -> Result<Option<DateTime<Utc>>, D::Error> {
            match v {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => DateTime::parse_from_rfc3339(&s)
                    .map(|t| Some(t.with_timezone(&Utc)))
                    .map_err(|e| D::Error::custom(format!("`{name}`: {e}"))),
                Some(_) => Err(D::Error::custom(format!(
                    "`{name}` must be an RFC 3339 time"
                ))),
            }
        };
        let seq = map
            .remove("seq")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| D::Error::custom("record has no `seq`"))?;
        let ts =
            time(map.remove("ts"), "ts")?.ok_or_else(|| D::Error::custom("record has no `ts`"))?;
        let at =
            time(map.remove("at"), "at")?.ok_or_else(|| D::Error::custom("record has no `at`"))?;
        let author = match map.remove("author") {
            Some(Value::String(a)) => a,
            _ => return Err(D::Error::custom("record has no string `author`")),
        };
        let wall = time(map.remove("wall"), "wall")?;
        let event = Event::from_map(map).map_err(D::Error::custom)?;
        Ok(Record {
            seq,
            ts,
            at,
            author,
            wall,
            event,
        })
    }
}

impl Event {
    /// The event in a record's fields (the envelope already taken out): a known kind, or the
    /// raw fields of one this version does not know.
    fn from_map(map: serde_json::Map<String, serde_json::Value>) -> Result<Event, String> {
        let kind = match map.get("kind") {
            Some(serde_json::Value::String(k)) => k.clone(),
            _ => return Err("record has no string `kind`".into()),
        };
        let value = serde_json::Value::Object(map);
        if !KNOWN_KINDS.contains(&kind.as_str()) {
            return Ok(Event::Unknown { kind, raw: value });
        }
        // Known kinds take their fields by move (no copy of every string). One that does not
        // fit its kind (a hand edit, a bug) is kept as unknown, with the reason.
        match serde_json::from_value::<Known>(value) {
            Ok(k) => Ok(Event::Known(k)),
            Err(e) => Ok(Event::Unknown {
                raw: serde_json::json!({ "kind": kind, "unreadable": e.to_string() }),
                kind,
            }),
        }
    }
}

/// Every kind `Known` reads: kept in step with `Known::kind` by a test.
pub(super) const KNOWN_KINDS: &[&str] = &[
    "incident_opened",
    "step_started",
    "step_completed",
    "step_skipped",
    "decision_made",
    "checklist_toggled",
    "note_added",
    "milestone",
    "severity_changed",
    "role_assigned",
    "signoff_given",
    "signoff_overridden",
    "comms_sent",
    "command_started",
    "command_finished",
    "runbook_adopted",
    "incident_closed",
    "drill_configured",
    "inject_fired",
    "action_item_updated",
];

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Event, D::Error> {
        let mut map = serde_json::Map::deserialize(d)?;
        for k in ["seq", "ts", "at", "author", "wall"] {
            map.remove(k);
        }
        Event::from_map(map).map_err(serde::de::Error::custom)
    }
}
