//! `summary.csv`: one row per deployment with counts, latency percentiles and costs.
//!
//! Columns, in order (every one is defined in `docs/reports.md`):
//! - `deployment, model`;
//! - counts, all whole numbers: `requests, completed, failed, throttled, timed_out, rejected,
//!   dropped, quota_exceeded, retries, scale_up_throttled, unfinished, cold_starts`, then `cold_start_ratio`
//!   (cold starts per request), `instance_starts` and `prewarms`;
//! - latency of completed requests, in ms, in order: `latency_mean_ms, latency_p50_ms,
//!   latency_p90_ms, latency_p95_ms, latency_p99_ms, latency_p999_ms, latency_max_ms` (empty
//!   for a deployment that completed none);
//! - money: `window_cost_usd` (the simulated window), `monthly_cost_usd` (projected to the
//!   billing month), `usd_per_million_requests` (monthly cost per million requests of the
//!   month, the same as the window's cost per million requests of the window; empty with no
//!   request), then one `cost_<component>_monthly_usd` per cost line used by any deployment;
//! - instances: `peak_busy_instances, mean_busy_instances, mean_idle_instances,
//!   mean_starting_instances, mean_running_instances` (time averages over the window; running
//!   = launched and not stopped: busy + idle + starting), `idle_gb_seconds` (memory kept
//!   warm by idle FaaS instances in the window; 0 for fleets), `idle_out_of_range_share`
//!   (hybrid keep-alive; empty for other policies);
//! - apps: `apps, median_app_cold_pct, p75_app_cold_pct` ([`crate::metrics::apps`]; empty for
//!   fleets);
//! - overload ([`super::verdict`]): `queued_at_end` (requests still waiting in a fleet's queue
//!   when the window ended; 0 for FaaS) and `utilisation` (a fleet's work over its capacity in
//!   the window; empty for FaaS);
//! - queueing: `queue_wait_mean_ms, queue_wait_p99_ms` (a fleet's requests from arrival to
//!   taking a worker, apart from their latency; empty for FaaS and with no request started);
//! - `month_hours`: the billing month every monthly figure is per, in hours.
//!
//! `failed` = `throttled + timed_out + rejected + dropped + quota_exceeded` (throttled and timed_out count
//! synchronous calls; an asynchronous event fails only when dropped,
//! [`crate::platform::faas`]), and `requests = completed + failed`: requests unfinished
//! when the window ended are run to their end afterwards and counted there too, so
//! `unfinished` is the part of `completed + failed` that ended after the window.

use std::collections::BTreeSet;
use std::path::Path;

use super::format::{month_hours, ms_f, ms_or_blank, quantity, ratio, usd};
use super::{CsvFile, Exporter};
use crate::error::SimError;
use crate::metrics::Level;
use crate::platform::DeploymentResult;
use crate::pricing::Column;
use crate::run::RunResult;

/// Writes `summary.csv`.
pub struct SummaryCsv;

/// The latency percentiles every latency report gives, in order: (column suffix, quantile).
pub const PERCENTILES: [(&str, f64); 5] = [
    ("p50", 0.50),
    ("p90", 0.90),
    ("p95", 0.95),
    ("p99", 0.99),
    ("p999", 0.999),
];

/// The cost columns used by any deployment of `run`, in column order
/// ([`crate::pricing::Column`]: by rank, then stem).
pub fn components(run: &RunResult) -> Vec<Column> {
    run.deployments
        .iter()
        .flat_map(|d| d.bill.lines.iter().map(|l| l.part.column.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The `summary.csv` column of the projected monthly cost of `component`:
/// `cost_<component>_monthly_usd`.
pub fn component_column(component: &Column) -> String {
    format!("cost_{}_monthly_usd", component.stem)
}

/// USD per million requests: `usd` over `requests` millions; empty with no request.
pub fn per_million(usd: f64, requests: u64) -> String {
    if requests == 0 {
        String::new()
    } else {
        self::usd(usd / requests as f64 * 1e6)
    }
}

/// The header of `summary.csv` for a run whose cost lines are `components`.
pub fn header(components: &[Column]) -> Vec<String> {
    let mut h: Vec<String> = [
        "deployment",
        "model",
        "requests",
        "completed",
        "failed",
        "throttled",
        "timed_out",
        "rejected",
        "dropped",
        "quota_exceeded",
        "retries",
        "scale_up_throttled",
        "unfinished",
        "cold_starts",
        "cold_start_ratio",
        "instance_starts",
        "prewarms",
        "latency_mean_ms",
    ]
    .map(String::from)
    .to_vec();
    h.extend(PERCENTILES.iter().map(|(p, _)| format!("latency_{p}_ms")));
    h.extend(
        [
            "latency_max_ms",
            "window_cost_usd",
            "monthly_cost_usd",
            "usd_per_million_requests",
        ]
        .map(String::from),
    );
    h.extend(components.iter().map(component_column));
    h.extend(
        [
            "peak_busy_instances",
            "mean_busy_instances",
            "mean_idle_instances",
            "mean_starting_instances",
            "mean_running_instances",
            "idle_gb_seconds",
            "idle_out_of_range_share",
            "apps",
            "median_app_cold_pct",
            "p75_app_cold_pct",
            "queued_at_end",
            "utilisation",
            "queue_wait_mean_ms",
            "queue_wait_p99_ms",
            "month_hours",
        ]
        .map(String::from),
    );
    h
}

/// The row of deployment `d` in a run with cost lines `components` and billing month
/// `month` (µs).
pub(crate) fn row(
    d: &DeploymentResult,
    components: &[Column],
    month: crate::engine::time::Micros,
) -> Vec<String> {
    let t = &d.recorder.totals;
    let lat = &d.recorder.latency;
    let level = |l: Level| &d.recorder.levels[l as usize];
    let cold_ratio = if t.requests == 0 {
        0.0
    } else {
        t.cold_starts as f64 / t.requests as f64
    };
    let mut row = vec![d.name.clone(), d.model.to_string()];
    row.extend(
        [
            t.requests,
            t.completed,
            t.failed,
            t.throttled,
            t.timed_out,
            t.rejected,
            t.dropped,
            t.quota_exceeded,
            t.retries,
            t.scale_up_throttled,
            t.unfinished,
            t.cold_starts,
        ]
        .map(|n| n.to_string()),
    );
    row.extend([
        ratio(cold_ratio),
        t.instance_starts.to_string(),
        t.prewarms.to_string(),
        lat.mean_us().map(ms_f).unwrap_or_default(),
    ]);
    row.extend(
        PERCENTILES
            .iter()
            .map(|&(_, q)| ms_or_blank(lat.quantile_us(q))),
    );
    row.extend([
        ms_or_blank(lat.max_us()),
        usd(d.bill.window_usd),
        usd(d.bill.monthly_usd),
        per_million(d.bill.window_usd, t.requests),
    ]);
    row.extend(
        components
            .iter()
            .map(|c| usd(d.bill.monthly_usd_of(&c.stem))),
    );
    row.extend([
        level(Level::Busy).peak().to_string(),
        ratio(level(Level::Busy).window_mean()),
        ratio(level(Level::Idle).window_mean()),
        ratio(level(Level::Starting).window_mean()),
        ratio(
            level(Level::Busy).window_mean()
                + level(Level::Idle).window_mean()
                + level(Level::Starting).window_mean(),
        ),
        quantity(d.recorder.idle_gb_seconds),
        match d.recorder.idle_times {
            0 => String::new(),
            n => ratio(d.recorder.idle_times_out_of_range as f64 / n as f64),
        },
    ]);
    row.extend(match d.recorder.apps.cold_start_percent_quantiles() {
        Some(a) => [a.apps.to_string(), ratio(a.median_pct), ratio(a.p75_pct)],
        None => Default::default(),
    });
    row.extend([
        t.queued_at_end.to_string(),
        d.recorder.utilisation.map(ratio).unwrap_or_default(),
    ]);
    let waits = d.recorder.queue_wait.as_ref();
    row.extend([
        waits
            .and_then(|w| w.mean_us())
            .map(ms_f)
            .unwrap_or_default(),
        ms_or_blank(waits.and_then(|w| w.quantile_us(0.99))),
    ]);
    row.push(month_hours(month));
    row
}

impl Exporter for SummaryCsv {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let components = components(run);
        let mut csv = CsvFile::create(path, header(&components))?;
        for d in &run.deployments {
            csv.row(row(d, &components, run.window.month))?;
        }
        csv.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{export_csv, idle_run, num, tiny_run};

    #[test]
    fn every_row_has_a_value_for_each_column_and_percentiles_are_in_order() {
        let run = tiny_run();
        let (header, rows) = export_csv(&SummaryCsv, &run);
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.len() == header.len()));
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
        };
        // The latency columns sit together, mean then p50 ... max.
        let lat = col("latency_mean_ms");
        assert_eq!(
            header[lat..lat + 7],
            [
                "latency_mean_ms",
                "latency_p50_ms",
                "latency_p90_ms",
                "latency_p95_ms",
                "latency_p99_ms",
                "latency_p999_ms",
                "latency_max_ms"
            ]
        );
        for r in &rows {
            let v: Vec<f64> = (lat + 1..lat + 7).map(|i| num(&r[i])).collect();
            assert!(v.windows(2).all(|w| w[0] <= w[1]), "{r:?}");
        }
        // Every money column says what period it is per.
        for h in header.iter().filter(|h| h.contains("usd")) {
            assert!(
                h.contains("monthly") || h.contains("window") || h == "usd_per_million_requests",
                "{h}"
            );
        }
        assert_eq!(header.last().map(String::as_str), Some("month_hours"));
        for (r, d) in rows.iter().zip(&run.deployments) {
            let t = &d.recorder.totals;
            // Counts are whole numbers.
            assert_eq!(r[col("requests")], t.requests.to_string());
            assert_eq!(r[col("completed")], t.completed.to_string());
            // The monthly cost per million requests of the month: the window's cost over
            // the window's requests in millions (the month scales both alike).
            let want = d.bill.window_usd / t.requests as f64 * 1e6;
            assert!((num(&r[col("usd_per_million_requests")]) - want).abs() <= 0.5e-6);
            let months = run.window.month as f64 / run.window.measured() as f64;
            let monthly_requests = t.requests as f64 * months;
            let from_month = d.bill.monthly_usd / monthly_requests * 1e6;
            assert!(
                (from_month - want).abs() <= 1e-9 * want,
                "{from_month} vs {want}"
            );
            // The components add up to the monthly cost.
            let parts: f64 = header
                .iter()
                .zip(r)
                .filter(|(h, _)| h.starts_with("cost_") && h.ends_with("_monthly_usd"))
                .map(|(_, v)| num(v))
                .sum();
            assert!((parts - num(&r[col("monthly_cost_usd")])).abs() <= 1e-5);
        }
        // Running instances are busy + idle + starting: the fleet's one always-on instance
        // is 1 throughout. Queue waits are a fleet's only.
        for (r, d) in rows.iter().zip(&run.deployments) {
            let sum: f64 = ["mean_busy_instances", "mean_idle_instances"]
                .iter()
                .chain(&["mean_starting_instances"])
                .map(|c| num(&r[col(c)]))
                .sum();
            assert!((num(&r[col("mean_running_instances")]) - sum).abs() <= 2e-6);
            let waits = [&r[col("queue_wait_mean_ms")], &r[col("queue_wait_p99_ms")]];
            if d.model == "fleet" {
                assert_eq!(r[col("mean_running_instances")], "1.000000");
                assert!(waits.iter().all(|w| num(w) >= 0.0), "{waits:?}");
            } else {
                assert!(waits.iter().all(|w| w.is_empty()), "{waits:?}");
            }
        }
        assert!(header.contains(&"cost_compute_monthly_usd".to_string()));
        assert!(header.contains(&"cost_baas_db_monthly_usd".to_string()));
    }

    #[test]
    fn a_deployment_without_requests_has_no_cost_per_request_and_no_latency() {
        let (header, rows) = export_csv(&SummaryCsv, &idle_run(&["idle"], 2));
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        assert_eq!(rows[0][at("usd_per_million_requests")], "");
        assert_eq!(rows[0][at("latency_p50_ms")], "");
        assert_eq!(rows[0][at("requests")], "0");
    }
}
