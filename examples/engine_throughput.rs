//! Runs one deployment of a scenario without writing reports and prints simulated requests
//! per second: a quick, profiler-friendly companion to `benches/engine.rs`.
//!
//! Usage: `cargo run --release --example engine_throughput -- <scenario.toml> [deployment]`
//! (`perf record` or `valgrind --tool=callgrind` on the built example profile the engine
//! alone).

use std::time::Instant;

use serverless_sim::platform::simulate;
use serverless_sim::rng::Streams;
use serverless_sim::scenario::Scenario;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: engine_throughput <scenario.toml> [deployment]")?;
    let scenario = Scenario::load(path.as_ref())?;
    let index = match args.next() {
        Some(name) => scenario
            .deployments
            .iter()
            .position(|d| d.name == name)
            .ok_or_else(|| format!("no deployment named {name}"))?,
        None => 0,
    };
    let deployment = &scenario.deployments[index];
    let start = Instant::now();
    let result = simulate(
        deployment,
        &scenario.workload,
        Streams::new(scenario.seed, 0),
        scenario.window,
    )?;
    let secs = start.elapsed().as_secs_f64();
    let requests = result.recorder.totals.requests;
    println!(
        "{}: {requests} requests in {secs:.3} s = {:.2} M requests/s",
        deployment.name,
        requests as f64 / secs / 1e6
    );
    Ok(())
}
