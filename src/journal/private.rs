//! Private directories and files for the state beside the journals (journals themselves,
//! command output, exported drafts): directories 0700 and files 0600 whatever the umask (the
//! modes are set explicitly after creating), each new entry `fsync`ed in its parent, and
//! nothing created or used through a symbolic link planted inside.
//!
//! Owns: `create_private_dir`, `create_private_dir_under`, `create_private_file` and directory
//! `fsync`. Must never: loosen the mode of a directory it did not create, follow a symlink at a
//! level it checks, or replace an existing file.

use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::JournalError;
use super::fsopen::kind_at;

pub(super) const DIR_MODE: u32 = 0o700;
pub(super) const FILE_MODE: u32 = 0o600;

const NOTHING: &str = "nothing was created";

/// Creates `dir` and any missing ancestors, each 0700 whatever the umask and each made durable
/// in its parent; an existing directory is used as it is. `dir` itself must not be a symbolic
/// link (its ancestors may be: that is the caller's choice of where the state lives).
pub fn create_private_dir(dir: &Path) -> Result<(), JournalError> {
    create_dirs(dir)?;
    check_dir(dir)
}

/// `base` as [`create_private_dir`] makes it, then each of `levels` below it in turn: created
/// 0700 when missing, and refused when it is a symbolic link or not a directory. Each level is
/// one plain name (no `/`, not `.` or `..`). Returns the deepest directory.
///
/// For directories inside the state directory, where a symlink can only have been planted.
pub fn create_private_dir_under(base: &Path, levels: &[&str]) -> Result<PathBuf, JournalError> {
    create_dirs(base)?;
    let mut dir = base.to_path_buf();
    for level in levels {
        plain_name(&dir, level)?;
        dir.push(level);
        make_level(&dir)?;
    }
    Ok(dir)
}

/// Creates the new file `name` in `dir` (made as [`create_private_dir`] makes it), 0600, with
/// `O_CREAT | O_EXCL | O_NOFOLLOW`: an existing file, or a symlink planted at `name`, is never
/// opened. Returns it open for writing; the entry is not yet `fsync`ed (see [`sync_dir`]).
pub fn create_private_file(dir: &Path, name: &str) -> Result<File, JournalError> {
    plain_name(dir, name)?;
    create_private_dir(dir)?;
    let path = dir.join(name);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(|err| JournalError::io("create", &path, err, NOTHING))?;
    file.set_permissions(Permissions::from_mode(FILE_MODE))
        .map_err(|err| JournalError::io("set the mode of", &path, err, "the file is there"))?;
    Ok(file)
}

/// `fsync`s a directory, making the entries created in it durable.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The directory holding `path` (`.` for a bare file name).
pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuses a name that is not one plain path component.
fn plain_name(dir: &Path, name: &str) -> Result<(), JournalError> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
        return Err(JournalError::io(
            "create a file or directory in",
            dir,
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{name:?} is not a plain file name"),
            ),
            NOTHING,
        ));
    }
    Ok(())
}

/// Refuses `dir` unless it is a directory itself, not a symlink to one.
fn check_dir(dir: &Path) -> Result<(), JournalError> {
    match kind_at(dir) {
        Ok(Some(kind)) if kind.is_dir() => Ok(()),
        Ok(Some(kind)) => Err(JournalError::NotAFile {
            path: dir.to_path_buf(),
            what: if kind.is_symlink() {
                "a symbolic link where a directory should be"
            } else {
                "not a directory"
            },
        }),
        Ok(None) => Err(JournalError::io(
            "use the directory",
            dir,
            io::Error::from(io::ErrorKind::NotFound),
            NOTHING,
        )),
        Err(err) => Err(JournalError::io("inspect", dir, err, NOTHING)),
    }
}

/// Creates the one directory `dir` (its parent exists) 0700, or checks the one there.
fn make_level(dir: &Path) -> Result<(), JournalError> {
    match DirBuilder::new().mode(DIR_MODE).create(dir) {
        Ok(()) => fs::set_permissions(dir, Permissions::from_mode(DIR_MODE))
            .and_then(|()| sync_dir(&parent_dir(dir)))
            .map_err(|err| JournalError::io("set up the new directory", dir, err, NOTHING)),
        // There already (or made meanwhile by another process): use it if it is a real one,
        // and leave its mode alone.
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => check_dir(dir),
        Err(err) => Err(JournalError::io("create the directory", dir, err, NOTHING)),
    }
}

/// Creates `dir` and any missing ancestors, each 0700, each made durable in its parent.
pub(super) fn create_dirs(dir: &Path) -> Result<(), JournalError> {
    // Walk up to the nearest existing ancestor, then create downwards one level at a time, so
    // each created level gets its mode set before anything is created inside it.
    let mut missing = Vec::new();
    let mut current = dir;
    loop {
        match fs::metadata(current) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) => {
                return Err(JournalError::io(
                    "create the directory",
                    current,
                    io::Error::from(io::ErrorKind::NotADirectory),
                    NOTHING,
                ));
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                missing.push(current);
                match current.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => current = parent,
                    _ => break,
                }
            }
            Err(err) => return Err(JournalError::io("inspect", current, err, NOTHING)),
        }
    }
    for level in missing.into_iter().rev() {
        make_level(level)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn parent_of_a_bare_name_is_the_current_directory() {
        assert_eq!(parent_dir(Path::new("j.jsonl")), PathBuf::from("."));
        assert_eq!(parent_dir(Path::new("a/j.jsonl")), PathBuf::from("a"));
    }

    #[test]
    fn levels_are_private_and_a_planted_symlink_is_refused() {
        let base = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let made = create_private_dir_under(base.path(), &["outputs", "inc-1"]).unwrap();
        assert_eq!(made, base.path().join("outputs/inc-1"));
        assert_eq!(mode(&made), DIR_MODE);
        assert_eq!(mode(&base.path().join("outputs")), DIR_MODE);

        std::os::unix::fs::symlink(outside.path(), base.path().join("outputs/inc-2")).unwrap();
        let err = create_private_dir_under(base.path(), &["outputs", "inc-2"]).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let err = create_private_file(&base.path().join("outputs/inc-2"), "o.log").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
        for bad in ["", ".", "..", "a/b"] {
            assert!(
                create_private_dir_under(base.path(), &[bad]).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_private_file_is_new_0600_and_never_through_a_symlink() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("x/y");
        let victim = base.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        create_private_file(&dir, "o.log").unwrap();
        assert_eq!(mode(&dir.join("o.log")), FILE_MODE);
        assert_eq!(mode(&dir), DIR_MODE);
        assert!(
            create_private_file(&dir, "o.log").is_err(),
            "an existing file"
        );
        std::os::unix::fs::symlink(&victim, dir.join("planted")).unwrap();
        assert!(create_private_file(&dir, "planted").is_err());
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
    }
}
