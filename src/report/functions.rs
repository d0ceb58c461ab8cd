//! `functions.csv`: per deployment, one row per function of the workload (what it asked for,
//! how it fared, its latency, and the cost attributed to it), then one `(unattributed)` row
//! holding the cost no function caused.
//!
//! **Attribution** (the rule for every cost line, by its meter's
//! [`crate::pricing::Attribution`]):
//! - *per call* (FaaS request fees, per-call GB-s, GHz-s, CPU-ms, provisioned-compute GB-s,
//!   every backend operation): each function's own quantity on the meter, priced at the
//!   line's effective (average) unit cost, i.e. the line's cost x the function's share of the
//!   line's quantity. Free allowances and tiers so benefit every function alike.
//! - *slot time* (fleet instance time, FaaS instance time under `basis = "serving"` or
//!   `"instance"`): the line's cost x the function's share of the deployment's slot time
//!   ([`crate::metrics::functions`]: the time a fleet worker serves its requests, or the time
//!   its FaaS calls hold an instance slot, boot wait included).
//! - *not attributed* (fixed monthly add-ons, a service's plan fee, the platform's base fee,
//!   provisioned capacity kept warm whether used or not): on the `(unattributed)` row, as is
//!   any part of a line no function recorded (a slot-time line with no slot time at all).
//!
//! So for each deployment the rows (functions and `(unattributed)`) add up to its
//! `window_cost_usd` and `monthly_cost_usd` in `summary.csv`, and, column by column, to its
//! `cost_<component>_monthly_usd`; the functions' counts add up to its counts.
//!
//! Columns: `deployment, function, requests, completed, failed, throttled, timed_out,
//! rejected, dropped, quota_exceeded, unfinished, cold_starts, cold_start_ratio, instance_starts,
//! latency_mean_ms, latency_p50_ms, latency_p90_ms, latency_p95_ms, latency_p99_ms,
//! latency_p999_ms, latency_max_ms, slot_seconds, window_cost_usd, monthly_cost_usd,
//! usd_per_million_requests`, one
//! `cost_<component>_monthly_usd` per cost line of the run (as in `summary.csv`), then
//! `month_hours`. The `(unattributed)` row leaves the counts, latencies and slot time empty,
//! but for `instance_starts`: the launches no function caused (an autoscaler's), when any.
//! Per-function percentiles are within 0.1% of the exact value for workloads of at most
//! [`crate::metrics::functions::MAX_FUNCTIONS_MERGED`] functions (16), as the deployment's in
//! `summary.csv` are, and within 1% for larger ones (a compact histogram); mean and max are
//! exact. A workload of more
//! than [`crate::metrics::functions::MAX_FUNCTIONS_WITH_LATENCY`] functions (1,000) leaves
//! the per-function latency columns empty: their histograms would take hundreds of MB.

use std::path::Path;

use super::format::{month_hours, ms_f, ms_or_blank, quantity, ratio, usd};
use super::summary::{PERCENTILES, component_column, components, per_million};
use super::{CsvFile, Exporter};
use crate::error::SimError;
use crate::platform::DeploymentResult;
use crate::pricing::{Attribution, Column};
use crate::run::RunResult;

/// Writes `functions.csv`.
pub struct FunctionsCsv;

/// The `function` of the row holding a deployment's unattributed cost (no function name can
/// contain parentheses).
pub const UNATTRIBUTED: &str = "(unattributed)";

/// The cost of one row: in the window, per month, and per month by component.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributedCost {
    pub window_usd: f64,
    pub monthly_usd: f64,
    /// Monthly USD per component, in the order of the run's components.
    pub monthly_by_component: Vec<f64>,
}

/// Attributes `d`'s bill to its functions: one cost per function (in workload order), then
/// the unattributed remainder. `components` are the run's cost components, in column order.
pub fn attribute(d: &DeploymentResult, components: &[Column]) -> Vec<AttributedCost> {
    let fm = &d.recorder.functions;
    let n = fm.len();
    let mut out = vec![
        AttributedCost {
            monthly_by_component: vec![0.0; components.len()],
            ..AttributedCost::default()
        };
        n + 1
    ];
    let slot: Vec<f64> = (0..n).map(|f| fm.counts(f).slot_seconds()).collect();
    let slot_total: f64 = slot.iter().sum();
    for (m, (line, meter)) in d.bill.lines.iter().zip(&d.meters.list).enumerate() {
        let c = components
            .iter()
            .position(|c| *c == line.part.column)
            .expect("every line's component is a column");
        let shares: Vec<f64> = match meter.attribution {
            Attribution::PerCall if line.window_quantity > 0.0 => (0..n)
                .map(|f| fm.usage(f, m) / line.window_quantity)
                .collect(),
            Attribution::SlotTime if slot_total > 0.0 => {
                slot.iter().map(|s| s / slot_total).collect()
            }
            _ => vec![0.0; n],
        };
        let mut left = (line.window_usd, line.monthly_usd);
        for (f, share) in shares.iter().enumerate() {
            let (window, monthly) = (line.window_usd * share, line.monthly_usd * share);
            out[f].window_usd += window;
            out[f].monthly_usd += monthly;
            out[f].monthly_by_component[c] += monthly;
            left = (left.0 - window, left.1 - monthly);
        }
        let rest = &mut out[n];
        rest.window_usd += left.0;
        rest.monthly_usd += left.1;
        rest.monthly_by_component[c] += left.1;
    }
    out
}

/// The column names for a run with cost lines `components`.
pub fn header(components: &[Column]) -> Vec<String> {
    let mut h: Vec<String> = [
        "deployment",
        "function",
        "requests",
        "completed",
        "failed",
        "throttled",
        "timed_out",
        "rejected",
        "dropped",
        "quota_exceeded",
        "unfinished",
        "cold_starts",
        "cold_start_ratio",
        "instance_starts",
        "latency_mean_ms",
    ]
    .map(String::from)
    .to_vec();
    h.extend(PERCENTILES.iter().map(|(p, _)| format!("latency_{p}_ms")));
    h.extend(
        [
            "latency_max_ms",
            "slot_seconds",
            "window_cost_usd",
            "monthly_cost_usd",
            "usd_per_million_requests",
        ]
        .map(String::from),
    );
    h.extend(components.iter().map(component_column));
    h.push("month_hours".into());
    h
}

impl Exporter for FunctionsCsv {
    fn file_name(&self) -> &'static str {
        "functions.csv"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let components = components(run);
        let month = month_hours(run.window.month);
        let header = header(&components);
        // The unattributed row leaves every column between `function` and the costs empty.
        let blanks = header
            .iter()
            .position(|h| h == "window_cost_usd")
            .expect("a cost column")
            - 2;
        let starts_at = header
            .iter()
            .position(|h| h == "instance_starts")
            .expect("an instance_starts column");
        let mut csv = CsvFile::create(path, &header)?;
        for d in &run.deployments {
            let costs = attribute(d, &components);
            let fm = &d.recorder.functions;
            for (f, cost) in costs.iter().enumerate() {
                let mut row = vec![d.name.clone()];
                if f < fm.len() {
                    let c = fm.counts(f);
                    let lat = fm.latency(f);
                    row.push(fm.name(f).to_owned());
                    row.extend(
                        [
                            c.requests,
                            c.completed,
                            c.failed(),
                            c.throttled,
                            c.timed_out,
                            c.rejected,
                            c.dropped,
                            c.quota_exceeded,
                            c.unfinished,
                            c.cold_starts,
                        ]
                        .map(|n| n.to_string()),
                    );
                    row.push(ratio(if c.requests == 0 {
                        0.0
                    } else {
                        c.cold_starts as f64 / c.requests as f64
                    }));
                    row.push(c.instance_starts.to_string());
                    row.push(lat.and_then(|l| l.mean_us()).map(ms_f).unwrap_or_default());
                    row.extend(
                        PERCENTILES
                            .iter()
                            .map(|&(_, q)| ms_or_blank(lat.and_then(|l| l.quantile_us(q)))),
                    );
                    row.push(ms_or_blank(lat.and_then(|l| l.max_us())));
                    row.push(quantity(c.slot_seconds()));
                    row.extend([
                        usd(cost.window_usd),
                        usd(cost.monthly_usd),
                        per_million(cost.window_usd, c.requests),
                    ]);
                } else {
                    row.push(UNATTRIBUTED.into());
                    let mut cells = vec![String::new(); blanks];
                    // Launches no function caused (the autoscaler's), so the rows add up.
                    let by_functions: u64 =
                        (0..fm.len()).map(|f| fm.counts(f).instance_starts).sum();
                    let launched = d
                        .recorder
                        .totals
                        .instance_starts
                        .saturating_sub(by_functions);
                    if launched > 0 {
                        cells[starts_at - 2] = launched.to_string();
                    }
                    row.extend(cells);
                    row.extend([usd(cost.window_usd), usd(cost.monthly_usd), String::new()]);
                }
                row.extend(cost.monthly_by_component.iter().map(|&v| usd(v)));
                row.push(month.clone());
                csv.row(&row)?;
            }
        }
        csv.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::FunctionMetrics;
    use crate::report::testutil::{export_csv, tiny_run};

    #[test]
    fn one_function_bears_every_usage_cost_and_the_add_on_stays_unattributed() {
        let run = tiny_run();
        let components = components(&run);
        let fixed = components.iter().position(|c| c.stem == "fixed").unwrap();
        for d in &run.deployments {
            let costs = attribute(d, &components);
            assert_eq!(costs.len(), 2, "the function api, then the remainder");
            let add_ons = d.bill.monthly_usd_of("fixed");
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9;
            assert!(
                close(costs[0].monthly_usd, d.bill.monthly_usd - add_ons),
                "{d:?}"
            );
            assert!(close(costs[1].monthly_usd, add_ons));
            assert!(close(costs[1].monthly_by_component[fixed], add_ons));
        }
        // The fleet's balancer ($16.43 a month) is nobody's.
        assert!((attribute(&run.deployments[1], &components)[1].monthly_usd - 16.43).abs() < 1e-9);
    }

    #[test]
    fn what_no_function_recorded_goes_to_the_unattributed_row() {
        let mut run = tiny_run();
        // Forget every per-function record: usage and slot time alike.
        for d in &mut run.deployments {
            d.recorder.functions = FunctionMetrics::new(vec!["api".into()], d.meters.len());
        }
        let components = components(&run);
        for d in &run.deployments {
            let costs = attribute(d, &components);
            assert_eq!(costs[0].monthly_usd, 0.0);
            assert!((costs[1].monthly_usd - d.bill.monthly_usd).abs() <= 1e-9);
            assert!((costs[1].window_usd - d.bill.window_usd).abs() <= 1e-9);
        }
        let (header, rows) = export_csv(&FunctionsCsv, &run);
        assert!(rows.iter().all(|r| r.len() == header.len()));
        assert_eq!(rows[1][1], UNATTRIBUTED);
        assert_eq!(
            rows[0][header.iter().position(|h| h == "requests").unwrap()],
            "0"
        );
    }
}
