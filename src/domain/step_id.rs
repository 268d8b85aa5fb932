//! `StepId`: a runbook step's id (`Step::id`), so a step's id is not mixed up with a title, a
//! role or an incident id. The parser builds it after checking its form
//! (`runbook::walk::check_id`); it reads as a `str`, serialises as the plain string, and
//! compares with an event's `step` field as `id == step`. The journal's events still carry the
//! step as a `String` (what was recorded is kept as written, even when a later runbook version
//! no longer has that step); they are typed at the runbook boundary only, for now.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

impl From<&str> for StepId {
    fn from(s: &str) -> StepId {
        StepId(s.to_string())
    }
}

impl From<StepId> for String {
    fn from(s: StepId) -> String {
        s.0
    }
}

impl std::ops::Deref for StepId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for StepId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for StepId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for StepId {
    fn eq(&self, o: &str) -> bool {
        self.0 == o
    }
}

impl PartialEq<&str> for StepId {
    fn eq(&self, o: &&str) -> bool {
        self.0 == *o
    }
}

impl PartialEq<String> for StepId {
    fn eq(&self, o: &String) -> bool {
        &self.0 == o
    }
}

impl PartialEq<StepId> for String {
    fn eq(&self, o: &StepId) -> bool {
        *self == o.0
    }
}

impl PartialEq<StepId> for str {
    fn eq(&self, o: &StepId) -> bool {
        self == o.0
    }
}

impl PartialEq<StepId> for &str {
    fn eq(&self, o: &StepId) -> bool {
        *self == o.0
    }
}
