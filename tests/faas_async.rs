//! Hand-made workloads with known answers for the FaaS scale-up rate, asynchronous
//! invocations and their retries, per-function timeouts, runtime cold starts and the
//! memory/CPU coupling. Every expected count and time is worked out by hand above its check
//! from the rules in `platform::faas::invocation` and `platform::faas::functions`.

mod common;

use serverless_sim::engine::time::{MS, SECOND};
use serverless_sim::platform::DeploymentResult;
use serverless_sim::run::{self, RunResult};
use serverless_sim::scenario::Scenario;

/// One invocation: (seconds, function, duration in ms).
type Row<'a> = (f64, &'a str, f64);

/// Replays `rows` (memory 1024 MB, app "a") for `duration` with the trace-level keys
/// `trace_keys` against `deployments` (TOML).
fn replay(rows: &[Row], duration: &str, trace_keys: &str, deployments: &str) -> RunResult {
    let calls: Vec<common::Call> = rows.iter().map(|&(t, f, ms)| (t, f, "a", ms)).collect();
    common::replay_calls(&calls, duration, trace_keys, deployments)
}

/// Runs scenario `body` (after a name and seed) next to a `calls.csv` holding `csv`.
fn run_files(csv: &str, body: &str) -> RunResult {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("calls.csv"), csv).unwrap();
    let path = dir.path().join("async.toml");
    std::fs::write(&path, format!("name = \"async\"\nseed = 1\n{body}")).unwrap();
    let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    run::run(&scenario).unwrap_or_else(|e| panic!("{e}"))
}

/// A FaaS deployment with `keys`, a 100 ms cold start and flat Lambda-like prices (init not
/// billed).
fn faas(name: &str, keys: &str) -> String {
    faas_with(
        name,
        "cold_start = { dist = \"constant\", value = \"100ms\" }",
        keys,
    )
}

/// As [`faas`], with the cold-start line `cold` (empty: none).
fn faas_with(name: &str, cold: &str, keys: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "faas"
{cold}
{keys}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
"#
    )
}

const FOREVER: &str = "keep_alive = { policy = \"forever\" }";

fn only(r: &RunResult) -> &DeploymentResult {
    assert_eq!(r.deployments.len(), 1);
    &r.deployments[0]
}

fn meter(d: &DeploymentResult, name: &str) -> f64 {
    d.bill
        .lines
        .iter()
        .find(|l| l.meter == name)
        .unwrap_or_else(|| panic!("no meter {name}"))
        .window_quantity
}

fn max_latency(d: &DeploymentResult) -> u64 {
    d.recorder.latency.max_us().expect("some call completed")
}

#[test]
fn a_burst_beyond_the_scale_up_rate_is_throttled_when_sync() {
    // 25 calls of 1 ms at t = 0, rate 10 per 10 s: the bucket starts full, so the first 10
    // start new instances (cold); each is booting with no free slot, so the other 15 need a
    // new instance too and find no token: 15 throttled (429), counted as scale-up throttles.
    let rows: Vec<Row> = (0..25).map(|_| (0.0, "f", 1.0)).collect();
    let keys = format!("{FOREVER}\nscale_up_rate = \"10/10s\"");
    let r = replay(&rows, "1m", "", &faas("lam", &keys));
    let t = &only(&r).recorder.totals;
    assert_eq!(t.cold_starts, 10);
    assert_eq!(t.completed, 10);
    assert_eq!(t.scale_up_throttled, 15);
    assert_eq!(t.throttled, 15);
    assert_eq!(t.failed, 15);
    assert_eq!((t.retries, t.dropped), (0, 0));
    // Without a rate all 25 start at once.
    let r = replay(&rows, "1m", "", &faas("lam", FOREVER));
    let t = &only(&r).recorder.totals;
    assert_eq!(
        (t.cold_starts, t.completed, t.scale_up_throttled),
        (25, 25, 0)
    );
}

#[test]
fn an_async_burst_beyond_the_scale_up_rate_is_retried_and_warm_starts_are_never_limited() {
    // As above but async. At 0 s: 10 cold starts, 15 refused (1st throttle each: retry at
    // 1 s). The 10 instances are idle again at 0.101 s (kept forever).
    // At 1 s: 10 retries take the 10 warm instances (no token needed); the bucket has
    // refilled 1 s x 10 / 10 s = 1 token: the 11th starts a new instance; the last 4 are
    // refused (2nd throttle: retry 2 s later, at 3 s).
    // At 3 s: 11 idle instances serve the 4 warm.
    // Retries 15 + 4 = 19, scale-up refusals 19, cold starts 11, all 25 complete, none
    // fails; the last complete at 3.001 s, their latency counted from the first arrival.
    let rows: Vec<Row> = (0..25).map(|_| (0.0, "f", 1.0)).collect();
    let keys = format!("{FOREVER}\nscale_up_rate = \"10/10s\"");
    let r = replay(&rows, "1m", "invocation = \"async\"", &faas("lam", &keys));
    let d = only(&r);
    let t = &d.recorder.totals;
    assert_eq!(t.cold_starts, 11);
    assert_eq!(t.retries, 19);
    assert_eq!(t.scale_up_throttled, 19);
    assert_eq!(t.completed, 25);
    assert_eq!((t.failed, t.throttled, t.dropped), (0, 0, 0));
    assert_eq!(max_latency(d), 3 * SECOND + MS);
    // Every attempt that ran is billed once: 25 requests.
    assert_eq!(meter(d, "requests"), 25.0);
}

#[test]
fn a_throttled_async_call_is_retried_after_one_then_two_seconds_and_completes() {
    // Account limit 1. g (2.5 s) starts at 0 (cold, 100 ms): busy until 2.6 s. f arrives at
    // 0 and is throttled: retried at 1 s (throttled again), then 2 s later at 3 s, when g
    // is done: f starts cold on its own pool and completes at 3 + 0.1 + 0.001 = 3.101 s.
    // Its latency, from its first arrival, is 3.101 s. Sync: f is throttled once, fails.
    let rows: Vec<Row> = vec![(0.0, "g", 2500.0), (0.0, "f", 1.0)];
    let keys = format!("{FOREVER}\naccount_concurrency = 1");
    let r = replay(&rows, "1m", "invocation = \"async\"", &faas("lam", &keys));
    let d = only(&r);
    let t = &d.recorder.totals;
    assert_eq!(t.retries, 2);
    assert_eq!(t.completed, 2);
    assert_eq!(t.cold_starts, 2);
    assert_eq!(
        (t.failed, t.throttled, t.dropped, t.scale_up_throttled),
        (0, 0, 0, 0)
    );
    assert_eq!(max_latency(d), 3_101 * MS);

    let r = replay(&rows, "1m", "", &faas("lam", &keys));
    let t = &only(&r).recorder.totals;
    assert_eq!(
        (t.throttled, t.failed, t.completed, t.retries),
        (1, 1, 1, 0)
    );
}

#[test]
fn a_timed_out_async_call_is_retried_twice_then_dropped() {
    // One async call of 5 s, timeout 2 s. Attempt 1: cold (100 ms), stopped at 2.1 s;
    // retried 1 min later (62.1 s, warm), stopped at 64.1 s; retried 2 min later (184.1 s),
    // stopped at 186.1 s: out of retries (2), dropped. Each attempt billed 2 s at 1 GB:
    // 3 requests, 6 GB-s. It fails once (dropped), not as timed_out.
    let rows: Vec<Row> = vec![(0.0, "f", 5000.0)];
    let keys = format!("{FOREVER}\ntimeout = \"2s\"");
    let r = replay(&rows, "5m", "invocation = \"async\"", &faas("lam", &keys));
    let d = only(&r);
    let t = &d.recorder.totals;
    assert_eq!((t.retries, t.dropped, t.failed), (2, 1, 1));
    assert_eq!((t.timed_out, t.completed, t.cold_starts), (0, 0, 1));
    assert_eq!(meter(d, "requests"), 3.0);
    assert!((meter(d, "gb_seconds") - 6.0).abs() < 1e-9);

    // max_retries = 0: dropped after the first attempt, billed once.
    let r = replay(
        &rows,
        "5m",
        "invocation = \"async\"\nmax_retries = 0",
        &faas("lam", &keys),
    );
    let d = only(&r);
    let t = &d.recorder.totals;
    assert_eq!((t.retries, t.dropped, t.failed), (0, 1, 1));
    assert!((meter(d, "gb_seconds") - 2.0).abs() < 1e-9);
}

#[test]
fn an_async_event_throttled_past_its_maximum_age_is_dropped() {
    // Account limit 1, held by g for 10 min. f (max_event_age 1 min) is throttled at 0 and
    // retried at 1, 3, 7, 15 and 31 s (waits of 1, 2, 4, 8, 16 s); after the 6th throttle
    // at 31 s the next wait is 32 s: 63 s after its arrival, past 60 s: dropped at 31 s.
    let rows: Vec<Row> = vec![(0.0, "g", 600_000.0), (0.0, "f", 1.0)];
    let keys = format!("{FOREVER}\naccount_concurrency = 1");
    let trace = "invocation = \"async\"\nmax_event_age = \"1m\"";
    let r = replay(&rows, "15m", trace, &faas("lam", &keys));
    let t = &only(&r).recorder.totals;
    assert_eq!((t.retries, t.dropped, t.failed), (5, 1, 1));
    assert_eq!(t.completed, 1);
}

/// A synthetic scenario of `functions` (TOML) for `duration` against `deployments`.
fn synthetic(duration: &str, functions: &str, deployments: &str) -> RunResult {
    run_files(
        "",
        &format!("duration = \"{duration}\"\nbucket = \"{duration}\"\n{functions}\n{deployments}"),
    )
}

/// A function called every minute from t = 0 with a constant execution time.
fn function(name: &str, memory: &str, exec: &str, keys: &str) -> String {
    format!(
        r#"
[[workload.functions]]
name = "{name}"
memory = "{memory}"
execution = {{ dist = "constant", value = "{exec}" }}
arrivals = {{ process = "fixed_interval", every = "1m" }}
{keys}
"#
    )
}

#[test]
fn a_function_timeout_overrides_the_deployments() {
    // 10 calls each (0, 1, ..., 9 min) of 2 s: f's own 1 s timeout stops every call; g
    // falls under the deployment's 10 s and completes.
    let functions =
        function("f", "1GB", "2s", "timeout = \"1s\"") + &function("g", "1GB", "2s", "");
    let keys = format!("{FOREVER}\ntimeout = \"10s\"");
    let r = synthetic("10m", &functions, &faas("lam", &keys));
    let t = &only(&r).recorder.totals;
    assert_eq!((t.timed_out, t.completed, t.failed), (10, 10, 10));
}

#[test]
fn doubling_the_memory_of_a_cpu_bound_function_halves_its_time_at_the_same_gb_seconds() {
    // Measured at 512 MB, fully CPU-bound, 1 s; both memories are under 1 vCPU (1,769 MB),
    // so the share doubles with the memory. 10 calls, one cold (100 ms, not billed).
    // At 512 MB: 1 s each, 10 x 1 s x 0.5 GB = 5 GB-s; slowest call 1.1 s.
    // At 1024 MB: 0.5 s each, 10 x 0.5 s x 1 GB = 5 GB-s; slowest call 0.6 s.
    // Half CPU-bound at 1024 MB: 1 s x (0.5 x 1/2 + 0.5) = 0.75 s, 7.5 GB-s.
    // Not CPU-bound (the default): 1 s, 10 GB-s, as without the keys.
    for (memory, keys, secs, gb_s) in [
        (
            "512MB",
            "cpu_bound = 1.0\nreference_memory = \"512MB\"",
            1.0,
            5.0,
        ),
        (
            "1024MB",
            "cpu_bound = 1.0\nreference_memory = \"512MB\"",
            0.5,
            5.0,
        ),
        (
            "1024MB",
            "cpu_bound = 0.5\nreference_memory = \"512MB\"",
            0.75,
            7.5,
        ),
        ("1024MB", "reference_memory = \"512MB\"", 1.0, 10.0),
        ("1024MB", "", 1.0, 10.0),
    ] {
        let r = synthetic(
            "10m",
            &function("f", memory, "1s", keys),
            &faas("lam", FOREVER),
        );
        let d = only(&r);
        assert_eq!(d.recorder.totals.completed, 10, "{memory} {keys}");
        let slowest = (secs * 1e6) as u64 + 100 * MS;
        assert_eq!(max_latency(d), slowest, "{memory} {keys}");
        let billed = meter(d, "gb_seconds");
        assert!((billed - gb_s).abs() < 1e-9, "{memory} {keys}: {billed}");
    }
}

#[test]
fn a_runtime_gives_the_default_cold_start_and_a_deployment_cold_start_overrides_it() {
    // Python's default is a lognormal with a 215.4 ms median (runtimes module). Without
    // keep-alive every call of 1 s is cold: the median latency is 1,215.4 ms. The standard
    // error of a median of 600 lognormal draws with sigma 0.46 is about
    // 1.2533 x 0.46 / sqrt(600) = 2.4% of 215 ms = 5 ms; allow 3 of them (and the 0.1%
    // histogram resolution).
    let f = function("f", "1GB", "1s", "runtime = \"python\"").replace("1m", "10s");
    let none = "keep_alive = { policy = \"none\" }";
    let r = synthetic("100m", &f, &faas_with("runtime", "", none));
    let d = only(&r);
    assert_eq!(d.recorder.totals.cold_starts, 600);
    let median_ms = d.recorder.latency.quantile_us(0.5).unwrap() as f64 / 1e3;
    assert!((median_ms - 1215.4).abs() < 16.0, "{median_ms}");
    // The deployment's cold start wins over the runtime's: every call takes 1.1 s.
    let r = synthetic("100m", &f, &faas("given", none));
    assert_eq!(max_latency(only(&r)), 1_100 * MS);
}

#[test]
fn fleets_ignore_the_functions_faas_settings() {
    // A fleet server runs at its own speed: a fully CPU-bound async function measured at
    // 512 MB but configured at 1 GB still takes its 1 s there, never times out on the
    // function's 0.5 s FaaS timeout and is never retried.
    let keys = "cpu_bound = 1.0\nreference_memory = \"512MB\"\ninvocation = \"async\"\ntimeout = \"500ms\"\nruntime = \"java\"";
    let fleet = r#"
[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
"#;
    let r = synthetic("10m", &function("f", "1GB", "1s", keys), fleet);
    let d = only(&r);
    let t = &d.recorder.totals;
    assert_eq!(
        (t.completed, t.failed, t.retries, t.timed_out),
        (10, 0, 0, 0)
    );
    assert_eq!(max_latency(d), SECOND);
    // The same function on FaaS: 0.5 s of CPU at twice the share is 0.5 s, not over the
    // timeout (equal is allowed), so all 10 complete; the slowest is the cold one, with
    // Java's default cold start (a lognormal draw, so only bounded below here).
    let r = synthetic(
        "10m",
        &function("f", "1GB", "1s", keys),
        &faas_with("lam", "", FOREVER),
    );
    let d = only(&r);
    assert_eq!(
        (d.recorder.totals.completed, d.recorder.totals.retries),
        (10, 0)
    );
    assert!(max_latency(d) > 500 * MS);
}
