//! A library of 1,000 runbooks for the start-up benchmarks: copies of the bundled ones, each
//! with its own id (`ID-N`), written into `dir`.

use runbook::runbook::library::BUNDLED;
use std::path::Path;

pub const SIZE: usize = 1000;

pub fn write_library(dir: &Path) {
    for n in 0..SIZE {
        let (_, text) = BUNDLED[n % BUNDLED.len()];
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("id = \"").and_then(|r| r.split('"').next()))
            .expect("an id line");
        let copy = text.replacen(&format!("id = \"{id}\""), &format!("id = \"{id}-{n}\""), 1);
        std::fs::write(dir.join(format!("{id}-{n}.toml")), copy).expect("write");
    }
}
