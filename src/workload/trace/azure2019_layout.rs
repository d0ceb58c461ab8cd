//! The public Azure Functions Trace 2019's file names, and finding its day files in a folder
//! (the scenario key `dir`).
//!
//! The dataset (github.com/Azure/AzurePublicDataset; its description,
//! `AzureFunctionsDataset2019.md`) ships 14 invocation files
//! `invocations_per_function_md.anon.d01.csv` .. `d14.csv`, 14 durations files
//! `function_durations_percentiles.anon.d01.csv` .. `d14.csv` and 12 memory files
//! `app_memory_percentiles.anon.d01.csv` .. `d12.csv`. Any number of days of each kind is
//! accepted. [`find`] takes, of each kind, the files
//! whose names are exactly `<kind>.anon.dNN.csv` (two digits, from `d01`; other files are
//! ignored) and requires them to run from day 1 without a gap: a missing day is an error
//! naming it. Day k of each kind is list position k of the explicit keys (`invocations`,
//! `durations`, `memory_file`), so `dir` is a shorthand for writing the three lists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Name stem of the invocation files.
pub const INVOCATIONS: &str = "invocations_per_function_md";
/// Name stem of the durations files.
pub const DURATIONS: &str = "function_durations_percentiles";
/// Name stem of the memory files.
pub const MEMORY: &str = "app_memory_percentiles";

/// The file name of day `day` (from 1) of a kind, e.g. `..._md.anon.d07.csv`.
pub fn day_file_name(kind: &str, day: u32) -> String {
    format!("{kind}.anon.d{day:02}.csv")
}

/// The day number of `name` if it is exactly a day file name of `kind`.
fn day_of(kind: &str, name: &str) -> Option<u32> {
    let digits = name
        .strip_prefix(kind)?
        .strip_prefix(".anon.d")?
        .strip_suffix(".csv")?;
    let day: u32 = digits.parse().ok()?;
    (day >= 1 && digits.bytes().all(|b| b.is_ascii_digit()) && day_file_name(kind, day) == name)
        .then_some(day)
}

/// The day files of a folder, each list in day order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayFiles {
    pub invocations: Vec<PathBuf>,
    pub durations: Vec<PathBuf>,
    pub memory: Vec<PathBuf>,
}

/// Finds the day files of the public layout in `dir`; memory files only when
/// `need_memory` (memory comes from the trace).
///
/// # Errors
/// An unreadable folder, a kind with no day file, or a gap in the days (the first missing
/// day named), as a message for the scenario's `dir` key.
pub fn find(dir: &Path, need_memory: bool) -> Result<DayFiles, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the folder '{}': {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list '{}': {e}", dir.display()))?;
        if let Some(name) = entry.file_name().to_str() {
            names.push(name.to_string());
        }
    }
    let days = |kind: &str, what: &str, hint: &str| -> Result<Vec<PathBuf>, String> {
        let found: BTreeSet<u32> = names.iter().filter_map(|n| day_of(kind, n)).collect();
        let Some(&last) = found.last() else {
            return Err(format!(
                "no {what} in '{}': expected {}, {}, ... (the public dataset's names){hint}",
                dir.display(),
                day_file_name(kind, 1),
                day_file_name(kind, 2),
            ));
        };
        if let Some(gap) = (1..=last).find(|d| !found.contains(d)) {
            return Err(format!(
                "missing day d{gap:02} of the {what}: '{}' has {} but not {}; the days must \
                 run from d01 without a gap (to replay fewer days, list the files with \
                 invocations, durations and memory_file instead of dir)",
                dir.display(),
                day_file_name(kind, last),
                day_file_name(kind, gap),
            ));
        }
        Ok((1..=last)
            .map(|d| dir.join(day_file_name(kind, d)))
            .collect())
    };
    Ok(DayFiles {
        invocations: days(INVOCATIONS, "invocation files", "")?,
        durations: days(DURATIONS, "durations files", "")?,
        memory: if need_memory {
            days(
                MEMORY,
                "memory files",
                " (or set memory = \"<size>\" to give every function one size)",
            )?
        } else {
            Vec::new()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_exact() {
        assert_eq!(
            day_file_name(INVOCATIONS, 7),
            "invocations_per_function_md.anon.d07.csv"
        );
        assert_eq!(
            day_of(DURATIONS, "function_durations_percentiles.anon.d12.csv"),
            Some(12)
        );
        for other in [
            "function_durations_percentiles.anon.d7.csv",
            "function_durations_percentiles.anon.d007.csv",
            "function_durations_percentiles.anon.d00.csv",
            "function_durations_percentiles.anon.d+1.csv",
            "function_durations_percentiles.anon.d01.csv.gz",
            "function_durations_percentiles.d01.csv",
        ] {
            assert_eq!(day_of(DURATIONS, other), None, "{other}");
        }
    }

    fn touch(dir: &Path, names: &[String]) {
        for n in names {
            std::fs::write(dir.join(n), "").expect("written");
        }
    }

    #[test]
    fn finds_the_public_layout_and_names_a_gap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path();
        touch(
            p,
            &(1..=14)
                .map(|d| day_file_name(INVOCATIONS, d))
                .collect::<Vec<_>>(),
        );
        touch(
            p,
            &(1..=12)
                .map(|d| day_file_name(DURATIONS, d))
                .collect::<Vec<_>>(),
        );
        touch(
            p,
            &(1..=12)
                .map(|d| day_file_name(MEMORY, d))
                .collect::<Vec<_>>(),
        );
        touch(p, &["README.md".to_string(), "scenario.toml".to_string()]);
        let f = find(p, true).expect("complete");
        assert_eq!(
            (f.invocations.len(), f.durations.len(), f.memory.len()),
            (14, 12, 12)
        );
        assert_eq!(
            f.invocations[6],
            p.join("invocations_per_function_md.anon.d07.csv")
        );
        assert_eq!(f.memory[11], p.join("app_memory_percentiles.anon.d12.csv"));
        assert!(find(p, false).expect("complete").memory.is_empty());

        std::fs::remove_file(p.join(day_file_name(INVOCATIONS, 7))).expect("removed");
        let e = find(p, true).expect_err("a gap");
        assert!(e.contains("missing day d07 of the invocation files"), "{e}");
        assert!(
            e.contains("invocations_per_function_md.anon.d07.csv"),
            "{e}"
        );

        touch(p, &[day_file_name(INVOCATIONS, 7)]);
        for d in 1..=12 {
            std::fs::remove_file(p.join(day_file_name(MEMORY, d))).expect("removed");
        }
        assert!(find(p, false).is_ok());
        let e = find(p, true).expect_err("no memory files");
        assert!(
            e.contains("no memory files") && e.contains("memory = "),
            "{e}"
        );
    }
}
