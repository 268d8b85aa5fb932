//! The device: one state directory on one machine, the only writer of its own logs. Its id
//! names its logs in the shared repository (`<incident>/<device>.jsonl`) and its ref there
//! (`refs/runbook/devices/<device>`), so it is a type that can only hold a safe path
//! component: lowercase ASCII letters, digits and `-`, 1 to [`MAX_LEN`] bytes, not starting
//! with `-` (no `/`, no `.`, nothing a shell, git or a terminal treats specially).
//!
//! Where it comes from: `$RUNBOOK_DEVICE`, else the `device` file in the state directory,
//! else (only when sharing is set up: `Device::establish`) a new one made of the user, the
//! host and a short random suffix, kept in that file. Reading it never writes.
//!
//! Owns: `DeviceId`, finding and keeping it. Must never: accept an id that is not a safe path
//! component, or change a device's id once kept (a device that changed its name would publish
//! its logs twice).

use std::fmt;
use std::io::Read;
use std::path::Path;

/// The longest device id, in bytes.
pub const MAX_LEN: usize = 64;

/// A valid device id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceId(String);

impl DeviceId {
    /// Checks `s`: lowercase letters, digits and `-`, not starting with `-`, at most 64 bytes.
    pub fn parse(s: &str) -> Result<DeviceId, String> {
        let shown = || crate::runbook::sanitize::visible(&s.chars().take(60).collect::<String>());
        if s.is_empty() {
            return Err("a device id cannot be empty".to_string());
        }
        if s.len() > MAX_LEN {
            return Err(format!(
                "device id \"{}…\" is {} bytes long, more than {MAX_LEN}",
                shown(),
                s.len()
            ));
        }
        if let Some(c) = s
            .chars()
            .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        {
            return Err(format!(
                "device id \"{}\" has {}: a device id is lowercase letters, digits and '-' \
                 (like ana-laptop-3f9a)",
                shown(),
                crate::runbook::sanitize::visible(&format!("'{c}'"))
            ));
        }
        if s.starts_with('-') {
            return Err(format!("device id \"{}\" starts with '-'", shown()));
        }
        Ok(DeviceId(s.to_string()))
    }

    /// The id of the log file named `name` (`<device>.jsonl`); `None` for any other name.
    pub fn from_file_name(name: &std::ffi::OsStr) -> Option<DeviceId> {
        DeviceId::parse(name.to_str()?.strip_suffix(".jsonl")?).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This device's id as far as it is known, without writing anything: `$RUNBOOK_DEVICE`,
    /// else the kept one; `Ok(None)` when neither is set (sharing was never set up here).
    pub fn known(state_dir: &Path) -> Result<Option<DeviceId>, String> {
        if let Some(v) = std::env::var_os("RUNBOOK_DEVICE").filter(|v| !v.is_empty()) {
            let v = v
                .to_str()
                .ok_or_else(|| "$RUNBOOK_DEVICE is not valid UTF-8".to_string())?;
            return DeviceId::parse(v)
                .map(Some)
                .map_err(|e| format!("$RUNBOOK_DEVICE: {e}"));
        }
        kept(state_dir)
    }

    /// This device's id, made and kept in the state directory when there is none yet. A
    /// `$RUNBOOK_DEVICE` that disagrees with the kept id is refused: a device keeps its name.
    pub fn establish(state_dir: &Path, user: &str) -> Result<DeviceId, String> {
        let wanted = DeviceId::known(state_dir)?;
        match (kept(state_dir)?, wanted) {
            (Some(k), Some(w)) if k != w => Err(format!(
                "this state directory is device \"{k}\", but $RUNBOOK_DEVICE says \"{w}\": a \
                 device keeps its name (its logs are published under it); unset RUNBOOK_DEVICE \
                 or use another state directory"
            )),
            (Some(k), _) => Ok(k),
            (None, w) => {
                let id = match w {
                    Some(w) => w,
                    None => DeviceId::parse(&default_name(user, &host(), &suffix()))?,
                };
                match keep(state_dir, &id) {
                    Ok(()) => Ok(id),
                    // Another process kept one first: that one is the device's.
                    Err(e) => kept(state_dir)?.ok_or(e),
                }
            }
        }
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The file in the state directory that keeps the device id.
pub const FILE: &str = "device";

fn kept(state_dir: &Path) -> Result<Option<DeviceId>, String> {
    let path = state_dir.join(FILE);
    let mut f = match crate::journal::open_no_follow(&path) {
        Ok(f) => f,
        Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", shown(&path))),
    };
    let mut text = String::new();
    f.by_ref()
        .take(256)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read {}: {e}", shown(&path)))?;
    DeviceId::parse(text.trim())
        .map(Some)
        .map_err(|e| format!("{}: {e}; remove it to make a new one", shown(&path)))
}

fn keep(state_dir: &Path, id: &DeviceId) -> Result<(), String> {
    use std::io::Write;
    crate::journal::create_private_dir(state_dir).map_err(|e| e.to_string())?;
    let mut f = crate::journal::create_private_file(state_dir, FILE).map_err(|e| e.to_string())?;
    f.write_all(format!("{id}\n").as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", shown(&state_dir.join(FILE))))
}

fn shown(p: &Path) -> String {
    crate::runbook::sanitize::visible(&p.display().to_string())
}

/// `user-host-suffix`, each part cut down to the id grammar (lowercased, anything else a `-`).
pub fn default_name(user: &str, host: &str, suffix: &str) -> String {
    let part = |s: &str, max: usize| -> String {
        let cleaned: String = s
            .chars()
            .map(|c| c.to_ascii_lowercase())
            .map(|c| {
                if c.is_ascii_lowercase() || c.is_ascii_digit() {
                    c
                } else {
                    '-'
                }
            })
            .take(max)
            .collect();
        let t = cleaned.trim_matches('-').to_string();
        if t.is_empty() { "x".to_string() } else { t }
    };
    format!("{}-{}-{}", part(user, 20), part(host, 30), part(suffix, 8))
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".to_string())
}

/// Four random hex digits from the kernel (from the pid if it has none to give).
fn suffix() -> String {
    let mut b = [0u8; 2];
    let got = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b));
    if got.is_err() {
        let n = std::process::id();
        b = [(n >> 8) as u8, n as u8];
    }
    format!("{:02x}{:02x}", b[0], b[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_path_components() {
        for ok in ["a", "ana-laptop-3f9a", "b2"] {
            assert_eq!(DeviceId::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "..",
            "../x",
            "a/b",
            "A",
            "-rf",
            "a b",
            "a\u{1b}[2J",
            "a;touch x",
            "a.b",
        ] {
            let e = DeviceId::parse(bad).unwrap_err();
            assert!(!e.contains('\u{1b}'), "{e:?}");
        }
        assert!(DeviceId::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn the_default_name_is_user_host_suffix_in_the_grammar() {
        let n = default_name("Ana.Lopez", "laptop.corp/x", "3f9a");
        assert_eq!(n, "ana-lopez-laptop-corp-x-3f9a");
        assert!(DeviceId::parse(&n).is_ok());
        assert_eq!(default_name("", "--", "ab"), "x-x-ab");
        assert!(DeviceId::parse(&default_name(&"u".repeat(99), &"h".repeat(99), "ffff")).is_ok());
    }

    #[test]
    fn file_names_give_devices_only_for_logs() {
        let d = |n: &str| DeviceId::from_file_name(std::ffi::OsStr::new(n));
        assert_eq!(d("bo.jsonl").unwrap().as_str(), "bo");
        assert_eq!(d(".bo.jsonl.1.0.tmp"), None);
        assert_eq!(d("bo.jsonl.torn"), None);
    }
}
