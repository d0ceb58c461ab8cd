//! A sharded sweep's part folder: what one shard of one round ran, and reading a set of them
//! back with every check a merge needs (the same sweep, each shard once, rounds split one way).
//!
//! `part.json` holds the [`PartHeader`], the sweep it is a part of ([`SweepIdentity`]: the
//! scenario file's path and text, the `--param` arguments, replications and seed), the round
//! (0 is the grid, 1 and on are break-even refinement rounds), how many runs the whole round
//! has, and each run this shard made: its position in the round, the job (values,
//! replication, deployments) and its outcome, every figure written bit for bit
//! ([`super::exact`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{PART_FILE, PartHeader, ShardSpec, read_part};
use crate::error::SimError;
use crate::report::output::{self, Manifest};
use crate::sweep::jobs::{DeploymentFigures, Job};
use crate::sweep::{Figures, SweepPlan, SweepSource, values};

/// The part kind of a sweep's parts.
pub const KIND: &str = "sweep";

/// The manifest command of a sweep's part folder.
pub const COMMAND: &str = "sweep --shard";

/// What makes parts parts of the same sweep: all of it must agree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepIdentity {
    /// The scenario file as given on the command line.
    pub scenario_path: String,
    /// Its text, as read (a merge needs no copy of the file).
    pub scenario_text: String,
    /// The `--param` arguments, as written.
    pub params: Vec<String>,
    pub replications: usize,
    /// `--seed`, when one replaced the scenario's.
    pub seed: Option<u64>,
}

impl SweepIdentity {
    /// The identity of a sweep of `source` by `plan`.
    pub fn of(source: &SweepSource, plan: &SweepPlan) -> SweepIdentity {
        SweepIdentity {
            scenario_path: source.path.display().to_string(),
            scenario_text: source.text.clone(),
            params: plan.params.iter().map(|p| p.argument.clone()).collect(),
            replications: plan.replications.max(1),
            seed: plan.seed,
        }
    }

    /// The scenario file it runs.
    pub fn source(&self) -> SweepSource {
        SweepSource {
            path: PathBuf::from(&self.scenario_path),
            text: self.scenario_text.clone(),
        }
    }

    /// Its plan, the `--param` arguments parsed again.
    ///
    /// # Errors
    /// An argument that does not parse (a part file edited by hand).
    pub fn plan(&self) -> Result<SweepPlan, String> {
        let params = self
            .params
            .iter()
            .map(|a| values::parse_param(a))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SweepPlan {
            params,
            replications: self.replications,
            seed: self.seed,
        })
    }

    /// What differs between `self` and `other`, in words; `None` when nothing does.
    pub fn difference(&self, other: &SweepIdentity) -> Option<String> {
        if self.scenario_text != other.scenario_text {
            Some("the scenario file's text differs".into())
        } else if self.scenario_path != other.scenario_path {
            Some(format!(
                "the scenario is `{}` in one and `{}` in the other",
                self.scenario_path, other.scenario_path
            ))
        } else if self.params != other.params {
            Some(format!(
                "the parameters are `{}` in one and `{}` in the other",
                self.params.join(" "),
                other.params.join(" ")
            ))
        } else if self.replications != other.replications {
            Some(format!(
                "--replications is {} in one and {} in the other",
                self.replications, other.replications
            ))
        } else if self.seed != other.seed {
            Some("--seed differs".into())
        } else {
            None
        }
    }
}

/// One deployment's figures in a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunDeployment {
    pub name: String,
    pub model: String,
    pub figures: Figures,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RunOutcome {
    /// Each deployment's figures, and the warnings the run raised beyond its scenario's.
    Ran {
        deployments: Vec<RunDeployment>,
        warnings: Vec<String>,
    },
    /// Why the run failed.
    Failed(String),
}

impl RunOutcome {
    /// The outcome of a job as [`crate::sweep::jobs::run_jobs`] gives it.
    pub fn of(outcome: Result<DeploymentFigures, String>) -> RunOutcome {
        match outcome {
            Ok((deployments, warnings)) => RunOutcome::Ran {
                deployments: deployments
                    .into_iter()
                    .map(|(name, model, figures)| RunDeployment {
                        name,
                        model: model.to_owned(),
                        figures,
                    })
                    .collect(),
                warnings,
            },
            Err(e) => RunOutcome::Failed(e),
        }
    }

    /// Back to the job outcome a sweep assembles.
    ///
    /// # Errors
    /// A model name this version does not have (a part file edited by hand).
    pub fn into_figures(self) -> Result<Result<DeploymentFigures, String>, String> {
        match self {
            RunOutcome::Failed(e) => Ok(Err(e)),
            RunOutcome::Ran {
                deployments,
                warnings,
            } => {
                let deployments = deployments
                    .into_iter()
                    .map(|d| {
                        let model = crate::platform::ComputeSpec::KINDS
                            .into_iter()
                            .find(|k| *k == d.model)
                            .ok_or_else(|| format!("unknown model `{}`", d.model))?;
                        Ok((d.name, model, d.figures))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(Ok((deployments, warnings)))
            }
        }
    }
}

/// One run of a part: its position in its round, what it ran and how it ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartRun {
    pub position: usize,
    pub job: Job,
    pub outcome: RunOutcome,
}

/// A sweep's `part.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPart {
    pub header: PartHeader,
    pub sweep: SweepIdentity,
    /// 0: the grid; 1 and on: break-even refinement rounds.
    pub round: usize,
    /// Runs in the whole round (every shard's).
    pub round_runs: usize,
    pub runs: Vec<PartRun>,
}

/// The folder name of shard `shard` of round `round` in a folder of parts:
/// `round-0-shard-2-of-3`.
pub fn folder_name(round: usize, shard: ShardSpec) -> String {
    format!("round-{round}-shard-{}-of-{}", shard.index, shard.count)
}

/// Writes `part` to the part folder `dir` (atomically, as every report folder:
/// [`output::write_folder`]); returns the folder written.
///
/// # Errors
/// The folder cannot be used or written.
pub fn write(part: &SweepPart, scenario: &str, seed: u64, dir: &Path) -> Result<PathBuf, SimError> {
    let json = serde_json::to_string_pretty(part)
        .map_err(|e| SimError::Report(format!("encoding {PART_FILE}: {e}")))?;
    output::write_folder(dir, Manifest::for_part(COMMAND, scenario, seed), |d| {
        let path = d.join(PART_FILE);
        std::fs::write(&path, json + "\n")
            .map_err(|e| SimError::io(format!("writing {}", path.display()), e))
    })
}

/// The part folders named by `paths`: each path is a part folder (it holds a `part.json`) or
/// a folder of part folders (each of its sub-folders that holds one, by name). A folder named
/// twice (`parts` and `parts/round-0-shard-0-of-3`) counts once.
///
/// # Errors
/// A path that is neither, or a folder holding no part.
pub fn find(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SimError> {
    let mut out = Vec::new();
    for path in paths {
        if path.join(PART_FILE).is_file() {
            out.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|e| {
            SimError::Invalid(format!(
                "{}: cannot read ({e}); expected a part folder (holding {PART_FILE}) or a \
                 folder of part folders",
                path.display()
            ))
        })?;
        let mut inside: Vec<PathBuf> = entries
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.join(PART_FILE).is_file())
            .collect();
        if inside.is_empty() {
            return Err(SimError::Invalid(format!(
                "{}: neither a part folder (no {PART_FILE}) nor a folder holding part folders",
                path.display()
            )));
        }
        inside.sort();
        out.extend(inside);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}

/// One round's shard count and its parts by shard index (each with its folder).
pub type Round = (usize, BTreeMap<usize, (PathBuf, SweepPart)>);

/// The parts of one sharded sweep, checked: every part is a sweep's, of the same sweep, and
/// each (round, shard) is given once with one shard count per round.
#[derive(Debug)]
pub struct Parts {
    pub sweep: SweepIdentity,
    /// Each round's shard count and its parts, by shard index.
    pub rounds: BTreeMap<usize, Round>,
}

impl Parts {
    /// Reads the parts in `folders` (see [`find`]).
    ///
    /// # Errors
    /// A folder that is not a part of a sweep, parts of different sweeps, a shard given twice,
    /// a round split two ways: each naming the folders at fault.
    pub fn read(folders: &[PathBuf]) -> Result<Parts, SimError> {
        let mut sweep: Option<(PathBuf, SweepIdentity)> = None;
        let mut rounds: BTreeMap<usize, Round> = BTreeMap::new();
        for dir in find(folders)? {
            let (header, value) = read_part(&dir)?;
            let at = dir.join(PART_FILE);
            if header.kind != KIND {
                return Err(SimError::Invalid(format!(
                    "{}: a part of a `{}`, not of a sweep; merge the parts of one sweep",
                    at.display(),
                    header.kind
                )));
            }
            let part: SweepPart = serde_json::from_value(value)
                .map_err(|e| SimError::Invalid(format!("{}: {e}", at.display())))?;
            match &sweep {
                None => sweep = Some((dir.clone(), part.sweep.clone())),
                Some((first, identity)) => {
                    if let Some(why) = identity.difference(&part.sweep) {
                        return Err(SimError::Invalid(format!(
                            "{} and {} are parts of different sweeps: {why}",
                            first.display(),
                            dir.display()
                        )));
                    }
                }
            }
            let shard = part.header.shard;
            let (count, shards) = rounds
                .entry(part.round)
                .or_insert_with(|| (shard.count, BTreeMap::new()));
            if *count != shard.count {
                return Err(SimError::Invalid(format!(
                    "{}: round {} is split into {} shards here and into {count} by another part",
                    dir.display(),
                    part.round,
                    shard.count
                )));
            }
            if let Some((other, _)) = shards.get(&shard.index) {
                return Err(SimError::Invalid(format!(
                    "shard {shard} of round {} is given twice: {} and {}",
                    part.round,
                    other.display(),
                    dir.display()
                )));
            }
            shards.insert(shard.index, (dir, part));
        }
        let (_, sweep) = sweep.ok_or_else(|| SimError::Invalid("no part folder given".into()))?;
        Ok(Parts { sweep, rounds })
    }

    /// The shards of `round` that are missing, as `K/N`; empty when every shard is there
    /// (and when the round has no part at all).
    pub fn missing(&self, round: usize) -> Vec<String> {
        self.rounds
            .get(&round)
            .map_or_else(Vec::new, |(count, shards)| {
                (0..*count)
                    .filter(|k| !shards.contains_key(k))
                    .map(|k| format!("{k}/{count}"))
                    .collect()
            })
    }

    /// Every run of `round` by position, when all its shards are there and agree on the
    /// round's size: the outcome of each position. `Ok(None)` when the round has no part.
    ///
    /// # Errors
    /// Missing shards, or parts whose runs do not fill the round exactly once.
    pub fn round(&self, round: usize) -> Result<Option<Vec<&PartRun>>, SimError> {
        let Some((_, shards)) = self.rounds.get(&round) else {
            return Ok(None);
        };
        let missing = self.missing(round);
        if !missing.is_empty() {
            return Err(SimError::Invalid(format!(
                "{} is incomplete: shard(s) {} missing (run them, then merge again with every part)",
                round_name(round),
                missing.join(", ")
            )));
        }
        let size = shards.values().next().map_or(0, |(_, p)| p.round_runs);
        let mut runs: Vec<Option<&PartRun>> = vec![None; size];
        for (dir, part) in shards.values() {
            if part.round_runs != size {
                return Err(SimError::Invalid(format!(
                    "{}: {} has {} runs here and {size} in another part",
                    dir.display(),
                    round_name(round),
                    part.round_runs
                )));
            }
            for run in &part.runs {
                let slot = runs.get_mut(run.position).filter(|s| s.is_none());
                let Some(slot) = slot else {
                    return Err(SimError::Invalid(format!(
                        "{}: run {} of {} is outside the round or made twice",
                        dir.display(),
                        run.position,
                        round_name(round)
                    )));
                };
                *slot = Some(run);
            }
        }
        runs.into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.ok_or_else(|| {
                    SimError::Invalid(format!(
                        "{}: run {i} is in no part although every shard is",
                        round_name(round)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// `round 0 (the grid)` or `refinement round 2`.
pub fn round_name(round: usize) -> String {
    if round == 0 {
        "round 0 (the grid)".into()
    } else {
        format!("refinement round {round}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::values::SweepValue;

    fn identity() -> SweepIdentity {
        SweepIdentity {
            scenario_path: "s.toml".into(),
            scenario_text: "name = \"s\"".into(),
            params: vec!["load=1,2".into()],
            replications: 1,
            seed: None,
        }
    }

    fn run(position: usize) -> PartRun {
        PartRun {
            position,
            job: Job {
                values: vec![SweepValue {
                    number: position as f64,
                    unit: String::new(),
                }],
                replication: 0,
                only: None,
            },
            outcome: RunOutcome::Failed("x".into()),
        }
    }

    /// Parts of round 0 split `count` ways: each shard's positions, the round's size.
    fn parts(count: usize, shards: &[(usize, Vec<usize>)], round_runs: usize) -> Parts {
        let mut by_index = BTreeMap::new();
        for (index, positions) in shards {
            let shard = ShardSpec {
                index: *index,
                count,
            };
            let part = SweepPart {
                header: PartHeader::new(KIND, shard),
                sweep: identity(),
                round: 0,
                round_runs,
                runs: positions.iter().map(|&p| run(p)).collect(),
            };
            by_index.insert(*index, (PathBuf::from(format!("p{index}")), part));
        }
        Parts {
            sweep: identity(),
            rounds: BTreeMap::from([(0, (count, by_index))]),
        }
    }

    #[test]
    fn a_complete_round_reads_back_in_position_order() {
        let p = parts(2, &[(1, vec![1, 3]), (0, vec![0, 2])], 4);
        let runs = p.round(0).unwrap().unwrap();
        let positions: Vec<usize> = runs.iter().map(|r| r.position).collect();
        assert_eq!(positions, [0, 1, 2, 3]);
        assert!(p.round(1).unwrap().is_none());
    }

    #[test]
    fn a_round_with_a_hole_or_a_run_made_twice_is_refused() {
        let missing = parts(3, &[(0, vec![0, 3]), (2, vec![2])], 4);
        assert_eq!(missing.missing(0), ["1/3"]);
        let err = missing.round(0).unwrap_err().to_string();
        assert!(err.contains("shard(s) 1/3 missing"), "{err}");

        let twice = parts(2, &[(0, vec![0, 1]), (1, vec![1])], 2);
        let err = twice.round(0).unwrap_err().to_string();
        assert!(
            err.contains("run 1 of round 0 (the grid)") && err.contains("twice"),
            "{err}"
        );

        let outside = parts(1, &[(0, vec![0, 5])], 2);
        assert!(
            outside
                .round(0)
                .unwrap_err()
                .to_string()
                .contains("outside")
        );

        let hole = parts(2, &[(0, vec![0]), (1, vec![])], 3);
        let err = hole.round(0).unwrap_err().to_string();
        assert!(err.contains("run 1 is in no part"), "{err}");
    }

    #[test]
    fn identities_name_what_differs() {
        let a = identity();
        let mut b = identity();
        assert_eq!(a.difference(&b), None);
        b.replications = 3;
        assert_eq!(
            a.difference(&b).unwrap(),
            "--replications is 1 in one and 3 in the other"
        );
        let mut c = identity();
        c.params = vec!["load=1,3".into()];
        assert!(
            a.difference(&c)
                .unwrap()
                .contains("`load=1,2` in one and `load=1,3`")
        );
    }
}
