//! The FaaS billing rules that price CPU and the platform's monthly fee, end to end through a
//! scenario with inline prices: GHz-s on memory -> CPU clock tiers (`ghz_seconds` +
//! `cpu_tiers`), CPU time (`cpu_ms`) and `usd_per_month`. Expected values are worked out by
//! hand in each test.

mod common;

use common::{deployment, run_text};
use serverless_sim::platform::DeploymentResult;
use serverless_sim::pricing::BillLine;

/// The billing month in seconds: 30.4375 days.
const MONTH_S: f64 = 2_629_800.0;

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1e-12),
        "{what}: got {got}, want {want}"
    );
}

fn line<'a>(d: &'a DeploymentResult, meter: &str) -> &'a BillLine {
    d.bill
        .lines
        .iter()
        .find(|l| l.meter == meter)
        .unwrap_or_else(|| panic!("{}: no meter {meter}", d.name))
}

/// A one-hour scenario of `functions` (TOML function tables) on one FaaS deployment whose
/// billing table is `billing`, plus a `db` service whose `read` takes 100 ms.
fn scenario(functions: &str, billing: &str) -> String {
    format!(
        r#"
name = "cpu-billing"
duration = "1h"
{functions}
[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "50ms" }}
keep_alive = {{ policy = "forever" }}
[deployments.compute.billing]
requests = {{ usd = 0.0 }}
gb_seconds = {{ usd = 0.0 }}
{billing}
[[deployments.services]]
name = "db"
operations.read = {{ latency = {{ dist = "constant", value = "100ms" }}, price = {{ usd = 0.0 }} }}
"#
    )
}

/// A function table: `n` calls an hour (one every 3600/n s from 0.5 s) of `exec`, with `extra` keys.
fn function(name: &str, memory: &str, exec: &str, every: &str, extra: &str) -> String {
    format!(
        r#"
[[workload.functions]]
name = "{name}"
memory = "{memory}"
execution = {{ dist = "constant", value = "{exec}" }}
arrivals = {{ process = "fixed_interval", every = "{every}", offset = "500ms" }}
{extra}
"#
    )
}

const GCF_TIERS: &str = r#"
granularity = "100ms"
ghz_seconds = { usd = 0.00001 }
cpu_tiers = [
  { memory = "128MB", ghz = 0.2 }, { memory = "256MB", ghz = 0.4 },
  { memory = "512MB", ghz = 0.8 }, { memory = "1GB", ghz = 1.4 },
  { memory = "2GB", ghz = 2.4 }, { memory = "4GB", ghz = 4.8 }, { memory = "8GB", ghz = 4.8 },
]
"#;

#[test]
fn ghz_seconds_bill_the_clock_of_the_memory_tier_rounded_up() {
    // 10 calls of 260 ms at 256 MB: billed 300 ms each at 0.4 GHz = 0.12 GHz-s, 1.2 in all.
    // 10 calls of 260 ms at 300 MB: tier 512 MB, 0.8 GHz: 0.24 GHz-s each, 2.4 in all.
    // GB-s: 10 x 0.3 s x 0.25 GB + 10 x 0.3 s x 0.5 GB (300 MB billed as 512) = 2.25.
    let functions =
        function("a", "256MB", "260ms", "360s", "") + &function("b", "300MB", "260ms", "360s", "");
    let r = run_text(&scenario(&functions, GCF_TIERS));
    let d = deployment(&r, "faas");
    assert_eq!(d.recorder.totals.completed, 20);
    let ghz = line(d, "ghz_seconds");
    assert_eq!((ghz.part.stem(), ghz.unit.as_str()), ("compute", "GHz-s"));
    assert_close(ghz.window_quantity, 1.2 + 2.4, "GHz-s");
    assert_close(ghz.window_usd, 3.6 * 0.000_01, "GHz-s cost");
    assert_close(line(d, "gb_seconds").window_quantity, 2.25, "GB-s");
}

#[test]
fn cpu_ms_bill_the_cpu_bound_part_and_not_backend_waits() {
    // "busy": 40 ms, a quarter CPU-bound, then one 100 ms read: 10 ms CPU a call.
    // "plain": 7 ms, cpu_bound unset: all 7 ms are CPU time, the 100 ms read is not.
    // "slow": 50 ms with a 30 ms timeout: it computes first, so it bills 30 ms and fails.
    // 12 calls each an hour: 120 + 84 + 360 = 564 CPU-ms, at $0.02 per 1M CPU-ms.
    let functions = function(
        "busy",
        "128MB",
        "40ms",
        "300s",
        "cpu_bound = 0.25\ncalls = { db = { read = 1 } }",
    ) + &function(
        "plain",
        "128MB",
        "7ms",
        "300s",
        "calls = { db = { read = 1 } }",
    ) + &function("slow", "128MB", "50ms", "300s", "timeout = \"30ms\"");
    let billing = "cpu_ms = { usd = 0.02, per = 1_000_000 }";
    let r = run_text(&scenario(&functions, billing));
    let d = deployment(&r, "faas");
    assert_eq!(d.recorder.totals.completed, 24);
    assert_eq!(d.recorder.totals.timed_out, 12);
    let cpu = line(d, "cpu_ms");
    assert_eq!(cpu.unit, "CPU-ms");
    assert_close(cpu.window_quantity, 564.0, "CPU-ms");
    assert_close(cpu.window_usd, 564.0 * 0.02 / 1e6, "CPU-ms cost");
}

#[test]
fn cpu_ms_allowance_is_monthly() {
    // 3,600 calls of 10 ms in an hour: 36,000 CPU-ms, or 36,000 x 730.5 = 26,298,000 a
    // month (the month is 730.5 h). With 20M free, 6,298,000 are billed at $0.02 per 1M:
    // $0.12596 a month.
    let functions = function("f", "128MB", "10ms", "1s", "");
    let billing = "cpu_ms = { usd = 0.02, per = 1_000_000, free_per_month = 20_000_000 }";
    let r = run_text(&scenario(&functions, billing));
    let d = deployment(&r, "faas");
    let cpu = line(d, "cpu_ms");
    assert_close(cpu.window_quantity, 36_000.0, "CPU-ms");
    assert_close(cpu.monthly_quantity, 26_298_000.0, "monthly CPU-ms");
    assert_close(cpu.monthly_usd, 6.298 * 0.02, "monthly cost");
}

#[test]
fn the_monthly_fee_is_its_own_line_whatever_the_traffic() {
    // $5 a month over a one-hour window: the window's share is 5 x 3600 / MONTH_S, the
    // monthly line is $5 with one call an hour or 3,600.
    for every in ["1h", "1s"] {
        let functions = function("f", "128MB", "10ms", every, "");
        let r = run_text(&scenario(&functions, "usd_per_month = 5.0"));
        let d = deployment(&r, "faas");
        let fee = line(d, "base_fee");
        assert_eq!(fee.part.stem(), "base_fee");
        assert_close(fee.monthly_usd, 5.0, "monthly fee");
        assert_close(fee.window_usd, 5.0 * 3600.0 / MONTH_S, "window share");
        assert_close(d.bill.monthly_usd, 5.0, "total");
    }
}

#[test]
fn without_the_new_keys_no_new_meter_is_registered() {
    let functions = function("f", "128MB", "10ms", "60s", "");
    let r = run_text(&scenario(&functions, ""));
    let d = deployment(&r, "faas");
    for meter in ["ghz_seconds", "cpu_ms", "base_fee"] {
        assert!(d.bill.lines.iter().all(|l| l.meter != meter), "{meter}");
    }
}
