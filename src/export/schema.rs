//! The JSON Schema (draft 2020-12) of the export's JSON document, `schema_version` 1: the
//! contract other tools read against. Tests validate real exports against it, and
//! `docs/export.md` quotes it verbatim (a test checks that too).
//!
//! Objects list every key (`additionalProperties: false`) so the schema stays complete;
//! readers should still ignore keys they do not know, since adding one does not bump the
//! version.

/// The schema, as JSON text.
pub const JSON_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "runbook export, schema_version 1",
  "type": "object",
  "additionalProperties": false,
  "required": ["schema_version", "incident", "overrides", "milestones", "metrics", "severity_history",
    "roles", "timeline", "steps", "decisions", "deviations", "action_items", "commands",
    "unfinished_commands", "warnings"],
  "properties": {
    "schema_version": { "const": 1 },
    "incident": {
      "type": "object",
      "additionalProperties": false,
      "required": ["id", "title", "runbook", "severity", "drill", "opened", "opened_by", "closed"],
      "properties": {
        "id": { "type": "string" },
        "title": { "type": "string" },
        "runbook": {
          "type": "object",
          "additionalProperties": false,
          "required": ["id", "sha256"],
          "properties": {
            "id": { "type": "string" },
            "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
            "about": { "type": ["string", "null"] }
          }
        },
        "severity": { "$ref": "#/$defs/severity" },
        "drill": { "type": "boolean" },
        "opened": { "$ref": "#/$defs/time" },
        "opened_by": { "type": "string" },
        "closed": { "$ref": "#/$defs/time_or_null" }
      }
    },
    "overrides": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["seq", "at", "by", "step", "reason"],
        "properties": {
          "seq": { "type": "integer", "minimum": 1 },
          "at": { "$ref": "#/$defs/time" },
          "by": { "type": "string" },
          "step": { "type": "string" },
          "reason": { "type": "string" }
        }
      }
    },
    "milestones": {
      "type": "object",
      "propertyNames": { "enum": ["started", "detected", "acknowledged", "identified", "mitigated", "resolved"] },
      "additionalProperties": { "$ref": "#/$defs/time" }
    },
    "metrics": {
      "type": "object",
      "additionalProperties": false,
      "required": ["time_to_detect_s", "time_to_acknowledge_s", "time_to_mitigate_s", "time_to_resolve_s",
        "time_at_severity_s"],
      "properties": {
        "time_to_detect_s": { "type": ["integer", "null"] },
        "time_to_acknowledge_s": { "type": ["integer", "null"] },
        "time_to_mitigate_s": { "type": ["integer", "null"] },
        "time_to_resolve_s": { "type": ["integer", "null"] },
        "time_at_severity_s": {
          "type": "object",
          "propertyNames": { "$ref": "#/$defs/severity" },
          "additionalProperties": { "type": "integer", "minimum": 0 }
        }
      }
    },
    "severity_history": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["at", "severity"],
        "properties": { "at": { "$ref": "#/$defs/time" }, "severity": { "$ref": "#/$defs/severity" } }
      }
    },
    "roles": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["at", "role", "person"],
        "properties": {
          "at": { "$ref": "#/$defs/time" },
          "role": { "type": "string" },
          "person": { "type": "string" }
        }
      }
    },
    "timeline": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["seq", "at", "ts", "kind", "author", "text"],
        "properties": {
          "seq": { "type": "integer", "minimum": 1 },
          "at": { "$ref": "#/$defs/time" },
          "ts": { "$ref": "#/$defs/time" },
          "kind": { "type": "string" },
          "author": { "type": "string" },
          "text": { "type": "string" }
        }
      }
    },
    "steps": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "title", "kind", "status", "started", "ended", "duration_s", "target_s",
          "over_target_s", "runs", "skip_reason", "signed_off_by", "retired"],
        "properties": {
          "id": { "type": "string" },
          "title": { "type": "string" },
          "kind": { "enum": ["action", "check", "command", "decision", "wait", "comms"] },
          "status": { "enum": ["done", "failed", "skipped", "in_progress", "not_reached"] },
          "started": { "$ref": "#/$defs/time_or_null" },
          "ended": { "$ref": "#/$defs/time_or_null" },
          "duration_s": { "type": ["integer", "null"] },
          "target_s": { "type": ["integer", "null"] },
          "over_target_s": { "type": ["integer", "null"], "minimum": 1 },
          "runs": { "type": "integer", "minimum": 0 },
          "skip_reason": { "type": ["string", "null"] },
          "signed_off_by": { "type": ["string", "null"] },
          "retired": { "type": "boolean" }
        }
      }
    },
    "decisions": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["at", "step", "choice", "label", "next"],
        "properties": {
          "at": { "$ref": "#/$defs/time" },
          "step": { "type": "string" },
          "choice": { "type": "integer", "minimum": 1 },
          "label": { "type": "string" },
          "next": { "type": "string" }
        }
      }
    },
    "deviations": {
      "type": "object",
      "additionalProperties": false,
      "required": ["skipped", "out_of_order", "over_target", "outside_runbook"],
      "properties": {
        "skipped": { "type": "array", "items": { "type": "string" } },
        "out_of_order": {
          "type": "array",
          "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["seq", "at", "step", "what", "expected_after"],
            "properties": {
              "seq": { "type": "integer", "minimum": 1 },
              "at": { "$ref": "#/$defs/time" },
              "step": { "type": "string" },
              "what": { "enum": ["started", "completed", "failed", "decided"] },
              "expected_after": { "type": "array", "items": { "type": "string" } }
            }
          }
        },
        "over_target": { "type": "array", "items": { "type": "string" } },
        "outside_runbook": { "type": "array", "items": { "$ref": "#/$defs/note" } }
      }
    },
    "action_items": { "type": "array", "items": { "$ref": "#/$defs/note" } },
    "commands": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["seq", "at", "step", "command", "exit_code", "timed_out", "duration_ms",
          "output_excerpt", "output_sha256", "run", "interrupted", "output_bytes", "output_cut"],
        "properties": {
          "seq": { "type": "integer", "minimum": 1 },
          "at": { "$ref": "#/$defs/time" },
          "step": { "type": "string" },
          "command": { "type": "string" },
          "exit_code": { "type": ["integer", "null"] },
          "timed_out": { "type": "boolean" },
          "duration_ms": { "type": "integer", "minimum": 0 },
          "output_excerpt": { "type": "string" },
          "output_sha256": { "type": "string" },
          "run": { "type": ["integer", "null"], "minimum": 1 },
          "interrupted": { "type": "boolean" },
          "output_bytes": { "type": ["integer", "null"], "minimum": 0 },
          "output_cut": { "type": "boolean" }
        }
      }
    },
    "unfinished_commands": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["run", "at", "step", "command", "timeout_s", "result"],
        "properties": {
          "run": { "type": "integer", "minimum": 1 },
          "at": { "$ref": "#/$defs/time" },
          "step": { "type": "string" },
          "command": { "type": "string" },
          "timeout_s": { "type": ["integer", "null"], "minimum": 0 },
          "result": { "const": "interrupted, result unknown" }
        }
      }
    },
    "warnings": { "type": "array", "items": { "type": "string" } }
  },
  "$defs": {
    "time": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$" },
    "time_or_null": { "anyOf": [{ "$ref": "#/$defs/time" }, { "type": "null" }] },
    "severity": { "enum": ["sev1", "sev2", "sev3", "sev4"] },
    "note": {
      "type": "object",
      "additionalProperties": false,
      "required": ["seq", "at", "author", "text"],
      "properties": {
        "seq": { "type": "integer", "minimum": 1 },
        "at": { "$ref": "#/$defs/time" },
        "author": { "type": "string" },
        "text": { "type": "string" }
      }
    }
  }
}
"##;

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_is_json() {
        let v: serde_json::Value = serde_json::from_str(super::JSON_SCHEMA).unwrap();
        assert_eq!(
            v["properties"]["schema_version"]["const"],
            super::super::SCHEMA_VERSION
        );
    }
}
