//! The README's screen samples against the snapshots they are copied from, so a sample can
//! never drift from what the app draws.

/// The screen a `TestBackend` snapshot in `tests/it/snapshots/` holds, a line per row (after
/// the header between two `---` lines, without the quotes).
pub fn snapshot_screen(file: &str) -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let snap = std::fs::read_to_string(format!("{root}/tests/it/snapshots/{file}")).unwrap();
    snap.lines()
        .skip_while(|l| *l == "---")
        .skip_while(|l| *l != "---")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l[1..l.len() - 1].to_string())
        .collect()
}

/// The lines of the README's first fenced block after `marker`.
pub fn readme_block_after(marker: &str) -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let from = readme
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} in the README"));
    let block = readme[from..].split("```\n").nth(1).expect("a sample");
    block.lines().map(String::from).collect()
}
