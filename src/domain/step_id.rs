//! `StepId`: a runbook step's id (`Step::id`), so a step's id is not mixed up with a title, a
//! role or an incident id. The parser builds it after checking its form
//! (`runbook::walk::check_id`); it reads as a `str`, serialises as the plain string, and
//! compares with an event's `step` field (`step == def.id`). The journal's events still carry the
//! step as a `String` (what was recorded is kept as written, even when a later runbook version
//! no longer has that step); they are typed at the runbook boundary only, for now.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct StepId(String);

impl StepId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for StepId {
    fn from(s: String) -> StepId {
        StepId(s)
    }
}

impl std::ops::Deref for StepId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<StepId> for String {
    fn eq(&self, o: &StepId) -> bool {
        *self == o.0
    }
}

impl PartialEq<StepId> for &str {
    fn eq(&self, o: &StepId) -> bool {
        *self == o.0
    }
}

impl PartialEq<&str> for StepId {
    fn eq(&self, o: &&str) -> bool {
        self.0 == *o
    }
}
