//! The user's settings file, `$XDG_CONFIG_HOME/runbook/config.toml` (default
//! `~/.config/runbook/config.toml`): optional, every key optional, unknown keys refused with
//! the file, line and column, so a typo is never silently ignored.
//!
//! ```toml
//! bundled = false   # leave the runbooks compiled into the binary out of the library
//! remote = "git@git.example.com:team/incidents.git"   # share incidents (docs/sharing.md)
//! ```

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Whether the bundled library is searched (last) for runbooks and scenarios.
    pub bundled: Option<bool>,
    /// The team's git repository that `runbook sync` shares incidents through; when set, it
    /// is used rather than the one `runbook team init` kept.
    pub remote: Option<String>,
}

/// Where the settings file is: under `config_home` (`XDG_CONFIG_HOME`, else `~/.config`).
pub fn path(config_home: &Path) -> PathBuf {
    config_home.join("runbook").join("config.toml")
}

/// Reads the settings file; a missing file is the defaults, a bad one an error saying where.
pub fn load(config_home: Option<&Path>) -> anyhow::Result<Config> {
    let Some(home) = config_home else {
        return Ok(Config::default());
    };
    let file = path(home);
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => anyhow::bail!(
            "cannot read {}: {e}",
            crate::runbook::sanitize::visible(&file.display().to_string())
        ),
    };
    parse(&text).map_err(|why| {
        anyhow::anyhow!(
            "{}: {why}",
            crate::runbook::sanitize::visible(&file.display().to_string())
        )
    })
}

/// Parses settings text; the error names the line and column.
pub fn parse(text: &str) -> Result<Config, String> {
    toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let before = &text[..s.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("{line}:{col}: ")
            })
            .unwrap_or_default();
        format!("{at}{}", e.message())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_and_typos_are_refused_with_their_place() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("bundled = false\n").unwrap().bundled, Some(false));
        let e = parse("\nbundeld = false\n").unwrap_err();
        assert!(e.starts_with("2:1: ") && e.contains("bundeld"), "{e}");
        assert!(parse("bundled = \"no\"").is_err());
        assert_eq!(
            parse("remote = \"/srv/team.git\"\n")
                .unwrap()
                .remote
                .as_deref(),
            Some("/srv/team.git")
        );
    }
}
