//! The fleet's queue limit: a request that finds the queue full is rejected at once (counted
//! as failed and as rejected, in the recorder and in summary.csv), expired requests make room
//! first, and an overloaded fleet without timeout keeps a bounded queue. Hand-computed.

mod common;

use common::{deployment, run_text, scenario};
use serverless_sim::platform::ComputeSpec;
use serverless_sim::platform::fleet::DEFAULT_QUEUE_LIMIT;

/// One function, execution `exec` (constant), arrivals every `every` from 0 for `duration`,
/// on a fleet of one instance with one worker plus the `extra` compute keys.
fn one_worker(duration: &str, every: &str, exec: &str, extra: &str) -> String {
    format!(
        r#"
duration = "{duration}"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "{exec}" }}
arrivals = {{ process = "fixed_interval", every = "{every}" }}

[[deployments]]
name = "fleet"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
{extra}
[deployments.compute.billing]
instance_hours = {{ usd = 0.1 }}
"#
    )
}

#[test]
fn a_full_queue_rejects_the_excess() {
    // Arrivals at 0, 0.1, ..., 0.9 s; service 1 s; queue_limit 2.
    // 0 s: served at once (done at 1 s). 0.1 s and 0.2 s: queued (2 waiting).
    // 0.3 .. 0.9 s: the queue is full: 7 rejected.
    // 1 s: the request of 0.1 s starts (done at 2 s, latency 1.9 s); 2 s: that of 0.2 s
    // (done at 3 s, latency 2.8 s).
    let r = run_text(&one_worker("1s", "100ms", "1s", "queue_limit = 2"));
    let t = &deployment(&r, "fleet").recorder.totals;
    assert_eq!(t.requests, 10);
    assert_eq!(t.completed, 3);
    assert_eq!(t.rejected, 7);
    assert_eq!(t.failed, 7);
    assert_eq!(t.timed_out, 0);
    let lat = &deployment(&r, "fleet").recorder.latency;
    assert_eq!(lat.max_us(), Some(2_800_000));
    assert!((lat.mean_us().unwrap() - (1.0 + 1.9 + 2.8) / 3.0 * 1e6).abs() < 1e-6);
}

#[test]
fn expired_requests_make_room_before_a_rejection() {
    // As above with queue_timeout 150 ms. 0.1 and 0.2 s queue. At 0.3 s the queue is full, but the
    // request of 0.1 s has waited 200 ms > 150: it times out, and 0.3 s takes its place. The
    // same at every arrival up to 0.9 s (dropping 0.2 .. 0.7 s). At 1 s the worker frees:
    // 0.8 s has waited 200 ms (times out), 0.9 s has waited 100 ms and is served.
    // Served: 0 s and 0.9 s; timed out: 0.1 .. 0.8 s (8); rejected: none.
    let r = run_text(&one_worker(
        "1s",
        "100ms",
        "1s",
        "queue_limit = 2\nqueue_timeout = \"150ms\"",
    ));
    let t = &deployment(&r, "fleet").recorder.totals;
    assert_eq!(t.requests, 10);
    assert_eq!(t.completed, 2);
    assert_eq!(t.timed_out, 8);
    assert_eq!(t.rejected, 0);
    assert_eq!(t.failed, 8);
}

#[test]
fn an_overloaded_fleet_without_timeout_keeps_a_bounded_queue() {
    // Service 12 ms, a request every 1 ms: 12x overloaded for 60 s (60,000 requests). With
    // queue_limit 100 nobody waits behind more than 100 others: the worst latency is at most
    // 101 services (1.212 s), the worker is busy all the time, so 5,000 requests complete in
    // the window and at most the 100 queued ones after it; every other one is rejected.
    let r = run_text(&one_worker("60s", "1ms", "12ms", "queue_limit = 100"));
    let d = deployment(&r, "fleet");
    let t = &d.recorder.totals;
    assert_eq!(t.requests, 60_000);
    assert!(
        d.recorder.latency.max_us().unwrap() <= 101 * 12_000,
        "{:?}",
        d.recorder.latency.max_us()
    );
    assert!((5_000..=5_101).contains(&t.completed), "{}", t.completed);
    assert_eq!(t.rejected, t.requests - t.completed);
    assert_eq!(t.failed, t.rejected);
}

#[test]
fn the_default_limit_applies_with_or_without_a_timeout() {
    for extra in ["", "queue_timeout = \"30s\""] {
        let s = scenario(&one_worker("1s", "100ms", "1s", extra));
        let ComputeSpec::Fleet(f) = &s.deployments[0].compute else {
            panic!("a fleet");
        };
        assert_eq!(f.queue_limit, 1_000_000, "{extra}");
        assert_eq!(DEFAULT_QUEUE_LIMIT, 1_000_000);
    }
}

#[test]
fn rejected_has_its_summary_column() {
    let r = run_text(&one_worker("1s", "100ms", "1s", "queue_limit = 2"));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report");
    serverless_sim::report::write_reports(&r, &out).unwrap_or_else(|e| panic!("{e}"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).expect("summary.csv");
    let mut lines = summary.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("a row").split(',').collect();
    let rejected = header
        .iter()
        .position(|h| *h == "rejected")
        .expect("rejected");
    assert_eq!(row[rejected], "7");
    let failed = header.iter().position(|h| *h == "failed").expect("failed");
    assert_eq!(row[failed], "7");
    // It sits with the other failure counts.
    assert_eq!(
        &header[..5],
        ["deployment", "model", "requests", "completed", "failed"]
    );
    assert_eq!(
        header[rejected - 2..=rejected],
        ["throttled", "timed_out", "rejected"]
    );
}

#[test]
fn queue_limit_is_checked() {
    for (value, message) in [
        ("0", "must be a whole number from 1 to 4294967295 (got 0)"),
        (
            "4294967296",
            "must be a whole number from 1 to 4294967295 (got 4294967296)",
        ),
    ] {
        let text = one_worker("1s", "100ms", "1s", &format!("queue_limit = {value}"));
        let err = serverless_sim::scenario::Scenario::parse("q.toml".as_ref(), &text)
            .expect_err("refused")
            .to_string();
        let line = text
            .lines()
            .position(|l| l.starts_with("queue_limit"))
            .expect("line")
            + 1;
        assert!(
            err.starts_with(&format!(
                "q.toml:{line}:15: deployments[0].compute.queue_limit: "
            )) && err.ends_with(message),
            "{err}"
        );
    }
    // Only fleets have a queue.
    let text = common::FAAS_BILLING;
    let faas = format!(
        r#"
duration = "1s"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "1ms" }}
arrivals = {{ process = "poisson", rate = "1/s" }}
[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "1ms" }}
keep_alive = {{ policy = "none" }}
queue_limit = 5
{text}"#
    );
    let err = serverless_sim::scenario::Scenario::parse("q.toml".as_ref(), &faas)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains(
            "deployments[0].compute.queue_limit: `queue_limit` is a fleet key; this compute model is faas"
        ),
        "{err}"
    );
}
