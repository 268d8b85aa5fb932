//! The JSON Schema of the runbook format (`runbook schema`), generated from the same field
//! tables the loader uses, so editors (taplo, Even Better TOML) check what the loader checks.

use super::fields::{self, Field, Ty};
use serde_json::{Map, Value, json};

/// Duration syntax, as a regex: units d, h, m, s, in that order, each at most once.
pub const DURATION_PATTERN: &str = r"^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$";
pub const ID_PATTERN: &str = "^[a-z0-9][a-z0-9-]*$";

pub fn schema() -> Value {
    let mut root = object(fields::TOP, "runbook");
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert(
        "$id".into(),
        json!("https://runbook.dev/schema/runbook-v1.json"),
    );
    root.insert("title".into(), json!("runbook, schema_version 1"));
    Value::Object(root)
}

fn object(fs: &[Field], what: &str) -> Map<String, Value> {
    let mut props = Map::new();
    for f in fs {
        let mut p = ty(f.ty, f.name);
        if let Value::Object(m) = &mut p {
            m.insert("description".into(), json!(f.doc));
        }
        props.insert(f.name.into(), p);
    }
    let required: Vec<&str> = fs.iter().filter(|f| f.required).map(|f| f.name).collect();
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    m.insert("description".into(), json!(format!("A {what}.")));
    m.insert("properties".into(), Value::Object(props));
    m.insert("required".into(), json!(required));
    m.insert("additionalProperties".into(), json!(false));
    m
}

fn ty(t: Ty, name: &str) -> Value {
    match t {
        Ty::Str => json!({ "type": "string" }),
        Ty::Int if name == "schema_version" => json!({ "type": "integer", "const": 1 }),
        Ty::Int => json!({ "type": "integer" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Id => json!({ "type": "string", "pattern": ID_PATTERN, "maxLength": 64 }),
        Ty::Duration => json!({ "type": "string", "pattern": DURATION_PATTERN, "minLength": 2 }),
        Ty::Enum(names) => json!({ "type": "string", "enum": names }),
        Ty::StrList => json!({ "type": "array", "items": { "type": "string" } }),
        Ty::LinkList => json!({ "type": "array", "items": object(fields::LINK, "link") }),
        Ty::ChoiceList => {
            json!({ "type": "array", "minItems": 2, "items": object(fields::CHOICE, "decision choice") })
        }
        Ty::VarTable => json!({
            "type": "object",
            "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
            "additionalProperties": object(fields::VAR, "variable"),
        }),
        Ty::StepList => json!({ "type": "array", "minItems": 1, "items": step() }),
        Ty::EnvTable => json!({
            "type": "object",
            "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
            "additionalProperties": { "type": "string" },
        }),
        Ty::SevTable => json!({
            "type": "object",
            "additionalProperties": { "type": "string", "enum": fields::SEVERITIES },
        }),
    }
}

/// A step: the common object, plus per-kind rules (required fields, fields that do not apply)
/// and "`next` or `end`, not both".
fn step() -> Value {
    let mut m = object(fields::STEP, "step");
    let mut rules = Vec::new();
    for kind in fields::KINDS {
        let forbidden: Map<String, Value> = fields::STEP
            .iter()
            .filter(|f| !f.kinds.is_empty() && !f.kinds.contains(kind))
            .map(|f| (f.name.to_string(), json!(false)))
            .collect();
        rules.push(json!({
            "if": { "properties": { "kind": { "const": kind } }, "required": ["kind"] },
            "then": { "required": fields::required_for_kind(kind), "properties": forbidden },
        }));
    }
    rules.push(json!({ "not": { "required": ["next", "end"], "properties": { "end": { "const": true } } } }));
    m.insert("allOf".into(), Value::Array(rules));
    Value::Object(m)
}
