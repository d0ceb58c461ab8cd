//! A fleet whose instances have a memory size: requests need their function's memory free,
//! and the queue stays FIFO. Hand-computed.

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

fn latencies(text: &str) -> (f64, u64, u64) {
    let s = Scenario::parse(Path::new("memory.toml"), text).expect("valid scenario");
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
    let (mean, max, done) = latencies(&scenario("instance_memory = \"4GB\""));
    assert_eq!(done, 3);
    assert_eq!(max, 19_000_000);
    assert!((mean - 38e6 / 3.0).abs() < 1e-3, "{mean}");
}

#[test]
fn without_memory_only_workers_limit() {
    // Four workers, three requests: nobody waits. Mean (10 + 10 + 1) / 3 s.
    let (mean, max, done) = latencies(&scenario(""));
    assert_eq!(done, 3);
    assert_eq!(max, 10_000_000);
    assert!((mean - 7e6).abs() < 1e-3, "{mean}");
}

#[test]
fn a_function_larger_than_an_instance_is_refused() {
    // The per-request memory a fleet checks is server_memory (the FaaS memory never caps it).
    let text = scenario("instance_memory = \"2GB\"").replace(
        "memory = \"3GB\"\n",
        "memory = \"3GB\"\nserver_memory = \"3GB\"\n",
    );
    let err = Scenario::parse(Path::new("memory.toml"), &text)
        .expect_err("3 GB requests cannot run on 2 GB instances")
        .to_string();
    assert!(
        err.contains("memory.toml:")
            && err.contains("deployments[0].compute.instance_memory")
            && err.contains("function 'big-1' has server_memory = 3072 MB"),
        "{err}"
    );
}
