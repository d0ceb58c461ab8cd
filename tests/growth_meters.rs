//! Meters that grow (issue 19, item 3): a service's stored data (a level integrated over time
//! into GB-months), its egress (GB, tiered) and its monthly active users (priced per MAU
//! tier). Every scenario is one function called at a fixed interval offset by half an
//! interval (so the calls sit at the midpoints of equal slices of the window) on a
//! one-worker fleet, which makes each call's operations at its arrival; each bill is written
//! down by hand in the comments and checked against the simulator's.

mod common;

use std::path::Path;

use common::cli::{assert_located, line_of, run_bad};
use common::{csv_number, csv_rows, deployment, run_text};
use serverless_sim::pricing::BillLine;
use serverless_sim::run::RunResult;

/// Asserts `got` is within 1e-9 relative (or 1e-12 absolute) of `want`.
fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1e-3),
        "{what}: got {got}, want {want}"
    );
}

/// A scenario of `duration` with `top` keys (e.g. `month`), one function `app` called
/// every `every` (first at `every / 2`) making `calls`, on a fleet `flt` whose service
/// `store` (operation kinds read, write, delete, free) carries the `service` keys.
fn scenario(
    top: &str,
    duration: &str,
    every: &str,
    offset: &str,
    calls: &str,
    service: &str,
) -> String {
    format!(
        r#"name = "growth"
seed = 1
{top}
duration = "{duration}"
bucket = "1d"

[[workload.functions]]
name = "app"
memory = "128MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "fixed_interval", every = "{every}", offset = "{offset}" }}
calls = {{ store = {{ {calls} }} }}

[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
[deployments.compute.billing]
instance_hours = {{ usd = 0.0 }}
[[deployments.services]]
name = "store"
latency = {{ dist = "constant", value = "0ms" }}
operations.read = {{}}
operations.write = {{}}
operations.delete = {{}}
{service}
"#
    )
}

/// 1,000 uploads of 10 MB over 30 days, one every 2,592 s from 1,296 s: stored data grows
/// from 0 to 10 GB, each write at the middle of its thousandth of the window, so the step
/// level's integral is exactly that of the straight line: a mean of 5 GB.
fn linear_storage(top: &str) -> String {
    scenario(
        top,
        "30d",
        "2592s",
        "1296s",
        "write = 1",
        r#"storage = { initial = "0MB", per_write = "10MB", price = { usd = 0.10, free_per_month = 1 } }"#,
    )
}

/// The bill line `meter` of the fleet `flt`.
fn line<'a>(run: &'a RunResult, meter: &str) -> &'a BillLine {
    line_in(run, "flt", meter)
}

/// The bill line `meter` of deployment `name`.
fn line_in<'a>(run: &'a RunResult, name: &str, meter: &str) -> &'a BillLine {
    let d = deployment(run, name);
    d.bill
        .lines
        .iter()
        .find(|l| l.meter == meter)
        .unwrap_or_else(|| panic!("no line {meter}"))
}

#[test]
fn storage_growing_linearly_to_10_gb_bills_5_gb_months_less_the_free_one() {
    // Month = window = 30 days: the mean level, 5 GB, is 5 GB-months; 1 is free, 4 x $0.10
    // = $0.40, in the window and per month.
    let run = run_text(&linear_storage(r#"month = "30d""#));
    assert_eq!(deployment(&run, "flt").recorder.totals.completed, 1_000);
    let s = line(&run, "storage");
    assert_eq!((s.unit.as_str(), s.free_allowance), ("GB-months", 1.0));
    assert_close(s.monthly_quantity, 5.0, "GB-months a month");
    assert_close(s.window_quantity, 5.0, "GB-months in the window");
    assert_close(s.monthly_usd, 0.40, "monthly");
    assert_close(s.window_usd, 0.40, "window");
    // The default month (30.4375 days): the window holds 5 GB for 30 days = 5 x 30 /
    // 30.4375 GB-months, projected to the same mean of 5 GB-months, $0.40 a month; the
    // window pays its 30 / 30.4375 share.
    let run = run_text(&linear_storage(""));
    let s = line(&run, "storage");
    assert_close(
        s.window_quantity,
        5.0 * 30.0 / 30.4375,
        "GB-months in the window",
    );
    assert_close(s.monthly_quantity, 5.0, "GB-months a month");
    assert_close(s.monthly_usd, 0.40, "monthly");
    assert_close(s.window_usd, 0.40 * 30.0 / 30.4375, "window");
}

#[test]
fn faas_calls_change_the_stored_level_as_fleet_calls_do() {
    // The same uploads on FaaS with no cold start time: each call's write is made when it
    // starts, at its arrival, so the bill is the fleet's: 5 GB-months, $0.40.
    let text = format!(
        r#"{}
[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "forever" }}
[deployments.compute.billing]
requests = {{ usd = 0.0 }}
gb_seconds = {{ usd = 0.0 }}
[[deployments.services]]
name = "store"
latency = {{ dist = "constant", value = "0ms" }}
operations.write = {{}}
storage = {{ per_write = "10MB", price = {{ usd = 0.10, free_per_month = 1 }} }}
"#,
        linear_storage(r#"month = "30d""#)
    );
    let run = run_text(&text);
    let s = line_in(&run, "lam", "storage");
    assert_close(s.monthly_quantity, 5.0, "GB-months");
    assert_close(s.monthly_usd, 0.40, "monthly");
}

#[test]
fn a_window_of_two_months_bills_each_month_s_mean_level() {
    // 60 days, month = 30 days: 1 GB for the first month, one 2 GB upload at day 30, 3 GB
    // for the second. 2 GB-months free a month at $0.10: month 1 pays nothing, month 2 pays
    // 1 GB-month = $0.10. Window $0.10, $0.05 a month (the window's mean level, 2 GB, would
    // have paid nothing).
    let run = run_text(&scenario(
        r#"month = "30d""#,
        "60d",
        "60d",
        "30d",
        "write = 1",
        r#"storage = { initial = "1GB", per_write = "2GB", price = { usd = 0.10, free_per_month = 2 } }"#,
    ));
    let s = line(&run, "storage");
    assert_close(s.window_quantity, 4.0, "GB-months in the window");
    assert_close(s.window_usd, 0.10, "window");
    assert_close(s.monthly_usd, 0.05, "monthly");
}

#[test]
fn deletes_remove_stored_data_and_the_level_starts_at_initial() {
    // 2 GB at the start; 30 calls over a 30-day month, one a day at noon, each writing two
    // 1 GB files and deleting one: +1 GB a day at noon. The level holds 2 GB all month, and
    // the write of day d (0-based) adds 1 GB for the last 30 - d - 0.5 days: 30 x 2 + (29.5
    // + 28.5 + ... + 0.5) = 60 + 450 = 510 GB-days = 17 GB-months. At $0.02 per GB-month,
    // no allowance: $0.34.
    let run = run_text(&scenario(
        r#"month = "30d""#,
        "30d",
        "1d",
        "12h",
        "write = 2, delete = 1",
        r#"storage = { initial = "2GB", per_write = "1GB", per_delete = "-1GB", price = { usd = 0.02 } }"#,
    ));
    let s = line(&run, "storage");
    assert_close(s.monthly_quantity, 17.0, "GB-months");
    assert_close(s.monthly_usd, 0.34, "monthly");
}

/// 80 downloads of 125 MB each over 30 days (one every 9 h from 4.5 h): exactly 10 GB of
/// egress, 1 GB free, $0.12 per GB up to `up_to` GB a month, $0.08 beyond.
fn egress_run(up_to: &str) -> RunResult {
    run_text(&scenario(
        r#"month = "30d""#,
        "30d",
        "9h",
        "4.5h",
        "read = 1",
        &format!(
            r#"egress = {{ per_read = "125MB", price = {{ free_per_month = 1, tiers = [ {{ up_to = {up_to}, usd = 0.12 }}, {{ usd = 0.08 }} ] }} }}"#
        ),
    ))
}

#[test]
fn egress_tiers_just_below_at_and_above_the_threshold() {
    // Below (threshold 10.125 GB): 9 billable GB x $0.12 = $1.08, one tier.
    let below = egress_run("10.125");
    let e = line(&below, "egress");
    assert_eq!(e.unit, "GB");
    assert_close(e.monthly_quantity, 10.0, "GB");
    assert_close(e.monthly_usd, 1.08, "below");
    assert_eq!(e.tiers.len(), 1);
    // At (threshold 10 GB): the same $1.08; the 10th GB is the last of tier 1.
    let at = egress_run("10");
    let e = line(&at, "egress");
    assert_close(e.monthly_usd, 1.08, "at");
    assert_eq!(e.tiers.len(), 1);
    // Above (threshold 9.875 GB): 8.875 GB x $0.12 = $1.065, then 0.125 GB x $0.08 = $0.01:
    // $1.075.
    let above = egress_run("9.875");
    let e = line(&above, "egress");
    assert_close(e.monthly_usd, 1.075, "above");
    assert_eq!(e.tiers.len(), 2);
    assert_close(e.tiers[1].monthly.billable, 0.125, "tier 2 GB");
    assert_close(e.tiers[1].monthly.usd, 0.01, "tier 2 usd");
}

/// `users` monthly active users for one day of the default month, priced like Identity
/// Platform's tiers: the first 49,999 free, $0.0055 each up to 99,999, $0.0046 beyond.
fn users_run(users: u32) -> RunResult {
    run_text(&scenario(
        "",
        "1d",
        "1h",
        "30m",
        "read = 1",
        &format!(
            r#"users = {{ monthly_active = {users}, price = {{ tiers = [ {{ up_to = 50000, usd = 0 }}, {{ up_to = 100000, usd = 0.0055 }}, {{ usd = 0.0046 }} ] }} }}"#
        ),
    ))
}

#[test]
fn monthly_active_users_are_priced_per_mau_tier() {
    // 20,000 users: all in the free tier.
    let u = line(&users_run(20_000), "monthly_active_users").clone();
    assert_eq!(u.unit, "user-months");
    assert_close(u.monthly_quantity, 20_000.0, "MAU");
    assert_eq!(u.monthly_usd, 0.0);
    // 75,000: 25,000 x $0.0055 = $137.50 a month; the day pays 1 / 30.4375 of it.
    let u = line(&users_run(75_000), "monthly_active_users").clone();
    assert_close(u.monthly_usd, 137.5, "75,000 MAU");
    assert_close(u.window_usd, 137.5 / 30.4375, "one day of it");
    assert_close(
        u.window_quantity,
        75_000.0 / 30.4375,
        "user-months in a day",
    );
    // 150,000: 50,000 x $0.0055 + 50,000 x $0.0046 = $275 + $230 = $505.
    let u = line(&users_run(150_000), "monthly_active_users").clone();
    assert_close(u.monthly_usd, 505.0, "150,000 MAU");
}

/// `load` sizes the user base with the traffic: 20,000 monthly active users at `load = 2.5`
/// are 50,000, one past the free 49,999: 1 x $0.0055 a month.
#[test]
fn load_multiplies_the_monthly_active_users() {
    let text = scenario(
        "load = 2.5",
        "1d",
        "1h",
        "30m",
        "read = 1",
        r#"users = { monthly_active = 20000, price = { tiers = [ { up_to = 49999, usd = 0 }, { usd = 0.0055 } ] } }"#,
    );
    let u = line(&run_text(&text), "monthly_active_users").clone();
    assert_close(u.monthly_quantity, 50_000.0, "MAU at load 2.5");
    assert_close(u.monthly_usd, 0.0055, "one billable user");
}

fn rows_of(
    out: &Path,
    file: &str,
    meter: Option<&str>,
) -> Vec<std::collections::BTreeMap<String, String>> {
    csv_rows(&out.join(file))
        .into_iter()
        .filter(|r| meter.is_none_or(|m| r.get("meter").map(String::as_str) == Some(m)))
        .collect()
}

#[test]
fn costs_csv_has_a_line_per_meter_and_timeseries_its_series() {
    // The linear storage of the first test plus 125 MB of egress per upload at $0.09 per GB
    // (1,000 uploads: 125 GB) and 20,000 users at $0.01 each, over a 30-day month.
    let text = linear_storage(r#"month = "30d""#).replace(
        "price = { usd = 0.10, free_per_month = 1 } }",
        "price = { usd = 0.10, free_per_month = 1 } }\negress = { per_write = \"125MB\", price = { usd = 0.09 } }\nusers = { monthly_active = 20000, price = { usd = 0.01 } }",
    );
    let (_dir, out) = common::cli::run_ok(&text);
    let storage = rows_of(&out, "costs.csv", Some("storage"));
    assert_eq!(storage.len(), 1, "{storage:?}");
    let s = &storage[0];
    assert_eq!(
        (s["component"].as_str(), s["unit"].as_str()),
        ("baas_store", "GB-months")
    );
    assert_eq!(
        (
            s["usd_per_unit"].as_str(),
            s["free_allowance_monthly"].as_str()
        ),
        ("0.1", "1")
    );
    assert_eq!(s["monthly_quantity"], "5");
    assert_eq!(s["monthly_free_quantity"], "1");
    assert_eq!(s["monthly_billable_quantity"], "4");
    assert_eq!(s["monthly_cost_usd"], "0.400000");
    let e = &rows_of(&out, "costs.csv", Some("egress"))[0];
    assert_eq!(
        (e["unit"].as_str(), e["monthly_quantity"].as_str()),
        ("GB", "125")
    );
    // 125 GB x $0.09 = $11.25.
    assert_eq!(e["monthly_cost_usd"], "11.250000");
    let u = &rows_of(&out, "costs.csv", Some("monthly_active_users"))[0];
    assert_eq!(
        (u["unit"].as_str(), u["monthly_quantity"].as_str()),
        ("user-months", "20000")
    );
    // 20,000 x $0.01 = $200.
    assert_eq!(u["monthly_cost_usd"], "200.000000");
    let total = rows_of(&out, "costs.csv", None)
        .into_iter()
        .find(|r| r["component"] == "total")
        .unwrap();
    assert_eq!(total["monthly_cost_usd"], "211.650000");

    // functions.csv: the egress is the uploading function's, call by call; stored data and
    // users are no function's.
    let functions = rows_of(&out, "functions.csv", None);
    let row = |f: &str| functions.iter().find(|r| r["function"] == f).unwrap();
    assert_eq!(row("app")["cost_baas_store_monthly_usd"], "11.250000");
    assert_eq!(
        row("(unattributed)")["cost_baas_store_monthly_usd"],
        "200.400000"
    );

    let days = rows_of(&out, "timeseries.csv", None);
    assert_eq!(days.len(), 30);
    // Day 0 holds the uploads at 1,296 + 2,592 k s for k = 0..=32 (33 of them, the last at
    // 84,240 s), each 10 MB held to the day's end: 0.01 GB x (33 x 85,104 - 2,592 x 528) s
    // = 14,398.56 GB-s over 86,400 s: a mean of 0.166650 GB. Its egress: 33 x 0.125 GB.
    assert_eq!(days[0]["stored_gb"], "0.166650");
    assert_eq!(days[0]["egress_gb"], "4.125000");
    assert_eq!(days[0]["monthly_active_users"], "20000.000000");
    // The 30 equal days average the window's mean level, 5 GB, and send 125 GB in all.
    let mean: f64 = days.iter().map(|r| csv_number(r, "stored_gb")).sum::<f64>() / 30.0;
    assert!((mean - 5.0).abs() < 30.0 * 0.5e-6, "{mean}");
    let sent: f64 = days.iter().map(|r| csv_number(r, "egress_gb")).sum();
    assert!((sent - 125.0).abs() < 30.0 * 0.5e-6, "{sent}");
    // The last day starts after 967 uploads (k = 0..=966 land before 29 x 86,400 s) and
    // ends after all 1,000: its mean lies between 9.67 and 10 GB.
    let last = csv_number(&days[29], "stored_gb");
    assert!(last > 9.67 && last < 10.0, "{last}");
}

#[test]
fn a_bad_growth_key_is_located_and_named() {
    let good = linear_storage("");
    for (from, to, field) in [
        ("per_write", "per_upload", "storage.per_upload"),
        ("\"10MB\"", "\"10 MB!\"", "storage.per_write"),
        ("\"0MB\"", "\"-1MB\"", "storage.initial"),
        (
            "free_per_month = 1",
            "free_per_day = 1",
            "storage.price.free_per_day",
        ),
        ("initial = \"0MB\"", "size = \"0MB\"", "storage"),
    ] {
        let text = good.replacen(from, to, 1);
        let (stderr, file) = run_bad(&text);
        assert_located(&stderr, &file, line_of(&text, "storage ="), field);
    }
    // A negative egress and a negative user count.
    for (key, table, field) in [
        (
            "egress =",
            "egress = { per_read = \"-1KB\" }",
            "egress.per_read",
        ),
        (
            "users =",
            "users = { monthly_active = -5 }",
            "users.monthly_active",
        ),
    ] {
        let text = good.replace(
            "free_per_month = 1 } }",
            &format!("free_per_month = 1 }} }}\n{table}\n"),
        );
        let (stderr, file) = run_bad(&text);
        assert_located(&stderr, &file, line_of(&text, key), field);
    }
}
