//! The files each command writes into its report folder: the one list that both the writers
//! and the folder rule go by.
//!
//! A folder is replaced only when its manifest names a command and lists nothing but names
//! from that command's list ([`written_by`]); a forged or edited manifest listing `thesis.txt`
//! or a sub-folder does not make a folder ours. And every folder the tool writes is checked
//! against the same list before it is put in place ([`check_written`]), so a new report file
//! that is not added here fails every test that writes a report, rather than making the next
//! run refuse the folder.

use crate::error::SimError;
use crate::report::html::REPORT_HTML;
use crate::sweep::charts::{BREAKEVEN_PNG, LATENCY_PNG, MEMORY_PNG};
use crate::sweep::report::{BREAKEVEN_CSV, REPLICATIONS_CSV, SUMMARY_JSON, SWEEP_CSV};

/// The chart `trace inspect` writes.
pub const INVOCATIONS_PNG: &str = "invocations.png";

/// The names of the files `command` (a manifest's `command`: `run`, `sweep`, `trace inspect`)
/// may write at the top of its report folder; `None` for any other command. Never a
/// sub-folder: reports are flat.
pub fn written_by(command: &str) -> Option<Vec<&'static str>> {
    match command {
        "run" => {
            let mut names: Vec<&'static str> = crate::report::exporters()
                .iter()
                .map(|x| x.file_name())
                .collect();
            names.extend([REPORT_HTML, SUMMARY_JSON, REPLICATIONS_CSV]);
            Some(names)
        }
        "sweep" => Some(vec![
            SWEEP_CSV,
            BREAKEVEN_CSV,
            SUMMARY_JSON,
            BREAKEVEN_PNG,
            LATENCY_PNG,
            MEMORY_PNG,
            REPORT_HTML,
        ]),
        "trace inspect" => Some(vec![INVOCATIONS_PNG]),
        "sweep --shard" => Some(vec![crate::shard::PART_FILE]),
        super::manifest::RUN_PART_COMMAND => Some(vec![crate::shard::PART_FILE]),
        _ => None,
    }
}

/// The entries of `listed` that `command` never writes (all of them for an unknown command).
pub fn not_written_by(command: &str, listed: &[String]) -> Vec<String> {
    let ours = written_by(command).unwrap_or_default();
    listed
        .iter()
        .filter(|f| !ours.contains(&f.as_str()))
        .cloned()
        .collect()
}

/// Checks that a folder `command` has just written holds only files of its list.
///
/// # Errors
/// A file outside the list: a defect of this program (a writer whose file was not added to
/// [`written_by`]), reported rather than published.
pub fn check_written(command: &str, files: &[String]) -> Result<(), SimError> {
    let stray = not_written_by(command, files);
    if stray.is_empty() {
        return Ok(());
    }
    Err(SimError::Report(format!(
        "internal error: `{command}` wrote {} which is not in its list of report files \
         (report::output::files::written_by); the report was not put in place",
        stray.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::output::MANIFEST_FILE;
    use crate::report::output::staging::MARKER_FILE;

    #[test]
    fn every_command_s_list_is_flat_distinct_and_leaves_out_the_folder_s_own_files() {
        for command in ["run", "sweep", "trace inspect", "sweep --shard"] {
            let names = written_by(command).unwrap();
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{command}: {names:?}");
            for n in &names {
                assert!(!n.contains('/') && !n.starts_with('.'), "{command}: {n}");
                assert!(*n != MANIFEST_FILE && *n != MARKER_FILE, "{command}: {n}");
            }
        }
        assert_eq!(written_by("Run"), None);
        assert_eq!(written_by(""), None);
    }

    #[test]
    fn names_outside_the_list_are_named() {
        let listed =
            ["summary.csv", "thesis.txt", "charts/cost.png", "sweep.csv"].map(String::from);
        assert_eq!(
            not_written_by("run", &listed),
            ["thesis.txt", "charts/cost.png", "sweep.csv"]
        );
        assert_eq!(not_written_by("sweep", &listed[3..]), Vec::<String>::new());
        assert_eq!(not_written_by("other", &listed[..1]), ["summary.csv"]);
        let err = check_written("run", &listed[..2]).unwrap_err().to_string();
        assert!(err.contains("wrote thesis.txt which"), "{err}");
        assert!(check_written("trace inspect", &[INVOCATIONS_PNG.to_owned()]).is_ok());
    }
}
