//! The runs of a sweep: each a replication of the scenario at one point (some of its
//! deployments only, for a break-even refinement), run so that runs on the same requests
//! share one request stream.
//!
//! Every job's scenario is built and seeded as `run` would ([`super::replication_seed`]);
//! jobs whose workloads give the same requests ([`crate::workload::Workload::stream_key`],
//! the same seed and window length: the replications of points that differ only in a
//! deployment's settings, or a refinement's runs at one value) are grouped, at most
//! [`GROUP_MEMBERS`] deployments a group, and each group's deployments are simulated together
//! on one stream ([`crate::run::together`]). Groups run in parallel. A deployment's results do
//! not depend on its group, so every job's figures are those of its own `run`, whatever the
//! grouping and the number of threads.

use std::collections::HashMap;

use rayon::prelude::*;

use super::values::SweepValue;
use super::{Figures, SweepPlan, SweepSource, replication_seed};
use crate::engine::Progress;
use crate::error::SimError;
use crate::platform::DeploymentResult;
use crate::rng::Streams;
use crate::run::{self, Member};
use crate::scenario::Scenario;

/// Most deployments simulated together in one group (one thread each; more would only cost
/// memory, each holding its own recorder).
pub const GROUP_MEMBERS: usize = 16;

/// One run of a sweep: replication `replication` of the point at `values`, of the deployments
/// named in `only` (all when `None`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Job {
    pub values: Vec<SweepValue>,
    pub replication: usize,
    pub only: Option<Vec<String>>,
}

/// Each deployment's name, model and figures in one run, and the run's own warnings.
pub type DeploymentFigures = (Vec<(String, &'static str, Figures)>, Vec<String>);

/// Runs every job, each deployment's requests counted on `progress`: one result per job, in
/// order.
pub fn run_jobs(
    source: &SweepSource,
    plan: &SweepPlan,
    jobs: &[Job],
    progress: &Progress,
) -> Vec<Result<DeploymentFigures, SimError>> {
    let scenarios: Vec<Result<Scenario, SimError>> = jobs
        .par_iter()
        .map(|job| scenario(source, plan, job))
        .collect();
    let groups = groups(&scenarios);
    let simulated: Vec<Vec<Result<DeploymentResult, SimError>>> = groups
        .par_iter()
        .map(|group| simulate_group(&scenarios, group, progress))
        .collect();
    // Hand each group's results back to its jobs, in order.
    let mut per_job: Vec<Vec<Result<DeploymentResult, SimError>>> =
        jobs.iter().map(|_| Vec::new()).collect();
    for (group, results) in groups.iter().zip(simulated) {
        let mut results = results.into_iter();
        for &j in group {
            let n = scenarios[j].as_ref().map_or(0, |s| s.deployments.len());
            per_job[j].extend(results.by_ref().take(n));
        }
    }
    scenarios
        .into_iter()
        .zip(per_job)
        .map(|(scenario, results)| {
            let scenario = scenario?;
            let deployments = results.into_iter().collect::<Result<Vec<_>, _>>()?;
            Ok(figures(&scenario, deployments))
        })
        .collect()
}

/// The scenario of `job`: patched at its point, seeded for its replication, its deployments
/// narrowed to `only`.
fn scenario(source: &SweepSource, plan: &SweepPlan, job: &Job) -> Result<Scenario, SimError> {
    let mut scenario = source.scenario_at(&plan.params, &job.values)?;
    scenario.seed = replication_seed(plan.seed.unwrap_or(scenario.seed), job.replication);
    if let Some(names) = &job.only {
        scenario.deployments.retain(|d| names.contains(&d.name));
    }
    Ok(scenario)
}

/// The jobs (indices) simulated together: those on the same requests, in job order, split so
/// that no group has more than [`GROUP_MEMBERS`] deployments (a job's deployments stay in one
/// group). Jobs whose scenario failed to build are left out.
fn groups(scenarios: &[Result<Scenario, SimError>]) -> Vec<Vec<usize>> {
    let mut by_key: HashMap<(String, u64, u64), usize> = HashMap::new();
    let mut groups: Vec<(Vec<usize>, usize)> = Vec::new();
    for (j, scenario) in scenarios.iter().enumerate() {
        let Ok(s) = scenario else { continue };
        let key = (s.workload.stream_key(), s.seed, s.window.length);
        let n = s.deployments.len();
        match by_key.get(&key) {
            Some(&g) if groups[g].1 + n <= GROUP_MEMBERS => {
                groups[g].0.push(j);
                groups[g].1 += n;
            }
            _ => {
                by_key.insert(key, groups.len());
                groups.push((vec![j], n));
            }
        }
    }
    groups.into_iter().map(|(jobs, _)| jobs).collect()
}

/// Simulates every deployment of the group's jobs on one stream: one result per deployment,
/// job by job.
fn simulate_group(
    scenarios: &[Result<Scenario, SimError>],
    group: &[usize],
    progress: &Progress,
) -> Vec<Result<DeploymentResult, SimError>> {
    let built: Vec<&Scenario> = group
        .iter()
        .filter_map(|&j| scenarios[j].as_ref().ok())
        .collect();
    let members: Vec<Member> = built.iter().flat_map(|s| Member::all_of(s)).collect();
    let first = built[0];
    run::together::simulate_together(
        &first.workload,
        Streams::new(first.seed, 0),
        first.window,
        &members,
        progress,
    )
}

/// Each deployment's figures in the run of `scenario` that gave `deployments`, and the
/// warnings the run raised beyond its scenario's.
fn figures(scenario: &Scenario, deployments: Vec<DeploymentResult>) -> DeploymentFigures {
    let result = run::finish(scenario, deployments);
    let components = crate::report::summary::components(&result);
    let header = crate::report::summary::header(&components);
    let run_warnings = result.warnings[scenario.warnings.len()..].to_vec();
    let figures = result
        .deployments
        .iter()
        .map(|d| {
            let row = crate::report::summary::row(d, &components, result.window.month);
            let summary = header.iter().cloned().zip(row).collect();
            (
                d.name.clone(),
                d.model,
                Figures::of(d, &result.slo, summary),
            )
        })
        .collect();
    (figures, run_warnings)
}
