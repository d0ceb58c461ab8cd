//! Deployments run together share one request stream (`src/workload/broadcast.rs`); each
//! must come out exactly as if it had run alone on its own stream, and a trace that turns out
//! malformed part-way must stop every deployment with the trace's own located error.

use std::path::Path;

use serverless_sim::run::{self, RunResult};
use serverless_sim::scenario::Scenario;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `run` on a pool of `threads` worker threads (more than one: the deployments share a
/// stream; one: each opens its own, one after another).
fn run_on(scenario: &Scenario, threads: usize) -> RunResult {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| run::run(scenario))
        .unwrap()
}

/// Every deployment's whole result (recorder, meters, bill, quotas) as text: `{:?}` prints
/// each float in full, so equal text is equal numbers.
fn deployments(run: &RunResult) -> Vec<String> {
    run.deployments.iter().map(|d| format!("{d:?}")).collect()
}

fn assert_each_deployment_alone_gives_the_same(path: &str) {
    let scenario = Scenario::load(&root().join(path)).unwrap();
    assert!(scenario.deployments.len() >= 3, "{path}");
    let together = deployments(&run_on(&scenario, 4));
    for (i, d) in scenario.deployments.iter().enumerate() {
        let mut alone = scenario.clone();
        alone.deployments = vec![d.clone()];
        let result = run_on(&alone, 1);
        assert_eq!(
            deployments(&result),
            vec![together[i].clone()],
            "{path}: deployment '{}' differs when run alone",
            d.name
        );
    }
    // And the whole scenario on one thread, each deployment on its own stream.
    assert_eq!(deployments(&run_on(&scenario, 1)), together, "{path}");
}

#[test]
fn a_synthetic_scenario_gives_each_deployment_what_it_gets_alone() {
    // Four deployments (FaaS behind gateways, no keep-alive, a fleet), 2.3 M requests.
    assert_each_deployment_alone_gives_the_same("scenarios/web-api.toml");
}

#[test]
fn a_trace_replay_gives_each_deployment_what_it_gets_alone() {
    // Six deployments on the shipped Azure 2019 excerpt (339,657 invocations).
    assert_each_deployment_alone_gives_the_same("scenarios/azure-sample.toml");
}

#[test]
fn a_trace_malformed_part_way_stops_every_shared_deployment_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    // 9,001 well-formed invocations (several broadcast blocks) when the scenario is loaded;
    // the last is out of order when the run reads the file again.
    let mut csv = String::from("timestamp,function,duration_ms\n");
    for i in 0..9_000 {
        csv.push_str(&format!("{:.2},f,5\n", i as f64 * 0.25));
    }
    let good = format!("{csv}2250.00,f,5\n");
    let bad = format!("{csv}0001.00,f,5\n");
    std::fs::write(dir.path().join("t.csv"), good).unwrap();
    let deployment = |name: &str| {
        format!(
            "[[deployments]]\nname = \"{name}\"\n[deployments.compute]\n\
             pricing = \"aws-lambda-x86\"\ncold_start = {{ dist = \"constant\", value = \"100ms\" }}\n"
        )
    };
    let text = format!(
        "name = \"bad\"\nduration = \"1h\"\n[workload.trace]\nformat = \"csv\"\n\
         file = \"t.csv\"\nmemory = \"128MB\"\n{}{}{}",
        deployment("a"),
        deployment("b"),
        deployment("c")
    );
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let scenario = Scenario::load(&path).unwrap();
    std::fs::write(dir.path().join("t.csv"), bad).unwrap();
    for threads in [4, 1] {
        let error = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run::run(&scenario))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("t.csv:9002: timestamp (column 1): out of order"),
            "{threads} threads: {error}"
        );
    }
}
