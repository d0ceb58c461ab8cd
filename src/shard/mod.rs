//! Splitting one sweep or one trace replay across machines, and putting the pieces back
//! together.
//!
//! A **shard** is one of N pieces of a piece of work, named `K/N` with K counted from 0 (as
//! Kubernetes Indexed Jobs, Slurm arrays `--array=0-(N-1)` and AWS Batch array jobs count):
//! [`ShardSpec`]. `auto/N` reads K from the environment of the job array that started the
//! process ([`ShardSpec::parse`]). Each shard writes a **part folder**: a `part.json`
//! ([`PART_FILE`]) whose header ([`PartHeader`]) says what it is a part of, and a manifest,
//! written atomically like every report folder. `merge` reads part folders, checks that they
//! are the parts of one piece of work, complete and each once, and writes the files one
//! machine would have written.
//!
//! - [`sweep`] and [`sweep_part`]: a sweep's runs (point x replication) dealt round-robin to
//!   shards, break-even refinement in rounds, and the merge.
//! - [`exact`]: numbers written to part files so that they read back to the same bits.

pub mod exact;
pub mod sweep;
pub mod sweep_part;

pub mod replay;
pub mod replay_part;

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::SimError;

/// The file of a part folder that holds its results.
pub const PART_FILE: &str = "part.json";

/// The environment variables `--shard auto/N` reads, in the order they are tried: Kubernetes
/// Indexed Jobs, Slurm job arrays, AWS Batch array jobs.
pub const INDEX_VARIABLES: [&str; 3] = [
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "AWS_BATCH_JOB_ARRAY_INDEX",
];

/// Shard `index` of `count` (0 <= index < count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardSpec {
    pub index: usize,
    pub count: usize,
}

impl fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Most shards a piece of work may be split into.
pub const MAX_SHARDS: usize = 100_000;

impl ShardSpec {
    /// Reads `K/N` or `auto/N` (K from [`INDEX_VARIABLES`], see [`ShardSpec::from_env`]).
    ///
    /// # Errors
    /// Not of that form, N = 0 or above [`MAX_SHARDS`], K >= N, or (auto) no index in the
    /// environment: a message for the `--shard` flag.
    pub fn parse(text: &str) -> Result<ShardSpec, String> {
        Self::parse_with(text, |name| std::env::var(name).ok())
    }

    /// [`ShardSpec::parse`] reading the environment through `env`.
    ///
    /// # Errors
    /// As [`ShardSpec::parse`].
    pub fn parse_with(
        text: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ShardSpec, String> {
        let form = "expected K/N (shard K of N, K from 0 to N-1) or auto/N";
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: {form}"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("`{text}`: N `{n}` is not a whole number; {form}"))?;
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "`{text}`: N must be from 1 to {MAX_SHARDS}, not {count}"
            ));
        }
        let index = if k.trim() == "auto" {
            Self::index_from_env(count, &env)?
        } else {
            k.trim()
                .parse()
                .map_err(|_| format!("`{text}`: K `{k}` is not a whole number; {form}"))?
        };
        if index >= count {
            return Err(format!(
                "`{text}`: shard {index} of {count} does not exist: shards are numbered 0 to {}",
                count - 1
            ));
        }
        Ok(ShardSpec { index, count })
    }

    /// The shard index of a job array's task: the first of [`INDEX_VARIABLES`] that is set.
    /// Slurm's task id is counted from the array's first id (`SLURM_ARRAY_TASK_MIN`), so
    /// `--array=1-4` works as well as `--array=0-3`.
    fn index_from_env(
        count: usize,
        env: &impl Fn(&str) -> Option<String>,
    ) -> Result<usize, String> {
        for name in INDEX_VARIABLES {
            let Some(value) = env(name) else { continue };
            let id: usize = value.trim().parse().map_err(|_| {
                format!("--shard auto/{count}: {name} is `{value}`, not a whole number")
            })?;
            if name == "SLURM_ARRAY_TASK_ID"
                && let Some(min) = env("SLURM_ARRAY_TASK_MIN")
            {
                let min: usize = min.trim().parse().map_err(|_| {
                    format!(
                        "--shard auto/{count}: SLURM_ARRAY_TASK_MIN is `{min}`, not a whole number"
                    )
                })?;
                return id.checked_sub(min).ok_or_else(|| {
                    format!("--shard auto/{count}: SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
                });
            }
            return Ok(id);
        }
        Err(format!(
            "--shard auto/{count}: none of {} is set; give the shard as K/{count}",
            INDEX_VARIABLES.join(", ")
        ))
    }

    /// Whether the job at `position` (0-based, in the work's fixed order) is this shard's:
    /// jobs are dealt round-robin, so every shard gets about as many early (cheap) and late
    /// (dear) grid points.
    pub fn takes(&self, position: usize) -> bool {
        position % self.count == self.index
    }
}

/// What every `part.json` starts with: what wrote it and what it is a part of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartHeader {
    /// `serverless-sim`.
    pub tool: String,
    /// The version that wrote it: parts of different versions are not merged.
    pub version: String,
    /// `sweep` or `run`.
    pub kind: String,
    pub shard: ShardSpec,
}

impl PartHeader {
    /// The header of a part of `kind` written by this version.
    pub fn new(kind: &str, shard: ShardSpec) -> PartHeader {
        PartHeader {
            tool: crate::report::output::manifest::TOOL.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            kind: kind.to_owned(),
            shard,
        }
    }
}

/// Reads `dir/part.json` as JSON, checking that it was written by this tool at this version.
///
/// # Errors
/// Missing or unreadable file, not JSON, not ours, another version.
pub fn read_part(dir: &Path) -> Result<(PartHeader, serde_json::Value), SimError> {
    let path = dir.join(PART_FILE);
    let fail = |m: String| SimError::Invalid(format!("{}: {m}", path.display()));
    let text = std::fs::read_to_string(&path).map_err(|e| {
        fail(format!(
            "cannot read ({e}); a part folder is what `sweep --shard` or `run --shard` writes"
        ))
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("not a part file: {e}")))?;
    let header: PartHeader = serde_json::from_value(value["header"].clone())
        .map_err(|e| fail(format!("not a part file (its header: {e})")))?;
    if header.tool != crate::report::output::manifest::TOOL {
        return Err(fail(format!(
            "written by `{}`, not serverless-sim",
            header.tool
        )));
    }
    if header.version != env!("CARGO_PKG_VERSION") {
        return Err(fail(format!(
            "written by serverless-sim {}, this is {}: merge parts with the version that wrote them",
            header.version,
            env!("CARGO_PKG_VERSION")
        )));
    }
    Ok((header, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            owned
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn explicit_shards_are_counted_from_zero() {
        let none = env_of(&[]);
        assert_eq!(
            ShardSpec::parse_with("2/3", &none),
            Ok(ShardSpec { index: 2, count: 3 })
        );
        let err = ShardSpec::parse_with("3/3", &none).unwrap_err();
        assert!(err.contains("numbered 0 to 2"), "{err}");
        assert!(ShardSpec::parse_with("1/0", &none).is_err());
        assert!(
            ShardSpec::parse_with("x/3", &none)
                .unwrap_err()
                .contains("K `x`")
        );
        assert!(
            ShardSpec::parse_with("3", &none)
                .unwrap_err()
                .contains("K/N")
        );
    }

    #[test]
    fn auto_reads_each_job_array_s_index() {
        for name in INDEX_VARIABLES {
            let env = env_of(&[(name, "1")]);
            assert_eq!(
                ShardSpec::parse_with("auto/4", &env),
                Ok(ShardSpec { index: 1, count: 4 }),
                "{name}"
            );
        }
        // Kubernetes' index wins over a Slurm id (the order documented).
        let both = env_of(&[("JOB_COMPLETION_INDEX", "0"), ("SLURM_ARRAY_TASK_ID", "3")]);
        assert_eq!(ShardSpec::parse_with("auto/4", &both).unwrap().index, 0);
        // A Slurm array numbered from 1.
        let slurm = env_of(&[("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_MIN", "1")]);
        assert_eq!(ShardSpec::parse_with("auto/4", &slurm).unwrap().index, 3);
        let err = ShardSpec::parse_with("auto/4", env_of(&[])).unwrap_err();
        assert!(err.contains("JOB_COMPLETION_INDEX"), "{err}");
        let out_of_range = env_of(&[("AWS_BATCH_JOB_ARRAY_INDEX", "4")]);
        assert!(ShardSpec::parse_with("auto/4", &out_of_range).is_err());
    }

    #[test]
    fn jobs_are_dealt_round_robin() {
        let s = ShardSpec { index: 1, count: 3 };
        let taken: Vec<usize> = (0..10).filter(|&j| s.takes(j)).collect();
        assert_eq!(taken, vec![1, 4, 7]);
    }
}
