//! The `flock` guard: an exclusive lock for appending and repairing, a shared lock for reading,
//! released when the guard is dropped.
//!
//! Owns: taking and releasing the advisory lock on the journal's own open file description.
//! Must never: panic in `Drop`, or hold a lock past the guard's scope. Closing the file would
//! release the lock too; the guard only makes the release prompt and explicit.

use std::fs::File;
use std::io;
use std::path::Path;

use super::JournalError;

/// Holds a `flock` on a file until dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub(super) struct LockGuard<'a> {
    file: &'a File,
}

impl<'a> LockGuard<'a> {
    /// Blocks until this handle holds the exclusive lock. `consequence` says what a failure means
    /// for the caller's operation.
    pub(super) fn exclusive(
        file: &'a File,
        path: &Path,
        consequence: &str,
    ) -> Result<Self, JournalError> {
        retry_interrupted(|| file.lock())
            .map_err(|err| JournalError::io("lock", path, err, consequence))?;
        Ok(LockGuard { file })
    }

    /// Blocks until this handle holds a shared lock (no appender is mid-write).
    pub(super) fn shared(file: &'a File, path: &Path) -> Result<Self, JournalError> {
        retry_interrupted(|| file.lock_shared())
            .map_err(|err| JournalError::io("lock", path, err, "nothing was read"))?;
        Ok(LockGuard { file })
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // An unlock error cannot be acted on here; the lock goes with the file descriptor anyway.
        let _ = self.file.unlock();
    }
}

/// `flock` can return EINTR when a signal arrives while it waits; that is not a failure.
fn retry_interrupted(mut op: impl FnMut() -> io::Result<()>) -> io::Result<()> {
    loop {
        match op() {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exclusive_lock_excludes_another_handle_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let a = File::create(&path).unwrap();
        let b = File::open(&path).unwrap();
        let guard = LockGuard::exclusive(&a, &path, "test").unwrap();
        assert!(
            b.try_lock_shared().is_err(),
            "b got a shared lock under a's exclusive one"
        );
        drop(guard);
        b.try_lock_shared().unwrap();
        assert!(
            a.try_lock().is_err(),
            "a got the exclusive lock while b reads"
        );
        b.unlock().unwrap();
    }
}
