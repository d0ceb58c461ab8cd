//! Output folders: where reports go, written so that a user's files are never harmed and the
//! folder is always either as it was or one complete report, whatever happens meanwhile
//! (errors, Ctrl-C, SIGTERM, SIGKILL, other runs writing the same folder).
//!
//! The rule ([`target`]): a missing folder is created, an empty folder is used, a previous
//! serverless-sim report (a folder whose [`manifest`] says so, listing only files of its
//! command's list in [`files`], and holding nothing else) is replaced; anything else, and a
//! read-only folder, is refused and left untouched. [`write_folder`] checks that first, then:
//!
//! 1. deletes working folders that dead runs left beside the target ([`staging`]);
//! 2. creates a uniquely named staging folder beside the target, marked as ours, registered
//!    for deletion on a signal ([`signals`]);
//! 3. has the caller write the files into it, checks they are all in the command's list
//!    ([`files::check_written`]), then lists them in `manifest.toml`, written last;
//! 4. swaps it into place atomically (`publish`) and deletes the previous report.

pub mod files;
pub mod manifest;
mod publish;
pub mod signals;
pub mod staging;
pub mod target;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use manifest::{MANIFEST_FILE, Manifest};
use signals::InProgress;
pub use signals::{INTERRUPTED_EXIT_CODE, install as install_signal_cleanup};
use staging::{MARKER_FILE, Names};

use crate::error::SimError;

/// Test-only hook: milliseconds to sleep once the report's files are in the staging folder
/// (before its manifest is written and it is moved into place), so tests can interrupt, kill
/// or race a run at that point. Not a user setting; it does nothing unless set.
pub const PAUSE_BEFORE_RENAME_ENV: &str = "SERVERLESS_SIM_PAUSE_BEFORE_RENAME_MS";

/// Checks, without changing anything, that a report may be written to `target` (see
/// [`target::classify`]). Call it before long work, to refuse early; [`write_folder`] checks
/// again.
///
/// # Errors
/// The refusal, naming the path and saying why and what to do.
pub fn check_target(target: &Path) -> Result<(), SimError> {
    target::classify(&Names::new(target)?.target()).map(|_| ())
}

/// Writes a report folder at `target`: `write` fills the (empty) folder it is given, then
/// `manifest` is completed with the list of files and written last, and the folder replaces
/// `target` in one step. Returns `target`.
///
/// # Errors
/// `target` may not receive a report (nothing is created then), or `write` or any step fails:
/// the staging folder is deleted and `target` is as it was.
pub fn write_folder<F>(target: &Path, manifest: Manifest, write: F) -> Result<PathBuf, SimError>
where
    F: FnOnce(&Path) -> Result<(), SimError>,
{
    let names = Names::new(target)?;
    let target = &names.target();
    target::classify(target)?;
    fs::create_dir_all(names.parent())
        .map_err(|e| SimError::io(format!("creating {}", names.parent().display()), e))?;
    staging::remove_stale(&names);

    let staging = names.staging();
    {
        let mut held = InProgress::lock();
        staging::create(&staging)?;
        held.add(staging.clone());
    }
    let filled = fill(&staging, manifest, write);
    let mut held = InProgress::lock();
    held.forget(&staging);
    let published = filled.and_then(|()| publish::publish(&staging, target, &names));
    match published {
        Ok(previous) => {
            for old in previous {
                // Left over on failure: a later run deletes it once this process has ended.
                let _ = staging::remove(&old);
            }
            Ok(target.to_path_buf())
        }
        Err(e) => {
            let _ = staging::remove(&staging);
            Err(e)
        }
    }
}

/// Has `write` fill `dir`, then writes the manifest listing what it wrote and drops the
/// staging marker.
fn fill<F>(dir: &Path, mut manifest: Manifest, write: F) -> Result<(), SimError>
where
    F: FnOnce(&Path) -> Result<(), SimError>,
{
    write(dir)?;
    pause_for_tests();
    manifest.files = list_files(dir)?;
    files::check_written(manifest.command, &manifest.files)?;
    manifest.write_into(dir)?;
    staging::complete(dir)
}

/// Every file under `dir` (not the manifest or the marker), relative, `/`-separated, sorted.
fn list_files(dir: &Path) -> Result<Vec<String>, SimError> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if name == MANIFEST_FILE || name == MARKER_FILE {
                continue;
            }
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &format!("{name}/"), out)?;
            } else {
                out.push(name);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, "", &mut files).map_err(|e| SimError::io(format!("listing {}", dir.display()), e))?;
    files.sort();
    Ok(files)
}

fn pause_for_tests() {
    if let Some(ms) = std::env::var(PAUSE_BEFORE_RENAME_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_manifest() -> Manifest {
        Manifest::for_run(
            "t",
            1,
            crate::engine::time::DEFAULT_MONTH,
            &["w".to_owned()],
        )
    }

    /// The names in `dir`, sorted.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_written_folder_lists_its_files_and_holds_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("a").join("rep");
        write_folder(&target, run_manifest(), |dir| {
            fs::write(dir.join("summary.csv"), "b").unwrap();
            fs::write(dir.join("cost.png"), "c").unwrap();
            Ok(())
        })
        .unwrap();
        assert_eq!(entries(&target), ["cost.png", MANIFEST_FILE, "summary.csv"]);
        let text = fs::read_to_string(target.join(MANIFEST_FILE)).unwrap();
        assert!(
            text.contains("files = [\n    \"cost.png\",\n    \"summary.csv\",\n]\n"),
            "{text}"
        );
        assert!(text.contains(r#"warnings = ["w"]"#), "{text}");
        assert_eq!(entries(&tmp.path().join("a")), ["rep"]);
    }

    #[test]
    fn a_file_outside_the_command_s_list_is_not_published() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("rep");
        for (name, sub) in [("notes.txt", false), ("sub/cost.png", true)] {
            let err = write_folder(&target, run_manifest(), |dir| {
                fs::write(dir.join("summary.csv"), "b").unwrap();
                if sub {
                    fs::create_dir(dir.join("sub")).unwrap();
                }
                fs::write(dir.join(name), "c").unwrap();
                Ok(())
            })
            .unwrap_err()
            .to_string();
            assert!(err.contains(&format!("wrote {name} which")), "{err}");
            assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
        }
    }

    #[test]
    fn a_failed_write_leaves_the_previous_report_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("rep");
        let write_one = |body: &'static str| {
            move |dir: &Path| {
                fs::write(dir.join("costs.csv"), body).unwrap();
                Ok(())
            }
        };
        write_folder(&target, run_manifest(), write_one("first")).unwrap();
        let err = write_folder(&target, run_manifest(), |dir| {
            fs::write(dir.join("costs.csv"), "half").unwrap();
            Err(SimError::Report("disk full".into()))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(
            fs::read_to_string(target.join("costs.csv")).unwrap(),
            "first"
        );
        assert_eq!(entries(tmp.path()), ["rep"]);
        write_folder(&target, run_manifest(), write_one("second")).unwrap();
        assert_eq!(
            fs::read_to_string(target.join("costs.csv")).unwrap(),
            "second"
        );
        assert_eq!(entries(tmp.path()), ["rep"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_trailing_slash_does_not_make_a_link_look_like_a_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        write_folder(&real, run_manifest(), |_| Ok(())).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let with_slash = PathBuf::from(format!("{}/", link.display()));
        let err = check_target(&with_slash).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert!(write_folder(&with_slash, run_manifest(), |_| Ok(())).is_err());
        assert_eq!(entries(tmp.path()), ["link", "real"]);
        assert_eq!(fs::read_link(&link).unwrap(), real);
    }

    #[test]
    fn a_refused_target_is_not_touched_and_nothing_is_created() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("mine");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("thesis.txt"), "draft").unwrap();
        let mut called = false;
        let result = write_folder(&target, run_manifest(), |_| {
            called = true;
            Ok(())
        });
        assert!(result.is_err() && !called);
        assert!(check_target(&target).is_err());
        assert_eq!(entries(&target), ["thesis.txt"]);
        assert_eq!(entries(tmp.path()), ["mine"]);
    }
}
