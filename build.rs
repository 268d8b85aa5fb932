//! Compiles the bundled library (`runbooks/*.toml`) into the binary, so an installed `runbook`
//! works anywhere. Emits `bundled.rs`: a sorted list of (file name, contents). The bundled drill
//! scenarios (`runbooks/scenarios/*.toml`) are a second list, `bundled_scenarios.rs`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    emit(&root, "bundled.rs");
    emit(&root.join("scenarios"), "bundled_scenarios.rs");
}

/// Writes `OUT_DIR/out`: every `*.toml` directly in `dir` (not below it), sorted by name.
fn emit(dir: &Path, out: &str) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let mut list = String::from("&[\n");
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            list,
            "    ({name:?}, include_str!({:?})),",
            p.display().to_string()
        );
    }
    list.push_str("]\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out_dir).join(out), list) {
        println!("cargo:warning=could not write {out}: {e}");
        std::process::exit(1);
    }
}
