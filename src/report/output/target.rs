//! What is at an output path, and whether a report may go there.
//!
//! The rule: a missing folder is created, an empty folder is used, a previous serverless-sim
//! report (see [`super::manifest::replaceable`]) is replaced; anything else (a folder holding
//! other files, a report whose manifest lists files the tool does not write, a read-only
//! folder or one holding read-only files, a file, a symbolic link, a path through a file) is
//! refused with an error that names the path, says why and what to do, and is left exactly as
//! it was.
//!
//! Read-only is told by the permission bits (no write bit for anyone: `chmod a-w`), not by a
//! failed write: a user who protected a report means it, and the superuser, whom the bits do
//! not stop, must not replace it either.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use super::manifest::{self, MANIFEST_FILE, NotOurs};
use crate::error::SimError;

/// What an output path holds, when a report may go there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Nothing: the report folder will be created.
    Absent,
    /// An empty folder: it will be replaced by the report.
    Empty,
    /// A previous report: it will be replaced by the new one.
    Report,
}

/// Looks at `target` without changing anything.
///
/// # Errors
/// The path may not receive a report (the message says why and what to do), or cannot be
/// examined.
pub fn classify(target: &Path) -> Result<Target, SimError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Target::Absent),
        Err(e) if e.kind() == ErrorKind::NotADirectory => return Err(through_a_file(target)),
        Err(e) => return Err(SimError::io(format!("examining {}", target.display()), e)),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(refuse(
            target,
            "is a symbolic link, and a report never replaces a link nor writes through one",
            "pass the folder it points to, or another path",
        ));
    }
    if !kind.is_dir() {
        return Err(refuse(
            target,
            "is a file, not a folder",
            "pass a new path or an empty folder",
        ));
    }
    let replaceable = manifest::replaceable(target).map_err(|why| not_ours(target, &why))?;
    let empty = fs::read_dir(target)
        .map_err(|e| SimError::io(format!("reading folder {}", target.display()), e))?
        .next()
        .is_none();
    if !replaceable && !empty {
        return Err(refuse(
            target,
            &format!(
                "is a folder that is not empty and not a serverless-sim report (it has no \
                 {MANIFEST_FILE} written by serverless-sim)"
            ),
            "pass a new path or an empty folder, or delete this folder yourself if it can go",
        ));
    }
    let read_only = read_only_entries(target, &meta)?;
    if !read_only.is_empty() {
        return Err(refuse(
            target,
            &format!(
                "is read-only (no write permission for anyone on {}), which protects it from \
                 being replaced",
                short_list(&read_only)
            ),
            "pass another path, or make it writable first (chmod -R u+w) if it may be replaced",
        ));
    }
    Ok(if replaceable {
        Target::Report
    } else {
        Target::Empty
    })
}

/// The refusal of a folder holding our manifest that is still not ours to replace.
fn not_ours(target: &Path, why: &NotOurs) -> SimError {
    match why {
        NotOurs::Unlisted(extra) => refuse(
            target,
            &format!(
                "is a serverless-sim report holding files its {MANIFEST_FILE} does not list \
                 ({}), which replacing it would delete",
                short_list(extra)
            ),
            "move those files elsewhere, or pass another path",
        ),
        NotOurs::Listed { command, names } => refuse(
            target,
            &format!(
                "has a {MANIFEST_FILE} listing {} which serverless-sim{} never writes, so it is \
                 not a report this tool may replace",
                short_list(names),
                if command.is_empty() {
                    String::new()
                } else {
                    format!(" `{}`", command.escape_debug())
                }
            ),
            "pass a new path or an empty folder",
        ),
        NotOurs::NotFiles(names) => refuse(
            target,
            &format!(
                "is a serverless-sim report in which {} is not a plain file (a folder or a \
                 link), which a report never holds",
                short_list(names)
            ),
            "move it elsewhere, or pass another path",
        ),
    }
}

/// What in the folder `dir` (whose metadata is `meta`) has no write permission bit: `the
/// folder` itself, and the names of its entries.
fn read_only_entries(dir: &Path, meta: &fs::Metadata) -> Result<Vec<String>, SimError> {
    let entries = fs::read_dir(dir)
        .map_err(|e| SimError::io(format!("reading folder {}", dir.display()), e))?;
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|entry| entry.metadata().is_ok_and(|m| m.permissions().readonly()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if meta.permissions().readonly() {
        names.insert(0, "the folder".to_owned());
    }
    Ok(names)
}

/// `path: <why>; it was left untouched. Output folder: <what to do>.`
fn refuse(path: &Path, why: &str, what_to_do: &str) -> SimError {
    SimError::Report(format!(
        "{}: not used as the output folder: it {why}; it was left untouched. To write the \
         report, {what_to_do}.",
        path.display()
    ))
}

/// The error for a target below a file (`afile/report` where `afile` is a file).
fn through_a_file(target: &Path) -> SimError {
    let file = target
        .ancestors()
        .skip(1)
        .find(|a| !a.as_os_str().is_empty() && fs::metadata(a).is_ok_and(|m| !m.is_dir()));
    match file {
        Some(file) => SimError::Report(format!(
            "{}: cannot be created: {} is a file, not a folder; nothing was changed. To write \
             the report, pass a path whose parent folders are folders.",
            target.display(),
            file.display()
        )),
        None => SimError::Report(format!(
            "{}: cannot be created: part of the path is not a folder; nothing was changed",
            target.display()
        )),
    }
}

/// The first few names, then how many more.
fn short_list(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A manifest of ours listing nothing.
    const OURS: &str = "tool = \"serverless-sim\"\ncommand = \"run\"\n";

    fn message(result: Result<Target, SimError>) -> String {
        match result {
            Err(e) => e.to_string(),
            Ok(t) => panic!("expected a refusal, got {t:?}"),
        }
    }

    #[test]
    fn absent_empty_and_report_folders_are_accepted() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        assert_eq!(classify(&d).unwrap(), Target::Absent);
        fs::create_dir(&d).unwrap();
        assert_eq!(classify(&d).unwrap(), Target::Empty);
        fs::write(d.join(MANIFEST_FILE), OURS).unwrap();
        assert_eq!(classify(&d).unwrap(), Target::Report);
    }

    #[test]
    fn anything_else_is_refused_naming_the_path_and_why() {
        let tmp = tempfile::tempdir().unwrap();
        let foreign = tmp.path().join("docs");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("thesis.txt"), "draft").unwrap();
        let msg = message(classify(&foreign));
        assert!(
            msg.starts_with(&format!("{}: ", foreign.display())),
            "{msg}"
        );
        assert!(
            msg.contains("not empty and not a serverless-sim report"),
            "{msg}"
        );

        let file = tmp.path().join("afile");
        fs::write(&file, "x").unwrap();
        let msg = message(classify(&file));
        assert!(msg.contains("is a file, not a folder"), "{msg}");

        let below = file.join("rep");
        let msg = message(classify(&below));
        assert!(
            msg.contains(&format!("{} is a file, not a folder", file.display())),
            "{msg}"
        );

        fs::write(foreign.join(MANIFEST_FILE), OURS).unwrap();
        let msg = message(classify(&foreign));
        assert!(msg.contains("(thesis.txt)"), "{msg}");
    }

    #[test]
    fn a_forged_manifest_does_not_make_a_folder_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("mine");
        fs::create_dir(&d).unwrap();
        fs::write(d.join("thesis.txt"), "draft").unwrap();
        fs::write(
            d.join(MANIFEST_FILE),
            format!("{OURS}files = [\"thesis.txt\"]\n"),
        )
        .unwrap();
        let msg = message(classify(&d));
        assert!(msg.starts_with(&format!("{}: ", d.display())), "{msg}");
        assert!(
            msg.contains("listing thesis.txt which serverless-sim `run` never writes"),
            "{msg}"
        );
        fs::remove_file(d.join("thesis.txt")).unwrap();
        fs::create_dir(d.join("summary.csv")).unwrap();
        fs::write(
            d.join(MANIFEST_FILE),
            format!("{OURS}files = [\"summary.csv\"]\n"),
        )
        .unwrap();
        let msg = message(classify(&d));
        assert!(msg.contains("summary.csv is not a plain file"), "{msg}");
    }

    /// Sets `path`'s write bits off (`read_only`) or back on.
    fn set_read_only(path: &Path, read_only: bool) {
        let mut p = fs::metadata(path).unwrap().permissions();
        p.set_readonly(read_only);
        fs::set_permissions(path, p).unwrap();
    }

    #[test]
    fn a_read_only_report_or_empty_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("rep");
        fs::create_dir(&d).unwrap();
        set_read_only(&d, true);
        let msg = message(classify(&d));
        set_read_only(&d, false);
        assert!(
            msg.contains("is read-only (no write permission for anyone on the folder)"),
            "{msg}"
        );
        fs::write(
            d.join(MANIFEST_FILE),
            format!("{OURS}files = [\"costs.csv\"]\n"),
        )
        .unwrap();
        fs::write(d.join("costs.csv"), "x").unwrap();
        assert_eq!(classify(&d).unwrap(), Target::Report);
        set_read_only(&d.join("costs.csv"), true);
        let msg = message(classify(&d));
        assert!(msg.contains("on costs.csv)"), "{msg}");
        set_read_only(&d, true);
        let msg = message(classify(&d));
        set_read_only(&d, false);
        assert!(msg.contains("on the folder, costs.csv)"), "{msg}");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_refused_whatever_they_point_to() {
        let tmp = tempfile::tempdir().unwrap();
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&empty, &link).unwrap();
        assert!(message(classify(&link)).contains("symbolic link"));
        let dangling = tmp.path().join("dangling");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
        assert!(message(classify(&dangling)).contains("symbolic link"));
    }

    #[test]
    fn long_lists_are_cut() {
        let names: Vec<String> = (0..7).map(|i| format!("f{i}")).collect();
        assert_eq!(short_list(&names), "f0, f1, f2, f3, f4 and 2 more");
        assert_eq!(short_list(&names[..2]), "f0, f1");
    }
}
