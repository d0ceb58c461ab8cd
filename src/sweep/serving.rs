//! Where a deployment stops (or starts) serving the workload along a one-parameter sweep.
//!
//! At each point a deployment serves the workload when it does in every replication
//! ([`super::DeploymentRuns::serves`], `run`'s verdict rule). Where that changes between
//! neighbouring points (points whose runs failed are skipped), the interval brackets a
//! *service boundary*; it is narrowed by bisection like a crossing ([`super::breakeven`]):
//! extra runs of that deployment alone, same replications and seeds, only on values the
//! parameter accepts, until the bracket is narrower than
//! [`super::breakeven::REL_TOLERANCE`] of its position or [`super::breakeven::MAX_STEPS`]
//! runs were made. The boundary is reported as that bracket: the value nearest to it where
//! the deployment was seen serving the workload and the one where it was seen not to.

use rayon::prelude::*;

use super::breakeven::{MAX_STEPS, accepted_between, narrow, refinement_error};
use super::refine_budget::RefineBudget;
use super::values::SweepValue;
use super::{SweepError, SweepResult, SweepSource, run_once};
use crate::engine::Progress;

/// A change of whether a deployment serves the workload along the swept parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Boundary {
    pub deployment: String,
    /// True when it serves below the boundary and not above (`stops_serving`); false for the
    /// reverse (`starts_serving`).
    pub stops: bool,
    /// The value nearest the boundary where it was seen to serve the workload.
    pub serving: f64,
    /// The value nearest the boundary where it was seen not to.
    pub not_serving: f64,
}

impl Boundary {
    /// Its kind in `breakeven.csv`: `stops_serving` or `starts_serving`.
    pub fn kind(&self) -> &'static str {
        if self.stops {
            "stops_serving"
        } else {
            "starts_serving"
        }
    }
}

/// One change between neighbouring points: deployment index, (value, serves) at each end.
type Change = (usize, (f64, bool), (f64, bool));

/// Every change of `serves` along the points, deployment by deployment in scenario order, then
/// by position; points with no verdict (failed runs) are skipped.
fn changes(result: &SweepResult) -> Vec<Change> {
    let n = result.points.first().map_or(0, |p| p.deployments.len());
    let mut out = Vec::new();
    for d in 0..n {
        let mut prev: Option<(f64, bool)> = None;
        for p in &result.points {
            let Some(serves) = p.deployments[d].serves() else {
                continue;
            };
            let here = (p.values[0].number, serves);
            if let Some(before) = prev
                && before.1 != serves
            {
                out.push((d, before, here));
            }
            prev = Some(here);
        }
    }
    out
}

/// Every service boundary of a one-parameter sweep, refined (see the module docs), each with
/// the refinement run that failed, if one did.
pub fn boundaries(
    source: &SweepSource,
    result: &SweepResult,
    log: bool,
    progress: &Progress,
) -> Vec<(Boundary, Option<SweepError>)> {
    changes(result)
        .par_iter()
        .map(|&(d, a, b)| refine(source, result, d, (a, b), log, progress))
        .collect()
}

fn refine(
    source: &SweepSource,
    result: &SweepResult,
    d: usize,
    (a, b): ((f64, bool), (f64, bool)),
    log: bool,
    progress: &Progress,
) -> (Boundary, Option<SweepError>) {
    let name = result.points[0].deployments[d].name.as_str();
    // `yes` serves, `no` does not; the boundary lies between them.
    let (mut yes, mut no) = if a.1 { (a.0, b.0) } else { (b.0, a.0) };
    let reps = result.plan.replications.max(1) as u64;
    let mut budget = RefineBudget::announce(progress, source, result, (yes, no), reps, 1);
    let mut failure = None;
    for _ in 0..MAX_STEPS {
        if narrow(yes, no) {
            break;
        }
        let Some(value) = accepted_between(source, result, yes, no, log) else {
            break;
        };
        budget.at(source, result, &value);
        match serves_at(source, result, &value, name, &mut budget) {
            Ok(true) => yes = value.number,
            Ok(false) => no = value.number,
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let boundary = Boundary {
        deployment: name.to_string(),
        // Serving at the lower value of the two: it stops serving as the parameter grows.
        stops: yes < no,
        serving: yes,
        not_serving: no,
    };
    (boundary, failure)
}

/// Whether deployment `name` serves the workload at `value` in every replication.
fn serves_at(
    source: &SweepSource,
    result: &SweepResult,
    value: &SweepValue,
    name: &str,
    budget: &mut RefineBudget,
) -> Result<bool, SweepError> {
    let plan = &result.plan;
    for r in 0..plan.replications.max(1) {
        let values = std::slice::from_ref(value);
        let (runs, _) = run_once(source, plan, values, r, Some(&[name]), budget.progress())
            .map_err(|e| refinement_error(result, value, e))?;
        budget.ran();
        if !runs.iter().all(|(_, _, f)| f.serves) {
            return Ok(false);
        }
    }
    Ok(true)
}
