//! What a break-even refinement tells the progress display before and while it runs: the
//! extra runs it may make and the requests they hold ([`crate::engine::Progress`]).
//!
//! A bracket from `lo` to `hi` is narrowed until it is narrower than
//! [`super::breakeven::REL_TOLERANCE`] of its position, at most
//! [`super::breakeven::MAX_STEPS`] times: a service boundary's bisection in
//! [`planned_steps`] halvings, a crossing's false position in fewer
//! ([`super::false_position::EXPECTED_STEPS`]), each step making `runs_per_step` runs (one per
//! replication) of the deployments compared, each run about as many requests as one at the
//! bracket's middle. They are announced when the bracket's
//! refinement starts, and re-estimated at each step's value ([`RefineBudget::at`]) as the
//! bracket narrows; the runs it did not need (it ended early: a value the parameter does
//! not accept, a deployment that does not serve there, a failure) are withdrawn when it ends,
//! so the display's total settles on what was done. Estimates only: nothing here changes a
//! result.

use crate::engine::Progress;
use crate::scenario::size::SizeEstimate;

use super::breakeven::{MAX_STEPS, REL_TOLERANCE};
use super::values::SweepValue;
use super::{SweepResult, SweepSource};

/// Bisection steps from a bracket `lo`..`hi` to one narrower than the tolerance (halving
/// the width each step), at most [`MAX_STEPS`].
pub fn planned_steps(lo: f64, hi: f64) -> u64 {
    let width = (hi - lo).abs();
    let target = REL_TOLERANCE * hi.abs().max(lo.abs());
    if !(width > target && target > 0.0) {
        return 0;
    }
    ((width / target).log2().ceil() as u64).min(MAX_STEPS as u64)
}

/// The extra runs of one bracket's refinement, announced on a [`Progress`].
pub struct RefineBudget<'a> {
    progress: &'a Progress,
    announced: u64,
    made: u64,
    requests_per_run: u64,
    deployments: u64,
}

/// The estimated requests of a run of `deployments` deployments at `value`.
pub(super) fn run_requests(
    source: &SweepSource,
    result: &SweepResult,
    value: &SweepValue,
    deployments: u64,
) -> u64 {
    let per_deployment = source
        .scenario_at(&result.plan.params, std::slice::from_ref(value))
        .map_or(0.0, |s| SizeEstimate::of(&s).requests());
    (per_deployment * deployments as f64).round() as u64
}

impl<'a> RefineBudget<'a> {
    /// Announces the refinement of the bracket `lo`..`hi` of `result`'s parameter: `steps`
    /// steps, each of `runs_per_step` runs of `deployments` deployments.
    pub fn announce(
        progress: &'a Progress,
        source: &SweepSource,
        result: &SweepResult,
        (lo, hi): (f64, f64),
        steps: u64,
        runs_per_step: u64,
        deployments: u64,
    ) -> Self {
        let unit = result.points[0].values[0].unit.clone();
        let middle = SweepValue {
            number: 0.5 * (lo + hi),
            unit,
        };
        let requests_per_run = run_requests(source, result, &middle, deployments);
        let announced = steps * runs_per_step;
        progress.plan_runs(announced as i64);
        progress.expect(announced * requests_per_run);
        Self {
            progress,
            announced,
            made: 0,
            requests_per_run,
            deployments,
        }
    }

    /// Re-estimates the runs still announced at `value`, the next step's.
    pub fn at(&mut self, source: &SweepSource, result: &SweepResult, value: &SweepValue) {
        let now = run_requests(source, result, value, self.deployments);
        let left = self.announced.saturating_sub(self.made);
        self.progress.expect(left * now);
        self.progress.retract(left * self.requests_per_run);
        self.requests_per_run = now;
    }

    /// The progress the runs count their requests on.
    pub fn progress(&self) -> &'a Progress {
        self.progress
    }

    /// Counts one run made.
    pub fn ran(&mut self) {
        self.made += 1;
        self.progress.runs_done(1);
        if self.made > self.announced {
            // More than planned (the estimate of steps was short): the total grows.
            self.announced += 1;
            self.progress.plan_runs(1);
            self.progress.expect(self.requests_per_run);
        }
    }
}

/// Settles a round of shared refinement runs ([`super::rounds`]): the refinements' steps took
/// `consumed` requests' worth of runs (as announced), while `simulated` were actually run for
/// them: fewer where runs were shared, more where a refinement stopped before reading every
/// replication. The expected total moves by the difference.
pub fn settle(progress: &Progress, consumed: u64, simulated: u64) {
    if consumed > simulated {
        progress.retract(consumed - simulated);
    } else {
        progress.expect(simulated - consumed);
    }
}

impl Drop for RefineBudget<'_> {
    /// Withdraws the runs announced but not made.
    fn drop(&mut self) {
        let left = self.announced - self.made;
        self.progress.plan_runs(-(left as i64));
        self.progress.retract(left * self.requests_per_run);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_halve_the_bracket_to_the_tolerance() {
        // From 10 to 11: width 1, tolerance 1e-4 x 11 = 0.0011: 2^10 = 1024 > 909 halvings.
        assert_eq!(planned_steps(10.0, 11.0), 10);
        assert_eq!(planned_steps(11.0, 10.0), 10);
        // Already narrow, or degenerate: none.
        assert_eq!(planned_steps(10.0, 10.0005), 0);
        assert_eq!(planned_steps(0.0, 0.0), 0);
        // The widest bracket for its position, -1 to 1: 2 / 1e-4 = 20,000 < 2^15.
        assert_eq!(planned_steps(-1.0, 1.0), 15);
        assert!(planned_steps(-1.0, 1.0) <= MAX_STEPS as u64);
    }
}
