//! Container-style FaaS (Cloud Run, Azure Flex): requests sharing an instance's vCPUs, and
//! compute billed per request, per instance-time while serving, or per instance-time always.
//!
//! Hand-made traces with every answer worked out above its check (constant durations, a
//! constant 100 ms cold start, 1,024 MB = 1 GiB instances), plus the M/G/1 processor-sharing
//! closed form on one instance.

mod common;

use common::{deployment, run_text};
use serverless_sim::metrics::{Level, LevelTrack};
use serverless_sim::platform::DeploymentResult;
use serverless_sim::run::{self, RunResult};
use serverless_sim::scenario::Scenario;

/// One invocation: (seconds, duration in ms).
type Row = (f64, f64);

/// Replays `rows` of function `f` (1,024 MB) for `duration` against `deployments` (TOML).
fn replay(rows: &[Row], duration: &str, deployments: &str) -> RunResult {
    let calls: Vec<common::Call> = rows.iter().map(|&(t, ms)| (t, "f", "a", ms)).collect();
    common::replay_calls(&calls, duration, "", deployments)
}

/// A FaaS deployment with a 100 ms cold start; `keys` go under `[deployments.compute]`,
/// `billing` under its billing table (after flat request and GB-s prices).
fn faas(name: &str, keys: &str, billing: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "100ms" }}
{keys}
[deployments.compute.billing]
requests = {{ usd = 0.40, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000025 }}
{billing}
"#
    )
}

fn quantity(d: &DeploymentResult, meter: &str) -> f64 {
    d.bill
        .lines
        .iter()
        .find(|l| l.meter == meter)
        .unwrap_or_else(|| panic!("{}: no meter {meter}", d.name))
        .window_quantity
}

fn has_meter(d: &DeploymentResult, meter: &str) -> bool {
    d.bill.lines.iter().any(|l| l.meter == meter)
}

/// The busy-instances level of `d`.
fn busy(d: &DeploymentResult) -> &LevelTrack {
    &d.recorder.levels[Level::Busy as usize]
}

/// Mean and largest latency in ms (both exact; percentiles and the minimum come from a
/// 3-digit histogram).
fn latencies_ms(r: &RunResult, name: &str) -> (f64, f64) {
    let l = &deployment(r, name).recorder.latency;
    (l.mean_us().unwrap() / 1e3, l.max_us().unwrap() as f64 / 1e3)
}

#[test]
fn two_calls_at_once_on_one_vcpu_take_twice_as_long_and_on_two_do_not() {
    // Two 1 s calls at 0 s on one instance (concurrency 2): the first boots it (100 ms), the
    // second joins the booting instance. Both compute from 0.1 s.
    // 1 vCPU: each gets half of it, 1 s of work takes 2 s: both end at 2.1 s.
    // 2 vCPUs: each has a whole one: both end at 1.1 s. No vcpus: 1.1 s, as before.
    let rows = [(0.0, 1000.0), (0.0, 1000.0)];
    let keys =
        |v: &str| format!("keep_alive = {{ policy = \"forever\" }}\ninstance_concurrency = 2\n{v}");
    let r = replay(
        &rows,
        "1m",
        &(faas("one", &keys("vcpus = 1"), "")
            + &faas("two", &keys("vcpus = 2"), "")
            + &faas("plain", &keys(""), "")),
    );
    assert_eq!(latencies_ms(&r, "one"), (2100.0, 2100.0));
    assert_eq!(latencies_ms(&r, "two"), (1100.0, 1100.0));
    assert_eq!(latencies_ms(&r, "plain"), (1100.0, 1100.0));
    // Per-request billing follows the stretched execution: 2 x 2 s at 1 GiB.
    assert!((quantity(deployment(&r, "one"), "gb_seconds") - 4.0).abs() < 1e-9);
    assert!((quantity(deployment(&r, "two"), "gb_seconds") - 2.0).abs() < 1e-9);
}

#[test]
fn a_call_joining_a_busy_instance_shares_only_while_both_compute() {
    // A 1 ms call at 0 s loads the instance (kept forever). Calls of 1 s at 10 s (A) and at
    // 10.5 s (B) on 1 vCPU: A runs alone for 0.5 s (0.5 s of work left), then both at half
    // speed: A's 0.5 s takes 1 s, it ends at 11.5 s (latency 1.5 s); B has done 0.5 s by then
    // and finishes the rest alone at 12.0 s (latency 1.5 s).
    // Half a vCPU for one call per instance slows even a lone call: 1 ms -> 2 ms, 1 s -> 2 s.
    let rows = [(0.0, 1.0), (10.0, 1000.0), (10.5, 1000.0)];
    let r = replay(
        &rows,
        "1m",
        &(faas(
            "shared",
            "keep_alive = { policy = \"forever\" }\ninstance_concurrency = 4\nvcpus = 1",
            "",
        ) + &faas(
            "half",
            "keep_alive = { policy = \"forever\" }\nvcpus = 0.5",
            "",
        )),
    );
    let shared = &deployment(&r, "shared").recorder.latency;
    assert_eq!(shared.max_us(), Some(1_500_000));
    assert_eq!(shared.count(), 3);
    assert!((shared.mean_us().unwrap() - (101_000.0 + 2.0 * 1_500_000.0) / 3.0).abs() < 1e-6);
    // half: 0.1 + 0.002 s; A alone 2 s; B at 10.5 s finds the only instance busy: a second
    // instance boots (100 ms) and runs B in 2 s.
    assert_eq!(
        latencies_ms(&r, "half"),
        ((102.0 + 2000.0 + 2100.0) / 3.0, 2100.0)
    );
}

#[test]
fn a_call_still_computing_at_its_timeout_leaves_the_cpu_and_fails() {
    // Calls of 1 s and 0.2 s at 0 s on one instance with 1 vCPU (concurrency 2). From 0.1 s
    // both compute at half speed: the short one is done at 0.5 s (0.4 s after its start);
    // the long one has 0.8 s of work left and ends alone 1.2 s after its start.
    // timeout 1.1 s: the long call is stopped at 1.1 s and fails; timeout 1.3 s: none does.
    let rows = [(0.0, 1000.0), (0.0, 200.0)];
    let keys = |t: &str| {
        format!(
            "keep_alive = {{ policy = \"forever\" }}\ninstance_concurrency = 2\nvcpus = 1\ntimeout = \"{t}\""
        )
    };
    let r = replay(
        &rows,
        "1m",
        &(faas("short", &keys("1100ms"), "") + &faas("long", &keys("1300ms"), "")),
    );
    let short = deployment(&r, "short");
    assert_eq!(short.recorder.totals.timed_out, 1);
    assert_eq!(short.recorder.totals.completed, 1);
    // Billed: 1.1 s (stopped at the timeout) + 0.4 s.
    assert!((quantity(short, "gb_seconds") - 1.5).abs() < 1e-9);
    let long = deployment(&r, "long");
    assert_eq!(long.recorder.totals.timed_out, 0);
    assert_eq!(latencies_ms(&r, "long"), ((1300.0 + 500.0) / 2.0, 1300.0));
}

#[test]
fn one_instance_under_processor_sharing_has_the_m_g_1_ps_mean_sojourn() {
    // Poisson arrivals at 5/s of 100 ms calls on one instance with 1 vCPU and room for 1,000
    // calls: an M/G/1 processor-sharing queue, whose mean time in system is S / (1 - rho)
    // whatever the service distribution: 0.1 / (1 - 0.5) = 0.2 s. The instance boots once
    // (1 ms) and is kept forever; the queue length exceeds 1,000 with probability 0.5^1000.
    let r = run_text(
        r#"
seed = 7
duration = "2h"
bucket = "10m"
[[workload.functions]]
name = "api"
memory = "1024MB"
execution = { dist = "constant", value = "100ms" }
arrivals = { process = "poisson", rate = "5/s" }
[[deployments]]
name = "run"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "1ms" }
keep_alive = { policy = "forever" }
instance_concurrency = 1000
vcpus = 1
[deployments.compute.billing]
requests = { usd = 0.40, per = 1_000_000 }
gb_seconds = { usd = 0.0000025 }
"#,
    );
    let d = deployment(&r, "run");
    assert_eq!(d.recorder.totals.cold_starts, 1);
    let mean_s = d.recorder.latency.mean_us().unwrap() / 1e6;
    // About 36,000 calls; the sojourn's relative standard error is near 2% (correlated
    // neighbours included), so 6% is a 3-sigma band.
    assert!((mean_s - 0.2).abs() < 0.2 * 0.06, "mean sojourn {mean_s} s");
}

/// The billing micro-scenario: calls of 1 s at 0 s and at 0.5 s, and of 50 ms at 5 s, on one
/// instance of 1 GiB with 2 vCPUs (nothing slows down), 100 ms billing granularity.
fn billing_trace(keep_alive: &str, billing: &str) -> RunResult {
    let rows = [(0.0, 1000.0), (0.5, 1000.0), (5.0, 50.0)];
    let keys = format!("{keep_alive}\ninstance_concurrency = 80\nvcpus = 2");
    let billing = format!("granularity = \"100ms\"\n{billing}");
    replay(&rows, "1m", &faas("d", &keys, &billing))
}

const TEN_SECONDS: &str = "keep_alive = { policy = \"fixed\", idle_timeout = \"10s\" }";
const VCPU_PRICE: &str = "vcpu_seconds = { usd = 0.000024 }";

#[test]
fn request_basis_bills_each_call() {
    // 1 s + 1 s + 50 ms rounded up to 100 ms: 2.1 GiB-s; no vCPU-s meter.
    let r = billing_trace(TEN_SECONDS, "");
    let d = deployment(&r, "d");
    assert!((quantity(d, "gb_seconds") - 2.1).abs() < 1e-9);
    assert!(!has_meter(d, "vcpu_seconds"));
    assert_eq!(quantity(d, "requests"), 3.0);
}

#[test]
fn serving_basis_bills_instance_time_with_a_request_boot_included() {
    // The instance launches at 0 s for the first call (boot billed), ready at 0.1 s; the
    // first call ends at 1.1 s, the second (started at 0.5 s) at 1.5 s: one serving period
    // [0, 1.5 s]. The third call: [5 s, 5.05 s], rounded up to 0.1 s. In all 1.6 s:
    // 1.6 GiB-s and 3.2 vCPU-s; the requests are still billed one by one.
    let r = billing_trace(TEN_SECONDS, &format!("basis = \"serving\"\n{VCPU_PRICE}"));
    let d = deployment(&r, "d");
    assert!((quantity(d, "gb_seconds") - 1.6).abs() < 1e-9);
    assert!((quantity(d, "vcpu_seconds") - 3.2).abs() < 1e-9);
    assert_eq!(quantity(d, "requests"), 3.0);
    // A 1 s minimum per period: 1.5 s + 1 s.
    let r = billing_trace(
        TEN_SECONDS,
        &format!("basis = \"serving\"\nminimum = \"1s\"\n{VCPU_PRICE}"),
    );
    assert!((quantity(deployment(&r, "d"), "gb_seconds") - 2.5).abs() < 1e-9);
}

#[test]
fn a_serving_period_that_opens_inside_the_rounded_end_of_the_last_continues_it() {
    // A 1,030 ms call at 0 s: served [0, 1.13 s] (boot included), billed up to 1.2 s. A 10 ms
    // call at 1.15 s, inside that rounding: the period continues to 1.16 s, still billed up
    // to 1.2 s: 1.2 GiB-s in all, not 1.2 + 0.1. A 10 ms call at 1.25 s opens a new period,
    // [1.25 s, 1.26 s] billed 0.1 s: 1.3 GiB-s.
    let keys = "keep_alive = { policy = \"forever\" }\ninstance_concurrency = 80";
    let billing = "granularity = \"100ms\"\nbasis = \"serving\"";
    let d = |rows: &[Row]| {
        let r = replay(rows, "1m", &faas("d", keys, billing));
        quantity(deployment(&r, "d"), "gb_seconds")
    };
    assert!((d(&[(0.0, 1030.0), (1.15, 10.0)]) - 1.2).abs() < 1e-9);
    assert!((d(&[(0.0, 1030.0), (1.25, 10.0)]) - 1.3).abs() < 1e-9);
}

#[test]
fn instance_basis_bills_from_launch_to_reclaim_or_to_the_window_end() {
    // Launched at 0 s, last idle from 5.05 s, reclaimed 10 s later at 15.05 s: 15.05 s,
    // rounded up to 15.1 s: 15.1 GiB-s and 30.2 vCPU-s.
    let r = billing_trace(TEN_SECONDS, &format!("basis = \"instance\"\n{VCPU_PRICE}"));
    let d = deployment(&r, "d");
    assert!((quantity(d, "gb_seconds") - 15.1).abs() < 1e-9);
    assert!((quantity(d, "vcpu_seconds") - 30.2).abs() < 1e-9);
    // Kept forever: billed to the end of the 60 s window.
    let r = billing_trace(
        "keep_alive = { policy = \"forever\" }",
        &format!("basis = \"instance\"\n{VCPU_PRICE}"),
    );
    let d = deployment(&r, "d");
    assert!((quantity(d, "gb_seconds") - 60.0).abs() < 1e-9);
    assert!((quantity(d, "vcpu_seconds") - 120.0).abs() < 1e-9);
    // Without a vCPU-s price only memory is billed.
    let r = billing_trace(TEN_SECONDS, "basis = \"instance\"");
    assert!(!has_meter(deployment(&r, "d"), "vcpu_seconds"));
}

#[test]
fn a_gib_second_is_a_256_mib_instance_for_4_seconds() {
    // Google's own definition (cloud.google.com/run/pricing, "Pricing tables"): "running a
    // 1 gibibyte instance for 1 second, or running a 256 mebibyte instance for 4 seconds".
    // One 4 s call on a 256 MB instance kept until the window's end at 4.1 s (boot 100 ms
    // included): serving bills 4.1 s x 0.25 GiB.
    let r = run_text(
        r#"
duration = "4100ms"
bucket = "4100ms"
[[workload.functions]]
name = "f"
memory = "256MB"
execution = { dist = "constant", value = "4s" }
arrivals = { process = "fixed_interval", every = "1h" }
[[deployments]]
name = "d"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "100ms" }
keep_alive = { policy = "forever" }
vcpus = 1
[deployments.compute.billing]
basis = "serving"
requests = { usd = 0.40, per = 1_000_000 }
gb_seconds = { usd = 0.0000025 }
vcpu_seconds = { usd = 0.000024 }
granularity = "100ms"
"#,
    );
    let d = deployment(&r, "d");
    assert!((quantity(d, "gb_seconds") - 4.1 * 0.25).abs() < 1e-9);
    assert!((quantity(d, "vcpu_seconds") - 4.1).abs() < 1e-9);
}

/// Little's law on a day of the shipped scenario: mean calls in flight = rate x mean time
/// held. The `api` function's execution is lognormal with median 8 ms and p99 60 ms
/// (sigma = ln(60 / 8) / 2.3263 = 0.8661, mean = 8 ms x exp(sigma^2 / 2) = 11.64 ms), and it
/// makes two database reads, lognormal with median 4 ms and p99 15 ms (sigma = 0.5682, mean
/// 4.70 ms each): 21.04 ms held on Lambda. The daily profile averages 23.5 / 24, so the mean
/// rate is 19.58/s and Lambda's mean busy instances are 0.412. Its peak hour runs at
/// 1.8 x 20 = 36/s: 0.76 calls in flight, far below one Cloud Run instance's 80 slots even
/// if CPU sharing stretched each call tenfold, so Cloud Run never needs a second busy
/// instance: ceil(36 x 0.021 x 10 / 80) = 1.
#[test]
fn the_shipped_cloud_run_scenario_runs_and_needs_one_busy_instance_where_lambda_needs_several() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cloud-run.toml");
    let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let r = run::run(&scenario).unwrap_or_else(|e| panic!("{e}"));
    let lambda = deployment(&r, "lambda");
    let little = 19.583 * 0.02104;
    let mean = busy(lambda).window_mean();
    assert!(
        (mean - little).abs() < 0.03 * little,
        "lambda mean busy {mean}"
    );
    for name in ["cloud-run-request", "cloud-run-instance"] {
        let d = deployment(&r, name);
        assert_eq!(d.recorder.totals.failed, 0, "{name}");
        assert_eq!(d.recorder.totals.requests, lambda.recorder.totals.requests);
        assert_eq!(busy(d).peak(), 1, "{name}");
    }
    assert!(
        busy(lambda).peak() > 1,
        "lambda peak {}",
        busy(lambda).peak()
    );
    // Instance-based billing runs the instance from its launch to the window's end.
    let vcpu_s = quantity(deployment(&r, "cloud-run-instance"), "vcpu_seconds");
    assert!(vcpu_s > 86_390.0 && vcpu_s <= 86_400.0, "{vcpu_s}");
}

#[test]
fn at_the_same_load_cloud_run_needs_about_one_80th_of_lambdas_instances() {
    // Poisson 1,000/s of 100 ms calls (no vCPUs: nothing is slowed): 100 calls in flight on
    // average (Little), so Lambda's mean busy instances are 100 and its peak is above that.
    // Cloud Run with 80 slots per instance needs ceil(100 / 80) = 2 busy instances; a third
    // would need more than 160 calls in flight, 6 standard deviations above the mean
    // (sd = sqrt(100) = 10). Boots take 1 ms, so no pile-up of calls waiting for a boot
    // (which would launch extra instances at the start) disturbs the count.
    let text = |keys: &str| {
        format!(
            r#"
seed = 3
duration = "5m"
bucket = "1m"
[[workload.functions]]
name = "api"
memory = "512MB"
execution = {{ dist = "constant", value = "100ms" }}
arrivals = {{ process = "poisson", rate = "1000/s" }}
[[deployments]]
name = "d"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "1ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "15m" }}
{keys}
{}"#,
            common::FAAS_BILLING
        )
    };
    let busy = |r: &RunResult| deployment(r, "d").recorder.levels[Level::Busy as usize].clone();
    let lambda = busy(&run_text(&text("")));
    let cloud_run = busy(&run_text(&text("instance_concurrency = 80")));
    assert!(
        (lambda.window_mean() - 100.0).abs() < 3.0,
        "{}",
        lambda.window_mean()
    );
    assert!(lambda.peak() > 100, "{}", lambda.peak());
    assert_eq!(cloud_run.peak(), 2);
}

#[test]
fn a_call_computing_past_the_window_end_still_completes() {
    // Two 1 s calls at 59.5 s on a fresh instance (boot 100 ms) with 1 vCPU: both compute
    // from 59.6 s at half speed and end at 61.6 s, after the 60 s window: the shared CPU's
    // deadlines are work, so the run drains them (latency 2.1 s each).
    let rows = [(59.5, 1000.0), (59.5, 1000.0)];
    let r = replay(
        &rows,
        "1m",
        &faas(
            "d",
            "keep_alive = { policy = \"forever\" }\ninstance_concurrency = 2\nvcpus = 1",
            "",
        ),
    );
    let d = deployment(&r, "d");
    assert_eq!(d.recorder.totals.completed, 2);
    assert_eq!(latencies_ms(&r, "d"), (2100.0, 2100.0));
}
