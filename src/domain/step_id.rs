//! `StepId`: a runbook step's id (`Step::id`), so a step's id is not mixed up with a title, a
//! role or an incident id. The parser makes one for each step after checking its form
//! (`runbook::walk::check_id`). The journal's events (`event::Known`) and the fold's state
//! (`incident::CommandRun`, `Comms`, `Mark`, ...) carry the step they name as one too, read and
//! written as the plain string, so a journal's bytes are what they always were. It is a typed
//! name and nothing more: a record may name a step that a later runbook version dropped (what
//! was recorded is kept as written). It reads as a `str` and compares with strings.
//!
//! So do the app's dialog, message and effect state (`tui::state`, `tui::msg`,
//! `tui::effect`) and a command's plan and run (`domain::command`). Still `String`, made from
//! a `StepId` for what they are: text to show or write out (the drill scorecard's rows, the
//! merge's conflicts, the stats summaries and the cache file, a runbook diff's lists), and
//! what a person typed on the command line until it is checked against a runbook.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
