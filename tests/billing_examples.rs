//! Providers' own worked billing examples, reproduced end to end: a scenario whose simulated
//! window, projected to the 30.4375-day month, holds exactly the example's monthly quantities,
//! run through the simulator and priced by its month projection.
//!
//! Window choice: a window of MONTH / k with the example's monthly count / k requests (fixed
//! interval, offset by half an interval so no arrival sits on the window's edge) projects to
//! exactly the example's monthly totals, and runs in milliseconds.

mod common;

use common::billing::{assert_close, big_calls_workload, cents, line, monthly_workload};
use common::{deployment, run_text};

/// A FaaS deployment, no cold start, instances kept forever; `billing` is the billing table.
fn faas(name: &str, billing: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "forever" }}
[deployments.compute.billing]
{billing}
"#
    )
}

/// Lambda prices as printed in the AWS examples: $0.00001667 per GB-s (the page rounds
/// $0.0000166667 in its examples), $0.20 per 1M requests, 1M requests and 400,000 GB-s free.
const LAMBDA_EXAMPLE_PRICES: &str = r#"
requests = { usd = 0.20, per = 1_000_000, free_per_month = 1_000_000 }
gb_seconds = { usd = 0.00001667, free_per_month = 400_000 }
granularity = "1ms"
"#;

#[test]
fn aws_lambda_pricing_page_example_1() {
    // Source: https://aws.amazon.com/lambda/pricing/ , "Example 1" (US East):
    // "If you allocated 512MB of memory to your function, executed it 3 million times in one
    // month, and it ran for 1 second each time":
    //   compute 3,000,000 s x 512MB/1024 = 1,500,000 GB-s; minus 400,000 free = 1,100,000 GB-s
    //   x $0.00001667 = $18.34; requests (3M - 1M free) x $0.2/M = $0.40; total $18.74/month.
    // Simulated: 30,000 calls in a window of MONTH / 100.
    let text = monthly_workload(100, 3e6, "512MB", "1s") + &faas("lambda", LAMBDA_EXAMPLE_PRICES);
    let r = run_text(&text);
    let d = deployment(&r, "lambda");
    assert_eq!(d.recorder.totals.completed, 30_000);
    let gbs = line(d, "gb_seconds");
    assert_close(gbs.monthly_quantity, 1_500_000.0, 1e-12, "monthly GB-s");
    assert_close(gbs.monthly_usd, 1_100_000.0 * 0.000_016_67, 1e-9, "compute");
    let req = line(d, "requests");
    assert_close(req.monthly_quantity, 3e6, 1e-12, "monthly requests");
    assert_close(req.monthly_usd, 0.40, 1e-9, "requests");
    assert_eq!(cents(gbs.monthly_usd), 18.34);
    assert_eq!(cents(req.monthly_usd), 0.40);
    assert_eq!(cents(d.bill.monthly_usd), 18.74);
    // The window's cost is its pro-rata share of the month.
    assert_close(
        d.bill.window_usd,
        d.bill.monthly_usd / 100.0,
        1e-9,
        "window",
    );
}

#[test]
fn aws_lambda_pricing_page_example_2_parameters() {
    // The same page's "Example 2" parameters: 128MB, 30 million calls a month, 200 ms each.
    // (The stored copy of the page is cut before its figures; computed by hand with the
    // page's rates.) Compute 30M x 0.2 s x 0.125 GB = 750,000 GB-s; billable 350,000 x
    // $0.00001667 = $5.8345 ($5.83); requests 29M x $0.2/M = $5.80; total $11.63.
    // Simulated: 30,000 calls in MONTH / 1,000.
    let text =
        monthly_workload(1_000, 30e6, "128MB", "200ms") + &faas("lambda", LAMBDA_EXAMPLE_PRICES);
    let r = run_text(&text);
    let d = deployment(&r, "lambda");
    assert_eq!(d.recorder.totals.completed, 30_000);
    assert_close(
        line(d, "gb_seconds").monthly_quantity,
        750_000.0,
        1e-12,
        "GB-s",
    );
    assert_close(line(d, "gb_seconds").monthly_usd, 5.8345, 1e-9, "compute");
    assert_close(line(d, "requests").monthly_usd, 5.80, 1e-9, "requests");
    assert_eq!(cents(d.bill.monthly_usd), 11.63);
}

/// Azure Functions Consumption metering and prices (docs/price-sources.md, "Azure Functions":
/// $0.000016/GB-s, $0.20/M executions, 400,000 GB-s + 1M executions free a month; memory
/// rounded up to 128 MB, at least 128 MB, at most 1,536 MB; time rounded up to 1 ms, at least
/// 100 ms).
const AZURE_CONSUMPTION: &str = r#"
requests = { usd = 0.20, per = 1_000_000, free_per_month = 1_000_000 }
gb_seconds = { usd = 0.000016, free_per_month = 400_000 }
granularity = "1ms"
minimum = "100ms"
memory_step = "128MB"
memory_min = "128MB"
memory_max = "1536MB"
"#;

#[test]
fn azure_functions_docs_metering_examples() {
    // Source: Microsoft Learn, "Estimating Consumption plan costs" (MicrosoftDocs/azure-docs,
    // articles/azure-functions/functions-consumption-costs.md):
    // (a) "say that your function consumed 0.5 GB for 3 seconds. Then the execution cost is
    //     0.5GB * 3s = 1.5 GB-seconds."
    // (b) "memory usage is rounded up to the nearest 128-MB bucket. When your process is using
    //     160 MB, you're charged for 256 MB." -> 3 s at 160 MB bills 0.25 GB x 3 s = 0.75 GB-s.
    // One call of each in a one-hour window: 2.25 GB-s.
    let text = format!(
        r#"
name = "azure-docs"
duration = "1h"

[[workload.functions]]
name = "half-gb"
memory = "512MB"
execution = {{ dist = "constant", value = "3s" }}
arrivals = {{ process = "fixed_interval", every = "2h" }}

[[workload.functions]]
name = "160mb"
memory = "160MB"
execution = {{ dist = "constant", value = "3s" }}
arrivals = {{ process = "fixed_interval", every = "2h", offset = "1m" }}
{}"#,
        faas("azure", AZURE_CONSUMPTION)
    );
    let r = run_text(&text);
    let d = deployment(&r, "azure");
    assert_eq!(d.recorder.totals.completed, 2);
    assert_close(
        line(d, "gb_seconds").window_quantity,
        1.5 + 0.75,
        1e-12,
        "GB-s",
    );
}

#[test]
fn azure_functions_docs_execution_units_conversion() {
    // Same page: "This chart shows a total of 1.11 billion Function Execution Units consumed
    // in a two-hour period, measured in MB-milliseconds. To convert to GB-seconds, divide by
    // 1024000. ... 1110000000 / 1024000 = 1083.98 GB-seconds."
    // Reproduced with 9,375 calls of 925 ms at 128 MB in two hours (one every 768 ms):
    // 9,375 x 925 ms x 128 MB = 1,110,000,000 MB-ms = 1,083.984375 GB-s.
    let text = r#"
name = "azure-units"
duration = "2h"

[[workload.functions]]
name = "f"
memory = "128MB"
execution = { dist = "constant", value = "925ms" }
arrivals = { process = "fixed_interval", every = "768ms", offset = "384ms" }
"#
    .to_string()
        + &faas("azure", AZURE_CONSUMPTION);
    let r = run_text(&text);
    let d = deployment(&r, "azure");
    assert_eq!(d.recorder.totals.completed, 9_375);
    let gbs = line(d, "gb_seconds").window_quantity;
    assert_close(gbs, 1_110_000_000.0 / 1_024_000.0, 1e-12, "GB-s");
    assert_eq!((gbs * 100.0).round() / 100.0, 1083.98);
}

#[test]
fn azure_consumption_monthly_example() {
    // Worked example of modal.com's Azure Functions pricing guide (2025-05-22, source [A3] in
    // docs/price-sources.md, "Sources"), with Microsoft's Consumption rates: "your function
    // runs 3 million times per month for 1 second each time": 3M x 1 s x 1.5 GB =
    // 4,500,000 GB-s; billable 4,100,000 GB-s x $0.000016 = $65.60; executions (3M - 1M) x
    // $0.20/M = $0.40; total $66.00. The function is configured at 2 GB: Consumption bills at
    // most 1,536 MB.
    let text = monthly_workload(100, 3e6, "2GB", "1s") + &faas("azure", AZURE_CONSUMPTION);
    let r = run_text(&text);
    let d = deployment(&r, "azure");
    let gbs = line(d, "gb_seconds");
    assert_close(gbs.monthly_quantity, 4_500_000.0, 1e-12, "GB-s");
    assert_close(gbs.monthly_usd, 65.60, 1e-9, "execution time");
    assert_close(line(d, "requests").monthly_usd, 0.40, 1e-9, "executions");
    assert_close(d.bill.monthly_usd, 66.00, 1e-9, "total");
}

#[test]
fn lambda_duration_tiers_cross_6_billion_gb_s() {
    // AWS Lambda x86 duration tiers (docs/price-sources.md, "AWS Lambda"): first 6B GB-s/month at
    // $0.0000166667, next 9B at $0.000015, above 15B at $0.0000133334; 400,000 GB-s free
    // (the free units are the first units of the first tier).
    // 7.5B GB-s in a month: (6e9 - 4e5) x 0.0000166667 + 1.5e9 x 0.000015
    //   = 99,993.53332 + 22,500 = $122,493.53332.
    // 18B GB-s: (6e9 - 4e5) x 0.0000166667 + 9e9 x 0.000015 + 3e9 x 0.0000133334
    //   = 99,993.53332 + 135,000 + 40,000.2 = $274,993.73332.
    // Simulated: 100 calls of 15 min at 10,240 MB (9,000 GB-s each) in a window W chosen so
    // that 900,000 GB-s project to the monthly total: W = 900,000 x MONTH / total.
    let tiers = r#"
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { free_per_month = 400_000, tiers = [
  { up_to = 6e9, usd = 0.0000166667 },
  { up_to = 15e9, usd = 0.0000150000 },
  { usd = 0.0000133334 } ] }
"#;
    for (monthly_gb_s, want_usd) in [(7.5e9, 122_493.533_32), (18e9, 274_993.733_32)] {
        let text = big_calls_workload(monthly_gb_s) + &faas("lambda", tiers);
        let r = run_text(&text);
        let d = deployment(&r, "lambda");
        assert_eq!(d.recorder.totals.completed, 100);
        let gbs = line(d, "gb_seconds");
        assert_close(gbs.window_quantity, 900_000.0, 1e-12, "window GB-s");
        assert_close(gbs.monthly_quantity, monthly_gb_s, 1e-9, "monthly GB-s");
        assert_close(gbs.monthly_usd, want_usd, 1e-9, "tiered compute");
    }
}

#[test]
fn windows_longer_than_a_month_are_billed_month_by_month() {
    // Two months (2 x 30.4375 days), one call every 10 s: 262,980 calls a month, 100,000
    // free each month at $0.20/M: each month (262,980 - 100,000) x 0.2e-6 = $0.032596;
    // window $0.065192, monthly $0.032596. (Priced on the two-month total at once it would
    // be (525,960 - 100,000) x 0.2e-6 = $0.085192: the free allowance is monthly.)
    // Buckets of 30 min divide the month (1,461 per month), so no bucket straddles months.
    let text = r#"
name = "two-months"
duration = "60.875d"
bucket = "30m"

[[workload.functions]]
name = "tick"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "fixed_interval", every = "10s", offset = "5s" }
"#
    .to_string()
        + &faas(
            "lambda",
            r#"
requests = { usd = 0.20, per = 1_000_000, free_per_month = 100_000 }
gb_seconds = { usd = 0.0 }
"#,
        );
    let r = run_text(&text);
    let d = deployment(&r, "lambda");
    assert_eq!(d.recorder.totals.completed, 525_960);
    let req = line(d, "requests");
    assert_close(req.window_usd, 0.065_192, 1e-9, "two months");
    assert_close(req.monthly_usd, 0.032_596, 1e-9, "per month");
    assert_close(req.monthly_quantity, 262_980.0, 1e-12, "calls per month");
}
