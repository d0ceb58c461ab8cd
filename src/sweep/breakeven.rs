//! Break-even points of a one-parameter sweep: where two deployments' monthly cost curves
//! cross.
//!
//! For each pair of deployments, the mean monthly cost difference is computed at every point;
//! where it changes sign between neighbouring points, that interval *brackets* a crossing.
//! Each bracket is then narrowed by bisection with extra runs of just those two deployments
//! (same replications and seeds as the sweep; halving in log space for a sweep whose values
//! span decades) until it is narrower than [`REL_TOLERANCE`] of its position or
//! [`MAX_STEPS`] runs were made, and the crossing is read off by linear interpolation between
//! the bracket's ends. A difference of exactly zero at a point between differences of opposite
//! signs is a crossing at that point; deployments that cost exactly the same everywhere never
//! cross.
//!
//! With replications, the mean differences are compared, so the crossing is that of the mean
//! cost curves; where noise makes the difference change sign several times, each sign change is
//! reported.

use rayon::prelude::*;

use super::figures::Figure;
use super::values::SweepValue;
use super::{SweepError, SweepResult, SweepSource, describe, run_once};

/// A bracket narrower than this share of its position is a crossing.
pub const REL_TOLERANCE: f64 = 1e-4;
/// Most bisection steps per crossing.
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

/// The mean monthly cost of each deployment at each point.
fn mean_costs(result: &SweepResult) -> Vec<Vec<f64>> {
    result
        .points
        .iter()
        .map(|p| {
            p.deployments
                .iter()
                .map(|d| {
                    Figure::MonthlyCost
                        .estimate(&d.replications)
                        .map_or(f64::NAN, |e| e.mean)
                })
                .collect()
        })
        .collect()
}

/// (lo, hi, sign below) of one sign change, as in [`Bracket`].
type SignChange = ((f64, f64), (f64, f64), f64);

/// Every sign change of `diff` along `xs`: neighbouring points of opposite signs, or the first
/// of a run of exact zeros between opposite signs. Differences that never change sign
/// (including deployments that cost exactly the same everywhere) give none.
fn sign_changes(xs: &[f64], diff: &[f64]) -> Vec<SignChange> {
    let mut out = Vec::new();
    let mut prev: Option<usize> = None;
    for i in 0..diff.len() {
        let d = diff[i];
        if d == 0.0 || d.is_nan() {
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
    if result.plan.params.len() != 1 || result.points.is_empty() {
        return Ok(Vec::new());
    }
    let log = result.plan.params[0].spans_decades();
    brackets(result)
        .par_iter()
        .map(|b| refine(source, result, b, log))
        .collect()
}

fn refine(
    source: &SweepSource,
    result: &SweepResult,
    bracket: &Bracket,
    log: bool,
) -> Result<Crossing, SweepError> {
    let names = &result.points[0].deployments;
    let (a, b) = (
        names[bracket.a].name.as_str(),
        names[bracket.b].name.as_str(),
    );
    let unit = result.points[0].values[0].unit.clone();
    let (mut lo, mut hi) = (bracket.lo, bracket.hi);
    for _ in 0..MAX_STEPS {
        if lo.1 == 0.0 || hi.1 == 0.0 || (hi.0 - lo.0).abs() <= REL_TOLERANCE * hi.0.abs() {
            break;
        }
        let mid = if log {
            (lo.0 * hi.0).sqrt()
        } else {
            0.5 * (lo.0 + hi.0)
        };
        let value = SweepValue {
            number: mid,
            unit: unit.clone(),
        };
        let d = cost_difference(source, result, &value, [a, b])?;
        if d * lo.1 > 0.0 {
            lo = (mid, d);
        } else {
            hi = (mid, d);
        }
    }
    let crossing = if lo.1 == 0.0 {
        lo.0
    } else if hi.1 == 0.0 {
        hi.0
    } else {
        lo.0 + (hi.0 - lo.0) * lo.1 / (lo.1 - hi.1)
    };
    let (cheaper_below, cheaper_above) = if bracket.below < 0.0 { (a, b) } else { (b, a) };
    Ok(Crossing {
        deployment_a: a.to_string(),
        deployment_b: b.to_string(),
        crossing,
        cheaper_below: cheaper_below.to_string(),
        cheaper_above: cheaper_above.to_string(),
    })
}

/// Mean monthly cost of `pair[0]` minus that of `pair[1]` at `value`, over the sweep's
/// replications.
fn cost_difference(
    source: &SweepSource,
    result: &SweepResult,
    value: &SweepValue,
    pair: [&str; 2],
) -> Result<f64, SweepError> {
    let plan = &result.plan;
    let values = std::slice::from_ref(value);
    let reps = plan.replications.max(1);
    let mut sum = 0.0;
    for r in 0..reps {
        let runs = run_once(source, plan, values, r, Some(&pair)).map_err(|error| SweepError {
            point: format!("break-even run ({})", describe(&plan.params, values)),
            error,
        })?;
        let cost = |name: &str| {
            runs.iter()
                .find(|(n, _, _)| n == name)
                .map_or(f64::NAN, |(_, _, f)| f.monthly_cost_usd)
        };
        sum += cost(pair[0]) - cost(pair[1]);
    }
    Ok(sum / reps as f64)
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
    }
}
