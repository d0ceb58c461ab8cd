//! The refinements of a sweep's break-even points, run in rounds that share their runs.
//!
//! Each refinement (a crossing of two deployments, narrowed by false position,
//! [`super::breakeven`]; a service boundary of one, bisected, [`super::serving`]) asks for one
//! value at a time and needs the figures of its deployments there, in every replication.
//! Rather than each running its own, the refinements advance together: in each round every
//! unfinished one names its next value, the runs they need are made once (a deployment's
//! figures at a value and replication are the same whichever refinement asks, and whatever
//! runs beside it), as [`super::jobs`] in parallel, deployments at the same value on one
//! request stream, and each refinement takes its step. What each refinement decides, and so
//! every crossing and boundary, is exactly what it would decide alone.
//!
//! Where a round's runs come from is a [`RoundRunner`]: [`Simulate`] makes them here; a
//! sharded sweep's merge reads them back from the parts of earlier rounds
//! ([`crate::shard::sweep`]) and, at the first round its parts do not hold, stops with the
//! round's runs: the next round to shard. The rounds, and the runs each asks for, are the same
//! either way, since every step depends only on the figures it reads.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::jobs::{DeploymentFigures, Job, run_jobs};
use super::refine_budget;
use super::values::SweepValue;
use super::{SweepResult, SweepSource};
use crate::engine::Progress;

/// A deployment's figures a refinement reads, at one value and replication: whether it serves
/// the workload and its mean monthly cost; or why the run failed.
pub type Outcome = Result<(bool, f64), String>;

/// One refinement: a crossing's or a boundary's.
pub trait Refinement {
    /// The deployments whose figures it needs (names).
    fn deployments(&self) -> &[String];
    /// Its next value, `None` once it is finished (it then asks for nothing more).
    fn next_value(&mut self, source: &SweepSource, result: &SweepResult) -> Option<SweepValue>;
    /// Takes the step at `value`: `replications[r][d]` is deployment `d`'s outcome in
    /// replication `r`. Returns how many replications it read (it may stop at the first that
    /// decides).
    fn take(&mut self, value: &SweepValue, replications: &[Vec<&Outcome>]) -> usize;
}

/// Where the runs of each round come from (see the module docs).
pub trait RoundRunner {
    /// The outcome of each of `jobs` (none is empty), in order, each deployment's requests
    /// counted on `progress`; `None` when they cannot be had (the refinement stops there).
    fn run(
        &mut self,
        source: &SweepSource,
        result: &SweepResult,
        jobs: &[Job],
        progress: &Progress,
    ) -> Option<Vec<Result<DeploymentFigures, String>>>;
}

/// Makes every round's runs here, in parallel ([`run_jobs`]).
pub struct Simulate;

impl RoundRunner for Simulate {
    fn run(
        &mut self,
        source: &SweepSource,
        result: &SweepResult,
        jobs: &[Job],
        progress: &Progress,
    ) -> Option<Vec<Result<DeploymentFigures, String>>> {
        let runs = run_jobs(source, &result.plan, jobs, progress);
        Some(
            runs.into_iter()
                .map(|r| r.map_err(|e| e.to_string()))
                .collect(),
        )
    }
}

/// Runs `refinements` to their end in shared rounds (see the module docs), counting the runs'
/// requests on `progress`, each round's runs from `runner`. Returns `false` when the runner
/// could not give a round's runs: the refinements stopped there, unfinished.
pub fn run_rounds(
    source: &SweepSource,
    result: &SweepResult,
    refinements: &mut [&mut dyn Refinement],
    progress: &Progress,
    runner: &mut dyn RoundRunner,
) -> bool {
    let reps = result.plan.replications.max(1);
    // (value's bits, replication, deployment) -> outcome, for every run made so far.
    let mut made: HashMap<(u64, usize, String), Outcome> = HashMap::new();
    loop {
        let asks: Vec<(usize, SweepValue)> = refinements
            .iter_mut()
            .enumerate()
            .filter_map(|(i, b)| Some((i, b.next_value(source, result)?)))
            .collect();
        if asks.is_empty() {
            return true;
        }
        // The runs still missing, one job per value and replication.
        let mut missing: BTreeMap<(u64, usize), (SweepValue, BTreeSet<String>)> = BTreeMap::new();
        for (i, value) in &asks {
            let bits = value.number.to_bits();
            for r in 0..reps {
                for name in refinements[*i].deployments() {
                    if !made.contains_key(&(bits, r, name.clone())) {
                        let job = missing
                            .entry((bits, r))
                            .or_insert_with(|| (value.clone(), BTreeSet::new()));
                        job.1.insert(name.clone());
                    }
                }
            }
        }
        let jobs: Vec<Job> = missing
            .iter()
            .map(|(&(_, replication), (value, names))| Job {
                values: vec![value.clone()],
                replication,
                only: Some(names.iter().cloned().collect()),
            })
            .collect();
        let simulated: u64 = jobs
            .iter()
            .map(|j| deployment_requests(source, result, &j.values[0]) * names(j) as u64)
            .sum();
        let outcomes = if jobs.is_empty() {
            Vec::new()
        } else {
            let Some(outcomes) = runner.run(source, result, &jobs, progress) else {
                return false;
            };
            outcomes
        };
        for (job, outcome) in jobs.iter().zip(outcomes) {
            let bits = job.values[0].number.to_bits();
            for name in job.only.iter().flatten() {
                let figures = match &outcome {
                    Ok((runs, _)) => runs
                        .iter()
                        .find(|(n, _, _)| n == name)
                        .map(|(_, _, f)| (f.serves, f.monthly_cost_usd))
                        .ok_or_else(|| format!("deployment '{name}' did not run")),
                    Err(e) => Err(e.clone()),
                };
                made.insert((bits, job.replication, name.clone()), figures);
            }
        }
        let mut consumed = 0;
        for (i, value) in &asks {
            let bits = value.number.to_bits();
            let b = &mut *refinements[*i];
            let table: Vec<Vec<&Outcome>> = (0..reps)
                .map(|r| {
                    b.deployments()
                        .iter()
                        .map(|name| &made[&(bits, r, name.clone())])
                        .collect()
                })
                .collect();
            let read = b.take(value, &table);
            consumed +=
                deployment_requests(source, result, value) * (read * b.deployments().len()) as u64;
        }
        refine_budget::settle(progress, consumed, simulated);
    }
}

/// Deployments a job runs.
fn names(job: &Job) -> usize {
    job.only.as_ref().map_or(0, Vec::len)
}

/// The estimated requests of one deployment's run at `value`.
fn deployment_requests(source: &SweepSource, result: &SweepResult, value: &SweepValue) -> u64 {
    refine_budget::run_requests(source, result, value, 1)
}
