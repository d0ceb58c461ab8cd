//! Cost parts as the reports see them: a kind of part the simulator does not ship, registered
//! from one place (a test-only builder), reaches the summary columns, the per-function
//! attribution and the cost chart's legend; services are named by the product that priced
//! them and drawn in colours of their own; a part that costs nothing stays out of the legend.

use std::path::Path;

use super::Exporter;
use super::charts::cost::{self, CostChart};
use super::charts::pixels::{Image, PLOT, Region};
use super::functions::FunctionsCsv;
use super::summary::SummaryCsv;
use super::testutil::{export_csv, idle_run};
use crate::engine::time::MINUTE;
use crate::metrics::{FunctionMetrics, Recorder};
use crate::pricing::{self, Attribution, CostPart, Meters, PriceSchedule};
use crate::run::RunResult;
use crate::scenario::Scenario;

/// The one place the test kind is defined: carbon offsets bought per kg of CO2e a call
/// causes, at $2 per kg, paid by the calls that caused them; its column goes after the fixed
/// add-ons (rank 70) and before a platform's base fee (rank 80).
fn register_offsets(meters: &mut Meters) -> usize {
    let part = CostPart::new(75, "carbon", "carbon offsets", Attribution::PerCall);
    meters.add(&part, "offsets", "kg", PriceSchedule::flat(2.0))
}

/// An idle one-hour run whose deployment also buys offsets: 3 kg for function `api`, 1 kg
/// for `batch`.
fn run_with_offsets() -> RunResult {
    let mut run = idle_run(&["green"], 60);
    let d = &mut run.deployments[0];
    let offsets = register_offsets(&mut d.meters);
    let window = 60 * MINUTE;
    let mut rec = Recorder::new(window, MINUTE, d.meters.len());
    rec.functions = FunctionMetrics::new(vec!["api".into(), "batch".into()], d.meters.len());
    for (f, t, kg) in [(0, 0, 3.0), (1, 30 * MINUTE, 1.0)] {
        rec.usage(t, offsets, kg);
        rec.functions.used(f, offsets, kg);
    }
    rec.finish();
    d.bill = pricing::bill(&d.meters, &rec.usage, window, MINUTE, run.window.month);
    d.recorder = rec;
    run
}

/// The value of column `name` in `row` of a CSV with `header`.
fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    let i = header.iter().position(|h| h == name).expect(name);
    &row[i]
}

#[test]
fn a_new_kind_of_part_registered_in_one_place_reaches_every_report() {
    let run = run_with_offsets();
    // 4 kg at $2 in a one-hour window: $8; a month of 730.5 h buys 730.5 x 4 kg = $5,844.
    let (header, rows) = export_csv(&SummaryCsv, &run);
    let fixed = header.iter().position(|h| h == "cost_fixed_monthly_usd");
    let carbon = header.iter().position(|h| h == "cost_carbon_monthly_usd");
    assert_eq!(carbon, fixed.map(|f| f + 1), "{header:?}");
    assert_eq!(
        cell(&header, &rows[0], "cost_carbon_monthly_usd"),
        "5844.000000"
    );
    assert_eq!(cell(&header, &rows[0], "window_cost_usd"), "8.000000");

    // Paid by the calls that caused it: api 3/4, batch 1/4, nothing left unattributed.
    let (header, rows) = export_csv(&FunctionsCsv, &run);
    let by_function: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                cell(&header, r, "function"),
                cell(&header, r, "cost_carbon_monthly_usd"),
            )
        })
        .collect();
    assert_eq!(
        by_function,
        [
            ("api", "4383.000000"),
            ("batch", "1461.000000"),
            ("(unattributed)", "0.000000")
        ]
    );

    // In the chart, under its own label and colour; the idle deployment's $0 add-on is not.
    let labels: Vec<String> = cost::parts(&run).into_iter().map(|p| p.label).collect();
    assert_eq!(labels, ["carbon offsets"]);
    let image = draw_cost_chart(&run);
    let color = cost::part_colors(&cost::parts(&run))[0];
    assert!(image.count(color, PLOT) > 1_000, "no bar");
    assert!(image.count(color, LEGEND) > 100, "no legend box");
}

/// Right of the plot: the legend panel.
const LEGEND: Region = Region {
    x0: PLOT.x1,
    x1: u32::MAX,
    ..PLOT
};

fn draw_cost_chart(run: &RunResult) -> Image {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cost.png");
    CostChart.write(run, &path).unwrap();
    Image::read(&path)
}

/// Two apps calling their database directly for one hour, 5 calls a second of 20 reads:
/// on Firestore (Blaze: 360,000 reads, past the daily allowance) and on Supabase Pro (its
/// $25 plan); both sign users in on an `auth` service that charges nothing.
const TWO_DATABASES: &str = r#"
name = "two-databases"
seed = 3
duration = "1h"
bucket = "10m"

[[workload.functions]]
name = "feed"
memory = "128MB"
execution = { dist = "constant", value = "1ms" }
arrivals = { process = "poisson", rate = "5/s" }
calls = { db = { read = 20 }, auth = { sign_in = 1 } }

[[deployments]]
name = "firebase"
[deployments.compute]
model = "client"
[[deployments.services]]
name = "db"
pricing = "firebase-firestore"
plan = "blaze"
latency = { dist = "constant", value = "5ms" }
[[deployments.services]]
name = "auth"
latency = { dist = "constant", value = "5ms" }
operations.sign_in = {}

[[deployments]]
name = "supabase"
[deployments.compute]
model = "client"
[[deployments.services]]
name = "db"
pricing = "supabase"
plan = "pro"
latency = { dist = "constant", value = "5ms" }
operations.read = {}
[[deployments.services]]
name = "auth"
latency = { dist = "constant", value = "5ms" }
operations.sign_in = {}
"#;

#[test]
fn two_databases_are_two_parts_in_their_own_colours_and_a_free_service_is_left_out() {
    let scenario = Scenario::parse(Path::new("two-databases.toml"), TWO_DATABASES).unwrap();
    let run = crate::run::run(&scenario).unwrap();
    // One summary column for both (`baas_db`), two parts in the chart, named by product.
    let (header, _) = export_csv(&SummaryCsv, &run);
    let stems: Vec<&String> = header.iter().filter(|h| h.starts_with("cost_")).collect();
    assert_eq!(
        stems,
        ["cost_baas_auth_monthly_usd", "cost_baas_db_monthly_usd"]
    );
    let parts = cost::parts(&run);
    let labels: Vec<&str> = parts.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["db: firebase-firestore", "db: supabase"]);

    let image = draw_cost_chart(&run);
    let colors = cost::part_colors(&parts);
    assert_ne!(colors[0], colors[1]);
    for (label, color) in labels.iter().zip(&colors) {
        assert!(image.count(*color, PLOT) > 200, "{label}: no bar");
        assert!(image.count(*color, LEGEND) > 100, "{label}: no legend box");
    }
    // `auth` costs $0 in both: no legend box in its colour (which no other part took).
    let auth = super::charts::palette::part_color("auth");
    assert!(!colors.contains(&auth));
    assert_eq!(image.count(auth, LEGEND), 0);
}
