//! `runbook import PATH... --out DIR`: Markdown runbooks (files, or directories searched for
//! `*.md`) made runbooks in DIR, one per input that validates (`runbook::import`). Never
//! overwrites a hand-edited file: a file whose marker line no longer matches its text gets
//! the new version beside it as `ID.toml.new`, unless `--force`. Never writes through a
//! symlink, never reads a FIFO or device, and each file's problem is its own line.

use crate::runbook::import::{self, Imported, MARKER, Source};
use crate::runbook::sanitize::visible;
use anyhow::{Context as _, bail};
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A Markdown file larger than this is refused.
const MAX_BYTES: u64 = 1 << 20;
/// Directories are searched this deep at most.
const MAX_DEPTH: usize = 16;

/// What happened to one input.
enum Done {
    Wrote(PathBuf),
    Unchanged(PathBuf),
    Beside(PathBuf),
}

pub fn import(paths: &[PathBuf], out: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if paths.is_empty() {
        return Err(super::usage(
            "give one or more Markdown files or directories to import",
        ));
    }
    let mut inputs = Vec::new();
    for p in paths {
        collect(p, 0, true, &mut inputs)
            .with_context(|| format!("cannot read {}", visible(&p.display().to_string())))?;
    }
    prepare_out(out)?;
    let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    let (mut ok, mut failed) = (0usize, 0usize);
    for path in &inputs {
        let shown = visible(&path.display().to_string());
        match one(path, out, force, &mut ids) {
            Ok((done, im)) => {
                ok += 1;
                let what = match done {
                    Done::Wrote(p) => format!("wrote {}", visible(&p.display().to_string())),
                    Done::Unchanged(p) => {
                        format!("unchanged {}", visible(&p.display().to_string()))
                    }
                    Done::Beside(p) => format!(
                        "hand-edited since its import: wrote the new version beside it, {} (--force overwrites)",
                        visible(&p.display().to_string())
                    ),
                };
                println!(
                    "{shown}: {what} ({} steps, {} variables)",
                    im.steps, im.vars
                );
            }
            Err(e) => {
                failed += 1;
                eprintln!("{shown}: not imported: {e}");
            }
        }
    }
    eprintln!("imported {ok} of {} files", inputs.len());
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Markdown files under `p` (a file given by name is taken whatever its extension). Symlinks
/// met in a directory are not followed; index pages (`_index.md`, `README.md`) are skipped.
fn collect(p: &Path, depth: usize, named: bool, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let meta = if named {
        std::fs::metadata(p)?
    } else {
        std::fs::symlink_metadata(p)?
    };
    if meta.is_dir() {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            collect(&e, depth + 1, false, out)?;
        }
    } else if meta.is_file() {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let md = name.ends_with(".md") || name.ends_with(".markdown");
        let index = matches!(
            name.to_ascii_lowercase().as_str(),
            "_index.md" | "index.md" | "readme.md"
        );
        if named || (md && !index) {
            out.push(p.to_path_buf());
        }
    } else if named {
        // Reported as that file's problem, by `read`.
        out.push(p.to_path_buf());
    }
    Ok(())
}

fn prepare_out(out: &Path) -> anyhow::Result<()> {
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => bail!(
            "--out {} is not a directory",
            visible(&out.display().to_string())
        ),
        Err(_) => std::fs::create_dir_all(out).with_context(|| {
            format!(
                "cannot create --out {}",
                visible(&out.display().to_string())
            )
        }),
    }
}

fn read(path: &Path) -> Result<String, String> {
    use std::os::unix::fs::OpenOptionsExt as _;
    // Non-blocking: opening a FIFO must not wait for a writer (it is refused just below).
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| e.to_string())?;
    let meta = f.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let mut buf = Vec::new();
    f.take(MAX_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > MAX_BYTES {
        return Err(format!("larger than {MAX_BYTES} bytes"));
    }
    String::from_utf8(buf).map_err(|e| format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

fn one(
    path: &Path,
    out: &Path,
    force: bool,
    ids: &mut BTreeMap<String, PathBuf>,
) -> Result<(Done, Imported), String> {
    let text = read(path)?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("runbook");
    let dir = path
        .parent()
        .and_then(|d| d.file_name())
        .and_then(|d| d.to_str());
    let shown = path.display().to_string();
    let im = import::import(&Source {
        stem,
        dir,
        shown: &shown,
        text: &text,
    })?;
    if let Some(first) = ids.get(&im.id) {
        return Err(format!(
            "its id \"{}\" is the one {} already got: rename one of the files",
            im.id,
            visible(&first.display().to_string())
        ));
    }
    ids.insert(im.id.clone(), path.to_path_buf());
    let target = out.join(format!("{}.toml", im.id));
    let done = match std::fs::symlink_metadata(&target) {
        Err(_) => write(&target, &im.text).map(|_| Done::Wrote(target.clone()))?,
        Ok(m) if !m.is_file() => {
            return Err(format!(
                "{} exists and is not a regular file",
                visible(&target.display().to_string())
            ));
        }
        Ok(_) => {
            let old = std::fs::read_to_string(&target).map_err(|e| e.to_string())?;
            if old == im.text {
                Done::Unchanged(target.clone())
            } else if force || untouched(&old) {
                write(&target, &im.text).map(|_| Done::Wrote(target.clone()))?
            } else {
                let beside = out.join(format!("{}.toml.new", im.id));
                write(&beside, &im.text).map(|_| Done::Beside(beside.clone()))?
            }
        }
    };
    Ok((done, im))
}

/// True when a file still is exactly what an import wrote (its marker matches its text).
fn untouched(text: &str) -> bool {
    let Some(at) = text.find(MARKER) else {
        return false;
    };
    let rest = &text[at + MARKER.len()..];
    let Some((sha, body)) = rest.split_once('\n') else {
        return false;
    };
    sha == crate::runbook::sha256_hex(body)
}

/// Writes through a temporary file in the same directory and a rename, so a reader never
/// sees half a file and a symlink planted at the target is replaced, not followed.
fn write(target: &Path, text: &str) -> Result<(), String> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("runbook");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let res = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        std::io::Write::write_all(&mut f, text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res.map_err(|e| {
        format!(
            "cannot write {}: {e}",
            visible(&target.display().to_string())
        )
    })
}
