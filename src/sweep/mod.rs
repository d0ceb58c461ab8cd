//! Sweeps: one scenario run at every point of a grid of parameter values, each point with N
//! independent replications, and what is read off the results (confidence intervals,
//! break-even points).
//!
//! A point patches the scenario document ([`crate::scenario::patch`]) before validation, so an
//! invalid value is the usual located error, named with its point. Every point is validated
//! before any is run. Points x replications run in parallel ([`jobs`]: those on the same
//! requests share one request stream); results are collected in
//! grid order, so they are the same whatever the number of threads.
//!
//! **Verdict.** Every run's deployments are judged by `run`'s rule
//! ([`crate::report::verdict::serves_workload`], called, never restated); a deployment serves
//! the workload at a point only if it does in every replication ([`DeploymentRuns::serves`]).
//! A run that fails after validation marks its point ([`PointResult::error`]) and the other
//! points are kept ([`run_prepared`]); [`sweep`] turns such a failure into an error. The
//! size of a whole sweep is judged in [`size`].
//!
//! **Seeds.** Replication 0 uses the scenario's seed (a one-replication sweep point is exactly
//! `run` with those values); replication r > 0 uses `mix64(seed + r)`. Within a replication
//! every deployment sees the same requests (common random numbers, as in `run`), and so does
//! every point of the grid: differences between points and between deployments are not noise
//! of the workload draw.

pub mod breakeven;
pub mod breakeven_chart;
#[cfg(test)]
mod chart_tests;
pub mod chart_text;
pub mod charts;
pub mod false_position;
pub mod figures;
pub mod jobs;
pub mod json;
pub mod latency_chart;
pub mod memory;
pub mod memory_chart;
pub mod refine_budget;
pub mod render;
pub mod report;
pub mod rounds;
pub mod serving;
pub mod size;
pub mod stats;
pub mod values;
pub mod warnings;

use std::path::{Path, PathBuf};

use crate::engine::Progress;
use crate::engine::time::as_secs;
use crate::error::SimError;
use crate::report::slo::Slo;
use crate::rng::mix64;
use crate::scenario::Scenario;
use crate::scenario::patch::Patch;
use crate::scenario::size::SizeEstimate;
pub use figures::{Figure, Figures};
pub use jobs::DeploymentFigures;
pub use values::{SweepValue, SweptParam};

/// What to sweep.
#[derive(Clone, Debug)]
pub struct SweepPlan {
    pub params: Vec<SweptParam>,
    /// Independent runs per point (at least 1).
    pub replications: usize,
    /// Replaces the scenario's seed (`--seed`).
    pub seed: Option<u64>,
}

impl SweepPlan {
    /// Every point of the grid: one value per parameter, the first parameter varying slowest.
    pub fn points(&self) -> Vec<Vec<SweepValue>> {
        let mut points = vec![Vec::new()];
        for p in &self.params {
            points = points
                .into_iter()
                .flat_map(|prefix| {
                    p.values.iter().map(move |v| {
                        let mut point = prefix.clone();
                        point.push(v.clone());
                        point
                    })
                })
                .collect();
        }
        points
    }
}

/// One deployment's figures at one point, one entry per replication (none when the point's
/// runs failed).
#[derive(Clone, Debug)]
pub struct DeploymentRuns {
    pub name: String,
    pub model: &'static str,
    pub replications: Vec<Figures>,
}

impl DeploymentRuns {
    /// Whether the deployment serves the workload at this point: in **every** replication
    /// (`run`'s verdict rule, [`crate::report::verdict::serves_workload`], applied to each run).
    /// `None` when the point's runs failed (nothing to judge).
    pub fn serves(&self) -> Option<bool> {
        (!self.replications.is_empty()).then(|| self.replications.iter().all(|f| f.serves))
    }

    /// Why it does not serve the workload at this point: the reason of the first replication
    /// that does not; `None` when it serves it or the point's runs failed.
    pub fn not_served(&self) -> Option<&str> {
        self.replications
            .iter()
            .find_map(|f| f.not_served.as_deref())
    }
}

/// The results at one point.
#[derive(Clone, Debug)]
pub struct PointResult {
    /// One value per swept parameter, in plan order.
    pub values: Vec<SweepValue>,
    pub deployments: Vec<DeploymentRuns>,
    /// Why the point's runs failed, when one did: its deployments then have no replications
    /// and the other points are kept.
    pub error: Option<String>,
    /// The warnings of the point's scenario and of its runs, each once ([`warnings`]).
    pub warnings: Vec<String>,
    /// The workload's mean request rate at this point (requests per second): the expected
    /// requests of its window over the window's length ([`SizeEstimate::requests`]: each
    /// synthetic function's arrivals in closed form, a trace's replayed count).
    pub requests_per_s: f64,
}

/// A whole sweep's results.
#[derive(Clone, Debug)]
pub struct SweepResult {
    pub scenario: String,
    pub seed: u64,
    pub plan: SweepPlan,
    pub points: Vec<PointResult>,
    /// The scenario's latency objective (that of the first point: what the latency chart
    /// draws).
    pub slo: Slo,
}

impl SweepResult {
    /// The first point whose runs failed, as an error.
    pub fn first_failure(&self) -> Option<SweepError> {
        let count = self.points.len();
        self.points.iter().enumerate().find_map(|(i, p)| {
            let message = p.error.clone()?;
            Some(point_error(
                &self.plan.params,
                &p.values,
                i,
                count,
                SimError::Invalid(message),
            ))
        })
    }
}

/// A sweep that could not be run: which point, and why.
#[derive(Debug, thiserror::Error)]
#[error("{point}: {error}")]
pub struct SweepError {
    /// Which run: `sweep point 3 of 12 (load = 2)`, or a break-even refinement run.
    pub point: String,
    pub error: SimError,
}

/// The scenario file a sweep runs, read once.
#[derive(Clone, Debug)]
pub struct SweepSource {
    pub path: PathBuf,
    pub text: String,
}

impl SweepSource {
    /// The scenario at `values` of `params` (validated).
    ///
    /// # Errors
    /// As [`Scenario::parse_patched`].
    pub fn scenario_at(
        &self,
        params: &[SweptParam],
        values: &[SweepValue],
    ) -> Result<Scenario, SimError> {
        let patches: Vec<Patch> = params
            .iter()
            .zip(values)
            .map(|(p, v)| Patch {
                path: p.path.clone(),
                literal: v.toml_literal(),
            })
            .collect();
        Scenario::parse_patched(&self.path, &self.text, &patches)
    }
}

/// The seed of replication `r` of a scenario seeded `seed` (see the module docs).
pub fn replication_seed(seed: u64, r: usize) -> u64 {
    if r == 0 {
        seed
    } else {
        mix64(seed.wrapping_add(r as u64))
    }
}

/// `path = value, ...` of a point.
pub fn describe(params: &[SweptParam], values: &[SweepValue]) -> String {
    params
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{} = {v}", p.path))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error of point `index` (0-based) of `count`, at `values`.
pub fn point_error(
    params: &[SweptParam],
    values: &[SweepValue],
    index: usize,
    count: usize,
    error: SimError,
) -> SweepError {
    SweepError {
        point: format!(
            "sweep point {} of {count} ({})",
            index + 1,
            describe(params, values)
        ),
        error,
    }
}

/// A sweep whose every point validated, ready to run: the grid, the scenario's name and seed,
/// its deployments, and the size of each point's run.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub points: Vec<Vec<SweepValue>>,
    pub scenario: String,
    pub seed: u64,
    /// Each deployment's name and model, in scenario order.
    pub deployments: Vec<(String, &'static str)>,
    /// The size estimate of one run at each point, in grid order.
    pub sizes: Vec<SizeEstimate>,
    /// The warnings of each point's scenario, in grid order.
    pub warnings: Vec<Vec<String>>,
    /// The workload's mean request rate at each point ([`PointResult::requests_per_s`]).
    pub rates: Vec<f64>,
    /// The first point's latency objective ([`SweepResult::slo`]).
    pub slo: Slo,
}

/// Validates every point of `plan` (before anything runs: a bad value late in the grid fails
/// now, not after hours) and estimates each point's run.
///
/// # Errors
/// The first point, in grid order, that does not validate.
pub fn prepare(source: &SweepSource, plan: &SweepPlan) -> Result<Prepared, SweepError> {
    let points = plan.points();
    let count = points.len();
    let mut sizes = Vec::with_capacity(count);
    let mut warnings = Vec::with_capacity(count);
    let mut rates = Vec::with_capacity(count);
    let mut first = None;
    for (i, values) in points.iter().enumerate() {
        let scenario = source
            .scenario_at(&plan.params, values)
            .map_err(|e| point_error(&plan.params, values, i, count, e))?;
        let size = SizeEstimate::of(&scenario);
        rates.push(size.requests() / as_secs(scenario.window.length.max(1)));
        sizes.push(size);
        warnings.push(scenario.warnings.clone());
        first.get_or_insert(scenario);
    }
    let mut first = first.expect("a grid has at least one point");
    let deployments = first
        .deployments
        .iter()
        .map(|d| (d.name.clone(), d.compute.kind()))
        .collect();
    let slo = std::mem::take(&mut first.slo);
    Ok(Prepared {
        points,
        scenario: first.name,
        seed: plan.seed.unwrap_or(first.seed),
        deployments,
        sizes,
        warnings,
        rates,
        slo,
    })
}

/// Runs every point of `plan` on the scenario in `source`; `done` counts the requests
/// simulated, and is told the requests expected ([`Progress::expected`]), for a progress
/// display.
///
/// # Errors
/// The first point, in grid order, that does not validate (before anything runs) or fails to
/// run.
pub fn sweep(
    source: &SweepSource,
    plan: &SweepPlan,
    done: &Progress,
) -> Result<SweepResult, SweepError> {
    let prepared = prepare(source, plan)?;
    let result = run_prepared(source, plan, prepared, done);
    match result.first_failure() {
        Some(e) => Err(e),
        None => Ok(result),
    }
}

/// Runs every point of a prepared sweep. A point whose run fails keeps its error
/// ([`PointResult::error`]) and the other points their results.
pub fn run_prepared(
    source: &SweepSource,
    plan: &SweepPlan,
    prepared: Prepared,
    done: &Progress,
) -> SweepResult {
    let replications = plan.replications.max(1);
    let per_replication: f64 = prepared.sizes.iter().map(|s| s.requests()).sum::<f64>()
        * prepared.deployments.len() as f64;
    done.expect((per_replication * replications as f64).round() as u64);
    let jobs = grid_jobs(&prepared.points, plan);
    let runs = jobs::run_jobs(source, plan, &jobs, done)
        .into_iter()
        .map(|run| run.map_err(|e| e.to_string()));
    assemble(plan, prepared, runs)
}

/// The runs of a sweep's grid, in their fixed order: point by point (grid order), each
/// point's replications in order.
pub fn grid_jobs(points: &[Vec<SweepValue>], plan: &SweepPlan) -> Vec<jobs::Job> {
    points
        .iter()
        .flat_map(|values| {
            (0..plan.replications.max(1)).map(move |replication| jobs::Job {
                values: values.clone(),
                replication,
                only: None,
            })
        })
        .collect()
}

/// The sweep's results from the outcome of each of its [`grid_jobs`], in that order (made
/// here or read back from the parts of a sharded sweep: the result is the same).
///
/// # Panics
/// Fewer outcomes than jobs (a defect of the caller).
pub fn assemble(
    plan: &SweepPlan,
    prepared: Prepared,
    runs: impl IntoIterator<Item = Result<DeploymentFigures, String>>,
) -> SweepResult {
    let Prepared {
        points,
        scenario,
        seed,
        deployments: names,
        warnings: scenario_warnings,
        sizes: _,
        rates,
        slo,
    } = prepared;
    let replications = plan.replications.max(1);
    let mut runs = runs.into_iter();
    let mut results = Vec::with_capacity(points.len());
    let grid = points.into_iter().zip(scenario_warnings).zip(rates);
    for ((values, mut point_warnings), requests_per_s) in grid {
        let mut deployments: Vec<DeploymentRuns> = names
            .iter()
            .map(|(name, model)| DeploymentRuns {
                name: name.clone(),
                model,
                replications: Vec::with_capacity(replications),
            })
            .collect();
        let mut error = None;
        for r in 0..replications {
            match runs.next().expect("one run per job") {
                Ok((run, run_warnings)) => {
                    for (d, (_, _, figures)) in deployments.iter_mut().zip(run) {
                        d.replications.push(figures);
                    }
                    // The first replication's, as a run with --replications states them.
                    if r == 0 {
                        for w in &run_warnings {
                            warnings::push_new(&mut point_warnings, w);
                        }
                    }
                }
                Err(e) => {
                    error.get_or_insert(e);
                }
            }
        }
        if error.is_some() {
            // A point is judged on all its replications or not at all.
            for d in &mut deployments {
                d.replications.clear();
            }
        }
        results.push(PointResult {
            values,
            deployments,
            error,
            warnings: point_warnings,
            requests_per_s,
        });
    }
    SweepResult {
        scenario,
        seed,
        plan: plan.clone(),
        points: results,
        slo,
    }
}

/// Reads the scenario file of a sweep.
///
/// # Errors
/// The file cannot be read (a scenario error on the whole file).
pub fn read_source(path: &Path) -> Result<SweepSource, SimError> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::error::ScenarioError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        field: "(file)".into(),
        message: format!("cannot read: {e}"),
    })?;
    Ok(SweepSource {
        path: path.to_path_buf(),
        text,
    })
}
