//! A sweep split into shards, and its parts merged into the sweep one machine would have run.
//!
//! **Round 0, the grid.** The sweep's runs (point x replication, in the fixed order of
//! [`crate::sweep::grid_jobs`]) are dealt round-robin: shard K of N runs positions K, K+N,
//! K+2N... ([`ShardSpec::takes`]), each exactly as the unsharded sweep runs it (same scenario,
//! same seed: a run's figures do not depend on what runs beside it), and writes them to its
//! part ([`super::sweep_part`]).
//!
//! **Refinement rounds.** A one-parameter sweep narrows its break-even brackets with extra runs
//! chosen from the results so far, in rounds ([`crate::sweep::rounds`]). A merge replays that
//! refinement with each round's runs read from the parts of that round
//! ([`crate::sweep::rounds::RoundRunner`]); at the first round no part holds, it stops with
//! that round's runs: the next round to shard. A shard given the parts so far (`--after`) replays
//! the same way, so every shard of a round computes the same list of runs, and takes its share
//! of it round-robin. Rounds are numbered by the refinement's rounds that need runs (1, 2...);
//! parts of a round that is not the one the replay reaches (a stale part of another attempt)
//! are refused.
//!
//! The merged results go through the same code as an unsharded sweep's (the grid assembled by
//! [`crate::sweep::assemble`], break-even by [`crate::sweep::breakeven::break_even_from`]), so
//! the reports are the same bytes, whatever the order the parts are given in.

use super::ShardSpec;
use super::sweep_part::{PartRun, Parts, RunOutcome, SweepIdentity, SweepPart, round_name};
use crate::engine::Progress;
use crate::error::SimError;
use crate::sweep::breakeven::{BreakEven, break_even_from};
use crate::sweep::jobs::{DeploymentFigures, Job, run_jobs};
use crate::sweep::rounds::RoundRunner;
use crate::sweep::{self, Prepared, SweepPlan, SweepResult, SweepSource};

/// Where a replay of the parts got to.
#[derive(Debug)]
pub enum Replayed {
    /// Every round is in: what the refinement found.
    Done(BreakEven),
    /// Refinement round `round` is needed: its runs, and the shards of it that are missing
    /// when some of its parts are there already (empty when none is).
    Stopped {
        round: usize,
        jobs: Vec<Job>,
        missing: Vec<String>,
        /// The round's shard count, when some of its parts are there.
        count: Option<usize>,
    },
}

/// The sweep the parts make, as far as they go.
#[derive(Debug)]
pub struct Replay {
    pub source: SweepSource,
    pub result: SweepResult,
    pub replayed: Replayed,
}

/// Replays the sweep of `parts`: the grid from round 0 (which must be complete), then the
/// refinement rounds as far as the parts go (see the module docs).
///
/// # Errors
/// Round 0 missing or incomplete, parts that do not match the runs the sweep makes (another
/// scenario or version), a stale round; each naming what to do.
pub fn replay(parts: &Parts) -> Result<Replay, SimError> {
    let source = parts.sweep.source();
    let plan = parts
        .sweep
        .plan()
        .map_err(|e| SimError::Invalid(format!("the parts' parameters: {e}")))?;
    let prepared = sweep::prepare(&source, &plan).map_err(|e| SimError::Invalid(e.to_string()))?;
    let jobs = sweep::grid_jobs(&prepared.points, &plan);
    let grid = parts.round(0)?.ok_or_else(|| {
        SimError::Invalid(
            "no part of round 0 (the grid): run `sweep --shard K/N` for every K first".into(),
        )
    })?;
    let outcomes = matching(&grid, &jobs, 0)?;
    let result = sweep::assemble(&plan, prepared, outcomes);
    let mut runner = FromParts {
        parts,
        round: 0,
        stop: None,
    };
    let found = break_even_from(&source, &result, &Progress::new(), &mut runner);
    let replayed = match (found, runner.stop) {
        (Some(found), _) => {
            if let Some(stale) = parts.rounds.keys().find(|&&r| r > runner.round) {
                return Err(SimError::Invalid(format!(
                    "there are parts of {} but the refinement ends after round {}: they are \
                     left from another attempt; remove them and merge again",
                    round_name(*stale),
                    runner.round
                )));
            }
            Replayed::Done(found)
        }
        (None, Some(Stop::Error(e))) => return Err(e),
        (None, Some(Stop::Needs(stopped))) => stopped,
        (None, None) => unreachable!("the runner stops only with a reason"),
    };
    Ok(Replay {
        source,
        result,
        replayed,
    })
}

/// The outcomes of a round's runs read from its parts, checked against the runs the sweep
/// makes in that round.
fn matching(
    runs: &[&PartRun],
    jobs: &[Job],
    round: usize,
) -> Result<Vec<Result<DeploymentFigures, String>>, SimError> {
    let other = || {
        SimError::Invalid(format!(
            "the parts of {} hold other runs than this sweep makes there (made from other \
             results, or another version): make that round's parts again",
            round_name(round)
        ))
    };
    if runs.len() != jobs.len() {
        return Err(other());
    }
    runs.iter()
        .zip(jobs)
        .map(|(run, job)| {
            if &run.job != job {
                return Err(other());
            }
            run.outcome
                .clone()
                .into_figures()
                .map_err(|e| SimError::Invalid(format!("{}: {e}", round_name(round))))
        })
        .collect()
}

/// Why a replay stopped.
enum Stop {
    Needs(Replayed),
    Error(SimError),
}

/// Gives each refinement round's runs from the parts of that round.
struct FromParts<'a> {
    parts: &'a Parts,
    /// The last round asked for.
    round: usize,
    stop: Option<Stop>,
}

impl RoundRunner for FromParts<'_> {
    fn run(
        &mut self,
        _source: &SweepSource,
        _result: &SweepResult,
        jobs: &[Job],
        _progress: &Progress,
    ) -> Option<Vec<Result<DeploymentFigures, String>>> {
        self.round += 1;
        let round = self.round;
        let missing = self.parts.missing(round);
        let count = self.parts.rounds.get(&round).map(|(n, _)| *n);
        if count.is_none() || !missing.is_empty() {
            self.stop = Some(Stop::Needs(Replayed::Stopped {
                round,
                jobs: jobs.to_vec(),
                missing,
                count,
            }));
            return None;
        }
        let read = self
            .parts
            .round(round)
            .and_then(|runs| matching(&runs.unwrap_or_default(), jobs, round));
        match read {
            Ok(outcomes) => Some(outcomes),
            Err(e) => {
                self.stop = Some(Stop::Error(e));
                None
            }
        }
    }
}

/// Runs shard `shard`'s share of `jobs` (every position it [`ShardSpec::takes`]), counting
/// their requests on `progress`: the runs of its part.
pub fn run_share(
    source: &SweepSource,
    plan: &SweepPlan,
    jobs: &[Job],
    shard: ShardSpec,
    progress: &Progress,
) -> Vec<PartRun> {
    let mine: Vec<(usize, Job)> = jobs
        .iter()
        .enumerate()
        .filter(|(i, _)| shard.takes(*i))
        .map(|(i, j)| (i, j.clone()))
        .collect();
    let to_run: Vec<Job> = mine.iter().map(|(_, j)| j.clone()).collect();
    let outcomes = run_jobs(source, plan, &to_run, progress);
    mine.into_iter()
        .zip(outcomes)
        .map(|((position, job), outcome)| PartRun {
            position,
            job,
            outcome: RunOutcome::of(outcome.map_err(|e| e.to_string())),
        })
        .collect()
}

/// Shard `shard`'s part of round 0 (the grid) of the prepared sweep.
pub fn grid_part(
    source: &SweepSource,
    plan: &SweepPlan,
    prepared: &Prepared,
    shard: ShardSpec,
    progress: &Progress,
) -> SweepPart {
    let jobs = sweep::grid_jobs(&prepared.points, plan);
    let reps = plan.replications.max(1);
    let expected: f64 = (0..jobs.len())
        .filter(|&i| shard.takes(i))
        .map(|i| prepared.sizes[i / reps].requests())
        .sum::<f64>()
        * prepared.deployments.len() as f64;
    progress.expect(expected.round() as u64);
    let runs = run_share(source, plan, &jobs, shard, progress);
    SweepPart {
        header: super::PartHeader::new(super::sweep_part::KIND, shard),
        sweep: SweepIdentity::of(source, plan),
        round: 0,
        round_runs: jobs.len(),
        runs,
    }
}

/// Shard `shard`'s part of the next refinement round of the sweep whose parts so far are
/// `parts`; `None` when the refinement needs no more runs (merge the parts).
///
/// # Errors
/// As [`replay`]; a round already split another number of ways.
pub fn refinement_part(
    parts: &Parts,
    shard: ShardSpec,
    progress: &Progress,
) -> Result<Option<SweepPart>, SimError> {
    let replay = replay(parts)?;
    let Replayed::Stopped {
        round, jobs, count, ..
    } = replay.replayed
    else {
        return Ok(None);
    };
    if let Some(n) = count
        && n != shard.count
    {
        return Err(SimError::Invalid(format!(
            "{} is split into {n} shards by the parts already made; this shard says {}",
            round_name(round),
            shard.count
        )));
    }
    let runs = run_share(&replay.source, &replay.result.plan, &jobs, shard, progress);
    Ok(Some(SweepPart {
        header: super::PartHeader::new(super::sweep_part::KIND, shard),
        sweep: parts.sweep.clone(),
        round,
        round_runs: jobs.len(),
        runs,
    }))
}
