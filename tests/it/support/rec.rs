//! The journal tests' record: a seq and a body, nothing about incidents.

use runbook::journal::Sequenced;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rec {
    pub seq: u64,
    pub body: String,
}

impl Sequenced for Rec {
    fn seq(&self) -> u64 {
        self.seq
    }
}
