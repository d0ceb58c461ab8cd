//! The FaaS rules docs/models.md states, each on a hand-made trace with a known answer: what
//! a cold start and an instance start are, provisioned instances ready without a boot,
//! `reset = "never"` with an instance busy past its deadline, and the hybrid policy's one
//! pending pre-warm per pool.
//!
//! Every trace is a plain CSV of calls at chosen seconds (1,024 MB, billed as 1 GB) with
//! constant durations and a constant 100 ms cold start, so every number below is worked out
//! by hand from the rules.

mod common;

use common::deployment;
use serverless_sim::platform::DeploymentResult;
use serverless_sim::run::RunResult;

/// A FaaS deployment with a 100 ms cold start, Lambda-like prices (with the provisioned
/// meters when `keys` sets `provisioned`) and `keys` under `[deployments.compute]`.
fn faas(name: &str, keys: &str) -> String {
    let provisioned_prices = if keys.contains("provisioned") {
        "provisioned_gb_seconds = { usd = 0.0000041667 }\nprovisioned_compute = { usd = 0.0000097222 }"
    } else {
        ""
    };
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
{provisioned_prices}
"#
    )
}

/// Replays calls of function `f` given as (second, duration in ms) for `duration`.
fn replay(calls: &[(f64, f64)], duration: &str, deployments: &str) -> RunResult {
    let rows: Vec<common::Call> = calls.iter().map(|&(t, ms)| (t, "f", "a", ms)).collect();
    common::replay_calls(&rows, duration, "", deployments)
}

fn meter(d: &DeploymentResult, name: &str) -> f64 {
    common::billing::line(d, name).window_quantity
}

fn assert_near(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 1e-6, "{what}: got {got}, want {want}");
}

#[test]
fn a_cold_start_is_a_wait_for_a_boot_and_an_instance_start_is_a_boot() {
    // instance_concurrency = 2, three 1 s calls at 0 s: the first starts instance A (boots
    // to 0.1 s), the second takes A's free slot while it boots (waits for the boot), the
    // third starts instance B. All three waited for a boot: 3 cold starts, 2 instance
    // starts, each call 1.1 s. A call at 10 s finds a warm instance: neither.
    let r = replay(
        &[
            (0.0, 1_000.0),
            (0.0, 1_000.0),
            (0.0, 1_000.0),
            (10.0, 1_000.0),
        ],
        "1m",
        &faas(
            "c2",
            "keep_alive = { policy = \"forever\" }\ninstance_concurrency = 2",
        ),
    );
    let d = deployment(&r, "c2");
    let t = &d.recorder.totals;
    assert_eq!((t.cold_starts, t.instance_starts), (3, 2));
    let f = d.recorder.functions.counts(0);
    assert_eq!((f.cold_starts, f.instance_starts), (3, 2));
    assert_eq!(d.recorder.latency.max_us(), Some(1_100_000));
}

#[test]
fn provisioned_instances_are_ready_without_a_boot() {
    // One provisioned instance, two 1 s calls at 0 s: the first runs on the provisioned
    // instance at once (1.0 s, no cold start, no instance start); the second starts an
    // on-demand instance (1.1 s). Mean latency 1.05 s.
    let r = replay(
        &[(0.0, 1_000.0), (0.0, 1_000.0)],
        "1m",
        &faas(
            "pc",
            "keep_alive = { policy = \"none\" }\nprovisioned = { instances = 1 }",
        ),
    );
    let d = deployment(&r, "pc");
    let t = &d.recorder.totals;
    assert_eq!((t.cold_starts, t.instance_starts), (1, 1));
    assert_eq!(d.recorder.latency.mean_us(), Some(1_050_000.0));
    assert_near(meter(d, "provisioned_compute"), 1.0, "provisioned compute");
    assert_near(meter(d, "gb_seconds"), 1.0, "on-demand GB-s");
}

#[test]
fn a_provisioned_level_that_rises_serves_a_call_at_that_very_moment() {
    // No provisioned instance until 00:05, one from then. A 1 s call at 0 s is cold (1.1 s;
    // keep-alive none reclaims its instance at 1.1 s). The level rises at 300 s, before a
    // call arriving at 300 s is placed (due events run before arrivals at the same
    // microsecond): that call runs at once on the new provisioned instance (1.0 s).
    // Provisioned memory: 1 GB x 300 s.
    let r = replay(
        &[(0.0, 1_000.0), (300.0, 1_000.0)],
        "10m",
        &faas(
            "pc",
            r#"keep_alive = { policy = "none" }
provisioned = { schedule = [ { from = "00:05", to = "00:10", instances = 1 } ] }"#,
        ),
    );
    let d = deployment(&r, "pc");
    let t = &d.recorder.totals;
    assert_eq!((t.cold_starts, t.instance_starts), (1, 1));
    assert_eq!(d.recorder.latency.mean_us(), Some(1_050_000.0));
    assert_near(
        meter(d, "provisioned_gb_seconds"),
        300.0,
        "provisioned GB-s",
    );
    assert_near(meter(d, "provisioned_compute"), 1.0, "provisioned compute");
}

#[test]
fn reset_never_reclaims_an_instance_busy_past_its_deadline_when_its_call_ends() {
    // Keep-alive 600 s. Calls at 0 s (1 ms), 590 s (20 s) and 615 s (1 ms), 15 min window.
    // The instance boots to 0.1 s and first goes idle at 0.101 s; the call at 590 s is warm
    // and keeps it busy until 610 s.
    // never: its deadline is 600.101 s, while it is busy; it is not interrupted, and is
    // reclaimed the moment the call ends (610 s) with no idle time after it. The call at
    // 615 s is cold; its instance idles from 615.101 s to the window's end (its deadline,
    // 1215.101 s, is after it). 2 cold starts; idle 589.899 + 284.899 s.
    // on_use: the call at 610 s restarts the clock: the call at 615 s is warm. 1 cold start;
    // idle 589.899 + 5 + 284.999 s.
    let r = replay(
        &[(0.0, 1.0), (590.0, 20_000.0), (615.0, 1.0)],
        "15m",
        &(faas(
            "never",
            r#"keep_alive = { policy = "fixed", idle_timeout = "600s", reset = "never" }"#,
        ) + &faas(
            "on_use",
            r#"keep_alive = { policy = "fixed", idle_timeout = "600s" }"#,
        )),
    );
    let never = deployment(&r, "never");
    assert_eq!(never.recorder.totals.cold_starts, 2);
    assert_near(
        never.recorder.idle_gb_seconds,
        589.899 + 284.899,
        "never idle",
    );
    let on_use = deployment(&r, "on_use");
    assert_eq!(on_use.recorder.totals.cold_starts, 1);
    assert_near(
        on_use.recorder.idle_gb_seconds,
        589.899 + 5.0 + 284.999,
        "on_use idle",
    );
}

#[test]
fn the_hybrid_policy_keeps_one_pending_prewarm_per_pool_the_latest() {
    // A 1 s call every 30 min from 0 s to 19,800 s (12 calls), as in faas_policies.rs: the
    // histogram (idle times 1798.9 s, then 1799 s: the 29-minute bin) is representative from
    // the end of the 11th call (18,001 s); from then each end unloads the instance and
    // pre-warms 1566 s later (29 min x 0.9), kept 1980 s (30 min x 1.1). Pre-warms at
    // 19,567 s and 21,367 s each serve the next call (233 s idle each).
    // At 21,600 s two calls: 1 s on the pre-warmed instance (ends 21,601 s) and 61 s on a new
    // instance (cold, ends 21,661.1 s). Each end unloads its instance and sets the pool's
    // pre-warm: 21,601 + 1566 = 23,167 s, then replaced by 21,661.1 + 1566 = 23,227.1 s.
    // A probe call at 23,200 s therefore finds no warm instance: cold (it would have been
    // warm had the earlier pre-warm been kept), and it cancels the pending pre-warm. Its idle
    // time, 23,200 - 21,661.1 = 1538.9 s (the 25-minute bin), moves the head to 25 min:
    // its end (23,201.1 s) unloads it and pre-warms at + 1350 s, kept 1980 s, inside the 8 h
    // window.
    // Cold starts: the first call, the 61 s call, the probe: 3 (3 instance starts).
    // Pre-warms: 19,567, 21,367, 24,551.1 s: 3. Idle: 1798.9 + 9 x 1799 s (the first
    // instance, kept by the 4 h fallback until the 11th call's end), 2 x 233 s, 1980 s.
    let mut calls: Vec<(f64, f64)> = (0..12).map(|k| (1800.0 * k as f64, 1_000.0)).collect();
    calls.extend([
        (21_600.0, 1_000.0),
        (21_600.0, 61_000.0),
        (23_200.0, 1_000.0),
    ]);
    let r = replay(
        &calls,
        "8h",
        &faas("hybrid", r#"keep_alive = { policy = "hybrid" }"#),
    );
    let d = deployment(&r, "hybrid");
    let t = &d.recorder.totals;
    assert_eq!((t.cold_starts, t.instance_starts), (3, 3));
    assert_eq!(t.prewarms, 3);
    assert_near(
        d.recorder.idle_gb_seconds,
        1798.9 + 9.0 * 1799.0 + 2.0 * 233.0 + 1980.0,
        "idle",
    );
}
