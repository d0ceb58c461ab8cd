//! The report files reconcile: every `costs.csv` row multiplies out (billable quantity x unit
//! price = cost, within a cent, in the window and per month), each deployment's `total` row
//! equals `summary.csv`, and `functions.csv`'s rows add up to `summary.csv` (counts, costs, and
//! each cost component). Checked on the shipped scenarios and on preset examples with volume
//! tiers, packages, a plan fee and a window billed month by month.

mod common;

use common::{csv_number as num, csv_rows as read};
use std::path::Path;

use common::billing::big_calls_workload;
use serverless_sim::report::write_reports;
use serverless_sim::run::{RunResult, run};
use serverless_sim::scenario::Scenario;

/// A cent, the issue's tolerance; the rows below in fact agree to far less.
const CENT: f64 = 0.01;

/// Writes `result`'s reports and checks that they reconcile; returns how many tiered rows
/// (`tier` above 1) costs.csv held.
fn reconciles(result: &RunResult, what: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    write_reports(result, &out).unwrap_or_else(|e| panic!("{what}: {e}"));
    let summary = read(&out.join("summary.csv"));
    let costs = read(&out.join("costs.csv"));
    let functions = read(&out.join("functions.csv"));
    let mut tiered = 0;
    for s in &summary {
        let dep = &s["deployment"];
        let mine: Vec<_> = costs.iter().filter(|r| &r["deployment"] == dep).collect();
        let (total, lines) = mine.split_last().expect("rows");
        assert_eq!(total["component"], "total", "{what}: {dep}");
        for r in lines {
            let price = num(r, "usd_per_unit");
            assert!(
                (num(r, "price_usd") / num(r, "price_per") - price).abs() <= 1e-9 * price,
                "{what}: {r:?}"
            );
            for period in ["window", "monthly"] {
                let billable = num(r, &format!("{period}_billable_quantity"));
                let cost = num(r, &format!("{period}_cost_usd"));
                assert!(
                    (billable * price - cost).abs() <= CENT,
                    "{what}: {period}: {r:?}"
                );
                // Tighter still: to the micro-dollar the cost is printed with.
                assert!(
                    (billable * price - cost).abs() <= 1e-6 + 1e-9 * cost,
                    "{what}: {period}: {r:?}"
                );
                let used = num(r, &format!("{period}_quantity"));
                let free = num(r, &format!("{period}_free_quantity"));
                // Billable is what is used beyond the allowance, or more (a package round-up).
                assert!(billable >= used - free - 1e-6 * used.max(1.0), "{r:?}");
                assert!(free <= used + 1e-9 * used.max(1.0), "{r:?}");
            }
            if r["tier"] != "1" {
                tiered += 1;
            }
        }
        for period in ["window", "monthly"] {
            let column = format!("{period}_cost_usd");
            assert_eq!(total[&column], s[&column], "{what}: {dep}: total = summary");
            let sum: f64 = lines.iter().map(|r| num(r, &column)).sum();
            let tol = 1e-6 * lines.len() as f64;
            assert!(
                (sum - num(s, &column)).abs() <= tol,
                "{what}: {dep} {column}: {sum}"
            );
        }
        // functions.csv: the functions' rows and the unattributed one add up to the summary.
        let rows: Vec<_> = functions
            .iter()
            .filter(|r| &r["deployment"] == dep)
            .collect();
        let (rest, per_function) = rows.split_last().expect("rows");
        assert_eq!(rest["function"], "(unattributed)");
        for column in [
            "requests",
            "completed",
            "failed",
            "cold_starts",
            "instance_starts",
            "throttled",
        ] {
            // The unattributed row holds the launches no function caused (an autoscaler's).
            let unattributed: u64 = match column {
                "instance_starts" => rest[column].parse().unwrap_or(0),
                _ => 0,
            };
            let sum: u64 = per_function
                .iter()
                .map(|r| r[column].parse::<u64>().unwrap())
                .sum::<u64>()
                + unattributed;
            assert_eq!(sum.to_string(), s[column], "{what}: {dep}: {column}");
        }
        let cost_columns = s
            .keys()
            .filter(|c| c.ends_with("_usd") && !c.contains("per_million"));
        for column in cost_columns {
            let sum: f64 = rows.iter().map(|r| num(r, column)).sum();
            let tol = 1e-6 * rows.len() as f64;
            assert!(
                (sum - num(s, column)).abs() <= tol,
                "{what}: {dep} {column}: {sum}"
            );
        }
    }
    tiered
}

fn shipped(name: &str) -> RunResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    run(&s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_shipped_scenarios_reconcile() {
    for name in ["web-api.toml", "cloud-run.toml", "azure-sample.toml"] {
        reconciles(&shipped(name), name);
    }
}

#[test]
fn lambda_x86_duration_tiers_reconcile_row_by_row() {
    // 18 billion GB-s a month on the x86 preset: three tiers, (6e9 - 4e5) GB-s at
    // $0.0000166667 after 400,000 free, 9e9 at $0.000015 and 3e9 at $0.0000133334.
    let text = big_calls_workload(18e9)
        + r#"
[[deployments]]
name = "d"
[deployments.compute]
pricing = "aws-lambda-x86"
cold_start = { dist = "constant", value = "0ms" }
"#;
    let result = common::run_text(&text);
    assert_eq!(reconciles(&result, "lambda tiers"), 2);
    let dir = tempfile::tempdir().unwrap();
    write_reports(&result, &dir.path().join("r")).unwrap();
    let costs = read(&dir.path().join("r/costs.csv"));
    let gb: Vec<_> = costs
        .iter()
        .filter(|r| r["meter"] == "gb_seconds")
        .collect();
    let want = [
        ("1", "0", "6000000000", "0.0000166667", 6e9 - 4e5),
        ("2", "6000000000", "15000000000", "0.000015", 9e9),
        ("3", "15000000000", "", "0.0000133334", 3e9),
    ];
    assert_eq!(gb.len(), 3);
    for (r, (tier, from, up_to, price, billable)) in gb.iter().zip(want) {
        assert_eq!(
            (
                &*r["tier"],
                &*r["tier_from"],
                &*r["tier_up_to"],
                &*r["usd_per_unit"]
            ),
            (tier, from, up_to, price)
        );
        let got = num(r, "monthly_billable_quantity");
        assert!((got - billable).abs() <= 1e-3, "{r:?}");
    }
    assert_eq!(gb[0]["monthly_free_quantity"], "400000");
    assert_eq!(gb[0]["free_allowance_monthly"], "400000");
}

#[test]
fn packages_plan_fees_and_month_by_month_windows_reconcile() {
    // Supabase Pro: 3.4M invocations a month, 2M free, packages of 1M ($2 each), plan $25;
    // a FaaS deployment with a request price; all over 45 days (a month and a half, billed
    // month by month).
    let text = r#"
name = "mixed"
duration = "45d"
bucket = "1d"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = { dist = "constant", value = "1ms" }
arrivals = { process = "fixed_interval", every = "8s" }
calls = { supa = { invoke = 10 } }
[[workload.functions]]
name = "g"
memory = "256MB"
execution = { dist = "constant", value = "20ms" }
arrivals = { process = "fixed_interval", every = "2s" }
[[deployments]]
name = "d"
[deployments.compute]
pricing = "aws-lambda-arm"
cold_start = { dist = "constant", value = "0ms" }
[[deployments.services]]
name = "supa"
pricing = "supabase-pro"
latency = { dist = "constant", value = "0ms" }
"#;
    reconciles(&common::run_text(text), "supabase, 45 days");
}
