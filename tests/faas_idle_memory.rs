//! Idle memory kept warm by FaaS keep-alive, against hand-computed values.

use std::path::Path;

use serverless_sim::run::run;
use serverless_sim::scenario::Scenario;

/// One 1 GB function called at t = 0, 60 s, 120 s for exactly 1 s, in a 180 s window, with
/// zero cold-start time and the given keep-alive table.
fn idle_gb_seconds(keep_alive: &str) -> (f64, u64) {
    let text = format!(
        r#"
duration = "180s"
[[workload.functions]]
name = "f"
memory = "1GB"
execution = {{ dist = "constant", value = "1s" }}
arrivals = {{ process = "fixed_interval", every = "60s" }}
[[deployments]]
name = "d"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {keep_alive}
[deployments.compute.billing]
requests = {{ usd = 0.0 }}
gb_seconds = {{ usd = 0.0 }}
"#
    );
    let s = Scenario::parse(Path::new("idle.toml"), &text).expect("valid scenario");
    let r = run(&s).expect("runs");
    let d = &r.deployments[0];
    (d.recorder.idle_gb_seconds, d.recorder.totals.cold_starts)
}

#[test]
fn ten_minute_keep_alive_keeps_memory_warm_between_calls() {
    // Idle 1..60, 61..120, 121..180 (window end): 3 x 59 s x 1 GB; one cold start.
    let (gb_s, cold) = idle_gb_seconds(r#"{ policy = "fixed", idle_timeout = "10m" }"#);
    assert!((gb_s - 177.0).abs() < 1e-9, "{gb_s}");
    assert_eq!(cold, 1);
}

#[test]
fn short_keep_alive_expires_between_calls() {
    // Idle 30 s after each call, then reclaimed: 3 x 30 s; every call is cold.
    let (gb_s, cold) = idle_gb_seconds(r#"{ policy = "fixed", idle_timeout = "30s" }"#);
    assert!((gb_s - 90.0).abs() < 1e-9, "{gb_s}");
    assert_eq!(cold, 3);
}

#[test]
fn no_keep_alive_keeps_nothing_warm() {
    let (gb_s, cold) = idle_gb_seconds(r#"{ policy = "none" }"#);
    assert_eq!(gb_s, 0.0);
    assert_eq!(cold, 3);
}
