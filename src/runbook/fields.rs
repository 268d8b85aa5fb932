//! The runbook format's fields, declared once. The loader checks unknown fields against these
//! tables and the JSON Schema (`runbook schema`) is generated from them, so the two cannot drift.

/// The type of a field's value, as the format describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Str,
    Int,
    Bool,
    /// `[a-z0-9-]+`, as used for runbook and step ids.
    Id,
    /// `90s`, `5m`, `1h30m`.
    Duration,
    /// One of a closed set of names.
    Enum(&'static [&'static str]),
    StrList,
    LinkList,
    ChoiceList,
    VarTable,
    StepList,
    /// A table of shell variable names to strings (`[env]`).
    EnvTable,
    /// A table of alert severity label values to `sev1`..`sev4` (`[alert_severity]`).
    SevTable,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// Step kinds this field applies to; empty means every kind.
    pub kinds: &'static [&'static str],
    pub doc: &'static str,
}

const fn f(name: &'static str, ty: Ty, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required,
        kinds: &[],
        doc,
    }
}

const fn k(name: &'static str, ty: Ty, kinds: &'static [&'static str], doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        kinds,
        doc,
    }
}

pub const SEVERITIES: &[&str] = &["sev1", "sev2", "sev3", "sev4"];
pub const MILESTONES: &[&str] = &[
    "started",
    "detected",
    "acknowledged",
    "identified",
    "mitigated",
    "resolved",
];
pub const KINDS: &[&str] = &crate::domain::KIND_NAMES;
const NOT_DECISION: &[&str] = &["action", "check", "command", "wait", "comms"];

pub const TOP: &[Field] = &[
    f(
        "schema_version",
        Ty::Int,
        true,
        "Format version; must be 1.",
    ),
    f(
        "id",
        Ty::Id,
        true,
        "Unique id across the library: lowercase letters, digits and '-'.",
    ),
    f(
        "title",
        Ty::Str,
        true,
        "One-line title shown in the picker.",
    ),
    f(
        "incident_type",
        Ty::Id,
        true,
        "Runbooks are grouped and picked by incident type.",
    ),
    f(
        "severity",
        Ty::Enum(SEVERITIES),
        true,
        "Default severity of incidents started from it.",
    ),
    f(
        "summary",
        Ty::Str,
        false,
        "When to use this runbook, in a sentence or two.",
    ),
    f(
        "about",
        Ty::Str,
        false,
        "Meaning, impact and context, in Markdown: one key away in the app, and in the export.",
    ),
    f("tags", Ty::StrList, false, "Words to find it by."),
    f(
        "alerts",
        Ty::StrList,
        false,
        "Alert names that suggest this runbook; '*' and '?' are wildcards.",
    ),
    f(
        "owners",
        Ty::StrList,
        false,
        "Teams that own and review it.",
    ),
    f(
        "links",
        Ty::LinkList,
        false,
        "Dashboards and docs: { title, url }.",
    ),
    f(
        "vars",
        Ty::VarTable,
        false,
        "Values asked for when an incident starts; {{name}} in text.",
    ),
    f("steps", Ty::StepList, true, "The steps, in order."),
    f(
        "env",
        Ty::EnvTable,
        false,
        "Shell variables exported to every command step (each runs in a fresh shell); {{var}} is filled in.",
    ),
    f(
        "alert_severity",
        Ty::SevTable,
        false,
        "An alert's severity label value to the incident severity, e.g. critical = \"sev1\".",
    ),
];

pub const VAR: &[Field] = &[
    f(
        "prompt",
        Ty::Str,
        true,
        "The question asked when an incident starts.",
    ),
    f(
        "default",
        Ty::Str,
        false,
        "Value used when the responder gives none; without it the value is required.",
    ),
    f(
        "pattern",
        Ty::Str,
        false,
        "Regular expression the value must match (anchor it with ^ and $).",
    ),
    f(
        "from_label",
        Ty::Str,
        false,
        "Started from an alert: take the value of this label.",
    ),
    f(
        "from_annotation",
        Ty::Str,
        false,
        "Started from an alert: take the value of this annotation (when no label gave one).",
    ),
];

pub const STEP: &[Field] = &[
    f(
        "id",
        Ty::Id,
        true,
        "Unique within the runbook: lowercase letters, digits and '-'.",
    ),
    f("title", Ty::Str, true, "What to do, in one line."),
    f(
        "kind",
        Ty::Enum(KINDS),
        true,
        "action, check, command, decision, wait or comms.",
    ),
    f(
        "role",
        Ty::Str,
        false,
        "Who does it: ic, ops, comms, scribe, or any role name.",
    ),
    f(
        "target",
        Ty::Duration,
        false,
        "Expected duration; overruns are shown and reported.",
    ),
    f(
        "milestone",
        Ty::Enum(MILESTONES),
        false,
        "Completing this step records that milestone.",
    ),
    f(
        "body",
        Ty::Str,
        false,
        "Guidance shown with the step; {{var}} is filled in.",
    ),
    f("checklist", Ty::StrList, false, "Items to tick off."),
    f(
        "links",
        Ty::LinkList,
        false,
        "Links for this step: { title, url }.",
    ),
    f(
        "requires_signoff",
        Ty::Bool,
        false,
        "A second person signs off (as themself) before it is done, its decision taken or its command run.",
    ),
    k(
        "next",
        Ty::Id,
        NOT_DECISION,
        "Step to go to next (default: the next step in the file).",
    ),
    k("end", Ty::Bool, NOT_DECISION, "This step ends the runbook."),
    k(
        "command",
        Ty::Str,
        &["command"],
        "Shell command; shown in full and confirmed before it runs.",
    ),
    k(
        "expect",
        Ty::Str,
        &["command", "check"],
        "What a good result looks like.",
    ),
    k(
        "timeout",
        Ty::Duration,
        &["command"],
        "How long the command may run (default 60s).",
    ),
    k(
        "choices",
        Ty::ChoiceList,
        &["decision"],
        "At least two { label, next } choices.",
    ),
    k("duration", Ty::Duration, &["wait"], "How long to wait."),
    k(
        "template",
        Ty::Str,
        &["comms"],
        "The message to send; {{var}} is filled in.",
    ),
    k(
        "every",
        Ty::Duration,
        &["comms"],
        "Cadence of status updates; the app reminds when one is due.",
    ),
];

/// Fields a step of the given kind must have, beyond the common ones.
pub fn required_for_kind(kind: &str) -> &'static [&'static str] {
    match kind {
        "command" => &["command"],
        "decision" => &["choices"],
        "wait" => &["duration"],
        "comms" => &["template"],
        _ => &[],
    }
}

pub const CHOICE: &[Field] = &[
    f("label", Ty::Str, true, "What the responder picks."),
    f("next", Ty::Id, true, "The step this choice jumps to."),
];

pub const LINK: &[Field] = &[
    f("title", Ty::Str, true, "Link text."),
    f("url", Ty::Str, true, "Where it goes."),
];

pub fn names(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

pub fn find<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.name == name)
}
