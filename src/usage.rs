//! Misuse: a request that could not be carried out as asked (two incidents open and none
//! named, an unknown time zone...), as opposed to a failure at the job itself. The command line
//! maps it to exit status 2. Below every layer, so the store can say "say which one" too.

use std::fmt;

/// The request was misused (exit status 2), as opposed to failing at its job (1).
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// A `Usage` error, ready to return through `anyhow`.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(msg.into()))
}
