//! Reading the other devices' logs of a shared incident: only the ones that changed since last
//! read, never through a symlink, each one's damage named by file and line without hiding the
//! others.

use super::{PeerLog, Shared};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::domain::event::Record;
use crate::journal::Journal;
use crate::runbook::sanitize::visible;
use crate::store::problem::Problem;
use crate::sync::DeviceId;
use anyhow::anyhow;

/// (Re)reads the peer logs in `dir` that changed since last read; true when any did.
pub(super) fn read_peers(sh: &mut Shared, dir: &Path, notices: &mut Vec<String>) -> bool {
    let mut found: Vec<(DeviceId, PathBuf, (u64, u64, u64))> = Vec::new();
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && let Ok(rd) = std::fs::read_dir(dir)
    {
        for e in rd.filter_map(Result::ok) {
            let Some(device) = DeviceId::from_file_name(&e.file_name()) else {
                continue;
            };
            if device.as_str() == sh.me {
                continue; // never this device's: its log is the one beside the directory
            }
            let path = e.path();
            if let Ok(m) = std::fs::symlink_metadata(&path)
                && m.is_file()
            {
                found.push((device, path, (m.dev(), m.ino(), m.len())));
            }
        }
    }
    found.sort();
    let unchanged = found.len() == sh.peers.len()
        && found
            .iter()
            .zip(&sh.peers)
            .all(|(f, p)| f.0 == p.device && f.2 == p.stamp);
    if unchanged {
        return false;
    }
    let mut peers = Vec::with_capacity(found.len());
    let mut unreadable = Vec::new();
    for (device, path, stamp) in found {
        if let Some(p) = sh
            .peers
            .iter()
            .position(|p| p.device == device && p.stamp == stamp)
        {
            peers.push(sh.peers.swap_remove(p));
            continue;
        }
        match read_peer(&path) {
            Ok((records, notes)) => {
                for n in &notes {
                    if sh.told.insert(n.clone()) {
                        notices.push(n.clone());
                    }
                }
                peers.push(PeerLog {
                    device,
                    path,
                    records,
                    damage: notes,
                    stamp,
                });
            }
            Err(e) => {
                let n = format!("{}: cannot be read: {e:#}", shown(&path));
                unreadable.push(n.clone());
                if sh.told.insert(n.clone()) {
                    notices.push(n);
                }
            }
        }
    }
    sh.peers = peers;
    sh.unreadable = unreadable;
    true
}

/// A peer log's records, and what is wrong with it (named by file and line).
pub(super) fn read_peer(path: &Path) -> anyhow::Result<(Vec<Record>, Vec<String>)> {
    let opened = Journal::<Record>::open_read_only(path).map_err(|e| anyhow!(e))?;
    let mut notes = Vec::new();
    if let Some(d) = &opened.damage {
        let p = Problem::damaged(d);
        notes.push(format!(
            "{}:{}: {}; this device log is read from the records before it only",
            shown(path),
            p.line,
            p.reason
        ));
    }
    if let Some(t) = &opened.torn {
        notes.push(format!(
            "{}:{}: line {} is torn ({} bytes without a newline); it is not read",
            shown(path),
            t.line,
            t.line,
            t.bytes
        ));
    }
    for p in crate::store::problem::pin_problems(&opened.records, 1) {
        notes.push(format!("{}:{}: {}", shown(path), p.line, p.reason));
    }
    Ok((opened.records, notes))
}

pub(super) fn shown(p: &Path) -> String {
    visible(&p.display().to_string())
}
