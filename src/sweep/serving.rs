//! Where a deployment stops (or starts) serving the workload along a one-parameter sweep.
//!
//! At each point a deployment serves the workload when it does in every replication
//! ([`super::DeploymentRuns::serves`], `run`'s verdict rule). Where that changes between
//! neighbouring points (points whose runs failed are skipped), the interval brackets a
//! *service boundary*; it is narrowed by bisection like a crossing ([`super::breakeven`]):
//! extra runs of that deployment (in the rounds of [`super::rounds`]), same replications and
//! seeds, only on values the
//! parameter accepts, until the bracket is narrower than
//! [`super::breakeven::REL_TOLERANCE`] of its position or [`super::breakeven::MAX_STEPS`]
//! runs were made. The boundary is reported as that bracket: the value nearest to it where
//! the deployment was seen serving the workload and the one where it was seen not to.

use super::breakeven::{MAX_STEPS, accepted_between, narrow, refinement_error};
use super::refine_budget::{RefineBudget, planned_steps};
use super::rounds::{Outcome, Refinement};
use super::values::SweepValue;
use super::{SweepError, SweepResult, SweepSource};
use crate::engine::Progress;
use crate::error::SimError;

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

/// The bisection of every service boundary of a one-parameter sweep (see the module docs),
/// to run in rounds with the crossings' ([`super::rounds`]).
pub fn searches<'a>(
    source: &SweepSource,
    result: &'a SweepResult,
    log: bool,
    progress: &'a Progress,
) -> Vec<BoundarySearch<'a>> {
    changes(result)
        .into_iter()
        .map(|(d, a, b)| {
            let name = result.points[0].deployments[d].name.clone();
            // `yes` serves, `no` does not; the boundary lies between them.
            let (yes, no) = if a.1 { (a.0, b.0) } else { (b.0, a.0) };
            let reps = result.plan.replications.max(1) as u64;
            let budget = RefineBudget::announce(
                progress,
                source,
                result,
                (yes, no),
                planned_steps(yes, no),
                reps,
                1,
            );
            BoundarySearch {
                name: [name],
                yes,
                no,
                log,
                steps: 0,
                ended: false,
                failure: None,
                result,
                budget,
            }
        })
        .collect()
}

/// The bisection of one service boundary.
pub struct BoundarySearch<'a> {
    name: [String; 1],
    /// The values nearest the boundary where it was seen serving and not serving.
    yes: f64,
    no: f64,
    log: bool,
    steps: usize,
    ended: bool,
    failure: Option<SweepError>,
    result: &'a SweepResult,
    budget: RefineBudget<'a>,
}

impl BoundarySearch<'_> {
    /// The boundary as the bracket reached, and the failure that ended its refinement, if
    /// one did.
    pub fn finish(self) -> (Boundary, Option<SweepError>) {
        let [deployment] = self.name;
        let boundary = Boundary {
            deployment,
            // Serving at the lower value of the two: it stops serving as the parameter grows.
            stops: self.yes < self.no,
            serving: self.yes,
            not_serving: self.no,
        };
        (boundary, self.failure)
    }
}

impl Refinement for BoundarySearch<'_> {
    fn deployments(&self) -> &[String] {
        &self.name
    }

    fn next_value(&mut self, source: &SweepSource, result: &SweepResult) -> Option<SweepValue> {
        if self.ended || self.steps == MAX_STEPS || narrow(self.yes, self.no) {
            return None;
        }
        let Some(value) = accepted_between(source, result, self.yes, self.no, self.log) else {
            self.ended = true;
            return None;
        };
        self.budget.at(source, result, &value);
        self.steps += 1;
        Some(value)
    }

    /// Serving in every replication moves `yes` to `value`, not serving in one moves `no`; a
    /// failed run ends the refinement.
    fn take(&mut self, value: &SweepValue, replications: &[Vec<&Outcome>]) -> usize {
        for (r, outcomes) in replications.iter().enumerate() {
            match outcomes[0] {
                Err(e) => {
                    let error = SimError::Invalid(e.clone());
                    self.failure = Some(refinement_error(self.result, value, error));
                    self.ended = true;
                    return r + 1;
                }
                Ok((serves, _)) => {
                    self.budget.ran();
                    if !serves {
                        self.no = value.number;
                        return r + 1;
                    }
                }
            }
        }
        self.yes = value.number;
        replications.len()
    }
}
