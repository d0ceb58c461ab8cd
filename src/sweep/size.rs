//! The size of a whole sweep, judged before anything runs, by the limits `run` applies to one
//! run ([`crate::scenario::size::MAX_EVENTS`], [`crate::scenario::size::MAX_MEMORY_BYTES`]),
//! which `--allow-large` lifts.
//!
//! Two checks, in this order:
//!
//! 1. **The grid**, counted arithmetically before a single point is written out: points (the
//!    product of every parameter's value count) x replications = runs, and the memory the
//!    sweep keeps whatever each run costs: [`POINT_BYTES`] a point (its values and size
//!    estimate) and [`RESULT_BYTES`] a deployment per run (its figures, held until the
//!    reports are written). A 10^4 x 10^4 grid is refused here, at once.
//! 2. **The runs**, once every point validated: engine events are the sum over points of the
//!    point's estimate (as `check` gives it) x replications; memory is the kept figures plus
//!    the largest point's run memory times the runs that may be in flight at once (the worker
//!    threads, at most the runs).
//!
//! Break-even refinement runs are not counted: at most
//! [`super::breakeven::MAX_STEPS`] x replications per crossing or service boundary, each of
//! one or two deployments at a value inside a bracket the grid already ran.

use super::values::SweptParam;
use super::{Prepared, SweepPlan, describe};
use crate::scenario::size::{MAX_EVENTS, MAX_MEMORY_BYTES, OVERRIDE_FLAG, bytes, count};

/// Memory a sweep keeps per point whatever its runs cost: its values and its size estimate
/// (an upper figure).
pub const POINT_BYTES: f64 = 1024.0;

/// Memory a sweep keeps per deployment and run: its figures (every summary column, about
/// 4 KiB) and their copy while the results are gathered.
pub const RESULT_BYTES: f64 = 8.0 * 1024.0;

/// Points of a grid over `params`: the product of their value counts (saturating, so a
/// grid too large to count is still refused).
pub fn grid_points(params: &[SweptParam]) -> u128 {
    params
        .iter()
        .fold(1u128, |n, p| n.saturating_mul(p.values.len() as u128))
}

/// The figures a sweep's size is judged on.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSize {
    pub points: u128,
    pub replications: usize,
    /// Engine events of every run together (`None` before the points are validated).
    pub events: Option<f64>,
    /// Memory kept for the points and results.
    pub kept_bytes: f64,
    /// Memory of the runs in flight at once (`None` before the points are validated).
    pub runs_bytes: Option<f64>,
    /// The point whose run is the largest, described (`load = 1000000`), with its events.
    pub largest: Option<(String, f64)>,
}

impl SweepSize {
    /// Runs of the sweep (points x replications).
    pub fn runs(&self) -> f64 {
        self.points as f64 * self.replications.max(1) as f64
    }

    /// Memory in all.
    pub fn memory_bytes(&self) -> f64 {
        self.kept_bytes + self.runs_bytes.unwrap_or(0.0)
    }

    /// The size of the grid of `plan` with `deployments` deployments, before any point is
    /// validated (step 1 of the module docs).
    pub fn of_grid(plan: &SweepPlan, deployments: usize) -> Self {
        let points = grid_points(&plan.params);
        let replications = plan.replications.max(1);
        let runs = points as f64 * replications as f64;
        SweepSize {
            points,
            replications,
            events: None,
            kept_bytes: points as f64 * POINT_BYTES + runs * deployments as f64 * RESULT_BYTES,
            runs_bytes: None,
            largest: None,
        }
    }

    /// The size of a validated sweep run `threads` runs at a time (step 2 of the module docs).
    pub fn of_prepared(plan: &SweepPlan, prepared: &Prepared, threads: usize) -> Self {
        let mut size = Self::of_grid(plan, prepared.deployments.len());
        let reps = size.replications as f64;
        size.events = Some(prepared.sizes.iter().map(|s| s.events() * reps).sum());
        let peak = prepared
            .sizes
            .iter()
            .map(|s| s.memory_bytes())
            .fold(0.0, f64::max);
        let in_flight = (threads.max(1) as f64).min(size.runs());
        size.runs_bytes = Some(peak * in_flight);
        size.largest = prepared
            .sizes
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.events().total_cmp(&b.1.events()))
            .map(|(i, s)| (describe(&plan.params, &prepared.points[i]), s.events()));
        size
    }

    /// Refuses a sweep above the limits.
    ///
    /// # Errors
    /// A message giving the estimate, which limit it passes, the largest point, and the flag
    /// that overrides.
    pub fn check(&self) -> Result<(), String> {
        let mut over = Vec::new();
        if let Some(events) = self.events.filter(|&e| e > MAX_EVENTS) {
            over.push(format!(
                "{} engine events in all (limit {})",
                count(events),
                count(MAX_EVENTS)
            ));
        }
        if self.memory_bytes() > MAX_MEMORY_BYTES {
            over.push(format!(
                "{} of memory (limit {})",
                bytes(self.memory_bytes()),
                bytes(MAX_MEMORY_BYTES)
            ));
        }
        if over.is_empty() {
            return Ok(());
        }
        let largest = match &self.largest {
            Some((point, events)) => {
                format!(
                    "; the largest point ({point}) needs {} events",
                    count(*events)
                )
            }
            None => String::new(),
        };
        Err(format!(
            "the sweep is too large: {} points x {} replication(s) = {} runs: {}{largest}. Use \
             fewer points, a narrower range or fewer replications; or pass {OVERRIDE_FLAG} to \
             run it anyway",
            count(self.points as f64),
            self.replications,
            count(self.runs()),
            over.join(", and ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::values::parse_param;

    fn plan(params: &[&str], replications: usize) -> SweepPlan {
        SweepPlan {
            params: params.iter().map(|p| parse_param(p).unwrap()).collect(),
            replications,
            seed: None,
        }
    }

    #[test]
    fn a_huge_grid_is_refused_by_arithmetic() {
        // 10^4 x 10^4 points, 2 deployments: 10^8 x (1 KiB + 2 x 8 KiB) = 1.7e12 bytes.
        let p = plan(&["a=1..10000:10000", "b=1..10000:10000"], 1);
        assert_eq!(grid_points(&p.params), 100_000_000);
        let size = SweepSize::of_grid(&p, 2);
        assert_eq!(size.kept_bytes, 1e8 * (1024.0 + 2.0 * 8192.0));
        let err = size.check().unwrap_err();
        assert!(
            err.contains("100,000,000 points x 1 replication(s)"),
            "{err}"
        );
        assert!(err.contains("--allow-large"), "{err}");
        // A small grid passes.
        assert!(
            SweepSize::of_grid(&plan(&["a=1..10:10"], 3), 2)
                .check()
                .is_ok()
        );
    }
}
