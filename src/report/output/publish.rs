//! Putting a complete staging folder in the target's place, so that the target is at every
//! moment either what it was or one complete report, even with other runs writing the same
//! target at the same time.
//!
//! On Linux, `renameat2` does it in one step: `RENAME_NOREPLACE` moves the report in where
//! nothing is (and fails, rather than overwrite, if another run got there first), and
//! `RENAME_EXCHANGE` swaps it with a previous report, which comes back under the staging name
//! to be deleted. Elsewhere (or on a file system without `renameat2`) the previous report is
//! first moved aside to a unique name, leaving the target briefly missing. Either way the
//! target is re-examined before every step, so a folder that stopped being a report (or
//! became one) meanwhile is treated by the rule that fits it now.

use std::fs;
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

use super::staging::Names;
use super::target::{self, Target};
use crate::error::SimError;

/// How many times the target may change under us before giving up.
const ATTEMPTS: usize = 64;

/// Moves the complete folder `staging` to `target`. Returns the folders to delete afterwards
/// (previous reports, now under working names).
///
/// # Errors
/// The target may not be replaced (see [`target::classify`]), or cannot be.
pub fn publish(staging: &Path, target: &Path, names: &Names) -> Result<Vec<PathBuf>, SimError> {
    publish_with(staging, target, names, cfg!(target_os = "linux"))
}

/// [`publish`], with `renameat2` (`native`) or the portable way.
fn publish_with(
    staging: &Path,
    target: &Path,
    names: &Names,
    native: bool,
) -> Result<Vec<PathBuf>, SimError> {
    let mut previous = Vec::new();
    for _ in 0..ATTEMPTS {
        match target::classify(target)? {
            Target::Absent => match move_in(staging, target, native) {
                Ok(()) => return Ok(previous),
                Err(e) if taken(&e) => {}
                Err(e) => return Err(failed("moving the report to", target, e)),
            },
            Target::Empty => match fs::remove_dir(target) {
                // Gone (by us or another run), or no longer empty: look again.
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound || taken(&e) => {}
                Err(e) => return Err(failed("replacing the empty folder", target, e)),
            },
            Target::Report => {
                if let Some(old) = swap(staging, target, names, native, &mut previous)? {
                    previous.push(old);
                    return Ok(previous);
                }
            }
        }
    }
    Err(SimError::Report(format!(
        "{}: kept changing while the report was being moved there (another program writing \
         it?); the new report was not put in place",
        target.display()
    )))
}

/// Whether a rename failed because something now occupies the target.
fn taken(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::AlreadyExists | ErrorKind::DirectoryNotEmpty | ErrorKind::NotADirectory
    )
}

fn failed(doing: &str, target: &Path, e: io::Error) -> SimError {
    SimError::io(format!("{doing} {}", target.display()), e)
}

/// Whether `renameat2` is not available for these paths (old kernel, or a file system
/// without it): then the portable way is used.
#[cfg(target_os = "linux")]
fn unsupported(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS))
}

/// Moves `staging` to the free name `target`, never over anything that appeared there.
fn move_in(staging: &Path, target: &Path, native: bool) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if native {
        match linux::rename2(staging, target, libc::RENAME_NOREPLACE) {
            Err(e) if unsupported(&e) => {}
            other => return other,
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = native;
    // POSIX rename replaces an empty folder and fails on a non-empty one; both are fine.
    fs::rename(staging, target)
}

/// Puts `staging` in place of the report at `target`. Returns where the previous report is
/// now, or `None` when the target changed meanwhile (the caller looks again). Previous
/// reports moved aside on the way are added to `previous`.
fn swap(
    staging: &Path,
    target: &Path,
    names: &Names,
    native: bool,
    previous: &mut Vec<PathBuf>,
) -> Result<Option<PathBuf>, SimError> {
    #[cfg(target_os = "linux")]
    if native {
        match linux::rename2(staging, target, libc::RENAME_EXCHANGE) {
            Ok(()) => return Ok(Some(staging.to_path_buf())),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) if unsupported(&e) => {}
            Err(e) => return Err(failed("swapping the new report with", target, e)),
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = native;
    let aside = names.aside();
    match fs::rename(target, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(failed("moving aside the previous report", target, e)),
    }
    match fs::rename(staging, target) {
        Ok(()) => Ok(Some(aside)),
        Err(e) if taken(&e) => {
            // Another run filled the gap with its report; ours replaces that one next.
            previous.push(aside);
            Ok(None)
        }
        Err(e) => {
            // Put the previous report back so the target is not left missing.
            let _ = fs::rename(&aside, target);
            Err(failed("moving the report to", target, e))
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    fn c_path(path: &Path) -> io::Result<CString> {
        CString::new(path.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path holds a NUL byte"))
    }

    /// `renameat2(2)` relative to the current folder, through the system call (so it works
    /// whatever the C library's version).
    pub fn rename2(from: &Path, to: &Path, flags: libc::c_uint) -> io::Result<()> {
        let (from, to) = (c_path(from)?, c_path(to)?);
        // SAFETY: both paths are NUL-terminated strings that outlive the call; the kernel
        // only reads them.
        let status = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                flags,
            )
        };
        if status == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::output::manifest::MANIFEST_FILE;

    fn report(dir: &Path, body: &str) {
        fs::create_dir(dir).unwrap();
        fs::write(
            dir.join(MANIFEST_FILE),
            "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [\"costs.csv\"]\n",
        )
        .unwrap();
        fs::write(dir.join("costs.csv"), body).unwrap();
    }

    /// Both ways: `renameat2` (on Linux) and the portable one.
    const MODES: [bool; 2] = [true, false];

    #[test]
    fn a_new_report_goes_where_nothing_was() {
        for native in MODES {
            new_report_goes_where_nothing_was(native);
        }
    }

    fn new_report_goes_where_nothing_was(native: bool) {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("rep");
        let names = Names::new(&target).unwrap();
        let staging = names.staging();
        report(&staging, "new");
        assert!(
            publish_with(&staging, &target, &names, native)
                .unwrap()
                .is_empty()
        );
        assert_eq!(fs::read_to_string(target.join("costs.csv")).unwrap(), "new");
        assert!(!staging.exists());
    }

    #[test]
    fn a_previous_report_is_swapped_out_and_handed_back() {
        for native in MODES {
            previous_report_is_swapped_out(native);
        }
    }

    fn previous_report_is_swapped_out(native: bool) {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("rep");
        report(&target, "old");
        let names = Names::new(&target).unwrap();
        let staging = names.staging();
        report(&staging, "new");
        let previous = publish_with(&staging, &target, &names, native).unwrap();
        assert_eq!(fs::read_to_string(target.join("costs.csv")).unwrap(), "new");
        assert_eq!(previous.len(), 1);
        assert_eq!(
            fs::read_to_string(previous[0].join("costs.csv")).unwrap(),
            "old"
        );
    }

    #[test]
    fn an_empty_folder_is_replaced_and_a_foreign_one_refused() {
        for native in MODES {
            empty_replaced_foreign_refused(native);
        }
    }

    fn empty_replaced_foreign_refused(native: bool) {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("rep");
        fs::create_dir(&target).unwrap();
        let names = Names::new(&target).unwrap();
        let staging = names.staging();
        report(&staging, "new");
        assert!(
            publish_with(&staging, &target, &names, native)
                .unwrap()
                .is_empty()
        );
        assert_eq!(fs::read_to_string(target.join("costs.csv")).unwrap(), "new");

        let foreign = tmp.path().join("mine");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("thesis.txt"), "draft").unwrap();
        let names = Names::new(&foreign).unwrap();
        let staging = names.staging();
        report(&staging, "new");
        assert!(publish_with(&staging, &foreign, &names, native).is_err());
        assert_eq!(
            fs::read_to_string(foreign.join("thesis.txt")).unwrap(),
            "draft"
        );
        assert!(
            staging.join("costs.csv").exists(),
            "the caller removes its staging folder"
        );
    }
}
