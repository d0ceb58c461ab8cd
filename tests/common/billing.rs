//! Helpers for billing tests: a workload whose window projects to exact monthly quantities,
//! and lookups of bill lines.

use serverless_sim::platform::DeploymentResult;
use serverless_sim::pricing::BillLine;

/// The billing month in seconds: 30.4375 days (docs/models.md, "Month projection").
pub const MONTH_S: f64 = 2_629_800.0;

pub fn assert_close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        ((got - want) / want.abs().max(1e-300)).abs() <= rel,
        "{what}: got {got}, want {want}"
    );
}

/// Rounds to whole cents, as the providers' examples print amounts.
pub fn cents(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

pub fn line<'a>(d: &'a DeploymentResult, meter: &str) -> &'a BillLine {
    d.bill
        .lines
        .iter()
        .find(|l| l.meter == meter)
        .unwrap_or_else(|| panic!("{}: no meter {meter}", d.name))
}

/// One function called `per_month / k` times in a window of MONTH / k.
pub fn monthly_workload(k: u32, per_month: f64, memory: &str, exec: &str) -> String {
    let window_s = MONTH_S / k as f64;
    let every_us = (MONTH_S / per_month * 1e6).round() as u64;
    assert_eq!(
        every_us as f64,
        MONTH_S / per_month * 1e6,
        "interval must be whole µs"
    );
    format!(
        r#"
name = "billing-example"
duration = "{window_s}s"
bucket = "{window_s}s"

[[workload.functions]]
name = "f"
memory = "{memory}"
execution = {{ dist = "constant", value = "{exec}" }}
arrivals = {{ process = "fixed_interval", every = "{every_us}us", offset = "{}us" }}
"#,
        every_us / 2
    )
}

/// 100 calls of 15 min at 10,240 MB (9,000 GB-s each, 900,000 GB-s in all) in a window sized so
/// that they project to `monthly_gb_s` a month: W = 900,000 x MONTH / `monthly_gb_s`.
pub fn big_calls_workload(monthly_gb_s: f64) -> String {
    let window_us = (900_000.0 * MONTH_S / monthly_gb_s * 1e6).round() as u64;
    assert_eq!(window_us % 200, 0, "whole-µs interval and offset");
    format!(
        r#"
name = "tiers"
duration = "{window_us}us"
bucket = "{window_us}us"

[[workload.functions]]
name = "big"
memory = "10240MB"
execution = {{ dist = "constant", value = "15m" }}
arrivals = {{ process = "fixed_interval", every = "{}us", offset = "{}us" }}
"#,
        window_us / 100,
        window_us / 200,
    )
}

/// A scenario of one function `f` called `calls` times, evenly, over `window_s` seconds (no
/// arrival on the window's edge), each call making `ops` (a TOML table of service ->
/// operation -> count), on a free FaaS deployment whose services are `services` (TOML).
pub fn baas_scenario(window_us: u64, calls: u64, ops: &str, services: &str) -> String {
    assert_eq!(
        window_us % (2 * calls),
        0,
        "the interval and its half must be whole µs"
    );
    let every_us = window_us / calls;
    format!(
        r#"
name = "preset-example"
duration = "{window_us}us"
bucket = "{window_us}us"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "1ms" }}
arrivals = {{ process = "fixed_interval", every = "{every_us}us", offset = "{}us" }}
calls = {ops}
[[deployments]]
name = "d"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "forever" }}
[deployments.compute.billing]
requests = {{ usd = 0 }}
gb_seconds = {{ usd = 0 }}
{services}
"#,
        every_us / 2
    )
}
