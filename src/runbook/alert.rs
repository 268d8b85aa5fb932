//! An alert as an alerting system sends it: an Alertmanager webhook payload, a single
//! Prometheus alert, a list of them, or a Prometheus `/api/v1/alerts` answer, as JSON. What a
//! runbook takes from it: variables named by `from_label` / `from_annotation`, the severity
//! through `[alert_severity]`, and when it started firing. Pure: the caller reads the bytes.
//!
//! Input is hostile until checked: bounded in size, every error a message (never a panic),
//! and every value that reaches a terminal or a journal is sanitised and bounded.

use super::sanitize::visible;
use crate::domain::{Runbook, Severity};
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::Value;
use std::collections::BTreeMap;

/// A payload larger than this is refused (a webhook batch is kilobytes).
pub const MAX_BYTES: usize = 1 << 20;
/// The alert's record in the journal is cut at this many characters.
pub const MAX_RECORD_CHARS: usize = 2000;
/// `detected` is backdated at most this far.
pub const MAX_BACKDATE: Duration = Duration::days(7);

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// The `alertname` label.
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// `startsAt` (or `activeAt`), when it is a real time.
    pub starts_at: Option<DateTime<Utc>>,
    /// `firing` or `resolved`, when said.
    pub status: Option<String>,
    /// How many alerts the payload held (the first firing one is this one).
    pub of: usize,
}

/// Reads an alert payload. The error says what is wrong, with the line and column for JSON
/// that does not parse.
pub fn parse(bytes: &[u8]) -> Result<Alert, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "the alert is {} bytes, more than the {} a payload may have",
            bytes.len(),
            MAX_BYTES
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the alert is empty: expected an Alertmanager webhook payload or a Prometheus alert as JSON".into());
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "the alert is not valid JSON: {} at line {} column {}",
            first_words(&e.to_string()),
            e.line(),
            e.column()
        )
    })?;
    let list = alerts_of(&v)?;
    let of = list.len();
    let pick = list
        .iter()
        .find(|a| a.get("status").and_then(Value::as_str) == Some("firing"))
        .or_else(|| list.first())
        .ok_or("the payload holds no alerts")?;
    let mut alert = one(pick)?;
    alert.of = of;
    Ok(alert)
}

/// serde_json's message without its own "at line" suffix.
fn first_words(msg: &str) -> &str {
    msg.split(" at line ").next().unwrap_or(msg)
}

/// The alert objects in a payload, whichever shape it has.
fn alerts_of(v: &Value) -> Result<Vec<&Value>, String> {
    let shape = "expected an Alertmanager webhook payload (with \"alerts\"), a Prometheus alert (with \"labels\"), or a list of alerts";
    match v {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Object(o) if o.contains_key("labels") => Ok(vec![v]),
        Value::Object(o) => {
            let alerts = o
                .get("alerts")
                .or_else(|| o.get("data").and_then(|d| d.get("alerts")));
            match alerts {
                Some(Value::Array(items)) => Ok(items.iter().collect()),
                Some(_) => Err("\"alerts\" must be a list of alerts".into()),
                None => Err(format!("the JSON is not an alert: {shape}")),
            }
        }
        _ => Err(format!("the JSON is not an alert: {shape}")),
    }
}

fn one(v: &Value) -> Result<Alert, String> {
    let Value::Object(o) = v else {
        return Err("an alert must be a JSON object with \"labels\"".into());
    };
    let labels = strings(o.get("labels"), "labels")?;
    let annotations = strings(o.get("annotations"), "annotations")?;
    let name = labels
        .get("alertname")
        .filter(|n| !n.trim().is_empty())
        .cloned()
        .ok_or("the alert has no \"alertname\" label")?;
    let starts_at = ["startsAt", "activeAt"]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_str))
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        // Alertmanager writes the zero time, year 1, for "unknown".
        .filter(|t| t.year() >= 2000);
    let status = ["status", "state"]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_str))
        .map(|s| s.to_string());
    Ok(Alert {
        name,
        labels,
        annotations,
        starts_at,
        status,
        of: 1,
    })
}

/// A JSON object of strings (numbers and booleans are taken as written).
fn strings(v: Option<&Value>, what: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let Some(v) = v else { return Ok(out) };
    let Value::Object(o) = v else {
        return Err(format!("\"{what}\" must be an object of names to strings"));
    };
    for (k, v) in o {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => continue,
            _ => {
                return Err(format!(
                    "{what}.{}: expected a string, found {}",
                    visible(k),
                    kind(v)
                ));
            }
        };
        out.insert(k.clone(), s);
    }
    Ok(out)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
        _ => "another value",
    }
}

/// A value for a variable, taken from the alert, and where from (for messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    pub var: String,
    pub value: String,
    /// `label "namespace"` or `annotation "summary"`.
    pub from: String,
}

/// The values the runbook's variables take from the alert: a variable's `from_label` first,
/// then its `from_annotation`. They still go through the variable's pattern like any value.
pub fn values(rb: &Runbook, a: &Alert) -> Vec<Taken> {
    let mut out = Vec::new();
    for v in &rb.vars {
        let from_label = v
            .from_label
            .as_ref()
            .and_then(|l| a.labels.get(l).map(|x| (x, format!("label \"{l}\""))));
        let from_annotation = v.from_annotation.as_ref().and_then(|l| {
            a.annotations
                .get(l)
                .map(|x| (x, format!("annotation \"{l}\"")))
        });
        if let Some((value, from)) = from_label.or(from_annotation) {
            out.push(Taken {
                var: v.name.clone(),
                value: value.clone(),
                from,
            });
        }
    }
    out
}

/// The severity the alert's `severity` label means for this runbook, when it maps one.
pub fn severity(rb: &Runbook, a: &Alert) -> Option<Severity> {
    let label = a.labels.get("severity")?;
    rb.alert_severity
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(label.trim()))
        .map(|(_, s)| *s)
}

/// When the incident was detected: when the alert started firing, never in the future and at
/// most `MAX_BACKDATE` before `now`; `now` when the alert does not say.
pub fn detected(a: &Alert, now: DateTime<Utc>) -> DateTime<Utc> {
    a.starts_at
        .map_or(now, |t| t.min(now).max(now - MAX_BACKDATE))
}

/// The alert as recorded in the journal: name, status, start, labels and annotations,
/// sanitised, on one line each, at most `MAX_RECORD_CHARS` characters.
pub fn record_text(a: &Alert) -> String {
    let mut s = format!("Alert {}", visible(&a.name));
    if let Some(st) = &a.status {
        s.push_str(&format!(" ({})", visible(st)));
    }
    if let Some(t) = a.starts_at {
        s.push_str(&format!(" since {}", crate::domain::clock::stamp(t)));
    }
    if a.of > 1 {
        s.push_str(&format!(", 1 of {} in the notification", a.of));
    }
    let pairs = |m: &BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{}={}", visible(k), visible(v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    s.push_str(&format!("\nlabels: {}", pairs(&a.labels)));
    if !a.annotations.is_empty() {
        s.push_str(&format!("\nannotations: {}", pairs(&a.annotations)));
    }
    if s.chars().count() > MAX_RECORD_CHARS {
        s = s.chars().take(MAX_RECORD_CHARS).collect();
        s.push_str(" ...(cut)");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_gives_the_first_firing_alert() {
        let one = br#"{"labels":{"alertname":"A","ns":"x"},"startsAt":"2026-05-30T22:00:00Z"}"#;
        let a = parse(one).unwrap();
        assert_eq!((a.name.as_str(), a.of), ("A", 1));
        assert!(a.starts_at.is_some());
        let hook = br#"{"version":"4","status":"firing","alerts":[
            {"status":"resolved","labels":{"alertname":"Old"}},
            {"status":"firing","labels":{"alertname":"New"},"startsAt":"0001-01-01T00:00:00Z"}]}"#;
        let a = parse(hook).unwrap();
        assert_eq!((a.name.as_str(), a.of, a.starts_at), ("New", 2, None));
        let api = br#"{"status":"success","data":{"alerts":[{"labels":{"alertname":"P"},"state":"firing","activeAt":"2026-05-30T22:00:00.5Z"}]}}"#;
        assert_eq!(parse(api).unwrap().name, "P");
    }

    #[test]
    fn bad_payloads_are_errors_not_panics() {
        let deep = "[".repeat(100_000);
        let huge = vec![b' '; MAX_BYTES + 1];
        for (bad, says) in [
            (&b""[..], "empty"),
            (b"{\"labels\": {", "not valid JSON"),
            (b"42", "not an alert"),
            (b"{\"alerts\": []}", "no alerts"),
            (b"{\"labels\": {\"x\": \"y\"}}", "no \"alertname\""),
            (b"{\"labels\": {\"alertname\": [1]}}", "expected a string"),
            (deep.as_bytes(), "not valid JSON"),
            (&huge[..], "more than"),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains(says), "{e}");
        }
    }

    #[test]
    fn detected_is_bounded() {
        let now = DateTime::parse_from_rfc3339("2026-05-30T22:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s: &str| Alert {
            name: "A".into(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            starts_at: Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)),
            status: None,
            of: 1,
        };
        assert_eq!(
            detected(&at("2026-05-30T21:50:00Z"), now),
            now - Duration::minutes(10)
        );
        assert_eq!(detected(&at("2027-01-01T00:00:00Z"), now), now);
        assert_eq!(
            detected(&at("2020-01-01T00:00:00Z"), now),
            now - MAX_BACKDATE
        );
    }

    #[test]
    fn the_record_is_sanitised_and_bounded() {
        let long = "v".repeat(10_000);
        let json = format!(r#"{{"labels":{{"alertname":"A\u001b[31m","x":"{long}"}}}}"#);
        let r = record_text(&parse(json.as_bytes()).unwrap());
        assert!(!r.contains('\u{1b}'));
        assert!(r.chars().count() <= MAX_RECORD_CHARS + 10);
    }
}
