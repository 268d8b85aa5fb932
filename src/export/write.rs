//! Putting a finished export on disk, privately and atomically: the text goes to a new 0600
//! temporary file in the target's directory, is `fsync`ed, renamed over the target, and the
//! directory is `fsync`ed. A reader sees the old file or the new one, never half of one.
//!
//! The only module of `export` that does IO. Must never: leave a partial file at the target,
//! or create a directory readable by others (new directories are 0700).

use super::{Options, markdown};
use crate::domain::event::Record;
use crate::domain::incident::Incident;
use anyhow::Context;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const FILE_MODE: u32 = 0o600;

/// Writes the Markdown draft of `inc` to `<store_dir>/exports/<incident-id>.md` (replacing an
/// earlier draft) and returns the path. For the TUI's `e` key.
pub fn write_draft(
    store_dir: &Path,
    records: &[Record],
    inc: &Incident,
    opts: &Options,
) -> anyhow::Result<PathBuf> {
    let dir = store_dir.join("exports");
    crate::journal::create_private_dir(&dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{}.md", inc.id));
    write_file(&path, &markdown(records, inc, opts))?;
    Ok(path)
}

/// Replaces `path` with `text` atomically; the file is 0600.
pub fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, mut file) =
        temp_file(&dir, &name).with_context(|| format!("cannot write in {}", dir.display()))?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.set_permissions(Permissions::from_mode(FILE_MODE)))
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        // Best effort: the temporary file is ours and useless now.
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .with_context(|| {
            format!(
                "wrote {}, but could not flush its directory entry",
                path.display()
            )
        })?;
    Ok(())
}

/// A new, exclusive temporary file beside the target: `.<name>.<pid>.<n>.tmp`.
fn temp_file(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    for n in 0..100 {
        let tmp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary file name",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_target_whole_and_private() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("a/exports");
        crate::journal::create_private_dir(&dir).unwrap();
        let path = dir.join("x.md");
        write_file(&path, "one").unwrap();
        write_file(&path, "two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), FILE_MODE);
        assert_eq!(mode(&dir), 0o700);
        let left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary files left: {left:?}");
    }
}
