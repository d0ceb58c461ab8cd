//! Parallel backend call groups: `calls = { g = { parallel = true, db = { read = 1 }, ... } }`
//! makes the group's operations at once, so the call waits for the slowest; every operation
//! is still billed. Hand-computed with constant latencies (docs/models.md, "BaaS").

mod common;

use common::billing::line;
use common::{deployment, run_text};

/// A fleet (no cold start, so latency = execution + backend) serving 1 call a second for a
/// minute of a function with 10 ms of execution and `calls`; db reads take 5 ms, cache gets 2.
fn run(calls: &str) -> serverless_sim::run::RunResult {
    run_text(&format!(
        r#"name = "parallel"
duration = "1m"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "fixed_interval", every = "1s" }}
calls = {calls}
[[deployments]]
name = "fleet"
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
[deployments.compute.billing]
instance_hours = {{ usd = 0.0 }}
[[deployments.services]]
name = "db"
latency = {{ dist = "constant", value = "5ms" }}
operations.read = {{ price = {{ usd = 1.0 }} }}
[[deployments.services]]
name = "cache"
latency = {{ dist = "constant", value = "2ms" }}
operations.get = {{ price = {{ usd = 0.5 }} }}
"#
    ))
}

#[test]
fn a_parallel_group_takes_as_long_as_its_slowest_operation() {
    // 10 ms execution + 2 reads one after another (10 ms) + a group of 1 read (5 ms) and 3
    // gets (2 ms each) at once (5 ms) = 25 ms.
    let r = run(
        "{ db = { read = 2 }, together = { parallel = true, db = { read = 1 }, cache = { get = 3 } } }",
    );
    let d = deployment(&r, "fleet");
    let latency = &d.recorder.latency;
    assert_eq!(d.recorder.totals.completed, 60);
    assert_eq!(latency.mean_us(), Some(25_000.0));
    assert_eq!(latency.min_us(), Some(25_000));
    assert_eq!(latency.max_us(), Some(25_000));
    // Every operation is billed: 3 reads at $1 and 3 gets at $0.50 a call.
    assert_eq!(line(d, "read").window_quantity, 180.0);
    assert_eq!(line(d, "get").window_quantity, 180.0);
    assert!((line(d, "read").window_usd - 180.0).abs() < 1e-9);
    assert!((line(d, "get").window_usd - 90.0).abs() < 1e-9);
}

#[test]
fn a_group_that_is_not_parallel_is_made_one_after_another() {
    // 10 + 2 x 5 + (5 + 3 x 2) = 31 ms.
    let r = run(
        "{ db = { read = 2 }, together = { parallel = false, db = { read = 1 }, cache = { get = 3 } } }",
    );
    assert_eq!(
        deployment(&r, "fleet").recorder.latency.max_us(),
        Some(31_000)
    );
    // Two groups, each waiting for its own slowest: 10 + max(5, 2) + max(2) = 17 ms.
    let r = run(
        "{ a = { parallel = true, db = { read = 1 }, cache = { get = 1 } }, b = { parallel = true, cache = { get = 2 } } }",
    );
    assert_eq!(
        deployment(&r, "fleet").recorder.latency.max_us(),
        Some(17_000)
    );
}

#[test]
fn bad_groups_are_located() {
    for (calls, field, msg) in [
        (
            "{ g = { parallel = 3, db = { read = 1 } } }",
            "workload.functions[0].calls.g.parallel",
            "must be true or false",
        ),
        (
            "{ g = { parallel = \"yes\", db = { read = 1 } } }",
            "workload.functions[0].calls.g.parallel",
            "must be true or false (got the string \"yes\")",
        ),
        (
            "{ g = { parallel = true, db = 1 } }",
            "workload.functions[0].calls.g.db",
            "in a group each key but `parallel` is a service",
        ),
        (
            "{ db = { read = { x = 1 } } }",
            "workload.functions[0].calls.db.read",
            "must be a whole number of operations per call",
        ),
        (
            "{ g = { parallel = true, db = { read = -1 } } }",
            "workload.functions[0].calls.g.db.read",
            "must be a whole number from 0 to 10000 (got -1)",
        ),
    ] {
        let text = format!(
            "name = \"p\"\nduration = \"1m\"\n[[workload.functions]]\nname = \"f\"\nmemory = \"128MB\"\n\
             execution = {{ dist = \"constant\", value = \"10ms\" }}\n\
             arrivals = {{ process = \"fixed_interval\", every = \"1s\" }}\ncalls = {calls}\n"
        );
        let e = serverless_sim::scenario::Scenario::parse("p.toml".as_ref(), &text)
            .expect_err(calls)
            .to_string();
        assert!(e.starts_with("p.toml:8:"), "{e}");
        assert!(e.contains(&format!(": {field}: ")), "{e} (want {field})");
        assert!(e.contains(msg), "{e} (want {msg})");
    }
}
