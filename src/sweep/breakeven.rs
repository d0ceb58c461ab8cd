//! Break-even points of a one-parameter sweep: where two deployments' monthly cost curves
//! cross.
//!
//! For each pair of deployments, the mean monthly cost difference is computed at every point;
//! where it changes sign between neighbouring points, that interval *brackets* a crossing.
//! Each bracket is then narrowed by bisection with extra runs of just those two deployments
//! (same replications and seeds as the sweep; halving in log space for a sweep whose values
//! span decades) until it is narrower than [`REL_TOLERANCE`] of its position or
//! [`MAX_STEPS`] runs were made, and the crossing is read off by linear interpolation between
//! the bracket's ends. A difference of exactly zero at a point is a crossing at that point.
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

/// One sign change of `cost(a) - cost(b)` between two parameter values.
#[derive(Clone, Debug)]
struct Bracket {
    a: usize,
    b: usize,
    lo: (f64, f64),
    hi: (f64, f64),
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

/// Every bracket of a one-parameter sweep, pair by pair in scenario order, then by position.
fn brackets(result: &SweepResult) -> Vec<Bracket> {
    let costs = mean_costs(result);
    let xs: Vec<f64> = result.points.iter().map(|p| p.values[0].number).collect();
    let n = result.points.first().map_or(0, |p| p.deployments.len());
    let mut out = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let diff: Vec<f64> = costs.iter().map(|c| c[a] - c[b]).collect();
            for i in 0..xs.len().saturating_sub(1) {
                let (d0, d1) = (diff[i], diff[i + 1]);
                if d0 == 0.0 && i > 0 {
                    continue; // counted as the end of the previous bracket
                }
                if d0 * d1 < 0.0 || d1 == 0.0 || d0 == 0.0 {
                    out.push(Bracket {
                        a,
                        b,
                        lo: (xs[i], d0),
                        hi: (xs[i + 1], d1),
                    });
                }
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
    // Below the crossing the sign of the difference is lo's (or, for a crossing exactly at a
    // point, the sign just past it).
    let below_sign = if lo.1 != 0.0 { lo.1 } else { -hi.1 };
    let (cheaper_below, cheaper_above) = if below_sign < 0.0 { (a, b) } else { (b, a) };
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
