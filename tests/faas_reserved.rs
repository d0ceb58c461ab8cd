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
        rec.latency.mean_us() / 1e6,
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
