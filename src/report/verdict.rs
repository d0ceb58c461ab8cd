//! The verdict: which deployments serve the workload, and which of those is cheapest.
//!
//! A deployment that fails many of its requests is cheap for the wrong reason (a throttled
//! request costs nothing), and so is an overloaded fleet without timeouts, which fails nothing
//! but leaves a growing queue behind the window; neither is ever called cheapest. The rule: a
//! deployment **serves the workload** when all of these hold:
//! - it completed at least one request (no verdict rests on an empty workload);
//! - it failed at most [`MAX_FAILED_SHARE`] of its requests (throttled, timed out, rejected,
//!   dropped or refused by a quota);
//! - it is not **overloaded**: a fleet's utilisation (the work its requests brought over what
//!   its workers can do in the window, [`crate::platform::fleet`]) is below
//!   [`MAX_UTILISATION`] (at 100% or more its backlog grows through the window: it takes in
//!   work faster than it can do it), and at most [`MAX_BACKLOG_SHARE`] of its requests were
//!   still waiting in its queue when the window ended (a fleet overloaded late in the window,
//!   behind a quiet start). Requests *in service* at the end are not a backlog: any
//!   deployment has some, more of them the longer its calls are, so they judge nothing;
//! - it meets the scenario's `slo`, if it has one: no measured latency percentile above its
//!   limit, over every completed request or over a function's completed calls where that
//!   function has its own ([`crate::report::slo`]). A deployment too slow for its users does
//!   not serve them, however cheap.
//!
//! A healthy bursty fleet passes: a burst that queues for a while and drains before the
//! window ends leaves neither a backlog nor a utilisation of 100% (its latency shows the
//! burst). Only deployments that serve the workload are compared; the others are named as
//! not compared, with the reason ([`NotServed`]).

use super::slo::{Slo, SloMiss};
use crate::platform::DeploymentResult;
use crate::run::RunResult;

/// Largest share of failed requests a deployment may have and still be compared (1%).
pub const MAX_FAILED_SHARE: f64 = 0.01;

/// Largest share of its requests a fleet may leave queued at the window's end and still be
/// compared (1%).
pub const MAX_BACKLOG_SHARE: f64 = 0.01;

/// A fleet whose utilisation reaches this (100%) takes in work faster than it can do it.
pub const MAX_UTILISATION: f64 = 1.0;

/// Why a deployment does not serve the workload (the first that applies, in this order).
#[derive(Clone, Debug, PartialEq)]
pub enum NotServed {
    /// More than [`MAX_FAILED_SHARE`] of its requests failed: the share.
    Failed(f64),
    /// Its backlog grows: its utilisation (`None` for FaaS) and the share of its requests
    /// queued and unfinished at the window's end.
    Overloaded {
        utilisation: Option<f64>,
        queued_share: f64,
        unfinished_share: f64,
    },
    /// It completed no request (it received none).
    NoneCompleted,
    /// A latency percentile is above the `slo`'s limit: the first objective missed.
    SloMissed(SloMiss),
}

impl std::fmt::Display for NotServed {
    /// `35.20% failed`, `utilisation 270%, 63.00% unfinished at the window's end`,
    /// `no request completed`, `p99 400.0 ms, over the slo's 300 ms`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotServed::Failed(share) => write!(f, "{:.2}% failed", share * 100.0),
            NotServed::Overloaded {
                utilisation,
                unfinished_share,
                ..
            } => {
                if let Some(u) = utilisation {
                    write!(f, "utilisation {:.0}%, ", u * 100.0)?;
                }
                write!(
                    f,
                    "{:.2}% unfinished at the window's end",
                    unfinished_share * 100.0
                )
            }
            NotServed::NoneCompleted => f.write_str("no request completed"),
            NotServed::SloMissed(miss) => write!(f, "{miss}"),
        }
    }
}

impl NotServed {
    /// The reason in a few words, for chart labels: `35.2% failed`, `overloaded, 20.0%
    /// unfinished`, `none completed`, `p99 400 ms > 300 ms`.
    pub fn short(&self) -> String {
        match self {
            NotServed::Failed(share) => format!("{:.1}% failed", share * 100.0),
            NotServed::Overloaded {
                unfinished_share, ..
            } => format!("overloaded, {:.1}% unfinished", unfinished_share * 100.0),
            NotServed::NoneCompleted => "none completed".into(),
            NotServed::SloMissed(miss) => miss.short(),
        }
    }
}

/// Share of `d`'s requests counted in `n` (0 with no request).
fn share(d: &DeploymentResult, n: u64) -> f64 {
    match d.recorder.totals.requests {
        0 => 0.0,
        requests => n as f64 / requests as f64,
    }
}

/// Why `d` does not serve the workload under `slo`, or `None` when it does (see the module
/// docs).
pub fn not_served(d: &DeploymentResult, slo: &Slo) -> Option<NotServed> {
    let t = &d.recorder.totals;
    let failed = failed_share(d);
    if failed > MAX_FAILED_SHARE {
        return Some(NotServed::Failed(failed));
    }
    let utilisation = d.recorder.utilisation;
    let queued_share = share(d, t.queued_at_end);
    if utilisation.is_some_and(|u| u >= MAX_UTILISATION) || queued_share > MAX_BACKLOG_SHARE {
        return Some(NotServed::Overloaded {
            utilisation,
            queued_share,
            unfinished_share: share(d, t.unfinished),
        });
    }
    if t.completed == 0 {
        return Some(NotServed::NoneCompleted);
    }
    slo.missed(d).map(NotServed::SloMissed)
}

/// Share of `d`'s requests that failed (0 with no request).
pub fn failed_share(d: &DeploymentResult) -> f64 {
    share(d, d.recorder.totals.failed)
}

/// Whether `d` serves the workload under `slo` (see the module docs).
pub fn serves_workload(d: &DeploymentResult, slo: &Slo) -> bool {
    not_served(d, slo).is_none()
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

/// Compares the deployments of `run` (under its `slo`).
pub fn verdict(run: &RunResult) -> Verdict<'_> {
    let (served, excluded): (Vec<_>, Vec<_>) = run
        .deployments
        .iter()
        .partition(|d| serves_workload(d, &run.slo));
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
        assert!(serves_workload(
            &with("exactly-1%", 10_000, 100, 1.0),
            &Slo::NONE
        ));
        assert!(!serves_workload(
            &with("1.01%", 10_000, 101, 1.0),
            &Slo::NONE
        ));
        assert!(!serves_workload(&with("all-failed", 5, 5, 1.0), &Slo::NONE));
        // Nothing asked, nothing completed: no verdict rests on it.
        assert!(!serves_workload(&with("idle", 0, 0, 1.0), &Slo::NONE));
        assert_eq!(
            not_served(&with("idle", 0, 0, 1.0), &Slo::NONE),
            Some(NotServed::NoneCompleted)
        );
        assert_eq!(failed_share(&with("x", 400, 3, 1.0)), 0.0075);
        assert_eq!(
            not_served(&with("lossy", 400, 40, 1.0), &Slo::NONE).map(|n| n.to_string()),
            Some("10.00% failed".into())
        );
    }

    #[test]
    fn an_overloaded_fleet_does_not_serve_the_workload() {
        // A fleet that failed nothing, at a given utilisation, with `queued` of 10,000
        // requests still queued (and `unfinished` queued or in service) at the window's end.
        let fleet = |utilisation: f64, queued: u64, unfinished: u64| {
            let mut d = with("flt", 10_000, 0, 1.0);
            d.recorder.utilisation = Some(utilisation);
            d.recorder.totals.queued_at_end = queued;
            d.recorder.totals.unfinished = unfinished;
            d
        };
        // Busy but keeping up, a few requests in service at the end.
        assert!(serves_workload(&fleet(0.99, 0, 8), &Slo::NONE));
        // Exactly 1% queued is still within the rule; one more is a backlog.
        assert!(serves_workload(&fleet(0.5, 100, 108), &Slo::NONE));
        assert!(!serves_workload(&fleet(0.5, 101, 109), &Slo::NONE));
        // In service is not a backlog: long calls leave many running at the end.
        assert!(serves_workload(&fleet(0.5, 0, 2_000), &Slo::NONE));
        // Offered as much work as it can do, or more: its backlog grows.
        assert!(!serves_workload(&fleet(1.0, 0, 0), &Slo::NONE));
        let over = fleet(2.7, 6_200, 6_300);
        assert_eq!(
            not_served(&over, &Slo::NONE),
            Some(NotServed::Overloaded {
                utilisation: Some(2.7),
                queued_share: 0.62,
                unfinished_share: 0.63
            })
        );
        assert_eq!(
            not_served(&over, &Slo::NONE).unwrap().to_string(),
            "utilisation 270%, 63.00% unfinished at the window's end"
        );
        // Failures are named first.
        let mut both = fleet(2.7, 6_200, 6_300);
        both.recorder.totals.failed = 200;
        assert_eq!(not_served(&both, &Slo::NONE), Some(NotServed::Failed(0.02)));
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
        run.deployments.retain(|d| !serves_workload(d, &Slo::NONE));
        let v = verdict(&run);
        assert!(v.cheapest.is_none() && v.others.is_empty() && v.excluded.len() == 2);
    }
    #[test]
    fn a_deployment_that_misses_the_slo_is_not_called_cheapest() {
        use crate::report::slo::{Objective, Percentile};
        // Every request of `name` took `us` µs (below 2,048 µs the histogram is exact).
        let timed = |name: &str, us: u64, monthly_usd: f64| {
            let mut d = with(name, 100, 0, monthly_usd);
            for _ in 0..100 {
                d.recorder.latency.record(us);
            }
            d
        };
        let mut run = idle_run(&[], 2);
        run.deployments = vec![
            timed("slow", 400, 10.0),
            timed("fast", 300, 30.0),
            timed("dearest", 100, 90.0),
        ];
        run.slo.overall = vec![Objective {
            percentile: Percentile::P99,
            limit: 300,
        }];
        let v = verdict(&run);
        // p99 = 300 µs meets a 300 µs limit; 400 µs misses it.
        assert_eq!(v.cheapest.map(|d| d.name.as_str()), Some("fast"));
        assert_eq!(v.excluded.len(), 1);
        let why = not_served(&run.deployments[0], &run.slo).unwrap();
        assert_eq!(why.to_string(), "p99 0.4 ms, over the slo's 0.3 ms");
        // Without the slo the cheapest is the slow one.
        run.slo = Slo::default();
        assert_eq!(
            verdict(&run).cheapest.map(|d| d.name.as_str()),
            Some("slow")
        );
        // Failures are named before a missed slo.
        let mut lossy = timed("lossy", 400, 1.0);
        lossy.recorder.totals.failed = 2;
        let slo = Slo {
            overall: vec![Objective {
                percentile: Percentile::P50,
                limit: 1,
            }],
            functions: Vec::new(),
        };
        assert_eq!(not_served(&lossy, &slo), Some(NotServed::Failed(0.02)));
    }
}
