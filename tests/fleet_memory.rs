//! A fleet whose instances have a memory size: requests need their function's
//! `server_memory` free, and the queue stays FIFO; a function's FaaS `memory` does not limit
//! a fleet. Hand-computed.

use std::path::Path;

use serverless_sim::run::run;
use serverless_sim::scenario::Scenario;

/// One instance with 4 workers. `big-1` (3 GB, 10 s) arrives at 0 s, `big-2` (3 GB, 10 s) at
/// 1 s, `small` (1 GB, 1 s) at 2 s; the window is 30 s.
fn scenario(instance_memory: &str) -> String {
    let function = |name: &str, memory: &str, exec: &str, offset: &str| {
        format!(
            "[[workload.functions]]\nname = \"{name}\"\nmemory = \"{memory}\"\n\
             execution = {{ dist = \"constant\", value = \"{exec}\" }}\n\
             arrivals = {{ process = \"fixed_interval\", every = \"1h\", offset = \"{offset}\" }}\n"
        )
    };
    format!(
        "duration = \"30s\"\n{}{}{}\n[[deployments]]\nname = \"fleet\"\n[deployments.compute]\n\
         model = \"fleet\"\ninstances = 1\nworkers = 4\n{instance_memory}\n\
         [deployments.compute.billing]\ninstance_hours = {{ usd = 0.1 }}\n",
        function("big-1", "3GB", "10s", "0s"),
        function("big-2", "3GB", "10s", "1s"),
        function("small", "1GB", "1s", "2s"),
    )
}

/// Mean and max latency and completions of `text`, each function holding its `memory` on
/// the server (`server_memory`, set on the parsed scenario) when `server_memory` is true.
fn latencies(text: &str, server_memory: bool) -> (f64, u64, u64) {
    let mut s = Scenario::parse(Path::new("memory.toml"), text).expect("valid scenario");
    if server_memory {
        for f in &mut s.workload.functions {
            f.faas.server_memory_mb = Some(f.memory_mb);
        }
    }
    let r = run(&s).expect("runs");
    let lat = &r.deployments[0].recorder.latency;
    (
        lat.mean_us().unwrap(),
        lat.max_us().unwrap(),
        r.deployments[0].recorder.totals.completed,
    )
}

#[test]
fn memory_holds_back_a_request_and_fifo_holds_back_the_next() {
    // big-2 needs 3 GB but only 1 GB is free until big-1 ends at 10 s: it runs 10..20 s
    // (latency 19 s). small would fit, but queues behind big-2 (FIFO) and starts with it at
    // 10 s (latency 9 s). Mean (10 + 19 + 9) / 3 s.
    let (mean, max, done) = latencies(&scenario("instance_memory = \"4GB\""), true);
    assert_eq!(done, 3);
    assert_eq!(max, 19_000_000);
    assert!((mean - 38e6 / 3.0).abs() < 1e-3, "{mean}");
}

#[test]
fn without_memory_only_workers_limit() {
    // Four workers, three requests: nobody waits. Mean (10 + 10 + 1) / 3 s.
    let (mean, max, done) = latencies(&scenario(""), true);
    assert_eq!(done, 3);
    assert_eq!(max, 10_000_000);
    assert!((mean - 7e6).abs() < 1e-3, "{mean}");
    // With an instance memory but no server_memory: the same, memory is never checked.
    let (mean, max, done) = latencies(&scenario("instance_memory = \"4GB\""), false);
    assert_eq!(done, 3);
    assert_eq!(max, 10_000_000);
    assert!((mean - 7e6).abs() < 1e-3, "{mean}");
}

#[test]
fn a_function_larger_than_an_instance_is_refused() {
    let text = scenario("instance_memory = \"2GB\"");
    let err = Scenario::parse(Path::new("memory.toml"), &text)
        .expect_err("3 GB functions cannot run on 2 GB instances")
        .to_string();
    assert!(
        err.contains("memory.toml:")
            && err.contains("deployments[0].compute.instance_memory")
            && err.contains("function 'big-1' needs 3072 MB"),
        "{err}"
    );
}

#[test]
fn a_fargate_task_serves_as_many_requests_as_it_has_workers() {
    // A 1 GB task with 8 workers; eight 512 MB requests of 10 s arrive at 0 s (eight
    // functions, one call each). The FaaS memory does not cap a fleet: all eight run at once,
    // latency 10 s each. (Before, the 512 MB function memory let only two run at once:
    // latencies 10, 10, 20, 20, 30, 30, 40 and 40 s.)
    let functions: String = (0..8)
        .map(|k| {
            format!(
                "[[workload.functions]]\nname = \"api-{k}\"\nmemory = \"512MB\"\n\
                 execution = {{ dist = \"constant\", value = \"10s\" }}\n\
                 arrivals = {{ process = \"fixed_interval\", every = \"1h\", offset = \"0s\" }}\n"
            )
        })
        .collect();
    let text = format!(
        "duration = \"60s\"\n{functions}\n[[deployments]]\nname = \"fargate\"\n\
         [deployments.compute]\nmodel = \"fleet\"\ninstances = 1\nworkers = 8\n\
         instance_memory = \"1GB\"\n[deployments.compute.billing]\ninstance_hours = {{ usd = 0.1 }}\n"
    );
    let (mean, max, done) = latencies(&text, false);
    assert_eq!(done, 8);
    assert_eq!(max, 10_000_000);
    assert!((mean - 10e6).abs() < 1e-3, "{mean}");
    // With server_memory = 512 MB the task holds two at a time, as before.
    let (_, max, done) = latencies(&text, true);
    assert_eq!(done, 8);
    assert_eq!(max, 40_000_000);
}
