//! The record the journal's unit tests store: a seq and a body.

use super::Sequenced;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(super) struct Rec {
    pub seq: u64,
    pub body: String,
}

impl Sequenced for Rec {
    fn seq(&self) -> u64 {
        self.seq
    }
}
