//! `manifest.toml`: the file that makes a folder a serverless-sim report.
//!
//! Every report folder gets one, written last (so a folder with a manifest is complete). It
//! says which tool and version wrote the folder, for what (scenario, seed and the billing
//! month in hours, `month_hours`, or trace), which files the report holds and the warnings of
//! the run. The output writer replaces an existing
//! folder only when [`replaceable`] says it is a report: its manifest parses, says
//! `tool = "serverless-sim"` and which command wrote it, lists only names that command
//! writes ([`super::files`]), and the folder holds nothing else (no file the manifest does not
//! list, no sub-folder, no link), so neither a file a user saved into a report folder nor one
//! a forged manifest lists is ever deleted.

use std::fs;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::engine::time::{HOUR, Micros};
use crate::error::SimError;

/// The manifest's file name inside a report folder.
pub const MANIFEST_FILE: &str = "manifest.toml";

/// The value of the manifest's `tool` key.
pub const TOOL: &str = "serverless-sim";

/// Manifests larger than this are not ours (ours are a few hundred bytes plus warnings).
const MAX_MANIFEST_BYTES: u64 = 4 << 20;

/// A seed as TOML can hold it: an integer when it fits in TOML's signed 64 bits, otherwise
/// its decimal digits as a string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Seed {
    Integer(i64),
    Digits(String),
}

impl From<u64> for Seed {
    fn from(seed: u64) -> Self {
        i64::try_from(seed).map_or_else(|_| Seed::Digits(seed.to_string()), Seed::Integer)
    }
}

/// The command a part folder of a sharded replay names in its manifest.
pub const RUN_PART_COMMAND: &str = "run --shard";

/// What a report folder's manifest says. `files` is filled by the writer from what the
/// folder actually holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Manifest {
    pub tool: &'static str,
    pub version: &'static str,
    /// The command that wrote the folder: `run`, `sweep`, `trace inspect`, or a shard's
    /// `sweep --shard` / `run --shard`.
    pub command: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<Seed>,
    /// The billing month the run's monthly figures are per, in hours (`run` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month_hours: Option<f64>,
    /// The measured part of a run with a warm-up, e.g. `"4h to 8h"` (`run` only; absent
    /// without a warm-up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<String>,
    /// The trace inspected (`trace inspect` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// Every other file of the folder, relative to it, `/`-separated, sorted.
    pub files: Vec<String>,
    pub warnings: Vec<String>,
}

impl Manifest {
    /// The manifest of a `run` report, for a billing month of `month`.
    pub fn for_run(scenario: &str, seed: u64, month: Micros, warnings: &[String]) -> Self {
        Manifest {
            command: "run",
            scenario: Some(scenario.to_owned()),
            seed: Some(seed.into()),
            month_hours: Some(month as f64 / HOUR as f64),
            warnings: warnings.to_vec(),
            ..Self::blank()
        }
    }

    /// The manifest of a part folder of a sharded replay (`run --shard`).
    pub fn for_run_part(scenario: &str, seed: u64, warnings: &[String]) -> Self {
        Manifest {
            command: RUN_PART_COMMAND,
            scenario: Some(scenario.to_owned()),
            seed: Some(seed.into()),
            warnings: warnings.to_vec(),
            ..Self::blank()
        }
    }

    /// The manifest of a `sweep` report, with its merged warnings
    /// ([`crate::sweep::warnings`]).
    pub fn for_sweep(scenario: &str, seed: u64, warnings: &[String]) -> Self {
        Manifest {
            command: "sweep",
            scenario: Some(scenario.to_owned()),
            seed: Some(seed.into()),
            warnings: warnings.to_vec(),
            ..Self::blank()
        }
    }

    /// The manifest of a part folder of a sharded sweep or run (`command` is `sweep --shard`
    /// or `run --shard`, [`crate::shard`]).
    pub fn for_part(command: &'static str, scenario: &str, seed: u64) -> Self {
        Manifest {
            command,
            scenario: Some(scenario.to_owned()),
            seed: Some(seed.into()),
            ..Self::blank()
        }
    }

    /// The manifest of a `trace inspect` folder.
    pub fn for_trace_inspect(trace: &Path) -> Self {
        Manifest {
            command: "trace inspect",
            trace: Some(trace.display().to_string()),
            ..Self::blank()
        }
    }

    fn blank() -> Self {
        Manifest {
            tool: TOOL,
            version: env!("CARGO_PKG_VERSION"),
            command: "",
            scenario: None,
            seed: None,
            month_hours: None,
            measured: None,
            trace: None,
            files: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The manifest as TOML, with a comment saying what the file is for.
    ///
    /// # Errors
    /// Serialisation failure (not expected for these types).
    pub fn to_toml(&self) -> Result<String, SimError> {
        let body = toml::to_string_pretty(self)
            .map_err(|e| SimError::Report(format!("encoding {MANIFEST_FILE}: {e}")))?;
        Ok(format!(
            "# Written by serverless-sim. It marks this folder as a report that a later run may\n\
             # replace; a folder without it (or holding files it does not list) is never replaced.\n\
             {body}"
        ))
    }

    /// Writes the manifest into `dir`.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write_into(&self, dir: &Path) -> Result<(), SimError> {
        let path = dir.join(MANIFEST_FILE);
        fs::write(&path, self.to_toml()?)
            .map_err(|e| SimError::io(format!("writing {}", path.display()), e))
    }
}

/// The `command` and `files` of `dir`'s manifest, when `dir` holds a manifest written by
/// serverless-sim (a regular file, not a link, that parses as TOML and says
/// `tool = "serverless-sim"`). A missing `command` reads as `""` (no command's).
fn read_listing(dir: &Path) -> Option<(String, Vec<String>)> {
    let path = dir.join(MANIFEST_FILE);
    let meta = fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_MANIFEST_BYTES {
        return None;
    }
    let mut text = String::new();
    fs::File::open(&path)
        .ok()?
        .take(MAX_MANIFEST_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    let table: toml::Table = text.parse().ok()?;
    if table.get("tool")?.as_str()? != TOOL {
        return None;
    }
    let command = match table.get("command") {
        Some(c) => c.as_str()?.to_owned(),
        None => String::new(),
    };
    let files = match table.get("files") {
        Some(v) => v
            .as_array()?
            .iter()
            .map(|f| f.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?,
        None => Vec::new(),
    };
    Some((command, files))
}

/// Why a folder holding our manifest is still not replaced; each names the entries at fault,
/// sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotOurs {
    /// The manifest lists names its command never writes (a forged or edited manifest, or
    /// one naming no command of ours).
    Listed { command: String, names: Vec<String> },
    /// Entries the manifest does not list: files a user added.
    Unlisted(Vec<String>),
    /// Listed names that are not plain files (a folder, a link): reports hold only files.
    NotFiles(Vec<String>),
}

/// Whether `dir` is a serverless-sim report that a new one may replace: it has our manifest,
/// the manifest lists only files its command writes, and every other entry of the folder is a
/// plain file the manifest lists. Files the manifest lists may be missing.
///
/// `Ok(false)`: no manifest of ours. `Err`: our manifest, but replacing the folder could
/// delete what the tool did not write.
pub fn replaceable(dir: &Path) -> Result<bool, NotOurs> {
    let Some((command, files)) = read_listing(dir) else {
        return Ok(false);
    };
    let mut foreign = super::files::not_written_by(&command, &files);
    if !foreign.is_empty() {
        foreign.sort();
        return Err(NotOurs::Listed {
            command,
            names: foreign,
        });
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(false);
    };
    let (mut unlisted, mut not_files) = (Vec::new(), Vec::new());
    for entry in entries {
        let Ok(entry) = entry else {
            return Ok(false);
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != MANIFEST_FILE && !files.contains(&name) {
            unlisted.push(name);
        } else if !entry.file_type().is_ok_and(|t| t.is_file()) {
            not_files.push(name);
        }
    }
    unlisted.sort();
    not_files.sort();
    if !unlisted.is_empty() {
        Err(NotOurs::Unlisted(unlisted))
    } else if !not_files.is_empty() {
        Err(NotOurs::NotFiles(not_files))
    } else {
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_manifest_says_what_wrote_the_folder() {
        let mut m = Manifest::for_run("web-api", 42, 730 * HOUR, &["slow trace".to_owned()]);
        m.files = vec!["a.csv".into(), "b.png".into()];
        let text = m.to_toml().unwrap();
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            body,
            [
                r#"tool = "serverless-sim""#,
                &format!(r#"version = "{}""#, env!("CARGO_PKG_VERSION")),
                r#"command = "run""#,
                r#"scenario = "web-api""#,
                "seed = 42",
                "month_hours = 730.0",
                "files = [",
                r#"    "a.csv","#,
                r#"    "b.png","#,
                "]",
                "warnings = [\"slow trace\"]",
            ]
        );
    }

    #[test]
    fn a_seed_beyond_toml_integers_is_kept_as_digits() {
        let text = Manifest::for_run("s", u64::MAX, HOUR, &[])
            .to_toml()
            .unwrap();
        assert!(text.contains(r#"seed = "18446744073709551615""#), "{text}");
        let text = Manifest::for_run("s", 1 << 63, HOUR, &[])
            .to_toml()
            .unwrap();
        assert!(text.contains(r#"seed = "9223372036854775808""#), "{text}");
        let text = Manifest::for_run("s", (1 << 63) - 1, HOUR, &[])
            .to_toml()
            .unwrap();
        assert!(text.contains("seed = 9223372036854775807\n"), "{text}");
    }

    #[test]
    fn a_folder_is_replaceable_only_with_our_manifest_and_nothing_unlisted() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(replaceable(d), Ok(false), "no manifest");
        fs::write(d.join(MANIFEST_FILE), "tool = \"other-tool\"\n").unwrap();
        assert_eq!(replaceable(d), Ok(false), "another tool");
        fs::write(d.join(MANIFEST_FILE), "tool = \"serverless-sim\n").unwrap();
        assert_eq!(replaceable(d), Ok(false), "does not parse");
        fs::write(
            d.join(MANIFEST_FILE),
            "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [\"costs.csv\", \"summary.csv\"]\n",
        )
        .unwrap();
        assert_eq!(replaceable(d), Ok(true), "listed files may be missing");
        fs::write(d.join("costs.csv"), "1").unwrap();
        assert_eq!(replaceable(d), Ok(true));
        fs::write(d.join("notes.txt"), "mine").unwrap();
        fs::create_dir(d.join("char")).unwrap();
        assert_eq!(
            replaceable(d),
            Err(NotOurs::Unlisted(vec![
                "char".to_owned(),
                "notes.txt".to_owned()
            ]))
        );
        fs::remove_file(d.join("notes.txt")).unwrap();
        fs::remove_dir(d.join("char")).unwrap();
        fs::create_dir(d.join("summary.csv")).unwrap();
        assert_eq!(
            replaceable(d),
            Err(NotOurs::NotFiles(vec!["summary.csv".to_owned()])),
            "a listed name that is a folder"
        );
    }

    #[test]
    fn a_manifest_listing_what_its_command_never_writes_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("thesis.txt"), "draft").unwrap();
        fs::create_dir(d.join("data")).unwrap();
        fs::write(
            d.join(MANIFEST_FILE),
            "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [\"thesis.txt\", \"data/x.csv\", \"summary.csv\"]\n",
        )
        .unwrap();
        assert_eq!(
            replaceable(d),
            Err(NotOurs::Listed {
                command: "run".into(),
                names: vec!["data/x.csv".into(), "thesis.txt".into()]
            })
        );
        // A file of another command's list, or no command at all, is not ours either.
        for (command, listed) in [
            ("command = \"sweep\"\n", "costs.csv"),
            ("", "summary.csv"),
            ("command = \"rm\"\n", "summary.csv"),
        ] {
            fs::write(
                d.join(MANIFEST_FILE),
                format!("tool = \"serverless-sim\"\n{command}files = [\"{listed}\"]\n"),
            )
            .unwrap();
            assert!(
                matches!(replaceable(d), Err(NotOurs::Listed { names, .. }) if names == [listed]),
                "{command}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_manifest_does_not_count() {
        let real = tempfile::tempdir().unwrap();
        fs::write(
            real.path().join(MANIFEST_FILE),
            "tool = \"serverless-sim\"\n",
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(
            real.path().join(MANIFEST_FILE),
            dir.path().join(MANIFEST_FILE),
        )
        .unwrap();
        assert_eq!(replaceable(dir.path()), Ok(false));
    }
}
