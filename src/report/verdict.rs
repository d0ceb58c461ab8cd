//! The verdict: which deployments serve the workload, and which of those is cheapest.
//!
//! A deployment that fails many of its requests is cheap for the wrong reason (a throttled
//! request costs nothing), so it is never called cheapest. The rule: a deployment **serves
//! the workload** when it failed at most [`MAX_FAILED_SHARE`] of its requests (throttled,
//! timed out or rejected) and, if it received any, completed at least one. Only deployments
//! that serve the workload are compared; the others are named as not compared, with their
//! failure share.

use crate::platform::DeploymentResult;
use crate::run::RunResult;

/// Largest share of failed requests a deployment may have and still be compared (1%).
pub const MAX_FAILED_SHARE: f64 = 0.01;

/// Share of `d`'s requests that failed (0 with no request).
pub fn failed_share(d: &DeploymentResult) -> f64 {
    let t = &d.recorder.totals;
    if t.requests == 0 {
        0.0
    } else {
        t.failed as f64 / t.requests as f64
    }
}

/// Whether `d` serves the workload (see the module docs).
pub fn serves_workload(d: &DeploymentResult) -> bool {
    let t = &d.recorder.totals;
    t.requests == 0 || (t.completed > 0 && failed_share(d) <= MAX_FAILED_SHARE)
}

/// The comparison of a run's deployments.
#[derive(Debug)]
pub struct Verdict<'a> {
    /// The cheapest deployment per month among those that serve the workload (the first in
    /// scenario order on a tie); `None` when none does.
    pub cheapest: Option<&'a DeploymentResult>,
    /// The other deployments that serve the workload, in scenario order.
    pub others: Vec<&'a DeploymentResult>,
    /// The deployments that do not serve the workload, in scenario order.
    pub excluded: Vec<&'a DeploymentResult>,
}

/// Compares the deployments of `run`.
pub fn verdict(run: &RunResult) -> Verdict<'_> {
    let (served, excluded): (Vec<_>, Vec<_>) =
        run.deployments.iter().partition(|d| serves_workload(d));
    let cheapest = served.iter().copied().reduce(|best, d| {
        if d.bill.monthly_usd < best.bill.monthly_usd {
            d
        } else {
            best
        }
    });
    let others = served
        .into_iter()
        .filter(|d| cheapest.is_some_and(|c| !std::ptr::eq(*d, c)))
        .collect();
    Verdict {
        cheapest,
        others,
        excluded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{idle_deployment, idle_run};

    /// An idle deployment with the given counts and monthly cost.
    fn with(name: &str, requests: u64, failed: u64, monthly_usd: f64) -> DeploymentResult {
        let mut d = idle_deployment(name, 2);
        d.recorder.totals.requests = requests;
        d.recorder.totals.failed = failed;
        d.recorder.totals.completed = requests - failed;
        d.bill.monthly_usd = monthly_usd;
        d
    }

    #[test]
    fn at_most_one_percent_failed_serves_the_workload() {
        assert!(serves_workload(&with("exactly-1%", 10_000, 100, 1.0)));
        assert!(!serves_workload(&with("1.01%", 10_000, 101, 1.0)));
        assert!(!serves_workload(&with("all-failed", 5, 5, 1.0)));
        // Nothing asked, nothing failed: it serves the (empty) workload.
        assert!(serves_workload(&with("idle", 0, 0, 1.0)));
        assert_eq!(failed_share(&with("x", 400, 3, 1.0)), 0.0075);
    }

    #[test]
    fn the_cheapest_is_chosen_among_deployments_that_serve_the_workload() {
        let mut run = idle_run(&[], 2);
        run.deployments = vec![
            with("throttled", 1000, 1000, 0.0),
            with("dear", 1000, 0, 30.0),
            with("cheap", 1000, 10, 20.0),
            with("lossy", 1000, 11, 5.0),
        ];
        let v = verdict(&run);
        assert_eq!(v.cheapest.map(|d| d.name.as_str()), Some("cheap"));
        let names =
            |ds: &[&DeploymentResult]| ds.iter().map(|d| d.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&v.others), ["dear"]);
        assert_eq!(names(&v.excluded), ["throttled", "lossy"]);
        // When none serves, there is no cheapest.
        run.deployments.retain(|d| !serves_workload(d));
        let v = verdict(&run);
        assert!(v.cheapest.is_none() && v.others.is_empty() && v.excluded.len() == 2);
    }
}
