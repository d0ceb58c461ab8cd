//! `summary.csv`: one row per deployment with counts, latency percentiles and costs.
//!
//! Columns, in order: `deployment, model, requests, completed, failed, cold_starts,
//! cold_start_ratio, latency_mean_ms, latency_p50_ms, latency_p95_ms, latency_p99_ms,
//! latency_max_ms, window_cost_usd, monthly_cost_usd`, then one `cost_<component>_usd` per
//! cost line used by any deployment (projected monthly USD), then `throttled, timed_out,
//! latency_p90_ms, latency_p999_ms, peak_busy_instances, mean_busy_instances,
//! idle_gb_seconds` (memory kept warm by idle FaaS instances in the window; 0 for fleets),
//! `rejected` (fleet requests refused because the queue was full), `mean_idle_instances`,
//! `mean_starting_instances` (time averages over the window), `prewarms` (instances loaded
//! ahead of a predicted call by the hybrid keep-alive), `idle_out_of_range_share` (share of
//! the idle times the hybrid policy recorded that fell beyond its histogram's range; empty
//! for other policies), `apps`, `median_app_cold_pct`, `p75_app_cold_pct` (the distribution
//! across apps of each app's cold-start percentage, [`crate::metrics::apps`]; empty for
//! fleets), `retries` (retries scheduled for asynchronous FaaS events), `dropped`
//! (asynchronous events given up on: out of retries or older than `max_event_age`),
//! `scale_up_throttled` (attempts refused by the FaaS `scale_up_rate`: sync calls, also in
//! `throttled`, and async attempts, which are retried); all three 0 for fleets;
//! `month_hours` (the length of the billing month every monthly figure is per, in hours: the
//! scenario's `month`, 730.5 by default; the same on every row).
//!
//! `failed` = `throttled + timed_out + rejected + dropped` (throttled and timed_out count
//! synchronous calls; an asynchronous event fails only when dropped,
//! [`crate::platform::faas`]). New columns are only ever appended.
//!
//! `cold_start_ratio` is cold starts per request; latencies are of completed requests, and
//! empty for a deployment that completed none.

use std::collections::BTreeSet;
use std::path::Path;

use super::format::{month_hours, ms_f, ms_or_blank, quantity, ratio, usd};
use super::{CsvFile, Exporter};
use crate::error::SimError;
use crate::metrics::Level;
use crate::pricing::Component;
use crate::run::RunResult;

/// Writes `summary.csv`.
pub struct SummaryCsv;

/// The cost components used by any deployment of `run`, in column order.
pub fn components(run: &RunResult) -> Vec<Component> {
    run.deployments
        .iter()
        .flat_map(|d| d.bill.lines.iter().map(|l| l.component.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

impl Exporter for SummaryCsv {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let components = components(run);
        let mut header: Vec<String> = [
            "deployment",
            "model",
            "requests",
            "completed",
            "failed",
            "cold_starts",
            "cold_start_ratio",
            "latency_mean_ms",
            "latency_p50_ms",
            "latency_p95_ms",
            "latency_p99_ms",
            "latency_max_ms",
            "window_cost_usd",
            "monthly_cost_usd",
        ]
        .map(String::from)
        .to_vec();
        header.extend(
            components
                .iter()
                .map(|c| format!("cost_{}_usd", c.column())),
        );
        header.extend(
            [
                "throttled",
                "timed_out",
                "latency_p90_ms",
                "latency_p999_ms",
                "peak_busy_instances",
                "mean_busy_instances",
                "idle_gb_seconds",
                "rejected",
                "mean_idle_instances",
                "mean_starting_instances",
                "prewarms",
                "idle_out_of_range_share",
                "apps",
                "median_app_cold_pct",
                "p75_app_cold_pct",
                "retries",
                "dropped",
                "scale_up_throttled",
                "month_hours",
            ]
            .map(String::from),
        );
        let mut csv = CsvFile::create(path, &header)?;
        for d in &run.deployments {
            let t = &d.recorder.totals;
            let lat = &d.recorder.latency;
            let busy = &d.recorder.levels[Level::Busy as usize];
            let cold_ratio = if t.requests == 0 {
                0.0
            } else {
                t.cold_starts as f64 / t.requests as f64
            };
            let mut row = vec![
                d.name.clone(),
                d.model.to_string(),
                t.requests.to_string(),
                t.completed.to_string(),
                t.failed.to_string(),
                t.cold_starts.to_string(),
                ratio(cold_ratio),
                lat.mean_us().map(ms_f).unwrap_or_default(),
                ms_or_blank(lat.quantile_us(0.50)),
                ms_or_blank(lat.quantile_us(0.95)),
                ms_or_blank(lat.quantile_us(0.99)),
                ms_or_blank(lat.max_us()),
                usd(d.bill.window_usd),
                usd(d.bill.monthly_usd),
            ];
            row.extend(components.iter().map(|c| usd(d.bill.monthly_usd_of(c))));
            row.extend([
                t.throttled.to_string(),
                t.timed_out.to_string(),
                ms_or_blank(lat.quantile_us(0.90)),
                ms_or_blank(lat.quantile_us(0.999)),
                busy.peak().to_string(),
                ratio(busy.window_mean()),
                quantity(d.recorder.idle_gb_seconds),
                t.rejected.to_string(),
                ratio(d.recorder.levels[Level::Idle as usize].window_mean()),
                ratio(d.recorder.levels[Level::Starting as usize].window_mean()),
                t.prewarms.to_string(),
                match d.recorder.idle_times {
                    0 => String::new(),
                    n => ratio(d.recorder.idle_times_out_of_range as f64 / n as f64),
                },
            ]);
            let apps = d.recorder.apps.cold_start_percent_quantiles();
            row.extend(match apps {
                Some(a) => [a.apps.to_string(), ratio(a.median_pct), ratio(a.p75_pct)],
                None => Default::default(),
            });
            row.extend([
                t.retries.to_string(),
                t.dropped.to_string(),
                t.scale_up_throttled.to_string(),
                month_hours(run.window.month),
            ]);
            csv.row(&row)?;
        }
        csv.finish()
    }
}
