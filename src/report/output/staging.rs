//! The hidden working folders a report writer keeps beside its target, and their cleanup.
//!
//! A report for `dir/leaf` is written into `dir/.leaf.tmp-<pid>-<n>` (unique per process and
//! per call), which carries a marker file from its first moment until it is complete. The
//! portable publisher moves a previous report aside to `dir/.leaf.old-<pid>-<n>`; on Linux the
//! previous report comes back under the staging name instead. A process killed mid-way leaves
//! such a folder; [`remove_stale`] deletes those of dead processes, but only when they are
//! provably ours: they carry the marker, or are a report by their manifest, or are empty.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::manifest::{self, MANIFEST_FILE};
use crate::error::SimError;

/// The marker file every staging folder holds until it is complete.
pub const MARKER_FILE: &str = ".serverless-sim-staging";

/// Makes the working names of one process unique across calls (and threads).
static NEXT_NAME: AtomicU64 = AtomicU64::new(0);

/// What the marker of `pid`'s staging folders says.
fn marker_text(pid: u32) -> String {
    format!(
        "serverless-sim: report being written by process {pid}; \
         deleted by the next run once that process has ended\n"
    )
}

/// A target folder split into its parent and leaf name, and the working names beside it.
#[derive(Clone, Debug)]
pub struct Names {
    parent: PathBuf,
    leaf: OsString,
}

impl Names {
    /// Splits `target`; a bare name's parent is the current folder.
    ///
    /// # Errors
    /// `target` has no final name (`.`, `..`, `/`).
    pub fn new(target: &Path) -> Result<Self, SimError> {
        let leaf = target.file_name().ok_or_else(|| {
            SimError::Report(format!(
                "{}: does not name a folder to write into; give a path such as reports/my-run",
                target.display()
            ))
        })?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Ok(Names {
            parent: parent.to_path_buf(),
            leaf: leaf.to_os_string(),
        })
    }

    /// The target as `parent/leaf`: without a trailing `/` (which would make the system
    /// follow a link there) or `.`.
    pub fn target(&self) -> PathBuf {
        self.parent.join(&self.leaf)
    }

    /// The folder the working folders live in.
    pub fn parent(&self) -> &Path {
        &self.parent
    }

    /// A fresh staging folder name, never returned before in this process.
    pub fn staging(&self) -> PathBuf {
        self.working("tmp")
    }

    /// A fresh name to move a previous report aside to.
    pub fn aside(&self) -> PathBuf {
        self.working("old")
    }

    fn working(&self, kind: &str) -> PathBuf {
        let n = NEXT_NAME.fetch_add(1, Ordering::Relaxed);
        let mut name = OsString::from(".");
        name.push(&self.leaf);
        name.push(format!(".{kind}-{}-{n}", std::process::id()));
        self.parent.join(name)
    }

    /// The process id in `name` when it is one of our working names for this leaf.
    fn owner(&self, name: &OsStr) -> Option<u32> {
        let name = name.as_encoded_bytes();
        let rest = name.strip_prefix(b".")?;
        let rest = rest.strip_prefix(self.leaf.as_encoded_bytes())?;
        let rest = rest
            .strip_prefix(b".tmp-")
            .or_else(|| rest.strip_prefix(b".old-"))?;
        let dash = rest.iter().position(|&b| b == b'-')?;
        let (pid, n) = (&rest[..dash], &rest[dash + 1..]);
        let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
        if !digits(pid) || !digits(n) {
            return None;
        }
        std::str::from_utf8(pid).ok()?.parse().ok()
    }
}

/// Creates the staging folder `path` and its marker.
///
/// # Errors
/// The folder or the marker cannot be created (the folder is removed again).
pub fn create(path: &Path) -> Result<(), SimError> {
    fs::create_dir(path)
        .map_err(|e| SimError::io(format!("creating staging folder {}", path.display()), e))?;
    let marker = path.join(MARKER_FILE);
    fs::write(&marker, marker_text(std::process::id())).map_err(|e| {
        let _ = fs::remove_dir_all(path);
        SimError::io(format!("writing {}", marker.display()), e)
    })
}

/// Removes the marker of a complete staging folder (its manifest now identifies it).
///
/// # Errors
/// The marker cannot be removed.
pub fn complete(path: &Path) -> Result<(), SimError> {
    let marker = path.join(MARKER_FILE);
    fs::remove_file(&marker).map_err(|e| SimError::io(format!("removing {}", marker.display()), e))
}

/// Deletes one of our working folders, the files that identify it (manifest, marker) last,
/// so that a deletion cut short still leaves a folder [`remove_stale`] recognises. A folder
/// without write permission (a report a user had made read-only, moved aside by an earlier
/// version) is given it back first, so it does not stay behind for ever.
pub fn remove(dir: &Path) -> io::Result<()> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(meta) if meta.is_dir() => make_writable(dir, &meta)?,
        Ok(_) => return fs::remove_file(dir),
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == MANIFEST_FILE || name == MARKER_FILE {
            continue;
        }
        let result = if entry.file_type()?.is_dir() {
            remove(&entry.path())
        } else {
            fs::remove_file(entry.path())
        };
        match result {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    for last in [MANIFEST_FILE, MARKER_FILE] {
        match fs::remove_file(dir.join(last)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    match fs::remove_dir(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Gives the owner full permission on the folder `dir` (whose metadata is `meta`) when it has
/// no write bit, so its entries can be deleted.
fn make_writable(dir: &Path, meta: &fs::Metadata) -> io::Result<()> {
    let mut permissions = meta.permissions();
    if !permissions.readonly() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        permissions.set_mode(permissions.mode() | 0o700);
    }
    #[cfg(not(unix))]
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    fs::set_permissions(dir, permissions)
}

/// Deletes the working folders beside `names`' target left by processes that no longer run,
/// when they are provably ours; returns how many were deleted. Best effort: a folder that
/// cannot be deleted is left for a later run.
pub fn remove_stale(names: &Names) -> usize {
    let Ok(entries) = fs::read_dir(names.parent()) else {
        return 0;
    };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let Some(pid) = names.owner(&entry.file_name()) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if pid == me || !is_dir || process_alive(pid) {
            continue;
        }
        let dir = entry.path();
        let ours = has_marker(&dir, pid) || manifest::replaceable(&dir) == Ok(true);
        let deleted = if ours {
            remove(&dir).is_ok()
        } else {
            // An empty folder holds nothing to lose; `remove_dir` refuses any other.
            fs::remove_dir(&dir).is_ok()
        };
        removed += usize::from(deleted);
    }
    removed
}

/// Whether `dir` holds the marker `pid` writes.
fn has_marker(dir: &Path, pid: u32) -> bool {
    let path = dir.join(MARKER_FILE);
    let expected = marker_text(pid);
    fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() == expected.len() as u64)
        && fs::read(&path).is_ok_and(|text| text == expected.as_bytes())
}

/// Whether process `pid` may still run. When that cannot be told, it may.
pub fn process_alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    if Path::new("/proc/self").exists() {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let status = unsafe { libc::kill(pid, 0) };
        status == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A process id that is not running: a child that has exited and been reaped.
    pub(crate) fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!process_alive(pid));
        pid
    }

    #[test]
    fn working_names_are_unique_and_parsed_back() {
        let names = Names::new(Path::new("out/rep")).unwrap();
        let (a, b, c) = (names.staging(), names.staging(), names.aside());
        assert!(a != b && b != c && a != c);
        assert_eq!(a.parent(), Some(Path::new("out")));
        for p in [&a, &b, &c] {
            assert_eq!(
                names.owner(p.file_name().unwrap()),
                Some(std::process::id())
            );
        }
        for other in [
            ".rep.tmp-12",
            ".rep.tmp--3",
            ".rep.tmp-12-x",
            ".rep2.tmp-12-3",
            "rep.tmp-12-3",
            ".rep.new-12-3",
        ] {
            assert_eq!(names.owner(OsStr::new(other)), None, "{other}");
        }
        assert_eq!(names.owner(OsStr::new(".rep.old-77-0")), Some(77));
        assert_eq!(
            Names::new(Path::new("rep")).unwrap().parent(),
            Path::new(".")
        );
        assert!(Names::new(Path::new("..")).is_err());
        for given in ["out/rep/", "out/rep/.", "out//rep"] {
            let names = Names::new(Path::new(given)).unwrap();
            assert_eq!(names.target(), Path::new("out/rep"), "{given}");
        }
    }

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        assert!(process_alive(std::process::id()));
        dead_pid();
    }

    #[test]
    fn stale_folders_of_dead_processes_go_only_when_provably_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let names = Names::new(&tmp.path().join("rep")).unwrap();
        let dead = dead_pid();
        let dir = |name: String| {
            let p = tmp.path().join(name);
            fs::create_dir(&p).unwrap();
            fs::write(p.join("summary.csv"), "x").unwrap();
            p
        };
        let marked = dir(format!(".rep.tmp-{dead}-0"));
        fs::write(marked.join(MARKER_FILE), marker_text(dead)).unwrap();
        let report = dir(format!(".rep.old-{dead}-1"));
        fs::write(
            report.join(MANIFEST_FILE),
            "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [\"summary.csv\"]\n",
        )
        .unwrap();
        let empty = tmp.path().join(format!(".rep.tmp-{dead}-2"));
        fs::create_dir(&empty).unwrap();
        let unmarked = dir(format!(".rep.tmp-{dead}-3"));
        let wrong_marker = dir(format!(".rep.tmp-{dead}-4"));
        fs::write(wrong_marker.join(MARKER_FILE), marker_text(dead + 1)).unwrap();
        let alive = dir(format!(".rep.tmp-{}-5", std::process::id()));
        fs::write(alive.join(MARKER_FILE), marker_text(std::process::id())).unwrap();
        let other_leaf = dir(format!(".rep2.tmp-{dead}-6"));
        fs::write(other_leaf.join(MARKER_FILE), marker_text(dead)).unwrap();

        assert_eq!(remove_stale(&names), 3);
        for gone in [&marked, &report, &empty] {
            assert!(!gone.exists(), "{}", gone.display());
        }
        for kept in [&unmarked, &wrong_marker, &alive, &other_leaf] {
            assert!(kept.join("summary.csv").is_file(), "{}", kept.display());
        }
    }

    #[test]
    fn a_read_only_stale_report_is_deleted_too() {
        let tmp = tempfile::tempdir().unwrap();
        let names = Names::new(&tmp.path().join("rep")).unwrap();
        let old = tmp.path().join(format!(".rep.tmp-{}-0", dead_pid()));
        fs::create_dir(&old).unwrap();
        fs::write(
            old.join(MANIFEST_FILE),
            "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [\"summary.csv\"]\n",
        )
        .unwrap();
        fs::write(old.join("summary.csv"), "x").unwrap();
        for path in [old.join("summary.csv"), old.clone()] {
            let mut p = fs::metadata(&path).unwrap().permissions();
            p.set_readonly(true);
            fs::set_permissions(&path, p).unwrap();
        }
        assert_eq!(remove_stale(&names), 1);
        assert!(!old.exists());
    }

    #[test]
    fn removal_keeps_the_identifying_files_to_the_end() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("w");
        create(&d).unwrap();
        fs::create_dir(d.join("sub")).unwrap();
        fs::write(d.join("sub/a"), "a").unwrap();
        fs::write(d.join(MANIFEST_FILE), "m").unwrap();
        remove(&d).unwrap();
        assert!(!d.exists());
        remove(&d).unwrap();
    }
}
