//! Hand-made traces with known answers, one per FaaS policy: keep-alive reset rules, pools per
//! app, per-instance concurrency, idle-instance choice, function timeouts.
//!
//! Each trace is a plain CSV of invocations at chosen seconds with constant durations, so
//! every cold start can be counted by hand from the rules (worked out above each check).

mod common;

use common::deployment;
use serverless_sim::metrics::Level;
use serverless_sim::run::RunResult;

/// One invocation: (seconds, function, app, duration in ms).
type Row<'a> = common::Call<'a>;

/// Replays `rows` (memory 1024 MB each) for `duration` against `deployments` (TOML).
fn replay(rows: &[Row], duration: &str, deployments: &str) -> RunResult {
    common::replay_calls(rows, duration, "", deployments)
}

/// A FaaS deployment with a 100 ms cold start and flat Lambda-like prices.
fn faas(name: &str, keys: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "100ms" }}
{keys}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
"#
    )
}

fn cold(r: &RunResult, name: &str) -> u64 {
    deployment(r, name).recorder.totals.cold_starts
}

#[test]
fn reset_on_use_restarts_the_idle_clock_and_never_does_not() {
    // Calls at 0, 300, 540, 720 s of 1 ms, keep-alive 600 s. The instance first goes idle at
    // 0.101 s (100 ms boot + 1 ms).
    // on_use: idle gaps of ~300, ~240, ~180 s, all under 600 s: 1 cold start.
    // never: the instance expires at 600.101 s, the first idle moment after its deadline; the
    // call at 540 s is warm, the one at 720 s is cold: 2 cold starts.
    let rows: Vec<Row> = [0.0, 300.0, 540.0, 720.0]
        .iter()
        .map(|&t| (t, "f", "a", 1.0))
        .collect();
    let r = replay(
        &rows,
        "15m",
        &(faas(
            "on_use",
            r#"keep_alive = { policy = "fixed", idle_timeout = "600s" }"#,
        ) + &faas(
            "never",
            r#"keep_alive = { policy = "fixed", idle_timeout = "600s", reset = "never" }"#,
        )),
    );
    assert_eq!(cold(&r, "on_use"), 1);
    assert_eq!(cold(&r, "never"), 2);
}

#[test]
fn app_pools_share_instances_between_an_apps_functions() {
    // f1 and f2 of app "a" alternate every 60 s (1 ms each), keep-alive 10 min: one shared
    // instance serves them all (1 cold start); per-function pools need one each (2).
    let rows: Vec<Row> = (0..10)
        .map(|k| {
            (
                60.0 * k as f64,
                if k % 2 == 0 { "f1" } else { "f2" },
                "a",
                1.0,
            )
        })
        .collect();
    let keep = r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#;
    let r = replay(
        &rows,
        "15m",
        &(faas("per_function", keep) + &faas("per_app", &format!("{keep}\npools = \"app\""))),
    );
    assert_eq!(cold(&r, "per_function"), 2);
    assert_eq!(cold(&r, "per_app"), 1);
}

#[test]
fn eighty_calls_per_instance_serve_a_hundred_concurrent_calls_on_two_instances() {
    // 100 calls at t = 0 of 10 s each. With instance_concurrency = 80 the first call launches
    // an instance, the next 79 take its free slots while it boots, call 81 launches a second
    // one that takes the last 20: two instances, peak of two starting and two busy. Every
    // call waited for a boot, so all 100 count as cold starts and take 10.1 s; two instances
    // started (one per call with instance_concurrency = 1).
    let rows: Vec<Row> = (0..100).map(|_| (0.0, "f", "a", 10_000.0)).collect();
    let keep = r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#;
    let r = replay(
        &rows,
        "1m",
        &(faas("c80", &format!("{keep}\ninstance_concurrency = 80")) + &faas("c1", keep)),
    );
    let c80 = deployment(&r, "c80");
    assert_eq!(c80.recorder.levels[Level::Starting as usize].peak(), 2);
    assert_eq!(c80.recorder.levels[Level::Busy as usize].peak(), 2);
    assert_eq!(c80.recorder.totals.cold_starts, 100);
    assert_eq!(c80.recorder.totals.instance_starts, 2);
    assert_eq!(c80.recorder.latency.max_us(), Some(10_100_000));
    assert_eq!(c80.recorder.totals.completed, 100);
    let c1 = deployment(&r, "c1");
    assert_eq!(c1.recorder.levels[Level::Busy as usize].peak(), 100);
    assert_eq!(c1.recorder.totals.instance_starts, 100);
}

#[test]
fn the_idle_instance_rule_decides_how_many_stay_warm() {
    // Three concurrent calls at 0 s (3 instances, idle at 1.1 s), one call every 240 s from
    // 240 s to 1440 s (1 s each), three concurrent calls at 1500 s; keep-alive 900 s.
    let mut rows: Vec<Row> = (0..3).map(|_| (0.0, "f", "a", 1_000.0)).collect();
    rows.extend((1..=6).map(|k| (240.0 * k as f64, "f", "a", 1_000.0)));
    rows.extend((0..3).map(|_| (1500.0, "f", "a", 1_000.0)));
    let keep = r#"keep_alive = { policy = "fixed", idle_timeout = "900s" }"#;
    let with = |rule: &str| faas(rule, &format!("{keep}\nidle_instance = \"{rule}\""));
    let r = replay(
        &rows,
        "30m",
        &(with("most_recently_used") + &with("newest_created") + &with("least_recently_used")),
    );
    // MRU / newest: one instance serves every single call; the other two went idle at 1.1 s
    // and expire at 901.1 s; at 1500 s one is warm: 3 + 2 = 5.
    assert_eq!(cold(&r, "most_recently_used"), 5);
    assert_eq!(cold(&r, "newest_created"), 5);
    // LRU: calls at 240 k rotate over the three instances, each reused every 720 s (< 900 s)
    // and last used at 960, 1200 and 1440 s: all three warm at 1500 s: 3 cold starts.
    assert_eq!(cold(&r, "least_recently_used"), 3);
}

#[test]
fn a_timeout_stops_the_execution_bills_up_to_it_and_fails_the_call() {
    // Two calls of 5 s and one of 1 s against a 2 s timeout, no cold start billed (Lambda's
    // default here): the long ones stop at 2 s (billed 2 GB-s each at 1 GB), the short one
    // completes (1 GB-s): 5 GB-s billed, 2 timed out, 1 completed.
    let rows: Vec<Row> = vec![
        (0.0, "f", "a", 5_000.0),
        (10.0, "f", "a", 5_000.0),
        (20.0, "f", "a", 1_000.0),
    ];
    let r = replay(
        &rows,
        "1m",
        &faas(
            "lam",
            "keep_alive = { policy = \"forever\" }\ntimeout = \"2s\"",
        ),
    );
    let d = deployment(&r, "lam");
    assert_eq!(d.recorder.totals.timed_out, 2);
    assert_eq!(d.recorder.totals.failed, 2);
    assert_eq!(d.recorder.totals.completed, 1);
    let gb_s = d
        .bill
        .lines
        .iter()
        .find(|l| l.meter == "gb_seconds")
        .unwrap()
        .window_quantity;
    assert!((gb_s - 5.0).abs() < 1e-9, "{gb_s}");
}

#[test]
fn the_hybrid_policy_learns_a_clockwork_function_and_loads_it_just_before_each_call() {
    // A 1 s call every 30 min for 48 h: 96 calls at 0, 1800, ..., 171000 s, 1 GB.
    // Idle times (end of one call to the next) are 1798.9 s once (after the cold first call)
    // and 1799 s after: all in the 29-minute bin. The histogram is representative from its
    // 10th sample (min_samples = 10; one full bin of 240 has CV sqrt(239) > 2), i.e. from the
    // end of call 11. Until then the fallback keeps the instance for the whole 4 h range:
    // calls 2-11 are warm, and the instance idles the full gaps, 1798.9 + 9 x 1799 s.
    // From the end of call 11 on, each end unloads it and pre-warms at 29 min x 0.9 =
    // 1566 s, kept for 30 min x 1.1 = 1980 s from then: the next call (1799 s after the end)
    // finds it warm. Loaded idle per cycle: 1799 - 1566 = 233 s, for the 86 cycles after
    // calls 11-96 (the last one ends inside the 48 h window too).
    // fixed 10 min: every gap exceeds 600 s, so all 96 calls are cold, each instance idles
    // 600 s: 57,600 GB-s.
    let rows: Vec<Row> = (0..96)
        .map(|k| (1800.0 * k as f64, "f", "a", 1_000.0))
        .collect();
    let r = replay(
        &rows,
        "48h",
        &(faas("hybrid", r#"keep_alive = { policy = "hybrid" }"#)
            + &faas(
                "fixed",
                r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#,
            )),
    );
    let hybrid = deployment(&r, "hybrid");
    assert_eq!(hybrid.recorder.totals.cold_starts, 1);
    assert_eq!(hybrid.recorder.totals.prewarms, 86);
    let want = 1798.9 + 9.0 * 1799.0 + 86.0 * 233.0;
    let got = hybrid.recorder.idle_gb_seconds;
    assert!((got - want).abs() < 1e-6, "idle GB-s {got} vs {want}");
    assert_eq!(hybrid.recorder.idle_times, 95);
    assert_eq!(hybrid.recorder.idle_times_out_of_range, 0);
    let fixed = deployment(&r, "fixed");
    assert_eq!(fixed.recorder.totals.cold_starts, 96);
    assert!((fixed.recorder.idle_gb_seconds - 57_600.0).abs() < 1e-6);
}

/// Lambda-like prices with provisioned concurrency (x86 list prices).
const PROVISIONED_BILLING: &str = r#"
provisioned_gb_seconds = { usd = 0.0000041667 }
provisioned_compute = { usd = 0.0000097222 }"#;

fn with_provisioned(name: &str, keys: &str) -> String {
    faas(name, keys).replace(
        "gb_seconds = { usd = 0.0000166667 }",
        &format!("gb_seconds = {{ usd = 0.0000166667 }}{PROVISIONED_BILLING}"),
    )
}

fn meter(d: &serverless_sim::platform::DeploymentResult, name: &str) -> f64 {
    d.bill
        .lines
        .iter()
        .find(|l| l.meter == name)
        .unwrap_or_else(|| panic!("no meter {name}"))
        .window_quantity
}

#[test]
fn two_provisioned_instances_take_two_of_a_burst_of_five() {
    // 5 concurrent calls of 1 s at t = 10 s, 2 provisioned: 2 run warm on the provisioned
    // instances, 3 spill over to on-demand ones: exactly 3 cold starts.
    // Billing over the 60 s window at 1 GB: provisioned memory 2 x 60 = 120 GB-s; the two
    // provisioned calls bill 2 GB-s of provisioned compute, the three others 3 GB-s on demand.
    let rows: Vec<Row> = (0..5).map(|_| (10.0, "f", "a", 1_000.0)).collect();
    let r = replay(
        &rows,
        "1m",
        &with_provisioned(
            "pc",
            "keep_alive = { policy = \"fixed\", idle_timeout = \"10m\" }\nprovisioned = { instances = 2 }",
        ),
    );
    let d = deployment(&r, "pc");
    assert_eq!(d.recorder.totals.cold_starts, 3);
    assert!((meter(d, "provisioned_gb_seconds") - 120.0).abs() < 1e-9);
    assert!((meter(d, "provisioned_compute") - 2.0).abs() < 1e-9);
    assert!((meter(d, "gb_seconds") - 3.0).abs() < 1e-9);
}

#[test]
fn a_provisioned_schedule_follows_the_clock() {
    // 3 instances from 00:00 to 06:00, 1 from 06:00 to 12:00, none after, over a 24 h window
    // at 1 GB: 3 x 6 h + 1 x 6 h = 24 instance-hours = 86,400 GB-s. Bursts of 3 concurrent
    // 1 s calls at 03:00 (all warm), 09:00 (1 warm, 2 cold) and 15:00 (3 cold, idle
    // timeout 1 min so the on-demand ones of 09:00 are long gone): 5 cold starts.
    let mut rows: Vec<Row> = Vec::new();
    for hour in [3.0, 9.0, 15.0] {
        rows.extend((0..3).map(|_| (hour * 3600.0, "f", "a", 1_000.0)));
    }
    let schedule = r#"provisioned = { schedule = [ { from = "00:00", to = "06:00", instances = 3 }, { from = "06:00", to = "12:00", instances = 1 } ] }"#;
    let r = replay(
        &rows,
        "24h",
        &with_provisioned(
            "pc",
            &format!("keep_alive = {{ policy = \"fixed\", idle_timeout = \"1m\" }}\n{schedule}"),
        ),
    );
    let d = deployment(&r, "pc");
    assert_eq!(d.recorder.totals.cold_starts, 5);
    assert!((meter(d, "provisioned_gb_seconds") - 86_400.0).abs() < 1e-6);
    assert!((meter(d, "provisioned_compute") - 4.0).abs() < 1e-9);
}
