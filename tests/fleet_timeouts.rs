//! A fleet's two timeouts, on hand-computed micro scenarios (one worker, constant or traced
//! service times): `queue_timeout` drops a request still waiting past it (never started);
//! `request_timeout` fails a request whose response comes later than that after its arrival,
//! for the client only: the worker finishes the work, and the queue behind it waits as long
//! as it would have. A bare `timeout` on a fleet is a located error naming both.

mod common;

use common::{deployment, replay_calls, run_text};
use serverless_sim::platform::DeploymentResult;
use serverless_sim::scenario::Scenario;

/// Requests at 0, 40, 80, 120 and 160 ms, 100 ms of service each, on fleets added after.
const FIVE_REQUESTS: &str = r#"
name = "timeouts"
seed = 1
duration = "200ms"
bucket = "200ms"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = { dist = "constant", value = "100ms" }
arrivals = { process = "fixed_interval", every = "40ms" }
"#;

/// A one-instance fleet named `name` with `workers` workers and the `extra` compute keys.
fn fleet(name: &str, workers: u32, extra: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "fleet"
instances = 1
workers = {workers}
{extra}
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
"#
    )
}

/// Completed, timed-out, and the completed requests' mean and max latency (ms).
fn outcome(d: &DeploymentResult) -> (u64, u64, f64, f64) {
    let t = &d.recorder.totals;
    assert_eq!(t.failed, t.timed_out, "{}: only timeouts fail", d.name);
    assert_eq!(t.completed + t.timed_out, t.requests, "{}", d.name);
    let lat = &d.recorder.latency;
    (
        t.completed,
        t.timed_out,
        lat.mean_us().unwrap() / 1e3,
        lat.max_us().unwrap() as f64 / 1e3,
    )
}

#[test]
fn request_timeout_fails_late_responses_and_keeps_the_worker_busy() {
    // One worker, FIFO: service starts at 0, 100, 200, 300, 400 ms whatever the client does
    // (the server does not know it gave up), so latencies are 100, 160, 220, 280, 340.
    // - request_timeout 200 ms: 100 and 160 are in time (mean 130, max 160); 3 time out.
    // - request_timeout 220 ms: a response at exactly the limit is in time: 100, 160, 220
    //   (mean 160, max 220); 2 time out.
    // - queue_timeout 120 ms as well as request_timeout 200 ms: at 300 ms the requests of
    //   120 and 160 ms have waited 180 and 140 ms > 120 and are dropped unserved; the one of
    //   80 ms (waited exactly 120) is served, done at 300: 220 ms > 200, timed out. Completed
    //   100 and 160; 3 time out.
    // - two workers, request_timeout 150 ms: 0-100, 40-140, 100-200 (latency 120), 140-240
    //   (120), 200-300 (140): all in time, the same as with no timeout.
    let mut text = FIVE_REQUESTS.to_string();
    text += &fleet("rt-200", 1, r#"request_timeout = "200ms""#);
    text += &fleet("rt-220", 1, r#"request_timeout = "220ms""#);
    text += &fleet(
        "qt-120-rt-200",
        1,
        "queue_timeout = \"120ms\"\nrequest_timeout = \"200ms\"",
    );
    text += &fleet("two-rt-150", 2, r#"request_timeout = "150ms""#);
    let r = run_text(&text);
    for (name, want) in [
        ("rt-200", (2, 3, 130.0, 160.0)),
        ("rt-220", (3, 2, 160.0, 220.0)),
        ("qt-120-rt-200", (2, 3, 130.0, 160.0)),
        ("two-rt-150", (5, 0, 116.0, 140.0)),
    ] {
        let got = outcome(deployment(&r, name));
        assert_eq!(got.0, want.0, "{name}: completed");
        assert_eq!(got.1, want.1, "{name}: timed out");
        assert!((got.2 - want.2).abs() < 1e-9, "{name}: mean {}", got.2);
        assert!((got.3 - want.3).abs() < 1e-9, "{name}: max {}", got.3);
    }
}

#[test]
fn a_timed_out_request_still_holds_its_worker_until_its_work_ends() {
    // One worker, request_timeout 1 s. A arrives at 0 s and runs 3 s: the client gives up at
    // 1 s, the worker is busy until 3 s. B (0.5 s, 100 ms) waits for it: starts at 3.0, done
    // at 3.1, 2.6 s after its arrival, so its client gave up at 1.5 s. C (3.05 s, 100 ms)
    // starts at 3.1, done at 3.2: 150 ms, in time. (A server that dropped A at 1 s would have
    // served B by 1.1 s, in time.)
    let calls = [
        (0.0, "f", "a", 3000.0),
        (0.5, "f", "a", 100.0),
        (3.05, "f", "a", 100.0),
    ];
    let r = replay_calls(
        &calls,
        "4s",
        "",
        &fleet("lb", 1, r#"request_timeout = "1s""#),
    );
    let d = deployment(&r, "lb");
    let t = &d.recorder.totals;
    assert_eq!((t.requests, t.completed, t.timed_out), (3, 1, 2));
    assert_eq!(d.recorder.latency.max_us(), Some(150_000));
    assert_eq!(d.recorder.latency.mean_us(), Some(150_000.0));
}

#[test]
fn failures_are_booked_at_the_clients_deadline() {
    // The five requests of the first test, replayed from a trace over a 1 s window in 40 ms
    // buckets, request_timeout 200 ms: those of 80, 120 and 160 ms time out at 280, 320 and
    // 360 ms (buckets 7, 8, 9), whenever their work ends; completions at 100 and 200 ms
    // (buckets 2 and 5).
    let dir = tempfile::tempdir().unwrap();
    let csv: String = (0..5)
        .map(|k| format!("{},f,a,100,128\n", k as f64 * 0.04))
        .collect();
    std::fs::write(
        dir.path().join("calls.csv"),
        format!("timestamp,function,app,duration_ms,memory_mb\n{csv}"),
    )
    .unwrap();
    let text = format!(
        "duration = \"1s\"\nbucket = \"40ms\"\n[workload.trace]\nformat = \"csv\"\n\
         file = \"calls.csv\"\n{}",
        fleet("rt-200", 1, r#"request_timeout = "200ms""#)
    );
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let r = serverless_sim::run::run(&Scenario::load(&path).unwrap()).unwrap();
    let d = deployment(&r, "rt-200");
    let buckets = &d.recorder.buckets;
    let failed: Vec<usize> = (0..buckets.len())
        .filter(|&b| buckets[b].failed > 0)
        .collect();
    let completed: Vec<usize> = (0..buckets.len())
        .filter(|&b| buckets[b].completed > 0)
        .collect();
    assert_eq!(failed, [7, 8, 9]);
    assert_eq!(completed, [2, 5]);
}

#[test]
fn a_bare_fleet_timeout_is_a_located_error_naming_both_timeouts() {
    let text = FIVE_REQUESTS.to_string() + &fleet("old", 1, r#"timeout = "30s""#);
    let e = Scenario::parse("old.toml".as_ref(), &text)
        .unwrap_err()
        .to_string();
    let line = text
        .lines()
        .position(|l| l.starts_with("timeout = "))
        .unwrap()
        + 1;
    assert!(
        e.starts_with(&format!(
            "old.toml:{line}:11: deployments[0].compute.timeout: a fleet has two timeouts: \
             write queue_timeout"
        )),
        "{e}"
    );
    assert!(
        e.contains("queue_timeout = \"30s\" keeps what timeout = \"30s\" meant before")
            && e.contains("request_timeout (how long the load balancer waits"),
        "{e}"
    );
    // And the fleet keys on a FaaS deployment.
    let faas = FIVE_REQUESTS.to_string()
        + r#"
[[deployments]]
name = "lam"
[deployments.compute]
pricing = "aws-lambda-x86"
cold_start = { dist = "constant", value = "100ms" }
request_timeout = "30s"
"#;
    let e = Scenario::parse("faas.toml".as_ref(), &faas)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "deployments[0].compute.request_timeout: `request_timeout` is a fleet key; this compute model is faas"
        ),
        "{e}"
    );
    // Values are checked like every duration, and located.
    // (Line 18 of the text; the column is where the value starts.)
    for (written, want) in [
        (
            "request_timeout = 30",
            "18:19: deployments[0].compute.request_timeout: must be a string such as \"10m\" (got 30)",
        ),
        (
            "queue_timeout = \"0s\"",
            "18:17: deployments[0].compute.queue_timeout: must be greater than zero (got '0s')",
        ),
    ] {
        let text = FIVE_REQUESTS.to_string() + &fleet("bad", 1, written);
        let e = Scenario::parse("bad.toml".as_ref(), &text)
            .unwrap_err()
            .to_string();
        assert_eq!(e, format!("bad.toml:{want}"));
    }
}

#[test]
fn busy_workers_are_integrated_for_worker_utilisation() {
    use serverless_sim::metrics::Level;
    // One VM of 4 workers; a 500 ms request every second from t = 0 over 100 s: exactly one
    // worker busy half the time, so 0.5 busy workers on average, 12.5% of the 4 workers.
    let r = common::run_text(
        r#"name = "util"
duration = "100s"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = { dist = "constant", value = "500ms" }
arrivals = { process = "fixed_interval", every = "1s" }
[[deployments]]
name = "vm"
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
[deployments.compute.billing]
instance_hours = { usd = 0.1 }
"#,
    );
    let rec = &r.deployments[0].recorder;
    assert_eq!(rec.slots_per_instance, 4);
    let busy_workers = rec.levels[Level::BusySlots as usize].window_mean();
    assert!((busy_workers - 0.5).abs() < 1e-12, "{busy_workers}");
    assert_eq!(rec.levels[Level::BusySlots as usize].peak(), 1);
    assert!((rec.levels[Level::Busy as usize].window_mean() - 0.5).abs() < 1e-12);
}
