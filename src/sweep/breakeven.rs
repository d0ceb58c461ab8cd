//! Break-even points of a one-parameter sweep: where two deployments' monthly cost curves
//! cross, and where a deployment stops (or starts) serving the workload ([`super::serving`]).
//!
//! Only deployments that serve the workload are compared, as in `run`'s verdict: a point
//! where either deployment of a pair does not serve it ([`super::DeploymentRuns::serves`]),
//! or whose runs failed, has no cost difference, and no crossing is read across it. For each
//! pair of deployments, the mean monthly cost difference is computed at every point;
//! where it changes sign between neighbouring points, that interval *brackets* a crossing.
//! Each bracket is then narrowed with extra runs of just those two deployments (same
//! replications and seeds as the sweep; every refinement advancing in rounds that share their
//! runs, [`super::rounds`]): each step tries the value where the straight line through the
//! bracket's ends crosses zero (false position, Illinois variant, with a bisection safeguard:
//! [`super::false_position`]; a bisection halves in log space for a sweep whose values span
//! decades), and moves the end of the same sign there, until the bracket is narrower than
//! [`REL_TOLERANCE`] of its position or [`MAX_STEPS`] runs were made. The crossing is read off
//! by linear interpolation between the bracket's ends. Only values the parameter accepts are
//! tried: the value aimed at (to 6 significant digits), else rounded to a whole number
//! (`instances`, a memory in MB), kept only when it validates and lies strictly inside the
//! bracket; failing that, the midpoint, found the same way; when no such value is left the
//! bracket is final (so a crossing between 1 and 2 instances is read off by interpolation
//! between them).
//! A refinement run where either deployment does not serve the workload drops the crossing;
//! one that fails ends that refinement (the crossing is read off the bracket reached) and is
//! reported in [`BreakEven::failures`]. A difference of exactly zero at a point between differences of opposite
//! signs is a crossing at that point; deployments that cost exactly the same everywhere never
//! cross.
//!
//! With replications, the mean differences are compared, so the crossing is that of the mean
//! cost curves; where noise makes the difference change sign several times, each sign change is
//! reported.

use super::false_position::{EXPECTED_STEPS, FalsePosition, Target};
use super::figures::Figure;
use super::refine_budget::{RefineBudget, planned_steps};
use super::rounds::{Outcome, Refinement, RoundRunner, Simulate, run_rounds};
use super::serving::{self, Boundary};
use super::values::{SweepValue, round_significant};
use super::{SweepError, SweepResult, SweepSource, describe};
use crate::engine::Progress;
use crate::error::SimError;

/// A bracket narrower than this share of its position is a crossing.
pub const REL_TOLERANCE: f64 = 1e-4;
/// Most refinement steps per crossing or boundary.
pub const MAX_STEPS: usize = 24;

/// Where two deployments cost the same.
#[derive(Clone, Debug, PartialEq)]
pub struct Crossing {
    pub deployment_a: String,
    pub deployment_b: String,
    /// The parameter's value at the crossing (in the parameter's unit).
    pub crossing: f64,
    /// The deployment that is cheaper just below and just above the crossing.
    pub cheaper_below: String,
    pub cheaper_above: String,
}

/// What a one-parameter sweep reads off its curves.
#[derive(Debug, Default)]
pub struct BreakEven {
    /// Where two deployments that both serve the workload cost the same.
    pub crossings: Vec<Crossing>,
    /// Where a deployment stops or starts serving the workload.
    pub boundaries: Vec<Boundary>,
    /// Refinement runs that failed (the bracket reached so far is reported).
    pub failures: Vec<SweepError>,
}

/// One sign change of `cost(a) - cost(b)` between two parameter values: `lo` and `hi` are
/// (value, difference) with differences of opposite signs, or both the one point where the
/// difference is exactly zero; `below` is the sign of the difference below the crossing.
#[derive(Clone, Debug)]
struct Bracket {
    a: usize,
    b: usize,
    lo: (f64, f64),
    hi: (f64, f64),
    below: f64,
}

/// The mean monthly cost of each deployment at each point; NaN where it does not serve the
/// workload or the point failed.
fn mean_costs(result: &SweepResult) -> Vec<Vec<f64>> {
    result
        .points
        .iter()
        .map(|p| {
            p.deployments
                .iter()
                .map(|d| match d.serves() {
                    Some(true) => Figure::MonthlyCost
                        .estimate(&d.replications)
                        .map_or(f64::NAN, |e| e.mean),
                    _ => f64::NAN,
                })
                .collect()
        })
        .collect()
}

/// (lo, hi, sign below) of one sign change, as in [`Bracket`].
type SignChange = ((f64, f64), (f64, f64), f64);

/// Every sign change of `diff` along `xs`: neighbouring points of opposite signs, or the first
/// of a run of exact zeros between opposite signs. Differences that never change sign
/// (including deployments that cost exactly the same everywhere) give none, and none is read
/// across a NaN (a point where the pair is not compared).
fn sign_changes(xs: &[f64], diff: &[f64]) -> Vec<SignChange> {
    let mut out = Vec::new();
    let mut prev: Option<usize> = None;
    for i in 0..diff.len() {
        let d = diff[i];
        if d.is_nan() {
            prev = None;
            continue;
        }
        if d == 0.0 {
            continue;
        }
        if let Some(p) = prev
            && diff[p].signum() != d.signum()
        {
            if i == p + 1 {
                out.push(((xs[p], diff[p]), (xs[i], d), diff[p].signum()));
            } else {
                // Exactly equal at the points between: the crossing is the first of them.
                out.push(((xs[p + 1], 0.0), (xs[p + 1], 0.0), diff[p].signum()));
            }
        }
        prev = Some(i);
    }
    out
}

/// Every bracket of a one-parameter sweep, pair by pair in scenario order, then by position.
fn brackets(result: &SweepResult) -> Vec<Bracket> {
    let costs = mean_costs(result);
    let xs: Vec<f64> = result.points.iter().map(|p| p.values[0].number).collect();
    let n = result.points.first().map_or(0, |p| p.deployments.len());
    let mut out = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let diff: Vec<f64> = costs.iter().map(|c| c[a] - c[b]).collect();
            for (lo, hi, below) in sign_changes(&xs, &diff) {
                out.push(Bracket {
                    a,
                    b,
                    lo,
                    hi,
                    below,
                });
            }
        }
    }
    out
}

/// The crossings of a one-parameter sweep, each refined with extra runs on `source` (see the
/// module docs). Empty for a sweep over more or fewer than one parameter.
///
/// # Errors
/// A refinement run that fails.
pub fn crossings(source: &SweepSource, result: &SweepResult) -> Result<Vec<Crossing>, SweepError> {
    let mut found = break_even(source, result);
    match found.failures.pop() {
        Some(e) => Err(e),
        None => Ok(found.crossings),
    }
}

/// The crossings and service boundaries of a one-parameter sweep, each refined with extra runs
/// on `source` (see the module docs); nothing for a sweep over more or fewer than one
/// parameter.
pub fn break_even(source: &SweepSource, result: &SweepResult) -> BreakEven {
    break_even_counted(source, result, &Progress::new())
}

/// [`break_even`], its extra runs announced and counted on `progress`
/// ([`super::refine_budget`]).
pub fn break_even_counted(
    source: &SweepSource,
    result: &SweepResult,
    progress: &Progress,
) -> BreakEven {
    break_even_from(source, result, progress, &mut Simulate)
        .expect("simulating gives every round's runs")
}

/// [`break_even_counted`], each round's runs from `runner`; `None` when the runner could not
/// give a round's runs (a sharded sweep's next round, [`crate::shard::sweep`]).
pub fn break_even_from(
    source: &SweepSource,
    result: &SweepResult,
    progress: &Progress,
    runner: &mut dyn RoundRunner,
) -> Option<BreakEven> {
    if result.plan.params.len() != 1 || result.points.is_empty() {
        return Some(BreakEven::default());
    }
    let log = result.plan.params[0].spans_decades();
    let mut out = BreakEven::default();
    let mut crossings: Vec<CrossingSearch> = brackets(result)
        .into_iter()
        .map(|b| CrossingSearch::new(source, result, b, log, progress))
        .collect();
    let mut boundaries = serving::searches(source, result, log, progress);
    let mut all: Vec<&mut dyn Refinement> = Vec::new();
    all.extend(crossings.iter_mut().map(|c| c as &mut dyn Refinement));
    all.extend(boundaries.iter_mut().map(|b| b as &mut dyn Refinement));
    if !run_rounds(source, result, &mut all, progress, runner) {
        return None;
    }
    for (crossing, failure) in crossings.into_iter().map(CrossingSearch::finish) {
        out.crossings.extend(crossing);
        out.failures.extend(failure);
    }
    for (boundary, failure) in boundaries.into_iter().map(serving::BoundarySearch::finish) {
        out.boundaries.push(boundary);
        out.failures.extend(failure);
    }
    Some(out)
}

/// A value the swept parameter accepts strictly between `lo` and `hi`, near their middle
/// (geometric with `log`): the midpoint (to 6 significant digits, as swept values are), else
/// the midpoint rounded to a whole number; `None` when neither validates inside the bracket.
pub(super) fn accepted_between(
    source: &SweepSource,
    result: &SweepResult,
    lo: f64,
    hi: f64,
    log: bool,
) -> Option<SweepValue> {
    let mid = if log {
        (lo * hi).sqrt()
    } else {
        0.5 * (lo + hi)
    };
    accepted_near(source, result, mid, lo, hi)
}

/// A value the swept parameter accepts strictly between `lo` and `hi`, near `target`: the
/// target to 6 significant digits, else rounded to a whole number; `None` when neither
/// validates inside the bracket.
fn accepted_near(
    source: &SweepSource,
    result: &SweepResult,
    target: f64,
    lo: f64,
    hi: f64,
) -> Option<SweepValue> {
    let unit = &result.points[0].values[0].unit;
    let (min, max) = (lo.min(hi), lo.max(hi));
    [round_significant(target, 6), target.round()]
        .into_iter()
        .filter(|&x| x > min && x < max)
        .map(|number| SweepValue {
            number,
            unit: unit.clone(),
        })
        .find(|v| {
            source
                .scenario_at(&result.plan.params, std::slice::from_ref(v))
                .is_ok()
        })
}

/// True when a bracket from `lo` to `hi` is narrow enough.
pub(super) fn narrow(lo: f64, hi: f64) -> bool {
    (hi - lo).abs() <= REL_TOLERANCE * hi.abs().max(lo.abs())
}

/// The refinement of one bracket (see the module docs), run in rounds with the others
/// ([`super::rounds`]).
struct CrossingSearch<'a> {
    bracket: Bracket,
    names: [String; 2],
    lo: (f64, f64),
    hi: (f64, f64),
    log: bool,
    /// Where the next step tries.
    rule: FalsePosition,
    steps: usize,
    /// Set when it ends early: `Some(true)` the pair is not compared (one of them does not
    /// serve the workload at a step), `Some(false)` a run failed or no value is left.
    ended: Option<bool>,
    failure: Option<SweepError>,
    result: &'a SweepResult,
    budget: RefineBudget<'a>,
}

impl<'a> CrossingSearch<'a> {
    fn new(
        source: &SweepSource,
        result: &'a SweepResult,
        bracket: Bracket,
        log: bool,
        progress: &'a Progress,
    ) -> Self {
        let deployments = &result.points[0].deployments;
        let names = [
            deployments[bracket.a].name.clone(),
            deployments[bracket.b].name.clone(),
        ];
        let reps = result.plan.replications.max(1) as u64;
        let (lo, hi) = (bracket.lo, bracket.hi);
        let steps = planned_steps(lo.0, hi.0).min(EXPECTED_STEPS);
        let budget = RefineBudget::announce(progress, source, result, (lo.0, hi.0), steps, reps, 2);
        Self {
            bracket,
            names,
            lo,
            hi,
            log,
            rule: FalsePosition::new(lo.1, hi.1, log),
            steps: 0,
            ended: None,
            failure: None,
            result,
            budget,
        }
    }

    /// The crossing read off the bracket reached (none when the pair was not compared at a
    /// step), and the failure that ended the refinement, if one did.
    fn finish(self) -> (Option<Crossing>, Option<SweepError>) {
        if self.ended == Some(true) {
            return (None, None);
        }
        let (lo, hi) = (self.lo, self.hi);
        let crossing = if lo.1 == 0.0 {
            lo.0
        } else if hi.1 == 0.0 {
            hi.0
        } else {
            lo.0 + (hi.0 - lo.0) * lo.1 / (lo.1 - hi.1)
        };
        let [a, b] = self.names;
        let (cheaper_below, cheaper_above) = if self.bracket.below < 0.0 {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        };
        let crossing = Crossing {
            deployment_a: a,
            deployment_b: b,
            crossing,
            cheaper_below,
            cheaper_above,
        };
        (Some(crossing), self.failure)
    }
}

impl Refinement for CrossingSearch<'_> {
    fn deployments(&self) -> &[String] {
        &self.names
    }

    fn next_value(&mut self, source: &SweepSource, result: &SweepResult) -> Option<SweepValue> {
        let (lo, hi) = (self.lo, self.hi);
        if self.ended.is_some()
            || self.steps == MAX_STEPS
            || lo.1 == 0.0
            || hi.1 == 0.0
            || narrow(lo.0, hi.0)
        {
            return None;
        }
        let interpolated = match self.rule.target(lo.0, hi.0) {
            Target::Interpolated(x) => accepted_near(source, result, x, lo.0, hi.0),
            Target::Midpoint => None,
        };
        let Some(value) =
            interpolated.or_else(|| accepted_between(source, result, lo.0, hi.0, self.log))
        else {
            self.ended = Some(false);
            return None;
        };
        self.budget.at(source, result, &value);
        self.steps += 1;
        Some(value)
    }

    /// The mean over the replications of `a`'s monthly cost minus `b`'s moves the bracket's
    /// end of the same sign to `value`; one of them not serving the workload in a
    /// replication drops the crossing; a failed run ends the refinement.
    fn take(&mut self, value: &SweepValue, replications: &[Vec<&Outcome>]) -> usize {
        let mut sum = 0.0;
        for (r, outcomes) in replications.iter().enumerate() {
            let (a, b) = match (outcomes[0], outcomes[1]) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => {
                    let error = SimError::Invalid(e.clone());
                    self.failure = Some(refinement_error(self.result, value, error));
                    self.ended = Some(false);
                    return r + 1;
                }
            };
            self.budget.ran();
            if !(a.0 && b.0) {
                // One of the two does not serve the workload here: they are not compared.
                self.ended = Some(true);
                return r + 1;
            }
            sum += a.1 - b.1;
        }
        let d = sum / replications.len() as f64;
        let moved_hi = d * self.lo.1 <= 0.0;
        self.rule.moved(moved_hi, d, self.lo.0, self.hi.0);
        if moved_hi {
            self.hi = (value.number, d);
        } else {
            self.lo = (value.number, d);
        }
        replications.len()
    }
}

/// The error of a refinement run at `value`.
pub(super) fn refinement_error(
    result: &SweepResult,
    value: &SweepValue,
    error: crate::error::SimError,
) -> SweepError {
    SweepError {
        point: format!(
            "break-even run ({})",
            describe(&result.plan.params, std::slice::from_ref(value))
        ),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_changes_by_hand() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        // Identical everywhere: no crossing.
        assert!(sign_changes(&xs, &[0.0; 5]).is_empty());
        // Never changes sign, touching zero once: no crossing.
        assert!(sign_changes(&xs, &[-2.0, -1.0, 0.0, -1.0, -3.0]).is_empty());
        // A sign change between 2 and 3, a is cheaper below.
        assert_eq!(
            sign_changes(&xs, &[-2.0, -1.0, 1.0, 2.0, 3.0]),
            [((2.0, -1.0), (3.0, 1.0), -1.0)]
        );
        // Exactly equal at 3 and 4 between opposite signs: the crossing is at 3, b cheaper below.
        assert_eq!(
            sign_changes(&xs, &[2.0, 1.0, 0.0, 0.0, -1.0]),
            [((3.0, 0.0), (3.0, 0.0), 1.0)]
        );
        // Two crossings.
        assert_eq!(sign_changes(&xs, &[1.0, -1.0, -1.0, 1.0, 1.0]).len(), 2);
        // A point where the pair is not compared (NaN) between opposite signs: no crossing.
        assert!(sign_changes(&xs, &[-2.0, -1.0, f64::NAN, 1.0, 2.0]).is_empty());
        assert!(sign_changes(&xs, &[-2.0, 0.0, f64::NAN, 0.0, 2.0]).is_empty());
    }
}
