//! The part folder of one shard of a sharded trace replay (`run --shard K/N`), and the checks
//! that a set of them are the parts of one run, complete and each once.
//!
//! A run part's `part.json` holds its [`PartHeader`] (`kind = "run"`), the run it is a part
//! of ([`RunIdentity`]: the scenario file as named on the command line and a digest of its
//! text, the seed, whether the approximation was asked for) and, per deployment, its
//! finished recorder: every count, level integral and billable quantity as exact integers
//! (i128 as decimal text), the busy level's changes and each bucket's latency histogram
//! ([`crate::platform::Mergeable`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{PART_FILE, PartHeader, ShardSpec, read_part};
use crate::error::SimError;
use crate::metrics::Recorder;
use crate::metrics::bucket_latency::KeptBucket;

/// The part kind of a run's parts.
pub const KIND: &str = "run";

/// What a part is a part of: parts merge only with parts of the same identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunIdentity {
    /// The scenario file as `run` was given it (merge reads it again from there).
    pub scenario: String,
    /// FNV-1a 64 of the scenario file's text, in hex: the same file, unchanged.
    pub scenario_digest: String,
    /// The scenario's name.
    pub name: String,
    pub seed: u64,
    /// `--shard-approximate`: couplings between apps were approximated.
    pub approximate: bool,
    /// The deployments, in scenario order.
    pub deployments: Vec<String>,
}

/// One deployment's share of a run part.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeploymentPart {
    pub name: String,
    /// The finished recorder (its per-bucket percentiles left out: see `buckets`).
    pub recorder: Recorder,
    /// Each bucket's latencies, from which the merge computes the per-bucket percentiles.
    pub buckets: Vec<KeptBucket>,
}

/// A run part: what `part.json` holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunPart {
    pub header: PartHeader,
    pub run: RunIdentity,
    pub deployments: Vec<DeploymentPart>,
}

/// FNV-1a 64 of `text`, in hex.
pub fn digest(text: &str) -> String {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    format!("{h:016x}")
}

/// Writes `part` to the part folder `out` (atomically, with a manifest of command
/// `run --shard`), returning where it went.
///
/// # Errors
/// An unusable folder, a write failure.
pub fn write(part: &RunPart, out: &Path, warnings: &[String]) -> Result<PathBuf, SimError> {
    let manifest =
        crate::report::output::Manifest::for_run_part(&part.run.name, part.run.seed, warnings);
    crate::report::output::write_folder(out, manifest, |dir| {
        let path = dir.join(PART_FILE);
        let file = std::fs::File::create(&path)
            .map_err(|e| SimError::Report(format!("{}: {e}", path.display())))?;
        let mut writer = std::io::BufWriter::new(file);
        serde_json::to_writer(&mut writer, part)
            .map_err(|e| SimError::Report(format!("{}: {e}", path.display())))?;
        std::io::Write::flush(&mut writer)
            .map_err(|e| SimError::Report(format!("{}: {e}", path.display())))
    })
}

/// Reads the run part in `dir` whose header and JSON [`read_part`] gave.
///
/// # Errors
/// Not a run part, or one this version cannot read.
pub fn from_json(
    dir: &Path,
    header: &PartHeader,
    value: serde_json::Value,
) -> Result<RunPart, SimError> {
    if header.kind != KIND {
        return Err(SimError::Invalid(format!(
            "{}: a part of a {}, not of a run",
            dir.display(),
            header.kind
        )));
    }
    serde_json::from_value(value).map_err(|e| {
        SimError::Invalid(format!(
            "{}: not a run part this version can read: {e}",
            dir.join(PART_FILE).display()
        ))
    })
}

/// Checks that `parts` (each with the folder it came from) are the parts of one run, every
/// shard of it once, and returns them in shard order.
///
/// # Errors
/// No part, parts of different runs or shard counts, a shard given twice, a shard missing:
/// each message names the folders.
pub fn complete_set(mut parts: Vec<(PathBuf, RunPart)>) -> Result<Vec<RunPart>, SimError> {
    let Some((first_dir, first)) = parts.first() else {
        return Err(SimError::Invalid("no part folder given".into()));
    };
    let count = first.header.shard.count;
    for (dir, p) in &parts[1..] {
        if p.run != first.run {
            return Err(SimError::Invalid(format!(
                "{} and {} are parts of different runs ({}); merge the parts of one run",
                first_dir.display(),
                dir.display(),
                difference(&first.run, &p.run)
            )));
        }
        if p.header.shard.count != count {
            return Err(SimError::Invalid(format!(
                "{} is shard {} and {} is shard {}: parts of one run have the same shard count",
                first_dir.display(),
                first.header.shard,
                dir.display(),
                p.header.shard
            )));
        }
    }
    let scenario = first.run.scenario.clone();
    parts.sort_by_key(|(_, p)| p.header.shard.index);
    for pair in parts.windows(2) {
        if pair[0].1.header.shard == pair[1].1.header.shard {
            return Err(SimError::Invalid(format!(
                "shard {} is given twice: {} and {}",
                pair[0].1.header.shard,
                pair[0].0.display(),
                pair[1].0.display()
            )));
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|k| !parts.iter().any(|(_, p)| p.header.shard.index == *k))
        .map(|k| ShardSpec { index: k, count }.to_string())
        .collect();
    if !missing.is_empty() {
        let (plural, verb) = if missing.len() == 1 {
            ("", "is")
        } else {
            ("s", "are")
        };
        return Err(SimError::Invalid(format!(
            "shard{plural} {} of the run of {} {verb} missing: run `serverless-sim run {} \
             --shard K/{count}` for each shard K",
            missing.join(", "),
            scenario,
            scenario,
        )));
    }
    Ok(parts.into_iter().map(|(_, p)| p).collect())
}

/// What differs between two runs' identities, for a message.
fn difference(a: &RunIdentity, b: &RunIdentity) -> String {
    if a.scenario != b.scenario {
        format!("scenario {} vs {}", a.scenario, b.scenario)
    } else if a.scenario_digest != b.scenario_digest {
        format!("{} changed between them", a.scenario)
    } else if a.seed != b.seed {
        format!("seed {} vs {}", a.seed, b.seed)
    } else if a.approximate != b.approximate {
        "one with --shard-approximate, one without".into()
    } else {
        "other deployments".into()
    }
}

/// Reads the part folders `dirs`, checking they make one run's complete set
/// ([`complete_set`]).
///
/// # Errors
/// As [`read_part`], [`from_json`] and [`complete_set`].
pub fn read_set(dirs: &[PathBuf]) -> Result<Vec<RunPart>, SimError> {
    let mut parts = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let (header, value) = read_part(dir)?;
        parts.push((dir.clone(), from_json(dir, &header, value)?));
    }
    complete_set(parts)
}
