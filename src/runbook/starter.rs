//! The commented starter runbook written by `runbook new`: valid as written, and a tour of the
//! format for whoever fills it in.

/// The starter runbook for `id` of incident type `kind`.
pub fn starter(id: &str, incident_type: &str) -> String {
    TEMPLATE
        .replace("@ID@", id)
        .replace("@TYPE@", incident_type)
}

const TEMPLATE: &str = r#"# A runbook: one incident type, walked step by step. Check it with `runbook validate`.
# Every field is described in the README ("The runbook format").
schema_version = 1
id = "@ID@"                          # unique across the library: a-z, 0-9 and '-'
title = "Describe the incident in one line"
incident_type = "@TYPE@"             # runbooks are grouped and picked by incident type
severity = "sev2"                    # default severity: sev1 (worst) .. sev4
summary = "When to use this runbook, in a sentence or two."
tags = []                            # words to find it by
alerts = []                          # alert names that suggest it; '*' and '?' are wildcards
owners = []                          # the team that keeps it up to date
links = [{ title = "Dashboard", url = "https://grafana.example/d/{{service}}" }]

[vars.service]                       # asked for at start; use as {{service}} in text
prompt = "Which service is affected?"
default = "api"
pattern = "^[a-z0-9-]+$"

[[steps]]
id = "declare"
title = "Declare the incident and name an incident commander"
kind = "action"                      # action | check | command | decision | wait | comms
role = "ic"                          # ic | ops | comms | scribe | any role name
target = "5m"                        # expected duration: 90s, 5m, 1h30m
milestone = "acknowledged"           # started | detected | acknowledged | identified | mitigated | resolved
checklist = ["Open the incident channel", "Page the secondary on-call"]

[[steps]]
id = "health"
title = "Check {{service}} health"
kind = "command"
command = "curl -fsS https://{{service}}.internal.example/healthz"
expect = "HTTP 200 and status ok"
timeout = "30s"

[[steps]]
id = "healthy"
title = "Is {{service}} healthy?"
kind = "decision"
choices = [
  { label = "Yes: the incident is over", next = "resolve" },
  { label = "No: mitigate", next = "mitigate" },
]

[[steps]]
id = "mitigate"
title = "Mitigate: roll back, fail over or shed load"
kind = "action"
role = "ops"
requires_signoff = true              # a second person signs off before it is done
milestone = "mitigated"
target = "15m"
next = "health"                      # jump back to re-check: the decision above is the way out

[[steps]]
id = "resolve"
title = "Post the all-clear"
kind = "comms"
role = "comms"
template = "{{service}} is operating normally. A postmortem will follow."
milestone = "resolved"
end = true
"#;
