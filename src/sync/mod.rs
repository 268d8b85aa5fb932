//! Sharing incidents with a team through git: each device publishes its own logs on its own
//! ref of the team's repository and materialises the other devices' logs, read only, beside
//! its own (see docs/sharing.md).
//!
//! Layout: `device.rs` (the device id), `git.rs` (running the `git` program, bounded in
//! time, never prompting), `exchange.rs` (one exchange: publish, push, fetch, receive; `publish.rs` and `receive.rs`
//! its two halves),
//! `status.rs` (where sharing stands, for the app's header).
//!
//! Must never: store a secret (the user's own git credentials are used, through git), write
//! this device's own logs, or leave anything that the next exchange cannot complete.

pub mod device;
pub mod exchange;
pub mod git;
mod publish;
mod receive;
pub mod status;

pub use device::DeviceId;
