//! `costs.csv`: every line of every deployment's bill, so each dollar can be checked.
//!
//! Columns: `deployment, component, meter, unit, window_quantity, monthly_quantity,
//! window_cost_usd, monthly_cost_usd, month_hours, preset, price_date`. `component` is the
//! cost line's column stem in `summary.csv` (`requests`, `compute`, `instances`,
//! `baas_<service>`, `fixed`...), `meter` what is counted and `unit` its unit; `month_hours`
//! is the length of the billing month the monthly columns are per (the scenario's `month`,
//! 730.5 h by default). `preset` names the preset that priced the line and `price_date` when
//! its prices were collected; both are empty for prices written in the scenario. A
//! deployment's lines add up to its window and monthly costs.

use std::path::Path;

use super::format::{month_hours, quantity, usd};
use super::{CsvFile, Exporter};
use crate::error::SimError;
use crate::run::RunResult;

/// Writes `costs.csv`.
pub struct CostsCsv;

/// The column names, in order.
pub const HEADER: [&str; 11] = [
    "deployment",
    "component",
    "meter",
    "unit",
    "window_quantity",
    "monthly_quantity",
    "window_cost_usd",
    "monthly_cost_usd",
    "month_hours",
    "preset",
    "price_date",
];

impl Exporter for CostsCsv {
    fn file_name(&self) -> &'static str {
        "costs.csv"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let mut csv = CsvFile::create(path, HEADER)?;
        let month = month_hours(run.window.month);
        for d in &run.deployments {
            for line in &d.bill.lines {
                let preset = d.preset_for(&line.component);
                let row = [
                    d.name.clone(),
                    line.component.column(),
                    line.meter.clone(),
                    line.unit.clone(),
                    quantity(line.window_quantity),
                    quantity(line.monthly_quantity),
                    usd(line.window_usd),
                    usd(line.monthly_usd),
                    month.clone(),
                    preset.map(|p| p.preset.clone()).unwrap_or_default(),
                    preset.map(|p| p.date.clone()).unwrap_or_default(),
                ];
                csv.row(&row)?;
            }
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

    #[test]
    fn lines_add_up_and_match_hand_prices() {
        let run = tiny_run();
        let (header, rows) = write(&run);
        assert_eq!(header, HEADER);
        let lines: usize = run.deployments.iter().map(|d| d.bill.lines.len()).sum();
        assert_eq!(rows.len(), lines);
        for d in &run.deployments {
            let mine: Vec<_> = rows.iter().filter(|r| r[0] == d.name).collect();
            let window: f64 = mine.iter().map(|r| num(&r[6])).sum();
            let monthly: f64 = mine.iter().map(|r| num(&r[7])).sum();
            let tol = mine.len() as f64 * 0.5e-6;
            assert!((window - d.bill.window_usd).abs() <= tol);
            assert!((monthly - d.bill.monthly_usd).abs() <= tol);
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
        assert_eq!((r[1].as_str(), r[3].as_str()), ("requests", "requests"));
        assert_eq!(num(&r[4]), requests);
        assert!((num(&r[5]) - requests / months).abs() <= 1e-6 * requests / months);
        assert!((num(&r[6]) - requests * 0.2e-6).abs() <= 0.5e-6);
        let r = find("functions", "read");
        assert_eq!(r[1], "baas_db");
        assert!((num(&r[6]) - requests * 0.25e-6).abs() <= 0.5e-6);
        // GB-s: at least 0.5 GB x 0.105 s per request, priced at $0.0000166667.
        let r = find("functions", "gb_seconds");
        assert_eq!((r[1].as_str(), r[3].as_str()), ("compute", "GB-s"));
        assert!(num(&r[4]) >= 0.5 * 0.1 * requests);
        assert!((num(&r[6]) - num(&r[4]) * 0.0000166667).abs() <= 1e-6);
        // The fleet: one instance for 1/6 h at $0.0416, and the balancer's monthly price.
        let r = find("servers", "instance_hours");
        assert_eq!((r[1].as_str(), r[4].as_str()), ("instances", "0.166667"));
        assert!((num(&r[6]) - 0.0416 / 6.0).abs() <= 0.5e-6);
        let r = find("servers", "load_balancer");
        assert_eq!((r[1].as_str(), r[3].as_str()), ("fixed", "months"));
        assert_eq!(num(&r[5]), 1.0);
        assert_eq!(r[7], "16.430000");
    }

    #[test]
    fn a_free_deployment_writes_zero_cost_lines() {
        let (_, rows) = write(&idle_run(&["idle"], 2));
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][..4], ["idle", "fixed", "nothing", "months"]);
        assert_eq!(&rows[0][6..9], ["0.000000", "0.000000", "730.5"]);
        assert_eq!(&rows[0][9..], ["", ""], "no preset priced it");
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
                .map(|r| (r[9].clone(), r[10].clone()))
                .unwrap_or_else(|| panic!("no {dep}/{component}"))
        };
        let lambda = ("aws-lambda-x86".to_string(), "2026-09-20".to_string());
        assert_eq!(of("functions", "requests"), lambda);
        assert_eq!(of("functions", "compute"), lambda);
        // The database was priced inline, and the other deployment by hand.
        assert_eq!(of("functions", "baas_db"), (String::new(), String::new()));
        assert_eq!(of("servers", "instances"), (String::new(), String::new()));
    }
}
