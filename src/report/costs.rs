//! `costs.csv`: every line of every deployment's bill, tier by tier, so each dollar can be
//! checked without the scenario.
//!
//! One row per tier a line's quantity reaches (a single price is one tier), then one `total`
//! row per deployment. Columns: `deployment, component, meter, unit, tier, tier_from,
//! tier_up_to, usd_per_unit, price_usd, price_per, free_allowance_monthly, window_quantity,
//! window_free_quantity, window_billable_quantity, window_cost_usd, monthly_quantity,
//! monthly_free_quantity, monthly_billable_quantity, monthly_cost_usd, month_hours, preset,
//! price_date`.
//!
//! - `component` is the cost line's stem in `summary.csv` (`requests`, `compute`,
//!   `instances`, `baas_<service>`, `fixed`...), `meter` what is counted and `unit` its unit.
//! - `tier` numbers the tier from 1; `tier_from` and `tier_up_to` are its range on the
//!   cumulative monthly quantity, free units included (`tier_up_to` empty: unbounded).
//! - `usd_per_unit` is the tier's price per single unit; `price_usd` per `price_per` units is
//!   the same price as the scenario or preset quotes it (`0.2` per `1000000` requests).
//! - `free_allowance_monthly` is the line's free units per month (a daily allowance times the
//!   month's days), the same on each of its rows.
//! - Quantities are the units used inside the tier's range, of those the free ones, and the
//!   billable ones (used - free, plus any package round-up); in the window and per month.
//!   **Billable quantity x `usd_per_unit` = the row's cost**, in the window and per month.
//! - The `total` row carries only the deployment's `window_cost_usd` and `monthly_cost_usd`
//!   (its rows' sums, equal to `summary.csv`'s) and `month_hours`.
//! - `month_hours` is the billing month the monthly columns are per (the scenario's `month`,
//!   730.5 h by default); `preset` names the preset that priced the line and `price_date`
//!   when its prices were collected, both empty for prices written in the scenario.

use std::path::Path;

use super::format::{month_hours, price, quantity, usd};
use super::{CsvFile, Exporter};
use crate::error::SimError;
use crate::run::RunResult;

/// Writes `costs.csv`.
pub struct CostsCsv;

/// The column names, in order.
pub const HEADER: [&str; 22] = [
    "deployment",
    "component",
    "meter",
    "unit",
    "tier",
    "tier_from",
    "tier_up_to",
    "usd_per_unit",
    "price_usd",
    "price_per",
    "free_allowance_monthly",
    "window_quantity",
    "window_free_quantity",
    "window_billable_quantity",
    "window_cost_usd",
    "monthly_quantity",
    "monthly_free_quantity",
    "monthly_billable_quantity",
    "monthly_cost_usd",
    "month_hours",
    "preset",
    "price_date",
];

/// The index of column `name` in [`HEADER`].
///
/// # Panics
/// When there is no such column (a typo in the code, not an input error).
pub fn column(name: &str) -> usize {
    HEADER
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("costs.csv has no column {name}"))
}

/// The `component` of the row that totals a deployment.
pub const TOTAL: &str = "total";

impl Exporter for CostsCsv {
    fn file_name(&self) -> &'static str {
        "costs.csv"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let mut csv = CsvFile::create(path, HEADER)?;
        let month = month_hours(run.window.month);
        for d in &run.deployments {
            for (line, meter) in d.bill.lines.iter().zip(&d.meters.list) {
                let preset = d.preset_for(&line.part);
                for t in &line.tiers {
                    let up_to = if t.up_to.is_finite() {
                        quantity(t.up_to)
                    } else {
                        String::new()
                    };
                    let row = [
                        d.name.clone(),
                        line.part.stem().to_string(),
                        line.meter.clone(),
                        line.unit.clone(),
                        (t.tier + 1).to_string(),
                        quantity(t.from),
                        up_to,
                        price(t.unit_price),
                        price(t.unit_price * meter.schedule.per),
                        quantity(meter.schedule.per),
                        quantity(line.free_allowance),
                        quantity(t.window.used),
                        quantity(t.window.free),
                        quantity(t.window.billable),
                        usd(t.window.usd),
                        quantity(t.monthly.used),
                        quantity(t.monthly.free),
                        quantity(t.monthly.billable),
                        usd(t.monthly.usd),
                        month.clone(),
                        preset.map(|p| p.preset.clone()).unwrap_or_default(),
                        preset.map(|p| p.date.clone()).unwrap_or_default(),
                    ];
                    csv.row(&row)?;
                }
            }
            let mut total = vec![String::new(); HEADER.len()];
            total[column("deployment")] = d.name.clone();
            total[column("component")] = TOTAL.into();
            total[column("window_cost_usd")] = usd(d.bill.window_usd);
            total[column("monthly_cost_usd")] = usd(d.bill.monthly_usd);
            total[column("month_hours")] = month.clone();
            csv.row(&total)?;
        }
        csv.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{DEFAULT_MONTH, MINUTE};
    use crate::report::testutil::{export_csv, idle_run, num, tiny_run};

    fn write(run: &RunResult) -> (Vec<String>, Vec<Vec<String>>) {
        export_csv(&CostsCsv, run)
    }

    fn cell<'a>(row: &'a [String], name: &str) -> &'a str {
        &row[column(name)]
    }

    #[test]
    fn lines_add_up_to_the_total_rows_and_match_hand_prices() {
        let run = tiny_run();
        let (header, rows) = write(&run);
        assert_eq!(header, HEADER);
        // One tier per line (single prices), plus a total row per deployment.
        let lines: usize = run.deployments.iter().map(|d| d.bill.lines.len()).sum();
        assert_eq!(rows.len(), lines + run.deployments.len());
        for d in &run.deployments {
            let mine: Vec<_> = rows.iter().filter(|r| r[0] == d.name).collect();
            let (total, lines) = mine.split_last().expect("rows");
            assert_eq!(cell(total, "component"), TOTAL);
            let sum = |name: &str| lines.iter().map(|r| num(cell(r, name))).sum::<f64>();
            let tol = lines.len() as f64 * 0.5e-6;
            assert!((sum("window_cost_usd") - num(cell(total, "window_cost_usd"))).abs() <= tol);
            assert!((sum("monthly_cost_usd") - num(cell(total, "monthly_cost_usd"))).abs() <= tol);
            assert_eq!(cell(total, "monthly_cost_usd"), usd(d.bill.monthly_usd));
            assert_eq!(cell(total, "window_cost_usd"), usd(d.bill.window_usd));
            assert_eq!(cell(total, "month_hours"), "730.5");
            assert_eq!(cell(total, "meter"), "");
        }
        let find = |dep: &str, meter: &str| {
            rows.iter()
                .find(|r| r[0] == dep && r[2] == meter)
                .unwrap_or_else(|| panic!("no line {dep}/{meter} in {rows:?}"))
        };
        let requests = run.deployments[0].recorder.totals.requests as f64;
        let months = (10 * MINUTE) as f64 / DEFAULT_MONTH as f64;
        // FaaS requests at $0.20 per million, no free tier; one database read per request at
        // $0.25 per million.
        let r = find("functions", "requests");
        assert_eq!(
            (r[1].as_str(), r[3].as_str(), r[4].as_str()),
            ("requests", "requests", "1")
        );
        assert_eq!(
            cell(r, "window_quantity"),
            requests.to_string(),
            "a whole count"
        );
        assert_eq!(cell(r, "window_billable_quantity"), requests.to_string());
        assert_eq!(cell(r, "window_free_quantity"), "0");
        let monthly = num(cell(r, "monthly_quantity"));
        assert!((monthly - requests / months).abs() <= 1e-6 * requests / months);
        assert!((num(cell(r, "window_cost_usd")) - requests * 0.2e-6).abs() <= 0.5e-6);
        // The price as the scenario quotes it, and per single request.
        assert_eq!(
            (
                cell(r, "usd_per_unit"),
                cell(r, "price_usd"),
                cell(r, "price_per")
            ),
            ("0.0000002", "0.2", "1000000")
        );
        assert_eq!((cell(r, "tier_from"), cell(r, "tier_up_to")), ("0", ""));
        let r = find("functions", "read");
        assert_eq!(r[1], "baas_db");
        assert!((num(cell(r, "window_cost_usd")) - requests * 0.25e-6).abs() <= 0.5e-6);
        // GB-s: at least 0.5 GB x 0.105 s per request, priced at $0.0000166667.
        let r = find("functions", "gb_seconds");
        assert_eq!((r[1].as_str(), r[3].as_str()), ("compute", "GB-s"));
        assert!(num(cell(r, "window_quantity")) >= 0.5 * 0.1 * requests);
        assert_eq!(cell(r, "usd_per_unit"), "0.0000166667");
        let gb_s = num(cell(r, "window_quantity"));
        assert!((num(cell(r, "window_cost_usd")) - gb_s * 0.0000166667).abs() <= 1e-6);
        // The fleet: one instance for 1/6 h at $0.0416, and the balancer's monthly price.
        let r = find("servers", "instance_hours");
        assert_eq!(
            (r[1].as_str(), cell(r, "window_quantity")),
            ("instances", "0.1666666667")
        );
        assert!((num(cell(r, "window_cost_usd")) - 0.0416 / 6.0).abs() <= 0.5e-6);
        let r = find("servers", "load_balancer");
        assert_eq!((r[1].as_str(), r[3].as_str()), ("fixed", "months"));
        assert_eq!(cell(r, "monthly_quantity"), "1");
        assert_eq!(cell(r, "usd_per_unit"), "16.43");
        assert_eq!(cell(r, "monthly_cost_usd"), "16.430000");
    }

    #[test]
    fn every_row_multiplies_out() {
        let (_, rows) = write(&tiny_run());
        for r in rows.iter().filter(|r| r[1] != TOTAL) {
            let p = num(cell(r, "usd_per_unit"));
            for period in ["window", "monthly"] {
                let billable = num(cell(r, &format!("{period}_billable_quantity")));
                let cost = num(cell(r, &format!("{period}_cost_usd")));
                assert!((billable * p - cost).abs() <= 1e-6, "{period}: {r:?}");
                let used = num(cell(r, &format!("{period}_quantity")));
                let free = num(cell(r, &format!("{period}_free_quantity")));
                assert!((used - free - billable).abs() <= 2e-6, "{period}: {r:?}");
            }
        }
    }

    #[test]
    fn a_free_deployment_writes_zero_cost_lines_and_a_zero_total() {
        let (_, rows) = write(&idle_run(&["idle"], 2));
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][..5], ["idle", "fixed", "nothing", "months", "1"]);
        assert_eq!(cell(&rows[0], "window_cost_usd"), "0.000000");
        assert_eq!(cell(&rows[0], "monthly_cost_usd"), "0.000000");
        assert_eq!(cell(&rows[0], "month_hours"), "730.5");
        assert_eq!(&rows[0][20..], ["", ""], "no preset priced it");
        assert_eq!(&rows[1][..2], ["idle", TOTAL]);
        assert_eq!(cell(&rows[1], "monthly_cost_usd"), "0.000000");
    }

    #[test]
    fn each_line_names_the_preset_that_priced_it() {
        let mut run = tiny_run();
        run.deployments[0].pricing = vec![crate::platform::PresetUse {
            part: "compute".into(),
            preset: "aws-lambda-x86".into(),
            date: "2026-09-20".into(),
        }];
        let (_, rows) = write(&run);
        let of = |dep: &str, component: &str| {
            rows.iter()
                .find(|r| r[0] == dep && r[1] == component)
                .map(|r| {
                    (
                        cell(r, "preset").to_owned(),
                        cell(r, "price_date").to_owned(),
                    )
                })
                .unwrap_or_else(|| panic!("no {dep}/{component}"))
        };
        let lambda = ("aws-lambda-x86".to_string(), "2026-09-20".to_string());
        assert_eq!(of("functions", "requests"), lambda);
        assert_eq!(of("functions", "compute"), lambda);
        // The database was priced inline, and the other deployment by hand.
        assert_eq!(of("functions", "baas_db"), (String::new(), String::new()));
        assert_eq!(of("servers", "instances"), (String::new(), String::new()));
        assert_eq!(of("functions", TOTAL), (String::new(), String::new()));
    }
}
