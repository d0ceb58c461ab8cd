//! The scenario's `month`: the billing month every monthly figure is per. Each test runs a
//! scenario whose bill can be written down by hand (fixed-interval arrivals offset by half an
//! interval, so no arrival sits on the window's edge; constant durations; flat prices) under
//! two months, and checks the simulator's bill against the arithmetic in its comments; then
//! that every report states the month it used.

mod common;

use std::fs;

use common::{cli::bin, deployment, run_text};
use serverless_sim::run::RunResult;

/// Asserts `got` is within 1e-9 relative of `want`.
fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1e-12),
        "{what}: got {got}, want {want}"
    );
}

/// A one-hour scenario with `month_key` (a `month = ...` line, or nothing) at the top: one
/// 1,024 MB function of a constant 100 ms called every second (3,600 calls), on Lambda-like
/// FaaS with flat prices and no free tier ($0.20 per million requests, $0.0000166667 per
/// GB-s, 1 ms granularity, init not billed), and on a fleet of 3 instances at $0.0416 an
/// instance-hour with a $16.43-a-month load balancer.
fn hour_scenario(month_key: &str) -> String {
    format!(
        r#"
name = "month"
seed = 1
{month_key}
duration = "1h"
bucket = "10m"

[[workload.functions]]
name = "f"
memory = "1024MB"
execution = {{ dist = "constant", value = "100ms" }}
arrivals = {{ process = "fixed_interval", every = "1s", offset = "500ms" }}

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "200ms" }}
keep_alive = {{ policy = "forever" }}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
granularity = "1ms"

[[deployments]]
name = "flt"
fixed = [ {{ name = "load_balancer", usd_per_month = 16.43 }} ]
[deployments.compute]
model = "fleet"
instances = 3
workers = 4
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
"#
    )
}

#[test]
fn faas_monthly_cost_scales_by_exactly_730_over_730_5() {
    let default = run_text(&hour_scenario(""));
    let aws = run_text(&hour_scenario(r#"month = "730h""#));
    let (d, a) = (deployment(&default, "lam"), deployment(&aws, "lam"));
    assert_eq!(d.recorder.totals.requests, 3_600);
    // The window: 3,600 x $0.20/M = $0.00072 of requests, plus 3,600 x 0.1 s x 1 GB = 360
    // GB-s x $0.0000166667 = $0.006000012 of compute: $0.006720012, whatever the month.
    let window = 3_600.0 * 0.2e-6 + 360.0 * 0.000_016_666_7;
    assert_close(window, 0.006_720_012, "hand arithmetic");
    assert_close(d.bill.window_usd, window, "window, default month");
    assert_close(a.bill.window_usd, window, "window, 730 h month");
    // A month is 730.5 windows of one hour by default, 730 with month = "730h".
    assert_close(d.bill.monthly_usd, window * 730.5, "monthly, default");
    assert_close(a.bill.monthly_usd, window * 730.0, "monthly, 730 h");
    assert_close(
        a.bill.monthly_usd / d.bill.monthly_usd,
        730.0 / 730.5,
        "ratio",
    );
    // The monthly quantities follow: 3,600 requests x 730 = 2,628,000 a month.
    let requests = a.bill.lines.iter().find(|l| l.meter == "requests").unwrap();
    assert_close(requests.monthly_quantity, 2_628_000.0, "monthly requests");
}

#[test]
fn a_fleet_costs_instances_x_price_x_730_hours_in_a_730_hour_month() {
    let aws = run_text(&hour_scenario(r#"month = "730h""#));
    let f = deployment(&aws, "flt");
    // 3 instances x $0.0416 x 730 h = $91.104 a month; the load balancer is $16.43 a month
    // whatever its length, so the one-hour window pays 1/730 of it.
    let instances = f
        .bill
        .lines
        .iter()
        .find(|l| l.meter == "instance_hours")
        .unwrap();
    assert_close(instances.monthly_usd, 91.104, "instance-hours a month");
    assert_close(instances.monthly_quantity, 3.0 * 730.0, "instance-hours");
    assert_close(instances.window_usd, 3.0 * 0.0416, "instance-hours, window");
    let balancer = f
        .bill
        .lines
        .iter()
        .find(|l| l.meter == "load_balancer")
        .unwrap();
    assert_close(balancer.monthly_usd, 16.43, "balancer a month");
    assert_close(balancer.window_usd, 16.43 / 730.0, "balancer, window");
    assert_close(f.bill.monthly_usd, 91.104 + 16.43, "fleet a month");
    // The default month: 3 x $0.0416 x 730.5 h = $91.1664.
    let default = run_text(&hour_scenario(""));
    assert_close(
        deployment(&default, "flt").bill.monthly_usd,
        91.1664 + 16.43,
        "fleet a month, default",
    );
}

/// One day of a function called every 100 ms (864,000 calls) that reads `db` once a call, on
/// FaaS charging $0.20 per million requests with `free_requests` free a month and nothing for
/// GB-s; the read costs $0.10 per million with `free_reads_per_day` free a day.
fn day_scenario(month: &str, free_requests: u64, free_reads_per_day: u64) -> String {
    format!(
        r#"
name = "free"
month = "{month}"
duration = "1d"
bucket = "1h"

[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "fixed_interval", every = "100ms", offset = "50ms" }}
calls = {{ db = {{ read = 1 }} }}

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "100ms" }}
keep_alive = {{ policy = "forever" }}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000, free_per_month = {free_requests} }}
gb_seconds = {{ usd = 0 }}
[[deployments.services]]
name = "db"
latency = {{ dist = "constant", value = "1ms" }}
operations.read = {{ price = {{ usd = 0.10, per = 1_000_000, free_per_day = {free_reads_per_day} }} }}
"#
    )
}

fn line_usd(run: &RunResult, meter: &str) -> (f64, f64) {
    let d = &run.deployments[0];
    let l = d.bill.lines.iter().find(|l| l.meter == meter).unwrap();
    (l.window_usd, l.monthly_usd)
}

#[test]
fn a_monthly_free_allowance_is_one_per_month_of_the_configured_length() {
    let aws = run_text(&day_scenario("730h", 1_000_000, 0));
    let thirty = run_text(&day_scenario("30d", 1_000_000, 0));
    assert_eq!(aws.deployments[0].recorder.totals.requests, 864_000);
    // 730 h: 864,000 x 730/24 = 26,280,000 requests a month, 1M free: 25,280,000 x $0.20/M
    // = $5.056 a month; the day is 24/730 of the month: $0.166224...
    let (window, monthly) = line_usd(&aws, "requests");
    assert_close(monthly, 5.056, "730 h monthly");
    assert_close(window, 5.056 * 24.0 / 730.0, "730 h window");
    // 30 d: 864,000 x 30 = 25,920,000 a month, 24,920,000 billable = $4.984; a day is 1/30.
    let (window, monthly) = line_usd(&thirty, "requests");
    assert_close(monthly, 4.984, "30 d monthly");
    assert_close(window, 4.984 / 30.0, "30 d window");
}

#[test]
fn a_daily_free_quota_frees_exactly_the_configured_month_s_days() {
    let run = run_text(&day_scenario("30d", 0, 50_000));
    // 864,000 reads a day x 30 days = 25,920,000 a month; 30 x 50,000 = 1,500,000 free;
    // 24,420,000 x $0.10/M = $2.442 a month. (Freeing 30.4375 days' worth, 1,521,875,
    // would give $2.4398125.) The day pays (864,000 - 50,000) x $0.10/M = $0.0814: one
    // day's quota free.
    let (window, monthly) = line_usd(&run, "read");
    assert_close(monthly, 2.442, "monthly reads");
    assert_close(window, 0.0814, "the day's reads");
}

/// Runs the binary with `args` on `text` written as `s.toml` in a fresh folder (a `run` writes
/// its report into `out` there); returns the folder, stdout, and the report folder.
fn cli(args: &[&str], text: &str) -> (tempfile::TempDir, String, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let mut cmd = bin();
    cmd.args(args).arg(&file);
    if args == ["run"] {
        cmd.arg("--out").arg(&out);
    }
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    (dir, stdout, out)
}

/// The `column` cell of every row of the CSV file at `path`, and whether it is the last.
fn column(path: &std::path::Path, column: &str) -> (Vec<String>, bool) {
    let mut rows = csv::Reader::from_path(path).unwrap();
    let header = rows.headers().unwrap().clone();
    let at = header.iter().position(|h| h == column).expect("column");
    let cells = rows.records().map(|r| r.unwrap()[at].to_owned()).collect();
    (cells, at == header.len() - 1)
}

#[test]
fn every_report_states_the_month_it_used() {
    for (key, hours, line) in [
        (r#"month = "730h""#, "730", "month = 730 h (30.4167 days)"),
        ("", "730.5", "month = 730.5 h (30.4375 days)"),
        (r#"month = "28d""#, "672", "month = 672 h (28 days)"),
    ] {
        let (_dir, stdout, out) = cli(&["run"], &hour_scenario(key));
        assert!(stdout.lines().any(|l| l == line), "{key}: {stdout}");
        for file in ["summary.csv", "costs.csv"] {
            let (cells, last) = column(&out.join(file), "month_hours");
            // Appended after the earlier columns (costs.csv then names each line's preset).
            assert_eq!(last, file == "summary.csv", "{file}: month_hours position");
            // summary.csv: one row per deployment; costs.csv: lam's 2 lines and its total,
            // flt's 2 and its total.
            let rows = if file == "summary.csv" { 2 } else { 6 };
            assert_eq!(cells, vec![hours; rows], "{key}: {file}");
        }
        let manifest: toml::Table = fs::read_to_string(out.join("manifest.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let want: f64 = hours.parse().unwrap();
        assert_eq!(manifest["month_hours"].as_float(), Some(want), "{key}");
        // check states it too, after the size estimate.
        let (_dir, stdout, _) = cli(&["check"], &hour_scenario(key));
        assert_eq!(stdout.lines().last(), Some(line), "{stdout}");
    }
}

#[test]
fn the_default_month_written_out_changes_no_byte() {
    // month = "30.4375d" is the default: every CSV is the same byte for byte.
    let (_d1, _, plain) = cli(&["run"], &hour_scenario(""));
    let (_d2, _, explicit) = cli(&["run"], &hour_scenario(r#"month = "30.4375d""#));
    for file in [
        "summary.csv",
        "costs.csv",
        "functions.csv",
        "timeseries.csv",
        "latency.csv",
    ] {
        assert_eq!(
            fs::read(plain.join(file)).unwrap(),
            fs::read(explicit.join(file)).unwrap(),
            "{file}"
        );
    }
    // Another month changes no latency and no usage-priced window cost (the FaaS lines);
    // a flat monthly add-on's window share does change (1 h of a 730 h month).
    let (_d3, _, aws) = cli(&["run"], &hour_scenario(r#"month = "730h""#));
    assert_eq!(
        fs::read(plain.join("latency.csv")).unwrap(),
        fs::read(aws.join("latency.csv")).unwrap()
    );
    let (window_plain, _) = column(&plain.join("costs.csv"), "window_cost_usd");
    let (window_aws, _) = column(&aws.join("costs.csv"), "window_cost_usd");
    // Rows: lam requests, lam gb_seconds, lam total, flt instance_hours, flt load_balancer,
    // flt total.
    assert_eq!(window_plain[..4], window_aws[..4]);
    // $16.43 x 1/730.5 = $0.022491 and x 1/730 = $0.022507, to the micro-dollar.
    assert_eq!(
        (window_plain[4].as_str(), window_aws[4].as_str()),
        ("0.022491", "0.022507")
    );
}
