//! Lambda-style reserved concurrency, against hand-computed outcomes: a reservation caps its
//! function and is carved out of the account limit that the other functions share.

use std::path::Path;

use serverless_sim::error::SimError;
use serverless_sim::run::run;
use serverless_sim::scenario::Scenario;

/// A 3 s window, account limit 3, no cold-start time, instances kept forever.
/// `b` (100 s per call) is called at 0.5, 1.5 and 2.5 s; `a` (50 s) once, at 2 s. Every call
/// overlaps every other, so each needs its own instance.
fn scenario(reserved: &str) -> Result<Scenario, SimError> {
    let text = format!(
        r#"
duration = "3s"
[[workload.functions]]
name = "a"
memory = "128MB"
execution = {{ dist = "constant", value = "50s" }}
arrivals = {{ process = "fixed_interval", every = "1h", offset = "2s" }}
[[workload.functions]]
name = "b"
memory = "128MB"
execution = {{ dist = "constant", value = "100s" }}
arrivals = {{ process = "fixed_interval", every = "1s", offset = "500ms" }}
[[deployments]]
name = "lambda"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "forever" }}
account_concurrency = 3
{reserved}
[deployments.compute.billing]
requests = {{ usd = 0.0 }}
gb_seconds = {{ usd = 0.0 }}
"#
    );
    Scenario::parse(Path::new("reserved.toml"), &text)
}

/// (throttled, completed, mean latency in s).
fn outcome(reserved: &str) -> (u64, u64, f64) {
    let r = run(&scenario(reserved).expect("valid scenario")).expect("runs");
    let rec = &r.deployments[0].recorder;
    (
        rec.totals.throttled,
        rec.totals.completed,
        rec.latency.mean_us().unwrap() / 1e6,
    )
}

#[test]
fn without_reservations_the_account_limit_is_shared() {
    // b at 0.5 and 1.5 s and a at 2 s fill the 3 slots; b at 2.5 s is throttled.
    let (throttled, completed, mean) = outcome("");
    assert_eq!((throttled, completed), (1, 3));
    assert!((mean - 250.0 / 3.0).abs() < 1e-9, "{mean}");
}

#[test]
fn a_reservation_is_kept_for_its_function_and_taken_from_the_others() {
    // Reserving 2 for a leaves 1 for b: b at 0.5 s runs, b at 1.5 s and 2.5 s are throttled;
    // a at 2 s runs in its reservation.
    let (throttled, completed, mean) = outcome("reserved_concurrency = { a = 2 }");
    assert_eq!((throttled, completed), (2, 2));
    assert!((mean - 75.0).abs() < 1e-9, "{mean}");
}

#[test]
fn a_reservation_of_zero_switches_a_function_off() {
    // a is always throttled; b has all 3 slots.
    let (throttled, completed, mean) = outcome("reserved_concurrency = { a = 0 }");
    assert_eq!((throttled, completed), (1, 3));
    assert!((mean - 100.0).abs() < 1e-9, "{mean}");
}

#[test]
fn reservations_must_name_functions_and_fit_the_account() {
    let err = scenario("reserved_concurrency = { c = 1 }")
        .expect_err("no function c")
        .to_string();
    assert!(
        err.contains("reserved.toml:")
            && err.contains("compute.reserved_concurrency.c")
            && err.contains("no function named 'c'"),
        "{err}"
    );
    let err = scenario("reserved_concurrency = { a = 2, b = 2 }")
        .expect_err("4 > 3")
        .to_string();
    assert!(
        err.contains("reserves 4 in all, more than account_concurrency (3)"),
        "{err}"
    );
}

/// Function `a` (1 s per call) at 0 s and 2 s; `b` (10 s) at 1.5 s; no cold-start time,
/// instances kept forever. At 2 s, `a` has an idle instance while `b` holds the account's
/// only slot left to them: the limits count executions, so the warm instance must not let
/// `a` through.
fn warm_start_scenario(limits: &str) -> Scenario {
    let text = format!(
        r#"
duration = "3s"
[[workload.functions]]
name = "a"
memory = "128MB"
execution = {{ dist = "constant", value = "1s" }}
arrivals = {{ process = "fixed_interval", every = "2s" }}
[[workload.functions]]
name = "b"
memory = "128MB"
execution = {{ dist = "constant", value = "10s" }}
arrivals = {{ process = "fixed_interval", every = "1h", offset = "1500ms" }}
[[workload.functions]]
name = "r"
memory = "128MB"
execution = {{ dist = "constant", value = "1ms" }}
arrivals = {{ process = "fixed_interval", every = "1h", offset = "2900ms" }}
[[deployments]]
name = "lambda"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "forever" }}
{limits}
[deployments.compute.billing]
requests = {{ usd = 0.0 }}
gb_seconds = {{ usd = 0.0 }}
"#
    );
    Scenario::parse(Path::new("warm.toml"), &text).expect("valid scenario")
}

#[test]
fn a_warm_instance_does_not_bypass_a_full_account() {
    // Account 2: a (0-1 s, again 2-3 s) and b (1.5-11.5 s) fit; r at 2.9 s finds both
    // slots busy and is throttled.
    let r = run(&warm_start_scenario("account_concurrency = 2")).expect("runs");
    let t = &r.deployments[0].recorder.totals;
    assert_eq!((t.requests, t.throttled, t.completed), (4, 1, 3));
    // Account 1 for the three: a at 0 s runs; b at 1.5 s runs (a is idle by then); a at 2 s
    // finds its warm instance but the account busy with b: throttled; r at 2.9 s throttled.
    let r = run(&warm_start_scenario("account_concurrency = 1")).expect("runs");
    let rec = &r.deployments[0].recorder;
    assert_eq!((rec.totals.throttled, rec.totals.completed), (2, 2));
    assert!((rec.latency.mean_us().unwrap() / 1e6 - 5.5).abs() < 1e-9);
}

#[test]
fn a_warm_instance_does_not_bypass_the_share_left_after_reservations() {
    // Account 2 with 1 reserved for r leaves 1 to a and b together: a at 2 s is throttled
    // although its instance is warm, while r at 2.9 s runs in its reservation.
    let r = run(&warm_start_scenario(
        "account_concurrency = 2\nreserved_concurrency = { r = 1 }",
    ))
    .expect("runs");
    let rec = &r.deployments[0].recorder;
    assert_eq!((rec.totals.throttled, rec.totals.completed), (1, 3));
    // Latencies: a 1 s, b 10 s, r 1 ms.
    assert!((rec.latency.mean_us().unwrap() / 1e6 - 11.001 / 3.0).abs() < 1e-9);
}
