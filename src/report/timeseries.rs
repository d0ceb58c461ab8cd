//! `timeseries.csv`: one row per deployment per time bucket.
//!
//! Columns, in order: `deployment, bucket_start_s, requests, completed, cold_starts, failed,
//! quota_exceeded, instances_busy, instances_idle, instances_starting, queued, cost_usd,
//! cumulative_cost_usd, latency_p50_ms, latency_p99_ms, stored_gb, egress_gb,
//! monthly_active_users`.
//!
//! Counts are events in the bucket (activity after the window's end lands in the last one);
//! instance columns and `queued` (requests waiting in a fleet's queues; 0 for FaaS) are time
//! averages over the bucket; `cost_usd` is the window cost accrued
//! in the bucket (so the column sums to the deployment's window cost) and
//! `cumulative_cost_usd` the running total up to the bucket's end. The latency columns are the
//! median and 99th percentile of the requests that *completed* in the bucket (within 1%:
//! [`crate::metrics::BucketLatency`]), empty where none completed. The growing meters of the
//! deployment's services ([`crate::platform::baas::growth`]), all services together:
//! `stored_gb` and `monthly_active_users` are time averages of their levels over the bucket,
//! `egress_gb` the GB sent in it.

use std::path::Path;

use super::format::{ms_or_blank, ratio, secs, usd};
use super::{CsvFile, Exporter};
use crate::error::SimError;
use crate::metrics::Level;
use crate::platform::DeploymentResult;
use crate::platform::baas::growth::{
    EGRESS_METER, EGRESS_UNIT, STORAGE_METER, STORAGE_UNIT, USERS_METER, USERS_UNIT,
};
use crate::pricing::MeterKind;
use crate::run::RunResult;

/// Writes `timeseries.csv`.
pub struct TimeseriesCsv;

/// The column names, in order.
pub const HEADER: [&str; 18] = [
    "deployment",
    "bucket_start_s",
    "requests",
    "completed",
    "cold_starts",
    "failed",
    "quota_exceeded",
    "instances_busy",
    "instances_idle",
    "instances_starting",
    "queued",
    "cost_usd",
    "cumulative_cost_usd",
    "latency_p50_ms",
    "latency_p99_ms",
    "stored_gb",
    "egress_gb",
    "monthly_active_users",
];

impl Exporter for TimeseriesCsv {
    fn file_name(&self) -> &'static str {
        "timeseries.csv"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let mut csv = CsvFile::create(path, HEADER)?;
        for d in &run.deployments {
            let rec = &d.recorder;
            let mut cumulative = 0.0;
            for (b, counts) in rec.buckets.iter().enumerate() {
                let cost = d.bill.bucket_usd.get(b).copied().unwrap_or(0.0);
                cumulative += cost;
                let level = |l: Level| ratio(rec.levels[l as usize].bucket_mean(b));
                let row = [
                    d.name.clone(),
                    secs(run.window.warmup + b as u64 * rec.bucket_len()),
                    counts.requests.to_string(),
                    counts.completed.to_string(),
                    counts.cold_starts.to_string(),
                    counts.failed.to_string(),
                    counts.quota_exceeded.to_string(),
                    level(Level::Busy),
                    level(Level::Idle),
                    level(Level::Starting),
                    level(Level::Queued),
                    usd(cost),
                    usd(cumulative),
                    ms_or_blank(rec.bucket_latency.p50(b)),
                    ms_or_blank(rec.bucket_latency.p99(b)),
                    ratio(growth_in_bucket(
                        d,
                        b,
                        (STORAGE_METER, STORAGE_UNIT),
                        run.window.month,
                    )),
                    ratio(growth_in_bucket(
                        d,
                        b,
                        (EGRESS_METER, EGRESS_UNIT),
                        run.window.month,
                    )),
                    ratio(growth_in_bucket(
                        d,
                        b,
                        (USERS_METER, USERS_UNIT),
                        run.window.month,
                    )),
                ];
                csv.row(&row)?;
            }
        }
        csv.finish()
    }
}

/// Bucket `b`'s figure of the deployment's service meters named and measured as `meter`
/// (name, unit), summed: a gauge's mean level
/// over the bucket (its recorded level x time / `month`, times `month` / the bucket's
/// length), a counter's quantity.
fn growth_in_bucket(d: &DeploymentResult, b: usize, meter: (&str, &str), month: u64) -> f64 {
    let rec = &d.recorder;
    let start = b as u64 * rec.bucket_len();
    let len = (start + rec.bucket_len())
        .min(rec.window())
        .saturating_sub(start);
    let mut sum = 0.0;
    for (m, line) in d.meters.list.iter().enumerate() {
        // Only the growth meters of services have these names and units.
        if m >= rec.usage.meters() || (line.name.as_str(), line.unit.as_str()) != meter {
            continue;
        }
        let q = rec.usage.get(b, m);
        sum += match line.kind {
            MeterKind::Gauge { .. } if len > 0 => q * month as f64 / len as f64,
            MeterKind::Gauge { .. } => 0.0,
            MeterKind::Counter => q,
        };
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{export_csv, idle_run, num, tiny_run};

    fn write(run: &RunResult) -> (Vec<String>, Vec<Vec<String>>) {
        export_csv(&TimeseriesCsv, run)
    }

    #[test]
    fn rows_add_up_to_the_totals_and_the_bill() {
        let run = tiny_run();
        let (header, rows) = write(&run);
        assert_eq!(header, HEADER);
        // 10 one-minute buckets per deployment, in scenario order.
        assert_eq!(rows.len(), 10 * run.deployments.len());
        for (i, d) in run.deployments.iter().enumerate() {
            let mine = &rows[i * 10..(i + 1) * 10];
            assert!(mine.iter().all(|r| r[0] == d.name));
            let starts: Vec<&str> = mine.iter().map(|r| r[1].as_str()).collect();
            assert_eq!(
                starts,
                [
                    "0", "60", "120", "180", "240", "300", "360", "420", "480", "540"
                ]
            );
            let sum = |col: usize| mine.iter().map(|r| num(&r[col])).sum::<f64>();
            let t = &d.recorder.totals;
            assert!(t.requests > 1_000, "2/s for 10 minutes: {}", t.requests);
            assert_eq!(sum(2), t.requests as f64);
            assert_eq!(sum(3), t.completed as f64);
            assert_eq!(sum(4), t.cold_starts as f64);
            assert_eq!(sum(5), t.failed as f64);
            assert_eq!(sum(6), t.quota_exceeded as f64);
            // Costs are printed to the micro-dollar: 10 roundings of at most half a unit.
            assert!((sum(11) - d.bill.window_usd).abs() <= 10.0 * 0.5e-6);
            let last = num(&mine[9][12]);
            assert!((last - d.bill.window_usd).abs() <= 0.5e-6, "{last}");
            // Equal-width buckets: the mean of bucket averages is the window average.
            for (col, level) in [(7, Level::Busy), (8, Level::Idle), (9, Level::Starting)] {
                let window_mean = d.recorder.levels[level as usize].window_mean();
                assert!((sum(col) / 10.0 - window_mean).abs() < 1e-5, "{}", d.name);
            }
        }
        // The fleet's one instance is always on: busy + idle = 1 in every bucket.
        for r in &rows[10..20] {
            assert!((num(&r[7]) + num(&r[8]) - 1.0).abs() < 2e-6, "{r:?}");
            assert_eq!(num(&r[9]), 0.0);
        }
        // The FaaS deployment never queues.
        assert!(rows[..10].iter().all(|r| num(&r[10]) == 0.0));
        // Its instance-hours accrue evenly: 1/60 h x $0.0416 per minute, plus the share of the
        // load balancer's month.
        let per_minute = 0.0416 / 60.0
            + 16.43 * 60.0 / crate::engine::time::as_secs(crate::engine::time::DEFAULT_MONTH);
        assert!(
            (num(&rows[14][11]) - per_minute).abs() <= 0.5e-6,
            "{}",
            rows[14][11]
        );
    }

    #[test]
    fn an_idle_single_bucket_deployment_writes_one_row_of_zeros() {
        let (_, rows) = write(&idle_run(&["idle"], 1));
        assert_eq!(
            rows,
            [[
                "idle", "0", "0", "0", "0", "0", "0", "0.000000", "0.000000", "0.000000",
                "0.000000", "0.000000", "0.000000", "", "", "0.000000", "0.000000", "0.000000"
            ]]
        );
    }
}
