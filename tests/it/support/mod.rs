//! What the integration tests share: the CLI harness, the etcd drill start, the export replays,
//! the journal tests' record type, the check of the README's screen samples, and the stats
//! screen's generated summaries.

pub mod cli_env;
pub mod etcd_drill;
pub mod pty;
pub mod readme;
pub mod rec;
pub mod replay;
pub mod stats_summaries;

/// The name libtest knows a test in `module` (a `module_path!()`) by: the path without the
/// crate's name. Tests that run this binary again as a child process pass it to `--exact`.
pub fn test_name(module: &str, test: &str) -> String {
    let path = module.split_once("::").map_or("", |(_, rest)| rest);
    if path.is_empty() {
        test.to_string()
    } else {
        format!("{path}::{test}")
    }
}
