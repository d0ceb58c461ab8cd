//! Ctrl-C (SIGINT) and SIGTERM: delete the report being written, keep the previous one, exit
//! with code 130.
//!
//! Writers register the staging folders they are filling in one locked list. The handler
//! (run by `ctrlc` on its own thread, not in signal context) takes the same lock, deletes every
//! registered folder and exits while still holding it. A writer takes the lock to unregister
//! its folder and keeps it through the final rename and the deletion of the previous report,
//! so the handler never deletes a folder that has just become the report, and never cuts the
//! clean-up short. A signal while nothing is being written just exits 130.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::staging;
use crate::error::SimError;

/// The exit code after an interruption (128 + SIGINT, what shells report for Ctrl-C).
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

/// Staging folders being filled, in this process.
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The registry of staging folders, locked: while it is held, no signal handler acts.
pub struct InProgress(MutexGuard<'static, Vec<PathBuf>>);

impl InProgress {
    /// Locks the registry, waiting for a handler or another writer to finish.
    pub fn lock() -> Self {
        // A writer that panicked while holding the lock leaves the list usable.
        InProgress(IN_PROGRESS.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Registers `dir` for deletion on a signal.
    pub fn add(&mut self, dir: PathBuf) {
        self.0.push(dir);
    }

    /// Unregisters `dir`.
    pub fn forget(&mut self, dir: &Path) {
        self.0.retain(|d| d != dir);
    }
}

/// Installs the handler for SIGINT and SIGTERM. Call once, at the start of the program.
///
/// # Errors
/// A handler is already installed, or the system refused.
pub fn install() -> Result<(), SimError> {
    ctrlc::set_handler(on_signal)
        .map_err(|e| SimError::Report(format!("cannot handle Ctrl-C and SIGTERM: {e}")))
}

fn on_signal() {
    let held = InProgress::lock();
    for dir in held.0.iter() {
        // A writer may be adding a file while the folder is deleted: try again.
        for _ in 0..8 {
            if staging::remove(dir).is_ok() {
                break;
            }
        }
    }
    let what = if held.0.is_empty() {
        ""
    } else {
        "; the report being written was discarded and any previous report is unchanged"
    };
    eprintln!("serverless-sim: interrupted{what}");
    std::process::exit(INTERRUPTED_EXIT_CODE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_is_by_path() {
        let (a, b) = (
            PathBuf::from("/x/.a.tmp-1-0"),
            PathBuf::from("/x/.a.tmp-1-1"),
        );
        let mut held = InProgress::lock();
        let before = held.0.len();
        held.add(a.clone());
        held.add(b.clone());
        held.forget(&a);
        assert!(held.0.contains(&b) && !held.0.contains(&a));
        held.forget(&b);
        assert_eq!(held.0.len(), before);
    }
}
