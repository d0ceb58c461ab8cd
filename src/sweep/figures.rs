//! The figures a sweep keeps of each deployment at each point and replication, and their
//! estimates over the replications.

use super::stats::{Estimate, estimate};
use crate::platform::DeploymentResult;
use crate::report::slo::Slo;

/// One deployment's figures from one run (written to a sharded sweep's parts bit for bit,
/// [`crate::shard::exact`]).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    /// Projected monthly cost (USD per billing month).
    #[serde(with = "crate::shard::exact::number")]
    pub monthly_cost_usd: f64,
    /// Cost per million requests, as summary.csv's `usd_per_million_requests` (`None` with
    /// no request).
    #[serde(with = "crate::shard::exact::optional")]
    pub usd_per_million_requests: Option<f64>,
    /// Share of requests that needed a new instance.
    #[serde(with = "crate::shard::exact::number")]
    pub cold_start_ratio: f64,
    /// Share of requests that failed (throttled, timed out, rejected, dropped, quota exceeded).
    #[serde(with = "crate::shard::exact::number")]
    pub failed_ratio: f64,
    /// Latency percentiles of completed requests (ms); `None` when nothing completed.
    #[serde(with = "crate::shard::exact::optional")]
    pub latency_p50_ms: Option<f64>,
    #[serde(with = "crate::shard::exact::optional")]
    pub latency_p95_ms: Option<f64>,
    #[serde(with = "crate::shard::exact::optional")]
    pub latency_p99_ms: Option<f64>,
    /// Requests in the window.
    pub requests: u64,
    /// Whether the deployment serves the workload in this run: `run`'s verdict rule,
    /// [`crate::report::verdict::serves_workload`], called, never restated.
    pub serves: bool,
    /// Why it does not, in a few words ([`crate::report::verdict::NotServed::short`]);
    /// `None` when it serves the workload.
    pub not_served: Option<String>,
    /// Every numeric column of the deployment's `summary.csv` row, by name (`None` for an
    /// empty field): what `sweep.csv` reports.
    #[serde(with = "crate::shard::exact::columns")]
    pub summary: Vec<(String, Option<f64>)>,
}

impl Figures {
    /// The figures of one deployment's run under the scenario's `slo`; `summary` is its
    /// `summary.csv` row as (column, text) pairs.
    pub fn of(d: &DeploymentResult, slo: &Slo, summary: Vec<(String, String)>) -> Figures {
        let t = &d.recorder.totals;
        let requests = t.requests;
        let share = |n: u64| {
            if requests == 0 {
                0.0
            } else {
                n as f64 / requests as f64
            }
        };
        let ms = |q: f64| d.recorder.latency.quantile_us(q).map(|us| us as f64 / 1e3);
        let not_served = crate::report::verdict::not_served(d, slo);
        Figures {
            monthly_cost_usd: d.bill.monthly_usd,
            // As summary.csv's column: the window's cost per million of its requests.
            usd_per_million_requests: (requests > 0)
                .then(|| d.bill.window_usd / requests as f64 * 1e6),
            cold_start_ratio: share(t.cold_starts),
            failed_ratio: share(t.failed),
            latency_p50_ms: ms(0.5),
            latency_p95_ms: ms(0.95),
            latency_p99_ms: ms(0.99),
            requests,
            serves: not_served.is_none(),
            not_served: not_served.map(|why| why.short()),
            summary: summary
                .into_iter()
                .filter(|(k, _)| k != "deployment" && k != "model")
                .map(|(k, v)| {
                    let x = if v.is_empty() {
                        None
                    } else {
                        v.parse::<f64>().ok()
                    };
                    (k, x)
                })
                .collect(),
        }
    }
}

/// Every column `sweep.csv` gives a deployment at one point, with its estimate over the
/// replications: the numeric columns of `summary.csv` in its order, then `failed_ratio`.
/// `None` where a replication has no value (a latency with nothing completed).
pub fn columns(replications: &[Figures]) -> Vec<(String, Option<Estimate>)> {
    let Some(first) = replications.first() else {
        return Vec::new();
    };
    let mut out: Vec<(String, Option<Estimate>)> = first
        .summary
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let values: Option<Vec<f64>> = replications
                .iter()
                .map(|f| {
                    f.summary
                        .get(i)
                        .and_then(|(n, v)| (n == name).then_some(*v)?)
                })
                .collect();
            (name.clone(), values.and_then(|v| estimate(&v)))
        })
        .collect();
    out.push((
        Figure::FailedRatio.column().to_string(),
        Figure::FailedRatio.estimate(replications),
    ));
    out
}

/// A figure the sweep reads itself (break-even, memory tuning, `failed_ratio`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    MonthlyCost,
    UsdPerMillionRequests,
    ColdStartRatio,
    FailedRatio,
    LatencyP50,
    LatencyP95,
    LatencyP99,
}

impl Figure {
    /// Its column name (with its unit).
    pub fn column(self) -> &'static str {
        match self {
            Figure::MonthlyCost => "monthly_cost_usd",
            Figure::UsdPerMillionRequests => "usd_per_million_requests",
            Figure::ColdStartRatio => "cold_start_ratio",
            Figure::FailedRatio => "failed_ratio",
            Figure::LatencyP50 => "latency_p50_ms",
            Figure::LatencyP95 => "latency_p95_ms",
            Figure::LatencyP99 => "latency_p99_ms",
        }
    }

    /// Its value in `f`, if there is one.
    pub fn of(self, f: &Figures) -> Option<f64> {
        match self {
            Figure::MonthlyCost => Some(f.monthly_cost_usd),
            Figure::UsdPerMillionRequests => f.usd_per_million_requests,
            Figure::ColdStartRatio => Some(f.cold_start_ratio),
            Figure::FailedRatio => Some(f.failed_ratio),
            Figure::LatencyP50 => f.latency_p50_ms,
            Figure::LatencyP95 => f.latency_p95_ms,
            Figure::LatencyP99 => f.latency_p99_ms,
        }
    }

    /// Its estimate over `replications` (`None` when a replication has no value: a latency
    /// with nothing completed).
    pub fn estimate(self, replications: &[Figures]) -> Option<Estimate> {
        let values: Option<Vec<f64>> = replications.iter().map(|f| self.of(f)).collect();
        estimate(&values?)
    }
}
