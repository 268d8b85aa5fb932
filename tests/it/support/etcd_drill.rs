//! A drill of the bundled etcd runbook, opened in a state directory: the drill tests' shared
//! start (included with `#[path]`). The scenario and speed are for each test to record.

use chrono::{DateTime, Utc};
use runbook::runbook::library::BUNDLED;
use runbook::store::{NewIncident, Session, Store};

/// Opens the drill at `t0`, by "ana", with the real time equal to the drill time.
pub fn start(dir: &std::path::Path, t0: DateTime<Utc>) -> Session {
    let (_, source) = BUNDLED
        .iter()
        .find(|(n, _)| *n == "etcd-quorum-loss.toml")
        .unwrap();
    let store = Store {
        dir: dir.to_path_buf(),
    };
    let rb = runbook::runbook::parse_source(source).unwrap();
    store
        .start(NewIncident {
            runbook: &rb,
            source,
            title: "etcd drill".into(),
            severity: runbook::domain::Severity::Sev1,
            vars: Vec::new(),
            drill: true,
            author: "ana",
            ts: t0,
            at: t0,
            wall: Some(t0),
        })
        .unwrap()
}
